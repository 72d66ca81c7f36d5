import fs from 'node:fs';
import path from 'node:path';
import {
  DslError,
  parseProviderManifest,
} from '@internal/plugin-gantry-common';

/** A file to check, and which kind it is. */
export interface Target {
  file: string;
  kind: 'workflow' | 'provider';
}

export class UsageError extends Error {}

const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', '.data', '.tools']);
const isYaml = (name: string) => /\.ya?ml$/i.test(name);

/**
 * Expands PATHs: a workflow file; a provider directory (provider.yaml plus
 * the workflows in its workflows_dir); or a tree holding either.
 */
export function collectTargets(paths: string[]): {
  targets: Target[];
  errors: DslError[];
} {
  const targets: Target[] = [];
  const errors: DslError[] = [];
  const visit = (p: string, explicit: boolean) => {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch {
      throw new UsageError(`${p}: no such file or directory`);
    }
    if (stat.isFile()) {
      if (explicit || isYaml(p)) {
        targets.push({
          file: p,
          kind: path.basename(p) === 'provider.yaml' ? 'provider' : 'workflow',
        });
      }
      return;
    }
    const manifest = path.join(p, 'provider.yaml');
    if (fs.existsSync(manifest)) {
      targets.push({ file: manifest, kind: 'provider' });
      const { provider, errors: manifestErrors } = parseProviderManifest(
        fs.readFileSync(manifest, 'utf8'),
        manifest,
      );
      errors.push(...manifestErrors);
      const dir = path.join(p, provider?.workflows_dir ?? 'workflows');
      if (fs.existsSync(dir)) {
        for (const name of fs.readdirSync(dir).sort()) {
          if (isYaml(name))
            targets.push({ file: path.join(dir, name), kind: 'workflow' });
        }
      } else if (provider) {
        errors.push({
          code: 'missing-workflows',
          file: manifest,
          message: `provider '${provider.name}' has no workflows directory ${provider.workflows_dir}/`,
        });
      }
      return;
    }
    for (const entry of fs
      .readdirSync(p, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))) {
      if (
        entry.isDirectory() &&
        !SKIP_DIRS.has(entry.name) &&
        !entry.name.startsWith('.')
      ) {
        visit(path.join(p, entry.name), false);
      } else if (entry.isFile() && isYaml(entry.name)) {
        visit(path.join(p, entry.name), false);
      }
    }
  };
  for (const p of paths) visit(p, true);
  return { targets, errors };
}

export function readFileOrUsage(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`${file}: cannot read file`);
  }
}
