// @ts-check

/**
 * Drift checks and incidents with their per-tenant policies, the canonical
 * workflow repository of each tenant, and environment sync jobs with what a
 * sync keeps of an environment (credential metadata, tags, executions).
 * Every row carries its tenant.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('drift_policies', table => {
    table.comment('Drift governance per tenant (TTLs, SLA, blocking, ignores)');
    table.string('tenant').primary();
    table.text('policy').notNullable().comment('JSON DriftPolicy');
    table.string('updated_by').notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('drift_checks', table => {
    table.comment('Each comparison of an environment with what should run');
    table.string('id', 64).primary();
    table.string('tenant').notNullable();
    table.string('environment_id', 64).notNullable();
    table.string('trigger', 16).notNullable();
    table
      .string('status', 16)
      .notNullable()
      .comment('clean, drift, error, skipped');
    table.text('message').nullable();
    table.integer('checked_workflows').notNullable().defaultTo(0);
    table.text('drifted').notNullable().comment('JSON DriftedWorkflow[]');
    table.string('incident_id', 64).nullable();
    table.string('checked_by').notNullable();
    table.timestamp('checked_at', { useTz: true }).notNullable();
    table.index(
      ['tenant', 'environment_id', 'checked_at'],
      'drift_checks_by_env',
    );
  });

  await knex.schema.createTable('drift_incidents', table => {
    table.comment('Drift managed as an incident: DETECTED to CLOSED');
    table.string('id', 64).primary();
    table.string('tenant').notNullable();
    table.string('environment_id', 64).notNullable();
    table.string('state', 16).notNullable();
    table.string('severity', 16).notNullable();
    table.text('title').notNullable();
    table.string('owner').nullable();
    table.string('ticket_ref').nullable();
    table.text('affected_workflows').notNullable().comment('JSON string[]');
    table
      .text('drift')
      .notNullable()
      .comment('JSON DriftedWorkflow[] as found');
    table.string('check_id', 64).notNullable();
    table.string('resolution', 16).nullable();
    table.text('resolution_note').nullable();
    table
      .text('pending_action')
      .nullable()
      .comment('JSON action awaiting approval');
    table.timestamp('expires_at', { useTz: true }).notNullable();
    table.timestamp('expired_at', { useTz: true }).nullable();
    table.timestamp('sla_warned_at', { useTz: true }).nullable();
    table.text('history').notNullable().comment('JSON IncidentTransition[]');
    table.timestamp('detected_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.timestamp('closed_at', { useTz: true }).nullable();
    table.index(['tenant', 'state'], 'drift_incidents_by_state');
    table.index(['environment_id', 'state'], 'drift_incidents_by_env');
  });

  await knex.schema.createTable('canonical_sources', table => {
    table.comment('The git repository of canonical workflows, per tenant');
    table.string('tenant').primary();
    table.text('git_url').notNullable();
    table.string('ref').notNullable();
    table.string('path').notNullable();
    table.string('commit', 64).nullable();
    table.timestamp('synced_at', { useTz: true }).nullable();
    table.string('updated_by').notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('canonical_workflows', table => {
    table.comment('Canonical workflows read from the repository at its ref');
    table.string('tenant').notNullable();
    table.string('name').notNullable();
    table.string('file').notNullable();
    table.string('hash', 64).notNullable();
    table.string('commit', 64).notNullable();
    table.primary(['tenant', 'name']);
  });

  await knex.schema.createTable('sync_jobs', table => {
    table.comment('Background syncs of environments from their platform');
    table.string('id', 64).primary();
    table.string('tenant').notNullable();
    table.string('environment_id', 64).notNullable();
    table.text('scopes').notNullable().comment('JSON SyncScope[]');
    table.string('status', 16).notNullable();
    table.integer('done').notNullable().defaultTo(0);
    table.integer('total').nullable();
    table.text('counts').notNullable().defaultTo('{}');
    table.integer('adopted').notNullable().defaultTo(0);
    table.text('error').nullable();
    table.string('requested_by').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.index(['tenant', 'environment_id', 'created_at'], 'sync_jobs_by_env');
  });

  await knex.schema.createTable('sync_job_logs', table => {
    table.comment('Append-only progress lines of a sync job');
    table.string('job_id', 64).notNullable();
    table.integer('seq').notNullable();
    table.string('tenant').notNullable();
    table.text('message').notNullable();
    table.timestamp('at', { useTz: true }).notNullable();
    table.primary(['job_id', 'seq']);
  });

  await knex.schema.createTable('environment_inventory', table => {
    table.comment('What the last sync saw on the platform (metadata only)');
    table.string('tenant').notNullable();
    table.string('environment_id', 64).notNullable();
    table
      .string('kind', 16)
      .notNullable()
      .comment('credential, tag or execution');
    table.string('key').notNullable();
    table.text('data').notNullable().comment('JSON');
    table.timestamp('synced_at', { useTz: true }).notNullable();
    table.primary(['environment_id', 'kind', 'key']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  for (const table of [
    'environment_inventory',
    'sync_job_logs',
    'sync_jobs',
    'canonical_workflows',
    'canonical_sources',
    'drift_incidents',
    'drift_checks',
    'drift_policies',
  ]) {
    await knex.schema.dropTable(table);
  }
};
