import { AnalyticsWindow } from '@internal/plugin-gantry-common';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Length of each window and the width of its sparkline buckets. */
export const WINDOWS: Record<
  AnalyticsWindow,
  { ms: number; bucketMs: number }
> = {
  '1h': { ms: HOUR, bucketMs: 5 * MINUTE },
  '24h': { ms: DAY, bucketMs: HOUR },
  '7d': { ms: 7 * DAY, bucketMs: 6 * HOUR },
  '30d': { ms: 30 * DAY, bucketMs: DAY },
  '90d': { ms: 90 * DAY, bucketMs: 3 * DAY },
};

/** A half-open time range [from, to) in epoch ms. */
export interface Range {
  from: number;
  to: number;
}

/** The window ending now and the one of equal length before it. */
export function rangesOf(
  window: AnalyticsWindow,
  now: number,
): { current: Range; previous: Range } {
  const { ms } = WINDOWS[window];
  return {
    current: { from: now - ms, to: now },
    previous: { from: now - 2 * ms, to: now - ms },
  };
}
