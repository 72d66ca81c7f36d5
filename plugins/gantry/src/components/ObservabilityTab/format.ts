/** 850 ms, 4.2 s, 3 m 12 s, 1 h 5 m. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} m ${Math.round(s % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} m`;
}

export function formatRate(rate: number | null | undefined): string {
  return rate === null || rate === undefined
    ? '—'
    : `${(rate * 100).toFixed(1)}%`;
}

/** `+12%`, `-3.5 pts`; empty without a previous window to compare. */
export function formatDelta(
  value: number | null | undefined,
  unit: '%' | ' pts',
): string {
  if (value === null || value === undefined) return 'no previous data';
  const sign = value > 0 ? '+' : '';
  return `${sign}${value.toFixed(
    Math.abs(value) < 10 ? 1 : 0,
  )}${unit} vs previous`;
}
