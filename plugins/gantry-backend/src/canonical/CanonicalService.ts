import { InputError, NotFoundError } from '@backstage/errors';
import {
  CanonicalMatrix,
  CanonicalMatrixCell,
  CanonicalSource,
  CanonicalWorkflow,
  DriftedWorkflow,
  UntrackedWorkflow,
} from '@internal/plugin-gantry-common';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { Knex } from 'knex';
import { toIsoTimestamp } from '../database/rows';
import {
  Environment,
  EnvironmentService,
} from '../environments/EnvironmentService';
import {
  assertRepositoryFolder,
  assertWorkflowFileName,
  commitFiles,
  readWorkflows,
} from './repository';

function toSource(row: any): CanonicalSource {
  return {
    tenant: row.tenant,
    gitUrl: row.git_url,
    ref: row.ref,
    path: row.path,
    commit: row.commit ?? undefined,
    syncedAt: toIsoTimestamp(row.synced_at),
    updatedBy: row.updated_by,
  };
}

/**
 * Canonical workflows (PRD 3.4): a tenant's git repository is the source of
 * truth; each workflow file there has a canonical version addressed by its
 * content hash. Compared with what each environment runs, that gives the
 * matrix (linked / out_of_date / drift / missing / untracked), and
 * untracked workflows can be onboarded into the repository.
 */
export class CanonicalService {
  constructor(
    private readonly deps: {
      db: Knex;
      environments: EnvironmentService;
      cacheDirectory: string;
      /** Workflows drifted per an environment's latest check. */
      latestDrift: (env: Environment) => Promise<DriftedWorkflow[]>;
    },
  ) {}

  async source(tenant: string): Promise<CanonicalSource | undefined> {
    const row = await this.deps
      .db('canonical_sources')
      .where({ tenant })
      .first();
    return row ? toSource(row) : undefined;
  }

  private async requireSource(tenant: string): Promise<CanonicalSource> {
    const source = await this.source(tenant);
    if (!source) {
      throw new NotFoundError(
        'no canonical repository is configured for this tenant (PUT /canonical/source)',
      );
    }
    return source;
  }

  /** Sets the repository after reading it once (so a bad URL or ref is a 400). */
  async setSource(
    tenant: string,
    input: { gitUrl: string; ref: string; path: string },
    actor: string,
  ): Promise<{ source: CanonicalSource; previous?: CanonicalSource }> {
    assertRepositoryFolder(input.path);
    const previous = await this.source(tenant);
    try {
      await readWorkflows(
        input.gitUrl,
        input.ref,
        input.path,
        this.checkoutDir(tenant, input.gitUrl),
      );
    } catch (error) {
      throw new InputError(
        `cannot read ${input.gitUrl} at ${input.ref}: ${
          (error as Error).message
        }`,
      );
    }
    await this.deps
      .db('canonical_sources')
      .insert({
        tenant,
        git_url: input.gitUrl,
        ref: input.ref,
        path: input.path,
        updated_by: actor,
        updated_at: new Date(),
      })
      .onConflict('tenant')
      .merge(['git_url', 'ref', 'path', 'updated_by', 'updated_at']);
    await this.sync(tenant);
    return { source: (await this.source(tenant))!, previous };
  }

  private checkoutDir(tenant: string, url: string): string {
    const key = createHash('sha256')
      .update(`${tenant}\n${url}`)
      .digest('hex')
      .slice(0, 24);
    return path.join(this.deps.cacheDirectory, key);
  }

  /** Reads the repository at its ref and records each workflow's canonical version. */
  async sync(tenant: string): Promise<CanonicalWorkflow[]> {
    const source = await this.requireSource(tenant);
    const { commit, files } = await readWorkflows(
      source.gitUrl,
      source.ref,
      source.path,
      this.checkoutDir(tenant, source.gitUrl),
    );
    const rows: Array<Record<string, string>> = [];
    for (const f of files) {
      rows.push({
        tenant,
        name: f.name,
        file: f.file,
        hash: await this.deps.environments.storeVersion(tenant, f.name, f.text),
        commit,
      });
    }
    await this.deps.db.transaction(async trx => {
      await trx('canonical_workflows').where({ tenant }).delete();
      if (rows.length) await trx.batchInsert('canonical_workflows', rows, 200);
      await trx('canonical_sources')
        .where({ tenant })
        .update({ commit, synced_at: new Date() });
    });
    return this.list(tenant);
  }

  async list(tenant: string): Promise<CanonicalWorkflow[]> {
    const rows = await this.deps
      .db('canonical_workflows')
      .where({ tenant })
      .orderBy('name');
    return rows.map(r => ({
      name: r.name,
      file: r.file,
      hash: r.hash,
      commit: r.commit,
    }));
  }

