import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Client } from 'pg';
import { z } from 'zod';
import {
  GantryStepContext,
  GantryStepExecutor,
  StepFailedError,
} from '@internal/plugin-gantry-node';

const schema = z.looseObject({
  connectionString: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'a postgresql:// connection string')
    .optional(),
  connection_string: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'a postgresql:// connection string')
    .optional(),
  migrationsPath: z.string().optional(),
  migrations_path: z.string().optional(),
  direction: z.enum(['up', 'down', 'version']).default('up'),
  version: z
    .union([
      z.literal('latest'),
      z.number().int().min(0),
      z.string().regex(/^\d+$/),
    ])
    .default('latest'),
  table: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/)
    .default('gantry_schema_migrations'),
});
type Config = z.infer<typeof schema>;

interface Migration {
  version: number;
  name: string;
  up: string;
  down?: string;
}

/** `<version>_<name>.up.sql` / `.down.sql` (or `<version>_<name>.sql` for up only), by version. */
async function loadMigrations(dir: string): Promise<Migration[]> {
  const names = await readdir(dir).catch(() => {
    throw new StepFailedError(`migrations directory not found: ${dir}`);
  });
  const byVersion = new Map<number, Migration>();
  for (const name of names) {
    const match = /^(\d+)_([^.]+)(?:\.(up|down))?\.sql$/.exec(name);
    if (!match) continue;
    const version = Number(match[1]);
    const entry = byVersion.get(version) ?? { version, name: match[2], up: '' };
    const sql = await readFile(path.join(dir, name), 'utf8');
    if (match[3] === 'down') entry.down = sql;
    else entry.up = sql;
    byVersion.set(version, entry);
  }
  return [...byVersion.values()].sort((a, b) => a.version - b.version);
}

function settings(ctx: GantryStepContext<Config>) {
  const connectionString =
    ctx.config.connectionString ?? ctx.config.connection_string;
  const dir = ctx.config.migrationsPath ?? ctx.config.migrations_path;
  if (!connectionString)
    throw new StepFailedError(
      'a database-migration step needs config.connectionString',
    );
  if (!dir)
    throw new StepFailedError(
      'a database-migration step needs config.migrationsPath',
    );
  return { connectionString, dir: path.resolve(ctx.workspace, dir) };
}

function target(
  config: Config,
  migrations: Migration[],
  current: number,
): number {
  if (config.version !== 'latest') return Number(config.version);
  if (config.direction === 'down') {
    // one step down from where the database is
    const below = migrations.filter(m => m.version < current);
    return below.length ? below[below.length - 1].version : 0;
  }
  return migrations.length ? migrations[migrations.length - 1].version : 0;
}

/**
 * `database-migration`: applies SQL migrations from a directory to
 * PostgreSQL, each in its own transaction, recording them in a table.
 */
export const databaseMigrationExecutor: GantryStepExecutor<Config> = {
  type: 'database-migration',
  description:
    'SQL migrations (NNN_name.up.sql / .down.sql) against config.connectionString: up, down or version',
  configSchema: schema,
  async plan(ctx) {
    const { dir } = settings(ctx);
    const migrations = await loadMigrations(dir);
    return [
      `${ctx.config.direction} to ${ctx.config.version} with ${
        migrations.length
      } migrations in ${dir}: ${
        migrations.map(m => `${m.version}_${m.name}`).join(', ') || 'none'
      }`,
    ];
  },
  async execute(ctx) {
    const { connectionString, dir } = settings(ctx);
    const migrations = await loadMigrations(dir);
    const table = ctx.config.table;
    const client = new Client({ connectionString });
    const abort = () => client.end().catch(() => undefined);
    ctx.signal.addEventListener('abort', abort, { once: true });
    try {
      await client.connect();
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${table} (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`,
      );
      const applied = async () =>
        (
          await client.query(`SELECT version FROM ${table} ORDER BY version`)
        ).rows.map(r => Number(r.version));
      const before = await applied();
      const current = before.length ? before[before.length - 1] : 0;
      const goal = target(ctx.config, migrations, current);
      const changed: string[] = [];
      if (ctx.config.direction === 'up') {
        for (const m of migrations.filter(
          x => x.version <= goal && !before.includes(x.version),
        )) {
          ctx.log(`applying ${m.version}_${m.name}`);
          await client.query('BEGIN');
          try {
            await client.query(m.up);
            await client.query(
              `INSERT INTO ${table} (version, name) VALUES ($1, $2)`,
              [m.version, m.name],
            );
            await client.query('COMMIT');
          } catch (error) {
            await client.query('ROLLBACK');
            throw new StepFailedError(
              `migration ${m.version}_${m.name} failed: ${
                (error as Error).message
              }`,
            );
          }
          changed.push(`${m.version}_${m.name}`);
        }
      } else if (ctx.config.direction === 'down') {
        for (const m of [...migrations]
          .reverse()
          .filter(x => x.version > goal && before.includes(x.version))) {
          if (!m.down)
            throw new StepFailedError(
              `migration ${m.version}_${m.name} has no .down.sql`,
            );
          ctx.log(`reverting ${m.version}_${m.name}`);
          await client.query('BEGIN');
          try {
            await client.query(m.down);
            await client.query(`DELETE FROM ${table} WHERE version = $1`, [
              m.version,
            ]);
            await client.query('COMMIT');
          } catch (error) {
            await client.query('ROLLBACK');
            throw new StepFailedError(
              `reverting ${m.version}_${m.name} failed: ${
                (error as Error).message
              }`,
            );
          }
          changed.push(`${m.version}_${m.name}`);
        }
      }
      const after = await applied();
      const version = after.length ? after[after.length - 1] : 0;
      ctx.log(`database at version ${version}`);
      return { outputs: { version, changed } };
    } finally {
      ctx.signal.removeEventListener('abort', abort);
      await client.end().catch(() => undefined);
    }
  },
};
