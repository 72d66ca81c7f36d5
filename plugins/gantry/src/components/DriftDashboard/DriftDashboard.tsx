import { useState } from 'react';
import {
  EmptyState,
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  DRIFT_SEVERITIES,
  gantryDriftManagePermission,
} from '@internal/plugin-gantry-common';
import { Box, Grid, Typography } from '@material-ui/core';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { gantryDriftApiRef } from '../../api/DriftApi';
import { gantryEnvironmentsApiRef } from '../../api/EnvironmentsApi';
import { SeverityChip } from '../DriftChips';
import { useEnvironmentsPaths } from '../EnvironmentsRoutes/paths';
import { IncidentsTable } from '../IncidentsTable';
import { AgeBars } from './AgeBars';
import { LastChecks } from './LastChecks';

function Kpi(props: { label: string; value: number; alarm?: boolean }) {
  return (
    <InfoCard>
      <Typography variant="body2" color="textSecondary">
        {props.label}
      </Typography>
      <Typography
        variant="h3"
        data-kpi={props.label}
        style={props.alarm && props.value > 0 ? { color: '#c62828' } : {}}
      >
        {props.value}
      </Typography>
    </InfoCard>
  );
}

/**
 * Drift at a glance: open and expired incidents, open ones by severity and
 * age, each environment's last check, and the incidents with filters.
 */
export function DriftDashboard(props: { tenant?: string }) {
  const { tenant } = props;
  const api = useApi(gantryDriftApiRef);
  const environmentsApi = useApi(gantryEnvironmentsApiRef);
  const paths = useEnvironmentsPaths();
  const { allowed: mayManage } = usePermission({
    permission: gantryDriftManagePermission,
  });
  // a check may open incidents: the table reloads with the summary
  const [version, setVersion] = useState(0);
  const state = useAsyncRetry(async () => {
    const [summary, environments] = await Promise.all([
      api.getSummary({ tenant }),
      environmentsApi.listEnvironments({ tenant }),
    ]);
    return { summary, environments: environments.items };
  }, [api, environmentsApi, tenant]);

  if (state.loading && !state.value) return <Progress />;
  if (state.error) return <ResponseErrorPanel error={state.error} />;
  const { summary, environments } = state.value!;
  const everDetected = Object.values(summary.byState).some(n => n > 0);

  return (
    <Grid container spacing={2}>
      <Grid item xs={12}>
        <Box display="flex" alignItems="center">
          <Typography variant="h6">Drift</Typography>
          <Box flexGrow={1} />
          <Link to={paths.driftPolicy}>
            {mayManage ? 'Drift policy settings' : 'Drift policy'}
          </Link>
        </Box>
      </Grid>
      {everDetected ? (
        <>
          <Grid item xs={6} md={2}>
            <Kpi label="Open incidents" value={summary.open} />
          </Grid>
          <Grid item xs={6} md={2}>
            <Kpi label="Expired" value={summary.expired} alarm />
          </Grid>
          <Grid item xs={12} md={4}>
            <InfoCard title="Open by severity">
              <Box display="flex" flexWrap="wrap" style={{ gap: 8 }}>
                {DRIFT_SEVERITIES.map(s => (
                  <SeverityChip
                    key={s}
                    value={s}
                    label={`${s}: ${summary.bySeverity[s] ?? 0}`}
                  />
                ))}
              </Box>
            </InfoCard>
          </Grid>
          <Grid item xs={12} md={4}>
            <InfoCard title="Open by age">
              <AgeBars byAge={summary.byAge} />
            </InfoCard>
          </Grid>
        </>
      ) : (
        <Grid item xs={12}>
          <EmptyState
            missing="data"
            title="No drift found"
            description={
              'Every workflow runs as Gantry deployed it. Gantry checks each ' +
              'environment every 15 minutes (dev environments only when the ' +
              'drift policy says so) and opens an incident when a live ' +
              'workflow differs; use "Check now" on an environment to check at once.'
            }
          />
        </Grid>
      )}
      <Grid item xs={12}>
        <LastChecks
          tenant={tenant}
          environments={environments}
          lastChecks={summary.lastChecks}
          mayCheck={mayManage}
          onChecked={() => {
            state.retry();
            setVersion(v => v + 1);
          }}
        />
      </Grid>
      {everDetected && (
        <Grid item xs={12}>
          <IncidentsTable
            tenant={tenant}
            environments={environments.map(e => e.name)}
            version={version}
          />
        </Grid>
      )}
    </Grid>
  );
}
