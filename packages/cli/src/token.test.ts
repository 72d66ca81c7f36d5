import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from './__testUtils__/runCli';
import { startGantryServer } from './__testUtils__/gantryServer';

jest.setTimeout(60_000);

const TOKEN = 'gantry-cli-static-token-0123456789';

const gantry = (env: Record<string, string>, ...args: string[]) =>
  runCli(args, { GANTRY_TOKEN: undefined, ...env });

// Backstage's real auth service, with a static external-access token as
// docs/platform-team.md configures it for scripts, and the tenant the
// token's subject may act in.
describe('gantry with a static service token', () => {
  let url: string;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ url, stop } = await startGantryServer({
      features: [authServiceFactory, httpAuthServiceFactory],
      config: {
        backend: {
          baseUrl: 'http://localhost:7007',
          auth: {
            externalAccess: [
              {
                type: 'static',
                options: { token: TOKEN, subject: 'gantry-cli' },
              },
            ],
          },
        },
        gantry: {
          tenancy: { serviceTenants: { 'gantry-cli': ['group:default/acme'] } },
        },
      },
    }));
  });
  afterAll(() => stop());

  it('runs a workflow and lists runs with $GANTRY_TOKEN, acting in its tenant', async () => {
    const file = path.join(
      mkdtempSync(path.join(tmpdir(), 'gantry-token-')),
      'hi.yaml',
    );
    writeFileSync(
      file,
      'name: hi\nsteps:\n  - id: hi\n    type: shell\n    command: echo hi\n',
    );
    const run = await gantry(
      { GANTRY_TOKEN: TOKEN },
      'run',
      file,
      '--server',
      url,
      '--json',
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.status).toBe('succeeded');
    const list = await gantry(
      { GANTRY_TOKEN: TOKEN },
      'runs',
      'list',
      '--server',
      url,
      '--json',
    );
    // the token's subject started it, in the tenant config grants it
    expect(JSON.parse(list.stdout).items).toEqual([
      expect.objectContaining({
        workflowName: 'hi',
        status: 'succeeded',
        tenant: 'group:default/acme',
        createdBy: 'gantry-cli',
      }),
    ]);
    // another tenant is not the token's
    const other = await gantry(
      { GANTRY_TOKEN: TOKEN },
      'runs',
      'list',
      '--server',
      `${url}`,
      '--tenant',
      'group:default/globex',
    );
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(
      /403.*not a member of tenant group:default\/globex/,
    );
  });

  it('is refused without a token or with a wrong one', async () => {
    for (const token of [undefined, 'not-the-token']) {
      const res = await gantry(
        token ? { GANTRY_TOKEN: token } : {},
        'runs',
        'list',
        '--server',
        url,
      );
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(/401/);
    }
  });
});
