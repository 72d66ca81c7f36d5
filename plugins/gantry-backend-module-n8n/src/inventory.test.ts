import { AdapterEnvironment } from '@internal/plugin-gantry-node';
import { createN8nEnvironmentAdapter } from './adapter';
import { N8nClient } from './N8nClient';
import { normaliseDefinition } from './normalise';
import {
  scheduleWorkflow,
  startN8n,
  StartedN8n,
  webhookWorkflow,
} from './testUtils';
import { N8nWorkflow } from './upload';

jest.setTimeout(300_000);

let n8n: StartedN8n;
let env: AdapterEnvironment;
let client: N8nClient;
const adapter = createN8nEnvironmentAdapter();

beforeAll(async () => {
  n8n = await startN8n();
  env = {
    id: 'env-dev',
    name: 'dev',
    class: 'dev',
    // small pages, to read 120 workflows in three
    settings: { baseUrl: n8n.baseUrl, pageSize: 50 },
    secrets: { apiKey: n8n.apiKey },
  };
  client = new N8nClient({ baseUrl: n8n.baseUrl, apiKey: n8n.apiKey });
});

afterAll(async () => {
  await n8n?.stop();
});

it('reads 120 workflows page by page, each as the text that was applied', async () => {
  const names = Array.from(
    { length: 120 },
    (_, i) => `flow-${String(i).padStart(3, '0')}`,
  );
  const definitions = new Map(
    names.map(name => [name, scheduleWorkflow(name, { greeting: name })]),
  );
  await adapter.apply(
    env,
    names.map(name => ({
      name,
      definition: definitions.get(name)!,
      active: false,
    })),
  );

  const progress: Array<{ message: string; done?: number; total?: number }> =
    [];
  const live = await adapter.readLive!(env, (message, counts) =>
    progress.push({ message, ...counts }),
  );
  expect(live.map(w => w.name)).toEqual(names);
  for (const workflow of live) {
    expect(workflow.definition).toBe(
      normaliseDefinition(definitions.get(workflow.name)!),
    );
  }
  expect(progress).toEqual([
    { message: 'read 50 workflow(s) from n8n', done: 50 },
    { message: 'read 100 workflow(s) from n8n', done: 100 },
    { message: 'read 120 workflow(s) from n8n', done: 120 },
    { message: '120 workflow(s) read from n8n', done: 120, total: 120 },
  ]);
});

it('lists tags and shows a workflow’s tags', async () => {
  const ops = await client.request<{ id: string }>('POST', '/tags', {
    body: { name: 'ops' },
  });
  await client.request('POST', '/tags', { body: { name: 'billing' } });
  const [flow] = (
    await client.list<N8nWorkflow>('/workflows', {
      query: { name: 'flow-007' },
    })
  ).filter(w => w.name === 'flow-007');
  await client.request('PUT', `/workflows/${flow.id}/tags`, {
    body: [{ id: ops.id }],
  });
  await expect(adapter.listTags!(env)).resolves.toEqual(['billing', 'ops']);
  const live = await adapter.readLive!(env);
  expect(live.find(w => w.name === 'flow-007')!.tags).toEqual(['ops']);
  // tags are not part of the definition
  expect(live.find(w => w.name === 'flow-007')!.definition).toBe(
    normaliseDefinition(scheduleWorkflow('flow-007', { greeting: 'flow-007' })),
  );
});

it('lists the newest executions with their workflow names', async () => {
  await adapter.apply(env, [
    {
      name: 'inbound-hook',
      definition: webhookWorkflow('inbound-hook', 'inbound'),
      active: true,
    },
  ]);
  for (let i = 0; i < 3; i++) {
    const response = await fetch(`${n8n.baseUrl}/webhook/inbound`);
    expect(response.status).toBe(200);
    await response.arrayBuffer();
  }
  // n8n answers the webhook first and finishes the execution just after
  const done = (list: Array<{ status: string }>) =>
    list.length === 2 && list.every(e => e.status === 'success');
  let executions = await adapter.listExecutions!(env, { limit: 2 });
  for (let i = 0; i < 100 && !done(executions); i++) {
    await new Promise(resolve => setTimeout(resolve, 100));
    executions = await adapter.listExecutions!(env, { limit: 2 });
  }
  expect(executions).toEqual([
    expect.objectContaining({
      externalId: expect.any(String),
      workflowName: 'inbound-hook',
      status: 'success',
      mode: 'webhook',
      startedAt: expect.any(String),
    }),
    expect.objectContaining({ workflowName: 'inbound-hook' }),
  ]);
  expect(Number(executions[0].externalId)).toBeGreaterThan(
    Number(executions[1].externalId),
  );
});
