import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILTIN_STEP_TYPES } from '@internal/plugin-gantry-common';
import { ProviderGitSource, ProviderRegistry } from './ProviderRegistry';
import { gitRepo } from '../__testUtils__/gitRepo';

const workflow = (message: string) =>
  `name: create-bucket\nsteps:\n  - id: create\n    type: shell\n    command: echo "${message}"\n`;

describe('ProviderRegistry', () => {
  it('loads a provider from a real git repository at a pinned ref and sees updates after refresh', async () => {
    const repo = gitRepo();
    repo.write(
      'providers/storage-team/provider.yaml',
      'name: storage-team\nowner: group:default/storage-team\nworkflows_dir: workflows\n',
    );
    repo.write(
      'providers/storage-team/workflows/create-bucket.yaml',
      workflow('v1'),
    );
    repo.commit('v1');
    repo.git('tag', 'v1');

    const sources: ProviderGitSource[] = [
      {
        name: 'storage-team',
        git_url: `file://${repo.dir}`,
        path: 'providers/storage-team',
        ref: 'main',
      },
      {
        name: 'storage-pinned',
        git_url: `file://${repo.dir}`,
        path: 'providers/storage-team',
        ref: 'v1',
      },
    ];
    const registry = new ProviderRegistry({
      cacheDirectory: mkdtempSync(
        path.join(os.tmpdir(), 'gantry-provider-cache-'),
      ),
      sources: async () => sources,
      knownStepTypes: () => BUILTIN_STEP_TYPES,
    });
    await registry.refresh();
    expect(registry.workflow('storage-team', 'create-bucket')!.text).toContain(
      'v1',
    );
    const first = registry.get('storage-team')!.provider!;
    expect(first.origin).toMatchObject({
      kind: 'git',
      ref: 'main',
      commit: repo.git('rev-parse', 'HEAD').trim(),
    });

    repo.write(
      'providers/storage-team/workflows/create-bucket.yaml',
      workflow('v2'),
    );
    repo.commit('v2');
    // not before a refresh
    expect(registry.workflow('storage-team', 'create-bucket')!.text).toContain(
      'v1',
    );
    await registry.refresh();
    expect(registry.workflow('storage-team', 'create-bucket')!.text).toContain(
      'v2',
    );
    // the source pinned to tag v1 stays there
    expect(
      registry.workflow('storage-pinned', 'create-bucket')!.text,
    ).toContain('v1');
  });

  it('reports a broken provider with file:line errors and keeps serving its last good version', async () => {
    const repo = gitRepo();
    repo.write('p/provider.yaml', 'name: team\n');
    repo.write('p/workflows/w.yaml', workflow('good'));
    repo.commit('good');
    const registry = new ProviderRegistry({
      cacheDirectory: mkdtempSync(
        path.join(os.tmpdir(), 'gantry-provider-cache-'),
      ),
      sources: async () => [
        { name: 'team', git_url: `file://${repo.dir}`, path: 'p', ref: 'main' },
      ],
      knownStepTypes: () => BUILTIN_STEP_TYPES,
    });
    await registry.refresh();
    repo.write(
      'p/workflows/w.yaml',
      'name: w\nsteps:\n  - id: a\n    type: shel\n',
    );
    repo.commit('bad');
    await registry.refresh();
    const status = registry.get('team')!;
    expect(status.errors[0]).toMatchObject({
      line: 4,
      column: 11,
      code: 'unknown-step-type',
    });
    expect(status.errors[0].file).toMatch(/p\/workflows\/w\.yaml$/);
    expect(registry.workflow('team', 'w')!.text).toContain('good');
  });

  it('reports an unreachable repository without affecting local providers', async () => {
    const registry = new ProviderRegistry({
      localDirectory: path.resolve(__dirname, '../../../../providers'),
      cacheDirectory: mkdtempSync(
        path.join(os.tmpdir(), 'gantry-provider-cache-'),
      ),
      sources: async () => [
        {
          name: 'gone',
          git_url: 'file:///nonexistent/repo',
          path: '.',
          ref: 'main',
        },
      ],
      knownStepTypes: () => BUILTIN_STEP_TYPES,
    });
    const statuses = await registry.refresh();
    expect(statuses.find(s => s.name === 'gone')!.errors[0].message).toMatch(
      /file:\/\/\/nonexistent\/repo@main: git fetch failed/,
    );
    expect(registry.workflow('database-team', 'create-postgres')).toBeDefined();
  });
});
