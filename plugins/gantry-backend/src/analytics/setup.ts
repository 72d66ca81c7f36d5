import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { EventsService } from '@backstage/plugin-events-node';
import { Knex } from 'knex';
import { TenancyService } from '../tenancy/TenancyService';
import { AnalyticsStore } from './AnalyticsStore';
import { AnalyticsService, EnvironmentHealthSource } from './AnalyticsService';
import { catchUp, FinishedRunSource } from './catchup';
import { RunLookup, subscribeRunFacts } from './ingest';
import { createAnalyticsRouter } from './router';

const DAY = 86_400_000;
/** Hour rollups are read only at the ends of a window (at most 2 × 90d back). */
const HOUR_ROLLUPS_KEPT_MS = 182 * DAY;

/**
 * Wires execution analytics: its store, the event feed, the catch-up from
 * the runs domain (one replica at a time, every minute) and the router.
 */
export async function setupAnalytics(options: {
  db: Knex;
  events: EventsService;
  logger: LoggerService;
  tenancy: TenancyService;
  environments?: EnvironmentHealthSource;
  /** The runs domain, for times an event leaves out and for the catch-up. */
  runs?: RunLookup & Partial<FinishedRunSource>;
  scheduler?: SchedulerService;
}) {
  const { runs, scheduler, logger } = options;
  const store = new AnalyticsStore(options.db);
  const analytics = new AnalyticsService(store, options.environments);
  await subscribeRunFacts({
    events: options.events,
    logger,
    runs,
    // events carry the environment, so they win over a catch-up's row
    record: fact => analytics.record(fact, { replace: true }),
  });
  if (scheduler && runs?.finishedSince) {
    const source = runs as FinishedRunSource;
    await scheduler.scheduleTask({
      id: 'gantry-analytics-catch-up',
      scope: 'global',
      frequency: { minutes: 1 },
      timeout: { minutes: 5 },
      initialDelay: { seconds: 30 },
      fn: async () => {
        const { seen, recorded } = await catchUp({ store, runs: source });
        if (recorded) {
          logger.info(
            `analytics catch-up recorded ${recorded} of ${seen} finished run(s) it had missed`,
          );
        }
        await store.pruneHourRollups(Date.now() - HOUR_ROLLUPS_KEPT_MS);
      },
    });
  }
  return {
    analytics,
    store,
    router: createAnalyticsRouter({ analytics, tenancy: options.tenancy }),
  };
}
