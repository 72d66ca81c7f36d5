import { GantryClient } from './GantryClient';

function clientRecording() {
  const calls: Array<{ url: string; method?: string }> = [];
  const client = new GantryClient({
    discoveryApi: { getBaseUrl: async () => 'http://backend/api/gantry' },
    fetchApi: {
      fetch: async (url: any, init?: RequestInit) => {
        calls.push({ url: String(url), method: init?.method });
        return new Response(JSON.stringify({ items: [], id: 'run_1' }), {
          status: 200,
        });
      },
    },
  });
  return { client, calls };
}

describe('GantryClient', () => {
  it("starts an application's manual workflow with the chosen profile", async () => {
    const { client, calls } = clientRecording();
    await client.runManualWorkflow(
      'checkout-service',
      'database',
      'rotate-credentials',
      'plan_only',
    );
    expect(calls).toEqual([
      {
        method: 'POST',
        url: 'http://backend/api/gantry/applications/checkout-service/workflows/database/rotate-credentials/runs?profile=plan_only',
      },
    ]);
  });

  it('filters runs by provider and approvals by approver', async () => {
    const { client, calls } = clientRecording();
    await client.listRuns({ provider: 'postgres', limit: 20 });
    await client.listApprovals({
      status: 'pending',
      approver: 'group:default/database-team',
    });
    expect(calls.map(c => c.url)).toEqual([
      'http://backend/api/gantry/runs?provider=postgres&limit=20',
      'http://backend/api/gantry/approvals?limit=50&status=pending&approver=group%3Adefault%2Fdatabase-team',
    ]);
  });

  it('pages through applications and their deployments by cursor', async () => {
    const { client, calls } = clientRecording();
    await client.listApplications({ cursor: 'billing' });
    await client.listDeployments('checkout service', { cursor: 'dep_9' });
    expect(calls.map(c => c.url)).toEqual([
      'http://backend/api/gantry/applications?limit=25&cursor=billing',
      'http://backend/api/gantry/applications/checkout%20service/deployments?limit=10&cursor=dep_9',
    ]);
  });
});
