import {
  AnalyticsPage,
  AnalyticsSummary,
  AnalyticsWindow,
  EnvironmentAnalytics,
  ErrorGroup,
  LastFailure,
  WorkflowAnalytics,
} from '@internal/plugin-gantry-common';
import { AnalyticsStore, RunFact, Scope, Totals } from './AnalyticsStore';
import { deltasOf, figuresOf, insightsOf, statusOf } from './figures';
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
  constructor(
    private readonly store: AnalyticsStore,
    private readonly environmentSource?: EnvironmentHealthSource,
  ) {}

  record(fact: RunFact, options?: { replace?: boolean }) {
    return this.store.record(fact, options);
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
    const row = await this.store.factAt(scope, totals.lastFailedAt, 'failed');
    return row
      ? {
          runId: row.run_id,
          workflow: row.workflow,
          environment: row.environment ?? undefined,
          finishedAt: iso(totals.lastFailedAt),
          error: row.error ?? undefined,
        }
      : undefined;
  }

  async summary(q: AnalyticsQuery): Promise<AnalyticsSummary> {
    const { current, previous } = this.scopes(q);
    const { bucketMs } = WINDOWS[q.window];
    const [nowTotals, beforeTotals, buckets, byWorkflow] = await Promise.all([
      this.store.totals(current),
      this.store.totals(previous),
      this.store.series(current, bucketMs),
      this.store.totalsBy(current, 'workflow'),
    ]);
    const [now, before, lastFailure] = await Promise.all([
      figuresOf(this.store, current, nowTotals),
      figuresOf(this.store, previous, beforeTotals),
      this.lastFailure(current, nowTotals),
    ]);
    const deltas = deltasOf(now, before);
    const failingWorkflows = byWorkflow.filter(w => w.failed > 0).length;
    const byBucket = new Map(buckets.map(b => [b.bucket, b]));
    const count = Math.ceil((current.to - current.from) / bucketMs);
    return {
      tenant: q.tenant,
      window: q.window,
      from: iso(current.from),
      to: iso(current.to),
      current: now,
      previous: before,
      deltas,
      status: statusOf(now.successRate),
      failingWorkflows,
      lastFailure,
      insights: insightsOf(now, deltas, failingWorkflows),
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
  ): Promise<AnalyticsPage<WorkflowAnalytics>> {
    const { current } = this.scopes(q);
    const groups = (await this.store.totalsBy(current, 'workflow')).sort(
      (a, b) => b.runs - a.runs || String(a.key).localeCompare(String(b.key)),
    );
    const { offset, ...result } = pageOfList(q.window, groups, page);
    const items = await Promise.all(
      result.items.map(async totals => {
        const scope = { ...current, workflow: String(totals.key) };
        const [figures, lastFailure] = await Promise.all([
          figuresOf(this.store, scope, totals),
          this.lastFailure(scope, totals),
        ]);
        return {
          workflow: String(totals.key),
          ...figures,
          lastRunAt: iso(totals.lastAt!),
          lastFailure,
        };
      }),
    );
    return { ...result, items };
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
    const items = await Promise.all(
      result.items.map(async group => {
        const detail = details.get(group.id);
        return {
          id: group.id,
          pattern: detail?.pattern ?? '',
          sample: detail?.sample ?? '',
          count: group.count,
          firstSeen: iso(Number(detail?.first_seen ?? group.lastSeen)),
          lastSeen: iso(group.lastSeen),
          affectedWorkflows: group.affectedWorkflows,
          workflows: await this.store.workflowsOfGroup(current, group.id, 5),
        };
      }),
    );
    return { ...result, items };
  }

  /**
   * Per environment: the runs' figures and the environment's own heartbeat.
   * Environments without runs in the window are listed too.
   */
  async environments(q: AnalyticsQuery): Promise<EnvironmentAnalytics[]> {
    const { current } = this.scopes({ ...q, environment: undefined });
    const [groups, known] = await Promise.all([
      this.store.totalsBy(current, 'environment'),
      this.environmentSource?.list(q.tenant).catch(() => []) ?? [],
    ]);
    const byName = new Map(groups.map(g => [g.key ?? NO_ENVIRONMENT, g]));
    const names = [
      ...new Set([...known.map(e => e.name), ...byName.keys()]),
    ].sort();
    return Promise.all(
      names.map(async name => {
        const env = known.find(e => e.name === name);
        const totals = byName.get(name) ?? this.emptyTotals();
        const scope = {
          ...current,
          environment: name === NO_ENVIRONMENT ? null : name,
        };
        const [figures, lastFailure, last] = await Promise.all([
          figuresOf(this.store, scope, totals),
          this.lastFailure(scope, totals),
          totals.lastAt === undefined
            ? undefined
            : this.store.factAt(scope, totals.lastAt),
        ]);
        return {
          environment: name,
          ...figures,
          health: env?.health,
          healthMessage: env?.healthMessage,
          healthCheckedAt: env?.healthCheckedAt,
          status: statusOf(figures.successRate),
          lastRunAt:
            totals.lastAt === undefined ? undefined : iso(totals.lastAt),
          lastRunStatus: last?.status,
          lastFailure,
        };
      }),
    );
  }

  private emptyTotals(): Totals {
    return { runs: 0, succeeded: 0, failed: 0, cancelled: 0, durationSum: 0 };
  }
}
