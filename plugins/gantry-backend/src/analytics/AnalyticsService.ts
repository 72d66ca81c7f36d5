import {
  AnalyticsPage,
  AnalyticsSummary,
  AnalyticsWindow,
  EnvironmentAnalytics,
  ErrorGroup,
  LastFailure,
  WorkflowAnalytics,
} from '@internal/plugin-gantry-common';
import {
  AnalyticsStore,
  emptyTotals,
  RunFact,
  Scope,
  Totals,
} from './AnalyticsStore';
import { deltasOf, figuresFor, insightsOf, statusOf } from './figures';
import { PERCENTILE_MAX_RELATIVE_ERROR } from './histogram';
import { rangesOf, WINDOWS } from './windows';

/** What analytics reads of the environments domain (its service, never its tables). */
export interface EnvironmentHealthSource {
  list(tenant: string): Promise<
    Array<{
      name: string;
      health: 'unknown' | 'healthy' | 'unhealthy';
      healthMessage?: string;
      healthCheckedAt?: string;
    }>
  >;
}

/**
 * How exact the percentiles of a response are. Counts, success rates and
 * averages are always exact; p50/p95 of a group of more than `exactLimit`
 * runs are estimated from a duration histogram, within
 * `percentileMaxRelativeError` of the exact nearest-rank value.
 */
export interface PercentileAccuracy {
  percentileMaxRelativeError: number;
  /** Groups of up to this many runs get exact percentiles. */
  exactPercentilesUpTo: number;
}

export type SummaryResponse = AnalyticsSummary &
  PercentileAccuracy & {
    /** Whether p50/p95 of `current` / `previous` are estimates. */
    percentilesApproximate: { current: boolean; previous: boolean };
  };

/** A row's p50/p95 are estimates (see PercentileAccuracy). */
export type Approximate<T> = T & { percentilesApproximate: boolean };

/** Groups of at most this many runs get exact percentiles by default. */
export const EXACT_PERCENTILES_UP_TO = 200;

export interface AnalyticsQuery {
  tenant: string;
  window: AnalyticsWindow;
  workflow?: string;
  environment?: string;
  /** For tests and the benchmark; defaults to now. */
  now?: number;
}

export interface PageQuery {
  limit: number;
  cursor?: string;
}

const NO_ENVIRONMENT = '(none)';

const iso = (ms: number) => new Date(ms).toISOString();

function failureOf(row: any): LastFailure | undefined {
  return row
    ? {
        runId: row.run_id,
        workflow: row.workflow,
        environment: row.environment ?? undefined,
        finishedAt: iso(Number(row.finished_at)),
        error: row.error ?? undefined,
      }
    : undefined;
}

function pageOfList<T>(
  window: AnalyticsWindow,
  all: T[],
  page: PageQuery,
): AnalyticsPage<T> & { offset: number } {
  const offset = Math.max(0, Number(page.cursor ?? 0) || 0);
  const items = all.slice(offset, offset + page.limit);
  const next = offset + page.limit;
  return {
    window,
    items,
    total: all.length,
    nextCursor: next < all.length ? String(next) : undefined,
    offset,
  };
}

/**
 * Execution analytics of a tenant over a window, against the window of equal
 * length before it: KPIs with sparklines, per workflow, per environment and
 * error groups. Exact figures (nearest-rank percentiles) from analytics'
 * own facts.
 */
export class AnalyticsService {
  private readonly exactLimit: number;

  constructor(
    private readonly store: AnalyticsStore,
    private readonly environmentSource?: EnvironmentHealthSource,
    options: { exactPercentilesUpTo?: number } = {},
  ) {
    this.exactLimit = options.exactPercentilesUpTo ?? EXACT_PERCENTILES_UP_TO;
  }

  /** Records a finished run once; true when it was new. */
  record(fact: RunFact, options?: { replace?: boolean }) {
    return this.store.record(fact, options);
  }

  get accuracy(): PercentileAccuracy {
    return {
      percentileMaxRelativeError: PERCENTILE_MAX_RELATIVE_ERROR,
      exactPercentilesUpTo: this.exactLimit,
    };
  }

  private scopes(q: AnalyticsQuery) {
    const { current, previous } = rangesOf(q.window, q.now ?? Date.now());
    const dims = {
      tenant: q.tenant,
      workflow: q.workflow,
      environment:
        q.environment === NO_ENVIRONMENT ? null : q.environment ?? undefined,
    };
    return {
      current: { ...dims, ...current } as Scope,
      previous: { ...dims, ...previous } as Scope,
    };
  }

  private async lastFailure(
    scope: Scope,
    totals: Totals,
  ): Promise<LastFailure | undefined> {
    if (totals.lastFailedAt === undefined) return undefined;
    return failureOf(
      await this.store.factAt(scope, totals.lastFailedAt, 'failed'),
    );
  }

