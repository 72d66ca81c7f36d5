import { createApiRef } from '@backstage/core-plugin-api';
import { Page } from './GantryApi';

export type {
  EnvironmentClass,
  DriftMode,
  EnvironmentHealth,
  Environment,
  EnvironmentInput,
  EnvironmentWorkflow,
  EnvironmentDetail,
  SnapshotKind,
  SnapshotEntry,
  Snapshot,
  RestoreChange,
  DiffStatus,
  RiskLevel,
  RiskFinding,
  WorkflowDiff,
  SnapshotComparison,
  StageGates,
  PipelineStage,
  PipelineFlags,
  Pipeline,
  GateResult,
  PromotionRequest,
  PromotionPreview,
  PromotionStatus,
  Promotion,
} from '@internal/plugin-gantry-common';
import type {
  Environment,
  EnvironmentInput,
  EnvironmentWorkflow,
  EnvironmentDetail,
  Snapshot,
  RestoreChange,
  SnapshotComparison,
  PipelineStage,
  PipelineFlags,
  Pipeline,
  PromotionRequest,
  PromotionPreview,
  Promotion,
} from '@internal/plugin-gantry-common';

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
