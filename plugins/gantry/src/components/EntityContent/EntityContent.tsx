import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  EmptyState,
  Link,
  Progress,
  ResponseErrorPanel,
  Table,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { Grid } from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { ApplicationDetail, gantryApiRef, ProviderSummary } from '../../api';
import { rootRouteRef } from '../../routes';
import { WorkflowLinks } from '../common/WorkflowLinks';
import { StatusChip } from '../common/StatusChip';

export const GANTRY_APPLICATION_ANNOTATION = 'gantry.dev/application';
export const GANTRY_PRODUCT_ANNOTATION = 'gantry.dev/product';

/** Show the Gantry tab for components Gantry deploys and for every group. */
export function isGantryAvailable(entity: Entity): boolean {
  if (entity.kind.toLocaleLowerCase('en-US') === 'group') return true;
  const annotations = entity.metadata.annotations ?? {};
  return Boolean(
    annotations[GANTRY_APPLICATION_ANNOTATION] ||
      annotations[GANTRY_PRODUCT_ANNOTATION],
  );
}

/** A component's Gantry application: its resources and deployments, with their runs. */
export function EntityGantryContent() {
  const { entity } = useEntity();
  if (entity.kind.toLocaleLowerCase('en-US') === 'group')
    return <GroupContent entity={entity} />;
  return <ComponentContent entity={entity} />;
}

function ComponentContent({ entity }: { entity: Entity }) {
  const api = useApi(gantryApiRef);
  const root = useRouteRef(rootRouteRef)();
  const name =
    entity.metadata.annotations?.[GANTRY_APPLICATION_ANNOTATION] ??
    entity.metadata.name;
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
  return <ApplicationTables app={value} root={root} />;
}

function ApplicationTables({
  app,
  root,
}: {
  app: ApplicationDetail;
  root: string;
}) {
  const runs = app.deployments.flatMap(d =>
    d.runs.filter(r => r.runId).map(r => ({ ...r, deployment: d.id })),
  );
  return (
    <Grid container spacing={3}>
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
        <Table
          title="Runs"
          options={{ paging: true, pageSize: 10, search: false }}
          data={runs}
          columns={[
            {
              title: 'Run',
              render: (r: any) => (
                <Link to={`${root}/runs/${r.runId}`}>{r.runId}</Link>
              ),
            },
            { title: 'Workflow', field: 'ref' },
            { title: 'Phase', render: (r: any) => r.phase ?? `resource` },
            {
              title: 'Status',
              render: (r: any) => <StatusChip status={r.status} />,
            },
          ]}
        />
      </Grid>
    </Grid>
  );
}

function GroupContent({ entity }: { entity: Entity }) {
  const api = useApi(gantryApiRef);
  const ref = stringifyEntityRef(entity);
  const { value, loading, error } = useAsync(() => api.listProviders(), []);
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  const owned = (value?.items ?? []).filter(
    p => p.owner?.toLocaleLowerCase('en-US') === ref.toLocaleLowerCase('en-US'),
  );
  if (owned.length === 0) {
    return (
      <EmptyState
        missing="content"
        title={`${entity.metadata.name} publishes no providers`}
        description={`A provider whose provider.yaml says owner: ${ref} shows here with its workflows.`}
      />
    );
  }
  return (
    <Table<ProviderSummary>
      title="Providers of this team"
      options={{ paging: false, search: false }}
      data={owned}
      columns={[
        { title: 'Provider', field: 'name' },
        { title: 'Description', field: 'description' },
        {
          title: 'Workflows',
          render: p => <WorkflowLinks provider={p} />,
        },
        {
          title: 'Health',
          render: p => (p.healthy ? 'ok' : `${p.errors.length} problems`),
        },
      ]}
    />
  );
}
