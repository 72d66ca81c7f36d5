import {
  ConditionError,
  evaluateCondition,
  PreparedCondition,
  specialWhen,
} from './conditions';
import { DslError } from './errors';
import { interpolateValue, RefRendering } from './interpolate';
import { WorkflowStep } from './model';
import { SecurityProfile } from './policy';
import {
  isShellCommandPath,
  validateWorkflow,
  ValidateOptions,
  ValidationResult,
} from './validate';
import { RefPart } from './template';
import { ShellInterpolationError } from './shell';

export interface PlannedStep {
  id: string;
  type: string;
  needs: string[];
  decision: 'run' | 'skip';
  reason?: string;
  config: Record<string, unknown>;
}

/** A reference whose value is only known later; it stays as written. */
export interface DeferredReference {
  step: string;
  reference: string;
  reason: string;
}

export interface WorkflowPlan {
  workflow: string;
  valid: boolean;
  profile: SecurityProfile;
  steps: PlannedStep[];
  deferred: DeferredReference[];
  errors: DslError[];
  warnings: DslError[];
}

export interface PlanOptions extends ValidateOptions {
  profile?: SecurityProfile;
}

/**
 * Shows what would run, in order, with interpolated config. Nothing runs.
 * Conditions that depend on run-time values are decided assuming earlier
 * steps succeed (exit code 0, declared outputs present).
 */
export function planWorkflow(
  text: string,
  file?: string,
  options: PlanOptions = {},
): WorkflowPlan {
  const profile = options.profile ?? options.policy?.profile ?? 'standard';
  const validation = validateWorkflow(text, file, {
    ...options,
    policy: { ...options.policy, profile },
    context: { strictVariables: true, ...options.context },
  });
  const { workflow, graph, resolver, errors, warnings } = validation;
  const plan: WorkflowPlan = {
    workflow: workflow?.name ?? '',
    valid: errors.length === 0,
    profile,
    steps: [],
    deferred: [],
    errors,
    warnings,
  };
  if (!workflow || !graph || !resolver || graph.cycles.length > 0) return plan;

  const byId = new Map(validation.steps.map(a => [a.step.id, a]));
  for (const id of graph.order) {
    const { step, when, unless, assertion } = byId.get(id)!;
    const deferredHere = new Map<string, string>();
    const render = (ref: RefPart): RefRendering => {
      const resolution = resolver.resolve(ref.path, step);
      switch (resolution.kind) {
        case 'value':
          return { value: resolution.value };
        case 'deferred':
          deferredHere.set(ref.raw, resolution.reason);
          return { keep: true };
        case 'secret':
          deferredHere.set(
            ref.raw,
            'secret, resolved at run time and redacted',
          );
          return { keep: true };
        default:
          return { keep: true };
      }
    };
    let config: Record<string, unknown>;
    try {
      config = interpolateValue(step.config, render, path =>
        isShellCommandPath(step, ['config', ...path]),
      ) as Record<string, unknown>;
    } catch (error) {
      if (!(error instanceof ShellInterpolationError)) throw error;
      errors.push(
        validation.source.error(
          'unsafe-value',
          `step '${step.id}': ${error.message}`,
          [...step.sourcePath, 'config'],
          { step: step.id },
        ),
      );
      config = step.config;
    }
    const decision = decide(step, when, unless, validation, errors);
    if (assertion && decision.run) {
      decision.reason = checkAssertion(step, assertion, validation, errors);
    }
    for (const [reference, reason] of deferredHere) {
      plan.deferred.push({ step: step.id, reference, reason });
    }
    plan.steps.push({
      id: step.id,
      type: step.type,
      needs: graph.needs.get(step.id) ?? [],
      decision: decision.run ? 'run' : 'skip',
      ...(decision.reason ? { reason: decision.reason } : {}),
      config,
    });
  }
  plan.valid = errors.length === 0;
  return plan;
}