  async summary(q: AnalyticsQuery): Promise<SummaryResponse> {
    const { current, previous } = this.scopes(q);
    const { bucketMs } = WINDOWS[q.window];
    const [nowTotals, beforeTotals, failingWorkflows] = await Promise.all([
      this.store.totals(current),
      this.store.totals(previous),
      this.store.failingWorkflows(current),
    ]);
    const options = { exactLimit: this.exactLimit };
    const [[now], [before], lastFailure, buckets] = await Promise.all([
      figuresFor(this.store, current, [nowTotals], options),
      figuresFor(this.store, previous, [beforeTotals], options),
      this.lastFailure(current, nowTotals),
      // a large window's sparkline from the hour rollups
      this.store.series(current, bucketMs, nowTotals.runs > this.exactLimit),
    ]);
    const deltas = deltasOf(now.figures, before.figures);
    const byBucket = new Map(buckets.map(b => [b.bucket, b]));
    const count = Math.ceil((current.to - current.from) / bucketMs);
    return {
      tenant: q.tenant,
      window: q.window,
      from: iso(current.from),
      to: iso(current.to),
      current: now.figures,
      previous: before.figures,
      ...this.accuracy,
      percentilesApproximate: {
        current: now.approximate,
        previous: before.approximate,
      },
      deltas,
      status: statusOf(now.figures.successRate),
      failingWorkflows,
      lastFailure,
      insights: insightsOf(now.figures, deltas, failingWorkflows),
      bucketMs,
      series: Array.from({ length: count }, (_, i) => {
        const b = byBucket.get(i);
        return {
          start: iso(current.from + i * bucketMs),
          runs: b?.runs ?? 0,
          failed: b?.failed ?? 0,
          successRate: b?.runs ? b.succeeded / b.runs : null,
          avgDurationMs: b?.runs ? b.durationSum / b.runs : null,
        };
      }),
    };
  }

  /** Per workflow, most runs first; percentiles only for the page shown. */
  async workflows(
    q: AnalyticsQuery,
    page: PageQuery,
  ): Promise<
    AnalyticsPage<Approximate<WorkflowAnalytics>> & PercentileAccuracy
  > {
    const { current } = this.scopes(q);
    const groups = (await this.store.totalsBy(current, 'workflow')).sort(
      (a, b) => b.runs - a.runs || String(a.key).localeCompare(String(b.key)),
    );
    const { offset, ...result } = pageOfList(q.window, groups, page);
    const [figures, failures] = await Promise.all([
      figuresFor(this.store, current, result.items, {
        by: 'workflow',
        exactLimit: this.exactLimit,
      }),
      this.store.factsAt(
        current,
        result.items.flatMap(t => t.lastFailedAt ?? []),
      ),
    ]);
    const items = result.items.map((totals, i) => ({
      workflow: String(totals.key),
      ...figures[i].figures,
      percentilesApproximate: figures[i].approximate,
      lastRunAt: iso(totals.lastAt!),
      lastFailure: failureOf(
        failures.find(
          f =>
            f.status === 'failed' &&
            f.workflow === totals.key &&
            Number(f.finished_at) === totals.lastFailedAt,
        ),
      ),
    }));
    return { ...result, ...this.accuracy, items };
  }

  /** Error groups of the window, most frequent first. */
  async errorGroups(
    q: AnalyticsQuery,
    page: PageQuery,
  ): Promise<AnalyticsPage<ErrorGroup>> {
    const { current } = this.scopes(q);
    const groups = await this.store.errorGroups(current);
    const { offset, ...result } = pageOfList(q.window, groups, page);
    const details = await this.store.groupDetails(
      q.tenant,
      result.items.map(g => g.id),
    );
    const items = result.items.map(group => {
      const detail = details.get(group.id);
      return {
        id: group.id,
        pattern: detail?.pattern ?? '',
        sample: detail?.sample ?? '',
        count: group.count,
        firstSeen: iso(Number(detail?.first_seen ?? group.lastSeen)),
        lastSeen: iso(group.lastSeen),
        affectedWorkflows: group.workflows.length,
        workflows: group.workflows.slice(0, 5),
      };
    });
    return { ...result, items };
  }

  /**
   * Per environment: the runs' figures and the environment's own heartbeat.
   * Environments without runs in the window are listed too.
   */
  async environments(
    q: AnalyticsQuery,
  ): Promise<Array<Approximate<EnvironmentAnalytics>>> {
    const { current } = this.scopes({ ...q, environment: undefined });
    const [groups, known] = await Promise.all([
      this.store.totalsBy(current, 'environment'),
      this.environmentSource?.list(q.tenant).catch(() => []) ?? [],
    ]);
    const byName = new Map(groups.map(g => [g.key ?? NO_ENVIRONMENT, g]));
    const names = [
      ...new Set([...known.map(e => e.name), ...byName.keys()]),
    ].sort();
    const rows = names.map(name => ({
      ...(byName.get(name) ?? emptyTotals()),
      key: name === NO_ENVIRONMENT ? null : name,
    }));
    const [figures, facts] = await Promise.all([
      figuresFor(this.store, current, rows, {
        by: 'environment',
        exactLimit: this.exactLimit,
      }),
      this.store.factsAt(
        current,
        rows.flatMap(t => [t.lastAt ?? [], t.lastFailedAt ?? []].flat()),
      ),
    ]);
    return names.map((name, i) => {
      const env = known.find(e => e.name === name);
      const totals = rows[i];
      const at = (time: number | undefined, status?: string) =>
        facts.find(
          f =>
            (f.environment ?? null) === totals.key &&
            Number(f.finished_at) === time &&
            (!status || f.status === status),
        );
      const lastFailure = failureOf(at(totals.lastFailedAt, 'failed'));
      const last = at(totals.lastAt);
      return {
        environment: name,
        ...figures[i].figures,
        percentilesApproximate: figures[i].approximate,
        health: env?.health,
        healthMessage: env?.healthMessage,
        healthCheckedAt: env?.healthCheckedAt,
        status: statusOf(figures[i].figures.successRate),
        lastRunAt: totals.lastAt === undefined ? undefined : iso(totals.lastAt),
        lastRunStatus: last?.status,
        lastFailure,
      };
    });
  }
}
