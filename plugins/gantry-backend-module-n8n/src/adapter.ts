import {
  AdapterEnvironment,
  AdapterProgress,
  GantryEnvironmentAdapter,
  LiveCredential,
  LiveExecution,
  LiveWorkflow,
  WorkflowChange,
} from '@internal/plugin-gantry-node';
import { N8nClient, N8nError } from './N8nClient';
import {
  credentialReferences,
  differences,
  normaliseWorkflow,
  N8nWorkflowContent,
  parseDefinition,
  printDefinition,
} from './normalise';
import { ARCHIVE_UNSUPPORTED, n8nSettings } from './settings';
import { compareStrings } from './stableJson';
import { N8nWorkflow, uploadBody } from './upload';

export interface N8nEnvironmentAdapterOptions {
  /** Per request to n8n; default 30 s. */
  timeoutMs?: number;
  /** Defaults to Node's global fetch. */
  fetch?: typeof fetch;
}

interface N8nExecution {
  id: number | string;
  workflowId?: string | number;
  status?: string;
  finished?: boolean;
  mode?: string;
  startedAt?: string;
  stoppedAt?: string | null;
}

/**
 * The `n8n` environment adapter: workflows run on an n8n instance, reached
 * through n8n's public API with an API key. Workflows are matched by name;
 * their definitions are n8n workflow JSON, normalised (see normalise.ts) so
 * that what Gantry applies reads back as the same text.
 */
