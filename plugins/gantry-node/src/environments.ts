import { createExtensionPoint } from '@backstage/backend-plugin-api';

/** An environment as an adapter sees it: its settings and decrypted secrets. */
export interface AdapterEnvironment {
  id: string;
  name: string;
  class: 'dev' | 'staging' | 'production';
  settings: Record<string, unknown>;
  secrets: Record<string, string>;
}

/** One workflow as it should run in an environment; `definition: null` removes it. */
export interface WorkflowChange {
  name: string;
  definition: string | null;
  active: boolean;
}

/** One workflow as it runs on the platform now, in its normalised form. */
export interface LiveWorkflow {
  name: string;
  /**
   * The definition without the platform's volatile fields (ids, timestamps,
   * version ids), printed stably, so equal content compares equal across
   * instances and with the canonical repository.
   */
  definition: string;
  active: boolean;
  /** The platform's own id of the workflow, when it has one. */
  externalId?: string;
  tags?: string[];
  updatedAt?: string;
}

/** A credential's metadata; secrets never leave the platform. */
export interface LiveCredential {
  name: string;
  type: string;
  externalId?: string;
}

export interface LiveExecution {
  externalId: string;
  workflowName?: string;
  status: string;
  mode?: string;
  startedAt?: string;
  finishedAt?: string;
}

/** Reports progress of long reads (sync): a log line and, when known, counts. */
export type AdapterProgress = (
  message: string,
  progress?: { done: number; total?: number },
) => void;

/**
 * Connects Gantry to where an environment's workflows run: Gantry's own
 * engine (the built-in `gantry` adapter) or an external automation platform
 * such as n8n. Promotions, restores, syncs and drift checks go through it.
 */
export interface GantryEnvironmentAdapter {
  /** The `adapter` name environments use, e.g. `gantry` or `n8n`. */
  type: string;
  description: string;
  /** Checked before an environment is saved; `message` says what failed. */
  testConnection(
    env: AdapterEnvironment,
  ): Promise<{ ok: boolean; message: string }>;
  /** Applies changes one by one; throws on the first it cannot apply. */
  apply(env: AdapterEnvironment, changes: WorkflowChange[]): Promise<void>;
  /**
   * What runs there now, when the platform can change outside Gantry (drift);
   * undefined when Gantry's record is the only truth.
   */
  readLive?(
    env: AdapterEnvironment,
    onProgress?: AdapterProgress,
  ): Promise<LiveWorkflow[]>;
  /** Credentials the platform holds (metadata only). */
  listCredentials?(env: AdapterEnvironment): Promise<LiveCredential[]>;
  /** Tag names the platform knows. */
  listTags?(env: AdapterEnvironment): Promise<string[]>;
  /** The newest executions, newest first. */
  listExecutions?(
    env: AdapterEnvironment,
    options: { limit: number },
  ): Promise<LiveExecution[]>;
  /**
   * The credential names a workflow definition uses, for the
   * credentialsExistInTarget gate; without it, Gantry looks for
   * `secrets.<name>` references.
   */
  credentialReferences?(definition: string): string[];
}

/** Lets backend modules add environment adapters (e.g. n8n). */
export interface GantryEnvironmentAdaptersExtensionPoint {
  addAdapters(...adapters: GantryEnvironmentAdapter[]): void;
}

export const gantryEnvironmentAdaptersExtensionPoint =
  createExtensionPoint<GantryEnvironmentAdaptersExtensionPoint>({
    id: 'gantry.environment-adapters',
  });
