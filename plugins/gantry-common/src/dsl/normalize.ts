import { parseDurationSeconds } from './duration';
import {
  InputSpec,
  RetryPolicy,
  Workflow,
  WorkflowForm,
  WorkflowStep,
} from './model';
import {
  RawFullWorkflow,
  RawInput,
  RawSimpleWorkflow,
  RawStep,
} from './schema';

function asString(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return String(value);
}

function conditionText(
  value: string | boolean | undefined,
): string | undefined {
  return value === undefined ? undefined : String(value);
}

function normalizeInput(raw: RawInput): InputSpec {
  return {
    type: raw.type,
    description: raw.description,
    required: raw.required ?? false,
    default: raw.default,
    pattern: raw.validation?.pattern,
    enum: raw.validation?.enum,
    min: raw.validation?.min,
    max: raw.validation?.max,
  };
}

function declaredOutputs(raw: RawStep): string[] {
  const fromStep = raw.outputs;
  const fromConfig = raw.config?.outputs;
  const names = (value: unknown): string[] => {
    if (Array.isArray(value)) return value.map(String);
    if (value && typeof value === 'object') return Object.keys(value);
    return [];
  };
  return [...new Set([...names(fromStep), ...names(fromConfig)])];
}

/** `retry{attempts, delay, backoff}`, or `config.retries` extra attempts. */
function retryOf(raw: RawStep, retries: unknown): RetryPolicy | undefined {
  if (raw.retry) {
    return {
      attempts: raw.retry.attempts,
      delaySeconds: parseDurationSeconds(raw.retry.delay) ?? 0,
      backoff: raw.retry.backoff ?? 'fixed',
    };
  }
  if (typeof retries === 'number' && retries > 0) {
    return { attempts: retries + 1, delaySeconds: 0, backoff: 'fixed' };
  }
  return undefined;
}

function normalizeStep(
  raw: RawStep,
  index: number,
  stepsPath: (string | number)[],
): WorkflowStep {
  const config: Record<string, unknown> = { ...(raw.config ?? {}) };
  // An assert step's `condition` is what it asserts, not when it runs.
  const asserts = raw.type === 'assert' && raw.condition !== undefined;
  if (asserts && config.condition === undefined)
    config.condition = raw.condition;
  if (raw.command !== undefined && config.command === undefined)
    config.command = raw.command;
  if (raw.message !== undefined && config.message === undefined)
    config.message = raw.message;
  const timeout = raw.timeout ?? config.timeout;
  let dependsOn: string[] | undefined;
  if (raw.depends_on !== undefined) {
    dependsOn = Array.isArray(raw.depends_on)
      ? raw.depends_on
      : [raw.depends_on];
  }
  return {
    id: raw.id ?? raw.name ?? `step-${index + 1}`,
    type: raw.type,
    name: raw.name,
    description: raw.description,
    config,
    env: Object.fromEntries(
      Object.entries(raw.env ?? {}).map(([k, v]) => [k, String(v)]),
    ),
    namespace: raw.namespace,
    resource: raw.resource,
    when: conditionText(
      raw.when ?? raw.if ?? (asserts ? undefined : raw.condition),
    ),
    unless: conditionText(raw.unless),
    dependsOn,
    timeoutSeconds: parseDurationSeconds(timeout),
    retry: retryOf(raw, config.retries),
    continueOnFailure:
      raw.continueOnFailure ?? config.continueOnFailure === true,
    declaredOutputs: declaredOutputs(raw),
    sourcePath: [...stepsPath, index],
  };
}

function inputsOf(raw?: Record<string, RawInput>): Record<string, InputSpec> {
  return Object.fromEntries(
    Object.entries(raw ?? {}).map(([k, v]) => [k, normalizeInput(v)]),
  );
}

function variablesOf(
  raw?: Record<string, string | number | boolean>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(raw ?? {}).map(([k, v]) => [k, String(v)]),
  );
}

export function normalizeFullWorkflow(raw: RawFullWorkflow): Workflow {
  return {
    name: raw.metadata.name,
    form: 'full',
    description: raw.metadata.description,
    version: asString(raw.metadata.version),
    product: raw.metadata.product,
    owner: raw.metadata.owner,
    phase: raw.metadata.phase,
    triggers: raw.spec.triggers ?? [],
    variables: variablesOf(raw.spec.variables),
    inputs: inputsOf(raw.spec.inputs),
    steps: raw.spec.steps.map((s, i) => normalizeStep(s, i, ['spec', 'steps'])),
  };
}

export function normalizeSimpleWorkflow(
  raw: RawSimpleWorkflow,
  fallbackName = 'workflow',
): Workflow {
  const form: WorkflowForm =
    raw.inputs || raw.steps.some(s => s.id !== undefined) ? 'secure' : 'simple';
  return {
    name: raw.name ?? fallbackName,
    form,
    description: raw.description,
    version: asString(raw.version),
    product: raw.product,
    owner: raw.owner,
    phase: raw.phase,
    triggers: raw.triggers ?? [],
    variables: variablesOf(raw.variables),
    inputs: inputsOf(raw.inputs),
    steps: raw.steps.map((s, i) => normalizeStep(s, i, ['steps'])),
  };
}
