import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  ConditionError,
  DslError,
  evaluateCondition,
  formatDslError,
  interpolateValue,
  isShellCommandPath,
  PreparedCondition,
  prepareCondition,
  effectiveProfile,
  outboundAllowed,
  SecurityProfile,
  ShellInterpolationError,
  specialWhen,
  validateWorkflow,
  ValidationResult,
  WorkflowPolicy,
  WorkflowStep,
} from '@internal/plugin-gantry-common';
import {
  GantryStepResult,
  StepExecutorRegistry,
  StepFailedError,
} from '@internal/plugin-gantry-node';
import { ApprovalService, Approval } from '../approvals/ApprovalService';
import { newTimeOrderedId } from '../runs/ids';
import {
  RunContext,
  RunRecord,
  RunStatus,
  RunStore,
  StepRecord,
  StepStatus,
  TERMINAL_RUN_STATUSES,
  TERMINAL_STEP_STATUSES,
} from '../runs/types';
import { Redactor } from './redaction';
import { RuntimeReferenceError, RuntimeValues, SecretSource } from './runtime';

export interface EngineOptions {
  store: RunStore;
  approvals: ApprovalService;
  executors: StepExecutorRegistry;
  secrets: SecretSource;
  logger: {
    info(m: string): void;
    warn(m: string): void;
    error(m: string): void;
  };
  /** Unique per process; recorded on every attempt. */
  workerId?: string;
  /** Root of per-run workspaces (shell steps' working directories). */
  workspaceRoot?: string;
  /** One working directory for every run instead (local CLI runs in a project). */
  workspace?: string;
  leaseMs?: number;
  pollMs?: number;
  /**
   * How long stop() lets running steps finish (default 20 s). Steps still
   * running then are stopped and handed over: their runs are released at
   * once for another replica to resume, without waiting for the lease.
   */
  shutdownGraceMs?: number;
  /** Steps of one run executing at once. */
  maxParallelSteps?: number;
  /** Runs one worker executes at once. */
  maxConcurrentRuns?: number;
  /** Sub-workflow nesting limit. */
  maxDepth?: number;
  /** Admin policy checked at submit and again before every step. */
  policy?: WorkflowPolicy;
  /** Called after events are stored (live streaming). */
  onEvents?: (runId: string) => void;
}

export interface SubmitRequest {
  definition: string;
  file?: string;
  workflowRef?: string;
  tenant: string;
  createdBy: string;
  context?: Partial<RunContext>;
  profile?: SecurityProfile;
  parentRunId?: string;
  parentStepId?: string;
  depth?: number;
  /** What caused the run (e.g. a platform event's id); a new id otherwise. */
  correlationId?: string;
}

/** A run started or reached a terminal state. */
export type RunStatusListener = (
  run: RunRecord,
  status: 'running' | 'succeeded' | 'failed' | 'cancelled',
) => Promise<void>;

export class WorkflowValidationError extends Error {
  constructor(readonly errors: DslError[]) {
    super(errors.map(formatDslError).join('\n'));
    this.name = 'WorkflowValidationError';
  }
}

/** Another worker recorded this attempt first, or holds the run now. */
class AttemptTakenError extends Error {}

/** Abort reasons that hand a step over to another worker, recording nothing as its result. */
const STOPPING = 'worker stopping';
const LEASE_LOST = 'lease lost';

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));
const now = () => new Date().toISOString();

interface Running {
  controller: AbortController;
  promise: Promise<void>;
}

/**
 * The durable engine. State lives in the RunStore and is written before it
 * is acted on; a worker claims a run with a lease it keeps alive, so when a
 * worker dies another resumes the run from its last finished step.
 */
export class WorkflowEngine {
  readonly workerId: string;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly maxParallelSteps: number;
  private readonly maxConcurrentRuns: number;
  private readonly maxDepth: number;
  private readonly shutdownGraceMs: number;
  private readonly active = new Map<string, Promise<void>>();
  private stopping = false;
  /** Set when stop()'s grace period is over: running steps are handed over. */
  private graceOver = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private readonly statusListeners: RunStatusListener[] = [];

  /** The admin policy runs are checked against (environments use it too). */
  get policy(): WorkflowPolicy {
    return this.options.policy ?? {};
  }

  constructor(private readonly options: EngineOptions) {
    this.workerId =
      options.workerId ??
      `${os.hostname()}:${process.pid}:${newTimeOrderedId()}`;
    this.leaseMs = options.leaseMs ?? 15_000;
    this.pollMs = options.pollMs ?? 500;
    this.maxParallelSteps = options.maxParallelSteps ?? 4;
    this.maxConcurrentRuns = options.maxConcurrentRuns ?? 8;
    this.maxDepth = options.maxDepth ?? 5;
    this.shutdownGraceMs = options.shutdownGraceMs ?? 20_000;
    options.approvals.onDecided(approval => this.onApprovalDecided(approval));
  }

