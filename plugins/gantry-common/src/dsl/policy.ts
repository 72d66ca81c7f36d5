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
  /** Profile per environment class (the run's ENVIRONMENT variable). */
  profiles?: Record<string, SecurityProfile>;
  /** When set, only these step types are allowed. */
  allowedStepTypes?: string[];
  /** When set, only these product workflows (provider/workflow) run on deployments. */
  allowedProductWorkflows?: string[];
  maxSteps?: number;
  /** A run taking longer fails (its running steps are aborted). */
  maxDurationSeconds?: number;
  /** Runs executing at once across every replica. */
  maxConcurrentRuns?: number;
  /** Hosts steps may call (http, webhooks, health checks, Vault); `*.example.com` matches subdomains. */
  allowedOutboundDomains?: string[];
}

const STRICTNESS: SecurityProfile[] = [
  'elevated',
  'standard',
  'restricted',
  'plan_only',
];

/** The stricter of two profiles. */
export function stricterProfile(
  a: SecurityProfile,
  b: SecurityProfile,
): SecurityProfile {
  return STRICTNESS.indexOf(a) >= STRICTNESS.indexOf(b) ? a : b;
}

/**
 * The profile a run gets: the one asked for, made at least as strict as the
 * one configured for its environment class and the default profile.
 */
export function effectiveProfile(
  policy: WorkflowPolicy,
  requested: SecurityProfile | undefined,
  environment: string | undefined,
): SecurityProfile {
  const floor =
    (environment && policy.profiles?.[environment]) ||
    policy.profile ||
    'standard';
  return requested ? stricterProfile(requested, floor) : floor;
}

/** Whether `url` may be called under `allowedOutboundDomains` (unset allows all). */
export function outboundAllowed(
  url: string,
  allowed: string[] | undefined,
): boolean {
  if (!allowed) return true;
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  return allowed.some(pattern => {
    const p = pattern.toLowerCase();
    return p.startsWith('*.') ? host.endsWith(p.slice(1)) : host === p;
  });
}

export interface PolicyViolation {
  rule: 'profile' | 'allowedStepTypes' | 'maxSteps' | 'allowedOutboundDomains';
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
    // a literal destination is checked before anything runs; one built from
    // references is checked when the step runs
    const url = step.config?.url;
    if (
      typeof url === 'string' &&
      !/\$\{|\{\{/.test(url) &&
      !outboundAllowed(url, policy.allowedOutboundDomains)
    ) {
      violations.push({
        rule: 'allowedOutboundDomains',
        stepIndex,
        message: `policy allowedOutboundDomains: step '${
          step.id
        }' calls ${url}, which is not an allowed destination (allowed: ${policy.allowedOutboundDomains!.join(
          ', ',
        )})`,
      });
    }
  });
  return violations;
}
