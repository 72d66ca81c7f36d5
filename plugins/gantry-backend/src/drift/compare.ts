import {
  DriftChange,
  DriftedWorkflow,
  DriftIgnoreRule,
} from '@internal/plugin-gantry-common';
import { LiveWorkflow } from '@internal/plugin-gantry-node';
import { createTwoFilesPatch } from 'diff';
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'yaml';
import { contentHash } from '../environments/versions';

/** What Gantry recorded for a workflow in an environment. */
export interface ExpectedWorkflow {
  name: string;
  hash: string;
  definition: string;
  active: boolean;
}

function parsed(definition: string): unknown {
  try {
    return parse(definition);
  } catch {
    return definition; // unparsable text compares as text
  }
}

/** JSON with object keys sorted, for stable text and equality. */
function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map(k => [k, sorted((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

const unescapePointer = (token: string) =>
  token.replace(/~1/g, '/').replace(/~0/g, '~');
const escapePointer = (token: string) =>
  token.replace(/~/g, '~0').replace(/\//g, '~1');

/** Removes the value at an RFC 6901 pointer (own properties only). */
function removePointer(document: unknown, pointer: string): void {
  if (!pointer.startsWith('/')) return;
  const tokens = pointer.slice(1).split('/').map(unescapePointer);
  let node: any = document;
  for (const token of tokens.slice(0, -1)) {
    if (!node || typeof node !== 'object' || !Object.hasOwn(node, token))
      return;
    node = node[token];
  }
  const last = tokens[tokens.length - 1];
  if (!node || typeof node !== 'object' || !Object.hasOwn(node, last)) return;
  if (Array.isArray(node)) node.splice(Number(last), 1);
  else delete node[last];
}

function matches(rule: DriftIgnoreRule, name: string): boolean {
  const pattern = rule.workflow ?? '*';
  if (pattern === '*') return true;
  return pattern.endsWith('*')
    ? name.startsWith(pattern.slice(0, -1))
    : pattern === name;
}

/**
 * The form two definitions are compared in: parsed, with the ignored JSON
 * pointers removed (like Argo CD's ignoreDifferences), keys sorted.
 */
export function normalise(
  name: string,
  definition: string,
  ignore: DriftIgnoreRule[],
): unknown {
  const document = structuredClone(parsed(definition));
  for (const rule of ignore.filter(r => matches(r, name))) {
    for (const pointer of rule.jsonPointers) removePointer(document, pointer);
  }
  return sorted(document);
}

/** The differences between two documents, each at its JSON pointer. */
export function changesBetween(
  expected: unknown,
  live: unknown,
  at = '',
): DriftChange[] {
  if (isDeepStrictEqual(expected, live)) return [];
  const bothObjects =
    expected &&
    live &&
    typeof expected === 'object' &&
    typeof live === 'object' &&
    Array.isArray(expected) === Array.isArray(live);
  if (!bothObjects) {
    return [{ path: at || '/', kind: 'changed', expected, live }];
  }
  const a = expected as Record<string, unknown>;
  const b = live as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys.flatMap(key => {
    const path = `${at}/${escapePointer(key)}`;
    if (!Object.hasOwn(b, key))
      return [{ path, kind: 'removed' as const, expected: a[key] }];
    if (!Object.hasOwn(a, key))
      return [{ path, kind: 'added' as const, live: b[key] }];
    return changesBetween(a[key], b[key], path);
  });
}

const printed = (document: unknown) =>
  typeof document === 'string'
    ? document
    : `${JSON.stringify(document, null, 2)}\n`;

/**
 * Compares what Gantry recorded for an environment with what runs there,
 * workflow by workflow. Ignored differences make no drift.
 */
export function compareWorkflows(
  expected: ExpectedWorkflow[],
  live: LiveWorkflow[],
  ignore: DriftIgnoreRule[],
): DriftedWorkflow[] {
  const liveByName = new Map(live.map(w => [w.name, w]));
  const drifted: DriftedWorkflow[] = [];
  for (const want of expected) {
    const have = liveByName.get(want.name);
    liveByName.delete(want.name);
    if (!have) {
      drifted.push({
        name: want.name,
        kind: 'missing',
        expectedHash: want.hash,
        expectedActive: want.active,
        changes: [{ path: '/', kind: 'removed' }],
        patch: createTwoFilesPatch(
          `expected/${want.name}`,
          '/dev/null',
          printed(normalise(want.name, want.definition, [])),
          '',
        ),
      });
      continue;
    }
    const a = normalise(want.name, want.definition, ignore);
    const b = normalise(have.name, have.definition, ignore);
    const changes = changesBetween(a, b);
    if (changes.length) {
      drifted.push({
        name: want.name,
        kind: 'modified',
        expectedHash: want.hash,
        liveHash: contentHash(have.definition),
        expectedActive: want.active,
        liveActive: have.active,
        changes,
        patch: createTwoFilesPatch(
          `expected/${want.name}`,
          `live/${want.name}`,
          printed(a),
          printed(b),
        ),
      });
    } else if (want.active !== have.active) {
      drifted.push({
        name: want.name,
        kind: 'activation',
        expectedHash: want.hash,
        liveHash: contentHash(have.definition),
        expectedActive: want.active,
        liveActive: have.active,
        changes: [
          {
            path: '/active',
            kind: 'changed',
            expected: want.active,
            live: have.active,
          },
        ],
        patch: '',
      });
    }
  }
  for (const extra of liveByName.values()) {
    drifted.push({
      name: extra.name,
      kind: 'unexpected',
      liveHash: contentHash(extra.definition),
      liveActive: extra.active,
      changes: [{ path: '/', kind: 'added' }],
      patch: createTwoFilesPatch(
        '/dev/null',
        `live/${extra.name}`,
        '',
        printed(normalise(extra.name, extra.definition, [])),
      ),
    });
  }
  return drifted.sort((x, y) => x.name.localeCompare(y.name));
}
