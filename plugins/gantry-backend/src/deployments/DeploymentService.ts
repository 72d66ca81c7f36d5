import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  ApplicationContext,
  DslError,
  formatDslError,
  parseScoreSpec,
  SecurityProfile,
  validateWorkflow,
} from '@internal/plugin-gantry-common';
import { Knex } from 'knex';
import { pageOf, toIsoTimestamp } from '../database/rows';
import { WorkflowEngine } from '../engine/WorkflowEngine';
import { ProviderRegistry } from '../providers/ProviderRegistry';
import { newTimeOrderedId } from '../runs/ids';
import { RunStore } from '../runs/types';

export const PHASES = [
  'pre-deployment',
  'deployment',
  'post-deployment',
] as const;

/** A Score spec that does not hold up; `errors` name the fields. */
export class ScoreSpecError extends InputError {
  constructor(readonly errors: DslError[]) {
    super(`invalid Score spec: ${errors.map(formatDslError).join('; ')}`);
  }
}

export interface DeploymentRunRef {
  kind: 'resource' | 'workflow';
  ref: string;
  phase?: string;
  resource?: string;
  runId?: string;
  status: string;
}

export interface Deployment {
  id: string;
  tenant: string;
  application: string;
  profile: string;
  status: 'running' | 'succeeded' | 'failed';
  first: boolean;
  runs: DeploymentRunRef[];
  error?: string;
  createdBy: string;
  createdAt: string;
  finishedAt?: string;
}

interface Plan {
  resources: Array<{
    name: string;
    type: string;
    class?: string;
    provider: string;
    workflow: string;
  }>;
  workflows: Array<{
    provider: string;
    workflow: string;
    phase: string;
    trigger: string;
  }>;
}

const iso = toIsoTimestamp;

function toDeployment(row: any): Deployment {
  return {
    id: row.id,
    tenant: row.tenant,
    application: row.application,
    profile: row.profile,
    status: row.status,
    first: Boolean(row.first),
    runs: JSON.parse(row.runs),
    error: row.error ?? undefined,
    createdBy: row.created_by,
    createdAt: iso(row.created_at)!,
    finishedAt: iso(row.finished_at),
  };
}

/** Outputs a provisioning run produced, for `${resources.<name>.<output>}`. */
function resourceOutputs(
  steps: Array<{ outputs: Record<string, unknown> }>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const step of steps) {
    for (const [key, value] of Object.entries(step.outputs)) {
      if (!['stdout', 'exit_code', 'planned', 'plan'].includes(key))
        out[key] = value;
    }
  }
  return out;
}

/**
 * Score deployments: records the application, provisions each resource
 * through the provider that claims its type, then runs the product's
 * workflows in phase order. Every piece is an engine run.
 */
export class DeploymentService {
  private readonly finishedListeners: Array<
    (deployment: Deployment) => Promise<void>
  > = [];

  constructor(
    private readonly deps: {
      db: Knex;
      engine: WorkflowEngine;
      store: RunStore;
      providers: ProviderRegistry;
      logger: { error(message: string): void };
      /** Only these product workflows (provider/workflow) may run, when set. */
      allowedProductWorkflows?: string[];
    },
  ) {}

  /** Called once a deployment succeeds or fails (platform events). */
  onFinished(listener: (deployment: Deployment) => Promise<void>): void {
    this.finishedListeners.push(listener);
  }

  /** Which provider and workflow provision a resource type; conflicts are errors. */
  resolveResource(
    type: string,
    resourceClass?: string,
  ): { provider: string; workflow: string } {
    const candidates: Array<{
      provider: string;
      workflow: string;
      specificity: number;
    }> = [];
    for (const status of this.deps.providers.list()) {
      const p = status.provider;
      if (!p) continue;
      const declared = (p.manifest.capabilities ?? []).filter(
        c =>
          c.type === type &&
          (c.class === undefined || c.class === resourceClass),
      );
      for (const c of declared) {
        candidates.push({
          provider: p.name,
          workflow: c.create,
          specificity: c.class ? 2 : 1,
        });
      }
      if (
        declared.length === 0 &&
        (p.manifest.supported_resources ?? []).includes(type)
      ) {
        if (p.workflows.some(w => w.name === `create-${type}`)) {
          candidates.push({
            provider: p.name,
            workflow: `create-${type}`,
            specificity: 0,
          });
        }
      }
    }
    if (candidates.length === 0) {
      throw new InputError(
        `no provider provisions resources of type '${type}'${
          resourceClass ? ` (class ${resourceClass})` : ''
        }`,
      );
    }
    const best = Math.max(...candidates.map(c => c.specificity));
    const top = candidates.filter(c => c.specificity === best);
    if (top.length > 1) {
      throw new ConflictError(
        `providers ${top
          .map(c => c.provider)
          .join(' and ')} both claim resources of type '${type}'${
          resourceClass ? ` class ${resourceClass}` : ''
        }; give one of them a more specific capability`,
      );
    }
    return top[0];
  }

