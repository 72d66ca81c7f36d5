import { NotFoundError } from '@backstage/errors';
import {
  gantryProviderManagePermission,
  gantryReadPermission,
} from '@internal/plugin-gantry-common';
import express from 'express';
import Router from 'express-promise-router';
import { Knex } from 'knex';
import { z } from 'zod';
import { AuditService } from '../audit/AuditService';
import { pageQuery, parseInput, tenantQuery } from '../http';
import { TenancyService } from '../tenancy/TenancyService';
import { ProviderRegistry, ProviderStatus } from './ProviderRegistry';

const registerSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and -'),
  git_url: z
    .string()
    .regex(/^(https?|ssh|git|file):\/\/\S+$|^git@\S+:\S+$/, 'a git URL'),
  path: z
    .string()
    .default('.')
    .refine(
      p => !p.split('/').includes('..'),
      'must stay inside the repository',
    ),
  ref: z
    .string()
    .regex(/^[A-Za-z0-9._/-]+$/, 'a branch, tag or commit')
    .default('main'),
});

const listSchema = z.object(pageQuery);
const manageQuery = z.object(tenantQuery);

function summary(status: ProviderStatus) {
  const p = status.provider;
  return {
    name: status.name,
    description: p?.manifest.description,
    version: p?.manifest.version,
    owner: p?.manifest.owner,
    tags: p?.manifest.tags ?? [],
    supportedResources: p?.manifest.supported_resources ?? [],
    origin: p?.origin,
    loadedAt: p?.loadedAt,
    workflows: p?.workflows.map(w => w.name) ?? [],
    healthy: status.errors.length === 0,
    errors: status.errors,
  };
}

/**
 * `/providers`: what product teams publish, and the admin registration of git
 * sources. Providers are the platform's shared offering, readable from every
 * tenant; registering and refreshing them is recorded in the acting tenant.
 */
export function createProvidersRouter(options: {
  registry: ProviderRegistry;
  db: Knex;
  audit: AuditService;
  tenancy: TenancyService;
}): express.Router {
  const { registry, db, audit, tenancy } = options;
  const router = Router();
  router.use(express.json());

  router.get('/providers', async (req, res) => {
    await tenancy.authorize(req, gantryReadPermission);
    const { limit, cursor } = parseInput(listSchema, req.query, 'query');
    const all = registry.list().filter(s => !cursor || s.name > cursor);
    const items = all.slice(0, limit).map(summary);
    res.json({
      items,
      nextCursor: all.length > limit ? items[items.length - 1].name : undefined,
    });
  });

  router.get('/providers/:name', async (req, res) => {
    await tenancy.authorize(req, gantryReadPermission);
    const status = registry.get(req.params.name);
    if (!status)
      throw new NotFoundError(`provider ${req.params.name} does not exist`);
    res.json({
      ...summary(status),
      workflows: (status.provider?.workflows ?? []).map(w => ({
        name: w.name,
        file: w.file,
        errors: w.errors,
        definition: w.text,
      })),
    });
  });

  router.post('/providers/refresh', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryProviderManagePermission);
    const { tenant } = parseInput(manageQuery, req.query, 'query');
    const statuses = await registry.refresh();
    await audit.record(
      {
        tenant: await tenancy.tenantFor(caller, tenant),
        actor: caller.ref,
        action: 'providers.refresh',
        target: 'providers',
        newValue: { providers: statuses.map(p => p.name) },
      },
      { request: req },
    );
    res.json({ items: statuses.map(summary) });
  });

  router.post('/admin/providers', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryProviderManagePermission);
    const body = parseInput(registerSchema, req.body, 'provider source');
    const tenant = await tenancy.tenantFor(
      caller,
      parseInput(manageQuery, req.query, 'query').tenant,
    );
    // the source and its audit event commit together
    await db.transaction(async trx => {
      const previous = await trx('provider_sources')
        .where({ name: body.name })
        .first();
      await trx('provider_sources')
        .insert({
          ...body,
          tenant,
          created_by: caller.ref,
          created_at: new Date(),
        })
        .onConflict('name')
        .merge(['git_url', 'path', 'ref']);
      await audit.record(
        {
          tenant,
          actor: caller.ref,
          action: 'providers.register',
          target: body.name,
          oldValue: previous && {
            git_url: previous.git_url,
            path: previous.path,
            ref: previous.ref,
          },
          newValue: body,
        },
        { request: req, trx },
      );
    });
    await registry.refresh();
    const status = registry.get(body.name);
    res
      .status(status?.provider ? 201 : 400)
      .json(status ? summary(status) : { name: body.name });
  });

  return router;
}
