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

/**
 * Connects Gantry to where an environment's workflows run: Gantry's own
 * engine (the built-in `gantry` adapter) or an external automation platform
 * such as n8n. Promotions, restores and drift checks go through it.
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
  ): Promise<Array<{ name: string; definition: string; active: boolean }>>;
}

/** Lets backend modules add environment adapters (e.g. n8n). */
export interface GantryEnvironmentAdaptersExtensionPoint {
  addAdapters(...adapters: GantryEnvironmentAdapter[]): void;
}

export const gantryEnvironmentAdaptersExtensionPoint =
  createExtensionPoint<GantryEnvironmentAdaptersExtensionPoint>({
    id: 'gantry.environment-adapters',
  });
