import { LoggerService } from '@backstage/backend-plugin-api';
import { ApprovalService } from '../approvals/ApprovalService';
import { EnvironmentService, WorkflowAction } from './EnvironmentService';

/** The subject id of a production workflow action waiting for approval. */
export const actionSubject = (
  envId: string,
  name: string,
  action: WorkflowAction,
) => `${envId}/${name}/${action}`;

/**
 * Carries out a production workflow action (activate, deactivate, delete)
 * once its approval is granted; a denied or expired one changes nothing.
 */
export function applyApprovedEnvironmentActions(options: {
  approvals: ApprovalService;
  environments: EnvironmentService;
  logger: LoggerService;
}): void {
  const { approvals, environments, logger } = options;
  approvals.onDecided(async approval => {
    if (approval.subject.kind !== 'environment_action') return;
    if (approval.status !== 'approved') return;
    const [envId, name, action] = approval.subject.id.split('/');
    const env = await environments.get(approval.tenant, envId);
    if (!env) return;
    try {
      await environments.workflowAction(
        env,
        name,
        action as WorkflowAction,
        approval.decidedBy!,
      );
    } catch (error) {
      logger.error(
        `approved ${action} of ${name} in ${env.name} failed: ${error}`,
      );
    }
  });
}
