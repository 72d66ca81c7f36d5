import { Knex } from 'knex';

export interface AuditEvent {
  tenant: string;
  actor: string;
  action: string;
  target?: string;
  details?: Record<string, unknown>;
}

/** Appends to the one audit log every Gantry domain writes to. */
export class AuditService {
  constructor(private readonly db: Knex) {}

  async record(event: AuditEvent): Promise<void> {
    await this.db('audit_events').insert({
      tenant: event.tenant,
      actor: event.actor,
      action: event.action,
      target: event.target ?? null,
      details: event.details ? JSON.stringify(event.details) : null,
      created_at: new Date(),
    });
  }

  async list(filter: {
    tenant?: string;
    action?: string;
    limit: number;
    cursor?: number;
  }) {
    const query = this.db('audit_events')
      .orderBy('id', 'desc')
      .limit(filter.limit + 1);
    if (filter.tenant) query.where('tenant', filter.tenant);
    if (filter.action) query.where('action', filter.action);
    if (filter.cursor) query.where('id', '<', filter.cursor);
    const rows = await query;
    const items = rows.slice(0, filter.limit).map(r => ({
      id: Number(r.id),
      tenant: r.tenant as string,
      actor: r.actor as string,
      action: r.action as string,
      target: (r.target ?? undefined) as string | undefined,
      details: r.details ? JSON.parse(r.details) : undefined,
      createdAt: new Date(r.created_at).toISOString(),
    }));
    return {
      items,
      nextCursor:
        rows.length > filter.limit ? items[items.length - 1].id : undefined,
    };
  }
}
