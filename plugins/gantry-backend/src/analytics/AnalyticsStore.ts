import { Knex } from 'knex';
import { errorGroupId, normaliseError } from './errors';
import {
  addTo,
  binOf,
  decodeHistogram,
  encodeHistogram,
  Histogram,
  mergeEncoded,
  newHistogram,
} from './histogram';
import {
  DAY_MS,
  HOUR_MS,
  hourOf,
  Range,
  Segments,
  segmentsOf,
} from './windows';

const TABLE = 'analytics_runs';
const GROUPS = 'analytics_error_groups';
const ROLLUPS = 'analytics_rollups';
const ERROR_ROLLUPS = 'analytics_error_rollups';
const ROLLUP_KEY = [
  'tenant',
  'grain',
  'dims',
  'bucket_start',
  'workflow',
  'environment',
];
const ERROR_ROLLUP_KEY = [
  'tenant',
  'grain',
  'bucket_start',
  'error_group',
  'workflow',
  'environment',
];
const GRAINS: Array<['h' | 'd', number]> = [
  ['h', HOUR_MS],
  ['d', DAY_MS],
];

export type TerminalStatus = 'succeeded' | 'failed' | 'cancelled';

/** One finished run, as analytics keeps it. */
export interface RunFact {
  tenant: string;
  runId: string;
  workflow: string;
  provider?: string;
  environment?: string;
  status: TerminalStatus;
  durationMs: number;
  error?: string;
  /** Epoch ms. */
  finishedAt: number;
}

/** Narrows a query to a tenant, a time range and optional dimensions. */
export interface Scope extends Range {
  tenant: string;
  workflow?: string;
  /** `null` selects the runs that named no environment. */
  environment?: string | null;
}

/** Counts and sums of a group of facts; averages are derived from them. */
export interface Totals {
  runs: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  durationSum: number;
  durationMin?: number;
  durationMax?: number;
  lastAt?: number;
  lastFailedAt?: number;
}

export type Dimension = 'workflow' | 'environment';
/** A group's value of a dimension; `null` is "no environment". */
export type GroupKey = string | null;

/** Error groups of a scope, with every workflow they hit. */
export interface ErrorGroupCount {
  id: string;
  count: number;
  lastSeen: number;
  /** Sorted by name. */
  workflows: string[];
}

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
const optNum = (v: unknown) =>
  v === null || v === undefined ? undefined : Number(v);
function maxOf(a?: number, b?: number) {
  if (a === undefined) return b;
  return b === undefined ? a : Math.max(a, b);
}
function minOf(a?: number, b?: number) {
  if (a === undefined) return b;
  return b === undefined ? a : Math.min(a, b);
}

export const emptyTotals = (): Totals => ({
  runs: 0,
  succeeded: 0,
  failed: 0,
  cancelled: 0,
  durationSum: 0,
});

function addTotals(into: Totals, t: Totals) {
  into.runs += t.runs;
  into.succeeded += t.succeeded;
  into.failed += t.failed;
  into.cancelled += t.cancelled;
  into.durationSum += t.durationSum;
  into.durationMin = minOf(into.durationMin, t.durationMin);
  into.durationMax = maxOf(into.durationMax, t.durationMax);
  into.lastAt = maxOf(into.lastAt, t.lastAt);
  into.lastFailedAt = maxOf(into.lastFailedAt, t.lastFailedAt);
}

/** Map key of a group; `null` (no environment) cannot clash with a name. */
export const groupMapKey = (key: GroupKey | undefined) =>
  key === null || key === undefined ? '\u0000' : key;

/** The rollup key a fact (as a row) adds to. */
interface FactRow {
  tenant: string;
  workflow: string;
  environment: string | null;
  status: string;
  duration_ms: number;
  error_group: string | null;
  finished_at: number;
}

