import { usePermission } from '@backstage/plugin-permission-react';
import { gantryApprovalDecidePermission } from '@internal/plugin-gantry-common';
import { Button } from '@material-ui/core';
import { Approval } from '../../api';
import { Decision } from '../DecisionDialog/DecisionDialog';

/**
 * Approve and Deny for one request; deciding is a resource permission
 * (approver and tenant rules), so it is asked per approval.
 */
export function DecisionButtons(props: {
  approval: Approval;
  onDecide: (decision: Decision) => void;
}) {
  const { allowed } = usePermission({
    permission: gantryApprovalDecidePermission,
    resourceRef: props.approval.id,
  });
  if (!allowed) return <>waiting for an approver</>;
  return (
    <>
      <Button
        color="primary"
        variant="contained"
        size="small"
        onClick={() => props.onDecide('approve')}
      >
        Approve
      </Button>
      <Button
        size="small"
        variant="outlined"
        onClick={() => props.onDecide('deny')}
        style={{ marginLeft: 8 }}
      >
        Deny
      </Button>
    </>
  );
}
