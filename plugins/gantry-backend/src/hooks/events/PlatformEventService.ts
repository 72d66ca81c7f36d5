import { LoggerService } from '@backstage/backend-plugin-api';
import { EventsService } from '@backstage/plugin-events-node';
import {
  GANTRY_EVENTS_TOPIC,
  PlatformEvent,
} from '@internal/plugin-gantry-common';
import { Knex } from 'knex';
import { toIsoTimestamp } from '../../database/rows';
import { newTimeOrderedId } from '../../runs/ids';

export type NewPlatformEvent = Omit<PlatformEvent, 'id' | 'occurredAt'> & {
  occurredAt?: string;
};

/** Reacts to each new event once (hooks); a failure is logged, not thrown. */
export type PlatformEventListener = (event: PlatformEvent) => Promise<void>;

function toEvent(row: any): PlatformEvent {
  return {
    id: row.id,
    type: row.type,
    tenant: row.tenant,
    payload: JSON.parse(row.payload),
    source: row.source,
    occurredAt: toIsoTimestamp(row.occurred_at)!,
    idempotencyKey: row.idempotency_key ?? undefined,
    correlationId: row.correlation_id ?? undefined,
  };
}

const isUniqueViolation = (error: unknown) =>
  /unique|duplicate/i.test(String((error as Error)?.message ?? error));

/**
 * Stores platform events and publishes each new one on the Backstage events
 * service (topic `gantry`), where notifications, analytics and any other
 * plugin subscribe. A redelivery with a known idempotency key returns the
 * first event and starts nothing. Events other domains publish straight on
 * the topic are adopted (stored under their own id) so hooks see them too.
 */
export class PlatformEventService {
  private readonly listeners: PlatformEventListener[] = [];

  constructor(
    private readonly deps: {
      db: Knex;
      events: EventsService;
      logger: LoggerService;
    },
  ) {}

  /** Listens on the topic for events this service did not store. */
  async subscribeToTopic(): Promise<void> {
    await this.deps.events.subscribe({
      id: 'gantry-platform-events',
      topics: [GANTRY_EVENTS_TOPIC],
      onEvent: async ({ eventPayload }) => {
        const event = eventPayload as PlatformEvent;
        if (!event?.id || !event.tenant || !event.type) return;
        if (await this.get(event.id)) return;
        const { created } = await this.store(event);
        if (created) await this.dispatch(event);
      },
    });
  }

  /** Called with each new event after it is stored and published. */
  onEvent(listener: PlatformEventListener): void {
    this.listeners.push(listener);
  }

  /** Stores, publishes and dispatches a new event; a known key returns the first one. */
  async publish(
    input: NewPlatformEvent,
  ): Promise<{ event: PlatformEvent; created: boolean }> {
    const stored = await this.store({
      ...input,
      id: newTimeOrderedId('evt_'),
      occurredAt: input.occurredAt ?? new Date().toISOString(),
    });
    if (!stored.created) return stored;
    await this.deps.events
      .publish({ topic: GANTRY_EVENTS_TOPIC, eventPayload: stored.event })
      .catch(error =>
        this.deps.logger.warn(
          `event ${stored.event.id} could not be published: ${error}`,
        ),
      );
    await this.dispatch(stored.event);
    return stored;
  }

  async get(id: string): Promise<PlatformEvent | undefined> {
    const row = await this.deps.db('platform_events').where({ id }).first();
    return row && toEvent(row);
  }

  /**
   * Hands events whose dispatch never finished (the replica stopped) to the
   * listeners again; they are idempotent per event.
   */
  async redispatch(olderThanMs = 30_000): Promise<number> {
    const rows = await this.deps
      .db('platform_events')
      .whereNull('dispatched_at')
      .where('created_at', '<', new Date(Date.now() - olderThanMs))
      .orderBy('id')
      .limit(500);
    for (const row of rows) await this.dispatch(toEvent(row));
    return rows.length;
  }

  private async store(
    event: PlatformEvent,
  ): Promise<{ event: PlatformEvent; created: boolean }> {
    try {
      await this.deps.db('platform_events').insert({
        id: event.id,
        tenant: event.tenant,
        type: event.type,
        source: event.source,
        payload: JSON.stringify(event.payload ?? {}),
        idempotency_key: event.idempotencyKey ?? null,
        correlation_id: event.correlationId ?? null,
        occurred_at: new Date(event.occurredAt),
        created_at: new Date(),
      });
      return { event, created: true };
    } catch (error) {
      if (!isUniqueViolation(error) || !event.idempotencyKey) throw error;
      const first = await this.deps
        .db('platform_events')
        .where({ tenant: event.tenant, idempotency_key: event.idempotencyKey })
        .first();
      if (!first) throw error;
      return { event: toEvent(first), created: false };
    }
  }

  private async dispatch(event: PlatformEvent): Promise<void> {
    for (const listener of this.listeners) {
      await listener(event).catch(error =>
        this.deps.logger.error(
          `event ${event.id} (${event.type}): a listener failed: ${error}`,
        ),
      );
    }
    await this.deps
      .db('platform_events')
      .where({ id: event.id })
      .update({ dispatched_at: new Date() });
  }
}
