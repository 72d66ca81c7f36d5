import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  MockPermissionApi,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { SWRConfig } from 'swr';
import { Approval, GantryApi, gantryApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { ApprovalsTab } from './ApprovalsTab';

const SHIP: Approval = {
  id: 'apr_1',
  tenant: 'acme',
  subject: {
    kind: 'run_step',
    id: 'run_42:ship',
    runId: 'run_42',
    stepId: 'ship',
  },
  runId: 'run_42',
  stepId: 'ship',
  message: 'Ship release 1.0.1?',
  approvers: ['group:default/release-managers'],
  requiredApprovals: 2,
  status: 'pending',
  requestedBy: 'user:default/alice',
  decisions: [
    {
      by: 'user:default/carol',
      decision: 'approve',
      at: '2026-01-01T10:00:00Z',
    },
  ],
  expiresAt: '2026-01-02T10:00:00Z',
  createdAt: '2026-01-01T09:00:00Z',
};

function conflict(message: string) {
  return Object.assign(new Error('Request failed with 409 Conflict'), {
    statusCode: 409,
    cause: new Error(message),
  });
}

function renderWith(
  api: Partial<GantryApi>,
  result: AuthorizeResult.ALLOW | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [
          gantryApiRef,
          {
            getTenancy: async () => ({ user: 'u', tenants: ['acme'] }),
            ...api,
          } as GantryApi,
        ],
        [permissionApiRef, new MockPermissionApi(() => result)],
      ]}
    >
      {/* a cache per render: usePermission keeps decisions in SWR's cache */}
      <SWRConfig value={{ provider: () => new Map() }}>
        <ApprovalsTab />
      </SWRConfig>
    </TestApiProvider>,
    { mountedRoutes: { '/gantry': rootRouteRef } },
  );
}

describe('ApprovalsTab', () => {
  it('lists what waits for the user with the context of each request', async () => {
    await renderWith({ getInbox: async () => ({ items: [SHIP] }) });
    const row = (await screen.findByText('Ship release 1.0.1?')).closest('tr')!;
    expect(within(row).getByRole('link', { name: 'run_42' })).toHaveAttribute(
      'href',
      '/gantry/runs/run_42',
    );
    expect(within(row).getByText('ship')).toBeInTheDocument();
    expect(within(row).getByText('user:default/alice')).toBeInTheDocument();
    expect(
      within(row).getByText('group:default/release-managers'),
    ).toBeInTheDocument();
    expect(within(row).getByText('1 of 2')).toBeInTheDocument();
  });

  it('links a promotion request to the promotion with its diff', async () => {
    const promotion: Approval = {
      ...SHIP,
      id: 'apr_2',
      subject: { kind: 'promotion', id: 'prom_7' },
      runId: undefined,
      stepId: undefined,
      message: 'Promote billing-sync from staging to production (high risk)?',
    };
    await renderWith({ getInbox: async () => ({ items: [promotion] }) });
    const row = (await screen.findByText(/Promote billing-sync/)).closest(
      'tr',
    )!;
    expect(
      within(row).getByRole('link', { name: 'promotion prom_7' }),
    ).toHaveAttribute('href', '/gantry/environments/promotions/prom_7');
  });

  it('links a drift action to its incident', async () => {
    const drift: Approval = {
      ...SHIP,
      id: 'apr_3',
      subject: { kind: 'drift_action', id: 'inc_4/extend_ttl' },
      runId: undefined,
      stepId: undefined,
      message:
        'extend ttl drift incident "Drift in production: deploy" by 24 h?',
    };
    await renderWith({ getInbox: async () => ({ items: [drift] }) });
    const row = (await screen.findByText(/extend ttl drift incident/)).closest(
      'tr',
    )!;
    expect(
      within(row).getByRole('link', { name: 'extend ttl incident inc_4' }),
    ).toHaveAttribute('href', '/gantry/environments/drift/incidents/inc_4');
  });

  it('posts the decision with the comment typed in the dialog, then refreshes', async () => {
    const decideApproval = jest.fn(async () => ({
      ...SHIP,
      status: 'approved' as const,
    }));
    const getInbox = jest
      .fn()
      .mockResolvedValueOnce({ items: [SHIP] })
      .mockResolvedValue({ items: [] });
    await renderWith({ getInbox, decideApproval });
    const row = (await screen.findByText('Ship release 1.0.1?')).closest('tr')!;
    fireEvent.click(within(row).getByRole('button', { name: 'Approve' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText('Comment (optional)'), {
      target: { value: 'LGTM, ship it' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Approve' }));
    await waitFor(() =>
      expect(decideApproval).toHaveBeenCalledWith(
        'apr_1',
        'approve',
        'LGTM, ship it',
      ),
    );
    expect(
      await screen.findByText('Nothing waits for your decision.'),
    ).toBeInTheDocument();
  });

  it('says who decided first when the decision lost the race (409)', async () => {
    await renderWith({
      getInbox: async () => ({ items: [SHIP] }),
      decideApproval: async () => {
        throw conflict('approval apr_1 was already denied by user:default/bob');
      },
      getApproval: async () => ({
        ...SHIP,
        status: 'denied',
        decidedBy: 'user:default/bob',
      }),
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Deny' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Deny' }));
    expect(
      await within(dialog).findByText(
        'Already decided by user:default/bob (denied).',
      ),
    ).toBeInTheDocument();
  });

  it('shows the reason when the user may not decide (403)', async () => {
    await renderWith({
      getInbox: async () => ({ items: [SHIP] }),
      decideApproval: async () => {
        throw Object.assign(new Error('Request failed with 403'), {
          statusCode: 403,
          cause: new Error('you may not decide your own request'),
        });
      },
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Approve' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Approve' }));
    expect(
      await within(dialog).findByText(/you may not decide your own request/),
    ).toBeInTheDocument();
  });

  it('hides the decision buttons from users who may not decide', async () => {
    await renderWith(
      { getInbox: async () => ({ items: [SHIP] }) },
      AuthorizeResult.DENY,
    );
    expect(
      await screen.findByText('waiting for an approver'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Approve' }),
    ).not.toBeInTheDocument();
  });

  it('explains an empty inbox', async () => {
    await renderWith({ getInbox: async () => ({ items: [] }) });
    expect(
      await screen.findByText('Nothing waits for your decision.'),
    ).toBeInTheDocument();
  });

  it('shows the history with the decisions and their comments', async () => {
    const listApprovals = jest.fn(async () => ({
      items: [
        {
          ...SHIP,
          status: 'denied' as const,
          decisions: [
            {
              by: 'user:default/bob',
              decision: 'deny' as const,
              comment: 'not on a Friday',
              at: '2026-01-01T11:00:00Z',
            },
          ],
          decidedBy: 'user:default/bob',
          decidedAt: '2026-01-01T11:00:00Z',
        },
      ],
    }));
    await renderWith({ getInbox: async () => ({ items: [] }), listApprovals });
    fireEvent.click(await screen.findByRole('tab', { name: 'History' }));
    expect(
      await screen.findByText('user:default/bob: deny — not on a Friday'),
    ).toBeInTheDocument();
    expect(screen.getByText('denied')).toBeInTheDocument();
    expect(listApprovals).toHaveBeenCalledWith(
      expect.objectContaining({ status: undefined, cursor: undefined }),
    );
  });
});
