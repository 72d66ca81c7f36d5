import { DriftClient } from './DriftClient';

function clientRecording(
  answer: { status: number; body: unknown } = { status: 200, body: {} },
) {
  const calls: Array<{ url: string; method?: string; body?: unknown }> = [];
  const client = new DriftClient({
    discoveryApi: { getBaseUrl: async () => 'http://backend/api/gantry' },
    fetchApi: {
      fetch: async (url: any, init?: RequestInit) => {
        calls.push({
          url: String(url),
          method: init?.method,
          body: init?.body ? JSON.parse(String(init.body)) : undefined,
        });
        return new Response(JSON.stringify(answer.body), {
          status: answer.status,
          headers: { 'content-type': 'application/json' },
        });
      },
    },
  });
  return { client, calls };
}

describe('DriftClient', () => {
  it('filters and pages incidents in the chosen tenant', async () => {
    const { client, calls } = clientRecording();
    await client.listIncidents({
      tenant: 'acme',
      state: 'open',
      severity: 'high',
      environment: 'prod 1',
      cursor: 'inc_9',
    });
    await client.getSummary();
    await client.listChecks('env_1', { cursor: 'chk_2' });
    expect(calls.map(c => c.url)).toEqual([
      'http://backend/api/gantry/drift/incidents?limit=25&tenant=acme&state=open&severity=high&environment=prod+1&cursor=inc_9',
      'http://backend/api/gantry/drift/summary',
      'http://backend/api/gantry/environments/env_1/drift/checks?limit=25&cursor=chk_2',
    ]);
  });

  it('posts incident actions with their input and reads a waiting approval', async () => {
    const { client, calls } = clientRecording({
      status: 202,
      body: { incident: { id: 'inc_1' }, approval: { id: 'appr_1' } },
    });
    const answer = await client.actOnIncident('inc_1', 'reconcile', {
      resolution: 'revert',
      note: 'put it back',
    });
    await client.actOnIncident('inc_1', 'extend_ttl', { hours: 12 });
    expect(answer.approval?.id).toBe('appr_1');
    expect(calls).toEqual([
      {
        method: 'POST',
        url: 'http://backend/api/gantry/drift/incidents/inc_1/reconcile',
        body: { resolution: 'revert', note: 'put it back' },
      },
      {
        method: 'POST',
        url: 'http://backend/api/gantry/drift/incidents/inc_1/extend_ttl',
        body: { hours: 12 },
      },
    ]);
  });

  it('surfaces the reason of a refused transition', async () => {
    const { client } = clientRecording({
      status: 409,
      body: {
        error: {
          name: 'ConflictError',
          message: 'cannot close incident inc_1 in state DETECTED',
        },
        response: { statusCode: 409 },
      },
    });
    await expect(client.actOnIncident('inc_1', 'close')).rejects.toMatchObject({
      statusCode: 409,
      cause: {
        message: 'cannot close incident inc_1 in state DETECTED',
      },
    });
  });

  it('starts a selective sync, follows its log by cursor and onboards workflows', async () => {
    const { client, calls } = clientRecording();
    await client.startSync('env_1', ['workflows', 'tags'], { tenant: 'acme' });
    await client.getSyncJob('sync_1', 7);
    await client.getSyncJob('sync_1');
    await client.onboard('env_1');
    await client.onboard('env_1', ['deploy']);
    await client.savePolicy({ slaWarningHours: 2 });
    expect(calls).toEqual([
      {
        method: 'POST',
        url: 'http://backend/api/gantry/environments/env_1/sync?tenant=acme',
        body: { scopes: ['workflows', 'tags'] },
      },
      {
        method: 'GET',
        url: 'http://backend/api/gantry/sync-jobs/sync_1?after=7',
        body: undefined,
      },
      {
        method: 'GET',
        url: 'http://backend/api/gantry/sync-jobs/sync_1',
        body: undefined,
      },
      {
        method: 'POST',
        url: 'http://backend/api/gantry/environments/env_1/onboard',
        body: {},
      },
      {
        method: 'POST',
        url: 'http://backend/api/gantry/environments/env_1/onboard',
        body: { workflows: ['deploy'] },
      },
      {
        method: 'PUT',
        url: 'http://backend/api/gantry/drift/policy',
        body: { slaWarningHours: 2 },
      },
    ]);
  });
});
