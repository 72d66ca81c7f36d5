import {
  GANTRY_APPROVAL_RESOURCE_TYPE,
  GANTRY_RUN_RESOURCE_TYPE,
} from '@internal/plugin-gantry-common';
import {
  createConditionExports,
  createPermissionResourceRef,
  createPermissionRule,
  PermissionResourceRef,
} from '@backstage/plugin-permission-node';
import { z } from 'zod';

/**
 * What permission rules see of a Gantry object: its tenant, who owns it
 * (the user who started a run, the group owning an application) and who may
 * approve it.
 */
export interface GantryPermissionResource {
  tenant: string;
  owners: string[];
  approvers: string[];
}

/** Query form of the rules, for filtering lists in the database. */
export type GantryPermissionQuery = {
  field: 'tenant' | 'owners' | 'approvers';
  values: string[];
};

export const gantryRunResourceRef = createPermissionResourceRef<
  GantryPermissionResource,
  GantryPermissionQuery
>().with({ pluginId: 'gantry', resourceType: GANTRY_RUN_RESOURCE_TYPE });

export const gantryApprovalResourceRef = createPermissionResourceRef<
  GantryPermissionResource,
  GantryPermissionQuery
>().with({ pluginId: 'gantry', resourceType: GANTRY_APPROVAL_RESOURCE_TYPE });

const lower = (values: string[]) =>
  values.map(v => v.toLocaleLowerCase('en-US'));
const intersects = (a: string[], b: string[]) => {
  const set = new Set(lower(a));
  return lower(b).some(v => set.has(v));
};

function rulesFor<TType extends string>(
  resourceRef: PermissionResourceRef<
    GantryPermissionResource,
    GantryPermissionQuery,
    TType
  >,
) {
  return {
    isTenantMember: createPermissionRule({
      name: 'IS_TENANT_MEMBER',
      description: 'Allow objects of the tenants the user belongs to',
      resourceRef,
      paramsSchema: z.object({
        tenants: z.array(z.string()).describe('Tenant entity refs'),
      }),
      apply: (resource, { tenants }) => intersects(tenants, [resource.tenant]),
      toQuery: ({ tenants }) => ({ field: 'tenant', values: tenants }),
    }),
    isOwner: createPermissionRule({
      name: 'IS_OWNER',
      description:
        'Allow objects owned by the user or one of their groups (ownership claims)',
      resourceRef,
      paramsSchema: z.object({
        claims: z.array(z.string()).describe('User and group entity refs'),
      }),
      apply: (resource, { claims }) => intersects(claims, resource.owners),
      toQuery: ({ claims }) => ({ field: 'owners', values: claims }),
    }),
    isApprover: createPermissionRule({
      name: 'IS_APPROVER',
      description: 'Allow objects the user or one of their groups may approve',
      resourceRef,
      paramsSchema: z.object({
        claims: z.array(z.string()).describe('User and group entity refs'),
      }),
      apply: (resource, { claims }) => intersects(claims, resource.approvers),
      toQuery: ({ claims }) => ({ field: 'approvers', values: claims }),
    }),
  };
}

/** Rules and condition factories for policies: `gantryRunConditions.isTenantMember({ tenants })`. */
export const gantryRunRules = rulesFor(gantryRunResourceRef);
export const {
  conditions: gantryRunConditions,
  createConditionalDecision: createGantryRunConditionalDecision,
} = createConditionExports({
  resourceRef: gantryRunResourceRef,
  rules: gantryRunRules,
});

export const gantryApprovalRules = rulesFor(gantryApprovalResourceRef);
export const {
  conditions: gantryApprovalConditions,
  createConditionalDecision: createGantryApprovalConditionalDecision,
} = createConditionExports({
  resourceRef: gantryApprovalResourceRef,
  rules: gantryApprovalRules,
});
