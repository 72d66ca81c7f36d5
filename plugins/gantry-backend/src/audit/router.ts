import { gantryAuditReadPermission } from '@internal/plugin-gantry-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { pageQuery, parseInput, tenantQuery } from '../http';
import { TenancyService } from '../tenancy/TenancyService';
import { AuditService } from './AuditService';

const searchSchema = z.object({
  ...pageQuery,
  ...tenantQuery,
  cursor: z.coerce.number().int().positive().optional(),
  actor: z.string().max(300).optional(),
  action: z.string().max(100).optional(),
  target: z.string().max(300).optional(),
  q: z.string().max(200).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
});

/** `/audit`: the tenant's audit log, searchable, for those holding `gantry.audit.read`. */
export function createAuditRouter(options: {
  audit: AuditService;
  tenancy: TenancyService;
}): express.Router {
  const { audit, tenancy } = options;
  const router = Router();

  router.get('/audit', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryAuditReadPermission);
    const query = parseInput(searchSchema, req.query, 'query');
    const tenant = await tenancy.tenantFor(caller, query.tenant);
    res.json(await audit.list({ ...query, tenant }));
  });

  return router;
}
