import { z } from 'zod';

/**
 * Zod schemas for workflow files as written, in the three forms the guides
 * use. They check shape only; `normalize` turns them into one model and
 * `validate` checks meaning (types, ordering, references, policy).
 * The JSON Schema for editors is generated from these (see jsonSchema.ts).
 */

const duration = z
  .union([z.number().nonnegative(), z.string()])
  .describe('Seconds, or a duration such as 30s, 10m, 1h');

const conditionValue = z
  .union([z.string(), z.boolean()])
  .describe(
    "A CEL expression, or 'always' / 'on_failure'. ${a.b} inside it is a reference, never pasted text.",
  );

const stringMap = z.record(
  z.string(),
  z.union([z.string(), z.number(), z.boolean()]),
);

export const retrySchema = z
  .strictObject({
    attempts: z
      .number()
      .int()
      .min(1)
      .max(100)
      .describe('Total attempts, including the first'),
    delay: duration.optional().describe('Wait between attempts'),
    backoff: z
      .enum(['fixed', 'exponential'])
      .optional()
      .describe('How the delay grows between attempts'),
  })
  .describe('Retry policy');

export const stepSchema = z
  .strictObject({
    id: z
      .string()
      .min(1)
      .optional()
      .describe('Unique step id (defaults to name)'),
    name: z
      .string()
      .min(1)
      .optional()
      .describe('Step name; the id when no id is given'),
    type: z
      .string()
      .min(1)
      .describe('Step type, e.g. shell, terraform, kubernetes'),
    description: z.string().optional(),
    config: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('Executor-specific settings'),
    env: stringMap.optional().describe('Environment variables for the step'),
    namespace: z.string().optional().describe('Kubernetes namespace'),
    resource: z
      .string()
      .optional()
      .describe('Score resource this step provisions'),
    command: z.string().optional().describe('Shell command (secure form)'),
    message: z
      .string()
      .optional()
      .describe('Message (approval and notify steps)'),
    when: conditionValue.optional(),
    unless: conditionValue.optional(),
    if: conditionValue.optional(),
    condition: conditionValue.optional(),
    depends_on: z
      .union([z.array(z.string()), z.string()])
      .optional()
      .describe('Steps this one runs after; [] makes it a root'),
    timeout: duration.optional(),
    retry: retrySchema.optional(),
    continueOnFailure: z.boolean().optional(),
    outputs: z
      .union([z.array(z.string()), z.record(z.string(), z.unknown())])
      .optional()
      .describe('Outputs this step declares'),
  })
  .describe('A workflow step');

export const inputSchema = z
  .strictObject({
    type: z
      .enum(['string', 'number', 'integer', 'boolean', 'array', 'object'])
      .default('string'),
    description: z.string().optional(),
    required: z.boolean().optional(),
    default: z.unknown().optional(),
    validation: z
      .strictObject({
        pattern: z.string().optional(),
        enum: z
          .array(z.union([z.string(), z.number(), z.boolean()]))
          .optional(),
        min: z.number().optional(),
        max: z.number().optional(),
      })
      .optional(),
  })
  .describe('A typed workflow input');

const steps = z.array(stepSchema).min(1, 'a workflow needs at least one step');
const triggers = z
  .array(z.string())
  .describe('manual, product_deployment, first_deployment, event:<type>');
const variables = stringMap.describe(
  'Workflow variables, reachable as ${workflow.NAME} and ${NAME}',
);

/** `name` + `steps`, optionally typed `inputs` (the secure form). */
export const simpleWorkflowSchema = z
  .strictObject({
    name: z
      .string()
      .min(1)
      .optional()
      .describe('Workflow name; defaults to the file name'),
    description: z.string().optional(),
    version: z.union([z.string(), z.number()]).optional(),
    owner: z.string().optional(),
    product: z.string().optional(),
    phase: z.string().optional(),
    triggers: triggers.optional(),
    variables: variables.optional(),
    inputs: z.record(z.string(), inputSchema).optional(),
    steps,
  })
  .describe('Provider workflow (simple or secure form)');

/** `apiVersion: workflow.dev/v1`, `kind: ProductWorkflow`. */
export const fullWorkflowSchema = z
  .strictObject({
    apiVersion: z.literal('workflow.dev/v1'),
    kind: z.literal('ProductWorkflow'),
    metadata: z.strictObject({
      name: z.string().min(1),
      description: z.string().optional(),
      product: z.string().optional(),
      owner: z.string().optional(),
      phase: z
        .enum(['pre-deployment', 'deployment', 'post-deployment'])
        .optional(),
      version: z.union([z.string(), z.number()]).optional(),
      labels: z.record(z.string(), z.string()).optional(),
    }),
    spec: z.strictObject({
      triggers: triggers.optional(),
      variables: variables.optional(),
      inputs: z.record(z.string(), inputSchema).optional(),
      steps,
    }),
  })
  .describe('Product workflow (workflow.dev/v1)');

export const workflowFileSchema = z.union([
  fullWorkflowSchema,
  simpleWorkflowSchema,
]);

export type RawStep = z.infer<typeof stepSchema>;
export type RawInput = z.infer<typeof inputSchema>;
export type RawSimpleWorkflow = z.infer<typeof simpleWorkflowSchema>;
export type RawFullWorkflow = z.infer<typeof fullWorkflowSchema>;
