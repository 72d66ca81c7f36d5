import { fireEvent, screen, waitFor } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { ApplicationSummary, GantryApi, gantryApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { ApplicationsTab } from './ApplicationsTab';

const app = (name: string, product?: string): ApplicationSummary => ({
  tenant: 'default',
  name,
  product,
  updatedAt: '2026-01-01T09:00:00Z',
});

function renderWith(api: Partial<GantryApi>) {
  return renderInTestApp(
    <TestApiProvider apis={[[gantryApiRef, api as GantryApi]]}>
      <ApplicationsTab />
    </TestApiProvider>,
    { mountedRoutes: { '/gantry': rootRouteRef } },
  );
}

describe('ApplicationsTab', () => {
  it('lists applications linking to their pages and loads the next page by cursor', async () => {
    const listApplications = jest.fn(async (query?: { cursor?: string }) =>
      query?.cursor
        ? { items: [app('inventory')] }
        : {
            items: [app('billing', 'payments'), app('checkout-service')],
            nextCursor: 'checkout-service',
          },
    );
    await renderWith({ listApplications });

    expect(
      await screen.findByRole('link', { name: 'checkout-service' }),
    ).toHaveAttribute('href', '/gantry/applications/checkout-service');
    expect(screen.getByText('payments')).toBeInTheDocument();
    expect(screen.queryByText('inventory')).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    expect(
      await screen.findByRole('link', { name: 'inventory' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'billing' })).toBeInTheDocument();
    expect(listApplications).toHaveBeenLastCalledWith({
      cursor: 'checkout-service',
      limit: 25,
    });
    await waitFor(() =>
      expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull(),
    );
  });

  it('filters the loaded applications by name', async () => {
    await renderWith({
      listApplications: async () => ({
        items: [app('billing'), app('checkout-service')],
      }),
    });
    fireEvent.change(await screen.findByLabelText('Search by name'), {
      target: { value: 'CHECK' },
    });
    expect(
      screen.getByRole('link', { name: 'checkout-service' }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'billing' })).toBeNull();

    fireEvent.change(screen.getByLabelText('Search by name'), {
      target: { value: 'nothing' },
    });
    expect(
      screen.getByText(/No application's name contains/),
    ).toBeInTheDocument();
  });

  it('explains how applications get here when there are none', async () => {
    await renderWith({ listApplications: async () => ({ items: [] }) });
    expect(await screen.findByText('No applications yet')).toBeInTheDocument();
    expect(screen.getByText('gantry deploy score.yaml')).toBeInTheDocument();
    expect(
      screen.getByText(/New service with a PostgreSQL database/),
    ).toBeInTheDocument();
  });
});
