import { z } from 'zod';
import {
  ConditionError,
  prepareCondition,
  PreparedCondition,
  specialWhen,
} from './conditions';
import { DslError } from './errors';
import { buildStepGraph, StepGraph } from './graph';
import { resolveInputs } from './inputs';
import { Workflow, WorkflowStep } from './model';
import { normalizeFullWorkflow, normalizeSimpleWorkflow } from './normalize';
import { checkPolicy, WorkflowPolicy } from './policy';
import { ReferenceContext, ReferenceResolver, Resolution } from './references';
import { fullWorkflowSchema, simpleWorkflowSchema } from './schema';
import { WorkflowSource } from './source';
import { BUILTIN_STEP_TYPES, SHELL_COMMAND_STEP_TYPES } from './stepTypes';
import { didYouMean } from './suggest';
import { findReferences, forEachString, RefPart } from './template';

export interface ValidateOptions {
  /** Step types with an executor; defaults to the built-in list. */
  knownStepTypes?: readonly string[];
  policy?: WorkflowPolicy;
  /** Score spec values, workflow variables, input values. */
  context?: Partial<ReferenceContext>;
}

export interface StepAnalysis {
  step: WorkflowStep;
  when?: PreparedCondition;
  unless?: PreparedCondition;
  /** What an `assert` step asserts (its `condition`). */
  assertion?: PreparedCondition;
}

export interface ValidationResult {
  workflow?: Workflow;
  source: WorkflowSource;
  graph?: StepGraph;
  steps: StepAnalysis[];
  resolver?: ReferenceResolver;
  context: ReferenceContext;
  errors: DslError[];
  warnings: DslError[];
}

const KNOWN_API_VERSION = 'workflow.dev/v1';
const KNOWN_KIND = 'ProductWorkflow';

/** Step fields whose strings may hold references. */
const STEP_TEXT_FIELDS = [
  'config',
  'env',
  'namespace',
  'resource',
  'command',
  'message',
];

/** Whether the string at `path` (inside the raw step) is a shell command. */
export function isShellCommandPath(
  step: WorkflowStep,
  path: (string | number)[],
): boolean {
  if (!SHELL_COMMAND_STEP_TYPES.has(step.type)) return false;
  return (
    (path.length === 1 && path[0] === 'command') ||
    (path.length === 2 &&
      path[0] === 'config' &&
      (path[1] === 'command' || path[1] === 'script'))
  );
}

