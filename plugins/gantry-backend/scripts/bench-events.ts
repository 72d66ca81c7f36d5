/*
 * Events and hooks benchmark:
 *   yarn workspace @internal/plugin-gantry-backend bench:events
 *
 * On a SQLite file, in one process and one run: the latency from an event
 * being posted to its hook run having started (stored, deduplicated,
 * published on the events service, matched against the tenant's hooks with
 * their CEL filters, hook run recorded and its actions or workflow started),
 * p50 and p95 over a few hundred events, next to a bare insert of the same
 * event row measured right there.
 */
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import { DefaultEventsService } from '@backstage/plugin-events-node';
import { StepExecutorRegistry } from '@internal/plugin-gantry-node';
import { ApprovalService } from '../src/approvals/ApprovalService';
import { AuditService } from '../src/audit/AuditService';
import { applyMigrations } from '../src/database/migrations';
import { WorkflowEngine } from '../src/engine/WorkflowEngine';
import { createBuiltinExecutors } from '../src/executors';
import { PlatformEventService } from '../src/hooks/events/PlatformEventService';
import { HookService } from '../src/hooks/HookService';
import { HookStore } from '../src/hooks/HookStore';
import { toDefinition } from '../src/hooks/schema';
import { DatabaseRunStore } from '../src/runs/DatabaseRunStore';
import { newTimeOrderedId } from '../src/runs/ids';

const EVENTS = 300;
const ACME = 'group:default/acme';
const GLOBEX = 'group:default/globex';
const quiet: any = {
  info() {},
  warn() {},
  error: (m: string) => process.stderr.write(`${m}\n`),
  debug() {},
  child: () => quiet,
};

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
};

async function timeEach(count: number, fn: (i: number) => Promise<unknown>) {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await fn(i);
    times.push(performance.now() - start);
  }
  return times;
}

/** The bare insert of one event row: what storing an event cannot beat. */
async function rawInserts(knex: Knex): Promise<number[]> {
  return timeEach(EVENTS, i =>
    knex('platform_events').insert({
      id: newTimeOrderedId('raw_'),
      tenant: ACME,
      type: 'raw.insert',
      source: 'bench',
      payload: JSON.stringify({ id: `o-${i}`, total: i }),
      idempotency_key: `raw-${i}`,
      occurred_at: new Date(),
      created_at: new Date(),
    }),
  );
}

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gantry-bench-events-'));
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: path.join(dir, 'bench.sqlite') },
    useNullAsDefault: true,
  });
  await applyMigrations(knex);
  await DatabaseRunStore.tuneSqlite(knex);

  // the tenant's webhook port the inline actions call
  let delivered = 0;
  const port = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      delivered += 1;
      res.end('{}');
    });
  });
  await new Promise<void>(r => port.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(port.address() as AddressInfo).port}/hook`;

  const runs = new DatabaseRunStore(knex);
  const approvals = new ApprovalService(knex);
  const executors = new StepExecutorRegistry();
  createBuiltinExecutors().forEach(e => executors.register(e));
  const engine = new WorkflowEngine({
    store: runs,
    approvals,
    executors,
    secrets: { get: () => undefined },
    logger: quiet,
    workspaceRoot: dir,
  });
  engine.resolveWorkflow = async () => ({
    text: 'name: bench\nsteps:\n  - id: ok\n    type: assert\n    config:\n      condition: "true"\n',
  });
  const events = DefaultEventsService.create({ logger: quiet });
  let published = 0;
  await events.subscribe({
    id: 'bench-subscriber',
    topics: ['gantry'],
    onEvent: async () => {
      published += 1;
    },
  });
  const platformEvents = new PlatformEventService({
    db: knex,
    events,
    logger: quiet,
  });
  await platformEvents.subscribeToTopic();
  const hooks = new HookService({
    store: new HookStore(knex),
    platformEvents,
    engine,
    runs,
    approvals,
    audit: new AuditService(knex),
    executors,
    endpoints: new Map(),
    logger: quiet,
  });
  const hook = (name: string, extra: object) =>
    toDefinition({
      name,
      trigger: { event: 'order.created' },
      enabled: true,
      approvers: [],
      requiredApprovals: 1,
      ...extra,
    } as any);
  // acme: one hook that matches, one its filter skips; globex: one of its own
  await hooks.create(
    ACME,
    hook('notify', {
      trigger: { event: 'order.created', filter: 'payload.total >= 0' },
      actions: [
        {
          type: 'notify.webhook',
          with: { url, payload: { order: '${payload.id}' } },
        },
      ],
    }),
    'user:default/bench',
  );
  await hooks.create(
    ACME,
    hook('big-only', {
      trigger: { event: 'order.created', filter: 'payload.total > 1000000' },
      actions: [{ type: 'notify.webhook', with: { url } }],
    }),
    'user:default/bench',
  );
  await hooks.create(
    GLOBEX,
    hook('globex', { actions: [{ type: 'notify.webhook', with: { url } }] }),
    'user:default/bench',
  );

  const raw = await rawInserts(knex);
  const post = (tenant: string, type: string, i: number, key: string) =>
    platformEvents.publish({
      tenant,
      type,
      source: 'bench',
      payload: { id: `o-${i}`, total: i },
      idempotencyKey: `${key}-${i}`,
    });
  const inline = await timeEach(EVENTS, i =>
    post(ACME, 'order.created', i, 'inline'),
  );
  await hooks.create(
    ACME,
    hook('reconcile', {
      trigger: { event: 'order.refunded' },
      workflow: { provider: 'bench', workflow: 'bench', inputs: {} },
    }),
    'user:default/bench',
  );
  const workflow = await timeEach(EVENTS, i =>
    post(ACME, 'order.refunded', i, 'workflow'),
  );
  const duplicates = await timeEach(EVENTS, i =>
    post(ACME, 'order.created', i, 'inline'),
  );
  await hooks.settled();

  const counts = await knex('hook_runs')
    .select('hook_name')
    .count({ n: '*' })
    .groupBy('hook_name');
  const row = (label: string, times: number[], note = '') =>
    `${label.padEnd(40)} p50 ${percentile(times, 0.5)
      .toFixed(2)
      .padStart(6)} ms   p95 ${percentile(times, 0.95)
      .toFixed(2)
      .padStart(6)} ms${note}`;
  const target = (times: number[]) =>
    percentile(times, 0.95) < 50
      ? '   target p95 <50 ms met'
      : '   target p95 <50 ms missed';
  console.log(
    `Events and hooks benchmark: ${EVENTS} events each, SQLite file (WAL), Node ${process.version}`,
  );
  console.log(row('bare event-row insert (baseline)', raw));
  console.log(
    row('event → hook run started (actions)', inline, target(inline)),
  );
  console.log(
    row('event → hook run started (workflow)', workflow, target(workflow)),
  );
  console.log(row('duplicate delivery (nothing starts)', duplicates));
  console.log(
    `hook runs: ${counts
      .map(c => `${c.hook_name}=${c.n}`)
      .join(
        ', ',
      )}; published on the topic: ${published}; webhook calls: ${delivered}`,
  );
  port.close();
  await knex.destroy();
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
