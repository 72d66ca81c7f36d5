/** Run and step states; every change is written before it is acted on. */
export type RunStatus =
  | 'pending'
  | 'running'
  | 'waiting_approval'
  | 'succeeded'
  | 'failed'
  | 'cancelled';

export type StepStatus =
  | 'pending'
  | 'running'
  | 'waiting_approval'
  | 'succeeded'
  | 'failed'
  | 'skipped'
  | 'cancelled';

export const TERMINAL_RUN_STATUSES: RunStatus[] = [
  'succeeded',
  'failed',
  'cancelled',
];
export const TERMINAL_STEP_STATUSES: StepStatus[] = [
  'succeeded',
  'failed',
  'skipped',
  'cancelled',
];

/** Values known when the run starts. */
export interface RunContext {
  inputs: Record<string, unknown>;
  variables: Record<string, string>;
  application?: {
    name: string;
    metadata: Record<string, unknown>;
    resources: Record<string, Record<string, unknown>>;
  };
}

export interface RunRecord {
  id: string;
  tenant: string;
  correlationId: string;
  workflowName: string;
  workflowRef?: string;
  definition: string;
  context: RunContext;
  profile: string;
  status: RunStatus;
  error?: string;
  createdBy: string;
  parentRunId?: string;
  parentStepId?: string;
  depth: number;
  cancelRequested: boolean;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
}

export interface StepRecord {
  runId: string;
  stepId: string;
  position: number;
  type: string;
  needs: string[];
  status: StepStatus;
  attempts: number;
  interruptions: number;
  outputs: Record<string, unknown>;
  error?: string;
  reason?: string;
  notBefore?: number;
  startedAt?: string;
  finishedAt?: string;
}

export interface RunEvent {
  id: number;
  runId: string;
  type: 'run' | 'step' | 'log';
  stepId?: string;
  data: Record<string, unknown>;
  createdAt: string;
}

export interface NewRun {
  id: string;
  tenant: string;
  correlationId: string;
  workflowName: string;
  workflowRef?: string;
  definition: string;
  context: RunContext;
  profile: string;
  createdBy: string;
  parentRunId?: string;
  parentStepId?: string;
  depth: number;
}

export interface NewStep {
  stepId: string;
  position: number;
  type: string;
  needs: string[];
}

export interface RunFilter {
  tenant?: string;
  status?: RunStatus;
  workflow?: string;
  /** Only runs of this provider's workflows. */
  provider?: string;
  parentRunId?: string | null;
  limit: number;
  /** Opaque cursor from a previous page. */
  cursor?: string;
}

export type StepPatch = Partial<
  Pick<
    StepRecord,
    | 'status'
    | 'attempts'
    | 'interruptions'
    | 'outputs'
    | 'error'
    | 'reason'
    | 'notBefore'
    | 'startedAt'
    | 'finishedAt'
  >
>;

export type RunPatch = Partial<
  Pick<
    RunRecord,
    'status' | 'error' | 'startedAt' | 'finishedAt' | 'cancelRequested'
  >
>;

/** A finished run as other domains read it (analytics' catch-up). */
export interface FinishedRun {
  id: string;
  tenant: string;
  workflowName: string;
  workflowRef?: string;
  status: 'succeeded' | 'failed' | 'cancelled';
  error?: string;
  startedAt?: string;
  finishedAt: string;
}

/** A position in the order of finished runs: by finish time, then id. */
export interface FinishedRunCursor {
  finishedAt: string;
  id: string;
}

/** Persistence of runs, steps, attempts and events. */
export interface RunStore {
  /** Runs `fn` with a store whose writes commit together or not at all. */
  inTransaction<T>(fn: (store: RunStore) => Promise<T>): Promise<T>;
  createRun(run: NewRun, steps: NewStep[]): Promise<RunRecord>;
  getRun(id: string): Promise<RunRecord | undefined>;
  listRuns(
    filter: RunFilter,
  ): Promise<{ items: RunRecord[]; nextCursor?: string }>;
  getSteps(runId: string): Promise<StepRecord[]>;
  /** Runs claimed right now by some worker (any replica). */
  countRunning(): Promise<number>;
  /**
   * Claims one runnable run whose lease is free or expired; with
   * `globalLimit`, only while fewer runs than that execute across replicas.
   */
  claimNextRun(
    worker: string,
    leaseMs: number,
    globalLimit?: number,
  ): Promise<RunRecord | undefined>;
  /** Extends the lease; false when another worker took the run. */
  heartbeat(runId: string, worker: string, leaseMs: number): Promise<boolean>;
  releaseRun(runId: string, worker: string): Promise<void>;
  /** Sets the run waiting_approval if one of its steps waits for approval; false otherwise. */
  markWaitingForApproval(runId: string): Promise<boolean>;
  updateRun(runId: string, patch: RunPatch): Promise<void>;
  updateStep(runId: string, stepId: string, patch: StepPatch): Promise<void>;
  /** Records an attempt before it runs; false when that attempt exists already. */
  startAttempt(
    run: RunRecord,
    stepId: string,
    attempt: number,
    worker: string,
  ): Promise<boolean>;
  finishAttempt(
    runId: string,
    stepId: string,
    attempt: number,
    result: {
      status: 'succeeded' | 'failed' | 'interrupted' | 'cancelled';
      exitCode?: number;
      error?: string;
    },
  ): Promise<void>;
  /** Attempts of a run, for checks and the API. */
  listAttempts(
    runId: string,
  ): Promise<
    Array<{ stepId: string; attempt: number; worker: string; status: string }>
  >;
  appendEvents(
    run: Pick<RunRecord, 'id' | 'tenant'>,
    events: Array<Pick<RunEvent, 'type' | 'stepId' | 'data'>>,
  ): Promise<void>;
  listEvents(
    runId: string,
    afterId: number,
    limit: number,
  ): Promise<RunEvent[]>;
  /**
   * Up to `limit` runs of any tenant that finished after `after` (all when
   * undefined) and, with `before`, before that time; oldest first.
   */
  finishedSince(
    after: FinishedRunCursor | undefined,
    limit: number,
    before?: string,
  ): Promise<FinishedRun[]>;
}
