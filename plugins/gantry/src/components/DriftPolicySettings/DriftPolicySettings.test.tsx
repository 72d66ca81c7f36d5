import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { ResponseError } from '@backstage/errors';
import { DEFAULT_DRIFT_POLICY } from '@internal/plugin-gantry-common';
import { DriftApi, DriftPolicy } from '../../api/DriftApi';
import { renderDrift } from '../__testUtils__/renderDrift';
import { EnvironmentsRoutes } from '../EnvironmentsRoutes';

jest.setTimeout(30_000);

const AT = '/gantry/environments/drift/policy';

describe('DriftPolicySettings', () => {
  it('saves the edited policy with its ignore rules and approvals', async () => {
    const savePolicy = jest.fn<
      ReturnType<DriftApi['savePolicy']>,
      Parameters<DriftApi['savePolicy']>
    >(async p => p as DriftPolicy);
    await renderDrift(<EnvironmentsRoutes />, {
      api: { getPolicy: async () => DEFAULT_DRIFT_POLICY, savePolicy },
      at: AT,
    });
    const critical = await screen.findByLabelText('TTL critical (hours)');
    expect(critical).toHaveValue(24);
    fireEvent.change(critical, { target: { value: '12' } });
    fireEvent.click(screen.getByLabelText('Block promotions on active drift'));
    fireEvent.click(screen.getByRole('button', { name: 'Add rule' }));
    fireEvent.change(screen.getByLabelText('Workflow'), {
      target: { value: 'billing-*' },
    });
    fireEvent.change(screen.getByLabelText('JSON pointers'), {
      target: { value: '/settings/timezone\n/meta' },
    });
    fireEvent.click(screen.getByLabelText('Close'));
    fireEvent.change(screen.getByLabelText('Approvers'), {
      target: { value: 'group:default/platform, user:default/ada' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Save policy' }));
    await waitFor(() => expect(savePolicy).toHaveBeenCalled());
    expect(savePolicy.mock.calls[0][0]).toEqual({
      ...DEFAULT_DRIFT_POLICY,
      ttlHours: { ...DEFAULT_DRIFT_POLICY.ttlHours, critical: 12 },
      blockPromotionsOnActiveDrift: true,
      ignoreDifferences: [
        {
          workflow: 'billing-*',
          jsonPointers: ['/settings/timezone', '/meta'],
        },
      ],
      approvals: {
        actions: ['close'],
        approvers: ['group:default/platform', 'user:default/ada'],
        requiredApprovals: 1,
      },
    });
  });

  it("shows the server's reason for refusing a value", async () => {
    const refusal = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: {
            name: 'InputError',
            message:
              'invalid drift policy: ignoreDifferences.0.jsonPointers.0: a JSON pointer such as /settings/timezone',
          },
          response: { statusCode: 400 },
        }),
        { status: 400, headers: { 'content-type': 'application/json' } },
      ) as any,
    );
    await renderDrift(<EnvironmentsRoutes />, {
      api: {
        getPolicy: async () => DEFAULT_DRIFT_POLICY,
        savePolicy: async () => {
          throw refusal;
        },
      },
      at: AT,
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Save policy' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'a JSON pointer such as /settings/timezone',
    );
  });

  it('is read-only for those who may not manage drift', async () => {
    await renderDrift(<EnvironmentsRoutes />, {
      api: { getPolicy: async () => DEFAULT_DRIFT_POLICY },
      at: AT,
      allow: false,
    });
    expect(await screen.findByLabelText('TTL low (hours)')).toBeDisabled();
    expect(screen.queryByRole('button', { name: 'Save policy' })).toBeNull();
    expect(
      within(screen.getByRole('tablist')).getByRole('tab', { name: 'Drift' }),
    ).toHaveAttribute('aria-selected', 'true');
  });
});
