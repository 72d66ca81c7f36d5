import { useState } from 'react';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
  Table,
} from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { Button } from '@material-ui/core';
import { Approval, gantryApiRef } from '../../api';
import {
  ApprovalSubject,
  approvalProgress,
  approverList,
  formatTime,
} from '../common/ApprovalSubject';
import { notifyApprovalsChanged } from '../common/approvalsChanged';
import { useCursorPages } from '../common/useCursorPages';
import { DecisionButtons } from '../DecisionButtons/DecisionButtons';
import { Decision, DecisionDialog } from '../DecisionDialog/DecisionDialog';

/** "Waiting for you": pending requests the signed-in user may decide. */
export function ApprovalInbox(props: { tenant?: string }) {
  const { tenant } = props;
  const api = useApi(gantryApiRef);
  const alertApi = useApi(alertApiRef);
  const [open, setOpen] = useState<
    { approval: Approval; decision: Decision } | undefined
  >();
  const inbox = useCursorPages(
    cursor => api.getInbox({ tenant, cursor }),
    [api, tenant],
  );

  // the dialog outlives the row it was opened from (a 409 empties the inbox)
  const dialog = open && (
    <DecisionDialog
      approval={open.approval}
      decision={open.decision}
      onClose={() => setOpen(undefined)}
      onDecided={decided => {
        if (decided) {
          alertApi.post({
            message: `${open.decision === 'deny' ? 'Denied' : 'Approved'}: ${
              decided.message
            }`,
            severity: 'success',
            display: 'transient',
          });
        }
        inbox.reload();
        notifyApprovalsChanged();
      }}
    />
  );

  if (inbox.loading && inbox.items.length === 0) return <Progress />;
  if (inbox.error) return <ResponseErrorPanel error={inbox.error} />;
  if (inbox.items.length === 0) {
    return (
      <>
        <EmptyState
          missing="data"
          title="Nothing waits for your decision."
          description="Approval steps of runs, promotions, drift actions and hooks that you may decide show up here; your own requests wait for someone else. Decisions already taken are under History."
        />
        {dialog}
      </>
    );
  }
  return (
    <>
      <Table<Approval>
        title="Waiting for you"
        options={{ paging: false, search: false }}
        data={inbox.items}
        columns={[
          // request then subject first: a run step's row reads "message run_…"
          { title: 'Request', field: 'message' },
          { title: 'Subject', render: a => <ApprovalSubject approval={a} /> },
          { title: 'Step', render: a => a.subject?.stepId ?? a.stepId ?? '' },
          { title: 'Requested by', field: 'requestedBy' },
          { title: 'Approvers', render: a => approverList(a) },
          { title: 'Approvals', render: a => approvalProgress(a) },
          {
            title: 'Expires',
            render: a => (a.expiresAt ? formatTime(a.expiresAt) : 'never'),
          },
          {
            title: 'Decision',
            render: a => (
              <DecisionButtons
                approval={a}
                onDecide={decision => setOpen({ approval: a, decision })}
              />
            ),
          },
        ]}
      />
      {inbox.more && (
        <Button onClick={inbox.more} style={{ marginTop: 8 }}>
          Load more
        </Button>
      )}
      {dialog}
    </>
  );
}
