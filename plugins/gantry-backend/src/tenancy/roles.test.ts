import request from 'supertest';
import { testDatabases } from '../engine/__testUtils__/testEngine';
import { as, startGantryBackend } from '../__testUtils__/gantryTestBackend';

jest.setTimeout(60_000);
const databases = testDatabases();

const GATE = `
name: gate
steps:
  - id: gate
    type: approval
    config:
      message: Ship?
      approvers: [group:default/acme]
`;

async function waitForStatus(server: any, id: string, status: string) {
  for (let i = 0; i < 500; i++) {
    const res = await request(server)
      .get(`/api/gantry/runs/${id}`)
      .set('authorization', as('ada'));
    if (res.body.status === status) return res.body;
    await new Promise(r => setTimeout(r, 20));
  }
  throw new Error(`run ${id} never reached ${status}`);
}

// The real permission backend evaluates Gantry's sample role policy; roles
// come from the demo organisation: vic is a viewer, carl a developer (both
// of tenant acme), ada a platform admin.
describe.each(databases.eachSupportedId())('roles on %s', databaseId => {
  let server: any;
  beforeAll(async () => {
    ({ server } = await startGantryBackend(await databases.init(databaseId)));
  });

  const start = (user: string, definition = GATE) =>
    request(server)
      .post('/api/gantry/runs')
      .set('authorization', as(user))
      .send({ definition });

  it('viewer reads but cannot start runs or decide approvals', async () => {
    const run = await start('ada');
    expect(run.status).toBe(201);
    await waitForStatus(server, run.body.id, 'waiting_approval');

    const denied = await start('vic');
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toMatch(
      /not allowed to gantry.run.create/,
    );

    const runs = await request(server)
      .get('/api/gantry/runs')
      .set('authorization', as('vic'));
    expect(runs.status).toBe(200);
    expect(runs.body.items.map((r: any) => r.id)).toContain(run.body.id);

    // vic is in acme-stakeholders below acme, so the request names him, but
    // viewers decide nothing
    const [approval] = (
      await request(server)
        .get(`/api/gantry/approvals?runId=${run.body.id}`)
        .set('authorization', as('vic'))
    ).body.items;
    const decision = await request(server)
      .post(`/api/gantry/approvals/${approval.id}/decision`)
      .set('authorization', as('vic'))
      .send({ decision: 'approve' });
    expect(decision.status).toBe(403);
    expect(
      (
        await request(server)
          .get(`/api/gantry/runs/${run.body.id}`)
          .set('authorization', as('vic'))
      ).body.status,
    ).toBe('waiting_approval');
  });

  it('developer starts runs and decides approvals but manages nothing', async () => {
    const run = await start('ada');
    await waitForStatus(server, run.body.id, 'waiting_approval');
    expect((await start('carl')).status).toBe(201);

    const [approval] = (
      await request(server)
        .get('/api/gantry/approvals/inbox')
        .set('authorization', as('carl'))
    ).body.items.filter((a: any) => a.runId === run.body.id);
    expect(approval).toBeDefined();
    const decision = await request(server)
      .post(`/api/gantry/approvals/${approval.id}/decision`)
      .set('authorization', as('carl'))
      .send({ decision: 'approve', comment: 'looks fine' });
    expect(decision.status).toBe(200);
    expect(decision.body).toMatchObject({
      status: 'approved',
      decidedBy: 'user:default/carl',
      decisions: [{ by: 'user:default/carl', comment: 'looks fine' }],
    });
    await waitForStatus(server, run.body.id, 'succeeded');

    for (const [method, path] of [
      ['post', '/api/gantry/providers/refresh'],
      ['post', '/api/gantry/admin/providers'],
      ['get', '/api/gantry/audit'],
    ] as const) {
      const res = await request(server)
        [method](path)
        .set('authorization', as('carl'))
        .send({ name: 'x', git_url: 'file:///x' });
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
    }
  });

  it('admin manages providers and reads the audit log', async () => {
    const refresh = await request(server)
      .post('/api/gantry/providers/refresh')
      .set('authorization', as('ada'));
    expect(refresh.status).toBe(200);
    const audit = await request(server)
      .get('/api/gantry/audit?action=providers.refresh')
      .set('authorization', as('ada'));
    expect(audit.status).toBe(200);
    expect(audit.body.items[0]).toMatchObject({
      actor: 'user:default/ada',
      action: 'providers.refresh',
      tenant: 'group:default/acme',
    });
  });
});
