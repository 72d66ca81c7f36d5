import { LoggerService } from '@backstage/backend-plugin-api';
import { ApprovalService } from '../../approvals/ApprovalService';
import { DeploymentService } from '../../deployments/DeploymentService';
import { WorkflowEngine } from '../../engine/WorkflowEngine';
import { NewPlatformEvent, PlatformEventService } from './PlatformEventService';

const RUN_EVENT = {
  running: 'run.started',
  succeeded: 'run.completed',
  failed: 'run.failed',
  cancelled: 'run.cancelled',
} as const;

/**
 * Gantry's own platform events: runs starting and finishing, approvals
 * requested and decided, deployments finishing. Each carries an idempotency
 * key, so a run recovered by another worker is still announced once.
 */
export function publishGantryEvents(options: {
  platformEvents: PlatformEventService;
  engine: WorkflowEngine;
  approvals: ApprovalService;
  deployments: DeploymentService;
  logger: LoggerService;
}): void {
  const { platformEvents, engine, approvals, deployments, logger } = options;
  const publish = (event: Omit<NewPlatformEvent, 'source'>) =>
    platformEvents
      .publish({ ...event, source: 'gantry' })
      .then(() => undefined)
      .catch(error =>
        logger.warn(`platform event ${event.type} was lost: ${error}`),
      );

  engine.onRunStatus((run, status) =>
    publish({
      type: RUN_EVENT[status],
      tenant: run.tenant,
      idempotencyKey: `${run.id}:${status}`,
      correlationId: run.correlationId,
      payload: {
        runId: run.id,
        workflow: run.workflowName,
        workflowRef: run.workflowRef ?? null,
        status,
        error: run.error ?? null,
        createdBy: run.createdBy,
        parentRunId: run.parentRunId ?? null,
      },
    }),
  );

  approvals.onCreated(approval =>
    publish({
      type: 'approval.requested',
      tenant: approval.tenant,
      idempotencyKey: `${approval.id}:requested`,
      payload: {
        approvalId: approval.id,
        subject: approval.subject,
        message: approval.message,
        approvers: approval.approvers,
        requestedBy: approval.requestedBy,
      },
    }),
  );
  approvals.onDecided(approval =>
    publish({
      type: 'approval.decided',
      tenant: approval.tenant,
      idempotencyKey: `${approval.id}:decided`,
      payload: {
        approvalId: approval.id,
        subject: approval.subject,
        status: approval.status,
        decidedBy: approval.decidedBy ?? null,
        reason: approval.reason ?? null,
      },
    }),
  );

  deployments.onFinished(deployment =>
    publish({
      type:
        deployment.status === 'succeeded'
          ? 'deployment.completed'
          : 'deployment.failed',
      tenant: deployment.tenant,
      idempotencyKey: `${deployment.id}:${deployment.status}`,
      payload: {
        deploymentId: deployment.id,
        application: deployment.application,
        status: deployment.status,
        first: deployment.first,
        error: deployment.error ?? null,
        runs: deployment.runs.map(r => r.runId).filter(Boolean),
      },
    }),
  );
}
