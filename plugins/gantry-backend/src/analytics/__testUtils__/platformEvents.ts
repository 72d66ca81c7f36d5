import { createBackendModule } from '@backstage/backend-plugin-api';
import { EventsService, eventsServiceRef } from '@backstage/plugin-events-node';
import {
  GANTRY_EVENTS_TOPIC,
  PlatformEvent,
} from '@internal/plugin-gantry-common';
import { randomUUID } from 'node:crypto';

/**
 * A module of the gantry plugin that holds on to the plugin's events
 * service, so a test publishes platform events where Gantry subscribes.
 */
export function platformEventsProbe() {
  let events: EventsService | undefined;
  const module = createBackendModule({
    pluginId: 'gantry',
    moduleId: 'test-platform-events',
    register(env) {
      env.registerInit({
        deps: { service: eventsServiceRef },
        async init({ service }) {
          events = service;
        },
      });
    },
  });
  const publish = async (
    event: Partial<PlatformEvent> & Pick<PlatformEvent, 'type' | 'payload'>,
  ) => {
    if (!events) throw new Error('the backend has not started');
    await events.publish({
      topic: GANTRY_EVENTS_TOPIC,
      eventPayload: {
        id: randomUUID(),
        tenant: 'group:default/acme',
        source: 'gantry',
        occurredAt: new Date().toISOString(),
        ...event,
      } satisfies PlatformEvent,
    });
  };
  return { module, publish };
}
