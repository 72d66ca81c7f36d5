import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  MockPermissionApi,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { SWRConfig } from 'swr';
import {
  Approval,
  GantryApi,
  gantryApiRef,
  ProviderSummary,
  Run,
} from '../../api';
import { rootRouteRef } from '../../routes';
import { GroupGantryContent } from './GroupGantryContent';

const TEAM: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'database-team', namespace: 'default' },
  spec: { type: 'team', children: [] },
};

function provider(name: string, owner?: string): ProviderSummary {
  return { name, owner, tags: [], healthy: true, workflows: [], errors: [] };
}

const PROVIDERS = [
  {
    ...provider('postgres', 'group:default/database-team'),
    workflows: ['create-postgres'],
  },
  provider('mysql', 'database-team'),
  provider('redis', 'group:default/cache-team'),
];

function run(id: string, workflowRef: string, createdAt: string): Run {
  return {
    id,
    tenant: 'default',
    workflowName: workflowRef.split('/')[1],
    workflowRef,
    profile: 'standard',
    status: 'succeeded',
    createdBy: 'user:default/alice',
    createdAt,
    startedAt: createdAt,
    finishedAt: new Date(Date.parse(createdAt) + 72_000).toISOString(),
  };
}

const RUNS: Record<string, Run[]> = {
  postgres: [
    run('run_pg_new', 'postgres/create-postgres', '2026-01-03T10:00:00Z'),
    run('run_pg_old', 'postgres/create-postgres', '2026-01-01T10:00:00Z'),
  ],
  mysql: [run('run_my', 'mysql/create-mysql', '2026-01-02T10:00:00Z')],
};

const RESTORE: Approval = {
  id: 'apr_7',
  tenant: 'default',
  subject: {
    kind: 'run_step',
    id: 'run_pg_new:confirm',
    runId: 'run_pg_new',
    stepId: 'confirm',
  },
  message: 'Restore the orders database?',
  approvers: ['group:default/database-team'],
  requiredApprovals: 1,
  status: 'pending',
  requestedBy: 'user:default/bob',
  decisions: [],
  createdAt: '2026-01-03T10:01:00Z',
};

function renderWith(api: Partial<GantryApi>) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [
          gantryApiRef,
          {
            listProviders: async () => ({ items: PROVIDERS }),
            listRuns: async ({ provider: name }) => ({
              items: RUNS[name!] ?? [],
            }),
            listApprovals: async () => ({ items: [] }),
            ...api,
          } as GantryApi,
        ],
        [permissionApiRef, new MockPermissionApi(() => AuthorizeResult.ALLOW)],
      ]}
    >
      {/* a cache per render: usePermission keeps decisions in SWR's cache */}
      <SWRConfig value={{ provider: () => new Map() }}>
        <GroupGantryContent entity={TEAM} />
      </SWRConfig>
    </TestApiProvider>,
    { mountedRoutes: { '/gantry': rootRouteRef } },
  );
}

describe('GroupGantryContent', () => {
  it("lists the team's providers, named by ref or by bare name", async () => {
    await renderWith({});
    expect(await screen.findByText('Providers of this team')).toBeVisible();
    expect(
      screen.getByRole('link', { name: 'create-postgres' }),
    ).toHaveAttribute(
      'href',
      '/gantry/providers/postgres/workflows/create-postgres',
    );
    expect(screen.getByText('mysql')).toBeInTheDocument();
    expect(screen.queryByText('redis')).toBeNull();
  });

  it("shows the newest runs across the team's providers, linking to each run", async () => {
    const listRuns = jest.fn(async ({ provider: name }) => ({
      items: RUNS[name] ?? [],
    }));
    await renderWith({ listRuns });
    const table = (await screen.findByText('Runs of our providers')).closest(
      'table, [class*="MuiPaper"]',
    ) as HTMLElement;
    const links = await within(table).findAllByRole('link');
    expect(links.map(l => l.textContent)).toEqual([
      'run_pg_new',
      'run_my',
      'run_pg_old',
    ]);
    expect(links[0]).toHaveAttribute('href', '/gantry/runs/run_pg_new');
    const row = links[1].closest('tr')!;
    expect(within(row).getByText('mysql/create-mysql')).toBeInTheDocument();
    expect(within(row).getByText('user:default/alice')).toBeInTheDocument();
    expect(within(row).getByText('1m 12s')).toBeInTheDocument();
    expect(listRuns.mock.calls.map(([q]) => q.provider).sort()).toEqual([
      'mysql',
      'postgres',
    ]);
  });

  it('says so when the providers have not run yet', async () => {
    await renderWith({ listRuns: async () => ({ items: [] }) });
    expect(
      await screen.findByText(
        "No runs of database-team's workflows yet — run one from its page.",
      ),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('Nothing waits for this team.'),
    ).toBeInTheDocument();
  });

  it('lists what waits for the team and decides it with a comment', async () => {
    const listApprovals = jest
      .fn()
      .mockResolvedValueOnce({ items: [RESTORE] })
      .mockResolvedValue({ items: [] });
    const decideApproval = jest.fn(async () => ({
      ...RESTORE,
      status: 'approved' as const,
    }));
    await renderWith({ listApprovals, decideApproval });
    const row = (
      await screen.findByText('Restore the orders database?')
    ).closest('tr')!;
    expect(listApprovals).toHaveBeenCalledWith(
      expect.objectContaining({
        status: 'pending',
        approver: 'group:default/database-team',
      }),
    );
    expect(
      within(row).getByRole('link', { name: 'run_pg_new' }),
    ).toHaveAttribute('href', '/gantry/runs/run_pg_new');
    expect(within(row).getByText('user:default/bob')).toBeInTheDocument();
    fireEvent.click(within(row).getByRole('button', { name: 'Approve' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText('Comment (optional)'), {
      target: { value: 'restore it' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Approve' }));
    await waitFor(() =>
      expect(decideApproval).toHaveBeenCalledWith(
        'apr_7',
        'approve',
        'restore it',
      ),
    );
    expect(
      await screen.findByText('Nothing waits for this team.'),
    ).toBeInTheDocument();
  });

  it('explains how a team gets providers, and still shows what waits for it', async () => {
    await renderWith({
      listProviders: async () => ({ items: [provider('redis', 'cache-team')] }),
      listApprovals: async () => ({ items: [RESTORE] }),
    });
    expect(
      await screen.findByText('database-team publishes no providers'),
    ).toBeInTheDocument();
    expect(screen.queryByText('Runs of our providers')).toBeNull();
    expect(
      await screen.findByText('Restore the orders database?'),
    ).toBeInTheDocument();
  });
});
