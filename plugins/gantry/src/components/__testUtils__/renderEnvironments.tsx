import { ReactNode } from 'react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  MockPermissionApi,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { Route, Routes } from 'react-router-dom';
import { SWRConfig } from 'swr';
import { GantryApi, gantryApiRef } from '../../api';
import { DriftApi, gantryDriftApiRef } from '../../api/DriftApi';
import {
  Environment,
  EnvironmentDetail,
  EnvironmentsApi,
  gantryEnvironmentsApiRef,
  Pipeline,
} from '../../api/EnvironmentsApi';
import { rootRouteRef } from '../../routes';

/**
 * Renders `element` at `path` (under /gantry/environments) with a mocked
 * environments API, a single-tenant Gantry API and the given permission
 * decision; the drift API (an environment page's checks and syncs) has no
 * checks, no jobs and an empty inventory unless given.
 */
export function renderEnvironments(
  element: ReactNode,
  options: {
    api: Partial<EnvironmentsApi>;
    drift?: Partial<DriftApi>;
    allow?: boolean;
    path?: string;
    at?: string;
  },
) {
  const path = options.path ?? '/gantry/environments/*';
  const gantry: Partial<GantryApi> = {
    getTenancy: async () => ({
      user: 'user:default/ada',
      tenants: ['default'],
    }),
  };
  const drift: Partial<DriftApi> = {
    listSyncJobs: async () => ({ items: [] }),
    listChecks: async () => ({ items: [] }),
    getInventory: async () => ({ credentials: [], tags: [], executions: [] }),
    ...options.drift,
  };
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [gantryEnvironmentsApiRef, options.api as EnvironmentsApi],
        [gantryDriftApiRef, drift as DriftApi],
        [gantryApiRef, gantry as GantryApi],
        [
          permissionApiRef,
          new MockPermissionApi(() =>
            options.allow === false
              ? AuthorizeResult.DENY
              : AuthorizeResult.ALLOW,
          ),
        ],
      ]}
    >
      {/* a cache per render: usePermission keeps decisions in SWR's cache */}
      <SWRConfig value={{ provider: () => new Map() }}>
        <Routes>
          <Route path={path} element={element} />
        </Routes>
      </SWRConfig>
    </TestApiProvider>,
    {
      routeEntries: [options.at ?? '/gantry/environments'],
      mountedRoutes: { '/gantry': rootRouteRef },
    },
  );
}

export function environment(
  name: string,
  klass: Environment['class'],
  workflows: Record<string, string> = {},
): EnvironmentDetail {
  return {
    id: `env_${name}`,
    tenant: 'default',
    name,
    class: klass,
    adapter: 'builtin',
    settings: {},
    secretNames: [],
    driftMode: 'alert',
    status: 'active',
    health: 'unknown',
    createdBy: 'user:default/ada',
    createdAt: '2026-01-01T09:00:00Z',
    updatedAt: '2026-01-01T09:00:00Z',
    workflows: Object.entries(workflows).map(([wf, hash]) => ({
      name: wf,
      hash,
      active: true,
      source: 'promotion',
      deployedBy: 'user:default/ada',
      deployedAt: '2026-01-01T09:00:00Z',
    })),
  };
}

export const MAIN_PIPELINE: Pipeline = {
  id: 'pipe_main',
  name: 'main',
  stages: [
    {
      source: 'dev',
      target: 'staging',
      gates: { runPreFlightValidation: true },
    },
    {
      source: 'staging',
      target: 'production',
      gates: { targetEnvironmentHealthy: true, maxAllowedRiskLevel: 'medium' },
      approval: { approvers: ['group:default/platform'], requiredApprovals: 2 },
      soakMinutes: 30,
    },
  ],
  flags: {
    allowPlaceholderCredentials: false,
    allowOverwritingHotfixes: false,
    allowForcePromotionOnConflicts: true,
  },
};
