import { spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import {
  GantryStepContext,
  StepFailedError,
} from '@internal/plugin-gantry-node';
import type { Socket } from 'node:net';

/** Caps that keep one chatty step from filling the database. */
export const PROCESS_LIMITS = {
  stdoutBytes: 64 * 1024,
  logLines: 10_000,
  killGraceMs: 2_000,
};

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The first PROCESS_LIMITS.stdoutBytes of stdout. */
  stdout: string;
}

/** The environment every step process starts from: PATH, HOME, LANG and nothing else of ours. */
export function baseEnv(ctx: GantryStepContext<any>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: process.env.HOME ?? ctx.workspace,
    LANG: process.env.LANG ?? 'C.UTF-8',
    ...ctx.env,
    GANTRY_RUN_ID: ctx.runId,
    GANTRY_STEP_ID: ctx.stepId,
    GANTRY_ATTEMPT: String(ctx.attempt),
    GANTRY_WORKSPACE: ctx.workspace,
  };
}

/** Finds the first of `names` on PATH, like `command -v`. */
export async function findTool(
  names: string[],
  searchPath = process.env.PATH ?? '',
): Promise<string | undefined> {
  for (const name of names) {
    for (const dir of searchPath.split(path.delimiter).filter(Boolean)) {
      const candidate = path.join(dir, name);
      try {
        await access(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** The tool, or a failure that says how to get it (or how to plan without it). */
export async function requireTool(
  ctx: GantryStepContext<any>,
  names: string[],
  what: string,
): Promise<string> {
  const found = await findTool(names, ctx.env.PATH ?? process.env.PATH);
  if (found) return found;
  throw new StepFailedError(
    `${names.join(
      ' or ',
    )} is not installed where Gantry runs (needed for ${what}): install it on the backend's PATH, or run with profile plan_only to see the plan without it`,
  );
}

/**
 * Started first in every step's process group: a watcher subshell that holds
 * fd 3, one end of a pipe whose other end only this backend process has.
 * When the backend dies — SIGKILL, OOM kill, a crash, no cleanup of its own —
 * the read ends and the watcher ends the group (SIGTERM, SIGKILL a second
 * later), so no step goes on working while another replica runs it again.
 * The group then becomes the program itself (exec, without fd 3).
 */
const WATCHED_GROUP = `(trap '' TERM; read _ <&3; kill -TERM 0; sleep 1; kill -KILL 0) </dev/null >/dev/null 2>&1 & exec "$@" 3<&-`;

/**
 * Runs a process in its own process group, streaming its output as log
 * lines; a timeout or cancel (ctx.signal) kills the whole group, and so does
 * the death of this backend process.
 */
export async function runProcess(
  ctx: GantryStepContext<any>,
  file: string,
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; stdin?: string } = {},
): Promise<ProcessResult> {
  const child = spawn(
    '/bin/sh',
    ['-c', WATCHED_GROUP, 'gantry-step', file, ...args],
    {
      cwd: options.cwd ?? ctx.workspace,
      detached: true,
      stdio: [
        options.stdin === undefined ? 'ignore' : 'pipe',
        'pipe',
        'pipe',
        'pipe', // fd 3: the watcher's lifeline
      ],
      env: options.env ?? baseEnv(ctx),
    },
  );
  const lifeline = child.stdio[3] as Socket | null;
  lifeline?.on('error', () => undefined);
  if (options.stdin !== undefined) child.stdin!.end(options.stdin);

  let killTimer: NodeJS.Timeout | undefined;
  const killGroup = () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    killTimer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, PROCESS_LIMITS.killGraceMs);
  };
  if (ctx.signal.aborted) killGroup();
  ctx.signal.addEventListener('abort', killGroup, { once: true });

  let stdout = '';
  let lines = 0;
  const pump = (stream: NodeJS.ReadableStream, name: 'stdout' | 'stderr') =>
    new Promise<void>(resolve => {
      const reader = createInterface({ input: stream, crlfDelay: Infinity });
      reader.on('line', line => {
        if (name === 'stdout' && stdout.length < PROCESS_LIMITS.stdoutBytes) {
          stdout += `${line}\n`.slice(
            0,
            PROCESS_LIMITS.stdoutBytes - stdout.length,
          );
        }
        lines += 1;
        if (lines <= PROCESS_LIMITS.logLines) ctx.log(line, name);
        else if (lines === PROCESS_LIMITS.logLines + 1) {
          ctx.log(
            `… output truncated after ${PROCESS_LIMITS.logLines} lines`,
            'stderr',
          );
        }
      });
      reader.on('close', () => resolve());
    });
  const exited = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
  }>((resolve, reject) => {
    child.once('error', reject);
    // 'exit', not 'close': the watcher keeps the lifeline open until the group is killed
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  try {
    const [{ code, signal }] = await Promise.all([
      exited,
      pump(child.stdout!, 'stdout'),
      pump(child.stderr!, 'stderr'),
    ]);
    return { code, signal, stdout };
  } finally {
    ctx.signal.removeEventListener('abort', killGroup);
    if (killTimer) clearTimeout(killTimer);
    // the group may still hold children that closed their output: end them
    if (child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // no such group: all gone
      }
    }
    lifeline?.destroy();
  }
}

/** Turns a non-zero exit (or an abort) into a StepFailedError with outputs. */
export function failIfUnsuccessful(
  ctx: GantryStepContext<any>,
  what: string,
  result: ProcessResult,
  outputs: Record<string, unknown> = {},
): void {
  if (ctx.signal.aborted) {
    const reason =
      ctx.signal.reason instanceof Error
        ? ctx.signal.reason.message
        : 'aborted';
    throw new StepFailedError(
      `${reason}; the process group was killed`,
      result.code ?? undefined,
      outputs,
    );
  }
  if (result.code !== 0) {
    throw new StepFailedError(
      result.signal
        ? `${what} was killed by ${result.signal}`
        : `${what} exited with code ${result.code}`,
      result.code ?? undefined,
      outputs,
    );
  }
}