  /** Product workflows (full form) whose metadata.product matches. */
  productWorkflows(product: string | undefined) {
    if (!product) return [];
    const found: Array<{
      provider: string;
      workflow: string;
      phase: string;
      triggers: string[];
    }> = [];
    for (const status of this.deps.providers.list()) {
      for (const w of status.provider?.workflows ?? []) {
        const parsed = validateWorkflow(w.text, w.file).workflow;
        if (parsed?.form === 'full' && parsed.product === product) {
          found.push({
            provider: status.name,
            workflow: w.name,
            phase: parsed.phase ?? 'deployment',
            triggers: parsed.triggers.length ? parsed.triggers : ['manual'],
          });
        }
      }
    }
    return found;
  }

  async deploy(request: {
    spec: string;
    tenant: string;
    actor: string;
    profile?: SecurityProfile;
  }): Promise<Deployment> {
    const { application, spec, errors } = parseScoreSpec(
      request.spec,
      'score.yaml',
    );
    if (!application || !spec) throw new ScoreSpecError(errors);
    const product =
      typeof application.metadata.product === 'string'
        ? application.metadata.product
        : (
            application.metadata.annotations as
              | Record<string, string>
              | undefined
          )?.['gantry.dev/product'];
    const previous = await this.deps
      .db('deployments')
      .where({
        tenant: request.tenant,
        application: application.name,
        status: 'succeeded',
      })
      .first();
    const first = !previous;
    const plan: Plan = {
      resources: Object.entries(spec.resources ?? {}).map(([name, r]) => ({
        name,
        type: r.type,
        class: r.class,
        ...this.resolveResource(r.type, r.class),
      })),
      workflows: this.productWorkflows(product)
        .flatMap(w => {
          let trigger: string | undefined;
          if (w.triggers.includes('product_deployment')) {
            trigger = 'product_deployment';
          } else if (first && w.triggers.includes('first_deployment')) {
            trigger = 'first_deployment';
          }
          return trigger
            ? [
                {
                  provider: w.provider,
                  workflow: w.workflow,
                  phase: w.phase,
                  trigger,
                },
              ]
            : [];
        })
        .sort(
          (a, b) =>
            PHASES.indexOf(a.phase as any) - PHASES.indexOf(b.phase as any) ||
            `${a.provider}/${a.workflow}`.localeCompare(
              `${b.provider}/${b.workflow}`,
            ),
        ),
    };

    const allowed = this.deps.allowedProductWorkflows;
    const refused = allowed
      ? plan.workflows.filter(
          w => !allowed.includes(`${w.provider}/${w.workflow}`),
        )
      : [];
    if (refused.length > 0) {
      throw new InputError(
        `policy allowedProductWorkflows: ${refused
          .map(w => `${w.provider}/${w.workflow}`)
          .join(', ')} may not run (allowed: ${allowed!.join(', ') || 'none'})`,
      );
    }
    const id = newTimeOrderedId('dep_');
    const runs: DeploymentRunRef[] = [
      ...plan.resources.map(r => ({
        kind: 'resource' as const,
        resource: r.name,
        ref: `${r.provider}/${r.workflow}`,
        status: 'pending',
      })),
      ...plan.workflows.map(w => ({
        kind: 'workflow' as const,
        ref: `${w.provider}/${w.workflow}`,
        phase: w.phase,
        status: 'pending',
      })),
    ];
    const now = new Date();
    await this.deps.db.transaction(async tx => {
      await tx('applications')
        .insert({
          tenant: request.tenant,
          name: application.name,
          product: product ?? null,
          spec: request.spec,
          status: 'active',
          created_at: now,
          updated_at: now,
        })
        .onConflict(['tenant', 'name'])
        .merge(['product', 'spec', 'status', 'updated_at']);
      await tx('deployments').insert({
        id,
        tenant: request.tenant,
        application: application.name,
        spec: request.spec,
        profile: request.profile ?? 'standard',
        status: 'running',
        first,
        runs: JSON.stringify(runs),
        created_by: request.actor,
        created_at: now,
      });
      for (const r of plan.resources) {
        await tx('resources')
          .insert({
            tenant: request.tenant,
            application: application.name,
            name: r.name,
            type: r.type,
            class: r.class ?? null,
            provider: r.provider,
            status: 'requested',
            updated_at: now,
          })
          .onConflict(['tenant', 'application', 'name'])
          .merge(['type', 'class', 'provider', 'updated_at']);
      }
    });
    // the deployment proceeds in the background; its runs are durable
    this.orchestrate(id, request, application, plan, runs).catch(error =>
      this.deps.logger.error(`deployment ${id} failed: ${error}`),
    );
    return (await this.get(id))!;
  }

