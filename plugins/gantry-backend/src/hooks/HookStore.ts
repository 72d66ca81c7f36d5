import {
  Hook,
  HookRun,
  HookRunEvent,
  HookRunResult,
  HookRunStatus,
} from '@internal/plugin-gantry-common';
import { Knex } from 'knex';
import { pageOf, toIsoTimestamp } from '../database/rows';
import { newTimeOrderedId } from '../runs/ids';

export type HookDefinition = Omit<
  Hook,
  'id' | 'tenant' | 'createdBy' | 'updatedBy' | 'createdAt' | 'updatedAt'
>;

function toHook(row: any): Hook {
  const target = JSON.parse(row.target);
  return {
    id: row.id,
    tenant: row.tenant,
    name: row.name,
    description: row.description ?? undefined,
    trigger: { event: row.event_type, filter: row.filter ?? undefined },
    workflow: target.workflow,
    actions: target.actions,
    enabled: Boolean(row.enabled),
    risky: Boolean(row.risky),
    approvers: JSON.parse(row.approvers),
    requiredApprovals: Number(row.required_approvals),
    createdBy: row.created_by,
    updatedBy: row.updated_by,
    createdAt: toIsoTimestamp(row.created_at)!,
    updatedAt: toIsoTimestamp(row.updated_at)!,
  };
}

function toRun(row: any): HookRun {
  return {
    id: row.id,
    tenant: row.tenant,
    hookId: row.hook_id,
    hookName: row.hook_name,
    eventId: row.event_id,
    eventType: row.event_type,
    correlationId: row.correlation_id,
    status: row.status,
    approvalId: row.approval_id ?? undefined,
    runId: row.run_id ?? undefined,
    results: row.results ? JSON.parse(row.results) : [],
    error: row.error ?? undefined,
    createdAt: toIsoTimestamp(row.created_at)!,
    startedAt: toIsoTimestamp(row.started_at),
    finishedAt: toIsoTimestamp(row.finished_at),
  };
}

const columns = (hook: HookDefinition) => ({
  name: hook.name,
  description: hook.description ?? null,
  event_type: hook.trigger.event,
  filter: hook.trigger.filter ?? null,
  target: JSON.stringify(
    hook.workflow ? { workflow: hook.workflow } : { actions: hook.actions },
  ),
  enabled: hook.enabled,
  risky: hook.risky,
  approvers: JSON.stringify(hook.approvers),
  required_approvals: hook.requiredApprovals,
});

/** The hooks, hook_runs and hook_run_events tables; nothing else reads them. */
export class HookStore {
  constructor(private readonly db: Knex) {}

  async create(tenant: string, hook: HookDefinition, by: string) {
    const id = newTimeOrderedId('hk_');
    const at = new Date();
    await this.db('hooks').insert({
      id,
      tenant,
      ...columns(hook),
      created_by: by,
      updated_by: by,
      created_at: at,
      updated_at: at,
    });
    return (await this.get(tenant, id))!;
  }

  async update(tenant: string, id: string, hook: HookDefinition, by: string) {
    await this.db('hooks')
      .where({ tenant, id })
      .update({ ...columns(hook), updated_by: by, updated_at: new Date() });
    return (await this.get(tenant, id))!;
  }

  async get(tenant: string, id: string): Promise<Hook | undefined> {
    const row = await this.db('hooks').where({ tenant, id }).first();
    return row && toHook(row);
  }

  async byId(id: string): Promise<Hook | undefined> {
    const row = await this.db('hooks').where({ id }).first();
    return row && toHook(row);
  }

  async list(tenant: string): Promise<Hook[]> {
    return (await this.db('hooks').where({ tenant }).orderBy('name')).map(
      toHook,
    );
  }

  /** Enabled hooks of a tenant listening for one event type. */
  async triggeredBy(tenant: string, eventType: string): Promise<Hook[]> {
    return (
      await this.db('hooks').where({
        tenant,
        event_type: eventType,
        enabled: true,
      })
    ).map(toHook);
  }

