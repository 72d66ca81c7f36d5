import {
  createPermission,
  isResourcePermission,
  Permission,
} from '@backstage/plugin-permission-common';

/** Resource type of Gantry workflow runs; rules (tenant, owner) refine it later. */
export const GANTRY_RUN_RESOURCE_TYPE = 'gantry-run';

/** Read Gantry data: providers, runs, environments, audit. */
export const gantryReadPermission = createPermission({
  name: 'gantry.read',
  attributes: { action: 'read' },
});

/** Start a workflow run (a basic permission: the run does not exist yet). */
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

/** Approve or deny an approval. */
export const gantryApprovalDecidePermission = createPermission({
  name: 'gantry.approval.decide',
  attributes: { action: 'update' },
});

/** Administer Gantry: policies, security profiles, environments, pipelines. */
export const gantryAdminPermission = createPermission({
  name: 'gantry.admin',
  attributes: { action: 'update' },
});

/** Every permission Gantry defines, for registration with the permission framework. */
export const gantryPermissions: Permission[] = [
  gantryReadPermission,
  gantryRunCreatePermission,
  gantryRunCancelPermission,
  gantryApprovalDecidePermission,
  gantryAdminPermission,
];

/** True when a permission only reads data (no attribute action, or `read`). */
export function isReadOnlyPermission(permission: Permission): boolean {
  const action = permission.attributes.action;
  return action === undefined || action === 'read';
}

export { isResourcePermission };
