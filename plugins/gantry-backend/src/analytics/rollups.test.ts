import { Knex } from 'knex';
import { applyMigrations } from '../database/migrations';
import { testDatabases } from '../engine/__testUtils__/testEngine';
import { AnalyticsService } from './AnalyticsService';
import { AnalyticsStore, RunFact } from './AnalyticsStore';
import { errorGroupId, normaliseError } from './errors';
import {
  addTo,
  binOf,
  decodeHistogram,
  encodeHistogram,
  exactPercentile,
  lowerOf,
  newHistogram,
  PERCENTILE_MAX_RELATIVE_ERROR,
  percentileOf,
  upperOf,
} from './histogram';
import { rangesOf, segmentsOf, WINDOWS } from './windows';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const rollupsMigration = require('../../migrations/20261130040000_analytics_rollups.js');

jest.setTimeout(120_000);
const databases = testDatabases();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const BOUND = PERCENTILE_MAX_RELATIVE_ERROR;
const TENANT = 'group:default/acme';

/**
 * A small deterministic generator (mulberry32), so every run seeds the same
 * data; 32-bit integer arithmetic, so it does not fall into a short cycle.
 */
function random(start: number) {
  let a = start >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sorted = (values: number[]) => [...values].sort((a, b) => a - b);

describe('duration histograms', () => {
  it('puts every duration in the bin whose edges hold it', () => {
    expect(binOf(0)).toBe(0);
    for (const ms of [1, 2, 3, 7, 8, 9, 1000, 1024, 65536, 3_600_000, 9e9]) {
      const bin = binOf(ms);
      expect(lowerOf(bin)).toBeLessThanOrEqual(ms);
      expect(upperOf(bin)).toBeGreaterThan(ms);
      // the edges are a fixed factor apart
      expect(upperOf(bin) / lowerOf(bin)).toBeCloseTo(2 ** (1 / 16), 12);
    }
    expect(BOUND).toBeCloseTo(0.0219, 4);
  });

  it('stores counts per bin and estimates percentiles within the bound', () => {
    const next = random(7);
    for (let round = 0; round < 20; round++) {
      const values = Array.from({ length: 50 + round * 37 }, () =>
        Math.floor(next() ** 3 * 600_000),
      );
      const histogram = newHistogram();
      for (const v of values) addTo(histogram, binOf(v));
      const decoded = decodeHistogram(encodeHistogram(histogram));
      expect(decoded).toEqual(histogram);
      const exact = sorted(values);
      const bounds = { min: exact[0], max: exact[exact.length - 1] };
      for (const p of [0.01, 0.5, 0.9, 0.95, 0.99, 1]) {
        const estimate = percentileOf(decoded, p, bounds)!;
        const truth = exactPercentile(exact, p)!;
        // a 0 ms percentile comes out as 0 exactly
        const error =
          truth === 0 ? estimate : Math.abs(estimate - truth) / truth;
        expect(error).toBeLessThanOrEqual(BOUND);
      }
    }
    expect(encodeHistogram(newHistogram())).toBe('[]');
    expect(percentileOf(newHistogram(), 0.5, { min: 0, max: 0 })).toBeNull();
  });

  it('splits a range into raw ends, whole hours and whole days that add up to it', () => {
    const now = Date.UTC(2026, 10, 30, 15, 37, 12, 345);
    for (const window of Object.keys(WINDOWS) as Array<keyof typeof WINDOWS>) {
      const { current } = rangesOf(window, now);
      const { raw, hours, days } = segmentsOf(current);
      const parts = [...raw, ...hours, ...days].sort((a, b) => a.from - b.from);
      expect(parts[0].from).toBe(current.from);
      expect(parts[parts.length - 1].to).toBe(current.to);
      for (let i = 1; i < parts.length; i++) {
        expect(parts[i].from).toBe(parts[i - 1].to);
      }
      for (const h of hours) expect(h.from % HOUR).toBe(0);
      for (const d of days) expect([d.from % DAY, d.to % DAY]).toEqual([0, 0]);
      for (const r of raw) expect(r.to - r.from).toBeLessThanOrEqual(HOUR);
    }
    expect(segmentsOf({ from: 5, to: 5 }).raw).toEqual([]);
  });
});

/**
 * Long windows read from rollups: checked against a seeded set of runs with
 * known durations. Counts, success rates, averages, last times, series and
 * error groups are exact; p50/p95 of groups larger than the exact limit are
 * within the stated bound.
 */
describe.each(databases.eachSupportedId())('rollups on %s', databaseId => {
  let knex: Knex;
  let store: AnalyticsStore;
  let approximate: AnalyticsService;
  let exact: AnalyticsService;
  // not on an hour, so every window has raw ends
  const now = Date.UTC(2026, 10, 30, 15, 37, 12, 345);
  const facts: RunFact[] = [];

  beforeAll(async () => {
    knex = await databases.init(databaseId);
    await applyMigrations(knex);
    store = new AnalyticsStore(knex);
    approximate = new AnalyticsService(store, undefined, {
      exactPercentilesUpTo: 20,
    });
    exact = new AnalyticsService(store, undefined, {
      exactPercentilesUpTo: Infinity,
    });
    const next = random(11);
    for (let i = 0; i < 700; i++) {
      const roll = next();
      let status: RunFact['status'] = 'succeeded';
      if (roll < 0.1) status = 'failed';
      else if (roll < 0.13) status = 'cancelled';
      const workflow = ['deploy', 'backup', 'migrate'][Math.floor(next() * 3)];
      const environment = [undefined, 'dev', 'prod'][Math.floor(next() * 3)];
      facts.push({
        tenant: TENANT,
        runId: `run-${i}`,
        workflow,
        environment,
        status,
        // 0 ms (cancelled before start) up to ~10 min
        durationMs:
          status === 'cancelled' && next() < 0.5
            ? 0
            : Math.floor(50 + next() ** 2 * 600_000),
        error:
          status === 'failed'
            ? `step ${i % 4} failed: ${
                next() < 0.5 ? 'timeout after 30s' : `exit code ${i % 7}`
              }`
            : undefined,
        finishedAt: now - 1 - Math.floor(next() * 181 * DAY),
      });
    }
    // another tenant's runs stay out of every figure
    facts.push({ ...facts[0], tenant: 'group:default/globex', runId: 'g-1' });
    for (const fact of facts) await store.record(fact);
  });

  const mine = (from: number, to: number, filter: Partial<RunFact> = {}) =>
    facts.filter(
      f =>
        f.tenant === TENANT &&
        f.finishedAt >= from &&
        f.finishedAt < to &&
        (filter.workflow === undefined || f.workflow === filter.workflow) &&
        (!('environment' in filter) || f.environment === filter.environment),
    );

  const expectFigures = (figures: any, runs: RunFact[], approx: boolean) => {
    const durations = sorted(runs.map(f => f.durationMs));
    const ok = runs.filter(f => f.status === 'succeeded').length;
    expect(figures).toMatchObject({
      runs: runs.length,
      succeeded: ok,
      failed: runs.filter(f => f.status === 'failed').length,
      cancelled: runs.filter(f => f.status === 'cancelled').length,
    });
    expect(figures.successRate).toBeCloseTo(ok / runs.length, 12);
    expect(figures.avgDurationMs).toBeCloseTo(
      durations.reduce((a, b) => a + b, 0) / runs.length,
      6,
    );
    for (const [p, value] of [
      [0.5, figures.p50DurationMs],
      [0.95, figures.p95DurationMs],
    ]) {
      const truth = exactPercentile(durations, p)!;
      if (!approx) expect(value).toBe(truth);
      else if (truth === 0) expect(value).toBe(0);
      else expect(Math.abs(value - truth) / truth).toBeLessThanOrEqual(BOUND);
    }
  };

  it.each(['7d', '30d', '90d'] as const)(
    'sums up a %s window from rollups: exact counts, bounded percentiles',
    async window => {
      const { current, previous } = rangesOf(window, now);
      for (const service of [approximate, exact]) {
        const s = await service.summary({ tenant: TENANT, window, now });
        const runs = mine(current.from, current.to);
        const before = mine(previous.from, previous.to);
        // above the exact limit, from histograms
        const isApprox = service === approximate;
        expect(s.percentilesApproximate).toEqual({
          current: isApprox && runs.length > 20,
          previous: isApprox && before.length > 20,
        });
        expect(runs.length).toBeGreaterThan(20);
        expect(s.percentileMaxRelativeError).toBe(BOUND);
        expectFigures(s.current, runs, s.percentilesApproximate.current);
        expectFigures(s.previous, before, s.percentilesApproximate.previous);
        const lastFailed = Math.max(
          ...runs.filter(f => f.status === 'failed').map(f => f.finishedAt),
        );
        expect(Date.parse(s.lastFailure!.finishedAt)).toBe(lastFailed);
        expect(s.lastFailure!.runId).toBe(
          runs.find(f => f.finishedAt === lastFailed)!.runId,
        );
        expect(s.failingWorkflows).toBe(
          new Set(runs.filter(f => f.status === 'failed').map(f => f.workflow))
            .size,
        );
        // every sparkline bucket is exact, also those cut inside an hour
        const { bucketMs } = WINDOWS[window];
        s.series.forEach((point, i) => {
          const from = current.from + i * bucketMs;
          const inIt = mine(from, Math.min(from + bucketMs, current.to));
          expect([point.runs, point.failed]).toEqual([
            inIt.length,
            inIt.filter(f => f.status === 'failed').length,
          ]);
        });
      }
      // a filtered summary reads the workflow-and-environment rollups
      const filtered = await approximate.summary({
        tenant: TENANT,
        window,
        now,
        workflow: 'deploy',
        environment: '(none)',
      });
      expectFigures(
        filtered.current,
        mine(current.from, current.to, {
          workflow: 'deploy',
          environment: undefined,
        }),
        filtered.percentilesApproximate.current,
      );
    },
  );

  it('gives each workflow and environment its figures from rollups', async () => {
    const { current } = rangesOf('90d', now);
    const page = await approximate.workflows(
      { tenant: TENANT, window: '90d', now },
      { limit: 2 },
    );
    expect(page.total).toBe(3);
    expect(page.nextCursor).toBe('2');
    const rest = await approximate.workflows(
      { tenant: TENANT, window: '90d', now },
      { limit: 2, cursor: '2' },
    );
    const rows = [...page.items, ...rest.items];
    expect(rows.map(r => r.runs)).toEqual(
      [...rows.map(r => r.runs)].sort((a, b) => b - a),
    );
    for (const row of rows) {
      const runs = mine(current.from, current.to, { workflow: row.workflow });
      expect(row.percentilesApproximate).toBe(runs.length > 20);
      expectFigures(row, runs, row.percentilesApproximate);
      expect(Date.parse(row.lastRunAt)).toBe(
        Math.max(...runs.map(f => f.finishedAt)),
      );
    }
    // filtered by environment: the workflow-and-environment rollups
    const prod = await approximate.workflows(
      { tenant: TENANT, window: '30d', now, environment: 'prod' },
      { limit: 10 },
    );
    const month = rangesOf('30d', now).current;
    for (const row of prod.items) {
      expectFigures(
        row,
        mine(month.from, month.to, {
          workflow: row.workflow,
          environment: 'prod',
        }),
        row.percentilesApproximate,
      );
    }

    const envs = await approximate.environments({
      tenant: TENANT,
      window: '90d',
      now,
    });
    expect(envs.map(e => e.environment)).toEqual(['(none)', 'dev', 'prod']);
    for (const env of envs) {
      const runs = mine(current.from, current.to, {
        environment: env.environment === '(none)' ? undefined : env.environment,
      });
      expectFigures(env, runs, env.percentilesApproximate);
      const last = runs.reduce((a, b) => (a.finishedAt > b.finishedAt ? a : b));
      expect(env.lastRunStatus).toBe(last.status);
    }
  });

  it('counts error groups over long windows exactly', async () => {
    for (const window of ['7d', '90d'] as const) {
      const { current } = rangesOf(window, now);
      const failed = mine(current.from, current.to).filter(
        f => f.status === 'failed',
      );
      const expected = new Map<string, { count: number; wf: Set<string> }>();
      for (const f of failed) {
        const id = errorGroupId(normaliseError(f.error!));
        const g = expected.get(id) ?? { count: 0, wf: new Set<string>() };
        g.count++;
        g.wf.add(f.workflow);
        expected.set(id, g);
      }
      const page = await approximate.errorGroups(
        { tenant: TENANT, window, now },
        { limit: 50 },
      );
      expect(page.total).toBe(expected.size);
      for (const item of page.items) {
        const g = expected.get(item.id)!;
        expect(item.count).toBe(g.count);
        expect(item.affectedWorkflows).toBe(g.wf.size);
        expect(item.workflows).toEqual([...g.wf].sort());
      }
      const prod = await approximate.errorGroups(
        { tenant: TENANT, window, now, environment: 'prod' },
        { limit: 50 },
      );
      expect(prod.items.reduce((n, g) => n + g.count, 0)).toBe(
        failed.filter(f => f.environment === 'prod').length,
      );
    }
  });

  const snapshot = async () => {
    const rollups = await knex('analytics_rollups').orderBy([
      'tenant',
      'grain',
      'dims',
      'bucket_start',
      'workflow',
      'environment',
    ]);
    const errors = await knex('analytics_error_rollups').orderBy([
      'tenant',
      'grain',
      'bucket_start',
      'error_group',
      'workflow',
      'environment',
    ]);
    const plain = (rows: any[]) =>
      rows.map(r =>
        Object.fromEntries(
          Object.entries(r).map(([k, v]) => [
            k,
            typeof v === 'string' && k !== 'histogram' && /^\d+$/.test(v)
              ? Number(v)
              : v,
          ]),
        ),
      );
    return { rollups: plain(rollups), errors: plain(errors) };
  };

  it('moves a replaced fact between rollups (an event after the catch-up)', async () => {
    const before = await snapshot();
    const base: RunFact = {
      tenant: TENANT,
      runId: 'late-event',
      workflow: 'deploy',
      status: 'succeeded',
      durationMs: 10,
      finishedAt: now - 1,
    };
    // the catch-up knew no environment; the event does, and more
    expect(await store.record(base)).toBe(true);
    expect(await store.record(base)).toBe(false);
    await store.record(
      {
        ...base,
        environment: 'prod',
        status: 'failed',
        durationMs: 7_000_000,
        error: 'quota exceeded',
      },
      { replace: true },
    );
    const { current } = rangesOf('7d', now);
    const envs = await approximate.environments({
      tenant: TENANT,
      window: '7d',
      now,
    });
    const prod = mine(current.from, current.to, { environment: 'prod' });
    expect(envs.find(e => e.environment === 'prod')).toMatchObject({
      runs: prod.length + 1,
      failed: prod.filter(f => f.status === 'failed').length + 1,
    });
    expect(envs.find(e => e.environment === '(none)')!.runs).toBe(
      mine(current.from, current.to, { environment: undefined }).length,
    );
    const summary = await exact.summary({ tenant: TENANT, window: '7d', now });
    expect(summary.lastFailure?.runId).toBe('late-event');

    // without the fact, its rollups come back to what they were, exactly
    await knex('analytics_runs').where({ run_id: 'late-event' }).delete();
    await knex.transaction(tx =>
      (store as any).recomputeRollups(tx, [
        {
          tenant: TENANT,
          workflow: 'deploy',
          environment: 'prod',
          status: 'failed',
          duration_ms: 7_000_000,
          error_group: errorGroupId(normaliseError('quota exceeded')),
          finished_at: base.finishedAt,
        },
      ]),
    );
    expect(await snapshot()).toEqual(before);
  });

  it('backfills the same rollups from existing facts as recording builds', async () => {
    const recorded = await snapshot();
    await rollupsMigration.down(knex);
    await rollupsMigration.up(knex);
    expect(await snapshot()).toEqual(recorded);
  });
});
