import { z } from 'zod';
import { DslError } from './errors';
import { ApplicationContext } from './references';
import { WorkflowSource } from './source';
import { findReferences, forEachString } from './template';

/** RFC 1123 label: lowercase letters, digits and '-', at most 63. */
const RFC1123 = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

const container = z.strictObject({
  image: z.string().min(1),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  variables: z.record(z.string(), z.string()).optional(),
  files: z.unknown().optional(),
  volumes: z.unknown().optional(),
  resources: z.unknown().optional(),
  livenessProbe: z.unknown().optional(),
  readinessProbe: z.unknown().optional(),
});

/** Score `score.dev/v1b1`, strictly: misspelled fields are errors. */
export const scoreSpecSchema = z.strictObject({
  apiVersion: z.literal('score.dev/v1b1'),
  metadata: z.looseObject({
    name: z
      .string()
      .regex(
        RFC1123,
        'must be an RFC 1123 name: lowercase letters, digits and -, at most 63',
      ),
    annotations: z.record(z.string(), z.string()).optional(),
  }),
  containers: z
    .record(
      z.string().regex(RFC1123, 'container names are RFC 1123 names'),
      container,
    )
    .refine(
      c => Object.keys(c).length > 0,
      'at least one container is required',
    ),
  service: z
    .strictObject({
      ports: z.record(
        z.string(),
        z.strictObject({
          port: z.number().int().min(1).max(65535),
          targetPort: z.number().int().min(1).max(65535).optional(),
          protocol: z.enum(['TCP', 'UDP']).optional(),
        }),
      ),
    })
    .optional(),
  resources: z
    .record(
      z.string().regex(RFC1123, 'resource names are RFC 1123 names'),
      z.strictObject({
        type: z.string().min(1),
        class: z.string().optional(),
        id: z.string().optional(),
        metadata: z.record(z.string(), z.unknown()).optional(),
        params: z.record(z.string(), z.unknown()).optional(),
      }),
    )
    .optional(),
});

export type ScoreSpec = z.infer<typeof scoreSpecSchema>;

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys')
    return `unknown field '${issue.keys[0]}'`;
  if (issue.code === 'invalid_type' && issue.input === undefined)
    return 'is required';
  return issue.message;
}

/**
 * Parses and checks a Score spec; `application.*` and `resources.*` for
 * workflows: `metadata.name` → `application.name`, other metadata keys →
 * `application.metadata.*`, each resource's params → `resources.<name>.*`.
 * Placeholders in container variables must name metadata or a declared
 * resource (`$$` escapes a dollar).
 */
export function parseScoreSpec(
  text: string,
  file?: string,
): { application?: ApplicationContext; spec?: ScoreSpec; errors: DslError[] } {
  const { source, errors } = WorkflowSource.parse(text, file);
  if (errors.length > 0) return { errors };
  const parsed = scoreSpecSchema.safeParse(source.toJS());
  if (!parsed.success) {
    return {
      errors: parsed.error.issues.map(issue => {
        const path = issue.path as (string | number)[];
        const at =
          issue.code === 'unrecognized_keys' ? [...path, issue.keys[0]] : path;
        return source.error(
          'invalid-score-spec',
          `Score spec: ${path.join('.') || 'document'}: ${issueMessage(issue)}`,
          at,
          {
            path: at.join('.'),
          },
        );
      }),
    };
  }
  const spec = parsed.data;
  const placeholderErrors: DslError[] = [];
  for (const [name, c] of Object.entries(spec.containers)) {
    forEachString(c.variables ?? {}, (value, path) => {
      for (const ref of findReferences(value)) {
        const [head, second] = ref.path;
        const ok =
          (head === 'metadata' && ref.path.length >= 2) ||
          (head === 'resources' &&
            second !== undefined &&
            Object.hasOwn(spec.resources ?? {}, second));
        if (!ok) {
          const at = ['containers', name, 'variables', ...path];
          placeholderErrors.push(
            source.error(
              'invalid-score-spec',
              `Score spec: ${at.join('.')}: placeholder ${
                ref.raw
              } names no metadata field or declared resource`,
              at,
              {
                path: at.join('.'),
              },
            ),
          );
        }
      }
    });
  }
  if (placeholderErrors.length > 0) return { errors: placeholderErrors };
  const { name, ...metadata } = spec.metadata;
  const resources = Object.fromEntries(
    Object.entries(spec.resources ?? {}).map(([key, value]) => [
      key,
      {
        type: value.type,
        ...(value.class ? { class: value.class } : {}),
        ...(value.params ?? {}),
      },
    ]),
  );
  return { application: { name, metadata, resources }, spec, errors: [] };
}
