import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import {
  Checkbox,
  FormControlLabel,
  FormGroup,
  Typography,
} from '@material-ui/core';
import { SYNC_SCOPES } from '@internal/plugin-gantry-common';
import { gantryDriftApiRef, SyncJob, SyncScope } from '../../api/DriftApi';
import { FormDialog } from '../common/FormDialog';

const SCOPE_HELP: Record<SyncScope, string> = {
  workflows: 'record the workflows that run (new ones are adopted)',
  credentials:
    'credential names, types and the workflows using them — never secrets',
  tags: 'the tags of the platform',
  executions: 'recent executions and their status',
};

/** Starts a full or selective sync of an environment. */
export function SyncDialog(props: {
  environmentId: string;
  environmentName: string;
  tenant?: string;
  onClose: () => void;
  onStarted: (job: SyncJob) => void;
}) {
  const api = useApi(gantryDriftApiRef);
  const [scopes, setScopes] = useState<SyncScope[]>([...SYNC_SCOPES]);
  return (
    <FormDialog
      title={`Sync ${props.environmentName}`}
      submitLabel="Start sync"
      busyLabel="Starting…"
      canSubmit={scopes.length > 0}
      onClose={props.onClose}
      submit={async () => {
        const job = await api.startSync(
          props.environmentId,
          // every scope is the default: say nothing
          scopes.length === SYNC_SCOPES.length ? undefined : scopes,
          { tenant: props.tenant },
        );
        props.onStarted(job);
      }}
    >
      <Typography variant="body2" paragraph>
        Read what runs in {props.environmentName} into Gantry.
      </Typography>
      <FormGroup>
        {SYNC_SCOPES.map(scope => (
          <FormControlLabel
            key={scope}
            control={
              <Checkbox
                color="primary"
                checked={scopes.includes(scope)}
                onChange={e =>
                  setScopes(
                    e.target.checked
                      ? SYNC_SCOPES.filter(
                          s => s === scope || scopes.includes(s),
                        )
                      : scopes.filter(s => s !== scope),
                  )
                }
              />
            }
            label={
              <>
                {scope}{' '}
                <Typography variant="caption" color="textSecondary">
                  — {SCOPE_HELP[scope]}
                </Typography>
              </>
            }
          />
        ))}
      </FormGroup>
    </FormDialog>
  );
}
