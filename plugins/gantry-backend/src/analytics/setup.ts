import { LoggerService } from '@backstage/backend-plugin-api';
import { EventsService } from '@backstage/plugin-events-node';
import { Knex } from 'knex';
import { TenancyService } from '../tenancy/TenancyService';
import { AnalyticsStore } from './AnalyticsStore';
import { AnalyticsService, EnvironmentHealthSource } from './AnalyticsService';
import { RunLookup, subscribeRunFacts } from './ingest';
import { createAnalyticsRouter } from './router';

/** Wires execution analytics: its store, the event feed and the router. */
export async function setupAnalytics(options: {
  db: Knex;
  events: EventsService;
  logger: LoggerService;
  tenancy: TenancyService;
  environments?: EnvironmentHealthSource;
  /** The runs domain, for times an event leaves out. */
  runs?: RunLookup;
}) {
  const store = new AnalyticsStore(options.db);
  const analytics = new AnalyticsService(store, options.environments);
  await subscribeRunFacts({
    events: options.events,
    logger: options.logger,
    runs: options.runs,
    // events carry the environment, so they win over a catch-up's row
    record: fact => analytics.record(fact, { replace: true }),
  });
  return {
    analytics,
    router: createAnalyticsRouter({ analytics, tenancy: options.tenancy }),
  };
}
