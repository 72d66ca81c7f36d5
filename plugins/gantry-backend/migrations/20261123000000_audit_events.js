// @ts-check

/**
 * The append-only audit log every Gantry domain writes to. Every row carries
 * its tenant (the catalog Group with spec.type tenant it belongs to).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('audit_events', table => {
    table.comment('Append-only audit log of every mutating Gantry action');
    table.bigIncrements('id').primary();
    table.string('tenant').notNullable().comment('Tenant entity ref');
    table.string('actor').notNullable().comment('User or service entity ref');
    table.string('action').notNullable().comment('e.g. run.create');
    table.string('target').nullable().comment('What the action applied to');
    table.text('details').nullable().comment('JSON with redacted secrets');
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.index(['tenant', 'created_at'], 'audit_events_tenant_time_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('audit_events');
};
