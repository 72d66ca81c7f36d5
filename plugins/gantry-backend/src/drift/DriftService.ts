import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  DriftCheck,
  DriftedWorkflow,
  DriftIncident,
  DriftResolution,
  DriftSummary,
} from '@internal/plugin-gantry-common';
import { LiveWorkflow, WorkflowChange } from '@internal/plugin-gantry-node';
import { Knex } from 'knex';
import { pageOf, toIsoTimestamp } from '../database/rows';
import {
  Environment,
  EnvironmentService,
} from '../environments/EnvironmentService';
import { newTimeOrderedId } from '../runs/ids';
import { ApprovalService } from '../approvals/ApprovalService';
import { compareWorkflows, ExpectedWorkflow } from './compare';
import { IncidentService } from './IncidentService';
import { DriftPolicies } from './policies';

/** What drift resolution needs of the canonical repository. */
export interface CanonicalWorkflows {
  definition(tenant: string, name: string): Promise<string | undefined>;
  write(
    tenant: string,
    workflows: Array<{ name: string; definition: string }>,
    message: string,
    actor: string,
  ): Promise<string>;
}

function toCheck(row: any, environmentName: string): DriftCheck {
  return {
    id: row.id,
    tenant: row.tenant,
    environmentId: row.environment_id,
    environmentName,
    trigger: row.trigger,
    status: row.status,
    message: row.message ?? undefined,
    checkedWorkflows: row.checked_workflows,
    drifted: JSON.parse(row.drifted),
    incidentId: row.incident_id ?? undefined,
    checkedBy: row.checked_by,
    checkedAt: toIsoTimestamp(row.checked_at)!,
  };
}

/**
 * Drift detection (PRD 3.6.1): compares what Gantry recorded for an
 * environment with what its platform runs (the adapter's readLive), under
 * the tenant's ignore rules; keeps every check; opens or updates an incident
 * when the policy says so; and carries out incident resolutions through the
 * environment's adapter.
 */
export class DriftService {
  readonly incidents: IncidentService;
  /** Set once the canonical repository domain is wired. */
  canonical?: CanonicalWorkflows;

  constructor(
    private readonly deps: {
      db: Knex;
      environments: EnvironmentService;
      policies: DriftPolicies;
      approvals: ApprovalService;
      logger: LoggerService;
      publish?: (
        type: string,
        tenant: string,
        payload: Record<string, unknown>,
      ) => void;
    },
  ) {
    this.incidents = new IncidentService({
      db: deps.db,
      policies: deps.policies,
      approvals: deps.approvals,
      logger: deps.logger,
      publish: deps.publish,
      environmentName: async (tenant, id) =>
        (await deps.environments.get(tenant, id))?.name ?? id,
      reconcile: (incident, resolution, actor) =>
        this.resolve(incident, resolution, actor),
    });
  }

  /** What Gantry recorded for the environment, with each definition. */
  private async expected(env: Environment): Promise<ExpectedWorkflow[]> {
    const recorded = await this.deps.environments.workflows(env);
    return Promise.all(
      recorded.map(async w => ({
        name: w.name,
        hash: w.hash,
        active: w.active,
        definition:
          (await this.deps.environments.definition(env.tenant, w.hash)) ?? '',
      })),
    );
  }

  /** Reads the platform; undefined when Gantry's record is the only truth. */
  private async live(env: Environment): Promise<LiveWorkflow[] | undefined> {
    const { adapter, target } = await this.deps.environments.connect(env);
    return adapter.readLive ? adapter.readLive(target) : undefined;
  }

  /** Compares now, storing nothing (for previews and promotion gates). */
  async compare(env: Environment): Promise<{
    drifted: DriftedWorkflow[];
    checked: number;
    live?: LiveWorkflow[];
  }> {
    const expected = await this.expected(env);
    const live = await this.live(env);
    if (!live) return { drifted: [], checked: expected.length };
    const policy = await this.deps.policies.get(env.tenant);
    return {
      drifted: compareWorkflows(expected, live, policy.ignoreDifferences),
      checked: Math.max(expected.length, live.length),
      live,
    };
  }

