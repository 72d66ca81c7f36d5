import os from 'node:os';
import path from 'node:path';
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import {
  gantryPermissions,
  SecurityProfile,
} from '@internal/plugin-gantry-common';
import {
  CatalogTenantResolver,
  GantryEnvironmentAdapter,
  gantryEnvironmentAdaptersExtensionPoint,
  GantryStepExecutor,
  gantryApprovalResourceRef,
  gantryApprovalRules,
  gantryExecutorsExtensionPoint,
  gantryRunResourceRef,
  gantryRunRules,
  StepExecutorRegistry,
} from '@internal/plugin-gantry-node';
import { ApprovalService } from './approvals/ApprovalService';
import { notifyApprovals } from './approvals/notifications';
import { approvalResource, createApprovalsRouter } from './approvals/router';
import { AuditService, requestIdMiddleware } from './audit/AuditService';
import { createAuditRouter } from './audit/router';
import { TenancyService } from './tenancy/TenancyService';
import { createTenancyRouter } from './tenancy/router';
import { applyMigrations } from './database/migrations';
import { WorkflowEngine } from './engine/WorkflowEngine';
import { createBuiltinExecutors } from './executors';
import { createHealthRouter } from './health/router';
import { refuseNulInUrl } from './http';
import { ProviderRegistry } from './providers/ProviderRegistry';
import { createProvidersRouter } from './providers/router';
import { DeploymentService } from './deployments/DeploymentService';
import { createDeploymentsRouter } from './deployments/router';
import { setupHooks, webhookBodies } from './hooks/setup';
import { DatabaseRunStore } from './runs/DatabaseRunStore';
import type { SmtpSettings } from './executors';
import type { Config } from '@backstage/config';
import { RunEventBus } from './runs/RunEventBus';
import { createRunsRouter, runResource } from './runs/router';
import { SecretBox } from './environments/crypto';
import { builtinAdapter } from './environments/builtinAdapter';
import { EnvironmentService } from './environments/EnvironmentService';
import { EnvironmentBackups } from './environments/backups';
import { applyApprovedEnvironmentActions } from './environments/approvalActions';
import { createEnvironmentsRouter } from './environments/router';
import { PromotionService } from './promotions/PromotionService';
import { createPromotionsRouter } from './promotions/router';
import { setupDrift } from './drift/setup';
import { setupAnalytics } from './analytics/setup';
import { setupNotifications } from './notifications/setup';

function smtpSettings(config: Config): SmtpSettings | undefined {
  const smtp = config.getOptionalConfig('gantry.notifications.smtp');
  if (!smtp) return undefined;
  return {
    host: smtp.getString('host'),
    port: smtp.getNumber('port'),
    secure: smtp.getOptionalBoolean('secure'),
    user: smtp.getOptionalString('user'),
    password: smtp.getOptionalString('password'),
    from: smtp.getString('from'),
  };
}

