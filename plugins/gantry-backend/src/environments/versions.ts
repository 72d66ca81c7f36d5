import { createHash } from 'node:crypto';
import { parse } from 'yaml';

/** JSON with object keys sorted, so equal documents print equally. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map(k => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/**
 * The content hash of a workflow: sha256 over its parsed, key-sorted form, so
 * comments, key order and formatting do not make a new version.
 */
export function contentHash(definition: string): string {
  let document: unknown;
  try {
    document = parse(definition);
  } catch {
    document = definition; // unparsable text is still a version, hashed as is
  }
  return createHash('sha256')
    .update(JSON.stringify(canonical(document)))
    .digest('hex');
}

/** The hash of a list of things, e.g. of a snapshot's content. */
export function hashOf(value: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(canonical(value)))
    .digest('hex');
}

const SECRET_REF = /(?:\$\{|\{\{)\s*secrets\.([A-Za-z0-9_.-]+)\s*(?:\}\}|\})/g;

/** The `secrets.<name>` a workflow references, sorted. */
export function secretReferences(definition: string): string[] {
  const names = new Set<string>();
  for (const match of definition.matchAll(SECRET_REF)) names.add(match[1]);
  return [...names].sort();
}
