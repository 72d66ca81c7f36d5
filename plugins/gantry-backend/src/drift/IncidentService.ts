import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import {
  Approval,
  DriftCheck,
  DriftIncident,
  DriftPolicy,
  DriftResolution,
  DriftSeverity,
  DriftSummary,
  INCIDENT_STATES,
  IncidentAction,
  IncidentState,
  IncidentTransition,
} from '@internal/plugin-gantry-common';
import { Knex } from 'knex';
import { ApprovalService } from '../approvals/ApprovalService';
import { pageOf, toIsoTimestamp } from '../database/rows';
import { Environment } from '../environments/EnvironmentService';
import { newTimeOrderedId } from '../runs/ids';
import { DriftPolicies } from './policies';

/** What an action needs besides its name. */
export interface ActionParams {
  resolution?: DriftResolution;
  hours?: number;
  owner?: string;
  ticketRef?: string;
  note?: string;
}

/**
 * The lifecycle: an incident moves forward one state at a time, except that
 * reconciling may skip STABILIZED; CLOSED is final. extend_ttl keeps the state.
 */
const TRANSITIONS: Record<
  IncidentAction,
  { from: IncidentState[]; to?: IncidentState }
> = {
  acknowledge: { from: ['DETECTED'], to: 'ACKNOWLEDGED' },
  stabilize: { from: ['ACKNOWLEDGED'], to: 'STABILIZED' },
  reconcile: { from: ['ACKNOWLEDGED', 'STABILIZED'], to: 'RECONCILED' },
  close: { from: ['RECONCILED'], to: 'CLOSED' },
  extend_ttl: {
    from: ['DETECTED', 'ACKNOWLEDGED', 'STABILIZED', 'RECONCILED'],
  },
};

/** Drift still unresolved: these states block promotions when the policy says so. */
export const ACTIVE_STATES: IncidentState[] = [
  'DETECTED',
  'ACKNOWLEDGED',
  'STABILIZED',
];

const HOUR = 3_600_000;

function toIncident(row: any, environmentName: string): DriftIncident {
  const expiresAt = toIsoTimestamp(row.expires_at)!;
  const pending = row.pending_action ? JSON.parse(row.pending_action) : null;
  return {
    id: row.id,
    tenant: row.tenant,
    environmentId: row.environment_id,
    environmentName,
    state: row.state,
    severity: row.severity,
    title: row.title,
    owner: row.owner ?? undefined,
    ticketRef: row.ticket_ref ?? undefined,
    affectedWorkflows: JSON.parse(row.affected_workflows),
    drift: JSON.parse(row.drift),
    checkId: row.check_id,
    resolution: row.resolution ?? undefined,
    resolutionNote: row.resolution_note ?? undefined,
    expiresAt,
    expired:
      ACTIVE_STATES.includes(row.state) && Date.parse(expiresAt) < Date.now(),
    slaWarnedAt: toIsoTimestamp(row.sla_warned_at),
    pendingApproval: pending
      ? { id: pending.approvalId, action: pending.action }
      : undefined,
    history: JSON.parse(row.history),
    detectedAt: toIsoTimestamp(row.detected_at)!,
    updatedAt: toIsoTimestamp(row.updated_at)!,
    closedAt: toIsoTimestamp(row.closed_at),
  };
}

/**
 * Drift incidents (PRD 3.6.2): opened by drift checks, moved through their
 * lifecycle by people (or by approvals of their actions), expired by the
 * scheduler. Reconciling executes the chosen resolution through the
 * `reconcile` callback (the drift service) before the state changes, so an
 * incident never claims a resolution that did not happen.
 */
export class IncidentService {
  constructor(
    private readonly deps: {
      db: Knex;
      policies: DriftPolicies;
      approvals: ApprovalService;
      logger: LoggerService;
      environmentName: (tenant: string, id: string) => Promise<string>;
      reconcile: (
        incident: DriftIncident,
        resolution: DriftResolution,
        actor: string,
      ) => Promise<string>;
      publish?: (
        type: string,
        tenant: string,
        payload: Record<string, unknown>,
      ) => void;
    },
  ) {
    deps.approvals.onDecided(approval => this.onApprovalDecided(approval));
  }

