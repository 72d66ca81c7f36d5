import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseProviderManifest } from '@internal/plugin-gantry-common';

export interface ProviderWorkflowSource {
  provider: string;
  workflow: string;
  file: string;
  text: string;
}

/**
 * Provider workflows from a directory of providers (`<dir>/<team>/provider.yaml`
 * plus its workflows_dir). The providers issue adds git loading on top.
 */
export class LocalProviderWorkflows {
  constructor(private readonly directory: string) {}

  async get(
    provider: string,
    workflow: string,
  ): Promise<ProviderWorkflowSource | undefined> {
    if (
      !/^[a-z0-9][a-z0-9-]*$/.test(provider) ||
      !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(workflow)
    ) {
      return undefined; // never a path outside the providers directory
    }
    const dir = path.join(this.directory, provider);
    const manifest = await readFile(
      path.join(dir, 'provider.yaml'),
      'utf8',
    ).catch(() => undefined);
    if (manifest === undefined) return undefined;
    const { provider: parsed } = parseProviderManifest(manifest);
    if (!parsed) return undefined;
    const workflowsDir = path.join(dir, parsed.workflows_dir);
    for (const ext of ['.yaml', '.yml']) {
      const file = path.join(workflowsDir, `${workflow}${ext}`);
      const text = await readFile(file, 'utf8').catch(() => undefined);
      if (text !== undefined) return { provider, workflow, file, text };
    }
    return undefined;
  }

  async list(): Promise<Array<{ provider: string; workflows: string[] }>> {
    const entries = await readdir(this.directory, {
      withFileTypes: true,
    }).catch(() => []);
    const result: Array<{ provider: string; workflows: string[] }> = [];
    for (const entry of entries
      .filter(e => e.isDirectory())
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const manifest = await readFile(
        path.join(this.directory, entry.name, 'provider.yaml'),
        'utf8',
      ).catch(() => undefined);
      const parsed = manifest
        ? parseProviderManifest(manifest).provider
        : undefined;
      if (!parsed) continue;
      const files = await readdir(
        path.join(this.directory, entry.name, parsed.workflows_dir),
      ).catch(() => []);
      result.push({
        provider: entry.name,
        workflows: files
          .filter(f => /\.ya?ml$/.test(f))
          .map(f => f.replace(/\.ya?ml$/, ''))
          .sort(),
      });
    }
    return result;
  }
}
