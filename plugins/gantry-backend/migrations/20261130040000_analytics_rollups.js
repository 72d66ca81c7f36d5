// @ts-check

/**
 * Rollups of analytics' facts, so long windows read a few hundred rows
 * instead of every run: per tenant, hour or day (UTC) and key, the counts,
 * duration sum/min/max, last run and last failure, and a duration histogram
 * with 16 log-spaced bins per doubling (for approximate percentiles). Each
 * fact adds to four keys per grain (`dims`): all runs (0), its workflow (1),
 * its environment (2), its workflow and environment (3). Failed runs with an
 * error also add to analytics_error_rollups by (error group, workflow,
 * environment). Existing facts are rolled up here, once.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await createClustered(knex, 'analytics_rollups', table => {
    table.comment('Aggregates of analytics_runs per hour or day and key');
    table.string('tenant').notNullable();
    table.string('grain', 1).notNullable().comment('h (hour) or d (day), UTC');
    table
      .smallint('dims')
      .notNullable()
      .comment('0 all, 1 workflow, 2 environment, 3 workflow and environment');
    table.bigInteger('bucket_start').notNullable().comment('Epoch ms');
    table
      .string('workflow')
      .notNullable()
      .comment('Empty unless dims is 1 or 3');
    table
      .string('environment')
      .notNullable()
      .comment('Empty unless dims is 2 or 3 (then empty: no environment)');
    table.integer('runs').notNullable();
    table.integer('succeeded').notNullable();
    table.integer('failed').notNullable();
    table.integer('cancelled').notNullable();
    table.bigInteger('duration_sum').notNullable();
    table.bigInteger('duration_min').notNullable();
    table.bigInteger('duration_max').notNullable();
    table.bigInteger('last_at').notNullable().comment('Epoch ms');
    table.bigInteger('last_failed_at').nullable().comment('Epoch ms');
    table
      .text('histogram')
      .notNullable()
      .comment('JSON: first bin, then counts per bin');
    table.primary([
      'tenant',
      'grain',
      'dims',
      'bucket_start',
      'workflow',
      'environment',
    ]);
    table.index(
      ['tenant', 'grain', 'dims', 'workflow', 'environment', 'bucket_start'],
      'analytics_rollups_key_idx',
    );
    // totals and sparklines read the counters alone, without the histograms
    table.index(
      [
        'tenant',
        'grain',
        'dims',
        'bucket_start',
        'workflow',
        'environment',
        'runs',
        'succeeded',
        'failed',
        'cancelled',
        'duration_sum',
        'duration_min',
        'duration_max',
        'last_at',
        'last_failed_at',
      ],
      'analytics_rollups_totals_idx',
    );
  });

  await createClustered(knex, 'analytics_error_rollups', table => {
    table.comment('Failed runs per hour or day, error group, workflow, env');
    table.string('tenant').notNullable();
    table.string('grain', 1).notNullable().comment('h (hour) or d (day), UTC');
    table.bigInteger('bucket_start').notNullable().comment('Epoch ms');
    table.string('error_group', 32).notNullable();
    table.string('workflow').notNullable();
    table.string('environment').notNullable().comment('Empty: none');
    table.integer('failures').notNullable();
    table.bigInteger('last_seen').notNullable().comment('Epoch ms');
    table.primary([
      'tenant',
      'grain',
      'bucket_start',
      'error_group',
      'workflow',
      'environment',
    ]);
  });

  await knex.schema.alterTable('analytics_runs', table => {
    // exact percentiles now sort a small window's durations in memory
    table.dropIndex([], 'analytics_runs_workflow_duration_idx');
    table.dropIndex([], 'analytics_runs_duration_idx');
    // a workflow's facts in a time range (edges, small windows, catch-up)
    table.index(
      ['tenant', 'workflow', 'finished_at', 'status', 'duration_ms'],
      'analytics_runs_workflow_time_idx',
    );
  });

  await backfill(knex);
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('analytics_runs', table => {
    table.dropIndex([], 'analytics_runs_workflow_time_idx');
    table.index(
      ['tenant', 'workflow', 'duration_ms', 'finished_at'],
      'analytics_runs_workflow_duration_idx',
    );
    table.index(
      ['tenant', 'duration_ms', 'finished_at'],
      'analytics_runs_duration_idx',
    );
  });
  await knex.schema.dropTable('analytics_error_rollups');
  await knex.schema.dropTable('analytics_rollups');
};

/**
 * Creates a table; on SQLite as WITHOUT ROWID, so that rows are stored in
 * primary-key order and a range of buckets is read from adjacent pages.
 *
 * @param {import('knex').Knex} knex
 * @param {string} name
 * @param {(table: import('knex').Knex.CreateTableBuilder) => void} define
 */
