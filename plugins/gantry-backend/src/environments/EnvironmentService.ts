import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  AdapterEnvironment,
  GantryEnvironmentAdapter,
  WorkflowChange,
} from '@internal/plugin-gantry-node';
import {
  Environment,
  EnvironmentInput,
  EnvironmentWorkflow,
  Snapshot,
  SnapshotKind,
} from '@internal/plugin-gantry-common';
import { Knex } from 'knex';
import { pageOf, toIsoTimestamp } from '../database/rows';
import { newTimeOrderedId } from '../runs/ids';
import { SecretBox } from './crypto';
import { contentHash, hashOf, secretReferences } from './versions';

export {
  DRIFT_MODES,
  ENVIRONMENT_CLASSES,
} from '@internal/plugin-gantry-common';
export type {
  Environment,
  EnvironmentInput,
  EnvironmentWorkflow,
  Snapshot,
  SnapshotEntry,
} from '@internal/plugin-gantry-common';

export type WorkflowAction = 'activate' | 'deactivate' | 'delete';

function toEnvironment(row: any, secrets: SecretBox): Environment {
  return {
    id: row.id,
    tenant: row.tenant,
    name: row.name,
    class: row.class,
    adapter: row.adapter,
    settings: JSON.parse(row.settings),
    secretNames: Object.keys(secrets.open(row.secrets)).sort(),
    gitUrl: row.git_url ?? undefined,
    driftMode: row.drift_mode,
    backupCron: row.backup_cron ?? undefined,
    status: row.status,
    health: row.health,
    healthMessage: row.health_message ?? undefined,
    healthCheckedAt: toIsoTimestamp(row.health_checked_at),
    createdBy: row.created_by,
    createdAt: toIsoTimestamp(row.created_at)!,
    updatedAt: toIsoTimestamp(row.updated_at)!,
  };
}

function toSnapshot(row: any): Snapshot {
  return {
    id: row.id,
    tenant: row.tenant,
    environmentId: row.environment_id,
    kind: row.kind,
    content: JSON.parse(row.content),
    contentHash: row.content_hash,
    gitCommit: row.git_commit ?? undefined,
    note: row.note ?? undefined,
    createdBy: row.created_by,
    createdAt: toIsoTimestamp(row.created_at)!,
  };
}

/**
 * Environments of a tenant and what runs in them. A workflow version is
 * immutable and addressed by its content hash; an environment records which
 * version of each workflow it runs, and every change goes through its
 * adapter first, so the record never claims what the platform refused.
 */
export class EnvironmentService {
  constructor(
    private readonly deps: {
      db: Knex;
      secrets: SecretBox;
      adapters: Map<string, GantryEnvironmentAdapter>;
    },
  ) {}

  adapterTypes(): string[] {
    return [...this.deps.adapters.keys()].sort();
  }

  private adapter(type: string): GantryEnvironmentAdapter {
    const adapter = this.deps.adapters.get(type);
    if (!adapter) {
      throw new InputError(
        `unknown adapter '${type}'; known adapters: ${this.adapterTypes().join(
          ', ',
        )}`,
      );
    }
    return adapter;
  }

  private async adapterEnvironment(
    env: Environment,
  ): Promise<AdapterEnvironment> {
    const row = await this.deps
      .db('environments')
      .where({ id: env.id })
      .first();
    return {
      id: env.id,
      name: env.name,
      class: env.class,
      settings: env.settings,
      secrets: this.deps.secrets.open(row?.secrets),
    };
  }

  /** Creates an environment after its connection test passes. */
  async create(tenant: string, input: EnvironmentInput, actor: string) {
    const adapter = this.adapter(input.adapter ?? 'gantry');
    const id = newTimeOrderedId('env_');
    const probe = await adapter.testConnection({
      id,
      name: input.name,
      class: input.class,
      settings: input.settings ?? {},
      secrets: input.secrets ?? {},
    });
    if (!probe.ok) {
      throw new InputError(
        `the connection test of ${input.name} failed: ${probe.message}`,
      );
    }
    if (await this.get(tenant, input.name)) {
      throw new InputError(`environment ${input.name} exists already`);
    }
    const now = new Date();
    await this.deps.db('environments').insert({
      id,
      tenant,
      name: input.name,
      class: input.class,
      adapter: adapter.type,
      settings: JSON.stringify(input.settings ?? {}),
      secrets: this.deps.secrets.seal(input.secrets ?? {}),
      git_url: input.gitUrl ?? null,
      drift_mode: input.driftMode ?? 'alert',
      backup_cron: input.backupCron ?? null,
      status: 'active',
      health: 'healthy',
      health_message: probe.message,
      health_checked_at: now,
      created_by: actor,
      created_at: now,
      updated_at: now,
    });
    return (await this.get(tenant, id))!;
  }

