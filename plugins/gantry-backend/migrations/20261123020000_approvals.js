// @ts-check

/**
 * Approvals: one row per decision Gantry waits for. Deciding is a
 * conditional update on status = 'pending', so exactly one decision wins.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('approvals', table => {
    table.comment('Decisions runs wait for');
    table.string('id', 64).primary();
    table.string('tenant').notNullable();
    table.string('run_id', 64).nullable();
    table.string('step_id').nullable();
    table.text('message').notNullable();
    table
      .text('approvers')
      .notNullable()
      .comment('JSON array of entity refs; empty means any admin');
    table
      .string('status', 16)
      .notNullable()
      .comment('pending, approved or denied');
    table.string('requested_by').notNullable();
    table.string('decided_by').nullable();
    table.text('reason').nullable();
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.timestamp('decided_at', { useTz: true }).nullable();
    table.index(['tenant', 'status', 'created_at'], 'approvals_inbox_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('approvals');
};
