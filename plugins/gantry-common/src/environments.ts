/**
 * API types of environments, snapshots, pipelines and promotions, shared by
 * the backend that serves them and the portal and CLI that show them.
 */

export const ENVIRONMENT_CLASSES = ['dev', 'staging', 'production'] as const;
export type EnvironmentClass = (typeof ENVIRONMENT_CLASSES)[number];
export const DRIFT_MODES = ['alert', 'auto_revert', 'ignore'] as const;
export type DriftMode = (typeof DRIFT_MODES)[number];
export type EnvironmentHealth = 'unknown' | 'healthy' | 'unhealthy';

export interface Environment {
  id: string;
  tenant: string;
  name: string;
  class: EnvironmentClass;
  adapter: string;
  settings: Record<string, unknown>;
  /** Names only: secret values never leave the backend. */
  secretNames: string[];
  gitUrl?: string;
  driftMode: DriftMode;
  backupCron?: string;
  status: 'active' | 'deleted';
  health: EnvironmentHealth;
  healthMessage?: string;
  healthCheckedAt?: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface EnvironmentInput {
  name: string;
  class: EnvironmentClass;
  adapter?: string;
  settings?: Record<string, unknown>;
  secrets?: Record<string, string>;
  gitUrl?: string;
  driftMode?: DriftMode;
  backupCron?: string;
}

/** The version of one workflow an environment runs. */
export interface EnvironmentWorkflow {
  name: string;
  hash: string;
  active: boolean;
  /**
   * direct: edited in the environment itself (a hotfix when promoted over);
   * sync: found on the platform by a sync and adopted; drift: a drift
   * incident's resolution.
   */
  source: 'direct' | 'promotion' | 'restore' | 'sync' | 'drift';
  deployedBy: string;
  deployedAt: string;
}

export interface EnvironmentDetail extends Environment {
  workflows: EnvironmentWorkflow[];
}

export type SnapshotKind =
  | 'manual'
  | 'pre_promotion'
  | 'post_promotion'
  | 'scheduled'
  | 'pre_restore';

export interface SnapshotEntry {
  name: string;
  hash: string;
  active: boolean;
}

export interface Snapshot {
  id: string;
  tenant: string;
  environmentId: string;
  kind: SnapshotKind;
  content: SnapshotEntry[];
  contentHash: string;
  gitCommit?: string;
  note?: string;
  createdBy: string;
  createdAt: string;
}

/** One workflow a restore writes; a null definition removes it. */
export interface RestoreChange {
  name: string;
  definition: string | null;
  active: boolean;
}

export type DiffStatus =
  | 'ADDED'
  | 'MODIFIED'
  | 'TARGET_ONLY'
  | 'UNCHANGED'
  | 'TARGET_HOTFIX';

export type RiskLevel = 'none' | 'low' | 'medium' | 'high';

/** One reason a change is risky, e.g. "step deploy: command changed". */
export interface RiskFinding {
  risk: RiskLevel;
  what: string;
}

export interface WorkflowDiff {
  name: string;
  status: DiffStatus;
  sourceHash?: string;
  targetHash?: string;
  risk: RiskLevel;
  findings: RiskFinding[];
  /** Unified diff of the YAML, target → source. */
  patch: string;
}

export interface SnapshotComparison {
  from: string;
  to: string;
  diff: WorkflowDiff[];
}

export interface StageGates {
  requireCleanDrift?: boolean;
  runPreFlightValidation?: boolean;
  credentialsExistInTarget?: boolean;
  nodesSupportedInTarget?: boolean;
  targetEnvironmentHealthy?: boolean;
  maxAllowedRiskLevel?: 'low' | 'medium' | 'high';
}

export interface PipelineStage {
  /** Environment names. */
  source: string;
  target: string;
  gates: StageGates;
  approval?: {
    approvers: string[];
    requiredApprovals: number;
    expires?: string;
  };
  soakMinutes?: number;
  windows?: Array<{ days: string[]; from: string; to: string }>;
}

export interface PipelineFlags {
  allowPlaceholderCredentials: boolean;
  allowOverwritingHotfixes: boolean;
  allowForcePromotionOnConflicts: boolean;
}

export interface Pipeline {
  id: string;
  name: string;
  stages: PipelineStage[];
  flags: PipelineFlags;
}

export interface GateResult {
  gate: string;
  passed: boolean;
  reason: string;
}

export interface PromotionRequest {
  pipeline: string;
  stage: number;
  workflows?: string[];
  force?: boolean;
}

export interface PromotionPreview {
  /** Environment names. */
  source: string;
  target: string;
  diff: WorkflowDiff[];
  gates: GateResult[];
  risk: RiskLevel;
  blocked: boolean;
}

export type PromotionStatus =
  | 'PENDING'
  | 'PENDING_APPROVAL'
  | 'APPROVED'
  | 'RUNNING'
  | 'COMPLETED'
  | 'FAILED'
  | 'REJECTED'
  | 'CANCELLED'
  | 'ROLLED_BACK';

export interface Promotion {
  id: string;
  tenant: string;
  pipelineId: string;
  stage: number;
  sourceEnvironmentId: string;
  targetEnvironmentId: string;
  workflows: string[];
  status: PromotionStatus;
  diff: WorkflowDiff[];
  gates: GateResult[];
  risk?: RiskLevel;
  force: boolean;
  approvalId?: string;
  preSnapshotId?: string;
  postSnapshotId?: string;
  results: Array<{
    name: string;
    status: 'applied' | 'failed' | 'skipped';
    error?: string;
  }>;
  error?: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}
