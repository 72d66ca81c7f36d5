import { connect } from 'node:net';
import { z } from 'zod';
import { parseDurationSeconds } from '@internal/plugin-gantry-common';
import { fetchWithinPolicy } from './basic';
import {
  GantryStepExecutor,
  StepFailedError,
} from '@internal/plugin-gantry-node';

const check = z.union([
  z.string().min(1),
  z.strictObject({
    name: z.string().optional(),
    http: z.url().optional(),
    tcp: z
      .string()
      .regex(/^[^\s:]+:\d{1,5}$/, 'use host:port')
      .optional(),
    expectStatus: z.array(z.number().int()).optional(),
  }),
]);

const schema = z.looseObject({
  checks: z.array(check).optional(),
  healthChecks: z.array(check).optional(),
  timeout: z.union([z.number(), z.string()]).optional(),
  retries: z.number().int().min(0).max(20).optional(),
  retryDelay: z.union([z.number(), z.string()]).optional(),
});

type Check = {
  name: string;
  http?: string;
  tcp?: string;
  expectStatus?: number[];
};

function normalize(entry: z.infer<typeof check>): Check {
  if (typeof entry !== 'string') {
    if (!entry.http && !entry.tcp)
      throw new StepFailedError(
        `health check ${entry.name ?? ''} needs http or tcp`,
      );
    return { name: entry.name ?? entry.http ?? entry.tcp!, ...entry };
  }
  if (/^https?:\/\//.test(entry)) return { name: entry, http: entry };
  if (/^[^\s:/]+:\d{1,5}$/.test(entry)) return { name: entry, tcp: entry };
  throw new StepFailedError(
    `unknown health check '${entry}': give a URL (HTTP check), host:port (TCP check) or {name, http|tcp}`,
  );
}

async function probe(
  c: Check,
  timeoutMs: number,
  signal: AbortSignal,
  checkOutbound?: (url: string) => void,
): Promise<string> {
  if (c.http) {
    const response = await fetchWithinPolicy(
      c.http,
      { signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) },
      checkOutbound,
    );
    await response.arrayBuffer();
    const ok = c.expectStatus
      ? c.expectStatus.includes(response.status)
      : response.ok;
    if (!ok) throw new Error(`HTTP ${response.status}`);
    return `HTTP ${response.status}`;
  }
  const [host, port] = [
    c.tcp!.slice(0, c.tcp!.lastIndexOf(':')),
    Number(c.tcp!.slice(c.tcp!.lastIndexOf(':') + 1)),
  ];
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host, port, timeout: timeoutMs }, () => {
      socket.end();
      resolve();
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error('timed out'));
    });
    socket.once('error', reject);
  });
  return 'TCP connect ok';
}

/** `validation`: HTTP and TCP health checks, each retried until it passes. */
export const validationExecutor: GantryStepExecutor<z.infer<typeof schema>> = {
  type: 'validation',
  description: 'HTTP (URL) and TCP (host:port) health checks with retries',
  configSchema: schema,
  async execute(ctx) {
    const checks = [
      ...(ctx.config.checks ?? []),
      ...(ctx.config.healthChecks ?? []),
    ].map(normalize);
    for (const c of checks) ctx.checkOutbound?.(c.http ?? `tcp://${c.tcp}`);
    const timeoutMs = (parseDurationSeconds(ctx.config.timeout) ?? 10) * 1000;
    const delayMs = (parseDurationSeconds(ctx.config.retryDelay) ?? 1) * 1000;
    const attempts = (ctx.config.retries ?? 0) + 1;
    const results: Record<string, string> = {};
    for (const c of checks) {
      for (let attempt = 1; ; attempt++) {
        try {
          results[c.name] = await probe(
            c,
            timeoutMs,
            ctx.signal,
            ctx.checkOutbound,
          );
          ctx.log(`✔ ${c.name}: ${results[c.name]}`);
          break;
        } catch (error) {
          const message = (error as Error).message;
          ctx.log(`✖ ${c.name}: ${message} (try ${attempt} of ${attempts})`);
          if (attempt >= attempts || ctx.signal.aborted) {
            throw new StepFailedError(
              `health check ${c.name} failed: ${message}`,
              undefined,
              { results },
            );
          }
          await new Promise(r => setTimeout(r, delayMs));
        }
      }
    }
    return { outputs: { checks: results } };
  },
};