  /**
   * A drift check: compares, keeps the result in the history, opens or
   * updates the environment's incident (auto-create policy), or reverts at
   * once when the environment's drift mode is auto_revert.
   */
  async check(
    env: Environment,
    trigger: DriftCheck['trigger'],
    actor: string,
  ): Promise<DriftCheck> {
    const policy = await this.deps.policies.get(env.tenant);
    const id = newTimeOrderedId('drift_');
    const row: Record<string, unknown> = {
      id,
      tenant: env.tenant,
      environment_id: env.id,
      trigger,
      checked_by: actor,
      checked_at: new Date(),
      drifted: '[]',
      checked_workflows: 0,
    };
    let skipped: string | undefined;
    if (env.driftMode === 'ignore') {
      skipped = `${env.name} ignores drift (drift mode ignore)`;
    } else if (env.class === 'dev' && !policy.checkDevEnvironments) {
      skipped = `dev environments are not checked (drift policy checkDevEnvironments is off)`;
    }
    if (skipped) {
      await this.deps.db('drift_checks').insert({
        ...row,
        status: 'skipped',
        message: skipped,
      });
      return (await this.getCheck(env.tenant, id))!;
    }
    let result: Awaited<ReturnType<DriftService['compare']>>;
    try {
      result = await this.compare(env);
    } catch (error) {
      await this.deps.db('drift_checks').insert({
        ...row,
        status: 'error',
        message: `could not read ${env.name}: ${(error as Error).message}`,
      });
      return (await this.getCheck(env.tenant, id))!;
    }
    const { drifted, checked, live } = result;
    Object.assign(row, {
      status: drifted.length ? 'drift' : 'clean',
      drifted: JSON.stringify(drifted),
      checked_workflows: checked,
      message: live
        ? undefined
        : `${env.adapter} environments run what Gantry records`,
    });
    if (drifted.length && env.driftMode === 'auto_revert') {
      await this.revert(env, drifted);
      row.message = `reverted ${drifted
        .map(d => d.name)
        .join(', ')} (drift mode auto_revert)`;
    }
    await this.deps.db('drift_checks').insert(row);
    let check = (await this.getCheck(env.tenant, id))!;
    if (drifted.length) {
      this.deps.publish?.('drift.detected', env.tenant, {
        checkId: id,
        environment: env.name,
        workflows: drifted.map(d => d.name),
        kinds: Object.fromEntries(drifted.map(d => [d.name, d.kind])),
      });
      if (policy.autoCreateIncidents && env.driftMode !== 'auto_revert') {
        const incident = await this.incidents.record(env, check, policy);
        await this.deps
          .db('drift_checks')
          .where({ id })
          .update({ incident_id: incident.id });
        check = { ...check, incidentId: incident.id };
      }
    }
    return check;
  }

  /** The scheduled pass over every environment (skips are recorded too). */
  async checkAll(): Promise<DriftCheck[]> {
    const checks: DriftCheck[] = [];
    for (const env of await this.deps.environments.all()) {
      try {
        checks.push(await this.check(env, 'schedule', 'gantry'));
      } catch (error) {
        this.deps.logger.warn(`drift check of ${env.name} failed: ${error}`);
      }
    }
    return checks;
  }

  async getCheck(tenant: string, id: string): Promise<DriftCheck | undefined> {
    const row = await this.deps
      .db('drift_checks')
      .where({ tenant, id })
      .first();
    if (!row) return undefined;
    const env = await this.deps.environments.get(tenant, row.environment_id);
    return toCheck(row, env?.name ?? row.environment_id);
  }

  async history(
    env: Environment,
    page: { limit: number; cursor?: string },
  ): Promise<{ items: DriftCheck[]; nextCursor?: string }> {
    const rows = await this.deps
      .db('drift_checks')
      .where({ environment_id: env.id })
      .modify(q => {
        if (page.cursor) q.where('id', '<', page.cursor);
      })
      .orderBy('id', 'desc')
      .limit(page.limit + 1);
    return pageOf(
      rows,
      page.limit,
      r => toCheck(r, env.name),
      c => c.id,
    );
  }

  async summary(tenant: string): Promise<DriftSummary> {
    const lastChecks: DriftSummary['lastChecks'] = [];
    for (const env of await this.deps.environments.list(tenant)) {
      const row = await this.deps
        .db('drift_checks')
        .where({ environment_id: env.id })
        .orderBy('id', 'desc')
        .first();
      if (row)
        lastChecks.push({
          environmentName: env.name,
          status: row.status,
          checkedAt: toIsoTimestamp(row.checked_at)!,
        });
    }
    return { ...(await this.incidents.summary(tenant)), lastChecks };
  }

  /** Names drifted per the latest check of an environment (for the matrix). */
  async latestDrift(env: Environment): Promise<DriftedWorkflow[]> {
    const row = await this.deps
      .db('drift_checks')
      .where({ environment_id: env.id })
      .whereIn('status', ['clean', 'drift'])
      .orderBy('id', 'desc')
      .first();
    return row ? JSON.parse(row.drifted) : [];
  }

