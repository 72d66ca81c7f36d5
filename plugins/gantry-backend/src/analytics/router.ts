import {
  ANALYTICS_WINDOWS,
  gantryReadPermission,
} from '@internal/plugin-gantry-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { pageQuery, parseInput, tenantQuery } from '../http';
import { TenancyService } from '../tenancy/TenancyService';
import { AnalyticsService } from './AnalyticsService';

const filters = {
  ...tenantQuery,
  window: z.enum(ANALYTICS_WINDOWS).default('24h'),
  workflow: z.string().min(1).max(255).optional(),
  environment: z.string().min(1).max(255).optional(),
};
const summarySchema = z.strictObject(filters);
const pageSchema = z.strictObject({
  ...filters,
  ...pageQuery,
  cursor: z
    .string()
    .regex(/^\d{1,9}$/, 'a page offset')
    .optional(),
});
const environmentsSchema = z.strictObject({
  ...tenantQuery,
  window: filters.window,
});

/** `/analytics`: execution figures of the caller's tenant; read-only. */
export function createAnalyticsRouter(options: {
  analytics: AnalyticsService;
  tenancy: TenancyService;
}): express.Router {
  const { analytics, tenancy } = options;
  const router = Router();

  const scoped = async <T extends z.ZodType>(
    req: express.Request,
    schema: T,
  ) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    const query = parseInput(schema, req.query, 'query') as z.infer<T> & {
      tenant?: string;
    };
    return { ...query, tenant: await tenancy.tenantFor(caller, query.tenant) };
  };

  router.get('/analytics/summary', async (req, res) => {
    res.json(await analytics.summary(await scoped(req, summarySchema)));
  });

  router.get('/analytics/workflows', async (req, res) => {
    const query = await scoped(req, pageSchema);
    res.json(await analytics.workflows(query, query));
  });

  router.get('/analytics/errors', async (req, res) => {
    const query = await scoped(req, pageSchema);
    res.json(await analytics.errorGroups(query, query));
  });

  router.get('/analytics/environments', async (req, res) => {
    const query = await scoped(req, environmentsSchema);
    res.json({
      window: query.window,
      ...analytics.accuracy,
      items: await analytics.environments(query),
    });
  });

  return router;
}
