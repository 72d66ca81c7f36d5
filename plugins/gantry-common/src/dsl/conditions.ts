import { Environment } from '@marcbachmann/cel-js';

/**
 * Step conditions (`when`, `unless`, `if`, `condition`) are CEL: safe,
 * side-effect free and not Turing-complete. References, written `${a.b}`,
 * `{{ a.b }}` or as bare paths such as `steps.run-tests.exit_code`, are
 * rewritten to CEL variables before parsing, so a referenced value is only
 * ever data: it can never change the expression.
 */

/** `when` values with a meaning of their own. */
export const SPECIAL_WHEN = ['always', 'on_failure', 'on_success'] as const;
export type SpecialWhen = (typeof SPECIAL_WHEN)[number];

export function specialWhen(text: string | undefined): SpecialWhen | undefined {
  const trimmed = text?.trim();
  return SPECIAL_WHEN.find(s => s === trimmed);
}

export interface ConditionRef {
  /** CEL variable the reference became. */
  variable: string;
  path: string[];
  raw: string;
}

export interface PreparedCondition {
  source: string;
  cel: string;
  refs: ConditionRef[];
}

export class ConditionError extends Error {}

const SEGMENT = '[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*';
const REF_IN_TEXT = new RegExp(
  `\\$\\{\\s*(${SEGMENT}(?:\\.${SEGMENT})*)\\s*\\}|\\{\\{\\s*(${SEGMENT}(?:\\.${SEGMENT})*)\\s*\\}\\}`,
  'y',
);
const WORKFLOW_NAMESPACES = [
  'steps',
  'inputs',
  'workflow',
  'application',
  'resources',
  'terraform',
  'secrets',
];
const barePath = (namespaces: readonly string[]) =>
  new RegExp(`(${namespaces.join('|')})(?:\\.${SEGMENT})+`, 'y');
const BARE_PATH = barePath(WORKFLOW_NAMESPACES);
const IDENT_CHAR = /[A-Za-z0-9_.]/;

const env = new Environment({
  unlistedVariablesAreDyn: true,
  homogeneousAggregateLiterals: false,
  limits: {
    maxAstNodes: 2000,
    maxDepth: 50,
    maxListElements: 1000,
    maxMapEntries: 1000,
  },
});

/**
 * Rewrites references to variables and parses the result as CEL. Bare paths
 * are those of workflows unless `namespaces` names others (hooks filter on
 * `event.*` and `payload.*`).
 */
export function prepareCondition(
  source: string,
  namespaces?: readonly string[],
): PreparedCondition {
  const bareRe = namespaces ? barePath(namespaces) : BARE_PATH;
  const refs: ConditionRef[] = [];
  const addRef = (path: string, raw: string) => {
    const variable = `gantry_ref_${refs.length}`;
    refs.push({ variable, path: path.split('.'), raw });
    return variable;
  };
  let cel = '';
  let i = 0;
  while (i < source.length) {
    const ch = source[i];
    // string literal, possibly r/b-prefixed and triple-quoted
    if (ch === '"' || ch === "'") {
      const prefix = /[rRbB]{1,2}$/.exec(cel)?.[0] ?? '';
      const raw = /r/i.test(prefix);
      const quote = source.startsWith(ch.repeat(3), i) ? ch.repeat(3) : ch;
      let j = i + quote.length;
      while (j < source.length && !source.startsWith(quote, j)) {
        j += source[j] === '\\' && !raw ? 2 : 1;
      }
      if (j >= source.length)
        throw new ConditionError('unterminated string literal');
      cel += rewriteLiteral(
        source.slice(i + quote.length, j),
        quote,
        prefix,
        addRef,
        cel,
      );
      i = j + quote.length;
      continue;
    }
    REF_IN_TEXT.lastIndex = i;
    const ref = REF_IN_TEXT.exec(source);
    if (ref) {
      cel += addRef(ref[1] ?? ref[2], ref[0]);
      i += ref[0].length;
      continue;
    }
    if (!IDENT_CHAR.test(source[i - 1] ?? ' ')) {
      bareRe.lastIndex = i;
      const bare = bareRe.exec(source);
      if (bare) {
        cel += addRef(bare[0], bare[0]);
        i += bare[0].length;
        continue;
      }
    }
    cel += ch;
    i += 1;
  }
  let parsed;
  try {
    parsed = env.parse(cel);
  } catch (error) {
    throw new ConditionError(celMessage(error));
  }
  const known = new Set(refs.map(r => r.variable));
  const unknown = freeIdentifiers(parsed.ast).filter(id => !known.has(id));
  if (unknown.length > 0) {
    throw new ConditionError(
      `unknown name '${unknown[0]}': refer to values as \${...} or as ${(
        namespaces ?? ['steps', 'inputs', 'workflow']
      )
        .map(n => `${n}.…`)
        .join(', ')} paths`,
    );
  }
  return { source, cel, refs };
}