  private async map(row: any): Promise<DriftIncident> {
    return toIncident(
      row,
      await this.deps.environmentName(row.tenant, row.environment_id),
    );
  }

  async get(tenant: string, id: string): Promise<DriftIncident | undefined> {
    const row = await this.deps
      .db('drift_incidents')
      .where({ tenant, id })
      .first();
    return row ? this.map(row) : undefined;
  }

  async list(
    tenant: string,
    filter: {
      state?: IncidentState | 'open';
      severity?: DriftSeverity;
      environmentId?: string;
    },
    page: { limit: number; cursor?: string },
  ): Promise<{ items: DriftIncident[]; nextCursor?: string }> {
    const rows = await this.deps
      .db('drift_incidents')
      .where({ tenant })
      .modify(q => {
        if (filter.state === 'open') q.whereNot({ state: 'CLOSED' });
        else if (filter.state) q.where({ state: filter.state });
        if (filter.severity) q.where({ severity: filter.severity });
        if (filter.environmentId)
          q.where({ environment_id: filter.environmentId });
        if (page.cursor) q.where('id', '<', page.cursor);
      })
      .orderBy('id', 'desc')
      .limit(page.limit + 1);
    const found = pageOf(
      rows,
      page.limit,
      (r: any) => r,
      r => r.id as string,
    );
    return {
      items: await Promise.all(found.items.map(r => this.map(r))),
      nextCursor: found.nextCursor,
    };
  }

  /** Assigns an owner or a ticket reference, in any state but CLOSED. */
  async assign(
    incident: DriftIncident,
    patch: { owner?: string; ticketRef?: string },
  ): Promise<DriftIncident> {
    if (incident.state === 'CLOSED') {
      throw new ConflictError(`incident ${incident.id} is closed`);
    }
    await this.deps
      .db('drift_incidents')
      .where({ id: incident.id })
      .update({
        owner: patch.owner ?? incident.owner ?? null,
        ticket_ref: patch.ticketRef ?? incident.ticketRef ?? null,
        updated_at: new Date(),
      });
    return (await this.get(incident.tenant, incident.id))!;
  }

  /** The incident of an environment still open (not closed), if any. */
  private async openRow(environmentId: string) {
    return this.deps
      .db('drift_incidents')
      .where({ environment_id: environmentId })
      .whereNot({ state: 'CLOSED' })
      .orderBy('id', 'desc')
      .first();
  }

  /**
   * Opens an incident for a check that found drift, or brings the
   * environment's open one up to date with it (one incident per drift).
   */
  async record(
    env: Environment,
    check: DriftCheck,
    policy: DriftPolicy,
  ): Promise<DriftIncident> {
    const now = new Date();
    const affected = check.drifted.map(d => d.name);
    const open = await this.openRow(env.id);
    if (open && open.state !== 'RECONCILED') {
      const history: IncidentTransition[] = JSON.parse(open.history);
      const before: string[] = JSON.parse(open.affected_workflows);
      if (before.join() !== affected.join()) {
        history.push({
          at: now.toISOString(),
          actor: check.checkedBy,
          action: 'detect',
          from: open.state,
          to: open.state,
          note: `drift now in ${affected.join(', ')}`,
        });
      }
      await this.deps
        .db('drift_incidents')
        .where({ id: open.id })
        .update({
          affected_workflows: JSON.stringify(affected),
          drift: JSON.stringify(check.drifted),
          check_id: check.id,
          history: JSON.stringify(history),
          updated_at: now,
        });
      return (await this.get(env.tenant, open.id))!;
    }
    const severity = policy.severityByClass[env.class];
    const id = newTimeOrderedId('inc_');
    await this.deps.db('drift_incidents').insert({
      id,
      tenant: env.tenant,
      environment_id: env.id,
      state: 'DETECTED',
      severity,
      title: `Drift in ${env.name}: ${affected.join(', ')}`,
      affected_workflows: JSON.stringify(affected),
      drift: JSON.stringify(check.drifted),
      check_id: check.id,
      expires_at: new Date(now.getTime() + policy.ttlHours[severity] * HOUR),
      history: JSON.stringify([
        {
          at: now.toISOString(),
          actor: check.checkedBy,
          action: 'detect',
          to: 'DETECTED',
          note: `${check.drifted.length} workflow(s) differ`,
        },
      ]),
      detected_at: now,
      updated_at: now,
    });
    const incident = (await this.get(env.tenant, id))!;
    this.deps.publish?.('drift.incident.created', env.tenant, {
      incidentId: id,
      environment: env.name,
      severity,
      affectedWorkflows: affected,
    });
    return incident;
  }

