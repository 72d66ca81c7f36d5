import { Table } from '@backstage/core-components';
import { ApplicationDetail } from '../../api';
import { StatusChip } from '../common/StatusChip';

type Resource = ApplicationDetail['resources'][number];

/** An application's resources and where each is in its lifecycle. */
export function ApplicationResources(props: { resources: Resource[] }) {
  return (
    <Table<Resource>
      title="Resources"
      options={{ paging: false, search: false }}
      data={props.resources}
      columns={[
        { title: 'Resource', field: 'name' },
        { title: 'Type', field: 'type' },
        { title: 'Provider', field: 'provider' },
        // whatever the backend reports: active, deleting, deleted, failed, ...
        { title: 'State', render: r => <StatusChip status={r.status} /> },
      ]}
    />
  );
}
