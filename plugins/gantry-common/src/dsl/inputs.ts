import { InputSpec } from './model';

/** Parses a `--input name=value` string into the input's declared type. */
export function coerceInput(spec: InputSpec, raw: string): unknown {
  switch (spec.type) {
    case 'number':
    case 'integer':
      return raw.trim() === '' ? raw : Number(raw);
    case 'boolean':
      if (raw === 'true') return true;
      if (raw === 'false') return false;
      return raw;
    case 'array':
    case 'object':
      try {
        return JSON.parse(raw);
      } catch {
        return raw;
      }
    default:
      return raw;
  }
}

function typeOk(spec: InputSpec, value: unknown): boolean {
  switch (spec.type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    default:
      return (
        value !== null && typeof value === 'object' && !Array.isArray(value)
      );
  }
}

/**
 * Applies defaults and checks `required`, `type`, `pattern`, `enum`, `min`
 * and `max`. Returns the values to run with and one message per problem.
 */
export function resolveInputs(
  specs: Record<string, InputSpec>,
  given: Record<string, unknown>,
): {
  values: Record<string, unknown>;
  problems: Array<{ input: string; message: string }>;
} {
  const values: Record<string, unknown> = {};
  const problems: Array<{ input: string; message: string }> = [];
  for (const name of Object.keys(given)) {
    if (!Object.hasOwn(specs, name)) {
      problems.push({
        input: name,
        message: `unknown input '${name}'; the workflow declares ${
          Object.keys(specs).join(', ') || 'no inputs'
        }`,
      });
    }
  }
  for (const [name, spec] of Object.entries(specs)) {
    const value = Object.hasOwn(given, name) ? given[name] : spec.default;
    if (value === undefined) {
      if (spec.required)
        problems.push({ input: name, message: `input '${name}' is required` });
      continue;
    }
    if (!typeOk(spec, value)) {
      problems.push({
        input: name,
        message: `input '${name}' must be of type ${
          spec.type
        }, got ${JSON.stringify(value)}`,
      });
      continue;
    }
    if (spec.pattern !== undefined && typeof value === 'string') {
      let matches = false;
      try {
        matches = new RegExp(`^(?:${spec.pattern})$`, 'u').test(value);
      } catch {
        problems.push({
          input: name,
          message: `input '${name}' has an invalid pattern ${spec.pattern}`,
        });
        continue;
      }
      if (!matches) {
        problems.push({
          input: name,
          message: `input '${name}' value ${JSON.stringify(
            value,
          )} does not match pattern ${spec.pattern}`,
        });
        continue;
      }
    }
    if (spec.enum && !spec.enum.includes(value as string | number | boolean)) {
      problems.push({
        input: name,
        message: `input '${name}' must be one of ${spec.enum
          .map(v => JSON.stringify(v))
          .join(', ')}, got ${JSON.stringify(value)}`,
      });
      continue;
    }
    if (typeof value === 'number') {
      if (spec.min !== undefined && value < spec.min) {
        problems.push({
          input: name,
          message: `input '${name}' must be at least ${spec.min}`,
        });
        continue;
      }
      if (spec.max !== undefined && value > spec.max) {
        problems.push({
          input: name,
          message: `input '${name}' must be at most ${spec.max}`,
        });
        continue;
      }
    }
    values[name] = value;
  }
  return { values, problems };
}
