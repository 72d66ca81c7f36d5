/*
 * Crash suite: yarn workspace @internal/plugin-gantry-backend reliability:crash --kills 100
 *
 * Runs the engine in a child process (src/reliability/worker.ts) and keeps it
 * busy with runs of mixed steps — shell steps that write a per-attempt ledger,
 * sleeps, parallel branches, a step that fails once and is retried, an
 * approval the suite decides at a random moment — while it SIGKILLs the
 * process at random moments, restarting it each time. Then it checks and
 * prints: every run finished (succeeded); no step attempt executed twice; no
 * event or log line written before a kill is missing afterwards; no step
 * process outlived the engine that started it. Exits 1 when any of those is
 * not zero.
 *
 * Options: --kills N (10), --runs N (1.5 per kill + 12, at least 20), --seed N,
 * --pg URL (PostgreSQL instead of a SQLite file), --keep (keep the files).
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
  random,
  runCounts,
  sleep,
  suiteDirectory,
  TERMINAL,
  Worker,
} from './harness';

/** Runs in flight at once (the worker executes 8; the rest wait or are queued). */
const IN_FLIGHT = 12;

function workflow(rand: () => number, env: Record<string, string>): string {
  const shell = (
    id: string,
    seconds: number,
    dependsOn: string[],
    extra: Record<string, unknown> = {},
  ) => ({
    id,
    type: 'shell',
    depends_on: dependsOn,
    env,
    command: ledgeredCommand(id, seconds, extra.retry !== undefined),
    ...extra,
  });
  return YAML.stringify({
    name: 'crash-mix',
    steps: [
      shell('prepare', 0.1 + rand() * 0.3, []),
      // long enough that a step process outliving its engine is caught
      shell('left', 2.5 + rand() * 1.5, ['prepare']),
      shell('right', 0.2 + rand() * 1.3, ['prepare']),
      shell('flaky', 0.1 + rand() * 0.4, ['prepare'], {
        retry: { attempts: 3, delay: 0 },
      }),
      {
        id: 'gate',
        type: 'approval',
        depends_on: ['left', 'right', 'flaky'],
        config: { message: 'Go on?' },
      },
      shell('finish', 0.1 + rand() * 0.3, ['gate']),
    ],
  });
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const kills = numberArg(args, 'kills', 10);
  // about what the kills leave time for, so the last kills still hit work
  const runs = numberArg(
    args,
    'runs',
    Math.max(20, Math.ceil(kills * 1.5) + IN_FLIGHT),
  );
  const seed = numberArg(args, 'seed', Date.now() % 1_000_000);
  const rand = random(seed);
  const started = Date.now();
  const marker = `crash-${process.pid}-${Date.now()}`;
  const files = suiteDirectory('crash');
  const db = await freshDatabase(files.dir, args.get('pg'));
  const { knex } = db;
  const { engine, approvals } = controller(knex);
  const workerEnv = {
    GANTRY_TEST_DB: db.target,
    GANTRY_RELIABILITY: marker,
    LEASE_MS: '1000',
    POLL_MS: '20',
    MAX_RUNS: '8',
    WORKSPACE_ROOT: path.join(files.dir, 'workspaces'),
  };
  const stepEnv = { GANTRY_RELIABILITY: marker, LEDGER: files.ledger };
  process.stdout.write(
    `crash suite: ${kills} kills, ${runs} runs, seed ${seed}, ${db.label}, files in ${files.dir}\n`,
  );

  let generation = 0;
  let worker = new Worker(`worker-${generation}`, workerEnv, files.workerLog);
  await worker.start();

  // submits runs (keeping IN_FLIGHT unfinished) and approves approval requests a moment after they appear
  const submitted: string[] = [];
  const decideAt = new Map<string, number>();
  let decided = 0;
  let feeding = true;
  const feeder = (async () => {
    while (feeding) {
      if (submitted.length < runs) {
        const [{ n }] = await knex('runs')
          .whereNotIn('status', TERMINAL)
          .count({ n: '*' });
        for (let i = Number(n); i < IN_FLIGHT && submitted.length < runs; i++) {
          const run = await engine.submit({
            definition: workflow(rand, stepEnv),
            tenant: 'acme',
            createdBy: 'user:default/reliability',
          });
          submitted.push(run.id);
        }
      }
      const pending = await knex('approvals')
        .where({ status: 'pending' })
        .select('id');
      for (const { id } of pending) {
        const at = decideAt.get(id);
        if (at === undefined) decideAt.set(id, Date.now() + rand() * 1500);
        else if (at <= Date.now()) {
          const { won } = await approvals.decide(id, {
            status: 'approved',
            by: 'user:default/reliability',
          });
          if (won) decided += 1;
        }
      }
      await sleep(100);
    }
  })();

  const snapshots = new EventSnapshots();
  const orphanPids = new Set<number>();
  const orphanExamples: string[] = [];
  const restartMs: number[] = [];
  const goneMs: number[] = [];
  let killsWhileStepsRan = 0;
  let stepsRunningAtKills = 0;
  for (let k = 0; k < kills; k++) {
    await sleep(200 + rand() * 2800);
    await snapshots.take(knex);
    const [{ n: runningSteps }] = await knex('run_steps')
      .where({ status: 'running' })
      .count({ n: '*' });
    if (Number(runningSteps) > 0) killsWhileStepsRan += 1;
    stepsRunningAtKills += Number(runningSteps);
    await worker.kill('SIGKILL');
    const t0 = Date.now();
    // the dead worker's step processes must go with it (their watcher kills them)
    const left = await orphansAfter(marker, () => [], 3000);
    goneMs.push(Date.now() - t0);
    for (const p of left) {
      if (orphanPids.has(p.pid)) continue;
      orphanPids.add(p.pid);
      orphanExamples.push(`pid ${p.pid} after kill ${k + 1}: ${p.command}`);
    }
    generation += 1;
    const t1 = Date.now();
    worker = new Worker(`worker-${generation}`, workerEnv, files.workerLog);
    await worker.start();
    restartMs.push(Date.now() - t1);
    process.stdout.write(
      `kill ${
        k + 1
      }/${kills}: ${runningSteps} steps were running; their processes gone in ${
        goneMs[goneMs.length - 1]
      } ms; restarted in ${restartMs[restartMs.length - 1]} ms\n`,
    );
  }

  // let every run finish; give up when nothing has moved for 30 s
  let lastEvents = -1;
  let lastMove = Date.now();
  for (;;) {
    const [{ n: open }] = await knex('runs')
      .whereNotIn('status', TERMINAL)
      .count({ n: '*' });
    if (submitted.length >= runs && Number(open) === 0) break;
    const [{ n: events }] = await knex('run_events').count({ n: '*' });
    if (Number(events) !== lastEvents) {
      lastEvents = Number(events);
      lastMove = Date.now();
    } else if (Date.now() - lastMove > 30_000) break;
    await sleep(250);
  }
  feeding = false;
  await feeder;
  await worker.kill('SIGTERM');
  for (const p of await orphansAfter(marker, () => [], 2000)) {
    if (orphanPids.has(p.pid)) continue;
    orphanPids.add(p.pid);
    orphanExamples.push(
      `pid ${p.pid} after the last worker stopped: ${p.command}`,
    );
  }

  const counts = await runCounts(knex);
  const unfinished = Object.entries(counts)
    .filter(([status]) => !TERMINAL.includes(status))
    .reduce((sum, [, n]) => sum + n, 0);
  const executions = await checkExecutions(knex, files.ledger);
  const missing = await snapshots.missing(knex);
  const sorted = [...restartMs].sort((a, b) => a - b);
  const seconds = (Date.now() - started) / 1000;
  const ok = printFigures(
    `Crash suite: ${kills} SIGKILLs of the engine process, ${
      submitted.length
    } runs, ${db.label}, seed ${seed}\n${machine()}`,
    [
      ['runs submitted', submitted.length],
      ['runs succeeded', counts.succeeded ?? 0],
      [
        'runs failed or cancelled',
        (counts.failed ?? 0) + (counts.cancelled ?? 0),
        true,
      ],
      ['runs lost (not finished)', unfinished, true],
      ['approvals decided midway', decided],
      ['kills while steps ran', killsWhileStepsRan],
      ['steps recorded running at the kills', stepsRunningAtKills],
      ['step attempts recorded', executions.recorded],
      ['step executions in the ledger', executions.executed],
      ['attempts interrupted by a kill', executions.interrupted],
      ['  of which had finished their work', executions.interruptedAfterWork],
      ['duplicate executions', executions.duplicates.length, true],
      [
        'executions with no recorded attempt',
        executions.unrecorded.length,
        true,
      ],
      ['duplicate approval requests', executions.extraApprovals.length, true],
      ['events snapshotted before kills', snapshots.size],
      ['missing events', missing.length, true],
      ['orphan processes (alive 3 s after a kill)', orphanPids.size, true],
      ['step processes gone after a kill, max (ms)', Math.max(0, ...goneMs)],
      ['worker restart p50 (ms)', sorted[Math.floor(sorted.length / 2)] ?? 0],
      ['worker restart max (ms)', sorted[sorted.length - 1] ?? 0],
      ['wall time (s)', seconds.toFixed(1)],
    ],
  );
  printExamples('duplicate executions', executions.duplicates);
  printExamples('executions with no recorded attempt', executions.unrecorded);
  printExamples('duplicate approval requests', executions.extraApprovals);
  printExamples('missing events', missing);
  printExamples('orphan processes', orphanExamples);
  if (unfinished > 0 || (counts.failed ?? 0) > 0) {
    const stuck = await knex('runs')
      .whereNot({ status: 'succeeded' })
      .select('id', 'status', 'error')
      .limit(10);
    printExamples(
      'runs not succeeded',
      stuck.map(r => `${r.id} ${r.status} ${r.error ?? ''}`),
    );
  }
  await db.drop();
  if (ok && !args.has('keep'))
    rmSync(files.dir, { recursive: true, force: true });
  else process.stdout.write(`files kept in ${files.dir}\n`);
  process.exit(ok ? 0 : 1);
}

main().catch(error => {
  process.stderr.write(`crash suite failed: ${error?.stack ?? error}\n`);
  process.exit(2);
});