/** Rollup columns (dims) of a query: which of workflow/environment it names. */
function dimsOf(scope: Scope, by?: Dimension) {
  const workflow = scope.workflow !== undefined || by === 'workflow';
  const environment = scope.environment !== undefined || by === 'environment';
  return (workflow ? 1 : 0) + (environment ? 2 : 0);
}

/** The rollup keys of some facts, each once. */
function uniqueKeys<K>(facts: FactRow[], keysOf: (fact: FactRow) => K[]): K[] {
  const keys = new Map<string, K>();
  for (const fact of facts) {
    for (const key of keysOf(fact)) keys.set(JSON.stringify(key), key);
  }
  return [...keys.values()];
}

/**
 * Analytics' own tables: the facts (one narrow row per finished run), the
 * error groups, and rollups of the facts per hour and day, maintained with
 * each fact. A range is read as whole days and hours from the rollups plus
 * the facts of the partial hours at its ends (windows.ts `segmentsOf`), so
 * counts, sums, minimum, maximum and last times are exact for any range;
 * durations of large ranges come as histograms (histogram.ts).
 */
export class AnalyticsStore {
  private readonly isPostgres: boolean;

  constructor(private readonly db: Knex) {
    this.isPostgres = String(db.client.config.client).includes('pg');
  }

  /**
   * Records a finished run once. `replace` (a platform event) overwrites a
   * fact the catch-up wrote first, since events know the environment.
   * Returns whether the fact was new.
   */
  async record(
    fact: RunFact,
    options: { replace?: boolean } = {},
  ): Promise<boolean> {
    const message = fact.status === 'failed' ? fact.error : undefined;
    const pattern = message ? normaliseError(message) : undefined;
    const group = pattern ? errorGroupId(pattern) : undefined;
    return this.db.transaction(async tx => {
      const old: FactRow | undefined = await tx(TABLE)
        .where({ tenant: fact.tenant, run_id: fact.runId })
        .first(
          'tenant',
          'workflow',
          'environment',
          'status',
          'duration_ms',
          'error_group',
          'finished_at',
        );
      if (old && !options.replace) return false;
      const row = {
        tenant: fact.tenant,
        run_id: fact.runId,
        workflow: fact.workflow,
        provider: fact.provider ?? null,
        environment: fact.environment || null,
        status: fact.status,
        duration_ms: Math.max(0, Math.round(fact.durationMs)),
        error_group: group ?? null,
        error: fact.error?.slice(0, 1000) ?? null,
        finished_at: fact.finishedAt,
      };
      await tx(TABLE).insert(row).onConflict(['tenant', 'run_id']).merge();
      if (!old) {
        await this.addToRollups(tx, row);
      } else if (rolledUpDiffers(old, row)) {
        await this.recomputeRollups(tx, [old, row]);
      }
      if (old || !group || !pattern || !message) return !old;
      const known = await tx(GROUPS)
        .where({ tenant: fact.tenant, id: group })
        .first();
      if (!known) {
        await tx(GROUPS)
          .insert({
            tenant: fact.tenant,
            id: group,
            pattern,
            sample: message.slice(0, 1000),
            first_seen: fact.finishedAt,
            last_seen: fact.finishedAt,
          })
          .onConflict(['tenant', 'id'])
          .ignore();
      } else if (fact.finishedAt >= Number(known.last_seen)) {
        await tx(GROUPS)
          .where({ tenant: fact.tenant, id: group })
          .update({
            sample: message.slice(0, 1000),
            last_seen: fact.finishedAt,
          });
      } else if (fact.finishedAt < Number(known.first_seen)) {
        await tx(GROUPS)
          .where({ tenant: fact.tenant, id: group })
          .update({ first_seen: fact.finishedAt });
      }
      return true;
    });
  }

  /** Which of these runs of a tenant are recorded already. */
  async recordedOf(tenant: string, runIds: string[]): Promise<Set<string>> {
    if (runIds.length === 0) return new Set();
    const rows = await this.db(TABLE)
      .where('tenant', tenant)
      .whereIn('run_id', runIds)
      .select('run_id');
    return new Set(rows.map((r: any) => r.run_id as string));
  }

