// @ts-check

/**
 * Approvals get a subject (what waits for them), an approver policy (how many
 * approvals, from whom), an expiry and one row per decision; audit events get
 * old/new values, the request id and the caller's IP.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('approvals', table => {
    table
      .string('subject_kind', 32)
      .notNullable()
      .defaultTo('run_step')
      .comment('run_step, promotion, drift_action or hook_run');
    table.string('subject_id').nullable().comment('Id of what waits');
    table.integer('required_approvals').notNullable().defaultTo(1);
    table
      .integer('approve_count')
      .notNullable()
      .defaultTo(0)
      .comment('Approvals so far; bumped under the pending-status guard');
    table.timestamp('expires_at', { useTz: true }).nullable();
    table.index(['status', 'expires_at'], 'approvals_expiry_idx');
  });

  await knex.schema.createTable('approval_decisions', table => {
    table.comment(
      'Every approve or deny vote on an approval, with its comment',
    );
    table.bigIncrements('id').primary();
    table
      .string('approval_id', 64)
      .notNullable()
      .references('id')
      .inTable('approvals')
      .onDelete('CASCADE');
    table.string('tenant').notNullable();
    table.string('decided_by').notNullable();
    table.string('decision', 16).notNullable().comment('approve or deny');
    table.text('comment').nullable();
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    // one vote per person and request
    table.unique(['approval_id', 'decided_by'], {
      indexName: 'approval_decisions_once',
    });
  });

  await knex.schema.alterTable('audit_events', table => {
    table.text('old_value').nullable().comment('JSON, secrets redacted');
    table.text('new_value').nullable().comment('JSON, secrets redacted');
    table.string('request_id', 64).nullable();
    table.string('ip', 64).nullable();
    table.index(['tenant', 'action'], 'audit_events_tenant_action_idx');
    table.index(['tenant', 'actor'], 'audit_events_tenant_actor_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('audit_events', table => {
    table.dropIndex([], 'audit_events_tenant_action_idx');
    table.dropIndex([], 'audit_events_tenant_actor_idx');
    table.dropColumns('old_value', 'new_value', 'request_id', 'ip');
  });
  await knex.schema.dropTable('approval_decisions');
  await knex.schema.alterTable('approvals', table => {
    table.dropIndex([], 'approvals_expiry_idx');
    table.dropColumns(
      'subject_kind',
      'subject_id',
      'required_approvals',
      'approve_count',
      'expires_at',
    );
  });
};
