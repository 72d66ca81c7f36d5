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

  it('so is a workflow', async () => {
    const res = await backend.call('POST', '/runs', {
      user: 'carl',
      body: { definition: ALIAS_BOMB, profile: 'plan_only' },
    });
    expect(res.status).toBe(400);
    expect(res.json.errors[0]).toMatchObject({ code: 'yaml', line: 1 });
  });
});
