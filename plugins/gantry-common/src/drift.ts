/**
 * API types of drift detection, drift incidents, drift policies and the
 * canonical workflow repository (WorkflowOps PRD 3.4 and 3.6), shared by the
 * backend, the portal and the CLI.
 */

export const DRIFT_SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type DriftSeverity = (typeof DRIFT_SEVERITIES)[number];

/** An incident moves forward only; CLOSED is final. */
export const INCIDENT_STATES = [
  'DETECTED',
  'ACKNOWLEDGED',
  'STABILIZED',
  'RECONCILED',
  'CLOSED',
] as const;
export type IncidentState = (typeof INCIDENT_STATES)[number];

/**
 * How drift is resolved: `promote` makes the live version the truth (recorded
 * and written to the canonical repository), `revert` puts back what Gantry
 * recorded, `replace` puts the canonical version in place, `acknowledge`
 * accepts the live version for this environment only.
 */
export const DRIFT_RESOLUTIONS = [
  'promote',
  'revert',
  'replace',
  'acknowledge',
] as const;
export type DriftResolution = (typeof DRIFT_RESOLUTIONS)[number];

/** Incident actions; those in the policy's `approvals.actions` wait for approval. */
export const INCIDENT_ACTIONS = [
  'acknowledge',
  'stabilize',
  'reconcile',
  'close',
  'extend_ttl',
] as const;
export type IncidentAction = (typeof INCIDENT_ACTIONS)[number];

/** One difference at a JSON pointer between what should run and what runs. */
export interface DriftChange {
  path: string;
  kind: 'added' | 'removed' | 'changed';
  expected?: unknown;
  live?: unknown;
}

export type DriftKind =
  /** content differs */
  | 'modified'
  /** recorded by Gantry, gone from the platform */
  | 'missing'
  /** on the platform, never deployed through Gantry */
  | 'unexpected'
  /** same content, active flag differs */
  | 'activation';

export interface DriftedWorkflow {
  name: string;
  kind: DriftKind;
  expectedHash?: string;
  liveHash?: string;
  expectedActive?: boolean;
  liveActive?: boolean;
  changes: DriftChange[];
  /** A unified diff of the normalised texts (expected → live). */
  patch: string;
}

export type DriftCheckStatus = 'clean' | 'drift' | 'error' | 'skipped';

export interface DriftCheck {
  id: string;
  tenant: string;
  environmentId: string;
  environmentName: string;
  trigger: 'schedule' | 'manual' | 'sync';
  status: DriftCheckStatus;
  message?: string;
  checkedWorkflows: number;
  drifted: DriftedWorkflow[];
  incidentId?: string;
  checkedBy: string;
  checkedAt: string;
}

export interface IncidentTransition {
  at: string;
  actor: string;
  action: IncidentAction | 'detect' | 'expire';
  from?: IncidentState;
  to: IncidentState;
  note?: string;
}

export interface DriftIncident {
  id: string;
  tenant: string;
  environmentId: string;
  environmentName: string;
  state: IncidentState;
  severity: DriftSeverity;
  title: string;
  owner?: string;
  ticketRef?: string;
  affectedWorkflows: string[];
  /** The drift as found when the incident was opened (or last updated). */
  drift: DriftedWorkflow[];
  checkId: string;
  resolution?: DriftResolution;
  resolutionNote?: string;
  expiresAt: string;
  /** Past expiresAt and not closed. */
  expired: boolean;
  slaWarnedAt?: string;
  /** A pending approval of an action, when one waits. */
  pendingApproval?: { id: string; action: IncidentAction };
  history: IncidentTransition[];
  detectedAt: string;
  updatedAt: string;
  closedAt?: string;
}

export interface DriftIgnoreRule {
  /** Workflow name, or `*` / a `prefix*` glob; all when omitted. */
  workflow?: string;
  /** RFC 6901 JSON pointers removed from both sides before comparing. */
  jsonPointers: string[];
}

