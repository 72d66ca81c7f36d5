import { ancestorsOf, StepGraph } from './graph';
import { Workflow, WorkflowStep } from './model';
import { didYouMean } from './suggest';

/** What a Score spec contributes: `application.*` and `resources.*`. */
export interface ApplicationContext {
  name: string;
  metadata: Record<string, unknown>;
  /** Score resource names → their declared params (outputs come at run time). */
  resources: Record<string, Record<string, unknown>>;
}

/** Values known before the run starts. */
export interface ReferenceContext {
  application?: ApplicationContext;
  /** Workflow variables: declared ones overlaid with `--var` values. */
  variables: Record<string, string>;
  /** Input values after defaults; undefined when inputs are not known yet. */
  inputs?: Record<string, unknown>;
  /** Whether unknown workflow variables are errors (plan) or deferred (validate). */
  strictVariables: boolean;
}

export type Resolution =
  | { kind: 'value'; value: unknown }
  /** Known only later (at run time, or when a Score spec is given). */
  | { kind: 'deferred'; reason: string; runtime: boolean }
  /** A secret: never shown, resolved by the engine at run time. */
  | { kind: 'secret'; name: string }
  | { kind: 'error'; message: string }
  /** A bare `${NAME}` Gantry does not know: shell steps leave it to the shell. */
  | { kind: 'unknown-variable'; name: string; message: string };

/** Variables every workflow can use bare, e.g. `${APP_NAME}`. */
export const BUILTIN_VARIABLES = [
  'APP_NAME',
  'NAMESPACE',
  'ENVIRONMENT',
  'WORKFLOW_NAME',
  'PRODUCT',
];

export const NAMESPACES = [
  'application',
  'resources',
  'workflow',
  'inputs',
  'steps',
  'terraform',
  'secrets',
];

const STEP_FIELDS = ['outputs', 'exit_code', 'stdout', 'status'];
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** Own-property lookup: prototype members never resolve. */
export function ownLookup(
  value: unknown,
  path: string[],
): { found: boolean; value?: unknown } {
  let current = value;
  for (const key of path) {
    if (
      FORBIDDEN.has(key) ||
      current === null ||
      typeof current !== 'object' ||
      !Object.prototype.hasOwnProperty.call(current, key)
    ) {
      return { found: false };
    }
    current = (current as Record<string, unknown>)[key];
  }
  return { found: true, value: current };
}

/** Resolves references for one step of a workflow. */
export class ReferenceResolver {
  private readonly stepsById: Map<string, WorkflowStep>;

  constructor(
    private readonly workflow: Workflow,
    private readonly graph: StepGraph,
    private readonly context: ReferenceContext,
  ) {
    this.stepsById = new Map(workflow.steps.map(s => [s.id, s]));
  }

  resolve(path: string[], step: WorkflowStep): Resolution {
    const [head, ...rest] = path;
    if (FORBIDDEN.has(head) || rest.some(p => FORBIDDEN.has(p))) {
      return {
        kind: 'error',
        message: `${path.join('.')} is not allowed in a reference`,
      };
    }
    if (rest.length === 0) return this.bare(head, step);
    switch (head) {
      case 'application':
        return this.application(rest);
      case 'resources':
        return this.resources(rest);
      case 'workflow':
        return this.variable(rest.join('.'), `workflow.${rest.join('.')}`);
      case 'inputs':
        return this.input(rest);
      case 'steps':
        return this.stepRef(rest, step);
      case 'terraform':
        return this.terraform(rest, step);
      case 'secrets':
        return rest.length === 1
          ? { kind: 'secret', name: rest[0] }
          : {
              kind: 'error',
              message: `secrets.${rest.join('.')}: use secrets.<name>`,
            };
      default:
        return {
          kind: 'error',
          message: `unknown namespace '${head}' in ${path.join(
            '.',
          )}${didYouMean(head, NAMESPACES)}`,
        };
    }
  }

  /** Bare `${NAME}`: a workflow variable or a built-in; otherwise unknown. */
  private bare(name: string, step: WorkflowStep): Resolution {
    if (Object.hasOwn(this.context.variables, name)) {
      return { kind: 'value', value: this.context.variables[name] };
    }
    const app = this.context.application;
    switch (name) {
      case 'APP_NAME':
        return app
          ? { kind: 'value', value: app.name }
          : {
              kind: 'deferred',
              reason: 'set from the Score spec (--spec)',
              runtime: false,
            };
      case 'WORKFLOW_NAME':
        return { kind: 'value', value: this.workflow.name };
      case 'PRODUCT': {
        const product = app?.metadata.product ?? this.workflow.product;
        return product !== undefined
          ? { kind: 'value', value: product }
          : {
              kind: 'deferred',
              reason: 'set from the Score spec (--spec)',
              runtime: false,
            };
      }
      case 'NAMESPACE':
        return app
          ? { kind: 'value', value: String(app.metadata.namespace ?? app.name) }
          : {
              kind: 'deferred',
              reason: 'set from the Score spec or --var NAMESPACE=…',
              runtime: false,
            };
      case 'ENVIRONMENT':
        return this.variable('ENVIRONMENT', 'ENVIRONMENT');
      default:
        if (Object.hasOwn(step.env, name)) {
          return {
            kind: 'deferred',
            reason: `the step's env ${name}`,
            runtime: true,
          };
        }
        return {
          kind: 'unknown-variable',
          name,
          message: `unknown variable \${${name}}${didYouMean(name, [
            ...BUILTIN_VARIABLES,
            ...Object.keys(this.context.variables),
          ])}`,
        };
    }
  }

