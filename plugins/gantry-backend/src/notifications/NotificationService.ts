import { LoggerService } from '@backstage/backend-plugin-api';
import {
  NotificationChannel,
  NotificationRule,
  PlatformEvent,
} from '@internal/plugin-gantry-common';
import { randomUUID } from 'node:crypto';
import { ChannelWithSecrets, NotificationStore } from './NotificationStore';
import { Message, messageOf, Senders } from './deliver';

/** A channel as answers show it: secret names, never values. */
export function redacted(channel: ChannelWithSecrets): NotificationChannel {
  const { secrets, ...shown } = channel;
  return shown;
}

/** True when a rule's event type and payload filter match an event. */
export function ruleMatches(
  rule: NotificationRule,
  event: PlatformEvent,
): boolean {
  const type = rule.eventType;
  const typeMatches =
    type === '*' ||
    type === event.type ||
    (type.endsWith('.*') && event.type.startsWith(type.slice(0, -1)));
  if (!typeMatches) return false;
  return Object.entries(rule.filter).every(
    ([key, value]) => String(event.payload?.[key] ?? '') === value,
  );
}

/**
 * Routes a tenant's platform events to its channels through its rules and
 * logs each delivery. An event reaches a channel at most once, however
 * many rules name it and however often the event is delivered.
 */
export class NotificationService {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    readonly store: NotificationStore,
    private readonly senders: Senders,
    private readonly logger: LoggerService,
  ) {}

  /** Starts delivering an event; the sending goes on in the background. */
  async dispatch(event: PlatformEvent): Promise<void> {
    const rules = (await this.store.listRules(event.tenant, true)).filter(r =>
      ruleMatches(r, event),
    );
    if (rules.length === 0) return;
    const channels = new Map(
      (await this.store.listChannels(event.tenant))
        .filter(c => c.enabled)
        .map(c => [c.id, c]),
    );
    const targets = new Map<string, NotificationRule>();
    for (const rule of rules) {
      for (const id of rule.channelIds) {
        if (channels.has(id) && !targets.has(id)) targets.set(id, rule);
      }
    }
    const message = messageOf(event);
    for (const [channelId, rule] of targets) {
      this.track(this.deliver(channels.get(channelId)!, message, rule.id));
    }
  }

  /** Sends a test message over a channel now; returns the delivery. */
  async test(channel: ChannelWithSecrets, actor: string) {
    const event: PlatformEvent = {
      id: `test-${randomUUID()}`,
      type: 'notification.test',
      tenant: channel.tenant,
      payload: { channel: channel.name, requestedBy: actor },
      source: 'gantry',
      occurredAt: new Date().toISOString(),
    };
    const id = await this.deliver(channel, {
      ...messageOf(event),
      title: `Gantry test notification for channel ${channel.name}`,
      text: `${actor} tested this channel at ${event.occurredAt}.`,
    });
    return this.store.getDelivery(id!);
  }

  /** Waits for deliveries under way (tests, shutdown). */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private track(promise: Promise<unknown>) {
    const done = promise.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.add(done);
    done.finally(() => this.inFlight.delete(done));
  }

  private async deliver(
    channel: ChannelWithSecrets,
    message: Message,
    ruleId?: string,
  ): Promise<string | undefined> {
    const id = await this.store.startDelivery({
      tenant: channel.tenant,
      channelId: channel.id,
      ruleId,
      eventId: message.event.id,
      eventType: message.event.type,
      title: message.title,
    });
    if (!id) return undefined;
    try {
      await this.senders.send(channel, message);
      await this.store.finishDelivery(id, 'sent');
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.warn(
        `notification ${id} over ${channel.type} channel ${channel.id} failed: ${reason}`,
      );
      await this.store.finishDelivery(id, 'failed', reason);
    }
    return id;
  }
}
