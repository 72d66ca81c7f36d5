import { NotFoundError } from '@backstage/errors';
import {
  DRIFT_RESOLUTIONS,
  DRIFT_SEVERITIES,
  gantryDriftManagePermission,
  gantryReadPermission,
  INCIDENT_ACTIONS,
  INCIDENT_STATES,
  IncidentAction,
} from '@internal/plugin-gantry-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { AuditService } from '../audit/AuditService';
import { EnvironmentService } from '../environments/EnvironmentService';
import { pageQuery, parseInput, tenantQuery } from '../http';
import { Caller, TenancyService } from '../tenancy/TenancyService';
import { DriftService } from './DriftService';
import { DriftPolicies, driftPolicySchema } from './policies';

const scoped = z.object(tenantQuery);
const incidentsQuery = z.object({
  ...pageQuery,
  ...tenantQuery,
  state: z.enum([...INCIDENT_STATES, 'open']).optional(),
  severity: z.enum(DRIFT_SEVERITIES).optional(),
  environment: z.string().max(64).optional(),
});
const historyQuery = z.object({ ...pageQuery, ...tenantQuery });
const actionSchema = z.strictObject({
  resolution: z.enum(DRIFT_RESOLUTIONS).optional(),
  hours: z
    .number()
    .min(1)
    .max(24 * 90)
    .optional(),
  owner: z.string().min(1).max(200).optional(),
  ticketRef: z.string().min(1).max(200).optional(),
  note: z.string().max(2000).optional(),
});
const patchSchema = z.strictObject({
  owner: z.string().min(1).max(200).optional(),
  ticketRef: z.string().min(1).max(200).optional(),
});

/**
 * `/drift`: a tenant's drift policy, on-demand checks and their history, and
 * drift incidents with their lifecycle actions.
 */
export function createDriftRouter(options: {
  drift: DriftService;
  policies: DriftPolicies;
  environments: EnvironmentService;
  audit: AuditService;
  tenancy: TenancyService;
}): express.Router {
  const { drift, policies, environments, audit, tenancy } = options;
  const router = Router();
  router.use(express.json());

  const tenantOf = (req: Request, caller: Caller) =>
    tenancy.tenantFor(caller, parseInput(scoped, req.query, 'query').tenant);
  const incidentOf = async (req: Request, caller: Caller) => {
    const tenant = await tenantOf(req, caller);
    const incident = await drift.incidents.get(tenant, req.params.id);
    if (!incident)
      throw new NotFoundError(`incident ${req.params.id} does not exist`);
    return incident;
  };
  const record = (
    req: Request,
    caller: Caller,
    tenant: string,
    action: string,
    target: string,
    values: { oldValue?: unknown; newValue?: unknown } = {},
  ) =>
    audit.record(
      { tenant, actor: caller.ref, action, target, ...values },
      { request: req },
    );

  router.get('/drift/summary', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    res.json(await drift.summary(await tenantOf(req, caller)));
  });

  router.get('/drift/policy', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    res.json(await policies.get(await tenantOf(req, caller)));
  });

  router.put('/drift/policy', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryDriftManagePermission);
    const input = parseInput(driftPolicySchema, req.body, 'drift policy');
    const tenant = await tenantOf(req, caller);
    const { before, after } = await policies.save(tenant, input, caller.ref);
    await record(req, caller, tenant, 'drift.policy.update', tenant, {
      oldValue: before,
      newValue: after,
    });
    res.json(after);
  });

  router.post('/environments/:id/drift/check', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryDriftManagePermission);
    const env = await environments.require(
      await tenantOf(req, caller),
      req.params.id,
    );
    const check = await drift.check(env, 'manual', caller.ref);
    await record(req, caller, env.tenant, 'drift.check', env.id, {
      newValue: {
        check: check.id,
        status: check.status,
        incident: check.incidentId,
      },
    });
    res.json(check);
  });

  router.get('/environments/:id/drift/checks', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    const query = parseInput(historyQuery, req.query, 'query');
    const env = await environments.require(
      await tenancy.tenantFor(caller, query.tenant),
      req.params.id,
    );
    res.json(await drift.history(env, query));
  });

  router.get('/drift/checks/:id', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    const check = await drift.getCheck(
      await tenantOf(req, caller),
      req.params.id,
    );
    if (!check)
      throw new NotFoundError(`check ${req.params.id} does not exist`);
    res.json(check);
  });

  router.get('/drift/incidents', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    const query = parseInput(incidentsQuery, req.query, 'query');
    const tenant = await tenancy.tenantFor(caller, query.tenant);
    const env = query.environment
      ? await environments.require(tenant, query.environment)
      : undefined;
    res.json(
      await drift.incidents.list(
        tenant,
        {
          state: query.state,
          severity: query.severity,
          environmentId: env?.id,
        },
        query,
      ),
    );
  });

  router.get('/drift/incidents/:id', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    res.json(await incidentOf(req, caller));
  });

  router.patch('/drift/incidents/:id', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryDriftManagePermission);
    const patch = parseInput(patchSchema, req.body, 'incident');
    const before = await incidentOf(req, caller);
    const after = await drift.incidents.assign(before, patch);
    await record(
      req,
      caller,
      before.tenant,
      'drift.incident.update',
      before.id,
      {
        oldValue: { owner: before.owner, ticketRef: before.ticketRef },
        newValue: patch,
      },
    );
    res.json(after);
  });

  router.post('/drift/incidents/:id/:action', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryDriftManagePermission);
    const action = parseInput(
      z.enum(INCIDENT_ACTIONS),
      req.params.action,
      'action',
    ) as IncidentAction;
    const params = parseInput(actionSchema, req.body, 'incident action');
    const before = await incidentOf(req, caller);
    const { incident, approval } = await drift.incidents.act(
      before,
      action,
      params,
      caller.ref,
    );
    await record(
      req,
      caller,
      before.tenant,
      approval
        ? `drift.incident.${action}.requested`
        : `drift.incident.${action}`,
      before.id,
      {
        oldValue: { state: before.state, expiresAt: before.expiresAt },
        newValue: approval
          ? { approval: approval.id, ...params }
          : {
              state: incident.state,
              expiresAt: incident.expiresAt,
              resolution: incident.resolution,
              note: incident.resolutionNote,
            },
      },
    );
    res.status(approval ? 202 : 200).json({ incident, approval });
  });

  return router;
}
