import notificationsBackend from '@backstage/plugin-notifications-backend';
import { ChildProcess, spawn } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import request from 'supertest';
import { testDatabases } from '../engine/__testUtils__/testEngine';
import { as, startGantryBackend } from '../__testUtils__/gantryTestBackend';
import { platformEventsProbe } from '../analytics/__testUtils__/platformEvents';

jest.setTimeout(120_000);
const databases = testDatabases();
const SECRET = 'a-shared-secret-for-the-test';

/** A real HTTP server on loopback that keeps what it is sent. */
async function webhookReceiver() {
  const received: Array<{ headers: http.IncomingHttpHeaders; body: string }> =
    [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', chunk => {
      body += chunk;
    });
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(req.url === '/broken' ? 500 : 204).end();
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { received, server, url: `http://127.0.0.1:${port}` };
}

/** The executors' real SMTP server (smtp-server) in its own process. */
async function smtpReceiver() {
  const received: any[] = [];
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(__dirname, '../executors/__testUtils__/smtpServer.js')],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>(resolve => {
    let buffer = '';
    child.stdout!.on('data', chunk => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith('port ')) resolve(Number(line.slice(5)));
        else received.push(JSON.parse(line));
      }
    });
  });
  return { received, child, port };
}

/** What a receiver does to trust a Gantry webhook. */
function verified(body: string, signature: string, secret: string): boolean {
  const expected = `sha256=${createHmac('sha256', secret)
    .update(body)
    .digest('hex')}`;
  return (
    expected.length === signature.length &&
    timingSafeEqual(Buffer.from(expected), Buffer.from(signature))
  );
}