/** Parses, normalises and checks a workflow file. Never throws on bad input. */
export function validateWorkflow(
  text: string,
  file?: string,
  options: ValidateOptions = {},
): ValidationResult {
  const { source, errors } = WorkflowSource.parse(text, file);
  const context: ReferenceContext = {
    variables: {},
    strictVariables: false,
    ...options.context,
  };
  const result: ValidationResult = {
    source,
    steps: [],
    context,
    errors,
    warnings: [],
  };
  if (errors.length > 0) return result;

  const raw = source.toJS();
  const workflow = checkShape(raw, source, errors, fileStem(file));
  if (!workflow) return result;
  result.workflow = workflow;
  context.variables = { ...workflow.variables, ...context.variables };

  const at = (step: WorkflowStep, ...rest: (string | number)[]) => [
    ...step.sourcePath,
    ...rest,
  ];
  const stepError = (
    code: string,
    step: WorkflowStep,
    message: string,
    path: (string | number)[],
    extra: Partial<DslError> = {},
  ) =>
    source.error(code, `step '${step.id}': ${message}`, path, {
      step: step.id,
      ...extra,
    });

  // ids, types, durations
  const known = options.knownStepTypes ?? BUILTIN_STEP_TYPES;
  const firstIndex = new Map<string, number>();
  workflow.steps.forEach((step, index) => {
    const rawStep = (raw as any) && stepRaw(raw, step);
    const idKey = rawStep?.id !== undefined ? 'id' : 'name';
    if (firstIndex.has(step.id)) {
      const other = workflow.steps[firstIndex.get(step.id)!];
      errors.push(
        stepError(
          'duplicate-step-id',
          step,
          `duplicate step id '${step.id}' (first used at line ${
            source.locate(at(other, idKey)).line
          })`,
          at(step, idKey),
        ),
      );
    } else {
      firstIndex.set(step.id, index);
    }
    if (!known.includes(step.type)) {
      errors.push(
        stepError(
          'unknown-step-type',
          step,
          `unknown step type '${step.type}'${didYouMean(step.type, [
            ...known,
          ])}; known types: ${[...known].sort().join(', ')}`,
          at(step, 'type'),
        ),
      );
    }
    const timeout = rawStep?.timeout ?? step.config.timeout;
    if (timeout !== undefined && step.timeoutSeconds === undefined) {
      errors.push(
        stepError(
          'invalid-timeout',
          step,
          `invalid timeout ${JSON.stringify(
            timeout,
          )}: use seconds or a duration such as 30s, 10m, 1h`,
          rawStep?.timeout !== undefined
            ? at(step, 'timeout')
            : at(step, 'config', 'timeout'),
        ),
      );
    }
  });

  // ordering
  const graph = buildStepGraph(workflow.steps);
  result.graph = graph;
  for (const { step: id, index, missing } of graph.unknown) {
    const step = workflow.steps[firstIndex.get(id)!];
    errors.push(
      stepError(
        'unknown-dependency',
        step,
        `depends_on names unknown step '${missing}'${didYouMean(missing, [
          ...firstIndex.keys(),
        ])}`,
        at(step, 'depends_on', index),
      ),
    );
  }
  for (const cycle of graph.cycles) {
    const step = workflow.steps[firstIndex.get(cycle[0])!];
    errors.push(
      stepError(
        'cycle',
        step,
        `dependency cycle: ${[...cycle, cycle[0]].join(' → ')}`,
        at(step, 'depends_on'),
      ),
    );
  }

  // references and conditions
  const resolver = new ReferenceResolver(workflow, graph, context);
  result.resolver = resolver;
  const report = (
    step: WorkflowStep,
    ref: RefPart,
    resolution: Resolution,
    path: (string | number)[],
    inShell: boolean,
  ) => {
    if (resolution.kind === 'error') {
      errors.push(
        stepError(
          'unresolved-reference',
          step,
          resolution.message,
          at(step, ...path),
          { path: ref.path.join('.') },
        ),
      );
    } else if (resolution.kind === 'unknown-variable') {
      const diagnostic = stepError(
        'unknown-variable',
        step,
        inShell
          ? `${ref.raw} is not a Gantry variable; it is left for the shell to expand from the step's environment`
          : resolution.message,
        at(step, ...path),
        { path: ref.path.join('.') },
      );
      (inShell ? result.warnings : errors).push(diagnostic);
    }
  };

  for (const step of workflow.steps) {
    const rawStep = stepRaw(raw, step) ?? {};
    for (const field of STEP_TEXT_FIELDS) {
      if (rawStep[field] === undefined) continue;
      forEachString(
        rawStep[field],
        (value, path) => {
          const inShell = isShellCommandPath(step, path);
          for (const ref of findReferences(value)) {
            report(step, ref, resolver.resolve(ref.path, step), path, inShell);
          }
        },
        [field],
      );
    }
    const analysis: StepAnalysis = { step };
    for (const key of ['when', 'if', 'condition', 'unless'] as const) {
      const value = rawStep[key];
      if (
        value === undefined ||
        (key !== 'unless' && specialWhen(String(value)))
      )
        continue;
      try {
        const prepared = prepareCondition(String(value));
        for (const ref of prepared.refs) {
          const resolution = resolver.resolve(ref.path, step);
          if (resolution.kind === 'secret') {
            errors.push(
              stepError(
                'secret-in-condition',
                step,
                `${key}: secrets cannot be used in conditions`,
                at(step, key),
              ),
            );
          } else if (
            resolution.kind === 'error' ||
            resolution.kind === 'unknown-variable'
          ) {
            errors.push(
              stepError(
                'unresolved-reference',
                step,
                `${key}: ${resolution.message}`,
                at(step, key),
                { path: ref.path.join('.') },
              ),
            );
          }
        }
        if (key === 'unless') analysis.unless = prepared;
        else if (key === 'condition' && step.type === 'assert')
          analysis.assertion = prepared;
        else analysis.when = prepared;
      } catch (error) {
        if (!(error instanceof ConditionError)) throw error;
        errors.push(
          stepError(
            'invalid-condition',
            step,
            `${key}: ${error.message}`,
            at(step, key),
          ),
        );
      }
    }
    result.steps.push(analysis);
  }

  // inputs given for a run or plan
  if (context.inputs !== undefined) {
    const inputsPath =
      workflow.form === 'full' ? ['spec', 'inputs'] : ['inputs'];
    const { values, problems } = resolveInputs(workflow.inputs, context.inputs);
    context.inputs = values;
    for (const problem of problems) {
      errors.push(
        source.errorAtKey(
          'invalid-input',
          problem.message,
          [...inputsPath, problem.input],
          { path: `inputs.${problem.input}` },
        ),
      );
    }
  }

  // policy
  if (options.policy) {
    for (const violation of checkPolicy(workflow, options.policy)) {
      const step =
        violation.stepIndex !== undefined
          ? workflow.steps[violation.stepIndex]
          : undefined;
      errors.push(
        step
          ? source.error('policy', violation.message, at(step, 'type'), {
              step: step.id,
            })
          : source.error('policy', violation.message, step ? at(step) : []),
      );
    }
  }
  return result;
}

