/*
 * What the reliability suites share: engine replicas in child processes, a
 * submit-only controller, the per-attempt ledger that shell steps write, event
 * snapshots, the process scan that finds orphaned step processes, and the
 * figures table.
 */
import { ChildProcess, spawn } from 'node:child_process';
import {
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import knexFactory, { Knex } from 'knex';
import { StepExecutorRegistry } from '@internal/plugin-gantry-node';
import { ApprovalService } from '../approvals/ApprovalService';
import { applyMigrations } from '../database/migrations';
import { WorkflowEngine } from '../engine/WorkflowEngine';
import { createBuiltinExecutors } from '../executors';
import { DatabaseRunStore } from '../runs/DatabaseRunStore';

export const sleep = (ms: number) =>
  new Promise<void>(resolve => setTimeout(resolve, ms));

/** `--name value` and `--flag` arguments. */
export function parseArgs(argv: string[]): Map<string, string> {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) continue;
    const [name, inline] = arg.slice(2).split('=', 2);
    if (inline !== undefined) args.set(name, inline);
    else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) {
      args.set(name, argv[++i]);
    } else args.set(name, 'true');
  }
  return args;
}

export function numberArg(
  args: Map<string, string>,
  name: string,
  fallback: number,
): number {
  const value = args.get(name);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) {
    throw new Error(`--${name} wants a number, got ${value}`);
  }
  return n;
}

/** A small deterministic random source, so a seed repeats a run's choices. */
export function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x100000000;
  };
}

export interface SuiteDatabase {
  /** What the workers get as GANTRY_TEST_DB. */
  target: string;
  label: string;
  knex: Knex;
  drop(): Promise<void>;
}

/** A fresh database with Gantry's schema: a SQLite file, or a new PostgreSQL database. */
export async function freshDatabase(
  dir: string,
  pgUrl?: string,
): Promise<SuiteDatabase> {
  if (!pgUrl) {
    const target = path.join(dir, 'gantry.sqlite');
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: target },
      useNullAsDefault: true,
    });
    await DatabaseRunStore.tuneSqlite(knex);
    await applyMigrations(knex);
    return {
      target,
      label: 'SQLite file (WAL)',
      knex,
      drop: () => knex.destroy(),
    };
  }
  const name = `gantry_reliability_${Date.now()}_${process.pid}`;
  const admin = knexFactory({ client: 'pg', connection: pgUrl });
  await admin.raw(`CREATE DATABASE ${name}`);
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  const target = url.toString();
  const knex = knexFactory({
    client: 'pg',
    connection: target,
    pool: { min: 1, max: 4 },
  });
  await applyMigrations(knex);
  const version = await knex.raw('show server_version');
  return {
    target,
    label: `PostgreSQL ${version.rows[0].server_version} (${url.host})`,
    knex,
    drop: async () => {
      await knex.destroy();
      await admin.raw(`DROP DATABASE IF EXISTS ${name}`);
      await admin.destroy();
    },
  };
}

/** An engine that only submits runs and takes approval decisions; it claims nothing. */
export function controller(knex: Knex) {
  const executors = new StepExecutorRegistry();
  createBuiltinExecutors().forEach(e => executors.register(e));
  const store = new DatabaseRunStore(knex);
  const approvals = new ApprovalService(knex);
  const engine = new WorkflowEngine({
    store,
    approvals,
    executors,
    secrets: { get: () => undefined },
    logger: { info() {}, warn() {}, error() {} },
  });
  return { engine, store, approvals };
}

const WORKER = resolvePackagePath(
  '@internal/plugin-gantry-backend',
  'src/reliability/worker.ts',
);

const workers = new Set<ChildProcess>();
// an interrupted suite takes its engine processes with it
process.on('exit', () => workers.forEach(child => child.kill('SIGKILL')));
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => process.exit(130));
}

/** One engine replica in a child process. */
export class Worker {
  child?: ChildProcess;
  exited?: Promise<void>;
  /** Resolves with the milliseconds engine.stop() took, after a SIGTERM. */
  stopped?: Promise<number>;

