/**
 * A step executor runs one step type (`shell`, `http`, `terraform`, ...).
 * The engine issue fills in the context; for now it carries what every
 * executor needs: its config, an abort signal and a log sink.
 */
export interface GantryStepContext {
  stepId: string;
  config: Record<string, unknown>;
  /** Plan (dry-run) mode: describe what would happen, change nothing. */
  dryRun: boolean;
  signal: AbortSignal;
  log(line: string): void;
}

export interface GantryStepResult {
  outputs: Record<string, unknown>;
}

export interface GantryStepExecutor {
  /** The step `type` this executor handles, e.g. `shell`. */
  type: string;
  execute(context: GantryStepContext): Promise<GantryStepResult>;
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

  knownTypes(): string[] {
    return [...this.executors.keys()].sort();
  }
}