  private async orchestrate(
    id: string,
    request: { tenant: string; actor: string; profile?: SecurityProfile },
    application: ApplicationContext,
    plan: Plan,
    runs: DeploymentRunRef[],
  ): Promise<void> {
    const { db, engine, store, providers } = this.deps;
    const save = (patch: Record<string, unknown> = {}) =>
      db('deployments')
        .where({ id })
        .update({ runs: JSON.stringify(runs), ...patch });
    const context = { ...application, resources: { ...application.resources } };
    const runOne = async (
      entry: DeploymentRunRef,
      provider: string,
      workflow: string,
    ) => {
      const source = providers.workflow(provider, workflow);
      if (!source)
        throw new Error(`workflow ${provider}/${workflow} is not available`);
      const run = await engine.submit({
        definition: source.text,
        file: source.file,
        workflowRef: `${provider}/${workflow}`,
        tenant: request.tenant,
        createdBy: request.actor,
        context: { application: context, variables: {} },
        profile: request.profile,
      });
      entry.runId = run.id;
      entry.status = 'running';
      await save();
      const done = await engine.waitFor(run.id, undefined, 24 * 3600_000);
      entry.status = done.status;
      await save();
      return done;
    };
    try {
      for (const [i, r] of plan.resources.entries()) {
        const where = {
          tenant: request.tenant,
          application: application.name,
          name: r.name,
        };
        await db('resources')
          .where(where)
          .update({ status: 'provisioning', updated_at: new Date() });
        const done = await runOne(runs[i], r.provider, r.workflow);
        const outputs = resourceOutputs(await store.getSteps(done.id));
        await db('resources')
          .where(where)
          .update({
            status: done.status === 'succeeded' ? 'active' : 'failed',
            outputs: JSON.stringify(outputs),
            run_id: done.id,
            updated_at: new Date(),
          });
        if (done.status !== 'succeeded')
          throw new Error(
            `resource ${r.name} could not be provisioned: run ${done.id} ${done.status}`,
          );
        context.resources[r.name] = {
          ...context.resources[r.name],
          ...outputs,
        };
      }
      for (const [i, w] of plan.workflows.entries()) {
        const done = await runOne(
          runs[plan.resources.length + i],
          w.provider,
          w.workflow,
        );
        if (done.status !== 'succeeded')
          throw new Error(
            `${w.phase} workflow ${w.provider}/${w.workflow} ${done.status}`,
          );
      }
      await save({ status: 'succeeded', finished_at: new Date() });
    } catch (error) {
      await save({
        status: 'failed',
        error: (error as Error).message,
        finished_at: new Date(),
      });
    }
    const finished = await this.get(id);
    for (const listener of this.finishedListeners) {
      await listener(finished!).catch(error =>
        this.deps.logger.error(`deployment ${id}: a listener failed: ${error}`),
      );
    }
  }

  async get(id: string): Promise<Deployment | undefined> {
    const row = await this.deps.db('deployments').where({ id }).first();
    return row ? toDeployment(row) : undefined;
  }

  async listApplications(filter: {
    tenant?: string;
    limit: number;
    cursor?: string;
  }) {
    const query = this.deps
      .db('applications')
      .where({ status: 'active' })
      .orderBy('name')
      .limit(filter.limit + 1);
    if (filter.tenant) query.where('tenant', filter.tenant);
    if (filter.cursor) query.where('name', '>', filter.cursor);
    const rows = await query;
    const items = rows.slice(0, filter.limit).map(r => ({
      tenant: r.tenant,
      name: r.name,
      product: r.product ?? undefined,
      updatedAt: iso(r.updated_at),
    }));
    return {
      items,
      nextCursor:
        rows.length > filter.limit ? items[items.length - 1].name : undefined,
    };
  }