  constructor(
    readonly id: string,
    private readonly env: Record<string, string>,
    private readonly logFile: string,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    const child = spawn(
      process.execPath,
      [
        '-r',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
        WORKER,
      ],
      {
        env: { ...process.env, WORKER_ID: this.id, ...this.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    workers.add(child);
    child.once('exit', () => workers.delete(child));
    const log = createWriteStream(this.logFile, { flags: 'a' });
    child.stderr!.pipe(log);
    this.exited = new Promise(resolve => child.once('exit', () => resolve()));
    let stoppedMs: (ms: number) => void = () => undefined;
    this.stopped = new Promise(resolve => {
      stoppedMs = resolve;
    });
    await new Promise<void>((resolve, reject) => {
      let buffer = '';
      child.once('error', reject);
      child.once('exit', code =>
        reject(new Error(`worker ${this.id} exited with ${code}`)),
      );
      child.stdout!.on('data', chunk => {
        buffer += String(chunk);
        for (;;) {
          const nl = buffer.indexOf('\n');
          if (nl < 0) break;
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          if (line === 'ready') resolve();
          const stopped = /^stopped (\d+)$/.exec(line);
          if (stopped) stoppedMs(Number(stopped[1]));
        }
      });
    });
  }

  /** Sends the signal and waits for the process to be gone. */
  async kill(signal: NodeJS.Signals): Promise<void> {
    if (!this.child || this.child.exitCode !== null) return;
    this.child.kill(signal);
    await this.exited;
  }

  get alive(): boolean {
    return !!this.child && this.child.exitCode === null && !this.child.killed;
  }
}

/** Suite files: a temporary directory with the ledger, workspaces and worker logs. */
export function suiteDirectory(name: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `gantry-${name}-`));
  const ledger = path.join(dir, 'ledger');
  mkdirSync(ledger);
  return { dir, ledger, workerLog: path.join(dir, 'workers.log') };
}

/**
 * A shell command that records its execution in a per-attempt ledger file
 * (`start`, then `end` once its work is done), prints a log line and works
 * for `seconds`; `failFirstAttempt` makes attempt 1 exit 3 before the end.
 */
export function ledgeredCommand(
  stepId: string,
  seconds: number,
  failFirstAttempt = false,
): string {
  return [
    'L="$LEDGER/$GANTRY_RUN_ID.$GANTRY_STEP_ID.$GANTRY_ATTEMPT"',
    'echo start >> "$L"',
    `echo "${stepId} working"`,
    seconds > 0 ? `sleep ${seconds.toFixed(2)}` : 'true',
    ...(failFirstAttempt
      ? [
          `if [ "$GANTRY_ATTEMPT" = 1 ]; then echo failed >> "$L"; echo "${stepId} fails once" >&2; exit 3; fi`,
        ]
      : []),
    `echo "${stepId} done"`,
    'echo end >> "$L"',
  ].join('; ');
}

export interface LedgerEntry {
  runId: string;
  stepId: string;
  attempt: number;
  starts: number;
  ends: number;
}

export function readLedger(dir: string): LedgerEntry[] {
  return readdirSync(dir).map(file => {
    const [runId, stepId, attempt] = file.split('.');
    const lines = readFileSync(path.join(dir, file), 'utf8')
      .split('\n')
      .filter(Boolean);
    return {
      runId,
      stepId,
      attempt: Number(attempt),
      starts: lines.filter(l => l.startsWith('start')).length,
      ends: lines.filter(l => l === 'end').length,
    };
  });
}

export interface ExecutionFigures {
  /** Step attempts the engine recorded. */
  recorded: number;
  /** Attempts the ledger shows executed. */
  executed: number;
  /** Descriptions of duplicate executions (must be none). */
  duplicates: string[];
  /** Executions the engine has no attempt for (must be none). */
  unrecorded: string[];
  /** Attempts recorded interrupted (killed worker) or handed over (shutdown). */
  interrupted: number;
  /** Of those, attempts whose work had finished before the worker died. */
  interruptedAfterWork: number;
  /** Approval requests beyond one per approval step. */
  extraApprovals: string[];
}

/**
 * Compares the ledger with the engine's attempts. A duplicate execution is:
 * one attempt number executed twice, an attempt executed after an earlier
 * attempt of the same step was recorded succeeded, or an approval step
 * requesting more than one approval. A step whose worker died while it ran
 * is recorded `interrupted` and legitimately runs again as a new attempt.
 */
export async function checkExecutions(
  knex: Knex,
  ledgerDir: string,
): Promise<ExecutionFigures> {
  const ledger = readLedger(ledgerDir);
  const attempts: Array<{
    run_id: string;
    step_id: string;
    attempt: number;
    status: string;
  }> = await knex('run_step_attempts').select(
    'run_id',
    'step_id',
    'attempt',
    'status',
  );
  const key = (r: string, s: string, a: number) => `${r} ${s} #${a}`;
  const recorded = new Map(
    attempts.map(a => [key(a.run_id, a.step_id, Number(a.attempt)), a]),
  );
  const duplicates: string[] = [];
  const unrecorded: string[] = [];
  let interruptedAfterWork = 0;
  const executedByStep = new Map<string, number[]>();
  for (const entry of ledger) {
    const k = key(entry.runId, entry.stepId, entry.attempt);
    if (entry.starts > 1)
      duplicates.push(`${k} executed ${entry.starts} times`);
    if (!recorded.has(k)) unrecorded.push(k);
    if (recorded.get(k)?.status === 'interrupted' && entry.ends > 0)
      interruptedAfterWork += 1;
    const step = `${entry.runId} ${entry.stepId}`;
    executedByStep.set(step, [
      ...(executedByStep.get(step) ?? []),
      entry.attempt,
    ]);
  }
  const succeededAt = new Map<string, number>();
  for (const a of attempts) {
    if (a.status !== 'succeeded') continue;
    const step = `${a.run_id} ${a.step_id}`;
    succeededAt.set(
      step,
      Math.min(succeededAt.get(step) ?? Infinity, Number(a.attempt)),
    );
  }
  for (const a of attempts) {
    const step = `${a.run_id} ${a.step_id}`;
    const first = succeededAt.get(step);
    if (first !== undefined && Number(a.attempt) > first) {
      duplicates.push(
        `${key(
          a.run_id,
          a.step_id,
          Number(a.attempt),
        )} executed although attempt ${first} succeeded`,
      );
    }
  }
  const approvals: Array<{ run_id: string; step_id: string; n: number }> =
    await knex('approvals')
      .whereNotNull('run_id')
      .groupBy('run_id', 'step_id')
      .select('run_id', 'step_id')
      .count({ n: '*' });
  const extraApprovals = approvals
    .filter(a => Number(a.n) > 1)
    .map(a => `${a.run_id} ${a.step_id}: ${a.n} approval requests`);
  return {
    recorded: attempts.length,
    executed: ledger.length,
    duplicates,
    unrecorded,
    interrupted: attempts.filter(a => a.status === 'interrupted').length,
    interruptedAfterWork,
    extraApprovals,
  };
}

/** Every event (log lines included) seen so far; later reads must still hold them unchanged. */
export class EventSnapshots {
  private readonly seen = new Map<number, string>();

