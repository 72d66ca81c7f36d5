/*
 * A Gantry engine worker in a process of its own, for crash and replica
 * tests: the same engine and executors the backend runs, on the database
 * named by GANTRY_TEST_DB (a SQLite file path or a postgresql:// URL).
 */
import knexFactory from 'knex';
import { StepExecutorRegistry } from '@internal/plugin-gantry-node';
import { ApprovalService } from '../../approvals/ApprovalService';
import { createBuiltinExecutors } from '../../executors';
import { DatabaseRunStore } from '../../runs/DatabaseRunStore';
import { WorkflowEngine } from '../WorkflowEngine';

const target = process.env.GANTRY_TEST_DB!;
const knex = target.startsWith('postgres')
  ? knexFactory({ client: 'pg', connection: target, pool: { min: 1, max: 8 } })
  : knexFactory({
      client: 'better-sqlite3',
      connection: { filename: target },
      useNullAsDefault: true,
    });

const executors = new StepExecutorRegistry();
createBuiltinExecutors().forEach(e => executors.register(e));
const engine = new WorkflowEngine({
  store: new DatabaseRunStore(knex),
  approvals: new ApprovalService(knex),
  executors,
  secrets: { get: () => undefined },
  logger: {
    info() {},
    warn: m => process.stderr.write(`${m}\n`),
    error: m => process.stderr.write(`${m}\n`),
  },
  workerId: process.env.WORKER_ID,
  leaseMs: Number(process.env.LEASE_MS ?? 1000),
  pollMs: 20,
  maxConcurrentRuns: Number(process.env.MAX_RUNS ?? 8),
  // the admin policy's limit across every replica
  policy: process.env.GLOBAL_MAX
    ? { maxConcurrentRuns: Number(process.env.GLOBAL_MAX) }
    : undefined,
  workspaceRoot: process.env.WORKSPACE_ROOT,
});
engine.start();
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  engine
    .stop()
    .then(() => knex.destroy())
    .finally(() => process.exit(0));
});
