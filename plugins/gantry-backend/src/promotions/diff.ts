import {
  DiffStatus,
  RiskFinding,
  RiskLevel,
  validateWorkflow,
  Workflow,
  WorkflowDiff,
  WorkflowStep,
} from '@internal/plugin-gantry-common';
import { createTwoFilesPatch } from 'diff';
import { isDeepStrictEqual } from 'node:util';
import { secretReferences } from '../environments/versions';

export type {
  DiffStatus,
  RiskFinding,
  RiskLevel,
  WorkflowDiff,
} from '@internal/plugin-gantry-common';
export const RISK_ORDER: RiskLevel[] = ['none', 'low', 'medium', 'high'];

/** Step types whose config is code or reaches out: any change is high risk. */
const CODE_STEP_TYPES = new Set([
  'shell',
  'http',
  'notify.webhook',
  'terraform',
  'tofu',
  'ansible',
  'kubernetes',
  'database-migration',
]);

export const maxRisk = (risks: RiskLevel[]): RiskLevel =>
  risks.reduce<RiskLevel>(
    (max, r) => (RISK_ORDER.indexOf(r) > RISK_ORDER.indexOf(max) ? r : max),
    'none',
  );

export { secretReferences };

function parse(definition: string): Workflow | undefined {
  return validateWorkflow(definition).workflow;
}

function stepFindings(
  before: WorkflowStep,
  after: WorkflowStep,
): RiskFinding[] {
  const at = `step ${after.id}`;
  const findings: RiskFinding[] = [];
  const changed = (a: unknown, b: unknown) => !isDeepStrictEqual(a, b);
  if (before.type !== after.type) {
    findings.push({
      risk: 'high',
      what: `${at}: type ${before.type} → ${after.type}`,
    });
  }
  if (changed([before.when, before.unless], [after.when, after.unless])) {
    findings.push({ risk: 'high', what: `${at}: condition changed` });
  }
  if (changed(before.dependsOn, after.dependsOn)) {
    findings.push({
      risk: 'high',
      what: `${at}: routing (depends_on) changed`,
    });
  }
  const secretsBefore = secretReferences(JSON.stringify(before));
  const secretsAfter = secretReferences(JSON.stringify(after));
  if (changed(secretsBefore, secretsAfter)) {
    findings.push({ risk: 'high', what: `${at}: credentials changed` });
  }
  if (changed([before.config, before.env], [after.config, after.env])) {
    findings.push(
      CODE_STEP_TYPES.has(after.type) || CODE_STEP_TYPES.has(before.type)
        ? { risk: 'high', what: `${at}: ${after.type} code or target changed` }
        : { risk: 'medium', what: `${at}: settings changed` },
    );
  }
  if (
    changed(
      [before.retry, before.timeoutSeconds, before.continueOnFailure],
      [after.retry, after.timeoutSeconds, after.continueOnFailure],
    )
  ) {
    findings.push({ risk: 'medium', what: `${at}: error handling changed` });
  }
  if (
    changed([before.name, before.description], [after.name, after.description])
  ) {
    findings.push({ risk: 'low', what: `${at}: renamed or described` });
  }
  return findings;
}

/**
 * Why promoting `after` over `before` is risky, after the PRD: low for names
 * and descriptions, medium for error handling and settings, high for
 * credentials, conditions, triggers, code steps and routing. A workflow that
 * does not parse is high risk (it cannot be assessed).
 */
export function assessRisk(
  before: string | undefined,
  after: string | undefined,
): RiskFinding[] {
  const a = before === undefined ? undefined : parse(before);
  const b = after === undefined ? undefined : parse(after);
  if ((before !== undefined && !a) || (after !== undefined && !b)) {
    return [{ risk: 'high', what: 'the workflow does not validate' }];
  }
  if (!b) return [{ risk: 'high', what: 'the workflow is removed' }];
  if (!a) {
    const code = b.steps.filter(s => CODE_STEP_TYPES.has(s.type));
    return [
      code.length
        ? {
            risk: 'high',
            what: `new workflow with ${code.map(s => s.type).join(', ')} steps`,
          }
        : { risk: 'medium', what: 'new workflow' },
    ];
  }
  const findings: RiskFinding[] = [];
  if (!isDeepStrictEqual(a.triggers, b.triggers)) {
    findings.push({ risk: 'high', what: 'triggers changed' });
  }
  if (
    !isDeepStrictEqual(
      a.steps.map(s => s.id),
      b.steps.map(s => s.id),
    )
  ) {
    findings.push({ risk: 'high', what: 'steps added, removed or reordered' });
  }
  if (!isDeepStrictEqual([a.inputs, a.variables], [b.inputs, b.variables])) {
    findings.push({ risk: 'medium', what: 'inputs or variables changed' });
  }
  if (
    !isDeepStrictEqual(
      [a.name, a.description, a.version],
      [b.name, b.description, b.version],
    )
  ) {
    findings.push({
      risk: 'low',
      what: 'name, description or version changed',
    });
  }
  const beforeSteps = new Map(a.steps.map(s => [s.id, s]));
  for (const step of b.steps) {
    const old = beforeSteps.get(step.id);
    if (old) findings.push(...stepFindings(old, step));
  }
  return findings;
}

/** Compares one workflow of the source with the target's. */
export function diffWorkflow(options: {
  name: string;
  source?: { hash: string; definition: string };
  target?: { hash: string; definition: string; hotfix: boolean };
}): WorkflowDiff {
  const { name, source, target } = options;
  let status: DiffStatus;
  if (source && !target) status = 'ADDED';
  else if (!source) status = 'TARGET_ONLY';
  else if (source.hash === target!.hash) status = 'UNCHANGED';
  else status = target!.hotfix ? 'TARGET_HOTFIX' : 'MODIFIED';
  const findings =
    status === 'UNCHANGED' || status === 'TARGET_ONLY'
      ? []
      : assessRisk(target?.definition, source?.definition);
  return {
    name,
    status,
    sourceHash: source?.hash,
    targetHash: target?.hash,
    risk: maxRisk(findings.map(f => f.risk)),
    findings,
    patch:
      status === 'UNCHANGED'
        ? ''
        : createTwoFilesPatch(
            `target/${name}.yaml`,
            `source/${name}.yaml`,
            target?.definition ?? '',
            source?.definition ?? '',
          ),
  };
}