/** The Gantry backend plugin: wires each domain's store, service and router. */
export const gantryPlugin = createBackendPlugin({
  pluginId: 'gantry',
  register(env) {
    const addedExecutors: GantryStepExecutor[] = [];
    env.registerExtensionPoint(gantryExecutorsExtensionPoint, {
      addStepExecutors(...executors) {
        addedExecutors.push(...executors);
      },
    });
    const addedAdapters: GantryEnvironmentAdapter[] = [];
    env.registerExtensionPoint(gantryEnvironmentAdaptersExtensionPoint, {
      addAdapters(...adapters) {
        addedAdapters.push(...adapters);
      },
    });

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        lifecycle: coreServices.lifecycle,
        logger: coreServices.logger,
        signals: signalsServiceRef,
        scheduler: coreServices.scheduler,
        userInfo: coreServices.userInfo,
        auth: coreServices.auth,
        auditor: coreServices.auditor,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
        notifications: notificationService,
        platformEvents: eventsServiceRef,
      },
      async init({
        config,
        database,
        httpRouter,
        httpAuth,
        permissions,
        lifecycle,
        logger,
        signals,
        scheduler,
        userInfo,
        auth,
        auditor,
        permissionsRegistry,
        catalog,
        notifications,
        platformEvents,
      }) {
        const knex = await database.getClient();
        if (!database.migrations?.skip) {
          await applyMigrations(knex);
        }
        await DatabaseRunStore.tuneSqlite(knex);

        const executors = new StepExecutorRegistry();
        [
          ...createBuiltinExecutors(smtpSettings(config)),
          ...addedExecutors,
        ].forEach(e => executors.register(e));

        const engineConfig = config.getOptionalConfig('gantry.engine');
        const policyConfig = config.getOptionalConfig('gantry.policy');
        const secretsConfig = config.getOptionalConfig('gantry.secrets');
        const store = new DatabaseRunStore(knex);
        const approvals = new ApprovalService(knex);
        const audit = new AuditService(knex, auditor);
        notifyApprovals({ approvals, notifications, logger });
        const events = new RunEventBus();
        const providersConfig = config.getOptionalConfig('gantry.providers');
        const providers = new ProviderRegistry({
          localDirectory: path.resolve(
            providersConfig?.getOptionalString('directory') ??
              '../../providers',
          ),
          cacheDirectory: path.resolve(
            providersConfig?.getOptionalString('cacheDirectory') ??
              path.join(os.tmpdir(), 'gantry-provider-cache'),
          ),
          // sources from app-config, then those admins registered through the API
          sources: async () => [
            ...(providersConfig?.getOptionalConfigArray('sources') ?? []).map(
              source => ({
                name: source.getString('name'),
                git_url: source.getString('git_url'),
                path: source.getOptionalString('path') ?? '.',
                ref: source.getOptionalString('ref') ?? 'main',
              }),
            ),
            ...(await knex('provider_sources').select(
              'name',
              'git_url',
              'path',
              'ref',
            )),
          ],
          knownStepTypes: () => executors.knownTypes(),
          logger,
        });
        const engine = new WorkflowEngine({
          store,
          approvals,
          executors,
          logger,
          secrets: {
            get: name =>
              secretsConfig?.getOptionalString(name) ??
              process.env[
                `GANTRY_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`
              ],
          },
          workspaceRoot: engineConfig?.getOptionalString('workspaceDirectory'),
          maxParallelSteps: engineConfig?.getOptionalNumber('maxParallelSteps'),
          maxConcurrentRuns:
            engineConfig?.getOptionalNumber('maxConcurrentRuns'),
          leaseMs:
            (engineConfig?.getOptionalNumber('leaseSeconds') ?? 15) * 1000,
          shutdownGraceMs:
            (engineConfig?.getOptionalNumber('shutdownGraceSeconds') ?? 20) *
            1000,
          policy: {
            profile: policyConfig?.getOptionalString('profile') as
              | SecurityProfile
              | undefined,
            profiles: policyConfig?.getOptional('profiles') as
              | Record<string, SecurityProfile>
              | undefined,
            allowedStepTypes:
              policyConfig?.getOptionalStringArray('allowedStepTypes'),
            maxSteps: policyConfig?.getOptionalNumber('maxSteps'),
            allowedOutboundDomains: policyConfig?.getOptionalStringArray(
              'allowedOutboundDomains',
            ),
            maxDurationSeconds:
              policyConfig?.getOptionalNumber('maxDurationSeconds'),
            maxConcurrentRuns:
              policyConfig?.getOptionalNumber('maxConcurrentRuns'),
          },
          onEvents: runId => events.notify(runId),
        });
        engine.resolveWorkflow = async (provider, workflow) => {
          const found = provider
            ? providers.workflow(provider, workflow)
            : undefined;
          return found && { text: found.text, file: found.file };
        };

        // live updates in the browser: at most one signal per run per 250 ms
        const lastSignal = new Map<string, number>();
        events.subscribe(runId => {
          const at = Date.now();
          if (at - (lastSignal.get(runId) ?? 0) < 250) return;
          lastSignal.set(runId, at);
          signals
            .publish({
              recipients: { type: 'broadcast' },
              channel: 'gantry:runs',
              message: { runId },
            })
            .catch(() => undefined);
        });

        logger.info(
          `Gantry on ${knex.client.config.client}; worker ${
            engine.workerId
          }; step types: ${executors.knownTypes().join(', ')}`,
        );

        const tenancyConfig = config.getOptionalConfig('gantry.tenancy');
        const tenancy = new TenancyService({
          httpAuth,
          permissions,
          userInfo,
          resolver: new CatalogTenantResolver({
            catalog,
            auth,
            cacheTtlMs:
              (tenancyConfig?.getOptionalNumber('cacheSeconds') ?? 30) * 1000,
          }),
          defaultTenant: config.getOptionalString('gantry.defaultTenant'),
          serviceTenants: tenancyConfig?.getOptional('serviceTenants'),
        });
        permissionsRegistry.addPermissions(gantryPermissions);
        permissionsRegistry.addResourceType({
          resourceRef: gantryRunResourceRef,
          rules: Object.values(gantryRunRules),
          getResources: async refs =>
            Promise.all(
              refs.map(async id => {
                const run = await store.getRun(id);
                return run && runResource(run);
              }),
            ),
        });
        permissionsRegistry.addResourceType({
          resourceRef: gantryApprovalResourceRef,
          rules: Object.values(gantryApprovalRules),
          getResources: async refs =>
            Promise.all(
              refs.map(async id => {
                const approval = await approvals.get(id);
                return approval && approvalResource(approval);
              }),
            ),
        });

        httpRouter.use(requestIdMiddleware);
        httpRouter.use(refuseNulInUrl);
        httpRouter.use(webhookBodies);
        httpRouter.use(createHealthRouter({ knex }));
        httpRouter.use(createTenancyRouter({ tenancy }));
        httpRouter.use(createAuditRouter({ audit, tenancy }));
        httpRouter.use(
          createRunsRouter({
            engine,
            store,
            providers,
            audit,
            events,
            tenancy,
          }),
        );
        httpRouter.use(createApprovalsRouter({ approvals, audit, tenancy }));
        const deployments = new DeploymentService({
          db: knex,
          engine,
          store,
          providers,
          logger,
          allowedProductWorkflows: policyConfig?.getOptionalStringArray(
            'allowedProductWorkflows',
          ),
        });
        engine.resolveResource = (type, resourceClass) =>
          deployments.resolveResource(type, resourceClass);
        httpRouter.use(
          createDeploymentsRouter({ deployments, audit, tenancy }),
        );
        httpRouter.use(
          createProvidersRouter({
            registry: providers,
            db: knex,
            audit,
            tenancy,
          }),
        );
        const environments = new EnvironmentService({
          db: knex,
          secrets: await SecretBox.create(
            knex,
            config.getOptionalString('gantry.environments.encryptionKey'),
          ),
          adapters: new Map(
            [builtinAdapter(engine.policy), ...addedAdapters].map(a => [
              a.type,
              a,
            ]),
          ),
        });
        const driftDomain = await setupDrift({
          config,
          db: knex,
          environments,
          approvals,
          audit,
          tenancy,
          scheduler,
          logger,
          events: platformEvents,
          signals,
        });
        const promotions = new PromotionService({
          db: knex,
          environments,
          approvals,
          policy: engine.policy,
          logger,
          drift: driftDomain.drift,
          onChange: promotionId =>
            signals
              .publish({
                recipients: { type: 'broadcast' },
                channel: 'gantry:promotions',
                message: { promotionId },
              })
              .catch(() => undefined),
        });
        const backups = new EnvironmentBackups({
          environments,
          scheduler,
          logger,
        });
        await backups.scheduleAll();
        applyApprovedEnvironmentActions({ approvals, environments, logger });
        // the heartbeat: every environment's connection, checked on one replica
        await scheduler.scheduleTask({
          id: 'gantry-environments-health',
          scope: 'global',
          frequency: {
            minutes:
              config.getOptionalNumber(
                'gantry.environments.healthCheckMinutes',
              ) ?? 5,
          },
          timeout: { minutes: 5 },
          initialDelay: { minutes: 1 },
          fn: async () => {
            for (const environment of await environments.all()) {
              await environments.checkHealth(environment);
            }
          },
        });
        httpRouter.use(
          createEnvironmentsRouter({
            environments,
            backups,
            approvals,
            productionApprovers:
              config.getOptionalStringArray(
                'gantry.environments.productionApprovers',
              ) ?? [],
            audit,
            tenancy,
          }),
        );
        httpRouter.use(
          createPromotionsRouter({ promotions, environments, audit, tenancy }),
        );
        driftDomain.routers.forEach(router => httpRouter.use(router));
        httpRouter.use(
          (
            await setupAnalytics({
              db: knex,
              events: platformEvents,
              logger,
              tenancy,
              environments,
              runs: store,
              scheduler,
            })
          ).router,
        );
        httpRouter.use(
          (
            await setupNotifications({
              db: knex,
              secrets: await SecretBox.create(
                knex,
                config.getOptionalString('gantry.environments.encryptionKey'),
              ),
              events: platformEvents,
              notifications,
              smtp: smtpSettings(config),
              baseUrl: config.getOptionalString('app.baseUrl'),
              logger,
              audit,
              tenancy,
            })
          ).router,
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });

        await providers.refresh();
        await scheduler.scheduleTask({
          id: 'gantry-providers-refresh',
          // every replica keeps its own copy of the providers
          scope: 'local',
          frequency: {
            minutes: providersConfig?.getOptionalNumber('refreshMinutes') ?? 5,
          },
          timeout: { minutes: 5 },
          initialDelay: { minutes: 1 },
          fn: async () => {
            await providers.refresh();
          },
        });
        const approvalsConfig = config.getOptionalConfig('gantry.approvals');
        await scheduler.scheduleTask({
          id: 'gantry-approvals-expiry',
          // one replica expires requests; the status guard makes it safe anyway
          scope: 'global',
          frequency: {
            seconds:
              approvalsConfig?.getOptionalNumber('expiryCheckSeconds') ?? 30,
          },
          timeout: { minutes: 5 },
          fn: async () => {
            const expired = await approvals.expireDue();
            if (expired) logger.info(`expired ${expired} approval request(s)`);
          },
        });
        const retentionDays = config.getOptionalNumber(
          'gantry.audit.retentionDays',
        );
        if (retentionDays) {
          await scheduler.scheduleTask({
            id: 'gantry-audit-retention',
            scope: 'global',
            frequency: { hours: 24 },
            timeout: { minutes: 30 },
            fn: async () => {
              const purged = await audit.purgeOlderThan(retentionDays);
              logger.info(
                `audit retention: removed ${purged} event(s) older than ${retentionDays} days`,
              );
            },
          });
        }
        await setupHooks({
          config,
          db: knex,
          events: platformEvents,
          httpRouter,
          scheduler,
          logger,
          engine,
          runs: store,
          executors,
          approvals,
          deployments,
          audit,
          tenancy,
        });
        lifecycle.addStartupHook(() => engine.start());
        lifecycle.addShutdownHook(() => engine.stop());
      },
    });
  },
});
