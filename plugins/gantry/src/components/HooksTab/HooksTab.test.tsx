import { fireEvent, screen, waitFor } from '@testing-library/react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  MockPermissionApi,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { SWRConfig } from 'swr';
import { GantryApi, gantryApiRef } from '../../api';
import { gantryHooksApiRef, Hook, HookRun, HooksApi } from '../../api/HooksApi';
import { rootRouteRef } from '../../routes';
import { HooksTab } from './HooksTab';

const HOOK: Hook = {
  id: 'hk_1',
  tenant: 'group:default/acme',
  name: 'export-refunds',
  trigger: { event: 'order.refunded', filter: 'payload.total > 100' },
  actions: [{ type: 'export.orders' }],
  enabled: true,
  risky: true,
  approvers: ['group:default/checkout-team'],
  requiredApprovals: 1,
  createdBy: 'user:default/ada',
  updatedBy: 'user:default/ada',
  createdAt: '2026-11-30T09:00:00Z',
  updatedAt: '2026-11-30T09:00:00Z',
};

const run = (id: string, status: HookRun['status']): HookRun => ({
  id,
  tenant: HOOK.tenant,
  hookId: HOOK.id,
  hookName: HOOK.name,
  eventId: `evt_${id}`,
  eventType: 'order.refunded',
  correlationId: `evt_${id}`,
  status,
  results: [],
  createdAt: '2026-11-30T09:01:00Z',
});

function renderWith(api: Partial<HooksApi>, allow = true) {
  const gantry: Partial<GantryApi> = {
    getTenancy: async () => ({ user: 'user:default/ada', tenants: ['acme'] }),
  };
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [gantryHooksApiRef, api as HooksApi],
        [gantryApiRef, gantry as GantryApi],
        [
          permissionApiRef,
          new MockPermissionApi(() =>
            allow ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
          ),
        ],
      ]}
    >
      <SWRConfig value={{ provider: () => new Map() }}>
        <HooksTab />
      </SWRConfig>
    </TestApiProvider>,
    { mountedRoutes: { '/gantry': rootRouteRef } },
  );
}

describe('HooksTab', () => {
  it('lists hooks, disables one and pages through its runs', async () => {
    let hook = HOOK;
    const setHookEnabled = jest.fn(async (_id: string, enabled: boolean) => {
      hook = { ...hook, enabled };
      return hook;
    });
    const listHookRuns = jest.fn(async ({ cursor }: any = {}) =>
      cursor
        ? { items: [run('hkr_1', 'denied')] }
        : { items: [run('hkr_2', 'pending_approval')], nextCursor: 'hkr_2' },
    );
    await renderWith({
      listHooks: async () => ({ items: [hook] }),
      setHookEnabled,
      listHookRuns,
    });
    expect(await screen.findByText('payload.total > 100')).toBeInTheDocument();
    // the hook, and its name on each of its runs
    expect(
      (await screen.findAllByText('export-refunds')).length,
    ).toBeGreaterThan(1);
    expect(screen.getByText('export.orders')).toBeInTheDocument();
    expect(screen.getByText('required')).toBeInTheDocument();

    expect(await screen.findByText('waiting in Approvals')).toHaveAttribute(
      'href',
      '/gantry/approvals',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    expect(await screen.findByText('denied')).toBeInTheDocument();
    expect(listHookRuns).toHaveBeenLastCalledWith(
      expect.objectContaining({ cursor: 'hkr_2' }),
    );

    const toggle = screen.getByRole('checkbox', {
      name: 'Disable export-refunds',
    });
    await waitFor(() => expect(toggle).not.toBeDisabled());
    fireEvent.click(toggle);
    await waitFor(() =>
      expect(setHookEnabled).toHaveBeenCalledWith('hk_1', false, {
        tenant: undefined,
      }),
    );
    expect(
      await screen.findByRole('checkbox', { name: 'Enable export-refunds' }),
    ).not.toBeChecked();
  });

  it('keeps the switches off for users who may not manage hooks', async () => {
    await renderWith(
      {
        listHooks: async () => ({ items: [HOOK] }),
        listHookRuns: async () => ({ items: [] }),
      },
      false,
    );
    expect(
      await screen.findByRole('checkbox', { name: 'Disable export-refunds' }),
    ).toBeDisabled();
    expect(await screen.findByText('No hook runs yet')).toBeInTheDocument();
    expect(screen.getByText(/POST \/api\/gantry\/events/)).toBeInTheDocument();
  });

  it('explains what hooks are when a tenant has none', async () => {
    await renderWith({
      listHooks: async () => ({ items: [] }),
      listHookRuns: async () => ({ items: [] }),
    });
    expect(await screen.findByText('No hooks yet')).toBeInTheDocument();
    expect(
      screen.getByText(/turns a platform event .* into actions/),
    ).toBeInTheDocument();
  });
});
