import { TableColumn } from '@backstage/core-components';
import { Approval } from '../../api';
import { DecisionButtons } from '../DecisionButtons/DecisionButtons';
import {
  ApprovalSubject,
  approvalProgress,
  approverList,
  formatTime,
} from './ApprovalSubject';

/**
 * Columns of a table of pending requests, with the decision buttons; the
 * inbox adds the step and the approvers (`details`), a team's tab does not.
 * Request then subject come first: a run step's row reads "message run_…".
 */
export function pendingApprovalColumns(
  decide: (approval: Approval, decision: 'approve' | 'deny') => void,
  options: { details?: boolean } = {},
): TableColumn<Approval>[] {
  return [
    { title: 'Request', field: 'message' },
    { title: 'Subject', render: a => <ApprovalSubject approval={a} /> },
    ...(options.details
      ? [
          {
            title: 'Step',
            render: (a: Approval) => a.subject?.stepId ?? a.stepId ?? '',
          },
        ]
      : []),
    { title: 'Requested by', field: 'requestedBy' },
    ...(options.details
      ? [{ title: 'Approvers', render: (a: Approval) => approverList(a) }]
      : []),
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
  ];
}
