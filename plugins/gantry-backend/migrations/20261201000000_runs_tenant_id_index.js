// @ts-check

/**
 * The run list pages a tenant's runs newest first by id (the cursor). With
 * only (tenant, created_at) the database sorted all of a tenant's runs for
 * every page; (tenant, id) serves each page straight from the index.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('runs', table => {
    table.index(['tenant', 'id'], 'runs_tenant_id_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('runs', table => {
    table.dropIndex(['tenant', 'id'], 'runs_tenant_id_idx');
  });
};
