import { screen } from '@testing-library/react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  MockPermissionApi,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { SWRConfig } from 'swr';
import { GantryApi, gantryApiRef } from '../../api';
import { GantryPage } from './GantryPage';

const healthy: Partial<GantryApi> = {
  getHealth: async () => ({
    status: 'ok',
    database: {
      client: 'better-sqlite3',
      migrations: { applied: ['a.js', 'b.js'], pending: [] },
    },
  }),
};

function renderWith(
  api: Partial<GantryApi>,
  result: AuthorizeResult.ALLOW | AuthorizeResult.DENY = AuthorizeResult.DENY,
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
        <GantryPage />
      </SWRConfig>
    </TestApiProvider>,
  );
}

describe('GantryPage', () => {
  it('shows the database the backend runs on and its migrations', async () => {
    await renderWith(healthy);
    expect(await screen.findByText('better-sqlite3')).toBeInTheDocument();
    expect(screen.getByText('Gantry')).toBeInTheDocument();
    expect(screen.getByText('2')).toBeInTheDocument();
  });

  it('shows the error when the backend cannot be reached', async () => {
    await renderWith({
      getHealth: async () => {
        throw new Error('backend unreachable');
      },
    });
    expect(
      await screen.findByText('Error: backend unreachable'),
    ).toBeInTheDocument();
  });

  it('offers the audit log only to those allowed to read it', async () => {
    await renderWith(healthy, AuthorizeResult.ALLOW);
    expect(await screen.findByRole('tab', { name: 'Audit' })).toBeVisible();
  });

  it('hides the audit log from everyone else', async () => {
    await renderWith(healthy, AuthorizeResult.DENY);
    await screen.findByText('better-sqlite3');
    expect(screen.getByRole('tab', { name: 'Approvals' })).toBeVisible();
    expect(screen.queryByRole('tab', { name: 'Audit' })).toBeNull();
  });

  it('offers the applications and environments between runs and approvals', async () => {
    await renderWith(healthy);
    await screen.findByText('better-sqlite3');
    const tabs = screen.getAllByRole('tab').map(t => t.textContent);
    expect(
      tabs.slice(tabs.indexOf('Runs'), tabs.indexOf('Approvals') + 1),
    ).toEqual(['Runs', 'Applications', 'Environments', 'Approvals']);
  });
});
