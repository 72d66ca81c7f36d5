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
import { EnvironmentBackups } from './backups';
import {
  DRIFT_MODES,
  ENVIRONMENT_CLASSES,
  Environment,
  EnvironmentService,
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
  gitUrl: z.string().max(2000).optional(),
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
  audit: AuditService;
  tenancy: TenancyService;
}): express.Router {
  const { environments, backups, audit, tenancy } = options;
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
