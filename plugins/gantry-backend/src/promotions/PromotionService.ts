import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  GateResult,
  Promotion,
  checkPolicy,
  effectiveProfile,
  formatDslError,
  parseDurationSeconds,
  validateWorkflow,
  WorkflowPolicy,
} from '@internal/plugin-gantry-common';
import { Knex } from 'knex';
import { Approval, ApprovalService } from '../approvals/ApprovalService';
import { pageOf, toIsoTimestamp } from '../database/rows';
import {
  Environment,
  EnvironmentService,
} from '../environments/EnvironmentService';
import { contentHash } from '../environments/versions';
import { newTimeOrderedId } from '../runs/ids';
import {
  diffWorkflow,
  maxRisk,
  RISK_ORDER,
  RiskLevel,
  WorkflowDiff,
} from './diff';
import { inWindow, Pipeline, PipelineInput, Stage } from './pipelines';

export type { GateResult, Promotion } from '@internal/plugin-gantry-common';

/** What a promotion would do: the diff and the gates, evaluated now. */
export interface PromotionPreview {
  source: Environment;
  target: Environment;
  diff: WorkflowDiff[];
  gates: GateResult[];
  risk: RiskLevel;
  blocked: boolean;
}

const json = (v: unknown) => JSON.stringify(v);

function toPipeline(row: any): Pipeline {
  return {
    id: row.id,
    tenant: row.tenant,
    name: row.name,
    stages: JSON.parse(row.stages),
    flags: JSON.parse(row.flags),
    createdBy: row.created_by,
    createdAt: toIsoTimestamp(row.created_at)!,
    updatedAt: toIsoTimestamp(row.updated_at)!,
  };
}

function toPromotion(row: any): Promotion {
  return {
    id: row.id,
    tenant: row.tenant,
    pipelineId: row.pipeline_id,
    stage: Number(row.stage),
    sourceEnvironmentId: row.source_environment_id,
    targetEnvironmentId: row.target_environment_id,
    workflows: JSON.parse(row.workflows),
    status: row.status,
    diff: row.diff ? JSON.parse(row.diff) : [],
    gates: row.gates ? JSON.parse(row.gates) : [],
    risk: row.risk ?? undefined,
    force: Boolean(row.force),
    approvalId: row.approval_id ?? undefined,
    preSnapshotId: row.pre_snapshot_id ?? undefined,
    postSnapshotId: row.post_snapshot_id ?? undefined,
    results: row.results ? JSON.parse(row.results) : [],
    error: row.error ?? undefined,
    createdBy: row.created_by,
    createdAt: toIsoTimestamp(row.created_at)!,
    updatedAt: toIsoTimestamp(row.updated_at)!,
  };
}

/** `${secrets.a}` → `${secrets.b}` per the source → target mapping table. */
function remapCredentials(definition: string, mapping: Record<string, string>) {
  return definition.replace(
    /((?:\$\{|\{\{)\s*secrets\.)([A-Za-z0-9_.-]+)(\s*(?:\}\}|\}))/g,
    (all, open, name, close) =>
      mapping[name] ? `${open}${mapping[name]}${close}` : all,
  );
}

/**
 * Promotion pipelines and promotions (PRD 3.5): a promotion diffs the
 * selected workflows of a stage's source and target, evaluates the stage's
 * gates, waits for the stage's approval in the one inbox, snapshots the
 * target, applies through the target's adapter and, when anything fails,
 * restores the pre-promotion snapshot.
 */
export class PromotionService {
  constructor(
    private readonly deps: {
      db: Knex;
      environments: EnvironmentService;
      approvals: ApprovalService;
      policy: WorkflowPolicy;
      logger: LoggerService;
      /** Told of every promotion change, for live pages (signals). */
      onChange?: (promotionId: string) => void;
      /** Drift of a target: live differences and the drift policy's blockers. */
      drift?: {
        promotionBlockers(
          env: Environment,
          options: { requireClean: boolean },
        ): Promise<{ policy: string[]; live?: string[] }>;
      };
    },
  ) {
    deps.approvals.onDecided(approval => this.onApprovalDecided(approval));
  }

