import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { EventsService } from '@backstage/plugin-events-node';
import { SignalsService } from '@backstage/plugin-signals-node';
import { GANTRY_EVENTS_TOPIC } from '@internal/plugin-gantry-common';
import { Knex } from 'knex';
import os from 'node:os';
import path from 'node:path';
import { ApprovalService } from '../approvals/ApprovalService';
import { AuditService } from '../audit/AuditService';
import { CanonicalService } from '../canonical/CanonicalService';
import { createCanonicalRouter } from '../canonical/router';
import { EnvironmentService } from '../environments/EnvironmentService';
import { EnvironmentSync } from '../environments/sync';
import { createSyncRouter } from '../environments/syncRouter';
import { newTimeOrderedId } from '../runs/ids';
import { TenancyService } from '../tenancy/TenancyService';
import { DriftService } from './DriftService';
import { DriftPolicies } from './policies';
import { createDriftRouter } from './router';

/**
 * Drift detection and incidents, the canonical workflow repository and
 * environment syncs: their services, routers and scheduled tasks (drift
 * checks, incident expiry, retention), each on one replica.
 */
export async function setupDrift(options: {
  config: Config;
  db: Knex;
  environments: EnvironmentService;
  approvals: ApprovalService;
  audit: AuditService;
  tenancy: TenancyService;
  scheduler: SchedulerService;
  logger: LoggerService;
  events: EventsService;
  signals: SignalsService;
}) {
  const { config, db, environments, scheduler, logger } = options;
  const driftConfig = config.getOptionalConfig('gantry.drift');
  const policies = new DriftPolicies(db);
  // platform events go on the shared topic, where hooks and notifications
  // read them; an incident's change also tells open incident pages at once
  const publish = (
    type: string,
    tenant: string,
    payload: Record<string, unknown>,
  ) => {
    if (type.startsWith('drift.incident.'))
      options.signals
        .publish({
          recipients: { type: 'broadcast' },
          channel: 'gantry:drift',
          message: { incidentId: String(payload.incidentId) },
        })
        .catch(() => undefined);
    void options.events
      .publish({
        topic: GANTRY_EVENTS_TOPIC,
        eventPayload: {
          id: newTimeOrderedId('evt_'),
          type,
          tenant,
          payload,
          source: 'gantry',
          occurredAt: new Date().toISOString(),
        },
      })
      .catch(error => logger.warn(`could not publish ${type}: ${error}`));
  };
  const drift = new DriftService({
    db,
    environments,
    policies,
    approvals: options.approvals,
    logger,
    publish,
  });
  const canonical = new CanonicalService({
    db,
    environments,
    cacheDirectory: path.resolve(
      driftConfig?.getOptionalString('canonicalCacheDirectory') ??
        path.join(os.tmpdir(), 'gantry-canonical-cache'),
    ),
    latestDrift: env => drift.latestDrift(env),
  });
  drift.canonical = canonical;
  const sync = new EnvironmentSync({
    db,
    environments,
    logger,
    onChange: job => {
      options.signals
        .publish({
          recipients: { type: 'broadcast' },
          channel: 'gantry:sync',
          message: { jobId: job.id, status: job.status },
        })
        .catch(() => undefined);
      if (job.finishedAt)
        environments
          .get(job.tenant, job.environmentId)
          .then(env =>
            publish(
              job.status === 'succeeded' ? 'sync.completed' : 'sync.failed',
              job.tenant,
              {
                jobId: job.id,
                environment: env?.name ?? job.environmentId,
                error: job.error,
              },
            ),
          )
          .catch(() => undefined);
    },
    afterWorkflows: async (env, actor) => {
      await drift.check(env, 'sync', actor);
    },
  });
  await sync.failInterrupted();

  await scheduler.scheduleTask({
    id: 'gantry-drift-checks',
    scope: 'global',
    frequency: {
      minutes: driftConfig?.getOptionalNumber('checkMinutes') ?? 15,
    },
    timeout: { minutes: 30 },
    initialDelay: { minutes: 2 },
    fn: async () => {
      const checks = await drift.checkAll();
      const found = checks.filter(c => c.status === 'drift');
      if (found.length)
        logger.info(
          `drift found in ${found.map(c => c.environmentName).join(', ')}`,
        );
    },
  });
  await scheduler.scheduleTask({
    id: 'gantry-drift-expiry',
    scope: 'global',
    frequency: {
      seconds: driftConfig?.getOptionalNumber('expiryCheckSeconds') ?? 300,
    },
    timeout: { minutes: 5 },
    fn: async () => {
      const { warned, expired } = await drift.incidents.expireDue();
      if (warned || expired)
        logger.info(
          `drift incidents: ${warned} near their deadline, ${expired} expired`,
        );
    },
  });
  await scheduler.scheduleTask({
    id: 'gantry-drift-retention',
    scope: 'global',
    frequency: { hours: 24 },
    timeout: { minutes: 30 },
    fn: async () => {
      const removed = await drift.purge();
      if (removed) logger.info(`drift retention removed ${removed} row(s)`);
    },
  });

  const deps = {
    environments,
    audit: options.audit,
    tenancy: options.tenancy,
  };
  return {
    drift,
    canonical,
    sync,
    routers: [
      createDriftRouter({ ...deps, drift, policies }),
      createCanonicalRouter({ ...deps, canonical }),
      createSyncRouter({ ...deps, sync }),
    ],
  };
}
