// @ts-check

/**
 * Workflow runs: the run, its steps, every step attempt, and an append-only
 * event log with a cursor. Every row carries its tenant.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('runs', table => {
    table.comment('Workflow runs');
    table.string('id', 64).primary();
    table.string('tenant').notNullable();
    table.string('correlation_id', 64).notNullable();
    table.string('workflow_name').notNullable();
    table
      .string('workflow_ref')
      .nullable()
      .comment('provider/workflow, when started by reference');
    table.text('definition').notNullable().comment('Workflow YAML as run');
    table
      .text('context')
      .notNullable()
      .comment('JSON: inputs, variables, application');
    table.string('profile', 32).notNullable();
    table.string('status', 32).notNullable();
    table.text('error').nullable();
    table.string('created_by').notNullable();
    table.string('parent_run_id', 64).nullable();
    table.string('parent_step_id').nullable();
    table.integer('depth').notNullable().defaultTo(0);
    table.string('claimed_by').nullable().comment('Worker holding the run');
    table.bigInteger('claimed_until').nullable().comment('Lease end, epoch ms');
    table.boolean('cancel_requested').notNullable().defaultTo(false);
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.timestamp('started_at', { useTz: true }).nullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.index(['status', 'claimed_until'], 'runs_claim_idx');
    table.index(['tenant', 'created_at'], 'runs_tenant_time_idx');
    table.index(['parent_run_id'], 'runs_parent_idx');
  });

  await knex.schema.createTable('run_steps', table => {
    table.comment('Steps of a run, in plan order');
    table
      .string('run_id', 64)
      .notNullable()
      .references('id')
      .inTable('runs')
      .onDelete('CASCADE');
    table.string('step_id').notNullable();
    table.string('tenant').notNullable();
    table.integer('position').notNullable();
    table.string('type').notNullable();
    table.text('needs').notNullable().comment('JSON array of step ids');
    table.string('status', 32).notNullable();
    table.integer('attempts').notNullable().defaultTo(0);
    table
      .integer('interruptions')
      .notNullable()
      .defaultTo(0)
      .comment('Attempts lost with a dead worker');
    table.text('outputs').nullable().comment('JSON, secrets redacted');
    table.text('error').nullable();
    table
      .text('reason')
      .nullable()
      .comment('Why it was skipped or how it was decided');
    table.bigInteger('not_before').nullable().comment('Retry delay, epoch ms');
    table.timestamp('started_at', { useTz: true }).nullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.primary(['run_id', 'step_id']);
  });

  await knex.schema.createTable('run_step_attempts', table => {
    table.comment(
      'One row per execution of a step; the unique key stops double execution',
    );
    table.bigIncrements('id').primary();
    table
      .string('run_id', 64)
      .notNullable()
      .references('id')
      .inTable('runs')
      .onDelete('CASCADE');
    table.string('step_id').notNullable();
    table.string('tenant').notNullable();
    table.integer('attempt').notNullable();
    table.string('worker').notNullable();
    table.string('status', 32).notNullable();
    table.integer('exit_code').nullable();
    table.text('error').nullable();
    table
      .timestamp('started_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.unique(['run_id', 'step_id', 'attempt'], {
      indexName: 'run_step_attempts_once',
    });
  });

  await knex.schema.createTable('run_events', table => {
    table.comment('Append-only run events and log lines; id is the cursor');
    table.bigIncrements('id').primary();
    table
      .string('run_id', 64)
      .notNullable()
      .references('id')
      .inTable('runs')
      .onDelete('CASCADE');
    table.string('tenant').notNullable();
    table.string('type', 32).notNullable().comment('run, step or log');
    table.string('step_id').nullable();
    table.text('data').notNullable().comment('JSON, secrets redacted');
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.index(['run_id', 'id'], 'run_events_cursor_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('run_events');
  await knex.schema.dropTable('run_step_attempts');
  await knex.schema.dropTable('run_steps');
  await knex.schema.dropTable('runs');
};
