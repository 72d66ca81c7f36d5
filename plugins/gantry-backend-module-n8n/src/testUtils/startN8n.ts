/*
 * A real n8n for tests: the n8n that scripts/n8n.sh installs into tools/n8n
 * (outside the Yarn workspace), started as a child process on a free
 * loopback port with its own SQLite folder, an owner and a public API key.
 */
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface StartedN8n {
  /** e.g. `http://127.0.0.1:40123` (the environment's `settings.baseUrl`). */
  baseUrl: string;
  /** A public API key with every scope (the environment's `secrets.apiKey`). */
  apiKey: string;
  /**
   * Creates a credential through n8n's internal REST API (the public API's
   * create works too, but tests need it before any key exists elsewhere).
   */
  createCredential(
    name: string,
    type: string,
    data: Record<string, unknown>,
  ): Promise<{ id: string; name: string; type: string }>;
  /** Kills n8n (its whole process group) and removes its folder. */
  stop(): Promise<void>;
  /** How long this start took, from spawn to a usable API key. */
  startupMs: number;
  /** n8n's user folder (N8N_USER_FOLDER); its log is `n8n.log` in it. */
  folder: string;
}

export interface StartN8nOptions {
  /** Give up when n8n is not up after this long; default 180 s. */
  timeoutMs?: number;
}

const OWNER = {
  email: 'gantry-tests@example.com',
  firstName: 'Gantry',
  lastName: 'Tests',
  password: 'Gantry-Tests-1',
};

/** Where scripts/n8n.sh installs n8n: tools/n8n above this package. */
export function n8nInstallation(): {
  dir: string;
  bin: string;
  version?: string;
} {
  const start = resolvePackagePath(
    '@internal/plugin-gantry-backend-module-n8n',
  );
  let dir = start;
  while (!fs.existsSync(path.join(dir, 'tools', 'n8n', 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(
        `tools/n8n not found above ${start}; the n8n test harness runs inside the Gantry repository`,
      );
    }
    dir = parent;
  }
  const tools = path.join(dir, 'tools', 'n8n');
  const pkg = path.join(tools, 'node_modules', 'n8n', 'package.json');
  return {
    dir: tools,
    bin: path.join(tools, 'node_modules', '.bin', 'n8n'),
    version: fs.existsSync(pkg)
      ? (JSON.parse(fs.readFileSync(pkg, 'utf8')).version as string)
      : undefined,
  };
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return port;
}

/** The environment n8n runs in: nothing from ours that n8n would read. */
function n8nEnv(folder: string, port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(N8N_|DB_|EXECUTIONS_|QUEUE_|WEBHOOK_URL$|NODE_OPTIONS$)/.test(key)) {
      continue;
    }
    env[key] = value;
  }
  return {
    ...env,
    NODE_ENV: 'production',
    N8N_USER_FOLDER: folder,
    N8N_PORT: String(port),
    N8N_LISTEN_ADDRESS: '127.0.0.1',
    N8N_HOST: '127.0.0.1',
    N8N_PROTOCOL: 'http',
    WEBHOOK_URL: `http://127.0.0.1:${port}/`,
    DB_TYPE: 'sqlite',
    // nothing leaves the machine
    N8N_DIAGNOSTICS_ENABLED: 'false',
    N8N_DIAGNOSTICS_CONFIG_FRONTEND: '',
    N8N_DIAGNOSTICS_CONFIG_BACKEND: '',
    N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
    N8N_PERSONALIZATION_ENABLED: 'false',
    N8N_TEMPLATES_ENABLED: 'false',
    N8N_HIRING_BANNER_ENABLED: 'false',
    N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
    N8N_COMMUNITY_PACKAGES_ENABLED: 'false',
    EXTERNAL_FRONTEND_HOOKS_URLS: '',
    // the tests need no editor: skipping its assets saves ~5 s per start
    N8N_DISABLE_UI: 'true',
    N8N_PUBLIC_API_SWAGGERUI_DISABLED: 'true',
    // Code nodes run in n8n's own process: no task broker port to collide
    // between parallel test files
    N8N_RUNNERS_ENABLED: 'false',
    N8N_SECURE_COOKIE: 'false',
    N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
    N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5',
    N8N_LOG_OUTPUT: 'console',
  };
}

