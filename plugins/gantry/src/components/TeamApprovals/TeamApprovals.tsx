import {
  Progress,
  ResponseErrorPanel,
  Table,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Button, Typography } from '@material-ui/core';
import { Approval, gantryApiRef } from '../../api';
import {
  ApprovalSubject,
  approvalProgress,
  formatTime,
} from '../common/ApprovalSubject';
import { useCursorPages } from '../common/useCursorPages';
import { useDecisionDialog } from '../common/useDecisionDialog';
import { DecisionButtons } from '../DecisionButtons/DecisionButtons';

/** "Waiting for this team": pending requests that name the group as approver. */
export function TeamApprovals({ groupRef }: { groupRef: string }) {
  const api = useApi(gantryApiRef);
  const pending = useCursorPages(
    cursor =>
      api.listApprovals({ status: 'pending', approver: groupRef, cursor }),
    [api, groupRef],
  );
  const { decide, dialog } = useDecisionDialog(pending.reload);

  if (pending.loading && pending.items.length === 0) return <Progress />;
  if (pending.error) return <ResponseErrorPanel error={pending.error} />;
  return (
    <>
      <Table<Approval>
        title="Waiting for this team"
        options={{ paging: false, search: false }}
        data={pending.items}
        emptyContent={
          <Typography style={{ padding: 16 }}>
            Nothing waits for this team.
          </Typography>
        }
        columns={[
          { title: 'Request', field: 'message' },
          { title: 'Subject', render: a => <ApprovalSubject approval={a} /> },
          { title: 'Requested by', field: 'requestedBy' },
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
                onDecide={decision => decide(a, decision)}
              />
            ),
          },
        ]}
      />
      {pending.more && (
        <Button onClick={pending.more} style={{ marginTop: 8 }}>
          Load more
        </Button>
      )}
      {dialog}
    </>
  );
}
