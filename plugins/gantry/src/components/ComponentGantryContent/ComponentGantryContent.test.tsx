import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  MockPermissionApi,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { Route, Routes } from 'react-router-dom';
import { SWRConfig } from 'swr';
import { ApplicationDetail, GantryApi, gantryApiRef, Run } from '../../api';
import { rootRouteRef } from '../../routes';
import { ComponentGantryContent } from './ComponentGantryContent';

const CHECKOUT: ApplicationDetail = {
  name: 'checkout-service',
  product: 'payments',
  status: 'deployed',
  resources: [
    {
      name: 'db',
      type: 'postgres',
      provider: 'database',
      status: 'active',
      runId: 'run_db',
    },
    {
      name: 'cache',
      type: 'redis',
      provider: 'cache',
      status: 'active',
      runId: 'run_cache',
    },
  ],
  deployments: [
    {
      id: 'dep_1',
      tenant: 'default',
      application: 'checkout-service',
      profile: 'standard',
      status: 'succeeded',
      first: true,
      createdBy: 'user:default/ada',
      createdAt: '2026-01-01T09:00:00Z',
      runs: [
        {
          kind: 'resource',
          ref: 'database/create-postgres',
          runId: 'run_db',
          status: 'succeeded',
        },
      ],
    },
  ],
  manualWorkflows: [
    { provider: 'database', workflow: 'rotate-credentials' },
    { provider: 'database', workflow: 'restore-backup' },
  ],
};

const STARTED = { id: 'run_new', status: 'pending' } as Run;

function renderWith(
  api: Partial<GantryApi>,
  result: AuthorizeResult.ALLOW | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [gantryApiRef, api as GantryApi],
        [permissionApiRef, new MockPermissionApi(() => result)],
      ]}
    >
      {/* a cache per render: usePermission keeps decisions in SWR's cache */}
      <SWRConfig value={{ provider: () => new Map() }}>
        <Routes>
          <Route
            path="/catalog/*"
            element={<ComponentGantryContent name="checkout-service" />}
          />
          <Route path="/gantry/runs/:id" element={<div>the run page</div>} />
        </Routes>
      </SWRConfig>
    </TestApiProvider>,
    {
      routeEntries: ['/catalog/default/component/checkout/gantry'],
      mountedRoutes: { '/gantry': rootRouteRef },
    },
  );
}

describe('ComponentGantryContent', () => {
  it('lists the manual workflows, each linking to its workflow page', async () => {
    await renderWith({ getApplication: async () => CHECKOUT });
    expect(await screen.findByText('Run a workflow')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'database/rotate-credentials' }),
    ).toHaveAttribute(
      'href',
      '/gantry/providers/database/workflows/rotate-credentials',
    );
    expect(
      screen.getByRole('button', { name: 'Run database/restore-backup' }),
    ).toBeEnabled();
  });

  it('plans the workflow by default and opens the run page', async () => {
    const runManualWorkflow = jest.fn(async () => STARTED);
    await renderWith({
      getApplication: async () => CHECKOUT,
      runManualWorkflow,
    });
    fireEvent.click(
      await screen.findByRole('button', {
        name: 'Run database/rotate-credentials',
      }),
    );
    expect(await screen.findByText('the run page')).toBeInTheDocument();
    expect(runManualWorkflow).toHaveBeenCalledWith(
      'checkout-service',
      'database',
      'rotate-credentials',
      'plan_only',
    );
  });

  it('starts the run with the chosen profile', async () => {
    const runManualWorkflow = jest.fn(async () => STARTED);
    await renderWith({
      getApplication: async () => CHECKOUT,
      runManualWorkflow,
    });
    fireEvent.mouseDown(
      await screen.findByRole('button', { name: /Security profile/ }),
    );
    fireEvent.click(
      within(await screen.findByRole('listbox')).getByRole('option', {
        name: 'standard',
      }),
    );
    fireEvent.click(
      screen.getByRole('button', { name: 'Run database/restore-backup' }),
    );
    await waitFor(() =>
      expect(runManualWorkflow).toHaveBeenCalledWith(
        'checkout-service',
        'database',
        'restore-backup',
        'standard',
      ),
    );
  });

  it('disables Run for users who may not start runs, and says why', async () => {
    await renderWith(
      { getApplication: async () => CHECKOUT },
      AuthorizeResult.DENY,
    );
    const button = await screen.findByRole('button', {
      name: 'Run database/rotate-credentials',
    });
    await waitFor(() => expect(button).toBeDisabled());
    expect(screen.getAllByTitle('You may not start runs')).toHaveLength(2);
  });

  it('shows resources, deployments and the runs they reference, without a run section when nothing is manual', async () => {
    await renderWith({
      getApplication: async () => ({ ...CHECKOUT, manualWorkflows: [] }),
    });
    expect(await screen.findByText('Resources')).toBeInTheDocument();
    expect(screen.getByText('Deployments')).toBeInTheDocument();
    expect(screen.getByText('dep_1')).toBeInTheDocument();
    expect(screen.queryByText('Run a workflow')).toBeNull();
    // the deployment's run once, and the run of the resource no deployment lists
    expect(screen.getByRole('link', { name: 'run_db' })).toHaveAttribute(
      'href',
      '/gantry/runs/run_db',
    );
    const cacheRun = screen.getByRole('link', { name: 'run_cache' });
    expect(
      within(cacheRun.closest('tr')!).getByText('resource cache'),
    ).toBeInTheDocument();
  });

  it('explains how to deploy an application Gantry does not know', async () => {
    await renderWith({ getApplication: async () => undefined });
    expect(
      await screen.findByText(
        'checkout-service has not been deployed through Gantry yet',
      ),
    ).toBeInTheDocument();
  });
});
