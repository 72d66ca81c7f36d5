// @ts-check

/**
 * Platform events (what happened, per tenant, deduplicated by idempotency
 * key), signed-webhook secrets registered through the API, tenants' hooks
 * (trigger -> workflow or actions) and the append-only log of hook runs.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('platform_events', table => {
    table.comment('Platform events: the trigger currency of hooks');
    table.string('id', 64).primary();
    table.string('tenant').notNullable();
    table.string('type', 100).notNullable();
    table
      .string('source', 200)
      .notNullable()
      .comment('gantry, ingest:<caller>, webhook:<name>, topic');
    table.text('payload').notNullable().comment('JSON object');
    table.string('idempotency_key', 200).nullable();
    table.string('correlation_id', 64).nullable();
    table.timestamp('occurred_at', { useTz: true }).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table
      .timestamp('dispatched_at', { useTz: true })
      .nullable()
      .comment('Set once hooks have seen it; a sweep redoes the rest');
    // a redelivery with the same key is the same event
    table.unique(['tenant', 'idempotency_key'], {
      indexName: 'platform_events_once',
    });
    table.index(['tenant', 'type', 'id'], 'platform_events_tenant_type_idx');
    table.index(['dispatched_at', 'created_at'], 'platform_events_sweep_idx');
  });

  await knex.schema.createTable('event_webhooks', table => {
    table.comment('Incoming signed webhooks registered through the API');
    table.string('name', 100).primary().comment('The :name of its URL');
    table.string('tenant').notNullable();
    table.text('settings').notNullable().comment('JSON: types, headers');
    table.text('secret').notNullable().comment('HMAC-SHA256 shared secret');
    table.string('updated_by').notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.index(['tenant'], 'event_webhooks_tenant_idx');
  });

  await knex.schema.createTable('hooks', table => {
    table.comment('Tenant hooks: an event trigger and what it runs');
    table.string('id', 64).primary();
    table.string('tenant').notNullable();
    table.string('name', 100).notNullable();
    table.text('description').nullable();
    table.string('event_type', 100).notNullable();
    table.text('filter').nullable().comment('CEL over event and payload');
    table
      .text('target')
      .notNullable()
      .comment('JSON: {workflow:{provider,workflow,inputs}} or {actions:[]}');
    table.boolean('enabled').notNullable().defaultTo(true);
    table.boolean('risky').notNullable().defaultTo(false);
    table.text('approvers').notNullable().comment('JSON array of entity refs');
    table.integer('required_approvals').notNullable().defaultTo(1);
    table.string('created_by').notNullable();
    table.string('updated_by').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.unique(['tenant', 'name'], { indexName: 'hooks_name_once' });
    table.index(['tenant', 'event_type', 'enabled'], 'hooks_trigger_idx');
  });

  await knex.schema.createTable('hook_runs', table => {
    table.comment('What a hook did for one event: its status and results');
    table.string('id', 64).primary();
    table.string('tenant').notNullable();
    table.string('hook_id', 64).notNullable();
    table.string('hook_name', 100).notNullable();
    table.string('event_id', 64).notNullable();
    table.string('event_type', 100).notNullable();
    table
      .string('correlation_id', 64)
      .notNullable()
      .comment('The event id, carried by runs, approvals and audit');
    table
      .string('status', 32)
      .notNullable()
      .comment('pending_approval, running, succeeded, failed, denied');
    table.string('approval_id', 64).nullable();
    table.string('run_id', 64).nullable().comment('Engine run of a workflow');
    table.text('results').nullable().comment('JSON, per action');
    table.text('error').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('started_at', { useTz: true }).nullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    // an event runs a hook at most once, however often it is delivered
    table.unique(['hook_id', 'event_id'], { indexName: 'hook_runs_once' });
    table.index(['tenant', 'id'], 'hook_runs_tenant_idx');
    table.index(['run_id'], 'hook_runs_run_idx');
    table.index(['approval_id'], 'hook_runs_approval_idx');
  });

  await knex.schema.createTable('hook_run_events', table => {
    table.comment('Append-only log of each hook run');
    table.bigIncrements('id').primary();
    table.string('hook_run_id', 64).notNullable();
    table.string('tenant').notNullable();
    table.string('type', 32).notNullable().comment('status, action or log');
    table.text('data').notNullable().comment('JSON');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.index(['hook_run_id', 'id'], 'hook_run_events_run_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('hook_run_events');
  await knex.schema.dropTable('hook_runs');
  await knex.schema.dropTable('hooks');
  await knex.schema.dropTable('event_webhooks');
  await knex.schema.dropTable('platform_events');
};
