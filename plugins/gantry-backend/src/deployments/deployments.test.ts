import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import path from 'node:path';
import request from 'supertest';
import { gantryPlugin } from '../plugin';
import { testDatabases } from '../engine/__testUtils__/testEngine';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { demoOrganisation } from '../__testUtils__/demoOrganisation';
import { TEST_CHECKOUT_SPEC } from '../__testUtils__/gantryTestBackend';

jest.setTimeout(60_000);
const databases = testDatabases();
const PROVIDERS = path.resolve(__dirname, '../../../../providers');

async function waitForDeployment(server: any, id: string) {
  for (let i = 0; i < 1000; i++) {
    const res = await request(server).get(`/api/gantry/deployments/${id}`);
    if (res.body.status !== 'running') return res.body;
    await new Promise(r => setTimeout(r, 20));
  }
  throw new Error(`deployment ${id} did not finish`);
}

describe.each(databases.eachSupportedId())(
  'Score deployments on %s',
  databaseId => {
    async function start(config: object = {}) {
      const knex = await databases.init(databaseId);
      const { server } = await startTestBackend({
        features: [
          gantryPlugin,
          catalogServiceMock.factory({ entities: demoOrganisation() }),
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({
            data: {
              gantry: {
                defaultTenant: 'group:default/acme',
                providers: { directory: PROVIDERS },
                ...config,
              },
            },
          }),
        ],
      });
      return server;
    }

    it('provisions resources, then runs product workflows in phase order; first_deployment only once', async () => {
      const server = await start();
      const res = await request(server)
        .post('/api/gantry/specs?profile=plan_only')
        .set('content-type', 'application/yaml')
        .send(TEST_CHECKOUT_SPEC);
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({
        application: 'test-checkout',
        status: 'running',
        first: true,
        profile: 'plan_only',
      });
      const done = await waitForDeployment(server, res.body.id);
      expect(done.error).toBeUndefined();
      expect(done.status).toBe('succeeded');
      expect(
        done.runs.map((r: any) => [r.kind, r.ref, r.phase, r.status]),
      ).toEqual([
        ['resource', 'database-team/create-postgres', undefined, 'succeeded'],
        [
          'workflow',
          'checkout-team/payments-first-setup',
          'pre-deployment',
          'succeeded',
        ],
        [
          'workflow',
          'checkout-team/payments-preflight',
          'pre-deployment',
          'succeeded',
        ],
        [
          'workflow',
          'checkout-team/payments-smoke-test',
          'post-deployment',
          'succeeded',
        ],
      ]);
      // one after the other: run ids are time-ordered
      const ids = done.runs.map((r: any) => r.runId);
      expect([...ids].sort()).toEqual(ids);
      const provision = await request(server).get(`/api/gantry/runs/${ids[0]}`);
      expect(provision.body.steps[0].outputs.plan).toEqual([
        'kubectl apply Cluster/test-checkout-db in namespace test-checkout',
      ]);

      const app = await request(server).get(
        '/api/gantry/applications/test-checkout',
      );
      expect(app.body.resources).toEqual([
        expect.objectContaining({
          name: 'db',
          type: 'postgres',
          provider: 'database-team',
          status: 'active',
        }),
      ]);
      // the payments product's workflows a person may start by hand
      expect(app.body.manualWorkflows).toEqual([
        { provider: 'checkout-team', workflow: 'payments-reconcile' },
      ]);

      const second = await request(server)
        .post('/api/gantry/specs?profile=plan_only')
        .set('content-type', 'application/yaml')
        .send(TEST_CHECKOUT_SPEC);
      const again = await waitForDeployment(server, second.body.id);
      expect(again.first).toBe(false);
      expect(again.runs.map((r: any) => r.ref)).toEqual([
        'database-team/create-postgres',
        'checkout-team/payments-preflight',
        'checkout-team/payments-smoke-test',
      ]);

      const history = await request(server).get(
        '/api/gantry/applications/test-checkout/deployments?limit=1',
      );
      expect(history.body.items).toHaveLength(1);
      expect(history.body.items[0].id).toBe(second.body.id);
      expect(history.body.nextCursor).toBe(second.body.id);

      const manual = await request(server).post(
        '/api/gantry/applications/test-checkout/workflows/checkout-team/payments-reconcile/runs?profile=plan_only',
      );
      expect(manual.status).toBe(201);
      expect(manual.body.workflowRef).toBe('checkout-team/payments-reconcile');
    });

    it('answers an invalid Score spec with 400 naming the field', async () => {
      const server = await start();
      const res = await request(server)
        .post('/api/gantry/specs')
        .set('content-type', 'application/yaml')
        .send(
          TEST_CHECKOUT_SPEC.replace(
            'name: test-checkout',
            'name: Test_Checkout',
          ),
        );
      expect(res.status).toBe(400);
      expect(res.body.errors[0]).toMatchObject({
        path: 'metadata.name',
        line: 3,
      });
      expect(res.body.error.message).toMatch(
        /metadata.name: must be an RFC 1123 name/,
      );
      const json = await request(server)
        .post('/api/gantry/specs')
        .send({ apiVersion: 'score.dev/v1b1', metadata: { name: 'x' } });
      expect(json.status).toBe(400);
      expect(json.body.errors[0].path).toBe('containers');
      const unknownType = await request(server)
        .post('/api/gantry/specs')
        .set('content-type', 'application/yaml')
        .send(TEST_CHECKOUT_SPEC.replace('type: postgres', 'type: mongodb'));
      expect(unknownType.status).toBe(400);
      expect(unknownType.body.error.message).toMatch(
        /no provider provisions resources of type 'mongodb'/,
      );
    });

    it('refuses a deployment whose product workflows are not in allowedProductWorkflows', async () => {
      const server = await start({
        policy: {
          allowedProductWorkflows: ['checkout-team/payments-preflight'],
        },
      });
      const res = await request(server)
        .post('/api/gantry/specs?profile=plan_only')
        .set('content-type', 'application/yaml')
        .send(TEST_CHECKOUT_SPEC);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(
        /policy allowedProductWorkflows: checkout-team\/payments-first-setup, checkout-team\/payments-smoke-test may not run/,
      );
    });

    it('refuses a workflow with a step type outside allowedStepTypes, naming the rule', async () => {
      const server = await start({
        policy: { allowedStepTypes: ['kubernetes', 'approval'] },
      });
      const res = await request(server).post('/api/gantry/runs').send({
        definition:
          'name: x\nsteps:\n  - id: sh\n    type: shell\n    command: echo hi\n',
      });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(
        /policy allowedStepTypes: step 'sh' has type 'shell', which is not allowed \(allowed: kubernetes, approval\)/,
      );
    });
  },
);
