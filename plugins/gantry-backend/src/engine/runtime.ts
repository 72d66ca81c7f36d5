import {
  ancestorsOf,
  ownLookup,
  RefPart,
  ReferenceResolver,
  RefRendering,
  StepGraph,
  Workflow,
  WorkflowStep,
} from '@internal/plugin-gantry-common';
import { RunContext, StepRecord } from '../runs/types';
import { Redactor } from './redaction';

/** Where secret values come from (admin config or the environment). */
export interface SecretSource {
  get(name: string): string | undefined;
}

export class RuntimeReferenceError extends Error {}

const KEEP = Symbol('keep as written');

/**
 * Resolves references while a run executes: values known at start through
 * the DSL's resolver, run-time values (step outputs, terraform outputs,
 * secrets) from what earlier steps recorded. Secrets used are registered
 * with the redactor.
 */
export class RuntimeValues {
  private readonly resolver: ReferenceResolver;

  constructor(
    private readonly workflow: Workflow,
    private readonly graph: StepGraph,
    private readonly context: RunContext,
    private readonly steps: Map<string, StepRecord>,
    private readonly secrets: SecretSource,
    private readonly redactor: Redactor,
    /** plan_only runs keep what cannot resolve yet as written, like a plan does. */
    private readonly keepUnresolved = false,
  ) {
    this.resolver = new ReferenceResolver(workflow, graph, {
      application: context.application,
      variables: context.variables,
      inputs: context.inputs,
      strictVariables: true,
    });
  }

  /** Rendering of `ref` inside `step`; throws RuntimeReferenceError when it cannot resolve. */
  render(ref: RefPart, step: WorkflowStep): RefRendering {
    try {
      const value = this.lookup(ref.path, step, ref.raw);
      return value === KEEP ? { keep: true } : { value };
    } catch (error) {
      if (this.keepUnresolved && error instanceof RuntimeReferenceError)
        return { keep: true };
      throw error;
    }
  }

  /** The value of a path, for conditions. */
  value(path: string[], step: WorkflowStep): unknown {
    const value = this.lookup(path, step, path.join('.'));
    if (value === KEEP)
      throw new RuntimeReferenceError(`${path.join('.')} has no value here`);
    return value;
  }

  private lookup(path: string[], step: WorkflowStep, shown: string): unknown {
    const resolution = this.resolver.resolve(path, step);
    switch (resolution.kind) {
      case 'value':
        return resolution.value;
      case 'secret': {
        const secret = this.secrets.get(resolution.name);
        if (secret === undefined) {
          throw new RuntimeReferenceError(
            `secret '${resolution.name}' is not configured`,
          );
        }
        this.redactor.add(secret);
        return secret;
      }
      case 'unknown-variable':
        // left for the shell, which reads it from the step's environment
        return KEEP;
      case 'error':
        throw new RuntimeReferenceError(`${shown}: ${resolution.message}`);
      default:
        return this.runtime(path, step, shown, resolution.reason);
    }
  }

  private runtime(
    path: string[],
    step: WorkflowStep,
    shown: string,
    reason: string,
  ): unknown {
    const [head, ...rest] = path;
    if (head === 'steps') {
      const [id, field, ...key] = rest;
      const record = this.steps.get(id);
      if (!record)
        throw new RuntimeReferenceError(`${shown}: step '${id}' has not run`);
      if (field === 'status') return record.status;
      const found =
        field === 'outputs'
          ? ownLookup(record.outputs, key)
          : ownLookup(record.outputs, [field]);
      if (!found.found) {
        throw new RuntimeReferenceError(
          `${shown}: step '${id}' (${record.status}) produced no ${
            field === 'outputs' ? `output '${key.join('.')}'` : field
          }`,
        );
      }
      return found.value;
    }
    if (head === 'terraform') {
      const before = ancestorsOf(this.graph, step.id);
      for (const candidate of [...this.workflow.steps].reverse()) {
        if (candidate.type !== 'terraform' || !before.has(candidate.id))
          continue;
        const found = ownLookup(
          this.steps.get(candidate.id)?.outputs ?? {},
          rest,
        );
        if (found.found) return found.value;
      }
      throw new RuntimeReferenceError(
        `${shown}: no earlier terraform step produced it`,
      );
    }
    if (head === 'resources') {
      const found = ownLookup(this.context.application?.resources ?? {}, rest);
      if (found.found) return found.value;
      throw new RuntimeReferenceError(
        `${shown}: no provisioned resource has produced it yet`,
      );
    }
    if (path.length === 1 && Object.hasOwn(step.env, head)) {
      return KEEP; // the shell expands it from the step's environment
    }
    throw new RuntimeReferenceError(`${shown} has no value: ${reason}`);
  }
}
