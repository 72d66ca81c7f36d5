import { ConflictError, NotAllowedError } from '@backstage/errors';
import {
  Approval,
  ApprovalStatus,
  ApprovalSubject,
} from '@internal/plugin-gantry-common';
import { Knex } from 'knex';
import { escapeLike, pageOf, toIsoTimestamp } from '../database/rows';
import { newTimeOrderedId } from '../runs/ids';

export type {
  Approval,
  ApprovalDecision,
  ApprovalStatus,
  ApprovalSubject,
  ApprovalSubjectKind,
} from '@internal/plugin-gantry-common';

export interface ApprovalRequest {
  tenant: string;
  subject?: ApprovalSubject;
  runId?: string;
  stepId?: string;
  message: string;
  approvers: string[];
  requiredApprovals?: number;
  requestedBy: string;
  expiresAt?: Date;
}

/** The person deciding: their entity ref and ownership claims (user + groups). */
export interface Decider {
  ref: string;
  claims: string[];
  /** May decide requests that name no approvers. */
  isAdmin: boolean;
}

export type ApprovalListener = (approval: Approval) => Promise<void>;

function toApproval(row: any, decisions: any[] = []): Approval {
  return {
    id: row.id,
    tenant: row.tenant,
    subject: {
      kind: row.subject_kind,
      id: row.subject_id ?? `${row.run_id}/${row.step_id}`,
      runId: row.run_id ?? undefined,
      stepId: row.step_id ?? undefined,
    },
    runId: row.run_id ?? undefined,
    stepId: row.step_id ?? undefined,
    message: row.message,
    approvers: JSON.parse(row.approvers),
    requiredApprovals: Number(row.required_approvals ?? 1),
    status: row.status,
    requestedBy: row.requested_by,
    decisions: decisions.map(d => ({
      by: d.decided_by,
      decision: d.decision,
      comment: d.comment ?? undefined,
      at: toIsoTimestamp(d.created_at)!,
    })),
    decidedBy: row.decided_by ?? undefined,
    reason: row.reason ?? undefined,
    expiresAt: toIsoTimestamp(row.expires_at),
    createdAt: toIsoTimestamp(row.created_at)!,
    decidedAt: toIsoTimestamp(row.decided_at),
  };
}

const lower = (refs: string[]) => refs.map(r => r.toLocaleLowerCase('en-US'));

/**
 * Approvals any domain can wait for: run steps, promotions, drift actions,
 * hook runs. A request names its approvers (users or groups) and how many
 * approvals it needs; the requester never approves their own request; an
 * expired request fails its subject.
 *
 * Every vote bumps the row under a `status = 'pending'` guard in one
 * transaction, so of concurrent decisions exactly as many win as the request
 * needs and the rest get a conflict.
 */
export class ApprovalService {
  private readonly createdListeners: ApprovalListener[] = [];
  private readonly decidedListeners: ApprovalListener[] = [];

  constructor(private readonly db: Knex) {}

  /** Called once a request is stored (notifications to its approvers). */
  onCreated(listener: ApprovalListener): void {
    this.createdListeners.push(listener);
  }

  /** Called once a request is approved, denied or expired. */
  onDecided(listener: ApprovalListener): void {
    this.decidedListeners.push(listener);
  }

  async request(request: ApprovalRequest): Promise<Approval> {
    const id = newTimeOrderedId('apr_');
    const subject = request.subject ?? {
      kind: 'run_step' as const,
      id: `${request.runId}/${request.stepId}`,
      runId: request.runId,
      stepId: request.stepId,
    };
    await this.db('approvals').insert({
      id,
      tenant: request.tenant,
      subject_kind: subject.kind,
      subject_id: subject.id,
      run_id: subject.runId ?? request.runId ?? null,
      step_id: subject.stepId ?? request.stepId ?? null,
      message: request.message,
      approvers: JSON.stringify(request.approvers),
      required_approvals: Math.max(1, request.requiredApprovals ?? 1),
      status: 'pending',
      requested_by: request.requestedBy,
      expires_at: request.expiresAt ?? null,
      created_at: new Date(),
    });
    const approval = (await this.get(id))!;
    await this.notify(this.createdListeners, approval);
    return approval;
  }

  async get(id: string): Promise<Approval | undefined> {
    const row = await this.db('approvals').where({ id }).first();
    if (!row) return undefined;
    const decisions = await this.db('approval_decisions')
      .where({ approval_id: id })
      .orderBy('id');
    return toApproval(row, decisions);
  }

  /** History of a tenant's approvals, newest first. */
  async list(filter: {
    tenant?: string;
    status?: ApprovalStatus;
    runId?: string;
    /** Only requests naming this user or group as an approver. */
    approver?: string;
    limit: number;
    cursor?: string;
  }): Promise<{ items: Approval[]; nextCursor?: string }> {
    const query = this.db('approvals')
      .orderBy('id', 'desc')
      .limit(filter.limit + 1);
    if (filter.tenant) query.where('tenant', filter.tenant);
    if (filter.status) query.where('status', filter.status);
    if (filter.runId) query.where('run_id', filter.runId);
    if (filter.approver) {
      // approvers is a JSON array of refs: match the quoted ref literally
      query.whereRaw(`approvers like ? escape '\\'`, [
        `%${escapeLike(JSON.stringify(filter.approver))}%`,
      ]);
    }
    if (filter.cursor) query.where('id', '<', filter.cursor);
    return this.withDecisions(await query, filter.limit);
  }

