/*
 * Benchmark: validate and plan a generated 500-step workflow.
 *   yarn bench:dsl [steps]
 * Prints the median time of each phase and its ratio to a raw YAML parse of
 * the same text measured in the same run (the floor any validator pays).
 */
import { parse } from 'yaml';
import { planWorkflow } from '../src/dsl/plan';
import { validateWorkflow } from '../src/dsl/validate';

const STEPS = Number(process.argv[2] ?? 500);
const RUNS = 15;

function generate(count: number): string {
  const lines = [
    'name: bench',
    'variables:',
    '  ENVIRONMENT: production',
    'steps:',
  ];
  for (let i = 0; i < count; i++) {
    lines.push(`  - id: step-${i}`);
    if (i % 5 === 0) {
      lines.push(
        '    type: shell',
        `    command: echo "deploying \${APP_NAME} to \${workflow.ENVIRONMENT}" && echo out=${i} >> "$GANTRY_OUTPUT"`,
      );
    } else if (i % 5 === 1) {
      lines.push(
        '    type: kubernetes',
        '    config:',
        '      manifest: |',
        '        kind: ConfigMap',
        '        metadata:',
        `          name: \${application.name}-${i}`,
      );
    } else if (i % 5 === 2) {
      lines.push(
        '    type: validation',
        `    when: "\${workflow.ENVIRONMENT} == 'production' && steps.step-${
          i - 2
        }.exit_code == 0"`,
      );
    } else if (i % 5 === 3) {
      lines.push(
        '    type: terraform',
        '    outputs: [endpoint]',
        '    config:',
        '      working_dir: ./tf',
      );
    } else {
      lines.push(
        '    type: shell',
        `    command: echo \${terraform.endpoint} \${steps.step-${
          i - 4
        }.exit_code}`,
        `    depends_on: [step-${i - 1}, step-${i - 4}]`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

function median(fn: () => unknown): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)];
}

const text = generate(STEPS);
const check = planWorkflow(text, 'bench.yaml', {
  context: { variables: { ENVIRONMENT: 'production' } },
});
if (!check.valid || check.steps.length !== STEPS) {
  throw new Error(
    `generated workflow is not valid: ${check.errors
      .slice(0, 3)
      .map(e => e.message)
      .join('; ')}`,
  );
}

const baseline = median(() => parse(text));
const validate = median(() => validateWorkflow(text, 'bench.yaml'));
const plan = median(() =>
  planWorkflow(text, 'bench.yaml', {
    context: { variables: { ENVIRONMENT: 'production' } },
  }),
);
const row = (name: string, ms: number) =>
  `${name.padEnd(26)} ${ms.toFixed(1).padStart(8)} ms   ${(ms / baseline)
    .toFixed(1)
    .padStart(5)}× raw parse`;
process.stdout.write(
  [
    `DSL benchmark: ${STEPS} steps, ${text.length} bytes, median of ${RUNS} runs, Node ${process.version}`,
    row('raw YAML parse (baseline)', baseline),
    row('validate', validate),
    row('validate + plan', plan),
    '',
  ].join('\n'),
);
