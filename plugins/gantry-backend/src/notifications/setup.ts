import { LoggerService } from '@backstage/backend-plugin-api';
import { EventsService } from '@backstage/plugin-events-node';
import { NotificationService as BackstageNotifications } from '@backstage/plugin-notifications-node';
import {
  GANTRY_EVENTS_TOPIC,
  PlatformEvent,
} from '@internal/plugin-gantry-common';
import { Knex } from 'knex';
import { AuditService } from '../audit/AuditService';
import { SecretBox } from '../environments/crypto';
import { SmtpSettings } from '../executors';
import { TenancyService } from '../tenancy/TenancyService';
import { Senders } from './deliver';
import { NotificationService } from './NotificationService';
import { NotificationStore } from './NotificationStore';
import { createNotificationsRouter } from './router';

/** Wires notifications: store, senders, the `gantry` topic and the router. */
export async function setupNotifications(options: {
  db: Knex;
  /** Seals channel secrets; the key environments use. */
  secrets: SecretBox;
  events: EventsService;
  notifications?: BackstageNotifications;
  smtp?: SmtpSettings;
  baseUrl?: string;
  logger: LoggerService;
  audit: AuditService;
  tenancy: TenancyService;
}) {
  const service = new NotificationService(
    new NotificationStore(options.db, options.secrets),
    new Senders(options),
    options.logger,
  );
  await options.events.subscribe({
    // one subscriber id: replicas share the events, each is routed once
    id: 'gantry-notifications',
    topics: [GANTRY_EVENTS_TOPIC],
    async onEvent({ eventPayload }) {
      const event = eventPayload as PlatformEvent;
      if (!event?.tenant || !event.type || !event.id) return;
      await service
        .dispatch(event)
        .catch(error =>
          options.logger.warn(
            `could not route event ${event.id} to notifications: ${error}`,
          ),
        );
    },
  });
  return {
    notifications: service,
    router: createNotificationsRouter({
      notifications: service,
      audit: options.audit,
      tenancy: options.tenancy,
    }),
  };
}
