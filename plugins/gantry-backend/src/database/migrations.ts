import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { GantryMigrationState } from '@internal/plugin-gantry-common';

const migrationsDir = resolvePackagePath(
  '@internal/plugin-gantry-backend',
  'migrations',
);

const migrationConfig: Knex.MigratorConfig = {
  directory: migrationsDir,
  // Backstage keeps each plugin's knex bookkeeping in its own tables.
  tableName: 'gantry_knex_migrations',
  loadExtensions: ['.js'],
};

/** Brings the schema up to date; called once at plugin start. */
export async function applyMigrations(knex: Knex): Promise<void> {
  await knex.migrate.latest(migrationConfig);
}

/** Which migrations are applied and which are still pending. */
export async function readMigrationState(
  knex: Knex,
): Promise<GantryMigrationState> {
  const [completed, pending] = await knex.migrate.list(migrationConfig);
  const nameOf = (m: unknown): string =>
    typeof m === 'string' ? m : (m as { name: string }).name ?? String(m);
  const fileOf = (m: unknown): string =>
    typeof m === 'string' ? m : (m as { file: string }).file ?? String(m);
  return {
    applied: (completed as unknown[]).map(nameOf),
    pending: (pending as unknown[]).map(fileOf),
  };
}
