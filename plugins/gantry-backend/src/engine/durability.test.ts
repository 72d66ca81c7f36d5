import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import { ApprovalService } from '../approvals/ApprovalService';
import { applyMigrations } from '../database/migrations';
import { DatabaseRunStore } from '../runs/DatabaseRunStore';
import { StepExecutorRegistry } from '@internal/plugin-gantry-node';
import { createBuiltinExecutors } from '../executors';
import { WorkflowEngine } from './WorkflowEngine';

jest.setTimeout(180_000);

const WORKER = path.join(__dirname, '__testUtils__', 'worker.ts');
const PG = process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;

function startWorker(
  db: string,
  id: string,
  env: Record<string, string> = {},
): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['-r', require.resolve('@backstage/cli/config/nodeTransform.cjs'), WORKER],
    {
      env: { ...process.env, GANTRY_TEST_DB: db, WORKER_ID: id, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', code =>
      reject(new Error(`worker ${id} exited with ${code}`)),
    );
    child.stdout!.once('data', () => resolve(child));
  });
}

async function until<T>(
  fn: () => Promise<T | undefined>,
  what: string,
  ms = 60_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 25));
  }
}

/** A submit-only engine (it never claims runs) to create runs in the database. */
function submitter(knex: Knex) {
  const executors = new StepExecutorRegistry();
  createBuiltinExecutors().forEach(e => executors.register(e));
  const store = new DatabaseRunStore(knex);
  const engine = new WorkflowEngine({
    store,
    approvals: new ApprovalService(knex),
    executors,
    secrets: { get: () => undefined },
    logger: { info() {}, warn() {}, error() {} },
  });
  return { engine, store };
}

