import { screen } from '@testing-library/react';
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
import { rootRouteRef } from '../../routes';
import { WorkflowPage } from './WorkflowPage';

const HELLO = `name: hello-world
description: My first secure workflow
inputs:
  name: { type: string, default: "Developer" }
steps:
  - id: greet
    type: shell
    command: "echo 'Hello {{ inputs.name }}!'"
`;

const api: Partial<GantryApi> = {
  getProvider: async () => ({
    name: 'examples',
    tags: [],
    healthy: true,
    errors: [],
    workflows: [
      {
        name: 'hello-world',
        file: 'hello-world.yaml',
        definition: HELLO,
        errors: [],
      },
    ],
  }),
  listRuns: async () => ({ items: [] }),
};

function renderAs(result: AuthorizeResult.ALLOW | AuthorizeResult.DENY) {
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
            path="/gantry/providers/:provider/workflows/:workflow"
            element={<WorkflowPage />}
          />
        </Routes>
      </SWRConfig>
    </TestApiProvider>,
    {
      routeEntries: ['/gantry/providers/examples/workflows/hello-world'],
      mountedRoutes: { '/gantry': rootRouteRef },
    },
  );
}

describe('WorkflowPage', () => {
  it('shows the form for its inputs, the source and an enabled Run button', async () => {
    await renderAs(AuthorizeResult.ALLOW);
    expect(
      await screen.findByText('My first secure workflow'),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('input name')).toBeInTheDocument();
    expect(screen.getByText('default Developer')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Run' })).toBeEnabled();
    expect(
      screen.getByText(/No runs of this workflow yet/),
    ).toBeInTheDocument();
  });

  it('disables Run for users who may not start runs, and says why', async () => {
    await renderAs(AuthorizeResult.DENY);
    await screen.findByText('My first secure workflow');
    expect(screen.getByRole('button', { name: 'Run' })).toBeDisabled();
    expect(
      screen.getByText('You may read this workflow but not start runs.'),
    ).toBeInTheDocument();
  });
});
