import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  GantryStepExecutor,
  gantryExecutorsExtensionPoint,
  StepExecutorRegistry,
} from '@internal/plugin-gantry-node';
import { applyMigrations } from './database/migrations';
import { createHealthRouter } from './health/router';

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
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        logger: coreServices.logger,
      },
      async init({ database, httpRouter, logger }) {
        const knex = await database.getClient();
        if (!database.migrations?.skip) {
          await applyMigrations(knex);
        }

        const executors = new StepExecutorRegistry();
        addedExecutors.forEach(e => executors.register(e));
        logger.info(
          `Gantry started on ${knex.client.config.client}; step types: ${
            executors.knownTypes().join(', ') || 'none yet'
          }`,
        );

        httpRouter.use(createHealthRouter({ knex }));
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
