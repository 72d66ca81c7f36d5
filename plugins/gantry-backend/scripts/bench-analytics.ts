/*
 * Analytics benchmark: yarn workspace @internal/plugin-gantry-backend bench:analytics
 *
 * Seeds 100k finished runs of one tenant (50 workflows, 5 environments,
 * spread over 90 days, 8 % failed with 20 kinds of error) into a SQLite
 * file, then calls each analytics endpoint over HTTP on loopback and prints
 * its p50/p95 latency per window next to raw baselines measured right there:
 * a `select count(*)` of the tenant's facts and a plain aggregate over them.
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

const RUNS = Number(process.env.GANTRY_BENCH_RUNS ?? 100_000);
const TENANT = 'group:default/acme';
const ROUNDS = 30;
const DAY = 86_400_000;

/** A small deterministic generator, so every run seeds the same data. */
function random(start: number) {
  let s = start;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
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
  console.log(`seeded in ${seedSeconds.toFixed(1)} s; ${ROUNDS} calls each\n`);
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
    console.log(`window ${window} (${runs} runs in it)`);
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