  /** Refuses an action the incident's state does not allow, saying why. */
  private assertAllowed(incident: DriftIncident, action: IncidentAction) {
    const rule = TRANSITIONS[action];
    if (rule.from.includes(incident.state)) return;
    const hint =
      incident.state === 'CLOSED'
        ? 'a closed incident is final'
        : `${action} needs the incident in ${rule.from.join(' or ')}`;
    throw new ConflictError(
      `cannot ${action} incident ${incident.id} in state ${incident.state}: ${hint}`,
    );
  }

  /**
   * Carries out an action, or asks for its approval first when the tenant's
   * policy lists it (then answers with the pending approval).
   */
  async act(
    incident: DriftIncident,
    action: IncidentAction,
    params: ActionParams,
    actor: string,
  ): Promise<{ incident: DriftIncident; approval?: Approval }> {
    this.assertAllowed(incident, action);
    if (action === 'reconcile' && !params.resolution) {
      throw new InputError(
        'reconcile needs a resolution: promote, revert, replace or acknowledge',
      );
    }
    if (action === 'extend_ttl' && !params.hours) {
      throw new InputError('extend_ttl needs hours');
    }
    const policy = await this.deps.policies.get(incident.tenant);
    if (!policy.approvals.actions.includes(action)) {
      return { incident: await this.perform(incident, action, params, actor) };
    }
    if (incident.pendingApproval) {
      throw new ConflictError(
        `incident ${incident.id} already waits for approval ${incident.pendingApproval.id} (${incident.pendingApproval.action})`,
      );
    }
    const approval = await this.deps.approvals.request({
      tenant: incident.tenant,
      subject: { kind: 'drift_action', id: `${incident.id}/${action}` },
      message: `${action.replace('_', ' ')} drift incident "${incident.title}"${
        params.resolution ? ` by ${params.resolution}` : ''
      }${params.hours ? ` by ${params.hours} h` : ''}?`,
      approvers: policy.approvals.approvers,
      requiredApprovals: policy.approvals.requiredApprovals,
      requestedBy: actor,
    });
    await this.deps
      .db('drift_incidents')
      .where({ id: incident.id })
      .update({
        pending_action: JSON.stringify({
          approvalId: approval.id,
          action,
          params,
          requestedBy: actor,
        }),
        updated_at: new Date(),
      });
    return {
      incident: (await this.get(incident.tenant, incident.id))!,
      approval,
    };
  }