  // ---- pipelines -------------------------------------------------------

  async savePipeline(tenant: string, input: PipelineInput, actor: string) {
    for (const stage of input.stages) {
      await this.deps.environments.require(tenant, stage.source);
      await this.deps.environments.require(tenant, stage.target);
      if (stage.source === stage.target) {
        throw new InputError(
          `a stage cannot promote ${stage.source} to itself`,
        );
      }
    }
    const existing = await this.deps
      .db('pipelines')
      .where({ tenant, name: input.name })
      .first();
    const now = new Date();
    const row = {
      stages: json(input.stages),
      flags: json(input.flags),
      updated_at: now,
    };
    if (existing) {
      await this.deps.db('pipelines').where({ id: existing.id }).update(row);
      return {
        pipeline: (await this.pipeline(tenant, existing.id))!,
        previous: toPipeline(existing),
      };
    }
    const id = newTimeOrderedId('pipe_');
    await this.deps.db('pipelines').insert({
      id,
      tenant,
      name: input.name,
      created_by: actor,
      created_at: now,
      ...row,
    });
    return { pipeline: (await this.pipeline(tenant, id))! };
  }

  async pipelines(tenant: string): Promise<Pipeline[]> {
    return (
      await this.deps.db('pipelines').where({ tenant }).orderBy('name')
    ).map(toPipeline);
  }

  async pipeline(
    tenant: string,
    idOrName: string,
  ): Promise<Pipeline | undefined> {
    const row = await this.deps
      .db('pipelines')
      .where({ tenant })
      .andWhere(q => q.where({ id: idOrName }).orWhere({ name: idOrName }))
      .first();
    return row ? toPipeline(row) : undefined;
  }

  /** Credential names of `source` renamed for `target`. */
  async setCredentialMapping(
    source: Environment,
    target: Environment,
    mapping: Record<string, string>,
  ): Promise<void> {
    await this.deps.db.transaction(async trx => {
      await trx('credential_mappings')
        .where({
          source_environment_id: source.id,
          target_environment_id: target.id,
        })
        .delete();
      const rows = Object.entries(mapping).map(([from, to]) => ({
        tenant: source.tenant,
        source_environment_id: source.id,
        target_environment_id: target.id,
        source_name: from,
        target_name: to,
      }));
      if (rows.length) await trx('credential_mappings').insert(rows);
    });
  }

  async credentialMapping(source: Environment, target: Environment) {
    const rows = await this.deps.db('credential_mappings').where({
      source_environment_id: source.id,
      target_environment_id: target.id,
    });
    return Object.fromEntries(rows.map(r => [r.source_name, r.target_name]));
  }

  // ---- preview: diff and gates ------------------------------------------

  private async stageOf(
    tenant: string,
    pipelineRef: string,
    stageIndex: number,
  ) {
    const pipeline = await this.pipeline(tenant, pipelineRef);
    if (!pipeline)
      throw new NotFoundError(`pipeline ${pipelineRef} does not exist`);
    const stage = pipeline.stages[stageIndex];
    if (!stage) {
      throw new InputError(
        `pipeline ${pipeline.name} has stages 0 to ${
          pipeline.stages.length - 1
        }, not ${stageIndex}`,
      );
    }
    return { pipeline, stage };
  }

  /** The source's workflows as they would land in the target (credentials remapped). */
  private async incoming(
    source: Environment,
    target: Environment,
    names?: string[],
  ) {
    const mapping = await this.credentialMapping(source, target);
    const out = new Map<
      string,
      { definition: string; hash: string; active: boolean; deployedAt: string }
    >();
    for (const w of await this.deps.environments.workflows(source)) {
      if (names && !names.includes(w.name)) continue;
      const original = (await this.deps.environments.definition(
        source.tenant,
        w.hash,
      ))!;
      const definition = remapCredentials(original, mapping);
      out.set(w.name, {
        definition,
        hash: contentHash(definition),
        active: w.active,
        deployedAt: w.deployedAt,
      });
    }
    return out;
  }

