import { fireEvent, screen, within } from '@testing-library/react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  MockPermissionApi,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { Route, Routes } from 'react-router-dom';
import { SWRConfig } from 'swr';
import {
  ApplicationDetail,
  Deployment,
  GantryApi,
  gantryApiRef,
} from '../../api';
import { rootRouteRef } from '../../routes';
import { ApplicationPage } from './ApplicationPage';

const deployment = (id: string, runs: Deployment['runs']): Deployment => ({
  id,
  tenant: 'default',
  application: 'checkout-service',
  profile: 'standard',
  status: 'succeeded',
  first: false,
  runs,
  createdBy: 'user:default/ada',
  createdAt: '2026-01-02T09:00:00Z',
  finishedAt: '2026-01-02T09:01:12Z',
});

const DEP_2 = deployment('dep_2', [
  {
    kind: 'resource',
    ref: 'database/create-postgres',
    resource: 'db',
    runId: 'run_db',
    status: 'succeeded',
  },
  {
    kind: 'workflow',
    ref: 'checkout-team/smoke-test',
    phase: 'post-deploy',
    runId: 'run_smoke',
    status: 'failed',
  },
]);
const DEP_1 = deployment('dep_1', []);

const CHECKOUT: ApplicationDetail = {
  name: 'checkout-service',
  product: 'payments',
  status: 'active',
  resources: [
    { name: 'db', type: 'postgres', provider: 'database', status: 'active' },
    { name: 'cache', type: 'redis', provider: 'caching', status: 'deleting' },
    { name: 'queue', type: 'sqs', provider: 'queues', status: 'failed' },
  ],
  deployments: [DEP_2],
  manualWorkflows: [{ provider: 'database', workflow: 'rotate-credentials' }],
};

function renderWith(api: Partial<GantryApi>) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [gantryApiRef, api as GantryApi],
        [permissionApiRef, new MockPermissionApi(() => AuthorizeResult.ALLOW)],
      ]}
    >
      {/* a cache per render: usePermission keeps decisions in SWR's cache */}
      <SWRConfig value={{ provider: () => new Map() }}>
        <Routes>
          <Route
            path="/gantry/applications/:name"
            element={<ApplicationPage />}
          />
        </Routes>
      </SWRConfig>
    </TestApiProvider>,
    {
      routeEntries: ['/gantry/applications/checkout-service'],
      mountedRoutes: { '/gantry': rootRouteRef },
    },
  );
}

describe('ApplicationPage', () => {
  it('shows the product, status and each resource with its state', async () => {
    const getApplication = jest.fn(async () => CHECKOUT);
    await renderWith({
      getApplication,
      listDeployments: async () => ({ items: [DEP_2] }),
    });
    expect(await screen.findByText('Resources')).toBeInTheDocument();
    expect(getApplication).toHaveBeenCalledWith('checkout-service');
    expect(screen.getByText('payments')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Applications' })).toHaveAttribute(
      'href',
      '/gantry/applications',
    );
    const stateOf = (name: string) =>
      within(screen.getByText(name).closest('tr')!)
        .getAllByText(/active|deleting|failed/)
        .map(e => e.textContent);
    expect(stateOf('db')).toEqual(['active']);
    expect(stateOf('cache')).toEqual(['deleting']);
    expect(stateOf('queue')).toEqual(['failed']);
    expect(
      screen.getByRole('button', { name: 'Run database/rotate-credentials' }),
    ).toBeEnabled();
  });

  it('lists the deployment history with the runs of each phase, page by page', async () => {
    const listDeployments = jest.fn(
      async (_name: string, query?: { cursor?: string }) =>
        query?.cursor
          ? { items: [DEP_1] }
          : { items: [DEP_2], nextCursor: 'dep_2' },
    );
    await renderWith({ getApplication: async () => CHECKOUT, listDeployments });

    const row = (await screen.findByText('dep_2')).closest('tr')!;
    expect(within(row).getByText('resource db:')).toBeInTheDocument();
    expect(within(row).getByText('post-deploy:')).toBeInTheDocument();
    expect(
      within(row).getByRole('link', { name: 'checkout-team/smoke-test' }),
    ).toHaveAttribute('href', '/gantry/runs/run_smoke');
    expect(within(row).getByText('1m 12s')).toBeInTheDocument();
    expect(screen.getByText('Deployment history')).toBeInTheDocument();
    expect(screen.queryByText('dep_1')).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    expect(await screen.findByText('dep_1')).toBeInTheDocument();
    expect(listDeployments).toHaveBeenLastCalledWith('checkout-service', {
      cursor: 'dep_2',
      limit: 10,
    });
  });

  it('says so when the application does not exist', async () => {
    await renderWith({
      getApplication: async () => undefined,
      listDeployments: async () => ({ items: [] }),
    });
    expect(
      await screen.findByText('There is no application named checkout-service'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'All applications' }),
    ).toHaveAttribute('href', '/gantry/applications');
  });
});
