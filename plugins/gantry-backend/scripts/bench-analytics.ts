/*
 * Analytics benchmark: yarn workspace @internal/plugin-gantry-backend bench:analytics
 *
 * Seeds 100k finished runs of one tenant (50 workflows, 5 environments,
 * spread over 90 days, 8 % failed with 20 kinds of error) into a SQLite
 * file, rolls them up (the rollups migration's backfill, timed), then calls
 * each analytics endpoint over HTTP on loopback and prints its p50/p95
 * latency per window next to raw baselines measured right there: a
 * `select count(*)` of the tenant's facts and a plain aggregate over them.
 * For each window it also checks the summary against the facts: counts
 * exact, p50/p95 within the stated error bound of the exact values.
 */
import { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import knexFactory, { Knex } from 'knex';
import { ANALYTICS_WINDOWS } from '@internal/plugin-gantry-common';
import { AnalyticsService } from '../src/analytics/AnalyticsService';
import { AnalyticsStore } from '../src/analytics/AnalyticsStore';
import { errorGroupId, normaliseError } from '../src/analytics/errors';
import { createAnalyticsRouter } from '../src/analytics/router';
import { applyMigrations } from '../src/database/migrations';
import { DatabaseRunStore } from '../src/runs/DatabaseRunStore';
import { rangesOf } from '../src/analytics/windows';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const rollupsMigration = require('../migrations/20261130040000_analytics_rollups.js');

const RUNS = Number(process.env.GANTRY_BENCH_RUNS ?? 100_000);
const TENANT = 'group:default/acme';
const ROUNDS = 30;
const DAY = 86_400_000;

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

async function seed(knex: Knex, now: number) {
  const next = random(42);
  const groups = new Map<string, any>();
  const rows = [];
  for (let i = 0; i < RUNS; i++) {
    const workflow = `workflow-${Math.floor(next() ** 2 * 50)}`;
    const failed = next() < 0.08;
    const finishedAt = now - Math.floor(next() * 90 * DAY);
    const error = failed
      ? `step ${Math.floor(next() * 9)} failed: error kind ${Math.floor(
          next() * 20,
        )} on /srv/work/${i}/main.tf after ${Math.floor(next() * 900)}s`
      : undefined;
    const pattern = error ? normaliseError(error) : undefined;
    const group = pattern ? errorGroupId(pattern) : undefined;
    if (group && error) {
      const known = groups.get(group);
      groups.set(group, {
        tenant: TENANT,
        id: group,
        pattern,
        sample: error,
        first_seen: Math.min(known?.first_seen ?? finishedAt, finishedAt),
        last_seen: Math.max(known?.last_seen ?? finishedAt, finishedAt),
      });
    }
    rows.push({
      tenant: TENANT,
      run_id: `run-${i}`,
      workflow,
      provider: 'bench-team',
      environment: `env-${Math.floor(next() * 5)}`,
      status: failed ? 'failed' : 'succeeded',
      duration_ms: Math.floor(200 + (next() * next() + next()) * 60_000),
      error_group: group ?? null,
      error: error ?? null,
      finished_at: finishedAt,
    });
  }
  for (let i = 0; i < rows.length; i += 500) {
    await knex('analytics_runs').insert(rows.slice(i, i + 500));
  }
  await knex('analytics_error_groups').insert([...groups.values()]);
}

async function timed(fn: () => Promise<unknown>) {
  for (let i = 0; i < 3; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.max(0, Math.ceil(p * ROUNDS) - 1)];
  return { p50: at(0.5), p95: at(0.95) };
}

/** The summary's figures for a window against exact ones from the facts. */
async function accuracy(
  knex: Knex,
  window: (typeof ANALYTICS_WINDOWS)[number],
  now: number,
  analytics: AnalyticsService,
) {
  const { current } = rangesOf(window, now);
  const rows = await knex('analytics_runs')
    .where('tenant', TENANT)
    .where('finished_at', '>=', current.from)
    .where('finished_at', '<', current.to)
    .select('status', 'duration_ms');
  const durations = rows
    .map((r: any) => Number(r.duration_ms))
    .sort((a: number, b: number) => a - b);
  const at = (p: number) =>
    durations[Math.max(1, Math.ceil(p * durations.length)) - 1];
  const s = await analytics.summary({ tenant: TENANT, window, now });
  const ok = rows.filter((r: any) => r.status === 'succeeded').length;
  const sum = durations.reduce((a: number, b: number) => a + b, 0);
  const countsExact =
    s.current.runs === rows.length &&
    s.current.succeeded === ok &&
    Math.abs(s.current.avgDurationMs! - sum / rows.length) < 1e-6;
  const err = (value: number | null, exact: number) =>
    `${((Math.abs(value! - exact) / exact) * 100).toFixed(2)} %`;
  return `counts ${countsExact ? 'exact' : 'WRONG'}, p50/p95 ${
    s.percentilesApproximate.current ? 'estimated' : 'exact'
  }, off by ${err(s.current.p50DurationMs, at(0.5))} / ${err(
    s.current.p95DurationMs,
    at(0.95),
  )}`;
}

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gantry-bench-analytics-'));
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: path.join(dir, 'bench.sqlite') },
    useNullAsDefault: true,
  });
  await applyMigrations(knex);
  await DatabaseRunStore.tuneSqlite(knex);
  const now = Date.now();
  const seedStart = performance.now();
  await seed(knex, now);
  const seedSeconds = (performance.now() - seedStart) / 1000;
  // the facts went in without rollups: roll them up as the migration does
  const rollupStart = performance.now();
  await rollupsMigration.down(knex);
  // in a transaction, as knex runs a migration
  await knex.transaction(tx => rollupsMigration.up(tx));
  const rollupSeconds = (performance.now() - rollupStart) / 1000;
  const [{ n: rollupRows }] = await knex('analytics_rollups').count({ n: '*' });

  const analytics = new AnalyticsService(new AnalyticsStore(knex));
  // the real router; the tenancy stub skips only authentication
  const tenancy: any = {
    authorize: async () => ({ ref: 'user:default/bench' }),
    tenantFor: async () => TENANT,
  };
  const app = express().use(createAnalyticsRouter({ analytics, tenancy }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise(resolve => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const get = async (route: string) => {
    const res = await fetch(`${base}/analytics/${route}`);
    if (!res.ok) throw new Error(`${route}: ${res.status} ${await res.text()}`);
    return res.json();
  };

  const fmt = (ms: number) => `${ms.toFixed(1).padStart(6)} ms`;
  console.log(
    `Analytics benchmark: ${RUNS} runs of one tenant over 90 days, SQLite file, Node ${process.version}`,
  );
  console.log(
    `seeded in ${seedSeconds.toFixed(
      1,
    )} s; rolled up in ${rollupSeconds.toFixed(
      1,
    )} s (${rollupRows} rollup rows); ${ROUNDS} calls each\n`,
  );
  const count = await timed(() =>
    knex('analytics_runs').where('tenant', TENANT).count({ n: '*' }),
  );
  const aggregate = await timed(() =>
    knex('analytics_runs')
      .where('tenant', TENANT)
      .select(knex.raw('count(*), sum(duration_ms), max(finished_at)')),
  );
  console.log(
    `raw select count(*) (baseline)            p50 ${fmt(count.p50)}  p95 ${fmt(
      count.p95,
    )}`,
  );
  console.log(
    `raw count+sum+max, all rows (baseline)    p50 ${fmt(
      aggregate.p50,
    )}  p95 ${fmt(aggregate.p95)}\n`,
  );

  let worst = 0;
  for (const window of ANALYTICS_WINDOWS) {
    const routes = [
      `summary?window=${window}`,
      `workflows?window=${window}&limit=25`,
      `errors?window=${window}&limit=25`,
      `environments?window=${window}`,
    ];
    const runs = (await get(routes[0])).current.runs;
    const check = await accuracy(knex, window, now, analytics);
    console.log(`window ${window} (${runs} runs in it; ${check})`);
    for (const route of routes) {
      const { p50, p95 } = await timed(() => get(route));
      worst = Math.max(worst, p95);
      console.log(
        `  ${route.split('?')[0].padEnd(14)} p50 ${fmt(p50)}  p95 ${fmt(
          p95,
        )}  ${p95 < 50 ? 'target <50 ms met' : 'target <50 ms missed'}`,
      );
    }
  }
  console.log(`\nworst endpoint p95: ${fmt(worst)}`);
  server.close();
  await knex.destroy();
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
