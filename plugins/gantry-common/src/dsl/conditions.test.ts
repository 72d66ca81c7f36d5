import {
  ConditionError,
  evaluateCondition,
  prepareCondition,
} from './conditions';

function evaluate(source: string, values: Record<string, unknown>): boolean {
  const prepared = prepareCondition(source);
  const bound = Object.fromEntries(
    prepared.refs.map(ref => [ref.variable, values[ref.path.join('.')]]),
  );
  return evaluateCondition(prepared, bound);
}

describe('conditions', () => {
  const production = "${workflow.ENVIRONMENT} == 'production'";

  it('compares a referenced variable', () => {
    expect(evaluate(production, { 'workflow.ENVIRONMENT': 'production' })).toBe(
      true,
    );
    expect(
      evaluate(production, { 'workflow.ENVIRONMENT': 'development' }),
    ).toBe(false);
  });

  it('cannot be rewritten by a value, however it is quoted', () => {
    for (const attack of [
      "x' || true || '",
      'x" || true || "',
      "production' || 'a' == 'a",
      ') || true || (',
      '${workflow.ENVIRONMENT}',
    ]) {
      expect(evaluate(production, { 'workflow.ENVIRONMENT': attack })).toBe(
        false,
      );
      expect(
        evaluate("'${workflow.ENVIRONMENT}' == 'production'", {
          'workflow.ENVIRONMENT': attack,
        }),
      ).toBe(false);
    }
  });

  it('reads hyphenated step ids as the seeds write them', () => {
    const source = 'steps.run-tests.exit_code == 0';
    expect(prepareCondition(source).refs[0].path).toEqual([
      'steps',
      'run-tests',
      'exit_code',
    ]);
    expect(evaluate(source, { 'steps.run-tests.exit_code': 0 })).toBe(true);
    expect(evaluate(source, { 'steps.run-tests.exit_code': 2 })).toBe(false);
  });

  it('supports bare input paths and lists', () => {
    const source = "inputs.environment in ['dev', 'staging', 'prod']";
    expect(evaluate(source, { 'inputs.environment': 'staging' })).toBe(true);
    expect(evaluate(source, { 'inputs.environment': 'qa' })).toBe(false);
  });

  it('splices references inside string literals as data', () => {
    expect(
      evaluate("'env-${workflow.ENV}' == 'env-prod'", {
        'workflow.ENV': 'prod',
      }),
    ).toBe(true);
    expect(
      evaluate('{{ inputs.name }} == "api"', { 'inputs.name': 'api' }),
    ).toBe(true);
  });

  it('rejects syntax errors and names it cannot resolve', () => {
    expect(() => prepareCondition("${workflow.ENV} == 'a' &&")).toThrow(
      ConditionError,
    );
    expect(() => prepareCondition('process.exit(1)')).toThrow(
      /unknown name 'process'/,
    );
    expect(() => prepareCondition("'unterminated")).toThrow(/unterminated/);
  });

  it('demands a boolean', () => {
    expect(() => evaluate('${workflow.ENV}', { 'workflow.ENV': 'x' })).toThrow(
      /true or false/,
    );
  });
});
