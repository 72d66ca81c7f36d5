import { z } from 'zod';
import { DslError } from './errors';
import { WorkflowSource } from './source';
import { didYouMean } from './suggest';

/** `providers/<team>/provider.yaml`. */
export const providerSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'use lowercase letters, digits and -'),
  description: z.string().optional(),
  version: z.union([z.string(), z.number()]).optional(),
  owner: z.string().optional(),
  workflows_dir: z.string().default('workflows'),
  supported_resources: z.array(z.string()).optional(),
  tags: z.array(z.string()).optional(),
  product: z.string().optional(),
  /**
   * Resource types this provider provisions and the workflows that do it.
   * Without an entry, a type in supported_resources uses create-<type> and
   * delete-<type>.
   */
  capabilities: z
    .array(
      z.strictObject({
        type: z.string().min(1),
        class: z.string().optional(),
        environment: z.string().optional(),
        create: z.string().min(1),
        update: z.string().optional(),
        delete: z.string().optional(),
      }),
    )
    .optional(),
});

export type ProviderManifest = z.infer<typeof providerSchema>;

const PROVIDER_KEYS = Object.keys(providerSchema.shape);

/** Parses and checks a provider.yaml; errors carry file, line and column. */
export function parseProviderManifest(
  text: string,
  file?: string,
): { provider?: ProviderManifest; errors: DslError[] } {
  const { source, errors } = WorkflowSource.parse(text, file);
  if (errors.length > 0) return { errors };
  const parsed = providerSchema.safeParse(source.toJS());
  if (parsed.success) {
    if (parsed.data.workflows_dir.split(/[\\/]/).includes('..')) {
      return {
        errors: [
          source.error(
            'invalid-field',
            'workflows_dir must stay inside the provider directory',
            ['workflows_dir'],
          ),
        ],
      };
    }
    return { provider: parsed.data, errors: [] };
  }
  return {
    errors: parsed.error.issues.map(issue => {
      const path = issue.path as (string | number)[];
      if (issue.code === 'unrecognized_keys') {
        const key = issue.keys[0];
        return source.errorAtKey(
          'unknown-field',
          `provider.yaml: unknown field '${key}'${didYouMean(
            key,
            PROVIDER_KEYS,
          )}`,
          [...path, key],
        );
      }
      const field = path.join('.') || 'provider.yaml';
      return issue.code === 'invalid_type' && issue.input === undefined
        ? source.error(
            'missing-field',
            `provider.yaml: missing required field '${field}'`,
            [],
          )
        : source.error(
            'invalid-field',
            `provider.yaml: ${field}: ${issue.message}`,
            path,
          );
    }),
  };
}
