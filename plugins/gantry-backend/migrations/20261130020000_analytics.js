// @ts-check

/**
 * Execution analytics keeps its own facts: one narrow row per finished run,
 * fed from run-terminal platform events (and a catch-up from the runs
 * domain), so the dashboard never scans the engine's tables. Times are epoch
 * ms integers, the same on SQLite and PostgreSQL, which makes time buckets
 * plain integer arithmetic. Every row carries its tenant.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('analytics_runs', table => {
    table.comment('One row per finished run, for execution analytics');
    table.string('tenant').notNullable();
    table.string('run_id', 64).notNullable();
    table.string('workflow').notNullable();
    table.string('provider').nullable();
    table.string('environment').nullable();
    table
      .string('status', 16)
      .notNullable()
      .comment('succeeded, failed or cancelled');
    table.bigInteger('duration_ms').notNullable();
    table
      .string('error_group', 32)
      .nullable()
      .comment('Id of the normalised error message');
    table.text('error').nullable().comment('The error, cut to 1000 chars');
    table.bigInteger('finished_at').notNullable().comment('Epoch ms');
    table.primary(['tenant', 'run_id']);
    // covering indexes: each dashboard query reads one index, never the rows
    table.index(
      ['tenant', 'finished_at', 'status', 'duration_ms', 'workflow'],
      'analytics_runs_time_idx',
    );
    table.index(
      ['tenant', 'workflow', 'duration_ms', 'finished_at'],
      'analytics_runs_workflow_duration_idx',
    );
    table.index(
      ['tenant', 'duration_ms', 'finished_at'],
      'analytics_runs_duration_idx',
    );
    table.index(
      ['tenant', 'environment', 'finished_at', 'status', 'duration_ms'],
      'analytics_runs_environment_idx',
    );
    table.index(
      ['tenant', 'error_group', 'finished_at', 'workflow'],
      'analytics_runs_error_idx',
    );
  });

  await knex.schema.createTable('analytics_error_groups', table => {
    table.comment('Errors grouped by their normalised message');
    table.string('tenant').notNullable();
    table.string('id', 32).notNullable();
    table.text('pattern').notNullable();
    table.text('sample').notNullable().comment('The latest message');
    table.bigInteger('first_seen').notNullable().comment('Epoch ms');
    table.bigInteger('last_seen').notNullable().comment('Epoch ms');
    table.primary(['tenant', 'id']);
  });

  await knex.schema.createTable('analytics_state', table => {
    table.comment('Progress of the catch-up from the runs domain');
    table.string('name', 64).primary();
    table.text('value').notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('analytics_state');
  await knex.schema.dropTable('analytics_error_groups');
  await knex.schema.dropTable('analytics_runs');
};
