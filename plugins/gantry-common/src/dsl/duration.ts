import ms from 'ms';

/**
 * Seconds from `30`, `"30"`, `30s`, `10m`, `1h` or `1.5h`.
 * Returns undefined for anything else.
 */
export function parseDurationSeconds(value: unknown): number | undefined {
  if (typeof value === 'number') return value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  if (!/^\d+(\.\d+)?\s*(ms|s|m|h|d)$/i.test(text)) return undefined;
  const millis = ms(text as ms.StringValue);
  return typeof millis === 'number' ? millis / 1000 : undefined;
}
