import { DiscoveryService } from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { GantryHealthResponse } from '@internal/plugin-gantry-common';

/**
 * `gantry:status`: checks that the Gantry backend is reachable before a golden
 * path hands it work, and outputs the database it runs on.
 */
export function createGantryStatusAction(options: {
  discovery: DiscoveryService;
}) {
  return createTemplateAction({
    id: 'gantry:status',
    description:
      'Checks that the Gantry backend is up and reports its database client',
    schema: {
      output: {
        databaseClient: z => z.string().describe('Database client of Gantry'),
        pendingMigrations: z =>
          z.number().describe('Migrations not yet applied'),
      },
    },
    async handler(ctx) {
      const baseUrl = await options.discovery.getBaseUrl('gantry');
      const response = await fetch(`${baseUrl}/health`, {
        signal: ctx.signal,
      });
      if (!response.ok) {
        throw await ResponseError.fromResponse(response);
      }
      const health = (await response.json()) as GantryHealthResponse;
      ctx.logger.info(
        `Gantry is up on ${health.database.client} with ${health.database.migrations.applied.length} migrations applied`,
      );
      ctx.output('databaseClient', health.database.client);
      ctx.output(
        'pendingMigrations',
        health.database.migrations.pending.length,
      );
    },
  });
}