  async preview(request: {
    tenant: string;
    pipeline: string;
    stage: number;
    workflows?: string[];
    force?: boolean;
  }): Promise<PromotionPreview> {
    const { pipeline, stage } = await this.stageOf(
      request.tenant,
      request.pipeline,
      request.stage,
    );
    const source = await this.deps.environments.require(
      request.tenant,
      stage.source,
    );
    const target = await this.deps.environments.require(
      request.tenant,
      stage.target,
    );
    const names = request.workflows?.length ? request.workflows : undefined;
    const incoming = await this.incoming(source, target, names);
    for (const name of names ?? []) {
      if (!incoming.has(name)) {
        throw new InputError(`workflow ${name} is not in ${source.name}`);
      }
    }
    const current = new Map(
      (await this.deps.environments.workflows(target)).map(w => [w.name, w]),
    );
    const diff: WorkflowDiff[] = [];
    const all = new Set([...incoming.keys(), ...(names ? [] : current.keys())]);
    for (const name of [...all].sort()) {
      const from = incoming.get(name);
      const to = current.get(name);
      diff.push(
        diffWorkflow({
          name,
          source: from && { hash: from.hash, definition: from.definition },
          target: to && {
            hash: to.hash,
            definition:
              (await this.deps.environments.definition(
                target.tenant,
                to.hash,
              )) ?? '',
            hotfix: to.source === 'direct',
          },
        }),
      );
    }
    const gates = await this.evaluateGates({
      stage,
      flags: pipeline.flags,
      source,
      target,
      incoming,
      diff,
      force: Boolean(request.force),
    });
    return {
      source,
      target,
      diff,
      gates,
      risk: maxRisk(diff.map(d => d.risk)),
      blocked: gates.some(g => !g.passed),
    };
  }

