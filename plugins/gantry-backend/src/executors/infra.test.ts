import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import { parseScoreSpec } from '@internal/plugin-gantry-common';
import {
  createTestEngine,
  testDatabases,
} from '../engine/__testUtils__/testEngine';

jest.setTimeout(30_000);
const databases = testDatabases();
const PROVIDERS = path.resolve(__dirname, '../../../../providers');
const PG = process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;

describe('infrastructure executors', () => {
  let t: Awaited<ReturnType<typeof createTestEngine>>;
  beforeEach(async () => {
    t = await createTestEngine(databases, 'SQLITE_3');
    t.engine.start();
  });
  afterEach(() => t.engine.stop());

  const submit = (definition: string, extra: object = {}) =>
    t.engine.submit({
      definition,
      tenant: 'acme',
      createdBy: 'user:default/ada',
      ...extra,
    });
  const stepsOf = async (id: string) =>
    Object.fromEntries((await t.store.getSteps(id)).map(s => [s.stepId, s]));

  it('says clearly when kubectl or terraform is missing', async () => {
    const run = await submit(`
name: tools
steps:
  - id: k8s
    type: kubernetes
    env: { PATH: /nonexistent }
    depends_on: []
    config:
      manifest: "kind: Namespace\\nmetadata:\\n  name: demo\\n"
  - id: tf
    type: terraform
    env: { PATH: /nonexistent }
    depends_on: []
    config:
      working_dir: ./tf
`);
    await t.engine.waitFor(run.id);
    const s = await stepsOf(run.id);
    expect(s.k8s.error).toBe(
      "kubectl is not installed where Gantry runs (needed for kubernetes steps): install it on the backend's PATH, or run with profile plan_only to see the plan without it",
    );
    expect(s.tf.error).toMatch(
      /^terraform or tofu is not installed where Gantry runs/,
    );
  });

  it('plans the demo create-postgres workflow fully in plan_only, without kubectl', async () => {
    const { application } = parseScoreSpec(
      'apiVersion: score.dev/v1b1\nmetadata:\n  name: checkout\ncontainers:\n  web:\n    image: nginx\n',
    );
    const run = await submit(
      readFileSync(
        path.join(PROVIDERS, 'database-team/workflows/create-postgres.yaml'),
        'utf8',
      ),
      {
        profile: 'plan_only',
        context: { application, variables: { NAMESPACE: 'payments' } },
      },
    );
    expect((await t.engine.waitFor(run.id)).status).toBe('succeeded');
    const s = await stepsOf(run.id);
    expect(s['create-postgres-cluster'].outputs.plan).toEqual([
      'kubectl apply Cluster/checkout-db in namespace payments',
    ]);
    expect(s['create-vso-externalsecret'].outputs.plan).toEqual([
      'kubectl apply VaultStaticSecret/checkout-db-credentials in namespace payments',
    ]);
    expect((s['wait-for-database-ready'].outputs.plan as string[])[0]).toMatch(
      /^would run with \/bin\/sh: kubectl wait --for=condition=Ready/,
    );
  });

  it('plans terraform commands with variables and declared outputs', async () => {
    const run = await submit(
      'name: tf\nsteps:\n  - id: lb\n    type: terraform\n    config:\n      operation: apply\n      working_dir: ./terraform/payment-lb\n      variables:\n        app_name: checkout\n      outputs: [lb_dns_name]\n',
      { profile: 'plan_only' },
    );
    await t.engine.waitFor(run.id);
    expect((await stepsOf(run.id)).lb.outputs.plan).toEqual([
      'terraform -chdir=./terraform/payment-lb init -input=false',
      'terraform -chdir=./terraform/payment-lb apply -auto-approve -input=false -var app_name=checkout',
      'terraform -chdir=./terraform/payment-lb output -json',
      'outputs: lb_dns_name',
    ]);
  });

  it('applies a manifests directory with variables and the step namespace', async () => {
    // No Kubernetes API can run on these machines: kubectl is a stand-in
    // script that records its arguments and the manifests it receives.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gantry-k8s-'));
    mkdirSync(path.join(dir, 'k8s'));
    writeFileSync(
      path.join(dir, 'k8s', '1-sa.yaml'),
      'kind: ServiceAccount\nmetadata:\n  name: ${APP_NAME}\n',
    );
    writeFileSync(
      path.join(dir, 'k8s', '2-cm.yaml'),
      'kind: ConfigMap\nmetadata:\n  name: ${APP_NAME}-config\n',
    );
    mkdirSync(path.join(dir, 'bin'));
    writeFileSync(
      path.join(dir, 'bin', 'kubectl'),
      `#!/bin/sh\necho "$*" > ${dir}/args\ncat > ${dir}/stdin\necho "serviceaccount/app created"\n`,
    );
    chmodSync(path.join(dir, 'bin', 'kubectl'), 0o755);
    const run = await submit(
      `
name: apply
steps:
  - id: apply
    type: kubernetes
    namespace: \${workflow.NS}
    env: { PATH: "${dir}/bin:/usr/bin:/bin" }
    config:
      manifests: ${dir}/k8s
      variables:
        APP_NAME: checkout
`,
      { context: { variables: { NS: 'payments' } } },
    );
    expect((await t.engine.waitFor(run.id)).status).toBe('succeeded');
    expect(readFileSync(path.join(dir, 'args'), 'utf8').trim()).toBe(
      'apply -f - -n payments',
    );
    expect(readFileSync(path.join(dir, 'stdin'), 'utf8')).toBe(
      'kind: ServiceAccount\nmetadata:\n  name: checkout\n---\nkind: ConfigMap\nmetadata:\n  name: checkout-config',
    );
    expect((await stepsOf(run.id)).apply.outputs.resources).toEqual([
      'serviceaccount/app created',
    ]);
  });

  // runs where .ci/run provides a real PostgreSQL
  (PG ? describe : describe.skip)('on PostgreSQL', () => {
    it('database-migration migrates a real PostgreSQL up and down', async () => {
      const name = `gantry_migrate_${Date.now()}`;
      const admin = knexFactory({ client: 'pg', connection: PG });
      await admin.raw(`CREATE DATABASE ${name}`);
      await admin.destroy();
      const url = new URL(PG!);
      url.pathname = `/${name}`;
      const dir = mkdtempSync(path.join(os.tmpdir(), 'gantry-migrations-'));
      writeFileSync(
        path.join(dir, '001_accounts.up.sql'),
        'CREATE TABLE accounts (id SERIAL PRIMARY KEY, owner TEXT NOT NULL);',
      );
      writeFileSync(
        path.join(dir, '001_accounts.down.sql'),
        'DROP TABLE accounts;',
      );
      writeFileSync(
        path.join(dir, '002_balance.up.sql'),
        'ALTER TABLE accounts ADD COLUMN balance NUMERIC NOT NULL DEFAULT 0;',
      );
      writeFileSync(
        path.join(dir, '002_balance.down.sql'),
        'ALTER TABLE accounts DROP COLUMN balance;',
      );
      t.secrets.set('db_url', url.toString());
      const migrate = (direction: string, version = 'latest') =>
        submit(
          `name: m\nsteps:\n  - id: migrate\n    type: database-migration\n    config:\n      connectionString: "\${secrets.db_url}"\n      migrationsPath: ${dir}\n      direction: ${direction}\n      version: ${version}\n`,
        );
      const db = knexFactory({ client: 'pg', connection: url.toString() });
      try {
        const up = await migrate('up');
        expect((await t.engine.waitFor(up.id)).status).toBe('succeeded');
        expect((await stepsOf(up.id)).migrate.outputs).toMatchObject({
          version: 2,
          changed: ['1_accounts', '2_balance'],
        });
        expect(await db('accounts').columnInfo()).toHaveProperty('balance');
        const again = await migrate('up');
        await t.engine.waitFor(again.id);
        expect((await stepsOf(again.id)).migrate.outputs).toMatchObject({
          version: 2,
          changed: [],
        });
        const down = await migrate('down');
        expect((await t.engine.waitFor(down.id)).status).toBe('succeeded');
        expect((await stepsOf(down.id)).migrate.outputs).toMatchObject({
          version: 1,
          changed: ['2_balance'],
        });
        expect(await db('accounts').columnInfo()).not.toHaveProperty('balance');
        const zero = await migrate('down', '0');
        await t.engine.waitFor(zero.id);
        expect(await db.schema.hasTable('accounts')).toBe(false);
        // the connection string was a secret: never stored in clear
        expect(
          JSON.stringify(await t.store.listEvents(up.id, 0, 100)),
        ).not.toContain(url.toString());
      } finally {
        await db.destroy();
      }
    });
  });
});
