import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { GantryStepExecutor } from '@internal/plugin-gantry-node';
import { newTimeOrderedId } from '../runs/ids';
import { baseEnv, failIfUnsuccessful, runProcess } from './process';

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
  plan: ctx => [
    `would run with ${ctx.config.shell ?? '/bin/sh'}: ${
      ctx.config.command ?? ctx.config.script
    }`,
  ],
  async execute(ctx) {
    const command = ctx.config.command ?? ctx.config.script!;
    const outputFile = path.join(
      ctx.workspace,
      `.gantry-output-${newTimeOrderedId()}`,
    );
    const result = await runProcess(
      ctx,
      ctx.config.shell ?? '/bin/sh',
      ['-c', command],
      {
        env: { ...baseEnv(ctx), GANTRY_OUTPUT: outputFile },
      },
    );
    const published = parseOutputFile(
      await readFile(outputFile, 'utf8').catch(() => ''),
    );
    await rm(outputFile, { force: true });
    const outputs = { ...published, stdout: result.stdout };
    failIfUnsuccessful(ctx, 'the command', result, outputs);
    return { outputs, exitCode: 0 };
  },
};