  /** Problems that block a promotion into `env`: the policy's and, when asked, live drift. */
  async promotionBlockers(
    env: Environment,
    options: { requireClean: boolean },
  ): Promise<{ policy: string[]; live?: string[] }> {
    const policy = await this.deps.policies.get(env.tenant);
    const blockers = {
      policy: await this.incidents.promotionBlockers(env, policy),
    };
    if (!options.requireClean) return blockers;
    const { drifted } = await this.compare(env);
    return {
      ...blockers,
      live: drifted.map(
        d =>
          `${d.name} differs in ${env.name} from what Gantry recorded (${d.kind})`,
      ),
    };
  }

  /** Puts back what Gantry recorded for the drifted workflows. */
  private async revert(
    env: Environment,
    drifted: DriftedWorkflow[],
  ): Promise<void> {
    const expected = new Map((await this.expected(env)).map(w => [w.name, w]));
    const changes: WorkflowChange[] = drifted.map(d => {
      const want = expected.get(d.name);
      return want
        ? { name: d.name, definition: want.definition, active: want.active }
        : { name: d.name, definition: null, active: false };
    });
    const { adapter, target } = await this.deps.environments.connect(env);
    // straight through the adapter: the record already says this
    for (const change of changes) await adapter.apply(target, [change]);
  }

  /**
   * Carries out a resolution for the incident's workflows that still
   * differ now; returns what was done, for the incident's history.
   */
  async resolve(
    incident: DriftIncident,
    resolution: DriftResolution,
    actor: string,
  ): Promise<string> {
    const env = await this.deps.environments.require(
      incident.tenant,
      incident.environmentId,
    );
    const { drifted, live } = await this.compare(env);
    const affected = drifted.filter(d =>
      incident.affectedWorkflows.includes(d.name),
    );
    if (!affected.length) return 'nothing differs any more';
    const names = affected.map(d => d.name).join(', ');
    const liveByName = new Map((live ?? []).map(w => [w.name, w]));
    const liveChanges = (): WorkflowChange[] =>
      affected.map(d => {
        const now = liveByName.get(d.name);
        return now
          ? { name: d.name, definition: now.definition, active: now.active }
          : { name: d.name, definition: null, active: false };
      });
    const by = { actor, source: 'drift' as const };
    switch (resolution) {
      case 'revert':
        await this.revert(env, affected);
        return `reverted ${names} to the recorded versions`;
      case 'acknowledge':
        await this.deps.environments.record(env, liveChanges(), by);
        return `accepted the live versions of ${names} in ${env.name}`;
      case 'promote': {
        const canonical = this.requireCanonical();
        const changes = liveChanges();
        const written = changes.filter(c => c.definition !== null);
        const commit = written.length
          ? await canonical.write(
              env.tenant,
              written.map(c => ({ name: c.name, definition: c.definition! })),
              `Promote drift of ${names} from ${env.name} (incident ${incident.id})`,
              actor,
            )
          : undefined;
        await this.deps.environments.record(env, changes, by);
        return `made the live versions of ${names} canonical${
          commit ? ` (commit ${commit.slice(0, 12)})` : ''
        }`;
      }
      case 'replace': {
        const canonical = this.requireCanonical();
        const changes: WorkflowChange[] = [];
        for (const d of affected) {
          const definition = await canonical.definition(env.tenant, d.name);
          if (definition === undefined) {
            throw new InputError(
              `${d.name} has no canonical version to replace it with`,
            );
          }
          changes.push({
            name: d.name,
            definition,
            active: d.expectedActive ?? d.liveActive ?? true,
          });
        }
        await this.deps.environments.apply(env, changes, by);
        return `replaced ${names} with the canonical versions`;
      }
      default:
        throw new InputError(`unknown resolution ${resolution}`);
    }
  }

  private requireCanonical(): CanonicalWorkflows {
    if (!this.canonical) {
      throw new InputError(
        'this resolution needs the canonical workflow repository, which is not configured',
      );
    }
    return this.canonical;
  }

  /** Retention: old checks and closed incidents, per tenant policy. */
  async purge(): Promise<number> {
    let removed = 0;
    const tenants = new Set([
      ...(await this.deps.policies.tenants()),
      ...(await this.deps.db('drift_checks').distinct('tenant')).map(
        r => r.tenant,
      ),
    ]);
    for (const tenant of tenants) {
      const { retention } = await this.deps.policies.get(tenant);
      removed += await this.deps
        .db('drift_checks')
        .where({ tenant })
        .andWhere(
          'checked_at',
          '<',
          new Date(Date.now() - retention.checkDays * 86_400_000),
        )
        .delete();
      removed += await this.incidents.purgeClosed(
        tenant,
        retention.closedIncidentDays,
      );
    }
    return removed;
  }
}
