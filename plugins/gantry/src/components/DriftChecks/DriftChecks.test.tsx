import { fireEvent, screen, waitFor } from '@testing-library/react';
import { DriftCheck } from '../../api/DriftApi';
import { renderDrift } from '../__testUtils__/renderDrift';
import { DriftChecks } from './DriftChecks';

jest.setTimeout(30_000);

const CHECK: DriftCheck = {
  id: 'drift_1',
  tenant: 'default',
  environmentId: 'env_production',
  environmentName: 'production',
  trigger: 'schedule',
  status: 'drift',
  checkedWorkflows: 4,
  drifted: [
    { name: 'deploy', kind: 'modified', changes: [], patch: '' },
    { name: 'hotfix', kind: 'unexpected', changes: [], patch: '' },
  ],
  incidentId: 'inc_1',
  checkedBy: 'gantry',
  checkedAt: '2026-01-02T09:00:00Z',
};

describe('DriftChecks', () => {
  it("lists an environment's checks with their incident and checks on demand", async () => {
    const listChecks = jest.fn(async () => ({ items: [CHECK] }));
    const checkNow = jest.fn(async () => CHECK);
    await renderDrift(<DriftChecks environmentId="env_production" />, {
      api: { listChecks, checkNow },
    });
    expect(
      await screen.findByText('deploy (modified), hotfix (unexpected)'),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'inc_1' })).toHaveAttribute(
      'href',
      '/gantry/environments/drift/incidents/inc_1',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Check now' }));
    await waitFor(() =>
      expect(checkNow).toHaveBeenCalledWith('env_production', {
        tenant: undefined,
      }),
    );
    await waitFor(() => expect(listChecks).toHaveBeenCalledTimes(2));
  });
});