  // ---- rollups: writing ----------------------------------------------------

  /** The rollup rows a fact belongs to: 4 keys in each grain. */
  private rollupKeysOf(f: FactRow) {
    const env = f.environment ?? '';
    const at = Number(f.finished_at);
    return GRAINS.flatMap(([grain, size]) => {
      const bucket = Math.floor(at / size) * size;
      return [
        [0, '', ''],
        [1, f.workflow, ''],
        [2, '', env],
        [3, f.workflow, env],
      ].map(([dims, workflow, environment]) => ({
        tenant: f.tenant,
        grain,
        dims: dims as number,
        bucket_start: bucket,
        workflow: workflow as string,
        environment: environment as string,
      }));
    });
  }

  private errorKeysOf(f: FactRow) {
    if (f.status !== 'failed' || !f.error_group) return [];
    const at = Number(f.finished_at);
    return GRAINS.map(([grain, size]) => ({
      tenant: f.tenant,
      grain,
      bucket_start: Math.floor(at / size) * size,
      error_group: f.error_group!,
      workflow: f.workflow,
      environment: f.environment ?? '',
    }));
  }

  /** Adds a new fact to its rollups; rows are locked on PostgreSQL. */
  private async addToRollups(tx: Knex.Transaction, f: FactRow) {
    const ms = Number(f.duration_ms);
    const at = Number(f.finished_at);
    const bin = binOf(ms);
    for (const key of this.rollupKeysOf(f)) {
      let current = await this.lockRollup(tx, key);
      if (!current) {
        // a zero row to add to; another replica may have inserted it first
        await tx(ROLLUPS)
          .insert({
            ...key,
            runs: 0,
            succeeded: 0,
            failed: 0,
            cancelled: 0,
            duration_sum: 0,
            duration_min: ms,
            duration_max: ms,
            last_at: at,
            last_failed_at: null,
            histogram: '[]',
          })
          .onConflict(ROLLUP_KEY)
          .ignore();
        current = await this.lockRollup(tx, key);
      }
      const histogram = decodeHistogram(current.histogram);
      addTo(histogram, bin);
      const failed = f.status === 'failed';
      await tx(ROLLUPS)
        .where(key)
        .update({
          runs: num(current.runs) + 1,
          succeeded:
            num(current.succeeded) + (f.status === 'succeeded' ? 1 : 0),
          failed: num(current.failed) + (failed ? 1 : 0),
          cancelled:
            num(current.cancelled) + (f.status === 'cancelled' ? 1 : 0),
          duration_sum: num(current.duration_sum) + ms,
          duration_min: Math.min(num(current.duration_min), ms),
          duration_max: Math.max(num(current.duration_max), ms),
          last_at: Math.max(num(current.last_at), at),
          last_failed_at: failed
            ? maxOf(optNum(current.last_failed_at), at)
            : current.last_failed_at ?? null,
          histogram: encodeHistogram(histogram),
        });
    }
    const newer = (column: string) =>
      tx.raw(
        `case when excluded.${column} > ${ERROR_ROLLUPS}.${column} then excluded.${column} else ${ERROR_ROLLUPS}.${column} end`,
      );
    for (const key of this.errorKeysOf(f)) {
      await tx(ERROR_ROLLUPS)
        .insert({ ...key, failures: 1, last_seen: at })
        .onConflict(ERROR_ROLLUP_KEY)
        .merge({
          failures: tx.raw(`${ERROR_ROLLUPS}.failures + 1`),
          last_seen: newer('last_seen'),
        });
    }
  }

  private lockRollup(tx: Knex.Transaction, key: Record<string, unknown>) {
    const query = tx(ROLLUPS).where(key).first();
    return this.isPostgres ? query.forUpdate() : query;
  }