describe.each(databases.eachSupportedId())(
  'notifications on %s',
  databaseId => {
    let server: any;
    let hook: Awaited<ReturnType<typeof webhookReceiver>>;
    let smtp: Awaited<ReturnType<typeof smtpReceiver>>;
    const probe = platformEventsProbe();
    const ids: Record<string, string> = {};

    const call = (
      method: 'get' | 'post' | 'patch' | 'delete',
      route: string,
      user = 'ada',
    ) =>
      (request(server) as any)
        [method](`/api/gantry/notifications${route}`)
        .set('authorization', as(user));
    const deliveries = async () =>
      (await call('get', '/deliveries?limit=200')).body.items as any[];
    const waitForDeliveries = async (count: number) => {
      for (let i = 0; i < 500; i++) {
        const items = await deliveries();
        if (items.length >= count && items.every(d => d.status !== 'pending')) {
          return items;
        }
        await new Promise(r => setTimeout(r, 20));
      }
      throw new Error(`never got ${count} deliveries`);
    };
    const runFailed = (id: string, environment: string) =>
      probe.publish({
        id,
        type: 'run.failed',
        payload: {
          runId: `run-${id}`,
          workflow: 'deploy',
          environment,
          error: 'exit 3',
        },
      });

    beforeAll(async () => {
      hook = await webhookReceiver();
      smtp = await smtpReceiver();
      const knex = await databases.init(databaseId);
      ({ server } = await startGantryBackend(
        knex,
        {
          notifications: {
            smtp: {
              host: '127.0.0.1',
              port: smtp.port,
              from: 'gantry@acme.example',
            },
          },
        },
        [probe.module, notificationsBackend],
      ));
      const channels = {
        webhook: {
          type: 'webhook',
          name: 'ops-webhook',
          config: { url: `${hook.url}/hook` },
          secrets: { secret: SECRET },
        },
        email: {
          type: 'email',
          name: 'ops-mail',
          config: { to: ['priya@acme.example'] },
          secrets: {},
        },
        backstage: {
          type: 'backstage',
          name: 'priya-inbox',
          config: { recipients: ['user:default/priya'] },
          secrets: {},
        },
      };
      for (const [key, body] of Object.entries(channels)) {
        const res = await call('post', '/channels').send(body);
        if (res.status !== 201) throw new Error(res.text);
        ids[key] = res.body.id;
      }
    });

    afterAll(() => {
      hook?.server.close();
      smtp?.child.kill();
    });

    it('routes a matching event to every channel of a rule, once', async () => {
      const rule = await call('post', '/rules').send({
        name: 'prod failures',
        eventType: 'run.failed',
        filter: { environment: 'prod' },
        channelIds: [ids.webhook, ids.email, ids.backstage],
      });
      expect(rule.status).toBe(201);
      ids.rule = rule.body.id;

      await runFailed('evt-1', 'prod');
      await runFailed('evt-1', 'prod'); // redelivered: sent once
      await runFailed('evt-2', 'dev'); // filtered out
      const sent = await waitForDeliveries(3);
      expect(sent).toHaveLength(3);
      expect(
        sent.map(d => [d.channelName, d.status, d.eventId]).sort(),
      ).toEqual([
        ['ops-mail', 'sent', 'evt-1'],
        ['ops-webhook', 'sent', 'evt-1'],
        ['priya-inbox', 'sent', 'evt-1'],
      ]);

      // the webhook: signed over the body with the shared secret
      expect(hook.received).toHaveLength(1);
      const [{ headers, body }] = hook.received;
      expect(
        verified(body, headers['x-gantry-signature'] as string, SECRET),
      ).toBe(true);
      expect(verified(body, headers['x-gantry-signature'] as string, 'x')).toBe(
        false,
      );
      const payload = JSON.parse(body);
      expect(payload.event).toMatchObject({
        id: 'evt-1',
        type: 'run.failed',
        tenant: 'group:default/acme',
        payload: { workflow: 'deploy', environment: 'prod' },
      });
      expect(String(payload.sentAt)).toBe(headers['x-gantry-timestamp']);

      // the email, at a real SMTP server
      const mail = smtp.received.find(m => m.data.includes('evt-1'));
      expect(mail).toMatchObject({
        from: 'gantry@acme.example',
        to: ['priya@acme.example'],
      });
      expect(mail.data).toContain('A workflow run failed: deploy');

      // the Backstage notification
      const inbox = await request(server)
        .get('/api/notifications/notifications')
        .set('authorization', as('priya'));
      expect(inbox.body.notifications).toEqual([
        expect.objectContaining({
          payload: expect.objectContaining({
            title: '[acme] A workflow run failed: deploy',
            link: '/gantry/runs/run-evt-1',
          }),
        }),
      ]);
    });

    it('sends nothing for a disabled rule or a disabled channel', async () => {
      const before = (await deliveries()).length;
      const disabled = await call('post', '/rules').send({
        name: 'deployments',
        eventType: 'deployment.*',
        channelIds: [ids.webhook],
        enabled: false,
      });
      expect(disabled.status).toBe(201);
      await probe.publish({
        id: 'evt-3',
        type: 'deployment.completed',
        payload: { application: 'checkout' },
      });
      // the prod rule is on, but its channels are off
      for (const id of [ids.webhook, ids.email, ids.backstage]) {
        const off = await call('patch', `/channels/${id}`).send({
          enabled: false,
        });
        expect(off.body.enabled).toBe(false);
      }
      await runFailed('evt-4', 'prod');
      await new Promise(r => setTimeout(r, 300));
      expect(await deliveries()).toHaveLength(before);
      expect(hook.received).toHaveLength(1);
      for (const id of [ids.webhook, ids.email, ids.backstage]) {
        await call('patch', `/channels/${id}`).send({ enabled: true });
      }
    });

    it('tests a channel and logs a failed delivery with its reason', async () => {
      const ok = await call('post', `/channels/${ids.webhook}/test`);
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({
        status: 'sent',
        channelName: 'ops-webhook',
      });
      const last = hook.received[hook.received.length - 1];
      expect(JSON.parse(last.body).title).toBe(
        'Gantry test notification for channel ops-webhook',
      );
      expect(
        verified(
          last.body,
          last.headers['x-gantry-signature'] as string,
          SECRET,
        ),
      ).toBe(true);

      const broken = await call('post', '/channels').send({
        type: 'webhook',
        name: 'broken',
        config: { url: `${hook.url}/broken` },
        secrets: { secret: SECRET },
      });
      const failed = await call('post', `/channels/${broken.body.id}/test`);
      expect(failed.body).toMatchObject({
        status: 'failed',
        error: expect.stringMatching(/answered 500/),
      });
    });

    it('never answers a secret value', async () => {
      const list = await call('get', '/channels');
      expect(list.status).toBe(200);
      expect(list.text).not.toContain(SECRET);
      expect(
        list.body.items.find((c: any) => c.id === ids.webhook),
      ).toMatchObject({
        secretNames: ['secret'],
        config: { url: `${hook.url}/hook` },
      });
      const one = await call('get', `/channels/${ids.webhook}`);
      expect(one.text).not.toContain(SECRET);
      const audit = await request(server)
        .get('/api/gantry/audit?action=notification.*')
        .set('authorization', as('ada'));
      expect(audit.body.items.length).toBeGreaterThan(0);
      expect(audit.text).not.toContain(SECRET);
    });

    it('refuses bad input with a reason, and non-admins', async () => {
      const badUrl = await call('post', '/channels').send({
        type: 'webhook',
        name: 'bad',
        config: { url: 'ftp://example.com/x' },
        secrets: { secret: SECRET },
      });
      expect(badUrl.status).toBe(400);
      expect(badUrl.body.error.message).toMatch(/config\.url/);
      const shortSecret = await call('post', '/channels').send({
        type: 'webhook',
        name: 'bad',
        config: { url: 'https://example.com/x' },
        secrets: { secret: 'short' },
      });
      expect(shortSecret.status).toBe(400);
      expect(shortSecret.body.error.message).toMatch(/secrets\.secret/);
      const unknownChannel = await call('post', '/rules').send({
        name: 'x',
        eventType: 'run.failed',
        channelIds: ['nc_nope'],
      });
      expect(unknownChannel.status).toBe(400);
      expect(unknownChannel.body.error.message).toMatch(/no channel nc_nope/);
      const badType = await call('post', '/rules').send({
        name: 'x',
        eventType: 'run failed!',
        channelIds: [ids.webhook],
      });
      expect(badType.status).toBe(400);
      expect(badType.body.error.message).toMatch(/eventType/);
      const carl = await call('post', '/channels', 'carl').send({
        type: 'email',
        name: 'carls',
        config: { to: ['carl@acme.example'] },
        secrets: {},
      });
      expect(carl.status).toBe(403);
      const catalogue = await call('get', '/events', 'carl');
      expect(catalogue.body.items).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ type: 'drift.detected' }),
          expect.objectContaining({ type: 'backup.failed' }),
        ]),
      );
    });
  },
);