  private variable(name: string, shown: string): Resolution {
    if (Object.hasOwn(this.context.variables, name)) {
      return { kind: 'value', value: this.context.variables[name] };
    }
    if (this.context.strictVariables) {
      return {
        kind: 'error',
        message: `workflow variable ${name} has no value (declare it under variables: or pass --var ${name}=…)${didYouMean(
          name,
          Object.keys(this.context.variables),
        )}`,
      };
    }
    return {
      kind: 'deferred',
      reason: `${shown} is set when the workflow runs`,
      runtime: false,
    };
  }

  private application(rest: string[]): Resolution {
    const full = `application.${rest.join('.')}`;
    const app = this.context.application;
    if (rest[0] === 'name' && rest.length === 1) {
      return app
        ? { kind: 'value', value: app.name }
        : {
            kind: 'deferred',
            reason: 'set from the Score spec (--spec)',
            runtime: false,
          };
    }
    if (rest[0] === 'metadata' && rest.length >= 2) {
      if (!app)
        return {
          kind: 'deferred',
          reason: 'set from the Score spec (--spec)',
          runtime: false,
        };
      const found = ownLookup(app.metadata, rest.slice(1));
      if (found.found) return { kind: 'value', value: found.value };
      return {
        kind: 'error',
        message: `${full} is not set by the Score spec${didYouMean(
          rest.slice(1).join('.'),
          Object.keys(app.metadata),
        )}`,
      };
    }
    const candidates = [
      'application.name',
      ...Object.keys(app?.metadata ?? {}).map(k => `application.metadata.${k}`),
    ];
    return {
      kind: 'error',
      message: `unknown reference ${full}${didYouMean(
        full,
        candidates.length > 1
          ? candidates
          : [...candidates, 'application.metadata'],
      )}`,
    };
  }

  private resources(rest: string[]): Resolution {
    const full = `resources.${rest.join('.')}`;
    if (rest.length < 2) {
      return {
        kind: 'error',
        message: `${full}: use resources.<name>.<output>`,
      };
    }
    const app = this.context.application;
    if (app && !Object.hasOwn(app.resources, rest[0])) {
      return {
        kind: 'error',
        message: `${full}: the Score spec declares no resource '${
          rest[0]
        }'${didYouMean(rest[0], Object.keys(app.resources))}`,
      };
    }
    return {
      kind: 'deferred',
      reason: `output of resource ${rest[0]}, known once provisioned`,
      runtime: true,
    };
  }

  private input(rest: string[]): Resolution {
    const name = rest[0];
    if (!Object.hasOwn(this.workflow.inputs, name)) {
      return {
        kind: 'error',
        message: `unknown input inputs.${name}${didYouMean(
          name,
          Object.keys(this.workflow.inputs),
        )}`,
      };
    }
    if (!this.context.inputs || !Object.hasOwn(this.context.inputs, name)) {
      return {
        kind: 'deferred',
        reason: `input ${name} is given when the workflow runs`,
        runtime: false,
      };
    }
    const found = ownLookup(this.context.inputs, rest);
    return found.found
      ? { kind: 'value', value: found.value }
      : { kind: 'error', message: `inputs.${rest.join('.')} does not exist` };
  }

  private stepRef(rest: string[], from: WorkflowStep): Resolution {
    const [id, field, key] = rest;
    const full = `steps.${rest.join('.')}`;
    const target = this.stepsById.get(id);
    if (!target) {
      return {
        kind: 'error',
        message: `unknown step '${id}' in ${full}${didYouMean(id, [
          ...this.stepsById.keys(),
        ])}`,
      };
    }
    if (
      !field ||
      !STEP_FIELDS.includes(field) ||
      (field === 'outputs') !== (key !== undefined)
    ) {
      return {
        kind: 'error',
        message: `${full}: use steps.<id>.outputs.<key>, steps.<id>.exit_code, steps.<id>.stdout or steps.<id>.status`,
      };
    }
    if (
      target.id === from.id ||
      !ancestorsOf(this.graph, from.id).has(target.id)
    ) {
      return {
        kind: 'error',
        message: `${full}: step '${target.id}' does not run before step '${from.id}' (add it to depends_on)`,
      };
    }
    if (
      field === 'outputs' &&
      target.declaredOutputs.length > 0 &&
      !target.declaredOutputs.includes(key)
    ) {
      return {
        kind: 'error',
        message: `${full}: step '${
          target.id
        }' declares no output '${key}'${didYouMean(
          key,
          target.declaredOutputs,
        )}; it declares ${target.declaredOutputs.join(', ')}`,
      };
    }
    return {
      kind: 'deferred',
      reason: `produced by step ${target.id} at run time`,
      runtime: true,
    };
  }

  private terraform(rest: string[], from: WorkflowStep): Resolution {
    const output = rest.join('.');
    const before = ancestorsOf(this.graph, from.id);
    const declared = this.workflow.steps
      .filter(s => s.type === 'terraform' && before.has(s.id))
      .flatMap(s => s.declaredOutputs);
    if (!declared.includes(output)) {
      const all = this.workflow.steps
        .filter(s => s.type === 'terraform')
        .flatMap(s => s.declaredOutputs);
      return {
        kind: 'error',
        message: `terraform.${output} is not declared in the outputs of a terraform step that runs before '${
          from.id
        }'${didYouMean(output, all)}`,
      };
    }
    return {
      kind: 'deferred',
      reason: 'terraform output, known after apply',
      runtime: true,
    };
  }
}
