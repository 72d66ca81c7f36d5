import { screen } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { GantryApi, gantryApiRef } from '../../api';
import { GantryPage } from './GantryPage';

function renderWith(api: Partial<GantryApi>) {
  return renderInTestApp(
    <TestApiProvider apis={[[gantryApiRef, api as GantryApi]]}>
      <GantryPage />
    </TestApiProvider>,
  );
}

describe('GantryPage', () => {
  it('shows the database the backend runs on and its migrations', async () => {
    await renderWith({
      getHealth: async () => ({
        status: 'ok',
        database: {
          client: 'better-sqlite3',
          migrations: { applied: ['a.js', 'b.js'], pending: [] },
        },
      }),
    });
    expect(await screen.findByText('better-sqlite3')).toBeInTheDocument();
    expect(screen.getByText('Gantry')).toBeInTheDocument();
    expect(screen.getByText('2')).toBeInTheDocument();
  });

  it('shows the error when the backend cannot be reached', async () => {
    await renderWith({
      getHealth: async () => {
        throw new Error('backend unreachable');
      },
    });
    expect(
      await screen.findByText('Error: backend unreachable'),
    ).toBeInTheDocument();
  });
});
