import { Knex } from 'knex';
import { applyMigrations } from '../database/migrations';
import { testDatabases } from '../engine/__testUtils__/testEngine';
import { DatabaseRunStore } from '../runs/DatabaseRunStore';
import { RunStatus } from '../runs/types';
import { AnalyticsService } from './AnalyticsService';
import { AnalyticsStore } from './AnalyticsStore';
import { catchUp, CATCH_UP_CURSOR } from './catchup';

jest.setTimeout(60_000);
const databases = testDatabases();
const MIN = 60_000;
const ACME = 'group:default/acme';
const GLOBEX = 'group:default/globex';

/**
 * The catch-up counts the runs whose terminal event analytics never got,
 * reading them from the runs domain's store, once each.
 */
describe.each(databases.eachSupportedId())(
  'analytics catch-up on %s',
  databaseId => {
    let knex: Knex;
    let runs: DatabaseRunStore;
    let store: AnalyticsStore;
    let analytics: AnalyticsService;
    const now = Date.now();

    const run = async (
      id: string,
      tenant: string,
      status: RunStatus,
      times: { startedAt?: number; finishedAt?: number } = {},
      error?: string,
    ) => {
      await runs.createRun(
        {
          id,
          tenant,
          correlationId: id,
          workflowName: `wf-${id}`,
          workflowRef: `team/wf-${id}`,
          definition: 'name: x\nsteps: []\n',
          context: { inputs: {}, variables: {} },
          profile: 'standard',
          createdBy: 'user:default/carl',
          depth: 0,
        },
        [],
      );
      await runs.updateRun(id, {
        status,
        error,
        startedAt:
          times.startedAt === undefined
            ? undefined
            : new Date(times.startedAt).toISOString(),
        finishedAt:
          times.finishedAt === undefined
            ? undefined
            : new Date(times.finishedAt).toISOString(),
      });
    };

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      await applyMigrations(knex);
      runs = new DatabaseRunStore(knex);
      store = new AnalyticsStore(knex);
      analytics = new AnalyticsService(store);
      await run('r1', ACME, 'succeeded', {
        startedAt: now - 30 * MIN,
        finishedAt: now - 20 * MIN,
      });
      await run(
        'r2',
        ACME,
        'failed',
        { startedAt: now - 19 * MIN, finishedAt: now - 18 * MIN },
        'exit code 3',
      );
      // cancelled while pending: never started, lasted 0 ms
      await run('r3', GLOBEX, 'cancelled', { finishedAt: now - 17 * MIN });
      // its event came: recorded with the environment it named
      await run('r4', ACME, 'succeeded', {
        startedAt: now - 16 * MIN,
        finishedAt: now - 15 * MIN,
      });
      await analytics.record(
        {
          tenant: ACME,
          runId: 'r4',
          workflow: 'wf-r4',
          environment: 'prod',
          status: 'succeeded',
          durationMs: MIN,
          finishedAt: now - 15 * MIN,
        },
        { replace: true },
      );
      // still running, and just finished (left for its event)
      await run('r5', ACME, 'running', { startedAt: now - 10 * MIN });
      await run('r6', ACME, 'succeeded', {
        startedAt: now - 2 * MIN,
        finishedAt: now - 30_000,
      });
    });

    it('lists finished runs in finish order after a cursor (RunStore.finishedSince)', async () => {
      const all = await runs.finishedSince(undefined, 10);
      expect(all.map(r => r.id)).toEqual(['r1', 'r2', 'r3', 'r4', 'r6']);
      expect(all[1]).toEqual({
        id: 'r2',
        tenant: ACME,
        workflowName: 'wf-r2',
        workflowRef: 'team/wf-r2',
        status: 'failed',
        error: 'exit code 3',
        startedAt: new Date(now - 19 * MIN).toISOString(),
        finishedAt: new Date(now - 18 * MIN).toISOString(),
      });
      expect(all[2].startedAt).toBeUndefined();
      const after = await runs.finishedSince(
        { finishedAt: all[1].finishedAt, id: all[1].id },
        2,
      );
      expect(after.map(r => r.id)).toEqual(['r3', 'r4']);
      const before = await runs.finishedSince(
        undefined,
        10,
        new Date(now - 16 * MIN).toISOString(),
      );
      expect(before.map(r => r.id)).toEqual(['r1', 'r2', 'r3']);
    });

    it('records the runs analytics missed, once, and keeps what events recorded', async () => {
      const first = await catchUp({ store, runs, now, batchSize: 2 });
      // r1..r4 (r6 finished within the grace period); r4 was recorded already
      expect(first).toEqual({ seen: 4, recorded: 3 });
      expect(JSON.parse((await store.getState(CATCH_UP_CURSOR))!)).toEqual({
        finishedAt: new Date(now - 15 * MIN).toISOString(),
        id: 'r4',
      });
      const facts = await knex('analytics_runs').orderBy('run_id');
      expect(
        facts.map(f => ({
          run: f.run_id,
          tenant: f.tenant,
          workflow: f.workflow,
          provider: f.provider,
          environment: f.environment,
          status: f.status,
          duration: Number(f.duration_ms),
          error: f.error,
        })),
      ).toEqual([
        {
          run: 'r1',
          tenant: ACME,
          workflow: 'wf-r1',
          provider: 'team',
          environment: null,
          status: 'succeeded',
          duration: 10 * MIN,
          error: null,
        },
        {
          run: 'r2',
          tenant: ACME,
          workflow: 'wf-r2',
          provider: 'team',
          environment: null,
          status: 'failed',
          duration: MIN,
          error: 'exit code 3',
        },
        {
          run: 'r3',
          tenant: GLOBEX,
          workflow: 'wf-r3',
          provider: 'team',
          environment: null,
          status: 'cancelled',
          duration: 0,
          error: null,
        },
        {
          run: 'r4',
          tenant: ACME,
          workflow: 'wf-r4',
          provider: null,
          environment: 'prod',
          status: 'succeeded',
          duration: MIN,
          error: null,
        },
      ]);

      // nothing new: nothing recorded, the cursor stays
      expect(await catchUp({ store, runs, now, batchSize: 2 })).toEqual({
        seen: 0,
        recorded: 0,
      });
      // later: r6 is past its grace period, r5 finished meanwhile
      await runs.updateRun('r5', {
        status: 'failed',
        error: 'lost',
        finishedAt: new Date(now + MIN).toISOString(),
      });
      expect(
        await catchUp({ store, runs, now: now + 10 * MIN, batchSize: 2 }),
      ).toEqual({ seen: 2, recorded: 2 });
      const summary = await analytics.summary({
        tenant: ACME,
        window: '1h',
        now: now + 10 * MIN,
      });
      expect(summary.current).toMatchObject({
        runs: 5,
        succeeded: 3,
        failed: 2,
      });
      expect(summary.lastFailure).toMatchObject({ runId: 'r5', error: 'lost' });
    });
  },
);