  /** Validates (with policy) and stores a new run; a worker picks it up. */
  async submit(request: SubmitRequest): Promise<RunRecord> {
    const depth = request.depth ?? 0;
    if (depth > this.maxDepth) {
      throw new WorkflowValidationError([
        {
          code: 'depth',
          message: `sub-workflows nest deeper than ${this.maxDepth} levels`,
        },
      ]);
    }
    const profile = effectiveProfile(
      this.options.policy ?? {},
      request.profile,
      request.context?.variables?.ENVIRONMENT,
    );
    const context: RunContext = {
      inputs: request.context?.inputs ?? {},
      variables: request.context?.variables ?? {},
      application: request.context?.application,
    };
    const validation = this.validate(
      request.definition,
      request.file,
      context,
      profile,
    );
    if (validation.errors.length > 0)
      throw new WorkflowValidationError(validation.errors);
    const { workflow, graph } = validation;
    const run = await this.options.store.createRun(
      {
        id: newTimeOrderedId('run_'),
        tenant: request.tenant,
        correlationId: request.correlationId ?? newTimeOrderedId('cor_'),
        workflowName: workflow!.name,
        workflowRef: request.workflowRef,
        definition: request.definition,
        context: { ...context, inputs: validation.context.inputs ?? {} },
        profile,
        createdBy: request.createdBy,
        parentRunId: request.parentRunId,
        parentStepId: request.parentStepId,
        depth,
      },
      graph!.order.map((id, position) => ({
        stepId: id,
        position,
        type: workflow!.steps.find(s => s.id === id)!.type,
        needs: graph!.needs.get(id) ?? [],
      })),
    );
    this.options.onEvents?.(run.id);
    this.wake?.();
    return run;
  }

  private validate(
    definition: string,
    file: string | undefined,
    context: RunContext,
    profile: string,
  ): ValidationResult {
    return validateWorkflow(definition, file, {
      knownStepTypes: this.options.executors.knownTypes(),
      policy: { ...this.options.policy, profile: profile as SecurityProfile },
      context: {
        application: context.application,
        variables: context.variables,
        inputs: context.inputs,
        strictVariables: true,
      },
    });
  }

  /** Asks the worker holding the run to cancel it. */
  async cancel(runId: string): Promise<RunRecord | undefined> {
    const run = await this.options.store.getRun(runId);
    if (!run || TERMINAL_RUN_STATUSES.includes(run.status)) return run;
    await this.options.store.updateRun(runId, { cancelRequested: true });
    if (run.status === 'waiting_approval') {
      // no worker holds a waiting run: make it claimable so one cancels it
      await this.options.store.updateRun(runId, { status: 'pending' });
    }
    this.wake?.();
    return this.options.store.getRun(runId);
  }

  /** Re-runs a failed run from its failed steps; finished steps keep their results. */
  async retry(runId: string): Promise<RunRecord | undefined> {
    const run = await this.options.store.getRun(runId);
    if (!run || run.status !== 'failed') return run;
    for (const step of await this.options.store.getSteps(runId)) {
      if (
        step.status === 'failed' ||
        step.status === 'cancelled' ||
        (step.status === 'skipped' && step.error === 'upstream_failed')
      ) {
        await this.options.store.updateStep(runId, step.stepId, {
          status: 'pending',
          error: undefined,
          reason: undefined,
          notBefore: undefined,
        });
      }
    }
    await this.options.store.updateRun(runId, {
      status: 'pending',
      error: undefined,
      finishedAt: undefined,
    });
    await this.options.store.appendEvents(run, [
      { type: 'run', data: { status: 'pending', retried: true } },
    ]);
    this.options.onEvents?.(runId);
    this.wake?.();
    return this.options.store.getRun(runId);
  }

  /** Called once a run starts and once it finishes (platform events, hooks). */
  onRunStatus(listener: RunStatusListener): void {
    this.statusListeners.push(listener);
  }

  /** Listeners never hold up or fail the run. */
  private announce(run: RunRecord, status: Parameters<RunStatusListener>[1]) {
    for (const listener of this.statusListeners) {
      listener(run, status).catch(error =>
        this.options.logger.warn(
          `run ${run.id} ${status}: a status listener failed: ${error}`,
        ),
      );
    }
  }

