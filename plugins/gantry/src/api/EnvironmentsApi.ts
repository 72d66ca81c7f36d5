import { createApiRef } from '@backstage/core-plugin-api';
import { Page } from './GantryApi';

export type EnvironmentClass = 'dev' | 'staging' | 'production';
export type DriftMode = 'alert' | 'auto_revert' | 'ignore';
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
  status: string;
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
  /** direct: edited in the environment itself (a hotfix when promoted over). */
  source: 'direct' | 'promotion' | 'restore';
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

export interface Snapshot {
  id: string;
  environmentId: string;
  kind: SnapshotKind;
  content: Array<{ name: string; hash: string; active: boolean }>;
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

export interface WorkflowDiff {
  name: string;
  status: DiffStatus;
  sourceHash?: string;
  targetHash?: string;
  risk: RiskLevel;
  findings: Array<{ risk: RiskLevel; what: string }>;
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

/** Every call takes the tenant to act in; none means the caller's default. */
export interface TenantOption {
  tenant?: string;
}

/** Environments, snapshots, pipelines and promotions of `/api/gantry`. */
export interface EnvironmentsApi {
  listEnvironments(
    options?: TenantOption,
  ): Promise<{ items: Environment[]; adapters: string[] }>;
  /** The backend tests the connection first: a failure is a 400 with the reason. */
  createEnvironment(
    input: EnvironmentInput,
    options?: TenantOption,
  ): Promise<Environment>;
  getEnvironment(
    idOrName: string,
    options?: TenantOption,
  ): Promise<EnvironmentDetail>;
  /** Runs the health check now. */
  checkHealth(id: string, options?: TenantOption): Promise<Environment>;
  getWorkflow(
    environmentId: string,
    name: string,
    options?: TenantOption,
  ): Promise<EnvironmentWorkflow & { definition: string }>;

  listSnapshots(
    environmentId: string,
    query?: TenantOption & { limit?: number; cursor?: string },
  ): Promise<Page<Snapshot>>;
  takeSnapshot(
    environmentId: string,
    note?: string,
    options?: TenantOption,
  ): Promise<Snapshot>;
  previewRestore(
    snapshotId: string,
    workflows?: string[],
    options?: TenantOption,
  ): Promise<{ changes: RestoreChange[] }>;
  restoreSnapshot(
    snapshotId: string,
    workflows?: string[],
    options?: TenantOption,
  ): Promise<{ before: Snapshot; changes: RestoreChange[] }>;
  /** What changed from snapshot `from` to snapshot `to`. */
  compareSnapshots(
    from: string,
    to: string,
    options?: TenantOption,
  ): Promise<SnapshotComparison>;

  listPipelines(options?: TenantOption): Promise<{ items: Pipeline[] }>;
  savePipeline(
    name: string,
    pipeline: { stages: PipelineStage[]; flags?: Partial<PipelineFlags> },
    options?: TenantOption,
  ): Promise<Pipeline>;

  previewPromotion(
    request: PromotionRequest,
    options?: TenantOption,
  ): Promise<PromotionPreview>;
  startPromotion(
    request: PromotionRequest,
    options?: TenantOption,
  ): Promise<Promotion>;
  listPromotions(
    query?: TenantOption & {
      environment?: string;
      limit?: number;
      cursor?: string;
    },
  ): Promise<Page<Promotion>>;
  getPromotion(id: string, options?: TenantOption): Promise<Promotion>;
  cancelPromotion(id: string, options?: TenantOption): Promise<Promotion>;
  rollbackPromotion(id: string, options?: TenantOption): Promise<Promotion>;
}

export const gantryEnvironmentsApiRef = createApiRef<EnvironmentsApi>({
  id: 'plugin.gantry.environments',
});
