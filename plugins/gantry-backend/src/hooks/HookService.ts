import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  Hook,
  HookRun,
  HookRunDetail,
  PlatformEvent,
} from '@internal/plugin-gantry-common';
import { StepExecutorRegistry } from '@internal/plugin-gantry-node';
import { Approval, ApprovalService } from '../approvals/ApprovalService';
import { AuditService } from '../audit/AuditService';
import { WorkflowEngine } from '../engine/WorkflowEngine';
import { RunRecord, RunStore, TERMINAL_RUN_STATUSES } from '../runs/types';
import { ActionEndpoint, runActions } from './actions';
import { PlatformEventService } from './events/PlatformEventService';
import { HookDefinition, HookStore } from './HookStore';
import { mapValues, matchesFilter } from './schema';

/**
 * Tenants' hooks: each new platform event runs the tenant's enabled hooks
 * whose trigger and filter match it, at most once per hook and event. A
 * risky hook's run waits as `pending_approval` in the one approval inbox;
 * the rest start at once, either a provider workflow through the engine or
 * inline actions through the engine's executors.
 */
export class HookService {
  /** Action runs in flight, so tests and shutdown can wait for them. */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly deps: {
      store: HookStore;
      platformEvents: PlatformEventService;
      engine: WorkflowEngine;
      runs: RunStore;
      approvals: ApprovalService;
      audit: AuditService;
      executors: StepExecutorRegistry;
      endpoints: Map<string, Map<string, ActionEndpoint>>;
      logger: LoggerService;
    },
  ) {
    deps.platformEvents.onEvent(event => this.dispatch(event));
    deps.approvals.onDecided(approval => this.onApprovalDecided(approval));
    deps.engine.onRunStatus(async (run, status) => {
      if (status !== 'running') await this.onRunFinished(run);
    });
  }

  list(tenant: string) {
    return this.deps.store.list(tenant);
  }

  async require(tenant: string, id: string): Promise<Hook> {
    const hook = await this.deps.store.get(tenant, id);
    if (!hook) throw new NotFoundError(`hook ${id} does not exist`);
    return hook;
  }

  async create(tenant: string, hook: HookDefinition, by: string) {
    if ((await this.deps.store.list(tenant)).some(h => h.name === hook.name))
      throw new ConflictError(`hook ${hook.name} already exists`);
    return this.deps.store.create(tenant, hook, by);
  }

  async update(tenant: string, id: string, hook: HookDefinition, by: string) {
    const previous = await this.require(tenant, id);
    const clash = (await this.deps.store.list(tenant)).find(
      h => h.name === hook.name && h.id !== id,
    );
    if (clash) throw new ConflictError(`hook ${hook.name} already exists`);
    return {
      previous,
      hook: await this.deps.store.update(tenant, id, hook, by),
    };
  }

  async setEnabled(tenant: string, id: string, enabled: boolean, by: string) {
    const previous = await this.require(tenant, id);
    const hook = await this.deps.store.update(
      tenant,
      id,
      { ...previous, enabled },
      by,
    );
    return { previous, hook };
  }

  listRuns(filter: Parameters<HookStore['listRuns']>[0]) {
    return this.deps.store.listRuns(filter);
  }

  async getRun(id: string): Promise<HookRunDetail | undefined> {
    const run = await this.deps.store.getRun(id);
    return run && { ...run, events: await this.deps.store.events(id) };
  }

  /**
   * Fails inline-action runs whose replica stopped mid-way (actions time out
   * after 30 s each, so nothing legitimate runs this long); their actions
   * may have partly happened, so they are not run again.
   */
  async failInterrupted(olderThanMs = 15 * 60_000): Promise<number> {
    const stuck = await this.deps.store.stuckRuns(
      new Date(Date.now() - olderThanMs),
    );
    let failed = 0;
    for (const run of stuck) {
      const moved = await this.deps.store.transition(run, ['running'], {
        status: 'failed',
        error: 'interrupted: the replica running its actions stopped',
      });
      if (moved) failed += 1;
    }
    return failed;
  }

  /** Resolves once every action run started so far has finished. */
  async settled(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  /** Runs the tenant's matching hooks for a new event. */
  async dispatch(event: PlatformEvent): Promise<void> {
    const hooks = await this.deps.store.triggeredBy(event.tenant, event.type);
    for (const hook of hooks) {
      try {
        await this.trigger(hook, event);
      } catch (error) {
        this.deps.logger.error(
          `hook ${hook.name} on event ${event.id}: ${error}`,
        );
      }
    }
  }

  private async trigger(hook: Hook, event: PlatformEvent): Promise<void> {
    if (!matchesFilter(hook.trigger.filter, event)) return;
    // a hook never reacts to what its own run of the causing event did
    if (
      event.correlationId &&
      (await this.deps.store.ranFor(hook.id, event.correlationId))
    ) {
      return;
    }
    const run = await this.deps.store.createRun(
      hook,
      event,
      hook.risky ? 'pending_approval' : 'running',
    );
    if (!run) return;
    if (!hook.risky) {
      await this.start(hook, run, event);
      return;
    }
    const approval = await this.deps.approvals.request({
      tenant: hook.tenant,
      subject: { kind: 'hook_run', id: run.id },
      message: `Hook ${hook.name} wants to run for ${event.type} ${event.id}`,
      approvers: hook.approvers,
      requiredApprovals: hook.requiredApprovals,
      requestedBy: `hook:${hook.name}`,
    });
    await this.deps.store.setApproval(run.id, approval.id);
  }

  /** Starts a running hook run: its workflow, or its actions in the background. */
  private async start(hook: Hook, run: HookRun, event: PlatformEvent) {
    const { store, engine } = this.deps;
    try {
      if (hook.workflow) {
        const source = await engine.resolveWorkflow?.(
          hook.workflow.provider,
          hook.workflow.workflow,
        );
        if (!source) {
          throw new Error(
            `workflow ${hook.workflow.provider}/${hook.workflow.workflow} is not available`,
          );
        }
        const started = await engine.submit({
          definition: source.text,
          file: source.file,
          workflowRef: `${hook.workflow.provider}/${hook.workflow.workflow}`,
          tenant: hook.tenant,
          createdBy: hook.updatedBy,
          correlationId: event.id,
          context: {
            inputs: mapValues(hook.workflow.inputs, event),
            variables: {},
          },
        });
        await store.transition(run, ['running'], {
          status: 'running',
          runId: started.id,
        });
        // the run may have finished before it was linked to the hook run
        const latest = await this.deps.runs.getRun(started.id);
        if (latest && TERMINAL_RUN_STATUSES.includes(latest.status))
          await this.onRunFinished(latest);
        return;
      }
      const actions = (hook.actions ?? []).map(a => ({
        type: a.type,
        params: mapValues(a.with, event),
      }));
      const done = this.runInline(hook, run, event, actions);
      this.inFlight.add(done);
      done.finally(() => this.inFlight.delete(done));
    } catch (error) {
      await store.transition(run, ['running'], {
        status: 'failed',
        error: (error as Error).message,
      });
    }
  }

  private async runInline(
    hook: Hook,
    run: HookRun,
    event: PlatformEvent,
    actions: Parameters<typeof runActions>[0]['actions'],
  ): Promise<void> {
    const { store } = this.deps;
    const results = await runActions({
      executors: this.deps.executors,
      endpoints: this.deps.endpoints.get(hook.tenant),
      allowedOutboundDomains: this.deps.engine.policy.allowedOutboundDomains,
      hookRunId: run.id,
      tenant: hook.tenant,
      event,
      actions,
      log: (action, line) => {
        store
          .appendEvent(run.tenant, run.id, 'log', { action, line })
          .catch(() => undefined);
      },
    });
    for (const result of results) {
      await store.appendEvent(run.tenant, run.id, 'action', { ...result });
    }
    const failed = results.find(r => r.status === 'failed');
    await store.transition(run, ['running'], {
      status: failed ? 'failed' : 'succeeded',
      results,
      error: failed && `${failed.action}: ${failed.error}`,
    });
  }

  /** A decided approval of a hook run: run it, or record the denial. */
  private async onApprovalDecided(approval: Approval): Promise<void> {
    if (approval.subject.kind !== 'hook_run') return;
    const run = await this.deps.store.getRun(approval.subject.id);
    if (!run || run.status !== 'pending_approval') return;
    const approved = approval.status === 'approved';
    const moved = await this.deps.store.transition(run, ['pending_approval'], {
      status: approved ? 'running' : 'denied',
      approvalId: approval.id,
      error: approved
        ? undefined
        : `${approval.status} by ${approval.decidedBy}${
            approval.reason ? `: ${approval.reason}` : ''
          }`,
    });
    if (!moved) return;
    await this.deps.audit.record({
      tenant: run.tenant,
      actor: approval.decidedBy ?? 'gantry',
      action: approved ? 'hook_run.approved' : 'hook_run.denied',
      target: run.id,
      oldValue: { status: run.status },
      newValue: { status: approved ? 'running' : 'denied' },
      details: {
        correlationId: run.correlationId,
        approvalId: approval.id,
        hook: run.hookName,
        eventId: run.eventId,
        reason: approval.reason,
      },
    });
    if (!approved) return;
    const hook = await this.deps.store.byId(run.hookId);
    const event = await this.deps.platformEvents.get(run.eventId);
    if (!hook || !event) {
      await this.deps.store.transition(run, ['running'], {
        status: 'failed',
        error: 'the hook or its event no longer exists',
      });
      return;
    }
    await this.start(hook, { ...run, status: 'running' }, event);
  }

  /** A hook's workflow run finished: so did the hook run. */
  private async onRunFinished(record: RunRecord): Promise<void> {
    const run = await this.deps.store.runFor('run_id', record.id);
    if (!run) return;
    await this.deps.store.transition(run, ['running'], {
      status: record.status === 'succeeded' ? 'succeeded' : 'failed',
      results: [
        {
          action: `workflow ${record.workflowRef ?? record.workflowName}`,
          status: record.status === 'succeeded' ? 'succeeded' : 'failed',
          outputs: { runId: record.id, status: record.status },
          ...(record.error ? { error: record.error } : {}),
        },
      ],
      error:
        record.status === 'succeeded'
          ? undefined
          : record.error ?? record.status,
    });
  }
}
