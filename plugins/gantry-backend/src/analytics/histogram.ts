/**
 * Duration histograms with fixed log-spaced bins, for percentiles of windows
 * too large to sort: 16 bins per doubling, so a bin spans a factor of
 * 2^(1/16) ≈ 1.044. Bin 0 holds 0 ms; bin k ≥ 1 holds [2^((k-1)/16),
 * 2^(k/16)) ms.
 *
 * The migration 20261130040000_analytics_rollups.js bins existing facts with
 * a copy of `binOf`; the two must stay the same (analytics.test.ts checks
 * that backfilled rollups equal recorded ones).
 */
export const BINS_PER_DOUBLING = 16;

/**
 * Largest relative error of a percentile read from a histogram: the value
 * lies in its bin and the estimate is the bin's geometric middle, at most
 * a factor of 2^(1/32) ≈ 1.0219 away from any value in the bin.
 */
export const PERCENTILE_MAX_RELATIVE_ERROR =
  2 ** (1 / (2 * BINS_PER_DOUBLING)) - 1;

/** Lower edge of a bin, in ms. */
export function lowerOf(bin: number): number {
  return bin === 0 ? 0 : 2 ** ((bin - 1) / BINS_PER_DOUBLING);
}

/** Upper edge of a bin (exclusive), in ms. */
export function upperOf(bin: number): number {
  return bin === 0 ? 1 : 2 ** (bin / BINS_PER_DOUBLING);
}

/** The bin of a duration in ms. */
export function binOf(ms: number): number {
  if (!(ms >= 1)) return 0;
  let bin = 1 + Math.floor(Math.log2(ms) * BINS_PER_DOUBLING);
  // log2 may round across an edge: settle on the bin whose edges hold ms
  while (bin > 1 && lowerOf(bin) > ms) bin--;
  while (lowerOf(bin + 1) <= ms) bin++;
  return bin;
}

/** Bins kept: up to 2^40 ms (35 years); longer runs count in the last. */
export const BIN_COUNT = 40 * BINS_PER_DOUBLING + 2;

/** Counts per bin, dense: index = bin. */
export type Histogram = Float64Array;

export const newHistogram = (): Histogram => new Float64Array(BIN_COUNT);

export function addTo(histogram: Histogram, bin: number, count = 1) {
  histogram[Math.min(bin, BIN_COUNT - 1)] += count;
}

/**
 * Stored as a JSON array: the first bin, then the counts of it and of each
 * following bin up to the last one with runs (`[]` when empty).
 */
export function encodeHistogram(histogram: Histogram): string {
  let first = -1;
  let last = -1;
  for (let bin = 0; bin < histogram.length; bin++) {
    if (histogram[bin] > 0) {
      if (first < 0) first = bin;
      last = bin;
    }
  }
  if (first < 0) return '[]';
  return JSON.stringify([first, ...histogram.subarray(first, last + 1)]);
}

/** Adds an encoded histogram to `into`. */
export function mergeEncoded(into: Histogram, encoded: string | null) {
  if (!encoded || encoded.length < 3) return;
  const values = JSON.parse(encoded) as number[];
  const offset = values[0] - 1;
  for (let i = 1; i < values.length; i++) {
    into[Math.min(offset + i, BIN_COUNT - 1)] += values[i];
  }
}

export function decodeHistogram(encoded: string | null): Histogram {
  const histogram = newHistogram();
  mergeEncoded(histogram, encoded);
  return histogram;
}

/**
 * The nearest-rank percentile (rank ceil(p·n)) estimated from a histogram:
 * the geometric middle of the rank's bin, narrowed to the known minimum and
 * maximum. Exact at the extremes (rank 1 and rank n). Its relative error is
 * at most PERCENTILE_MAX_RELATIVE_ERROR.
 */
export function percentileOf(
  histogram: Histogram,
  p: number,
  bounds: { min: number; max: number },
): number | null {
  let n = 0;
  for (let bin = 0; bin < histogram.length; bin++) n += histogram[bin];
  if (n === 0) return null;
  const rank = Math.max(1, Math.ceil(p * n));
  if (rank === 1) return bounds.min;
  if (rank === n) return bounds.max;
  let seen = 0;
  for (let bin = 0; bin < histogram.length; bin++) {
    seen += histogram[bin];
    if (seen >= rank) {
      if (bin === 0) return 0;
      const low = Math.max(lowerOf(bin), bounds.min);
      const high = Math.min(upperOf(bin), bounds.max);
      return high <= low ? low : Math.sqrt(low * high);
    }
  }
  return bounds.max;
}

/** The nearest-rank percentile of sorted values. */
export function exactPercentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1];
}
