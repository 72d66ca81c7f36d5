import { ConflictError } from '@backstage/errors';
import {
  gantryApprovalDecidePermission,
  gantryReadPermission,
} from '@internal/plugin-gantry-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { AuditService } from '../audit/AuditService';
import { pageQuery, parseInput, tenantQuery } from '../http';
import { Caller, TenancyService } from '../tenancy/TenancyService';
import { Approval, ApprovalService, Decider } from './ApprovalService';

const listSchema = z.object({
  ...pageQuery,
  ...tenantQuery,
  status: z.enum(['pending', 'approved', 'denied', 'expired']).optional(),
  runId: z.string().max(100).optional(),
  approver: z
    .string()
    .regex(
      /^(user|group):[\w.-]+\/[\w.-]+$/,
      'an entity ref such as group:default/checkout-team',
    )
    .optional(),
});

const inboxSchema = z.object({ ...pageQuery, ...tenantQuery });

const decisionSchema = z.strictObject({
  decision: z.enum(['approve', 'deny']),
  comment: z.string().max(2000).optional(),
  /** older name of `comment`, still used by scripts */
  reason: z.string().max(2000).optional(),
});

/** What the permission rules see of an approval. */
export function approvalResource(approval: Approval) {
  return {
    tenant: approval.tenant,
    owners: [approval.requestedBy],
    approvers: approval.approvers,
  };
}

/** `/approvals`: the one inbox for every domain; deciding is race-safe. */
export function createApprovalsRouter(options: {
  approvals: ApprovalService;
  audit: AuditService;
  tenancy: TenancyService;
}): express.Router {
  const { approvals, audit, tenancy } = options;
  const router = Router();
  router.use(express.json());

  const decider = async (caller: Caller): Promise<Decider> => ({
    ref: caller.ref,
    claims: caller.claims,
    isAdmin: await tenancy.isAdmin(caller),
  });

  router.get('/approvals', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    const query = parseInput(listSchema, req.query, 'query');
    const tenant = await tenancy.tenantFor(caller, query.tenant);
    res.json(await approvals.list({ ...query, tenant }));
  });

  router.get('/approvals/inbox', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    const query = parseInput(inboxSchema, req.query, 'query');
    const tenant = await tenancy.tenantFor(caller, query.tenant);
    res.json(
      await approvals.inbox({
        ...query,
        tenant,
        decider: await decider(caller),
      }),
    );
  });

  router.get('/approvals/count', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    const query = parseInput(inboxSchema, req.query, 'query');
    const tenant = await tenancy.tenantFor(caller, query.tenant);
    const page = await approvals.inbox({
      tenant,
      decider: await decider(caller),
      limit: 200,
    });
    res.json({ pending: page.items.length, more: Boolean(page.nextCursor) });
  });

  router.get('/approvals/:id', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    res.json(
      await tenancy.visible(caller, `approval ${req.params.id}`, () =>
        approvals.get(req.params.id),
      ),
    );
  });

  router.post('/approvals/:id/decision', async (req, res) => {
    const caller = await tenancy.caller(req);
    const existing = await tenancy.visible(
      caller,
      `approval ${req.params.id}`,
      () => approvals.get(req.params.id),
    );
    const body = parseInput(decisionSchema, req.body, 'decision');
    await tenancy.authorizeResource(
      caller,
      gantryApprovalDecidePermission,
      existing.id,
    );
    approvals.assertMayDecide(existing, await decider(caller));
    const comment = body.comment ?? body.reason;
    const { approval, won } = await approvals.decide(
      existing.id,
      {
        status: body.decision === 'approve' ? 'approved' : 'denied',
        by: caller.ref,
        reason: comment,
      },
      (trx, status) =>
        audit.record(
          {
            tenant: existing.tenant,
            actor: caller.ref,
            action: `approval.${body.decision}`,
            target: existing.id,
            oldValue: { status: existing.status },
            newValue: { status },
            details: { subject: existing.subject, comment },
          },
          { request: req, trx },
        ),
    );
    if (!won) {
      throw new ConflictError(
        approval?.status === 'pending'
          ? `you have already decided approval ${existing.id}`
          : `approval ${existing.id} was already ${approval?.status} by ${approval?.decidedBy}`,
      );
    }
    res.json(approval);
  });

  return router;
}