interface Running {
  child: ChildProcess;
  baseUrl: string;
  log: string;
  exited: Promise<number | null>;
}

function spawnN8n(bin: string, folder: string, port: number): Running {
  const log = path.join(folder, 'n8n.log');
  const out = fs.openSync(log, 'a');
  // The shell keeps our stdin (a pipe) on fd 3 for a watcher that stops
  // n8n when the pipe closes, so n8n does not outlive a test process that
  // dies without calling stop(); then it becomes n8n (exec, same pid).
  const child = spawn(
    '/bin/sh',
    [
      '-c',
      'exec 3<&0 </dev/null; (cat <&3 >/dev/null; kill -TERM $$ 2>/dev/null) & ' +
        'exec "$0" "$1" start 3<&-',
      process.execPath,
      bin,
    ],
    {
      cwd: folder,
      env: n8nEnv(folder, port),
      stdio: ['pipe', out, out],
      detached: true,
    },
  );
  fs.closeSync(out);
  const exited = new Promise<number | null>(resolve =>
    child.once('exit', code => resolve(code)),
  );
  return { child, baseUrl: `http://127.0.0.1:${port}`, log, exited };
}

function logTail(log: string): string {
  try {
    return fs.readFileSync(log, 'utf8').split('\n').slice(-25).join('\n');
  } catch {
    return '(no log)';
  }
}

