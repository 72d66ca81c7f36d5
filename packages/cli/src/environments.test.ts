import { mockCredentials } from '@backstage/backend-test-utils';
import { runCli } from './__testUtils__/runCli';
import { startGantryServer } from './__testUtils__/gantryServer';

jest.setTimeout(60_000);

const billingSync = `name: billing-sync
description: Syncs invoices
steps:
  - id: sync
    type: http
    config:
      url: https://billing.acme.example/sync
`;

describe('gantry environments, snapshots and promote', () => {
  let url: string;
  let stop: () => Promise<void>;
  const gantry = (...args: string[]) => runCli([...args, '--server', url]);
  const api = async (
    method: string,
    route: string,
    body?: unknown,
    token = mockCredentials.user.token(),
  ) => {
    const res = await fetch(`${url}/api/gantry${route}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${route} → ${res.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  };

  beforeAll(async () => {
    ({ url, stop } = await startGantryServer());

    await api('POST', '/environments', { name: 'dev', class: 'dev' });
    await api('POST', '/environments', { name: 'staging', class: 'staging' });
    await api('PUT', '/environments/dev/workflows/billing-sync', {
      definition: billingSync,
    });
    await api('PUT', '/pipelines/main', {
      stages: [
        {
          source: 'dev',
          target: 'staging',
          gates: { runPreFlightValidation: true },
        },
      ],
    });
  });
  afterAll(() => stop());

  it('lists environments and shows their workflows', async () => {
    const list = await gantry('environments', 'list');
    expect(list.stderr).toBe('');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^NAME\s+CLASS\s+ADAPTER\s+HEALTH$/m);
    expect(list.stdout).toMatch(/^dev\s+dev\s+gantry\s+(healthy|unknown)/m);
    expect(list.stdout).toMatch(
      /^staging\s+staging\s+gantry\s+(healthy|unknown)/m,
    );

    const json = JSON.parse(
      (await gantry('environments', 'list', '--json')).stdout,
    );
    expect(json.items.map((e: any) => e.name).sort()).toEqual([
      'dev',
      'staging',
    ]);

    const dev = await gantry('environments', 'show', 'dev');
    expect(dev.code).toBe(0);
    expect(dev.stdout).toMatch(/^dev\s+dev\s+adapter/);
    expect(dev.stdout).toMatch(
      /^billing-sync\s+[0-9a-f]{8}\s+direct\s+active\s+\S+ by user:default\/mock$/m,
    );
    expect((await gantry('environments', 'show', 'staging')).stdout).toMatch(
      /no workflows/,
    );

    const missing = await gantry('environments', 'show', 'nowhere');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/404/);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });

  it('previews, promotes, snapshots and restores', async () => {
    const preview = await gantry(
      'promote',
      '--pipeline',
      'main',
      '--stage',
      '0',
      '--dry-run',
    );
    expect(preview.stderr).toBe('');
    expect(preview.stdout).toMatch(
      /^promote dev → staging \(pipeline main, stage 0\): risk \w+$/m,
    );
    expect(preview.stdout).toMatch(/^ADDED\s+billing-sync {2}risk \w+$/m);
    expect(preview.stdout).toMatch(/^ {4}\+name: billing-sync$/m);
    expect(preview.stdout).toMatch(/^ {2}✔ runPreFlightValidation/m);
    expect(preview.stdout).toMatch(/not blocked/);
    expect(preview.code).toBe(0);
    // nothing moved yet
    expect((await api('GET', '/environments/staging')).workflows).toHaveLength(
      0,
    );

    const promoted = await gantry(
      'promote',
      '--pipeline',
      'main',
      '--stage',
      '0',
      '--wait',
    );
    expect(promoted.stderr).toBe('');
    expect(promoted.stdout).toMatch(/^promotion prom_\S+ .*: COMPLETED$/m);
    expect(promoted.stdout).toMatch(/^ {2}✔ billing-sync applied$/m);
    expect(promoted.stdout).toMatch(/promotion prom_\S+ completed/);
    expect(promoted.code).toBe(0);

    const staging = await gantry('environments', 'show', 'staging');
    expect(staging.stdout).toMatch(
      /^billing-sync\s+[0-9a-f]{8}\s+promotion\s+active/m,
    );

    const snapshots = await gantry('snapshots', 'list', 'staging');
    expect(snapshots.code).toBe(0);
    expect(snapshots.stdout).toMatch(
      /^ID\s+KIND\s+CREATED\s+CONTENT\s+GIT\s+NOTE$/m,
    );
    expect(snapshots.stdout).toMatch(/^snap_\S+\s+pre_promotion\s/m);
    expect(snapshots.stdout).toMatch(/^snap_\S+\s+post_promotion\s/m);
    const pre = JSON.parse(
      (await gantry('snapshots', 'list', 'staging', '--json')).stdout,
    ).items.find((s: any) => s.kind === 'pre_promotion');
    expect(pre.content).toEqual([]);

    const dryRun = await gantry('snapshots', 'restore', pre.id, '--dry-run');
    expect(dryRun.stderr).toBe('');
    expect(dryRun.stdout).toContain(
      `restoring ${pre.id} would change 1 workflow in staging:`,
    );
    expect(dryRun.stdout).toMatch(/^ {2}- billing-sync {2}removed$/m);
    expect(dryRun.stdout).toMatch(/dry run: nothing changed/);
    expect((await api('GET', '/environments/staging')).workflows).toHaveLength(
      1,
    );

    const restored = await gantry('snapshots', 'restore', pre.id);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(restored.stdout).toMatch(
      new RegExp(`^restored ${pre.id} in staging: 1 workflow changed$`, 'm'),
    );
    expect(restored.stdout).toMatch(/^ {2}- billing-sync {2}removed$/m);
    expect(restored.stdout).toMatch(
      /undo with: gantry snapshots restore snap_\S+/,
    );
    expect((await api('GET', '/environments/staging')).workflows).toHaveLength(
      0,
    );
    expect(
      (await gantry('snapshots', 'restore', pre.id, '--dry-run')).stdout,
    ).toMatch(/staging already matches/);
    expect((await gantry('snapshots', 'list', 'staging')).stdout).toMatch(
      /^snap_\S+\s+pre_restore\s.*before restoring/m,
    );

    const manual = await gantry(
      'snapshots',
      'create',
      'staging',
      '--note',
      'empty again',
    );
    expect(manual.code).toBe(0);
    expect(manual.stdout).toMatch(
      /^snap_\S+ {2}manual {2}0 workflow\(s\) {2}content [0-9a-f]{8} {2}empty again$/m,
    );
  });

  it('waits for the approval of a gated stage', async () => {
    await api('PUT', '/pipelines/gated', {
      stages: [
        {
          source: 'dev',
          target: 'staging',
          approval: { approvers: ['user:default/priya'] },
        },
      ],
    });
    const waiting = gantry(
      'promote',
      '--pipeline',
      'gated',
      '--stage',
      '0',
      '--wait',
      '--interval',
      '0.05',
    );
    let pending: any[] = [];
    for (let i = 0; i < 200 && pending.length === 0; i++) {
      await new Promise(r => setTimeout(r, 25));
      pending = (await api('GET', '/approvals?status=pending')).items;
    }
    expect(pending).toHaveLength(1);
    // by fetch: a second runCli would take over the captured stdout
    await api(
      'POST',
      `/approvals/${pending[0].id}/decision`,
      { decision: 'approve' },
      mockCredentials.user.token('user:default/priya'),
    );
    const res = await waiting;
    expect(res.stdout).toMatch(
      new RegExp(`: waiting for approval ${pending[0].id}$`, 'm'),
    );
    expect(res.stdout).toMatch(/^status COMPLETED$/m);
    expect(res.stdout).toMatch(/^ {2}✔ billing-sync applied$/m);
    expect(res.code).toBe(0);

    const id = /^promotion (prom_\S+)/.exec(res.stdout)![1];
    expect((await gantry('promotions', 'get', id)).stdout).toMatch(
      new RegExp(`^${id} {2}COMPLETED {2}risk high {2}billing-sync$`, 'm'),
    );
    const rollback = await gantry('promotions', 'rollback', id);
    expect(rollback.code).toBe(0);
    expect(rollback.stdout).toMatch(new RegExp(`^${id} {2}ROLLED_BACK`));
    expect((await api('GET', '/environments/staging')).workflows).toHaveLength(
      0,
    );
  });

  it('exits 1 for a blocked preview and a failed promotion', async () => {
    await api('PUT', '/pipelines/closed', {
      stages: [
        {
          source: 'dev',
          target: 'staging',
          gates: { maxAllowedRiskLevel: 'low' },
          windows: [{ days: ['sun'], from: '00:00', to: '00:00' }],
        },
      ],
    });
    const preview = await gantry(
      'promote',
      '--pipeline',
      'closed',
      '--stage',
      '0',
      '--dry-run',
    );
    expect(preview.stdout).toMatch(/^ {2}✘ /m);
    expect(preview.stdout).toMatch(/^blocked/m);
    expect(preview.code).toBe(1);

    const started = await gantry(
      'promote',
      '--pipeline',
      'closed',
      '--stage',
      '0',
      '--json',
    );
    expect(JSON.parse(started.stdout)).toMatchObject({ status: 'FAILED' });
    expect(started.code).toBe(1);
  });

  it('explains every new command with --help', async () => {
    for (const args of [
      ['environments'],
      ['environments', 'list'],
      ['environments', 'show'],
      ['snapshots'],
      ['snapshots', 'list'],
      ['snapshots', 'create'],
      ['snapshots', 'restore'],
      ['promote'],
      ['promotions', 'get'],
    ]) {
      const res = await runCli([...args, '--help']);
      expect(res.code).toBe(0);
      expect(res.stdout).toMatch(/^Usage: gantry /);
      expect(res.stdout).toMatch(/Examples:|--server/);
    }
    const promote = await runCli(['promote', '--help']);
    expect(promote.stdout).toContain('--dry-run');
    expect(promote.stdout).toContain(
      '$ gantry promote --pipeline main --stage 0 --dry-run',
    );
    const bad = await runCli(['promote', '--pipeline', 'main', '--stage', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--stage must be a whole number/);
  });
});
