// @ts-check

/**
 * Notification channels (Backstage notifications, Slack, email, signed
 * webhooks), the rules that route platform events to them, and a log of
 * every delivery. Every row carries its tenant; channel secrets are
 * encrypted (AES-256-GCM, the key environments use).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('notification_channels', table => {
    table.comment('Where notifications go');
    table.string('id', 64).primary();
    table.string('tenant').notNullable();
    table.string('name').notNullable();
    table
      .string('type', 16)
      .notNullable()
      .comment('backstage, slack, email or webhook');
    table.text('config').notNullable().comment('JSON, no secrets');
    table.text('secrets').nullable().comment('Encrypted JSON (AES-256-GCM)');
    table.boolean('enabled').notNullable().defaultTo(true);
    table.string('created_by').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.unique(['tenant', 'name'], {
      indexName: 'notification_channels_name_once',
    });
  });

  await knex.schema.createTable('notification_rules', table => {
    table.comment('Which platform events go to which channels');
    table.string('id', 64).primary();
    table.string('tenant').notNullable();
    table.string('name').notNullable();
    table.string('event_type').notNullable().comment('A type, prefix.* or *');
    table.text('filter').notNullable().comment('JSON: payload field = value');
    table.text('channel_ids').notNullable().comment('JSON array');
    table.boolean('enabled').notNullable().defaultTo(true);
    table.string('created_by').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.index(['tenant', 'enabled'], 'notification_rules_tenant_idx');
  });

  await knex.schema.createTable('notification_deliveries', table => {
    table.comment('Every notification sent or attempted');
    table.string('id', 64).primary();
    table.string('tenant').notNullable();
    table.string('channel_id', 64).notNullable();
    table.string('rule_id', 64).nullable().comment('None for a channel test');
    table.string('event_id', 128).notNullable();
    table.string('event_type').notNullable();
    table.string('status', 16).notNullable().comment('pending, sent, failed');
    table.text('error').nullable();
    table.text('title').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    // an event redelivered (or seen by two replicas) is sent once per channel
    table.unique(['tenant', 'channel_id', 'event_id'], {
      indexName: 'notification_deliveries_once',
    });
    table.index(['tenant', 'created_at'], 'notification_deliveries_time_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('notification_deliveries');
  await knex.schema.dropTable('notification_rules');
  await knex.schema.dropTable('notification_channels');
};
