import { InputError, NotFoundError } from '@backstage/errors';
import {
  EVENT_CATALOGUE,
  gantryNotificationManagePermission,
  gantryReadPermission,
  NOTIFICATION_CHANNEL_TYPES,
} from '@internal/plugin-gantry-common';
import express, { Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { AuditService } from '../audit/AuditService';
import { pageQuery, parseInput, tenantQuery } from '../http';
import { Caller, TenancyService } from '../tenancy/TenancyService';
import { CHANNEL_SCHEMAS } from './channels';
import { NotificationService, redacted } from './NotificationService';

const name = z
  .string()
  .regex(/^[\w][\w .-]{0,99}$/, 'letters, digits, spaces, . _ and -');
const channelSchema = z.discriminatedUnion(
  'type',
  NOTIFICATION_CHANNEL_TYPES.map(type =>
    z.strictObject({
      type: z.literal(type),
      name,
      enabled: z.boolean().default(true),
      config: CHANNEL_SCHEMAS[type].config,
      secrets: CHANNEL_SCHEMAS[type].secrets,
    }),
  ) as any,
);
const channelPatchSchema = z.strictObject({
  name: name.optional(),
  enabled: z.boolean().optional(),
  config: z.record(z.string(), z.unknown()).optional(),
  /** Replaces every secret of the channel. */
  secrets: z.record(z.string(), z.string()).optional(),
});
const ruleFields = {
  name,
  eventType: z
    .string()
    .max(200)
    .regex(
      /^(\*|[a-z0-9_-]+(\.[a-z0-9_-]+)*(\.\*)?)$/i,
      'an event type such as run.failed, a prefix such as drift.*, or *',
    ),
  filter: z
    .record(z.string().regex(/^\w{1,64}$/), z.string().max(500))
    .refine(f => Object.keys(f).length <= 10, 'at most 10 fields'),
  channelIds: z.array(z.string().max(64)).min(1).max(20),
  enabled: z.boolean(),
};
const ruleSchema = z.strictObject({
  ...ruleFields,
  filter: ruleFields.filter.default({}),
  enabled: ruleFields.enabled.default(true),
});
// no defaults: a patch changes only what it names
const rulePatchSchema = z.strictObject(ruleFields).partial();
const scoped = z.object(tenantQuery);
const deliveriesSchema = z.strictObject({
  ...tenantQuery,
  ...pageQuery,
  channelId: z.string().max(64).optional(),
  ruleId: z.string().max(64).optional(),
  status: z.enum(['pending', 'sent', 'failed']).optional(),
});

/** `/notifications`: a tenant's channels, rules, deliveries and the event catalogue. */
export function createNotificationsRouter(options: {
  notifications: NotificationService;
  audit: AuditService;
  tenancy: TenancyService;
}): express.Router {
  const { notifications, audit, tenancy } = options;
  const store = notifications?.store;
  const router = Router();
  router.use(express.json());

  const tenantOf = (req: Request, caller: Caller) =>
    tenancy.tenantFor(caller, parseInput(scoped, req.query, 'query').tenant);
  const manage = async (req: Request) => {
    const caller = await tenancy.authorize(
      req,
      gantryNotificationManagePermission,
    );
    return { caller, tenant: await tenantOf(req, caller) };
  };
  const channelOf = async (tenant: string, id: string) => {
    const channel = await store.getChannel(id);
    if (!channel || channel.tenant !== tenant) {
      throw new NotFoundError(`notification channel ${id} does not exist`);
    }
    return channel;
  };
  const ruleOf = async (tenant: string, id: string) => {
    const rule = await store.getRule(id);
    if (!rule || rule.tenant !== tenant) {
      throw new NotFoundError(`notification rule ${id} does not exist`);
    }
    return rule;
  };
  const checkChannels = async (tenant: string, ids: string[]) => {
    const known = new Set((await store.listChannels(tenant)).map(c => c.id));
    const missing = ids.filter(id => !known.has(id));
    if (missing.length > 0) {
      throw new InputError(
        `invalid rule: channelIds: no channel ${missing.join(', ')} here`,
      );
    }
  };
  const record = (
    req: Request,
    caller: Caller,
    tenant: string,
    action: string,
    target: string,
    values: { oldValue?: unknown; newValue?: unknown },
  ) =>
    audit.record(
      { tenant, actor: caller.ref, action, target, ...values },
      { request: req },
    );

  router.get('/notifications/events', async (req, res) => {
    await tenancy.authorize(req, gantryReadPermission);
    res.json({ items: EVENT_CATALOGUE });
  });

  router.get('/notifications/channels', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    const tenant = await tenantOf(req, caller);
    res.json({ items: (await store.listChannels(tenant)).map(redacted) });
  });

  router.post('/notifications/channels', async (req, res) => {
    const { caller, tenant } = await manage(req);
    const body = parseInput(channelSchema, req.body, 'channel') as any;
    if (await store.findChannelByName(tenant, body.name)) {
      throw new InputError(
        `invalid channel: name: ${body.name} is already taken`,
      );
    }
    const channel = redacted(
      await store.createChannel(tenant, body, caller.ref),
    );
    await record(
      req,
      caller,
      tenant,
      'notification.channel.create',
      channel.id,
      {
        newValue: channel,
      },
    );
    res.status(201).json(channel);
  });

  router.get('/notifications/channels/:id', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    const tenant = await tenantOf(req, caller);
    res.json(redacted(await channelOf(tenant, req.params.id)));
  });

  router.patch('/notifications/channels/:id', async (req, res) => {
    const { caller, tenant } = await manage(req);
    const channel = await channelOf(tenant, req.params.id);
    const patch = parseInput(channelPatchSchema, req.body, 'channel');
    const schemas = CHANNEL_SCHEMAS[channel.type];
    const updated = redacted(
      await store.updateChannel(channel.id, {
        ...patch,
        config:
          patch.config && parseInput(schemas.config, patch.config, 'config'),
        secrets:
          patch.secrets &&
          parseInput(schemas.secrets, patch.secrets, 'secrets'),
      }),
    );
    await record(
      req,
      caller,
      tenant,
      'notification.channel.update',
      channel.id,
      {
        oldValue: redacted(channel),
        newValue: updated,
      },
    );
    res.json(updated);
  });

  router.delete('/notifications/channels/:id', async (req, res) => {
    const { caller, tenant } = await manage(req);
    const channel = await channelOf(tenant, req.params.id);
    await store.deleteChannel(channel.id);
    await record(
      req,
      caller,
      tenant,
      'notification.channel.delete',
      channel.id,
      {
        oldValue: redacted(channel),
      },
    );
    res.status(204).end();
  });

  router.post('/notifications/channels/:id/test', async (req, res) => {
    const { caller, tenant } = await manage(req);
    const channel = await channelOf(tenant, req.params.id);
    const delivery = await notifications.test(channel, caller.ref);
    await record(req, caller, tenant, 'notification.channel.test', channel.id, {
      newValue: { status: delivery?.status, error: delivery?.error },
    });
    res.json(delivery);
  });

  router.get('/notifications/rules', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    res.json({ items: await store.listRules(await tenantOf(req, caller)) });
  });

  router.post('/notifications/rules', async (req, res) => {
    const { caller, tenant } = await manage(req);
    const body = parseInput(ruleSchema, req.body, 'rule');
    await checkChannels(tenant, body.channelIds);
    const rule = await store.createRule(tenant, body, caller.ref);
    await record(req, caller, tenant, 'notification.rule.create', rule.id, {
      newValue: rule,
    });
    res.status(201).json(rule);
  });

  router.patch('/notifications/rules/:id', async (req, res) => {
    const { caller, tenant } = await manage(req);
    const rule = await ruleOf(tenant, req.params.id);
    const patch = parseInput(rulePatchSchema, req.body, 'rule');
    if (patch.channelIds) await checkChannels(tenant, patch.channelIds);
    const updated = await store.updateRule(rule.id, patch);
    await record(req, caller, tenant, 'notification.rule.update', rule.id, {
      oldValue: rule,
      newValue: updated,
    });
    res.json(updated);
  });

  router.delete('/notifications/rules/:id', async (req, res) => {
    const { caller, tenant } = await manage(req);
    const rule = await ruleOf(tenant, req.params.id);
    await store.deleteRule(rule.id);
    await record(req, caller, tenant, 'notification.rule.delete', rule.id, {
      oldValue: rule,
    });
    res.status(204).end();
  });

  router.get('/notifications/deliveries', async (req, res) => {
    const caller = await tenancy.authorize(req, gantryReadPermission);
    const query = parseInput(deliveriesSchema, req.query, 'query');
    const tenant = await tenancy.tenantFor(caller, query.tenant);
    res.json(await store.listDeliveries({ ...query, tenant }));
  });

  return router;
}
