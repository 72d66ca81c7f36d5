import { fireEvent, screen, waitFor } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { AuditEvent, GantryApi, gantryApiRef } from '../../api';
import { AuditTab } from './AuditTab';

const CHANGE: AuditEvent = {
  id: 7,
  tenant: 'acme',
  actor: 'user:default/alice',
  action: 'environment.update',
  target: 'env:prod',
  oldValue: { replicas: 2, region: 'eu' },
  newValue: { replicas: 3, region: 'eu' },
  requestId: 'req-123',
  createdAt: '2026-01-01T09:00:00Z',
};

function renderWith(api: Partial<GantryApi>) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [
          gantryApiRef,
          {
            getTenancy: async () => ({ user: 'u', tenants: ['acme'] }),
            ...api,
          } as GantryApi,
        ],
      ]}
    >
      <AuditTab />
    </TestApiProvider>,
  );
}

describe('AuditTab', () => {
  it('lists events and shows old and new value side by side on expand', async () => {
    await renderWith({ listAuditEvents: async () => ({ items: [CHANGE] }) });
    expect(await screen.findByText('environment.update')).toBeInTheDocument();
    expect(screen.getByText('user:default/alice')).toBeInTheDocument();
    expect(screen.getByText('env:prod')).toBeInTheDocument();
    fireEvent.click(screen.getByTitle('Show changes'));
    expect(await screen.findByLabelText('Old value')).toHaveTextContent(
      '"replicas": 2',
    );
    expect(screen.getByLabelText('New value')).toHaveTextContent(
      '"replicas": 3',
    );
    expect(screen.getByText(/request req-123/)).toBeInTheDocument();
  });

  it('passes the filters to the API', async () => {
    const listAuditEvents = jest.fn(async () => ({ items: [CHANGE] }));
    await renderWith({ listAuditEvents });
    await screen.findByText('environment.update');
    fireEvent.change(screen.getByLabelText('Actor'), {
      target: { value: 'user:default/alice' },
    });
    fireEvent.change(screen.getByLabelText('Action'), {
      target: { value: 'environment.update' },
    });
    fireEvent.change(screen.getByLabelText('Search'), {
      target: { value: 'prod' },
    });
    fireEvent.change(screen.getByLabelText('From'), {
      target: { value: '2026-01-01T00:00' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    await waitFor(() =>
      expect(listAuditEvents).toHaveBeenLastCalledWith(
        expect.objectContaining({
          actor: 'user:default/alice',
          action: 'environment.update',
          q: 'prod',
          from: new Date('2026-01-01T00:00').toISOString(),
          to: undefined,
          cursor: undefined,
        }),
      ),
    );
  });

  it('pages forward with the cursor and back again', async () => {
    const listAuditEvents = jest.fn(async ({ cursor }: { cursor?: string }) =>
      cursor === '7'
        ? { items: [{ ...CHANGE, id: 6, action: 'run.cancel' }] }
        : { items: [CHANGE], nextCursor: '7' },
    );
    await renderWith({ listAuditEvents });
    await screen.findByText('environment.update');
    expect(screen.getByRole('button', { name: 'Previous' })).toBeDisabled();
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByText('run.cancel')).toBeInTheDocument();
    expect(listAuditEvents).toHaveBeenLastCalledWith(
      expect.objectContaining({ cursor: '7' }),
    );
    expect(screen.getByRole('button', { name: 'Next' })).toBeDisabled();
    fireEvent.click(screen.getByRole('button', { name: 'Previous' }));
    expect(await screen.findByText('environment.update')).toBeInTheDocument();
  });

  it('says when no event matches', async () => {
    await renderWith({ listAuditEvents: async () => ({ items: [] }) });
    expect(await screen.findByText('No events yet')).toBeInTheDocument();
  });
});
