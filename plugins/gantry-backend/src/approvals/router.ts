import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  gantryApprovalDecidePermission,
  gantryReadPermission,
} from '@internal/plugin-gantry-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { AuditService } from '../audit/AuditService';
import { authorize, pageQuery, parseInput } from '../http';
import { ApprovalService } from './ApprovalService';

const listSchema = z.object({
  ...pageQuery,
  status: z.enum(['pending', 'approved', 'denied']).optional(),
  runId: z.string().max(100).optional(),
});

const decisionSchema = z.strictObject({
  decision: z.enum(['approve', 'deny']),
  reason: z.string().max(2000).optional(),
});

/** `/approvals`: the inbox's API; deciding is race-safe (one decision wins). */
export function createApprovalsRouter(options: {
  approvals: ApprovalService;
  audit: AuditService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
}): express.Router {
  const { approvals, audit } = options;
  const router = Router();
  router.use(express.json());

  router.get('/approvals', async (req, res) => {
    await authorize(req, options, gantryReadPermission);
    res.json(await approvals.list(parseInput(listSchema, req.query, 'query')));
  });

  router.get('/approvals/:id', async (req, res) => {
    await authorize(req, options, gantryReadPermission);
    const approval = await approvals.get(req.params.id);
    if (!approval)
      throw new NotFoundError(`approval ${req.params.id} does not exist`);
    res.json(approval);
  });

  router.post('/approvals/:id/decision', async (req, res) => {
    const caller = await authorize(
      req,
      options,
      gantryApprovalDecidePermission,
    );
    const body = parseInput(decisionSchema, req.body, 'decision');
    const existing = await approvals.get(req.params.id);
    if (!existing)
      throw new NotFoundError(`approval ${req.params.id} does not exist`);
    const { approval, won } = await approvals.decide(existing.id, {
      status: body.decision === 'approve' ? 'approved' : 'denied',
      by: caller.ref,
      reason: body.reason,
    });
    if (!won) {
      throw new ConflictError(
        `approval ${existing.id} was already ${approval?.status} by ${approval?.decidedBy}`,
      );
    }
    await audit.record({
      tenant: existing.tenant,
      actor: caller.ref,
      action: `approval.${approval!.status}`,
      target: existing.id,
      details: {
        runId: existing.runId,
        stepId: existing.stepId,
        reason: body.reason,
      },
    });
    res.json(approval);
  });

  return router;
}
