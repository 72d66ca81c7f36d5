import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { parse } from 'yaml';
import { workflowJsonSchema } from './jsonSchema';
import { planWorkflow } from './plan';
import { validateWorkflow } from './validate';

// Every workflow example of the product brief, copied verbatim from
// ../shared/seeds (see __fixtures__/seeds/INDEX.md for what was skipped).
const SEEDS = path.join(__dirname, '__fixtures__', 'seeds');
const files = readdirSync(SEEDS).filter(f => f.endsWith('.yaml'));
// The guide's "Complete YAML Schema" block documents field types
// (`triggers: array` followed by a list); it is not valid YAML.
const SCHEMA_TEMPLATE = 'provider-workflows-guide__L166__string.yaml';
const examples = files.filter(f => f !== SCHEMA_TEMPLATE);
// Steps the guides show on their own, without a workflow around them.
const STEP_FRAGMENTS = path.join(__dirname, '__fixtures__', 'seed-steps');
const fragments = readdirSync(STEP_FRAGMENTS).filter(f => f.endsWith('.yaml'));
const SCHEMA_FILE = path.resolve(
  __dirname,
  '../../schema/workflow.schema.json',
);

describe('seed workflows', () => {
  it('has examples of the simple and the secure form', () => {
    expect(examples.length).toBeGreaterThanOrEqual(8);
    const forms = new Set(
      examples.map(
        f =>
          validateWorkflow(readFileSync(path.join(SEEDS, f), 'utf8'), f)
            .workflow?.form,
      ),
    );
    expect(forms).toEqual(new Set(['simple', 'secure']));
  });

  it.each(examples)('%s validates as written', file => {
    const result = validateWorkflow(
      readFileSync(path.join(SEEDS, file), 'utf8'),
      file,
    );
    expect(result.errors).toEqual([]);
    // only shell-environment variables may be left to the shell
    expect(result.warnings.every(w => w.code === 'unknown-variable')).toBe(
      true,
    );
  });

  it('reports the schema template as invalid YAML with its line', () => {
    const result = validateWorkflow(
      readFileSync(path.join(SEEDS, SCHEMA_TEMPLATE), 'utf8'),
      SCHEMA_TEMPLATE,
    );
    expect(result.errors[0]).toMatchObject({
      code: 'yaml',
      file: SCHEMA_TEMPLATE,
      line: 13,
    });
  });

  // The brief sits beside the repository (../shared) on developer and CI
  // machines; a clone elsewhere skips this one check.
  const seedsDir = path.resolve(__dirname, '../../../../../shared/seeds');
  const whenSeedsPresent = existsSync(seedsDir) ? describe : describe.skip;
  whenSeedsPresent('against ../shared/seeds', () => {
    it.each([...files, ...fragments.map(f => `../seed-steps/${f}`)])(
      '%s is a verbatim copy',
      file => {
        const seedText = readdirSync(seedsDir)
          .map(f => readFileSync(path.join(seedsDir, f), 'utf8'))
          .join('\n');
        const body = readFileSync(path.join(SEEDS, file), 'utf8').replace(
          /\n$/,
          '',
        );
        expect(seedText.includes(body)).toBe(true);
      },
    );
  });
});

const indent = (text: string, by: string) => text.replace(/^(?=.)/gm, by);

/** The fragment's steps inside the simple form and inside the full form. */
function wrapped(file: string): { simple: string; full: string } {
  const steps = readFileSync(path.join(STEP_FRAGMENTS, file), 'utf8');
  return {
    simple: `name: fragment\nsteps:\n${steps}`,
    full: [
      'apiVersion: workflow.dev/v1',
      'kind: ProductWorkflow',
      'metadata:',
      '  name: fragment',
      '  product: payments',
      '  phase: pre-deployment',
      'spec:',
      '  triggers:',
      '    - product_deployment',
      '  steps:',
      indent(steps, '    '),
    ].join('\n'),
  };
}

describe('seed step examples', () => {
  it.each(fragments)('%s validates in the simple and the full form', file => {
    const { simple, full } = wrapped(file);
    expect(validateWorkflow(simple, file).errors).toEqual([]);
    const result = validateWorkflow(full, file);
    expect(result.errors).toEqual([]);
    expect(result.workflow).toMatchObject({
      form: 'full',
      product: 'payments',
      triggers: ['product_deployment'],
    });
  });

  it('plans the when/unless example for development and production', () => {
    const { full } = wrapped('provider-workflows-guide__L523.yaml');
    const decisions = (ENVIRONMENT: string) =>
      planWorkflow(full, 'w.yaml', {
        context: { variables: { ENVIRONMENT } },
      }).steps.map(s => [s.id, s.decision]);
    expect(decisions('development')).toEqual([
      ['production-only-step', 'skip'],
      ['development-skip', 'skip'],
    ]);
    expect(decisions('production')).toEqual([
      ['production-only-step', 'run'],
      ['development-skip', 'run'],
    ]);
  });
});

describe('workflow JSON Schema', () => {
  const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'));
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const validate = ajv.compile(schema);

  it('is the one generated from the zod model (run yarn generate:schema)', () => {
    expect(schema).toEqual(JSON.parse(JSON.stringify(workflowJsonSchema())));
  });

  it.each(examples)('accepts %s', file => {
    const ok = validate(parse(readFileSync(path.join(SEEDS, file), 'utf8')));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('rejects a misspelled step field and a missing step type', () => {
    const fixtures = path.join(__dirname, '__fixtures__', 'invalid');
    for (const bad of [
      'unknown-field.yaml',
      'missing-type.yaml',
      'bad-kind.yaml',
    ]) {
      expect(
        validate(parse(readFileSync(path.join(fixtures, bad), 'utf8'))),
      ).toBe(false);
    }
  });
});