  private async evaluateGates(c: {
    stage: Stage;
    flags: Pipeline['flags'];
    source: Environment;
    target: Environment;
    incoming: Map<
      string,
      { definition: string; active: boolean; deployedAt: string }
    >;
    diff: WorkflowDiff[];
    force: boolean;
  }): Promise<GateResult[]> {
    const gates: GateResult[] = [];
    const gate = (name: string, problems: string[], ok: string) =>
      gates.push({
        gate: name,
        passed: problems.length === 0,
        reason: problems.length ? problems.join('; ') : ok,
      });
    const changing = c.diff.filter(d =>
      ['ADDED', 'MODIFIED', 'TARGET_HOTFIX'].includes(d.status),
    );

    // always: a hotfix made in the target is not overwritten silently
    const hotfixes = changing
      .filter(d => d.status === 'TARGET_HOTFIX')
      .map(d => d.name);
    const overridden =
      c.flags.allowOverwritingHotfixes ||
      (c.force && c.flags.allowForcePromotionOnConflicts);
    gate(
      'noTargetHotfixConflicts',
      hotfixes.length && !overridden
        ? [
            `${hotfixes.join(', ')} changed directly in ${
              c.target.name
            } (TARGET_HOTFIX); ${
              c.force
                ? 'force needs the pipeline flag allowForcePromotionOnConflicts'
                : 'set allowOverwritingHotfixes or force with allowForcePromotionOnConflicts'
            }`,
          ]
        : [],
      hotfixes.length
        ? `hotfixes in ${hotfixes.join(', ')} will be overwritten (allowed)`
        : 'no hotfix in the target',
    );

    if (c.stage.windows?.length) {
      gate(
        'promotionWindow',
        inWindow(c.stage, new Date())
          ? []
          : ["outside the stage's promotion windows (UTC)"],
        'inside a promotion window',
      );
    }
    if (c.stage.soakMinutes) {
      const cutoff = Date.now() - c.stage.soakMinutes * 60_000;
      const young = changing
        .filter(d => Date.parse(c.incoming.get(d.name)!.deployedAt) > cutoff)
        .map(d => d.name);
      gate(
        'soakTime',
        young.length
          ? [
              `${young.join(', ')} ran less than ${
                c.stage.soakMinutes
              } minutes in ${c.source.name}`,
            ]
          : [],
        `every workflow soaked ${c.stage.soakMinutes} minutes in ${c.source.name}`,
      );
    }
    const g = c.stage.gates;
    if (g.runPreFlightValidation) {
      const problems: string[] = [];
      for (const d of changing) {
        const { workflow, errors } = validateWorkflow(
          c.incoming.get(d.name)!.definition,
          `${d.name}.yaml`,
        );
        if (!workflow)
          problems.push(`${d.name}: ${errors.map(formatDslError).join('; ')}`);
      }
      gate('runPreFlightValidation', problems, 'every workflow validates');
    }
    if (g.nodesSupportedInTarget) {
      const profile = effectiveProfile(
        this.deps.policy,
        undefined,
        c.target.class,
      );
      const problems: string[] = [];
      for (const d of changing) {
        const { workflow } = validateWorkflow(
          c.incoming.get(d.name)!.definition,
        );
        if (!workflow) continue;
        for (const v of checkPolicy(workflow, {
          ...this.deps.policy,
          profile,
        })) {
          problems.push(`${d.name}: ${v.message}`);
        }
      }
      gate(
        'nodesSupportedInTarget',
        problems,
        `every step type runs under ${c.target.name}'s ${profile} profile`,
      );
    }
    if (g.credentialsExistInTarget) {
      const have = new Set(
        await this.deps.environments.credentialNames(c.target),
      );
      const missing = [
        ...new Set(
          changing.flatMap(d =>
            this.deps.environments.credentialReferences(
              c.target,
              c.incoming.get(d.name)!.definition,
            ),
          ),
        ),
      ].filter(name => !have.has(name));
      gates.push({
        gate: 'credentialsExistInTarget',
        passed: missing.length === 0 || c.flags.allowPlaceholderCredentials,
        reason: missing.length
          ? `${missing.join(', ')} ${
              missing.length === 1 ? 'is' : 'are'
            } not a credential of ${c.target.name}${
              c.flags.allowPlaceholderCredentials
                ? ' (allowed as placeholders)'
                : ''
            }`
          : `every credential exists in ${c.target.name}`,
      });
    }
    if (g.targetEnvironmentHealthy) {
      const checked = await this.deps.environments.checkHealth(c.target);
      gate(
        'targetEnvironmentHealthy',
        checked.health === 'healthy'
          ? []
          : [`${c.target.name} is ${checked.health}: ${checked.healthMessage}`],
        `${c.target.name} is healthy`,
      );
    }
    const drift = await this.deps.drift?.promotionBlockers(c.target, {
      requireClean: Boolean(g.requireCleanDrift),
    });
    if (g.requireCleanDrift) {
      gate(
        'requireCleanDrift',
        drift?.live ?? [],
        `${c.target.name} runs what Gantry recorded`,
      );
    }
    if (drift?.policy.length) {
      // the tenant's drift policy blocks promotions into drifted environments
      gate('driftPolicy', drift.policy, '');
    }
    if (g.maxAllowedRiskLevel) {
      const risky = changing.filter(
        d =>
          RISK_ORDER.indexOf(d.risk) >
          RISK_ORDER.indexOf(g.maxAllowedRiskLevel!),
      );
      gate(
        'maxAllowedRiskLevel',
        risky.map(
          d => `${d.name} is ${d.risk} risk (at most ${g.maxAllowedRiskLevel})`,
        ),
        `no change above ${g.maxAllowedRiskLevel} risk`,
      );
    }
    return gates;
  }

  // ---- promotions --------------------------------------------------------

  /** A promotion by id alone; callers check its tenant. */
  async find(id: string): Promise<Promotion | undefined> {
    const row = await this.deps.db('promotions').where({ id }).first();
    return row ? toPromotion(row) : undefined;
  }

  async get(tenant: string, id: string): Promise<Promotion | undefined> {
    const row = await this.deps.db('promotions').where({ tenant, id }).first();
    return row ? toPromotion(row) : undefined;
  }

