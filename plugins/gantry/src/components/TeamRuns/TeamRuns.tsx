import {
  Link,
  Progress,
  ResponseErrorPanel,
  Table,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { Typography } from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { gantryApiRef, Run } from '../../api';
import { rootRouteRef } from '../../routes';
import { formatTime } from '../common/ApprovalSubject';
import { duration, StatusChip } from '../common/StatusChip';

const LIMIT = 20;

/**
 * "Runs of our providers": the newest runs across the team's providers.
 * The backend filters by one provider, so each is asked for its newest
 * LIMIT and the pages are merged; that is enough for the newest LIMIT overall.
 */
export function TeamRuns(props: { team: string; providers: string[] }) {
  const { team, providers } = props;
  const api = useApi(gantryApiRef);
  const root = useRouteRef(rootRouteRef)();
  const { value, loading, error } = useAsync(async () => {
    const pages = await Promise.all(
      providers.map(provider => api.listRuns({ provider, limit: LIMIT })),
    );
    return pages
      .flatMap(page => page.items)
      .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))
      .slice(0, LIMIT);
  }, [api, providers.join(',')]);

  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  return (
    <Table<Run>
      title="Runs of our providers"
      options={{ paging: false, search: false }}
      data={value ?? []}
      emptyContent={
        <Typography style={{ padding: 16 }}>
          No runs of {team}'s workflows yet — run one from its page.
        </Typography>
      }
      columns={[
        {
          title: 'Run',
          render: r => <Link to={`${root}/runs/${r.id}`}>{r.id}</Link>,
        },
        { title: 'Status', render: r => <StatusChip status={r.status} /> },
        { title: 'Workflow', render: r => r.workflowRef ?? r.workflowName },
        { title: 'Started by', field: 'createdBy' },
        {
          title: 'Started at',
          render: r => formatTime(r.startedAt ?? r.createdAt),
        },
        { title: 'Duration', render: r => duration(r.startedAt, r.finishedAt) },
      ]}
    />
  );
}
