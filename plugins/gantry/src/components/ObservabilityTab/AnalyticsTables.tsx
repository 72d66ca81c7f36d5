import { EmptyState, Table } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Button, Chip, Tooltip } from '@material-ui/core';
import {
  AnalyticsPage,
  AnalyticsWindow,
  EnvironmentAnalytics,
  ErrorGroup,
  gantryObservabilityApiRef,
  WorkflowAnalytics,
} from '../../api/ObservabilityApi';
import { useCursorPages } from '../common/useCursorPages';
import { formatDuration, formatRate } from './format';

const STATUS_COLOUR: Record<string, 'primary' | 'secondary' | 'default'> = {
  healthy: 'primary',
  degraded: 'default',
  critical: 'secondary',
  unhealthy: 'secondary',
};

export function HealthChip({ status }: { status?: string }) {
  return (
    <Chip
      size="small"
      label={status ?? 'unknown'}
      color={STATUS_COLOUR[status ?? ''] ?? 'default'}
    />
  );
}

const time = (iso?: string) => (iso ? new Date(iso).toLocaleString() : '—');

/** Per environment: the runs' figures next to the environment's heartbeat. */
export function EnvironmentHealthTable(props: {
  items: EnvironmentAnalytics[];
}) {
  if (props.items.length === 0) {
    return (
      <EmptyState
        missing="data"
        title="No environments yet"
        description="Runs that name an environment, and environments added under Environments, show up here."
      />
    );
  }
  return (
    <Table<EnvironmentAnalytics>
      title="Environment health"
      options={{ paging: false, search: false }}
      data={props.items}
      columns={[
        { title: 'Environment', field: 'environment' },
        { title: 'Status', render: r => <HealthChip status={r.status} /> },
        { title: 'Heartbeat', render: r => <HealthChip status={r.health} /> },
        { title: 'Success', render: r => formatRate(r.successRate) },
        { title: 'Runs', field: 'runs' },
        { title: 'p95', render: r => formatDuration(r.p95DurationMs) },
        {
          title: 'Last run',
          render: r =>
            r.lastRunAt ? `${r.lastRunStatus} · ${time(r.lastRunAt)}` : '—',
        },
        {
          title: 'Last failure',
          render: r =>
            r.lastFailure ? (
              <Tooltip title={r.lastFailure.error ?? ''}>
                <span>
                  {r.lastFailure.workflow} · {time(r.lastFailure.finishedAt)}
                </span>
              </Tooltip>
            ) : (
              '—'
            ),
        },
      ]}
    />
  );
}

function usePaged<T>(
  load: (cursor?: string) => Promise<AnalyticsPage<T>>,
  window: AnalyticsWindow,
) {
  return useCursorPages<T>(load, [window]);
}

/** Errors grouped by their normalised message, most frequent first. */
export function ErrorGroupsTable({ window }: { window: AnalyticsWindow }) {
  const api = useApi(gantryObservabilityApiRef);
  const { items, more } = usePaged<ErrorGroup>(
    cursor => api.listErrorGroups({ window, cursor, limit: 10 }),
    window,
  );
  if (items.length === 0) {
    return (
      <EmptyState
        missing="data"
        title="No errors in this window"
        description="Failed runs are grouped here by their message, with numbers, ids and paths taken out."
      />
    );
  }
  return (
    <>
      <Table<ErrorGroup>
        title="Error groups"
        options={{ paging: false, search: false }}
        data={items}
        columns={[
          {
            title: 'Error',
            render: g => (
              <Tooltip title={g.sample}>
                <code>{g.pattern}</code>
              </Tooltip>
            ),
          },
          { title: 'Count', field: 'count' },
          {
            title: 'Workflows',
            render: g => `${g.affectedWorkflows}: ${g.workflows.join(', ')}`,
          },
          { title: 'First seen', render: g => time(g.firstSeen) },
          { title: 'Last seen', render: g => time(g.lastSeen) },
        ]}
      />
      {more && <Button onClick={more}>More error groups</Button>}
    </>
  );
}

/** Per workflow, most runs first. */
export function WorkflowAnalyticsTable({
  window,
}: {
  window: AnalyticsWindow;
}) {
  const api = useApi(gantryObservabilityApiRef);
  const { items, more } = usePaged<WorkflowAnalytics>(
    cursor => api.listWorkflowAnalytics({ window, cursor, limit: 25 }),
    window,
  );
  if (items.length === 0) {
    return (
      <EmptyState
        missing="data"
        title="No finished runs in this window"
        description="Pick a longer window, or run a workflow from Providers: it appears here when it finishes."
      />
    );
  }
  return (
    <>
      <Table<WorkflowAnalytics>
        title="Workflows"
        options={{ paging: false, search: false }}
        data={items}
        columns={[
          { title: 'Workflow', field: 'workflow' },
          { title: 'Runs', field: 'runs' },
          { title: 'Success', render: w => formatRate(w.successRate) },
          { title: 'Average', render: w => formatDuration(w.avgDurationMs) },
          { title: 'p50', render: w => formatDuration(w.p50DurationMs) },
          { title: 'p95', render: w => formatDuration(w.p95DurationMs) },
          {
            title: 'Last failure',
            render: w =>
              w.lastFailure ? (
                <Tooltip title={w.lastFailure.error ?? ''}>
                  <span>{time(w.lastFailure.finishedAt)}</span>
                </Tooltip>
              ) : (
                '—'
              ),
          },
        ]}
      />
      {more && <Button onClick={more}>More workflows</Button>}
    </>
  );
}