  /** Active environments of every tenant (for the heartbeat). */
  async all(): Promise<Environment[]> {
    const rows = await this.deps.db('environments').where({ status: 'active' });
    return rows.map(r => toEnvironment(r, this.deps.secrets));
  }

  /** Environments of every tenant that have a backup schedule. */
  async withBackups(): Promise<Environment[]> {
    const rows = await this.deps
      .db('environments')
      .where({ status: 'active' })
      .whereNotNull('backup_cron');
    return rows.map(r => toEnvironment(r, this.deps.secrets));
  }

  async list(tenant: string): Promise<Environment[]> {
    const rows = await this.deps
      .db('environments')
      .where({ tenant, status: 'active' })
      .orderBy('name');
    return rows.map(r => toEnvironment(r, this.deps.secrets));
  }

  /** By id or name, within the tenant; deleted ones are gone. */
  async get(
    tenant: string,
    idOrName: string,
  ): Promise<Environment | undefined> {
    const row = await this.deps
      .db('environments')
      .where({ tenant, status: 'active' })
      .andWhere(q => q.where({ id: idOrName }).orWhere({ name: idOrName }))
      .first();
    return row ? toEnvironment(row, this.deps.secrets) : undefined;
  }

  async require(tenant: string, idOrName: string): Promise<Environment> {
    const env = await this.get(tenant, idOrName);
    if (!env) throw new NotFoundError(`environment ${idOrName} does not exist`);
    return env;
  }

  /** Changes settings; secrets given replace those of the same name. */
  async update(
    env: Environment,
    patch: Partial<Omit<EnvironmentInput, 'name' | 'adapter'>>,
  ): Promise<Environment> {
    const row = await this.deps
      .db('environments')
      .where({ id: env.id })
      .first();
    const secrets = {
      ...this.deps.secrets.open(row.secrets),
      ...patch.secrets,
    };
    const settings = patch.settings ?? env.settings;
    if (patch.settings || patch.secrets) {
      const probe = await this.adapter(env.adapter).testConnection({
        ...(await this.adapterEnvironment(env)),
        settings,
        secrets,
      });
      if (!probe.ok) {
        throw new InputError(
          `the connection test of ${env.name} failed: ${probe.message}`,
        );
      }
    }
    await this.deps
      .db('environments')
      .where({ id: env.id })
      .update({
        class: patch.class ?? env.class,
        settings: JSON.stringify(settings),
        secrets: this.deps.secrets.seal(secrets),
        git_url: patch.gitUrl ?? env.gitUrl ?? null,
        drift_mode: patch.driftMode ?? env.driftMode,
        backup_cron: patch.backupCron ?? env.backupCron ?? null,
        updated_at: new Date(),
      });
    return (await this.get(env.tenant, env.id))!;
  }

  /** Soft delete keeps history; hard delete removes the environment's rows. */
  async remove(env: Environment, hard: boolean): Promise<void> {
    await this.deps.db.transaction(async trx => {
      if (!hard) {
        await trx('environments')
          .where({ id: env.id })
          .update({ status: 'deleted', updated_at: new Date() });
        return;
      }
      await trx('environment_workflows')
        .where({ environment_id: env.id })
        .delete();
      await trx('snapshots').where({ environment_id: env.id }).delete();
      await trx('environments').where({ id: env.id }).delete();
    });
  }

  /** The heartbeat: asks the adapter and records the answer. */
  async checkHealth(env: Environment): Promise<Environment> {
    let result: { ok: boolean; message: string };
    try {
      result = await this.adapter(env.adapter).testConnection(
        await this.adapterEnvironment(env),
      );
    } catch (error) {
      result = {
        ok: false,
        message: String((error as Error).message ?? error),
      };
    }
    await this.deps
      .db('environments')
      .where({ id: env.id })
      .update({
        health: result.ok ? 'healthy' : 'unhealthy',
        health_message: result.message,
        health_checked_at: new Date(),
      });
    return (await this.get(env.tenant, env.id))!;
  }

