import { Link, Table, TableColumn } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { Box, Typography } from '@material-ui/core';
import { Deployment, DeploymentRunRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { formatTime } from '../common/ApprovalSubject';
import { duration, StatusChip } from '../common/StatusChip';

/** "resource db" or the phase a workflow ran in. */
function runLabel(run: DeploymentRunRef): string {
  if (run.kind === 'resource') return `resource ${run.resource ?? ''}`.trim();
  return run.phase ?? run.kind;
}

/** What one deployment started, in order, each linking to its run. */
function DeploymentRuns({ deployment }: { deployment: Deployment }) {
  const root = useRouteRef(rootRouteRef)();
  return (
    <>
      {deployment.runs.map((run, i) => (
        <Box
          key={`${run.ref}-${i}`}
          display="flex"
          alignItems="center"
          style={{ gap: 8 }}
        >
          <Typography variant="body2">{runLabel(run)}:</Typography>
          {run.runId ? (
            <Link to={`${root}/runs/${run.runId}`}>{run.ref}</Link>
          ) : (
            run.ref
          )}
          <StatusChip status={run.status} />
        </Box>
      ))}
    </>
  );
}

/**
 * Deployments with their status. `withRuns` adds who deployed, how long it
 * took and the runs of each phase; `pageSize` pages the rows in the table.
 */
export function DeploymentsTable(props: {
  deployments: Deployment[];
  title?: string;
  withRuns?: boolean;
  pageSize?: number;
}) {
  const { deployments, title = 'Deployments', withRuns, pageSize } = props;
  const columns: TableColumn<Deployment>[] = [
    { title: 'Deployment', field: 'id' },
    { title: 'Status', render: d => <StatusChip status={d.status} /> },
    { title: 'When', render: d => formatTime(d.createdAt) },
  ];
  if (withRuns) {
    columns.push(
      { title: 'Took', render: d => duration(d.createdAt, d.finishedAt) },
      { title: 'By', field: 'createdBy' },
      { title: 'Runs', render: d => <DeploymentRuns deployment={d} /> },
    );
  }
  return (
    <Table<Deployment>
      title={title}
      options={{ paging: Boolean(pageSize), pageSize, search: false }}
      data={deployments}
      columns={columns}
    />
  );
}
