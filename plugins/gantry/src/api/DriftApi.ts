import { createApiRef } from '@backstage/core-plugin-api';
import type {
  Approval,
  CanonicalMatrix,
  CanonicalSource,
  CanonicalWorkflow,
  DriftCheck,
  DriftIncident,
  DriftPolicy,
  DriftResolution,
  DriftSeverity,
  DriftSummary,
  EnvironmentInventory,
  IncidentAction,
  IncidentState,
  SyncJob,
  SyncLogLine,
  SyncScope,
  UntrackedWorkflow,
} from '@internal/plugin-gantry-common';
import type { TenantOption } from './EnvironmentsApi';
import type { Page } from './GantryApi';

export type {
  CanonicalMatrix,
  CanonicalMatrixCell,
  CanonicalSource,
  CanonicalWorkflow,
  DriftChange,
  DriftCheck,
  DriftCheckStatus,
  DriftedWorkflow,
  DriftIgnoreRule,
  DriftIncident,
  DriftKind,
  DriftPolicy,
  DriftResolution,
  DriftSeverity,
  DriftSummary,
  EnvironmentInventory,
  IncidentAction,
  IncidentState,
  IncidentTransition,
  MatrixStatus,
  SyncJob,
  SyncLogLine,
  SyncScope,
  UntrackedWorkflow,
} from '@internal/plugin-gantry-common';

/** What an incident action takes; `resolution` for reconcile, `hours` for extend_ttl. */
export interface IncidentActionInput {
  resolution?: DriftResolution;
  hours?: number;
  owner?: string;
  ticketRef?: string;
  note?: string;
}

export interface IncidentsQuery extends TenantOption {
  /** A state, or `open` for every state but CLOSED. */
  state?: IncidentState | 'open';
  severity?: DriftSeverity;
  /** An environment's id or name. */
  environment?: string;
  limit?: number;
  cursor?: string;
}

/** Drift checks, drift incidents and policy, canonical workflows and environment syncs of `/api/gantry`. */
export interface DriftApi {
  getSummary(options?: TenantOption): Promise<DriftSummary>;
  getPolicy(options?: TenantOption): Promise<DriftPolicy>;
  /** Fields merge into the stored policy; a bad value is a 400 with the reason. */
  savePolicy(
    policy: Partial<DriftPolicy>,
    options?: TenantOption,
  ): Promise<DriftPolicy>;

  checkNow(environmentId: string, options?: TenantOption): Promise<DriftCheck>;
  listChecks(
    environmentId: string,
    query?: TenantOption & { limit?: number; cursor?: string },
  ): Promise<Page<DriftCheck>>;
  getCheck(id: string, options?: TenantOption): Promise<DriftCheck>;

  listIncidents(query?: IncidentsQuery): Promise<Page<DriftIncident>>;
  getIncident(id: string, options?: TenantOption): Promise<DriftIncident>;
  assignIncident(
    id: string,
    patch: { owner?: string; ticketRef?: string },
    options?: TenantOption,
  ): Promise<DriftIncident>;
  /**
   * Carries out the action, or — when the policy asks for approval of it —
   * answers with the pending approval; an illegal transition is a 409.
   */
  actOnIncident(
    id: string,
    action: IncidentAction,
    input?: IncidentActionInput,
    options?: TenantOption,
  ): Promise<{ incident: DriftIncident; approval?: Approval }>;

  getCanonicalSource(
    options?: TenantOption,
  ): Promise<{ source: CanonicalSource | null }>;
  setCanonicalSource(
    source: { gitUrl: string; ref?: string; path?: string },
    options?: TenantOption,
  ): Promise<{ source: CanonicalSource; workflows: CanonicalWorkflow[] }>;
  syncCanonical(options?: TenantOption): Promise<{
    source: CanonicalSource | null;
    workflows: CanonicalWorkflow[];
  }>;
  listCanonicalWorkflows(
    options?: TenantOption,
  ): Promise<{ items: CanonicalWorkflow[] }>;
  getCanonicalMatrix(options?: TenantOption): Promise<CanonicalMatrix>;
  listUntracked(
    query?: TenantOption & { environment?: string },
  ): Promise<{ items: UntrackedWorkflow[] }>;
  /** Without `workflows`, every untracked workflow of the environment. */
  onboard(
    environmentId: string,
    workflows?: string[],
    options?: TenantOption,
  ): Promise<{ commit?: string; onboarded: string[] }>;

  startSync(
    environmentId: string,
    scopes?: SyncScope[],
    options?: TenantOption,
  ): Promise<SyncJob>;
  /** The job and its log lines after `after` (a sequence number). */
  getSyncJob(
    id: string,
    after?: number,
    options?: TenantOption,
  ): Promise<{ job: SyncJob; logs: SyncLogLine[] }>;
  listSyncJobs(
    environmentId: string,
    query?: TenantOption & { limit?: number; cursor?: string },
  ): Promise<Page<SyncJob>>;
  getInventory(
    environmentId: string,
    options?: TenantOption,
  ): Promise<EnvironmentInventory>;
}

export const gantryDriftApiRef = createApiRef<DriftApi>({
  id: 'plugin.gantry.drift',
});
