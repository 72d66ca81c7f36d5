import { Workflow } from './model';

/**
 * Security profiles, from most to least constrained:
 * - plan_only: nothing executes; every step is planned
 * - restricted: only safe step types (no shell, no arbitrary code)
 * - standard: every known step type
 * - elevated: every known step type, with privileged executor options
 */
export const SECURITY_PROFILES = [
  'plan_only',
  'restricted',
  'standard',
  'elevated',
] as const;
export type SecurityProfile = (typeof SECURITY_PROFILES)[number];

/** Step types that run no user-supplied code, allowed under `restricted`. */
export const RESTRICTED_SAFE_STEP_TYPES = new Set([
  'approval',
  'assert',
  'http',
  'notify.email',
  'notify.webhook',
  'workflow',
  'validation',
  'monitoring',
  'tagging',
  'cost-analysis',
  'policy',
  'security',
]);

/** Admin policy: what workflows may contain (from app-config). */
export interface WorkflowPolicy {
  profile?: SecurityProfile;
  /** When set, only these step types are allowed. */
  allowedStepTypes?: string[];
  maxSteps?: number;
}

export interface PolicyViolation {
  rule: 'profile' | 'allowedStepTypes' | 'maxSteps';
  message: string;
  /** Index of the offending step, when one step is at fault. */
  stepIndex?: number;
}

export function checkPolicy(
  workflow: Workflow,
  policy: WorkflowPolicy,
): PolicyViolation[] {
  const violations: PolicyViolation[] = [];
  if (
    policy.maxSteps !== undefined &&
    workflow.steps.length > policy.maxSteps
  ) {
    violations.push({
      rule: 'maxSteps',
      message: `policy maxSteps: the workflow has ${workflow.steps.length} steps; at most ${policy.maxSteps} are allowed`,
    });
  }
  workflow.steps.forEach((step, stepIndex) => {
    if (
      policy.allowedStepTypes &&
      !policy.allowedStepTypes.includes(step.type)
    ) {
      violations.push({
        rule: 'allowedStepTypes',
        stepIndex,
        message: `policy allowedStepTypes: step '${step.id}' has type '${
          step.type
        }', which is not allowed (allowed: ${policy.allowedStepTypes.join(
          ', ',
        )})`,
      });
    }
    if (
      policy.profile === 'restricted' &&
      !RESTRICTED_SAFE_STEP_TYPES.has(step.type)
    ) {
      violations.push({
        rule: 'profile',
        stepIndex,
        message: `security profile 'restricted': step '${step.id}' has type '${
          step.type
        }', which runs code; restricted allows only ${[
          ...RESTRICTED_SAFE_STEP_TYPES,
        ].join(', ')}`,
      });
    }
  });
  return violations;
}
