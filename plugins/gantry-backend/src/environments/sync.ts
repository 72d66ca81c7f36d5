import { LoggerService } from '@backstage/backend-plugin-api';
import {
  EnvironmentInventory,
  SyncJob,
  SyncLogLine,
  SyncScope,
} from '@internal/plugin-gantry-common';
import { LiveWorkflow } from '@internal/plugin-gantry-node';
import { Knex } from 'knex';
import { pageOf, toIsoTimestamp } from '../database/rows';
import { newTimeOrderedId } from '../runs/ids';
import { Environment, EnvironmentService } from './EnvironmentService';

function toJob(row: any): SyncJob {
  return {
    id: row.id,
    tenant: row.tenant,
    environmentId: row.environment_id,
    scopes: JSON.parse(row.scopes),
    status: row.status,
    progress: { done: row.done, total: row.total ?? undefined },
    counts: JSON.parse(row.counts),
    adopted: row.adopted,
    error: row.error ?? undefined,
    requestedBy: row.requested_by,
    createdAt: toIsoTimestamp(row.created_at)!,
    finishedAt: toIsoTimestamp(row.finished_at),
  };
}

/**
 * Environment sync (PRD 3.1.2) as background jobs with progress and log
 * lines: workflows found on the platform that Gantry has no record of are
 * adopted into its record (source `sync`); workflows it has a record of are
 * never overwritten — a difference there is drift, found by the drift check
 * that follows. Credentials (metadata only), tags and the newest executions
 * are kept as the environment's inventory.
 */
export class EnvironmentSync {
  constructor(
    private readonly deps: {
      db: Knex;
      environments: EnvironmentService;
      logger: LoggerService;
      /** Told of each job change, for live pages (signals). */
      onChange?: (job: SyncJob) => void;
      /** After workflows were synced (the drift check). */
      afterWorkflows?: (env: Environment, actor: string) => Promise<void>;
    },
  ) {}

  /** Starts a sync in the background; the job is returned at once. */
  async start(
    env: Environment,
    scopes: SyncScope[],
    actor: string,
  ): Promise<{ job: SyncJob; done: Promise<SyncJob> }> {
    const id = newTimeOrderedId('sync_');
    await this.deps.db('sync_jobs').insert({
      id,
      tenant: env.tenant,
      environment_id: env.id,
      scopes: JSON.stringify(scopes),
      status: 'pending',
      counts: '{}',
      requested_by: actor,
      created_at: new Date(),
    });
    const job = (await this.get(env.tenant, id))!;
    const done = this.run(env, job).catch(async error => {
      this.deps.logger.warn(`sync ${id} of ${env.name} failed: ${error}`);
      await this.log(job, `failed: ${(error as Error).message}`);
      return this.update(job, {
        status: 'failed',
        error: (error as Error).message,
        finished_at: new Date(),
      });
    });
    return { job, done };
  }

  private seq = new Map<string, number>();

  private async log(job: SyncJob, message: string): Promise<void> {
    const seq = (this.seq.get(job.id) ?? 0) + 1;
    this.seq.set(job.id, seq);
    await this.deps.db('sync_job_logs').insert({
      job_id: job.id,
      seq,
      tenant: job.tenant,
      message,
      at: new Date(),
    });
  }

  private async update(
    job: SyncJob,
    values: Record<string, unknown>,
  ): Promise<SyncJob> {
    await this.deps.db('sync_jobs').where({ id: job.id }).update(values);
    const after = (await this.get(job.tenant, job.id))!;
    this.deps.onChange?.(after);
    if (after.finishedAt) this.seq.delete(job.id);
    return after;
  }

