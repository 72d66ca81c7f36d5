import { mockCredentials } from '@backstage/backend-test-utils';
import { directoryAdapterModule } from '@internal/plugin-gantry-backend/testUtils';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from './__testUtils__/runCli';
import { startGantryServer } from './__testUtils__/gantryServer';

jest.setTimeout(60_000);

const flow = 'name: flow\nsteps:\n  - id: ask\n    type: approval\n';

describe('gantry sync and gantry drift', () => {
  let url: string;
  let stop: () => Promise<void>;
  const platform = mkdtempSync(path.join(os.tmpdir(), 'gantry-platform-'));
  const gantry = (...args: string[]) => runCli([...args, '--server', url]);

  beforeAll(async () => {
    ({ url, stop } = await startGantryServer({
      features: [directoryAdapterModule],
    }));
    writeFileSync(path.join(platform, 'flow.yaml'), flow);
    const res = await fetch(`${url}/api/gantry/environments`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${mockCredentials.user.token()}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        name: 'prod',
        class: 'production',
        adapter: 'directory',
        settings: { dir: platform },
      }),
    });
    if (res.status !== 201) throw new Error(await res.text());
  });
  afterAll(() => stop());

  it('syncs an environment with progress, then finds and resolves drift', async () => {
    const sync = await gantry('sync', 'prod', '--scope', 'workflows');
    expect(sync.code).toBe(0);
    expect(sync.stdout).toMatch(/^sync sync_\w+ started \(workflows\)$/m);
    expect(sync.stdout).toContain(
      '1 workflow(s) read; 1 recorded for the first time',
    );
    expect(sync.stdout).toContain(
      'synced: 1 workflows; 1 workflow(s) recorded for the first time',
    );

    const clean = await gantry('drift', 'check', 'prod', '--fail-on-drift');
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('prod: clean (1 workflow(s) checked)');

    writeFileSync(
      path.join(platform, 'flow.yaml'),
      flow.replace('id: ask', 'id: ask-twice'),
    );
    const drifted = await gantry(
      'drift',
      'check',
      'prod',
      '--fail-on-drift',
      '--patch',
    );
    expect(drifted.code).toBe(1);
    expect(drifted.stdout).toContain('prod: drift (1 workflow(s) checked)');
    expect(drifted.stdout).toContain('✘ flow (modified)');
    expect(drifted.stdout).toContain('/steps/0/id: "ask" → "ask-twice"');
    expect(drifted.stdout).toMatch(/^-\s+"id": "ask",$/m);
    const id = drifted.stdout.match(/incident (inc_\w+)/)![1];

    const list = await gantry('drift', 'incidents', '--state', 'open');
    expect(list.stdout).toMatch(
      /^ID\s+STATE\s+SEVERITY\s+ENVIRONMENT\s+EXPIRES\s+WORKFLOWS$/m,
    );
    expect(list.stdout).toMatch(
      new RegExp(
        `^${id}\\s+DETECTED\\s+high\\s+prod\\s+in 4[78](\\.\\d)? h\\s+flow$`,
        'm',
      ),
    );

    const early = await gantry('drift', 'act', id, 'close');
    expect(early.code).toBe(1);
    expect(early.stderr).toContain('close needs the incident in RECONCILED');

    expect(
      (await gantry('drift', 'act', id, 'acknowledge', '--ticket', 'OPS-7'))
        .stdout,
    ).toContain(`incident ${id} is ACKNOWLEDGED`);
    const reconciled = await gantry(
      'drift',
      'act',
      id,
      'reconcile',
      '--resolution',
      'revert',
    );
    expect(reconciled.stdout).toContain(
      `incident ${id} is RECONCILED: reverted flow to the recorded versions`,
    );
    expect(readFileSync(path.join(platform, 'flow.yaml'), 'utf8')).toBe(flow);

    const shown = await gantry('drift', 'incident', id);
    expect(shown.stdout).toContain('ticket OPS-7');
    expect(shown.stdout).toMatch(/acknowledge\s+DETECTED → ACKNOWLEDGED/);
    expect(shown.stdout).toMatch(/reconcile\s+ACKNOWLEDGED → RECONCILED/);
  });

  it('refuses unknown actions and resolutions before calling the server, and has help', async () => {
    const bad = await gantry('drift', 'act', 'inc_x', 'sideways');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      'action must be one of acknowledge, stabilize',
    );
    const resolution = await gantry(
      'drift',
      'act',
      'inc_x',
      'reconcile',
      '--resolution',
      'ignore',
    );
    expect(resolution.code).toBe(2);
    expect(resolution.stderr).toContain('resolution must be one of promote');
    for (const args of [
      ['drift', '--help'],
      ['drift', 'check', '--help'],
      ['drift', 'act', '--help'],
      ['sync', '--help'],
    ]) {
      const help = await runCli(args);
      expect({ args, code: help.code }).toEqual({ args, code: 0 });
      expect(help.stdout).toContain('Usage: gantry');
    }
  });
});
