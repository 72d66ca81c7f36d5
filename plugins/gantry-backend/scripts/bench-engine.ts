/*
 * Engine benchmark: yarn bench (from the repo root).
 *
 * In one process and one run, against baselines measured right there:
 * - no-op step throughput vs a raw knex transaction rate on the same database
 * - shell-step throughput vs raw child_process.spawn('true') at the same concurrency
 * - submit → first step started latency, p50 and p99
 * on a SQLite file, and on PostgreSQL when GANTRY_BENCH_PG (or the Backstage
 * test connection string) names one.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import {
  GantryStepExecutor,
  StepExecutorRegistry,
} from '@internal/plugin-gantry-node';
import { ApprovalService } from '../src/approvals/ApprovalService';
import { applyMigrations } from '../src/database/migrations';
import { WorkflowEngine } from '../src/engine/WorkflowEngine';
import { builtinExecutors } from '../src/executors';
import { DatabaseRunStore } from '../src/runs/DatabaseRunStore';

const PARALLEL = 4;
const noop: GantryStepExecutor = {
  type: 'validation',
  execute: async () => ({ outputs: {} }),
};

async function rawTransactions(knex: Knex, count: number): Promise<number> {
  await knex.schema.dropTableIfExists('bench_raw');
  await knex.schema.createTable('bench_raw', t => {
    t.increments('id');
    t.string('v');
  });
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    await knex.transaction(async tx => {
      const [row] = await tx('bench_raw').insert({ v: 'x' }).returning('id');
      await tx('bench_raw')
        .where({ id: typeof row === 'object' ? row.id : row })
        .update({ v: 'y' });
    });
  }
  return count / ((performance.now() - start) / 1000);
}

async function rawSpawns(count: number): Promise<number> {
  const start = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next += 1;
      await new Promise<void>((resolve, reject) => {
        const child = spawn('true', { stdio: 'ignore' });
        child.once('error', reject);
        child.once('close', () => resolve());
      });
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return count / ((performance.now() - start) / 1000);
}

function engineOn(knex: Knex, maxConcurrentRuns = 8) {
  const store = new DatabaseRunStore(knex);
  const executors = new StepExecutorRegistry();
  [...builtinExecutors, noop].forEach(e => executors.register(e));
  const engine = new WorkflowEngine({
    store,
    approvals: new ApprovalService(knex),
    executors,
    secrets: { get: () => undefined },
    logger: {
      info() {},
      warn() {},
      error: m => process.stderr.write(`${m}\n`),
    },
    workspaceRoot: mkdtempSync(path.join(os.tmpdir(), 'gantry-bench-')),
    pollMs: 5,
    maxParallelSteps: PARALLEL,
    maxConcurrentRuns,
  });
  return { engine, store };
}

const parallelSteps = (type: string, count: number, body: string) =>
  [
    'name: bench',
    'steps:',
    ...Array.from(
      { length: count },
      (_, i) => `  - id: s${i}\n    type: ${type}\n    depends_on: []\n${body}`,
    ),
  ].join('\n');

async function stepThroughput(
  knex: Knex,
  type: string,
  body: string,
  runs: number,
  perRun: number,
) {
  const { engine } = engineOn(knex);
  engine.start();
  const definition = parallelSteps(type, perRun, body);
  const start = performance.now();
  const submitted = await Promise.all(
    Array.from({ length: runs }, () =>
      engine.submit({ definition, tenant: 'bench', createdBy: 'bench' }),
    ),
  );
  for (const run of submitted) {
    const done = await engine.waitFor(run.id);
    if (done.status !== 'succeeded')
      throw new Error(`bench run ${run.id} ${done.status}: ${done.error}`);
  }
  const rate = (runs * perRun) / ((performance.now() - start) / 1000);
  await engine.stop();
  return rate;
}

async function latency(knex: Knex, samples: number) {
  const { engine, store } = engineOn(knex);
  engine.start();
  const definition = 'name: one\nsteps:\n  - id: only\n    type: noop\n';
  const latencies: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = Date.now();
    const run = await engine.submit({
      definition,
      tenant: 'bench',
      createdBy: 'bench',
    });
    await engine.waitFor(run.id);
    // when the step's 'running' event was written: its attempt had been recorded
    const events = await store.listEvents(run.id, 0, 100);
    const started = events.find(
      e => e.type === 'step' && e.data.status === 'running',
    )!;
    latencies.push(Date.parse(started.createdAt) - t0);
  }
  await engine.stop();
  latencies.sort((a, b) => a - b);
  const at = (p: number) =>
    latencies[
      Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))
    ];
  return { p50: at(50), p99: at(99) };
}

async function benchmark(label: string, knex: Knex) {
  await applyMigrations(knex);
  await DatabaseRunStore.tuneSqlite(knex); // as the plugin does at start
  const raw = await rawTransactions(knex, 1000);
  const noopRate = await stepThroughput(knex, 'noop', '', 20, 50);
  const spawnRate = await rawSpawns(400);
  const shellRate = await stepThroughput(
    knex,
    'shell',
    '    command: "true"\n',
    10,
    40,
    1, // one run at a time, PARALLEL steps at once: the baseline's concurrency
  );
  const { p50, p99 } = await latency(knex, 200);
  const rows = [
    ['raw knex transactions (baseline)', `${raw.toFixed(0)}/s`, ''],
    [
      'no-op steps',
      `${noopRate.toFixed(0)}/s`,
      `${(noopRate / raw).toFixed(2)}× raw tx; target ≥1000/s ${
        noopRate >= 1000 ? 'met' : `missed by ${(1000 - noopRate).toFixed(0)}/s`
      }`,
    ],
    [
      "raw spawn('true') (baseline)",
      `${spawnRate.toFixed(0)}/s`,
      `${PARALLEL} at a time`,
    ],
    [
      'shell steps `true`',
      `${shellRate.toFixed(0)}/s`,
      `${((shellRate / spawnRate) * 100).toFixed(
        0,
      )}% of raw spawn; target ≥80% ${
        shellRate / spawnRate >= 0.8 ? 'met' : 'missed'
      }`,
    ],
    [
      'submit → first step p50',
      `${p50.toFixed(1)} ms`,
      `target <20 ms ${p50 < 20 ? 'met' : 'missed'}`,
    ],
    [
      'submit → first step p99',
      `${p99.toFixed(1)} ms`,
      `target <100 ms ${p99 < 100 ? 'met' : 'missed'}`,
    ],
  ];
  process.stdout.write(`\n${label}\n`);
  for (const [name, value, note] of rows) {
    process.stdout.write(
      `  ${name.padEnd(34)} ${value.padStart(10)}   ${note}\n`,
    );
  }
  await knex.destroy();
}

async function main() {
  process.stdout.write(
    `Gantry engine benchmark — Node ${process.version}, ${
      os.cpus().length
    } CPUs (${os.cpus()[0]?.model}), ${new Date().toISOString()}\n`,
  );
  const file = path.join(
    mkdtempSync(path.join(os.tmpdir(), 'gantry-bench-db-')),
    'bench.sqlite',
  );
  await benchmark(
    `SQLite (better-sqlite3, file ${file})`,
    knexFactory({
      client: 'better-sqlite3',
      connection: { filename: file },
      useNullAsDefault: true,
    }),
  );
  const pg =
    process.env.GANTRY_BENCH_PG ??
    process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
  if (pg) {
    const admin = knexFactory({ client: 'pg', connection: pg });
    const name = `gantry_bench_${Date.now()}`;
    await admin.raw(`CREATE DATABASE ${name}`);
    await admin.destroy();
    const url = new URL(pg);
    url.pathname = `/${name}`;
    await benchmark(
      `PostgreSQL (${url.host})`,
      knexFactory({
        client: 'pg',
        connection: url.toString(),
        pool: { min: 2, max: 10 },
      }),
    );
  } else {
    process.stdout.write(
      '\nPostgreSQL: skipped (set GANTRY_BENCH_PG=postgresql://... to include it)\n',
    );
  }
}

main().catch(error => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
