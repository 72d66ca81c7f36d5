import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const BIN = path.resolve(__dirname, '../bin/gantry');
const INVALID = path.join(
  ROOT,
  'plugins/gantry-common/src/dsl/__fixtures__/invalid',
);

function gantry(...args: string[]) {
  const res = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

const noStackTrace = (text: string) =>
  expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe('gantry validate', () => {
  it('passes the demo providers from the repo root', () => {
    const res = gantry('validate', 'providers/');
    // the seed's golden path reads $GITEA_TOKEN from the shell: a warning, not an error
    for (const line of res.stderr.trim().split('\n').filter(Boolean)) {
      expect(line).toMatch(/\(warning\)$/);
    }
    expect(res.stdout).toMatch(/✔ \d+ workflows? valid/);
    expect(res.code).toBe(0);
  });

  it('prints file:line:col: message and exits 1 for invalid files', () => {
    const res = gantry(
      'validate',
      path.join(INVALID, 'unknown-step-type.yaml'),
      path.join(INVALID, 'cycle.yaml'),
    );
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(
      `${path.join(
        INVALID,
        'unknown-step-type.yaml',
      )}:4:11: step 'provision': unknown step type 'terraformm' (did you mean terraform?)`,
    );
    expect(res.stderr).toContain(
      `${path.join(
        INVALID,
        'cycle.yaml',
      )}:6:17: step 'a': dependency cycle: a → b → c → a`,
    );
    expect(res.stdout).toMatch(/✖ 2 problems in 2 files/);
    noStackTrace(res.stderr);
  });

  it('checks provider.yaml and its workflows_dir in a tree', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gantry-cli-'));
    mkdirSync(path.join(dir, 'good', 'flows'), { recursive: true });
    writeFileSync(
      path.join(dir, 'good', 'provider.yaml'),
      'name: good\nworkflows_dir: flows\n',
    );
    writeFileSync(
      path.join(dir, 'good', 'flows', 'a.yaml'),
      'name: a\nsteps:\n  - name: x\n    type: validation\n',
    );
    mkdirSync(path.join(dir, 'bad'));
    writeFileSync(
      path.join(dir, 'bad', 'provider.yaml'),
      'name: bad\nowner: x\nwokflows_dir: w\n',
    );
    const res = gantry('validate', dir);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(
      `${path.join(
        dir,
        'bad',
        'provider.yaml',
      )}:3:1: provider.yaml: unknown field 'wokflows_dir' (did you mean workflows_dir?)`,
    );
    expect(res.stderr).not.toContain('good');
  });

  it('exits 2 on usage errors', () => {
    expect(gantry('validate').code).toBe(2);
    const missing = gantry('validate', 'no/such/dir');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no/such/dir: no such file or directory');
  });

  it('has help with examples', () => {
    const res = gantry('validate', '--help');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('Examples:');
    expect(res.stdout).toContain('gantry validate providers/');
  });
});

describe('gantry providers and lists', () => {
  it('lists the demo providers and their health', () => {
    const res = gantry('providers', 'list');
    expect(res.code).toBe(0);
    for (const name of [
      'checkout-team',
      'container-team',
      'database-team',
      'platform-team',
      'storage-team',
      'vault-team',
    ]) {
      expect(res.stdout).toMatch(new RegExp(`✔ ${name}`));
    }
  });

  it('lists golden paths and workflows', () => {
    expect(gantry('list-goldenpaths').stdout).toMatch(
      /^platform-team\/onboard-dev-team +Complete developer team onboarding/,
    );
    const all = JSON.parse(gantry('list-workflows', '--json').stdout);
    expect(all).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          provider: 'checkout-team',
          name: 'payments-preflight',
          product: 'payments',
          phase: 'pre-deployment',
        }),
      ]),
    );
  });

  it('reports a broken provider with file:line and exits 1', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gantry-broken-'));
    mkdirSync(path.join(dir, 'team', 'workflows'), { recursive: true });
    writeFileSync(path.join(dir, 'team', 'provider.yaml'), 'name: team\n');
    writeFileSync(
      path.join(dir, 'team', 'workflows', 'w.yaml'),
      'name: w\nsteps:\n  - id: a\n    type: shel\n',
    );
    const res = gantry('providers', 'list', '--dir', dir);
    expect(res.code).toBe(1);
    expect(res.stdout).toContain(`✖ team`);
    expect(res.stdout).toContain(
      `${path.join(
        dir,
        'team',
        'workflows',
        'w.yaml',
      )}:4:11: step 'a': unknown step type 'shel'`,
    );
  });
});

describe('gantry plan', () => {
  const workflow = 'providers/database-team/workflows/create-postgres.yaml';

  it('prints one JSON document following the contract', () => {
    const res = gantry(
      'plan',
      workflow,
      '--spec',
      'docs/examples/checkout-score.yaml',
      '--json',
    );
    expect(res.code).toBe(0);
    const plan = JSON.parse(res.stdout);
    expect(Object.keys(plan).sort()).toEqual([
      'deferred',
      'errors',
      'steps',
      'valid',
      'workflow',
    ]);
    expect(plan).toMatchObject({
      workflow: 'create-postgres',
      valid: true,
      errors: [],
    });
    expect(plan.steps.map((s: { id: string }) => s.id)).toEqual([
      'create-postgres-cluster',
      'wait-for-database-ready',
      'get-database-credentials',
      'store-credentials-in-vault',
      'create-vso-externalsecret',
    ]);
    expect(plan.steps[0]).toMatchObject({
      type: 'kubernetes',
      needs: [],
      decision: 'run',
    });
    expect(plan.steps[0].config.manifest).toContain(
      'name: checkout-service-db',
    );
    // shell values are quoted for their context
    expect(plan.steps[1].config.command).toContain(
      "cluster/'checkout-service'-db",
    );
  });

  it('takes --var and --input and reports bad inputs as invalid', () => {
    const secure =
      'plugins/gantry-common/src/dsl/__fixtures__/seeds/secure-workflow-orchestration__L154__deploy-application.yaml';
    const ok = JSON.parse(
      gantry('plan', secure, '--input', 'environment=prod', '--json').stdout,
    );
    expect(ok.valid).toBe(true);
    expect(ok.steps[2].config.command).toBe("kubectl apply -f k8s/'prod'/");
    const bad = gantry('plan', secure, '--input', 'environment=qa', '--json');
    expect(bad.code).toBe(1);
    const plan = JSON.parse(bad.stdout);
    expect(plan.valid).toBe(false);
    expect(plan.errors[0]).toMatchObject({
      line: 8,
      path: 'inputs.environment',
    });
    expect(plan.errors[0].message).toMatch(/does not match pattern/);
  });

  it('prints a readable plan without --json', () => {
    const res = gantry('plan', workflow, '--var', 'NAMESPACE=payments');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('Plan for create-postgres');
    expect(res.stdout).toContain("-n 'payments'");
    expect(res.stdout).toContain(
      '${APP_NAME} — set from the Score spec (--spec)',
    );
  });

  it('exits 2 on usage errors, without a stack trace', () => {
    for (const args of [
      ['plan'],
      ['plan', workflow, '--profile', 'root'],
      ['plan', workflow, '--var', 'novalue'],
      ['plan', 'missing.yaml'],
    ]) {
      const res = gantry(...args);
      expect({ args, code: res.code }).toEqual({ args, code: 2 });
      noStackTrace(res.stderr);
    }
  });

  it('has help with examples', () => {
    const res = gantry('plan', '--help');
    expect(res.stdout).toContain('--spec <score.yaml>');
    expect(res.stdout).toContain('Examples:');
  });
});
