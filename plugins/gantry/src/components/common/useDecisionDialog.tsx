import { useState } from 'react';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { Approval } from '../../api';
import { Decision, DecisionDialog } from '../DecisionDialog/DecisionDialog';
import { notifyApprovalsChanged } from './approvalsChanged';

/**
 * The comment dialog behind DecisionButtons: confirms a decision, then
 * reports it and lets the list (`onChanged`) and the sidebar badge refresh.
 * Render `dialog` outside the table: it outlives the row it was opened from
 * (a 409 empties the list).
 */
export function useDecisionDialog(onChanged: () => void) {
  const alertApi = useApi(alertApiRef);
  const [open, setOpen] = useState<
    { approval: Approval; decision: Decision } | undefined
  >();

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
        onChanged();
        notifyApprovalsChanged();
      }}
    />
  );

  return {
    decide: (approval: Approval, decision: Decision) =>
      setOpen({ approval, decision }),
    dialog,
  };
}