async function createClustered(knex, name, define) {
  if (!String(knex.client.config.client).includes('sqlite')) {
    await knex.schema.createTable(name, define);
    return;
  }
  const [create, ...rest] = knex.schema.createTable(name, define).toSQL();
  await knex.raw(`${create.sql} without rowid`, create.bindings);
  for (const statement of rest) {
    await knex.raw(statement.sql, statement.bindings);
  }
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const GRAINS = /** @type {const} */ ([
  ['h', HOUR],
  ['d', DAY],
]);
const BINS_PER_DOUBLING = 16;

/** A copy of binOf in src/analytics/histogram.ts; keep them the same. */
/** @param {number} bin */
function lowerOf(bin) {
  return bin === 0 ? 0 : 2 ** ((bin - 1) / BINS_PER_DOUBLING);
}
/** @param {number} ms */
function binOf(ms) {
  if (!(ms >= 1)) return 0;
  let bin = 1 + Math.floor(Math.log2(ms) * BINS_PER_DOUBLING);
  while (bin > 1 && lowerOf(bin) > ms) bin--;
  while (lowerOf(bin + 1) <= ms) bin++;
  return bin;
}

/**
 * Rolls up every existing fact; pages through them by primary key.
 * @param {import('knex').Knex} knex
 */
async function backfill(knex) {
  /** @type {Map<string, any>} */
  const rollups = new Map();
  /** @type {Map<string, any>} */
  const errors = new Map();
  let after = { tenant: '', run_id: '' };
  for (;;) {
    const facts = await knex('analytics_runs')
      .where(
        knex.raw('(tenant, run_id) > (?, ?)', [after.tenant, after.run_id]),
      )
      .orderBy([
        { column: 'tenant', order: 'asc' },
        { column: 'run_id', order: 'asc' },
      ])
      .limit(5000)
      .select(
        'tenant',
        'run_id',
        'workflow',
        'environment',
        'status',
        'duration_ms',
        'error_group',
        'finished_at',
      );
    if (facts.length === 0) break;
    after = facts[facts.length - 1];
    for (const f of facts) {
      const at = Number(f.finished_at);
      const ms = Number(f.duration_ms);
      const env = f.environment ?? '';
      const keys = [
        [0, '', ''],
        [1, f.workflow, ''],
        [2, '', env],
        [3, f.workflow, env],
      ];
      for (const [grain, size] of GRAINS) {
        const bucket = Math.floor(at / size) * size;
        for (const [dims, workflow, environment] of keys) {
          const id = `${f.tenant}\u0001${grain}\u0001${dims}\u0001${bucket}\u0001${workflow}\u0001${environment}`;
          let r = rollups.get(id);
          if (!r) {
            r = {
              tenant: f.tenant,
              grain,
              dims,
              bucket_start: bucket,
              workflow,
              environment,
              runs: 0,
              succeeded: 0,
              failed: 0,
              cancelled: 0,
              duration_sum: 0,
              duration_min: ms,
              duration_max: ms,
              last_at: at,
              last_failed_at: null,
              /** @type {Map<number, number>} */
              bins: new Map(),
            };
            rollups.set(id, r);
          }
          r.runs += 1;
          r[f.status] += 1;
          r.duration_sum += ms;
          r.duration_min = Math.min(r.duration_min, ms);
          r.duration_max = Math.max(r.duration_max, ms);
          r.last_at = Math.max(r.last_at, at);
          if (f.status === 'failed') {
            r.last_failed_at = Math.max(r.last_failed_at ?? at, at);
          }
          const bin = Math.min(binOf(ms), 40 * BINS_PER_DOUBLING + 1);
          r.bins.set(bin, (r.bins.get(bin) ?? 0) + 1);
        }
        if (f.status === 'failed' && f.error_group) {
          const id = `${f.tenant}\u0001${grain}\u0001${bucket}\u0001${f.error_group}\u0001${f.workflow}\u0001${env}`;
          const e = errors.get(id);
          if (e) {
            e.failures += 1;
            e.last_seen = Math.max(e.last_seen, at);
          } else {
            errors.set(id, {
              tenant: f.tenant,
              grain,
              bucket_start: bucket,
              error_group: f.error_group,
              workflow: f.workflow,
              environment: env,
              failures: 1,
              last_seen: at,
            });
          }
        }
      }
    }
  }
  // in key order: appends to the tables' b-trees instead of random inserts
  const byKey = (/** @type {any} */ a, /** @type {any} */ b) =>
    a.tenant.localeCompare(b.tenant) ||
    a.grain.localeCompare(b.grain) ||
    (a.dims ?? 0) - (b.dims ?? 0) ||
    a.bucket_start - b.bucket_start ||
    (a.error_group ?? '').localeCompare(b.error_group ?? '') ||
    a.workflow.localeCompare(b.workflow) ||
    a.environment.localeCompare(b.environment);
  const rows = [...rollups.values()].sort(byKey).map(({ bins, ...r }) => {
    const first = Math.min(...bins.keys());
    const last = Math.max(...bins.keys());
    const counts = new Array(last - first + 1).fill(0);
    for (const [bin, n] of bins) counts[bin - first] = n;
    return { ...r, histogram: JSON.stringify([first, ...counts]) };
  });
  // batches keep SQLite under its bound-variable limit (200 × 15 columns)
  for (let i = 0; i < rows.length; i += 200) {
    await knex('analytics_rollups').insert(rows.slice(i, i + 200));
  }
  const errorRows = [...errors.values()].sort(byKey);
  for (let i = 0; i < errorRows.length; i += 100) {
    await knex('analytics_error_rollups').insert(errorRows.slice(i, i + 100));
  }
}
