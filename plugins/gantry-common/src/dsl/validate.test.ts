import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DslError, formatDslError } from './errors';
import { validateWorkflow, ValidateOptions } from './validate';

const FIXTURES = path.join(__dirname, '__fixtures__', 'invalid');

function check(name: string, options?: ValidateOptions): DslError[] {
  const file = path.join(FIXTURES, name);
  return validateWorkflow(readFileSync(file, 'utf8'), file, options).errors;
}

describe('validateWorkflow errors', () => {
  // [fixture, code, line, column, step, message pattern]
  const cases: Array<
    [string, string, number, number, string | undefined, RegExp]
  > = [
    ['malformed-yaml.yaml', 'yaml', 5, 1, undefined, /^invalid YAML: /],
    [
      'bad-kind.yaml',
      'kind',
      2,
      7,
      undefined,
      /unknown kind "ProductWorkflw" \(did you mean ProductWorkflow\?\)/,
    ],
    [
      'bad-api-version.yaml',
      'api-version',
      1,
      13,
      undefined,
      /unknown apiVersion "workflow.dev\/v2" \(did you mean workflow.dev\/v1\?\)/,
    ],
    [
      'missing-type.yaml',
      'missing-field',
      7,
      5,
      'second',
      /step 'second': missing required field 'type'/,
    ],
    [
      'unknown-step-type.yaml',
      'unknown-step-type',
      4,
      11,
      'provision',
      /step 'provision': unknown step type 'terraformm' \(did you mean terraform\?\); known types: .*shell.*terraform/,
    ],
    [
      'duplicate-ids.yaml',
      'duplicate-step-id',
      6,
      9,
      'build',
      /duplicate step id 'build' \(first used at line 3\)/,
    ],
    [
      'unknown-dependency.yaml',
      'unknown-dependency',
      9,
      18,
      'deploy',
      /depends_on names unknown step 'biuld' \(did you mean build\?\)/,
    ],
    ['cycle.yaml', 'cycle', 6, 17, 'a', /dependency cycle: a → b → c → a/],
    [
      'bad-reference.yaml',
      'unresolved-reference',
      6,
      17,
      'namespace',
      /unknown reference application.nmae \(did you mean application.name\?\)/,
    ],
    [
      'terraform-undeclared.yaml',
      'unresolved-reference',
      13,
      17,
      'configure-app',
      /terraform.db_hots is not declared .* \(did you mean db_host\?\)/,
    ],
    [
      'output-not-before.yaml',
      'unresolved-reference',
      5,
      14,
      'use',
      /step 'produce' does not run before step 'use'/,
    ],
    [
      'unknown-field.yaml',
      'unknown-field',
      9,
      5,
      'deploy',
      /unknown field 'depnds_on' \(did you mean depends_on\?\)/,
    ],
    [
      'bad-condition.yaml',
      'invalid-condition',
      6,
      11,
      'deploy',
      /step 'deploy': when: /,
    ],
  ];

  it.each(cases)('%s → %s', (fixture, code, line, column, step, message) => {
    const errors = check(fixture);
    const error = errors.find(e => e.code === code);
    expect(error).toBeDefined();
    expect(error!.message).toMatch(message);
    expect({
      line: error!.line,
      column: error!.column,
      step: error!.step,
    }).toEqual({ line, column, step });
    expect(error!.file).toBe(path.join(FIXTURES, fixture));
    expect(formatDslError(error!)).toMatch(
      new RegExp(`^${FIXTURES}/${fixture}:${line}:${column}: `),
    );
  });

  it('reports the path of a reference it cannot resolve', () => {
    const [error] = check('bad-reference.yaml');
    expect(error.path).toBe('application.nmae');
  });

  it('checks input values against required, type, pattern and enum', () => {
    const errors = check('typed-inputs.yaml', {
      context: {
        inputs: { app_name: 'Bad_Name', environment: 'qa', replicas: 'three' },
      },
    });
    const messages = errors.map(e => e.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /input 'app_name' value "Bad_Name" does not match pattern/,
        ),
        expect.stringMatching(
          /input 'environment' must be one of "dev", "staging", "prod", got "qa"/,
        ),
        expect.stringMatching(/input 'replicas' must be of type integer/),
      ]),
    );
    const missing = check('typed-inputs.yaml', { context: { inputs: {} } });
    expect(missing.map(e => e.message)).toEqual(
      expect.arrayContaining([
        "input 'app_name' is required",
        "input 'environment' is required",
      ]),
    );
    const pattern = errors.find(e => e.path === 'inputs.app_name')!;
    expect(pattern.line).toBe(4);
  });

  it('accepts good input values and applies defaults', () => {
    const file = path.join(FIXTURES, 'typed-inputs.yaml');
    const result = validateWorkflow(readFileSync(file, 'utf8'), file, {
      context: { inputs: { app_name: 'api', environment: 'prod' } },
    });
    expect(result.errors).toEqual([]);
    expect(result.context.inputs).toEqual({
      app_name: 'api',
      environment: 'prod',
      replicas: 1,
    });
  });

  describe('policy', () => {
    const text = readFileSync(
      path.join(FIXTURES, 'duplicate-ids.yaml'),
      'utf8',
    ).replace(
      /id: build\n(\s+)type: shell\n(\s+)command: make again/,
      'id: notify\n$1type: notify.webhook\n$2command: make again',
    );

    it('names the security profile that refuses a step type', () => {
      const errors = validateWorkflow(text, 'w.yaml', {
        policy: { profile: 'restricted' },
      }).errors;
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({
        code: 'policy',
        step: 'build',
        line: 4,
        column: 11,
      });
      expect(errors[0].message).toMatch(
        /security profile 'restricted': step 'build' has type 'shell'/,
      );
    });

    it('enforces allowedStepTypes and maxSteps', () => {
      const errors = validateWorkflow(text, 'w.yaml', {
        policy: { allowedStepTypes: ['shell'], maxSteps: 1 },
      }).errors;
      expect(errors.map(e => e.message)).toEqual([
        'policy maxSteps: the workflow has 2 steps; at most 1 are allowed',
        "policy allowedStepTypes: step 'notify' has type 'notify.webhook', which is not allowed (allowed: shell)",
      ]);
    });
  });

  it('never throws on garbage', () => {
    for (const text of [
      '',
      '- a\n- b',
      'name: x',
      'steps: 3',
      '{{{',
      'name: x\nsteps: []',
      '\u0000',
    ]) {
      const result = validateWorkflow(text, 'g.yaml');
      expect(result.errors.length).toBeGreaterThan(0);
    }
  });
});
