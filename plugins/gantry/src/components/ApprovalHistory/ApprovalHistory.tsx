import { useState } from 'react';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
  Table,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Button, MenuItem, TextField } from '@material-ui/core';
import { Approval, ApprovalStatus, gantryApiRef } from '../../api';
import {
  ApprovalSubject,
  approvalProgress,
  formatTime,
} from '../common/ApprovalSubject';
import { StatusChip } from '../common/StatusChip';
import { useCursorPages } from '../common/useCursorPages';

const STATUSES: Array<ApprovalStatus | ''> = [
  '',
  'pending',
  'approved',
  'denied',
  'expired',
];

function Decisions({ approval }: { approval: Approval }) {
  return (
    <>
      {(approval.decisions ?? []).map((d, i) => (
        <div key={i}>
          {d.by}: {d.decision}
          {d.comment ? ` — ${d.comment}` : ''}
        </div>
      ))}
    </>
  );
}

/** Every approval of the tenant, newest first, filterable by status. */
export function ApprovalHistory(props: { tenant?: string }) {
  const { tenant } = props;
  const api = useApi(gantryApiRef);
  const [status, setStatus] = useState<ApprovalStatus | ''>('');
  const history = useCursorPages(
    cursor =>
      api.listApprovals({ status: status || undefined, tenant, cursor }),
    [api, status, tenant],
  );

  return (
    <>
      <TextField
        select
        id="gantry-approval-status"
        label="Status"
        value={status}
        onChange={e => setStatus(e.target.value as ApprovalStatus | '')}
        style={{ minWidth: 200, marginBottom: 16 }}
      >
        {STATUSES.map(s => (
          <MenuItem key={s} value={s}>
            {s || 'any'}
          </MenuItem>
        ))}
      </TextField>
      {history.loading && history.items.length === 0 && <Progress />}
      {history.error && <ResponseErrorPanel error={history.error} />}
      {!history.loading && !history.error && history.items.length === 0 && (
        <EmptyState
          missing="data"
          title="No approvals yet"
          description="Requests appear here once a run step, promotion, drift action or hook asks for approval."
        />
      )}
      {history.items.length > 0 && (
        <Table<Approval>
          title="History"
          options={{ paging: false, search: false }}
          data={history.items}
          columns={[
            { title: 'Request', field: 'message' },
            { title: 'Subject', render: a => <ApprovalSubject approval={a} /> },
            {
              title: 'Step',
              render: a => a.subject?.stepId ?? a.stepId ?? '',
            },
            { title: 'Status', render: a => <StatusChip status={a.status} /> },
            { title: 'Requested by', field: 'requestedBy' },
            { title: 'Approvals', render: a => approvalProgress(a) },
            { title: 'Decisions', render: a => <Decisions approval={a} /> },
            { title: 'Requested', render: a => formatTime(a.createdAt) },
            { title: 'Decided', render: a => formatTime(a.decidedAt) },
          ]}
        />
      )}
      {history.more && (
        <Button onClick={history.more} style={{ marginTop: 8 }}>
          Load more
        </Button>
      )}
    </>
  );
}
