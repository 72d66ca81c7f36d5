import {
  act,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import { DriftApi, SyncJob, SyncLogLine } from '../../api/DriftApi';
import { fakeSignals, renderDrift } from '../__testUtils__/renderDrift';
import { EnvironmentSync } from './EnvironmentSync';
import { SyncProgress } from './SyncProgress';

jest.setTimeout(30_000);

function job(overrides: Partial<SyncJob> = {}): SyncJob {
  return {
    id: 'sync_1',
    tenant: 'default',
    environmentId: 'env_production',
    scopes: ['workflows', 'tags'],
    status: 'running',
    progress: { done: 0, total: 4 },
    counts: {},
    adopted: 0,
    requestedBy: 'user:default/ada',
    createdAt: '2026-01-02T09:00:00Z',
    ...overrides,
  };
}

const line = (seq: number, message: string): SyncLogLine => ({
  seq,
  at: '2026-01-02T09:00:00Z',
  message,
});

describe('EnvironmentSync', () => {
  it('starts a selective sync and shows its progress and log until it finishes', async () => {
    const pages = [
      {
        job: job({ progress: { done: 1, total: 4 } }),
        logs: [line(1, 'reading workflows')],
      },
      {
        job: job({
          progress: { done: 4, total: 4 },
          status: 'succeeded',
          counts: { workflows: 3, tags: 2 },
          finishedAt: '2026-01-02T09:00:05Z',
        }),
        logs: [line(2, '3 workflows, 1 adopted'), line(3, '2 tags')],
      },
      {
        job: job({
          progress: { done: 4, total: 4 },
          status: 'succeeded',
          counts: { workflows: 3, tags: 2 },
          finishedAt: '2026-01-02T09:00:05Z',
        }),
        logs: [],
      },
    ];
    const getSyncJob = jest.fn<
      ReturnType<DriftApi['getSyncJob']>,
      Parameters<DriftApi['getSyncJob']>
    >(
      async () =>
        pages.shift() ??
        pages[pages.length - 1] ?? {
          job: job({ status: 'succeeded' }),
          logs: [],
        },
    );
    const startSync = jest.fn(async () => job({ status: 'pending' }));
    const getInventory = jest.fn(async () => ({
      credentials: [
        { name: 'slack', type: 'slackApi', usedBy: ['notify', 'deploy'] },
      ],
      tags: ['billing'],
      executions: [
        { externalId: 'x1', workflowName: 'deploy', status: 'succeeded' },
      ],
      syncedAt: '2026-01-02T09:00:05Z',
    }));
    let listed: SyncJob[] = [];
    await renderDrift(
      <EnvironmentSync
        environmentId="env_production"
        environmentName="production"
      />,
      {
        api: {
          startSync,
          getSyncJob,
          getInventory,
          listSyncJobs: async () => ({ items: listed }),
        },
      },
    );
    expect(await screen.findByText('slackApi')).toBeInTheDocument();
    expect(screen.getByText('notify, deploy')).toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: 'Sync' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.click(
      within(dialog).getByRole('checkbox', { name: /credentials/ }),
    );
    fireEvent.click(
      within(dialog).getByRole('checkbox', { name: /executions/ }),
    );
    listed = [job({ status: 'pending' })];
    fireEvent.click(within(dialog).getByRole('button', { name: 'Start sync' }));
    await waitFor(() =>
      expect(startSync).toHaveBeenCalledWith(
        'env_production',
        ['workflows', 'tags'],
        {
          tenant: undefined,
        },
      ),
    );

    await waitFor(() =>
      expect(screen.getByTestId('sync-log')).toHaveTextContent(
        'reading workflows',
      ),
    );
    await waitFor(() =>
      expect(screen.getByTestId('sync-log')).toHaveTextContent(
        '3 workflows, 1 adopted 2 tags',
      ),
    );
    expect(screen.getByTestId('sync-count')).toHaveTextContent('4 of 4');
    // the log is read on from the last line seen
    await waitFor(() =>
      expect(getSyncJob.mock.calls.map(c => c[1])).toEqual([0, 1, 3]),
    );
    // the inventory is read again once the job is done
    await waitFor(() => expect(getInventory).toHaveBeenCalledTimes(2));
  });

  it('refreshes at once when the backend signals news of the job', async () => {
    const signals = fakeSignals();
    let page = {
      job: job({ progress: { done: 0, total: 2 } }),
      logs: [] as SyncLogLine[],
    };
    const getSyncJob = jest.fn(async () => page);
    await renderDrift(<SyncProgress jobId="sync_1" />, {
      api: { getSyncJob },
      signals: signals.api,
    });
    expect(await screen.findByTestId('sync-count')).toHaveTextContent('0 of 2');
    await waitFor(() => expect(getSyncJob).toHaveBeenCalledTimes(1));
    page = {
      job: job({ progress: { done: 2, total: 2 }, status: 'succeeded' }),
      logs: [line(1, 'done')],
    };
    // another job's news changes nothing
    await act(async () => signals.send('gantry:sync', { jobId: 'sync_2' }));
    expect(getSyncJob).toHaveBeenCalledTimes(1);
    await act(async () => signals.send('gantry:sync', { jobId: 'sync_1' }));
    expect(getSyncJob).toHaveBeenCalledTimes(2);
    expect(await screen.findByText('done')).toBeInTheDocument();
    expect(screen.getByTestId('sync-count')).toHaveTextContent('2 of 2');
  });

  it('hides the Sync button from those who may not manage environments', async () => {
    await renderDrift(
      <EnvironmentSync
        environmentId="env_production"
        environmentName="production"
      />,
      {
        api: {
          listSyncJobs: async () => ({ items: [] }),
          getInventory: async () => ({
            credentials: [],
            tags: [],
            executions: [],
          }),
        },
        allow: false,
      },
    );
    expect(await screen.findByText(/Not synced yet/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Sync' })).toBeNull();
  });
});
