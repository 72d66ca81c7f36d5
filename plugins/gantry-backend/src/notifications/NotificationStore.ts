import {
  DeliveryStatus,
  NotificationChannel,
  NotificationChannelType,
  NotificationDelivery,
  NotificationRule,
} from '@internal/plugin-gantry-common';
import { Knex } from 'knex';
import { pageOf, toIsoTimestamp } from '../database/rows';
import { SecretBox } from '../environments/crypto';
import { newTimeOrderedId } from '../runs/ids';

const CHANNELS = 'notification_channels';
const RULES = 'notification_rules';
const DELIVERIES = 'notification_deliveries';

/** A channel with its secrets opened, for sending; never answered. */
export interface ChannelWithSecrets extends NotificationChannel {
  secrets: Record<string, string>;
}

export interface ChannelInput {
  name: string;
  type: NotificationChannelType;
  config: Record<string, unknown>;
  secrets: Record<string, string>;
  enabled: boolean;
}

export interface RuleInput {
  name: string;
  eventType: string;
  filter: Record<string, string>;
  channelIds: string[];
  enabled: boolean;
}

/**
 * Channels, rules and deliveries of each tenant. Secrets are sealed with
 * the SecretBox; rows leave this store as API objects naming the secrets
 * they hold, never their values.
 */
export class NotificationStore {
  constructor(private readonly db: Knex, private readonly box: SecretBox) {}

  private channel(row: any): ChannelWithSecrets {
    const secrets = this.box.open(row.secrets);
    return {
      id: row.id,
      tenant: row.tenant,
      name: row.name,
      type: row.type,
      config: JSON.parse(row.config),
      secretNames: Object.keys(secrets).sort(),
      secrets,
      enabled: Boolean(row.enabled),
      createdBy: row.created_by,
      createdAt: toIsoTimestamp(row.created_at)!,
      updatedAt: toIsoTimestamp(row.updated_at)!,
    };
  }

  private rule(row: any): NotificationRule {
    return {
      id: row.id,
      tenant: row.tenant,
      name: row.name,
      eventType: row.event_type,
      filter: JSON.parse(row.filter),
      channelIds: JSON.parse(row.channel_ids),
      enabled: Boolean(row.enabled),
      createdBy: row.created_by,
      createdAt: toIsoTimestamp(row.created_at)!,
      updatedAt: toIsoTimestamp(row.updated_at)!,
    };
  }

  async listChannels(tenant: string): Promise<ChannelWithSecrets[]> {
    const rows = await this.db(CHANNELS).where({ tenant }).orderBy('name');
    return rows.map(r => this.channel(r));
  }

  async getChannel(id: string): Promise<ChannelWithSecrets | undefined> {
    const row = await this.db(CHANNELS).where({ id }).first();
    return row && this.channel(row);
  }

  async findChannelByName(tenant: string, name: string) {
    return this.db(CHANNELS).where({ tenant, name }).first('id');
  }

  async createChannel(tenant: string, input: ChannelInput, actor: string) {
    const id = newTimeOrderedId('nc_');
    const now = new Date();
    await this.db(CHANNELS).insert({
      id,
      tenant,
      name: input.name,
      type: input.type,
      config: JSON.stringify(input.config),
      secrets: this.box.seal(input.secrets),
      enabled: input.enabled,
      created_by: actor,
      created_at: now,
      updated_at: now,
    });
    return (await this.getChannel(id))!;
  }

