import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import { StepExecutorRegistry } from '@internal/plugin-gantry-node';
import { ApprovalService } from './approvals/ApprovalService';
import { applyMigrations } from './database/migrations';
import { WorkflowEngine } from './engine/WorkflowEngine';
import { createBuiltinExecutors } from './executors';
import { ProviderRegistry } from './providers/ProviderRegistry';
import { DatabaseRunStore } from './runs/DatabaseRunStore';

/**
 * The real engine on an in-memory SQLite database, for `gantry run --local`:
 * same executors, same semantics, nothing shared.
 */
export async function createLocalEngine(
  options: { providersDirectory?: string; workdir?: string } = {},
) {
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: ':memory:' },
    useNullAsDefault: true,
  });
  await applyMigrations(knex);
  const store = new DatabaseRunStore(knex);
  const approvals = new ApprovalService(knex);
  const executors = new StepExecutorRegistry();
  createBuiltinExecutors().forEach(e => executors.register(e));
  const engine = new WorkflowEngine({
    store,
    approvals,
    executors,
    secrets: {
      get: name =>
        process.env[
          `GANTRY_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`
        ],
    },
    logger: {
      info() {},
      warn() {},
      error: message => process.stderr.write(`${message}\n`),
    },
    workspaceRoot: mkdtempSync(path.join(os.tmpdir(), 'gantry-local-')),
    workspace: options.workdir ? path.resolve(options.workdir) : undefined,
    pollMs: 20,
  });
  const providers = new ProviderRegistry({
    localDirectory: path.resolve(options.providersDirectory ?? 'providers'),
    cacheDirectory: mkdtempSync(
      path.join(os.tmpdir(), 'gantry-local-providers-'),
    ),
    sources: async () => [],
    knownStepTypes: () => executors.knownTypes(),
  });
  await providers.refresh();
  engine.resolveWorkflow = async (provider, workflow) => {
    const found = provider ? providers.workflow(provider, workflow) : undefined;
    return found && { text: found.text, file: found.file };
  };
  engine.start();
  return {
    engine,
    store,
    approvals,
    async close() {
      await engine.stop();
      await knex.destroy();
    },
  };
}
