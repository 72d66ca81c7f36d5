import { AdapterEnvironment } from '@internal/plugin-gantry-node';
import net from 'node:net';
import { createN8nEnvironmentAdapter } from './adapter';
import { N8nClient } from './N8nClient';
import { normaliseDefinition } from './normalise';
import { scheduleWorkflow, startN8n, StartedN8n } from './testUtils';
import { N8nWorkflow } from './upload';

jest.setTimeout(240_000);

let n8n: StartedN8n;
let env: AdapterEnvironment;
let client: N8nClient;
const adapter = createN8nEnvironmentAdapter();

beforeAll(async () => {
  n8n = await startN8n();
  env = {
    id: 'env-staging',
    name: 'staging',
    class: 'staging',
    settings: { baseUrl: n8n.baseUrl },
    secrets: { apiKey: n8n.apiKey },
  };
  client = new N8nClient({ baseUrl: n8n.baseUrl, apiKey: n8n.apiKey });
});

afterAll(async () => {
  await n8n?.stop();
});

/** The workflow as n8n itself has it. */
async function raw(name: string): Promise<N8nWorkflow> {
  const all = await client.list<N8nWorkflow>('/workflows', {
    query: { name },
  });
  const found = all.filter(w => w.name === name && !w.isArchived);
  expect(found).toHaveLength(1);
  return found[0];
}

async function live(name: string) {
  return (await adapter.readLive!(env)).find(w => w.name === name);
}

describe('testConnection', () => {
  it('connects with the API key', async () => {
    await expect(adapter.testConnection(env)).resolves.toEqual({
      ok: true,
      message: `connected to n8n at ${n8n.baseUrl}; the API key can list workflows`,
    });
    // `url` works as well as `baseUrl`
    await expect(
      adapter.testConnection({ ...env, settings: { url: n8n.baseUrl } }),
    ).resolves.toMatchObject({ ok: true });
  });

  it('says what failed: a bad key, nobody listening, a missing key, archive mode', async () => {
    const badKey = await adapter.testConnection({
      ...env,
      secrets: { apiKey: 'not-a-key' },
    });
    expect(badKey.ok).toBe(false);
    expect(badKey.message).toMatch(
      /answered 401 Unauthorized to GET \/api\/v1\/workflows: unauthorized \(the API key is wrong, expired or revoked\)/,
    );

    const closed = net.createServer();
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise(resolve => closed.close(resolve));
    const unreachable = await adapter.testConnection({
      ...env,
      settings: { baseUrl: `http://127.0.0.1:${port}` },
    });
    expect(unreachable).toEqual({
      ok: false,
      message: `cannot reach n8n at http://127.0.0.1:${port} (ECONNREFUSED) for GET /api/v1/workflows`,
    });

    await expect(
      adapter.testConnection({ ...env, secrets: {} }),
    ).resolves.toEqual({
      ok: false,
      message:
        "the n8n environment staging has no secrets.apiKey (an API key from n8n's Settings → n8n API)",
    });
    const archive = await adapter.testConnection({
      ...env,
      settings: { ...env.settings, deleteMode: 'archive' },
    });
    expect(archive.ok).toBe(false);
    expect(archive.message).toMatch(/cannot archive workflows, only delete/);
  });
});

