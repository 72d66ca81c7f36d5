import { Knex } from 'knex';
import { errorGroupId, normaliseError } from './errors';
import { Range } from './windows';

const TABLE = 'analytics_runs';
const GROUPS = 'analytics_error_groups';

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
  lastAt?: number;
  lastFailedAt?: number;
}

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
const optNum = (v: unknown) =>
  v === null || v === undefined ? undefined : Number(v);

/**
 * Analytics' own tables: the facts (one narrow row per finished run) and
 * the error groups. Every query reads one covering index of the facts.
 */
export class AnalyticsStore {
  constructor(private readonly db: Knex) {}

  /**
   * Records a finished run once. `replace` (a platform event) overwrites a
   * fact the catch-up wrote first, since events know the environment.
   */
  async record(fact: RunFact, options: { replace?: boolean } = {}) {
    const message = fact.status === 'failed' ? fact.error : undefined;
    const pattern = message ? normaliseError(message) : undefined;
    const group = pattern ? errorGroupId(pattern) : undefined;
    await this.db.transaction(async tx => {
      const exists = await tx(TABLE)
        .where({ tenant: fact.tenant, run_id: fact.runId })
        .first('run_id');
      if (exists && !options.replace) return;
      const row = {
        tenant: fact.tenant,
        run_id: fact.runId,
        workflow: fact.workflow,
        provider: fact.provider ?? null,
        environment: fact.environment ?? null,
        status: fact.status,
        duration_ms: Math.max(0, Math.round(fact.durationMs)),
        error_group: group ?? null,
        error: fact.error?.slice(0, 1000) ?? null,
        finished_at: fact.finishedAt,
      };
      await tx(TABLE).insert(row).onConflict(['tenant', 'run_id']).merge();
      if (exists || !group || !pattern || !message) return;
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
    });
  }

  private scoped(scope: Scope) {
    const query = this.db(TABLE)
      .where('tenant', scope.tenant)
      .where('finished_at', '>=', scope.from)
      .where('finished_at', '<', scope.to);
    if (scope.workflow !== undefined) query.where('workflow', scope.workflow);
    if (scope.environment !== undefined) {
      query.where('environment', scope.environment);
    }
    return query;
  }

  private totalsColumns(): Knex.Raw[] {
    const k = this.db;
    return [
      k.raw('count(*) as runs'),
      k.raw(`sum(case when status = 'succeeded' then 1 else 0 end) as ok`),
      k.raw(`sum(case when status = 'failed' then 1 else 0 end) as failed`),
      k.raw(
        `sum(case when status = 'cancelled' then 1 else 0 end) as cancelled`,
      ),
      k.raw('sum(duration_ms) as duration_sum'),
      k.raw('max(finished_at) as last_at'),
      k.raw(
        `max(case when status = 'failed' then finished_at end) as last_failed_at`,
      ),
    ];
  }

  private toTotals(row: any): Totals {
    return {
      runs: num(row?.runs),
      succeeded: num(row?.ok),
      failed: num(row?.failed),
      cancelled: num(row?.cancelled),
      durationSum: num(row?.duration_sum),
      lastAt: optNum(row?.last_at),
      lastFailedAt: optNum(row?.last_failed_at),
    };
  }

  async totals(scope: Scope): Promise<Totals> {
    const [row] = await this.scoped(scope).select(this.totalsColumns());
    return this.toTotals(row);
  }

  /** Totals per value of a dimension, every group (there are few). */
  async totalsBy(
    scope: Scope,
    dimension: 'workflow' | 'environment',
  ): Promise<Array<Totals & { key: string | null }>> {
    const rows = await this.scoped(scope)
      .select(dimension, ...this.totalsColumns())
      .groupBy(dimension);
    return rows.map((r: any) => ({ key: r[dimension], ...this.toTotals(r) }));
  }

  /**
   * The nearest-rank percentile of the durations: the value at rank
   * ceil(p·n) in ascending order, read by an index scan in duration order.
   */
  async percentile(scope: Scope, p: number, count: number) {
    if (count === 0) return null;
    const rank = Math.max(1, Math.ceil(p * count));
    const row = await this.scoped(scope)
      .orderBy('duration_ms', 'asc')
      .offset(rank - 1)
      .first('duration_ms');
    return row ? Number(row.duration_ms) : null;
  }

  /** Runs per bucket of `bucketMs` from `scope.from`. */
  async series(scope: Scope, bucketMs: number) {
    const k = this.db;
    const rows = await this.scoped(scope)
      .select(
        // SQLite binds JS numbers as reals: cast the quotient to whole buckets
        k.raw('cast((finished_at - ?) / ? as bigint) as bucket', [
          scope.from,
          bucketMs,
        ]),
        k.raw('count(*) as runs'),
        k.raw(`sum(case when status = 'succeeded' then 1 else 0 end) as ok`),
        k.raw(`sum(case when status = 'failed' then 1 else 0 end) as failed`),
        k.raw('sum(duration_ms) as duration_sum'),
      )
      // by the alias: PostgreSQL sees two parameterised expressions as different
      .groupBy('bucket');
    return rows.map((r: any) => ({
      bucket: Math.floor(Number(r.bucket)),
      runs: num(r.runs),
      succeeded: num(r.ok),
      failed: num(r.failed),
      durationSum: num(r.duration_sum),
    }));
  }

  /** The fact of a run that finished at `at` (a max from totals). */
  async factAt(scope: Scope, at: number, status?: TerminalStatus) {
    const query = this.db(TABLE)
      .where({ tenant: scope.tenant, finished_at: at })
      .select('run_id', 'workflow', 'environment', 'status', 'error');
    if (scope.workflow !== undefined) query.where('workflow', scope.workflow);
    if (scope.environment !== undefined) {
      query.where('environment', scope.environment);
    }
    if (status) query.where('status', status);
    return query.first();
  }

  /** Error groups seen in the scope, most frequent first. */
  async errorGroups(scope: Scope) {
    const k = this.db;
    const rows = await this.scoped(scope)
      .whereNotNull('error_group')
      .select(
        'error_group',
        k.raw('count(*) as n'),
        k.raw('max(finished_at) as last_seen'),
        k.raw('count(distinct workflow) as workflows'),
      )
      .groupBy('error_group')
      .orderBy([
        { column: 'n', order: 'desc' },
        { column: 'error_group', order: 'asc' },
      ]);
    return rows.map((r: any) => ({
      id: r.error_group as string,
      count: num(r.n),
      lastSeen: num(r.last_seen),
      affectedWorkflows: num(r.workflows),
    }));
  }

  async groupDetails(tenant: string, ids: string[]) {
    if (ids.length === 0) return new Map<string, any>();
    const rows = await this.db(GROUPS)
      .where('tenant', tenant)
      .whereIn('id', ids);
    return new Map(rows.map((r: any) => [r.id as string, r]));
  }

  async workflowsOfGroup(scope: Scope, group: string, limit: number) {
    const rows = await this.scoped(scope)
      .where('error_group', group)
      .distinct('workflow')
      .orderBy('workflow')
      .limit(limit);
    return rows.map((r: any) => r.workflow as string);
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
