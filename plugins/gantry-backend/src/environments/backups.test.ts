import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { testDatabases } from '../engine/__testUtils__/testEngine';
import { as, startGantryBackend } from '../__testUtils__/gantryTestBackend';

jest.setTimeout(120_000);
const databases = testDatabases();

const FLOW = 'name: flow\nsteps:\n  - id: ask\n    type: approval\n';

/** A bare repository to push backups to, like a team's backup remote. */
function bareRepo(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'gantry-backups-'));
  execFileSync('git', [
    'init',
    '--quiet',
    '--bare',
    '--initial-branch=main',
    dir,
  ]);
  return dir;
}

const gitIn = (repo: string, ...args: string[]) =>
  execFileSync('git', ['--git-dir', repo, ...args]).toString();

describe.each(databases.eachSupportedId())(
  'environment backups on %s',
  databaseId => {
    it('backs up on the scheduler: a snapshot and a commit in the environment repository', async () => {
      const knex = await databases.init(databaseId);
      const { server, scheduler } = await startGantryBackend(knex);
      const repo = bareRepo();
      const admin = (
        method: 'post' | 'put' | 'get',
        url: string,
        body?: object,
      ) =>
        (request(server) as any)
          [method](`/api/gantry${url}`)
          .set('authorization', as('ada'))
          .send(body);
      const env = (
        await admin('post', '/environments', {
          name: 'staging',
          class: 'staging',
          gitUrl: `file://${repo}`,
          backupCron: '0 2 * * *',
        })
      ).body;
      await admin('put', '/environments/staging/workflows/flow', {
        definition: FLOW,
      });

      const task = `gantry-backup-${env.id}`;
      expect(
        (await scheduler.getScheduledTasks()).map((t: any) => t.id),
      ).toContain(task);
      await scheduler.triggerTask(task);

      const snapshots = (await admin('get', '/environments/staging/snapshots'))
        .body.items;
      expect(snapshots).toEqual([
        expect.objectContaining({
          kind: 'scheduled',
          content: [expect.objectContaining({ name: 'flow', active: true })],
          gitCommit: expect.stringMatching(/^[0-9a-f]{40}$/),
        }),
      ]);
      expect(gitIn(repo, 'rev-parse', 'main').trim()).toBe(
        snapshots[0].gitCommit,
      );
      expect(gitIn(repo, 'log', '--format=%s', 'main')).toMatch(
        new RegExp(`Backup of staging: ${snapshots[0].id} \\(scheduled\\)`),
      );
      expect(gitIn(repo, 'show', 'main:staging/flow.yaml')).toBe(FLOW);
      expect(gitIn(repo, 'show', 'main:staging/snapshot.yaml')).toMatch(
        new RegExp(`contentHash: ${snapshots[0].contentHash}`),
      );

      // a second backup is a second commit on top
      await scheduler.triggerTask(task);
      expect(gitIn(repo, 'rev-list', '--count', 'main').trim()).toBe('2');
    });
  },
);
