/**
 * Platform events: what happened in Gantry or in a tenant's systems, the
 * input of hooks, notification rules and analytics. Gantry publishes every
 * event on the Backstage events service under GANTRY_EVENTS_TOPIC, so any
 * domain (or another plugin) subscribes there instead of calling the
 * publisher.
 */
export const GANTRY_EVENTS_TOPIC = 'gantry';

/** Gantry's own event types; tenants' domain events use any `a.b` name. */
export const GANTRY_EVENT_TYPES = [
  'run.started',
  'run.completed',
  'run.failed',
  'run.cancelled',
  'deployment.completed',
  'deployment.failed',
  'approval.requested',
  'approval.decided',
  'promotion.completed',
  'promotion.failed',
  'drift.detected',
  'drift.incident.created',
  'drift.incident.updated',
  'drift.incident.expiring',
  'drift.incident.expired',
  'environment.unhealthy',
  'sync.completed',
  'sync.failed',
] as const;

export interface PlatformEvent {
  /** Unique per event; also the correlation id of what it causes. */
  id: string;
  /** e.g. `run.failed`, `order.created`. */
  type: string;
  tenant: string;
  payload: Record<string, unknown>;
  /** Who produced it: `gantry`, `ingest:<caller>`, `webhook:<name>`, `catalog`. */
  source: string;
  /** ISO time. */
  occurredAt: string;
  /** Deliveries with the same key (per tenant) are the same event. */
  idempotencyKey?: string;
  /** The event or request this one follows from, when there is one. */
  correlationId?: string;
}
