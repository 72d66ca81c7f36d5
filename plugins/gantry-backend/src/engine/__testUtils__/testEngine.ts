import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { StepExecutorRegistry } from '@internal/plugin-gantry-node';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApprovalService } from '../../approvals/ApprovalService';
import { applyMigrations } from '../../database/migrations';
import { createBuiltinExecutors, SmtpSettings } from '../../executors';
import { DatabaseRunStore } from '../../runs/DatabaseRunStore';
import { EngineOptions, WorkflowEngine } from '../WorkflowEngine';

/** SQLite always; PostgreSQL 15 too when .ci/run provides one. */
export function testDatabases(): TestDatabases {
  const ids: TestDatabaseId[] = ['SQLITE_3'];
  if (process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING)
    ids.push('POSTGRES_15');
  return TestDatabases.create({ ids });
}

export const silentLogger = { info() {}, warn() {}, error() {} };

/** A real engine on a real database, with the built-in executors. */
export async function createTestEngine(
  databases: TestDatabases,
  id: TestDatabaseId,
  options: Partial<EngineOptions> = {},
  smtp?: SmtpSettings,
) {
  const knex = await databases.init(id);
  await applyMigrations(knex);
  const store = new DatabaseRunStore(knex);
  const approvals = new ApprovalService(knex);
  const executors = new StepExecutorRegistry();
  createBuiltinExecutors(smtp).forEach(e => executors.register(e));
  const secrets = new Map<string, string>();
  const engine = new WorkflowEngine({
    store,
    approvals,
    executors,
    secrets: { get: name => secrets.get(name) },
    logger: silentLogger,
    workspaceRoot: mkdtempSync(path.join(os.tmpdir(), 'gantry-test-')),
    pollMs: 20,
    leaseMs: 2_000,
    ...options,
  });
  return { knex, store, approvals, executors, engine, secrets };
}