  /** Starts claiming and executing runs until `stop`. */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.graceOver = false;
    this.loop = this.claimLoop();
  }

  /**
   * Drains: claims no more runs and starts no more steps, lets running steps
   * finish for up to `graceMs` (shutdownGraceMs), then stops the rest. Every
   * unfinished run is released at once, its unfinished steps back to pending,
   * so another replica resumes it without waiting for the lease to expire.
   */
  async stop(graceMs: number = this.shutdownGraceMs): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
    const timer = setTimeout(() => {
      this.graceOver = true;
    }, graceMs);
    try {
      await Promise.allSettled([...this.active.values()]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Resolves when the run reaches a terminal state or waits for approval. */
  async waitFor(
    runId: string,
    statuses: RunStatus[] = TERMINAL_RUN_STATUSES,
    timeoutMs = 600_000,
  ): Promise<RunRecord> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const run = await this.options.store.getRun(runId);
      if (!run) throw new Error(`run ${runId} does not exist`);
      if (statuses.includes(run.status)) return run;
      if (Date.now() > deadline)
        throw new Error(`run ${runId} is still ${run.status}`);
      await sleep(20);
    }
  }

  private async claimLoop(): Promise<void> {
    while (!this.stopping) {
      let claimed = false;
      if (this.active.size < this.maxConcurrentRuns) {
        try {
          const run = await this.options.store.claimNextRun(
            this.workerId,
            this.leaseMs,
            // counted with the claim, so replicas never overshoot it together
            this.options.policy?.maxConcurrentRuns,
          );
          if (run && this.active.has(run.id)) {
            // our own lease had lapsed (a late heartbeat) and we took the run
            // again: it is still executing here, the claim only renewed it
            claimed = true;
          } else if (run) {
            claimed = true;
            const work = this.execute(run)
              .catch(error =>
                this.options.logger.error(`run ${run.id} crashed: ${error}`),
              )
              .finally(() => this.active.delete(run.id));
            this.active.set(run.id, work);
          }
        } catch (error) {
          this.options.logger.warn(`claiming runs failed: ${error}`);
        }
      }
      if (!claimed) {
        await new Promise<void>(resolve => {
          const timer = setTimeout(resolve, this.pollMs);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  }

  /** Executes a claimed run until it finishes, waits for approval or the worker stops. */
  private async execute(claimed: RunRecord): Promise<void> {
    const { store } = this.options;
    const run = claimed;
    const redactor = new Redactor();
    const running = new Map<string, Running>();
    let leaseLost = false;
    let released = false;
    const heartbeat = setInterval(() => {
      store
        .heartbeat(run.id, this.workerId, this.leaseMs)
        .then(held => {
          if (held || leaseLost || released) return;
          // another worker holds the run now: stop our steps, write nothing more
          leaseLost = true;
          this.options.logger.warn(
            `run ${run.id}: ${LEASE_LOST}, another worker took the run; stopping its steps here`,
          );
          running.forEach(r => r.controller.abort(new Error(LEASE_LOST)));
        })
        .catch(() => undefined);
    }, Math.max(50, Math.floor(this.leaseMs / 3)));
    try {
      const validation = this.validate(
        run.definition,
        undefined,
        run.context,
        run.profile,
      );
      if (!validation.workflow || validation.errors.length > 0) {
        // policy is enforced again at run time: a stricter profile stops the run
        await this.finishRun(
          run,
          'failed',
          `the workflow is no longer valid: ${validation.errors
            .map(formatDslError)
            .join('; ')}`,
        );
        return;
      }
      const workflow = validation.workflow;
      const byId = new Map(validation.steps.map(a => [a.step.id, a]));
      await this.recoverInterrupted(run);
      if (run.status === 'pending' || !run.startedAt) {
        await store.updateRun(run.id, {
          status: 'running',
          startedAt: run.startedAt ?? now(),
        });
        await this.emit(run, redactor, [
          { type: 'run', data: { status: 'running', worker: this.workerId } },
        ]);
        this.announce(run, 'running');
      }
      const workspace =
        this.options.workspace ??
        path.join(
          this.options.workspaceRoot ?? path.join(os.tmpdir(), 'gantry-runs'),
          run.id,
        );
      await mkdir(workspace, { recursive: true });

      for (;;) {
        if (leaseLost) {
          await Promise.allSettled([...running.values()].map(r => r.promise));
          return;
        }
        const current = await store.getRun(run.id);
        const steps = await store.getSteps(run.id);
        const stepMap = new Map(steps.map(s => [s.stepId, s]));
        const maxSeconds = this.options.policy?.maxDurationSeconds;
        const startedAt = current?.startedAt
          ? Date.parse(current.startedAt)
          : Date.now();
        const overdue =
          maxSeconds !== undefined &&
          Date.now() - startedAt > maxSeconds * 1000;
        if (current?.cancelRequested || overdue) {
          const reason = overdue
            ? `policy maxDurationSeconds: the run took longer than ${maxSeconds}s`
            : 'cancelled on request';
          running.forEach(r =>
            r.controller.abort(new Error(overdue ? reason : 'run cancelled')),
          );
          await Promise.allSettled([...running.values()].map(r => r.promise));
          for (const step of await store.getSteps(run.id)) {
            if (!TERMINAL_STEP_STATUSES.includes(step.status)) {
              await this.emit(
                run,
                redactor,
                [
                  {
                    type: 'step',
                    stepId: step.stepId,
                    data: { status: 'cancelled' },
                  },
                ],
                async s => {
                  await s.updateStep(run.id, step.stepId, {
                    status: 'cancelled',
                    finishedAt: now(),
                  });
                },
              );
            }
          }
          await this.finishRun(run, overdue ? 'failed' : 'cancelled', reason);
          return;
        }
        const runFailed = steps.some(
          s =>
            s.status === 'failed' &&
            !isContinueOnFailure(byId.get(s.stepId)?.step),
        );
        let progressed = false;
        // draining (stop): no new attempts; the run is handed over with them
        let handOver = false;
        for (const record of steps) {
          if (record.status !== 'pending' || running.has(record.stepId))
            continue;
          if (record.notBefore && record.notBefore > Date.now()) continue;
          const needs = record.needs.map(id => stepMap.get(id)!);
          if (needs.some(n => !TERMINAL_STEP_STATUSES.includes(n.status)))
            continue;
          const analysis = byId.get(record.stepId)!;
          const decision = this.decide(
            analysis,
            needs,
            runFailed,
            new RuntimeValues(
              workflow,
              validation.graph!,
              run.context,
              stepMap,
              this.options.secrets,
              redactor,
            ),
          );
          if (!decision.run) {
            progressed = true;
            await this.emit(
              run,
              redactor,
              [
                {
                  type: 'step',
                  stepId: record.stepId,
                  data: { status: 'skipped', reason: decision.reason },
                },
              ],
              async s => {
                await s.updateStep(run.id, record.stepId, {
                  status: 'skipped',
                  reason: decision.reason,
                  error: decision.upstreamFailed
                    ? 'upstream_failed'
                    : undefined,
                  finishedAt: now(),
                });
              },
            );
            continue;
          }
          if (decision.error) {
            progressed = true;
            await this.failStep(run, record, decision.error, redactor);
            continue;
          }
          if (running.size >= this.maxParallelSteps) continue;
          if (this.stopping) {
            handOver = true;
            continue;
          }
          const started = await this.startStep(run, record, redactor);
          if (!started) return; // another worker owns this attempt or the run: let go of it
          progressed = true;
          const controller = new AbortController();
          const promise = this.runStep(
            run,
            analysis.step,
            record,
            started.attempt,
            controller,
            workspace,
            {
              workflow,
              validation,
              redactor,
              stepMap,
            },
          ).finally(() => running.delete(record.stepId));
          running.set(record.stepId, { controller, promise });
        }
        if (progressed) continue;
        if (running.size > 0) {
          // grace period over: the finally below hands the running steps over
          if (this.stopping && this.graceOver) return;
          await Promise.race([
            ...[...running.values()].map(r => r.promise),
            sleep(this.pollMs),
          ]);
          continue;
        }
        if (handOver) return; // released below; another worker starts the steps
        const latest = await store.getSteps(run.id);
        if (latest.some(s => s.status === 'waiting_approval')) {
          // only while a step still waits: a decision taken since we read the
          // steps has made the run pending, and that must stand
          if (await store.markWaitingForApproval(run.id)) {
            await this.emit(run, redactor, [
              { type: 'run', data: { status: 'waiting_approval' } },
            ]);
          }
          return; // holds no worker while it waits
        }
        if (latest.every(s => TERMINAL_STEP_STATUSES.includes(s.status))) {
          const failed = latest.filter(
            s =>
              s.status === 'failed' &&
              !isContinueOnFailure(byId.get(s.stepId)?.step),
          );
          await this.finishRun(
            run,
            failed.length ? 'failed' : 'succeeded',
            failed.length
              ? `step${failed.length > 1 ? 's' : ''} ${failed
                  .map(s => s.stepId)
                  .join(', ')} failed`
              : undefined,
          );
          return;
        }
        // only delayed retries left: wait for the earliest
        const next = Math.min(
          ...latest
            .filter(s => s.status === 'pending' && s.notBefore)
            .map(s => s.notBefore!),
        );
        await sleep(
          Math.max(
            5,
            Math.min(
              this.pollMs,
              (Number.isFinite(next) ? next : Date.now() + this.pollMs) -
                Date.now(),
            ),
          ),
        );
        if (this.stopping) return;
      }
    } finally {
      clearInterval(heartbeat);
      running.forEach(r => r.controller.abort(new Error(STOPPING)));
      await Promise.allSettled([...running.values()].map(r => r.promise));
      // conditional on our claim: nothing happens when the lease was lost
      released = true; // a heartbeat still under way may find the run released
      await store.releaseRun(run.id, this.workerId);
    }
  }

  /** Steps left `running` by a dead worker start a fresh attempt. */
  private async recoverInterrupted(run: RunRecord): Promise<void> {
    for (const step of await this.options.store.getSteps(run.id)) {
      if (step.status !== 'running') continue;
      await this.options.store.finishAttempt(
        run.id,
        step.stepId,
        step.attempts,
        {
          status: 'interrupted',
          error: 'the worker running this attempt stopped',
        },
      );
      await this.options.store.updateStep(run.id, step.stepId, {
        status: 'pending',
        interruptions: step.interruptions + 1,
      });
      await this.options.store.appendEvents(run, [
        {
          type: 'step',
          stepId: step.stepId,
          data: { status: 'pending', recovered: true, attempt: step.attempts },
        },
      ]);
    }
  }

  private decide(
    analysis: {
      step: WorkflowStep;
      when?: PreparedCondition;
      unless?: PreparedCondition;
    },
    needs: StepRecord[],
    runFailed: boolean,
    values: RuntimeValues,
  ): {
    run: boolean;
    reason?: string;
    upstreamFailed?: boolean;
    error?: string;
  } {
    const special = specialWhen(analysis.step.when);
    if (special === 'always') return { run: true };
    if (special === 'on_failure') {
      return runFailed
        ? { run: true }
        : { run: false, reason: 'when: on_failure — no earlier step failed' };
    }
    const blocked = needs.find(
      n =>
        n.status === 'failed' ||
        n.status === 'cancelled' ||
        (n.status === 'skipped' && n.error === 'upstream_failed'),
    );
    if (
      blocked &&
      !(blocked.status === 'failed' && blocked.error === 'continued')
    ) {
      return {
        run: false,
        upstreamFailed: true,
        reason: `dependency ${blocked.stepId} ${
          blocked.status === 'skipped'
            ? 'was skipped after a failure'
            : blocked.status
        }`,
      };
    }
    try {
      for (const [key, prepared, runWhen] of [
        ['when', analysis.when, true],
        ['unless', analysis.unless, false],
      ] as const) {
        if (!prepared) continue;
        const bound = Object.fromEntries(
          prepared.refs.map(r => [
            r.variable,
            values.value(r.path, analysis.step),
          ]),
        );
        const result = evaluateCondition(prepared, bound);
        if (result !== runWhen)
          return {
            run: false,
            reason: `${key}: ${prepared.source} is ${result}`,
          };
      }
    } catch (error) {
      if (
        error instanceof ConditionError ||
        error instanceof RuntimeReferenceError
      ) {
        return {
          run: true,
          error: `condition could not be evaluated: ${error.message}`,
        };
      }
      throw error;
    }
    return { run: true };
  }

  /** Records the attempt before running it; undefined when another worker has it. */
  private async startStep(
    run: RunRecord,
    record: StepRecord,
    redactor: Redactor,
  ) {
    const attempt = record.attempts + 1;
    try {
      await this.emit(
        run,
        redactor,
        [
          {
            type: 'step',
            stepId: record.stepId,
            data: { status: 'running', attempt },
          },
        ],
        async s => {
          // fenced: only while this worker holds the run (renews the lease too)
          if (!(await s.heartbeat(run.id, this.workerId, this.leaseMs))) {
            throw new AttemptTakenError(); // another worker took the run
          }
          if (
            !(await s.startAttempt(run, record.stepId, attempt, this.workerId))
          ) {
            throw new AttemptTakenError(); // rolls back: another worker has it
          }
          await s.updateStep(run.id, record.stepId, {
            status: 'running',
            attempts: attempt,
            startedAt: record.startedAt ?? now(),
            notBefore: undefined,
          });
        },
      );
    } catch (error) {
      if (error instanceof AttemptTakenError) return undefined;
      throw error;
    }
    return { attempt };
  }

  private async failStep(
    run: RunRecord,
    record: StepRecord,
    message: string,
    redactor: Redactor,
  ) {
    await this.emit(
      run,
      redactor,
      [
        {
          type: 'step',
          stepId: record.stepId,
          data: { status: 'failed', error: message },
        },
      ],
      async s => {
        await s.updateStep(run.id, record.stepId, {
          status: 'failed',
          error: redactor.redact(message),
          finishedAt: now(),
        });
      },
    );
  }

  private async runStep(
    run: RunRecord,
    step: WorkflowStep,
    record: StepRecord,
    attempt: number,
    controller: AbortController,
    workspace: string,
    ctx: {
      workflow: any;
      validation: ValidationResult;
      redactor: Redactor;
      stepMap: Map<string, StepRecord>;
    },
  ): Promise<void> {
    const { store, executors } = this.options;
    const { redactor } = ctx;
    const logBuffer: Array<{ line: string; stream: string }> = [];
    const flushLogs = async () => {
      const lines = logBuffer.splice(0);
      if (lines.length === 0) return;
      await this.emit(
        run,
        redactor,
        lines.map(l => ({
          type: 'log' as const,
          stepId: step.id,
          data: { line: l.line, stream: l.stream },
        })),
      );
    };
    const flusher = setInterval(() => flushLogs().catch(() => undefined), 200);
    const timeout = step.timeoutSeconds
      ? setTimeout(
          () =>
            controller.abort(
              new Error(`timed out after ${step.timeoutSeconds}s`),
            ),
          step.timeoutSeconds * 1000,
        )
      : undefined;
    let result: GantryStepResult | undefined;
    let failure:
      | {
          message: string;
          exitCode?: number;
          outputs?: Record<string, unknown>;
        }
      | undefined;
    try {
      const values = new RuntimeValues(
        ctx.workflow,
        ctx.validation.graph!,
        run.context,
        ctx.stepMap,
        this.options.secrets,
        redactor,
        run.profile === 'plan_only',
      );
      const executor = executors.get(step.type);
      // expressions (an assert's condition, policy rules) keep their
      // references: they are evaluated with values, never pasted into
      const isExpression = executor.expressionPaths ?? (() => false);
      const render = (
        value: unknown,
        shellPath: (p: (string | number)[]) => boolean,
        expression: (p: (string | number)[]) => boolean = () => false,
      ) =>
        interpolateValue(
          value,
          (ref, p) =>
            expression(p) ? { keep: true } : values.render(ref, step),
          shellPath,
        );
      const config = render(
        step.config,
        p => isShellCommandPath(step, ['config', ...p]),
        isExpression,
      ) as Record<string, unknown>;
      const env = render(step.env, () => false) as Record<string, unknown>;
      const parsed = executor.configSchema
        ? executor.configSchema.safeParse(config)
        : { success: true as const, data: config };
      if (!parsed.success) {
        throw new StepFailedError(
          `invalid config for ${step.type}: ${parsed.error.issues
            .map(i => `${i.path.join('.') || 'config'}: ${i.message}`)
            .join('; ')}`,
        );
      }
      const planOnly = run.profile === 'plan_only';
      const namespace =
        step.namespace === undefined
          ? undefined
          : String(render(step.namespace, () => false));
      const context = {
        runId: run.id,
        stepId: step.id,
        attempt,
        tenant: run.tenant,
        config: parsed.data,
        env: Object.fromEntries(
          Object.entries(env).map(([k, v]) => [k, String(v)]),
        ),
        namespace,
        workspace,
        dryRun: planOnly,
        signal: controller.signal,
        log: (line: string, stream: 'stdout' | 'stderr' = 'stdout') => {
          logBuffer.push({ line, stream });
        },
        runSubWorkflow: (request: {
          provider?: string;
          workflow: string;
          variables: Record<string, string>;
        }) => this.runSubWorkflow(run, step, request, controller.signal),
        checkOutbound: (url: string) => {
          const allowed = this.options.policy?.allowedOutboundDomains;
          if (!outboundAllowed(url, allowed)) {
            throw new StepFailedError(
              `policy allowedOutboundDomains: ${url} is not an allowed destination (allowed: ${allowed!.join(
                ', ',
              )})`,
            );
          }
        },
        resolveResource: (type: string, resourceClass?: string) => {
          if (!this.resolveResource)
            throw new StepFailedError('no provider registry is configured');
          return this.resolveResource(type, resourceClass);
        },
        evaluate: (expression: string) => {
          const prepared = prepareCondition(expression);
          const bound = Object.fromEntries(
            prepared.refs.map(r => [r.variable, values.value(r.path, step)]),
          );
          return evaluateCondition(prepared, bound);
        },
      };
      if (planOnly) {
        // plan_only: the executor describes what it would do; nothing runs
        const plan = executor.plan
          ? await executor.plan(context)
          : [
              `would run a ${step.type} step with config ${JSON.stringify(
                parsed.data,
              )}`,
            ];
        plan.forEach(line => context.log(`plan: ${line}`));
        result = { outputs: { planned: true, plan } };
      } else {
        result = await executor.execute(context);
      }
      if (controller.signal.aborted) throw controller.signal.reason;
    } catch (error) {
      const reason =
        error instanceof StepFailedError || !controller.signal.aborted
          ? error
          : controller.signal.reason;
      failure = {
        message: reason instanceof Error ? reason.message : String(reason),
        exitCode: error instanceof StepFailedError ? error.exitCode : undefined,
        outputs: error instanceof StepFailedError ? error.outputs : undefined,
      };
      if (
        error instanceof ShellInterpolationError ||
        error instanceof RuntimeReferenceError
      ) {
        failure.message = `cannot prepare the step: ${failure.message}`;
      }
    } finally {
      clearInterval(flusher);
      if (timeout) clearTimeout(timeout);
    }
    await flushLogs();

    const abortReason = controller.signal.aborted
      ? String(controller.signal.reason)
      : '';
    if (abortReason.includes(LEASE_LOST)) {
      return; // another worker owns the run: it records this attempt as interrupted
    }
    if (abortReason.includes(STOPPING)) {
      // handed over: a new attempt on another worker, which may take the run at once
      await this.emit(
        run,
        redactor,
        [
          {
            type: 'step',
            stepId: step.id,
            data: { status: 'pending', handedOver: true, attempt },
          },
        ],
        async s => {
          await s.finishAttempt(run.id, step.id, attempt, {
            status: 'interrupted',
            error: 'the worker stopped (shutdown) before the step finished',
          });
          await s.updateStep(run.id, step.id, {
            status: 'pending',
            interruptions: record.interruptions + 1,
          });
        },
      );
      return;
    }
    if (/cancel/.test(abortReason)) {
      await store.finishAttempt(run.id, step.id, attempt, {
        status: 'cancelled',
        error: failure?.message,
      });
      await this.emit(
        run,
        redactor,
        [{ type: 'step', stepId: step.id, data: { status: 'cancelled' } }],
        async s => {
          await s.updateStep(run.id, step.id, {
            status: 'cancelled',
            finishedAt: now(),
            error: failure?.message,
          });
        },
      );
      return;
    }
    if (!failure && result?.waitForApproval) {
      const wait = result.waitForApproval;
      // an attempt interrupted after requesting left its request pending: reuse it
      const earlier = (
        await this.options.approvals.list({
          runId: run.id,
          status: 'pending',
          limit: 100,
        })
      ).items.find(a => a.stepId === step.id);
      const approval =
        earlier ??
        (await this.options.approvals.request({
          tenant: run.tenant,
          runId: run.id,
          stepId: step.id,
          message: redactor.redact(wait.message),
          approvers: wait.approvers,
          requiredApprovals: wait.requiredApprovals,
          expiresAt:
            wait.expiresInSeconds === undefined
              ? undefined
              : new Date(Date.now() + wait.expiresInSeconds * 1000),
          requestedBy: run.createdBy,
        }));
      await this.emit(
        run,
        redactor,
        [
          {
            type: 'step',
            stepId: step.id,
            data: { status: 'waiting_approval', approvalId: approval.id },
          },
        ],
        async s => {
          await s.finishAttempt(run.id, step.id, attempt, {
            status: 'succeeded',
          });
          await s.updateStep(run.id, step.id, {
            status: 'waiting_approval',
            outputs: { approval_id: approval.id },
          });
        },
      );
      return;
    }
    if (!failure) {
      const outputs = redactor.redactValue({
        ...result!.outputs,
        ...(result!.exitCode !== undefined
          ? { exit_code: result!.exitCode }
          : {}),
      });
      await this.emit(
        run,
        redactor,
        [
          {
            type: 'step',
            stepId: step.id,
            data: { status: 'succeeded', attempt },
          },
        ],
        async s => {
          await s.finishAttempt(run.id, step.id, attempt, {
            status: 'succeeded',
            exitCode: result!.exitCode,
          });
          await s.updateStep(run.id, step.id, {
            status: 'succeeded',
            outputs,
            finishedAt: now(),
            error: undefined,
          });
        },
      );
      return;
    }
    const message = redactor.redact(failure.message);
    await store.finishAttempt(run.id, step.id, attempt, {
      status: 'failed',
      exitCode: failure.exitCode,
      error: message,
    });
    const failedAttempts = attempt - record.interruptions;
    const maxAttempts = step.retry?.attempts ?? 1;
    if (failedAttempts < maxAttempts) {
      const base = (step.retry?.delaySeconds ?? 0) * 1000;
      const delay =
        step.retry?.backoff === 'exponential'
          ? base * 2 ** (failedAttempts - 1)
          : base;
      await this.emit(
        run,
        redactor,
        [
          {
            type: 'step',
            stepId: step.id,
            data: {
              status: 'pending',
              retryIn: delay,
              attempt,
              error: message,
            },
          },
        ],
        async s => {
          await s.updateStep(run.id, step.id, {
            status: 'pending',
            notBefore: Date.now() + delay,
            error: message,
          });
        },
      );
      return;
    }
    const outputs = redactor.redactValue({
      ...(failure.outputs ?? {}),
      ...(failure.exitCode !== undefined
        ? { exit_code: failure.exitCode }
        : {}),
    });
    await this.emit(
      run,
      redactor,
      [
        {
          type: 'step',
          stepId: step.id,
          data: { status: 'failed', error: message, attempt },
        },
      ],
      async s => {
        await s.updateStep(run.id, step.id, {
          status: 'failed',
          error: step.continueOnFailure ? 'continued' : message,
          reason: step.continueOnFailure
            ? `failed, run continues (continueOnFailure): ${message}`
            : undefined,
          outputs,
          finishedAt: now(),
        });
      },
    );
  }

  private async runSubWorkflow(
    parent: RunRecord,
    step: WorkflowStep,
    request: {
      provider?: string;
      workflow: string;
      variables: Record<string, string>;
    },
    signal: AbortSignal,
  ): Promise<{ status: string; outputs: Record<string, unknown> }> {
    const definition = await this.resolveWorkflow?.(
      request.provider,
      request.workflow,
    );
    if (definition === undefined) {
      throw new StepFailedError(
        `sub-workflow ${request.provider ? `${request.provider}/` : ''}${
          request.workflow
        } was not found`,
      );
    }
    const child = await this.submit({
      definition: definition.text,
      file: definition.file,
      workflowRef: `${request.provider ?? ''}/${request.workflow}`,
      tenant: parent.tenant,
      createdBy: parent.createdBy,
      context: {
        variables: request.variables,
        application: parent.context.application,
      },
      profile: parent.profile as SecurityProfile,
      parentRunId: parent.id,
      parentStepId: step.id,
      depth: parent.depth + 1,
    });
    const onAbort = () => this.cancel(child.id).catch(() => undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const done = await this.waitFor(child.id);
      const steps = await this.options.store.getSteps(child.id);
      const outputs = Object.fromEntries(steps.map(s => [s.stepId, s.outputs]));
      if (done.status !== 'succeeded') {
        throw new StepFailedError(
          `sub-workflow run ${child.id} ${done.status}: ${done.error ?? ''}`,
          undefined,
          { run_id: child.id },
        );
      }
      return {
        status: done.status,
        outputs: { run_id: child.id, steps: outputs },
      };
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** Finds the provider workflow for a resource type (set by the deployments domain). */
  resolveResource?: (
    type: string,
    resourceClass?: string,
  ) => { provider: string; workflow: string };

  /** Finds provider workflows for `type: workflow` steps (set by the providers domain). */
  resolveWorkflow?: (
    provider: string | undefined,
    workflow: string,
  ) => Promise<{ text: string; file?: string } | undefined>;

  private async onApprovalDecided(approval: Approval): Promise<void> {
    if (approval.subject.kind !== 'run_step' || !approval.runId) return;
    if (!approval.stepId) return;
    const run = await this.options.store.getRun(approval.runId);
    if (!run) return;
    const approved = approval.status === 'approved';
    const step = (await this.options.store.getSteps(run.id)).find(
      s => s.stepId === approval.stepId,
    );
    if (!step || step.status !== 'waiting_approval') return;
    await this.options.store.updateStep(run.id, step.stepId, {
      status: approved ? 'succeeded' : 'failed',
      outputs: {
        approval_id: approval.id,
        decision: approval.status,
        decided_by: approval.decidedBy,
        reason: approval.reason ?? null,
      },
      error: approved ? undefined : whyNotApproved(approval),
      finishedAt: now(),
    });
    await this.options.store.updateRun(run.id, { status: 'pending' });
    await this.options.store.appendEvents(run, [
      {
        type: 'step',
        stepId: step.stepId,
        data: {
          status: approved ? 'succeeded' : 'failed',
          decision: approval.status,
          by: approval.decidedBy,
        },
      },
    ]);
    this.options.onEvents?.(run.id);
    this.wake?.();
  }

  private async finishRun(
    run: RunRecord,
    status: RunStatus,
    error?: string,
  ): Promise<void> {
    await this.options.store.inTransaction(async store => {
      await store.updateRun(run.id, { status, error, finishedAt: now() });
      await store.appendEvents(run, [
        { type: 'run', data: { status, ...(error ? { error } : {}) } },
      ]);
    });
    this.options.onEvents?.(run.id);
    if (TERMINAL_RUN_STATUSES.includes(status)) {
      this.announce(
        { ...run, status, error },
        status as 'succeeded' | 'failed' | 'cancelled',
      );
    }
  }

  /** Appends events, together with the state `writes` they report, in one transaction. */
  private async emit(
    run: RunRecord,
    redactor: Redactor,
    events: Array<{
      type: 'run' | 'step' | 'log';
      stepId?: string;
      data: Record<string, unknown>;
    }>,
    writes?: (store: RunStore) => Promise<void>,
  ): Promise<void> {
    const redacted = events.map(e => ({
      ...e,
      data: redactor.redactValue(e.data),
    }));
    if (writes) {
      await this.options.store.inTransaction(async store => {
        await writes(store);
        await store.appendEvents(run, redacted);
      });
    } else {
      await this.options.store.appendEvents(run, redacted);
    }
    this.options.onEvents?.(run.id);
  }
}

/** The error of an approval step whose request was denied or expired. */
function whyNotApproved(approval: Approval): string {
  if (approval.status === 'expired') {
    return `approval ${approval.id} expired before anyone decided it`;
  }
  const reason = approval.reason ? `: ${approval.reason}` : '';
  return `denied by ${approval.decidedBy}${reason}`;
}

function isContinueOnFailure(step?: WorkflowStep): boolean {
  return step?.continueOnFailure === true;
}

export type { StepStatus };
