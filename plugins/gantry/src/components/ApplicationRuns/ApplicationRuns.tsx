import { Link, Table } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { ApplicationDetail } from '../../api';
import { rootRouteRef } from '../../routes';
import { StatusChip } from '../common/StatusChip';

type RunRow = {
  runId: string;
  workflow: string;
  origin: string;
  phase: string;
  status: string;
};

/**
 * The runs the deployments and resources point at. A resource's run is most
 * often one of a deployment's, so it is only added when it is not.
 */
function applicationRuns(app: ApplicationDetail): RunRow[] {
  const rows: RunRow[] = app.deployments.flatMap(d =>
    d.runs
      .filter(r => r.runId)
      .map(r => ({
        runId: r.runId!,
        workflow: r.ref,
        origin: `deployment ${d.id}`,
        phase: r.phase ?? 'resource',
        status: r.status,
      })),
  );
  const seen = new Set(rows.map(r => r.runId));
  for (const resource of app.resources) {
    if (!resource.runId || seen.has(resource.runId)) continue;
    seen.add(resource.runId);
    rows.push({
      runId: resource.runId,
      workflow: resource.provider ?? '',
      origin: `resource ${resource.name}`,
      phase: 'resource',
      status: resource.status,
    });
  }
  return rows;
}

/** The runs of an application's latest deployments and of its resources. */
export function ApplicationRuns({ app }: { app: ApplicationDetail }) {
  const root = useRouteRef(rootRouteRef)();
  return (
    <Table<RunRow>
      title="Runs"
      options={{ paging: true, pageSize: 10, search: false }}
      data={applicationRuns(app)}
      columns={[
        {
          title: 'Run',
          render: r => <Link to={`${root}/runs/${r.runId}`}>{r.runId}</Link>,
        },
        { title: 'Workflow', field: 'workflow' },
        { title: 'For', field: 'origin' },
        { title: 'Phase', field: 'phase' },
        { title: 'Status', render: r => <StatusChip status={r.status} /> },
      ]}
    />
  );
}
