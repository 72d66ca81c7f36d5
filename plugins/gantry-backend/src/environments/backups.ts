import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { git } from '../git';
import {
  Environment,
  EnvironmentService,
  Snapshot,
} from './EnvironmentService';

/**
 * Backups of environments: a snapshot in the database and, when the
 * environment names a git repository, a commit of its workflows there
 * (`<environment>/<workflow>.yaml` plus `<environment>/snapshot.yaml`).
 * Environments with `backupCron` are backed up on Backstage's scheduler, so
 * one replica takes each backup.
 */
export class EnvironmentBackups {
  constructor(
    private readonly deps: {
      environments: EnvironmentService;
      scheduler: SchedulerService;
      logger: LoggerService;
    },
  ) {}

  /** (Re)schedules the backup task of an environment; none without a cron. */
  async schedule(env: Environment): Promise<void> {
    if (!env.backupCron) return;
    await this.deps.scheduler.scheduleTask({
      id: `gantry-backup-${env.id}`,
      scope: 'global',
      frequency: { cron: env.backupCron },
      timeout: { minutes: 15 },
      fn: async () => {
        // the environment may have changed or gone since it was scheduled
        const current = await this.deps.environments.get(env.tenant, env.id);
        if (current) await this.backup(current, 'scheduled', 'gantry');
      },
    });
  }

  async scheduleAll(): Promise<void> {
    for (const env of await this.deps.environments.withBackups()) {
      await this.schedule(env);
    }
  }

  async backup(
    env: Environment,
    kind: 'scheduled' | 'manual',
    actor: string,
    note?: string,
  ): Promise<Snapshot> {
    const snapshot = await this.deps.environments.snapshot(
      env,
      kind,
      actor,
      note,
    );
    if (!env.gitUrl) return snapshot;
    try {
      const commit = await this.commit(env, snapshot);
      await this.deps.environments.recordGitCommit(snapshot.id, commit);
      return { ...snapshot, gitCommit: commit };
    } catch (error) {
      this.deps.logger.warn(
        `backup ${snapshot.id} of ${env.name} is in the database but not in git: ${error}`,
      );
      return snapshot;
    }
  }

  /** Commits the snapshot's workflows to the environment's repository and pushes. */
  private async commit(env: Environment, snapshot: Snapshot): Promise<string> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gantry-backup-'));
    try {
      await git(['clone', '--quiet', '--depth', '1', env.gitUrl!, dir]);
      await git(['config', 'user.name', 'Gantry backups'], dir);
      await git(['config', 'user.email', 'gantry@localhost'], dir);
      const folder = path.join(dir, env.name);
      await rm(folder, { recursive: true, force: true });
      await mkdir(folder, { recursive: true });
      for (const entry of snapshot.content) {
        const definition = await this.deps.environments.definition(
          env.tenant,
          entry.hash,
        );
        await writeFile(
          path.join(folder, `${entry.name}.yaml`),
          definition ?? '',
        );
      }
      await writeFile(
        path.join(folder, 'snapshot.yaml'),
        stringify({
          environment: env.name,
          snapshot: snapshot.id,
          kind: snapshot.kind,
          contentHash: snapshot.contentHash,
          createdAt: snapshot.createdAt,
          workflows: snapshot.content,
        }),
      );
      await git(['add', '-A', env.name], dir);
      await git(
        [
          'commit',
          '--quiet',
          '--allow-empty',
          '-m',
          `Backup of ${env.name}: ${snapshot.id} (${snapshot.kind})`,
        ],
        dir,
      );
      await git(['push', '--quiet', 'origin', 'HEAD'], dir);
      // awaited here: the finally below removes the clone
      return await git(['rev-parse', 'HEAD'], dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
