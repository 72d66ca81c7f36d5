import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestEngine, testDatabases } from './__testUtils__/testEngine';
import { WorkflowEngine, WorkflowValidationError } from './WorkflowEngine';

jest.setTimeout(30_000);
const databases = testDatabases();

describe.each(databases.eachSupportedId())(
  'WorkflowEngine on %s',
  databaseId => {
    let t: Awaited<ReturnType<typeof createTestEngine>>;
    beforeEach(async () => {
      t = await createTestEngine(databases, databaseId);
      t.engine.start();
    });
    afterEach(async () => {
      await t.engine.stop();
    });

    const submit = (
      definition: string,
      extra: Partial<Parameters<WorkflowEngine['submit']>[0]> = {},
    ) =>
      t.engine.submit({
        definition,
        tenant: 'group:default/acme',
        createdBy: 'user:default/ada',
        ...extra,
      });
    const steps = async (runId: string) =>
      Object.fromEntries(
        (await t.store.getSteps(runId)).map(s => [s.stepId, s]),
      );
    const logs = async (runId: string) =>
      (await t.store.listEvents(runId, 0, 10_000))
        .filter(e => e.type === 'log')
        .map(e => String(e.data.line));

    it('runs steps in order, publishes outputs and exit codes', async () => {
      const run = await submit(`
name: outputs
steps:
  - id: produce
    type: shell
    command: |
      echo "building"
      echo "image=registry/app:42" >> "$GANTRY_OUTPUT"
  - id: consume
    type: shell
    command: echo "deploying \${steps.produce.outputs.image} after exit \${steps.produce.exit_code}"
`);
      const done = await t.engine.waitFor(run.id);
      expect(done.status).toBe('succeeded');
      const s = await steps(run.id);
      expect(s.produce.outputs).toMatchObject({
        image: 'registry/app:42',
        exit_code: 0,
        stdout: 'building\n',
      });
      expect(s.consume.outputs.stdout).toBe(
        'deploying registry/app:42 after exit 0\n',
      );
      expect(new Date(s.consume.startedAt!).getTime()).toBeGreaterThanOrEqual(
        new Date(s.produce.finishedAt!).getTime(),
      );
      expect(await logs(run.id)).toEqual([
        'building',
        'deploying registry/app:42 after exit 0',
      ]);
    });

    it('runs independent branches in parallel', async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'gantry-par-'));
      const branch = (id: string) => `
  - id: ${id}
    type: shell
    depends_on: []
    command: date +%s%N > ${dir}/${id}.start; sleep 0.4; date +%s%N > ${dir}/${id}.end`;
      const run = await submit(
        `name: parallel\nsteps:${branch('a')}${branch('b')}${branch('c')}`,
      );
      expect((await t.engine.waitFor(run.id)).status).toBe('succeeded');
      const read = (f: string) =>
        Number(readFileSync(path.join(dir, f), 'utf8')) / 1e6;
      const starts = ['a', 'b', 'c'].map(id => read(`${id}.start`));
      const ends = ['a', 'b', 'c'].map(id => read(`${id}.end`));
      // all started before any finished
      expect(Math.max(...starts)).toBeLessThan(Math.min(...ends));
    });

    it('kills the whole process group on timeout', async () => {
      const pidFile = path.join(
        mkdtempSync(path.join(os.tmpdir(), 'gantry-pg-')),
        'child.pid',
      );
      const run = await submit(`
name: timeout
steps:
  - id: slow
    type: shell
    timeout: 1s
    command: sleep 30 & echo $! > ${pidFile}; wait
`);
      const done = await t.engine.waitFor(run.id);
      expect(done.status).toBe('failed');
      expect((await steps(run.id)).slow.error).toMatch(
        /timed out after 1s; the process group was killed/,
      );
      const pid = Number(readFileSync(pidFile, 'utf8'));
      await new Promise(r => setTimeout(r, 300));
      // the background sleep is dead: gone, or a zombie waiting for a reaper
      expect(processState(pid)).toMatch(/^(gone|Z)/);
    });

    it('retries with a delay and counts attempts', async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'gantry-retry-'));
      const run = await submit(`
name: flaky
steps:
  - id: flaky
    type: shell
    retry: { attempts: 3, delay: 0.1 }
    command: n=$(cat ${dir}/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${dir}/n; test $n -ge 3
`);
      expect((await t.engine.waitFor(run.id)).status).toBe('succeeded');
      expect((await steps(run.id)).flaky.attempts).toBe(3);
      const attempts = await t.store.listAttempts(run.id);
      expect(attempts.map(a => [a.attempt, a.status])).toEqual([
        [1, 'failed'],
        [2, 'failed'],
        [3, 'succeeded'],
      ]);
    });

    it('skips dependents of a failure, runs on_failure and always steps, honours continueOnFailure', async () => {
      const run = await submit(`
name: failures
steps:
  - id: optional-scan
    type: shell
    continueOnFailure: true
    command: exit 3
  - id: deploy
    type: shell
    command: exit 1
  - id: smoke-test
    type: shell
    command: echo never
  - id: rollback
    type: shell
    when: on_failure
    command: echo rolling back
  - id: notify
    type: shell
    when: always
    command: echo notified
`);
      const done = await t.engine.waitFor(run.id);
      expect(done.status).toBe('failed');
      expect(done.error).toBe('step deploy failed');
      const s = await steps(run.id);
      expect(s['optional-scan']).toMatchObject({
        status: 'failed',
        outputs: { exit_code: 3 },
      });
      expect(s.deploy).toMatchObject({
        status: 'failed',
        outputs: { exit_code: 1 },
      });
      expect(s['smoke-test']).toMatchObject({
        status: 'skipped',
        reason: 'dependency deploy failed',
      });
      expect(s.rollback.status).toBe('succeeded');
      expect(s.notify.status).toBe('succeeded');
    });

    it('skips on_failure steps when nothing failed and evaluates conditions at run time', async () => {
      const run = await submit(
        `
name: conditions
steps:
  - id: tests
    type: shell
    command: exit 0
  - id: prod-only
    type: shell
    when: "\${workflow.ENVIRONMENT} == 'production'"
    command: echo prod
  - id: after-tests
    type: shell
    when: steps.tests.exit_code == 0
    command: echo ok
  - id: cleanup
    type: shell
    when: on_failure
    command: echo cleanup
`,
        {
          context: { variables: { ENVIRONMENT: "development' || true || '" } },
        },
      );
      expect((await t.engine.waitFor(run.id)).status).toBe('succeeded');
      const s = await steps(run.id);
      expect(s['prod-only'].status).toBe('skipped');
      expect(s['after-tests'].status).toBe('succeeded');
      expect(s.cleanup.status).toBe('skipped');
    });

    it('cancels a running run through the abort signal', async () => {
      const run = await submit(
        'name: long\nsteps:\n  - id: wait\n    type: shell\n    command: sleep 30\n  - id: next\n    type: shell\n    command: echo next\n',
      );
      await waitForStep(t.store, run.id, 'wait', 'running');
      await t.engine.cancel(run.id);
      const done = await t.engine.waitFor(run.id);
      expect(done.status).toBe('cancelled');
      const s = await steps(run.id);
      expect(s.wait.status).toBe('cancelled');
      expect(s.next.status).toBe('cancelled');
    });

    it('retries a failed run from its failed step, keeping finished steps', async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'gantry-rr-'));
      const run = await submit(`
name: fix-and-retry
steps:
  - id: first
    type: shell
    command: echo once >> ${dir}/first
  - id: second
    type: shell
    command: test -f ${dir}/fixed
`);
      expect((await t.engine.waitFor(run.id)).status).toBe('failed');
      require('node:fs').writeFileSync(path.join(dir, 'fixed'), '');
      await t.engine.retry(run.id);
      expect((await t.engine.waitFor(run.id)).status).toBe('succeeded');
      expect(readFileSync(path.join(dir, 'first'), 'utf8')).toBe('once\n');
      expect((await steps(run.id)).second.attempts).toBe(2);
    });

    it('runs sub-workflows and refuses unbounded recursion', async () => {
      const library: Record<string, string> = {
        child:
          'name: child\nsteps:\n  - id: hello\n    type: shell\n    command: echo "hello ${APP}" && echo greeting=hi >> "$GANTRY_OUTPUT"\n',
        loop: 'name: loop\nsteps:\n  - id: again\n    type: workflow\n    config:\n      workflow: loop\n',
      };
      t.engine.resolveWorkflow = async (_provider, workflow) =>
        library[workflow] ? { text: library[workflow] } : undefined;
      const parent = await submit(
        'name: parent\nsteps:\n  - id: call\n    type: workflow\n    config:\n      provider: team\n      workflow: child\n      variables:\n        APP: checkout\n',
      );
      expect((await t.engine.waitFor(parent.id)).status).toBe('succeeded');
      const call = (await steps(parent.id)).call;
      expect(call.outputs).toMatchObject({
        steps: { hello: { greeting: 'hi', stdout: 'hello checkout\n' } },
      });
      const { items } = await t.store.listRuns({
        parentRunId: parent.id,
        limit: 10,
      });
      expect(items).toHaveLength(1);

      const loop = await submit(
        'name: loop\nsteps:\n  - id: again\n    type: workflow\n    config:\n      workflow: loop\n',
      );
      const looped = await t.engine.waitFor(loop.id);
      expect(looped.status).toBe('failed');
    });

    it('waits for approval without holding a worker, then resumes', async () => {
      const run = await submit(
        'name: gated\nsteps:\n  - id: gate\n    type: approval\n    config:\n      message: Ship it?\n  - id: ship\n    type: shell\n    command: echo shipped\n',
      );
      await t.engine.waitFor(run.id, ['waiting_approval']);
      const row = await t.knex('runs').where({ id: run.id }).first();
      expect(row.claimed_by).toBeNull();
      const { items } = await t.approvals.list({
        status: 'pending',
        limit: 10,
      });
      expect(items.map(a => a.message)).toEqual(['Ship it?']);
      await t.approvals.decide(items[0].id, {
        status: 'approved',
        by: 'user:default/priya',
      });
      expect((await t.engine.waitFor(run.id)).status).toBe('succeeded');
      expect((await steps(run.id)).gate.outputs).toMatchObject({
        decision: 'approved',
        decided_by: 'user:default/priya',
      });
    });

    it('gives exactly one outcome to concurrent approve and deny', async () => {
      for (let i = 0; i < 5; i++) {
        const run = await submit(
          'name: race\nsteps:\n  - id: gate\n    type: approval\n',
        );
        await t.engine.waitFor(run.id, ['waiting_approval']);
        const [approval] = (await t.approvals.list({ runId: run.id, limit: 1 }))
          .items;
        const results = await Promise.all([
          t.approvals.decide(approval.id, {
            status: 'approved',
            by: 'user:default/a',
          }),
          t.approvals.decide(approval.id, {
            status: 'denied',
            by: 'user:default/b',
            reason: 'no',
          }),
        ]);
        expect(results.filter(r => r.won)).toHaveLength(1);
        const winner = results.find(r => r.won)!.approval!.status;
        const done = await t.engine.waitFor(run.id);
        expect(done.status).toBe(
          winner === 'approved' ? 'succeeded' : 'failed',
        );
      }
    });

    it('enforces policy again at run time', async () => {
      // the admin tightens the profile of a stored run before a worker gets to it
      await t.engine.stop();
      const run = await submit(
        'name: shelly\nsteps:\n  - id: s\n    type: shell\n    command: echo hi\n',
        { profile: 'standard' },
      );
      await t
        .knex('runs')
        .where({ id: run.id })
        .update({ profile: 'restricted' });
      t.engine.start();
      const done = await t.engine.waitFor(run.id);
      expect(done.status).toBe('failed');
      expect(done.error).toMatch(
        /no longer valid.*security profile 'restricted'/,
      );
      expect((await steps(run.id)).s.attempts).toBe(0);
      await expect(
        submit(
          'name: shelly\nsteps:\n  - id: s\n    type: shell\n    command: echo hi\n',
          { profile: 'restricted' },
        ),
      ).rejects.toThrow(WorkflowValidationError);
    });

    it('redacts secrets in logs, outputs, errors and events', async () => {
      t.secrets.set('db_password', 's3cr3t-value');
      const run = await submit(`
name: secretive
steps:
  - id: use
    type: shell
    command: echo "password is \${secrets.db_password}" && echo "pw=\${secrets.db_password}" >> "$GANTRY_OUTPUT" && echo "bad \${secrets.db_password}" >&2 && exit 4
`);
      await t.engine.waitFor(run.id);
      const everything = JSON.stringify({
        events: await t.store.listEvents(run.id, 0, 1000),
        steps: await t.store.getSteps(run.id),
      });
      expect(everything).not.toContain('s3cr3t-value');
      expect(await logs(run.id)).toEqual(
        expect.arrayContaining(['password is ***', 'bad ***']),
      );
      expect((await steps(run.id)).use.outputs.pw).toBe('***');
    });

    it('records plan_only runs without side effects', async () => {
      const marker = path.join(
        mkdtempSync(path.join(os.tmpdir(), 'gantry-po-')),
        'touched',
      );
      const run = await submit(
        `name: dry\nsteps:\n  - id: touch\n    type: shell\n    command: touch ${marker}\n`,
        {
          profile: 'plan_only',
        },
      );
      expect((await t.engine.waitFor(run.id)).status).toBe('succeeded');
      expect(existsSync(marker)).toBe(false);
      expect((await steps(run.id)).touch.outputs).toEqual({
        planned: true,
        plan: [`would run with /bin/sh: touch ${marker}`],
      });
    });
  },
);

function processState(pid: number): string {
  try {
    return /State:\s+(\S+)/.exec(
      readFileSync(`/proc/${pid}/status`, 'utf8'),
    )![1];
  } catch {
    return 'gone';
  }
}

async function waitForStep(
  store: any,
  runId: string,
  stepId: string,
  status: string,
) {
  for (let i = 0; i < 500; i++) {
    const step = (await store.getSteps(runId)).find(
      (s: any) => s.stepId === stepId,
    );
    if (step?.status === status) return;
    await new Promise(r => setTimeout(r, 10));
  }
  throw new Error(`step ${stepId} never became ${status}`);
}