  async definition(tenant: string, name: string): Promise<string | undefined> {
    const row = await this.deps
      .db('canonical_workflows')
      .where({ tenant, name })
      .first();
    return row
      ? this.deps.environments.definition(tenant, row.hash)
      : undefined;
  }

  /**
   * Writes workflows into the repository (one commit), then re-reads it.
   * A JSON definition goes to `<name>.json`, anything else to `<name>.yaml`,
   * unless the workflow already has a file.
   */
  async write(
    tenant: string,
    workflows: Array<{ name: string; definition: string }>,
    message: string,
    actor: string,
  ): Promise<string> {
    const source = await this.requireSource(tenant);
    const existing = new Map((await this.list(tenant)).map(w => [w.name, w]));
    const files = workflows.map(w => {
      assertWorkflowFileName(w.name);
      const ext = w.definition.trimStart().startsWith('{') ? 'json' : 'yaml';
      return {
        file:
          existing.get(w.name)?.file ??
          path.posix.join(source.path, `${w.name}.${ext}`),
        text: w.definition.endsWith('\n') ? w.definition : `${w.definition}\n`,
      };
    });
    const commit = await commitFiles(
      source.gitUrl,
      source.ref,
      files,
      message,
      actor,
    );
    await this.sync(tenant);
    return commit;
  }

  /** Workflows environments run that the repository does not have. */
  async untracked(
    tenant: string,
    only?: Environment,
  ): Promise<UntrackedWorkflow[]> {
    const canonical = new Set((await this.list(tenant)).map(w => w.name));
    const envs = only ? [only] : await this.deps.environments.list(tenant);
    const found: UntrackedWorkflow[] = [];
    for (const env of envs) {
      for (const w of await this.deps.environments.workflows(env)) {
        if (canonical.has(w.name)) continue;
        found.push({
          environmentId: env.id,
          environmentName: env.name,
          name: w.name,
          hash: w.hash,
          active: w.active,
        });
      }
    }
    return found;
  }

  /**
   * Onboards untracked workflows of an environment (the named ones, or all)
   * into the repository in one commit.
   */
  async onboard(
    env: Environment,
    names: string[] | undefined,
    actor: string,
  ): Promise<{ commit: string; onboarded: string[] }> {
    const untracked = await this.untracked(env.tenant, env);
    const chosen = names
      ? names.map(name => {
          const found = untracked.find(u => u.name === name);
          if (!found) {
            throw new InputError(
              `${name} is not an untracked workflow of ${env.name}`,
            );
          }
          return found;
        })
      : untracked;
    if (!chosen.length) {
      throw new InputError(`${env.name} has no untracked workflows`);
    }
    const workflows = [];
    for (const u of chosen) {
      workflows.push({
        name: u.name,
        definition: (await this.deps.environments.definition(
          env.tenant,
          u.hash,
        ))!,
      });
    }
    const commit = await this.write(
      env.tenant,
      workflows,
      `Onboard ${chosen.length} workflow(s) from ${env.name}: ${chosen
        .map(u => u.name)
        .join(', ')}`,
      actor,
    );
    return { commit, onboarded: chosen.map(u => u.name) };
  }

  /** Every workflow (canonical or run anywhere) × every environment. */
  async matrix(tenant: string): Promise<CanonicalMatrix> {
    const canonical = new Map((await this.list(tenant)).map(w => [w.name, w]));
    const envs = await this.deps.environments.list(tenant);
    const rows = new Map<string, CanonicalMatrix['rows'][number]>();
    const rowOf = (name: string) => {
      if (!rows.has(name))
        rows.set(name, {
          name,
          canonicalHash: canonical.get(name)?.hash,
          cells: {},
        });
      return rows.get(name)!;
    };
    for (const name of canonical.keys()) rowOf(name);
    for (const env of envs) {
      const running = new Map(
        (await this.deps.environments.workflows(env)).map(w => [w.name, w]),
      );
      const drifted = new Set(
        (await this.deps.latestDrift(env))
          .filter(d => d.kind !== 'unexpected')
          .map(d => d.name),
      );
      const names = new Set([...canonical.keys(), ...running.keys()]);
      for (const name of names) {
        const want = canonical.get(name);
        const have = running.get(name);
        let cell: CanonicalMatrixCell;
        if (!have) cell = { status: 'missing' };
        else {
          const base = { hash: have.hash, active: have.active };
          if (!want) cell = { ...base, status: 'untracked' };
          else if (drifted.has(name)) cell = { ...base, status: 'drift' };
          else if (want.hash === have.hash)
            cell = { ...base, status: 'linked' };
          else cell = { ...base, status: 'out_of_date' };
        }
        rowOf(name).cells[env.name] = cell;
      }
    }
    return {
      environments: envs.map(e => ({ id: e.id, name: e.name, class: e.class })),
      rows: [...rows.values()].sort((a, b) => a.name.localeCompare(b.name)),
    };
  }
}
