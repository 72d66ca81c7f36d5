import { ReactNode } from 'react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { signalApiRef, SignalApi } from '@backstage/plugin-signals-react';
import {
  MockPermissionApi,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { Route, Routes } from 'react-router-dom';
import { SWRConfig } from 'swr';
import { GantryApi, gantryApiRef } from '../../api';
import { DriftApi, DriftIncident, gantryDriftApiRef } from '../../api/DriftApi';
import {
  EnvironmentsApi,
  gantryEnvironmentsApiRef,
} from '../../api/EnvironmentsApi';
import { rootRouteRef } from '../../routes';

/** Signals a test sends by hand to `channel` subscribers. */
export function fakeSignals() {
  const subscribers = new Map<string, Array<(message: any) => void>>();
  const api: SignalApi = {
    subscribe(channel, onMessage) {
      subscribers.set(channel, [
        ...(subscribers.get(channel) ?? []),
        onMessage,
      ]);
      return {
        unsubscribe: () =>
          subscribers.set(
            channel,
            (subscribers.get(channel) ?? []).filter(s => s !== onMessage),
          ),
      };
    },
  };
  const send = (channel: string, message: unknown) =>
    (subscribers.get(channel) ?? []).forEach(s => s(message));
  return { api, send };
}

/**
 * Renders `element` at `path` (under /gantry/environments) with mocked drift
 * and environments APIs, a single-tenant Gantry API, the given permission
 * decision and, when given, a signals API.
 */
export function renderDrift(
  element: ReactNode,
  options: {
    api: Partial<DriftApi>;
    environments?: Partial<EnvironmentsApi>;
    allow?: boolean;
    path?: string;
    at?: string;
    signals?: SignalApi;
  },
) {
  const gantry: Partial<GantryApi> = {
    getTenancy: async () => ({
      user: 'user:default/ada',
      tenants: ['default'],
    }),
  };
  const apis: any[] = [
    [gantryDriftApiRef, options.api as DriftApi],
    [gantryEnvironmentsApiRef, (options.environments ?? {}) as EnvironmentsApi],
    [gantryApiRef, gantry as GantryApi],
    [
      permissionApiRef,
      new MockPermissionApi(() =>
        options.allow === false ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
      ),
    ],
  ];
  if (options.signals) apis.push([signalApiRef, options.signals]);
  return renderInTestApp(
    <TestApiProvider apis={apis as any}>
      {/* a cache per render: usePermission keeps decisions in SWR's cache */}
      <SWRConfig value={{ provider: () => new Map() }}>
        <Routes>
          <Route
            path={options.path ?? '/gantry/environments/*'}
            element={element}
          />
        </Routes>
      </SWRConfig>
    </TestApiProvider>,
    {
      routeEntries: [options.at ?? '/gantry/environments'],
      mountedRoutes: { '/gantry': rootRouteRef },
    },
  );
}

const HOUR = 3600_000;

/** An incident detected an hour ago in `environment`, with one modified workflow. */
export function incident(
  overrides: Partial<DriftIncident> = {},
): DriftIncident {
  const now = Date.now();
  return {
    id: 'inc_1',
    tenant: 'default',
    environmentId: 'env_production',
    environmentName: 'production',
    state: 'DETECTED',
    severity: 'high',
    title: 'Drift in production: deploy',
    affectedWorkflows: ['deploy'],
    drift: [
      {
        name: 'deploy',
        kind: 'modified',
        expectedHash: 'aaaaaaaa1111',
        liveHash: 'bbbbbbbb2222',
        changes: [
          {
            path: '/settings/timezone',
            kind: 'changed',
            expected: 'UTC',
            live: 'Europe/Paris',
          },
        ],
        patch: [
          '--- expected',
          '+++ live',
          '@@ -1,3 +1,3 @@',
          ' {',
          '-  "timezone": "UTC"',
          '+  "timezone": "Europe/Paris"',
          ' }',
        ].join('\n'),
      },
    ],
    checkId: 'chk_1',
    expiresAt: new Date(now + 5 * HOUR + 60_000).toISOString(),
    expired: false,
    history: [
      {
        at: new Date(now - HOUR).toISOString(),
        actor: 'gantry',
        action: 'detect',
        to: 'DETECTED',
      },
    ],
    detectedAt: new Date(now - HOUR).toISOString(),
    updatedAt: new Date(now - HOUR).toISOString(),
    ...overrides,
  };
}
