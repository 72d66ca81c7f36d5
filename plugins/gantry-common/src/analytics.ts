/**
 * API types of execution analytics (`/analytics/...`), shared by the backend
 * that computes them and the portal that shows them.
 */

/** Time windows of the dashboard; each compares with the one before it. */
export const ANALYTICS_WINDOWS = ['1h', '24h', '7d', '30d', '90d'] as const;
export type AnalyticsWindow = (typeof ANALYTICS_WINDOWS)[number];

/** Figures of a set of finished runs. Durations in ms; null without runs. */
export interface RunFigures {
  runs: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  /** succeeded / runs, 0..1. */
  successRate: number | null;
  avgDurationMs: number | null;
  /** Nearest-rank percentiles of the run durations. */
  p50DurationMs: number | null;
  p95DurationMs: number | null;
}

/** Change against the previous window of equal length. */
export interface FigureDeltas {
  /** Relative change in %, null when the previous window had none. */
  runsPct: number | null;
  /** Difference in percentage points. */
  successRatePoints: number | null;
  avgDurationPct: number | null;
  p95DurationPct: number | null;
  /** Relative change of failures in %. */
  failuresPct: number | null;
}

/** One point of a sparkline: runs that finished in [start, start + bucket). */
export interface SparklinePoint {
  start: string;
  runs: number;
  failed: number;
  successRate: number | null;
  avgDurationMs: number | null;
}

export interface LastFailure {
  runId: string;
  workflow: string;
  environment?: string;
  finishedAt: string;
  error?: string;
}

export type SystemStatus = 'healthy' | 'degraded' | 'critical' | 'unknown';

export interface AnalyticsInsight {
  severity: 'info' | 'warning' | 'critical';
  message: string;
}

export interface AnalyticsSummary {
  tenant: string;
  window: AnalyticsWindow;
  from: string;
  to: string;
  current: RunFigures;
  previous: RunFigures;
  deltas: FigureDeltas;
  /** healthy ≥ 95 % success, degraded ≥ 80 %, critical below. */
  status: SystemStatus;
  /** Workflows with at least one failed run in the window. */
  failingWorkflows: number;
  lastFailure?: LastFailure;
  insights: AnalyticsInsight[];
  bucketMs: number;
  series: SparklinePoint[];
}

export interface WorkflowAnalytics extends RunFigures {
  workflow: string;
  lastRunAt: string;
  lastFailure?: LastFailure;
}

export interface ErrorGroup {
  id: string;
  /** The message with numbers, ids, hashes and paths replaced. */
  pattern: string;
  /** The latest message as it was. */
  sample: string;
  /** Failed runs in the window. */
  count: number;
  /** First time ever seen, and the latest time in the window. */
  firstSeen: string;
  lastSeen: string;
  affectedWorkflows: number;
  /** Up to five of them. */
  workflows: string[];
}

export interface EnvironmentAnalytics extends RunFigures {
  /** `(none)` collects runs that named no environment. */
  environment: string;
  /** From the environment's own heartbeat, when Gantry manages it. */
  health?: 'unknown' | 'healthy' | 'unhealthy';
  healthMessage?: string;
  healthCheckedAt?: string;
  /** healthy / degraded / critical from the runs, like the summary. */
  status: SystemStatus;
  lastRunAt?: string;
  lastRunStatus?: string;
  lastFailure?: LastFailure;
}

export interface AnalyticsPage<T> {
  window: AnalyticsWindow;
  items: T[];
  total: number;
  /** Offset of the next page, when there is one. */
  nextCursor?: string;
}
