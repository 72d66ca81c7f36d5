import request from 'supertest';
import { testDatabases } from '../engine/__testUtils__/testEngine';
import {
  as,
  startGantryBackend,
  waitFor,
} from '../__testUtils__/gantryTestBackend';

jest.setTimeout(120_000);
const databases = testDatabases();

const v1 = `name: billing-sync
description: Syncs invoices
steps:
  - id: sync
    type: http
    config:
      url: https://billing.acme.example/sync
`;
const describedAgain = v1.replace('Syncs invoices', 'Syncs invoices nightly');
const newCommand = describedAgain.replace('/sync', '/sync?all=true');
const shelly = `name: b-shelly
steps:
  - id: run
    type: shell
    command: echo hi
`;

describe.each(databases.eachSupportedId())('promotions on %s', databaseId => {
  let server: any;
  let knex: any;
  const api = (user: string) => ({
    get: (path: string) =>
      request(server).get(`/api/gantry${path}`).set('authorization', as(user)),
    post: (path: string, body?: object) =>
      request(server)
        .post(`/api/gantry${path}`)
        .set('authorization', as(user))
        .send(body ?? {}),
    put: (path: string, body: object) =>
      request(server)
        .put(`/api/gantry${path}`)
        .set('authorization', as(user))
        .send(body),
  });
  const ada = api('ada');

  beforeAll(async () => {
    knex = await databases.init(databaseId);
    ({ server } = await startGantryBackend(knex, {
      // production runs no shell steps: a real reason for an apply to fail
      policy: { profile: 'standard', profiles: { production: 'restricted' } },
    }));
    for (const [name, cls, secrets] of [
      ['dev', 'dev', { db_password: 'dev-secret-123' }],
      ['staging', 'staging', { db_password: 'stg-secret-123' }],
      ['production', 'production', {}],
    ] as const) {
      const res = await ada.post('/environments', {
        name,
        class: cls,
        secrets,
      });
      if (res.status !== 201) throw new Error(res.text);
    }
  });

  it('keeps environment secrets out of every answer', async () => {
    for (const path of ['/environments', '/environments/dev']) {
      const res = await ada.get(path);
      expect(res.status).toBe(200);
      expect(res.text).not.toMatch(/secret-123/);
    }
    expect((await ada.get('/environments/dev')).body.secretNames).toEqual([
      'db_password',
    ]);
    // and they are encrypted at rest
    const row = await knex('environments').where({ name: 'dev' }).first();
    expect(row.secrets).toMatch(/^v1:/);
    expect(row.secrets).not.toMatch(/secret-123/);
  });

  const promote = (
    user: string,
    pipeline: string,
    stage: number,
    extra: object = {},
  ) => api(user).post('/promotions', { pipeline, stage, ...extra });
  const hashIn = async (env: string, name: string) =>
    (await ada.get(`/environments/${env}/workflows`)).body.items.find(
      (w: any) => w.name === name,
    )?.hash;

  it('promotes dev → staging → production, production only after another group approves', async () => {
    expect(
      (
        await ada.put('/environments/dev/workflows/billing-sync', {
          definition: v1,
        })
      ).status,
    ).toBe(200);
    const pipeline = await ada.put('/pipelines/main', {
      stages: [
        {
          source: 'dev',
          target: 'staging',
          gates: {
            runPreFlightValidation: true,
            targetEnvironmentHealthy: true,
          },
        },
        {
          source: 'staging',
          target: 'production',
          gates: { runPreFlightValidation: true },
          approval: { approvers: ['group:default/checkout-team'] },
        },
      ],
    });
    expect(pipeline.status).toBe(201);

    // first time in staging: ADDED, a shell step makes it high risk
    const first = await promote('carl', 'main', 0);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: 'COMPLETED', risk: 'high' });
    expect(first.body.diff).toEqual([
      expect.objectContaining({
        name: 'billing-sync',
        status: 'ADDED',
        risk: 'high',
      }),
    ]);
    expect(first.body.gates.every((g: any) => g.passed)).toBe(true);
    expect(await hashIn('staging', 'billing-sync')).toBe(
      await hashIn('dev', 'billing-sync'),
    );

    // a description change is low risk, and the diff shows it
    await ada.put('/environments/dev/workflows/billing-sync', {
      definition: describedAgain,
    });
    const preview = await ada.post('/promotions/preview', {
      pipeline: 'main',
      stage: 0,
    });
    expect(preview.body.diff).toEqual([
      expect.objectContaining({
        status: 'MODIFIED',
        risk: 'low',
        findings: [
          { risk: 'low', what: 'name, description or version changed' },
        ],
      }),
    ]);
    expect(preview.body.diff[0].patch).toMatch(
      /-description: Syncs invoices\n\+description: Syncs invoices nightly/,
    );
    expect((await promote('carl', 'main', 0)).body.status).toBe('COMPLETED');

    // staging → production waits for checkout-team
    const before = await hashIn('production', 'billing-sync');
    expect(before).toBeUndefined();
    const waiting = await promote('carl', 'main', 1);
    expect(waiting.body).toMatchObject({
      status: 'PENDING_APPROVAL',
      approvalId: expect.any(String),
    });
    expect(await hashIn('production', 'billing-sync')).toBeUndefined();
    const inbox = (await api('priya').get('/approvals/inbox')).body.items;
    const request_ = inbox.find((a: any) => a.id === waiting.body.approvalId);
    expect(request_).toMatchObject({
      subject: { kind: 'promotion', id: waiting.body.id },
      message: expect.stringMatching(
        /Promote billing-sync from staging to production \(high risk\)/,
      ),
    });
    // not even a platform admin outside checkout-team may approve this stage
    const outsider = await ada.post(`/approvals/${request_.id}/decision`, {
      decision: 'approve',
    });
    expect(outsider.status).toBe(403);
    expect(outsider.body.error.message).toMatch(
      /only group:default\/checkout-team may decide/,
    );
    const approved = await api('priya').post(
      `/approvals/${request_.id}/decision`,
      { decision: 'approve', comment: 'go' },
    );
    expect(approved.status).toBe(200);
    const done = await waitFor(
      server,
      `/promotions/${waiting.body.id}`,
      'ada',
      p => ['COMPLETED', 'FAILED'].includes(p.status),
    );
    expect(done.error).toBeUndefined();
    expect(done.status).toBe('COMPLETED');
    expect(await hashIn('production', 'billing-sync')).toBe(
      await hashIn('staging', 'billing-sync'),
    );
    expect(done.preSnapshotId).toBeDefined();
    expect(done.postSnapshotId).toBeDefined();
  });

  it('restores the pre-promotion snapshot when an apply fails, to the same content hash', async () => {
    // ok-first is fine anywhere; shelly cannot run in restricted production
    await ada.put('/environments/staging/workflows/a-ok', {
      definition: 'name: a-ok\nsteps:\n  - id: ask\n    type: approval\n',
    });
    await ada.put('/environments/staging/workflows/b-shelly', {
      definition: shelly,
    });
    await ada.put('/pipelines/unguarded', {
      stages: [{ source: 'staging', target: 'production' }],
    });
    const snapshotBefore = (
      await ada.post('/environments/production/snapshots', { note: 'test' })
    ).body;
    const failed = await promote('carl', 'unguarded', 0, {
      workflows: ['a-ok', 'b-shelly'],
    });
    expect(failed.body.status).toBe('FAILED');
    expect(failed.body.error).toMatch(
      /b-shelly cannot run in production \(restricted\).*restored to its pre-promotion snapshot/,
    );
    expect(failed.body.results).toEqual([
      { name: 'a-ok', status: 'applied' },
      expect.objectContaining({ name: 'b-shelly', status: 'failed' }),
    ]);
    // a-ok was applied, then taken back: production is exactly as before
    expect(await hashIn('production', 'a-ok')).toBeUndefined();
    const pre = (await ada.get(`/snapshots/${failed.body.preSnapshotId}`)).body;
    expect(pre.contentHash).toBe(snapshotBefore.contentHash);
    const now = (await ada.post('/environments/production/snapshots', {})).body;
    expect(now.contentHash).toBe(snapshotBefore.contentHash);
  });

  it('blocks on a failing gate with its reason, and forces over a hotfix only when the pipeline allows it', async () => {
    // dev's workflow needs a credential production does not have
    await ada.put('/environments/dev/workflows/needs-secret', {
      definition:
        'name: needs-secret\nsteps:\n  - id: call\n    type: http\n    config:\n      url: https://api.acme.example\n      headers:\n        Authorization: "Bearer ${secrets.db_password}"\n',
    });
    await ada.put('/pipelines/to-prod', {
      stages: [
        {
          source: 'dev',
          target: 'production',
          gates: { credentialsExistInTarget: true },
        },
      ],
    });
    const blocked = await promote('carl', 'to-prod', 0, {
      workflows: ['needs-secret'],
    });
    expect(blocked.body.status).toBe('FAILED');
    expect(blocked.body.gates).toContainEqual({
      gate: 'credentialsExistInTarget',
      passed: false,
      reason: 'db_password is not a credential of production',
    });
    expect(await hashIn('production', 'needs-secret')).toBeUndefined();

    // a hotfix made directly in staging conflicts with dev's version
    await ada.put('/environments/staging/workflows/billing-sync', {
      definition: newCommand.replace('all=true', 'hotfix=true'),
    });
    await ada.put('/environments/dev/workflows/billing-sync', {
      definition: newCommand,
    });
    const conflict = await promote('carl', 'main', 0, {
      workflows: ['billing-sync'],
    });
    expect(conflict.body.diff[0]).toMatchObject({
      status: 'TARGET_HOTFIX',
      risk: 'high',
    });
    expect(conflict.body.status).toBe('FAILED');
    expect(conflict.body.error).toMatch(
      /billing-sync changed directly in staging \(TARGET_HOTFIX\)/,
    );
    const forcedWithoutFlag = await promote('carl', 'main', 0, {
      workflows: ['billing-sync'],
      force: true,
    });
    expect(forcedWithoutFlag.body.status).toBe('FAILED');
    expect(forcedWithoutFlag.body.error).toMatch(
      /force needs the pipeline flag allowForcePromotionOnConflicts/,
    );

    const main = (await ada.get('/pipelines/main')).body;
    await ada.put('/pipelines/main', {
      stages: main.stages,
      flags: { allowForcePromotionOnConflicts: true },
    });
    const forced = await promote('carl', 'main', 0, {
      workflows: ['billing-sync'],
      force: true,
    });
    expect(forced.body.status).toBe('COMPLETED');
    expect(await hashIn('staging', 'billing-sync')).toBe(
      await hashIn('dev', 'billing-sync'),
    );
  });

  it('accepts only git URLs for backups', async () => {
    const res = await ada.post('/environments', {
      name: 'sneaky',
      class: 'dev',
      gitUrl: 'ext::sh -c touch% /tmp/pwned',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/gitUrl: a git URL/);
  });

  it('refuses direct edits in production and says why', async () => {
    const res = await ada.put(
      '/environments/production/workflows/billing-sync',
      { definition: v1 },
    );
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(
      /direct edits are blocked in production/,
    );
  });

  it('asks for approval before deactivating a workflow in production, not elsewhere', async () => {
    const staging = await ada.post(
      '/environments/staging/workflows/billing-sync/deactivate',
    );
    expect(staging.status).toBe(200);
    expect(
      staging.body.workflows.find((w: any) => w.name === 'billing-sync').active,
    ).toBe(false);

    const asked = await ada.post(
      '/environments/production/workflows/billing-sync/deactivate',
    );
    expect(asked.status).toBe(202);
    expect(asked.body.approval).toMatchObject({
      subject: { kind: 'environment_action' },
      message: 'Deactivate billing-sync in production environment production?',
      approvers: [],
    });
    const active = async () =>
      (await ada.get('/environments/production/workflows')).body.items.find(
        (w: any) => w.name === 'billing-sync',
      ).active;
    expect(await active()).toBe(true);
    // the requester may not approve; another platform admin may
    expect(
      (
        await ada.post(`/approvals/${asked.body.approval.id}/decision`, {
          decision: 'approve',
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await api('guest').post(
          `/approvals/${asked.body.approval.id}/decision`,
          { decision: 'approve' },
        )
      ).status,
    ).toBe(200);
    expect(await active()).toBe(false);
  });

  it('compares two snapshots workflow by workflow', async () => {
    const promotion = (await ada.get('/promotions?limit=50')).body.items.find(
      (p: any) =>
        p.status === 'COMPLETED' &&
        p.postSnapshotId &&
        p.workflows.includes('billing-sync'),
    );
    const compared = await ada.get(
      `/snapshots/${promotion.preSnapshotId}/compare/${promotion.postSnapshotId}`,
    );
    expect(compared.status).toBe(200);
    expect(
      compared.body.diff.find((d: any) => d.name === 'billing-sync'),
    ).toMatchObject({
      status: expect.stringMatching(/ADDED|MODIFIED/),
    });
  });
});
