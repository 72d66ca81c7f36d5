/* Writes schema/workflow.schema.json from the zod model: yarn generate:schema */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { workflowJsonSchema } from '../src/dsl/jsonSchema';

const target = path.resolve(__dirname, '../schema/workflow.schema.json');
writeFileSync(target, `${JSON.stringify(workflowJsonSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${target}\n`);