  async workflows(env: Environment): Promise<EnvironmentWorkflow[]> {
    const rows = await this.deps
      .db('environment_workflows')
      .where({ environment_id: env.id })
      .orderBy('name');
    return rows.map(r => ({
      name: r.name,
      hash: r.hash,
      active: Boolean(r.active),
      source: r.source,
      deployedBy: r.deployed_by,
      deployedAt: toIsoTimestamp(r.deployed_at)!,
    }));
  }

  /** The text of a workflow version of the tenant. */
  async definition(tenant: string, hash: string): Promise<string | undefined> {
    const row = await this.deps
      .db('workflow_versions')
      .where({ tenant, hash })
      .first();
    return row?.definition;
  }

  /** Stores a version (once) and returns its hash. */
  async storeVersion(
    tenant: string,
    name: string,
    definition: string,
    trx: Knex | Knex.Transaction = this.deps.db,
  ): Promise<string> {
    const hash = contentHash(definition);
    await trx('workflow_versions')
      .insert({ tenant, hash, name, definition, created_at: new Date() })
      .onConflict(['tenant', 'hash'])
      .ignore();
    return hash;
  }

  /**
   * Credential names an environment holds (for the credentialsExistInTarget
   * gate): the platform's own when its adapter lists them, else the
   * environment's secrets.
   */
  async credentialNames(env: Environment): Promise<string[]> {
    const { adapter, target } = await this.connect(env);
    if (!adapter.listCredentials) return Object.keys(target.secrets).sort();
    const live = await adapter.listCredentials(target);
    return [...new Set(live.map(c => c.name))].sort();
  }

  /** The credentials a workflow uses, read the way the environment's platform names them. */
  credentialReferences(env: Environment, definition: string): string[] {
    const adapter = this.adapter(env.adapter);
    return adapter.credentialReferences
      ? adapter.credentialReferences(definition)
      : secretReferences(definition);
  }

  /**
   * Applies changes through the adapter, one workflow at a time, recording
   * each as soon as the adapter took it; throws at the first refusal, leaving
   * what was applied so far recorded (a promotion then restores its
   * pre-promotion snapshot).
   */
  async apply(
    env: Environment,
    changes: WorkflowChange[],
    by: { actor: string; source: EnvironmentWorkflow['source'] },
  ): Promise<void> {
    const { adapter, target } = await this.connect(env);
    for (const change of changes) {
      await adapter.apply(target, [change]);
      await this.record(env, [change], by);
    }
  }

  /**
   * Records what an environment runs without applying it: for workflows a
   * sync found on the platform, or live versions a drift resolution accepts.
   */
  async record(
    env: Environment,
    changes: WorkflowChange[],
    by: { actor: string; source: EnvironmentWorkflow['source'] },
  ): Promise<void> {
    await this.deps.db.transaction(async trx => {
      for (const change of changes) {
        if (change.definition === null) {
          await trx('environment_workflows')
            .where({ environment_id: env.id, name: change.name })
            .delete();
          continue;
        }
        const hash = await this.storeVersion(
          env.tenant,
          change.name,
          change.definition,
          trx,
        );
        await trx('environment_workflows')
          .insert({
            tenant: env.tenant,
            environment_id: env.id,
            name: change.name,
            hash,
            active: change.active,
            source: by.source,
            deployed_by: by.actor,
            deployed_at: new Date(),
          })
          .onConflict(['environment_id', 'name'])
          .merge(['hash', 'active', 'source', 'deployed_by', 'deployed_at']);
      }
    });
  }

  /** The environment's adapter and the environment as the adapter sees it. */
  async connect(env: Environment): Promise<{
    adapter: GantryEnvironmentAdapter;
    target: AdapterEnvironment;
  }> {
    return {
      adapter: this.adapter(env.adapter),
      target: await this.adapterEnvironment(env),
    };
  }

  /** A direct edit: blocked in production, where changes arrive by promotion. */
  async putWorkflow(
    env: Environment,
    name: string,
    definition: string,
    actor: string,
  ): Promise<EnvironmentWorkflow> {
    if (env.class === 'production') {
      throw new NotAllowedError(
        `direct edits are blocked in production environment ${env.name}: promote the change through a pipeline`,
      );
    }
    const current = (await this.workflows(env)).find(w => w.name === name);
    await this.apply(
      env,
      [{ name, definition, active: current?.active ?? true }],
      {
        actor,
        source: 'direct',
      },
    );
    return (await this.workflows(env)).find(w => w.name === name)!;
  }

