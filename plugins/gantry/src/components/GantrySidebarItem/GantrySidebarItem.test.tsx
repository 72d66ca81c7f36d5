import { screen, waitFor } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { SvgIcon } from '@material-ui/core';
import { GantryApi, gantryApiRef } from '../../api';
import { GantrySidebarItem } from './GantrySidebarItem';

const Icon = () => <SvgIcon />;

function renderWith(api: Partial<GantryApi>) {
  return renderInTestApp(
    <TestApiProvider apis={[[gantryApiRef, api as GantryApi]]}>
      <GantrySidebarItem icon={Icon} />
    </TestApiProvider>,
  );
}

describe('GantrySidebarItem', () => {
  it('shows how many approvals wait for the user', async () => {
    await renderWith({ countPendingApprovals: async () => 3 });
    expect(await screen.findByText('3')).toBeInTheDocument();
    expect(screen.getByTitle('3 approvals wait for you')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Gantry' })).toHaveAttribute(
      'href',
      '/gantry',
    );
  });

  it('shows no number when nothing waits or the count fails', async () => {
    const count = jest.fn(async () => {
      throw new Error('forbidden');
    });
    await renderWith({ countPendingApprovals: count });
    await waitFor(() => expect(count).toHaveBeenCalled());
    expect(screen.getByRole('link', { name: 'Gantry' })).toBeInTheDocument();
    expect(screen.queryByTitle(/approvals wait for you/)).toBeNull();
  });
});
