import {
  HttpRouterService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { EventsService } from '@backstage/plugin-events-node';
import { StepExecutorRegistry } from '@internal/plugin-gantry-node';
import { Knex } from 'knex';
import { ApprovalService } from '../approvals/ApprovalService';
import { AuditService } from '../audit/AuditService';
import { DeploymentService } from '../deployments/DeploymentService';
import { WorkflowEngine } from '../engine/WorkflowEngine';
import { SecretBox } from '../environments/crypto';
import { RunStore } from '../runs/types';
import { TenancyService } from '../tenancy/TenancyService';
import { readActionEndpoints } from './actions';
import { PlatformEventService } from './events/PlatformEventService';
import { createEventsRouter } from './events/router';
import { publishGantryEvents } from './events/sources';
import { WebhookRegistry } from './events/webhooks';
import { HookService } from './HookService';
import { HookStore } from './HookStore';
import { createHooksRouter } from './router';

export { webhookBodies } from './events/router';

/**
 * Platform events and hooks: the event store and its publisher on the
 * `gantry` topic, Gantry's own events, ingest and signed webhooks, tenants'
 * hooks and their admin API. `webhookBodies` must be mounted before any JSON
 * parser of the plugin, so webhook signatures see the raw body.
 */
export async function setupHooks(options: {
  config: Config;
  db: Knex;
  events: EventsService;
  httpRouter: HttpRouterService;
  scheduler: SchedulerService;
  logger: LoggerService;
  engine: WorkflowEngine;
  runs: RunStore;
  executors: StepExecutorRegistry;
  approvals: ApprovalService;
  deployments: DeploymentService;
  audit: AuditService;
  tenancy: TenancyService;
}) {
  const { config, db, httpRouter, scheduler, logger, approvals } = options;
  const { audit, tenancy } = options;
  const platformEvents = new PlatformEventService({
    db,
    events: options.events,
    logger,
  });
  const hooks = new HookService({
    store: new HookStore(db),
    platformEvents,
    engine: options.engine,
    runs: options.runs,
    approvals,
    audit,
    executors: options.executors,
    endpoints: readActionEndpoints(config),
    logger,
  });
  publishGantryEvents({ ...options, platformEvents });
  await platformEvents.subscribeToTopic();

  const webhooks = new WebhookRegistry(
    db,
    await SecretBox.create(
      db,
      config.getOptionalString('gantry.environments.encryptionKey'),
    ),
    config,
  );
  httpRouter.use(
    createEventsRouter({ platformEvents, webhooks, audit, tenancy }),
  );
  httpRouter.use(createHooksRouter({ hooks, approvals, audit, tenancy }));
  // signed by a shared secret instead of Backstage credentials
  httpRouter.addAuthPolicy({ path: '/webhooks', allow: 'unauthenticated' });

  // events whose hooks a stopped replica never ran, and runs it left running
  await scheduler.scheduleTask({
    id: 'gantry-events-redispatch',
    scope: 'global',
    frequency: { seconds: 30 },
    timeout: { minutes: 5 },
    initialDelay: { seconds: 30 },
    fn: async () => {
      const count = await platformEvents.redispatch();
      if (count) logger.info(`redispatched ${count} platform event(s)`);
      const failed = await hooks.failInterrupted();
      if (failed) logger.warn(`${failed} interrupted hook run(s) failed`);
    },
  });
  return { platformEvents, hooks };
}
