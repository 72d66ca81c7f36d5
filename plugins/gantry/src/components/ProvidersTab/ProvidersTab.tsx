import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
  Table,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Chip } from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { gantryApiRef, ProviderSummary } from '../../api';
import { WorkflowLinks } from '../common/WorkflowLinks';

export function ProvidersTab() {
  const api = useApi(gantryApiRef);
  const { value, loading, error } = useAsync(() => api.listProviders(), []);
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value?.items.length) {
    return (
      <EmptyState
        missing="content"
        title="No providers yet"
        description="Product teams publish providers as providers/<team>/provider.yaml plus workflow files. See docs/product-teams.md."
      />
    );
  }
  return (
    <Table<ProviderSummary>
      title="Providers"
      options={{ paging: true, pageSize: 20, search: true }}
      data={value.items}
      columns={[
        {
          title: 'Provider',
          field: 'name',
          render: p => <strong>{p.name}</strong>,
        },
        { title: 'Description', field: 'description' },
        { title: 'Owner', field: 'owner' },
        {
          title: 'Tags',
          render: p => p.tags.map(t => <Chip key={t} size="small" label={t} />),
        },
        {
          title: 'Workflows',
          render: p => <WorkflowLinks provider={p} />,
        },
        {
          title: 'Health',
          render: p =>
            p.healthy
              ? 'ok'
              : p.errors.map(e => (
                  <div key={e.message}>{`${e.file ?? ''}:${e.line ?? ''} ${
                    e.message
                  }`}</div>
                )),
        },
      ]}
    />
  );
}
