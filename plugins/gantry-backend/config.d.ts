export interface Config {
  gantry?: {
    /**
     * Tenant that platform admins and services without a tenant of their own
     * act in when a request names none (e.g. the local guest).
     */
    defaultTenant?: string;
    permissions?: {
      /**
       * Roles of the sample permission policy: entity refs (users, groups or
       * tenants) whose members hold each role. The highest match wins.
       */
      roles?: {
        admin?: string[];
        developer?: string[];
        viewer?: string[];
      };
      /** Role of a signed-in user no list names: viewer (default), developer, admin or none. */
      defaultRole?: string;
      /** Older name of roles.admin. */
      adminRefs?: string[];
    };
    tenancy?: {
      /** How long users' groups and tenants are cached from the catalog (default 30). */
      cacheSeconds?: number;
      /** Service subjects (static tokens) and the tenants they may act in; '*' for all. */
      serviceTenants?: { [subject: string]: string[] };
    };
    environments?: {
      /**
       * Key that encrypts environment secrets at rest (any long random
       * string). Without one, a generated key is kept in the database.
       * @visibility secret
       */
      encryptionKey?: string;
      /** How often every environment's connection is checked (default 5). */
      healthCheckMinutes?: number;
      /** Who approves activating, deactivating or deleting workflows in production (default: platform admins). */
      productionApprovers?: string[];
    };
    approvals?: {
      /** How often expired approval requests are failed (default 30). */
      expiryCheckSeconds?: number;
    };
    audit?: {
      /** Audit events older than this are deleted daily; unset keeps them forever. */
      retentionDays?: number;
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
      /**
       * On shutdown (SIGTERM), how long running steps may finish (default 20);
       * the rest are stopped and their runs released for another replica.
       */
      shutdownGraceSeconds?: number;
      /** Where shell steps get their per-run working directories (default: the OS temp dir). */
      workspaceDirectory?: string;
    };
    /** Admin policy, enforced when a workflow is validated and again when it runs. */
    policy?: {
      /** plan_only, restricted, standard or elevated. */
      profile?: string;
      /** Profile per environment class (the run's ENVIRONMENT variable); runs get the stricter one. */
      profiles?: { [environment: string]: string };
      allowedStepTypes?: string[];
      /** Product workflows (provider/workflow) deployments may run. */
      allowedProductWorkflows?: string[];
      maxSteps?: number;
      /** A run taking longer fails, its running steps aborted. */
      maxDurationSeconds?: number;
      /** Runs executing at once across every replica. */
      maxConcurrentRuns?: number;
      /** Hosts steps may call; '*.example.com' matches subdomains. */
      allowedOutboundDomains?: string[];
    };
    notifications?: {
      smtp?: {
        host: string;
        port: number;
        secure?: boolean;
        user?: string;
        /** @visibility secret */
        password?: string;
        from: string;
      };
    };
    /** Platform events and tenants' hooks. */
    hooks?: {
      /** Per tenant: the endpoints of HTTP actions (tag.order, export.orders, flag.enable, flag.disable, notify.webhook). */
      tenants?: Array<{
        tenant: string;
        endpoints?: Array<{
          action: string;
          url: string;
          /** POST (default), PUT or PATCH. */
          method?: string;
          /** @visibility secret */
          headers?: { [name: string]: string };
          /**
           * Signs notify.webhook bodies (X-Gantry-Signature).
           * @visibility secret
           */
          secret?: string;
        }>;
      }>;
      /** Incoming signed webhooks, served at POST /api/gantry/webhooks/<name>. */
      webhooks?: Array<{
        name: string;
        tenant: string;
        /**
         * HMAC-SHA256 shared secret, 16 characters or more.
         * @visibility secret
         */
        secret: string;
        /** Event type of every delivery... */
        event?: string;
        /** ...or the header naming the vendor's topic and how topics translate. */
        typeHeader?: string;
        types?: Array<{ from: string; event: string }>;
        /** Default x-gantry-signature; hex (sha256= optional) or base64. */
        signatureHeader?: string;
        /** Default x-gantry-delivery: a redelivery with the same value is ignored. */
        idempotencyHeader?: string;
      }>;
    };
    /**
     * Secrets workflows reach as ${secrets.<name>}; also read from
     * GANTRY_SECRET_<NAME> environment variables.
     * @visibility secret
     */
    secrets?: { [name: string]: string };
  };
}