  /**
   * Rebuilds the rollup rows of replaced facts from the facts (minimum,
   * maximum and last times cannot be taken back by subtraction).
   */
  private async recomputeRollups(tx: Knex.Transaction, facts: FactRow[]) {
    for (const key of uniqueKeys(facts, f => this.rollupKeysOf(f))) {
      const size = key.grain === 'h' ? HOUR_MS : DAY_MS;
      const query = tx(TABLE)
        .where('tenant', key.tenant)
        .where('finished_at', '>=', key.bucket_start)
        .where('finished_at', '<', key.bucket_start + size)
        .select('status', 'duration_ms', 'finished_at');
      if (key.dims & 1) query.where('workflow', key.workflow);
      if (key.dims & 2) {
        if (key.environment) query.where('environment', key.environment);
        else query.whereNull('environment');
      }
      const rows = await query;
      await tx(ROLLUPS).where(key).delete();
      if (rows.length === 0) continue;
      const t = emptyTotals();
      const histogram = newHistogram();
      for (const r of rows) {
        const ms = Number(r.duration_ms);
        const at = Number(r.finished_at);
        addTotals(t, {
          runs: 1,
          succeeded: r.status === 'succeeded' ? 1 : 0,
          failed: r.status === 'failed' ? 1 : 0,
          cancelled: r.status === 'cancelled' ? 1 : 0,
          durationSum: ms,
          durationMin: ms,
          durationMax: ms,
          lastAt: at,
          lastFailedAt: r.status === 'failed' ? at : undefined,
        });
        addTo(histogram, binOf(ms));
      }
      await tx(ROLLUPS).insert({
        ...key,
        runs: t.runs,
        succeeded: t.succeeded,
        failed: t.failed,
        cancelled: t.cancelled,
        duration_sum: t.durationSum,
        duration_min: t.durationMin,
        duration_max: t.durationMax,
        last_at: t.lastAt,
        last_failed_at: t.lastFailedAt ?? null,
        histogram: encodeHistogram(histogram),
      });
    }
    for (const key of uniqueKeys(facts, f => this.errorKeysOf(f))) {
      const size = key.grain === 'h' ? HOUR_MS : DAY_MS;
      const query = tx(TABLE)
        .where({
          tenant: key.tenant,
          error_group: key.error_group,
          workflow: key.workflow,
          status: 'failed',
        })
        .where('finished_at', '>=', key.bucket_start)
        .where('finished_at', '<', key.bucket_start + size);
      if (key.environment) query.where('environment', key.environment);
      else query.whereNull('environment');
      const [row] = await query.select(
        tx.raw('count(*) as n'),
        tx.raw('max(finished_at) as last_seen'),
      );
      await tx(ERROR_ROLLUPS).where(key).delete();
      if (num(row?.n) > 0) {
        await tx(ERROR_ROLLUPS).insert({
          ...key,
          failures: num(row.n),
          last_seen: num(row.last_seen),
        });
      }
    }
  }

  /** Drops hour rollups older than `before` (only range ends read them). */
  async pruneHourRollups(before: number): Promise<number> {
    const hours = hourOf(before);
    const a = await this.db(ROLLUPS)
      .where('grain', 'h')
      .where('bucket_start', '<', hours)
      .delete();
    const b = await this.db(ERROR_ROLLUPS)
      .where('grain', 'h')
      .where('bucket_start', '<', hours)
      .delete();
    return Number(a) + Number(b);
  }

  // ---- reading ------------------------------------------------------------

  /** Facts of a scope's tenant and dimensions in a range. */
  private facts(scope: Scope, range: Range = scope) {
    const query = this.db(TABLE)
      .where('tenant', scope.tenant)
      .where('finished_at', '>=', range.from)
      .where('finished_at', '<', range.to);
    if (scope.workflow !== undefined) query.where('workflow', scope.workflow);
    if (scope.environment === null) query.whereNull('environment');
    else if (scope.environment !== undefined) {
      query.where('environment', scope.environment);
    }
    return query;
  }

