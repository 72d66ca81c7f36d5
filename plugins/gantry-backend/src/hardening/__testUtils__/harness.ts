import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import { as, startGantryBackend } from '../../__testUtils__/gantryTestBackend';

/**
 * What the hardening suites run against: Gantry in the test backend (real
 * permission backend and role policy, demo organisation, real database)
 * listening on a real port, called over HTTP on 127.0.0.1 like a client.
 */
export interface HardeningBackend {
  base: string;
  port: number;
  knex: Knex;
  call(
    method: string,
    route: string,
    options?: CallOptions,
  ): Promise<CallResult>;
  stop(): Promise<void>;
}

export interface CallOptions {
  /** a demo user (`ada` is a platform admin, `carl` a developer of acme) */
  user?: string;
  body?: unknown;
  /** raw text sent as is (YAML, broken JSON) */
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface CallResult {
  status: number;
  text: string;
  json: any;
}

/** A SQLite file in a fresh temporary folder, as the embedded default runs. */
export function sqliteFile(): { knex: Knex; dir: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gantry-hardening-'));
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: path.join(dir, 'gantry.sqlite') },
    useNullAsDefault: true,
  });
  return { knex, dir };
}

export async function startHardeningBackend(
  options: {
    knex?: Knex;
    config?: Record<string, unknown>;
    features?: any[];
  } = {},
): Promise<HardeningBackend> {
  const own = options.knex ? undefined : sqliteFile();
  const knex = options.knex ?? own!.knex;
  const backend = await startGantryBackend(
    knex,
    options.config ?? {},
    options.features ?? [],
  );
  const port = backend.server.port();
  const base = `http://127.0.0.1:${port}`;
  const call = async (
    method: string,
    route: string,
    { user = 'ada', body, text, contentType, headers = {} }: CallOptions = {},
  ): Promise<CallResult> => {
    let sent = text;
    if (sent === undefined && body !== undefined) sent = JSON.stringify(body);
    const res = await fetch(`${base}/api/gantry${route}`, {
      method,
      headers: {
        ...(user ? { authorization: as(user) } : {}),
        ...(sent !== undefined
          ? { 'content-type': contentType ?? 'application/json' }
          : {}),
        ...headers,
      },
      body: method === 'GET' || method === 'HEAD' ? undefined : sent,
    });
    const answer = await res.text();
    let json: any;
    try {
      json = JSON.parse(answer);
    } catch {
      json = undefined;
    }
    return { status: res.status, text: answer, json };
  };
  return {
    base,
    port,
    knex,
    call,
    async stop() {
      await backend.server.stop().catch(() => undefined);
      if (own) {
        await knex.destroy();
        rmSync(own.dir, { recursive: true, force: true });
      }
    },
  };
}

const STACK_LINE = /\n\s+at\s+\S+|\bat (?:async )?[\w$.<>]+ \([^)]*:\d+:\d+\)/;
/** Words of an internal failure that a refusal must not pass on to a client. */
const INTERNALS =
  /Cannot read propert|is not a function|is not iterable|undefined is not|SQLITE_|violates .* constraint|duplicate key value|Maximum call stack|Unexpected token .* in JSON at position/;

/**
 * Why a response is not an acceptable answer to any request, or undefined:
 * a 5xx, or a refusal (4xx) that is not a JSON error with a message, or that
 * shows a stack trace or internal detail.
 */
export function problemWith(res: CallResult): string | undefined {
  if (res.status >= 500) return `${res.status}: ${res.text.slice(0, 300)}`;
  if (res.status < 400) return undefined;
  const message = res.json?.error?.message;
  if (typeof message !== 'string' || !message.trim())
    return `${res.status} without an error message: ${res.text.slice(0, 300)}`;
  if (STACK_LINE.test(res.text))
    return `${res.status} with a stack trace: ${res.text.slice(0, 300)}`;
  if (INTERNALS.test(res.text))
    return `${res.status} with internal detail: ${res.text.slice(0, 300)}`;
  return undefined;
}

/** Exact percentile of `values` (milliseconds), nearest rank. */
export function percentile(values: number[], p: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

/** `--name value` / `--name=value` / `--flag` from argv. */
export function argument(name: string): string | undefined {
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    if (args[i] === `--${name}`)
      return args[i + 1] && !args[i + 1].startsWith('--') ? args[i + 1] : '';
    if (args[i].startsWith(`--${name}=`)) return args[i].slice(name.length + 3);
  }
  return undefined;
}
