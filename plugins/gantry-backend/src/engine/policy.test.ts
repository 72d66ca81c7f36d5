import { createTestEngine, testDatabases } from './__testUtils__/testEngine';
import { WorkflowValidationError } from './WorkflowEngine';

jest.setTimeout(30_000);
const databases = testDatabases();

describe('admin policy at run time', () => {
  const submitter =
    (t: Awaited<ReturnType<typeof createTestEngine>>) =>
    (definition: string, extra: object = {}) =>
      t.engine.submit({
        definition,
        tenant: 'acme',
        createdBy: 'user:default/ada',
        ...extra,
      });

  it('fails a run that exceeds maxDurationSeconds, naming the rule', async () => {
    const t = await createTestEngine(databases, 'SQLITE_3', {
      policy: { maxDurationSeconds: 1 },
    });
    t.engine.start();
    try {
      const run = await submitter(t)(
        'name: slow\nsteps:\n  - id: s\n    type: shell\n    command: sleep 20\n',
      );
      const done = await t.engine.waitFor(run.id);
      expect(done.status).toBe('failed');
      expect(done.error).toBe(
        'policy maxDurationSeconds: the run took longer than 1s',
      );
    } finally {
      await t.engine.stop();
    }
  });

  it('refuses calls to hosts outside allowedOutboundDomains', async () => {
    const t = await createTestEngine(databases, 'SQLITE_3', {
      policy: { allowedOutboundDomains: ['*.acme.example'] },
    });
    t.engine.start();
    try {
      // a literal URL is refused at validation; one built from values, here
      await expect(
        submitter(t)(
          'name: out\nsteps:\n  - id: h\n    type: http\n    config:\n      url: http://169.254.169.254/latest/meta-data\n',
        ),
      ).rejects.toThrow(WorkflowValidationError);
      const run = await submitter(t)(
        'name: out\nsteps:\n  - id: h\n    type: http\n    config:\n      url: http://${workflow.HOST}/latest/meta-data\n',
        { context: { variables: { HOST: '169.254.169.254' } } },
      );
      await t.engine.waitFor(run.id);
      expect((await t.store.getSteps(run.id))[0].error).toBe(
        'policy allowedOutboundDomains: http://169.254.169.254/latest/meta-data is not an allowed destination (allowed: *.acme.example)',
      );
    } finally {
      await t.engine.stop();
    }
  });

  it('applies the profile of the environment class', async () => {
    const t = await createTestEngine(databases, 'SQLITE_3', {
      policy: { profiles: { production: 'restricted' } },
    });
    const shell =
      'name: s\nsteps:\n  - id: s\n    type: shell\n    command: echo hi\n';
    await expect(
      submitter(t)(shell, {
        context: { variables: { ENVIRONMENT: 'production' } },
      }),
    ).rejects.toThrow(WorkflowValidationError);
    const dev = await submitter(t)(shell, {
      context: { variables: { ENVIRONMENT: 'development' } },
    });
    expect(dev.profile).toBe('standard');
  });

  it('keeps at most maxConcurrentRuns runs executing at once', async () => {
    const t = await createTestEngine(databases, 'SQLITE_3', {
      policy: { maxConcurrentRuns: 1 },
    });
    t.engine.start();
    try {
      const runs = [];
      for (let i = 0; i < 3; i++) {
        runs.push(
          await submitter(t)(
            'name: one\nsteps:\n  - id: s\n    type: shell\n    command: sleep 0.3\n',
          ),
        );
      }
      const done = await Promise.all(runs.map(r => t.engine.waitFor(r.id)));
      const spans = done
        .map(r => [Date.parse(r.startedAt!), Date.parse(r.finishedAt!)])
        .sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < spans.length; i++) {
        expect(spans[i][0]).toBeGreaterThanOrEqual(spans[i - 1][1]);
      }
    } finally {
      await t.engine.stop();
    }
  });
});
