import type { z } from 'zod';

/** What an executor gets for one attempt of one step. */
export interface GantryStepContext<TConfig = Record<string, unknown>> {
  runId: string;
  stepId: string;
  attempt: number;
  tenant: string;
  /** Interpolated config, already checked against the executor's schema. */
  config: TConfig;
  /** Step environment (`env:`), interpolated. */
  env: Record<string, string>;
  /** Directory of the run, shared by its steps. */
  workspace: string;
  /** Plan (dry-run) mode: describe what would happen, change nothing. */
  dryRun: boolean;
  /** The step's `namespace` (Kubernetes), interpolated. */
  namespace?: string;
  /** Aborted on timeout or cancel. */
  signal: AbortSignal;
  /** Streams one log line (secrets are redacted before it is stored). */
  log(line: string, stream?: 'stdout' | 'stderr'): void;
  /** The provider workflow that provisions a resource type (for `resource-provisioning`). */
  resolveResource?(
    type: string,
    resourceClass?: string,
  ): { provider: string; workflow: string };
  /** Throws when policy allowedOutboundDomains does not allow calling `url`. */
  checkOutbound?(url: string): void;
  /** Evaluates a CEL condition with the run's references (for `assert`). */
  evaluate?(expression: string): boolean;
  /** Starts a sub-workflow and waits for it (for `type: workflow`). */
  runSubWorkflow?(request: {
    provider?: string;
    workflow: string;
    variables: Record<string, string>;
  }): Promise<{ status: string; outputs: Record<string, unknown> }>;
}

export interface GantryStepResult {
  outputs: Record<string, unknown>;
  exitCode?: number;
  /** Pause the run until an approval is decided (approval steps). */
  waitForApproval?: {
    message: string;
    approvers: string[];
    /** How many approvals the step needs (default 1). */
    requiredApprovals?: number;
    /** Seconds until the request expires and fails the step. */
    expiresInSeconds?: number;
  };
}

/** Thrown by an executor for a failure that carries an exit code and outputs. */
export class StepFailedError extends Error {
  constructor(
    message: string,
    readonly exitCode?: number,
    readonly outputs: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'StepFailedError';
  }
}

export interface GantryStepExecutor<TConfig = any> {
  /** The step `type` this executor handles, e.g. `shell`. */
  type: string;
  description?: string;
  /**
   * Config paths holding CEL expressions: their references stay as written
   * and are evaluated as values through `context.evaluate`.
   */
  expressionPaths?(path: (string | number)[]): boolean;
  /** Zod schema of the step's `config`; errors name the field. */
  configSchema?: z.ZodType<TConfig>;
  /**
   * Plan mode (profile plan_only): what this step would do, one line each,
   * without side effects. Executors without it are planned generically.
   */
  plan?(context: GantryStepContext<TConfig>): Promise<string[]> | string[];
  execute(context: GantryStepContext<TConfig>): Promise<GantryStepResult>;
}

/** Holds the executors registered through the extension point, one per type. */
export class StepExecutorRegistry {
  private readonly executors = new Map<string, GantryStepExecutor>();

  register(executor: GantryStepExecutor): void {
    if (!/^[a-z][a-z0-9_.-]*$/.test(executor.type)) {
      throw new Error(
        `Invalid step executor type '${executor.type}': use lowercase letters, digits, '.', '_' or '-'`,
      );
    }
    if (this.executors.has(executor.type)) {
      throw new Error(
        `A step executor for type '${executor.type}' is already registered`,
      );
    }
    this.executors.set(executor.type, executor);
  }

  get(type: string): GantryStepExecutor {
    const executor = this.executors.get(type);
    if (!executor) {
      throw new Error(
        `Unknown step type '${type}'; known types: ${
          this.knownTypes().join(', ') || '(none)'
        }`,
      );
    }
    return executor;
  }

  has(type: string): boolean {
    return this.executors.has(type);
  }

  knownTypes(): string[] {
    return [...this.executors.keys()].sort();
  }
}
