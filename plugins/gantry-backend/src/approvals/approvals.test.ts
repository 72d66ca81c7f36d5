import request from 'supertest';
import { testDatabases } from '../engine/__testUtils__/testEngine';
import {
  as,
  gateWorkflow,
  startGantryBackend,
  startRun,
  waitFor,
} from '../__testUtils__/gantryTestBackend';

jest.setTimeout(120_000);
const databases = testDatabases();
const CHECKOUT = 'group:default/checkout-team';

describe.each(databases.eachSupportedId())('approvals on %s', databaseId => {
  let server: any;
  let knex: any;
  let scheduler: any;
  beforeAll(async () => {
    knex = await databases.init(databaseId);
    ({ server, scheduler } = await startGantryBackend(knex));
  });

  async function waitingRun(user: string, definition: string) {
    const run = await startRun(server, user, definition);
    await waitFor(
      server,
      `/runs/${run.id}`,
      user,
      r => r.status === 'waiting_approval',
    );
    const page = await waitFor(
      server,
      `/approvals?runId=${run.id}`,
      user,
      p => p.items?.length === 1,
    );
    return { run, approval: page.items[0] };
  }
  const decide = (
    user: string,
    id: string,
    decision: string,
    comment?: string,
  ) =>
    request(server)
      .post(`/api/gantry/approvals/${id}/decision`)
      .set('authorization', as(user))
      .send({ decision, comment });
  const inbox = async (user: string) =>
    (
      await request(server)
        .get('/api/gantry/approvals/inbox')
        .set('authorization', as(user))
    ).body.items.map((a: any) => a.id);

  it('shows a request to its approvers only, never to its requester', async () => {
    const { approval } = await waitingRun('carl', gateWorkflow([CHECKOUT]));
    expect(approval).toMatchObject({
      status: 'pending',
      requestedBy: 'user:default/carl',
      approvers: [CHECKOUT],
      requiredApprovals: 1,
      subject: { kind: 'run_step', stepId: 'gate' },
    });
    expect(await inbox('priya')).toContain(approval.id);
    expect(await inbox('carl')).not.toContain(approval.id);
    expect(await inbox('dora')).not.toContain(approval.id);
    const count = await request(server)
      .get('/api/gantry/approvals/count')
      .set('authorization', as('priya'));
    expect(count.body.pending).toBeGreaterThanOrEqual(1);

    const own = await decide('carl', approval.id, 'approve');
    expect(own.status).toBe(403);
    expect(own.body.error.message).toMatch(
      /you requested approval .*someone else must decide/,
    );
    // dora is a developer of acme but not in checkout-team
    const outsider = await decide('dora', approval.id, 'approve');
    expect(outsider.status).toBe(403);
    // a team's page lists what waits for the team
    const forTeam = async (group: string) =>
      (
        await request(server)
          .get(`/api/gantry/approvals?status=pending&approver=${group}`)
          .set('authorization', as('carl'))
      ).body.items.map((a: any) => a.id);
    expect(await forTeam(CHECKOUT)).toContain(approval.id);
    expect(await forTeam('group:default/checkout_tea')).toEqual([]);
    expect(await forTeam('group:default/storage-team')).toEqual([]);

    const ok = await decide(
      'priya',
      approval.id,
      'approve',
      'checked the plan',
    );
    expect(ok.status).toBe(200);
    expect(ok.body.decisions).toEqual([
      expect.objectContaining({
        by: 'user:default/priya',
        comment: 'checked the plan',
      }),
    ]);
  });

  it('gives two approvers deciding at once exactly one decision', async () => {
    for (let i = 0; i < 3; i++) {
      const { run, approval } = await waitingRun(
        'ada',
        gateWorkflow([CHECKOUT]),
      );
      const results = await Promise.all([
        decide('priya', approval.id, 'approve'),
        decide('carl', approval.id, i % 2 ? 'deny' : 'approve'),
      ]);
      expect(results.map(r => r.status).sort()).toEqual([200, 409]);
      expect(
        await knex('approval_decisions').where({ approval_id: approval.id }),
      ).toHaveLength(1);
      const winner = results.find(r => r.status === 200)!.body.status;
      const done = await waitFor(server, `/runs/${run.id}`, 'ada', r =>
        ['succeeded', 'failed'].includes(r.status),
      );
      expect(done.status).toBe(winner === 'approved' ? 'succeeded' : 'failed');
    }
  });

  it('waits for as many approvals as the request needs', async () => {
    const { run, approval } = await waitingRun(
      'ada',
      gateWorkflow([CHECKOUT], '\n      required_approvals: 2'),
    );
    expect(approval.requiredApprovals).toBe(2);
    expect((await decide('priya', approval.id, 'approve')).body.status).toBe(
      'pending',
    );
    // one vote per person
    expect((await decide('priya', approval.id, 'approve')).status).toBe(409);
    expect(
      (
        await request(server)
          .get(`/api/gantry/runs/${run.id}`)
          .set('authorization', as('ada'))
      ).body.status,
    ).toBe('waiting_approval');
    const second = await decide('carl', approval.id, 'approve');
    expect(second.body).toMatchObject({
      status: 'approved',
      decidedBy: 'user:default/carl',
    });
    expect(second.body.decisions.map((d: any) => d.by)).toEqual([
      'user:default/priya',
      'user:default/carl',
    ]);
    await waitFor(
      server,
      `/runs/${run.id}`,
      'ada',
      r => r.status === 'succeeded',
    );
  });

  it('fails the run of a request that expires undecided, keeping its logs', async () => {
    const { run, approval } = await waitingRun(
      'carl',
      gateWorkflow([CHECKOUT], '\n      expires: 1s'),
    );
    expect(
      Date.parse(approval.expiresAt) - Date.parse(approval.createdAt),
    ).toBeLessThanOrEqual(1500);
    await new Promise(r => setTimeout(r, 1100));
    // the expiry job Gantry schedules with Backstage's scheduler
    await scheduler.triggerTask('gantry-approvals-expiry');
    const done = await waitFor(
      server,
      `/runs/${run.id}`,
      'carl',
      r => r.status === 'failed',
    );
    expect(done.steps[0]).toMatchObject({
      stepId: 'gate',
      status: 'failed',
      error: expect.stringMatching(/expired before anyone decided it/),
    });
    const expired = await request(server)
      .get(`/api/gantry/approvals/${approval.id}`)
      .set('authorization', as('carl'));
    expect(expired.body.status).toBe('expired');
    expect((await decide('priya', approval.id, 'approve')).status).toBe(409);
    const events = await request(server)
      .get(`/api/gantry/runs/${run.id}/events`)
      .set('authorization', as('carl'));
    expect(JSON.stringify(events.body.items)).toMatch(
      /waiting for approval: Ship\?/,
    );
  });
});
