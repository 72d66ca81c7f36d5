import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Box, Button, ButtonGroup, Grid, Typography } from '@material-ui/core';
import { ANALYTICS_WINDOWS } from '@internal/plugin-gantry-common';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import {
  AnalyticsWindow,
  gantryObservabilityApiRef,
} from '../../api/ObservabilityApi';
import {
  EnvironmentHealthTable,
  ErrorGroupsTable,
  HealthChip,
  WorkflowAnalyticsTable,
} from './AnalyticsTables';
import { KpiCards } from './KpiCards';
import { NotificationSettings } from './NotificationSettings';

function WindowSelector(props: {
  value: AnalyticsWindow;
  onChange: (w: AnalyticsWindow) => void;
}) {
  return (
    <ButtonGroup size="small" aria-label="Time window">
      {ANALYTICS_WINDOWS.map(w => (
        <Button
          key={w}
          variant={w === props.value ? 'contained' : 'outlined'}
          color={w === props.value ? 'primary' : 'default'}
          onClick={() => props.onChange(w)}
        >
          {w}
        </Button>
      ))}
    </ButtonGroup>
  );
}

/** The execution dashboard of the tenant, and its notification settings. */
export function ObservabilityTab() {
  const api = useApi(gantryObservabilityApiRef);
  const [window, setWindow] = useState<AnalyticsWindow>('24h');
  const summary = useAsync(() => api.getSummary({ window }), [window]);
  const environments = useAsync(
    () => api.listEnvironmentHealth({ window }),
    [window],
  );

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <Box display="flex" alignItems="center" style={{ gap: 16 }}>
          <WindowSelector value={window} onChange={setWindow} />
          {summary.value && (
            <>
              <HealthChip status={summary.value.status} />
              <Typography variant="body2" color="textSecondary">
                {summary.value.failingWorkflows} failing workflow(s) ·{' '}
                {new Date(summary.value.from).toLocaleString()} –{' '}
                {new Date(summary.value.to).toLocaleString()}
              </Typography>
            </>
          )}
        </Box>
      </Grid>
      <Grid item xs={12}>
        {summary.loading && <Progress />}
        {summary.error && <ResponseErrorPanel error={summary.error} />}
        {summary.value && summary.value.current.runs === 0 && (
          <WarningPanel
            severity="info"
            title={`No runs finished in the last ${window}`}
            message="Figures appear as soon as workflow runs finish; try a longer window."
          />
        )}
        {summary.value && summary.value.current.runs > 0 && (
          <>
            {summary.value.insights.map(i => (
              <WarningPanel
                key={i.message}
                severity={i.severity === 'critical' ? 'error' : i.severity}
                title={i.message}
              />
            ))}
            <KpiCards summary={summary.value} />
          </>
        )}
      </Grid>
      <Grid item xs={12}>
        {environments.error && (
          <ResponseErrorPanel error={environments.error} />
        )}
        {environments.value && (
          <EnvironmentHealthTable items={environments.value.items} />
        )}
      </Grid>
      <Grid item xs={12}>
        <ErrorGroupsTable window={window} />
      </Grid>
      <Grid item xs={12}>
        <WorkflowAnalyticsTable window={window} />
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Notification settings">
          <NotificationSettings />
        </InfoCard>
      </Grid>
    </Grid>
  );
}