/** A literal with references inside becomes a concatenation of parts. */
function rewriteLiteral(
  body: string,
  quote: string,
  prefix: string,
  addRef: (path: string, raw: string) => string,
  soFar: string,
): string {
  const parts: string[] = [];
  let last = 0;
  const re = new RegExp(REF_IN_TEXT.source, 'g');
  for (let m = re.exec(body); m; m = re.exec(body)) {
    if (m.index > last)
      parts.push(`${quote}${body.slice(last, m.index)}${quote}`);
    parts.push(`string(${addRef(m[1] ?? m[2], m[0])})`);
    last = m.index + m[0].length;
  }
  if (parts.length === 0) return `${quote}${body}${quote}`;
  if (prefix) {
    throw new ConditionError(
      `references are not allowed inside ${prefix}-prefixed literals`,
    );
  }
  void soFar;
  if (last < body.length) parts.push(`${quote}${body.slice(last)}${quote}`);
  return parts.length === 1 ? parts[0] : `(${parts.join(' + ')})`;
}

type AstNode = { op: string; args: unknown };

function freeIdentifiers(node: unknown, out: string[] = []): string[] {
  if (!node || typeof node !== 'object') return out;
  const { op, args } = node as AstNode;
  if (op === 'id' && typeof args === 'string') {
    out.push(args);
    return out;
  }
  // comprehension macros bind their own variable (e.g. list.all(x, x > 1))
  if (op === 'rcall' && Array.isArray(args)) {
    const [name, target, callArgs] = args as [string, unknown, unknown[]];
    freeIdentifiers(target, out);
    const bound =
      ['all', 'exists', 'exists_one', 'map', 'filter'].includes(name) &&
      (callArgs[0] as AstNode | undefined)?.op === 'id'
        ? ((callArgs[0] as AstNode).args as string)
        : undefined;
    const inner = callArgs
      .slice(bound ? 1 : 0)
      .flatMap(a => freeIdentifiers(a, []));
    out.push(...inner.filter(id => id !== bound));
    return out;
  }
  const walk = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object' && 'op' in value)
      freeIdentifiers(value, out);
  };
  walk(args);
  return out;
}

function celMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0];
}

/** Converts plain data to CEL values: integers become CEL ints. */
function toCel(value: unknown): unknown {
  if (typeof value === 'number' && Number.isInteger(value))
    return BigInt(value);
  if (Array.isArray(value)) return value.map(toCel);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, toCel(v)]),
    );
  }
  return value;
}

/** Evaluates a prepared condition with values for each of its references. */
export function evaluateCondition(
  prepared: PreparedCondition,
  values: Record<string, unknown>,
): boolean {
  const bindings = Object.fromEntries(
    prepared.refs.map(ref => [ref.variable, toCel(values[ref.variable])]),
  );
  let result: unknown;
  try {
    result = env.evaluate(prepared.cel, bindings);
  } catch (error) {
    throw new ConditionError(celMessage(error));
  }
  if (typeof result !== 'boolean') {
    throw new ConditionError(
      `the condition must be true or false, not ${String(result)}`,
    );
  }
  return result;
}