  async list(
    tenant: string,
    page: { limit: number; cursor?: string; environment?: string },
  ) {
    const rows = await this.deps
      .db('promotions')
      .where({ tenant })
      .modify(q => {
        if (page.cursor) q.where('id', '<', page.cursor);
        if (page.environment) {
          q.andWhere(w =>
            w
              .where({ source_environment_id: page.environment })
              .orWhere({ target_environment_id: page.environment }),
          );
        }
      })
      .orderBy('id', 'desc')
      .limit(page.limit + 1);
    return pageOf(rows, page.limit, toPromotion, item => item.id);
  }

  private async update(id: string, patch: Record<string, unknown>) {
    await this.deps
      .db('promotions')
      .where({ id })
      .update({ ...patch, updated_at: new Date() });
    this.deps.onChange?.(id);
  }

  /**
   * Starts a promotion: blocked (FAILED, with each gate's reason) when a gate
   * fails, waiting for approval when the stage needs one, applied otherwise.
   */
  async start(request: {
    tenant: string;
    pipeline: string;
    stage: number;
    workflows?: string[];
    force?: boolean;
    actor: string;
  }): Promise<Promotion> {
    const { pipeline, stage } = await this.stageOf(
      request.tenant,
      request.pipeline,
      request.stage,
    );
    const preview = await this.preview(request);
    const id = newTimeOrderedId('prom_');
    const now = new Date();
    const changing = preview.diff.filter(
      d => d.status !== 'UNCHANGED' && d.status !== 'TARGET_ONLY',
    );
    await this.deps.db('promotions').insert({
      id,
      tenant: request.tenant,
      pipeline_id: pipeline.id,
      stage: request.stage,
      source_environment_id: preview.source.id,
      target_environment_id: preview.target.id,
      workflows: json(changing.map(d => d.name)),
      status: 'PENDING',
      diff: json(preview.diff),
      gates: json(preview.gates),
      risk: preview.risk,
      force: Boolean(request.force),
      created_by: request.actor,
      created_at: now,
      updated_at: now,
    });
    if (preview.blocked) {
      const failed = preview.gates.filter(g => !g.passed);
      await this.update(id, {
        status: 'FAILED',
        error: `blocked by ${failed
          .map(g => `${g.gate}: ${g.reason}`)
          .join('; ')}`,
      });
    } else if (changing.length === 0) {
      await this.update(id, { status: 'COMPLETED', results: json([]) });
    } else if (stage.approval) {
      const approval = await this.deps.approvals.request({
        tenant: request.tenant,
        subject: { kind: 'promotion', id },
        message: `Promote ${changing.map(d => d.name).join(', ')} from ${
          preview.source.name
        } to ${preview.target.name} (${preview.risk} risk)?`,
        approvers: stage.approval.approvers,
        requiredApprovals: stage.approval.requiredApprovals,
        requestedBy: request.actor,
        expiresAt: stage.approval.expires
          ? new Date(
              Date.now() +
                (parseDurationSeconds(stage.approval.expires) ?? 0) * 1000,
            )
          : undefined,
      });
      await this.update(id, {
        status: 'PENDING_APPROVAL',
        approval_id: approval.id,
      });
    } else {
      await this.update(id, { status: 'APPROVED' });
      await this.apply(id);
    }
    return (await this.get(request.tenant, id))!;
  }

  private async onApprovalDecided(approval: Approval): Promise<void> {
    if (approval.subject.kind !== 'promotion') return;
    const row = await this.deps
      .db('promotions')
      .where({ id: approval.subject.id })
      .first();
    if (!row || row.status !== 'PENDING_APPROVAL') return;
    if (approval.status !== 'approved') {
      await this.update(row.id, {
        status: 'REJECTED',
        error:
          approval.status === 'expired'
            ? 'the approval expired before anyone decided it'
            : `denied by ${approval.decidedBy}${
                approval.reason ? `: ${approval.reason}` : ''
              }`,
      });
      return;
    }
    await this.update(row.id, { status: 'APPROVED' });
    // applied in the background: the approver's request returns at once
    this.apply(row.id).catch(error =>
      this.deps.logger.error(`promotion ${row.id} failed: ${error}`),
    );
  }

