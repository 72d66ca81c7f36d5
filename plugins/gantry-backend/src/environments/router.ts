import { InputError, NotFoundError } from '@backstage/errors';
import {
  gantryAdminPermission,
  gantryEnvironmentManagePermission,
  gantryReadPermission,
} from '@internal/plugin-gantry-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { AuditService } from '../audit/AuditService';
import { pageQuery, parseInput, tenantQuery } from '../http';
import { Caller, TenancyService } from '../tenancy/TenancyService';
import { ApprovalService } from '../approvals/ApprovalService';
import { diffWorkflow } from '../promotions/diff';
import { actionSubject } from './approvalActions';
import { EnvironmentBackups } from './backups';
import {
  DRIFT_MODES,
  ENVIRONMENT_CLASSES,
  Environment,
  EnvironmentService,
  Snapshot,
  WorkflowAction,
} from './EnvironmentService';

const nameRule = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits and -');

const environmentSchema = z.strictObject({
  name: nameRule,
  class: z.enum(ENVIRONMENT_CLASSES),
  adapter: z.string().max(64).optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
  secrets: z
    .record(z.string().regex(/^[A-Za-z0-9_.-]+$/), z.string())
    .optional(),
  // the transports git clones over; no ext:: or other command-running helpers
  gitUrl: z
    .string()
    .max(2000)
    .regex(
      /^(https?|ssh|git|file):\/\/\S+$|^git@[\w.-]+:\S+$/,
      'a git URL (https, ssh, git or file)',
    )
    .optional(),
  driftMode: z.enum(DRIFT_MODES).optional(),
  backupCron: z.string().max(100).optional(),
});
const patchSchema = environmentSchema
  .omit({ name: true, adapter: true })
  .partial();
const workflowSchema = z.strictObject({
  definition: z.string().min(1).max(1_000_000),
});
const snapshotSchema = z.strictObject({ note: z.string().max(500).optional() });
const restoreSchema = z.strictObject({
  workflows: z.array(z.string()).optional(),
  preview: z.boolean().optional(),
});
const scoped = z.object(tenantQuery);

/**
 * `/environments` and `/snapshots`: a tenant's environments, the workflow
 * versions they run, direct edits (blocked in production) and snapshots.
 */
