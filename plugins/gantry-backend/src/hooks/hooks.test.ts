import { createBackendModule } from '@backstage/backend-plugin-api';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { testDatabases } from '../engine/__testUtils__/testEngine';
import {
  as,
  startGantryBackend,
  waitFor,
} from '../__testUtils__/gantryTestBackend';

jest.setTimeout(120_000);
const databases = testDatabases();
const ACME = 'group:default/acme';
const GLOBEX = 'group:default/globex';
const SECRET = 'shop-secret-0123456789';

/** The tenants' commerce and flag ports: records every call it gets. */
async function portServer() {
  const calls: Array<{ path: string; body: any }> = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', chunk => (body += chunk));
    req.on('end', () => {
      calls.push({ path: req.url!, body: body ? JSON.parse(body) : {} });
      res.setHeader('content-type', 'application/json');
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { calls, url, close: () => server.close() };
}

/** Everything published on the `gantry` topic, as another plugin sees it. */
function topicRecorder() {
  const seen: any[] = [];
  const module = createBackendModule({
    pluginId: 'gantry',
    moduleId: 'test-topic-recorder',
    register(env) {
      env.registerInit({
        deps: { events: eventsServiceRef },
        async init({ events }) {
          await events.subscribe({
            id: 'test-recorder',
            topics: ['gantry'],
            onEvent: async ({ eventPayload }) => {
              seen.push(eventPayload);
            },
          });
        },
      });
    },
  });
  return { seen, module };
}

async function start(databaseId: any) {
  const knex = await databases.init(databaseId);
  const port = await portServer();
  const topic = topicRecorder();
  const endpoints = (tenant: string) => ({
    tenant,
    endpoints: ['tag.order', 'export.orders', 'flag.enable'].map(action => ({
      action,
      url: `${port.url}/${tenant.split('/')[1]}/${action}`,
    })),
  });
  const { server, scheduler } = await startGantryBackend(
    knex,
    {
      hooks: {
        tenants: [endpoints(ACME), endpoints(GLOBEX)],
        webhooks: [
          {
            name: 'shop-orders',
            tenant: 'acme',
            secret: SECRET,
            typeHeader: 'x-shop-topic',
            types: [{ from: 'orders/create', event: 'order.created' }],
            signatureHeader: 'x-shop-hmac-sha256',
            idempotencyHeader: 'x-shop-delivery',
          },
        ],
      },
    },
    [topic.module],
  );
  return { knex, server, port, topic, scheduler };
}

const api = (server: any, user: string) => ({
  post: (path: string, body: object) =>
    request(server)
      .post(`/api/gantry${path}`)
      .set('authorization', as(user))
      .send(body),
  get: (path: string) =>
    request(server).get(`/api/gantry${path}`).set('authorization', as(user)),
});

const tagHook = (name: string, extra: object = {}) => ({
  name,
  trigger: { event: 'order.created' },
  actions: [
    { type: 'tag.order', with: { orderId: '${payload.id}', tag: 'vip' } },
  ],
  risky: false,
  ...extra,
});

describe.each(databases.eachSupportedId())('hooks on %s', databaseId => {
  it("runs tenant A's matching hook once per idempotency key, and nothing of tenant B's", async () => {
    const { server, port, topic } = await start(databaseId);
    const ada = api(server, 'ada');
    const created = await ada.post('/admin/workflows/create', tagHook('tag'));
    expect(created.status).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    expect(
      (
        await ada.post(
          `/admin/workflows/create?tenant=${GLOBEX}`,
          tagHook('globex-tag'),
        )
      ).status,
    ).toBe(201);

    const event = {
      type: 'order.created',
      payload: { id: 'o-1', total: 120 },
      idempotencyKey: 'order-o-1',
    };
    const first = await api(server, 'carl').post('/events', event);
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ type: 'order.created', created: true });
    const again = await api(server, 'carl').post('/events', event);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...first.body, created: false });

    const runs = await waitFor(
      server,
      '/admin/workflow-runs',
      'ada',
      p => p.items?.[0]?.status === 'succeeded',
    );
    expect(runs.items).toHaveLength(1);
    expect(runs.items[0]).toMatchObject({
      hookName: 'tag',
      eventId: first.body.id,
      correlationId: first.body.id,
      tenant: ACME,
      results: [{ action: 'tag.order', status: 'succeeded' }],
    });
    expect(port.calls).toEqual([
      {
        path: '/acme/tag.order',
        body: {
          action: 'tag.order',
          orderId: 'o-1',
          tag: 'vip',
          eventId: first.body.id,
        },
      },
    ]);
    const globex = await ada.get(`/admin/workflow-runs?tenant=${GLOBEX}`);
    expect(globex.body.items).toEqual([]);
    // other domains see the event, once, on the gantry topic
    expect(topic.seen.filter(e => e.type === 'order.created')).toEqual([
      expect.objectContaining({
        id: first.body.id,
        tenant: ACME,
        source: 'ingest:user:default/carl',
        payload: { id: 'o-1', total: 120 },
      }),
    ]);
    // a user of globex cannot read acme's runs
    const gina = await api(server, 'gina').get(
      `/admin/workflow-runs/get?id=${runs.items[0].id}`,
    );
    expect(gina.status).toBe(404);
    port.close();
  });

  it('holds a risky hook for approval in the inbox, runs it once approved and audits the decision with the correlation id', async () => {
    const { server, port } = await start(databaseId);
    const ada = api(server, 'ada');
    const hook = await ada.post('/admin/workflows/create', {
      name: 'export-refunds',
      trigger: { event: 'order.refunded' },
      actions: [
        { type: 'export.orders', with: { since: '${event.occurredAt}' } },
      ],
      approvers: ['group:default/checkout-team'],
    });
    expect(hook.body).toMatchObject({ risky: true, enabled: true });

    const posted = await api(server, 'carl').post('/events', {
      type: 'order.refunded',
      payload: { id: 'o-2' },
    });
    const pending = await waitFor(
      server,
      '/admin/workflow-runs',
      'ada',
      p => p.items?.[0]?.approvalId,
    );
    expect(pending.items[0].status).toBe('pending_approval');
    expect(port.calls).toEqual([]);

    const inbox = await api(server, 'priya').get('/approvals/inbox');
    const [approval] = inbox.body.items;
    expect(approval).toMatchObject({
      subject: { kind: 'hook_run', id: pending.items[0].id },
      approvers: ['group:default/checkout-team'],
    });
    const decided = await api(server, 'priya').post(
      `/approvals/${approval.id}/decision`,
      { decision: 'approve', comment: 'refund export is fine' },
    );
    expect(decided.status).toBe(200);

    const done = await waitFor(
      server,
      `/admin/workflow-runs/get?id=${pending.items[0].id}`,
      'ada',
      r => r.status === 'succeeded',
    );
    const statuses = done.events.filter((e: any) => e.type === 'status');
    expect(statuses.map((e: any) => e.data.status)).toEqual([
      'pending_approval',
      'running',
      'succeeded',
    ]);
    expect(port.calls.map(c => c.path)).toEqual(['/acme/export.orders']);

    const audit = await ada.get('/audit?action=hook_run.*');
    expect(audit.body.items).toEqual([
      expect.objectContaining({
        action: 'hook_run.approved',
        actor: 'user:default/priya',
        target: pending.items[0].id,
        details: expect.objectContaining({
          correlationId: posted.body.id,
          approvalId: approval.id,
        }),
      }),
    ]);

    // denied through the admin API: nothing runs
    await api(server, 'carl').post('/events', {
      type: 'order.refunded',
      payload: { id: 'o-3' },
    });
    const second = await waitFor(
      server,
      '/admin/workflow-runs?status=pending_approval',
      'ada',
      p => p.items?.[0]?.approvalId,
    );
    const denied = await api(server, 'priya').post(
      '/admin/workflow-runs/deny',
      { id: second.items[0].id, comment: 'not now' },
    );
    expect(denied.status).toBe(200);
    expect(denied.body).toMatchObject({ status: 'denied' });
    expect(port.calls).toHaveLength(1);
    port.close();
  });

  it('accepts signed webhooks, refuses bad signatures, filters with CEL and explains bad input', async () => {
    const { server, port } = await start(databaseId);
    const ada = api(server, 'ada');
    await ada.post(
      '/admin/workflows/create',
      tagHook('big-orders', {
        trigger: { event: 'order.created', filter: 'payload.total > 100' },
      }),
    );
    await ada.post('/admin/workflows/create', {
      name: 'greet',
      trigger: { event: 'order.created', filter: '${payload.total} <= 100' },
      workflow: {
        provider: 'examples',
        workflow: 'hello-world',
        inputs: { name: '${payload.customer}' },
      },
    });

    const deliver = (body: object, signature?: string) => {
      const raw = JSON.stringify(body);
      return request(server)
        .post('/api/gantry/webhooks/shop-orders')
        .set('content-type', 'application/json')
        .set('x-shop-topic', 'orders/create')
        .set('x-shop-delivery', `d-${(body as any).id}`)
        .set(
          'x-shop-hmac-sha256',
          signature ??
            createHmac('sha256', SECRET).update(raw).digest('base64'),
        )
        .send(raw);
    };
    const big = await deliver({ id: 'o-10', total: 150, customer: 'Ann' });
    expect(big.status).toBe(202);
    const small = await deliver({ id: 'o-11', total: 50, customer: 'Bob' });
    expect(small.status).toBe(202);
    const forged = await deliver(
      { id: 'o-12', total: 999 },
      createHmac('sha256', 'wrong-secret').update('{}').digest('base64'),
    );
    expect(forged.status).toBe(401);
    expect((await deliver({ id: 'o-13' }, 'sha256=00')).status).toBe(401);
    const unknown = await request(server)
      .post('/api/gantry/webhooks/nope')
      .send({});
    expect(unknown.status).toBe(404);

    const runs = await waitFor(
      server,
      '/admin/workflow-runs',
      'ada',
      p =>
        p.items?.length === 2 &&
        p.items.every((r: any) => r.status === 'succeeded'),
    );
    const byHook = Object.fromEntries(
      runs.items.map((r: any) => [r.hookName, r]),
    );
    expect(byHook['big-orders'].eventId).toBe(big.body.id);
    expect(byHook.greet.eventId).toBe(small.body.id);
    expect(port.calls.map(c => c.body.orderId)).toEqual(['o-10']);
    // the hook's workflow run carries the event as its correlation id
    const run = await api(server, 'ada').get(`/runs/${byHook.greet.runId}`);
    expect(run.body).toMatchObject({
      correlationId: small.body.id,
      status: 'succeeded',
    });

    const bad = await api(server, 'carl').post('/events', {
      type: 'Order Created',
      payload: [],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/type: .*order\.created/);
    expect(bad.body.error.message).toMatch(/payload/);
    const badFilter = await ada.post(
      '/admin/workflows/create',
      tagHook('broken', {
        trigger: { event: 'order.created', filter: 'payload.total >' },
      }),
    );
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.error.message).toMatch(/not a CEL filter/);
    const both = await ada.post('/admin/workflows/create', {
      ...tagHook('both'),
      workflow: { provider: 'examples', workflow: 'hello-world' },
    });
    expect(both.status).toBe(400);
    expect(both.body.error.message).toMatch(/either a workflow or/);
    const badRef = await ada.post(
      '/admin/workflows/create',
      tagHook('secrets', {
        actions: [{ type: 'tag.order', with: { tag: '${secrets.token}' } }],
      }),
    );
    expect(badRef.status).toBe(400);
    expect(badRef.body.error.message).toMatch(/not an event/);
    // developers post events but do not manage hooks
    expect(
      (await api(server, 'carl').post('/admin/workflows/create', tagHook('x')))
        .status,
    ).toBe(403);
    port.close();
  });

  it('picks up what a stopped replica left: events never dispatched, runs left running', async () => {
    const { server, knex, port, scheduler } = await start(databaseId);
    const ada = api(server, 'ada');
    const hook = (await ada.post('/admin/workflows/create', tagHook('tag')))
      .body;
    const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);
    // stored, but the replica stopped before its hooks ran
    await knex('platform_events').insert({
      id: 'evt_orphan',
      tenant: ACME,
      type: 'order.created',
      source: 'ingest:user:default/carl',
      payload: JSON.stringify({ id: 'o-20' }),
      occurred_at: minutesAgo(2),
      created_at: minutesAgo(2),
    });
    // its actions started 20 minutes ago on a replica that is gone
    await knex('hook_runs').insert({
      id: 'hkr_stuck',
      tenant: ACME,
      hook_id: hook.id,
      hook_name: 'tag',
      event_id: 'evt_gone',
      event_type: 'order.created',
      correlation_id: 'evt_gone',
      status: 'running',
      created_at: minutesAgo(20),
      started_at: minutesAgo(20),
    });
    await scheduler.triggerTask('gantry-events-redispatch');
    const runs = await waitFor(server, '/admin/workflow-runs', 'ada', p =>
      p.items?.some(
        (r: any) => r.eventId === 'evt_orphan' && r.status === 'succeeded',
      ),
    );
    expect(runs.items.find((r: any) => r.id === 'hkr_stuck')).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/interrupted/),
    });
    expect(port.calls.map(c => c.body.orderId)).toEqual(['o-20']);
    port.close();
  });
});
