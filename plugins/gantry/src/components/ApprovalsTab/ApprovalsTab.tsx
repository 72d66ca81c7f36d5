import { useState } from 'react';
import {
  EmptyState,
  Link,
  Progress,
  ResponseErrorPanel,
  Table,
} from '@backstage/core-components';
import { alertApiRef, useApi, useRouteRef } from '@backstage/core-plugin-api';
import { Button, TextField } from '@material-ui/core';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { Approval, gantryApiRef } from '../../api';
import { usePermission } from '@backstage/plugin-permission-react';
import { gantryApprovalDecidePermission } from '@internal/plugin-gantry-common';
import { rootRouteRef } from '../../routes';
import { StatusChip } from '../common/StatusChip';

/** The approval inbox: pending decisions with approve/deny, then the history. */
export function ApprovalsTab() {
  const api = useApi(gantryApiRef);
  const alertApi = useApi(alertApiRef);
  const root = useRouteRef(rootRouteRef)();
  const [comments, setComments] = useState<Record<string, string>>({});
  const { allowed: mayDecide } = usePermission({
    permission: gantryApprovalDecidePermission,
  });
  const pending = useAsyncRetry(
    () => api.listApprovals({ status: 'pending' }),
    [],
  );
  const history = useAsyncRetry(async () => {
    const [approved, denied] = await Promise.all([
      api.listApprovals({ status: 'approved' }),
      api.listApprovals({ status: 'denied' }),
    ]);
    return [...approved.items, ...denied.items].sort((a, b) =>
      (b.decidedAt ?? '').localeCompare(a.decidedAt ?? ''),
    );
  }, []);

  const decide = async (approval: Approval, decision: 'approve' | 'deny') => {
    try {
      await api.decideApproval(approval.id, decision, comments[approval.id]);
      alertApi.post({
        message: `${decision === 'approve' ? 'Approved' : 'Denied'}: ${
          approval.message
        }`,
        severity: 'success',
        display: 'transient',
      });
    } catch (e) {
      alertApi.post({ message: (e as Error).message, severity: 'error' });
    }
    pending.retry();
    history.retry();
  };

  if (pending.loading) return <Progress />;
  if (pending.error) return <ResponseErrorPanel error={pending.error} />;
  return (
    <>
      {pending.value?.items.length ? (
        <Table<Approval>
          title="Waiting for a decision"
          options={{ paging: false, search: false }}
          data={pending.value.items}
          columns={[
            { title: 'Request', field: 'message' },
            {
              title: 'Run',
              render: a =>
                a.runId ? (
                  <Link to={`${root}/runs/${a.runId}`}>{a.runId}</Link>
                ) : (
                  ''
                ),
            },
            { title: 'Step', field: 'stepId' },
            { title: 'Requested by', field: 'requestedBy' },
            {
              title: 'Decision',
              render: a =>
                mayDecide ? (
                  <>
                    <TextField
                      size="small"
                      placeholder="Comment"
                      value={comments[a.id] ?? ''}
                      onChange={e =>
                        setComments({ ...comments, [a.id]: e.target.value })
                      }
                    />
                    <Button
                      color="primary"
                      variant="contained"
                      size="small"
                      onClick={() => decide(a, 'approve')}
                      style={{ marginLeft: 8 }}
                    >
                      Approve
                    </Button>
                    <Button
                      size="small"
                      variant="outlined"
                      onClick={() => decide(a, 'deny')}
                      style={{ marginLeft: 8 }}
                    >
                      Deny
                    </Button>
                  </>
                ) : (
                  'waiting for an approver'
                ),
            },
          ]}
        />
      ) : (
        <EmptyState
          missing="data"
          title="Nothing waits for you"
          description="Approval steps of runs show up here for a decision."
        />
      )}
      {history.value && history.value.length > 0 && (
        <div style={{ marginTop: 24 }}>
          <Table<Approval>
            title="Decided"
            options={{ paging: true, pageSize: 10, search: true }}
            data={history.value}
            columns={[
              { title: 'Request', field: 'message' },
              {
                title: 'Decision',
                render: a => <StatusChip status={a.status} />,
              },
              { title: 'By', field: 'decidedBy' },
              { title: 'Comment', field: 'reason' },
              {
                title: 'When',
                render: a =>
                  a.decidedAt ? new Date(a.decidedAt).toLocaleString() : '',
              },
            ]}
          />
        </div>
      )}
    </>
  );
}
