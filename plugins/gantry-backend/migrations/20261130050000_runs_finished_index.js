// @ts-check

/**
 * Finished runs in the order they finished (RunStore.finishedSince, which
 * analytics' catch-up pages through): by finish time, then id.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('runs', table => {
    table.index(['finished_at', 'id'], 'runs_finished_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('runs', table => {
    table.dropIndex(['finished_at', 'id'], 'runs_finished_idx');
  });
};