  /**
   * Applies an approved promotion atomically as far as the target allows:
   * snapshot, apply each workflow, snapshot; on any failure the target is
   * restored to the pre-promotion snapshot.
   */
  async apply(id: string): Promise<void> {
    const claimed = await this.deps
      .db('promotions')
      .where({ id, status: 'APPROVED' })
      .update({ status: 'RUNNING', updated_at: new Date() });
    if (claimed !== 1) return;
    const promotion = toPromotion(
      await this.deps.db('promotions').where({ id }).first(),
    );
    const source = await this.deps.environments.require(
      promotion.tenant,
      promotion.sourceEnvironmentId,
    );
    const target = await this.deps.environments.require(
      promotion.tenant,
      promotion.targetEnvironmentId,
    );
    const incoming = await this.incoming(source, target, promotion.workflows);
    const pre = await this.deps.environments.snapshot(
      target,
      'pre_promotion',
      promotion.createdBy,
      `before ${id}`,
    );
    await this.update(id, { pre_snapshot_id: pre.id });
    const results: Promotion['results'] = [];
    try {
      for (const name of promotion.workflows) {
        const w = incoming.get(name);
        if (!w) throw new Error(`${name} is no longer in ${source.name}`);
        try {
          await this.deps.environments.apply(
            target,
            [{ name, definition: w.definition, active: w.active }],
            { actor: promotion.createdBy, source: 'promotion' },
          );
          results.push({ name, status: 'applied' });
        } catch (error) {
          results.push({
            name,
            status: 'failed',
            error: String((error as Error).message),
          });
          throw error;
        }
      }
      const post = await this.deps.environments.snapshot(
        target,
        'post_promotion',
        promotion.createdBy,
        `after ${id}`,
      );
      await this.update(id, {
        status: 'COMPLETED',
        post_snapshot_id: post.id,
        results: json(results),
      });
    } catch (error) {
      const skipped = promotion.workflows
        .filter(n => !results.some(r => r.name === n))
        .map(name => ({ name, status: 'skipped' as const }));
      let rollback = 'the target was restored to its pre-promotion snapshot';
      try {
        await this.deps.environments.restore(target, pre, 'gantry');
      } catch (restoreError) {
        rollback = `restoring the pre-promotion snapshot failed too: ${restoreError}`;
      }
      await this.update(id, {
        status: 'FAILED',
        results: json([...results, ...skipped]),
        error: `${(error as Error).message}; ${rollback}`,
      });
    }
  }

  async cancel(promotion: Promotion): Promise<Promotion> {
    const updated = await this.deps
      .db('promotions')
      .whereIn('status', ['PENDING', 'PENDING_APPROVAL', 'APPROVED'])
      .where({ id: promotion.id })
      .update({ status: 'CANCELLED', updated_at: new Date() });
    if (updated !== 1) {
      throw new ConflictError(
        `promotion ${promotion.id} is ${promotion.status} and cannot be cancelled`,
      );
    }
    return (await this.get(promotion.tenant, promotion.id))!;
  }

  /** Restores the target of a completed promotion to its pre-promotion snapshot. */
  async rollback(promotion: Promotion, actor: string): Promise<Promotion> {
    if (promotion.status !== 'COMPLETED' || !promotion.preSnapshotId) {
      throw new ConflictError(
        `only a completed promotion can be rolled back; ${promotion.id} is ${promotion.status}`,
      );
    }
    const target = await this.deps.environments.require(
      promotion.tenant,
      promotion.targetEnvironmentId,
    );
    const pre = (await this.deps.environments.getSnapshot(
      promotion.tenant,
      promotion.preSnapshotId,
    ))!;
    await this.deps.environments.restore(target, pre, actor);
    await this.update(promotion.id, { status: 'ROLLED_BACK' });
    return (await this.get(promotion.tenant, promotion.id))!;
  }
}
