import { createApiRef } from '@backstage/core-plugin-api';
import { GantryHealthResponse } from '@internal/plugin-gantry-common';

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

export interface Approval {
  id: string;
  runId?: string;
  stepId?: string;
  message: string;
  status: 'pending' | 'approved' | 'denied';
  requestedBy: string;
  decidedBy?: string;
  reason?: string;
  createdAt: string;
  decidedAt?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
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
  deployments: Array<{
    id: string;
    status: string;
    first: boolean;
    createdAt: string;
    runs: Array<{
      kind: string;
      ref: string;
      phase?: string;
      runId?: string;
      status: string;
    }>;
  }>;
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
  listApprovals(query: {
    status?: string;
    cursor?: string;
  }): Promise<Page<Approval>>;
  decideApproval(
    id: string,
    decision: 'approve' | 'deny',
    reason?: string,
  ): Promise<Approval>;
  /** The application deployed from a Score spec; undefined when there is none. */
  getApplication(name: string): Promise<ApplicationDetail | undefined>;
}

export const gantryApiRef = createApiRef<GantryApi>({ id: 'plugin.gantry' });
