import { mockCredentials } from '@backstage/backend-test-utils';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from './__testUtils__/runCli';
import { startGantryServer } from './__testUtils__/gantryServer';

jest.setTimeout(60_000);

const gantry = (...args: string[]) => runCli(args);

describe('gantry against a running backend', () => {
  let url: string;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ url, stop } = await startGantryServer());
  });
  afterAll(() => stop());

  it('runs a workflow on the server and follows it to the end', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gantry-remote-'));
    const file = path.join(dir, 'remote.yaml');
    writeFileSync(
      file,
      'name: remote\nsteps:\n  - id: hi\n    type: shell\n    command: echo "hello ${workflow.WHO}"\n',
    );
    const res = await gantry(
      'run',
      file,
      '--server',
      url,
      '--var',
      'WHO=server',
    );
    expect(res.stderr).toBe('');
    expect(res.stdout).toMatch(/hi │ hello server/);
    expect(res.stdout).toMatch(/run succeeded/);
    expect(res.code).toBe(0);

    const json = await gantry(
      'run',
      file,
      '--server',
      url,
      '--var',
      'WHO=json',
      '--json',
    );
    const doc = JSON.parse(json.stdout);
    expect(doc).toMatchObject({
      status: 'succeeded',
      steps: [{ id: 'hi', status: 'succeeded', attempts: 1 }],
    });

    const list = await gantry('runs', 'list', '--server', url, '--json');
    expect(JSON.parse(list.stdout).items.length).toBeGreaterThanOrEqual(2);
  });

  it('deploys a Score spec and follows the deployment', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gantry-deploy-'));
    const spec = path.join(dir, 'score.yaml');
    writeFileSync(
      spec,
      'apiVersion: score.dev/v1b1\nmetadata:\n  name: cli-checkout\n  product: payments\ncontainers:\n  web:\n    image: nginx:latest\nresources:\n  db:\n    type: postgres\n',
    );
    const res = await gantry(
      'deploy',
      spec,
      '--server',
      url,
      '--profile',
      'plan_only',
    );
    expect(res.stderr).toBe('');
    expect(res.stdout).toMatch(/deployment dep_\S+ of cli-checkout \(first\)/);
    expect(res.stdout).toMatch(
      /✔ resource db via database-team\/create-postgres succeeded/,
    );
    expect(res.stdout).toMatch(
      /✔ post-deployment checkout-team\/payments-smoke-test succeeded/,
    );
    expect(res.stdout).toMatch(/deployment succeeded/);
    expect(res.code).toBe(0);
    const providers = await gantry(
      'providers',
      'list',
      '--server',
      url,
      '--json',
    );
    expect(JSON.parse(providers.stdout).map((p: any) => p.name)).toContain(
      'database-team',
    );
  });

  it('lists and decides approvals, and reports server errors without a stack trace', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gantry-remote-'));
    const file = path.join(dir, 'gate.yaml');
    writeFileSync(
      file,
      'name: gate\nsteps:\n  - id: gate\n    type: approval\n    config:\n      message: Release?\n',
    );
    const started = gantry('run', file, '--server', url, '--json');
    let pending: any[] = [];
    for (let i = 0; i < 200 && pending.length === 0; i++) {
      await new Promise(r => setTimeout(r, 25));
      pending = JSON.parse(
        (await gantry('approvals', 'list', '--server', url, '--json')).stdout,
      ).items;
    }
    expect(pending[0].message).toBe('Release?');
    const approve = await gantry(
      'approvals',
      'approve',
      pending[0].id,
      '--server',
      url,
      '--reason',
      'ok',
      // someone other than the requester decides
      '--token',
      mockCredentials.user.token('user:default/priya'),
    );
    expect(approve.stdout).toMatch(/approved by/);
    expect((await started).code).toBe(0);

    const again = await gantry(
      'approvals',
      'deny',
      pending[0].id,
      '--server',
      url,
      '--token',
      mockCredentials.user.token('user:default/ada'),
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/409: approval .* was already approved/);
    expect(again.stderr).not.toMatch(/\n\s+at /);
  });
});
