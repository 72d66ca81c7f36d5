import {
  AuthenticationError,
  ConflictError,
  InputError,
  NotFoundError,
} from '@backstage/errors';
import {
  EventReceipt,
  gantryEventCreatePermission,
  gantryHookManagePermission,
  gantryReadPermission,
  PlatformEvent,
} from '@internal/plugin-gantry-common';
import express, { RequestHandler, Response } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { AuditService } from '../../audit/AuditService';
import { parseInput, tenantQuery } from '../../http';
import { TenancyService } from '../../tenancy/TenancyService';
import { PlatformEventService } from './PlatformEventService';
import {
  verifySignature,
  WebhookRegistry,
  webhookSettingsSchema,
} from './webhooks';

export const EVENT_TYPE = z
  .string()
  .max(100)
  .regex(
    /^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)+$/,
    'a dotted lower-case event type such as order.created',
  );

const ingestSchema = z.strictObject({
  type: EVENT_TYPE,
  payload: z.record(z.string(), z.unknown()).default({}),
  idempotencyKey: z.string().min(1).max(200).optional(),
  occurredAt: z.iso.datetime({ offset: true }).optional(),
  correlationId: z.string().min(1).max(64).optional(),
});

const WEBHOOK_PATH = /^\/webhooks\/[^/]+\/?$/;
const MAX_BODY = '1mb';

/**
 * Keeps the raw bytes of webhook deliveries, whose signature covers them
 * exactly; mounted before any JSON parser of the plugin.
 */
export const webhookBodies: RequestHandler = (req, res, next) => {
  if (req.method !== 'POST' || !WEBHOOK_PATH.test(req.path)) {
    next();
    return;
  }
  express.raw({ type: () => true, limit: MAX_BODY })(req, res, next);
};

const receipt = (
  res: Response,
  { event, created }: { event: PlatformEvent; created: boolean },
) => {
  const body: EventReceipt = { id: event.id, type: event.type, created };
  res
    .status(created ? 202 : 200)
    .setHeader('cache-control', 'no-store')
    .json(body);
};

/**
 * `POST /events` (authenticated ingest), `POST /webhooks/:name` (signed by a
 * shared secret instead of Backstage auth) and the admin routes of webhooks.
 */
export function createEventsRouter(options: {
  platformEvents: PlatformEventService;
  webhooks: WebhookRegistry;
  audit: AuditService;
  tenancy: TenancyService;
}): express.Router {
  const { platformEvents, webhooks, audit, tenancy } = options;
  const router = Router();
  router.use(webhookBodies);
  router.use(express.json({ limit: MAX_BODY }));

  router.post('/events', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryEventCreatePermission);
    const query = parseInput(z.object(tenantQuery), req.query, 'query');
    const tenant = await tenancy.tenantFor(caller, query.tenant);
    const input = parseInput(ingestSchema, req.body, 'event');
    receipt(
      res,
      await platformEvents.publish({
        ...input,
        tenant,
        source: `ingest:${caller.ref}`,
      }),
    );
  });

  router.post('/webhooks/:name', async (req, res) => {
    const webhook = await webhooks.find(req.params.name);
    if (!webhook)
      throw new NotFoundError(`webhook ${req.params.name} does not exist`);
    const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (
      !verifySignature(body, webhook.secret, req.get(webhook.signatureHeader))
    )
      throw new AuthenticationError(
        `the ${webhook.signatureHeader} header does not sign this body with webhook ${webhook.name}'s secret`,
      );
    const type = WebhookRegistry.eventType(webhook, h => req.get(h));
    if (!type) {
      throw new InputError(
        `webhook ${webhook.name} translates no event from ${
          webhook.typeHeader
        } '${req.get(webhook.typeHeader ?? '')}'`,
      );
    }
    let payload: unknown;
    try {
      payload = body.length ? JSON.parse(body.toString('utf8')) : {};
    } catch {
      throw new InputError('the webhook body is not JSON');
    }
    if (!payload || typeof payload !== 'object' || Array.isArray(payload))
      throw new InputError('the webhook body must be a JSON object');
    receipt(
      res,
      await platformEvents.publish({
        type,
        tenant: webhook.tenant,
        payload: payload as Record<string, unknown>,
        source: `webhook:${webhook.name}`,
        idempotencyKey: req.get(webhook.idempotencyHeader)?.slice(0, 200),
      }),
    );
  });

  router.get('/admin/webhooks', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    const query = parseInput(z.object(tenantQuery), req.query, 'query');
    const tenant = await tenancy.tenantFor(caller, query.tenant);
    res
      .setHeader('cache-control', 'no-store')
      .json({ items: await webhooks.list(tenant) });
  });

  router.put('/admin/webhooks/:name', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryHookManagePermission);
    const query = parseInput(z.object(tenantQuery), req.query, 'query');
    const tenant = await tenancy.tenantFor(caller, query.tenant);
    const name = parseInput(
      z
        .string()
        .regex(/^[a-z0-9][a-z0-9-]{0,99}$/, 'lower-case letters, digits and -'),
      req.params.name,
      'name',
    );
    const input = parseInput(webhookSettingsSchema, req.body, 'webhook');
    const saved = await webhooks
      .save(tenant, name, input, caller.ref)
      .catch(error => {
        throw new ConflictError(`webhook ${name} is taken: ${error.message}`);
      });
    await audit.record(
      {
        tenant,
        actor: caller.ref,
        action: saved.previous ? 'webhook.update' : 'webhook.create',
        target: name,
        oldValue: saved.previous,
        newValue: saved.webhook,
      },
      { request: req },
    );
    res
      .status(saved.previous ? 200 : 201)
      .setHeader('cache-control', 'no-store')
      .json(saved.webhook);
  });

  return router;
}
