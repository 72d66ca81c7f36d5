import { InputError } from '@backstage/errors';
import {
  gantryReadPermission,
  gantryRunCreatePermission,
  SECURITY_PROFILES,
} from '@internal/plugin-gantry-common';
import express from 'express';
import Router from 'express-promise-router';
import { stringify } from 'yaml';
import { z } from 'zod';
import { AuditService } from '../audit/AuditService';
import { pageQuery, parseInput, tenantQuery } from '../http';
import { TenancyService } from '../tenancy/TenancyService';
import { DeploymentService, ScoreSpecError } from './DeploymentService';

const specQuery = z.object({
  profile: z.enum(SECURITY_PROFILES).optional(),
  ...tenantQuery,
});
const listQuery = z.object({ ...pageQuery, ...tenantQuery });

/** A spec sent as JSON, as YAML text; too deep a document is a 400, not a stack overflow. */
function specText(body: unknown): string {
  try {
    return stringify(body);
  } catch (error) {
    if (error instanceof RangeError)
      throw new InputError('the spec is nested too deeply');
    throw error;
  }
}

/** `/specs`, `/deployments`, `/applications`: Score deployments and their resources. */
export function createDeploymentsRouter(options: {
  deployments: DeploymentService;
  audit: AuditService;
  tenancy: TenancyService;
}): express.Router {
  const { deployments, audit, tenancy } = options;
  const router = Router();
  router.use(express.json({ limit: '1mb' }));
  router.use(
    express.text({
      type: [
        'application/yaml',
        'application/x-yaml',
        'text/yaml',
        'text/plain',
      ],
      limit: '1mb',
    }),
  );

  router.post('/specs', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryRunCreatePermission);
    const query = parseInput(specQuery, req.query, 'query');
    const spec =
      typeof req.body === 'string' ? req.body : specText(req.body ?? {});
    const tenant = await tenancy.tenantFor(caller, query.tenant);
    try {
      const deployment = await deployments.deploy({
        spec,
        tenant,
        actor: caller.ref,
        profile: query.profile,
      });
      await audit.record(
        {
          tenant,
          actor: caller.ref,
          action: 'deployment.create',
          target: deployment.id,
          details: {
            application: deployment.application,
            profile: deployment.profile,
          },
        },
        { request: req },
      );
      res.status(202).json(deployment);
    } catch (error) {
      if (error instanceof ScoreSpecError) {
        res.status(400).json({
          error: { name: 'InputError', message: error.message },
          errors: error.errors,
        });
        return;
      }
      throw error;
    }
  });

  router.get('/deployments/:id', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    res.json(
      await tenancy.visible(caller, `deployment ${req.params.id}`, () =>
        deployments.get(req.params.id),
      ),
    );
  });

  router.get('/applications', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    const query = parseInput(listQuery, req.query, 'query');
    const tenant = await tenancy.tenantFor(caller, query.tenant);
    res.json(await deployments.listApplications({ ...query, tenant }));
  });

  router.get('/applications/:name', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    const query = parseInput(listQuery, req.query, 'query');
    const tenant = await tenancy.tenantFor(caller, query.tenant);
    res.json(await deployments.getApplication(tenant, req.params.name));
  });

  router.get('/applications/:name/deployments', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    const { limit, cursor, ...query } = parseInput(
      listQuery,
      req.query,
      'query',
    );
    const tenant = await tenancy.tenantFor(caller, query.tenant);
    // 404 for an application the tenant does not have, not an empty page
    await deployments.getApplication(tenant, req.params.name);
    res.json(
      await deployments.listDeployments({
        tenant,
        application: req.params.name,
        limit,
        cursor,
      }),
    );
  });

  router.delete('/applications/:name', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryRunCreatePermission);
    const query = parseInput(specQuery, req.query, 'query');
    const tenant = await tenancy.tenantFor(caller, query.tenant);
    const result = await deployments.deleteApplication({
      tenant,
      name: req.params.name,
      actor: caller.ref,
      profile: query.profile,
    });
    await audit.record(
      {
        tenant,
        actor: caller.ref,
        action: 'application.delete',
        target: req.params.name,
        details: result,
      },
      { request: req },
    );
    res.status(result.deleted ? 200 : 502).json(result);
  });

  router.post(
    '/applications/:name/workflows/:provider/:workflow/runs',
    async (req, res) => {
      const caller = await tenancy.authorize(req, gantryRunCreatePermission);
      const query = parseInput(specQuery, req.query, 'query');
      const tenant = await tenancy.tenantFor(caller, query.tenant);
      const run = await deployments.runManual({
        tenant,
        application: req.params.name,
        provider: req.params.provider,
        workflow: req.params.workflow,
        actor: caller.ref,
        profile: query.profile,
      });
      await audit.record(
        {
          tenant,
          actor: caller.ref,
          action: 'run.create',
          target: run.id,
          details: { application: req.params.name, manual: true },
        },
        { request: req },
      );
      res.status(201).json(run);
    },
  );

  return router;
}