describe('apply and readLive', () => {
  it('creates a workflow and reads back exactly the normalised text', async () => {
    const definition = scheduleWorkflow('orders-sync', {
      settings: { timezone: 'Europe/Berlin' },
    });
    await adapter.apply(env, [
      { name: 'orders-sync', definition, active: false },
    ]);
    const read = await live('orders-sync');
    expect(read).toMatchObject({
      name: 'orders-sync',
      active: false,
      externalId: expect.any(String),
      tags: [],
    });
    expect(read!.definition).toBe(normaliseDefinition(definition));
    // applying what was read back changes nothing, not even n8n's version
    const before = await raw('orders-sync');
    await adapter.apply(env, [
      { name: 'orders-sync', definition: read!.definition, active: false },
    ]);
    const after = await raw('orders-sync');
    expect(after.versionId).toBe(before.versionId);
    expect((await live('orders-sync'))!.definition).toBe(read!.definition);
  });

  it('updates from a definition full of read-only fields (an export from n8n)', async () => {
    const exported = {
      ...(await raw('orders-sync')),
      pinData: {},
      meta: { instanceId: 'elsewhere' },
      staticData: null,
      tags: [{ id: 'x', name: 'elsewhere' }],
      active: true,
    };
    const changed = JSON.parse(
      scheduleWorkflow('orders-sync', { greeting: 'hi' }),
    );
    exported.nodes = changed.nodes.map(
      (node: Record<string, unknown>, i: number) => ({
        ...node,
        id: `exported-node-${i}`,
        createdAt: '2026-01-01T00:00:00.000Z',
      }),
    );
    // and without the timezone it had
    exported.settings = { executionOrder: 'v1' };
    const definition = JSON.stringify(exported);
    await adapter.apply(env, [
      { name: 'orders-sync', definition, active: false },
    ]);
    const read = await live('orders-sync');
    expect(read!.definition).toBe(normaliseDefinition(definition));
    expect(read!.definition).toContain('"value": "hi"');
    for (const field of [
      'exported-node',
      'versionId',
      'createdAt',
      'pinData',
    ]) {
      expect(read!.definition).not.toContain(field);
    }
    // the timezone the definition no longer has is gone from n8n too
    expect((await raw('orders-sync')).settings).not.toHaveProperty('timezone');
  });

  it('activates, updates an active workflow, and deactivates', async () => {
    const v1 = scheduleWorkflow('nightly-report');
    await adapter.apply(env, [
      { name: 'nightly-report', definition: v1, active: true },
    ]);
    let n8nSide = await raw('nightly-report');
    expect(n8nSide.active).toBe(true);
    expect((await live('nightly-report'))!.active).toBe(true);
    // once active, n8n writes trigger state (staticData); it stays out
    expect((await live('nightly-report'))!.definition).toBe(
      normaliseDefinition(v1),
    );

    const v2 = scheduleWorkflow('nightly-report', { greeting: 'good night' });
    await adapter.apply(env, [
      { name: 'nightly-report', definition: v2, active: true },
    ]);
    n8nSide = await raw('nightly-report');
    expect(n8nSide.active).toBe(true);
    // the active version is the new one
    expect(n8nSide.activeVersionId).toBe(n8nSide.versionId);
    expect((await live('nightly-report'))!.definition).toBe(
      normaliseDefinition(v2),
    );

    await adapter.apply(env, [
      { name: 'nightly-report', definition: v2, active: false },
    ]);
    expect((await raw('nightly-report')).active).toBe(false);
    expect((await live('nightly-report'))!.active).toBe(false);
  });

  it('deletes on a null definition, and deleting what is gone is fine', async () => {
    await adapter.apply(env, [
      {
        name: 'short-lived',
        definition: scheduleWorkflow('short-lived'),
        active: true,
      },
    ]);
    expect(await live('short-lived')).toBeDefined();
    await adapter.apply(env, [
      { name: 'short-lived', definition: null, active: false },
    ]);
    expect(await live('short-lived')).toBeUndefined();
    await adapter.apply(env, [
      { name: 'short-lived', definition: null, active: false },
    ]);
    await expect(
      adapter.apply(
        { ...env, settings: { ...env.settings, deleteMode: 'archive' } },
        [{ name: 'orders-sync', definition: null, active: false }],
      ),
    ).rejects.toThrow(
      /could not remove the n8n workflow orders-sync in staging: n8n's public API \(1.123\) cannot archive/,
    );
    expect(await live('orders-sync')).toBeDefined();
  });

  it("throws naming the workflow and n8n's reason", async () => {
    const noTrigger = JSON.stringify({
      name: 'no-trigger',
      nodes: [
        {
          name: 'Greet',
          type: 'n8n-nodes-base.set',
          typeVersion: 3.4,
          position: [0, 0],
          parameters: {},
        },
      ],
      connections: {},
      settings: {},
    });
    await expect(
      adapter.apply(env, [
        { name: 'no-trigger', definition: noTrigger, active: true },
      ]),
    ).rejects.toThrow(
      /^could not apply and activate the n8n workflow no-trigger in staging: n8n at .* answered 400 Bad Request to POST \/api\/v1\/workflows\/\w+\/activate: Workflow "no-trigger" \(ID: \w+\) has no node to start the workflow/,
    );
    await expect(
      adapter.apply(env, [
        { name: 'not-json', definition: 'nodes: []', active: false },
      ]),
    ).rejects.toThrow(
      /could not apply the n8n workflow not-json in staging: the definition of not-json is not an n8n workflow: not JSON/,
    );
    await expect(
      adapter.apply(env, [
        {
          name: 'renamed',
          definition: scheduleWorkflow('other-name'),
          active: false,
        },
      ]),
    ).rejects.toThrow(
      /its definition names the workflow 'other-name', not 'renamed'/,
    );
  });

  it('says which settings n8n keeps that the definition drops', async () => {
    await adapter.apply(env, [
      {
        name: 'sticky-settings',
        definition: scheduleWorkflow('sticky-settings', {
          settings: { saveManualExecutions: true },
        }),
        active: false,
      },
    ]);
    await expect(
      adapter.apply(env, [
        {
          name: 'sticky-settings',
          definition: scheduleWorkflow('sticky-settings'),
          active: false,
        },
      ]),
    ).rejects.toThrow(
      /differs from the definition in settings.saveManualExecutions; n8n keeps workflow settings it already has, and its public API cannot remove them/,
    );
  });

  it("takes settings that mean 'not set' (the editor's DEFAULT, no timeout)", async () => {
    const definition = scheduleWorkflow('editor-export', {
      settings: {
        saveManualExecutions: 'DEFAULT',
        timezone: 'DEFAULT',
        executionTimeout: -1,
        saveDataErrorExecution: 'all',
      },
    });
    await adapter.apply(env, [
      { name: 'editor-export', definition, active: false },
    ]);
    expect((await raw('editor-export')).settings).toEqual({
      executionOrder: 'v1',
      saveDataErrorExecution: 'all',
      callerPolicy: 'workflowsFromSameOwner',
      availableInMCP: false,
    });
    expect((await live('editor-export'))!.definition).toBe(
      normaliseDefinition(definition),
    );
  });

  it('refuses to guess between two workflows of one name', async () => {
    const body = JSON.parse(scheduleWorkflow('twin'));
    await client.request('POST', '/workflows', { body });
    await client.request('POST', '/workflows', { body });
    await expect(
      adapter.apply(env, [
        { name: 'twin', definition: scheduleWorkflow('twin'), active: false },
      ]),
    ).rejects.toThrow(/2 workflows in n8n are named twin \(ids \w+, \w+\)/);
    const progress: string[] = [];
    const read = await adapter.readLive!(env, message =>
      progress.push(message),
    );
    expect(read.filter(w => w.name === 'twin')).toHaveLength(1);
    expect(progress).toContainEqual(
      expect.stringMatching(/n8n has several workflows named twin/),
    );
  });

  it('shows a change made directly in n8n as a different definition', async () => {
    const applied = (await live('orders-sync'))!.definition;
    // a user edits the workflow in n8n (here through its public API)
    const current = await raw('orders-sync');
    const edited = {
      name: current.name,
      nodes: current.nodes!.map(node =>
        node.name === 'Greet'
          ? { ...node, parameters: { options: {}, edited: true } }
          : node,
      ),
      connections: current.connections,
      settings: { executionOrder: 'v1' },
    };
    await client.request('PUT', `/workflows/${current.id}`, { body: edited });
    const read = (await live('orders-sync'))!.definition;
    expect(read).not.toBe(applied);
    expect(read).toContain('"edited": true');
    expect(read).toBe(normaliseDefinition(JSON.stringify(edited)));
  });
});