  /** Rollup rows of a scope's tenant and dimensions in a range of buckets. */
  private rollups(
    scope: Scope,
    grain: 'h' | 'd',
    range: Range,
    by?: Dimension,
  ) {
    const query = this.db(ROLLUPS)
      .where({ tenant: scope.tenant, grain, dims: dimsOf(scope, by) })
      .where('bucket_start', '>=', range.from)
      .where('bucket_start', '<', range.to);
    if (scope.workflow !== undefined) query.where('workflow', scope.workflow);
    if (scope.environment !== undefined) {
      query.where('environment', scope.environment ?? '');
    }
    return query;
  }

  /**
   * The rows of a read over the parts of the scope's range (facts of the
   * partial hours at its ends, whole hours, whole days), in one statement.
   */
  private parts(
    scope: Scope,
    read: {
      facts: (range: Range) => Knex.QueryBuilder;
      rollups: (grain: 'h' | 'd', range: Range) => Knex.QueryBuilder;
    },
    segments: Segments = segmentsOf(scope),
  ): Promise<any[]> {
    return this.unionAll([
      ...segments.raw.map(r => read.facts(r)),
      ...segments.hours.map(r => read.rollups('h', r)),
      ...segments.days.map(r => read.rollups('d', r)),
    ]);
  }

  /**
   * Runs queries with the same columns as one `union all` statement (knex
   * would move the first query's group by behind the union).
   */
  private async unionAll(queries: Knex.QueryBuilder[]): Promise<any[]> {
    if (queries.length === 0) return [];
    if (queries.length === 1) return queries[0];
    const compiled = queries.map(q => q.toSQL());
    const result: any = await this.db.raw(
      compiled.map(c => c.sql).join(' union all '),
      compiled.flatMap(c => c.bindings as Knex.Value[]),
    );
    return Array.isArray(result) ? result : result.rows;
  }

  private factTotalsColumns(): Knex.Raw[] {
    const k = this.db;
    return [
      k.raw('count(*) as runs'),
      k.raw(`sum(case when status = 'succeeded' then 1 else 0 end) as ok`),
      k.raw(`sum(case when status = 'failed' then 1 else 0 end) as failed`),
      k.raw(
        `sum(case when status = 'cancelled' then 1 else 0 end) as cancelled`,
      ),
      k.raw('sum(duration_ms) as duration_sum'),
      k.raw('min(duration_ms) as duration_min'),
      k.raw('max(duration_ms) as duration_max'),
      k.raw('max(finished_at) as last_at'),
      k.raw(
        `max(case when status = 'failed' then finished_at end) as last_failed_at`,
      ),
    ];
  }

  private rollupTotalsColumns(): Knex.Raw[] {
    const k = this.db;
    return [
      k.raw('sum(runs) as runs'),
      k.raw('sum(succeeded) as ok'),
      k.raw('sum(failed) as failed'),
      k.raw('sum(cancelled) as cancelled'),
      k.raw('sum(duration_sum) as duration_sum'),
      k.raw('min(duration_min) as duration_min'),
      k.raw('max(duration_max) as duration_max'),
      k.raw('max(last_at) as last_at'),
      k.raw('max(last_failed_at) as last_failed_at'),
    ];
  }

  private toTotals(row: any): Totals {
    return {
      runs: num(row?.runs),
      succeeded: num(row?.ok),
      failed: num(row?.failed),
      cancelled: num(row?.cancelled),
      durationSum: num(row?.duration_sum),
      durationMin: optNum(row?.duration_min),
      durationMax: optNum(row?.duration_max),
      lastAt: optNum(row?.last_at),
      lastFailedAt: optNum(row?.last_failed_at),
    };
  }

