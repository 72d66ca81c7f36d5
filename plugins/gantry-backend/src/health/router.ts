import Router from 'express-promise-router';
import { Knex } from 'knex';
import { GantryHealthResponse } from '@internal/plugin-gantry-common';
import { readMigrationState } from '../database/migrations';

/** `GET /health`: liveness plus the database client and migration state. */
export function createHealthRouter(options: { knex: Knex }) {
  const { knex } = options;
  const router = Router();
  router.get('/health', async (_req, res) => {
    const body: GantryHealthResponse = {
      status: 'ok',
      database: {
        client: String(knex.client.config.client),
        migrations: await readMigrationState(knex),
      },
    };
    res.json(body);
  });
  return router;
}
