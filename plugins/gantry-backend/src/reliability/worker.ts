/*
 * One Gantry engine replica in a process of its own, for the reliability
 * suites: the engine, run store, approval service and built-in executors the
 * backend plugin runs, on the database named by GANTRY_TEST_DB (a SQLite file
 * path or a postgresql:// URL), tuned as the plugin tunes it. SIGTERM stops
 * it the way the backend's shutdown hook does (engine.stop()).
 */
import knexFactory from 'knex';
import { StepExecutorRegistry } from '@internal/plugin-gantry-node';
import { ApprovalService } from '../approvals/ApprovalService';
import { createBuiltinExecutors } from '../executors';
import { DatabaseRunStore } from '../runs/DatabaseRunStore';
import { WorkflowEngine } from '../engine/WorkflowEngine';

const target = process.env.GANTRY_TEST_DB!;
const knex = target.startsWith('postgres')
  ? knexFactory({ client: 'pg', connection: target, pool: { min: 1, max: 8 } })
  : knexFactory({
      client: 'better-sqlite3',
      connection: { filename: target },
      useNullAsDefault: true,
    });

async function main() {
  await DatabaseRunStore.tuneSqlite(knex);
  const executors = new StepExecutorRegistry();
  createBuiltinExecutors().forEach(e => executors.register(e));
  const engine = new WorkflowEngine({
    store: new DatabaseRunStore(knex),
    approvals: new ApprovalService(knex),
    executors,
    secrets: { get: () => undefined },
    logger: {
      info() {},
      warn: m => process.stderr.write(`[${process.env.WORKER_ID}] ${m}\n`),
      error: m => process.stderr.write(`[${process.env.WORKER_ID}] ${m}\n`),
    },
    workerId: process.env.WORKER_ID,
    leaseMs: Number(process.env.LEASE_MS ?? 2000),
    pollMs: Number(process.env.POLL_MS ?? 50),
    maxConcurrentRuns: Number(process.env.MAX_RUNS ?? 8),
    maxParallelSteps: Number(process.env.MAX_PARALLEL_STEPS ?? 4),
    shutdownGraceMs:
      process.env.SHUTDOWN_GRACE_MS === undefined
        ? undefined
        : Number(process.env.SHUTDOWN_GRACE_MS),
    workspaceRoot: process.env.WORKSPACE_ROOT,
  });
  let stopping = false;
  process.on('SIGTERM', () => {
    if (stopping) return;
    stopping = true;
    const started = Date.now();
    engine
      .stop()
      .then(() => process.stdout.write(`stopped ${Date.now() - started}\n`))
      .then(() => knex.destroy())
      .finally(() => process.exit(0));
  });
  engine.start();
  process.stdout.write('ready\n');
}

main().catch(error => {
  process.stderr.write(`worker failed to start: ${error}\n`);
  process.exit(1);
});
