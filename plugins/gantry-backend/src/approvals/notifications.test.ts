import notificationsBackend from '@backstage/plugin-notifications-backend';
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

// Backstage's real notifications backend next to Gantry: what approvers and
// requesters find in their notifications.
describe.each(databases.eachSupportedId())(
  'approval notifications on %s',
  databaseId => {
    it('tell approvers of a new request and the requester of its decision', async () => {
      const knex = await databases.init(databaseId);
      const { server } = await startGantryBackend(knex, {}, [
        notificationsBackend,
      ]);
      const notificationsOf = async (user: string) =>
        (
          await request(server)
            .get('/api/notifications/notifications')
            .set('authorization', as(user))
        ).body.notifications ?? [];

      const run = await startRun(
        server,
        'carl',
        gateWorkflow(['user:default/priya']),
      );
      await waitFor(
        server,
        `/runs/${run.id}`,
        'carl',
        r => r.status === 'waiting_approval',
      );
      const [asked] = await waitFor(
        server,
        '/approvals/inbox',
        'priya',
        p => p.items?.length === 1,
      ).then(p => p.items);

      const toPriya = await notificationsOf('priya');
      expect(toPriya).toEqual([
        expect.objectContaining({
          payload: expect.objectContaining({
            title: 'Approval needed: Ship?',
            link: `/gantry/runs/${run.id}`,
            topic: 'gantry-approvals',
          }),
        }),
      ]);
      expect(await notificationsOf('carl')).toEqual([]);

      const decided = await request(server)
        .post(`/api/gantry/approvals/${asked.id}/decision`)
        .set('authorization', as('priya'))
        .send({ decision: 'deny', comment: 'not today' });
      expect(decided.status).toBe(200);
      const toCarl = await notificationsOf('carl');
      expect(toCarl.map((n: any) => n.payload.title)).toEqual([
        'Your approval request was denied',
      ]);
      expect(toCarl[0].payload.description).toMatch(
        /denied by user:default\/priya: not today/,
      );
    });
  },
);
