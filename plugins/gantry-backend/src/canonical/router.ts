import {
  gantryAdminPermission,
  gantryEnvironmentManagePermission,
  gantryReadPermission,
} from '@internal/plugin-gantry-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { AuditService } from '../audit/AuditService';
import { EnvironmentService } from '../environments/EnvironmentService';
import { parseInput, tenantQuery } from '../http';
import { Caller, TenancyService } from '../tenancy/TenancyService';
import { CanonicalService } from './CanonicalService';

const scoped = z.object(tenantQuery);
const sourceSchema = z.strictObject({
  // an absolute local path, or a transport git clones over (no ext:: helpers)
  gitUrl: z
    .string()
    .max(2000)
    .regex(
      /^(https?|ssh|git|file):\/\/\S+$|^git@[\w.-]+:\S+$|^\/[^\0]*$/,
      'a git URL (https, ssh, git or file) or an absolute local path',
    ),
  ref: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$/, 'a branch, tag or commit')
    .default('main'),
  path: z.string().max(500).default('workflows'),
});
const untrackedQuery = z.object({
  ...tenantQuery,
  environment: z.string().max(64).optional(),
});
const onboardSchema = z.strictObject({
  workflows: z.array(z.string().min(1).max(200)).min(1).max(1000).optional(),
});

/**
 * `/canonical`: the tenant's canonical workflow repository, the matrix of
 * canonical workflows × environments, and onboarding of untracked ones.
 */
export function createCanonicalRouter(options: {
  canonical: CanonicalService;
  environments: EnvironmentService;
  audit: AuditService;
  tenancy: TenancyService;
}): express.Router {
  const { canonical, environments, audit, tenancy } = options;
  const router = Router();
  router.use(express.json());

  const tenantOf = (req: Request, caller: Caller) =>
    tenancy.tenantFor(caller, parseInput(scoped, req.query, 'query').tenant);

  router.get('/canonical/source', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    const tenant = await tenantOf(req, caller);
    res.json({ source: (await canonical.source(tenant)) ?? null });
  });

  router.put('/canonical/source', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryAdminPermission);
    const input = parseInput(sourceSchema, req.body, 'canonical source');
    const tenant = await tenantOf(req, caller);
    const { source, previous } = await canonical.setSource(
      tenant,
      input,
      caller.ref,
    );
    await audit.record(
      {
        tenant,
        actor: caller.ref,
        action: 'canonical.source.set',
        target: tenant,
        oldValue: previous,
        newValue: source,
      },
      { request: req },
    );
    res.json({ source, workflows: await canonical.list(tenant) });
  });

  router.post('/canonical/sync', async (req, res) => {
    const caller = await tenancy.authorize(
      req,
      gantryEnvironmentManagePermission,
    );
    const tenant = await tenantOf(req, caller);
    const workflows = await canonical.sync(tenant);
    const source = await canonical.source(tenant);
    await audit.record(
      {
        tenant,
        actor: caller.ref,
        action: 'canonical.sync',
        target: tenant,
        newValue: { commit: source?.commit, workflows: workflows.length },
      },
      { request: req },
    );
    res.json({ source, workflows });
  });

  router.get('/canonical/workflows', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    res.json({ items: await canonical.list(await tenantOf(req, caller)) });
  });

  router.get('/canonical/matrix', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    res.json(await canonical.matrix(await tenantOf(req, caller)));
  });

  router.get('/canonical/untracked', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    const query = parseInput(untrackedQuery, req.query, 'query');
    const tenant = await tenancy.tenantFor(caller, query.tenant);
    const env = query.environment
      ? await environments.require(tenant, query.environment)
      : undefined;
    res.json({ items: await canonical.untracked(tenant, env) });
  });

  router.post('/environments/:id/onboard', async (req, res) => {
    const caller = await tenancy.authorize(
      req,
      gantryEnvironmentManagePermission,
    );
    const { workflows } = parseInput(onboardSchema, req.body, 'onboarding');
    const env = await environments.require(
      await tenantOf(req, caller),
      req.params.id,
    );
    const result = await canonical.onboard(env, workflows, caller.ref);
    await audit.record(
      {
        tenant: env.tenant,
        actor: caller.ref,
        action: 'canonical.onboard',
        target: env.id,
        newValue: result,
      },
      { request: req },
    );
    res.json(result);
  });

  return router;
}
