import { ChildProcess, spawn } from 'node:child_process';
import { createServer as createHttpServer, Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import {
  createTestEngine,
  testDatabases,
} from '../engine/__testUtils__/testEngine';
import { signWebhook } from './basic';

jest.setTimeout(30_000);
const databases = testDatabases();

function listen(
  server: Server | ReturnType<typeof createTcpServer>,
): Promise<number> {
  return new Promise(resolve =>
    server.listen(0, '127.0.0.1', () =>
      resolve((server.address() as AddressInfo).port),
    ),
  );
}

describe('executors', () => {
  let smtp: ChildProcess;
  let smtpPort: number;
  const received: any[] = [];
  beforeAll(async () => {
    smtp = spawn(
      process.execPath,
      [path.join(__dirname, '__testUtils__', 'smtpServer.js')],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    smtpPort = await new Promise<number>(resolve => {
      let buffer = '';
      smtp.stdout!.on('data', chunk => {
        buffer += chunk.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop()!;
        for (const line of lines) {
          if (line.startsWith('port ')) resolve(Number(line.slice(5)));
          else received.push(JSON.parse(line));
        }
      });
    });
  });
  afterAll(() => smtp.kill());

  async function engineWithSmtp() {
    const t = await createTestEngine(
      databases,
      'SQLITE_3',
      {},
      { host: '127.0.0.1', port: smtpPort, from: 'gantry@acme.example' },
    );
    t.engine.start();
    return t;
  }

  it('notify.email sends through a real SMTP server', async () => {
    const t = await engineWithSmtp();
    try {
      const run = await t.engine.submit({
        definition: `
name: mail
steps:
  - id: mail
    type: notify.email
    config:
      to: [priya@acme.example]
      subject: "Run of \${workflow.APP} finished"
      body: The deployment of \${workflow.APP} is done.
`,
        tenant: 'acme',
        createdBy: 'user:default/ada',
        context: { variables: { APP: 'checkout' } },
      });
      expect((await t.engine.waitFor(run.id)).status).toBe('succeeded');
      const message = received.find(m =>
        m.data.includes('Run of checkout finished'),
      );
      expect(message).toMatchObject({
        from: 'gantry@acme.example',
        to: ['priya@acme.example'],
      });
      expect(message.data).toContain('The deployment of checkout is done.');
      expect(message.data).toContain(`X-Gantry-Run: ${run.id}`);
    } finally {
      await t.engine.stop();
    }
  });

  it('notify.email without SMTP settings fails and says what to configure', async () => {
    const t = await createTestEngine(databases, 'SQLITE_3');
    t.engine.start();
    try {
      const run = await t.engine.submit({
        definition:
          'name: m\nsteps:\n  - id: m\n    type: notify.email\n    config:\n      to: a@b.example\n      subject: s\n      body: b\n',
        tenant: 'acme',
        createdBy: 'user:default/ada',
      });
      await t.engine.waitFor(run.id);
      expect((await t.store.getSteps(run.id))[0].error).toMatch(
        /set gantry.notifications.smtp/,
      );
    } finally {
      await t.engine.stop();
    }
  });

  it('notify.webhook signs its body with HMAC-SHA256 and http checks the status', async () => {
    const requests: Array<{ body: string; signature?: string; path?: string }> =
      [];
    const server = createHttpServer((req, res) => {
      let body = '';
      req.on('data', c => {
        body += c;
      });
      req.on('end', () => {
        requests.push({
          body,
          signature: req.headers['x-gantry-signature'] as string,
          path: req.url,
        });
        res.writeHead(req.url === '/missing' ? 404 : 200).end('{"ok":true}');
      });
    });
    const port = await listen(server);
    const t = await createTestEngine(databases, 'SQLITE_3');
    t.secrets.set('hook_secret', 'whsec-123456');
    t.engine.start();
    try {
      const run = await t.engine.submit({
        definition: `
name: hooks
steps:
  - id: hook
    type: notify.webhook
    config:
      url: http://127.0.0.1:${port}/hook
      secret: \${secrets.hook_secret}
      payload: { status: done }
  - id: get
    type: http
    config:
      url: http://127.0.0.1:${port}/missing
      expectStatus: [404]
`,
        tenant: 'acme',
        createdBy: 'user:default/ada',
      });
      expect((await t.engine.waitFor(run.id)).status).toBe('succeeded');
      const hook = requests.find(r => r.path === '/hook')!;
      expect(JSON.parse(hook.body)).toEqual({
        run: run.id,
        step: 'hook',
        payload: { status: 'done' },
      });
      expect(hook.signature).toBe(signWebhook(hook.body, 'whsec-123456'));
      expect(
        (await t.store.getSteps(run.id)).find(s => s.stepId === 'get')!.outputs,
      ).toMatchObject({ status: 404 });
    } finally {
      await t.engine.stop();
      server.close();
    }
  });

  it('validation runs HTTP and TCP health checks with retries', async () => {
    let hits = 0;
    const http = createHttpServer((_req, res) => {
      hits += 1;
      res.writeHead(hits < 3 ? 503 : 200).end();
    });
    const httpPort = await listen(http);
    const tcp = createTcpServer(socket => socket.end());
    const tcpPort = await listen(tcp);
    const t = await createTestEngine(databases, 'SQLITE_3');
    t.engine.start();
    try {
      const ok = await t.engine.submit({
        definition: `name: v\nsteps:\n  - id: health\n    type: validation\n    config:\n      healthChecks:\n        - http://127.0.0.1:${httpPort}/health\n        - 127.0.0.1:${tcpPort}\n      retries: 3\n      retryDelay: 0.05\n`,
        tenant: 'acme',
        createdBy: 'user:default/ada',
      });
      expect((await t.engine.waitFor(ok.id)).status).toBe('succeeded');
      expect(hits).toBe(3);
      const closed = await t.engine.submit({
        definition:
          'name: v\nsteps:\n  - id: health\n    type: validation\n    config:\n      checks: [{ name: db, tcp: "127.0.0.1:1" }]\n      retries: 1\n      retryDelay: 0.01\n',
        tenant: 'acme',
        createdBy: 'user:default/ada',
      });
      expect((await t.engine.waitFor(closed.id)).status).toBe('failed');
      expect((await t.store.getSteps(closed.id))[0].error).toMatch(
        /health check db failed: .*ECONNREFUSED/,
      );
      const named = await t.engine.submit({
        definition:
          'name: v\nsteps:\n  - id: health\n    type: validation\n    config:\n      healthChecks: [stripe-connectivity]\n',
        tenant: 'acme',
        createdBy: 'user:default/ada',
      });
      await t.engine.waitFor(named.id);
      expect((await t.store.getSteps(named.id))[0].error).toMatch(
        /unknown health check 'stripe-connectivity'/,
      );
    } finally {
      await t.engine.stop();
      http.close();
      tcp.close();
    }
  });
});
