import {
  AnalyticsInsight,
  FigureDeltas,
  RunFigures,
  SystemStatus,
} from '@internal/plugin-gantry-common';
import { AnalyticsStore, Scope, Totals } from './AnalyticsStore';

/** Counts, success rate, average and exact p50/p95 of the runs in a scope. */
export async function figuresOf(
  store: AnalyticsStore,
  scope: Scope,
  totals?: Totals,
): Promise<RunFigures> {
  const t = totals ?? (await store.totals(scope));
  const [p50, p95] = await Promise.all([
    store.percentile(scope, 0.5, t.runs),
    store.percentile(scope, 0.95, t.runs),
  ]);
  return {
    runs: t.runs,
    succeeded: t.succeeded,
    failed: t.failed,
    cancelled: t.cancelled,
    successRate: t.runs ? t.succeeded / t.runs : null,
    avgDurationMs: t.runs ? t.durationSum / t.runs : null,
    p50DurationMs: p50,
    p95DurationMs: p95,
  };
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