function decide(
  step: WorkflowStep,
  when: PreparedCondition | undefined,
  unless: PreparedCondition | undefined,
  validation: ValidationResult,
  errors: DslError[],
): { run: boolean; reason?: string } {
  const special = specialWhen(step.when);
  if (special === 'always')
    return { run: true, reason: 'when: always — runs even after a failure' };
  if (special === 'on_failure') {
    return {
      run: false,
      reason:
        'when: on_failure — runs only when an earlier step fails; the plan assumes every step succeeds',
    };
  }
  for (const [key, prepared, runWhen] of [
    ['when', when, true],
    ['unless', unless, false],
  ] as const) {
    if (!prepared) continue;
    const outcome = evaluateForPlan(prepared, step, validation);
    if ('error' in outcome) {
      errors.push(
        validation.source.error(
          'condition-error',
          `step '${step.id}': ${key}: ${outcome.error}`,
          [...step.sourcePath, key],
          { step: step.id },
        ),
      );
      return {
        run: false,
        reason: `${key} could not be evaluated: ${outcome.error}`,
      };
    }
    if ('undecided' in outcome) {
      return {
        run: true,
        reason: `${key}: ${prepared.source} depends on ${outcome.undecided}, known only at run time; planned as if the earlier steps succeed`,
      };
    }
    const assumed = outcome.assumed.length
      ? ` (assuming the earlier steps succeed: ${outcome.assumed.join(', ')})`
      : '';
    if (outcome.value !== runWhen) {
      return {
        run: false,
        reason: `${key}: ${prepared.source} is ${outcome.value}${assumed}`,
      };
    }
    if (key === 'when') {
      const result = {
        run: true,
        reason: `${key}: ${prepared.source} is true${assumed}`,
      };
      if (!unless) return result;
    }
  }
  return unless
    ? { run: true, reason: `unless: ${unless.source} is false` }
    : { run: true };
}

/** Evaluates an assert step's condition where its values are known. */
function checkAssertion(
  step: WorkflowStep,
  assertion: PreparedCondition,
  validation: ValidationResult,
  errors: DslError[],
): string {
  const outcome = evaluateForPlan(assertion, step, validation);
  if ('undecided' in outcome) {
    return `asserts ${assertion.source}; checked at run time (depends on ${outcome.undecided})`;
  }
  if ('error' in outcome)
    return `asserts ${assertion.source}; cannot check it yet: ${outcome.error}`;
  if (outcome.value) return `asserts ${assertion.source}: holds`;
  const message =
    typeof step.config.message === 'string'
      ? step.config.message
      : 'assertion failed';
  errors.push(
    validation.source.error(
      'assertion-failed',
      `step '${step.id}': ${message} (${assertion.source} is false)`,
      [...step.sourcePath, 'condition'],
      { step: step.id },
    ),
  );
  return `asserts ${assertion.source}: FAILS — ${message}`;
}

type PlanOutcome =
  | { value: boolean; assumed: string[] }
  | { undecided: string }
  | { error: string };

function evaluateForPlan(
  prepared: PreparedCondition,
  step: WorkflowStep,
  validation: ValidationResult,
): PlanOutcome {
  const values: Record<string, unknown> = {};
  const assumed: string[] = [];
  for (const ref of prepared.refs) {
    const resolution = validation.resolver!.resolve(ref.path, step);
    const shown = ref.path.join('.');
    if (resolution.kind === 'value') {
      values[ref.variable] = resolution.value;
    } else if (
      resolution.kind === 'deferred' &&
      ref.path[0] === 'steps' &&
      ref.path[2] === 'exit_code'
    ) {
      values[ref.variable] = 0;
      assumed.push(`${shown} = 0`);
    } else if (
      resolution.kind === 'deferred' &&
      ref.path[0] === 'steps' &&
      ref.path[2] === 'status'
    ) {
      values[ref.variable] = 'succeeded';
      assumed.push(`${shown} = succeeded`);
    } else if (resolution.kind === 'deferred') {
      return { undecided: shown };
    } else {
      return { error: `${shown} cannot be resolved` };
    }
  }
  try {
    return { value: evaluateCondition(prepared, values), assumed };
  } catch (error) {
    if (error instanceof ConditionError) return { error: error.message };
    throw error;
  }
}
