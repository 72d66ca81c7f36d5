/**
 * API types of notification channels, rules and deliveries, and the event
 * catalogue rules choose from.
 */

export const NOTIFICATION_CHANNEL_TYPES = [
  'backstage',
  'slack',
  'email',
  'webhook',
] as const;
export type NotificationChannelType =
  (typeof NOTIFICATION_CHANNEL_TYPES)[number];

/** A channel as every answer shows it: secret values are never included. */
export interface NotificationChannel {
  id: string;
  tenant: string;
  name: string;
  type: NotificationChannelType;
  /**
   * backstage: `{ recipients: entity refs }`; email: `{ to: addresses }`;
   * webhook: `{ url }`; slack: `{}` (its URL is a secret).
   */
  config: Record<string, unknown>;
  /** Names of the secrets held (slack: webhookUrl; webhook: secret). */
  secretNames: string[];
  enabled: boolean;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface NotificationRule {
  id: string;
  tenant: string;
  name: string;
  /** An event type, `prefix.*`, or `*` for every event. */
  eventType: string;
  /** Payload fields that must equal these values, e.g. `{ environment: 'prod' }`. */
  filter: Record<string, string>;
  channelIds: string[];
  enabled: boolean;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export type DeliveryStatus = 'pending' | 'sent' | 'failed';

export interface NotificationDelivery {
  id: string;
  tenant: string;
  channelId: string;
  channelName: string;
  /** Absent for a channel test. */
  ruleId?: string;
  eventId: string;
  eventType: string;
  status: DeliveryStatus;
  error?: string;
  /** What was sent, in short. */
  title: string;
  createdAt: string;
  finishedAt?: string;
}

export interface EventCatalogueEntry {
  type: string;
  description: string;
  /** Payload fields worth filtering on. */
  fields: string[];
}

/**
 * Event types a rule can name: Gantry's own and the PRD's notification
 * events. Tenants' domain events (any `a.b` name) may be used as well.
 */
export const EVENT_CATALOGUE: EventCatalogueEntry[] = [
  {
    type: 'run.started',
    description: 'A workflow run started',
    fields: ['workflow', 'provider', 'environment'],
  },
  {
    type: 'run.completed',
    description: 'A workflow run succeeded',
    fields: ['workflow', 'provider', 'environment'],
  },
  {
    type: 'run.failed',
    description: 'A workflow run failed',
    fields: ['workflow', 'provider', 'environment'],
  },
  {
    type: 'run.cancelled',
    description: 'A workflow run was cancelled',
    fields: ['workflow', 'provider', 'environment'],
  },
  {
    type: 'deployment.started',
    description: 'A Score deployment started',
    fields: ['application', 'environment'],
  },
  {
    type: 'deployment.completed',
    description: 'A Score deployment finished successfully',
    fields: ['application', 'environment'],
  },
  {
    type: 'deployment.failed',
    description: 'A Score deployment failed',
    fields: ['application', 'environment'],
  },
  {
    type: 'approval.requested',
    description: 'Someone asked for an approval',
    fields: ['subject'],
  },
  {
    type: 'approval.decided',
    description: 'An approval was approved or denied',
    fields: ['subject', 'status'],
  },
  {
    type: 'promotion.completed',
    description: 'A promotion reached its target environment',
    fields: ['pipeline', 'source', 'target'],
  },
  {
    type: 'promotion.failed',
    description: 'A promotion failed or was refused by a gate',
    fields: ['pipeline', 'source', 'target'],
  },
  {
    type: 'drift.detected',
    description: 'An environment differs from what Gantry deployed',
    fields: ['environment', 'workflows'],
  },
  {
    type: 'drift.resolved',
    description:
      'A drift incident was reconciled (promoted, reverted, replaced or accepted)',
    fields: ['environment', 'workflows', 'resolution'],
  },
  {
    type: 'drift.incident.created',
    description: 'A drift incident was opened',
    fields: ['environment', 'severity'],
  },
  {
    type: 'drift.incident.updated',
    description: 'A drift incident was acknowledged, resolved or changed',
    fields: ['environment', 'status'],
  },
  {
    type: 'drift.incident.expiring',
    description: 'An accepted drift is about to expire',
    fields: ['environment'],
  },
  {
    type: 'drift.incident.expired',
    description: 'An accepted drift expired',
    fields: ['environment'],
  },
  {
    type: 'environment.unhealthy',
    description: "An environment's heartbeat failed",
    fields: ['environment'],
  },
  {
    type: 'sync.completed',
    description: 'An environment sync finished',
    fields: ['environment'],
  },
  {
    type: 'sync.failed',
    description: 'An environment sync failed',
    fields: ['environment'],
  },
  {
    type: 'backup.completed',
    description: 'An environment backup was written to git',
    fields: ['environment'],
  },
  {
    type: 'backup.failed',
    description: 'An environment backup failed',
    fields: ['environment'],
  },
  {
    type: 'system.error',
    description: 'Gantry itself hit an error worth a look',
    fields: ['component'],
  },
];
