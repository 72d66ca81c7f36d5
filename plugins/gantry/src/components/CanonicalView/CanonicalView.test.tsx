import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { CanonicalMatrix, DriftApi } from '../../api/DriftApi';
import { renderDrift } from '../__testUtils__/renderDrift';
import { EnvironmentsRoutes } from '../EnvironmentsRoutes';

jest.setTimeout(30_000);

const MATRIX: CanonicalMatrix = {
  environments: [
    { id: 'env_staging', name: 'staging', class: 'staging' },
    { id: 'env_production', name: 'production', class: 'production' },
  ],
  rows: [
    {
      name: 'deploy',
      canonicalHash: 'aaaaaaaa1111',
      cells: {
        staging: { status: 'linked', hash: 'aaaaaaaa1111', active: true },
        production: { status: 'drift', hash: 'bbbbbbbb2222', active: true },
      },
    },
    {
      name: 'backup',
      canonicalHash: 'cccccccc3333',
      cells: {
        staging: { status: 'out_of_date', hash: 'dddddddd4444', active: true },
        production: { status: 'missing' },
      },
    },
    {
      name: 'hotfix',
      cells: {
        production: {
          status: 'untracked',
          hash: 'eeeeeeee5555',
          active: false,
        },
      },
    },
  ],
};

function api(overrides: Partial<DriftApi> = {}): Partial<DriftApi> {
  return {
    getCanonicalSource: async () => ({
      source: {
        tenant: 'default',
        gitUrl: 'https://git.example.com/platform/workflows.git',
        ref: 'main',
        path: 'workflows',
        commit: '0123456789abcdef',
        syncedAt: '2026-01-02T09:00:00Z',
        updatedBy: 'user:default/ada',
      },
    }),
    getCanonicalMatrix: async () => MATRIX,
    listUntracked: async () => ({
      items: [
        {
          environmentId: 'env_production',
          environmentName: 'production',
          name: 'hotfix',
          hash: 'eeeeeeee5555',
          active: false,
        },
        {
          environmentId: 'env_production',
          environmentName: 'production',
          name: 'cleanup',
          hash: 'ffffffff6666',
          active: true,
        },
      ],
    }),
    ...overrides,
  };
}

const AT = '/gantry/environments/canonical';

describe('CanonicalView', () => {
  it('colours each workflow per environment and explains the colours', async () => {
    await renderDrift(<EnvironmentsRoutes />, { api: api(), at: AT });
    const matrix = await screen.findByRole('table', {
      name: 'Canonical matrix',
    });
    const statuses = (workflow: string) =>
      Array.from(
        matrix.querySelectorAll(
          `tr[data-workflow="${workflow}"] td[data-status]`,
        ),
      ).map(td => td.getAttribute('data-status'));
    expect(statuses('deploy')).toEqual(['linked', 'drift']);
    expect(statuses('backup')).toEqual(['out_of_date', 'missing']);
    expect(statuses('hotfix')).toEqual(['none', 'untracked']);
    expect(
      matrix.querySelector(
        'tr[data-workflow="deploy"] td[data-status="linked"]',
      ),
    ).toHaveStyle({ background: '#2e7d32' });
    expect(
      within(screen.getByRole('list', { name: 'Legend' })).getAllByRole(
        'listitem',
      ),
    ).toHaveLength(5);
    expect(
      screen.getByText('https://git.example.com/platform/workflows.git'),
    ).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Canonical' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
  });

  it('onboards one untracked workflow or all of an environment', async () => {
    const onboard = jest.fn(async (_env: string, workflows?: string[]) => ({
      commit: '9999999999',
      onboarded: workflows ?? ['hotfix', 'cleanup'],
    }));
    await renderDrift(<EnvironmentsRoutes />, {
      api: api({ onboard }),
      at: AT,
    });
    fireEvent.click(
      await screen.findByRole('button', {
        name: 'Onboard hotfix from production',
      }),
    );
    await waitFor(() =>
      expect(onboard).toHaveBeenCalledWith('env_production', ['hotfix'], {
        tenant: undefined,
      }),
    );
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: 'Onboard all of production' }),
      ).toBeEnabled(),
    );
    fireEvent.click(
      screen.getByRole('button', { name: 'Onboard all of production' }),
    );
    await waitFor(() =>
      expect(onboard).toHaveBeenLastCalledWith('env_production', undefined, {
        tenant: undefined,
      }),
    );
  });

  it('lets an admin set the repository when none is set', async () => {
    const setCanonicalSource = jest.fn(async () => ({
      source: {} as any,
      workflows: [],
    }));
    await renderDrift(<EnvironmentsRoutes />, {
      api: api({
        getCanonicalSource: async () => ({ source: null }),
        setCanonicalSource,
      }),
      at: AT,
    });
    expect(
      await screen.findByText('No canonical repository'),
    ).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Set repository' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText('Git URL'), {
      target: { value: 'file:///srv/canonical' },
    });
    fireEvent.click(
      within(dialog).getByRole('button', { name: 'Save and sync' }),
    );
    await waitFor(() =>
      expect(setCanonicalSource).toHaveBeenCalledWith(
        { gitUrl: 'file:///srv/canonical', ref: 'main', path: 'workflows' },
        { tenant: undefined },
      ),
    );
  });

  it('shows a sync button with a repository set', async () => {
    const syncCanonical = jest.fn(async () => ({
      source: null,
      workflows: [],
    }));
    await renderDrift(<EnvironmentsRoutes />, {
      api: api({ syncCanonical }),
      at: AT,
    });
    fireEvent.click(
      await screen.findByRole('button', { name: 'Sync from git' }),
    );
    await waitFor(() => expect(syncCanonical).toHaveBeenCalled());
  });
});
