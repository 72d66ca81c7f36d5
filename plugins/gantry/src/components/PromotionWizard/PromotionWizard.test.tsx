import { fireEvent, screen, within } from '@testing-library/react';
import {
  EnvironmentsApi,
  Promotion,
  PromotionPreview,
  PromotionRequest,
} from '../../api/EnvironmentsApi';
import {
  environment,
  MAIN_PIPELINE,
  renderEnvironments,
} from '../__testUtils__/renderEnvironments';
import { PromotionWizard } from './PromotionWizard';

const STAGING = environment('staging', 'staging', {
  backup: 'cccccccc3333',
  deploy: 'aaaaaaaa1111',
  cleanup: 'dddddddd4444',
});

const PATCH = [
  '===================================================================',
  '--- deploy.yaml\tproduction',
  '+++ deploy.yaml\tstaging',
  '@@ -1,3 +1,3 @@',
  ' name: deploy',
  '-image: app:1.0',
  '+image: app:2.0',
  ' steps: []',
  '',
].join('\n');

function preview(force?: boolean): PromotionPreview {
  return {
    source: 'staging',
    target: 'production',
    risk: 'high',
    blocked: !force,
    diff: [
      {
        name: 'backup',
        status: 'TARGET_HOTFIX',
        sourceHash: 'cccccccc3333',
        targetHash: '99999999',
        risk: 'medium',
        findings: [{ risk: 'medium', what: 'schedule changed' }],
        patch: '',
      },
      {
        name: 'deploy',
        status: 'MODIFIED',
        sourceHash: 'aaaaaaaa1111',
        targetHash: 'bbbbbbbb2222',
        risk: 'high',
        findings: [{ risk: 'high', what: 'step deploy: image changed' }],
        patch: PATCH,
      },
    ],
    gates: [
      {
        gate: 'noTargetHotfixConflicts',
        passed: Boolean(force),
        reason: force
          ? 'hotfixes in backup will be overwritten (allowed)'
          : 'backup changed directly in production (TARGET_HOTFIX)',
      },
      {
        gate: 'targetEnvironmentHealthy',
        passed: true,
        reason: 'production is healthy',
      },
    ],
  };
}

const promotion = (
  status: Promotion['status'],
  extra: Partial<Promotion> = {},
): Promotion => ({
  id: 'prom_1',
  tenant: 'group:default/acme',
  pipelineId: 'pipe_main',
  stage: 1,
  sourceEnvironmentId: 'env_staging',
  targetEnvironmentId: 'env_production',
  workflows: ['backup', 'deploy'],
  status,
  diff: [],
  gates: [],
  force: true,
  results: [],
  createdBy: 'user:default/ada',
  createdAt: '2026-01-02T09:00:00Z',
  updatedAt: '2026-01-02T09:00:00Z',
  ...extra,
});

function api(overrides: Partial<EnvironmentsApi> = {}) {
  return {
    listPipelines: async () => ({ items: [MAIN_PIPELINE] }),
    getEnvironment: jest.fn(async () => STAGING),
    previewPromotion: jest.fn(async (r: PromotionRequest) => preview(r.force)),
    startPromotion: jest.fn(async () => promotion('PENDING_APPROVAL')),
    getPromotion: jest.fn(async () => promotion('PENDING_APPROVAL')),
    ...overrides,
  };
}

const heading = (name: string) => screen.findByRole('heading', { name });

/** Steps 1 and 2: stage staging → production, without cleanup. */
async function toReview() {
  expect(await heading('Choose the stage')).toBeInTheDocument();
  fireEvent.click(screen.getByRole('radio', { name: /staging → production/ }));
  fireEvent.click(screen.getByRole('button', { name: 'Next' }));

  expect(await heading('Select workflows')).toBeInTheDocument();
  const boxes = await screen.findAllByRole('checkbox');
  expect(boxes.map(b => (b as HTMLInputElement).checked)).toEqual([
    true,
    true,
    true,
  ]);
  fireEvent.click(screen.getByRole('checkbox', { name: /cleanup/ }));
  fireEvent.click(screen.getByRole('button', { name: 'Next' }));
  expect(await heading('Review the changes')).toBeInTheDocument();
}

