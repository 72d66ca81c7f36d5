/**
 * Helpers every store uses to read rows the same way on SQLite and
 * PostgreSQL.
 */

/** ISO time from a Date (pg), epoch ms, or SQLite's zone-less UTC text. */
export function toIsoTimestamp(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number') return new Date(value).toISOString();
  const text = String(value);
  // SQLite's CURRENT_TIMESTAMP is UTC without a zone: "2026-11-23 08:00:00"
  return /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(text)
    ? new Date(`${text.replace(' ', 'T')}Z`).toISOString()
    : new Date(text).toISOString();
}

/**
 * One page from rows fetched with `limit + 1`: the extra row only tells
 * that there is a next page, whose cursor is the last item's key.
 */
export function pageOf<R, T, C>(
  rows: R[],
  limit: number,
  map: (row: R) => T,
  cursorOf: (item: T) => C,
): { items: T[]; nextCursor?: C } {
  const items = rows.slice(0, limit).map(map);
  return {
    items,
    nextCursor:
      rows.length > limit ? cursorOf(items[items.length - 1]) : undefined,
  };
}

/** Escapes `%`, `_` and `\` for a `like ? escape '\'` pattern. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, c => `\\${c}`);
}
