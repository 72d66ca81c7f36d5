// @ts-check

/**
 * Applications (from Score specs), their deployments and their resources,
 * each with a lifecycle. Tenant-scoped.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('applications', table => {
    table.comment('Applications known from Score specs');
    table.string('tenant').notNullable();
    table.string('name').notNullable();
    table.string('product').nullable();
    table.text('spec').notNullable().comment('Latest Score spec (YAML)');
    table.string('status', 16).notNullable().comment('active or deleted');
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table
      .timestamp('updated_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.primary(['tenant', 'name']);
  });
  await knex.schema.createTable('deployments', table => {
    table.comment('One Score spec submission and the runs it caused');
    table.string('id', 64).primary();
    table.string('tenant').notNullable();
    table.string('application').notNullable();
    table.text('spec').notNullable();
    table.string('profile', 32).notNullable();
    table
      .string('status', 16)
      .notNullable()
      .comment('running, succeeded or failed');
    table.boolean('first').notNullable();
    table
      .text('runs')
      .notNullable()
      .comment('JSON: [{kind, ref, phase, runId, status}]');
    table.text('error').nullable();
    table.string('created_by').notNullable();
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.index(['tenant', 'application', 'id'], 'deployments_app_idx');
  });
  await knex.schema.createTable('resources', table => {
    table.comment('Score resources of applications, provisioned by providers');
    table.string('tenant').notNullable();
    table.string('application').notNullable();
    table.string('name').notNullable();
    table.string('type').notNullable();
    table.string('class').nullable();
    table.string('provider').nullable();
    table
      .string('status', 16)
      .notNullable()
      .comment('requested, provisioning, active, failed, deleting, deleted');
    table.text('outputs').nullable().comment('JSON, secrets redacted');
    table.string('run_id', 64).nullable();
    table
      .timestamp('updated_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.primary(['tenant', 'application', 'name']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('resources');
  await knex.schema.dropTable('deployments');
  await knex.schema.dropTable('applications');
};