  async getApplication(tenant: string, name: string) {
    const app = await this.deps
      .db('applications')
      .where({ tenant, name })
      .first();
    if (!app) throw new NotFoundError(`application ${name} does not exist`);
    const deployments = (
      await this.deps
        .db('deployments')
        .where({ tenant, application: name })
        .orderBy('id', 'desc')
        .limit(20)
    ).map(toDeployment);
    const resources = (
      await this.deps
        .db('resources')
        .where({ tenant, application: name })
        .orderBy('name')
    ).map(r => ({
      name: r.name,
      type: r.type,
      class: r.class ?? undefined,
      provider: r.provider ?? undefined,
      status: r.status,
      outputs: r.outputs ? JSON.parse(r.outputs) : {},
      runId: r.run_id ?? undefined,
    }));
    return {
      tenant,
      name,
      product: app.product ?? undefined,
      status: app.status,
      spec: app.spec,
      deployments,
      resources,
      // what people may start by hand for this application
      manualWorkflows: this.productWorkflows(app.product ?? undefined)
        .filter(w => w.triggers.includes('manual'))
        .map(({ provider, workflow }) => ({ provider, workflow })),
    };
  }

  /** Deployments of an application, newest first, a page at a time. */
  async listDeployments(filter: {
    tenant: string;
    application: string;
    limit: number;
    cursor?: string;
  }) {
    const query = this.deps
      .db('deployments')
      .where({ tenant: filter.tenant, application: filter.application })
      .orderBy('id', 'desc')
      .limit(filter.limit + 1);
    if (filter.cursor) query.where('id', '<', filter.cursor);
    const rows = await query;
    return pageOf(rows, filter.limit, toDeployment, d => d.id);
  }

  /**
   * Deletes an application: each active resource is deprovisioned through
   * its provider's delete workflow (deleting → deleted, or failed), then the
   * application is marked deleted. Resolves when all runs have finished.
   */
  async deleteApplication(request: {
    tenant: string;
    name: string;
    actor: string;
    profile?: SecurityProfile;
  }) {
    const app = await this.getApplication(request.tenant, request.name);
    const { application } = parseScoreSpec(app.spec);
    const results: Array<{
      resource: string;
      status: string;
      runId?: string;
      reason?: string;
    }> = [];
    for (const resource of app.resources.filter(r => r.status === 'active')) {
      const where = {
        tenant: request.tenant,
        application: request.name,
        name: resource.name,
      };
      const capability = this.deps.providers
        .get(resource.provider ?? '')
        ?.provider?.manifest.capabilities?.find(
          c => c.type === resource.type && c.delete,
        );
      const workflow = capability?.delete ?? `delete-${resource.type}`;
      const source = resource.provider
        ? this.deps.providers.workflow(resource.provider, workflow)
        : undefined;
      if (!source) {
        await this.deps
          .db('resources')
          .where(where)
          .update({ status: 'deleted', updated_at: new Date() });
        results.push({
          resource: resource.name,
          status: 'deleted',
          reason: `${resource.provider} has no ${workflow} workflow; nothing to deprovision`,
        });
        continue;
      }
      await this.deps
        .db('resources')
        .where(where)
        .update({ status: 'deleting', updated_at: new Date() });
      const run = await this.deps.engine.submit({
        definition: source.text,
        file: source.file,
        workflowRef: `${resource.provider}/${workflow}`,
        tenant: request.tenant,
        createdBy: request.actor,
        context: { application: application!, variables: {} },
        profile: request.profile,
      });
      const done = await this.deps.engine.waitFor(
        run.id,
        undefined,
        24 * 3600_000,
      );
      const status = done.status === 'succeeded' ? 'deleted' : 'failed';
      await this.deps
        .db('resources')
        .where(where)
        .update({ status, run_id: run.id, updated_at: new Date() });
      results.push({ resource: resource.name, status, runId: run.id });
    }
    if (results.every(r => r.status === 'deleted')) {
      await this.deps
        .db('applications')
        .where({ tenant: request.tenant, name: request.name })
        .update({ status: 'deleted', updated_at: new Date() });
    }
    return {
      application: request.name,
      deleted: results.every(r => r.status === 'deleted'),
      resources: results,
    };
  }

  /** Starts a manual product workflow for an application. */
  async runManual(request: {
    tenant: string;
    application: string;
    provider: string;
    workflow: string;
    actor: string;
    profile?: SecurityProfile;
  }) {
    const app = await this.getApplication(request.tenant, request.application);
    const source = this.deps.providers.workflow(
      request.provider,
      request.workflow,
    );
    if (!source)
      throw new NotFoundError(
        `workflow ${request.provider}/${request.workflow} does not exist`,
      );
    const { application } = parseScoreSpec(app.spec);
    const resources = { ...application!.resources };
    for (const r of app.resources)
      resources[r.name] = { ...resources[r.name], ...r.outputs };
    return this.deps.engine.submit({
      definition: source.text,
      file: source.file,
      workflowRef: `${request.provider}/${request.workflow}`,
      tenant: request.tenant,
      createdBy: request.actor,
      context: { application: { ...application!, resources }, variables: {} },
      profile: request.profile,
    });
  }
}