function stepRaw(
  raw: unknown,
  step: WorkflowStep,
): Record<string, any> | undefined {
  let node: any = raw;
  for (const segment of step.sourcePath) node = node?.[segment];
  return node && typeof node === 'object' ? node : undefined;
}

/** Checks the document's shape and normalises it; records errors. */
function fileStem(file?: string): string | undefined {
  return file
    ?.split(/[\\/]/)
    .pop()
    ?.replace(/\.ya?ml$/i, '');
}

function checkShape(
  raw: unknown,
  source: WorkflowSource,
  errors: DslError[],
  fallbackName: string | undefined,
): Workflow | undefined {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    errors.push(
      source.error(
        'shape',
        'a workflow file must be a YAML mapping with name and steps',
        [],
      ),
    );
    return undefined;
  }
  const doc = raw as Record<string, unknown>;
  const isFull = ['apiVersion', 'kind', 'metadata', 'spec'].some(k => k in doc);
  if (isFull) {
    if (doc.apiVersion !== KNOWN_API_VERSION) {
      errors.push(
        source.error(
          'api-version',
          `unknown apiVersion ${JSON.stringify(doc.apiVersion)}${didYouMean(
            String(doc.apiVersion),
            [KNOWN_API_VERSION],
          )}; expected ${KNOWN_API_VERSION}`,
          ['apiVersion'],
        ),
      );
    }
    if (doc.kind !== KNOWN_KIND) {
      errors.push(
        source.error(
          'kind',
          `unknown kind ${JSON.stringify(doc.kind)}${didYouMean(
            String(doc.kind),
            [KNOWN_KIND],
          )}; expected ${KNOWN_KIND}`,
          ['kind'],
        ),
      );
    }
    if (errors.length > 0) return undefined;
  }
  const schema = isFull ? fullWorkflowSchema : simpleWorkflowSchema;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    errors.push(
      ...parsed.error.issues.map(issue => issueToError(issue, source, doc)),
    );
    return undefined;
  }
  return isFull
    ? normalizeFullWorkflow(parsed.data as z.infer<typeof fullWorkflowSchema>)
    : normalizeSimpleWorkflow(
        parsed.data as z.infer<typeof simpleWorkflowSchema>,
        fallbackName,
      );
}

const STEP_KEYS = Object.keys(simpleWorkflowSchema.shape.steps.element.shape);

function describePath(
  path: PropertyKey[],
  doc: Record<string, unknown>,
): string {
  const stepsAt = path[0] === 'spec' ? 2 : 1;
  if (path[stepsAt - 1] === 'steps' && typeof path[stepsAt] === 'number') {
    const stepsOwner: any = path[0] === 'spec' ? (doc.spec as any) : doc;
    const rawStep = stepsOwner?.steps?.[path[stepsAt] as number];
    const id =
      rawStep?.id ?? rawStep?.name ?? `#${(path[stepsAt] as number) + 1}`;
    const rest = path.slice(stepsAt + 1).join('.');
    return `step '${id}'${rest ? ` field ${rest}` : ''}`;
  }
  return path.length ? path.join('.') : 'the workflow';
}

function issueToError(
  issue: z.core.$ZodIssue,
  source: WorkflowSource,
  doc: Record<string, unknown>,
): DslError {
  const path = issue.path as (string | number)[];
  const where = describePath(path, doc);
  const stepId = where.startsWith("step '")
    ? where.slice(6, where.indexOf("'", 6))
    : undefined;
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0];
    const inStep =
      path[path.length - 2] === 'steps' ||
      (path.length > 0 && typeof path[path.length - 1] === 'number');
    const candidates = inStep ? STEP_KEYS : [];
    return {
      ...source.errorAtKey(
        'unknown-field',
        `${where}: unknown field '${key}'${didYouMean(key, candidates)}`,
        [...path, key],
      ),
      step: stepId,
    };
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    const owner = describePath(path.slice(0, -1), doc);
    return {
      ...source.error(
        'missing-field',
        `${owner}: missing required field '${String(path[path.length - 1])}'`,
        path.slice(0, -1),
      ),
      step: stepId,
    };
  }
  return {
    ...source.error('invalid-field', `${where}: ${issue.message}`, path),
    step: stepId,
  };
}