  async updateChannel(
    id: string,
    patch: Partial<Omit<ChannelInput, 'type'>>,
  ): Promise<ChannelWithSecrets> {
    await this.db(CHANNELS)
      .where({ id })
      .update({
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.config !== undefined
          ? { config: JSON.stringify(patch.config) }
          : {}),
        ...(patch.secrets !== undefined
          ? { secrets: this.box.seal(patch.secrets) }
          : {}),
        ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
        updated_at: new Date(),
      });
    return (await this.getChannel(id))!;
  }

  async deleteChannel(id: string): Promise<void> {
    await this.db(CHANNELS).where({ id }).delete();
  }

  async listRules(tenant: string, enabledOnly = false) {
    const query = this.db(RULES).where({ tenant }).orderBy('name');
    if (enabledOnly) query.where({ enabled: true });
    return (await query).map(r => this.rule(r));
  }

  async getRule(id: string): Promise<NotificationRule | undefined> {
    const row = await this.db(RULES).where({ id }).first();
    return row && this.rule(row);
  }

  async createRule(tenant: string, input: RuleInput, actor: string) {
    const id = newTimeOrderedId('nr_');
    const now = new Date();
    await this.db(RULES).insert({
      id,
      tenant,
      name: input.name,
      event_type: input.eventType,
      filter: JSON.stringify(input.filter),
      channel_ids: JSON.stringify(input.channelIds),
      enabled: input.enabled,
      created_by: actor,
      created_at: now,
      updated_at: now,
    });
    return (await this.getRule(id))!;
  }

  async updateRule(id: string, patch: Partial<RuleInput>) {
    await this.db(RULES)
      .where({ id })
      .update({
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.eventType !== undefined
          ? { event_type: patch.eventType }
          : {}),
        ...(patch.filter !== undefined
          ? { filter: JSON.stringify(patch.filter) }
          : {}),
        ...(patch.channelIds !== undefined
          ? { channel_ids: JSON.stringify(patch.channelIds) }
          : {}),
        ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
        updated_at: new Date(),
      });
    return (await this.getRule(id))!;
  }

  async deleteRule(id: string): Promise<void> {
    await this.db(RULES).where({ id }).delete();
  }

  /**
   * Claims the delivery of an event to a channel; undefined when it was
   * already claimed (a redelivered event, or another replica).
   */
  async startDelivery(d: {
    tenant: string;
    channelId: string;
    ruleId?: string;
    eventId: string;
    eventType: string;
    title: string;
  }): Promise<string | undefined> {
    const id = newTimeOrderedId('nd_');
    const inserted = await this.db(DELIVERIES)
      .insert({
        id,
        tenant: d.tenant,
        channel_id: d.channelId,
        rule_id: d.ruleId ?? null,
        event_id: d.eventId,
        event_type: d.eventType,
        status: 'pending',
        title: d.title.slice(0, 1000),
        created_at: new Date(),
      })
      .onConflict(['tenant', 'channel_id', 'event_id'])
      .ignore()
      .returning('id');
    return inserted.length > 0 ? id : undefined;
  }

  async finishDelivery(id: string, status: DeliveryStatus, error?: string) {
    await this.db(DELIVERIES)
      .where({ id })
      .update({
        status,
        error: error?.slice(0, 2000) ?? null,
        finished_at: new Date(),
      });
  }

  async getDelivery(id: string) {
    return (await this.listDeliveries({ tenant: undefined, id, limit: 1 }))
      .items[0];
  }

  /** Newest first, with an id cursor. */
  async listDeliveries(filter: {
    tenant?: string;
    id?: string;
    channelId?: string;
    ruleId?: string;
    status?: DeliveryStatus;
    limit: number;
    cursor?: string;
  }): Promise<{ items: NotificationDelivery[]; nextCursor?: string }> {
    const query = this.db(`${DELIVERIES} as d`)
      .leftJoin(`${CHANNELS} as c`, 'c.id', 'd.channel_id')
      .select('d.*', 'c.name as channel_name')
      .orderBy('d.id', 'desc')
      .limit(filter.limit + 1);
    if (filter.tenant) query.where('d.tenant', filter.tenant);
    if (filter.id) query.where('d.id', filter.id);
    if (filter.channelId) query.where('d.channel_id', filter.channelId);
    if (filter.ruleId) query.where('d.rule_id', filter.ruleId);
    if (filter.status) query.where('d.status', filter.status);
    if (filter.cursor) query.where('d.id', '<', filter.cursor);
    return pageOf(
      await query,
      filter.limit,
      (r: any) => ({
        id: r.id,
        tenant: r.tenant,
        channelId: r.channel_id,
        channelName: r.channel_name ?? '(deleted)',
        ruleId: r.rule_id ?? undefined,
        eventId: r.event_id,
        eventType: r.event_type,
        status: r.status,
        error: r.error ?? undefined,
        title: r.title,
        createdAt: toIsoTimestamp(r.created_at)!,
        finishedAt: toIsoTimestamp(r.finished_at),
      }),
      d => d.id,
    );
  }
}
