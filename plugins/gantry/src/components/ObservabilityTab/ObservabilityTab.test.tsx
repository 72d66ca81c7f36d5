import { fireEvent, screen, waitFor } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  AnalyticsSummary,
  gantryObservabilityApiRef,
  ObservabilityApi,
} from '../../api/ObservabilityApi';
import { ObservabilityTab } from './ObservabilityTab';

// material-table renders slowly on a shared 2-core machine
jest.setTimeout(30_000);

const FIGURES = {
  runs: 12,
  succeeded: 9,
  failed: 3,
  cancelled: 0,
  successRate: 0.75,
  avgDurationMs: 1458.3,
  p50DurationMs: 600,
  p95DurationMs: 7000,
};

function summary(window: any, runs = 12): AnalyticsSummary {
  return {
    tenant: 'group:default/acme',
    window,
    from: '2026-11-29T10:00:00Z',
    to: '2026-11-30T10:00:00Z',
    current: { ...FIGURES, runs },
    previous: { ...FIGURES, runs: 5, successRate: 1, failed: 0 },
    deltas: {
      runsPct: 140,
      successRatePoints: -25,
      avgDurationPct: 143,
      p95DurationPct: 600,
      failuresPct: null,
    },
    status: 'critical',
    failingWorkflows: 2,
    insights: [{ severity: 'critical', message: 'Success rate is 75.0%' }],
    bucketMs: 3600_000,
    series: [0, 2, 10].map((n, i) => ({
      start: `2026-11-30T0${i}:00:00Z`,
      runs: n,
      failed: 0,
      successRate: n ? 1 : null,
      avgDurationMs: n ? 500 : null,
    })),
  };
}

const page = (window: any, items: any[]) => ({
  window,
  items,
  total: items.length,
});

function api(overrides: Partial<ObservabilityApi> = {}): ObservabilityApi {
  return {
    getSummary: jest.fn(async ({ window }) => summary(window)),
    listEnvironmentHealth: async () => ({
      items: [
        {
          ...FIGURES,
          environment: 'prod',
          status: 'degraded',
          health: 'healthy',
          lastRunStatus: 'succeeded',
          lastRunAt: '2026-11-30T09:00:00Z',
        },
      ],
    }),
    listErrorGroups: async ({ window }) =>
      page(window, [
        {
          id: 'g1',
          pattern: 'connection to <n>:<n> timed out',
          sample: 'connection to 10.0.0.9:5432 timed out',
          count: 2,
          firstSeen: '2026-11-30T09:00:00Z',
          lastSeen: '2026-11-30T09:30:00Z',
          affectedWorkflows: 1,
          workflows: ['deploy'],
        },
      ]),
    listWorkflowAnalytics: async ({ window }) =>
      page(window, [
        { ...FIGURES, workflow: 'deploy', lastRunAt: '2026-11-30T09:00:00Z' },
      ]),
    listChannels: async () => ({
      items: [
        {
          id: 'nc_1',
          tenant: 'group:default/acme',
          name: 'ops-webhook',
          type: 'webhook',
          config: { url: 'https://hooks.example.com/x' },
          secretNames: ['secret'],
          enabled: true,
          createdBy: 'user:default/ada',
          createdAt: '2026-11-30T09:00:00Z',
          updatedAt: '2026-11-30T09:00:00Z',
        },
      ],
    }),
    listRules: async () => ({ items: [] }),
    listDeliveries: async () => ({ items: [] }),
    testChannel: jest.fn(async () => ({ status: 'sent' } as any)),
    ...overrides,
  } as ObservabilityApi;
}

const renderWith = (impl: ObservabilityApi) =>
  renderInTestApp(
    <TestApiProvider apis={[[gantryObservabilityApiRef, impl]]}>
      <ObservabilityTab />
    </TestApiProvider>,
  );

describe('ObservabilityTab', () => {
  it('shows KPIs with deltas and trends, environments, error groups and workflows', async () => {
    const impl = api();
    await renderWith(impl);
    expect(await screen.findByLabelText('Total runs')).toHaveTextContent('12');
    expect(screen.getByLabelText('Success rate')).toHaveTextContent('75.0%');
    expect(screen.getByLabelText('p95 duration')).toHaveTextContent('7.0 s');
    expect(screen.getByText('+140% vs previous')).toBeInTheDocument();
    expect(screen.getByText('-25 pts vs previous')).toBeInTheDocument();
    expect(
      screen.getByRole('img', { name: 'Total runs trend' }),
    ).toBeInTheDocument();
    expect(screen.getByText(/Success rate is 75.0%/)).toBeInTheDocument();
    expect(
      await screen.findByText('connection to <n>:<n> timed out'),
    ).toBeInTheDocument();
    expect(screen.getByText('prod')).toBeInTheDocument();
    expect(screen.getByText('deploy')).toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: '7d' }));
    await waitFor(() =>
      expect(impl.getSummary).toHaveBeenLastCalledWith({ window: '7d' }),
    );
  });

  it('says what to do when nothing ran, and tests a channel', async () => {
    const impl = api({
      getSummary: async ({ window }) => summary(window, 0),
      listErrorGroups: async ({ window }) => page(window, []),
      listWorkflowAnalytics: async ({ window }) => page(window, []),
      listEnvironmentHealth: async () => ({ items: [] }),
    });
    await renderWith(impl);
    expect(
      await screen.findByText(/No runs finished in the last 24h/),
    ).toBeInTheDocument();
    expect(screen.getByText('No errors in this window')).toBeInTheDocument();
    expect(screen.getByText('No rules yet')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Test ops-webhook' }));
    expect(await screen.findByText('sent')).toBeInTheDocument();
    expect(impl.testChannel).toHaveBeenCalledWith('nc_1');
  });
});
