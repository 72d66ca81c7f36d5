import { InputError } from '@backstage/errors';
import {
  mkdtemp,
  mkdir,
  readdir,
  readFile,
  rm,
  writeFile,
} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { checkoutRef, git } from '../git';

/** File names canonical workflows may have: no folders, no dot files. */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9 _.()#&+,-]{0,127}$/;
const EXTENSIONS = ['.json', '.yaml', '.yml'];

export function assertWorkflowFileName(name: string): void {
  if (!SAFE_NAME.test(name) || name.includes('..')) {
    throw new InputError(
      `workflow name "${name}" cannot be a file name in the canonical repository (letters, digits, space and _ . ( ) # & + , - only; no folders)`,
    );
  }
}

/** A folder inside the repository: relative, without `..`. */
export function assertRepositoryFolder(folder: string): void {
  const normal = path.posix.normalize(folder);
  if (path.posix.isAbsolute(normal) || normal.split('/').includes('..')) {
    throw new InputError(
      `path "${folder}" must be a folder inside the repository`,
    );
  }
}

export interface RepositoryFile {
  name: string;
  file: string;
  text: string;
}

/**
 * Reads the workflow files of `folder` at `ref` of a repository (a URL or a
 * local path) through a checkout in `dir`; returns them with the commit.
 */
export async function readWorkflows(
  url: string,
  ref: string,
  folder: string,
  dir: string,
): Promise<{ commit: string; files: RepositoryFile[] }> {
  const commit = await checkoutRef(url, ref, dir);
  const root = path.join(dir, folder);
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  const files: RepositoryFile[] = [];
  for (const entry of entries) {
    const ext = path.extname(entry.name);
    if (!entry.isFile() || !EXTENSIONS.includes(ext)) continue;
    files.push({
      name: entry.name.slice(0, -ext.length),
      file: path.posix.join(folder, entry.name),
      text: await readFile(path.join(root, entry.name), 'utf8'),
    });
  }
  return { commit, files: files.sort((a, b) => a.name.localeCompare(b.name)) };
}

const isLocalPath = (url: string) => url.startsWith('/');

/**
 * Commits files to the repository's `ref` as `actor`: in place for a local
 * working repository (which must have `ref` checked out), else through a
 * clone and a push. Returns the new commit.
 */
export async function commitFiles(
  url: string,
  ref: string,
  files: Array<{ file: string; text: string }>,
  message: string,
  actor: string,
): Promise<string> {
  const local = isLocalPath(url);
  const dir = local
    ? url
    : await mkdtemp(path.join(os.tmpdir(), 'gantry-canonical-'));
  try {
    if (local) {
      const branch = await git(['rev-parse', '--abbrev-ref', 'HEAD'], dir);
      if (branch !== ref) {
        throw new InputError(
          `the canonical repository ${url} has ${branch} checked out, not ${ref}`,
        );
      }
    } else {
      await git([
        'clone',
        '--quiet',
        '--depth',
        '1',
        '--branch',
        ref,
        url,
        dir,
      ]);
    }
    for (const f of files) {
      await mkdir(path.dirname(path.join(dir, f.file)), { recursive: true });
      await writeFile(path.join(dir, f.file), f.text);
    }
    await git(['add', '--', ...files.map(f => f.file)], dir);
    await git(
      [
        '-c',
        `user.name=${actor}`,
        '-c',
        'user.email=gantry@localhost',
        'commit',
        '--quiet',
        '--allow-empty',
        '-m',
        message,
      ],
      dir,
    );
    if (!local) await git(['push', '--quiet', 'origin', `HEAD:${ref}`], dir);
    return await git(['rev-parse', 'HEAD'], dir);
  } finally {
    if (!local) await rm(dir, { recursive: true, force: true });
  }
}
