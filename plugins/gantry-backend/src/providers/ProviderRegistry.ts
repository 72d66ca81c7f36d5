import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  DslError,
  parseProviderManifest,
  ProviderManifest,
  validateWorkflow,
} from '@internal/plugin-gantry-common';
import { checkoutRef } from '../git';

export interface ProviderGitSource {
  name: string;
  git_url: string;
  /** Directory of the provider inside the repository. */
  path: string;
  ref: string;
}

export interface LoadedWorkflow {
  name: string;
  file: string;
  text: string;
  errors: DslError[];
}

export interface LoadedProvider {
  name: string;
  manifest: ProviderManifest;
  origin:
    | { kind: 'local'; directory: string }
    | { kind: 'git'; url: string; path: string; ref: string; commit: string };
  workflows: LoadedWorkflow[];
  loadedAt: string;
}

export interface ProviderStatus {
  name: string;
  /** Problems of the latest load; the last good version keeps serving. */
  errors: DslError[];
  provider?: LoadedProvider;
}

/** Loads one provider directory: its provider.yaml and every workflow, each validated. */
export async function loadProviderDirectory(
  dir: string,
  knownStepTypes?: readonly string[],
): Promise<{
  manifest?: ProviderManifest;
  workflows: LoadedWorkflow[];
  errors: DslError[];
}> {
  const manifestFile = path.join(dir, 'provider.yaml');
  const text = await readFile(manifestFile, 'utf8').catch(() => undefined);
  if (text === undefined) {
    return {
      workflows: [],
      errors: [
        {
          code: 'missing-provider',
          file: manifestFile,
          message: 'provider.yaml not found',
        },
      ],
    };
  }
  const { provider, errors } = parseProviderManifest(text, manifestFile);
  if (!provider) return { workflows: [], errors };
  const workflowsDir = path.join(dir, provider.workflows_dir);
  const names = (await readdir(workflowsDir).catch(() => [] as string[]))
    .filter(n => /\.ya?ml$/.test(n))
    .sort();
  const workflows: LoadedWorkflow[] = [];
  for (const name of names) {
    const file = path.join(workflowsDir, name);
    const workflowText = await readFile(file, 'utf8');
    const result = validateWorkflow(workflowText, file, { knownStepTypes });
    workflows.push({
      name: name.replace(/\.ya?ml$/, ''),
      file,
      text: workflowText,
      errors: result.errors,
    });
  }
  return {
    manifest: provider,
    workflows,
    errors: [...errors, ...workflows.flatMap(w => w.errors)],
  };
}

/**
 * Every provider Gantry knows: the local providers directory and git
 * sources (from config and from the admin API). A broken provider is
 * reported with file:line errors and does not take the others down; the
 * last good version of it keeps serving.
 */
export class ProviderRegistry {
  private readonly statuses = new Map<string, ProviderStatus>();

  constructor(
    private readonly options: {
      localDirectory?: string;
      cacheDirectory: string;
      sources: () => Promise<ProviderGitSource[]>;
      knownStepTypes?: () => readonly string[];
      logger?: { warn(message: string): void };
    },
  ) {}

  /** Reloads every source; resolves when all are done. */
  async refresh(): Promise<ProviderStatus[]> {
    const seen = new Set<string>();
    const known = this.options.knownStepTypes?.();
    if (this.options.localDirectory) {
      const entries = await readdir(this.options.localDirectory, {
        withFileTypes: true,
      }).catch(() => []);
      for (const entry of entries.filter(e => e.isDirectory())) {
        const dir = path.join(this.options.localDirectory, entry.name);
        const loaded = await loadProviderDirectory(dir, known);
        seen.add(entry.name);
        this.record(entry.name, loaded, { kind: 'local', directory: dir });
      }
    }
    for (const source of await this.options.sources()) {
      seen.add(source.name);
      try {
        const checkout = path.join(
          this.options.cacheDirectory,
          source.name.replace(/[^a-z0-9-]/g, '_'),
        );
        const commit = await checkoutRef(source.git_url, source.ref, checkout);
        const dir = path.resolve(checkout, source.path);
        if (!dir.startsWith(checkout))
          throw new Error(`path ${source.path} leaves the repository`);
        const loaded = await loadProviderDirectory(dir, known);
        this.record(source.name, loaded, {
          kind: 'git',
          url: source.git_url,
          path: source.path,
          ref: source.ref,
          commit,
        });
      } catch (error) {
        this.record(
          source.name,
          {
            workflows: [],
            errors: [
              {
                code: 'git',
                message: `${source.git_url}@${source.ref}: ${
                  (error as Error).message
                }`,
              },
            ],
          },
          undefined,
        );
      }
    }
    for (const name of [...this.statuses.keys()]) {
      if (!seen.has(name)) this.statuses.delete(name);
    }
    return this.list();
  }

  private record(
    name: string,
    loaded: {
      manifest?: ProviderManifest;
      workflows: LoadedWorkflow[];
      errors: DslError[];
    },
    origin: LoadedProvider['origin'] | undefined,
  ): void {
    const previous = this.statuses.get(name);
    if (loaded.manifest && origin && loaded.errors.length === 0) {
      this.statuses.set(name, {
        name,
        errors: [],
        provider: {
          name,
          manifest: loaded.manifest,
          origin,
          workflows: loaded.workflows,
          loadedAt: new Date().toISOString(),
        },
      });
      return;
    }
    this.options.logger?.warn(
      `provider ${name} has problems: ${loaded.errors
        .map(e => e.message)
        .join('; ')}`,
    );
    // keep serving the last good version
    this.statuses.set(name, {
      name,
      errors: loaded.errors,
      provider: previous?.provider,
    });
  }

  list(): ProviderStatus[] {
    return [...this.statuses.values()].sort((a, b) =>
      a.name.localeCompare(b.name),
    );
  }

  get(name: string): ProviderStatus | undefined {
    return this.statuses.get(name);
  }

  /** A workflow of a provider that loaded cleanly. */
  workflow(provider: string, workflow: string): LoadedWorkflow | undefined {
    return this.statuses
      .get(provider)
      ?.provider?.workflows.find(w => w.name === workflow);
  }
}
