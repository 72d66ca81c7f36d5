import { NotFoundError } from '@backstage/errors';
import {
  gantryEnvironmentManagePermission,
  gantryReadPermission,
  SYNC_SCOPES,
} from '@internal/plugin-gantry-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { AuditService } from '../audit/AuditService';
import { pageQuery, parseInput, tenantQuery } from '../http';
import { Caller, TenancyService } from '../tenancy/TenancyService';
import { EnvironmentService } from './EnvironmentService';
import { EnvironmentSync } from './sync';

const scoped = z.object(tenantQuery);
const syncSchema = z.strictObject({
  scopes: z
    .array(z.enum(SYNC_SCOPES))
    .min(1)
    .default([...SYNC_SCOPES]),
});
const logsQuery = z.object({
  ...tenantQuery,
  after: z.coerce.number().int().min(0).default(0),
});
const listQuery = z.object({ ...pageQuery, ...tenantQuery });

/** Environment syncs: start one (full or selective), follow its progress, read the inventory. */
export function createSyncRouter(options: {
  sync: EnvironmentSync;
  environments: EnvironmentService;
  audit: AuditService;
  tenancy: TenancyService;
}): express.Router {
  const { sync, environments, audit, tenancy } = options;
  const router = Router();
  router.use(express.json());

  const environmentOf = async (req: Request, caller: Caller) =>
    environments.require(
      await tenancy.tenantFor(
        caller,
        parseInput(scoped, req.query, 'query').tenant,
      ),
      req.params.id,
    );

  router.post('/environments/:id/sync', async (req, res) => {
    const caller = await tenancy.authorize(
      req,
      gantryEnvironmentManagePermission,
    );
    const { scopes } = parseInput(syncSchema, req.body, 'sync');
    const env = await environmentOf(req, caller);
    const { job } = await sync.start(env, scopes, caller.ref);
    await audit.record(
      {
        tenant: env.tenant,
        actor: caller.ref,
        action: 'environment.sync',
        target: env.id,
        newValue: { job: job.id, scopes },
      },
      { request: req },
    );
    res.status(202).json(job);
  });

  router.get('/environments/:id/sync-jobs', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    const env = await environmentOf(req, caller);
    res.json(await sync.list(env, parseInput(listQuery, req.query, 'query')));
  });

  router.get('/environments/:id/inventory', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    res.json(await sync.inventory(await environmentOf(req, caller)));
  });

  router.get('/sync-jobs/:id', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    const query = parseInput(logsQuery, req.query, 'query');
    const job = await sync.get(
      await tenancy.tenantFor(caller, query.tenant),
      req.params.id,
    );
    if (!job)
      throw new NotFoundError(`sync job ${req.params.id} does not exist`);
    res.json({ job, logs: await sync.logs(job, query.after) });
  });

  return router;
}
