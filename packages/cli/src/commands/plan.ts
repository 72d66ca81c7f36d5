import {
  formatDslError,
  parseScoreSpec,
  planWorkflow,
  SecurityProfile,
  WorkflowPlan,
} from '@internal/plugin-gantry-common';
import { readFileOrUsage } from '../files';
import { pairs, typedInputs } from './inputs';

export interface PlanCommandOptions {
  spec?: string;
  input: string[];
  var: string[];
  profile?: SecurityProfile;
  json?: boolean;
}

/** `gantry plan FILE`: exit 0 when the plan is valid, 1 when not. */
export function runPlan(file: string, options: PlanCommandOptions): number {
  const text = readFileOrUsage(file);
  const variables = pairs(options.var, '--var');
  let application;
  if (options.spec) {
    const score = parseScoreSpec(readFileOrUsage(options.spec), options.spec);
    if (score.errors.length > 0)
      return report(emptyPlan(score.errors), options);
    application = score.application;
  }
  const inputs = typedInputs(text, pairs(options.input, '--input'));
  const plan = planWorkflow(text, file, {
    profile: options.profile,
    context: { application, variables, inputs },
  });
  return report(plan, options);
}

function emptyPlan(errors: WorkflowPlan['errors']): WorkflowPlan {
  return {
    workflow: '',
    valid: false,
    profile: 'standard',
    steps: [],
    deferred: [],
    errors,
    warnings: [],
  };
}

function report(plan: WorkflowPlan, options: PlanCommandOptions): number {
  if (options.json) {
    const { workflow, valid, steps, deferred, errors } = plan;
    const json = {
      workflow,
      valid,
      steps,
      deferred,
      errors: errors.map(({ message, file, line, column, step, path }) => ({
        message,
        file,
        line,
        column,
        step,
        path,
      })),
    };
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    return plan.valid ? 0 : 1;
  }
  for (const error of plan.errors)
    process.stderr.write(`${formatDslError(error)}\n`);
  if (plan.steps.length > 0) {
    const out: string[] = [
      `Plan for ${plan.workflow} (profile ${plan.profile}; nothing is executed)`,
      '',
    ];
    plan.steps.forEach((step, i) => {
      const mark = step.decision === 'run' ? '▶ run ' : '⏭ skip';
      out.push(
        `${String(i + 1).padStart(3)}. ${mark}  ${step.id}  [${step.type}]`,
      );
      out.push(
        `       after: ${
          step.needs.length ? step.needs.join(', ') : '(start)'
        }`,
      );
      if (step.reason) out.push(`       why:   ${step.reason}`);
      for (const [key, value] of Object.entries(step.config)) {
        const text = typeof value === 'string' ? value : JSON.stringify(value);
        const lines = text.replace(/\n$/, '').split('\n');
        out.push(`       ${key}: ${lines[0]}`);
        for (const line of lines.slice(1)) out.push(`         ${line}`);
      }
    });
    if (plan.deferred.length > 0) {
      out.push('', 'Resolved later:');
      const seen = new Set<string>();
      for (const d of plan.deferred) {
        const key = `${d.reference}\u0000${d.reason}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(`  ${d.reference} — ${d.reason}`);
      }
    }
    process.stdout.write(`${out.join('\n')}\n`);
  }
  process.stdout.write(
    plan.valid
      ? '✔ plan is valid\n'
      : `✖ plan has ${plan.errors.length} problem(s)\n`,
  );
  return plan.valid ? 0 : 1;
}
