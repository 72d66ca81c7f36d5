import gantryModuleN8nAdapter from '@internal/plugin-gantry-backend-module-n8n';
import {
  scheduleWorkflow,
  startN8n,
  StartedN8n,
} from '@internal/plugin-gantry-backend-module-n8n/testUtils';
import { testDatabases } from '../engine/__testUtils__/testEngine';
import { apiAs, startGantryBackend } from '../__testUtils__/gantryTestBackend';

jest.setTimeout(600_000);
const databases = testDatabases();

/** n8n's public API, called the way a user or a script would, outside Gantry. */
function n8nApi(n8n: StartedN8n) {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${n8n.baseUrl}/api/v1${path}`, {
      method,
      headers: {
        'x-n8n-api-key': n8n.apiKey,
        'content-type': 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  return {
    call,
    async byName(name: string): Promise<any | undefined> {
      let cursor: string | undefined;
      do {
        const page = await call(
          'GET',
          `/workflows?limit=250${cursor ? `&cursor=${cursor}` : ''}`,
        );
        const found = page.data.find((w: any) => w.name === name);
        if (found) return found;
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return undefined;
    },
  };
}

/**
 * Acceptance of issue 9 against real n8n instances (two n8n processes from
 * the npm registry on loopback ports, started by the test harness).
 */
describe.each(databases.eachSupportedId())(
  'n8n environments on %s',
  databaseId => {
    let server: any;
    let staging: StartedN8n;
    let production: StartedN8n;
    const api = (user: string) => apiAs(() => server, user);
    const ada = api('ada');
    const finished = async (jobId: string) => {
      for (let i = 0; i < 1200; i++) {
        const { body } = await ada.get(`/sync-jobs/${jobId}`);
        if (body.job.finishedAt) return body;
        await new Promise(r => setTimeout(r, 50));
      }
      throw new Error(`sync ${jobId} did not finish`);
    };

    beforeAll(async () => {
      [staging, production] = await Promise.all([startN8n(), startN8n()]);
      const knex = await databases.init(databaseId);
      ({ server } = await startGantryBackend(knex, {}, [
        gantryModuleN8nAdapter,
      ]));
      for (const [name, cls, n8n] of [
        ['n8n-staging', 'staging', staging],
        ['n8n-prod', 'production', production],
      ] as const) {
        const res = await ada.post('/environments', {
          name,
          class: cls,
          adapter: 'n8n',
          settings: { baseUrl: n8n.baseUrl },
          secrets: { apiKey: n8n.apiKey },
        });
        if (res.status !== 201) throw new Error(res.text);
      }
    });

    afterAll(async () => {
      await Promise.all([staging?.stop(), production?.stop()]);
    });

    it('syncs 100 workflows in under 30 s, detects a change made in n8n as drift with an incident, and reverts it in n8n', async () => {
      const n8n = n8nApi(staging);
      for (let i = 0; i < 100; i++) {
        const name = `flow-${String(i).padStart(3, '0')}`;
        await n8n.call(
          'POST',
          '/workflows',
          JSON.parse(scheduleWorkflow(name)),
        );
      }

      const started = Date.now();
      const sync = await ada.post('/environments/n8n-staging/sync', {});
      expect(sync.status).toBe(202);
      const { job, logs } = await finished(sync.body.id);
      const seconds = (Date.now() - started) / 1000;
      // the figure docs/performance.md records
      console.log(
        `n8n sync of 100 workflows (full scope): ${seconds.toFixed(2)} s`,
      );
      expect(job).toMatchObject({
        status: 'succeeded',
        adopted: 100,
        counts: { workflows: 100 },
      });
      expect(seconds).toBeLessThan(30);
      expect(logs.length).toBeGreaterThan(2);
      expect(
        (await ada.get('/environments/n8n-staging/drift/checks')).body.items[0],
      ).toMatchObject({
        trigger: 'sync',
        status: 'clean',
        checkedWorkflows: 100,
      });

      // someone edits flow-042 in n8n's own editor (here: its public API)
      const edited = await n8n.byName('flow-042');
      const full = await n8n.call('GET', `/workflows/${edited.id}`);
      full.nodes[1].parameters.assignments.assignments[0].value = 'hotfixed';
      await n8n.call('PUT', `/workflows/${edited.id}`, {
        name: full.name,
        nodes: full.nodes,
        connections: full.connections,
        settings: full.settings,
      });

      const check = (await ada.post('/environments/n8n-staging/drift/check'))
        .body;
      expect(check.status).toBe('drift');
      expect(check.drifted).toHaveLength(1);
      expect(check.drifted[0]).toMatchObject({
        name: 'flow-042',
        kind: 'modified',
      });
      expect(check.drifted[0].changes).toEqual([
        expect.objectContaining({
          kind: 'changed',
          path: expect.stringMatching(/\/value$/),
          expected: 'hello',
          live: 'hotfixed',
        }),
      ]);
      expect(check.drifted[0].patch).toMatch(/^-\s+"value": "hello",?$/m);
      expect(check.drifted[0].patch).toMatch(/^\+\s+"value": "hotfixed",?$/m);
      const incident = (await ada.get(`/drift/incidents/${check.incidentId}`))
        .body;
      expect(incident).toMatchObject({
        state: 'DETECTED',
        severity: 'medium',
        affectedWorkflows: ['flow-042'],
      });

      await ada.post(`/drift/incidents/${incident.id}/acknowledge`);
      const reconciled = await ada.post(
        `/drift/incidents/${incident.id}/reconcile`,
        { resolution: 'revert' },
      );
      expect(reconciled.body.incident).toMatchObject({
        state: 'RECONCILED',
        resolution: 'revert',
      });
      const restored = await n8n.call('GET', `/workflows/${edited.id}`);
      expect(
        restored.nodes[1].parameters.assignments.assignments[0].value,
      ).toBe('hello');
      expect(
        (await ada.post('/environments/n8n-staging/drift/check')).body.status,
      ).toBe('clean');
    });

    it('blocks a promotion to another n8n whose credentials lack one the workflow uses (credentialsExistInTarget)', async () => {
      const credential = { type: 'httpHeaderAuth', name: 'Billing API' };
      await staging.createCredential(credential.name, credential.type, {
        name: 'Authorization',
        value: 'Bearer staging-only-secret',
      });
      await n8nApi(staging).call(
        'POST',
        '/workflows',
        JSON.parse(scheduleWorkflow('billing-call', { credential })),
      );
      const sync = await ada.post('/environments/n8n-staging/sync', {
        scopes: ['workflows', 'credentials'],
      });
      await finished(sync.body.id);
      const inventory = (await ada.get('/environments/n8n-staging/inventory'))
        .body;
      expect(inventory.credentials).toEqual([
        expect.objectContaining({
          name: 'Billing API',
          type: 'httpHeaderAuth',
          usedBy: ['billing-call'],
        }),
      ]);
      expect(JSON.stringify(inventory)).not.toContain('staging-only-secret');

      await ada.put('/pipelines/n8n-release', {
        stages: [
          {
            source: 'n8n-staging',
            target: 'n8n-prod',
            gates: { credentialsExistInTarget: true },
          },
        ],
      });
      const blocked = await ada.post('/promotions', {
        pipeline: 'n8n-release',
        stage: 0,
        workflows: ['billing-call'],
      });
      expect(blocked.body.status).toBe('FAILED');
      expect(blocked.body.gates).toEqual(
        expect.arrayContaining([
          {
            gate: 'credentialsExistInTarget',
            passed: false,
            reason: 'Billing API is not a credential of n8n-prod',
          },
        ]),
      );
      expect(await n8nApi(production).byName('billing-call')).toBeUndefined();

      // with the credential there, the same promotion lands in production's n8n
      await production.createCredential(credential.name, credential.type, {
        name: 'Authorization',
        value: 'Bearer production-secret',
      });
      const promoted = await ada.post('/promotions', {
        pipeline: 'n8n-release',
        stage: 0,
        workflows: ['billing-call'],
      });
      expect(promoted.body.status).toBe('COMPLETED');
      const landed = await n8nApi(production).byName('billing-call');
      expect(landed).toBeDefined();
      const call = landed.nodes.find((n: any) => n.name === 'Call');
      expect(call.credentials.httpHeaderAuth.name).toBe('Billing API');
    });
  },
);
