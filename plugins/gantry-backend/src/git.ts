import { execFile } from 'node:child_process';
import { mkdir, stat } from 'node:fs/promises';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** Runs real git; a failure says which command failed and its last line. */
export async function git(args: string[], cwd?: string): Promise<string> {
  try {
    const { stdout } = await exec('git', args, {
      cwd,
      timeout: 120_000,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
    });
    return stdout.trim();
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(
      `git ${args[0]} failed: ${(e.stderr || e.message)
        .trim()
        .split('\n')
        .pop()}`,
    );
  }
}

/**
 * Checks out `ref` (branch, tag or commit) of `url` into `dir` with real git,
 * fetching only that ref. Returns the commit it is at.
 */
export async function checkoutRef(
  url: string,
  ref: string,
  dir: string,
): Promise<string> {
  if (!(await stat(`${dir}/.git`).catch(() => undefined))) {
    await mkdir(dir, { recursive: true });
    await git(['init', '--quiet'], dir);
    await git(['remote', 'add', 'origin', url], dir);
  } else {
    await git(['remote', 'set-url', 'origin', url], dir);
  }
  await git(['fetch', '--quiet', '--depth', '1', 'origin', ref], dir);
  await git(['checkout', '--quiet', '--force', '--detach', 'FETCH_HEAD'], dir);
  return git(['rev-parse', 'HEAD'], dir);
}
