import { useState } from 'react';
import {
  EmptyState,
  Link,
  Progress,
  ResponseErrorPanel,
  Table,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { Button, MenuItem, TextField, Typography } from '@material-ui/core';
import { gantryHooksApiRef, HookRun, HookRunStatus } from '../../api/HooksApi';
import { rootRouteRef } from '../../routes';
import { duration, StatusChip } from '../common/StatusChip';
import { useCursorPages } from '../common/useCursorPages';

const STATUSES: Array<HookRunStatus | ''> = [
  '',
  'pending_approval',
  'running',
  'succeeded',
  'failed',
  'denied',
];

/** What a run did, or why it did not. */
function outcome(run: HookRun, root: string) {
  if (run.status === 'pending_approval')
    return <Link to={`${root}/approvals`}>waiting in Approvals</Link>;
  if (run.runId)
    return <Link to={`${root}/runs/${run.runId}`}>workflow run</Link>;
  if (run.error) return run.error;
  return run.results.map(r => `${r.action} ${r.status}`).join(', ');
}

/** A tenant's hook runs, newest first, page by page. */
export function HookRunsTable({ tenant }: { tenant?: string }) {
  const api = useApi(gantryHooksApiRef);
  const root = useRouteRef(rootRouteRef)();
  const [status, setStatus] = useState<HookRunStatus | ''>('');
  const runs = useCursorPages(
    cursor => api.listHookRuns({ tenant, status: status || undefined, cursor }),
    [tenant, status],
  );

  return (
    <>
      <TextField
        select
        label="Run status"
        value={status}
        onChange={e => setStatus(e.target.value as HookRunStatus | '')}
        style={{ minWidth: 200, margin: '16px 0' }}
      >
        {STATUSES.map(s => (
          <MenuItem key={s} value={s}>
            {s ? s.replace('_', ' ') : 'any'}
          </MenuItem>
        ))}
      </TextField>
      {runs.loading && runs.items.length === 0 && <Progress />}
      {runs.error && <ResponseErrorPanel error={runs.error} />}
      {!runs.loading && !runs.error && runs.items.length === 0 && (
        <EmptyState
          missing="data"
          title={
            status
              ? `No ${status.replace('_', ' ')} hook runs`
              : 'No hook runs yet'
          }
          description="A run appears when an event matches an enabled hook: Gantry's own events (runs, approvals, deployments), events posted to POST /api/gantry/events, or signed webhooks."
        />
      )}
      {runs.items.length > 0 && (
        <Table<HookRun>
          title="Hook runs"
          options={{ paging: false, search: false }}
          data={runs.items}
          columns={[
            { title: 'Hook', field: 'hookName' },
            {
              title: 'Event',
              render: r => (
                <>
                  <code>{r.eventType}</code>
                  <Typography variant="caption" display="block">
                    {r.correlationId}
                  </Typography>
                </>
              ),
            },
            { title: 'Status', render: r => <StatusChip status={r.status} /> },
            { title: 'Outcome', render: r => outcome(r, root) },
            {
              title: 'Created',
              render: r => new Date(r.createdAt).toLocaleString(),
            },
            {
              title: 'Duration',
              render: r => duration(r.startedAt, r.finishedAt),
            },
          ]}
        />
      )}
      {runs.more && (
        <Button onClick={runs.more} style={{ marginTop: 8 }}>
          Load more
        </Button>
      )}
    </>
  );
}