describe('credentials', () => {
  it('applies a credential reference by name and lists credentials without secrets', async () => {
    const used = await n8n.createCredential('Mail relay', 'httpBasicAuth', {
      user: 'mailer',
      password: 'very-secret-password',
    });
    const unused = await n8n.createCredential(
      'Spare header',
      'httpHeaderAuth',
      { name: 'X-Token', value: 'another-secret' },
    );
    const definition = scheduleWorkflow('mailer', {
      credential: { type: 'httpBasicAuth', name: 'Mail relay' },
    });
    expect(adapter.credentialReferences!(definition)).toEqual(['Mail relay']);
    await adapter.apply(env, [{ name: 'mailer', definition, active: false }]);
    // n8n resolved the name to its own credential's id
    const call = (await raw('mailer')).nodes!.find(n => n.name === 'Call');
    expect(call!.credentials).toEqual({
      httpBasicAuth: { id: used.id, name: 'Mail relay' },
    });
    expect((await live('mailer'))!.definition).toBe(
      normaliseDefinition(definition),
    );

    const credentials = await adapter.listCredentials!(env);
    expect(credentials).toEqual([
      { name: 'Mail relay', type: 'httpBasicAuth', externalId: used.id },
      { name: 'Spare header', type: 'unknown', externalId: unused.id },
    ]);
    expect(JSON.stringify(credentials)).not.toMatch(/secret/);
  });
});
