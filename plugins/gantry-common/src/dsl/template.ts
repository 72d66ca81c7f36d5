/**
 * Scanner for the two interpolation syntaxes, `${path}` and `{{ path }}`.
 * `$$` escapes a dollar sign. Only a dotted path (segments of letters, digits,
 * `_` and `-`) is a reference; any other `${...}` (such as the shell's
 * `${VAR:-default}`) is left as text for the tool that runs it.
 */

export interface TextPart {
  kind: 'text';
  text: string;
}

export interface RefPart {
  kind: 'ref';
  /** Path segments, e.g. `['steps', 'run-tests', 'exit_code']`. */
  path: string[];
  /** The reference as written, e.g. `${steps.run-tests.exit_code}`. */
  raw: string;
  /** Offsets of `raw` in the scanned string. */
  start: number;
  end: number;
}

export type TemplatePart = TextPart | RefPart;

const SEGMENT = '[A-Za-z_][A-Za-z0-9_-]*';
const PATH_RE = new RegExp(`^${SEGMENT}(?:\\.${SEGMENT})*$`);

function parsePath(inner: string): string[] | undefined {
  const trimmed = inner.trim();
  if (!PATH_RE.test(trimmed)) return undefined;
  // A trailing '-' belongs to surrounding text in forms like `${a}-db`, never
  // inside braces, so no ambiguity arises here.
  return trimmed.split('.');
}

/** Splits a string into literal text and references. */
export function scanTemplate(input: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let text = '';
  let i = 0;
  const flushText = () => {
    if (text) parts.push({ kind: 'text', text });
    text = '';
  };
  while (i < input.length) {
    const ch = input[i];
    if (ch === '$' && input[i + 1] === '$') {
      text += '$';
      i += 2;
      continue;
    }
    if (ch === '$' && input[i + 1] === '{') {
      const close = input.indexOf('}', i + 2);
      const path = close > 0 ? parsePath(input.slice(i + 2, close)) : undefined;
      if (path) {
        flushText();
        parts.push({
          kind: 'ref',
          path,
          raw: input.slice(i, close + 1),
          start: i,
          end: close + 1,
        });
        i = close + 1;
        continue;
      }
    }
    if (ch === '{' && input[i + 1] === '{') {
      const close = input.indexOf('}}', i + 2);
      const path = close > 0 ? parsePath(input.slice(i + 2, close)) : undefined;
      if (path) {
        flushText();
        parts.push({
          kind: 'ref',
          path,
          raw: input.slice(i, close + 2),
          start: i,
          end: close + 2,
        });
        i = close + 2;
        continue;
      }
    }
    text += ch;
    i += 1;
  }
  flushText();
  return parts;
}

/** All references in a string. */
export function findReferences(input: string): RefPart[] {
  return scanTemplate(input).filter((p): p is RefPart => p.kind === 'ref');
}

/** Calls `fn` for every string inside a YAML-like value, with its key path. */
export function forEachString(
  value: unknown,
  fn: (text: string, path: (string | number)[]) => void,
  path: (string | number)[] = [],
): void {
  if (typeof value === 'string') {
    fn(value, path);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => forEachString(item, fn, [...path, index]));
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      forEachString(item, fn, [...path, key]);
    }
  }
}
