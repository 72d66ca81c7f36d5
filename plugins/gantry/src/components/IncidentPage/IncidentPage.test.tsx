import {
  act,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import { ResponseError } from '@backstage/errors';
import { DriftApi, DriftIncident } from '../../api/DriftApi';
import {
  fakeSignals,
  incident,
  renderDrift,
} from '../__testUtils__/renderDrift';
import { EnvironmentsRoutes } from '../EnvironmentsRoutes';

jest.setTimeout(30_000);

const AT = '/gantry/environments/drift/incidents/inc_1';

const button = (name: string) => screen.getByRole('button', { name });

async function refusal(status: number, message: string) {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name: 'ConflictError', message },
        response: { statusCode: status },
      }),
      { status, headers: { 'content-type': 'application/json' } },
    ) as any,
  );
}

describe('IncidentPage', () => {
  it('shows the header, the lifecycle, what drifted and the history', async () => {
    await renderDrift(<EnvironmentsRoutes />, {
      api: {
        getIncident: async () =>
          incident({ owner: 'user:default/ada', ticketRef: 'OPS-7' }),
      },
      at: AT,
    });
    expect(
      await screen.findByText('Drift in production: deploy'),
    ).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Drift' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    expect(
      within(screen.getByTestId('incident-state')).getByText('detected'),
    ).toBeInTheDocument();
    expect(screen.getByText('OPS-7')).toBeInTheDocument();
    expect(screen.getByTestId('ttl')).toHaveTextContent('expires in 5 h');

    const drift = screen.getByRole('region', { name: 'Drift of deploy' });
    const changes = within(drift).getByRole('table', {
      name: 'Changes of deploy',
    });
    expect(within(changes).getByText('/settings/timezone')).toBeInTheDocument();
    expect(within(changes).getByText('UTC')).toBeInTheDocument();
    expect(within(changes).getByText('Europe/Paris')).toBeInTheDocument();
    const diff = within(drift).getByRole('table', {
      name: 'Side-by-side diff',
    });
    expect(
      diff.querySelector('[data-side="left"][data-kind="removed"]'),
    ).toHaveTextContent('"timezone": "UTC"');
    expect(
      diff.querySelector('[data-side="right"][data-kind="added"]'),
    ).toHaveTextContent('"timezone": "Europe/Paris"');
    expect(
      within(screen.getByRole('list', { name: 'Incident history' })).getByText(
        'gantry',
      ),
    ).toBeInTheDocument();
  });

  it('enables only the actions the state allows', async () => {
    await renderDrift(<EnvironmentsRoutes />, {
      api: { getIncident: async () => incident({ state: 'ACKNOWLEDGED' }) },
      at: AT,
    });
    await screen.findByText('Drift in production: deploy');
    expect(button('Acknowledge')).toBeDisabled();
    expect(button('Close')).toBeDisabled();
    expect(button('Stabilize')).toBeEnabled();
    expect(button('Reconcile')).toBeEnabled();
    expect(button('Extend TTL')).toBeEnabled();
  });

  it('reconciles with the chosen resolution', async () => {
    const actOnIncident = jest.fn<
      ReturnType<DriftApi['actOnIncident']>,
      Parameters<DriftApi['actOnIncident']>
    >(async () => ({
      incident: incident({ state: 'RECONCILED', resolution: 'revert' }),
    }));
    await renderDrift(<EnvironmentsRoutes />, {
      api: {
        getIncident: async () => incident({ state: 'STABILIZED' }),
        actOnIncident,
      },
      at: AT,
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Reconcile' }));
    const dialog = await screen.findByRole('dialog');
    const submit = within(dialog).getByRole('button', { name: 'Reconcile' });
    expect(submit).toBeDisabled();
    expect(
      within(dialog).getByText(/Put back the version Gantry deployed/),
    ).toBeInTheDocument();
    fireEvent.click(within(dialog).getByRole('radio', { name: /revert/ }));
    fireEvent.change(within(dialog).getByLabelText('Note'), {
      target: { value: 'hand edit' },
    });
    fireEvent.click(submit);
    await waitFor(() =>
      expect(actOnIncident).toHaveBeenCalledWith(
        'inc_1',
        'reconcile',
        expect.objectContaining({ resolution: 'revert', note: 'hand edit' }),
        { tenant: undefined },
      ),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(
      within(screen.getByTestId('incident-state')).getByText('reconciled'),
    ).toBeInTheDocument();
    expect(button('Close')).toBeEnabled();
    expect(button('Reconcile')).toBeDisabled();
  });

  it('says an action waits for approval and links to the inbox', async () => {
    const waiting: DriftIncident = incident({
      pendingApproval: { id: 'appr_1', action: 'acknowledge' },
    });
    await renderDrift(<EnvironmentsRoutes />, {
      api: {
        getIncident: async () => incident(),
        actOnIncident: async () => ({
          incident: waiting,
          approval: { id: 'appr_1' } as any,
        }),
      },
      at: AT,
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Acknowledge' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText('Owner'), {
      target: { value: 'user:default/ada' },
    });
    fireEvent.click(
      within(dialog).getByRole('button', { name: 'Acknowledge' }),
    );
    const notice = await screen.findByTestId('pending-approval');
    expect(notice).toHaveTextContent('Waiting for approval: acknowledge');
    expect(
      within(notice).getByRole('link', { name: 'approval inbox' }),
    ).toHaveAttribute('href', '/gantry/approvals');
    expect(button('Extend TTL')).toBeDisabled();
  });

  it("shows the server's reason when it refuses a transition", async () => {
    const error = await refusal(
      409,
      'cannot extend_ttl incident inc_1 in state DETECTED: expired',
    );
    await renderDrift(<EnvironmentsRoutes />, {
      api: {
        getIncident: async () => incident(),
        actOnIncident: async () => {
          throw error;
        },
      },
      at: AT,
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Extend TTL' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Extend TTL' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'cannot extend_ttl incident inc_1 in state DETECTED: expired',
    );
  });

  it('shows no actions to those who may not manage drift', async () => {
    await renderDrift(<EnvironmentsRoutes />, {
      api: { getIncident: async () => incident() },
      at: AT,
      allow: false,
    });
    await screen.findByText('Drift in production: deploy');
    expect(screen.queryByRole('button', { name: 'Acknowledge' })).toBeNull();
  });

  it('reloads when the backend signals a change of this incident', async () => {
    const signals = fakeSignals();
    let state: DriftIncident['state'] = 'ACKNOWLEDGED';
    await renderDrift(<EnvironmentsRoutes />, {
      api: { getIncident: async () => incident({ state }) },
      at: AT,
      signals: signals.api,
    });
    const chip = await screen.findByTestId('incident-state');
    expect(chip).toHaveTextContent('acknowledged');
    // an approver reconciled it from the inbox
    state = 'RECONCILED';
    await act(async () =>
      signals.send('gantry:drift', { incidentId: 'inc_9' }),
    );
    expect(screen.getByTestId('incident-state')).toHaveTextContent(
      'acknowledged',
    );
    await act(async () =>
      signals.send('gantry:drift', { incidentId: 'inc_1' }),
    );
    await waitFor(() =>
      expect(screen.getByTestId('incident-state')).toHaveTextContent(
        'reconciled',
      ),
    );
  });
});
