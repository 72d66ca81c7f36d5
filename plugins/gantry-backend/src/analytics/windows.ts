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

export const HOUR_MS = HOUR;
export const DAY_MS = DAY;

const floorTo = (t: number, size: number) => Math.floor(t / size) * size;
const ceilTo = (t: number, size: number) => Math.ceil(t / size) * size;

/**
 * How a range is read: whole UTC days from the day rollups, whole hours
 * around them from the hour rollups, and the partial hours at both ends
 * from the facts themselves, so that the parts add up to the range exactly.
 */
export interface Segments {
  raw: Range[];
  hours: Range[];
  days: Range[];
}

export function segmentsOf({ from, to }: Range): Segments {
  const h1 = ceilTo(from, HOUR);
  const h2 = floorTo(to, HOUR);
  if (h1 >= h2)
    return { raw: to > from ? [{ from, to }] : [], hours: [], days: [] };
  const d1 = ceilTo(h1, DAY);
  const d2 = floorTo(h2, DAY);
  const nonEmpty = (ranges: Range[]) => ranges.filter(r => r.to > r.from);
  if (d1 >= d2) {
    return {
      raw: nonEmpty([
        { from, to: h1 },
        { from: h2, to },
      ]),
      hours: [{ from: h1, to: h2 }],
      days: [],
    };
  }
  return {
    raw: nonEmpty([
      { from, to: h1 },
      { from: h2, to },
    ]),
    hours: nonEmpty([
      { from: h1, to: d1 },
      { from: d2, to: h2 },
    ]),
    days: [{ from: d1, to: d2 }],
  };
}

/** The hour of `at`, floored. */
export const hourOf = (at: number) => floorTo(at, HOUR);
/** The UTC day of `at`, floored. */
export const dayOf = (at: number) => floorTo(at, DAY);
