import { useState } from 'react';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
  Table,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Box, Button } from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { AuditEvent, gantryApiRef } from '../../api';
import {
  AuditFilters,
  AuditFilterValues,
  NO_AUDIT_FILTERS,
  toAuditQuery,
} from '../AuditFilters/AuditFilters';
import { AuditEventDetails } from '../AuditEventDetails/AuditEventDetails';
import { formatTime } from '../common/ApprovalSubject';
import { TenantSelect } from '../common/TenantSelect';

const PAGE_SIZE = 25;

/** The audit log for admins: filters, pages by cursor, rows expand to a diff. */
export function AuditTab() {
  const api = useApi(gantryApiRef);
  const [tenant, setTenant] = useState<string | undefined>();
  const [filters, setFilters] = useState<AuditFilterValues>(NO_AUDIT_FILTERS);
  // cursors of the pages visited so far: Previous pops, Next pushes
  const [cursors, setCursors] = useState<Array<string | undefined>>([
    undefined,
  ]);
  const cursor = cursors[cursors.length - 1];
  const page = useAsync(
    () =>
      api.listAuditEvents({
        ...toAuditQuery(filters),
        tenant,
        cursor,
        limit: PAGE_SIZE,
      }),
    [api, filters, tenant, cursor],
  );
  const restart = () => setCursors([undefined]);
  const filtered = Object.values(filters).some(Boolean);

  let body;
  if (page.loading) body = <Progress />;
  else if (page.error) body = <ResponseErrorPanel error={page.error} />;
  else if (!page.value?.items.length)
    body = (
      <EmptyState
        missing="data"
        title={filtered ? 'No events match these filters' : 'No events yet'}
        description={
          filtered
            ? 'Widen the time range or clear the filters.'
            : 'Runs, approvals and configuration changes are recorded here as they happen.'
        }
      />
    );
  else
    body = (
      <Table<AuditEvent>
        title={`Audit log, page ${cursors.length}`}
        options={{ paging: false, search: false }}
        data={page.value.items}
        detailPanel={[
          {
            tooltip: 'Show changes',
            render: ({ rowData }) => <AuditEventDetails event={rowData} />,
          },
        ]}
        columns={[
          { title: 'When', render: e => formatTime(e.createdAt) },
          { title: 'Actor', field: 'actor' },
          { title: 'Action', field: 'action' },
          { title: 'Target', field: 'target' },
        ]}
      />
    );

  return (
    <>
      <Box display="flex" alignItems="flex-start">
        <Box flexGrow={1}>
          <AuditFilters
            onApply={values => {
              setFilters(values);
              restart();
            }}
          />
        </Box>
        <TenantSelect
          value={tenant}
          onChange={t => {
            setTenant(t);
            restart();
          }}
        />
      </Box>
      {body}
      <Box mt={1}>
        <Button
          disabled={cursors.length < 2}
          onClick={() => setCursors(cursors.slice(0, -1))}
        >
          Previous
        </Button>
        <Button
          disabled={page.loading || !page.value?.nextCursor}
          onClick={() => setCursors([...cursors, page.value!.nextCursor])}
        >
          Next
        </Button>
      </Box>
    </>
  );
}
