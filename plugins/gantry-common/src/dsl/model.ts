/** The one model every workflow form normalises to. */

export type WorkflowForm = 'simple' | 'full' | 'secure';

export interface RetryPolicy {
  attempts: number;
  delaySeconds: number;
  backoff: 'fixed' | 'exponential';
}

export interface InputSpec {
  type: 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';
  description?: string;
  required: boolean;
  default?: unknown;
  pattern?: string;
  enum?: Array<string | number | boolean>;
  min?: number;
  max?: number;
}

export interface WorkflowStep {
  id: string;
  type: string;
  name?: string;
  description?: string;
  /** Executor settings; the secure form's `command`/`message` are merged in. */
  config: Record<string, unknown>;
  env: Record<string, string>;
  namespace?: string;
  resource?: string;
  /** Conditions as written; `if` and `condition` mean the same as `when`. */
  when?: string;
  unless?: string;
  /** Explicit `depends_on`; undefined means "after the previous step". */
  dependsOn?: string[];
  timeoutSeconds?: number;
  retry?: RetryPolicy;
  continueOnFailure: boolean;
  /** Output names the step declares (`outputs` on the step or in config). */
  declaredOutputs: string[];
  /** Path of the step in the YAML document, for error positions. */
  sourcePath: (string | number)[];
}

export interface Workflow {
  name: string;
  form: WorkflowForm;
  description?: string;
  version?: string;
  product?: string;
  owner?: string;
  phase?: string;
  triggers: string[];
  variables: Record<string, string>;
  inputs: Record<string, InputSpec>;
  steps: WorkflowStep[];
}