  private async perform(
    incident: DriftIncident,
    action: IncidentAction,
    params: ActionParams,
    actor: string,
  ): Promise<DriftIncident> {
    this.assertAllowed(incident, action);
    const now = new Date();
    const update: Record<string, unknown> = {
      pending_action: null,
      updated_at: now,
    };
    let note = params.note;
    if (action === 'reconcile') {
      const done = await this.deps.reconcile(
        incident,
        params.resolution!,
        actor,
      );
      note = [done, params.note].filter(Boolean).join('; ');
      update.resolution = params.resolution;
      update.resolution_note = note;
    }
    if (action === 'extend_ttl') {
      const from = Math.max(Date.parse(incident.expiresAt), now.getTime());
      update.expires_at = new Date(from + params.hours! * HOUR);
      update.sla_warned_at = null;
      update.expired_at = null;
      note = [`extended by ${params.hours} h`, params.note]
        .filter(Boolean)
        .join('; ');
    }
    if (action === 'acknowledge') {
      update.owner = params.owner ?? incident.owner ?? actor;
      if (params.ticketRef) update.ticket_ref = params.ticketRef;
    } else if (params.ticketRef) update.ticket_ref = params.ticketRef;
    if (params.owner && action !== 'acknowledge') update.owner = params.owner;
    const to = TRANSITIONS[action].to ?? incident.state;
    update.state = to;
    if (to === 'CLOSED') update.closed_at = now;
    update.history = JSON.stringify([
      ...incident.history,
      { at: now.toISOString(), actor, action, from: incident.state, to, note },
    ]);
    // the state guard makes two concurrent transitions safe: one wins
    const changed = await this.deps
      .db('drift_incidents')
      .where({ id: incident.id, state: incident.state })
      .update(update);
    if (!changed) {
      throw new ConflictError(
        `incident ${incident.id} changed meanwhile; reload it`,
      );
    }
    const after = (await this.get(incident.tenant, incident.id))!;
    this.deps.publish?.('drift.incident.updated', incident.tenant, {
      incidentId: incident.id,
      environment: incident.environmentName,
      action,
      from: incident.state,
      to,
      status: to,
      resolution: params.resolution,
    });
    if (action === 'reconcile') {
      this.deps.publish?.('drift.resolved', incident.tenant, {
        incidentId: incident.id,
        environment: incident.environmentName,
        workflows: incident.affectedWorkflows,
        resolution: params.resolution,
      });
    }
    return after;
  }

  private async onApprovalDecided(approval: Approval): Promise<void> {
    if (approval.subject.kind !== 'drift_action') return;
    const [id] = approval.subject.id.split('/');
    const row = await this.deps
      .db('drift_incidents')
      .where({ id, tenant: approval.tenant })
      .first();
    const pending = row?.pending_action && JSON.parse(row.pending_action);
    if (!pending || pending.approvalId !== approval.id) return;
    const incident = await this.map(row);
    if (approval.status !== 'approved') {
      await this.deps
        .db('drift_incidents')
        .where({ id })
        .update({
          pending_action: null,
          history: JSON.stringify([
            ...incident.history,
            {
              at: new Date().toISOString(),
              actor: approval.decidedBy ?? 'gantry',
              action: pending.action,
              from: incident.state,
              to: incident.state,
              note: `${approval.status}: not carried out`,
            },
          ]),
          updated_at: new Date(),
        });
      return;
    }
    try {
      await this.perform(
        incident,
        pending.action,
        pending.params,
        approval.decidedBy ?? pending.requestedBy,
      );
    } catch (error) {
      this.deps.logger.error(
        `approved ${pending.action} of incident ${id} failed: ${error}`,
      );
      await this.deps
        .db('drift_incidents')
        .where({ id })
        .update({
          pending_action: null,
          resolution_note: `approved ${pending.action} failed: ${
            (error as Error).message
          }`,
        });
    }
  }

