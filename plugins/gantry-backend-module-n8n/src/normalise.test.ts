import {
  credentialReferences,
  normaliseDefinition,
  normaliseWorkflow,
} from './normalise';
import { stableStringify } from './stableJson';
import { uploadBody } from './upload';

/** A workflow as n8n's public API answers GET /workflows/{id}. */
const fromN8n = {
  id: 'mNFJev6XRNGE506q',
  name: 'billing',
  active: true,
  isArchived: false,
  versionId: 'f9dad335-1b69-4bb2-853a-40d7c5fe9eb3',
  activeVersionId: 'f9dad335-1b69-4bb2-853a-40d7c5fe9eb3',
  versionCounter: 3,
  triggerCount: 1,
  createdAt: '2026-11-30T15:31:24.498Z',
  updatedAt: '2026-11-30T15:31:24.498Z',
  description: null,
  meta: { templateCredsSetupCompleted: true },
  pinData: null,
  staticData: { 'node:Schedule': { recurrenceRules: [] } },
  tags: [{ id: 't1', name: 'ops' }],
  shared: [{ role: 'workflow:owner', projectId: 'p1' }],
  activeVersion: { versionId: 'f9dad335' },
  settings: {
    executionOrder: 'v1',
    callerPolicy: 'workflowsFromSameOwner',
    availableInMCP: false,
    errorWorkflow: '',
    binaryMode: 'separate',
  },
  nodes: [
    {
      id: 'b60befb6-b0d2-4a63-8213-afdd223e00a4',
      name: 'Send',
      type: 'n8n-nodes-base.httpRequest',
      typeVersion: 4.2,
      position: [200, 0],
      parameters: { url: 'https://example.com', z: 1, a: 2 },
      credentials: { httpBasicAuth: { id: 'D4Naudkq2VKD9IZT', name: 'Mail' } },
    },
    {
      id: 'c978f29b-ba30-4d73-bfbc-0cf0f98d39b7',
      name: 'Schedule',
      type: 'n8n-nodes-base.scheduleTrigger',
      typeVersion: 1.2,
      position: [0, 0],
      parameters: {},
      webhookId: 'kept-as-uploaded',
    },
  ],
  connections: {
    Schedule: { main: [[{ node: 'Send', type: 'main', index: 0 }]] },
  },
};

describe('normalised definitions', () => {
  it('keep the content only, printed with sorted keys', () => {
    expect(JSON.parse(normaliseDefinition(JSON.stringify(fromN8n)))).toEqual({
      name: 'billing',
      nodes: [
        {
          name: 'Schedule',
          type: 'n8n-nodes-base.scheduleTrigger',
          typeVersion: 1.2,
          position: [0, 0],
          parameters: {},
          webhookId: 'kept-as-uploaded',
        },
        {
          name: 'Send',
          type: 'n8n-nodes-base.httpRequest',
          typeVersion: 4.2,
          position: [200, 0],
          parameters: { url: 'https://example.com', z: 1, a: 2 },
          credentials: { httpBasicAuth: { name: 'Mail' } },
        },
      ],
      connections: fromN8n.connections,
      settings: { executionOrder: 'v1' },
    });
    const text = normaliseDefinition(JSON.stringify(fromN8n));
    expect(text).toMatch(/^{\n {2}"connections": {\n/);
    expect(text.indexOf('"a": 2')).toBeLessThan(text.indexOf('"url"'));
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('leave out settings that mean "not set"', () => {
    const unset = {
      name: 'x',
      settings: {
        executionOrder: 'v1',
        saveManualExecutions: 'DEFAULT',
        timezone: 'DEFAULT',
        executionTimeout: -1,
        callerIds: '',
        callerPolicy: 'workflowsFromSameOwner',
        availableInMCP: false,
        saveExecutionProgress: true,
        executionTimeoutX: 5,
      },
    };
    expect(normaliseWorkflow(unset).settings).toEqual({
      executionOrder: 'v1',
      saveExecutionProgress: true,
    });
  });

  it('are stable: key order, node order and normalising twice change nothing', () => {
    const once = normaliseDefinition(JSON.stringify(fromN8n));
    const reordered = {
      ...fromN8n,
      nodes: [...fromN8n.nodes].reverse(),
      settings: { ...fromN8n.settings },
    };
    expect(normaliseDefinition(stableStringify(reordered))).toBe(once);
    expect(normaliseDefinition(once)).toBe(once);
  });

  it('name the credentials the nodes reference, in either export form', () => {
    expect(credentialReferences(JSON.stringify(fromN8n))).toEqual(['Mail']);
    const oldForm = {
      nodes: [
        { name: 'a', type: 't', credentials: { slackApi: 'Slack bot' } },
        {
          name: 'b',
          type: 't',
          credentials: { slackApi: { name: 'Slack bot' } },
        },
        {
          name: 'c',
          type: 't',
          credentials: { githubApi: { id: '7', name: 'GitHub' } },
        },
      ],
    };
    expect(credentialReferences(JSON.stringify(oldForm))).toEqual([
      'GitHub',
      'Slack bot',
    ]);
    expect(() => credentialReferences('not json')).toThrow(
      /the workflow is not an n8n workflow: not JSON/,
    );
  });
});

describe('upload bodies', () => {
  const content = normaliseWorkflow(fromN8n);

  it('send credential references for n8n to resolve by name', () => {
    const body = uploadBody(content) as { nodes: any[]; settings: object };
    expect(body.nodes.find(n => n.name === 'Send')).toMatchObject({
      credentials: { httpBasicAuth: { id: null, name: 'Mail' } },
    });
    expect(body.nodes.every(n => !('id' in n))).toBe(true);
    expect(Object.keys(body).sort()).toEqual([
      'connections',
      'name',
      'nodes',
      'settings',
    ]);
  });

  it("keep n8n's ids of unchanged nodes and clear settings the definition dropped", () => {
    const live = {
      ...fromN8n,
      settings: { ...fromN8n.settings, timezone: 'Europe/Berlin' },
    };
    const body = uploadBody(content, live) as {
      nodes: any[];
      settings: object;
    };
    expect(body.nodes.map(n => n.id)).toEqual([
      'c978f29b-ba30-4d73-bfbc-0cf0f98d39b7',
      'b60befb6-b0d2-4a63-8213-afdd223e00a4',
    ]);
    expect(body.nodes[1].credentials).toEqual({
      httpBasicAuth: { id: 'D4Naudkq2VKD9IZT', name: 'Mail' },
    });
    expect(body.settings).toEqual({
      executionOrder: 'v1',
      timezone: 'DEFAULT',
      errorWorkflow: '',
    });
  });
});
