import { ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import autocannon from 'autocannon';
import { as } from '../../../__testUtils__/gantryTestBackend';
import { percentile } from '../harness';

export interface LoadOptions {
  /** environment workflows seeded into tenant acme */
  workflows: number;
  /** finished runs seeded into tenant acme */
  runs: number;
  /** seconds at each concurrency */
  seconds: number;
  /** connections, stepped up in order */
  concurrency: number[];
  log?: (line: string) => void;
}

export interface LoadRow {
  endpoint: string;
  connections: number;
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  /** responses other than the expected 2xx */
  non2xx: number;
  /** connection errors and timeouts */
  errors: number;
  /** the backend process's peak RSS during the step, MiB */
  rssMb: number;
}

export interface LoadReport {
  workflows: number;
  runs: number;
  seedSeconds: number;
  startRssMb: number;
  rows: LoadRow[];
  /** per endpoint: the lowest concurrency reaching 90 % of its best throughput */
  knees: Record<string, LoadRow>;
}

const MB = 1024 * 1024;

/** Starts the seeded backend process and waits until it listens. */
async function startServer(
  options: LoadOptions,
): Promise<{ child: ChildProcess; ready: any; peak: { rss: number } }> {
  const child = fork(path.join(__dirname, 'loadServer.ts'), [], {
    execArgv: [
      '-r',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
    ],
    env: {
      ...process.env,
      GANTRY_LOAD_WORKFLOWS: String(options.workflows),
      GANTRY_LOAD_RUNS: String(options.runs),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const peak = { rss: 0 };
  const ready = await new Promise<any>((resolve, reject) => {
    child.on('message', (message: any) => {
      peak.rss = Math.max(peak.rss, message.rss ?? 0);
      if (message.type === 'ready') resolve(message);
    });
    child.once('exit', code =>
      reject(new Error(`the load backend exited with ${code}`)),
    );
  });
  return { child, ready, peak };
}

/** One autocannon step; latencies are exact, from every response. */
async function step(
  base: string,
  endpoint: string,
  connections: number,
  seconds: number,
  request: autocannon.Request,
  peak: { rss: number },
): Promise<LoadRow> {
  const latencies: number[] = [];
  peak.rss = 0;
  let finished: (error: unknown, result: autocannon.Result) => void = () =>
    undefined;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finished = (error, result) => (error ? reject(error) : resolve(result));
  });
  const instance = autocannon(
    {
      url: base,
      connections,
      duration: seconds,
      timeout: 30,
      requests: [request],
    },
    (error, result) => finished(error, result),
  );
  instance.on('response', (_client, _status, _bytes, ms) => {
    latencies.push(ms);
  });
  const result = await done;
  const requests = result.requests.total;
  return {
    endpoint,
    connections,
    requests,
    rps: requests / seconds,
    p50: percentile(latencies, 0.5),
    p95: percentile(latencies, 0.95),
    p99: percentile(latencies, 0.99),
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    rssMb: peak.rss / MB,
  };
}

/**
 * Sustained load on run creation, run listing (paginated, deep pages
 * included) and event ingest, stepping up concurrency on each.
 */
export async function runLoadSuite(options: LoadOptions): Promise<LoadReport> {
  const log = options.log ?? (() => undefined);
  log(
    `seeding ${options.workflows} workflows and ${options.runs} runs, starting the backend...`,
  );
  const { child, ready, peak } = await startServer(options);
  const base = `http://127.0.0.1:${ready.port}`;
  log(`backend on ${base}, seeded in ${ready.seedSeconds.toFixed(1)} s`);
  const headers = {
    authorization: as('carl'),
    'content-type': 'application/json',
  };
  const cursors: string[] = ready.cursors;
  let n = 0;
  const endpoints: Array<[string, autocannon.Request]> = [
    [
      'GET /runs (pages)',
      {
        method: 'GET',
        path: '/api/gantry/runs?limit=50',
        headers,
        // first pages and pages deep in the 90 days, by cursor
        setupRequest: req => {
          const i = n++ % (cursors.length + 1);
          return {
            ...req,
            path: i
              ? `/api/gantry/runs?limit=50&cursor=${cursors[i - 1]}`
              : '/api/gantry/runs?limit=50',
          };
        },
      },
    ],
    [
      'POST /events',
      {
        method: 'POST',
        path: '/api/gantry/events',
        headers,
        setupRequest: req => {
          const i = n++;
          return {
            ...req,
            body: JSON.stringify({
              type: 'load.tested',
              payload: { order: i, total: i % 1000 },
              idempotencyKey: `load-${process.pid}-${i}`,
            }),
          };
        },
      },
    ],
    [
      'POST /runs',
      {
        method: 'POST',
        path: '/api/gantry/runs',
        headers,
        body: JSON.stringify({
          definition:
            'name: load-run\nsteps:\n  - id: check\n    type: assert\n    config:\n      condition: "true"\n',
        }),
      },
    ],
  ];
  const rows: LoadRow[] = [];
  try {
    for (const [endpoint, request] of endpoints) {
      for (const connections of options.concurrency) {
        const row = await step(
          base,
          endpoint,
          connections,
          options.seconds,
          request,
          peak,
        );
        rows.push(row);
        log(formatRow(row));
      }
    }
  } finally {
    child.disconnect();
    await new Promise(resolve => {
      child.once('exit', resolve);
      setTimeout(() => {
        child.kill('SIGKILL');
        resolve(undefined);
      }, 10_000).unref();
    });
  }
  const knees: Record<string, LoadRow> = {};
  for (const [endpoint] of endpoints) {
    const mine = rows.filter(r => r.endpoint === endpoint);
    const best = Math.max(...mine.map(r => r.rps));
    knees[endpoint] = mine.find(r => r.rps >= 0.9 * best)!;
  }
  return {
    workflows: ready.workflows,
    runs: ready.runs,
    seedSeconds: ready.seedSeconds,
    startRssMb: ready.rss / MB,
    rows,
    knees,
  };
}

export const TABLE_HEADER =
  'endpoint            conns   req/s     p50 ms   p95 ms   p99 ms  requests  non-2xx  errors  RSS MiB';

export function formatRow(r: LoadRow): string {
  const num = (v: number, w: number, d = 1) => v.toFixed(d).padStart(w);
  return `${r.endpoint.padEnd(19)} ${String(r.connections).padStart(5)} ${num(
    r.rps,
    7,
  )} ${num(r.p50, 10)} ${num(r.p95, 8)} ${num(r.p99, 8)} ${String(
    r.requests,
  ).padStart(9)} ${String(r.non2xx).padStart(8)} ${String(r.errors).padStart(
    7,
  )} ${num(r.rssMb, 8, 0)}`;
}

export function formatReport(report: LoadReport): string {
  const lines = [
    `Load: tenant acme with ${report.workflows} environment workflows and ${report.runs} runs (SQLite file), Node ${process.version}`,
    `seeded in ${report.seedSeconds.toFixed(
      1,
    )} s; backend RSS after seeding ${report.startRssMb.toFixed(0)} MiB`,
    '',
    TABLE_HEADER,
    ...report.rows.map(formatRow),
    '',
    'knee (lowest concurrency reaching 90 % of the best throughput):',
    ...Object.entries(report.knees).map(
      ([endpoint, r]) =>
        `  ${endpoint.padEnd(19)} ${r.connections} connections: ${r.rps.toFixed(
          0,
        )} req/s, p99 ${r.p99.toFixed(1)} ms`,
    ),
    '',
    `non-2xx ${report.rows.reduce(
      (s, r) => s + r.non2xx,
      0,
    )}, errors ${report.rows.reduce(
      (s, r) => s + r.errors,
      0,
    )} (both must be 0)`,
  ];
  return lines.join('\n');
}