export function createEnvironmentsRouter(options: {
  environments: EnvironmentService;
  backups: EnvironmentBackups;
  approvals: ApprovalService;
  /** Who approves workflow actions in production; none means platform admins. */
  productionApprovers: string[];
  audit: AuditService;
  tenancy: TenancyService;
}): express.Router {
  const { environments, backups, approvals, audit, tenancy } = options;
  const router = Router();
  router.use(express.json({ limit: '2mb' }));

  /** The caller, the tenant and the environment `:id` of it (404 otherwise). */
  const environmentOf = async (req: Request, caller: Caller) => {
    const tenant = await tenancy.tenantFor(
      caller,
      parseInput(scoped, req.query, 'query').tenant,
    );
    return environments.require(tenant, req.params.id);
  };
  const record = (
    req: Request,
    caller: Caller,
    env: Environment,
    action: string,
    values: { oldValue?: unknown; newValue?: unknown; target?: string },
  ) =>
    audit.record(
      {
        tenant: env.tenant,
        actor: caller.ref,
        action,
        target: values.target ?? env.id,
        oldValue: values.oldValue,
        newValue: values.newValue,
      },
      { request: req },
    );

  router.get('/environments', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    const tenant = await tenancy.tenantFor(
      caller,
      parseInput(scoped, req.query, 'query').tenant,
    );
    res.json({
      items: await environments.list(tenant),
      adapters: environments.adapterTypes(),
    });
  });

  router.post('/environments', async (req, res) => {
    const caller = await tenancy.authorize(
      req,
      gantryEnvironmentManagePermission,
    );
    const body = parseInput(environmentSchema, req.body, 'environment');
    const tenant = await tenancy.tenantFor(
      caller,
      parseInput(scoped, req.query, 'query').tenant,
    );
    const env = await environments.create(tenant, body, caller.ref);
    await backups.schedule(env);
    await record(req, caller, env, 'environment.create', {
      newValue: { ...env, secretNames: env.secretNames },
    });
    res.status(201).json(env);
  });

  router.get('/environments/:id', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    const env = await environmentOf(req, caller);
    res.json({ ...env, workflows: await environments.workflows(env) });
  });

  router.patch('/environments/:id', async (req, res) => {
    const caller = await tenancy.authorize(
      req,
      gantryEnvironmentManagePermission,
    );
    const env = await environmentOf(req, caller);
    const patch = parseInput(patchSchema, req.body, 'environment');
    const updated = await environments.update(env, patch);
    await backups.schedule(updated);
    await record(req, caller, env, 'environment.update', {
      oldValue: env,
      newValue: updated,
    });
    res.json(updated);
  });

  router.delete('/environments/:id', async (req, res) => {
    const hard = req.query.hard === 'true';
    // a hard delete loses history: platform admins only
    const caller = await tenancy.authorize(
      req,
      hard ? gantryAdminPermission : gantryEnvironmentManagePermission,
    );
    const env = await environmentOf(req, caller);
    await environments.remove(env, hard);
    await record(
      req,
      caller,
      env,
      hard ? 'environment.purge' : 'environment.delete',
      { oldValue: env },
    );
    res.status(204).end();
  });

  // a probe: asks the adapter now and records the answer as the heartbeat
  router.get('/environments/:id/health', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    res.json(await environments.checkHealth(await environmentOf(req, caller)));
  });

  router.get('/environments/:id/workflows', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    res.json({
      items: await environments.workflows(await environmentOf(req, caller)),
    });
  });

  router.get('/environments/:id/workflows/:name', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    const env = await environmentOf(req, caller);
    const workflow = (await environments.workflows(env)).find(
      w => w.name === req.params.name,
    );
    if (!workflow)
      throw new NotFoundError(
        `workflow ${req.params.name} is not in ${env.name}`,
      );
    res.json({
      ...workflow,
      definition: await environments.definition(env.tenant, workflow.hash),
    });
  });

  router.put('/environments/:id/workflows/:name', async (req, res) => {
    const caller = await tenancy.authorize(
      req,
      gantryEnvironmentManagePermission,
    );
    const env = await environmentOf(req, caller);
    const name = parseInput(nameRule, req.params.name, 'workflow name');
    const { definition } = parseInput(workflowSchema, req.body, 'workflow');
    const before = (await environments.workflows(env)).find(
      w => w.name === name,
    );
    try {
      const after = await environments.putWorkflow(
        env,
        name,
        definition,
        caller.ref,
      );
      await record(req, caller, env, 'environment.workflow.edit', {
        target: `${env.id}/${name}`,
        oldValue: before && { hash: before.hash },
        newValue: { hash: after.hash },
      });
      res.json(after);
    } catch (error) {
      // the adapter refused it: say why, as bad input
      if ((error as Error).name === 'Error')
        throw new InputError((error as Error).message);
      throw error;
    }
  });

  // activate, deactivate, delete: in production only after an approval
  const workflowAction = async (
    req: Request,
    res: express.Response,
    action: WorkflowAction,
  ) => {
    const caller = await tenancy.authorize(
      req,
      gantryEnvironmentManagePermission,
    );
    const env = await environmentOf(req, caller);
    const name = req.params.name;
    const current = (await environments.workflows(env)).find(
      w => w.name === name,
    );
    if (!current)
      throw new NotFoundError(`workflow ${name} is not in ${env.name}`);
    if (env.class === 'production') {
      const approval = await approvals.request({
        tenant: env.tenant,
        subject: {
          kind: 'environment_action',
          id: actionSubject(env.id, name, action),
        },
        message: `${action[0].toUpperCase()}${action.slice(
          1,
        )} ${name} in production environment ${env.name}?`,
        approvers: options.productionApprovers,
        requestedBy: caller.ref,
      });
      await record(
        req,
        caller,
        env,
        `environment.workflow.${action}.requested`,
        {
          target: `${env.id}/${name}`,
          newValue: { approval: approval.id },
        },
      );
      res.status(202).json({ approval });
      return;
    }
    await environments.workflowAction(env, name, action, caller.ref);
    await record(req, caller, env, `environment.workflow.${action}`, {
      target: `${env.id}/${name}`,
      oldValue: { active: current.active, hash: current.hash },
      newValue:
        action === 'delete' ? undefined : { active: action === 'activate' },
    });
    res.json({ workflows: await environments.workflows(env) });
  };
  router.post('/environments/:id/workflows/:name/activate', (req, res) =>
    workflowAction(req, res, 'activate'),
  );
  router.post('/environments/:id/workflows/:name/deactivate', (req, res) =>
    workflowAction(req, res, 'deactivate'),
  );
  router.delete('/environments/:id/workflows/:name', (req, res) =>
    workflowAction(req, res, 'delete'),
  );

  router.get('/environments/:id/snapshots', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    const env = await environmentOf(req, caller);
    res.json(
      await environments.listSnapshots(
        env,
        parseInput(z.object(pageQuery), req.query, 'query'),
      ),
    );
  });

  router.post('/environments/:id/snapshots', async (req, res) => {
    const caller = await tenancy.authorize(
      req,
      gantryEnvironmentManagePermission,
    );
    const env = await environmentOf(req, caller);
    const { note } = parseInput(snapshotSchema, req.body, 'snapshot');
    const snapshot = await environments.snapshot(
      env,
      'manual',
      caller.ref,
      note,
    );
    await record(req, caller, env, 'snapshot.create', {
      target: snapshot.id,
      newValue: { contentHash: snapshot.contentHash },
    });
    res.status(201).json(snapshot);
  });

  // another tenant's snapshot is as missing as one that never existed
  const visibleSnapshot = (caller: Caller, id: string) =>
    tenancy.visible(caller, `snapshot ${id}`, () =>
      environments.findSnapshot(id),
    );

  router.get('/snapshots/:id', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    res.json(await visibleSnapshot(caller, req.params.id));
  });

  /** What changed from one snapshot to another, workflow by workflow. */
  const compare = async (from: Snapshot, to: Snapshot) => {
    const version = async (entry?: { hash: string }) =>
      entry && {
        hash: entry.hash,
        definition:
          (await environments.definition(from.tenant, entry.hash)) ?? '',
      };
    const names = [
      ...new Set([...from.content, ...to.content].map(e => e.name)),
    ].sort();
    return Promise.all(
      names.map(async name => {
        const before = await version(from.content.find(e => e.name === name));
        return diffWorkflow({
          name,
          source: await version(to.content.find(e => e.name === name)),
          target: before && { ...before, hotfix: false },
        });
      }),
    );
  };

  router.get('/snapshots/:id/compare/:other', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    const from = await visibleSnapshot(caller, req.params.id);
    const to = await visibleSnapshot(caller, req.params.other);
    res.json({ from: from.id, to: to.id, diff: await compare(from, to) });
  });

  router.post('/snapshots/:id/restore', async (req, res) => {
    const caller = await tenancy.authorize(
      req,
      gantryEnvironmentManagePermission,
    );
    const snapshot = await visibleSnapshot(caller, req.params.id);
    const body = parseInput(restoreSchema, req.body, 'restore');
    const env = await environments.require(
      snapshot.tenant,
      snapshot.environmentId,
    );
    if (body.preview) {
      res.json({
        changes: await environments.restoreChanges(
          env,
          snapshot,
          body.workflows,
        ),
      });
      return;
    }
    const { before, changes } = await environments.restore(
      env,
      snapshot,
      caller.ref,
      body.workflows,
    );
    await record(req, caller, env, 'snapshot.restore', {
      target: snapshot.id,
      oldValue: { snapshot: before.id, contentHash: before.contentHash },
      newValue: {
        contentHash: await environments.currentContentHash(env),
        workflows: changes.map(c => c.name),
      },
    });
    res.json({ before, changes });
  });

  return router;
}
