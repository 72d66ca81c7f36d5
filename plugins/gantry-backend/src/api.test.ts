import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { gantryPlugin } from './plugin';
import { testDatabases } from './engine/__testUtils__/testEngine';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { demoOrganisation } from './__testUtils__/demoOrganisation';
import { gitRepo } from './__testUtils__/gitRepo';

jest.setTimeout(30_000);
const databases = testDatabases();

const HELLO = `
name: hello
steps:
  - id: greet
    type: shell
    command: echo "hello \${workflow.WHO}"
`;

async function waitForStatus(server: any, id: string, statuses: string[]) {
  for (let i = 0; i < 500; i++) {
    const res = await request(server).get(`/api/gantry/runs/${id}`);
    if (statuses.includes(res.body.status)) return res.body;
    await new Promise(r => setTimeout(r, 20));
  }
  throw new Error(`run ${id} never reached ${statuses}`);
}

describe.each(databases.eachSupportedId())(
  'runs and approvals API on %s',
  databaseId => {
    async function start(
      permission:
        | AuthorizeResult.ALLOW
        | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
    ) {
      const knex = await databases.init(databaseId);
      const { server } = await startTestBackend({
        features: [
          gantryPlugin,
          catalogServiceMock.factory({ entities: demoOrganisation() }),
          mockServices.database.factory({ knex }),
          mockServices.permissions.factory({ result: permission }),
          mockServices.rootConfig.factory({
            data: {
              gantry: {
                defaultTenant: 'group:default/acme',
                providers: { directory: `${__dirname}/../../../providers` },
              },
            },
          }),
        ],
      });
      return { server, knex };
    }

    it('starts a run, reports its steps and writes an audit event', async () => {
      const { server, knex } = await start();
      const res = await request(server)
        .post('/api/gantry/runs')
        .send({ definition: HELLO, variables: { WHO: 'gantry' } });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        workflowName: 'hello',
        status: 'pending',
        tenant: 'group:default/acme',
      });
      const done = await waitForStatus(server, res.body.id, [
        'succeeded',
        'failed',
      ]);
      expect(done.status).toBe('succeeded');
      expect(done.steps[0]).toMatchObject({
        stepId: 'greet',
        status: 'succeeded',
        outputs: { stdout: 'hello gantry\n' },
      });
      const audit = await knex('audit_events').where({
        action: 'run.create',
        target: res.body.id,
      });
      expect(audit).toHaveLength(1);
      expect(audit[0].actor).toBe(
        mockCredentials.user().principal.userEntityRef,
      );
    });

    it('answers bad input with 400 and a reason, never 500', async () => {
      const { server } = await start();
      const cases: Array<[unknown, RegExp]> = [
        [{}, /exactly one of workflow/],
        [{ definition: HELLO, workflow: 'a/b' }, /exactly one of workflow/],
        [
          { definition: 'name: x\nsteps:\n  - id: a\n    type: shel\n' },
          /unknown step type 'shel' \(did you mean shell\?\)/,
        ],
        [{ definition: HELLO }, /workflow variable WHO has no value/],
        [{ definition: HELLO, variables: { WHO: 3 } }, /variables.WHO/],
        [{ workflow: '../etc/passwd' }, /use provider\/workflow/],
        [{ definition: HELLO, surprise: true }, /Unrecognized key/i],
      ];
      for (const [body, reason] of cases) {
        const res = await request(server)
          .post('/api/gantry/runs')
          .send(body as object);
        expect({ body, status: res.status }).toEqual({ body, status: 400 });
        expect(res.body.error.message).toMatch(reason);
      }
      const list = await request(server).get('/api/gantry/runs?limit=0');
      expect(list.status).toBe(400);
      expect((await request(server).get('/api/gantry/runs/nope')).status).toBe(
        404,
      );
      expect(
        (
          await request(server)
            .post('/api/gantry/runs')
            .send({ workflow: 'nobody/nothing' })
        ).status,
      ).toBe(404);
    });

    it('starts a provider workflow by reference', async () => {
      const { server } = await start();
      const res = await request(server).post('/api/gantry/runs').send({
        workflow: 'database-team/create-postgres',
        spec: 'apiVersion: score.dev/v1b1\nmetadata:\n  name: checkout\ncontainers:\n  web:\n    image: nginx\n',
        profile: 'plan_only',
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        workflowRef: 'database-team/create-postgres',
        profile: 'plan_only',
      });
      const done = await waitForStatus(server, res.body.id, [
        'succeeded',
        'failed',
      ]);
      expect(done.status).toBe('succeeded');
      expect(done.steps[0].outputs.plan).toEqual([
        'kubectl apply Cluster/checkout-db in namespace checkout',
      ]);
      // a team's page lists the runs of its provider's workflows
      await request(server)
        .post('/api/gantry/runs')
        .send({ definition: HELLO, variables: { WHO: 'x' } });
      const ofTeam = await request(server).get(
        '/api/gantry/runs?provider=database-team',
      );
      expect(ofTeam.body.items.map((r: any) => r.id)).toEqual([res.body.id]);
      const ofOther = await request(server).get(
        '/api/gantry/runs?provider=storage-team',
      );
      expect(ofOther.body.items).toEqual([]);
      expect(
        (await request(server).get('/api/gantry/runs?provider=../x')).status,
      ).toBe(400);
    });

    it('refuses callers without permission', async () => {
      const { server } = await start(AuthorizeResult.DENY);
      const res = await request(server)
        .post('/api/gantry/runs')
        .send({ definition: HELLO });
      expect(res.status).toBe(403);
      expect((await request(server).get('/api/gantry/runs')).status).toBe(403);
      expect(
        (
          await request(server)
            .post('/api/gantry/admin/providers')
            .send({ name: 'x', git_url: 'file:///x' })
        ).status,
      ).toBe(403);
    });

    it('pages through runs with a cursor', async () => {
      const { server } = await start();
      const ids: string[] = [];
      for (const who of ['a', 'b', 'c']) {
        ids.push(
          (
            await request(server)
              .post('/api/gantry/runs')
              .send({ definition: HELLO, variables: { WHO: who } })
          ).body.id,
        );
      }
      const first = await request(server).get('/api/gantry/runs?limit=2');
      expect(first.body.items.map((r: any) => r.id)).toEqual([ids[2], ids[1]]);
      const second = await request(server).get(
        `/api/gantry/runs?limit=2&cursor=${first.body.nextCursor}`,
      );
      expect(second.body.items.map((r: any) => r.id)).toEqual([ids[0]]);
      expect(second.body.nextCursor).toBeUndefined();
    });

    it('streams run events live over SSE until the run ends', async () => {
      const { server } = await start();
      const run = await request(server).post('/api/gantry/runs').send({
        definition:
          'name: s\nsteps:\n  - id: a\n    type: shell\n    command: echo one; sleep 0.3; echo two\n',
      });
      const res = await request(server)
        .get(`/api/gantry/runs/${run.body.id}/events/stream`)
        .buffer(true)
        .parse((r, cb) => {
          let text = '';
          r.on('data', (c: Buffer) => {
            text += c.toString();
          });
          r.on('end', () => cb(null, text));
        });
      expect(res.headers['content-type']).toMatch(/text\/event-stream/);
      const text = res.body as string;
      expect(text).toMatch(/event: log\ndata: .*"line":"one"/);
      expect(text).toMatch(/event: log\ndata: .*"line":"two"/);
      expect(text).toMatch(/"status":"succeeded"/);
      expect(text.trim().endsWith('event: end\ndata: {}')).toBe(true);
    });

    it('decides approvals once: a second decision is a 409', async () => {
      const { server, knex } = await start();
      const run = await request(server).post('/api/gantry/runs').send({
        definition:
          'name: g\nsteps:\n  - id: gate\n    type: approval\n    config:\n      message: Go?\n',
      });
      await waitForStatus(server, run.body.id, ['waiting_approval']);
      const inbox = await request(server).get(
        '/api/gantry/approvals?status=pending',
      );
      expect(inbox.body.items).toHaveLength(1);
      const id = inbox.body.items[0].id;
      // the requester may not decide their own request
      const own = await request(server)
        .post(`/api/gantry/approvals/${id}/decision`)
        .send({ decision: 'approve' });
      expect(own.status).toBe(403);
      expect(own.body.error.message).toMatch(/someone else must decide/);
      const priya = mockCredentials.user.header('user:default/priya');
      const approve = await request(server)
        .post(`/api/gantry/approvals/${id}/decision`)
        .set('authorization', priya)
        .send({ decision: 'approve' });
      expect(approve.status).toBe(200);
      const deny = await request(server)
        .post(`/api/gantry/approvals/${id}/decision`)
        .set('authorization', mockCredentials.user.header('user:default/ada'))
        .send({ decision: 'deny' });
      expect(deny.status).toBe(409);
      expect(
        (
          await request(server)
            .post(`/api/gantry/approvals/${id}/decision`)
            .set('authorization', priya)
            .send({ decision: 'maybe' })
        ).status,
      ).toBe(400);
      expect(
        (await waitForStatus(server, run.body.id, ['succeeded', 'failed']))
          .status,
      ).toBe('succeeded');
      expect(
        await knex('audit_events').where({
          action: 'approval.approve',
          target: id,
        }),
      ).toHaveLength(1);
    });

    it('lists providers and registers a git source', async () => {
      const { server } = await start();
      const list = await request(server).get('/api/gantry/providers');
      expect(list.status).toBe(200);
      expect(
        list.body.items.find((p: any) => p.name === 'database-team'),
      ).toMatchObject({
        healthy: true,
        workflows: ['create-postgres', 'delete-postgres'],
        origin: { kind: 'local' },
      });
      const git = gitRepo();
      git.write('provider.yaml', 'name: hello-team\n');
      git.write(
        'workflows/hello.yaml',
        'name: hello\nsteps:\n  - id: hi\n    type: shell\n    command: echo from git\n',
      );
      git.commit('first');
      const repo = git.dir;
      const bad = await request(server)
        .post('/api/gantry/admin/providers')
        .send({ name: 'Hello', git_url: 'nope' });
      expect(bad.status).toBe(400);
      const registered = await request(server)
        .post('/api/gantry/admin/providers')
        .send({ name: 'hello-team', git_url: `file://${repo}`, ref: 'main' });
      expect(registered.status).toBe(201);
      expect(registered.body).toMatchObject({
        name: 'hello-team',
        healthy: true,
        workflows: ['hello'],
      });
      const run = await request(server)
        .post('/api/gantry/runs')
        .send({ workflow: 'hello-team/hello' });
      expect(run.status).toBe(201);
      const done = await waitForStatus(server, run.body.id, [
        'succeeded',
        'failed',
      ]);
      expect(done.steps[0].outputs.stdout).toBe('from git\n');
    });

    it('cancels and retries through the API', async () => {
      const { server } = await start();
      const run = await request(server).post('/api/gantry/runs').send({
        definition:
          'name: l\nsteps:\n  - id: a\n    type: shell\n    command: sleep 20\n',
      });
      await waitForStatus(server, run.body.id, ['running']);
      expect(
        (await request(server).post(`/api/gantry/runs/${run.body.id}/cancel`))
          .status,
      ).toBe(200);
      expect(
        (await waitForStatus(server, run.body.id, ['cancelled'])).status,
      ).toBe('cancelled');
      const retry = await request(server).post(
        `/api/gantry/runs/${run.body.id}/retry`,
      );
      expect(retry.status).toBe(400);
      expect(retry.body.error.message).toMatch(
        /only failed runs can be retried/,
      );
    });
  },
);
