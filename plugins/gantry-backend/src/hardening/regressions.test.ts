import http from 'node:http';
import { AddressInfo } from 'node:net';
import { hardeningDatabase } from './__testUtils__/database';
import {
  HardeningBackend,
  problemWith,
  sqliteFile,
} from './__testUtils__/harness';
import { startHardeningBackend } from './__testUtils__/harness';
import { applyMigrations } from '../database/migrations';
import { DatabaseRunStore } from '../runs/DatabaseRunStore';

jest.setTimeout(120_000);

/** Defects the load, fuzz and security suites found, one test each. */

const ALIAS_BOMB = `a: &a ["x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
name: bomb
steps: *e
`;

describe('run list pages come from an index (load suite: GET /runs slowed down with the number of runs)', () => {
  it('SQLite plans each page of a tenant by (tenant, id), without sorting all the tenant’s runs', async () => {
    const { knex } = sqliteFile();
    await applyMigrations(knex);
    const queries: Array<{ sql: string; bindings: any[] }> = [];
    knex.on('query', q => queries.push(q));
    const store = new DatabaseRunStore(knex);
    for (const cursor of [undefined, 'run_zzz']) {
      queries.length = 0;
      await store.listRuns({
        tenant: 'group:default/acme',
        limit: 50,
        parentRunId: null,
        cursor,
      });
      const { sql, bindings } = queries[0];
      const plan = await knex.raw(`explain query plan ${sql}`, bindings);
      const details = plan.map((row: any) => row.detail).join('; ');
      expect(details).toContain('runs_tenant_id_idx');
      expect(details).not.toContain('TEMP B-TREE');
    }
    await knex.destroy();
  });
});

const database = hardeningDatabase();

describe(`refusals found by fuzzing, on ${database.id}`, () => {
  let backend: HardeningBackend;
  beforeAll(async () => {
    backend = await startHardeningBackend({ knex: await database.init() });
  });
  afterAll(() => backend?.stop());

  it('a Score spec whose aliases expand into too many nodes is a 400 naming the line, not a 500', async () => {
    const res = await backend.call('POST', '/specs?profile=plan_only', {
      user: 'carl',
      text: ALIAS_BOMB,
      contentType: 'application/yaml',
    });
    expect(res.status).toBe(400);
    expect(problemWith(res)).toBeUndefined();
    expect(res.json.error.message).toMatch(
      /:1:1: invalid YAML: Excessive alias count/,
    );
  });

  it('a Score spec sent as JSON nested thousands deep is a 400, not a stack overflow', async () => {
    const res = await backend.call('POST', '/specs', {
      user: 'carl',
      text: `{"deep":${'['.repeat(5000)}${']'.repeat(5000)}}`,
    });
    expect(res.status).toBe(400);
    expect(problemWith(res)).toBeUndefined();
    expect(res.json.error.message).toBe('the spec is nested too deeply');
  });

  it.each([
    '/environments/dev?tenant=%00',
    '/environments/%00/snapshots',
    '/runs/%00/cancel',
  ])(
    'a NUL character in the URL is a 400 before it reaches the database (PostgreSQL answered 500): POST %s',
    async route => {
      const res = await backend.call('POST', route, { body: {} });
      expect(res.status).toBe(400);
      expect(res.json.error.message).toBe(
        'the request URL contains a NUL character (%00)',
      );
    },
  );

  it('so is a workflow', async () => {
    const res = await backend.call('POST', '/runs', {
      user: 'carl',
      body: { definition: ALIAS_BOMB, profile: 'plan_only' },
    });
    expect(res.status).toBe(400);
    expect(res.json.errors[0]).toMatchObject({ code: 'yaml', line: 1 });
  });
});

describe(`outbound policy holds for redirects and literal URLs (security sweep), on ${database.id}`, () => {
  let backend: HardeningBackend;
  let target: http.Server;
  let redirector: http.Server;
  const hits: string[] = [];
  const portOf = (s: http.Server) => (s.address() as AddressInfo).port;
  beforeAll(async () => {
    target = http.createServer((req, res) => {
      hits.push(req.url!);
      res.end('reached');
    });
    redirector = http.createServer((_req, res) => {
      res.writeHead(302, { location: `http://127.0.0.1:${portOf(target)}/` });
      res.end();
    });
    await new Promise<void>(r => target.listen(0, '127.0.0.1', r));
    await new Promise<void>(r => redirector.listen(0, '127.0.0.1', r));
    backend = await startHardeningBackend({
      knex: await database.init(),
      config: { policy: { allowedOutboundDomains: ['localhost'] } },
    });
  });
  afterAll(async () => {
    await backend?.stop();
    target.close();
    redirector.close();
  });

  it.each(['http', 'notify.webhook'])(
    'a %s step to an allowed host that redirects elsewhere fails on the policy and never reaches the other address',
    async type => {
      const started = await backend.call('POST', '/runs', {
        user: 'carl',
        body: {
          definition: `name: redirect\nsteps:\n  - id: call\n    type: ${type}\n    config:\n      url: http://localhost:${portOf(
            redirector,
          )}/\n`,
        },
      });
      expect(started.status).toBe(201);
      let run: any;
      for (let i = 0; i < 500; i++) {
        run = (
          await backend.call('GET', `/runs/${started.json.id}`, {
            user: 'carl',
          })
        ).json;
        if (['succeeded', 'failed'].includes(run.status)) break;
        await new Promise(r => setTimeout(r, 20));
      }
      expect(run.status).toBe('failed');
      expect(run.steps[0].error).toMatch(
        /allowedOutboundDomains: http:\/\/127\.0\.0\.1/,
      );
      expect(hits).toEqual([]);
    },
  );

  it('a step whose literal URL the policy does not allow is refused before anything runs, naming the rule', async () => {
    const res = await backend.call('POST', '/runs', {
      user: 'carl',
      body: {
        profile: 'plan_only',
        definition:
          'name: ssrf\nsteps:\n  - id: call\n    type: http\n    config:\n      url: http://169.254.169.254/latest/meta-data/\n',
      },
    });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toMatch(
      /policy allowedOutboundDomains: step 'call' calls http:\/\/169\.254\.169\.254/,
    );
  });
});
