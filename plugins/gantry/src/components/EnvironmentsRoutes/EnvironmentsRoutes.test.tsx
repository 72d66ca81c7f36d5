import { fireEvent, screen, within } from '@testing-library/react';
import { EnvironmentsApi, Promotion } from '../../api/EnvironmentsApi';
import {
  environment,
  MAIN_PIPELINE,
  renderEnvironments,
} from '../__testUtils__/renderEnvironments';
import { EnvironmentsRoutes } from './EnvironmentsRoutes';

const DEV = environment('dev', 'dev', { deploy: 'aaaaaaaa1111' });
const STAGING = environment('staging', 'staging');
const PRODUCTION = environment('production', 'production', {
  deploy: 'bbbbbbbb2222',
});
const ALL = [DEV, STAGING, PRODUCTION];

const PROMOTION: Promotion = {
  id: 'prom_1',
  tenant: 'group:default/acme',
  pipelineId: 'pipe_main',
  stage: 1,
  sourceEnvironmentId: 'env_staging',
  targetEnvironmentId: 'env_production',
  workflows: ['deploy'],
  status: 'COMPLETED',
  diff: [],
  gates: [],
  risk: 'medium',
  force: false,
  results: [{ name: 'deploy', status: 'applied' }],
  createdBy: 'user:default/ada',
  createdAt: '2026-01-02T09:00:00Z',
  updatedAt: '2026-01-02T09:00:00Z',
};

const api: Partial<EnvironmentsApi> = {
  listEnvironments: async () => ({ items: ALL, adapters: ['builtin'] }),
  getEnvironment: async id => ALL.find(e => e.id === id || e.name === id)!,
  listPipelines: async () => ({ items: [MAIN_PIPELINE] }),
  listSnapshots: async () => ({ items: [] }),
  listPromotions: async () => ({ items: [PROMOTION] }),
  getPromotion: async () => PROMOTION,
};

const render = (at: string) =>
  renderEnvironments(<EnvironmentsRoutes />, { api, at });

describe('EnvironmentsRoutes', () => {
  it("shows an environment's page with its workflows, snapshots and promotions", async () => {
    await render('/gantry/environments/production');
    expect(await screen.findByText('Snapshots')).toBeInTheDocument();
    expect(
      screen.getByText('Promotions from or to production'),
    ).toBeInTheDocument();
    expect(screen.getByText('bbbbbbbb')).toBeInTheDocument();
    expect(
      screen.getByRole('tab', { name: 'Environments & matrix' }),
    ).toHaveAttribute('aria-selected', 'true');
  });

  it('draws the pipelines with their gates, approval and soak time', async () => {
    await render('/gantry/environments');
    fireEvent.click(await screen.findByRole('tab', { name: 'Pipelines' }));
    const stage = (await screen.findByText('stage 2')).closest(
      '[data-stage]',
    ) as HTMLElement;
    expect(stage).toHaveAttribute('data-stage', 'staging->production');
    expect(within(stage).getByText('target healthy')).toBeInTheDocument();
    expect(within(stage).getByText('risk at most medium')).toBeInTheDocument();
    expect(
      within(stage).getByText('approval: 2 of group:default/platform'),
    ).toBeInTheDocument();
    expect(
      within(stage).getByText('soak 30 min in staging'),
    ).toBeInTheDocument();
    expect(
      within(stage).getByRole('link', { name: 'promote this stage' }),
    ).toHaveAttribute(
      'href',
      '/gantry/environments/promote?pipeline=main&stage=1',
    );
    expect(screen.getByText('force on conflicts allowed')).toBeInTheDocument();
  });

  it('lists promotions with their status and links to each', async () => {
    await render('/gantry/environments/promotions');
    const link = await screen.findByRole('link', { name: 'prom_1' });
    expect(link).toHaveAttribute(
      'href',
      '/gantry/environments/promotions/prom_1',
    );
    const row = link.closest('tr') as HTMLElement;
    expect(within(row).getByText('completed')).toBeInTheDocument();
    expect(within(row).getByText('medium risk')).toBeInTheDocument();
    expect(
      await within(row).findByRole('link', { name: 'production' }),
    ).toHaveAttribute('href', '/gantry/environments/production');

    fireEvent.click(link);
    expect(await screen.findByText('staging → production')).toBeInTheDocument();
    expect(screen.getByRole('table', { name: 'Results' })).toBeInTheDocument();
  });
});