  get size(): number {
    return this.seen.size;
  }

  async take(knex: Knex): Promise<void> {
    const rows = await knex('run_events').select(
      'id',
      'run_id',
      'type',
      'step_id',
      'data',
    );
    for (const row of rows) {
      const id = Number(row.id);
      if (!this.seen.has(id)) this.seen.set(id, describeEvent(row));
    }
  }

  /** Events seen before that are gone or changed now. */
  async missing(knex: Knex): Promise<string[]> {
    const rows = await knex('run_events').select(
      'id',
      'run_id',
      'type',
      'step_id',
      'data',
    );
    const now = new Map(rows.map(r => [Number(r.id), describeEvent(r)]));
    const missing: string[] = [];
    for (const [id, text] of this.seen) {
      if (now.get(id) !== text) missing.push(`event ${id}: ${text}`);
    }
    return missing;
  }
}

function describeEvent(row: any): string {
  return `${row.run_id} ${row.type} ${row.step_id ?? '-'} ${row.data}`;
}

interface ProcessInfo {
  pid: number;
  ppid: number;
  state: string;
  command: string;
}

function readProcess(pid: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const [state, ppid] = stat.slice(close + 2).split(' ');
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      .split('\0')
      .join(' ')
      .trim();
    return { pid, ppid: Number(ppid), state, command };
  } catch {
    return undefined; // gone, or not ours to read
  }
}

