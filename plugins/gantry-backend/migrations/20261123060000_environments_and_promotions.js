// @ts-check

/**
 * Environments (dev / staging / production per tenant), the workflow versions
 * they run (immutable, addressed by content hash), snapshots of what they
 * run, promotion pipelines and promotions. Every row carries its tenant.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('environments', table => {
    table.comment(
      'Where workflows run: dev, staging and production per tenant',
    );
    table.string('id', 64).primary();
    table.string('tenant').notNullable();
    table.string('name').notNullable();
    table
      .string('class', 16)
      .notNullable()
      .comment('dev, staging or production');
    table
      .string('adapter', 64)
      .notNullable()
      .comment('gantry or a module adapter');
    table.text('settings').notNullable().comment('JSON connection settings');
    table.text('secrets').nullable().comment('Encrypted JSON (AES-256-GCM)');
    table.text('git_url').nullable().comment('Repository for backups');
    table.string('drift_mode', 16).notNullable().defaultTo('alert');
    table.string('backup_cron').nullable();
    table.string('status', 16).notNullable().comment('active or deleted');
    table.string('health', 16).notNullable().defaultTo('unknown');
    table.text('health_message').nullable();
    table.timestamp('health_checked_at', { useTz: true }).nullable();
    table.string('created_by').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.unique(['tenant', 'name'], { indexName: 'environments_name_once' });
  });

  await knex.schema.createTable('workflow_versions', table => {
    table.comment('Immutable workflow versions, addressed by content hash');
    table.string('tenant').notNullable();
    table
      .string('hash', 64)
      .notNullable()
      .comment('sha256 of the normalised form');
    table.string('name').notNullable();
    table.text('definition').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.primary(['tenant', 'hash']);
  });

  await knex.schema.createTable('environment_workflows', table => {
    table.comment('Which version of each workflow an environment runs');
    table.string('tenant').notNullable();
    table.string('environment_id', 64).notNullable();
    table.string('name').notNullable();
    table.string('hash', 64).notNullable();
    table.boolean('active').notNullable().defaultTo(true);
    table
      .string('source', 16)
      .notNullable()
      .comment('direct (edited here), promotion or restore');
    table.string('deployed_by').notNullable();
    table.timestamp('deployed_at', { useTz: true }).notNullable();
    table.primary(['environment_id', 'name']);
  });

  await knex.schema.createTable('snapshots', table => {
    table.comment(
      'What an environment ran at a moment, for restore and compare',
    );
    table.string('id', 64).primary();
    table.string('tenant').notNullable();
    table.string('environment_id', 64).notNullable();
    table
      .string('kind', 16)
      .notNullable()
      .comment('manual, pre_promotion, post_promotion, scheduled, pre_restore');
    table.text('content').notNullable().comment('JSON [{name, hash, active}]');
    table.string('content_hash', 64).notNullable();
    table.string('git_commit', 64).nullable();
    table.text('note').nullable();
    table.string('created_by').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.index(['environment_id', 'created_at'], 'snapshots_env_time_idx');
  });

  await knex.schema.createTable('pipelines', table => {
    table.comment(
      'Promotion pipelines: ordered stages with gates and approvals',
    );
    table.string('id', 64).primary();
    table.string('tenant').notNullable();
    table.string('name').notNullable();
    table.text('stages').notNullable().comment('JSON stages, source → target');
    table.text('flags').notNullable().comment('JSON policy flags');
    table.string('created_by').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.unique(['tenant', 'name'], { indexName: 'pipelines_name_once' });
  });

  await knex.schema.createTable('credential_mappings', table => {
    table.comment('Credential names remapped from one environment to another');
    table.string('tenant').notNullable();
    table.string('source_environment_id', 64).notNullable();
    table.string('target_environment_id', 64).notNullable();
    table.string('source_name').notNullable();
    table.string('target_name').notNullable();
    table.primary([
      'source_environment_id',
      'target_environment_id',
      'source_name',
    ]);
  });

  await knex.schema.createTable('promotions', table => {
    table.comment('Promotions of workflows from one stage to the next');
    table.string('id', 64).primary();
    table.string('tenant').notNullable();
    table.string('pipeline_id', 64).notNullable();
    table.integer('stage').notNullable();
    table.string('source_environment_id', 64).notNullable();
    table.string('target_environment_id', 64).notNullable();
    table.text('workflows').notNullable().comment('JSON names selected');
    table
      .string('status', 24)
      .notNullable()
      .comment(
        'PENDING … COMPLETED | FAILED | REJECTED | CANCELLED | ROLLED_BACK',
      );
    table.text('diff').nullable().comment('JSON per-workflow diff and risk');
    table.text('gates').nullable().comment('JSON gate results');
    table.string('risk', 8).nullable();
    table.boolean('force').notNullable().defaultTo(false);
    table.string('approval_id', 64).nullable();
    table.string('pre_snapshot_id', 64).nullable();
    table.string('post_snapshot_id', 64).nullable();
    table.text('results').nullable().comment('JSON per-workflow apply results');
    table.text('error').nullable();
    table.string('created_by').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.index(['tenant', 'created_at'], 'promotions_tenant_time_idx');
  });

  await knex.schema.createTable('gantry_keys', table => {
    table.comment('Generated keys, when config names none (embedded default)');
    table.string('name').primary();
    table.text('value').notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  for (const name of [
    'gantry_keys',
    'promotions',
    'credential_mappings',
    'pipelines',
    'snapshots',
    'environment_workflows',
    'workflow_versions',
    'environments',
  ]) {
    await knex.schema.dropTable(name);
  }
};
