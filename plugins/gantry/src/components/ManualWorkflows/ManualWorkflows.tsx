import { useState } from 'react';
import { InfoCard, Link } from '@backstage/core-components';
import { alertApiRef, useApi, useRouteRef } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  gantryRunCreatePermission,
  SecurityProfile,
} from '@internal/plugin-gantry-common';
import {
  Button,
  List,
  ListItem,
  ListItemSecondaryAction,
  ListItemText,
  MenuItem,
  TextField,
  Tooltip,
} from '@material-ui/core';
import { useNavigate } from 'react-router-dom';
import { gantryApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { messageOf } from '../common/errors';

// planning first is the safe default; the rest of the profiles stay on the workflow page
const PROFILES: SecurityProfile[] = ['plan_only', 'standard'];

/** "Run a workflow": the application's manual product workflows, each one click away. */
export function ManualWorkflows(props: {
  application: string;
  workflows: Array<{ provider: string; workflow: string }>;
}) {
  const { application, workflows } = props;
  const api = useApi(gantryApiRef);
  const alertApi = useApi(alertApiRef);
  const navigate = useNavigate();
  const root = useRouteRef(rootRouteRef)();
  const [profile, setProfile] = useState<SecurityProfile>('plan_only');
  const [starting, setStarting] = useState<string | undefined>();
  const { allowed: mayRun, loading: checking } = usePermission({
    permission: gantryRunCreatePermission,
  });

  const run = async (provider: string, workflow: string) => {
    setStarting(`${provider}/${workflow}`);
    try {
      const started = await api.runManualWorkflow(
        application,
        provider,
        workflow,
        profile,
      );
      navigate(`${root}/runs/${started.id}`);
    } catch (e) {
      alertApi.post({
        message: `Could not start ${provider}/${workflow}: ${messageOf(e)}`,
        severity: 'error',
      });
      setStarting(undefined);
    }
  };

  return (
    <InfoCard
      title="Run a workflow"
      subheader={`Product workflows for ${application}`}
    >
      <TextField
        select
        id="gantry-manual-profile"
        label="Security profile"
        helperText="plan_only plans every step without executing any"
        value={profile}
        onChange={e => setProfile(e.target.value as SecurityProfile)}
        style={{ minWidth: 200 }}
      >
        {PROFILES.map(p => (
          <MenuItem key={p} value={p}>
            {p}
          </MenuItem>
        ))}
      </TextField>
      <List dense>
        {workflows.map(({ provider, workflow }) => {
          const ref = `${provider}/${workflow}`;
          const button = (
            <Button
              variant="contained"
              color="primary"
              size="small"
              aria-label={`Run ${ref}`}
              disabled={!mayRun || starting !== undefined}
              onClick={() => run(provider, workflow)}
            >
              Run
            </Button>
          );
          return (
            <ListItem key={ref}>
              <ListItemText
                primary={
                  <Link
                    to={`${root}/providers/${provider}/workflows/${workflow}`}
                  >
                    {ref}
                  </Link>
                }
              />
              <ListItemSecondaryAction>
                {mayRun || checking ? (
                  button
                ) : (
                  // a disabled button fires no events: the span carries the tooltip
                  <Tooltip title="You may not start runs">
                    <span>{button}</span>
                  </Tooltip>
                )}
              </ListItemSecondaryAction>
            </ListItem>
          );
        })}
      </List>
    </InfoCard>
  );
}