  private async run(env: Environment, job: SyncJob): Promise<SyncJob> {
    const { adapter, target } = await this.deps.environments.connect(env);
    const counts: SyncJob['counts'] = {};
    let adopted = 0;
    await this.update(job, { status: 'running' });
    await this.log(job, `syncing ${job.scopes.join(', ')} of ${env.name}`);
    let live: LiveWorkflow[] | undefined;
    const readLive = async () => {
      if (live || !adapter.readLive) return live;
      let lastWrite = 0;
      live = await adapter.readLive(target, (message, progress) => {
        // progress lands in the database at most every 200 ms
        const now = Date.now();
        if (now - lastWrite < 200 && progress?.done !== progress?.total) return;
        lastWrite = now;
        this.log(job, message).catch(() => undefined);
        if (progress)
          this.update(job, {
            done: progress.done,
            total: progress.total ?? null,
          }).catch(() => undefined);
      });
      return live;
    };

    if (job.scopes.includes('workflows')) {
      const found = await readLive();
      if (!found) {
        await this.log(
          job,
          `${env.adapter} environments run what Gantry records: nothing to read`,
        );
        counts.workflows = (await this.deps.environments.workflows(env)).length;
      } else {
        const known = new Set(
          (await this.deps.environments.workflows(env)).map(w => w.name),
        );
        const fresh = found.filter(w => !known.has(w.name));
        await this.deps.environments.record(
          env,
          fresh.map(w => ({
            name: w.name,
            definition: w.definition,
            active: w.active,
          })),
          { actor: job.requestedBy, source: 'sync' },
        );
        adopted = fresh.length;
        counts.workflows = found.length;
        await this.log(
          job,
          `${found.length} workflow(s) read; ${adopted} recorded for the first time`,
        );
        await this.update(job, {
          done: found.length,
          total: found.length,
          counts: JSON.stringify(counts),
          adopted,
        });
      }
    }
    if (job.scopes.includes('credentials') && adapter.listCredentials) {
      const credentials = await adapter.listCredentials(target);
      const usage = new Map<string, string[]>();
      for (const w of (await readLive()) ?? []) {
        for (const name of this.deps.environments.credentialReferences(
          env,
          w.definition,
        )) {
          usage.set(name, [...(usage.get(name) ?? []), w.name]);
        }
      }
      await this.replaceInventory(
        env,
        'credential',
        credentials.map(c => ({
          key: c.name,
          data: { type: c.type, usedBy: usage.get(c.name) ?? [] },
        })),
      );
      counts.credentials = credentials.length;
      await this.log(
        job,
        `${credentials.length} credential(s) (metadata only)`,
      );
    }
    if (job.scopes.includes('tags') && adapter.listTags) {
      const tags = await adapter.listTags(target);
      await this.replaceInventory(
        env,
        'tag',
        tags.map(t => ({ key: t, data: {} })),
      );
      counts.tags = tags.length;
      await this.log(job, `${tags.length} tag(s)`);
    }
    if (job.scopes.includes('executions') && adapter.listExecutions) {
      const executions = await adapter.listExecutions(target, { limit: 100 });
      await this.replaceInventory(
        env,
        'execution',
        executions.map(e => ({ key: e.externalId, data: e })),
      );
      counts.executions = executions.length;
      await this.log(job, `${executions.length} recent execution(s)`);
    }
    if (job.scopes.includes('workflows') && live) {
      await this.deps.afterWorkflows?.(env, job.requestedBy);
    }
    await this.log(job, 'done');
    return this.update(job, {
      status: 'succeeded',
      counts: JSON.stringify(counts),
      adopted,
      finished_at: new Date(),
    });
  }

  private async replaceInventory(
    env: Environment,
    kind: string,
    items: Array<{ key: string; data: unknown }>,
  ) {
    const now = new Date();
    await this.deps.db.transaction(async trx => {
      await trx('environment_inventory')
        .where({ environment_id: env.id, kind })
        .delete();
      const rows = items.map(i => ({
        tenant: env.tenant,
        environment_id: env.id,
        kind,
        key: i.key,
        data: JSON.stringify(i.data),
        synced_at: now,
      }));
      if (rows.length)
        await trx.batchInsert('environment_inventory', rows, 200);
    });
  }

  async get(tenant: string, id: string): Promise<SyncJob | undefined> {
    const row = await this.deps.db('sync_jobs').where({ tenant, id }).first();
    return row ? toJob(row) : undefined;
  }

  /** Log lines after `after` (a cursor for live followers). */
  async logs(job: SyncJob, after = 0): Promise<SyncLogLine[]> {
    const rows = await this.deps
      .db('sync_job_logs')
      .where({ job_id: job.id })
      .andWhere('seq', '>', after)
      .orderBy('seq')
      .limit(1000);
    return rows.map(r => ({
      seq: r.seq,
      at: toIsoTimestamp(r.at)!,
      message: r.message,
    }));
  }

  async list(
    env: Environment,
    page: { limit: number; cursor?: string },
  ): Promise<{ items: SyncJob[]; nextCursor?: string }> {
    const rows = await this.deps
      .db('sync_jobs')
      .where({ environment_id: env.id })
      .modify(q => {
        if (page.cursor) q.where('id', '<', page.cursor);
      })
      .orderBy('id', 'desc')
      .limit(page.limit + 1);
    return pageOf(rows, page.limit, toJob, j => j.id);
  }

  async inventory(env: Environment): Promise<EnvironmentInventory> {
    const rows = await this.deps
      .db('environment_inventory')
      .where({ environment_id: env.id })
      .orderBy('key');
    const of = (kind: string) => rows.filter(r => r.kind === kind);
    const syncedAt = rows
      .map(r => toIsoTimestamp(r.synced_at)!)
      .sort()
      .pop();
    return {
      credentials: of('credential').map(r => ({
        name: r.key,
        ...JSON.parse(r.data),
      })),
      tags: of('tag').map(r => r.key),
      executions: of('execution')
        .map(r => JSON.parse(r.data))
        .sort((a, b) =>
          String(b.startedAt ?? '').localeCompare(String(a.startedAt ?? '')),
        ),
      syncedAt,
    };
  }

  /** Jobs a stopped backend left running are failed, so none waits forever. */
  async failInterrupted(olderThanMinutes = 30): Promise<number> {
    return this.deps
      .db('sync_jobs')
      .whereIn('status', ['pending', 'running'])
      .andWhere(
        'created_at',
        '<',
        new Date(Date.now() - olderThanMinutes * 60_000),
      )
      .update({
        status: 'failed',
        error: 'interrupted (the backend stopped during the sync)',
        finished_at: new Date(),
      });
  }
}