  /** Exact totals of a scope. */
  async totals(scope: Scope): Promise<Totals> {
    const rows = await this.parts(scope, {
      facts: r => this.facts(scope, r).select(this.factTotalsColumns()),
      rollups: (grain, r) =>
        this.rollups(scope, grain, r).select(this.rollupTotalsColumns()),
    });
    const totals = emptyTotals();
    for (const row of rows) addTotals(totals, this.toTotals(row));
    return totals;
  }

  /** Exact totals per value of a dimension, every group (there are few). */
  async totalsBy(
    scope: Scope,
    dimension: Dimension,
  ): Promise<Array<Totals & { key: GroupKey }>> {
    const rows = await this.parts(scope, {
      facts: r =>
        this.facts(scope, r)
          .select(dimension, ...this.factTotalsColumns())
          .groupBy(dimension),
      rollups: (grain, r) =>
        this.rollups(scope, grain, r, dimension)
          .select(dimension, ...this.rollupTotalsColumns())
          .groupBy(dimension),
    });
    const groups = new Map<string, Totals & { key: GroupKey }>();
    for (const row of rows) {
      // rollups name "no environment" ''; facts null
      const key: GroupKey = row[dimension] || null;
      let group = groups.get(groupMapKey(key));
      if (!group) {
        group = { key, ...emptyTotals() };
        groups.set(groupMapKey(key), group);
      }
      addTotals(group, this.toTotals(row));
    }
    return [...groups.values()];
  }

  /** How many workflows failed at least once in the scope. */
  async failingWorkflows(scope: Scope): Promise<number> {
    const rows = await this.parts(scope, {
      facts: r =>
        this.facts(scope, r).where('status', 'failed').distinct('workflow'),
      rollups: (grain, r) =>
        this.rollups(scope, grain, r, 'workflow')
          .where('failed', '>', 0)
          .distinct('workflow'),
    });
    return new Set(rows.map(r => r.workflow)).size;
  }

  /** Narrows facts or rollups to some groups of a dimension. */
  private onlyGroups(
    query: Knex.QueryBuilder,
    dimension: Dimension | undefined,
    keys: GroupKey[] | undefined,
    rollup: boolean,
  ) {
    if (!dimension || !keys) return query;
    const names = keys.filter((k): k is string => k !== null);
    const none = keys.length > names.length;
    if (rollup) {
      return query.whereIn(dimension, none ? [...names, ''] : names);
    }
    return query.where(q => {
      q.whereIn(dimension, names);
      if (none) q.orWhereNull(dimension);
    });
  }

  /**
   * Every duration of a scope (per group of a dimension), sorted: for exact
   * percentiles of small scopes.
   */
  async durations(
    scope: Scope,
    dimension?: Dimension,
    keys?: GroupKey[],
  ): Promise<Map<string, number[]>> {
    const query = this.facts(scope).select('duration_ms');
    if (dimension) query.select(dimension);
    const rows = await this.onlyGroups(query, dimension, keys, false);
    const result = new Map<string, number[]>();
    for (const row of rows as any[]) {
      const key = groupMapKey(dimension ? row[dimension] : undefined);
      let list = result.get(key);
      if (!list) result.set(key, (list = []));
      list.push(Number(row.duration_ms));
    }
    for (const list of result.values()) list.sort((a, b) => a - b);
    return result;
  }

  /** Duration histograms of a scope (per group of a dimension). */
  async histograms(
    scope: Scope,
    dimension?: Dimension,
    keys?: GroupKey[],
  ): Promise<Map<string, Histogram>> {
    const k = this.db;
    const rows = await this.parts(scope, {
      facts: r => {
        const query = this.facts(scope, r);
        if (dimension) query.select(dimension);
        query.select('duration_ms', k.raw('null as histogram'));
        return this.onlyGroups(query, dimension, keys, false);
      },
      rollups: (grain, r) => {
        const query = this.rollups(scope, grain, r, dimension);
        if (dimension) query.select(dimension);
        query.select(k.raw('null as duration_ms'), 'histogram');
        return this.onlyGroups(query, dimension, keys, true);
      },
    });
    const result = new Map<string, Histogram>();
    for (const row of rows) {
      const key = groupMapKey(dimension ? row[dimension] || null : undefined);
      let histogram = result.get(key);
      if (!histogram) result.set(key, (histogram = newHistogram()));
      if (row.histogram !== null) mergeEncoded(histogram, row.histogram);
      else addTo(histogram, binOf(Number(row.duration_ms)));
    }
    return result;
  }

