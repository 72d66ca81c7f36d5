import { LoggerService } from '@backstage/backend-plugin-api';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { Approval, ApprovalService } from './ApprovalService';

function linkTo(approval: Approval): string {
  return approval.runId
    ? `/gantry/runs/${approval.runId}`
    : '/gantry/approvals';
}

/**
 * Backstage notifications for the approval inbox: approvers hear of a new
 * request, the requester hears of its decision. A notification that cannot be
 * delivered is logged, never fails the request it reports.
 */
export function notifyApprovals(options: {
  approvals: ApprovalService;
  notifications: NotificationService;
  logger: LoggerService;
}): void {
  const { approvals, notifications, logger } = options;
  const send = async (
    what: string,
    entityRef: string[],
    payload: Parameters<NotificationService['send']>[0]['payload'],
  ) => {
    if (entityRef.length === 0) return;
    try {
      await notifications.send({
        recipients: { type: 'entity', entityRef },
        payload: { topic: 'gantry-approvals', ...payload },
      });
    } catch (error) {
      logger.warn(`could not notify ${what}: ${error}`);
    }
  };

  approvals.onCreated(approval =>
    send(`the approvers of ${approval.id}`, approval.approvers, {
      title: `Approval needed: ${approval.message}`,
      description: `${approval.requestedBy} asks for ${
        approval.requiredApprovals
      } approval(s) of ${approval.subject.kind.replace('_', ' ')} ${
        approval.subject.id
      }${approval.expiresAt ? `; expires ${approval.expiresAt}` : ''}.`,
      link: linkTo(approval),
      severity: 'high',
    }),
  );

  approvals.onDecided(approval =>
    send(`the requester of ${approval.id}`, [approval.requestedBy], {
      title: `Your approval request was ${approval.status}`,
      description: `${approval.message} — ${approval.status} by ${
        approval.decidedBy
      }${approval.reason ? `: ${approval.reason}` : ''}`,
      link: linkTo(approval),
      severity: approval.status === 'approved' ? 'normal' : 'high',
    }),
  );
}
