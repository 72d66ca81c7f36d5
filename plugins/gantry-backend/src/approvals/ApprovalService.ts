import { Knex } from 'knex';
import { pageOf, toIsoTimestamp } from '../database/rows';
import { newTimeOrderedId } from '../runs/ids';

export type ApprovalStatus = 'pending' | 'approved' | 'denied';

export interface Approval {
  id: string;
  tenant: string;
  runId?: string;
  stepId?: string;
  message: string;
  approvers: string[];
  status: ApprovalStatus;
  requestedBy: string;
  decidedBy?: string;
  reason?: string;
  createdAt: string;
  decidedAt?: string;
}

export type ApprovalListener = (approval: Approval) => Promise<void>;

function toApproval(row: any): Approval {
  return {
    id: row.id,
    tenant: row.tenant,
    runId: row.run_id ?? undefined,
    stepId: row.step_id ?? undefined,
    message: row.message,
    approvers: JSON.parse(row.approvers),
    status: row.status,
    requestedBy: row.requested_by,
    decidedBy: row.decided_by ?? undefined,
    reason: row.reason ?? undefined,
    createdAt: toIsoTimestamp(row.created_at)!,
    decidedAt: toIsoTimestamp(row.decided_at),
  };
}

/**
 * Approvals any domain can wait for. Deciding is one conditional update on
 * `status = 'pending'`: of concurrent approve and deny, exactly one wins.
 */
export class ApprovalService {
  private readonly listeners: ApprovalListener[] = [];

  constructor(private readonly db: Knex) {}

  onDecided(listener: ApprovalListener): void {
    this.listeners.push(listener);
  }

  async request(request: {
    tenant: string;
    runId?: string;
    stepId?: string;
    message: string;
    approvers: string[];
    requestedBy: string;
  }): Promise<Approval> {
    const id = newTimeOrderedId('apr_');
    await this.db('approvals').insert({
      id,
      tenant: request.tenant,
      run_id: request.runId ?? null,
      step_id: request.stepId ?? null,
      message: request.message,
      approvers: JSON.stringify(request.approvers),
      status: 'pending',
      requested_by: request.requestedBy,
      created_at: new Date(),
    });
    return (await this.get(id))!;
  }

  async get(id: string): Promise<Approval | undefined> {
    const row = await this.db('approvals').where({ id }).first();
    return row ? toApproval(row) : undefined;
  }

  async list(filter: {
    tenant?: string;
    status?: ApprovalStatus;
    runId?: string;
    limit: number;
    cursor?: string;
  }): Promise<{ items: Approval[]; nextCursor?: string }> {
    const query = this.db('approvals')
      .orderBy('id', 'desc')
      .limit(filter.limit + 1);
    if (filter.tenant) query.where('tenant', filter.tenant);
    if (filter.status) query.where('status', filter.status);
    if (filter.runId) query.where('run_id', filter.runId);
    if (filter.cursor) query.where('id', '<', filter.cursor);
    const rows = await query;
    return pageOf(rows, filter.limit, toApproval, a => a.id);
  }

  /** Decides a pending approval; `won` is false when it was decided already. */
  async decide(
    id: string,
    decision: { status: 'approved' | 'denied'; by: string; reason?: string },
  ): Promise<{ approval?: Approval; won: boolean }> {
    const updated = await this.db('approvals')
      .where({ id, status: 'pending' })
      .update({
        status: decision.status,
        decided_by: decision.by,
        reason: decision.reason ?? null,
        decided_at: new Date(),
      });
    const approval = await this.get(id);
    if (updated === 1 && approval) {
      for (const listener of this.listeners) await listener(approval);
    }
    return { approval, won: updated === 1 };
  }
}
