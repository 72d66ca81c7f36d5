import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
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
import { authorize, pageQuery, parseInput } from '../http';
import { DeploymentService, ScoreSpecError } from './DeploymentService';

const specQuery = z.object({
  profile: z.enum(SECURITY_PROFILES).optional(),
  tenant: z.string().max(200).optional(),
});
const listQuery = z.object({
  ...pageQuery,
  tenant: z.string().max(200).optional(),
});

/** `/specs`, `/deployments`, `/applications`: Score deployments and their resources. */
export function createDeploymentsRouter(options: {
  deployments: DeploymentService;
  audit: AuditService;
  defaultTenant: string;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
}): express.Router {
  const { deployments, audit } = options;
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
    const caller = await authorize(req, options, gantryRunCreatePermission);
    const query = parseInput(specQuery, req.query, 'query');
    const spec =
      typeof req.body === 'string' ? req.body : stringify(req.body ?? {});
    const tenant = query.tenant ?? options.defaultTenant;
    try {
      const deployment = await deployments.deploy({
        spec,
        tenant,
        actor: caller.ref,
        profile: query.profile,
      });
      await audit.record({
        tenant,
        actor: caller.ref,
        action: 'deployment.create',
        target: deployment.id,
        details: {
          application: deployment.application,
          profile: deployment.profile,
        },
      });
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
    await authorize(req, options, gantryReadPermission);
    const deployment = await deployments.get(req.params.id);
    if (!deployment)
      throw new NotFoundError(`deployment ${req.params.id} does not exist`);
    res.json(deployment);
  });

  router.get('/applications', async (req, res) => {
    await authorize(req, options, gantryReadPermission);
    res.json(
      await deployments.listApplications(
        parseInput(listQuery, req.query, 'query'),
      ),
    );
  });

  router.get('/applications/:name', async (req, res) => {
    await authorize(req, options, gantryReadPermission);
    const { tenant } = parseInput(listQuery, req.query, 'query');
    res.json(
      await deployments.getApplication(
        tenant ?? options.defaultTenant,
        req.params.name,
      ),
    );
  });

  router.get('/applications/:name/deployments', async (req, res) => {
    await authorize(req, options, gantryReadPermission);
    const { tenant, limit, cursor } = parseInput(listQuery, req.query, 'query');
    res.json(
      await deployments.listDeployments({
        tenant: tenant ?? options.defaultTenant,
        application: req.params.name,
        limit,
        cursor,
      }),
    );
  });

  router.delete('/applications/:name', async (req, res) => {
    const caller = await authorize(req, options, gantryRunCreatePermission);
    const query = parseInput(specQuery, req.query, 'query');
    const tenant = query.tenant ?? options.defaultTenant;
    const result = await deployments.deleteApplication({
      tenant,
      name: req.params.name,
      actor: caller.ref,
      profile: query.profile,
    });
    await audit.record({
      tenant,
      actor: caller.ref,
      action: 'application.delete',
      target: req.params.name,
      details: result,
    });
    res.status(result.deleted ? 200 : 502).json(result);
  });

  router.post(
    '/applications/:name/workflows/:provider/:workflow/runs',
    async (req, res) => {
      const caller = await authorize(req, options, gantryRunCreatePermission);
      const query = parseInput(specQuery, req.query, 'query');
      const tenant = query.tenant ?? options.defaultTenant;
      const run = await deployments.runManual({
        tenant,
        application: req.params.name,
        provider: req.params.provider,
        workflow: req.params.workflow,
        actor: caller.ref,
        profile: query.profile,
      });
      await audit.record({
        tenant,
        actor: caller.ref,
        action: 'run.create',
        target: run.id,
        details: { application: req.params.name, manual: true },
      });
      res.status(201).json(run);
    },
  );

  return router;
}
