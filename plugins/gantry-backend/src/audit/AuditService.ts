import { AuditorService } from '@backstage/backend-plugin-api';
import { randomUUID } from 'node:crypto';
import { Request, RequestHandler } from 'express';
import { Knex } from 'knex';
import { escapeLike, pageOf, toIsoTimestamp } from '../database/rows';

export interface AuditEvent {
  tenant: string;
  actor: string;
  action: string;
  target?: string;
  /** What the target looked like before and after the change. */
  oldValue?: unknown;
  newValue?: unknown;
  details?: Record<string, unknown>;
}

export interface AuditFilter {
  tenant: string;
  actor?: string;
  action?: string;
  target?: string;
  /** Free text, matched against action, actor and target. */
  q?: string;
  from?: Date;
  to?: Date;
  limit: number;
  cursor?: number;
}

const REQUEST_ID = 'x-request-id';

/** Keys whose values never reach the audit log, whatever they hold. */
const SECRET_KEY =
  /pass(word|phrase)?|secret|token|api[-_]?key|private[-_]?key|credential|authorization/i;

/** Replaces the value of every secret-looking key with ***. */
export function redactSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map(redactSecrets) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        SECRET_KEY.test(k) && v !== null && v !== undefined
          ? '***'
          : redactSecrets(v),
      ]),
    ) as T;
  }
  return value;
}

const json = (value: unknown) =>
  value === undefined ? null : JSON.stringify(redactSecrets(value));
const parse = (text: string | null) => (text ? JSON.parse(text) : undefined);

/** Gives every request an id (kept from `x-request-id` when sane) echoed in the response. */
export const requestIdMiddleware: RequestHandler = (req, res, next) => {
  const given = req.get(REQUEST_ID);
  const id = given && /^[\w.:-]{1,64}$/.test(given) ? given : randomUUID();
  req.headers[REQUEST_ID] = id;
  res.setHeader(REQUEST_ID, id);
  next();
};

/**
 * The one audit log every Gantry domain writes to: append-only rows with
 * actor, tenant, action, target, old/new values (secrets redacted), request
 * id and IP, also forwarded to Backstage's auditor service. Pass the
 * transaction of the change so the event commits (or not) with it.
 */
export class AuditService {
  constructor(
    private readonly db: Knex,
    private readonly auditor?: AuditorService,
  ) {}

  async record(
    event: AuditEvent,
    context: { request?: Request; trx?: Knex.Transaction } = {},
  ): Promise<void> {
    const { request, trx } = context;
    await (trx ?? this.db)('audit_events').insert({
      tenant: event.tenant,
      actor: event.actor,
      action: event.action,
      target: event.target ?? null,
      details: event.details ? json(event.details) : null,
      old_value: json(event.oldValue),
      new_value: json(event.newValue),
      request_id: request?.get(REQUEST_ID)?.slice(0, 64) ?? null,
      ip: request?.ip?.slice(0, 64) ?? null,
      created_at: new Date(),
    });
    if (this.auditor) {
      const forwarded = await this.auditor.createEvent({
        eventId: event.action.replace(/[^a-z0-9]+/gi, '-').toLowerCase(),
        request,
        meta: redactSecrets({
          tenant: event.tenant,
          actor: event.actor,
          target: event.target,
          ...event.details,
        }),
      });
      await forwarded.success();
    }
  }

  /** Newest first, with filters and an id cursor. */
  async list(filter: AuditFilter) {
    const query = this.db('audit_events')
      .where('tenant', filter.tenant)
      .orderBy('id', 'desc')
      .limit(filter.limit + 1);
    if (filter.actor) query.where('actor', filter.actor);
    if (filter.action) {
      // `run.*` matches every run action
      if (filter.action.endsWith('*')) {
        query.where('action', 'like', `${filter.action.slice(0, -1)}%`);
      } else query.where('action', filter.action);
    }
    if (filter.target) query.where('target', filter.target);
    if (filter.q) {
      const like = `%${escapeLike(filter.q)}%`;
      query.where(q =>
        q
          .whereRaw(`action like ? escape '\\'`, [like])
          .orWhereRaw(`actor like ? escape '\\'`, [like])
          .orWhereRaw(`target like ? escape '\\'`, [like]),
      );
    }
    if (filter.from) query.where('created_at', '>=', filter.from);
    if (filter.to) query.where('created_at', '<', filter.to);
    if (filter.cursor) query.where('id', '<', filter.cursor);
    return pageOf(
      await query,
      filter.limit,
      r => ({
        id: Number(r.id),
        tenant: r.tenant as string,
        actor: r.actor as string,
        action: r.action as string,
        target: (r.target ?? undefined) as string | undefined,
        oldValue: parse(r.old_value),
        newValue: parse(r.new_value),
        details: parse(r.details),
        requestId: (r.request_id ?? undefined) as string | undefined,
        ip: (r.ip ?? undefined) as string | undefined,
        createdAt: toIsoTimestamp(r.created_at)!,
      }),
      e => e.id,
    );
  }

  /** Deletes events older than the retention period; returns how many. */
  async purgeOlderThan(days: number, now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - days * 24 * 3600 * 1000);
    return this.db('audit_events').where('created_at', '<', cutoff).delete();
  }
}
