import { compareStrings, stableStringify } from './stableJson';

/**
 * What Gantry keeps of an n8n workflow: its content, as n8n's public API
 * (1.123) can write it, and nothing n8n makes up or changes on its own.
 *
 * Left out, because n8n sets or changes them itself:
 * - `id`, `versionId`, `versionCounter`, `createdAt`, `updatedAt`,
 *   `active`, `activeVersionId`, `activeVersion`, `isArchived`,
 *   `triggerCount`, `shared`, `tags` (read-only in the public API; `active`
 *   is the change's own flag, tags have their own endpoint);
 * - `staticData` (trigger state n8n writes while the workflow runs, e.g. a
 *   Schedule trigger's recurrence rules after activation) and `meta`,
 *   `pinData`, `description` (the public API does not accept them);
 * - each node's `id`: n8n gives a node without one a fresh random id on every
 *   upload, so ids would differ between instances and after every apply;
 * - each credential reference's `id`: credential ids differ between
 *   instances; n8n resolves a reference by name and type when its id is null;
 * - node fields and settings the public API does not accept (the editor may
 *   store more), and the settings n8n's API fills in with their defaults on
 *   every write (`callerPolicy: workflowsFromSameOwner`, `availableInMCP:
 *   false`) or that mean "not set" (`DEFAULT`, an empty `errorWorkflow` or
 *   `callerIds`, `executionTimeout: -1`).
 *
 * Kept: `name`, `nodes` (sorted by name; connections refer to nodes by name)
 * with their `webhookId` (n8n keeps it as uploaded, and form, chat and wait
 * URLs contain it), `connections` and `settings`.
 */
export interface N8nWorkflowContent {
  name: string;
  nodes: N8nNode[];
  connections: Record<string, unknown>;
  settings: Record<string, unknown>;
}

export interface N8nNode {
  name: string;
  type: string;
  credentials?: Record<string, { name: string }>;
  [field: string]: unknown;
}

/** The node fields n8n's public API accepts, less `id`. */
const NODE_FIELDS = new Set([
  'name',
  'webhookId',
  'disabled',
  'notesInFlow',
  'notes',
  'type',
  'typeVersion',
  'executeOnce',
  'alwaysOutputData',
  'retryOnFail',
  'maxTries',
  'waitBetweenTries',
  'continueOnFail',
  'onError',
  'position',
  'parameters',
  'credentials',
]);

/** The workflow settings n8n's public API accepts (`workflowSettings`). */
export const SETTINGS_FIELDS = new Set([
  'saveExecutionProgress',
  'saveManualExecutions',
  'saveDataErrorExecution',
  'saveDataSuccessExecution',
  'executionTimeout',
  'errorWorkflow',
  'timezone',
  'executionOrder',
  'callerPolicy',
  'callerIds',
  'timeSavedPerExecution',
  'availableInMCP',
]);

/**
 * Settings values that mean the same as the setting being absent: the
 * defaults n8n's public API fills in, n8n's editor's `DEFAULT` (n8n drops the
 * key when it saves one), an empty error workflow or caller list, and no
 * execution timeout (-1; n8n drops it when the instance's default is -1, as
 * it is unless EXECUTIONS_TIMEOUT is set).
 */
const UNSET_SETTINGS: Record<string, unknown[]> = {
  callerPolicy: ['workflowsFromSameOwner'],
  availableInMCP: [false],
  timezone: ['DEFAULT'],
  saveDataErrorExecution: ['DEFAULT'],
  saveDataSuccessExecution: ['DEFAULT'],
  saveManualExecutions: ['DEFAULT'],
  saveExecutionProgress: ['DEFAULT'],
  errorWorkflow: [''],
  callerIds: [''],
  executionTimeout: [-1],
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Parses a definition's text; the error names `label` and what is wrong. */
export function parseDefinition(
  text: string,
  label: string,
): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `${label} is not an n8n workflow: not JSON (${(error as Error).message})`,
    );
  }
  if (!isObject(parsed)) {
    throw new Error(`${label} is not an n8n workflow: not a JSON object`);
  }
  if (parsed.nodes !== undefined && !Array.isArray(parsed.nodes)) {
    throw new Error(`${label} is not an n8n workflow: nodes is not a list`);
  }
  if (parsed.connections !== undefined && !isObject(parsed.connections)) {
    throw new Error(
      `${label} is not an n8n workflow: connections is not an object`,
    );
  }
  return parsed;
}

