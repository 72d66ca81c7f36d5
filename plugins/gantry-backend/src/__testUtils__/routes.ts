import express from 'express';
import { createApprovalsRouter } from '../approvals/router';
import { createAuditRouter } from '../audit/router';
import { createDeploymentsRouter } from '../deployments/router';
import { createHealthRouter } from '../health/router';
import { createProvidersRouter } from '../providers/router';
import { createRunsRouter } from '../runs/router';
import { createTenancyRouter } from '../tenancy/router';
import { createEnvironmentsRouter } from '../environments/router';
import { createPromotionsRouter } from '../promotions/router';
import { createDriftRouter } from '../drift/router';
import { createCanonicalRouter } from '../canonical/router';
import { createSyncRouter } from '../environments/syncRouter';
import { createEventsRouter } from '../hooks/events/router';
import { createHooksRouter } from '../hooks/router';
import { createAnalyticsRouter } from '../analytics/router';
import { createNotificationsRouter } from '../notifications/router';

/**
 * Every route Gantry serves, as `METHOD /path`, read from the routers
 * themselves so a sweep test notices a route it does not cover.
 */
export function gantryRoutes(): string[] {
  const none = {} as any;
  const routers: express.Router[] = [
    createHealthRouter(none),
    createTenancyRouter(none),
    createAuditRouter(none),
    createRunsRouter(none),
    createApprovalsRouter(none),
    createDeploymentsRouter(none),
    createProvidersRouter(none),
    createEnvironmentsRouter(none),
    createPromotionsRouter(none),
    createDriftRouter(none),
    createCanonicalRouter(none),
    createSyncRouter(none),
    createEventsRouter(none),
    createHooksRouter(none),
    createAnalyticsRouter(none),
    createNotificationsRouter(none),
  ];
  return routers
    .flatMap(router => router.stack)
    .filter(layer => layer.route)
    .flatMap(layer =>
      Object.keys((layer.route as any).methods).map(
        method => `${method.toUpperCase()} ${layer.route!.path}`,
      ),
    )
    .sort();
}
