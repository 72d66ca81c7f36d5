import { Knex } from 'knex';
import { pageOf, toIsoTimestamp } from '../database/rows';
import {
  FinishedRun,
  FinishedRunCursor,
  NewRun,
  NewStep,
  RunEvent,
  RunFilter,
  RunPatch,
  RunRecord,
  RunStore,
  StepPatch,
  StepRecord,
  TERMINAL_RUN_STATUSES,
} from './types';

const CLAIMABLE = ['pending', 'running'];

const iso = toIsoTimestamp;

const num = (value: unknown) =>
  value === null || value === undefined ? undefined : Number(value);
const json = <T>(value: unknown, fallback: T): T =>
  typeof value === 'string' && value ? (JSON.parse(value) as T) : fallback;

function toRun(row: any): RunRecord {
  return {
    id: row.id,
    tenant: row.tenant,
    correlationId: row.correlation_id,
    workflowName: row.workflow_name,
    workflowRef: row.workflow_ref ?? undefined,
    definition: row.definition,
    context: json(row.context, { inputs: {}, variables: {} }),
    profile: row.profile,
    status: row.status,
    error: row.error ?? undefined,
    createdBy: row.created_by,
    parentRunId: row.parent_run_id ?? undefined,
    parentStepId: row.parent_step_id ?? undefined,
    depth: Number(row.depth),
    cancelRequested: Boolean(row.cancel_requested),
    createdAt: iso(row.created_at)!,
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
  };
}

function toStep(row: any): StepRecord {
  return {
    runId: row.run_id,
    stepId: row.step_id,
    position: Number(row.position),
    type: row.type,
    needs: json(row.needs, []),
    status: row.status,
    attempts: Number(row.attempts),
    interruptions: Number(row.interruptions),
    outputs: json(row.outputs, {}),
    error: row.error ?? undefined,
    reason: row.reason ?? undefined,
    notBefore: num(row.not_before),
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
  };
}

const date = (value?: string) =>
  value === undefined ? undefined : new Date(value);

function stepColumns(patch: StepPatch): Record<string, unknown> {
  const columns: Record<string, unknown> = {};
  if (patch.status !== undefined) columns.status = patch.status;
  if (patch.attempts !== undefined) columns.attempts = patch.attempts;
  if (patch.interruptions !== undefined)
    columns.interruptions = patch.interruptions;
  if (patch.outputs !== undefined)
    columns.outputs = JSON.stringify(patch.outputs);
  if ('error' in patch) columns.error = patch.error ?? null;
  if ('reason' in patch) columns.reason = patch.reason ?? null;
  if ('notBefore' in patch) columns.not_before = patch.notBefore ?? null;
  if ('startedAt' in patch) columns.started_at = date(patch.startedAt) ?? null;
  if ('finishedAt' in patch)
    columns.finished_at = date(patch.finishedAt) ?? null;
  return columns;
}

/** RunStore on knex: better-sqlite3 by default, PostgreSQL for scale-out. */
/** Key of the advisory lock PostgreSQL replicas claim runs under (any constant). */
const CLAIM_LOCK = 4_731_922;

export class DatabaseRunStore implements RunStore {
  private readonly isPostgres: boolean;

  constructor(private readonly db: Knex) {
    this.isPostgres = String(db.client.config.client).includes('pg');
  }

