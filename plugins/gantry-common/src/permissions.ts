import {
  createPermission,
  isResourcePermission,
  Permission,
} from '@backstage/plugin-permission-common';

/**
 * Resource types Gantry registers with the permission framework. Each
 * resource carries its tenant, so policies can narrow a permission with the
 * rules `isTenantMember`, `isOwner` and `isApprover` (see the backend's
 * `permissions/rules.ts`).
 */
export const GANTRY_RUN_RESOURCE_TYPE = 'gantry-run';
export const GANTRY_APPROVAL_RESOURCE_TYPE = 'gantry-approval';

/** Read Gantry data of the caller's tenant: providers, runs, applications, approvals. */
export const gantryReadPermission = createPermission({
  name: 'gantry.read',
  attributes: { action: 'read' },
});

/** Start a workflow run or a Score deployment (a basic permission: the run does not exist yet). */
export const gantryRunCreatePermission = createPermission({
  name: 'gantry.run.create',
  attributes: { action: 'create' },
});

/** Cancel a workflow run. */
export const gantryRunCancelPermission = createPermission({
  name: 'gantry.run.cancel',
  attributes: { action: 'update' },
  resourceType: GANTRY_RUN_RESOURCE_TYPE,
});

/** Retry a failed workflow run. */
export const gantryRunRetryPermission = createPermission({
  name: 'gantry.run.retry',
  attributes: { action: 'update' },
  resourceType: GANTRY_RUN_RESOURCE_TYPE,
});

/** Approve or deny an approval request. */
export const gantryApprovalDecidePermission = createPermission({
  name: 'gantry.approval.decide',
  attributes: { action: 'update' },
  resourceType: GANTRY_APPROVAL_RESOURCE_TYPE,
});

/** Register provider sources and refresh providers. */
export const gantryProviderManagePermission = createPermission({
  name: 'gantry.provider.manage',
  attributes: { action: 'update' },
});

/** Manage environments and their connections. */
export const gantryEnvironmentManagePermission = createPermission({
  name: 'gantry.environment.manage',
  attributes: { action: 'update' },
});

/** Manage promotion pipelines. */
export const gantryPipelineManagePermission = createPermission({
  name: 'gantry.pipeline.manage',
  attributes: { action: 'update' },
});

/** Start (and cancel) promotions through a pipeline; approvals guard the stages. */
export const gantryPromotionCreatePermission = createPermission({
  name: 'gantry.promotion.create',
  attributes: { action: 'create' },
});

/** Manage drift policies and incidents. */
export const gantryDriftManagePermission = createPermission({
  name: 'gantry.drift.manage',
  attributes: { action: 'update' },
});

/** Manage event hooks. */
export const gantryHookManagePermission = createPermission({
  name: 'gantry.hook.manage',
  attributes: { action: 'update' },
});

/** Manage a tenant's notification channels and rules. */
export const gantryNotificationManagePermission = createPermission({
  name: 'gantry.notification.manage',
  attributes: { action: 'update' },
});

/** Post platform events (`POST /events`) that tenants' hooks react to. */
export const gantryEventCreatePermission = createPermission({
  name: 'gantry.event.create',
  attributes: { action: 'create' },
});

/** Administer Gantry: policies, security profiles, tenants' settings. */
export const gantryAdminPermission = createPermission({
  name: 'gantry.admin',
  attributes: { action: 'update' },
});

/** Read the audit log. */
export const gantryAuditReadPermission = createPermission({
  name: 'gantry.audit.read',
  attributes: { action: 'read' },
});

/** Every permission Gantry defines, for registration with the permission framework. */
export const gantryPermissions: Permission[] = [
  gantryReadPermission,
  gantryRunCreatePermission,
  gantryRunCancelPermission,
  gantryRunRetryPermission,
  gantryApprovalDecidePermission,
  gantryProviderManagePermission,
  gantryEnvironmentManagePermission,
  gantryPipelineManagePermission,
  gantryPromotionCreatePermission,
  gantryEventCreatePermission,
  gantryDriftManagePermission,
  gantryHookManagePermission,
  gantryNotificationManagePermission,
  gantryAdminPermission,
  gantryAuditReadPermission,
];

/** Permissions only platform admins hold in the sample role policy. */
export const gantryManagePermissions: Permission[] = [
  gantryProviderManagePermission,
  gantryEnvironmentManagePermission,
  gantryPipelineManagePermission,
  gantryDriftManagePermission,
  gantryHookManagePermission,
  gantryNotificationManagePermission,
  gantryAdminPermission,
  gantryAuditReadPermission,
];

/** True when a permission only reads data (no attribute action, or `read`). */
export function isReadOnlyPermission(permission: Permission): boolean {
  const action = permission.attributes.action;
  return action === undefined || action === 'read';
}

/** Parameters of the `isTenantMember` rule: the tenants the user belongs to. */
export interface TenantMemberParams {
  tenants: string[];
}

/** Parameters of the `isOwner` and `isApprover` rules: the user's ownership claims. */
export interface ClaimsParams {
  claims: string[];
}

export { isResourcePermission };
