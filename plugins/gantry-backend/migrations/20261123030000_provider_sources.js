// @ts-check

/**
 * Git provider sources registered through the admin API (sources from
 * app-config are not stored).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('provider_sources', table => {
    table.comment('Provider git sources registered by admins');
    table.string('name').primary();
    table.string('tenant').notNullable();
    table.text('git_url').notNullable();
    table.string('path').notNullable().defaultTo('.');
    table.string('ref').notNullable().defaultTo('main');
    table.string('created_by').notNullable();
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('provider_sources');
};
