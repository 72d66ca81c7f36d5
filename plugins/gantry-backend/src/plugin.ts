import os from 'node:os';
import path from 'node:path';
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { SecurityProfile } from '@internal/plugin-gantry-common';
import {
  GantryStepExecutor,
  gantryExecutorsExtensionPoint,
  StepExecutorRegistry,
} from '@internal/plugin-gantry-node';
import { ApprovalService } from './approvals/ApprovalService';
import { createApprovalsRouter } from './approvals/router';
import { AuditService } from './audit/AuditService';
import { applyMigrations } from './database/migrations';
import { WorkflowEngine } from './engine/WorkflowEngine';
import { createBuiltinExecutors } from './executors';
import { createHealthRouter } from './health/router';
import { ProviderRegistry } from './providers/ProviderRegistry';
import { createProvidersRouter } from './providers/router';
import { DeploymentService } from './deployments/DeploymentService';
import { createDeploymentsRouter } from './deployments/router';
import { DatabaseRunStore } from './runs/DatabaseRunStore';
import type { SmtpSettings } from './executors';
import type { Config } from '@backstage/config';
import { RunEventBus } from './runs/RunEventBus';
import { createRunsRouter } from './runs/router';

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
        const audit = new AuditService(knex);
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

        const defaultTenant =
          config.getOptionalString('gantry.defaultTenant') ?? 'default';
        httpRouter.use(createHealthRouter({ knex }));
        httpRouter.use(
          createRunsRouter({
            engine,
            store,
            providers,
            audit,
            events,
            httpAuth,
            permissions,
            defaultTenant,
          }),
        );
        httpRouter.use(
          createApprovalsRouter({ approvals, audit, httpAuth, permissions }),
        );
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
          createDeploymentsRouter({
            deployments,
            audit,
            defaultTenant,
            httpAuth,
            permissions,
          }),
        );
        httpRouter.use(
          createProvidersRouter({
            registry: providers,
            db: knex,
            audit,
            defaultTenant,
            httpAuth,
            permissions,
          }),
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
        lifecycle.addStartupHook(() => engine.start());
        lifecycle.addShutdownHook(() => engine.stop());
      },
    });
  },
});
