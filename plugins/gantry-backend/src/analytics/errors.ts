import { createHash } from 'node:crypto';

// Order matters: the specific shapes go before bare numbers eat their digits.
const RULES: Array<[RegExp, string]> = [
  [/\bhttps?:\/\/[^\s'"]+/gi, '<url>'],
  [/(?:[A-Za-z]:)?(?:\.{0,2}\/[\w.@+-]+){2,}\/?/g, '<path>'],
  [/\b\d{4}-\d\d-\d\dT[\d:.]+Z?\b/g, '<time>'],
  [
    /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi,
    '<uuid>',
  ],
  // time-ordered run ids and the like: 16+ letters and digits, both present
  [/\b(?=[a-z0-9]*\d)(?=[a-z0-9]*[a-z])[a-z0-9]{16,}\b/gi, '<id>'],
  [/\b(?=[a-f]*\d)[0-9a-f]{7,}\b/gi, '<hash>'],
  [/\d+(?:\.\d+)*/g, '<n>'],
  [/\s+/g, ' '],
];

/**
 * The message with what differs between occurrences of the same error
 * (numbers, ids, hashes, paths, URLs, times) replaced, so that they group.
 */
export function normaliseError(message: string): string {
  let text = message.slice(0, 2000);
  for (const [pattern, replacement] of RULES) {
    text = text.replace(pattern, replacement);
  }
  return text.trim().slice(0, 500);
}

/** A short stable id of a normalised message. */
export function errorGroupId(pattern: string): string {
  return createHash('sha256').update(pattern).digest('hex').slice(0, 16);
}