  /** Runs `fn` with a store whose writes commit together or not at all. */
  async inTransaction<T>(fn: (store: RunStore) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) return fn(this);
    return this.db.transaction(tx => fn(new DatabaseRunStore(tx)));
  }

  /**
   * SQLite: write-ahead logging lets readers go on while a worker writes, and
   * synchronous=NORMAL syncs at checkpoints instead of every commit (a crash
   * of the process loses nothing; a power cut may lose the last commits).
   */
  static async tuneSqlite(db: Knex): Promise<void> {
    if (!String(db.client.config.client).includes('sqlite')) return;
    const filename = (
      db.client.config.connection as { filename?: string } | undefined
    )?.filename;
    if (!filename || filename === ':memory:') return;
    await db.raw('PRAGMA journal_mode = WAL');
    await db.raw('PRAGMA synchronous = NORMAL');
  }

  async createRun(run: NewRun, steps: NewStep[]): Promise<RunRecord> {
    await this.db.transaction(async tx => {
      await tx('runs').insert({
        id: run.id,
        tenant: run.tenant,
        correlation_id: run.correlationId,
        workflow_name: run.workflowName,
        workflow_ref: run.workflowRef ?? null,
        definition: run.definition,
        context: JSON.stringify(run.context),
        profile: run.profile,
        status: 'pending',
        created_by: run.createdBy,
        parent_run_id: run.parentRunId ?? null,
        parent_step_id: run.parentStepId ?? null,
        depth: run.depth,
        created_at: new Date(),
      });
      // batches keep SQLite under its bound-variable limit
      const rows = steps.map(step => ({
        run_id: run.id,
        step_id: step.stepId,
        tenant: run.tenant,
        position: step.position,
        type: step.type,
        needs: JSON.stringify(step.needs),
        status: 'pending',
      }));
      for (let i = 0; i < rows.length; i += 50) {
        await tx('run_steps').insert(rows.slice(i, i + 50));
      }
      await tx('run_events').insert({
        run_id: run.id,
        tenant: run.tenant,
        type: 'run',
        data: JSON.stringify({ status: 'pending', workflow: run.workflowName }),
        created_at: new Date(),
      });
    });
    return (await this.getRun(run.id))!;
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    const row = await this.db('runs').where({ id }).first();
    return row ? toRun(row) : undefined;
  }

  async listRuns(
    filter: RunFilter,
  ): Promise<{ items: RunRecord[]; nextCursor?: string }> {
    const query = this.db('runs')
      .orderBy('id', 'desc')
      .limit(filter.limit + 1);
    if (filter.tenant) query.where('tenant', filter.tenant);
    if (filter.status) query.where('status', filter.status);
    if (filter.workflow) query.where('workflow_name', filter.workflow);
    if (filter.provider) {
      query.where('workflow_ref', 'like', `${filter.provider}/%`);
    }
    if (filter.parentRunId === null) query.whereNull('parent_run_id');
    else if (filter.parentRunId)
      query.where('parent_run_id', filter.parentRunId);
    if (filter.cursor) query.where('id', '<', filter.cursor);
    const rows = await query;
    return pageOf(rows, filter.limit, toRun, run => run.id);
  }

  async getSteps(runId: string): Promise<StepRecord[]> {
    const rows = await this.db('run_steps')
      .where({ run_id: runId })
      .orderBy('position');
    return rows.map(toStep);
  }

  async countRunning(db: Knex = this.db): Promise<number> {
    // claimed and leased: being executed, whatever status it shows yet
    const [{ count }] = await db('runs')
      .whereNotNull('claimed_by')
      .andWhere('claimed_until', '>', Date.now())
      .count({ count: '*' });
    return Number(count);
  }

  async claimNextRun(
    worker: string,
    leaseMs: number,
    globalLimit?: number,
  ): Promise<RunRecord | undefined> {
    const now = Date.now();
    const claimable = (q: Knex.QueryBuilder) =>
      q
        .whereIn('status', CLAIMABLE)
        .andWhere(b =>
          b.whereNull('claimed_until').orWhere('claimed_until', '<', now),
        );
    if (this.isPostgres) {
      const id = await this.db.transaction(async tx => {
        if (globalLimit !== undefined) {
          // replicas take turns to count and claim, so none overshoots the limit
          await tx.raw('select pg_advisory_xact_lock(?)', [CLAIM_LOCK]);
          if ((await this.countRunning(tx)) >= globalLimit) return undefined;
        }
        const row = await claimable(tx('runs').select('id'))
          .orderBy('id')
          .limit(1)
          .forUpdate()
          .skipLocked()
          .first();
        if (!row) return undefined;
        await tx('runs')
          .where({ id: row.id })
          .update({ claimed_by: worker, claimed_until: now + leaseMs });
        return row.id as string;
      });
      return id ? this.getRun(id) : undefined;
    }
    if (globalLimit !== undefined) {
      // SQLite has one writer at a time: count and claim in one transaction
      const id = await this.db
        .transaction(async tx => {
          if ((await this.countRunning(tx)) >= globalLimit) return undefined;
          const row = await claimable(tx('runs').select('id'))
            .orderBy('id')
            .first();
          if (!row) return undefined;
          await tx('runs')
            .where({ id: row.id })
            .update({ claimed_by: worker, claimed_until: now + leaseMs });
          return row.id as string;
        })
        .catch(() => undefined); // busy with another replica's claim: next round
      return id ? this.getRun(id) : undefined;
    }
    // SQLite: a conditional update is the claim; only one writer wins it
    const candidates = await claimable(this.db('runs').select('id'))
      .orderBy('id')
      .limit(5);
    for (const { id } of candidates) {
      const updated = await claimable(this.db('runs').where({ id })).update({
        claimed_by: worker,
        claimed_until: now + leaseMs,
      });
      if (updated === 1) return this.getRun(id);
    }
    return undefined;
  }

  async heartbeat(
    runId: string,
    worker: string,
    leaseMs: number,
  ): Promise<boolean> {
    const updated = await this.db('runs')
      .where({ id: runId, claimed_by: worker })
      .update({ claimed_until: Date.now() + leaseMs });
    return updated === 1;
  }

  async releaseRun(runId: string, worker: string): Promise<void> {
    await this.db('runs')
      .where({ id: runId, claimed_by: worker })
      .update({ claimed_by: null, claimed_until: null });
  }

  async markWaitingForApproval(runId: string): Promise<boolean> {
    // one statement: an approval decided in between cannot be overwritten
    const updated = await this.db('runs')
      .where({ id: runId })
      .whereExists(q =>
        q
          .select(this.db.raw('1'))
          .from('run_steps')
          .where({ run_id: runId, status: 'waiting_approval' }),
      )
      .update({ status: 'waiting_approval' });
    return updated === 1;
  }

  async updateRun(runId: string, patch: RunPatch): Promise<void> {
    const columns: Record<string, unknown> = {};
    if (patch.status !== undefined) columns.status = patch.status;
    if ('error' in patch) columns.error = patch.error ?? null;
    if (patch.cancelRequested !== undefined)
      columns.cancel_requested = patch.cancelRequested;
    if ('startedAt' in patch)
      columns.started_at = date(patch.startedAt) ?? null;
    if ('finishedAt' in patch)
      columns.finished_at = date(patch.finishedAt) ?? null;
    await this.db('runs').where({ id: runId }).update(columns);
  }

  async updateStep(
    runId: string,
    stepId: string,
    patch: StepPatch,
  ): Promise<void> {
    await this.db('run_steps')
      .where({ run_id: runId, step_id: stepId })
      .update(stepColumns(patch));
  }

  async startAttempt(
    run: RunRecord,
    stepId: string,
    attempt: number,
    worker: string,
  ): Promise<boolean> {
    try {
      await this.db('run_step_attempts').insert({
        run_id: run.id,
        step_id: stepId,
        tenant: run.tenant,
        attempt,
        worker,
        status: 'running',
        started_at: new Date(),
      });
      return true;
    } catch (error) {
      if (/unique|duplicate/i.test(String((error as Error).message)))
        return false;
      throw error;
    }
  }

  async finishAttempt(
    runId: string,
    stepId: string,
    attempt: number,
    result: { status: string; exitCode?: number; error?: string },
  ): Promise<void> {
    await this.db('run_step_attempts')
      .where({ run_id: runId, step_id: stepId, attempt })
      .update({
        status: result.status,
        exit_code: result.exitCode ?? null,
        error: result.error ?? null,
        finished_at: new Date(),
      });
  }

  async listAttempts(runId: string) {
    const rows = await this.db('run_step_attempts')
      .where({ run_id: runId })
      .orderBy('id');
    return rows.map(r => ({
      stepId: r.step_id as string,
      attempt: Number(r.attempt),
      worker: r.worker as string,
      status: r.status as string,
    }));
  }

  async appendEvents(
    run: Pick<RunRecord, 'id' | 'tenant'>,
    events: Array<Pick<RunEvent, 'type' | 'stepId' | 'data'>>,
  ): Promise<void> {
    if (events.length === 0) return;
    const rows = events.map(e => ({
      run_id: run.id,
      tenant: run.tenant,
      type: e.type,
      step_id: e.stepId ?? null,
      data: JSON.stringify(e.data),
      created_at: new Date(),
    }));
    for (let i = 0; i < rows.length; i += 100) {
      await this.db('run_events').insert(rows.slice(i, i + 100));
    }
  }

  async listEvents(
    runId: string,
    afterId: number,
    limit: number,
  ): Promise<RunEvent[]> {
    const rows = await this.db('run_events')
      .where({ run_id: runId })
      .andWhere('id', '>', afterId)
      .orderBy('id')
      .limit(limit);
    return rows.map(r => ({
      id: Number(r.id),
      runId: r.run_id,
      type: r.type,
      stepId: r.step_id ?? undefined,
      data: json(r.data, {}),
      createdAt: iso(r.created_at)!,
    }));
  }

  async finishedSince(
    after: FinishedRunCursor | undefined,
    limit: number,
    before?: string,
  ): Promise<FinishedRun[]> {
    const query = this.db('runs')
      .whereIn('status', TERMINAL_RUN_STATUSES)
      .whereNotNull('finished_at')
      .orderBy([
        { column: 'finished_at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ])
      .limit(limit)
      .select(
        'id',
        'tenant',
        'workflow_name',
        'workflow_ref',
        'status',
        'error',
        'started_at',
        'finished_at',
      );
    if (after) {
      const at = new Date(after.finishedAt);
      query.where(q =>
        q
          .where('finished_at', '>', at)
          .orWhere(same =>
            same.where('finished_at', at).where('id', '>', after.id),
          ),
      );
    }
    if (before) query.where('finished_at', '<', new Date(before));
    const rows = await query;
    return rows.map(r => ({
      id: r.id,
      tenant: r.tenant,
      workflowName: r.workflow_name,
      workflowRef: r.workflow_ref ?? undefined,
      status: r.status,
      error: r.error ?? undefined,
      startedAt: iso(r.started_at),
      finishedAt: iso(r.finished_at)!,
    }));
  }
}
