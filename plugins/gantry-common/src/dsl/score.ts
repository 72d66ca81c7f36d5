import { z } from 'zod';
import { DslError } from './errors';
import { ApplicationContext } from './references';
import { WorkflowSource } from './source';

/** The parts of a Score spec (score.dev/v1b1) Gantry reads. */
export const scoreSpecSchema = z.looseObject({
  apiVersion: z
    .string()
    .regex(
      /^score\.dev\//,
      'expected a score.dev apiVersion such as score.dev/v1b1',
    ),
  metadata: z.looseObject({ name: z.string().min(1) }),
  containers: z.record(z.string(), z.unknown()).optional(),
  resources: z
    .record(
      z.string(),
      z.looseObject({
        type: z.string(),
        params: z.record(z.string(), z.unknown()).optional(),
      }),
    )
    .optional(),
});

/**
 * Reads a Score spec into `application.*` and `resources.*`:
 * `metadata.name` → `application.name`, other metadata keys →
 * `application.metadata.*`.
 */
export function parseScoreSpec(
  text: string,
  file?: string,
): { application?: ApplicationContext; errors: DslError[] } {
  const { source, errors } = WorkflowSource.parse(text, file);
  if (errors.length > 0) return { errors };
  const parsed = scoreSpecSchema.safeParse(source.toJS());
  if (!parsed.success) {
    return {
      errors: parsed.error.issues.map(issue =>
        source.error(
          'invalid-score-spec',
          `Score spec: ${issue.path.join('.') || 'document'}: ${issue.message}`,
          issue.path as (string | number)[],
        ),
      ),
    };
  }
  const { name, ...metadata } = parsed.data.metadata;
  const resources = Object.fromEntries(
    Object.entries(parsed.data.resources ?? {}).map(([key, value]) => [
      key,
      { type: value.type, ...(value.params ?? {}) },
    ]),
  );
  return { application: { name, metadata, resources }, errors: [] };
}
