/*
 * n8n workflow definitions for tests: small, valid, and activatable (each
 * starts with a trigger node), as JSON text like Gantry stores them.
 */

export interface WorkflowOptions {
  /** What the Set node writes; change it to change the workflow. */
  greeting?: string;
  /** Extra settings (the public API's workflowSettings). */
  settings?: Record<string, unknown>;
  /** A credential the HTTP Request node uses: `{ type, name }`. */
  credential?: { type: string; name: string };
}

/** A Schedule trigger (hourly) feeding a Set node, and an HTTP node with a credential when asked. */
export function scheduleWorkflow(
  name: string,
  options: WorkflowOptions = {},
): string {
  const nodes: Array<Record<string, unknown>> = [
    {
      name: 'Every hour',
      type: 'n8n-nodes-base.scheduleTrigger',
      typeVersion: 1.2,
      position: [0, 0],
      parameters: { rule: { interval: [{ field: 'hours' }] } },
    },
    {
      name: 'Greet',
      type: 'n8n-nodes-base.set',
      typeVersion: 3.4,
      position: [220, 0],
      parameters: {
        assignments: {
          assignments: [
            {
              id: 'greeting',
              name: 'greeting',
              value: options.greeting ?? 'hello',
              type: 'string',
            },
          ],
        },
        options: {},
      },
    },
  ];
  const connections: Record<string, unknown> = {
    'Every hour': { main: [[{ node: 'Greet', type: 'main', index: 0 }]] },
  };
  if (options.credential) {
    nodes.push({
      name: 'Call',
      type: 'n8n-nodes-base.httpRequest',
      typeVersion: 4.2,
      position: [440, 0],
      parameters: {
        url: 'http://127.0.0.1:9/unused',
        authentication: 'genericCredentialType',
        genericAuthType: options.credential.type,
        options: {},
      },
      credentials: {
        [options.credential.type]: { name: options.credential.name },
      },
    });
    connections.Greet = { main: [[{ node: 'Call', type: 'main', index: 0 }]] };
  }
  return JSON.stringify({
    name,
    nodes,
    connections,
    settings: { executionOrder: 'v1', ...options.settings },
  });
}

/**
 * A Webhook trigger on GET /webhook/<path> answering at once, so a test can
 * cause executions once the workflow is active.
 */
export function webhookWorkflow(name: string, webhookPath: string): string {
  return JSON.stringify({
    name,
    nodes: [
      {
        name: 'Webhook',
        type: 'n8n-nodes-base.webhook',
        typeVersion: 2,
        position: [0, 0],
        webhookId: `gantry-${webhookPath}`,
        parameters: { path: webhookPath, httpMethod: 'GET', options: {} },
      },
    ],
    connections: {},
    settings: { executionOrder: 'v1' },
  });
}