  /**
   * Runs per bucket of `bucketMs` from `scope.from`. From the facts, or
   * (`fromRollups`, for buckets of whole hours) from the hour rollups plus
   * the facts of the hours that a bucket boundary cuts.
   */
  async series(scope: Scope, bucketMs: number, fromRollups = false) {
    const k = this.db;
    const bucket = (column: string) =>
      // SQLite binds JS numbers as reals: cast the quotient to whole buckets
      k.raw(`cast((${column} - ?) / ? as bigint) as bucket`, [
        scope.from,
        bucketMs,
      ]);
    const factColumns = (): Array<Knex.Raw> => [
      bucket('finished_at'),
      k.raw('count(*) as runs'),
      k.raw(`sum(case when status = 'succeeded' then 1 else 0 end) as ok`),
      k.raw(`sum(case when status = 'failed' then 1 else 0 end) as failed`),
      k.raw('sum(duration_ms) as duration_sum'),
    ];
    let rows: any[];
    if (!fromRollups || bucketMs % HOUR_MS !== 0) {
      // by the alias: PostgreSQL sees two parameterised expressions as different
      rows = await this.facts(scope).select(factColumns()).groupBy('bucket');
    } else {
      // the hours that hold a bucket boundary (or an end) are read from facts
      const cut = new Set<number>();
      for (let at = scope.from; at < scope.to; at += bucketMs) {
        if (hourOf(at) !== at) cut.add(hourOf(at));
      }
      if (hourOf(scope.to) !== scope.to) cut.add(hourOf(scope.to));
      const hours = {
        from: Math.ceil(scope.from / HOUR_MS) * HOUR_MS,
        to: hourOf(scope.to),
      };
      rows = await this.unionAll([
        ...[...cut].map(h =>
          this.facts(scope, {
            from: Math.max(h, scope.from),
            to: Math.min(h + HOUR_MS, scope.to),
          })
            .select(factColumns())
            .groupBy('bucket'),
        ),
        ...(hours.to > hours.from
          ? [
              this.rollups(scope, 'h', hours)
                .whereNotIn('bucket_start', [...cut])
                .select(
                  bucket('bucket_start'),
                  k.raw('sum(runs) as runs'),
                  k.raw('sum(succeeded) as ok'),
                  k.raw('sum(failed) as failed'),
                  k.raw('sum(duration_sum) as duration_sum'),
                )
                .groupBy('bucket'),
            ]
          : []),
      ]);
    }
    const buckets = new Map<
      number,
      {
        bucket: number;
        runs: number;
        succeeded: number;
        failed: number;
        durationSum: number;
      }
    >();
    for (const r of rows) {
      const index = Math.floor(Number(r.bucket));
      const b = buckets.get(index) ?? {
        bucket: index,
        runs: 0,
        succeeded: 0,
        failed: 0,
        durationSum: 0,
      };
      b.runs += num(r.runs);
      b.succeeded += num(r.ok);
      b.failed += num(r.failed);
      b.durationSum += num(r.duration_sum);
      buckets.set(index, b);
    }
    return [...buckets.values()];
  }

  /** The fact of a run that finished at `at` (a max from totals). */
  async factAt(scope: Scope, at: number, status?: TerminalStatus) {
    const query = this.db(TABLE)
      .where({ tenant: scope.tenant, finished_at: at })
      .select(
        'run_id',
        'workflow',
        'environment',
        'status',
        'error',
        'finished_at',
      );
    if (scope.workflow !== undefined) query.where('workflow', scope.workflow);
    if (scope.environment === null) query.whereNull('environment');
    else if (scope.environment !== undefined) {
      query.where('environment', scope.environment);
    }
    if (status) query.where('status', status);
    return query.first();
  }

