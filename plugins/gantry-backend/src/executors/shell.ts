import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import {
  GantryStepExecutor,
  StepFailedError,
} from '@internal/plugin-gantry-node';
import { newTimeOrderedId } from '../runs/ids';

/** Caps that keep one chatty step from filling the database. */
export const SHELL_LIMITS = {
  stdoutBytes: 64 * 1024,
  logLines: 10_000,
  killGraceMs: 2_000,
};

const configSchema = z
  .strictObject({
    command: z.string().min(1).optional(),
    script: z.string().min(1).optional(),
    shell: z.enum(['/bin/sh', '/bin/bash']).optional(),
    timeout: z.union([z.number(), z.string()]).optional(),
    retries: z.number().optional(),
    continueOnFailure: z.boolean().optional(),
  })
  .refine(c => c.command !== undefined || c.script !== undefined, {
    message: 'a shell step needs config.command',
  });

/** Parses `key=value` lines written to $GANTRY_OUTPUT. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    if (
      /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key) &&
      !['__proto__', 'constructor', 'prototype'].includes(key)
    ) {
      outputs[key] = line.slice(eq + 1).replace(/\r$/, '');
    }
  }
  return outputs;
}

/**
 * `shell`: runs the command with /bin/sh in the run's workspace, in its own
 * process group so a timeout or cancel kills everything it started.
 */
export const shellExecutor: GantryStepExecutor<z.infer<typeof configSchema>> = {
  type: 'shell',
  description:
    'Runs a shell command; key=value lines written to $GANTRY_OUTPUT become outputs',
  configSchema,
  async execute(ctx) {
    const command = ctx.config.command ?? ctx.config.script!;
    const outputFile = path.join(
      ctx.workspace,
      `.gantry-output-${newTimeOrderedId()}`,
    );
    const child = spawn(ctx.config.shell ?? '/bin/sh', ['-c', command], {
      cwd: ctx.workspace,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
        HOME: process.env.HOME ?? ctx.workspace,
        LANG: process.env.LANG ?? 'C.UTF-8',
        ...ctx.env,
        GANTRY_OUTPUT: outputFile,
        GANTRY_RUN_ID: ctx.runId,
        GANTRY_STEP_ID: ctx.stepId,
        GANTRY_ATTEMPT: String(ctx.attempt),
        GANTRY_WORKSPACE: ctx.workspace,
      },
    });

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
      }, SHELL_LIMITS.killGraceMs);
    };
    if (ctx.signal.aborted) killGroup();
    ctx.signal.addEventListener('abort', killGroup, { once: true });

    let stdout = '';
    let lines = 0;
    const pump = (stream: NodeJS.ReadableStream, name: 'stdout' | 'stderr') =>
      new Promise<void>(resolve => {
        const reader = createInterface({ input: stream, crlfDelay: Infinity });
        reader.on('line', line => {
          if (name === 'stdout' && stdout.length < SHELL_LIMITS.stdoutBytes) {
            stdout += `${line}\n`.slice(
              0,
              SHELL_LIMITS.stdoutBytes - stdout.length,
            );
          }
          lines += 1;
          if (lines <= SHELL_LIMITS.logLines) ctx.log(line, name);
          else if (lines === SHELL_LIMITS.logLines + 1)
            ctx.log(
              `… output truncated after ${SHELL_LIMITS.logLines} lines`,
              'stderr',
            );
        });
        reader.on('close', () => resolve());
      });

    const exited = new Promise<{
      code: number | null;
      signal: NodeJS.Signals | null;
    }>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) => resolve({ code, signal }));
    });
    const [{ code, signal }] = await Promise.all([
      exited,
      pump(child.stdout!, 'stdout'),
      pump(child.stderr!, 'stderr'),
    ]);
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

    const published = parseOutputFile(
      await readFile(outputFile, 'utf8').catch(() => ''),
    );
    await rm(outputFile, { force: true });
    const outputs = { ...published, stdout };
    if (ctx.signal.aborted) {
      const reason =
        ctx.signal.reason instanceof Error
          ? ctx.signal.reason.message
          : 'aborted';
      throw new StepFailedError(
        `${reason}; the process group was killed`,
        code ?? undefined,
        outputs,
      );
    }
    if (code !== 0) {
      throw new StepFailedError(
        signal ? `killed by ${signal}` : `command exited with code ${code}`,
        code ?? undefined,
        outputs,
      );
    }
    return { outputs, exitCode: 0 };
  },
};
