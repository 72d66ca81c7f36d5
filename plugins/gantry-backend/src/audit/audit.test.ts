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
const databases = testDatabases();

/** A provider in a real git repository, for the registration route. */
function providerRepo(): string {
  const repo = gitRepo();
  repo.write('provider.yaml', 'name: audit-team\n');
  repo.write(
    'workflows/hello.yaml',
    'name: hello\nsteps:\n  - id: hi\n    type: shell\n    command: echo hi\n',
  );
  repo.commit('first');
  return repo.dir;
}

/**
 * Acceptance: every mutating route, called once, leaves exactly one audit
 * event for that request, naming the actor and the target.
 */
describe.each(databases.eachSupportedId())('audit log on %s', databaseId => {
  it('records one event per mutating call, with actor, target and request id', async () => {
    const knex = await databases.init(databaseId);
    const { server } = await startGantryBackend(knex, {}, [
      directoryAdapterModule,
    ]);

    const waiting = async (approvers: string[]) => {
      const run = await startRun(server, 'carl', gateWorkflow(approvers));
      await waitFor(
        server,
        `/runs/${run.id}`,
        'carl',
        r => r.status === 'waiting_approval',
      );
      return run;
    };
    const toCancel = await waiting([]);
    const toDecide = await waiting(['group:default/checkout-team']);
    const [approval] = (
      await waitFor(
        server,
        `/approvals?runId=${toDecide.id}`,
        'carl',
        p => p.items?.length === 1,
      )
    ).items;
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
    const repo = providerRepo();

    // environments and pipelines the environment and promotion routes act on
    const admin = async (method: 'post' | 'put', path: string, body: object) =>
      (
        await (request(server) as any)
          [method](`/api/gantry${path}`)
          .set('authorization', as('ada'))
          .send(body)
      ).body;
    const made: Record<string, string> = {};
    const prod = await admin('post', '/environments', {
      name: 'audit-prod',
      class: 'production',
    });
    const tmp = await admin('post', '/environments', {
      name: 'audit-tmp',
      class: 'dev',
    });
    await admin('post', '/environments', {
      name: 'audit-stg',
      class: 'staging',
    });
    await admin('put', '/pipelines/gated', {
      stages: [
        {
          source: 'audit-stg',
          target: 'audit-prod',
          approval: { approvers: ['group:default/checkout-team'] },
        },
      ],
    });
    await admin('put', '/environments/audit-stg/workflows/flow', {
      definition: 'name: flow\nsteps:\n  - id: ask\n    type: approval\n',
    });
    // an incident to act on, and a canonical repository to onboard into
    const drifted = await driftedEnvironment(server, as('ada'), 'audit-drift');
    const canonicalRepo = gitRepo();
    canonicalRepo.write('workflows/other.yaml', 'name: other\nsteps: []\n');
    canonicalRepo.commit('canonical');
    const waitingPromotion = await admin('post', '/promotions', {
      pipeline: 'gated',
      stage: 0,
    });
    // a hook to change, and two of its runs waiting for approval
    const hook = await admin('post', '/admin/workflows/create', {
      name: 'audit-export',
      trigger: { event: 'order.created' },
      actions: [{ type: 'export.orders' }],
      approvers: ['group:default/checkout-team'],
    });
    for (const id of ['o-1', 'o-2']) {
      await request(server)
        .post('/api/gantry/events')
        .set('authorization', as('carl'))
        .send({ type: 'order.created', payload: { id } });
    }
    const [toDeny, toApprove] = (
      await waitFor(
        server,
        '/admin/workflow-runs?status=pending_approval',
        'ada',
        p => p.items?.filter((r: any) => r.approvalId).length === 2,
      )
    ).items;

    // method + route -> who calls it, how, and which target the event must name
    const calls: Record<
      string,
      {
        user: string;
        /** a function when it needs what an earlier call created */
        path: string | (() => string);
        body?: object | string;
        target: (body: any) => string;
      }
    > = {
      'POST /runs': {
        user: 'carl',
        path: '/runs',
        body: { definition: gateWorkflow([]) },
        target: b => b.id,
      },
      'POST /runs/:id/cancel': {
        user: 'carl',
        path: `/runs/${toCancel.id}/cancel`,
        target: () => toCancel.id,
      },
      'POST /runs/:id/retry': {
        user: 'carl',
        path: `/runs/${failed.id}/retry`,
        target: () => failed.id,
      },
      'POST /approvals/:id/decision': {
        user: 'priya',
        path: `/approvals/${approval.id}/decision`,
        body: { decision: 'approve', comment: 'ok' },
        target: () => approval.id,
      },
      'POST /specs': {
        user: 'carl',
        path: '/specs?profile=plan_only',
        body: TEST_CHECKOUT_SPEC,
        target: b => b.id,
      },
      'POST /applications/:name/workflows/:provider/:workflow/runs': {
        user: 'carl',
        path: '/applications/test-checkout/workflows/checkout-team/payments-reconcile/runs?profile=plan_only',
        target: b => b.id,
      },
      'DELETE /applications/:name': {
        user: 'carl',
        path: '/applications/test-checkout?profile=plan_only',
        target: () => 'test-checkout',
      },
      'POST /providers/refresh': {
        user: 'ada',
        path: '/providers/refresh',
        target: () => 'providers',
      },
      'POST /environments': {
        user: 'ada',
        path: '/environments',
        body: { name: 'audit-dev', class: 'dev' },
        target: b => (made.dev = b.id),
      },
      'PATCH /environments/:id': {
        user: 'ada',
        path: '/environments/audit-dev',
        body: { driftMode: 'ignore' },
        target: () => made.dev,
      },
      'PUT /environments/:id/workflows/:name': {
        user: 'ada',
        path: '/environments/audit-dev/workflows/flow',
        body: {
          definition: 'name: flow\nsteps:\n  - id: ask\n    type: approval\n',
        },
        target: () => `${made.dev}/flow`,
      },
      'PUT /canonical/source': {
        user: 'ada',
        path: '/canonical/source',
        body: { gitUrl: canonicalRepo.dir, ref: 'main', path: 'workflows' },
        target: () => 'group:default/acme',
      },
      'POST /canonical/sync': {
        user: 'ada',
        path: '/canonical/sync',
        target: () => 'group:default/acme',
      },
      'POST /environments/:id/onboard': {
        user: 'ada',
        path: '/environments/audit-dev/onboard',
        body: { workflows: ['flow'] },
        target: () => made.dev,
      },
      'POST /environments/:id/sync': {
        user: 'ada',
        path: '/environments/audit-drift/sync',
        body: { scopes: ['workflows'] },
        target: () => drifted.env.id,
      },
      'PUT /drift/policy': {
        user: 'ada',
        path: '/drift/policy',
        body: { slaWarningHours: 6 },
        target: () => 'group:default/acme',
      },
      'POST /environments/:id/drift/check': {
        user: 'ada',
        path: '/environments/audit-drift/drift/check',
        target: () => drifted.env.id,
      },
      'PATCH /drift/incidents/:id': {
        user: 'ada',
        path: `/drift/incidents/${drifted.incidentId}`,
        body: { ticketRef: 'OPS-1' },
        target: () => drifted.incidentId,
      },
      'POST /drift/incidents/:id/:action': {
        user: 'ada',
        path: `/drift/incidents/${drifted.incidentId}/acknowledge`,
        target: () => drifted.incidentId,
      },
      'POST /environments/:id/workflows/:name/deactivate': {
        user: 'ada',
        path: '/environments/audit-dev/workflows/flow/deactivate',
        target: () => `${made.dev}/flow`,
      },
      'POST /environments/:id/workflows/:name/activate': {
        user: 'ada',
        path: '/environments/audit-dev/workflows/flow/activate',
        target: () => `${made.dev}/flow`,
      },
      'POST /environments/:id/snapshots': {
        user: 'ada',
        path: '/environments/audit-dev/snapshots',
        body: { note: 'audit' },
        target: b => (made.snapshot = b.id),
      },
      'POST /snapshots/:id/restore': {
        user: 'ada',
        path: () => `/snapshots/${made.snapshot}/restore`,
        body: {},
        target: () => made.snapshot,
      },
      'PUT /pipelines/:name': {
        user: 'ada',
        path: '/pipelines/audit-line',
        body: { stages: [{ source: 'audit-dev', target: 'audit-prod' }] },
        target: b => b.id,
      },
      'PUT /environments/:id/credential-mappings/:target': {
        user: 'ada',
        path: '/environments/audit-dev/credential-mappings/audit-prod',
        body: { mapping: { dev_token: 'prod_token' } },
        target: () => `${made.dev}->${prod.id}`,
      },
      'POST /promotions': {
        user: 'carl',
        path: '/promotions',
        body: { pipeline: 'audit-line', stage: 0 },
        target: b => (made.promotion = b.id),
      },
      'POST /promotions/:id/rollback': {
        user: 'ada',
        path: () => `/promotions/${made.promotion}/rollback`,
        target: () => made.promotion,
      },
      'POST /promotions/:id/cancel': {
        user: 'carl',
        path: `/promotions/${waitingPromotion.id}/cancel`,
        target: () => waitingPromotion.id,
      },
      'DELETE /environments/:id/workflows/:name': {
        user: 'ada',
        path: '/environments/audit-dev/workflows/flow',
        target: () => `${made.dev}/flow`,
      },
      'DELETE /environments/:id': {
        user: 'ada',
        path: '/environments/audit-tmp',
        target: () => tmp.id,
      },
      'POST /admin/providers': {
        user: 'ada',
        path: '/admin/providers',
        body: { name: 'audit-team', git_url: `file://${repo}` },
        target: () => 'audit-team',
      },
      'PUT /admin/webhooks/:name': {
        user: 'ada',
        path: '/admin/webhooks/audit-shop',
        body: { event: 'order.created', secret: 'sixteen-chars-or-more' },
        target: () => 'audit-shop',
      },
      'POST /admin/workflows/create': {
        user: 'ada',
        path: '/admin/workflows/create',
        body: {
          name: 'audit-notify',
          trigger: { event: 'order.refunded' },
          actions: [{ type: 'notify.webhook' }],
        },
        target: b => b.id,
      },
      'POST /admin/workflows/update': {
        user: 'ada',
        path: '/admin/workflows/update',
        body: {
          id: hook.id,
          hook: {
            name: 'audit-export',
            trigger: { event: 'order.created', filter: 'payload.id != ""' },
            actions: [{ type: 'export.orders' }],
          },
        },
        target: () => hook.id,
      },
      'POST /admin/workflows/disable': {
        user: 'ada',
        path: '/admin/workflows/disable',
        body: { id: hook.id },
        target: () => hook.id,
      },
      'POST /admin/workflows/enable': {
        user: 'ada',
        path: '/admin/workflows/enable',
        body: { id: hook.id },
        target: () => hook.id,
      },
      'POST /admin/workflow-runs/approve': {
        user: 'priya',
        path: '/admin/workflow-runs/approve',
        body: { id: toApprove.id, comment: 'ok' },
        target: () => toApprove.id,
      },
      'POST /admin/workflow-runs/deny': {
        user: 'priya',
        path: '/admin/workflow-runs/deny',
        body: { id: toDeny.id },
        target: () => toDeny.id,
      },
      'POST /notifications/channels': {
        user: 'ada',
        path: '/notifications/channels',
        body: {
          type: 'email',
          name: 'audit-mail',
          config: { to: ['ops@acme.example'] },
          secrets: {},
        },
        target: b => (made.channel = b.id),
      },
      'PATCH /notifications/channels/:id': {
        user: 'ada',
        path: () => `/notifications/channels/${made.channel}`,
        body: { enabled: false },
        target: () => made.channel,
      },
      // a test of a channel sends a message: it is recorded too
      'POST /notifications/channels/:id/test': {
        user: 'ada',
        path: () => `/notifications/channels/${made.channel}/test`,
        target: () => made.channel,
      },
      'POST /notifications/rules': {
        user: 'ada',
        path: '/notifications/rules',
        get body() {
          return {
            name: 'audit-rule',
            eventType: 'run.failed',
            channelIds: [made.channel],
          };
        },
        target: b => (made.rule = b.id),
      },
      'PATCH /notifications/rules/:id': {
        user: 'ada',
        path: () => `/notifications/rules/${made.rule}`,
        body: { enabled: false },
        target: () => made.rule,
      },
      'DELETE /notifications/rules/:id': {
        user: 'ada',
        path: () => `/notifications/rules/${made.rule}`,
        target: () => made.rule,
      },
      'DELETE /notifications/channels/:id': {
        user: 'ada',
        path: () => `/notifications/channels/${made.channel}`,
        target: () => made.channel,
      },
    };
    // POSTs that only read (a body says what to compute) change nothing
    const readOnly = ['POST /promotions/preview'];
    // event deliveries are kept as platform events, not as audit events
    const deliveries = ['POST /events', 'POST /webhooks/:name'];
    expect(Object.keys(calls).sort()).toEqual(
      gantryRoutes().filter(
        r =>
          !r.startsWith('GET ') &&
          !readOnly.includes(r) &&
          !deliveries.includes(r),
      ),
    );
    const preview = await request(server)
      .post('/api/gantry/promotions/preview')
      .set('authorization', as('carl'))
      .send({ pipeline: 'gated', stage: 0 });
    expect(preview.status).toBe(200);
    expect(
      await knex('audit_events').where({
        request_id: preview.headers['x-request-id'],
      }),
    ).toEqual([]);

    for (const [key, call] of Object.entries(calls)) {
      const method = key.split(' ')[0].toLowerCase();
      let req = (request(server) as any)
        [method](
          `/api/gantry${
            typeof call.path === 'string' ? call.path : call.path()
          }`,
        )
        .set('authorization', as(call.user));
      if (typeof call.body === 'string') {
        req = req.set('content-type', 'application/yaml');
      }
      const res = await (call.body ? req.send(call.body) : req);
      expect({ key, ok: res.status < 300 }).toEqual({ key, ok: true });
      const requestId = res.headers['x-request-id'];
      expect(requestId).toBeTruthy();
      const events = await knex('audit_events').where({
        request_id: requestId,
      });
      expect({ key, events: events.length }).toEqual({ key, events: 1 });
      expect(events[0]).toMatchObject({
        actor: `user:default/${call.user}`,
        target: call.target(res.body),
        tenant: 'group:default/acme',
      });
      if (key === 'POST /specs') {
        await waitFor(
          server,
          `/deployments/${res.body.id}`,
          'carl',
          d => d.status === 'succeeded',
        );
      }
    }

    // searchable: filters and a cursor over what was just written
    const page = await request(server)
      .get('/api/gantry/audit?actor=user:default/carl&limit=2')
      .set('authorization', as('ada'));
    expect(page.status).toBe(200);
    expect(page.body.items).toHaveLength(2);
    const next = await request(server)
      .get(
        `/api/gantry/audit?actor=user:default/carl&limit=50&cursor=${page.body.nextCursor}`,
      )
      .set('authorization', as('ada'));
    expect(next.body.items.length).toBeGreaterThan(0);
    expect(next.body.items.every((e: any) => e.id < page.body.nextCursor)).toBe(
      true,
    );
    const cancel = await request(server)
      .get('/api/gantry/audit?q=cancel')
      .set('authorization', as('ada'));
    expect(cancel.body.items.map((e: any) => e.action).sort()).toEqual([
      'promotion.cancel',
      'run.cancel',
    ]);
    expect(
      cancel.body.items.find((e: any) => e.action === 'run.cancel'),
    ).toMatchObject({
      oldValue: { status: 'waiting_approval' },
      requestId: expect.any(String),
    });
    const bad = await request(server)
      .get('/api/gantry/audit?from=yesterday')
      .set('authorization', as('ada'));
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/from/);
  });
});

describe.each(databases.eachSupportedId())(
  'audit retention on %s',
  databaseId => {
    it('deletes events older than gantry.audit.retentionDays on its schedule', async () => {
      const knex = await databases.init(databaseId);
      const { scheduler } = await startGantryBackend(knex, {
        audit: { retentionDays: 30 },
      });
      const day = 24 * 3600 * 1000;
      const event = (action: string, age: number) => ({
        tenant: 'group:default/acme',
        actor: 'user:default/ada',
        action,
        target: 't',
        created_at: new Date(Date.now() - age * day),
      });
      await knex('audit_events').insert([
        event('old.event', 40),
        event('recent.event', 10),
      ]);
      await scheduler.triggerTask('gantry-audit-retention');
      expect(
        (await knex('audit_events').select('action')).map(
          (r: { action: string }) => r.action,
        ),
      ).toEqual(['recent.event']);
    });
  },
);