  /** The facts of runs that finished at one of these times (maxima from totals). */
  async factsAt(scope: Scope, ats: number[]) {
    if (ats.length === 0) return [];
    const query = this.db(TABLE)
      .where('tenant', scope.tenant)
      .whereIn('finished_at', [...new Set(ats)])
      .select(
        'run_id',
        'workflow',
        'environment',
        'status',
        'error',
        'finished_at',
      );
    if (scope.workflow !== undefined) query.where('workflow', scope.workflow);
    if (scope.environment === null) query.whereNull('environment');
    else if (scope.environment !== undefined) {
      query.where('environment', scope.environment);
    }
    return query;
  }

  /** Error groups seen in the scope, most frequent first. */
  async errorGroups(scope: Scope): Promise<ErrorGroupCount[]> {
    const k = this.db;
    const rows = await this.parts(scope, {
      facts: r =>
        this.facts(scope, r)
          .whereNotNull('error_group')
          .where('status', 'failed')
          .select(
            'error_group',
            'workflow',
            k.raw('count(*) as n'),
            k.raw('max(finished_at) as last_seen'),
          )
          .groupBy('error_group', 'workflow'),
      rollups: (grain, r) => {
        const query = this.db(ERROR_ROLLUPS)
          .where({ tenant: scope.tenant, grain })
          .where('bucket_start', '>=', r.from)
          .where('bucket_start', '<', r.to)
          .select(
            'error_group',
            'workflow',
            k.raw('sum(failures) as n'),
            k.raw('max(last_seen) as last_seen'),
          )
          .groupBy('error_group', 'workflow');
        if (scope.workflow !== undefined) {
          query.where('workflow', scope.workflow);
        }
        if (scope.environment !== undefined) {
          query.where('environment', scope.environment ?? '');
        }
        return query;
      },
    });
    const groups = new Map<
      string,
      { id: string; count: number; lastSeen: number; workflows: Set<string> }
    >();
    for (const row of rows) {
      const id = row.error_group as string;
      let group = groups.get(id);
      if (!group) {
        group = { id, count: 0, lastSeen: 0, workflows: new Set() };
        groups.set(id, group);
      }
      group.count += num(row.n);
      group.lastSeen = Math.max(group.lastSeen, num(row.last_seen));
      group.workflows.add(row.workflow);
    }
    return [...groups.values()]
      .map(g => ({ ...g, workflows: [...g.workflows].sort() }))
      .sort((a, b) => b.count - a.count || a.id.localeCompare(b.id));
  }

  async groupDetails(tenant: string, ids: string[]) {
    if (ids.length === 0) return new Map<string, any>();
    const rows = await this.db(GROUPS)
      .where('tenant', tenant)
      .whereIn('id', ids);
    return new Map(rows.map((r: any) => [r.id as string, r]));
  }

  async getState(name: string): Promise<string | undefined> {
    const row = await this.db('analytics_state').where({ name }).first();
    return row?.value;
  }

  async setState(name: string, value: string): Promise<void> {
    await this.db('analytics_state')
      .insert({ name, value })
      .onConflict('name')
      .merge();
  }
}

/** Whether a replaced fact moves it between rollup rows or changes them. */
function rolledUpDiffers(old: FactRow, row: FactRow) {
  return (
    old.workflow !== row.workflow ||
    (old.environment ?? null) !== (row.environment ?? null) ||
    old.status !== row.status ||
    Number(old.duration_ms) !== Number(row.duration_ms) ||
    Number(old.finished_at) !== Number(row.finished_at) ||
    (old.error_group ?? null) !== (row.error_group ?? null)
  );
}
