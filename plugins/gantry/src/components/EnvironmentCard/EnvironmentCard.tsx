import { useEffect, useState } from 'react';
import { Link } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  Box,
  Button,
  Card,
  CardActions,
  CardContent,
  Typography,
} from '@material-ui/core';
import {
  Environment,
  gantryEnvironmentsApiRef,
} from '../../api/EnvironmentsApi';
import { messageOf } from '../common/errors';
import { formatTime } from '../common/ApprovalSubject';
import { ClassChip, HealthChip } from '../EnvironmentChips/EnvironmentChips';
import { useEnvironmentsPaths } from '../EnvironmentsRoutes/paths';

/** One environment at a glance, with a health check on demand. */
export function EnvironmentCard(props: {
  environment: Environment;
  workflowCount?: number;
  tenant?: string;
}) {
  const api = useApi(gantryEnvironmentsApiRef);
  const paths = useEnvironmentsPaths();
  // the probe's answer replaces the listed one until the list reloads
  const [env, setEnv] = useState(props.environment);
  useEffect(() => setEnv(props.environment), [props.environment]);
  const [checking, setChecking] = useState(false);
  const [problem, setProblem] = useState<string | undefined>();

  const check = async () => {
    setChecking(true);
    setProblem(undefined);
    try {
      setEnv(await api.checkHealth(env.id, { tenant: props.tenant }));
    } catch (e) {
      setProblem(messageOf(e));
    } finally {
      setChecking(false);
    }
  };

  return (
    <Card variant="outlined" data-environment={env.name}>
      <CardContent>
        <Box display="flex" alignItems="center" mb={1}>
          <Typography variant="h6" style={{ marginRight: 8 }}>
            <Link to={paths.environment(env.name)}>{env.name}</Link>
          </Typography>
          <ClassChip value={env.class} />
        </Box>
        <Typography variant="body2">Adapter: {env.adapter}</Typography>
        <Box display="flex" alignItems="center" my={0.5}>
          <Typography variant="body2" style={{ marginRight: 8 }}>
            Health:
          </Typography>
          <HealthChip value={env.health} />
        </Box>
        {env.healthMessage && (
          <Typography variant="body2" color="textSecondary">
            {env.healthMessage}
          </Typography>
        )}
        {env.healthCheckedAt && (
          <Typography variant="caption" color="textSecondary">
            checked {formatTime(env.healthCheckedAt)}
          </Typography>
        )}
        <Typography variant="body2">
          Backups: {env.backupCron ? <code>{env.backupCron}</code> : 'none'}
        </Typography>
        {props.workflowCount !== undefined && (
          <Typography variant="body2">
            Workflows: {props.workflowCount}
          </Typography>
        )}
        {problem && (
          <Typography variant="body2" color="error" role="alert">
            {problem}
          </Typography>
        )}
      </CardContent>
      <CardActions>
        <Button
          size="small"
          onClick={check}
          disabled={checking}
          aria-label={`Check now: health of ${env.name}`}
        >
          {checking ? 'Checking…' : 'Check now'}
        </Button>
      </CardActions>
    </Card>
  );
}
