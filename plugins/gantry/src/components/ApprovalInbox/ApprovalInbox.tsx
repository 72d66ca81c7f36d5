import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
  Table,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Button } from '@material-ui/core';
import { Approval, gantryApiRef } from '../../api';
import { pendingApprovalColumns } from '../common/pendingApprovalColumns';
import { useCursorPages } from '../common/useCursorPages';
import { useDecisionDialog } from '../common/useDecisionDialog';

/** "Waiting for you": pending requests the signed-in user may decide. */
export function ApprovalInbox(props: { tenant?: string }) {
  const { tenant } = props;
  const api = useApi(gantryApiRef);
  const inbox = useCursorPages(
    cursor => api.getInbox({ tenant, cursor }),
    [api, tenant],
  );

  const { decide, dialog } = useDecisionDialog(inbox.reload);

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
        columns={pendingApprovalColumns(decide, { details: true })}
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