async function freshPostgres(url: string): Promise<string> {
  const name = `gantry_durability_${Date.now()}_${process.pid}`;
  const admin = knexFactory({ client: 'pg', connection: url });
  await admin.raw(`CREATE DATABASE ${name}`);
  await admin.destroy();
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

const targets: Array<[string, () => Promise<string>]> = [
  [
    'SQLite file',
    async () =>
      path.join(
        mkdtempSync(path.join(os.tmpdir(), 'gantry-crash-')),
        'gantry.sqlite',
      ),
  ],
];
if (PG) targets.push(['PostgreSQL', () => freshPostgres(PG)]);

describe.each(targets)('durability on %s', (_name, makeDb) => {
  it('resumes a run after its worker is killed with SIGKILL, running no attempt twice and losing no event', async () => {
    const db = await makeDb();
    const knex = db.startsWith('postgres')
      ? knexFactory({ client: 'pg', connection: db })
      : knexFactory({
          client: 'better-sqlite3',
          connection: { filename: db },
          useNullAsDefault: true,
        });
    await applyMigrations(knex);
    const { engine, store } = submitter(knex);
    const marks = path.join(
      mkdtempSync(path.join(os.tmpdir(), 'gantry-marks-')),
      'marks',
    );
    const step = (id: string, work: string) =>
      `  - id: ${id}\n    type: shell\n    command: echo "start $GANTRY_STEP_ID $GANTRY_ATTEMPT" >> ${marks}; echo "${id} says hi"; ${work}; echo "end $GANTRY_STEP_ID $GANTRY_ATTEMPT" >> ${marks}\n`;
    const run = await engine.submit({
      definition: `name: crash\nsteps:\n${step('before', 'true')}${step(
        'during',
        'sleep 1.5',
      )}${step('after', 'true')}`,
      tenant: 'acme',
      createdBy: 'user:default/ada',
    });

    const first = await startWorker(db, 'worker-a');
    await until(
      async () =>
        (
          await store.getSteps(run.id)
        ).find(s => s.stepId === 'during' && s.status === 'running'),
      'step during to run',
    );
    const eventsBeforeCrash = await store.listEvents(run.id, 0, 10_000);
    first.kill('SIGKILL');
    await new Promise(r => first.once('exit', r));

    const second = await startWorker(db, 'worker-b');
    try {
      const done = await until(async () => {
        const r = await store.getRun(run.id);
        return r && ['succeeded', 'failed', 'cancelled'].includes(r.status)
          ? r
          : undefined;
      }, 'the run to finish');
      expect(done.status).toBe('succeeded');
    } finally {
      second.kill('SIGTERM');
      await new Promise(r => second.once('exit', r));
    }

    const attempts = await store.listAttempts(run.id);
    expect(
      attempts.map(a => [a.stepId, a.attempt, a.worker, a.status]),
    ).toEqual([
      ['before', 1, 'worker-a', 'succeeded'],
      ['during', 1, 'worker-a', 'interrupted'],
      ['during', 2, 'worker-b', 'succeeded'],
      ['after', 1, 'worker-b', 'succeeded'],
    ]);
    // each attempt started once; the step that finished before the crash did not run again
    const started = readFileSync(marks, 'utf8')
      .split('\n')
      .filter(l => l.startsWith('start'));
    expect(new Set(started).size).toBe(started.length);
    expect(started.filter(l => l.startsWith('start before'))).toEqual([
      'start before 1',
    ]);
    expect(started).toContain('start during 2');
    // no event lost: everything written before the crash is still there, in order, and the log is complete
    const events = await store.listEvents(run.id, 0, 10_000);
    expect(events.slice(0, eventsBeforeCrash.length)).toEqual(
      eventsBeforeCrash,
    );
    const ids = events.map(e => e.id);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    const lines = events
      .filter(e => e.type === 'log')
      .map(e => `${e.stepId}: ${e.data.line}`);
    expect(lines).toEqual(
      expect.arrayContaining([
        'before: before says hi',
        'during: during says hi',
        'after: after says hi',
      ]),
    );
    await knex.destroy();
  });
  it('keeps policy maxConcurrentRuns across two replicas', async () => {
    const db = await makeDb();
    const knex = db.startsWith('postgres')
      ? knexFactory({ client: 'pg', connection: db })
      : knexFactory({
          client: 'better-sqlite3',
          connection: { filename: db },
          useNullAsDefault: true,
        });
    await applyMigrations(knex);
    const { engine } = submitter(knex);
    // each replica alone would run 4 at once; the policy allows 2 in all
    const workers = await Promise.all([
      startWorker(db, 'replica-1', { MAX_RUNS: '4', GLOBAL_MAX: '2' }),
      startWorker(db, 'replica-2', { MAX_RUNS: '4', GLOBAL_MAX: '2' }),
    ]);
    try {
      const ids: string[] = [];
      for (let i = 0; i < 10; i++) {
        ids.push(
          (
            await engine.submit({
              definition:
                'name: slow\nsteps:\n  - id: s\n    type: shell\n    command: sleep 0.4\n',
              tenant: 'acme',
              createdBy: 'user:default/ada',
            })
          ).id,
        );
      }
      const runs = await until(
        async () => {
          const rows = await knex('runs').whereIn('id', ids);
          return rows.every(r => r.status === 'succeeded') ? rows : undefined;
        },
        '10 runs to succeed',
        90_000,
      );
      // the most runs that ever executed at the same moment
      const edges = runs.flatMap(r => [
        [new Date(r.started_at).getTime(), 1],
        [new Date(r.finished_at).getTime(), -1],
      ]);
      edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      let now = 0;
      let most = 0;
      for (const [, delta] of edges) {
        now += delta;
        most = Math.max(most, now);
      }
      expect(most).toBe(2);
    } finally {
      workers.forEach(w => w.kill('SIGTERM'));
      await Promise.all(workers.map(w => new Promise(r => w.once('exit', r))));
      await knex.destroy();
    }
  });
});

(PG ? describe : describe.skip)('two replicas on PostgreSQL', () => {
  it('executes every step attempt of 200 runs exactly once', async () => {
    const db = await freshPostgres(PG!);
    const knex = knexFactory({ client: 'pg', connection: db });
    await applyMigrations(knex);
    const { engine, store } = submitter(knex);
    const marks = path.join(
      mkdtempSync(path.join(os.tmpdir(), 'gantry-replicas-')),
      'marks',
    );
    const definition = [
      'name: spread',
      'steps:',
      ...['one', 'two', 'three'].map(
        id =>
          `  - id: ${id}\n    type: shell\n    command: echo "$GANTRY_RUN_ID $GANTRY_STEP_ID $GANTRY_ATTEMPT" >> ${marks}`,
      ),
    ].join('\n');
    // healthy replicas under CI load: a 5 s lease (production's is 15 s) so
    // a busy machine's slow heartbeat is not taken for a dead replica
    const healthy = { MAX_RUNS: '16', LEASE_MS: '5000' };
    const workers = await Promise.all([
      startWorker(db, 'replica-1', healthy),
      startWorker(db, 'replica-2', healthy),
    ]);
    try {
      const runs = [];
      for (let i = 0; i < 200; i++)
        runs.push(
          await engine.submit({
            definition,
            tenant: 'acme',
            createdBy: 'user:default/ada',
          }),
        );
      await until(
        async () => {
          const [{ count }] = await knex('runs')
            .whereNotIn('status', ['succeeded'])
            .count({ count: '*' });
          return Number(count) === 0 || undefined;
        },
        '200 runs to succeed',
        150_000,
      );
    } finally {
      workers.forEach(w => w.kill('SIGTERM'));
      await Promise.all(workers.map(w => new Promise(r => w.once('exit', r))));
    }
    const attempts = await knex('run_step_attempts').select(
      'run_id',
      'step_id',
      'attempt',
      'worker',
      'status',
    );
    expect(attempts).toHaveLength(600);
    expect(
      attempts.every(a => Number(a.attempt) === 1 && a.status === 'succeeded'),
    ).toBe(true);
    const lines = readFileSync(marks, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(600);
    expect(new Set(lines).size).toBe(600);
    const byWorker = new Set(attempts.map(a => a.worker));
    expect(byWorker).toEqual(new Set(['replica-1', 'replica-2']));
    void store;
    await knex.destroy();
  });
});
