import {
  DEFAULT_DRIFT_POLICY,
  DRIFT_SEVERITIES,
  DriftPolicy,
  INCIDENT_ACTIONS,
} from '@internal/plugin-gantry-common';
import { Knex } from 'knex';
import { z } from 'zod';

const hours = z
  .number()
  .min(1)
  .max(24 * 365);
const severity = z.enum(DRIFT_SEVERITIES);

/** A tenant's drift policy as an admin sends it; omitted fields keep defaults. */
export const driftPolicySchema = z.strictObject({
  ttlHours: z
    .strictObject({
      critical: hours,
      high: hours,
      medium: hours,
      low: hours,
    })
    .partial()
    .optional(),
  slaWarningHours: z
    .number()
    .min(0)
    .max(24 * 30)
    .optional(),
  autoCreateIncidents: z.boolean().optional(),
  blockPromotionsOnActiveDrift: z.boolean().optional(),
  blockPromotionsOnExpiredIncidents: z.boolean().optional(),
  checkDevEnvironments: z.boolean().optional(),
  severityByClass: z
    .strictObject({ dev: severity, staging: severity, production: severity })
    .partial()
    .optional(),
  ignoreDifferences: z
    .array(
      z.strictObject({
        workflow: z.string().min(1).max(200).optional(),
        jsonPointers: z
          .array(
            z
              .string()
              .max(500)
              .regex(
                /^(\/[^/]*)+$/,
                'a JSON pointer such as /settings/timezone',
              ),
          )
          .min(1)
          .max(50),
      }),
    )
    .max(100)
    .optional(),
  approvals: z
    .strictObject({
      actions: z.array(z.enum(INCIDENT_ACTIONS)).max(5),
      approvers: z.array(z.string().min(1).max(200)).max(50),
      requiredApprovals: z.number().int().min(1).max(20).default(1),
    })
    .optional(),
  retention: z
    .strictObject({
      closedIncidentDays: z.number().int().min(1).max(3650),
      checkDays: z.number().int().min(1).max(3650),
    })
    .partial()
    .optional(),
});
export type DriftPolicyInput = z.infer<typeof driftPolicySchema>;

function merged(base: DriftPolicy, input: DriftPolicyInput): DriftPolicy {
  return {
    ...base,
    ...input,
    ttlHours: { ...base.ttlHours, ...input.ttlHours },
    severityByClass: { ...base.severityByClass, ...input.severityByClass },
    approvals: { ...base.approvals, ...input.approvals },
    retention: { ...base.retention, ...input.retention },
    ignoreDifferences: input.ignoreDifferences ?? base.ignoreDifferences,
  };
}

/** Drift policies per tenant; a tenant without one has the PRD's defaults. */
export class DriftPolicies {
  constructor(private readonly db: Knex) {}

  async get(tenant: string): Promise<DriftPolicy> {
    const row = await this.db('drift_policies').where({ tenant }).first();
    return row
      ? merged(DEFAULT_DRIFT_POLICY, JSON.parse(row.policy))
      : DEFAULT_DRIFT_POLICY;
  }

  /** Merges `input` into the current policy; returns before and after. */
  async save(tenant: string, input: DriftPolicyInput, actor: string) {
    const before = await this.get(tenant);
    const after = merged(before, input);
    await this.db('drift_policies')
      .insert({
        tenant,
        policy: JSON.stringify(after),
        updated_by: actor,
        updated_at: new Date(),
      })
      .onConflict('tenant')
      .merge(['policy', 'updated_by', 'updated_at']);
    return { before, after };
  }

  /** Tenants with a policy of their own (for retention). */
  async tenants(): Promise<string[]> {
    return (await this.db('drift_policies').select('tenant')).map(
      r => r.tenant,
    );
  }
}
