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
  workflowRef: z.string().max(512).nullish(),
  environment: z.string().max(255).nullish(),
  startedAt: time.nullish(),
  finishedAt: time.nullish(),
  durationMs: z.number().nonnegative().nullish(),
  error: z.string().nullish(),
});

/** What analytics reads of a run from the runs domain (its store interface). */
export interface RunLookup {
  getRun(id: string): Promise<
    | {
        tenant: string;
        workflowRef?: string;
        startedAt?: string;
        finishedAt?: string;
      }
    | undefined
  >;
}

/**
 * Fills in the times and provider an event left out from the run itself;
 * a run that never started (cancelled while pending) lasted 0 ms.
 */
export async function completeFact(
  fact: RunFact & { timed: boolean },
  runs?: RunLookup,
): Promise<RunFact> {
  const { timed, ...rest } = fact;
  if (timed || !runs) return rest;
  const run = await runs.getRun(fact.runId);
  if (!run || run.tenant !== fact.tenant) return rest;
  const finishedAt = run.finishedAt ? Date.parse(run.finishedAt) : undefined;
  const startedAt = run.startedAt ? Date.parse(run.startedAt) : undefined;
  const end = finishedAt ?? rest.finishedAt;
  return {
    ...rest,
    provider: rest.provider ?? run.workflowRef?.split('/')[0],
    finishedAt: end,
    durationMs: startedAt === undefined ? 0 : Math.max(0, end - startedAt),
  };
}

/** The analytics fact of a run-terminal platform event; undefined for others. */
export function factOf(
  event: PlatformEvent,
): (RunFact & { timed: boolean }) | undefined {
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
    // without a duration or a start, the run itself knows (completeFact)
    timed:
      p.durationMs !== null && p.durationMs !== undefined
        ? true
        : Boolean(p.startedAt),
    tenant: event.tenant,
    runId: p.runId,
    workflow: p.workflow,
    provider: p.provider ?? p.workflowRef?.split('/')[0] ?? undefined,
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
  record: (fact: RunFact) => Promise<unknown>;
  runs?: RunLookup;
}): Promise<void> {
  const { events, logger, record, runs } = options;
  await events.subscribe({
    id: 'gantry-analytics',
    topics: [GANTRY_EVENTS_TOPIC],
    async onEvent({ eventPayload }) {
      const fact = factOf(eventPayload as PlatformEvent);
      if (!fact) return;
      try {
        await record(await completeFact(fact, runs));
      } catch (error) {
        logger.warn(`analytics could not record run ${fact.runId}: ${error}`);
      }
    },
  });
}
