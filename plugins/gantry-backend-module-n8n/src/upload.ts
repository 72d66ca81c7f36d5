import { N8nWorkflowContent } from './normalise';

/** A workflow as n8n's public API returns it (the fields the adapter reads). */
export interface N8nWorkflow {
  id: string;
  name: string;
  active?: boolean;
  isArchived?: boolean;
  versionId?: string;
  activeVersionId?: string | null;
  updatedAt?: string;
  nodes?: Array<Record<string, unknown>>;
  connections?: Record<string, unknown>;
  settings?: Record<string, unknown>;
  tags?: Array<{ id?: string; name: string }>;
  [field: string]: unknown;
}

/**
 * How to clear a setting that n8n has and the definition does not: n8n merges
 * the settings it receives into the ones it has, so leaving a key out keeps
 * it. These values make n8n drop the key (`timezone: DEFAULT`,
 * `executionTimeout` equal to the instance's default, -1 unless configured)
 * or mean "not set" (an empty error workflow or caller list). The other
 * settings cannot be cleared through the public API; apply then says so.
 */
const CLEARED_SETTINGS: Record<string, unknown> = {
  timezone: 'DEFAULT',
  executionTimeout: -1,
  errorWorkflow: '',
  callerIds: '',
};

/**
 * The body for POST/PUT /workflows: only what n8n's public API accepts.
 * Against a `live` workflow (an update) it keeps n8n's ids of the nodes and
 * credentials that stay the same, so an unchanged node stays unchanged, and
 * clears the settings the definition no longer has. Credential references
 * without a known id go with `id: null`: n8n then looks the credential up by
 * name and type.
 */
export function uploadBody(
  content: N8nWorkflowContent,
  live?: N8nWorkflow,
): Record<string, unknown> {
  const liveNodes = new Map(
    (live?.nodes ?? []).map(node => [String(node.name), node]),
  );
  const nodes = content.nodes.map(node => {
    const before = liveNodes.get(node.name);
    const sameType = before && before.type === node.type;
    const body: Record<string, unknown> = { ...node };
    if (sameType && typeof before.id === 'string') body.id = before.id;
    if (node.credentials) {
      const liveCredentials = (sameType && before.credentials) as
        | Record<string, { id?: string | null; name?: string }>
        | undefined;
      body.credentials = Object.fromEntries(
        Object.entries(node.credentials).map(([type, ref]) => {
          const known = liveCredentials?.[type];
          const id = known?.name === ref.name ? known.id ?? null : null;
          return [type, { id, name: ref.name }];
        }),
      );
    }
    return body;
  });
  const settings: Record<string, unknown> = { ...content.settings };
  for (const key of Object.keys(live?.settings ?? {})) {
    if (!(key in settings) && key in CLEARED_SETTINGS) {
      settings[key] = CLEARED_SETTINGS[key];
    }
  }
  return {
    name: content.name,
    nodes,
    connections: content.connections,
    settings,
  };
}
