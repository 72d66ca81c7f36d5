import { z } from 'zod';
import { workflowFileSchema } from './schema';

/**
 * JSON Schema of workflow files, generated from the zod model, for
 * yaml-language-server and other editors. `schema/workflow.schema.json` in
 * this package is this output; a test keeps the two in step.
 */
export function workflowJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(workflowFileSchema, {
      io: 'input',
      unrepresentable: 'any',
    }),
    $id: 'https://gantry.dev/schemas/workflow.schema.json',
    title: 'Gantry workflow',
    description:
      'A Gantry provider workflow: simple form (name, steps), secure form (typed inputs, step ids) or workflow.dev/v1 ProductWorkflow.',
  };
}
