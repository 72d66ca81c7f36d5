/*
 * The backend of the load suite, in its own process so that the load
 * generator does not share its event loop: Gantry in the test backend on a
 * SQLite file, seeded with GANTRY_LOAD_WORKFLOWS environment workflows and
 * GANTRY_LOAD_RUNS finished runs of tenant acme. Reports over IPC: `ready`
 * (port, seed time, cursors for deep pages), then its RSS every 250 ms.
 */
import { randomBytes } from 'node:crypto';
import { SecretBox } from '../../../environments/crypto';
import { EnvironmentService } from '../../../environments/EnvironmentService';
import { startHardeningBackend } from '../harness';

const WORKFLOWS = Number(process.env.GANTRY_LOAD_WORKFLOWS ?? 1000);
const RUNS = Number(process.env.GANTRY_LOAD_RUNS ?? 10_000);
const TENANT = 'group:default/acme';
const BATCH = 500;

const workflowYaml = (i: number) => `name: wf-${i}
description: seeded workflow ${i}
steps:
  - id: check
    type: assert
    config:
      condition: "true"
`;

/** A run id as the engine makes them, at a time `ago` ms in the past. */
const runId = (at: number) =>
  `run_${at.toString(36).padStart(10, '0')}${randomBytes(8).toString('hex')}`;

async function main() {
  // the engine's own runs are cheap: one assert step each
  const backend = await startHardeningBackend({
    config: { engine: { maxConcurrentRuns: 8 } },
  });
  const { knex } = backend;
  const seedStart = performance.now();

  // the environment holding the workflows, created as the API creates it
  const created = await backend.call('POST', '/environments', {
    body: { name: 'load', class: 'dev' },
  });
  if (created.status !== 201) throw new Error(created.text);
  const environments = new EnvironmentService({
    db: knex,
    secrets: await SecretBox.create(knex, undefined),
    adapters: new Map(),
  });
  const env = (await environments.get(TENANT, 'load'))!;
  for (let i = 0; i < WORKFLOWS; i += BATCH) {
    const changes = [];
    for (let j = i; j < Math.min(WORKFLOWS, i + BATCH); j++)
      changes.push({
        name: `wf-${j}`,
        definition: workflowYaml(j),
        active: true,
      });
    await environments.record(env, changes, {
      actor: 'user:default/ada',
      source: 'direct',
    });
  }

  // finished runs of those workflows over the last 90 days, oldest first
  const now = Date.now();
  const cursors: string[] = [];
  for (let i = 0; i < RUNS; i += BATCH) {
    const runs: Record<string, unknown>[] = [];
    const steps: Record<string, unknown>[] = [];
    for (let j = i; j < Math.min(RUNS, i + BATCH); j++) {
      const at = now - Math.floor(((RUNS - j) / RUNS) * 90 * 86_400_000);
      const id = runId(at);
      const workflow = `wf-${j % Math.max(1, WORKFLOWS)}`;
      const failed = j % 13 === 0;
      runs.push({
        id,
        tenant: TENANT,
        correlation_id: `cor_${id.slice(4)}`,
        workflow_name: workflow,
        workflow_ref: null,
        definition: workflowYaml(j % Math.max(1, WORKFLOWS)),
        context: '{"inputs":{},"variables":{}}',
        profile: 'standard',
        status: failed ? 'failed' : 'succeeded',
        error: failed ? 'step check failed: assertion failed' : null,
        created_by: 'user:default/carl',
        depth: 0,
        created_at: new Date(at),
        started_at: new Date(at + 5),
        finished_at: new Date(at + 40),
      });
      steps.push({
        run_id: id,
        step_id: 'check',
        tenant: TENANT,
        position: 0,
        type: 'assert',
        needs: '[]',
        status: failed ? 'failed' : 'succeeded',
        attempts: 1,
        outputs: '{"holds":true}',
      });
      if (j % Math.max(1, Math.floor(RUNS / 20)) === 0) cursors.push(id);
    }
    await knex.transaction(async tx => {
      // 15 columns a row: 60 rows a statement stay under SQLite's bound-variable limit
      for (let k = 0; k < runs.length; k += 60)
        await tx('runs').insert(runs.slice(k, k + 60));
      for (let k = 0; k < steps.length; k += 100)
        await tx('run_steps').insert(steps.slice(k, k + 100));
    });
  }
  const seedSeconds = (performance.now() - seedStart) / 1000;
  const [{ n: runCount }] = await knex('runs')
    .where('tenant', TENANT)
    .count({ n: '*' });
  const [{ n: workflowCount }] = await knex('environment_workflows')
    .where('tenant', TENANT)
    .count({ n: '*' });
  process.send!({
    type: 'ready',
    port: backend.port,
    seedSeconds,
    runs: Number(runCount),
    workflows: Number(workflowCount),
    cursors,
    rss: process.memoryUsage().rss,
  });
  setInterval(() => {
    // the callback takes the error of a send racing the parent's disconnect
    if (process.connected)
      process.send!(
        { type: 'rss', rss: process.memoryUsage().rss },
        undefined,
        {},
        () => undefined,
      );
  }, 250).unref();
  process.on('disconnect', () => {
    backend.stop().finally(() => process.exit(0));
  });
}

main().catch(error => {
  process.stderr.write(`load server: ${error?.stack ?? error}\n`);
  process.exit(1);
});
