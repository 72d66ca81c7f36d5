import { gantryReadPermission } from '@internal/plugin-gantry-common';
import express from 'express';
import Router from 'express-promise-router';
import { TenancyService } from './TenancyService';

/** `/tenancy/me`: who the caller is to Gantry and which tenants they act in. */
export function createTenancyRouter(options: {
  tenancy: TenancyService;
}): express.Router {
  const { tenancy } = options;
  const router = Router();

  router.get('/tenancy/me', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    const tenant = await tenancy.tenantFor(caller).catch(() => undefined);
    res.json({
      user: caller.ref,
      groups: caller.claims.filter(c => c.startsWith('group:')),
      tenants: caller.tenants,
      tenant,
      admin: await tenancy.isAdmin(caller),
    });
  });

  return router;
}