export interface DriftPolicy {
  ttlHours: Record<DriftSeverity, number>;
  /** Warn owners this many hours before an incident expires. */
  slaWarningHours: number;
  autoCreateIncidents: boolean;
  blockPromotionsOnActiveDrift: boolean;
  blockPromotionsOnExpiredIncidents: boolean;
  /** Dev environments are skipped unless this is set. */
  checkDevEnvironments: boolean;
  /** Severity of new incidents by environment class. */
  severityByClass: Record<'dev' | 'staging' | 'production', DriftSeverity>;
  ignoreDifferences: DriftIgnoreRule[];
  approvals: {
    actions: IncidentAction[];
    approvers: string[];
    requiredApprovals: number;
  };
  retention: { closedIncidentDays: number; checkDays: number };
}

export const DEFAULT_DRIFT_POLICY: DriftPolicy = {
  ttlHours: { critical: 24, high: 48, medium: 72, low: 168 },
  slaWarningHours: 4,
  autoCreateIncidents: true,
  blockPromotionsOnActiveDrift: false,
  blockPromotionsOnExpiredIncidents: true,
  checkDevEnvironments: false,
  severityByClass: { dev: 'low', staging: 'medium', production: 'high' },
  ignoreDifferences: [],
  approvals: { actions: [], approvers: [], requiredApprovals: 1 },
  retention: { closedIncidentDays: 90, checkDays: 30 },
};

/** Incidents by severity and age, for the drift dashboard. */
export interface DriftSummary {
  open: number;
  expired: number;
  bySeverity: Record<DriftSeverity, number>;
  byState: Record<IncidentState, number>;
  /** Open incidents by age bucket: <1h, <24h, <7d, older. */
  byAge: { under1h: number; under24h: number; under7d: number; older: number };
  lastChecks: Array<{
    environmentName: string;
    status: DriftCheckStatus;
    checkedAt: string;
  }>;
}

// ---- canonical workflows -------------------------------------------------

/** The tenant's git repository of canonical workflows. */
export interface CanonicalSource {
  tenant: string;
  /** A local path or a git URL. */
  gitUrl: string;
  ref: string;
  /** Folder inside the repository holding `<name>.json` / `<name>.yaml`. */
  path: string;
  commit?: string;
  syncedAt?: string;
  updatedBy: string;
}

export interface CanonicalWorkflow {
  name: string;
  file: string;
  hash: string;
  commit: string;
}

export type MatrixStatus =
  | 'linked'
  | 'untracked'
  | 'drift'
  | 'out_of_date'
  | 'missing';

export interface CanonicalMatrixCell {
  status: MatrixStatus;
  hash?: string;
  active?: boolean;
}

export interface CanonicalMatrix {
  environments: Array<{ id: string; name: string; class: string }>;
  rows: Array<{
    name: string;
    canonicalHash?: string;
    cells: Record<string, CanonicalMatrixCell>;
  }>;
}

export interface UntrackedWorkflow {
  environmentId: string;
  environmentName: string;
  name: string;
  hash: string;
  active: boolean;
}

// ---- environment sync ----------------------------------------------------

export const SYNC_SCOPES = [
  'workflows',
  'credentials',
  'tags',
  'executions',
] as const;
export type SyncScope = (typeof SYNC_SCOPES)[number];

export interface SyncJob {
  id: string;
  tenant: string;
  environmentId: string;
  scopes: SyncScope[];
  status: 'pending' | 'running' | 'succeeded' | 'failed';
  progress: { done: number; total?: number };
  counts: Partial<Record<SyncScope, number>>;
  /** Workflows the sync recorded for the first time. */
  adopted: number;
  error?: string;
  requestedBy: string;
  createdAt: string;
  finishedAt?: string;
}

export interface SyncLogLine {
  seq: number;
  at: string;
  message: string;
}

/** What a sync keeps of an environment (metadata; never secrets). */
export interface EnvironmentInventory {
  credentials: Array<{ name: string; type: string; usedBy: string[] }>;
  tags: string[];
  executions: Array<{
    externalId: string;
    workflowName?: string;
    status: string;
    startedAt?: string;
    finishedAt?: string;
  }>;
  syncedAt?: string;
}