describe('PromotionWizard', () => {
  it('walks to the preview: statuses, risks, findings, gates and the side-by-side diff', async () => {
    const mock = api();
    await renderEnvironments(<PromotionWizard />, { api: mock });
    await toReview();

    const table = await screen.findByRole('table', {
      name: 'Workflow changes',
    });
    const row = (name: string) =>
      table.querySelector(`tr[data-workflow="${name}"]`) as HTMLElement;
    expect(within(row('deploy')).getByText('modified')).toBeInTheDocument();
    expect(within(row('deploy')).getByText('high risk')).toBeInTheDocument();
    expect(
      within(row('deploy')).getByText('high: step deploy: image changed'),
    ).toBeInTheDocument();
    expect(
      within(row('backup')).getByText('target hotfix'),
    ).toBeInTheDocument();
    expect(within(row('backup')).getByText('medium risk')).toBeInTheDocument();
    expect(mock.previewPromotion).toHaveBeenCalledWith(
      {
        pipeline: 'main',
        stage: 1,
        workflows: ['backup', 'deploy'],
        force: undefined,
      },
      { tenant: undefined },
    );

    const gates = screen.getByRole('list', { name: 'Gates' });
    const failing = gates.querySelector(
      '[data-gate="noTargetHotfixConflicts"]',
    ) as HTMLElement;
    expect(within(failing).getByText('✘')).toBeInTheDocument();
    expect(
      within(failing).getByText(
        'backup changed directly in production (TARGET_HOTFIX)',
      ),
    ).toBeInTheDocument();
    const passing = gates.querySelector(
      '[data-gate="targetEnvironmentHealthy"]',
    ) as HTMLElement;
    expect(within(passing).getByText('✔')).toBeInTheDocument();

    fireEvent.click(
      screen.getByRole('button', { name: 'Show diff of deploy' }),
    );
    const diff = screen.getByRole('table', { name: 'Side-by-side diff' });
    expect(within(diff).getByText('production (now)')).toBeInTheDocument();
    expect(within(diff).getByText('staging (incoming)')).toBeInTheDocument();
    expect(within(diff).getByText('image: app:1.0')).toHaveAttribute(
      'data-kind',
      'removed',
    );
    expect(within(diff).getByText('image: app:1.0')).toHaveAttribute(
      'data-side',
      'left',
    );
    expect(within(diff).getByText('image: app:2.0')).toHaveAttribute(
      'data-kind',
      'added',
    );
    expect(within(diff).getByText('image: app:2.0')).toHaveAttribute(
      'data-side',
      'right',
    );
    expect(within(diff).getAllByText('name: deploy')).toHaveLength(2);
  });

  it('promotes the selection with force once ticked and says it waits for approval', async () => {
    const mock = api();
    await renderEnvironments(<PromotionWizard />, { api: mock });
    await toReview();

    fireEvent.click(await screen.findByRole('checkbox', { name: /Force/ }));
    expect(
      await screen.findByText(
        'hotfixes in backup will be overwritten (allowed)',
      ),
    ).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Promote' }));

    expect(await heading('Result')).toBeInTheDocument();
    expect(mock.startPromotion).toHaveBeenCalledWith(
      {
        pipeline: 'main',
        stage: 1,
        workflows: ['backup', 'deploy'],
        force: true,
      },
      { tenant: undefined },
    );
    expect(
      screen.getByText(/Waiting for approval in the inbox/),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'open the approvals' }),
    ).toHaveAttribute('href', '/gantry/approvals');
    expect(screen.getByText('pending approval')).toBeInTheDocument();
  });

  it('follows the promotion until it completes and lists what it applied', async () => {
    const getPromotion = jest
      .fn()
      .mockResolvedValueOnce(promotion('RUNNING'))
      .mockResolvedValue(
        promotion('COMPLETED', {
          results: [
            { name: 'backup', status: 'applied' },
            { name: 'deploy', status: 'failed', error: 'adapter timed out' },
          ],
        }),
      );
    const mock = api({
      startPromotion: jest.fn(async () => promotion('PENDING')),
      getPromotion,
    });
    await renderEnvironments(<PromotionWizard pollMs={10} />, { api: mock });
    await toReview();
    fireEvent.click(await screen.findByRole('button', { name: 'Promote' }));

    const results = await screen.findByRole('table', { name: 'Results' });
    expect(within(results).getByText('applied')).toBeInTheDocument();
    expect(within(results).getByText('adapter timed out')).toBeInTheDocument();
    expect(screen.getByText('completed')).toBeInTheDocument();
    expect(getPromotion).toHaveBeenCalledTimes(2);
  });

  it('shows why a promotion failed', async () => {
    const mock = api({
      startPromotion: jest.fn(async () =>
        promotion('FAILED', { error: 'blocked by noTargetHotfixConflicts' }),
      ),
    });
    await renderEnvironments(<PromotionWizard />, { api: mock });
    await toReview();
    fireEvent.click(await screen.findByRole('button', { name: 'Promote' }));
    expect(
      await screen.findByText('blocked by noTargetHotfixConflicts'),
    ).toBeInTheDocument();
    expect(mock.getPromotion).not.toHaveBeenCalled();
  });
});
