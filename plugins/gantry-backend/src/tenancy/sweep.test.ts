import request from 'supertest';
import { testDatabases } from '../engine/__testUtils__/testEngine';
import {
  as,
  gateWorkflow,
  startGantryBackend,
  startRun,
  TEST_CHECKOUT_SPEC,
  waitFor,
} from '../__testUtils__/gantryTestBackend';
import { gantryRoutes } from '../__testUtils__/routes';
import { gitRepo } from '../__testUtils__/gitRepo';
import {
  directoryAdapterModule,
  driftedEnvironment,
} from '../drift/__testUtils__/directoryAdapter';

jest.setTimeout(120_000);

/** What a response amounts to for the sweep: denied (403/404) or its status. */
function outcomeOf(status: number): string | number {
  return [403, 404].includes(status) ? 'denied' : status;
}

/** What a route that answers gives gina: 200, but the audit log is for admins. */
function expectedAnswer(key: string): string | number {
  return key === 'GET /audit' ? 'denied' : 200;
}
const databases = testDatabases();
const ACME = 'group:default/acme';

/**
 * Acceptance: a user of another tenant (gina of globex) calls every Gantry
 * route with acme's ids and gets nothing: each call is denied (403/404) and
 * no response names anything of acme's.
 */
describe.each(databases.eachSupportedId())(
  'tenant isolation on %s',
  databaseId => {
    let server: any;
    let knex: any;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      ({ server } = await startGantryBackend(knex, {}, [
        directoryAdapterModule,
      ]));
      // carl of acme's checkout-team: a waiting run, a failed run, a deployment
      const gated = await startRun(
        server,
        'carl',
        gateWorkflow(['group:default/checkout-team']),
      );
      await waitFor(
        server,
        `/runs/${gated.id}`,
        'carl',
        r => r.status === 'waiting_approval',
      );
      const failed = await startRun(
        server,
        'carl',
        'name: broken\nsteps:\n  - id: fail\n    type: shell\n    command: exit 3\n',
      );
      await waitFor(
        server,
        `/runs/${failed.id}`,
        'carl',
        r => r.status === 'failed',
      );
      const approvals = await waitFor(
        server,
        `/approvals?runId=${gated.id}`,
        'carl',
        p => p.items?.length === 1,
      );
      const deployment = await request(server)
        .post('/api/gantry/specs?profile=plan_only')
        .set('authorization', as('carl'))
        .set('content-type', 'application/yaml')
        .send(TEST_CHECKOUT_SPEC);
      if (deployment.status !== 202) throw new Error(deployment.text);
      await waitFor(
        server,
        `/deployments/${deployment.body.id}`,
        'carl',
        d => d.status === 'succeeded',
      );
      // ada (a platform admin) sets up acme's environments and a promotion
      const admin = (method: 'post' | 'put', path: string, body: object) =>
        (request(server) as any)
          [method](`/api/gantry${path}`)
          .set('authorization', as('ada'))
          .send(body);
      const dev = (
        await admin('post', '/environments', { name: 'dev', class: 'dev' })
      ).body;
      await admin('post', '/environments', {
        name: 'prod',
        class: 'production',
      });
      await admin('put', '/environments/dev/workflows/acme-flow', {
        definition:
          'name: acme-flow\nsteps:\n  - id: ask\n    type: approval\n',
      });
      await admin('put', '/pipelines/acme-line', {
        stages: [{ source: 'dev', target: 'prod' }],
      });
      const promotion = (
        await admin('post', '/promotions', { pipeline: 'acme-line', stage: 0 })
      ).body;
      if (promotion.status !== 'COMPLETED')
        throw new Error(JSON.stringify(promotion));
      // a risky hook of acme's, and its run waiting for approval
      const hook = (
        await admin('post', '/admin/workflows/create', {
          name: 'acme-export',
          trigger: { event: 'order.created' },
          actions: [{ type: 'export.orders' }],
        })
      ).body;
      await request(server)
        .post('/api/gantry/events')
        .set('authorization', as('carl'))
        .send({ type: 'order.created', payload: { id: 'acme-order' } });
      const hookRuns = await waitFor(
        server,
        '/admin/workflow-runs',
        'carl',
        p => p.items?.[0]?.status === 'pending_approval',
      );
      // drift, a canonical repository and a sync of acme's
      const drifted = await driftedEnvironment(server, as('ada'), 'acme-stg');
      const repo = gitRepo();
      repo.write('workflows/acme-flow.yaml', 'name: acme-flow\nsteps: []\n');
      repo.commit('canonical');
      await admin('put', '/canonical/source', {
        gitUrl: repo.dir,
        ref: 'main',
        path: 'workflows',
      });
      const syncJob = (
        await admin('post', '/environments/acme-stg/sync', {
          scopes: ['workflows'],
        })
      ).body;
      // acme's notification channel and rule
      const channel = (
        await admin('post', '/notifications/channels', {
          type: 'email',
          name: 'acme-mail',
          config: { to: ['ops@acme.example'] },
          secrets: {},
        })
      ).body;
      const rule = (
        await admin('post', '/notifications/rules', {
          name: 'acme-failures',
          eventType: 'run.failed',
          channelIds: [channel.id],
        })
      ).body;
      Object.assign(ids, {
        notificationChannel: channel.id,
        notificationRule: rule.id,
        incident: drifted.incidentId,
        check: drifted.check.id,
        syncJob: syncJob.id,
        driftedEnvironment: drifted.env.id,
        environment: dev.id,
        promotion: promotion.id,
        snapshot: promotion.preSnapshotId,
        run: gated.id,
        failedRun: failed.id,
        approval: approvals.items[0].id,
        deployment: deployment.body.id,
        application: 'test-checkout',
        hook: hook.id,
        hookRun: hookRuns.items[0].id,
      });
    });

    // every route, with acme's ids; `platform` routes serve what every tenant shares
    // `byId`: a GET naming one object in its query, not a list
    const ROUTES: Record<
      string,
      { path: () => string; body?: object; platform?: boolean; byId?: boolean }
    > = {
      'GET /health': { path: () => '/health', platform: true },
      'GET /tenancy/me': { path: () => '/tenancy/me', platform: true },
      'GET /audit': { path: () => '/audit' },
      'POST /runs': {
        path: () => '/runs',
        body: { definition: gateWorkflow([]), tenant: ACME },
      },
      'GET /runs': { path: () => '/runs' },
      'GET /runs/:id': { path: () => `/runs/${ids.run}` },
      'GET /runs/:id/events': { path: () => `/runs/${ids.run}/events` },
      'GET /runs/:id/events/stream': {
        path: () => `/runs/${ids.run}/events/stream`,
      },
      'POST /runs/:id/cancel': { path: () => `/runs/${ids.run}/cancel` },
      'POST /runs/:id/retry': { path: () => `/runs/${ids.failedRun}/retry` },
      'GET /approvals': { path: () => '/approvals' },
      'GET /approvals/inbox': { path: () => '/approvals/inbox' },
      'GET /approvals/count': { path: () => '/approvals/count' },
      'GET /approvals/:id': { path: () => `/approvals/${ids.approval}` },
      'POST /approvals/:id/decision': {
        path: () => `/approvals/${ids.approval}/decision`,
        body: { decision: 'approve' },
      },
      'POST /specs': { path: () => '/specs?profile=plan_only', body: {} },
      'GET /deployments/:id': { path: () => `/deployments/${ids.deployment}` },
      'GET /applications': { path: () => '/applications' },
      'GET /applications/:name': {
        path: () => `/applications/${ids.application}`,
      },
      'GET /applications/:name/deployments': {
        path: () => `/applications/${ids.application}/deployments`,
      },
      'DELETE /applications/:name': {
        path: () => `/applications/${ids.application}?profile=plan_only`,
      },
      'POST /applications/:name/workflows/:provider/:workflow/runs': {
        path: () =>
          `/applications/${ids.application}/workflows/checkout-team/payments-reconcile/runs?profile=plan_only`,
      },
      'GET /providers': { path: () => '/providers', platform: true },
      'GET /providers/:name': {
        path: () => '/providers/checkout-team',
        platform: true,
      },
      'POST /providers/refresh': { path: () => '/providers/refresh' },
      'GET /environments': { path: () => '/environments' },
      'POST /environments': {
        path: () => '/environments',
        body: { name: 'sneaky', class: 'dev' },
      },
      'GET /environments/:id': {
        path: () => `/environments/${ids.environment}`,
      },
      'PATCH /environments/:id': {
        path: () => `/environments/${ids.environment}`,
        body: { driftMode: 'ignore' },
      },
      'DELETE /environments/:id': {
        path: () => `/environments/${ids.environment}`,
      },
      'GET /environments/:id/health': {
        path: () => `/environments/${ids.environment}/health`,
      },
      'GET /environments/:id/workflows': {
        path: () => `/environments/${ids.environment}/workflows`,
      },
      'GET /environments/:id/workflows/:name': {
        path: () => `/environments/${ids.environment}/workflows/acme-flow`,
      },
      'PUT /environments/:id/workflows/:name': {
        path: () => `/environments/${ids.environment}/workflows/acme-flow`,
        body: {
          definition:
            'name: acme-flow\nsteps:\n  - id: x\n    type: approval\n',
        },
      },
      'GET /environments/:id/snapshots': {
        path: () => `/environments/${ids.environment}/snapshots`,
      },
      'POST /environments/:id/snapshots': {
        path: () => `/environments/${ids.environment}/snapshots`,
        body: {},
      },
      'GET /snapshots/:id': { path: () => `/snapshots/${ids.snapshot}` },
      'POST /snapshots/:id/restore': {
        path: () => `/snapshots/${ids.snapshot}/restore`,
        body: {},
      },
      'GET /pipelines': { path: () => '/pipelines' },
      'GET /pipelines/:name': { path: () => '/pipelines/acme-line' },
      'PUT /pipelines/:name': {
        path: () => '/pipelines/acme-line',
        body: { stages: [{ source: 'dev', target: 'prod' }] },
      },
      'PUT /environments/:id/credential-mappings/:target': {
        path: () => `/environments/${ids.environment}/credential-mappings/prod`,
        body: { mapping: { a: 'b' } },
      },
      'POST /promotions/preview': {
        path: () => '/promotions/preview',
        body: { pipeline: 'acme-line', stage: 0 },
      },
      'POST /promotions': {
        path: () => '/promotions',
        body: { pipeline: 'acme-line', stage: 0 },
      },
      'GET /promotions': { path: () => '/promotions' },
      'GET /promotions/:id': { path: () => `/promotions/${ids.promotion}` },
      'POST /promotions/:id/cancel': {
        path: () => `/promotions/${ids.promotion}/cancel`,
      },
      'POST /promotions/:id/rollback': {
        path: () => `/promotions/${ids.promotion}/rollback`,
      },
      'POST /environments/:id/workflows/:name/activate': {
        path: () =>
          `/environments/${ids.environment}/workflows/acme-flow/activate`,
      },
      'POST /environments/:id/workflows/:name/deactivate': {
        path: () =>
          `/environments/${ids.environment}/workflows/acme-flow/deactivate`,
      },
      'DELETE /environments/:id/workflows/:name': {
        path: () => `/environments/${ids.environment}/workflows/acme-flow`,
      },
      'GET /snapshots/:id/compare/:other': {
        path: () => `/snapshots/${ids.snapshot}/compare/${ids.snapshot}`,
      },
      'POST /admin/providers': {
        path: () => '/admin/providers',
        body: { name: 'x', git_url: 'file:///nowhere' },
      },
      'GET /drift/summary': { path: () => '/drift/summary' },
      'GET /drift/policy': { path: () => '/drift/policy' },
      'PUT /drift/policy': {
        path: () => '/drift/policy',
        body: { autoCreateIncidents: false },
      },
      'POST /environments/:id/drift/check': {
        path: () => `/environments/${ids.driftedEnvironment}/drift/check`,
      },
      'GET /environments/:id/drift/checks': {
        path: () => `/environments/${ids.driftedEnvironment}/drift/checks`,
      },
      'GET /drift/checks/:id': { path: () => `/drift/checks/${ids.check}` },
      'GET /drift/incidents': { path: () => '/drift/incidents' },
      'GET /drift/incidents/:id': {
        path: () => `/drift/incidents/${ids.incident}`,
      },
      'PATCH /drift/incidents/:id': {
        path: () => `/drift/incidents/${ids.incident}`,
        body: { owner: 'user:default/gina' },
      },
      'POST /drift/incidents/:id/:action': {
        path: () => `/drift/incidents/${ids.incident}/acknowledge`,
        body: {},
      },
      'GET /canonical/source': { path: () => '/canonical/source' },
      'PUT /canonical/source': {
        path: () => '/canonical/source',
        body: { gitUrl: 'file:///nowhere' },
      },
      'POST /canonical/sync': { path: () => '/canonical/sync' },
      'GET /canonical/workflows': { path: () => '/canonical/workflows' },
      'GET /canonical/matrix': { path: () => '/canonical/matrix' },
      'GET /canonical/untracked': { path: () => '/canonical/untracked' },
      'POST /environments/:id/onboard': {
        path: () => `/environments/${ids.driftedEnvironment}/onboard`,
        body: {},
      },
      'POST /environments/:id/sync': {
        path: () => `/environments/${ids.driftedEnvironment}/sync`,
        body: {},
      },
      'GET /environments/:id/sync-jobs': {
        path: () => `/environments/${ids.driftedEnvironment}/sync-jobs`,
      },
      'GET /environments/:id/inventory': {
        path: () => `/environments/${ids.driftedEnvironment}/inventory`,
      },
      'GET /sync-jobs/:id': { path: () => `/sync-jobs/${ids.syncJob}` },
      'POST /events': {
        path: () => '/events',
        body: { type: 'order.created', payload: {} },
      },
      // no webhook of that name: a signed one is tested in hooks.test.ts
      'POST /webhooks/:name': { path: () => '/webhooks/acme-orders', body: {} },
      'GET /admin/webhooks': { path: () => '/admin/webhooks' },
      'PUT /admin/webhooks/:name': {
        path: () => '/admin/webhooks/acme-orders',
        body: { event: 'order.created', secret: 'sixteen-chars-or-more' },
      },
      'GET /admin/workflows': { path: () => '/admin/workflows' },
      'POST /admin/workflows/create': {
        path: () => '/admin/workflows/create',
        body: {
          name: 'sneaky',
          trigger: { event: 'order.created' },
          actions: [{ type: 'notify.webhook' }],
        },
      },
      'POST /admin/workflows/update': {
        path: () => '/admin/workflows/update',
        // getters: the ids exist only once beforeAll has run
        get body() {
          return { id: ids.hook, hook: {} };
        },
      },
      'POST /admin/workflows/enable': {
        path: () => '/admin/workflows/enable',
        get body() {
          return { id: ids.hook };
        },
      },
      'POST /admin/workflows/disable': {
        path: () => '/admin/workflows/disable',
        get body() {
          return { id: ids.hook };
        },
      },
      'GET /admin/workflow-runs': { path: () => '/admin/workflow-runs' },
      'GET /admin/workflow-runs/get': {
        path: () => `/admin/workflow-runs/get?id=${ids.hookRun}`,
        byId: true,
      },
      'POST /admin/workflow-runs/approve': {
        path: () => '/admin/workflow-runs/approve',
        get body() {
          return { id: ids.hookRun };
        },
      },
      'POST /admin/workflow-runs/deny': {
        path: () => '/admin/workflow-runs/deny',
        get body() {
          return { id: ids.hookRun };
        },
      },
      'GET /analytics/summary': { path: () => '/analytics/summary' },
      'GET /analytics/workflows': { path: () => '/analytics/workflows' },
      'GET /analytics/errors': { path: () => '/analytics/errors' },
      'GET /analytics/environments': {
        path: () => '/analytics/environments',
      },
      'GET /notifications/events': {
        path: () => '/notifications/events',
        platform: true,
      },
      'GET /notifications/channels': { path: () => '/notifications/channels' },
      'POST /notifications/channels': {
        path: () => '/notifications/channels',
        body: { type: 'email', name: 'x', config: { to: ['x@x.io'] } },
      },
      'GET /notifications/channels/:id': {
        path: () => `/notifications/channels/${ids.notificationChannel}`,
      },
      'PATCH /notifications/channels/:id': {
        path: () => `/notifications/channels/${ids.notificationChannel}`,
        body: { enabled: false },
      },
      'DELETE /notifications/channels/:id': {
        path: () => `/notifications/channels/${ids.notificationChannel}`,
      },
      'POST /notifications/channels/:id/test': {
        path: () => `/notifications/channels/${ids.notificationChannel}/test`,
      },
      'GET /notifications/rules': { path: () => '/notifications/rules' },
      'POST /notifications/rules': {
        path: () => '/notifications/rules',
        body: {
          name: 'x',
          eventType: 'run.failed',
          channelIds: [ids.notificationChannel],
        },
      },
      'PATCH /notifications/rules/:id': {
        path: () => `/notifications/rules/${ids.notificationRule}`,
        body: { enabled: false },
      },
      'DELETE /notifications/rules/:id': {
        path: () => `/notifications/rules/${ids.notificationRule}`,
      },
      'GET /notifications/deliveries': {
        path: () => '/notifications/deliveries',
      },
    };

    const call = (key: string, user: string, tenant?: string) => {
      const [method, route] = [key.split(' ')[0].toLowerCase(), ROUTES[key]];
      const path = route.path();
      const url = `/api/gantry${path}${
        tenant ? `${path.includes('?') ? '&' : '?'}tenant=${tenant}` : ''
      }`;
      const req = (request(server) as any)
        [method](url)
        .set('authorization', as(user));
      return route.body ? req.send(route.body) : req;
    };

    it('covers every route Gantry serves', () => {
      expect(Object.keys(ROUTES).sort()).toEqual(gantryRoutes());
    });

    it("denies a globex user every acme object and leaks none of acme's data", async () => {
      const secrets = () => [...Object.values(ids), 'Ship?'];
      for (const key of Object.keys(ROUTES)) {
        // reads also without ?tenant=, i.e. in gina's own tenant
        for (const tenant of key.startsWith('GET')
          ? [ACME, undefined]
          : [ACME]) {
          const res = await call(key, 'gina', tenant);
          // an error may echo the id gina sent, nothing else of acme's
          const sent = `${ROUTES[key].path()} ${JSON.stringify(
            ROUTES[key].body ?? {},
          )}`;
          for (const id of secrets().filter(s => !sent.includes(s))) {
            expect({ key, tenant, leaked: res.text.includes(id) }).toEqual({
              key,
              tenant,
              leaked: false,
            });
          }
          // shared data and gina's own (empty) tenant answer; acme's do not
          const answers =
            ROUTES[key].platform ||
            (!tenant &&
              key.startsWith('GET') &&
              !key.includes(':') &&
              !ROUTES[key].byId);
          expect({ key, tenant, outcome: outcomeOf(res.status) }).toEqual({
            key,
            tenant,
            outcome: answers ? expectedAnswer(key) : 'denied',
          });
        }
      }

      // nothing changed: acme's run still waits, gina wrote nothing
      const run = await request(server)
        .get(`/api/gantry/runs/${ids.run}`)
        .set('authorization', as('carl'));
      expect(run.body.status).toBe('waiting_approval');
      const env = await request(server)
        .get(`/api/gantry/environments/${ids.environment}`)
        .set('authorization', as('carl'));
      expect(env.body).toMatchObject({
        driftMode: 'alert',
        workflows: [expect.objectContaining({ name: 'acme-flow' })],
      });
      const promo = await request(server)
        .get(`/api/gantry/promotions/${ids.promotion}`)
        .set('authorization', as('carl'));
      expect(promo.body.status).toBe('COMPLETED');
      const incident = await request(server)
        .get(`/api/gantry/drift/incidents/${ids.incident}`)
        .set('authorization', as('carl'));
      expect(incident.body).toMatchObject({ state: 'DETECTED' });
      expect(incident.body.owner).toBeUndefined();
      const hookRun = await request(server)
        .get(`/api/gantry/admin/workflow-runs/get?id=${ids.hookRun}`)
        .set('authorization', as('carl'));
      expect(hookRun.body.status).toBe('pending_approval');
      expect(
        await knex('audit_events').where({ actor: 'user:default/gina' }),
      ).toEqual([]);
      expect(await knex('runs').whereNot({ tenant: ACME })).toEqual([]);
    });

    it('serves the same routes to a member of acme (the sweep is not vacuous)', async () => {
      for (const key of Object.keys(ROUTES).filter(
        k => k.startsWith('GET') && k !== 'GET /runs/:id/events/stream',
      )) {
        const res = await call(key, 'carl');
        expect({ key, status: res.status }).toEqual({
          key,
          status: key === 'GET /audit' ? 403 : 200,
        });
      }
      const mine = await call('GET /runs', 'carl');
      expect(mine.body.items.map((r: any) => r.id)).toEqual(
        expect.arrayContaining([ids.run, ids.failedRun]),
      );
      // platform admins see every tenant
      const admin = await call('GET /runs/:id', 'ada');
      expect(admin.status).toBe(200);
    });
  },
);
