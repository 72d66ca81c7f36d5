import { EnvironmentsClient } from './EnvironmentsClient';

function clientRecording() {
  const calls: Array<{ url: string; method?: string; body?: unknown }> = [];
  const client = new EnvironmentsClient({
    discoveryApi: { getBaseUrl: async () => 'http://backend/api/gantry' },
    fetchApi: {
      fetch: async (url: any, init?: RequestInit) => {
        calls.push({
          url: String(url),
          method: init?.method,
          body: init?.body ? JSON.parse(String(init.body)) : undefined,
        });
        return new Response(JSON.stringify({ items: [] }), { status: 200 });
      },
    },
  });
  return { client, calls };
}

describe('EnvironmentsClient', () => {
  it('scopes calls to the chosen tenant and pages snapshots by cursor', async () => {
    const { client, calls } = clientRecording();
    await client.listEnvironments({ tenant: 'acme' });
    await client.listSnapshots('env 1', { cursor: 'snap_9' });
    await client.compareSnapshots('snap_1', 'snap_2');
    expect(calls.map(c => c.url)).toEqual([
      'http://backend/api/gantry/environments?tenant=acme',
      'http://backend/api/gantry/environments/env%201/snapshots?limit=25&cursor=snap_9',
      'http://backend/api/gantry/snapshots/snap_1/compare/snap_2',
    ]);
  });

  it('previews a restore before restoring and posts promotions with their selection', async () => {
    const { client, calls } = clientRecording();
    await client.previewRestore('snap_1', ['deploy']);
    await client.restoreSnapshot('snap_1');
    await client.startPromotion({
      pipeline: 'main',
      stage: 1,
      workflows: ['deploy'],
      force: true,
    });
    expect(calls).toEqual([
      {
        method: 'POST',
        url: 'http://backend/api/gantry/snapshots/snap_1/restore',
        body: { workflows: ['deploy'], preview: true },
      },
      {
        method: 'POST',
        url: 'http://backend/api/gantry/snapshots/snap_1/restore',
        body: {},
      },
      {
        method: 'POST',
        url: 'http://backend/api/gantry/promotions',
        body: {
          pipeline: 'main',
          stage: 1,
          workflows: ['deploy'],
          force: true,
        },
      },
    ]);
  });
});
