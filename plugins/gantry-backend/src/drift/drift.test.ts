import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testDatabases } from '../engine/__testUtils__/testEngine';
import { apiAs, startGantryBackend } from '../__testUtils__/gantryTestBackend';
import { gitRepo } from '../__testUtils__/gitRepo';
import { directoryAdapterModule } from './__testUtils__/directoryAdapter';

jest.setTimeout(120_000);
const databases = testDatabases();

const billing = `name: billing-sync
steps:
  - id: sync
    type: http
    config:
      url: https://billing.acme.example/sync
      timeout: 30
`;
const cleanup = `name: cleanup
steps:
  - id: tidy
    type: approval
`;

describe.each(databases.eachSupportedId())(
  'drift and incidents on %s',
  databaseId => {
    let server: any;
    let knex: any;
    let scheduler: any;
    let platform: string;
    let staging: string;
    const api = (user: string) => apiAs(() => server, user);
    const ada = api('ada');
    const file = (name: string) => path.join(platform, `${name}.yaml`);

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      ({ server, scheduler } = await startGantryBackend(knex, {}, [
        directoryAdapterModule,
      ]));
      platform = mkdtempSync(path.join(os.tmpdir(), 'gantry-platform-'));
      staging = mkdtempSync(path.join(os.tmpdir(), 'gantry-platform-'));
      writeFileSync(file('billing-sync'), billing);
      writeFileSync(file('cleanup'), cleanup);
      for (const [name, cls, dir] of [
        ['prod', 'production', platform],
        ['stage', 'staging', staging],
      ]) {
        const res = await ada.post('/environments', {
          name,
          class: cls,
          adapter: 'directory',
          settings: { dir },
        });
        if (res.status !== 201) throw new Error(res.text);
      }
    });

    it('adopts what a sync finds, then detects a change made on the platform as drift with a readable diff and an incident', async () => {
      const started = await ada.post('/environments/prod/sync', {
        scopes: ['workflows'],
      });
      expect(started.status).toBe(202);
      let job: any;
      for (let i = 0; i < 200; i++) {
        job = (await ada.get(`/sync-jobs/${started.body.id}`)).body;
        if (job.job.finishedAt) break;
        await new Promise(r => setTimeout(r, 25));
      }
      expect(job.job).toMatchObject({
        status: 'succeeded',
        adopted: 2,
        counts: { workflows: 2 },
      });
      expect(job.logs.map((l: any) => l.message)).toContain(
        '2 workflow(s) read; 2 recorded for the first time',
      );
      const recorded = (await ada.get('/environments/prod/workflows')).body;
      expect(recorded.items ?? recorded).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: 'billing-sync', source: 'sync' }),
        ]),
      );

      // a clean check first: nothing changed
      const clean = await ada.post('/environments/prod/drift/check');
      expect(clean.body).toMatchObject({
        status: 'clean',
        checkedWorkflows: 2,
      });

      // someone edits the production platform directly
      writeFileSync(
        file('billing-sync'),
        billing.replace('timeout: 30', 'timeout: 300'),
      );
      const check = await ada.post('/environments/prod/drift/check');
      expect(check.status).toBe(200);
      expect(check.body.status).toBe('drift');
      expect(check.body.drifted).toEqual([
        expect.objectContaining({
          name: 'billing-sync',
          kind: 'modified',
          changes: [
            {
              path: '/steps/0/config/timeout',
              kind: 'changed',
              expected: 30,
              live: 300,
            },
          ],
        }),
      ]);
      expect(check.body.drifted[0].patch).toMatch(/^-\s+"timeout": 30,$/m);
      expect(check.body.drifted[0].patch).toMatch(/^\+\s+"timeout": 300,$/m);

      const incident = (
        await ada.get(`/drift/incidents/${check.body.incidentId}`)
      ).body;
      expect(incident).toMatchObject({
        state: 'DETECTED',
        severity: 'high',
        environmentName: 'prod',
        affectedWorkflows: ['billing-sync'],
        expired: false,
      });
      // production incidents are high severity: the default TTL is 48 hours
      const ttl =
        Date.parse(incident.expiresAt) - Date.parse(incident.detectedAt);
      expect(Math.round(ttl / 3_600_000)).toBe(48);

      // hooks and notification rules see it as platform events, with the
      // fields the event catalogue names
      let events: any[] = [];
      for (let i = 0; i < 100 && events.length < 2; i++) {
        events = await knex('platform_events')
          .whereIn('type', ['drift.detected', 'drift.incident.created'])
          .orderBy('type');
        await new Promise(r => setTimeout(r, 20));
      }
      expect(
        events.map((e: any) => ({
          type: e.type,
          tenant: e.tenant,
          payload: JSON.parse(e.payload),
        })),
      ).toEqual([
        {
          type: 'drift.detected',
          tenant: 'group:default/acme',
          payload: expect.objectContaining({
            environment: 'prod',
            workflows: ['billing-sync'],
          }),
        },
        {
          type: 'drift.incident.created',
          tenant: 'group:default/acme',
          payload: expect.objectContaining({
            environment: 'prod',
            severity: 'high',
            incidentId: check.body.incidentId,
          }),
        },
      ]);

      // the history keeps every check, the sync's own included
      const history = (await ada.get('/environments/prod/drift/checks')).body;
      expect(history.items.map((c: any) => `${c.trigger}:${c.status}`)).toEqual(
        ['manual:drift', 'manual:clean', 'sync:clean'],
      );
    });

    it('moves an incident only along its lifecycle, and a revert restores the platform', async () => {
      const [incident] = (await ada.get('/drift/incidents?state=open')).body
        .items;
      const act = (action: string, body?: object) =>
        ada.post(`/drift/incidents/${incident.id}/${action}`, body);

      const early = await act('close');
      expect(early.status).toBe(409);
      expect(early.body.error.message).toContain(
        'close needs the incident in RECONCILED',
      );
      expect((await act('reconcile', { resolution: 'revert' })).status).toBe(
        409,
      );
      const acknowledged = await act('acknowledge', { ticketRef: 'OPS-42' });
      expect(acknowledged.body.incident).toMatchObject({
        state: 'ACKNOWLEDGED',
        owner: 'user:default/ada',
        ticketRef: 'OPS-42',
      });
      const noResolution = await act('reconcile');
      expect(noResolution.status).toBe(400);
      expect(noResolution.body.error.message).toContain('needs a resolution');
      expect((await act('reconcile', { resolution: 'sideways' })).status).toBe(
        400,
      );

      const reconciled = await act('reconcile', { resolution: 'revert' });
      expect(reconciled.status).toBe(200);
      expect(reconciled.body.incident).toMatchObject({
        state: 'RECONCILED',
        resolution: 'revert',
      });
      expect(readFileSync(file('billing-sync'), 'utf8')).toBe(billing);
      expect(
        (await ada.post('/environments/prod/drift/check')).body.status,
      ).toBe('clean');

      const closed = await act('close');
      expect(closed.body.incident.state).toBe('CLOSED');
      expect(closed.body.incident.history.map((h: any) => h.to)).toEqual([
        'DETECTED',
        'ACKNOWLEDGED',
        'RECONCILED',
        'CLOSED',
      ]);
      const final = await act('acknowledge');
      expect(final.status).toBe(409);
      expect(final.body.error.message).toContain('a closed incident is final');

      const audit = await knex('audit_events')
        .where('action', 'like', 'drift.incident.%')
        .orderBy('id');
      expect(audit.map((a: any) => a.action)).toEqual([
        'drift.incident.acknowledge',
        'drift.incident.reconcile',
        'drift.incident.close',
      ]);
    });

    it('blocks promotions into an environment whose incident passed its TTL, until the TTL is extended', async () => {
      await ada.put('/drift/policy', {
        blockPromotionsOnExpiredIncidents: true,
        ttlHours: { high: 2 },
        slaWarningHours: 1,
      });
      await ada.put('/environments/stage/workflows/cleanup', {
        definition: cleanup.replace('tidy', 'tidy-up'),
      });
      expect(
        (
          await ada.put('/pipelines/release', {
            stages: [{ source: 'stage', target: 'prod' }],
          })
        ).status,
      ).toBe(201);

      // a deleted workflow is drift too
      require('node:fs').rmSync(file('cleanup'));
      const check = (await ada.post('/environments/prod/drift/check')).body;
      expect(check.drifted).toEqual([
        expect.objectContaining({ name: 'cleanup', kind: 'missing' }),
      ]);
      const id = check.incidentId;
      const before = (
        await ada.post('/promotions/preview', {
          pipeline: 'release',
          stage: 0,
        })
      ).body;
      expect(before.blocked).toBe(false);

      // two hours pass: the incident is due (the clock moves in the database)
      await knex('drift_incidents')
        .where({ id })
        .update({ expires_at: new Date(Date.now() - 60_000) });
      await scheduler.triggerTask('gantry-drift-expiry');
      const expired = (await ada.get(`/drift/incidents/${id}`)).body;
      expect(expired).toMatchObject({ expired: true, state: 'DETECTED' });
      expect(expired.history.map((h: any) => h.action)).toEqual([
        'detect',
        'expire',
      ]);

      const blocked = await ada.post('/promotions', {
        pipeline: 'release',
        stage: 0,
      });
      expect(blocked.body.status).toBe('FAILED');
      expect(blocked.body.gates).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            gate: 'driftPolicy',
            passed: false,
            reason: expect.stringContaining(
              `drift incident ${id} in prod is past its TTL`,
            ),
          }),
        ]),
      );
      expect(existsSync(file('cleanup'))).toBe(false);

      const extended = await ada.post(`/drift/incidents/${id}/extend_ttl`, {
        hours: 24,
      });
      expect(extended.body.incident.expired).toBe(false);
      const after = (
        await ada.post('/promotions/preview', {
          pipeline: 'release',
          stage: 0,
        })
      ).body;
      expect(after.blocked).toBe(false);

      // the policy can block any unresolved drift, too
      await ada.put('/drift/policy', { blockPromotionsOnActiveDrift: true });
      const active = (
        await ada.post('/promotions/preview', {
          pipeline: 'release',
          stage: 0,
        })
      ).body;
      expect(active.gates).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            gate: 'driftPolicy',
            passed: false,
            reason: expect.stringContaining('is unresolved (DETECTED)'),
          }),
        ]),
      );
    });

    it('waits for an approval when the policy requires one, then reconciles', async () => {
      await ada.put('/drift/policy', {
        approvals: {
          actions: ['reconcile'],
          approvers: ['user:default/carl'],
          requiredApprovals: 1,
        },
      });
      const [incident] = (await ada.get('/drift/incidents?state=DETECTED')).body
        .items;
      await ada.post(`/drift/incidents/${incident.id}/acknowledge`);
      const asked = await ada.post(
        `/drift/incidents/${incident.id}/reconcile`,
        {
          resolution: 'revert',
        },
      );
      expect(asked.status).toBe(202);
      expect(asked.body.incident).toMatchObject({
        state: 'ACKNOWLEDGED',
        pendingApproval: { id: asked.body.approval.id, action: 'reconcile' },
      });
      expect(existsSync(file('cleanup'))).toBe(false);
      const decided = await api('carl').post(
        `/approvals/${asked.body.approval.id}/decision`,
        { decision: 'approve' },
      );
      expect(decided.status).toBe(200);
      let after: any;
      for (let i = 0; i < 100; i++) {
        after = (await ada.get(`/drift/incidents/${incident.id}`)).body;
        if (after.state === 'RECONCILED') break;
        await new Promise(r => setTimeout(r, 20));
      }
      expect(after).toMatchObject({
        state: 'RECONCILED',
        resolution: 'revert',
      });
      expect(after.history.at(-1).actor).toBe('user:default/carl');
      expect(readFileSync(file('cleanup'), 'utf8')).toBe(cleanup);
    });

    it('detects untracked workflows, shows the matrix, and onboards them into the canonical repository', async () => {
      const repo = gitRepo();
      repo.write('workflows/billing-sync.yaml', billing);
      repo.write(
        'workflows/cleanup.yaml',
        cleanup.replace('approval', 'approval\n    message: old'),
      );
      repo.write('workflows/reports.yaml', 'name: reports\nsteps: []\n');
      repo.commit('canonical workflows');
      const set = await ada.put('/canonical/source', {
        gitUrl: repo.dir,
        ref: 'main',
        path: 'workflows',
      });
      expect(set.status).toBe(200);
      expect(set.body.workflows.map((w: any) => w.name)).toEqual([
        'billing-sync',
        'cleanup',
        'reports',
      ]);
      // an untracked workflow appears on the platform and is synced in
      writeFileSync(
        file('nightly-export'),
        'name: nightly-export\nsteps: []\n',
      );
      const sync = await ada.post('/environments/prod/sync', {
        scopes: ['workflows'],
      });
      for (let i = 0; i < 200; i++) {
        const j = (await ada.get(`/sync-jobs/${sync.body.id}`)).body.job;
        if (j.finishedAt) break;
        await new Promise(r => setTimeout(r, 25));
      }

      const matrix = (await ada.get('/canonical/matrix')).body;
      const cell = (name: string, env: string) =>
        matrix.rows.find((r: any) => r.name === name)?.cells[env]?.status;
      expect({
        billingProd: cell('billing-sync', 'prod'),
        cleanupProd: cell('cleanup', 'prod'),
        reportsProd: cell('reports', 'prod'),
        exportProd: cell('nightly-export', 'prod'),
        cleanupStage: cell('cleanup', 'stage'),
      }).toEqual({
        billingProd: 'linked',
        cleanupProd: 'out_of_date',
        reportsProd: 'missing',
        exportProd: 'untracked',
        cleanupStage: 'out_of_date',
      });

      const untracked = (await ada.get('/canonical/untracked?environment=prod'))
        .body.items;
      expect(untracked.map((u: any) => u.name)).toEqual(['nightly-export']);

      // drift shows in the matrix
      writeFileSync(file('billing-sync'), billing.replace('30', '31'));
      await ada.post('/environments/prod/drift/check');
      expect(
        (await ada.get('/canonical/matrix')).body.rows.find(
          (r: any) => r.name === 'billing-sync',
        ).cells.prod.status,
      ).toBe('drift');
      writeFileSync(file('billing-sync'), billing);

      // onboarding: one by name, then the rest in bulk
      const bad = await ada.post('/environments/prod/onboard', {
        workflows: ['billing-sync'],
      });
      expect(bad.status).toBe(400);
      const one = await ada.post('/environments/prod/onboard', {
        workflows: ['nightly-export'],
      });
      expect(one.status).toBe(200);
      expect(one.body.onboarded).toEqual(['nightly-export']);
      expect(
        readFileSync(
          path.join(repo.dir, 'workflows/nightly-export.yaml'),
          'utf8',
        ),
      ).toBe('name: nightly-export\nsteps: []\n');
      expect(repo.git('log', '-1', '--format=%an %s').trim()).toBe(
        'user:default/ada Onboard 1 workflow(s) from prod: nightly-export',
      );
      const bulk = await ada.post('/environments/stage/onboard', {});
      expect(bulk.status).toBe(400); // cleanup is canonical already: nothing untracked
      expect(
        (await ada.get('/canonical/matrix')).body.rows.find(
          (r: any) => r.name === 'nightly-export',
        ).cells.prod.status,
      ).toBe('linked');
      expect((await ada.get('/canonical/untracked')).body.items).toEqual([]);
    });

    it('refuses bad input with reasons', async () => {
      const cases: Array<[Promise<any>, string]> = [
        [ada.put('/drift/policy', { ttlHours: { high: 0 } }), 'ttlHours.high'],
        [
          ada.put('/drift/policy', {
            ignoreDifferences: [{ jsonPointers: ['settings'] }],
          }),
          'a JSON pointer',
        ],
        [ada.get('/drift/incidents?state=LOST'), 'state'],
        [
          ada.put('/canonical/source', { gitUrl: 'ext::sh -c touch% /tmp/x' }),
          'a git URL',
        ],
        [
          ada.put('/canonical/source', {
            gitUrl: '/nowhere/at/all',
            path: '../..',
          }),
          'must be a folder inside the repository',
        ],
        [ada.post('/environments/prod/sync', { scopes: ['users'] }), 'scopes'],
      ];
      for (const [call, reason] of cases) {
        const res = await call;
        expect({ status: res.status, reason: res.body.error?.message }).toEqual(
          { status: 400, reason: expect.stringContaining(reason) },
        );
      }
    });
  },
);