/** Live processes whose environment carries GANTRY_RELIABILITY=<marker>. */
export function markedProcesses(marker: string): ProcessInfo[] {
  const needle = `GANTRY_RELIABILITY=${marker}\0`;
  const found: ProcessInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    let environ: string;
    try {
      environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
    } catch {
      continue;
    }
    if (!`${environ}\0`.includes(needle)) continue;
    const info = readProcess(pid);
    if (info && info.state !== 'Z') found.push(info);
  }
  return found;
}

/**
 * Marked processes (step processes and anything they started) that no live
 * worker is an ancestor of: orphans left behind by a dead engine.
 */
export function orphans(marker: string, liveWorkers: number[]): ProcessInfo[] {
  const live = new Set(liveWorkers);
  return markedProcesses(marker).filter(p => {
    if (live.has(p.pid)) return false;
    let pid = p.ppid;
    for (let depth = 0; pid > 1 && depth < 64; depth++) {
      if (live.has(pid)) return false;
      const parent = readProcess(pid);
      if (!parent) break;
      pid = parent.ppid;
    }
    return true;
  });
}

/** Waits up to `ms` for the orphans to go (their watcher kills them); returns those left. */
export async function orphansAfter(
  marker: string,
  liveWorkers: () => number[],
  ms: number,
): Promise<ProcessInfo[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const left = orphans(marker, liveWorkers());
    if (left.length === 0 || Date.now() > deadline) return left;
    await sleep(100);
  }
}

export type Figure = [
  label: string,
  value: string | number,
  mustBeZero?: boolean,
];

/** Prints the figures; true when every must-be-zero figure is zero. */
export function printFigures(title: string, figures: Figure[]): boolean {
  const width = Math.max(...figures.map(([label]) => label.length)) + 2;
  const lines = [title];
  let ok = true;
  for (const [label, value, mustBeZero] of figures) {
    const bad = mustBeZero && value !== 0;
    if (bad) ok = false;
    let verdict = '';
    if (mustBeZero) verdict = bad ? '   MUST BE 0: FAILED' : '   must be 0: ok';
    lines.push(
      `  ${label.padEnd(width)}${String(value).padStart(10)}${verdict}`,
    );
  }
  lines.push(ok ? 'result: PASSED' : 'result: FAILED');
  process.stdout.write(`${lines.join('\n')}\n`);
  return ok;
}

/** Prints up to `limit` examples of a failing figure. */
export function printExamples(what: string, items: string[], limit = 10) {
  if (items.length === 0) return;
  process.stdout.write(`${what} (${items.length}):\n`);
  for (const item of items.slice(0, limit)) process.stdout.write(`  ${item}\n`);
}

/** Terminal counts of the runs table. */
export async function runCounts(knex: Knex): Promise<Record<string, number>> {
  const rows: Array<{ status: string; n: number }> = await knex('runs')
    .groupBy('status')
    .select('status')
    .count({ n: '*' });
  return Object.fromEntries(rows.map(r => [r.status, Number(r.n)]));
}

export const TERMINAL = ['succeeded', 'failed', 'cancelled'];

export function machine(): string {
  const cpus = os.cpus();
  return `${cpus.length} cores (${
    cpus[0]?.model.trim() ?? 'unknown'
  }), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${
    process.version
  }, load ${os
    .loadavg()
    .map(l => l.toFixed(1))
    .join(' ')}`;
}