async function waitUntilUp(n8n: Running, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  n8n.exited.then(code => {
    exitCode = code;
  });
  for (;;) {
    if (exitCode !== undefined) {
      throw new Error(
        `n8n exited (code ${exitCode}) before it was up; its log:\n${logTail(
          n8n.log,
        )}`,
      );
    }
    try {
      // Up when both its internal REST API and its public API refuse us
      // with a JSON 401; before (while it migrates, say) n8n answers with
      // plain text or a 404 page.
      const refusals = await Promise.all(
        ['/rest/login', '/api/v1/workflows'].map(async route => {
          const response = await fetch(`${n8n.baseUrl}${route}`, {
            signal: AbortSignal.timeout(2000),
          });
          const type = response.headers.get('content-type') ?? '';
          await response.arrayBuffer();
          return response.status === 401 && type.includes('json');
        }),
      );
      if (refusals.every(Boolean)) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      throw new Error(
        `n8n was not up after ${timeoutMs / 1000} s; its log:\n${logTail(
          n8n.log,
        )}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

async function stopN8n(n8n: Running): Promise<void> {
  const group = (signal: NodeJS.Signals) => {
    try {
      process.kill(-n8n.child.pid!, signal);
    } catch {
      // already gone
    }
  };
  if (n8n.child.exitCode === null && n8n.child.signalCode === null) {
    group('SIGTERM');
    const killed = setTimeout(() => group('SIGKILL'), 10_000);
    await n8n.exited;
    clearTimeout(killed);
  }
  // whatever n8n started and left behind
  group('SIGKILL');
  n8n.child.stdin?.destroy();
}

/** A REST call as the logged-in owner (n8n's internal API, for setup only). */
async function rest<T>(
  baseUrl: string,
  method: string,
  route: string,
  body?: unknown,
  cookie?: string,
): Promise<{ data: T; cookie?: string }> {
  const response = await fetch(`${baseUrl}/rest${route}`, {
    method,
    headers: {
      'content-type': 'application/json',
      'browser-id': 'gantry-tests',
      ...(cookie && { cookie }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(
      `n8n answered ${response.status} to ${method} /rest${route}: ${text.slice(
        0,
        300,
      )}`,
    );
  }
  const setCookie = response.headers
    .getSetCookie()
    .map(c => c.split(';')[0])
    .join('; ');
  return {
    data: (JSON.parse(text) as { data: T }).data,
    cookie: setCookie || undefined,
  };
}

/**
 * A migrated SQLite database with the owner set up, made once per n8n
 * version and copied for each start: migrating a fresh database takes n8n
 * 10–30 s on these machines, starting on a migrated one a few seconds.
 */
async function template(
  bin: string,
  version: string,
  timeoutMs: number,
): Promise<string> {
  const dir = path.join(os.tmpdir(), `gantry-n8n-${version}-template`);
  if (fs.existsSync(path.join(dir, 'ready'))) return dir;
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-n8n-build-'));
  const n8n = spawnN8n(bin, folder, await freePort());
  try {
    await waitUntilUp(n8n, timeoutMs);
    await rest(n8n.baseUrl, 'POST', '/owner/setup', OWNER);
  } catch (error) {
    await stopN8n(n8n);
    fs.rmSync(folder, { recursive: true, force: true });
    throw error;
  }
  await stopN8n(n8n);
  fs.rmSync(path.join(folder, 'n8n.log'), { force: true });
  fs.writeFileSync(path.join(folder, 'ready'), `${version}\n`);
  try {
    fs.renameSync(folder, dir);
  } catch {
    // another test process made it meanwhile
    fs.rmSync(folder, { recursive: true, force: true });
  }
  return dir;
}

/**
 * Starts a fresh n8n (about 5 s from a cached template on an idle 2-core
 * machine, twice that under load; the first start on a machine also migrates
 * the template database, 15–30 s). Throws when tools/n8n is not installed.
 */
export async function startN8n(
  options: StartN8nOptions = {},
): Promise<StartedN8n> {
  const timeoutMs = options.timeoutMs ?? 180_000;
  const { bin, version } = n8nInstallation();
  if (!version || !fs.existsSync(bin)) {
    throw new Error(
      'n8n is not installed for the tests: run scripts/n8n.sh install (npm ci in tools/n8n)',
    );
  }
  const started = performance.now();
  const source = await template(bin, version, timeoutMs);
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-n8n-'));
  fs.cpSync(path.join(source, '.n8n'), path.join(folder, '.n8n'), {
    recursive: true,
  });
  const n8n = spawnN8n(bin, folder, await freePort());
  const killOnExit = () => {
    try {
      process.kill(-n8n.child.pid!, 'SIGKILL');
    } catch {
      // gone
    }
  };
  process.on('exit', killOnExit);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', killOnExit);
    await stopN8n(n8n);
    fs.rmSync(folder, { recursive: true, force: true });
  };
  try {
    await waitUntilUp(n8n, timeoutMs);
    const { cookie } = await rest(n8n.baseUrl, 'POST', '/login', {
      emailOrLdapLoginId: OWNER.email,
      password: OWNER.password,
    });
    if (!cookie) throw new Error('n8n set no cookie at login');
    const { data: scopes } = await rest<string[]>(
      n8n.baseUrl,
      'GET',
      '/api-keys/scopes',
      undefined,
      cookie,
    );
    const { data: key } = await rest<{ rawApiKey: string }>(
      n8n.baseUrl,
      'POST',
      '/api-keys',
      { label: 'gantry-tests', scopes, expiresAt: null },
      cookie,
    );
    return {
      baseUrl: n8n.baseUrl,
      apiKey: key.rawApiKey,
      folder,
      startupMs: Math.round(performance.now() - started),
      async createCredential(name, type, data) {
        const { data: credential } = await rest<{
          id: string;
          name: string;
          type: string;
        }>(n8n.baseUrl, 'POST', '/credentials', { name, type, data }, cookie);
        return {
          id: credential.id,
          name: credential.name,
          type: credential.type,
        };
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
