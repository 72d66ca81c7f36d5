import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { DriftApi, DriftSummary } from '../../api/DriftApi';
import { EnvironmentsApi } from '../../api/EnvironmentsApi';
import { environment } from '../__testUtils__/renderEnvironments';
import { incident, renderDrift } from '../__testUtils__/renderDrift';
import { DriftDashboard } from './DriftDashboard';

// the first render of the incidents table is slow on a busy machine
jest.setTimeout(30_000);

const ENVIRONMENTS: Partial<EnvironmentsApi> = {
  listEnvironments: async () => ({
    items: [
      environment('staging', 'staging'),
      environment('production', 'production'),
    ],
    adapters: ['builtin'],
  }),
};

const SUMMARY: DriftSummary = {
  open: 3,
  expired: 1,
  bySeverity: { critical: 0, high: 2, medium: 1, low: 0 },
  byState: {
    DETECTED: 2,
    ACKNOWLEDGED: 1,
    STABILIZED: 0,
    RECONCILED: 0,
    CLOSED: 4,
  },
  byAge: { under1h: 1, under24h: 0, under7d: 2, older: 0 },
  lastChecks: [
    {
      environmentName: 'production',
      status: 'drift',
      checkedAt: '2026-01-02T09:00:00Z',
    },
  ],
};

const EMPTY: DriftSummary = {
  open: 0,
  expired: 0,
  bySeverity: { critical: 0, high: 0, medium: 0, low: 0 },
  byState: {
    DETECTED: 0,
    ACKNOWLEDGED: 0,
    STABILIZED: 0,
    RECONCILED: 0,
    CLOSED: 0,
  },
  byAge: { under1h: 0, under24h: 0, under7d: 0, older: 0 },
  lastChecks: [],
};

describe('DriftDashboard', () => {
  it('shows open and expired incidents, severities, ages and the incidents with their TTL', async () => {
    const listIncidents = jest.fn<
      ReturnType<DriftApi['listIncidents']>,
      Parameters<DriftApi['listIncidents']>
    >(async () => ({
      items: [
        incident(),
        incident({
          id: 'inc_2',
          title: 'Drift in staging: backup',
          environmentName: 'staging',
          severity: 'medium',
          expired: true,
          expiresAt: new Date(Date.now() - 2 * 3600_000).toISOString(),
        }),
      ],
      nextCursor: 'inc_0',
    }));
    await renderDrift(<DriftDashboard />, {
      api: { getSummary: async () => SUMMARY, listIncidents },
      environments: ENVIRONMENTS,
    });

    expect(await screen.findByText('Open incidents')).toBeInTheDocument();
    expect(
      screen.getByText('3', { selector: '[data-kpi="Open incidents"]' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('1', { selector: '[data-kpi="Expired"]' }),
    ).toBeInTheDocument();
    expect(screen.getByText('high: 2')).toHaveTextContent('high: 2');
    expect(
      within(screen.getByRole('list', { name: 'Open incidents by age' }))
        .getAllByRole('listitem')
        .map(li => li.textContent),
    ).toEqual(['under 1 h1', 'under 24 h0', 'under 7 days2', 'older0']);

    const link = await screen.findByRole('link', {
      name: 'Drift in production: deploy',
    });
    expect(link).toHaveAttribute(
      'href',
      '/gantry/environments/drift/incidents/inc_1',
    );
    const row = link.closest('tr')!;
    expect(within(row).getByTestId('ttl')).toHaveTextContent('expires in 5 h');
    const expiredRow = screen
      .getByRole('link', { name: 'Drift in staging: backup' })
      .closest('tr')!;
    expect(within(expiredRow).getByTestId('ttl')).toHaveTextContent(
      'expired 2 h ago',
    );
    expect(within(expiredRow).getByTestId('ttl')).toHaveAttribute(
      'data-expired',
      'true',
    );
    expect(listIncidents).toHaveBeenLastCalledWith(
      expect.objectContaining({ state: 'open', cursor: undefined }),
    );

    // filters go to the backend; paging continues from the cursor
    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(() =>
      expect(listIncidents).toHaveBeenLastCalledWith(
        expect.objectContaining({ cursor: 'inc_0' }),
      ),
    );
    fireEvent.mouseDown(screen.getByLabelText('Severity'));
    fireEvent.click(await screen.findByRole('option', { name: 'critical' }));
    await waitFor(() =>
      expect(listIncidents).toHaveBeenLastCalledWith(
        expect.objectContaining({ severity: 'critical', state: 'open' }),
      ),
    );
  });

  it('says no drift was found, how checks run, and checks an environment on demand', async () => {
    const checkNow = jest.fn(async (id: string) => ({
      id: 'chk_9',
      tenant: 'default',
      environmentId: id,
      environmentName: 'staging',
      trigger: 'manual' as const,
      status: 'clean' as const,
      checkedWorkflows: 3,
      drifted: [],
      checkedBy: 'user:default/ada',
      checkedAt: '2026-01-02T10:00:00Z',
    }));
    const getSummary = jest.fn(async () => EMPTY);
    await renderDrift(<DriftDashboard />, {
      api: { getSummary, checkNow, listIncidents: async () => ({ items: [] }) },
      environments: ENVIRONMENTS,
    });
    expect(await screen.findByText('No drift found')).toBeInTheDocument();
    expect(screen.getByText(/every 15 minutes/)).toBeInTheDocument();
    const staging = screen
      .getByRole('table', { name: 'Last checks' })
      .querySelector('tr[data-environment="staging"]') as HTMLElement;
    expect(within(staging).getByText('never')).toBeInTheDocument();
    fireEvent.click(
      within(staging).getByRole('button', { name: 'Check staging now' }),
    );
    await waitFor(() =>
      expect(checkNow).toHaveBeenCalledWith('env_staging', {
        tenant: undefined,
      }),
    );
    await waitFor(() => expect(getSummary).toHaveBeenCalledTimes(2));
  });

  it('hides "Check now" from those who may not manage drift', async () => {
    await renderDrift(<DriftDashboard />, {
      api: { getSummary: async () => EMPTY },
      environments: ENVIRONMENTS,
      allow: false,
    });
    expect(await screen.findByText('No drift found')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Check .* now/ })).toBeNull();
  });
});
