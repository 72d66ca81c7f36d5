import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createGantryStatusAction } from './status';

// A real HTTP server stands in for the Gantry backend's health route.
function serve(status: number, body: unknown): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url !== '/api/gantry/health') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  return new Promise(resolve =>
    server.listen(0, '127.0.0.1', () => resolve(server)),
  );
}

function discoveryFor(server: Server) {
  const { port } = server.address() as AddressInfo;
  return mockServices.discovery.mock({
    getBaseUrl: async (pluginId: string) =>
      `http://127.0.0.1:${port}/api/${pluginId}`,
  });
}

describe('gantry:status', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  it('outputs the database client and pending migrations', async () => {
    server = await serve(200, {
      status: 'ok',
      database: {
        client: 'pg',
        migrations: { applied: ['a.js'], pending: ['b.js'] },
      },
    });
    const action = createGantryStatusAction({
      discovery: discoveryFor(server),
    });
    const ctx = createMockActionContext({ input: {} });

    await action.handler(ctx);

    expect(ctx.output).toHaveBeenCalledWith('databaseClient', 'pg');
    expect(ctx.output).toHaveBeenCalledWith('pendingMigrations', 1);
  });

  it('fails the step with the backend status when Gantry is down', async () => {
    server = await serve(503, { error: { name: 'Error', message: 'down' } });
    const action = createGantryStatusAction({
      discovery: discoveryFor(server),
    });

    await expect(
      action.handler(createMockActionContext({ input: {} })),
    ).rejects.toThrow(/503/);
  });
});
