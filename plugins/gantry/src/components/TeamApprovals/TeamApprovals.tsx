import {
  Progress,
  ResponseErrorPanel,
  Table,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Button, Typography } from '@material-ui/core';
import { Approval, gantryApiRef } from '../../api';
import { pendingApprovalColumns } from '../common/pendingApprovalColumns';
import { useCursorPages } from '../common/useCursorPages';
import { useDecisionDialog } from '../common/useDecisionDialog';

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
        columns={pendingApprovalColumns(decide)}
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