  /** Pending requests of a tenant that `decider` may decide, oldest first. */
  async inbox(filter: {
    tenant: string;
    decider: Decider;
    limit: number;
    cursor?: string;
  }): Promise<{ items: Approval[]; nextCursor?: string }> {
    const pending: any[] = await this.db('approvals')
      .where({ tenant: filter.tenant, status: 'pending' })
      .modify(q => {
        if (filter.cursor) q.where('id', '>', filter.cursor);
      })
      .orderBy('id', 'asc');
    const voted = new Set(
      (
        await this.db('approval_decisions')
          .where({ tenant: filter.tenant, decided_by: filter.decider.ref })
          .whereIn(
            'approval_id',
            pending.map(r => r.id),
          )
          .select<{ approval_id: string }[]>('approval_id')
      ).map(r => r.approval_id),
    );
    const mine = pending
      .filter(row => !voted.has(row.id))
      .filter(row => !this.whyNot(toApproval(row), filter.decider))
      .slice(0, filter.limit + 1);
    return this.withDecisions(mine, filter.limit);
  }

  /** Why `decider` may not decide `approval`, or undefined when they may. */
  whyNot(approval: Approval, decider: Decider): string | undefined {
    if (
      approval.requestedBy.toLocaleLowerCase('en-US') ===
      lower([decider.ref])[0]
    ) {
      return `you requested approval ${approval.id}; someone else must decide it`;
    }
    if (approval.approvers.length === 0) {
      return decider.isAdmin
        ? undefined
        : `approval ${approval.id} names no approvers, so only platform admins may decide it`;
    }
    const claims = new Set(lower(decider.claims));
    return lower(approval.approvers).some(a => claims.has(a))
      ? undefined
      : `only ${approval.approvers.join(', ')} may decide approval ${
          approval.id
        }`;
  }

  /** Throws 403 unless `decider` may decide `approval`. */
  assertMayDecide(approval: Approval, decider: Decider): void {
    const why = this.whyNot(approval, decider);
    if (why) throw new NotAllowedError(why);
  }

  /**
   * Records a vote. A deny decides at once; an approve decides when it is the
   * last one needed. `won` is false when the request was already decided.
   * `inTransaction` runs with the vote's transaction (its audit event commits
   * with it), given the request's status after the vote.
   */
  async decide(
    id: string,
    decision: { status: 'approved' | 'denied'; by: string; reason?: string },
    inTransaction?: (
      trx: Knex.Transaction,
      status: ApprovalStatus,
    ) => Promise<void>,
  ): Promise<{ approval?: Approval; won: boolean }> {
    let decided = false;
    const won = await this.db
      .transaction(async trx => {
        const bumped = await trx('approvals')
          .where({ id, status: 'pending' })
          .increment('approve_count', decision.status === 'approved' ? 1 : 0);
        if (bumped !== 1) return false;
        const row = await trx('approvals').where({ id }).first();
        try {
          await trx('approval_decisions').insert({
            approval_id: id,
            tenant: row.tenant,
            decided_by: decision.by,
            decision: decision.status === 'approved' ? 'approve' : 'deny',
            comment: decision.reason ?? null,
            created_at: new Date(),
          });
        } catch (error) {
          throw new ConflictError(
            `${decision.by} has already decided approval ${id}`,
          );
        }
        if (
          decision.status === 'denied' ||
          Number(row.approve_count) >= Number(row.required_approvals)
        ) {
          await trx('approvals')
            .where({ id })
            .update({
              status: decision.status,
              decided_by: decision.by,
              reason: decision.reason ?? null,
              decided_at: new Date(),
            });
          decided = true;
        }
        await inTransaction?.(trx, decided ? decision.status : 'pending');
        return true;
      })
      .catch(error => {
        if (error instanceof ConflictError) return false;
        throw error;
      });
    const approval = await this.get(id);
    if (decided && approval) await this.notify(this.decidedListeners, approval);
    return { approval, won };
  }

  /** Expires pending requests past their deadline; each fails its subject. */
  async expireDue(at: Date = new Date()): Promise<number> {
    const due = await this.db('approvals')
      .where({ status: 'pending' })
      .whereNotNull('expires_at')
      .where('expires_at', '<=', at)
      .select('id');
    let expired = 0;
    for (const { id } of due) {
      const updated = await this.db('approvals')
        .where({ id, status: 'pending' })
        .update({
          status: 'expired',
          decided_by: 'gantry',
          reason: 'the approval expired before anyone decided it',
          decided_at: at,
        });
      if (updated !== 1) continue;
      expired += 1;
      const approval = await this.get(id);
      if (approval) await this.notify(this.decidedListeners, approval);
    }
    return expired;
  }

  private async withDecisions(rows: any[], limit: number) {
    const ids = rows.slice(0, limit).map(r => r.id);
    const decisions = ids.length
      ? await this.db('approval_decisions')
          .whereIn('approval_id', ids)
          .orderBy('id')
      : [];
    return pageOf(
      rows,
      limit,
      row =>
        toApproval(
          row,
          decisions.filter(d => d.approval_id === row.id),
        ),
      a => a.id,
    );
  }

  private async notify(listeners: ApprovalListener[], approval: Approval) {
    for (const listener of listeners) await listener(approval);
  }
}