function normaliseNode(raw: unknown, index: number): N8nNode {
  if (!isObject(raw) || typeof raw.name !== 'string') {
    throw new Error(`node ${index + 1} has no name`);
  }
  const node: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(raw)) {
    if (field === 'credentials' || value === undefined) continue;
    if (NODE_FIELDS.has(field)) node[field] = value;
  }
  if (isObject(raw.credentials)) {
    const credentials: Record<string, { name: string }> = {};
    for (const [type, ref] of Object.entries(raw.credentials)) {
      // old exports name the credential directly, newer ones as { id, name }
      const name = typeof ref === 'string' ? ref : isObject(ref) && ref.name;
      if (typeof name === 'string') credentials[type] = { name };
    }
    if (Object.keys(credentials).length) node.credentials = credentials;
  }
  return node as N8nNode;
}

/**
 * The content of a workflow, from n8n's answer or from a definition (which
 * may carry read-only fields, e.g. an export from n8n's editor).
 */
export function normaliseWorkflow(
  raw: Record<string, unknown>,
): N8nWorkflowContent {
  const nodes = ((raw.nodes as unknown[] | undefined) ?? []).map(normaliseNode);
  nodes.sort((a, b) => compareStrings(a.name, b.name));
  const settings: Record<string, unknown> = {};
  if (isObject(raw.settings)) {
    for (const [key, value] of Object.entries(raw.settings)) {
      if (!SETTINGS_FIELDS.has(key) || value === undefined || value === null) {
        continue;
      }
      if (UNSET_SETTINGS[key]?.includes(value)) continue;
      settings[key] = value;
    }
  }
  return {
    name: typeof raw.name === 'string' ? raw.name : '',
    nodes,
    connections: isObject(raw.connections) ? raw.connections : {},
    settings,
  };
}

/** The normalised definition's text: stable JSON (sorted keys, 2 spaces). */
export function printDefinition(content: N8nWorkflowContent): string {
  return stableStringify(content);
}

/** Normalises a definition's text (the form Gantry stores and compares). */
export function normaliseDefinition(text: string, label = 'workflow'): string {
  return printDefinition(normaliseWorkflow(parseDefinition(text, label)));
}

/**
 * The credential names a workflow's nodes reference
 * (`nodes[].credentials.<type>.name`), each once, sorted.
 */
export function credentialReferences(definition: string): string[] {
  const { nodes } = normaliseWorkflow(
    parseDefinition(definition, 'the workflow'),
  );
  const names = new Set<string>();
  for (const node of nodes) {
    for (const ref of Object.values(node.credentials ?? {})) {
      names.add(ref.name);
    }
  }
  return [...names].sort();
}

/**
 * Where two normalised workflows differ: top-level fields and, inside
 * settings, the keys. Used to say what n8n did not take.
 */
export function differences(
  a: N8nWorkflowContent,
  b: N8nWorkflowContent,
): string[] {
  const out: string[] = [];
  for (const field of ['name', 'nodes', 'connections'] as const) {
    if (stableStringify(a[field]) !== stableStringify(b[field])) {
      out.push(field);
    }
  }
  const keys = new Set([
    ...Object.keys(a.settings),
    ...Object.keys(b.settings),
  ]);
  for (const key of [...keys].sort()) {
    if (stableStringify(a.settings[key]) !== stableStringify(b.settings[key])) {
      out.push(`settings.${key}`);
    }
  }
  return out;
}
