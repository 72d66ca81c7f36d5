import { planWorkflow } from './plan';
import { parseScoreSpec } from './score';

const CONDITIONAL = `
apiVersion: workflow.dev/v1
kind: ProductWorkflow
metadata:
  name: payments-release
  product: payments
spec:
  triggers: [product_deployment]
  steps:
    - name: run-tests
      type: shell
      config:
        command: npm test
    - name: deploy-prod-only
      type: kubernetes
      when: "\${workflow.ENVIRONMENT} == 'production'"
      config:
        namespace: \${application.name}
    - name: gate
      type: approval
      when: "steps.run-tests.exit_code == 0"
      config:
        message: Ship \${application.name}?
    - name: cleanup
      type: shell
      when: on_failure
      config:
        command: echo cleaning
    - name: report
      type: notify.webhook
      when: always
      config:
        url: https://hooks.example/\${application.name}
`;

const plan = (text: string, variables: Record<string, string>, extra = {}) =>
  planWorkflow(text, 'w.yaml', { context: { variables }, ...extra });

describe('planWorkflow', () => {
  it('skips a production-only step in development and runs it in production', () => {
    const dev = plan(CONDITIONAL, { ENVIRONMENT: 'development' });
    const prod = plan(CONDITIONAL, { ENVIRONMENT: 'production' });
    const step = (p: typeof dev) =>
      p.steps.find(s => s.id === 'deploy-prod-only')!;
    expect(step(dev)).toMatchObject({ decision: 'skip' });
    expect(step(dev).reason).toMatch(/is false/);
    expect(step(prod)).toMatchObject({ decision: 'run' });
  });

  it('cannot be tricked into running by a variable that rewrites the expression', () => {
    for (const attack of [
      "x' || true || '",
      "production' || 'a' == 'a",
      '") || true || ("',
    ]) {
      const p = plan(CONDITIONAL, { ENVIRONMENT: attack });
      expect(p.steps.find(s => s.id === 'deploy-prod-only')!.decision).toBe(
        'skip',
      );
    }
  });

  it('decides run-time conditions assuming earlier steps succeed, and says so', () => {
    const gate = plan(CONDITIONAL, { ENVIRONMENT: 'production' }).steps.find(
      s => s.id === 'gate',
    )!;
    expect(gate.decision).toBe('run');
    expect(gate.reason).toMatch(
      /assuming the earlier steps succeed: steps.run-tests.exit_code = 0/,
    );
  });

  it('plans always and on_failure steps for the success path', () => {
    const p = plan(CONDITIONAL, { ENVIRONMENT: 'production' });
    expect(p.steps.find(s => s.id === 'cleanup')).toMatchObject({
      decision: 'skip',
    });
    expect(p.steps.find(s => s.id === 'report')).toMatchObject({
      decision: 'run',
    });
  });

  it('fills application.* from a Score spec and keeps unknown values as references', () => {
    const { application } = parseScoreSpec(
      'apiVersion: score.dev/v1b1\nmetadata:\n  name: checkout\n  product: payments\ncontainers:\n  web:\n    image: nginx\n',
    );
    const withSpec = planWorkflow(CONDITIONAL, 'w.yaml', {
      context: { application, variables: { ENVIRONMENT: 'production' } },
    });
    expect(withSpec.steps.find(s => s.id === 'gate')!.config.message).toBe(
      'Ship checkout?',
    );
    const without = plan(CONDITIONAL, { ENVIRONMENT: 'production' });
    expect(without.steps.find(s => s.id === 'gate')!.config.message).toBe(
      'Ship ${application.name}?',
    );
    expect(without.deferred).toContainEqual({
      step: 'gate',
      reference: '${application.name}',
      reason: 'set from the Score spec (--spec)',
    });
  });

  it('reports a workflow variable with no value instead of guessing', () => {
    const p = plan(CONDITIONAL, {});
    expect(p.valid).toBe(false);
    expect(p.errors[0]).toMatchObject({ step: 'deploy-prod-only', line: 16 });
    expect(p.errors[0].message).toMatch(
      /workflow variable ENVIRONMENT has no value .*--var ENVIRONMENT=/,
    );
  });

  const DAG = `
name: fan-out
steps:
  - id: build
    type: shell
    command: make build
    outputs: [image]
  - id: test-unit
    type: shell
    command: make test
  - id: test-e2e
    type: shell
    command: make e2e
    depends_on: [build]
  - id: scan
    type: security
    depends_on: []
  - id: release
    type: shell
    command: release \${steps.build.outputs.image} --token \${secrets.registry_token} --tag \${workflow.TAG}
    depends_on: [test-unit, test-e2e, scan]
`;

  it('orders steps by depends_on, else after the previous step, with parallel branches', () => {
    const p = plan(DAG, { TAG: 'v1; rm -rf /' });
    expect(p.errors).toEqual([]);
    expect(p.steps.map(s => [s.id, s.needs])).toEqual([
      ['build', []],
      ['test-unit', ['build']],
      ['test-e2e', ['build']],
      ['scan', []],
      ['release', ['test-unit', 'test-e2e', 'scan']],
    ]);
  });

  it('keeps run-time values and secrets as references, listed as deferred', () => {
    const p = plan(DAG, { TAG: 'v1; rm -rf /' });
    const release = p.steps.find(s => s.id === 'release')!;
    expect(release.config.command).toBe(
      "release ${steps.build.outputs.image} --token ${secrets.registry_token} --tag 'v1; rm -rf /'",
    );
    expect(p.deferred).toEqual([
      {
        step: 'release',
        reference: '${steps.build.outputs.image}',
        reason: 'produced by step build at run time',
      },
      {
        step: 'release',
        reference: '${secrets.registry_token}',
        reason: 'secret, resolved at run time and redacted',
      },
    ]);
  });

  it('refuses shell under the restricted profile and names the rule', () => {
    const p = planWorkflow(DAG, 'w.yaml', {
      profile: 'restricted',
      context: { variables: { TAG: 'v1' } },
    });
    expect(p.valid).toBe(false);
    expect(p.errors.map(e => e.message)).toContain(
      "security profile 'restricted': step 'build' has type 'shell', which runs code; restricted allows only approval, assert, http, notify.email, notify.webhook, workflow, validation, monitoring, tagging, cost-analysis, policy, security",
    );
  });

  it('reports a value that cannot be placed safely instead of crashing', () => {
    const text =
      'name: h\nsteps:\n  - id: a\n    type: shell\n    command: |\n      cat <<EOF\n      ${workflow.X}\n      EOF\n';
    const p = plan(text, { X: 'EOF\nrm -rf /' });
    expect(p.valid).toBe(false);
    expect(p.errors[0].message).toMatch(/would end the here-document/);
  });
});
