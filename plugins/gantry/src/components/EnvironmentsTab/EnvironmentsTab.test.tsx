import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { EnvironmentsApi } from '../../api/EnvironmentsApi';
import {
  environment,
  MAIN_PIPELINE,
  renderEnvironments,
} from '../__testUtils__/renderEnvironments';
import { EnvironmentsTab } from './EnvironmentsTab';

const DEV = environment('dev', 'dev', {
  deploy: 'aaaaaaaa1111',
  backup: 'cccccccc3333',
  'smoke-test': 'eeeeeeee5555',
});
const STAGING = environment('staging', 'staging', {
  deploy: 'aaaaaaaa1111',
  'smoke-test': 'ffffffff6666',
});
const PRODUCTION = {
  ...environment('production', 'production', {
    deploy: 'bbbbbbbb2222',
    backup: 'cccccccc3333',
  }),
  backupCron: '0 3 * * *',
};
const ALL = [PRODUCTION, DEV, STAGING];

function api(
  overrides: Partial<EnvironmentsApi> = {},
): Partial<EnvironmentsApi> {
  return {
    // listed out of pipeline order on purpose
    listEnvironments: async () => ({
      items: ALL,
      adapters: ['builtin', 'n8n'],
    }),
    getEnvironment: async id => ALL.find(e => e.id === id || e.name === id)!,
    listPipelines: async () => ({ items: [MAIN_PIPELINE] }),
    ...overrides,
  };
}

const cellState = (workflow: string) => {
  const row = screen
    .getByRole('table', { name: 'Workflow matrix' })
    .querySelector(`tr[data-workflow="${workflow}"]`)!;
  return Array.from(row.querySelectorAll('td')).map(td => [
    td.getAttribute('data-state'),
    td.textContent,
  ]);
};

describe('EnvironmentsTab', () => {
  it('marks each workflow in sync, different or missing against the previous environment of the pipeline', async () => {
    await renderEnvironments(<EnvironmentsTab />, { api: api() });
    const matrix = await screen.findByRole('table', {
      name: 'Workflow matrix',
    });

    // columns follow the pipeline, not the order of the list
    expect(
      within(matrix)
        .getAllByRole('columnheader')
        .map(h => h.textContent),
    ).toEqual(['Workflow', 'dev', 'staging', 'production']);

    expect(cellState('deploy')).toEqual([
      ['origin', 'aaaaaaaa'],
      ['in_sync', 'aaaaaaaain sync'],
      ['different', 'bbbbbbbbdifferent'],
    ]);
    expect(cellState('backup')).toEqual([
      ['origin', 'cccccccc'],
      ['missing', 'missing'],
      ['different', 'ccccccccdifferent'],
    ]);
    expect(cellState('smoke-test')).toEqual([
      ['origin', 'eeeeeeee'],
      ['different', 'ffffffffdifferent'],
      ['missing', 'missing'],
    ]);
  });

  it('shows each environment as a card and checks its health on demand', async () => {
    const checkHealth = jest.fn(async () => ({
      ...PRODUCTION,
      health: 'unhealthy' as const,
      healthMessage: 'connection refused',
    }));
    await renderEnvironments(<EnvironmentsTab />, {
      api: api({ checkHealth }),
    });

    await screen.findByRole('table', { name: 'Workflow matrix' });
    const card = document.querySelector(
      '[data-environment="production"]',
    ) as HTMLElement;
    expect(
      within(card).getByRole('link', { name: 'production' }),
    ).toHaveAttribute('href', '/gantry/environments/production');
    expect(within(card).getByText('0 3 * * *')).toBeInTheDocument();
    expect(within(card).getByText('Workflows: 2')).toBeInTheDocument();
    expect(within(card).getByText('unknown')).toBeInTheDocument();

    fireEvent.click(
      within(card).getByRole('button', {
        name: /Check now: health of production/,
      }),
    );
    expect(
      await within(card).findByText('connection refused'),
    ).toBeInTheDocument();
    expect(within(card).getByText('unhealthy')).toBeInTheDocument();
    expect(checkHealth).toHaveBeenCalledWith('env_production', {
      tenant: undefined,
    });
  });

  it('offers a new environment only to those allowed, and shows why the connection test failed', async () => {
    const createEnvironment = jest.fn(async () => {
      throw Object.assign(new Error('Request failed with 400 Bad Request'), {
        cause: { message: 'connection test failed: ECONNREFUSED' },
      });
    });
    await renderEnvironments(<EnvironmentsTab />, {
      api: api({ createEnvironment }),
    });
    fireEvent.click(
      await screen.findByRole('button', { name: 'New environment' }),
    );
    const dialog = screen.getByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText(/Name/), {
      target: { value: 'qa' },
    });
    fireEvent.change(within(dialog).getByLabelText(/Secrets/), {
      target: { value: 'API_TOKEN=abc=def' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create' }));

    expect(
      await within(dialog).findByText('connection test failed: ECONNREFUSED'),
    ).toBeInTheDocument();
    expect(createEnvironment).toHaveBeenCalledWith(
      {
        name: 'qa',
        class: 'dev',
        adapter: 'builtin',
        settings: undefined,
        secrets: { API_TOKEN: 'abc=def' },
        gitUrl: undefined,
        driftMode: 'alert',
        backupCron: undefined,
      },
      { tenant: undefined },
    );
  });

  it('hides the new environment button from everyone else', async () => {
    await renderEnvironments(<EnvironmentsTab />, { api: api(), allow: false });
    await screen.findByRole('table', { name: 'Workflow matrix' });
    await waitFor(() =>
      expect(
        screen.queryByRole('button', { name: 'New environment' }),
      ).toBeNull(),
    );
  });
});