export function createN8nEnvironmentAdapter(
  options: N8nEnvironmentAdapterOptions = {},
): GantryEnvironmentAdapter {
  const connect = (env: AdapterEnvironment) => {
    const settings = n8nSettings(env);
    const client = new N8nClient({
      baseUrl: settings.baseUrl,
      apiKey: settings.apiKey,
      timeoutMs: options.timeoutMs,
      fetch: options.fetch,
    });
    return { settings, client };
  };

  /** Every workflow n8n holds, archived ones included (the API lists them). */
  const allWorkflows = (
    client: N8nClient,
    pageSize: number,
    onPage?: (soFar: number) => void,
  ) =>
    client.list<N8nWorkflow>('/workflows', {
      query: { excludePinnedData: true },
      pageSize,
      onPage: (_page, soFar) => onPage?.(soFar),
    });

  /** The non-archived workflows named `name` (n8n filters by substring). */
  const workflowsNamed = async (client: N8nClient, name: string) =>
    (
      await client.list<N8nWorkflow>('/workflows', {
        query: { name, excludePinnedData: true },
      })
    ).filter(w => w.name === name && !w.isArchived);

  async function applyOne(
    client: N8nClient,
    deleteMode: 'delete' | 'archive',
    change: WorkflowChange,
  ): Promise<void> {
    const matches = await workflowsNamed(client, change.name);
    if (matches.length > 1) {
      throw new Error(
        `${matches.length} workflows in n8n are named ${
          change.name
        } (ids ${matches
          .map(w => w.id)
          .join(
            ', ',
          )}); Gantry matches workflows by name: rename or delete all but one`,
      );
    }
    const current = matches[0];

    if (change.definition === null) {
      if (!current) return;
      if (deleteMode === 'archive') throw new Error(ARCHIVE_UNSUPPORTED);
      await client.request('DELETE', `/workflows/${current.id}`);
      return;
    }

    const content = normaliseWorkflow(
      parseDefinition(change.definition, `the definition of ${change.name}`),
    );
    if (content.name && content.name !== change.name) {
      throw new Error(
        `its definition names the workflow '${content.name}', not '${change.name}'`,
      );
    }
    content.name = change.name;

    if (!current) {
      const created = await client.request<N8nWorkflow>('POST', '/workflows', {
        body: uploadBody(content),
      });
      checkStored(content, created);
      if (change.active) {
        await client.request('POST', `/workflows/${created.id}/activate`);
      }
      return;
    }

    if (!change.active && current.active) {
      await client.request('POST', `/workflows/${current.id}/deactivate`);
    }
    const unchanged =
      printDefinition(normaliseWorkflow(current)) === printDefinition(content);
    if (!unchanged) {
      const updated = await client.request<N8nWorkflow>(
        'PUT',
        `/workflows/${current.id}`,
        { body: uploadBody(content, current) },
      );
      checkStored(content, updated);
    }
    // n8n re-activates an active workflow when it is updated, unless its
    // draft/publish mode is on: then activating publishes the new version.
    const published =
      current.active &&
      unchanged &&
      current.activeVersionId === current.versionId;
    if (change.active && !published) {
      await client.request('POST', `/workflows/${current.id}/activate`);
    }
  }

  return {
    type: 'n8n',
    description: 'An n8n instance, through its public API',

    async testConnection(env) {
      try {
        const { settings, client } = connect(env);
        if (settings.deleteMode === 'archive') {
          return { ok: false, message: ARCHIVE_UNSUPPORTED };
        }
        await client.request('GET', '/workflows', {
          query: { limit: 1, excludePinnedData: true },
        });
        return {
          ok: true,
          message: `connected to n8n at ${settings.baseUrl}; the API key can list workflows`,
        };
      } catch (error) {
        return { ok: false, message: (error as Error).message };
      }
    },

    async apply(env, changes) {
      const { settings, client } = connect(env);
      for (const change of changes) {
        try {
          await applyOne(client, settings.deleteMode, change);
        } catch (error) {
          const verb =
            change.definition === null
              ? 'remove'
              : `apply${change.active ? ' and activate' : ''}`;
          throw new Error(
            `could not ${verb} the n8n workflow ${change.name} in ${
              env.name
            }: ${(error as Error).message}`,
            { cause: error },
          );
        }
      }
    },

    async readLive(env, onProgress?: AdapterProgress): Promise<LiveWorkflow[]> {
      const { settings, client } = connect(env);
      const raw = await allWorkflows(client, settings.pageSize, soFar =>
        onProgress?.(`read ${soFar} workflow(s) from n8n`, { done: soFar }),
      );
      const byName = new Map<string, N8nWorkflow>();
      const seen = new Set<string>();
      for (const workflow of raw) {
        // offset pages can repeat an item when workflows change meanwhile
        if (workflow.isArchived || seen.has(workflow.id)) continue;
        seen.add(workflow.id);
        const other = byName.get(workflow.name);
        if (other) {
          const [keep, drop] =
            (other.updatedAt ?? '') >= (workflow.updatedAt ?? '')
              ? [other, workflow]
              : [workflow, other];
          onProgress?.(
            `n8n has several workflows named ${workflow.name}: reading ${keep.id}, the newest, and ignoring ${drop.id}`,
          );
          byName.set(workflow.name, keep);
        } else {
          byName.set(workflow.name, workflow);
        }
      }
      const live = [...byName.values()]
        .map(
          (workflow): LiveWorkflow => ({
            name: workflow.name,
            definition: printDefinition(normaliseWorkflow(workflow)),
            active: Boolean(workflow.active),
            externalId: workflow.id,
            tags: (workflow.tags ?? []).map(t => t.name).sort(),
            updatedAt: workflow.updatedAt,
          }),
        )
        .sort((a, b) => compareStrings(a.name, b.name));
      onProgress?.(`${live.length} workflow(s) read from n8n`, {
        done: live.length,
        total: live.length,
      });
      return live;
    },

    /**
     * n8n 1.123's public API has no endpoint that lists credentials (only
     * create, delete, transfer and a type's schema). So the list is put
     * together from two reads: the credentials the workflows' nodes reference
     * (name, type and id; references n8n could not resolve have no id and are
     * left out), and the security audit's credentials report (POST /audit,
     * scope securityAudit:generate), which names every credential no workflow
     * uses — without its type, given as `unknown`. An API key without the
     * audit scope gets the referenced credentials only. Secrets are never read.
     */
    async listCredentials(env): Promise<LiveCredential[]> {
      const { settings, client } = connect(env);
      const found = new Map<string, LiveCredential>();
      for (const workflow of await allWorkflows(client, settings.pageSize)) {
        for (const node of workflow.nodes ?? []) {
          const refs = (node.credentials ?? {}) as Record<
            string,
            { id?: string | null; name?: string }
          >;
          for (const [type, ref] of Object.entries(refs)) {
            if (!ref?.id || typeof ref.name !== 'string') continue;
            found.set(ref.id, { name: ref.name, type, externalId: ref.id });
          }
        }
      }
      try {
        const audit = await client.request<
          Record<
            string,
            {
              sections?: Array<{
                location?: Array<{ kind?: string; id?: string; name?: string }>;
              }>;
            }
          >
        >('POST', '/audit', {
          body: {
            additionalOptions: {
              categories: ['credentials'],
              daysAbandonedWorkflow: 1,
            },
          },
        });
        for (const report of Object.values(audit ?? {})) {
          for (const section of report?.sections ?? []) {
            for (const item of section.location ?? []) {
              if (item.kind !== 'credential' || !item.id || !item.name)
                continue;
              if (!found.has(item.id)) {
                found.set(item.id, {
                  name: item.name,
                  type: 'unknown',
                  externalId: item.id,
                });
              }
            }
          }
        }
      } catch (error) {
        if (!(error instanceof N8nError && error.status === 403)) throw error;
      }
      return [...found.values()].sort(
        (a, b) =>
          compareStrings(a.name, b.name) || compareStrings(a.type, b.type),
      );
    },

    async listTags(env) {
      const { settings, client } = connect(env);
      const tags = await client.list<{ name: string }>('/tags', {
        pageSize: settings.pageSize,
      });
      return [...new Set(tags.map(t => t.name))].sort();
    },

    async listExecutions(env, { limit }): Promise<LiveExecution[]> {
      const { client } = connect(env);
      const executions = await client.list<N8nExecution>('/executions', {
        query: { includeData: false },
        max: limit,
      });
      const names = new Map<string, string | undefined>();
      const workflowIds = new Set(
        executions.flatMap(e =>
          e.workflowId === undefined ? [] : [e.workflowId],
        ),
      );
      for (const id of workflowIds) {
        try {
          const workflow = await client.request<N8nWorkflow>(
            'GET',
            `/workflows/${id}`,
            { query: { excludePinnedData: true } },
          );
          names.set(String(id), workflow.name);
        } catch (error) {
          // the workflow was deleted since; its executions stay
          if (!(error instanceof N8nError && error.status === 404)) throw error;
        }
      }
      return executions.map(e => ({
        externalId: String(e.id),
        workflowName:
          e.workflowId !== undefined
            ? names.get(String(e.workflowId))
            : undefined,
        status: e.status ?? (e.finished ? 'success' : 'unknown'),
        mode: e.mode,
        startedAt: e.startedAt ?? undefined,
        finishedAt: e.stoppedAt ?? undefined,
      }));
    },

    credentialReferences,
  };
}

/**
 * Checks that n8n stored what was sent. n8n merges settings into the ones a
 * workflow has, and its public API cannot remove most of them; say which
 * instead of reporting success and drifting at once.
 */
function checkStored(sent: N8nWorkflowContent, stored: N8nWorkflow) {
  const diff = differences(sent, normaliseWorkflow(stored));
  if (!diff.length) return;
  const why = diff.every(d => d.startsWith('settings.'))
    ? "n8n keeps workflow settings it already has, and its public API cannot remove them: set them in the definition or remove them in n8n's editor"
    : 'n8n changed what it was sent';
  throw new Error(
    `n8n stored it (id ${
      stored.id
    }) but it differs from the definition in ${diff.join(', ')}; ${why}`,
  );
}
