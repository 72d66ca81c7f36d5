import request from 'supertest';
import { testDatabases } from '../engine/__testUtils__/testEngine';
import {
  as,
  startGantryBackend,
  startRun,
  waitFor,
} from '../__testUtils__/gantryTestBackend';
import { platformEventsProbe } from './__testUtils__/platformEvents';
import { errorGroupId, normaliseError } from './errors';

jest.setTimeout(60_000);
const databases = testDatabases();
const HOUR = 3600_000;

describe('normaliseError', () => {
  it('groups messages that differ in numbers, ids, hashes and paths', () => {
    const a = normaliseError(
      'connection to 10.0.0.1:5432 timed out after 30s (run 0198c1a2b3c4d5e6f7a8b9c0)',
    );
    const b = normaliseError(
      'connection to 10.0.0.7:5432 timed out after 45s (run 0198c1a2b3c4d5e6f7a8ffff)',
    );
    expect(a).toBe(b);
    expect(a).toBe('connection to <n>:<n> timed out after <n>s (run <id>)');
    expect(
      normaliseError(
        'commit 3f9a2bc1 missing in /var/lib/gantry/ws/42/main.tf',
      ),
    ).toBe('commit <hash> missing in <path>');
    expect(errorGroupId(a)).toMatch(/^[0-9a-f]{16}$/);
  });
});

/**
 * Acceptance: analytics fed by run-terminal platform events on the gantry
 * topic, checked figure by figure against a seeded set of runs.
 */
