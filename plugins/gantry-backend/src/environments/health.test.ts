import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  GantryEnvironmentAdapter,
  gantryEnvironmentAdaptersExtensionPoint,
} from '@internal/plugin-gantry-node';
import net from 'node:net';
import request from 'supertest';
import { testDatabases } from '../engine/__testUtils__/testEngine';
import { as, startGantryBackend } from '../__testUtils__/gantryTestBackend';

jest.setTimeout(120_000);
const databases = testDatabases();

/**
 * A module adapter for a platform reached over TCP: its connection test
 * really connects to settings.host:settings.port. It shows the extension
 * point and the heartbeat against a real socket on loopback.
 */
const tcpAdapter: GantryEnvironmentAdapter = {
  type: 'tcp',
  description: 'A platform listening on a TCP port',
  testConnection: env =>
    new Promise(resolve => {
      const socket = net.connect(
        Number(env.settings.port),
        String(env.settings.host),
      );
      socket.once('connect', () => {
        socket.end();
        resolve({
          ok: true,
          message: `connected to ${env.settings.host}:${env.settings.port}`,
        });
      });
      socket.once('error', error =>
        resolve({ ok: false, message: error.message }),
      );
    }),
  async apply() {},
};

const tcpModule = createBackendModule({
  pluginId: 'gantry',
  moduleId: 'tcp-adapter',
  register(reg) {
    reg.registerInit({
      deps: { adapters: gantryEnvironmentAdaptersExtensionPoint },
      async init({ adapters }) {
        adapters.addAdapters(tcpAdapter);
      },
    });
  },
});

describe.each(databases.eachSupportedId())(
  'environment health on %s',
  databaseId => {
    it('tests the connection before saving, and the heartbeat marks a lost platform unhealthy', async () => {
      const knex = await databases.init(databaseId);
      const { server, scheduler } = await startGantryBackend(knex, {}, [
        tcpModule,
      ]);
      const platform = net.createServer(socket => socket.end());
      await new Promise<void>(resolve =>
        platform.listen(0, '127.0.0.1', resolve),
      );
      const port = (platform.address() as net.AddressInfo).port;
      const admin = (method: 'post' | 'get', url: string, body?: object) =>
        (request(server) as any)
          [method](`/api/gantry${url}`)
          .set('authorization', as('ada'))
          .send(body);

      const refused = await admin('post', '/environments', {
        name: 'nowhere',
        class: 'staging',
        adapter: 'tcp',
        settings: { host: '127.0.0.1', port: 1 },
      });
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toMatch(
        /the connection test of nowhere failed: .*ECONNREFUSED/,
      );
      const unknown = await admin('post', '/environments', {
        name: 'x',
        class: 'dev',
        adapter: 'nope',
      });
      expect(unknown.body.error.message).toMatch(
        /unknown adapter 'nope'; known adapters: gantry, tcp/,
      );

      const created = await admin('post', '/environments', {
        name: 'edge',
        class: 'staging',
        adapter: 'tcp',
        settings: { host: '127.0.0.1', port },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ adapter: 'tcp', health: 'healthy' });

      await new Promise(resolve => platform.close(resolve));
      await scheduler.triggerTask('gantry-environments-health');
      const after = (await admin('get', '/environments/edge')).body;
      expect(after).toMatchObject({
        health: 'unhealthy',
        healthMessage: expect.stringMatching(/ECONNREFUSED/),
      });
      expect(Date.parse(after.healthCheckedAt)).toBeGreaterThan(
        Date.parse(created.body.healthCheckedAt),
      );
    });
  },
);
