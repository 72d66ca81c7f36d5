import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { EnvironmentsApi, Snapshot } from '../../api/EnvironmentsApi';
import { renderEnvironments } from '../__testUtils__/renderEnvironments';
import { SnapshotsList } from './SnapshotsList';

const snapshot = (id: string, extra: Partial<Snapshot>): Snapshot => ({
  id,
  tenant: 'group:default/acme',
  environmentId: 'env_production',
  kind: 'manual',
  content: [{ name: 'deploy', hash: 'aaaaaaaa1111', active: true }],
  contentHash: `${id}hash0123456789`,
  createdBy: 'user:default/ada',
  createdAt: '2026-01-02T09:00:00Z',
  ...extra,
});

const NEWER = snapshot('snap_2', {
  kind: 'post_promotion',
  createdAt: '2026-01-03T09:00:00Z',
  gitCommit: '0123456789abcdef',
});
const OLDER = snapshot('snap_1', { note: 'before the migration' });

function api(overrides: Partial<EnvironmentsApi> = {}) {
  return {
    listSnapshots: jest.fn(async () => ({ items: [NEWER, OLDER] })),
    previewRestore: jest.fn(async () => ({
      changes: [
        { name: 'deploy', definition: 'name: deploy\n', active: true },
        { name: 'cleanup', definition: null, active: false },
      ],
    })),
    restoreSnapshot: jest.fn(async () => ({
      before: snapshot('snap_3', { kind: 'pre_restore' }),
      changes: [{ name: 'deploy', definition: 'name: deploy\n', active: true }],
    })),
    compareSnapshots: jest.fn(async () => ({
      from: 'snap_1',
      to: 'snap_2',
      diff: [
        {
          name: 'cleanup',
          status: 'TARGET_ONLY' as const,
          risk: 'low' as const,
          findings: [],
          patch: '',
        },
      ],
    })),
    ...overrides,
  };
}

const render = (mock: Partial<EnvironmentsApi>, allow = true) =>
  renderEnvironments(
    <SnapshotsList
      environment={{ id: 'env_production', name: 'production' }}
    />,
    { api: mock, allow },
  );

const rowOf = async (text: string) =>
  (await screen.findByText(text)).closest('tr') as HTMLElement;

describe('SnapshotsList', () => {
  it('lists snapshots with their kind, note, short content hash and git commit', async () => {
    await render(api());
    const newer = await rowOf('post promotion');
    expect(within(newer).getByText('snap_2ha')).toBeInTheDocument();
    expect(within(newer).getByText('0123456')).toBeInTheDocument();
    const older = await rowOf('before the migration');
    expect(within(older).getByText('manual')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Take snapshot' }),
    ).toBeInTheDocument();
  });

  it('previews a restore, then restores only the chosen workflows', async () => {
    const mock = api();
    await render(mock);
    fireEvent.click(
      within(await rowOf('before the migration')).getByRole('button', {
        name: 'Restore…',
      }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(await within(dialog).findByText('deploy')).toBeInTheDocument();
    expect(within(dialog).getByText('restored')).toBeInTheDocument();
    expect(within(dialog).getByText('cleanup')).toBeInTheDocument();
    expect(
      within(dialog).getByText('removed (not in the snapshot)'),
    ).toBeInTheDocument();
    expect(mock.previewRestore).toHaveBeenCalledWith('snap_1', undefined, {
      tenant: undefined,
    });

    fireEvent.click(
      within(dialog).getByRole('checkbox', { name: 'Restore cleanup' }),
    );
    fireEvent.click(within(dialog).getByRole('button', { name: 'Restore' }));
    expect(
      await within(dialog).findByText(
        'Restored 1 workflow. What ran before is kept as snapshot snap_3.',
      ),
    ).toBeInTheDocument();
    expect(mock.restoreSnapshot).toHaveBeenCalledWith('snap_1', ['deploy'], {
      tenant: undefined,
    });
    await waitFor(() => expect(mock.listSnapshots).toHaveBeenCalledTimes(2));
  });

  it('compares a snapshot with the one before it', async () => {
    const mock = api();
    await render(mock, false);
    fireEvent.click(
      within(await rowOf('post promotion')).getByRole('button', {
        name: 'Compare with…',
      }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(await within(dialog).findByText('removed')).toBeInTheDocument();
    expect(mock.compareSnapshots).toHaveBeenCalledWith('snap_1', 'snap_2', {
      tenant: undefined,
    });
    // reading only: no restore or snapshot for those not allowed to manage
    expect(
      screen.queryByRole('button', { name: 'Take snapshot', hidden: true }),
    ).toBeNull();
  });
});