describe.each(databases.eachSupportedId())('analytics on %s', databaseId => {
  let server: any;
  const probe = platformEventsProbe();
  const now = Date.now();

  const finished = (
    at: number,
    workflow: string,
    environment: string,
    durationMs: number,
    error?: string,
  ) =>
    probe.publish({
      type: error ? 'run.failed' : 'run.completed',
      payload: {
        runId: `${workflow}-${at}-${durationMs}`,
        workflow,
        provider: 'checkout-team',
        environment,
        status: error ? 'failed' : 'succeeded',
        startedAt: new Date(at - durationMs).toISOString(),
        finishedAt: new Date(at).toISOString(),
        durationMs,
        ...(error ? { error } : {}),
      },
    });

  beforeAll(async () => {
    const knex = await databases.init(databaseId);
    ({ server } = await startGantryBackend(knex, {}, [probe.module]));
    // this window (24h): deploy 100..1000 ms, the two slowest failed
    for (let i = 1; i <= 10; i++) {
      await finished(
        now - i * 2 * 60_000,
        'deploy',
        'prod',
        i * 100,
        i >= 9
          ? `connection to 10.0.0.${i}:5432 timed out after ${i}0s`
          : undefined,
      );
    }
    // backup: one ok, one failed, 3 hours ago
    await finished(now - 3 * HOUR, 'backup', 'dev', 5000);
    await finished(
      now - 3 * HOUR - 1000,
      'backup',
      'dev',
      7000,
      'file /var/data/backup-17.tar not found',
    );
    // the previous 24h: five good deploys
    for (const d of [200, 400, 600, 800, 1000]) {
      await finished(now - 30 * HOUR - d, 'deploy', 'prod', d);
    }
    // delivered twice: counted once
    await finished(now - 4 * 60_000, 'deploy', 'prod', 200);
    // another tenant's run and an event that is not a run's end
    await probe.publish({
      type: 'run.completed',
      tenant: 'group:default/globex',
      payload: { runId: 'g1', workflow: 'web', durationMs: 1, status: 'x' },
    });
    await probe.publish({ type: 'run.started', payload: { runId: 'r0' } });
  });

  const get = async (path: string, user = 'carl') => {
    const res = await request(server)
      .get(`/api/gantry/analytics/${path}`)
      .set('authorization', as(user));
    return res;
  };

  it('sums up a window against the previous one: KPIs, deltas, sparkline', async () => {
    const res = await get('summary?window=24h');
    expect(res.status).toBe(200);
    const s = res.body;
    expect(s.current).toEqual({
      runs: 12,
      succeeded: 9,
      failed: 3,
      cancelled: 0,
      successRate: 0.75,
      avgDurationMs: 17500 / 12,
      p50DurationMs: 600,
      p95DurationMs: 7000,
    });
    expect(s.previous).toEqual({
      runs: 5,
      succeeded: 5,
      failed: 0,
      cancelled: 0,
      successRate: 1,
      avgDurationMs: 600,
      p50DurationMs: 600,
      p95DurationMs: 1000,
    });
    expect(s.deltas.runsPct).toBeCloseTo(140, 9);
    expect(s.deltas.successRatePoints).toBeCloseTo(-25, 9);
    expect(s.deltas.avgDurationPct).toBeCloseTo(
      ((17500 / 12 - 600) / 600) * 100,
      9,
    );
    expect(s.deltas.p95DurationPct).toBeCloseTo(600, 9);
    expect(s.deltas.failuresPct).toBeNull();
    expect(s.status).toBe('critical');
    expect(s.failingWorkflows).toBe(2);
    expect(s.lastFailure).toMatchObject({
      workflow: 'deploy',
      environment: 'prod',
      error: 'connection to 10.0.0.9:5432 timed out after 90s',
    });
    expect(s.series).toHaveLength(24);
    expect(s.series.reduce((n: number, p: any) => n + p.runs, 0)).toBe(12);
    // the last hour holds the ten deploys
    expect(s.series[23]).toMatchObject({
      runs: 10,
      failed: 2,
      successRate: 0.8,
    });
    expect(s.insights.map((i: any) => i.severity)).toContain('critical');

    const hour = (await get('summary?window=1h&workflow=deploy')).body;
    expect(hour.current).toMatchObject({
      runs: 10,
      p50DurationMs: 500,
      p95DurationMs: 1000,
      avgDurationMs: 550,
      successRate: 0.8,
    });
    expect(hour.series).toHaveLength(12);
  });

  it('lists workflows, most runs first, with their own figures', async () => {
    const page = (await get('workflows?window=24h&limit=1')).body;
    expect(page.total).toBe(2);
    expect(page.nextCursor).toBe('1');
    expect(page.items[0]).toMatchObject({
      workflow: 'deploy',
      runs: 10,
      successRate: 0.8,
      avgDurationMs: 550,
      p50DurationMs: 500,
      p95DurationMs: 1000,
      lastFailure: { error: expect.stringMatching(/10\.0\.0\.9/) },
    });
    const next = (await get('workflows?window=24h&limit=1&cursor=1')).body;
    expect(next.nextCursor).toBeUndefined();
    expect(next.items[0]).toMatchObject({
      workflow: 'backup',
      runs: 2,
      successRate: 0.5,
      p50DurationMs: 5000,
      p95DurationMs: 7000,
      avgDurationMs: 6000,
      lastFailure: { error: 'file /var/data/backup-17.tar not found' },
    });
  });

  it('groups errors by their normalised message', async () => {
    const { items, total } = (await get('errors?window=24h')).body;
    expect(total).toBe(2);
    expect(items[0]).toMatchObject({
      pattern: 'connection to <n>:<n> timed out after <n>s',
      sample: 'connection to 10.0.0.9:5432 timed out after 90s',
      count: 2,
      affectedWorkflows: 1,
      workflows: ['deploy'],
    });
    expect(Date.parse(items[0].firstSeen)).toBe(now - 20 * 60_000);
    expect(Date.parse(items[0].lastSeen)).toBe(now - 18 * 60_000);
    expect(items[1]).toMatchObject({
      pattern: 'file <path> not found',
      count: 1,
    });
  });

  it('shows each environment with its runs', async () => {
    const { items } = (await get('environments?window=24h')).body;
    expect(items).toEqual([
      expect.objectContaining({
        environment: 'dev',
        runs: 2,
        successRate: 0.5,
        status: 'critical',
        lastRunStatus: 'succeeded',
      }),
      expect.objectContaining({
        environment: 'prod',
        runs: 10,
        p95DurationMs: 1000,
        status: 'degraded',
        lastRunStatus: 'succeeded',
      }),
    ]);
  });

  it("keeps to the caller's tenant and says what is wrong with a query", async () => {
    const gina = (await get('summary?window=24h', 'gina')).body;
    expect(gina.tenant).toBe('group:default/globex');
    // globex's own run, none of acme's
    expect(gina.current.runs).toBe(1);
    expect(gina.lastFailure).toBeUndefined();
    expect(
      (await get('summary?tenant=group:default/acme', 'gina')).status,
    ).toBe(403);
    const bad = await get('summary?window=2d');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/window/);
  });

  it('records the runs Gantry itself finishes, timed from the run when the event is not', async () => {
    const run = await startRun(
      server,
      'carl',
      'name: broken\nsteps:\n  - id: fail\n    type: shell\n    command: sleep 0.2; exit 3\n',
    );
    await waitFor(
      server,
      `/runs/${run.id}`,
      'carl',
      r => r.status === 'failed',
    );
    const summary = await waitFor(
      server,
      '/analytics/summary?window=1h&workflow=broken',
      'carl',
      s => s.current?.runs === 1,
    );
    expect(summary.current.failed).toBe(1);
    expect(summary.current.avgDurationMs).toBeGreaterThanOrEqual(200);
    expect(summary.lastFailure).toMatchObject({
      runId: run.id,
      workflow: 'broken',
    });
  });
});
