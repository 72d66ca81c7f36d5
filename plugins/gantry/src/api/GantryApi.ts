import { createApiRef } from '@backstage/core-plugin-api';
import type { Approval, ApprovalStatus } from '@internal/plugin-gantry-common';
import {
  GantryHealthResponse,
  SecurityProfile,
} from '@internal/plugin-gantry-common';

export type RunStatus =
  | 'pending'
  | 'running'
  | 'waiting_approval'
  | 'succeeded'
  | 'failed'
  | 'cancelled';

export interface Run {
  id: string;
  tenant: string;
  workflowName: string;
  workflowRef?: string;
  profile: string;
  status: RunStatus;
  error?: string;
  createdBy: string;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
}

export interface RunStep {
  stepId: string;
  type: string;
  needs: string[];
  status: string;
  attempts: number;
  outputs: Record<string, unknown>;
  error?: string;
  reason?: string;
  startedAt?: string;
  finishedAt?: string;
}

export interface RunEvent {
  id: number;
  type: 'run' | 'step' | 'log';
  stepId?: string;
  data: Record<string, any>;
  createdAt: string;
}

export interface ProviderSummary {
  name: string;
  description?: string;
  owner?: string;
  tags: string[];
  healthy: boolean;
  workflows: string[];
  errors: Array<{
    message: string;
    file?: string;
    line?: number;
    column?: number;
  }>;
}

export interface ProviderDetail extends Omit<ProviderSummary, 'workflows'> {
  workflows: Array<{
    name: string;
    file: string;
    definition: string;
    errors: ProviderSummary['errors'];
  }>;
}

export type {
  Approval,
  ApprovalDecision,
  ApprovalStatus,
  ApprovalSubject,
} from '@internal/plugin-gantry-common';

/** Who the caller is and which tenants they belong to. */
export interface Tenancy {
  user: string;
  tenants: string[];
  /** The tenant the backend uses when a request names none. */
  tenant?: string;
}

export interface AuditEvent {
  id: number;
  tenant: string;
  actor: string;
  action: string;
  target?: string;
  oldValue?: unknown;
  newValue?: unknown;
  details?: Record<string, unknown>;
  requestId?: string;
  ip?: string;
  createdAt: string;
}

/** Filters of the audit log; `from`/`to` are ISO timestamps, `q` is free text. */
export interface AuditQuery {
  actor?: string;
  action?: string;
  target?: string;
  q?: string;
  from?: string;
  to?: string;
  tenant?: string;
  cursor?: string;
  limit?: number;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** A run a deployment started: a resource's provisioning or a workflow of a phase. */
export interface DeploymentRunRef {
  kind: 'resource' | 'workflow';
  ref: string;
  phase?: string;
  resource?: string;
  runId?: string;
  status: string;
}

/** One submission of an application's Score spec. */
export interface Deployment {
  id: string;
  tenant: string;
  application: string;
  profile: string;
  status: string;
  first: boolean;
  runs: DeploymentRunRef[];
  error?: string;
  createdBy: string;
  createdAt: string;
  finishedAt?: string;
}

/** An application of the list: the latest Score deployment of its name. */
export interface ApplicationSummary {
  tenant: string;
  name: string;
  product?: string;
  updatedAt?: string;
}

export interface ApplicationDetail {
  name: string;
  product?: string;
  status: string;
  resources: Array<{
    name: string;
    type: string;
    provider?: string;
    status: string;
    runId?: string;
  }>;
  /** The latest deployments, newest first; listDeployments pages through all. */
  deployments: Deployment[];
  /** Product workflows a person may start by hand for this application. */
  manualWorkflows: Array<{ provider: string; workflow: string }>;
}

/** What the Gantry pages need from the Gantry backend. */
export interface GantryApi {
  getHealth(): Promise<GantryHealthResponse>;
  listProviders(): Promise<Page<ProviderSummary>>;
  getProvider(name: string): Promise<ProviderDetail>;
  startRun(request: {
    workflow: string;
    inputs?: Record<string, unknown>;
    variables?: Record<string, string>;
    profile?: string;
  }): Promise<Run>;
  listRuns(query: {
    status?: string;
    workflow?: string;
    /** Runs of any workflow of this provider. */
    provider?: string;
    cursor?: string;
    limit?: number;
  }): Promise<Page<Run>>;
  getRun(id: string): Promise<Run & { steps: RunStep[] }>;
  listEvents(
    id: string,
    after: number,
  ): Promise<{ items: RunEvent[]; cursor: number }>;
  cancelRun(id: string): Promise<Run>;
  retryRun(id: string): Promise<Run>;
  /** Pending approvals the signed-in user may decide. */
  getInbox(query?: {
    tenant?: string;
    cursor?: string;
    limit?: number;
  }): Promise<Page<Approval>>;
  /** How many approvals wait in the signed-in user's inbox. */
  countPendingApprovals(query?: { tenant?: string }): Promise<number>;
  /** The approvals of a tenant, any status (the history). */
  listApprovals(query: {
    status?: ApprovalStatus;
    runId?: string;
    /** Only approvals naming this entity ref (a group or user) as approver. */
    approver?: string;
    tenant?: string;
    cursor?: string;
    limit?: number;
  }): Promise<Page<Approval>>;
  getApproval(id: string): Promise<Approval>;
  decideApproval(
    id: string,
    decision: 'approve' | 'deny',
    comment?: string,
  ): Promise<Approval>;
  /** The audit log, newest first (admins only). */
  listAuditEvents(query: AuditQuery): Promise<Page<AuditEvent>>;
  getTenancy(): Promise<Tenancy>;
  /** The tenant's applications by name; the cursor is the last name. */
  listApplications(query?: {
    cursor?: string;
    limit?: number;
  }): Promise<Page<ApplicationSummary>>;
  /** An application's deployments, newest first. */
  listDeployments(
    application: string,
    query?: { cursor?: string; limit?: number },
  ): Promise<Page<Deployment>>;
  /** The application deployed from a Score spec; undefined when there is none. */
  getApplication(name: string): Promise<ApplicationDetail | undefined>;
  /** Starts one of the application's manual workflows. */
  runManualWorkflow(
    application: string,
    provider: string,
    workflow: string,
    profile?: SecurityProfile,
  ): Promise<Run>;
}

export const gantryApiRef = createApiRef<GantryApi>({ id: 'plugin.gantry' });
