export interface Config {
  gantry?: {
    /** Tenant of runs started without one, until tenancy is resolved from groups. */
    defaultTenant?: string;
    permissions?: {
      /**
       * Entity refs (users or groups) whose members are platform admins and
       * may do everything; everyone else may read. Defaults to
       * `group:default/platform-admins`.
       */
      adminRefs?: string[];
    };
    providers?: {
      /** Directory of providers (`<team>/provider.yaml`), relative to the backend's working directory. */
      directory?: string;
      /** Git sources: the provider at `path` in `git_url`, pinned to `ref`. */
      sources?: Array<{
        name: string;
        git_url: string;
        path?: string;
        ref?: string;
      }>;
      /** Where git sources are checked out (default: the OS temp dir). */
      cacheDirectory?: string;
      /** How often git sources are fetched again (default 5). */
      refreshMinutes?: number;
    };
    engine?: {
      /** Steps of one run executing at once (default 4). */
      maxParallelSteps?: number;
      /** Runs one backend replica executes at once (default 8). */
      maxConcurrentRuns?: number;
      /** How long a worker's claim on a run lasts without a heartbeat (default 15). */
      leaseSeconds?: number;
      /** Where shell steps get their per-run working directories (default: the OS temp dir). */
      workspaceDirectory?: string;
    };
    /** Admin policy, enforced when a workflow is validated and again when it runs. */
    policy?: {
      /** plan_only, restricted, standard or elevated. */
      profile?: string;
      allowedStepTypes?: string[];
      maxSteps?: number;
    };
    /**
     * Secrets workflows reach as ${secrets.<name>}; also read from
     * GANTRY_SECRET_<NAME> environment variables.
     * @visibility secret
     */
    secrets?: { [name: string]: string };
  };
}
