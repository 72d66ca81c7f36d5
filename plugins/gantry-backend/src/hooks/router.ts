import { ConflictError, InputError } from '@backstage/errors';
import {
  gantryApprovalDecidePermission,
  gantryHookManagePermission,
  gantryReadPermission,
  HookRun,
} from '@internal/plugin-gantry-common';
import express, { NextFunction, Request, Response } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { ApprovalService } from '../approvals/ApprovalService';
import { AuditService } from '../audit/AuditService';
import { pageQuery, parseInput, tenantQuery } from '../http';
import { Caller, TenancyService } from '../tenancy/TenancyService';
import { HookService } from './HookService';
import { hookInputSchema, toDefinition } from './schema';

const scoped = z.object(tenantQuery);
const byId = z.strictObject({ id: z.string().min(1).max(64) });
const updateSchema = z.strictObject({
  id: z.string().min(1).max(64),
  hook: z.unknown(),
});
const runsQuery = z.object({
  ...pageQuery,
  ...tenantQuery,
  workflowId: z.string().max(64).optional(),
  status: z
    .enum(['pending_approval', 'running', 'succeeded', 'failed', 'denied'])
    .optional(),
});
const getRunQuery = z.object({ ...tenantQuery, id: z.string().min(1).max(64) });
const decisionSchema = z.strictObject({
  id: z.string().min(1).max(64),
  comment: z.string().max(2000).optional(),
});

/** Admin answers are per user and per moment: never cached. */
function noStore(_req: Request, res: Response, next: NextFunction) {
  res.setHeader('cache-control', 'no-store');
  next();
}

/**
 * Hooks (`/admin/workflows`) and their runs (`/admin/workflow-runs`), named
 * as in the automation-hooks brief; tenant-scoped, audited, never cached.
 */
export function createHooksRouter(options: {
  hooks: HookService;
  approvals: ApprovalService;
  audit: AuditService;
  tenancy: TenancyService;
}): express.Router {
  const { hooks, approvals, audit, tenancy } = options;
  const router = Router();
  router.use('/admin/workflows', express.json(), noStore);
  router.use('/admin/workflow-runs', express.json(), noStore);

  const tenantOf = async (req: Request, caller: Caller) =>
    tenancy.tenantFor(caller, parseInput(scoped, req.query, 'query').tenant);
  const visibleRun = (caller: Caller, id: string) =>
    tenancy.visible(caller, `hook run ${id}`, () => hooks.getRun(id));

  router.get('/admin/workflows', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    res.json({ items: await hooks.list(await tenantOf(req, caller)) });
  });

  router.post('/admin/workflows/create', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryHookManagePermission);
    const tenant = await tenantOf(req, caller);
    const input = toDefinition(parseInput(hookInputSchema, req.body, 'hook'));
    const hook = await hooks.create(tenant, input, caller.ref);
    await audit.record(
      {
        tenant,
        actor: caller.ref,
        action: 'hook.create',
        target: hook.id,
        newValue: input,
      },
      { request: req },
    );
    res.status(201).json(hook);
  });

  router.post('/admin/workflows/update', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryHookManagePermission);
    const tenant = await tenantOf(req, caller);
    const body = parseInput(updateSchema, req.body, 'update');
    const input = toDefinition(parseInput(hookInputSchema, body.hook, 'hook'));
    const { previous, hook } = await hooks.update(
      tenant,
      body.id,
      input,
      caller.ref,
    );
    await audit.record(
      {
        tenant,
        actor: caller.ref,
        action: 'hook.update',
        target: hook.id,
        oldValue: previous,
        newValue: hook,
      },
      { request: req },
    );
    res.json(hook);
  });

  for (const enabled of [true, false]) {
    const verb = enabled ? 'enable' : 'disable';
    router.post(`/admin/workflows/${verb}`, async (req, res) => {
      const caller = await tenancy.authorize(req, gantryHookManagePermission);
      const tenant = await tenantOf(req, caller);
      const { id } = parseInput(byId, req.body, verb);
      const { previous, hook } = await hooks.setEnabled(
        tenant,
        id,
        enabled,
        caller.ref,
      );
      await audit.record(
        {
          tenant,
          actor: caller.ref,
          action: `hook.${verb}`,
          target: hook.id,
          oldValue: { enabled: previous.enabled },
          newValue: { enabled },
        },
        { request: req },
      );
      res.json(hook);
    });
  }

  router.get('/admin/workflow-runs', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    const query = parseInput(runsQuery, req.query, 'query');
    const tenant = await tenancy.tenantFor(caller, query.tenant);
    res.json(
      await hooks.listRuns({
        tenant,
        hookId: query.workflowId,
        status: query.status,
        limit: query.limit,
        cursor: query.cursor,
      }),
    );
  });

  router.get('/admin/workflow-runs/get', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    const { id } = parseInput(getRunQuery, req.query, 'query');
    res.json(await visibleRun(caller, id));
  });

  for (const decision of ['approve', 'deny'] as const) {
    router.post(`/admin/workflow-runs/${decision}`, async (req, res) => {
      const caller = await tenancy.caller(req);
      const body = parseInput(decisionSchema, req.body, decision);
      const run: HookRun = await visibleRun(caller, body.id);
      if (run.status !== 'pending_approval' || !run.approvalId) {
        throw new InputError(
          `hook run ${run.id} is ${run.status}, not pending_approval`,
        );
      }
      const approval = (await approvals.get(run.approvalId))!;
      await tenancy.authorizeResource(
        caller,
        gantryApprovalDecidePermission,
        approval.id,
      );
      approvals.assertMayDecide(approval, {
        ref: caller.ref,
        claims: caller.claims,
        isAdmin: await tenancy.isAdmin(caller),
      });
      const { won } = await approvals.decide(
        approval.id,
        {
          status: decision === 'approve' ? 'approved' : 'denied',
          by: caller.ref,
          reason: body.comment,
        },
        (trx, status) =>
          audit.record(
            {
              tenant: run.tenant,
              actor: caller.ref,
              action: `hook_run.${decision}`,
              target: run.id,
              oldValue: { status: run.status },
              newValue: { approval: status },
              details: {
                correlationId: run.correlationId,
                approvalId: approval.id,
                hook: run.hookName,
                comment: body.comment,
              },
            },
            { request: req, trx },
          ),
      );
      if (!won) {
        throw new ConflictError(
          `approval ${approval.id} of hook run ${run.id} was already decided`,
        );
      }
      res.json(await hooks.getRun(run.id));
    });
  }

  return router;
}
