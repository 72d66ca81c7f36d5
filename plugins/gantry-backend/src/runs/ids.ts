import { randomBytes } from 'node:crypto';

/**
 * Time-ordered ids (like ULIDs): sorting by id sorts by creation time, so
 * the id doubles as the pagination cursor.
 */
export function newTimeOrderedId(prefix = ''): string {
  const time = Date.now().toString(36).padStart(10, '0');
  return `${prefix}${time}${randomBytes(8).toString('hex')}`;
}
