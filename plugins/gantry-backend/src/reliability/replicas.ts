/*
 * Replica suite: yarn workspace @internal/plugin-gantry-backend reliability:replicas --runs 1000
 *
 * Starts several engine replicas (src/reliability/worker.ts, each a process
 * of its own) on one PostgreSQL database, submits runs of ledgered shell
 * steps (one, then two in parallel, then one), SIGKILLs one replica when
 * about half of the runs have finished, and checks and prints: every run
 * succeeded; every step attempt the engine recorded finished executed
 * exactly once (the ledger; an interrupted one at most once), none after an
 * earlier attempt of its step had succeeded; the runs the
 * dead replica held were taken over by the others once its lease expired and
 * finished; no event written before the kill is missing; no step process of
 * the dead replica is left. Prints throughput. Exits 1 when any figure that
 * must be zero is not.
 *
 * Options: --runs N (150), --replicas N (3), --pg URL (else $PG_URL or
 * BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING), --lease-ms N (3000),
 * --keep.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import {
  checkExecutions,
  controller,
  EventSnapshots,
  freshDatabase,
  ledgeredCommand,
  machine,
  numberArg,
  orphansAfter,
  parseArgs,
  printExamples,
  printFigures,
  readLedger,
  runCounts,
  sleep,
  suiteDirectory,
  TERMINAL,
  Worker,
} from './harness';

function workflow(env: Record<string, string>, n: number): string {
  const shell = (id: string, seconds: number, dependsOn: string[]) => ({
    id,
    type: 'shell',
    depends_on: dependsOn,
    env,
    command: ledgeredCommand(id, seconds),
  });
  // a little variety in the work, without randomness
  const work = (i: number) => ((n * 7 + i * 13) % 5) / 20;
  return YAML.stringify({
    name: 'spread',
    steps: [
      shell('one', work(1), []),
      shell('two', work(2), ['one']),
      shell('three', work(3), ['one']),
      shell('four', 0, ['two', 'three']),
    ],
  });
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const runs = numberArg(args, 'runs', 150);
  const replicas = Math.max(2, numberArg(args, 'replicas', 3));
  const leaseMs = numberArg(args, 'lease-ms', 3000);
  const pg =
    args.get('pg') ??
    process.env.PG_URL ??
    process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
  if (!pg) {
    process.stderr.write(
      'the replica suite needs PostgreSQL: --pg postgresql://... (or PG_URL; scripts/postgres.sh pg_start gives one)\n',
    );
    process.exit(2);
  }
  const marker = `replicas-${process.pid}-${Date.now()}`;
  const files = suiteDirectory('replicas');
  const db = await freshDatabase(files.dir, pg);
  const { knex } = db;
  const { engine } = controller(knex);
  const stepEnv = { GANTRY_RELIABILITY: marker, LEDGER: files.ledger };
  process.stdout.write(
    `replica suite: ${runs} runs, ${replicas} replicas, lease ${leaseMs} ms, ${db.label}, files in ${files.dir}\n`,
  );
  const workers = Array.from(
    { length: replicas },
    (_, i) =>
      new Worker(
        `replica-${i + 1}`,
        {
          GANTRY_TEST_DB: db.target,
          GANTRY_RELIABILITY: marker,
          LEASE_MS: String(leaseMs),
          POLL_MS: '50',
          MAX_RUNS: '16',
          WORKSPACE_ROOT: path.join(files.dir, 'workspaces'),
        },
        files.workerLog,
      ),
  );
  await Promise.all(workers.map(w => w.start()));

  const started = Date.now();
  const ids: string[] = [];
  const submitting = (async () => {
    for (let i = 0; i < runs; i++) {
      const run = await engine.submit({
        definition: workflow(stepEnv, i),
        tenant: 'acme',
        createdBy: 'user:default/reliability',
      });
      ids.push(run.id);
    }
  })();
  const finished = async () => {
    const [{ n }] = await knex('runs')
      .whereIn('status', TERMINAL)
      .count({ n: '*' });
    return Number(n);
  };

  // kill one replica when about half of the runs have finished
  while ((await finished()) < runs / 2) await sleep(100);
  const victim = workers[0];
  const snapshots = new EventSnapshots();
  await snapshots.take(knex);
  const held: string[] = (
    await knex('runs')
      .where({ claimed_by: victim.id })
      .whereNotIn('status', TERMINAL)
      .select('id')
  ).map(r => r.id);
  const killedAt = Date.now();
  await victim.kill('SIGKILL');
  const survivors = () => workers.filter(w => w.alive).map(w => w.pid!);
  const orphans = await orphansAfter(marker, survivors, 2000);

  // until every run finished, or nothing moved for 30 s
  await submitting;
  let last = -1;
  let lastMove = Date.now();
  let firstTakeover: number | undefined;
  for (;;) {
    const done = await finished();
    if (firstTakeover === undefined && held.length > 0) {
      const [{ n }] = await knex('run_step_attempts')
        .whereIn('run_id', held)
        .whereNot({ worker: victim.id })
        .count({ n: '*' });
      if (Number(n) > 0) firstTakeover = Date.now() - killedAt;
    }
    if (done >= runs) break;
    if (done !== last) {
      last = done;
      lastMove = Date.now();
    } else if (Date.now() - lastMove > 30_000) break;
    await sleep(100);
  }
  const seconds = (Date.now() - started) / 1000;
  await Promise.all(workers.map(w => w.kill('SIGTERM')));

  const counts = await runCounts(knex);
  const unfinished = Object.entries(counts)
    .filter(([status]) => !TERMINAL.includes(status))
    .reduce((sum, [, n]) => sum + n, 0);
  const executions = await checkExecutions(knex, files.ledger);
  // exactly once: every recorded attempt executed, none twice
  const ledgerKeys = new Set(
    readLedger(files.ledger).map(e => `${e.runId} ${e.stepId} #${e.attempt}`),
  );
  const attempts: Array<{
    run_id: string;
    step_id: string;
    attempt: number;
    worker: string;
    status: string;
  }> = await knex('run_step_attempts').select(
    'run_id',
    'step_id',
    'attempt',
    'worker',
    'status',
  );
  // an interrupted attempt may have been recorded and killed before it started
  const neverExecuted = attempts
    .filter(a => a.status === 'succeeded' || a.status === 'failed')
    .filter(a => !ledgerKeys.has(`${a.run_id} ${a.step_id} #${a.attempt}`))
    .map(a => `${a.run_id} ${a.step_id} #${a.attempt} (${a.status})`);
  const heldRows = held.length
    ? await knex('runs').whereIn('id', held).select('id', 'status')
    : [];
  const heldFinished = heldRows.filter(r => r.status === 'succeeded').length;
  const byWorker = new Map<string, number>();
  for (const a of attempts) {
    byWorker.set(a.worker, (byWorker.get(a.worker) ?? 0) + 1);
  }
  const missing = await snapshots.missing(knex);
  const ok = printFigures(
    `Replica suite: ${replicas} engine processes on ${
      db.label
    }, ${runs} runs of 4 shell steps, one replica SIGKILLed midway\n${machine()}`,
    [
      ['runs submitted', ids.length],
      ['runs succeeded', counts.succeeded ?? 0],
      [
        'runs failed or cancelled',
        (counts.failed ?? 0) + (counts.cancelled ?? 0),
        true,
      ],
      ['runs lost (not finished)', unfinished, true],
      ['step attempts recorded', executions.recorded],
      ['step executions in the ledger', executions.executed],
      ['finished attempts never executed', neverExecuted.length, true],
      ['duplicate executions', executions.duplicates.length, true],
      [
        'executions with no recorded attempt',
        executions.unrecorded.length,
        true,
      ],
      [
        'attempts interrupted (the kill, lapsed leases)',
        executions.interrupted,
      ],
      ['runs the killed replica held', held.length],
      ['  of those finished by the others', heldFinished],
      ['  of those not finished', held.length - heldFinished, true],
      ['first takeover after the kill (ms)', firstTakeover ?? '-'],
      ['missing events', missing.length, true],
      ['orphan processes of the killed replica', orphans.length, true],
      ...[...byWorker].map(
        ([worker, n]) => [`attempts by ${worker}`, n] as [string, number],
      ),
      ['wall time (s)', seconds.toFixed(1)],
      ['throughput (runs/s)', (runs / seconds).toFixed(1)],
      ['throughput (steps/s)', ((runs * 4) / seconds).toFixed(1)],
    ],
  );
  printExamples('finished attempts never executed', neverExecuted);
  printExamples('duplicate executions', executions.duplicates);
  printExamples('executions with no recorded attempt', executions.unrecorded);
  printExamples('missing events', missing);
  printExamples(
    'orphan processes',
    orphans.map(p => `pid ${p.pid}: ${p.command}`),
  );
  await db.drop();
  if (ok && !args.has('keep')) {
    rmSync(files.dir, { recursive: true, force: true });
  } else process.stdout.write(`files kept in ${files.dir}\n`);
  process.exit(ok ? 0 : 1);
}

main().catch(error => {
  process.stderr.write(`replica suite failed: ${error?.stack ?? error}\n`);
  process.exit(2);
});