  /**
   * The scheduler's pass: warns once about incidents close to their
   * deadline and marks those past it expired (they keep their state).
   */
  async expireDue(
    now = new Date(),
  ): Promise<{ warned: number; expired: number }> {
    const rows = await this.deps
      .db('drift_incidents')
      .whereIn('state', ACTIVE_STATES)
      .andWhere(q => q.whereNull('expired_at').orWhereNull('sla_warned_at'));
    let warned = 0;
    let expired = 0;
    for (const row of rows) {
      const expiresAt = Date.parse(toIsoTimestamp(row.expires_at)!);
      const policy = await this.deps.policies.get(row.tenant);
      const history: IncidentTransition[] = JSON.parse(row.history);
      if (expiresAt <= now.getTime() && !row.expired_at) {
        history.push({
          at: now.toISOString(),
          actor: 'gantry',
          action: 'expire',
          from: row.state,
          to: row.state,
          note: 'past its TTL',
        });
        await this.deps
          .db('drift_incidents')
          .where({ id: row.id })
          .update({
            expired_at: now,
            sla_warned_at: row.sla_warned_at ?? now,
            history: JSON.stringify(history),
          });
        this.deps.publish?.('drift.incident.expired', row.tenant, {
          incidentId: row.id,
          environment: await this.deps.environmentName(
            row.tenant,
            row.environment_id,
          ),
          owner: row.owner,
        });
        expired++;
      } else if (
        !row.sla_warned_at &&
        expiresAt - policy.slaWarningHours * HOUR <= now.getTime()
      ) {
        await this.deps
          .db('drift_incidents')
          .where({ id: row.id })
          .update({ sla_warned_at: now });
        this.deps.publish?.('drift.incident.expiring', row.tenant, {
          incidentId: row.id,
          environment: await this.deps.environmentName(
            row.tenant,
            row.environment_id,
          ),
          owner: row.owner,
          expiresAt: new Date(expiresAt).toISOString(),
        });
        warned++;
      }
    }
    return { warned, expired };
  }

  /** Why a promotion into `env` is blocked by its drift incidents, per policy. */
  async promotionBlockers(
    env: Environment,
    policy: DriftPolicy,
  ): Promise<string[]> {
    const rows = await this.deps
      .db('drift_incidents')
      .where({ environment_id: env.id })
      .whereIn('state', ACTIVE_STATES);
    const problems: string[] = [];
    for (const row of rows) {
      const isExpired =
        Date.parse(toIsoTimestamp(row.expires_at)!) <= Date.now();
      if (isExpired && policy.blockPromotionsOnExpiredIncidents) {
        problems.push(
          `drift incident ${row.id} in ${env.name} is past its TTL (${row.state})`,
        );
      } else if (policy.blockPromotionsOnActiveDrift) {
        problems.push(
          `drift incident ${row.id} in ${env.name} is unresolved (${row.state})`,
        );
      }
    }
    return problems;
  }

  async summary(tenant: string): Promise<Omit<DriftSummary, 'lastChecks'>> {
    const rows = await this.deps
      .db('drift_incidents')
      .where({ tenant })
      .select('state', 'severity', 'detected_at', 'expires_at');
    const now = Date.now();
    const summary: Omit<DriftSummary, 'lastChecks'> = {
      open: 0,
      expired: 0,
      bySeverity: { critical: 0, high: 0, medium: 0, low: 0 },
      byState: Object.fromEntries(INCIDENT_STATES.map(s => [s, 0])) as Record<
        IncidentState,
        number
      >,
      byAge: { under1h: 0, under24h: 0, under7d: 0, older: 0 },
    };
    for (const row of rows) {
      summary.byState[row.state as IncidentState]++;
      if (!ACTIVE_STATES.includes(row.state)) continue;
      summary.open++;
      summary.bySeverity[row.severity as DriftSeverity]++;
      if (Date.parse(toIsoTimestamp(row.expires_at)!) <= now) summary.expired++;
      const age = now - Date.parse(toIsoTimestamp(row.detected_at)!);
      if (age < HOUR) summary.byAge.under1h++;
      else if (age < 24 * HOUR) summary.byAge.under24h++;
      else if (age < 168 * HOUR) summary.byAge.under7d++;
      else summary.byAge.older++;
    }
    return summary;
  }

  /** Retention: closed incidents older than the tenant's policy allows. */
  async purgeClosed(tenant: string, days: number): Promise<number> {
    return this.deps
      .db('drift_incidents')
      .where({ tenant, state: 'CLOSED' })
      .andWhere('closed_at', '<', new Date(Date.now() - days * 24 * HOUR))
      .delete();
  }
}
