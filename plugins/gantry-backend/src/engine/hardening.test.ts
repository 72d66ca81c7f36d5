/*
 * Regression tests for the defects the reliability suites found
 * (docs/reliability.md, "Defects found").
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  controller,
  freshDatabase,
  markedProcesses,
  Worker,
} from '../reliability/harness';
import { createTestEngine, testDatabases } from './__testUtils__/testEngine';

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

const marks = () =>
  path.join(mkdtempSync(path.join(os.tmpdir(), 'gantry-marks-')), 'marks');
const lines = (file: string) => {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
};

describe.each(databases.eachSupportedId())('engine hardening on %s', id => {
  it('does not execute a run twice when its own lease lapsed while it ran (late heartbeat)', async () => {
    const t = await createTestEngine(databases, id, { leaseMs: 150 });
    // the heartbeat is late (a stalled event loop or a busy database): the lease lapses
    jest.spyOn(t.store, 'heartbeat').mockResolvedValue(true);
    const file = marks();
    t.engine.start();
    try {
      const run = await t.engine.submit({
        definition: `name: lapse\nsteps:\n  - id: slow\n    type: shell\n    command: echo "start $GANTRY_ATTEMPT" >> ${file}; sleep 1; echo "end $GANTRY_ATTEMPT" >> ${file}\n`,
        tenant: 'acme',
        createdBy: 'user:default/ada',
      });
      expect((await t.engine.waitFor(run.id, undefined, 20_000)).status).toBe(
        'succeeded',
      );
      expect(
        (await t.store.listAttempts(run.id)).map(a => [a.attempt, a.status]),
      ).toEqual([[1, 'succeeded']]);
      expect(lines(file)).toEqual(['start 1', 'end 1']);
    } finally {
      await t.engine.stop();
    }
  });

  it('stops its steps and writes no result when another worker took the run', async () => {
    const t = await createTestEngine(databases, id, { leaseMs: 300 });
    const file = marks();
    t.engine.start();
    try {
      const run = await t.engine.submit({
        definition: `name: stolen\nsteps:\n  - id: slow\n    type: shell\n    command: echo start >> ${file}; sleep 2; echo end >> ${file}\n  - id: next\n    type: shell\n    command: echo next >> ${file}\n`,
        tenant: 'acme',
        createdBy: 'user:default/ada',
      });
      await until(async () => lines(file).includes('start'), 'the step');
      // another replica holds the run now (as after our lease expired)
      await t
        .knex('runs')
        .where({ id: run.id })
        .update({
          claimed_by: 'replica-2',
          claimed_until: Date.now() + 60_000,
        });
      await sleep(3_000);
      expect(lines(file)).toEqual(['start']); // killed, never finished
      const [step] = await t.store.getSteps(run.id);
      expect(step.status).toBe('running'); // left for the new owner to recover
      expect(
        (await t.store.listAttempts(run.id)).map(a => [a.attempt, a.status]),
      ).toEqual([[1, 'running']]);
      const row = await t.knex('runs').where({ id: run.id }).first();
      expect(row.claimed_by).toBe('replica-2');
    } finally {
      await t.engine.stop();
    }
  });

  it('reuses the pending approval request of an attempt interrupted after it asked', async () => {
    const t = await createTestEngine(databases, id);
    const run = await t.engine.submit({
      definition: 'name: gated\nsteps:\n  - id: gate\n    type: approval\n',
      tenant: 'acme',
      createdBy: 'user:default/ada',
    });
    // attempt 1 asked, then its worker died before recording that the step waits
    const earlier = await t.approvals.request({
      tenant: 'acme',
      runId: run.id,
      stepId: 'gate',
      message: 'Approve step gate?',
      approvers: [],
      requestedBy: 'user:default/ada',
    });
    t.engine.start();
    try {
      await t.engine.waitFor(run.id, ['waiting_approval']);
      const { items } = await t.approvals.list({ runId: run.id, limit: 10 });
      expect(items.map(a => a.id)).toEqual([earlier.id]);
      const [gate] = await t.store.getSteps(run.id);
      expect(gate.outputs).toEqual({ approval_id: earlier.id });
    } finally {
      await t.engine.stop();
    }
  });

  it('does not set a run waiting for approval once the approval was decided', async () => {
    const t = await createTestEngine(databases, id);
    const run = await t.engine.submit({
      definition:
        'name: gated\nsteps:\n  - id: gate\n    type: approval\n  - id: after\n    type: shell\n    command: "true"\n',
      tenant: 'acme',
      createdBy: 'user:default/ada',
    });
    // decided between the worker reading the steps and marking the run
    await t.store.updateStep(run.id, 'gate', { status: 'succeeded' });
    expect(await t.store.markWaitingForApproval(run.id)).toBe(false);
    expect((await t.store.getRun(run.id))!.status).toBe('pending');
    await t.store.updateStep(run.id, 'gate', { status: 'waiting_approval' });
    expect(await t.store.markWaitingForApproval(run.id)).toBe(true);
    expect((await t.store.getRun(run.id))!.status).toBe('waiting_approval');
  });
});

describe('a SIGKILLed engine process', () => {
  it('leaves no step process running', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gantry-watcher-'));
    const db = await freshDatabase(dir);
    const marker = `watcher-test-${process.pid}-${Date.now()}`;
    const worker = new Worker(
      'doomed',
      { GANTRY_TEST_DB: db.target, WORKSPACE_ROOT: dir },
      path.join(dir, 'worker.log'),
    );
    await worker.start();
    try {
      const { engine, store } = controller(db.knex);
      const run = await engine.submit({
        definition: `name: long\nsteps:\n  - id: a\n    type: shell\n    depends_on: []\n    env:\n      GANTRY_RELIABILITY: ${marker}\n    command: sleep 30\n  - id: b\n    type: shell\n    depends_on: []\n    env:\n      GANTRY_RELIABILITY: ${marker}\n    command: sh -c 'sleep 31' & sleep 32\n`,
        tenant: 'acme',
        createdBy: 'user:default/ada',
      });
      await until(
        async () => markedProcesses(marker).length >= 4 || undefined,
        'the step processes',
      );
      expect((await store.getRun(run.id))!.status).toBe('running');
      await worker.kill('SIGKILL');
      await until(
        async () => markedProcesses(marker).length === 0 || undefined,
        'the step processes to go with the engine',
      );
    } finally {
      await worker.kill('SIGKILL');
      for (const p of markedProcesses(marker)) process.kill(p.pid, 'SIGKILL');
      await db.drop();
    }
  });
});
