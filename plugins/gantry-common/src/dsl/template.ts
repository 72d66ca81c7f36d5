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

/** The two reference syntaxes: how each opens and closes. */
const SYNTAXES = [
  { open: '${', close: '}' },
  { open: '{{', close: '}}' },
];

/** The reference starting at `i`, if one does. */
function referenceAt(
  input: string,
  i: number,
): { path: string[]; end: number } | undefined {
  for (const { open, close } of SYNTAXES) {
    if (!input.startsWith(open, i)) continue;
    const end = input.indexOf(close, i + open.length);
    const path =
      end > 0 ? parsePath(input.slice(i + open.length, end)) : undefined;
    if (path) return { path, end: end + close.length };
  }
  return undefined;
}

/** Splits a string into literal text and references. */
export function scanTemplate(input: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let text = '';
  let i = 0;
  while (i < input.length) {
    if (input.startsWith('$$', i)) {
      text += '$';
      i += 2;
      continue;
    }
    const ref = referenceAt(input, i);
    if (ref) {
      if (text) parts.push({ kind: 'text', text });
      text = '';
      parts.push({
        kind: 'ref',
        path: ref.path,
        raw: input.slice(i, ref.end),
        start: i,
        end: ref.end,
      });
      i = ref.end;
      continue;
    }
    text += input[i];
    i += 1;
  }
  if (text) parts.push({ kind: 'text', text });
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
