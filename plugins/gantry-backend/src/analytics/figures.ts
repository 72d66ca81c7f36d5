import {
  AnalyticsInsight,
  FigureDeltas,
  RunFigures,
  SystemStatus,
} from '@internal/plugin-gantry-common';
import {
  AnalyticsStore,
  Dimension,
  GroupKey,
  groupMapKey,
  Scope,
  Totals,
} from './AnalyticsStore';
import {
  exactPercentile,
  Histogram,
  newHistogram,
  percentileOf,
} from './histogram';

/** Figures of a group of runs, and whether its percentiles are estimates. */
export interface FiguresOf {
  figures: RunFigures;
  /**
   * p50/p95 read from the duration histogram (relative error at most
   * PERCENTILE_MAX_RELATIVE_ERROR); exact nearest-rank values otherwise.
   */
  approximate: boolean;
}

/**
 * Counts, success rate, average (always exact) and p50/p95 of the runs of
 * each group: exact nearest-rank percentiles for groups of at most
 * `exactLimit` runs (their durations sorted in memory), estimates from the
 * rollups' histograms for larger ones. `by` names the dimension whose
 * values the groups' `key`s are; without it there is one group, the scope.
 */
export async function figuresFor(
  store: AnalyticsStore,
  scope: Scope,
  groups: Array<Totals & { key?: GroupKey }>,
  options: { by?: Dimension; exactLimit: number },
): Promise<FiguresOf[]> {
  const { by, exactLimit } = options;
  const exactKeys = groups
    .filter(g => g.runs > 0 && g.runs <= exactLimit)
    .map(g => g.key ?? null);
  const approximateKeys = groups
    .filter(g => g.runs > exactLimit)
    .map(g => g.key ?? null);
  const [durations, histograms] = await Promise.all([
    exactKeys.length
      ? store.durations(scope, by, by ? exactKeys : undefined)
      : new Map<string, number[]>(),
    approximateKeys.length
      ? store.histograms(scope, by, by ? approximateKeys : undefined)
      : new Map<string, Histogram>(),
  ]);
  return groups.map(t => {
    const mapKey = groupMapKey(by ? t.key : undefined);
    const approximate = t.runs > exactLimit;
    let p50: number | null = null;
    let p95: number | null = null;
    if (approximate) {
      const histogram = histograms.get(mapKey) ?? newHistogram();
      const bounds = { min: t.durationMin ?? 0, max: t.durationMax ?? 0 };
      p50 = percentileOf(histogram, 0.5, bounds);
      p95 = percentileOf(histogram, 0.95, bounds);
    } else if (t.runs > 0) {
      const sorted = durations.get(mapKey) ?? [];
      p50 = exactPercentile(sorted, 0.5);
      p95 = exactPercentile(sorted, 0.95);
    }
    return {
      approximate,
      figures: {
        runs: t.runs,
        succeeded: t.succeeded,
        failed: t.failed,
        cancelled: t.cancelled,
        successRate: t.runs ? t.succeeded / t.runs : null,
        avgDurationMs: t.runs ? t.durationSum / t.runs : null,
        p50DurationMs: p50,
        p95DurationMs: p95,
      },
    };
  });
}

const pct = (now: number | null, before: number | null) =>
  now === null || before === null || before === 0
    ? null
    : ((now - before) / before) * 100;

export function deltasOf(now: RunFigures, before: RunFigures): FigureDeltas {
  return {
    runsPct: pct(now.runs, before.runs),
    successRatePoints:
      now.successRate === null || before.successRate === null
        ? null
        : (now.successRate - before.successRate) * 100,
    avgDurationPct: pct(now.avgDurationMs, before.avgDurationMs),
    p95DurationPct: pct(now.p95DurationMs, before.p95DurationMs),
    failuresPct: pct(now.failed, before.failed),
  };
}

/** healthy at ≥ 95 % success, degraded at ≥ 80 %, critical below. */
export function statusOf(successRate: number | null): SystemStatus {
  if (successRate === null) return 'unknown';
  if (successRate >= 0.95) return 'healthy';
  return successRate >= 0.8 ? 'degraded' : 'critical';
}

/** What deserves attention, worst first. */
export function insightsOf(
  now: RunFigures,
  deltas: FigureDeltas,
  failingWorkflows: number,
): AnalyticsInsight[] {
  const insights: AnalyticsInsight[] = [];
  const status = statusOf(now.successRate);
  if (status === 'critical' || status === 'degraded') {
    insights.push({
      severity: status === 'critical' ? 'critical' : 'warning',
      message: `Success rate is ${((now.successRate ?? 0) * 100).toFixed(
        1,
      )}% (${now.failed} failed of ${now.runs} runs)`,
    });
  }
  if (deltas.failuresPct !== null && deltas.failuresPct >= 50) {
    insights.push({
      severity: 'warning',
      message: `Failures up ${deltas.failuresPct.toFixed(
        0,
      )}% on the previous window`,
    });
  }
  if (deltas.p95DurationPct !== null && deltas.p95DurationPct >= 50) {
    insights.push({
      severity: 'warning',
      message: `p95 duration up ${deltas.p95DurationPct.toFixed(
        0,
      )}% on the previous window`,
    });
  }
  if (failingWorkflows > 0) {
    insights.push({
      severity: 'info',
      message: `${failingWorkflows} workflow(s) failed at least once`,
    });
  }
  return insights;
}
