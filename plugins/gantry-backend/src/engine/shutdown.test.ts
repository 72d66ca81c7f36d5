import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestEngine, testDatabases } from './__testUtils__/testEngine';
import { WorkflowEngine } from './WorkflowEngine';

jest.setTimeout(60_000);
const databases = testDatabases();
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

async function until<T>(fn: () => Promise<T | undefined>, what: string) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const lines = (file: string) => {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
};

describe.each(databases.eachSupportedId())('graceful shutdown on %s', id => {
  // a lease far longer than the test: a replica can only take over because the run was released
  const leaseMs = 120_000;
  let t: Awaited<ReturnType<typeof createTestEngine>>;
  let file: string;
  beforeEach(async () => {
    t = await createTestEngine(databases, id, { leaseMs });
    file = path.join(
      mkdtempSync(path.join(os.tmpdir(), 'gantry-drain-')),
      'marks',
    );
  });
  const replica = () =>
    new WorkflowEngine({
      store: t.store,
      approvals: t.approvals,
      executors: t.executors,
      secrets: { get: () => undefined },
      logger: { info() {}, warn() {}, error() {} },
      workerId: 'replica-2',
      leaseMs,
      pollMs: 20,
      workspaceRoot: mkdtempSync(path.join(os.tmpdir(), 'gantry-drain-')),
    });
  const step = (stepId: string, work: string, dependsOn: string[]) =>
    `  - id: ${stepId}\n    type: shell\n    depends_on: [${dependsOn.join(
      ', ',
    )}]\n    command: echo "start ${stepId} $GANTRY_ATTEMPT" >> ${file}; ${work}; echo "end ${stepId} $GANTRY_ATTEMPT" >> ${file}\n`;
  const submit = (definition: string) =>
    t.engine.submit({
      definition: `name: drain\nsteps:\n${definition}`,
      tenant: 'acme',
      createdBy: 'user:default/ada',
    });

  it('lets running steps finish within the grace period, starts no new ones and hands the run over at once', async () => {
    const run = await submit(
      step('first', 'sleep 0.6', []) + step('second', 'true', ['first']),
    );
    t.engine.start();
    await until(async () => lines(file).includes('start first 1'), 'first');
    const started = Date.now();
    await t.engine.stop(10_000);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(lines(file)).toEqual(['start first 1', 'end first 1']);
    const steps = await t.store.getSteps(run.id);
    expect(steps.map(s => [s.stepId, s.status])).toEqual([
      ['first', 'succeeded'],
      ['second', 'pending'],
    ]);
    const row = await t.knex('runs').where({ id: run.id }).first();
    expect(row.claimed_by).toBeNull(); // released: no waiting for the lease

    const other = replica();
    other.start();
    try {
      expect((await other.waitFor(run.id, undefined, 20_000)).status).toBe(
        'succeeded',
      );
    } finally {
      await other.stop();
    }
    expect(lines(file)).toEqual([
      'start first 1',
      'end first 1',
      'start second 1',
      'end second 1',
    ]);
  });

  it('stops steps still running when the grace period ends and another replica re-runs them without loss', async () => {
    const run = await submit(
      step(
        'long',
        'if [ "$GANTRY_ATTEMPT" = 1 ]; then echo working; sleep 30; fi',
        [],
      ) + step('quick', 'true', []),
    );
    t.engine.start();
    await until(
      async () =>
        lines(file).includes('start long 1') &&
        lines(file).includes('end quick 1'),
      'both steps',
    );
    await until(
      async () =>
        (
          await t.store.listEvents(run.id, 0, 1000)
        ).find(e => e.type === 'log' && e.data.line === 'working'),
      'the log line',
    );
    const eventsBefore = await t.store.listEvents(run.id, 0, 10_000);
    const started = Date.now();
    await t.engine.stop(300);
    // the grace period, then the process group's SIGTERM
    expect(Date.now() - started).toBeLessThan(5_000);
    const steps = Object.fromEntries(
      (await t.store.getSteps(run.id)).map(s => [s.stepId, s]),
    );
    expect(steps.long.status).toBe('pending');
    expect(steps.long.interruptions).toBe(1);
    expect(steps.quick.status).toBe('succeeded');
    expect(
      (await t.store.listAttempts(run.id)).map(a => [
        a.stepId,
        a.attempt,
        a.status,
      ]),
    ).toEqual(
      expect.arrayContaining([
        ['long', 1, 'interrupted'],
        ['quick', 1, 'succeeded'],
      ]),
    );
    const row = await t.knex('runs').where({ id: run.id }).first();
    expect(row.claimed_by).toBeNull();

    const other = replica();
    other.start();
    try {
      expect((await other.waitFor(run.id, undefined, 20_000)).status).toBe(
        'succeeded',
      );
    } finally {
      await other.stop();
    }
    expect(lines(file).filter(l => l.includes('long'))).toEqual([
      'start long 1',
      'start long 2',
      'end long 2',
    ]);
    // nothing written before the shutdown is gone
    const events = await t.store.listEvents(run.id, 0, 10_000);
    expect(events.slice(0, eventsBefore.length)).toEqual(eventsBefore);
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          stepId: 'long',
          data: { status: 'pending', handedOver: true, attempt: 1 },
        }),
      ]),
    );
    expect(
      (await t.store.listAttempts(run.id)).filter(a => a.stepId === 'long'),
    ).toEqual([
      expect.objectContaining({ attempt: 1, status: 'interrupted' }),
      expect.objectContaining({
        attempt: 2,
        status: 'succeeded',
        worker: 'replica-2',
      }),
    ]);
  });
});
