import { NotFoundError } from '@backstage/errors';
import {
  gantryPipelineManagePermission,
  gantryPromotionCreatePermission,
  gantryReadPermission,
} from '@internal/plugin-gantry-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { AuditService } from '../audit/AuditService';
import { EnvironmentService } from '../environments/EnvironmentService';
import { pageQuery, parseInput, tenantQuery } from '../http';
import { Caller, TenancyService } from '../tenancy/TenancyService';
import { pipelineSchema } from './pipelines';
import { Promotion, PromotionService } from './PromotionService';

const promotionSchema = z.strictObject({
  pipeline: z.string().min(1).max(200),
  stage: z.number().int().min(0).max(19),
  workflows: z.array(z.string().min(1)).max(500).optional(),
  force: z.boolean().optional(),
});
const mappingSchema = z.strictObject({
  mapping: z.record(
    z.string().regex(/^[A-Za-z0-9_.-]+$/),
    z.string().regex(/^[A-Za-z0-9_.-]+$/),
  ),
});
const scoped = z.object(tenantQuery);
const listSchema = z.object({
  ...pageQuery,
  ...tenantQuery,
  environment: z.string().max(64).optional(),
});

/** `/pipelines`, `/promotions`, credential mappings: moving workflows between environments. */
export function createPromotionsRouter(options: {
  promotions: PromotionService;
  environments: EnvironmentService;
  audit: AuditService;
  tenancy: TenancyService;
}): express.Router {
  const { promotions, environments, audit, tenancy } = options;
  const router = Router();
  router.use(express.json());

  const tenantOf = async (req: Request, caller: Caller) =>
    tenancy.tenantFor(caller, parseInput(scoped, req.query, 'query').tenant);
  const visiblePromotion = (caller: Caller, id: string) =>
    tenancy.visible(caller, `promotion ${id}`, () => promotions.find(id));
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

  router.get('/pipelines', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    res.json({
      items: await promotions.pipelines(await tenantOf(req, caller)),
    });
  });

  router.put('/pipelines/:name', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryPipelineManagePermission);
    const tenant = await tenantOf(req, caller);
    const input = parseInput(
      pipelineSchema,
      { ...req.body, name: req.params.name },
      'pipeline',
    );
    const { pipeline, previous } = await promotions.savePipeline(
      tenant,
      input,
      caller.ref,
    );
    await record(
      req,
      caller,
      tenant,
      previous ? 'pipeline.update' : 'pipeline.create',
      pipeline.id,
      {
        oldValue: previous && {
          stages: previous.stages,
          flags: previous.flags,
        },
        newValue: { stages: pipeline.stages, flags: pipeline.flags },
      },
    );
    res.status(previous ? 200 : 201).json(pipeline);
  });

  router.get('/pipelines/:name', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    const tenant = await tenantOf(req, caller);
    const pipeline = await promotions.pipeline(tenant, req.params.name);
    if (!pipeline)
      throw new NotFoundError(`pipeline ${req.params.name} does not exist`);
    res.json(pipeline);
  });

  router.put(
    '/environments/:id/credential-mappings/:target',
    async (req, res) => {
      const caller = await tenancy.authorize(
        req,
        gantryPipelineManagePermission,
      );
      const tenant = await tenantOf(req, caller);
      const source = await environments.require(tenant, req.params.id);
      const target = await environments.require(tenant, req.params.target);
      const { mapping } = parseInput(
        mappingSchema,
        req.body,
        'credential mapping',
      );
      const before = await promotions.credentialMapping(source, target);
      await promotions.setCredentialMapping(source, target, mapping);
      await record(
        req,
        caller,
        tenant,
        'credentials.remap',
        `${source.id}->${target.id}`,
        {
          oldValue: before,
          newValue: mapping,
        },
      );
      res.json({ mapping });
    },
  );

  router.post('/promotions/preview', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    const body = parseInput(promotionSchema, req.body, 'promotion');
    const preview = await promotions.preview({
      ...body,
      tenant: await tenantOf(req, caller),
    });
    res.json({
      ...preview,
      source: preview.source.name,
      target: preview.target.name,
    });
  });

  router.post('/promotions', async (req, res) => {
    const caller = await tenancy.authorize(
      req,
      gantryPromotionCreatePermission,
    );
    const body = parseInput(promotionSchema, req.body, 'promotion');
    const tenant = await tenantOf(req, caller);
    const promotion = await promotions.start({
      ...body,
      tenant,
      actor: caller.ref,
    });
    await record(req, caller, tenant, 'promotion.create', promotion.id, {
      newValue: {
        status: promotion.status,
        workflows: promotion.workflows,
        risk: promotion.risk,
        force: promotion.force,
      },
    });
    res.status(201).json(promotion);
  });

  router.get('/promotions', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    const query = parseInput(listSchema, req.query, 'query');
    res.json(await promotions.list(await tenantOf(req, caller), query));
  });

  router.get('/promotions/:id', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    res.json(await visiblePromotion(caller, req.params.id));
  });

  const promotionAction = (
    action: 'cancel' | 'rollback',
    run: (promotion: Promotion, caller: Caller) => Promise<Promotion>,
  ) =>
    router.post(`/promotions/:id/${action}`, async (req, res) => {
      const caller = await tenancy.authorize(
        req,
        action === 'cancel'
          ? gantryPromotionCreatePermission
          : gantryPipelineManagePermission,
      );
      const promotion = await visiblePromotion(caller, req.params.id);
      const updated = await run(promotion, caller);
      await record(
        req,
        caller,
        promotion.tenant,
        `promotion.${action}`,
        promotion.id,
        {
          oldValue: { status: promotion.status },
          newValue: { status: updated.status },
        },
      );
      res.json(updated);
    });
  promotionAction('cancel', promotion => promotions.cancel(promotion));
  promotionAction('rollback', (promotion, caller) =>
    promotions.rollback(promotion, caller.ref),
  );

  return router;
}