  /**
   * Records that `event` runs `hook`; undefined when it already did (a
   * redelivery or a second replica got there first).
   */
  async createRun(
    hook: Hook,
    event: { id: string; type: string },
    status: HookRunStatus,
  ): Promise<HookRun | undefined> {
    const id = newTimeOrderedId('hkr_');
    const at = new Date();
    const inserted = await this.db('hook_runs')
      .insert({
        id,
        tenant: hook.tenant,
        hook_id: hook.id,
        hook_name: hook.name,
        event_id: event.id,
        event_type: event.type,
        correlation_id: event.id,
        status,
        created_at: at,
        started_at: status === 'running' ? at : null,
      })
      .onConflict(['hook_id', 'event_id'])
      .ignore()
      .returning('id');
    if (inserted.length === 0) return undefined;
    await this.appendEvent(hook.tenant, id, 'status', { status });
    return (await this.getRun(id))!;
  }

  async ranFor(hookId: string, eventId: string): Promise<boolean> {
    return Boolean(
      await this.db('hook_runs')
        .where({ hook_id: hookId, event_id: eventId })
        .first('id'),
    );
  }

  /**
   * Moves a run on, only from `from` (so two replicas never both act on a
   * decision), and logs the change; false when it was no longer `from`.
   */
  async transition(
    run: HookRun,
    from: HookRunStatus[],
    patch: {
      status: HookRunStatus;
      approvalId?: string;
      runId?: string;
      results?: HookRunResult[];
      error?: string;
    },
  ): Promise<boolean> {
    const at = new Date();
    const terminal = !['pending_approval', 'running'].includes(patch.status);
    const updated = await this.db('hook_runs')
      .where({ id: run.id })
      .whereIn('status', from)
      .update({
        status: patch.status,
        ...(patch.approvalId ? { approval_id: patch.approvalId } : {}),
        ...(patch.runId ? { run_id: patch.runId } : {}),
        ...(patch.results ? { results: JSON.stringify(patch.results) } : {}),
        ...(patch.error ? { error: patch.error } : {}),
        ...(patch.status === 'running' ? { started_at: at } : {}),
        ...(terminal ? { finished_at: at } : {}),
      });
    if (updated !== 1) return false;
    await this.appendEvent(run.tenant, run.id, 'status', {
      status: patch.status,
      ...(patch.runId ? { runId: patch.runId } : {}),
      ...(patch.error ? { error: patch.error } : {}),
    });
    return true;
  }

  /** Inline-action runs started before `before` and still running. */
  async stuckRuns(before: Date): Promise<HookRun[]> {
    return (
      await this.db('hook_runs')
        .where({ status: 'running' })
        .whereNull('run_id')
        .where('started_at', '<', before)
        .limit(500)
    ).map(toRun);
  }

  async setApproval(runId: string, approvalId: string): Promise<void> {
    await this.db('hook_runs')
      .where({ id: runId })
      .update({ approval_id: approvalId });
  }

  async getRun(id: string): Promise<HookRun | undefined> {
    const row = await this.db('hook_runs').where({ id }).first();
    return row && toRun(row);
  }

  async runFor(field: 'run_id' | 'approval_id', value: string) {
    const row = await this.db('hook_runs')
      .where({ [field]: value })
      .first();
    return row ? toRun(row) : undefined;
  }

  /** A tenant's hook runs, newest first, with an id cursor. */
  async listRuns(filter: {
    tenant: string;
    hookId?: string;
    status?: HookRunStatus;
    limit: number;
    cursor?: string;
  }): Promise<{ items: HookRun[]; nextCursor?: string }> {
    const query = this.db('hook_runs')
      .where('tenant', filter.tenant)
      .orderBy('id', 'desc')
      .limit(filter.limit + 1);
    if (filter.hookId) query.where('hook_id', filter.hookId);
    if (filter.status) query.where('status', filter.status);
    if (filter.cursor) query.where('id', '<', filter.cursor);
    return pageOf(await query, filter.limit, toRun, r => r.id);
  }

  async appendEvent(
    tenant: string,
    hookRunId: string,
    type: HookRunEvent['type'],
    data: Record<string, unknown>,
  ): Promise<void> {
    await this.db('hook_run_events').insert({
      hook_run_id: hookRunId,
      tenant,
      type,
      data: JSON.stringify(data),
      created_at: new Date(),
    });
  }

  async events(hookRunId: string): Promise<HookRunEvent[]> {
    return (
      await this.db('hook_run_events')
        .where({ hook_run_id: hookRunId })
        .orderBy('id')
    ).map(row => ({
      id: Number(row.id),
      type: row.type,
      data: JSON.parse(row.data),
      createdAt: toIsoTimestamp(row.created_at)!,
    }));
  }
}
