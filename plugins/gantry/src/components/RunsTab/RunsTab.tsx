import { useState } from 'react';
import {
  EmptyState,
  Link,
  Progress,
  ResponseErrorPanel,
  Table,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { Button, MenuItem, TextField } from '@material-ui/core';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { gantryApiRef, Run } from '../../api';
import { rootRouteRef } from '../../routes';
import { duration, StatusChip } from '../common/StatusChip';

const STATUSES = [
  '',
  'running',
  'waiting_approval',
  'succeeded',
  'failed',
  'cancelled',
  'pending',
];

/** Runs, newest first, with a status filter and page-by-page loading. */
export function RunsTab() {
  const api = useApi(gantryApiRef);
  const root = useRouteRef(rootRouteRef)();
  const [status, setStatus] = useState('');
  const [pages, setPages] = useState<Run[]>([]);
  const [cursor, setCursor] = useState<string | undefined>();
  const first = useAsyncRetry(async () => {
    const page = await api.listRuns({ status: status || undefined });
    setPages(page.items);
    setCursor(page.nextCursor);
    return page;
  }, [status]);

  const more = async () => {
    const page = await api.listRuns({ status: status || undefined, cursor });
    setPages([...pages, ...page.items]);
    setCursor(page.nextCursor);
  };

  if (first.loading && pages.length === 0) return <Progress />;
  if (first.error) return <ResponseErrorPanel error={first.error} />;
  return (
    <>
      <TextField
        select
        label="Status"
        value={status}
        onChange={e => setStatus(e.target.value)}
        style={{ minWidth: 200, marginBottom: 16 }}
      >
        {STATUSES.map(s => (
          <MenuItem key={s} value={s}>
            {s || 'any'}
          </MenuItem>
        ))}
      </TextField>
      {pages.length === 0 ? (
        <EmptyState
          missing="data"
          title="No runs yet"
          description="Open a provider's workflow and press Run, or use gantry run from the command line."
        />
      ) : (
        <Table<Run>
          title="Runs"
          options={{ paging: false, search: false }}
          data={pages}
          columns={[
            {
              title: 'Run',
              render: r => <Link to={`${root}/runs/${r.id}`}>{r.id}</Link>,
            },
            { title: 'Workflow', render: r => r.workflowRef ?? r.workflowName },
            { title: 'Status', render: r => <StatusChip status={r.status} /> },
            { title: 'Profile', field: 'profile' },
            { title: 'Started by', field: 'createdBy' },
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
      {cursor && (
        <Button onClick={more} style={{ marginTop: 8 }}>
          Load more
        </Button>
      )}
    </>
  );
}
