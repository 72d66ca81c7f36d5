import {
  ApplicationContext,
  coerceInput,
  formatDslError,
  parseScoreSpec,
  validateWorkflow,
} from '@internal/plugin-gantry-common';
import { readFileOrUsage, UsageError } from '../files';

/** Parses repeated `name=value` flags. */
export function pairs(values: string[], flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    if (eq <= 0)
      throw new UsageError(`${flag} expects name=value, got '${value}'`);
    out[value.slice(0, eq)] = value.slice(eq + 1);
  }
  return out;
}

/** Reads --spec into application.* (a bad spec is a usage error). */
export function readSpec(file?: string): ApplicationContext | undefined {
  if (!file) return undefined;
  const score = parseScoreSpec(readFileOrUsage(file), file);
  if (score.errors.length > 0) {
    throw new UsageError(score.errors.map(formatDslError).join('\n'));
  }
  return score.application;
}

/** Coerces `--input n=3` to the types the workflow declares. */
export function typedInputs(
  text: string,
  raw: Record<string, string>,
): Record<string, unknown> {
  const declared = validateWorkflow(text).workflow?.inputs ?? {};
  return Object.fromEntries(
    Object.entries(raw).map(([k, v]) => [
      k,
      declared[k] ? coerceInput(declared[k], v) : v,
    ]),
  );
}
