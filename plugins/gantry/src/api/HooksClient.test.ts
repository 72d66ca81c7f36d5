import { HooksClient } from './HooksClient';

describe('HooksClient', () => {
  it('calls the hook routes of the chosen tenant and pages runs by cursor', async () => {
    const calls: Array<{ url: string; method?: string; body?: unknown }> = [];
    const client = new HooksClient({
      discoveryApi: { getBaseUrl: async () => 'http://backend/api/gantry' },
      fetchApi: {
        fetch: async (url: any, init?: RequestInit) => {
          calls.push({
            url: String(url),
            method: init?.method,
            body: init?.body ? JSON.parse(String(init.body)) : undefined,
          });
          return new Response('{"items":[]}', { status: 200 });
        },
      },
    });
    await client.listHooks({ tenant: 'acme' });
    await client.setHookEnabled('hk_1', false, { tenant: 'acme' });
    await client.listHookRuns({ status: 'failed', cursor: 'hkr_9' });
    await client.getHookRun('hkr_1');
    expect(calls).toEqual([
      {
        url: 'http://backend/api/gantry/admin/workflows?tenant=acme',
        method: 'GET',
      },
      {
        url: 'http://backend/api/gantry/admin/workflows/disable?tenant=acme',
        method: 'POST',
        body: { id: 'hk_1' },
      },
      {
        url: 'http://backend/api/gantry/admin/workflow-runs?limit=25&status=failed&cursor=hkr_9',
        method: 'GET',
      },
      {
        url: 'http://backend/api/gantry/admin/workflow-runs/get?id=hkr_1',
        method: 'GET',
      },
    ]);
  });
});