  /**
   * Activates, deactivates or removes a workflow. In production these wait
   * for an approval (the caller asks for it); elsewhere they apply at once.
   */
  async workflowAction(
    env: Environment,
    name: string,
    action: WorkflowAction,
    actor: string,
  ): Promise<void> {
    const current = (await this.workflows(env)).find(w => w.name === name);
    if (!current)
      throw new NotFoundError(`workflow ${name} is not in ${env.name}`);
    await this.apply(
      env,
      [
        {
          name,
          definition:
            action === 'delete'
              ? null
              : (await this.definition(env.tenant, current.hash))!,
          active: action === 'activate',
        },
      ],
      { actor, source: current.source },
    );
  }

  async snapshot(
    env: Environment,
    kind: SnapshotKind,
    actor: string,
    note?: string,
  ): Promise<Snapshot> {
    const content = (await this.workflows(env)).map(w => ({
      name: w.name,
      hash: w.hash,
      active: w.active,
    }));
    const id = newTimeOrderedId('snap_');
    await this.deps.db('snapshots').insert({
      id,
      tenant: env.tenant,
      environment_id: env.id,
      kind,
      content: JSON.stringify(content),
      content_hash: hashOf(content),
      note: note ?? null,
      created_by: actor,
      created_at: new Date(),
    });
    return (await this.getSnapshot(env.tenant, id))!;
  }

  async recordGitCommit(snapshotId: string, commit: string): Promise<void> {
    await this.deps
      .db('snapshots')
      .where({ id: snapshotId })
      .update({ git_commit: commit });
  }

  /** A snapshot by id alone; callers check its tenant. */
  async findSnapshot(id: string): Promise<Snapshot | undefined> {
    const row = await this.deps.db('snapshots').where({ id }).first();
    return row ? toSnapshot(row) : undefined;
  }

  async getSnapshot(tenant: string, id: string): Promise<Snapshot | undefined> {
    const row = await this.deps.db('snapshots').where({ tenant, id }).first();
    return row ? toSnapshot(row) : undefined;
  }

  async listSnapshots(
    env: Environment,
    page: { limit: number; cursor?: string },
  ): Promise<{ items: Snapshot[]; nextCursor?: string }> {
    const rows = await this.deps
      .db('snapshots')
      .where({ environment_id: env.id })
      .modify(q => {
        if (page.cursor) q.where('id', '<', page.cursor);
      })
      .orderBy('id', 'desc')
      .limit(page.limit + 1);
    return pageOf(rows, page.limit, toSnapshot, item => item.id);
  }

  /** The hash of what an environment runs now, comparable with a snapshot's. */
  async currentContentHash(env: Environment): Promise<string> {
    return hashOf(
      (await this.workflows(env)).map(w => ({
        name: w.name,
        hash: w.hash,
        active: w.active,
      })),
    );
  }

  /**
   * The changes that bring `env` back to `snapshot` (for `names`, or all):
   * workflows missing from the snapshot are removed.
   */
  async restoreChanges(
    env: Environment,
    snapshot: Snapshot,
    names?: string[],
  ): Promise<WorkflowChange[]> {
    const wanted = (n: string) => !names || names.includes(n);
    const current = await this.workflows(env);
    const changes: WorkflowChange[] = [];
    for (const entry of snapshot.content.filter(e => wanted(e.name))) {
      const now = current.find(w => w.name === entry.name);
      if (now && now.hash === entry.hash && now.active === entry.active)
        continue;
      changes.push({
        name: entry.name,
        definition: (await this.definition(env.tenant, entry.hash)) ?? null,
        active: entry.active,
      });
    }
    for (const now of current.filter(w => wanted(w.name))) {
      if (!snapshot.content.some(e => e.name === now.name)) {
        changes.push({ name: now.name, definition: null, active: false });
      }
    }
    return changes;
  }

  /** Brings `env` back to `snapshot`, after a snapshot of what it ran before. */
  async restore(
    env: Environment,
    snapshot: Snapshot,
    actor: string,
    names?: string[],
  ): Promise<{ before: Snapshot; changes: WorkflowChange[] }> {
    const changes = await this.restoreChanges(env, snapshot, names);
    const before = await this.snapshot(
      env,
      'pre_restore',
      actor,
      `before restoring ${snapshot.id}`,
    );
    await this.apply(env, changes, { actor, source: 'restore' });
    return { before, changes };
  }
}
