import { Config } from '@backstage/config';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Knex } from 'knex';
import { z } from 'zod';
import { SecretBox } from '../../environments/crypto';
import { tenantRef } from '../../tenancy/TenancyService';

/** An incoming webhook: who may sign it and which event it becomes. */
export interface WebhookSettings {
  name: string;
  tenant: string;
  /** Event type of every delivery, unless `typeHeader` maps it. */
  event?: string;
  /** Header naming the vendor's topic, e.g. `x-shopify-topic`... */
  typeHeader?: string;
  /** ...and how its values translate: `orders/create` -> `order.created`. */
  types?: Record<string, string>;
  /** Header with the HMAC-SHA256 of the raw body, hex (`sha256=` optional) or base64. */
  signatureHeader: string;
  /** Header whose value is the delivery's idempotency key. */
  idempotencyHeader: string;
}

export const webhookSettingsSchema = z
  .strictObject({
    event: z
      .string()
      .regex(/^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)+$/, 'an event type like a.b')
      .optional(),
    typeHeader: z.string().min(1).max(100).optional(),
    types: z.record(z.string(), z.string()).optional(),
    signatureHeader: z.string().min(1).max(100).default('x-gantry-signature'),
    idempotencyHeader: z.string().min(1).max(100).default('x-gantry-delivery'),
    secret: z.string().min(16, 'at least 16 characters').max(500),
  })
  .refine(w => w.event || (w.typeHeader && w.types), {
    message: 'name a fixed `event` or a `typeHeader` with `types`',
  });

/** Constant-time check of `header` against the HMAC-SHA256 of `body`. */
export function verifySignature(
  body: Buffer,
  secret: string,
  header: string | undefined,
): boolean {
  if (!header) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  const given = header.trim().replace(/^sha256=/i, '');
  const bytes = /^[0-9a-f]{64}$/i.test(given)
    ? Buffer.from(given, 'hex')
    : Buffer.from(given, 'base64');
  return bytes.length === expected.length && timingSafeEqual(bytes, expected);
}

/**
 * Incoming webhooks from `gantry.hooks.webhooks` in app-config, and those
 * admins register through the API (secrets sealed at rest). Config wins on
 * a name clash, so a deployment can pin its own.
 */
export class WebhookRegistry {
  private readonly configured = new Map<
    string,
    WebhookSettings & { secret: string }
  >();

  constructor(
    private readonly db: Knex,
    private readonly box: SecretBox,
    config?: Config,
  ) {
    for (const hook of config?.getOptionalConfigArray(
      'gantry.hooks.webhooks',
    ) ?? []) {
      // an array: vendor topics (`orders/create`) are no valid config keys
      const types = hook.getOptionalConfigArray('types');
      const settings = webhookSettingsSchema.parse({
        event: hook.getOptionalString('event'),
        typeHeader: hook.getOptionalString('typeHeader'),
        types: types
          ? Object.fromEntries(
              types.map(t => [t.getString('from'), t.getString('event')]),
            )
          : undefined,
        signatureHeader: hook.getOptionalString('signatureHeader'),
        idempotencyHeader: hook.getOptionalString('idempotencyHeader'),
        secret: hook.getString('secret'),
      });
      const name = hook.getString('name');
      this.configured.set(name, {
        ...settings,
        name,
        tenant: tenantRef(hook.getString('tenant')),
      });
    }
  }

  async find(
    name: string,
  ): Promise<(WebhookSettings & { secret: string }) | undefined> {
    const configured = this.configured.get(name);
    if (configured) return configured;
    const row = await this.db('event_webhooks').where({ name }).first();
    if (!row) return undefined;
    return {
      ...JSON.parse(row.settings),
      name,
      tenant: row.tenant,
      secret: this.box.open(row.secret).secret,
    };
  }

  /** A tenant's webhooks, without secrets. */
  async list(tenant: string): Promise<WebhookSettings[]> {
    const stored = await this.db('event_webhooks').where({ tenant });
    return [
      ...[...this.configured.values()]
        .filter(w => w.tenant === tenant)
        .map(({ secret: _secret, ...w }) => w),
      ...stored.map(row => ({
        ...JSON.parse(row.settings),
        name: row.name,
        tenant: row.tenant,
      })),
    ].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Creates or replaces an API webhook; returns the one it replaced. */
  async save(
    tenant: string,
    name: string,
    input: z.infer<typeof webhookSettingsSchema>,
    by: string,
  ): Promise<{ webhook: WebhookSettings; previous?: WebhookSettings }> {
    if (this.configured.has(name)) {
      throw new Error(`webhook ${name} is set in app-config`);
    }
    const { secret, ...settings } = input;
    const existing = await this.db('event_webhooks').where({ name }).first();
    if (existing && existing.tenant !== tenant) {
      throw new Error(`webhook ${name} belongs to another tenant`);
    }
    const row = {
      name,
      tenant,
      settings: JSON.stringify(settings),
      secret: this.box.seal({ secret }),
      updated_by: by,
      updated_at: new Date(),
    };
    await this.db('event_webhooks').insert(row).onConflict('name').merge();
    return {
      webhook: { ...settings, name, tenant },
      previous: existing && {
        ...JSON.parse(existing.settings),
        name,
        tenant,
      },
    };
  }

  /** The platform event type of a delivery, or undefined when it maps to none. */
  static eventType(
    webhook: WebhookSettings,
    header: (name: string) => string | undefined,
  ): string | undefined {
    if (webhook.typeHeader && webhook.types) {
      const topic = header(webhook.typeHeader);
      const mapped = topic ? webhook.types[topic] : undefined;
      if (mapped) return mapped;
    }
    return webhook.event;
  }
}
