import { LoggerService } from '@backstage/backend-plugin-api';
import { EventsService } from '@backstage/plugin-events-node';
import {
  GANTRY_EVENTS_TOPIC,
  PlatformEvent,
} from '@internal/plugin-gantry-common';
import { z } from 'zod';
import { RunFact, TerminalStatus } from './AnalyticsStore';

const STATUS_OF: Record<string, TerminalStatus> = {
  'run.completed': 'succeeded',
  'run.failed': 'failed',
  'run.cancelled': 'cancelled',
};

const time = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const ms = typeof v === 'number' ? v : Date.parse(v);
  if (!Number.isFinite(ms)) {
    ctx.addIssue({ code: 'custom', message: 'not a time' });
    return z.NEVER;
  }
  return ms;
});

/** The payload of run.completed / run.failed / run.cancelled. */
const runPayload = z.object({
  runId: z.string().min(1).max(64),
  workflow: z.string().min(1).max(255),
  provider: z.string().max(255).nullish(),
  environment: z.string().max(255).nullish(),
  startedAt: time.nullish(),
  finishedAt: time.nullish(),
  durationMs: z.number().nonnegative().nullish(),
  error: z.string().nullish(),
});

/** The analytics fact of a run-terminal platform event; undefined for others. */
export function factOf(event: PlatformEvent): RunFact | undefined {
  const status = STATUS_OF[event.type];
  if (!status) return undefined;
  const parsed = runPayload.safeParse(event.payload);
  if (!parsed.success) return undefined;
  const p = parsed.data;
  const finishedAt = p.finishedAt ?? Date.parse(event.occurredAt);
  if (!Number.isFinite(finishedAt)) return undefined;
  const durationMs =
    p.durationMs ?? (p.startedAt ? Math.max(0, finishedAt - p.startedAt) : 0);
  return {
    tenant: event.tenant,
    runId: p.runId,
    workflow: p.workflow,
    provider: p.provider ?? undefined,
    environment: p.environment ?? undefined,
    status,
    durationMs,
    error: p.error ?? undefined,
    finishedAt,
  };
}

/**
 * Feeds analytics from the `gantry` topic. Subscribers with the same id
 * share the events between replicas, so each run is recorded by one.
 */
export async function subscribeRunFacts(options: {
  events: EventsService;
  logger: LoggerService;
  record: (fact: RunFact) => Promise<void>;
}): Promise<void> {
  const { events, logger, record } = options;
  await events.subscribe({
    id: 'gantry-analytics',
    topics: [GANTRY_EVENTS_TOPIC],
    async onEvent({ eventPayload }) {
      const fact = factOf(eventPayload as PlatformEvent);
      if (!fact) return;
      try {
        await record(fact);
      } catch (error) {
        logger.warn(`analytics could not record run ${fact.runId}: ${error}`);
      }
    },
  });
}
