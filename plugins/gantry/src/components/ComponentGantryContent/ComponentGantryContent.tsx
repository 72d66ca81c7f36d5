import {
  EmptyState,
  Link,
  Progress,
  ResponseErrorPanel,
  Table,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { Grid } from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { ApplicationDetail, gantryApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { StatusChip } from '../common/StatusChip';
import { ManualWorkflows } from '../ManualWorkflows/ManualWorkflows';

type RunRow = {
  runId: string;
  workflow: string;
  origin: string;
  phase: string;
  status: string;
};

/** A component's Gantry application: its resources and deployments, with their runs. */
export function ComponentGantryContent({ name }: { name: string }) {
  const api = useApi(gantryApiRef);
  const { value, loading, error } = useAsync(
    () => api.getApplication(name),
    [name],
  );
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value) {
    return (
      <EmptyState
        missing="data"
        title={`${name} has not been deployed through Gantry yet`}
        description={`Submit a Score spec with metadata.name: ${name} (gantry deploy score.yaml, or the "New service with a PostgreSQL database" template); its resources, deployments and runs then show here.`}
      />
    );
  }
  return <ApplicationTables app={value} />;
}

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

function ApplicationTables({ app }: { app: ApplicationDetail }) {
  const root = useRouteRef(rootRouteRef)();
  return (
    <Grid container spacing={3}>
      {app.manualWorkflows?.length ? (
        <Grid item xs={12}>
          <ManualWorkflows
            application={app.name}
            workflows={app.manualWorkflows}
          />
        </Grid>
      ) : null}
      <Grid item xs={12} md={6}>
        <Table
          title="Resources"
          options={{ paging: false, search: false }}
          data={app.resources}
          columns={[
            { title: 'Resource', field: 'name' },
            { title: 'Type', field: 'type' },
            { title: 'Provider', field: 'provider' },
            {
              title: 'State',
              render: (r: any) => <StatusChip status={r.status} />,
            },
          ]}
        />
      </Grid>
      <Grid item xs={12} md={6}>
        <Table
          title="Deployments"
          options={{ paging: true, pageSize: 5, search: false }}
          data={app.deployments}
          columns={[
            { title: 'Deployment', field: 'id' },
            {
              title: 'Status',
              render: (d: any) => <StatusChip status={d.status} />,
            },
            {
              title: 'When',
              render: (d: any) => new Date(d.createdAt).toLocaleString(),
            },
          ]}
        />
      </Grid>
      <Grid item xs={12}>
        <Table<RunRow>
          title="Runs"
          options={{ paging: true, pageSize: 10, search: false }}
          data={applicationRuns(app)}
          columns={[
            {
              title: 'Run',
              render: r => (
                <Link to={`${root}/runs/${r.runId}`}>{r.runId}</Link>
              ),
            },
            { title: 'Workflow', field: 'workflow' },
            { title: 'For', field: 'origin' },
            { title: 'Phase', field: 'phase' },
            { title: 'Status', render: r => <StatusChip status={r.status} /> },
          ]}
        />
      </Grid>
    </Grid>
  );
}
