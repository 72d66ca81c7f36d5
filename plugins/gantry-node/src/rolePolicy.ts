import { Config } from '@backstage/config';
import {
  AuthorizeResult,
  isPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  gantryApprovalDecidePermission,
  gantryEventCreatePermission,
  gantryPromotionCreatePermission,
  gantryReadPermission,
  gantryRunCancelPermission,
  gantryRunCreatePermission,
  gantryRunRetryPermission,
  isReadOnlyPermission,
} from '@internal/plugin-gantry-common';
import {
  createGantryApprovalConditionalDecision,
  createGantryRunConditionalDecision,
  gantryApprovalConditions,
  gantryRunConditions,
} from './permissions';
import { TenantMembership } from './tenancy';

export type GantryRole = 'viewer' | 'developer' | 'admin';
const RANK: Record<GantryRole | 'none', number> = {
  none: 0,
  viewer: 1,
  developer: 2,
  admin: 3,
};

/** Who counts as a platform admin when config names nobody. */
export const DEFAULT_ADMIN_REFS = ['group:default/platform-admins'];

export interface RolePolicyOptions {
  /** Entity refs (users or groups, tenants included) holding each role. */
  roles: Partial<Record<GantryRole, string[]>>;
  /** The role of a signed-in user who matches no list. */
  defaultRole: GantryRole | 'none';
  /** Resolves a user's groups and tenants through the catalog. */
  membership?: (userRef: string) => Promise<TenantMembership>;
}

/**
 * Gantry's sample role policy (see docs/platform-team.md):
 *
 * - viewer: reads Gantry and the catalog, changes nothing;
 * - developer: also starts runs and deployments, posts platform events,
 *   cancels and retries the runs
 *   of their tenants, decides approvals that name them or their groups, and
 *   uses the rest of the portal (templates, catalog);
 * - admin: everything, in every tenant, including managing providers,
 *   environments, pipelines, drift policies, hooks and reading the audit log.
 *
 * A user holds the highest role whose list names them, one of their groups
 * or a group above them (so listing a tenant covers all its teams).
 */
export class GantryRolePolicy implements PermissionPolicy {
  private readonly roles: Array<[GantryRole, Set<string>]>;

  constructor(private readonly options: RolePolicyOptions) {
    this.roles = (['admin', 'developer', 'viewer'] as GantryRole[]).map(
      role => [
        role,
        new Set((options.roles[role] ?? []).map(r => r.toLocaleLowerCase())),
      ],
    );
  }

  static fromConfig(
    config: Config,
    membership?: RolePolicyOptions['membership'],
  ): GantryRolePolicy {
    const permissions = config.getOptionalConfig('gantry.permissions');
    return new GantryRolePolicy({
      roles: {
        admin: permissions?.getOptionalStringArray('roles.admin') ??
          permissions?.getOptionalStringArray('adminRefs') ?? [
            ...DEFAULT_ADMIN_REFS,
          ],
        developer: permissions?.getOptionalStringArray('roles.developer'),
        viewer: permissions?.getOptionalStringArray('roles.viewer'),
      },
      defaultRole: (permissions?.getOptionalString('defaultRole') ??
        'viewer') as GantryRole | 'none',
      membership,
    });
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { role, membership, claims } = await this.roleOf(user);
    const permission = request.permission;
    const allow = { result: AuthorizeResult.ALLOW } as const;
    const deny = { result: AuthorizeResult.DENY } as const;
    if (role === 'admin') return allow;
    if (role === 'none') return deny;
    if (!permission.name.startsWith('gantry.')) {
      // the rest of the portal: developers use it, viewers read it
      return role === 'developer' || isReadOnlyPermission(permission)
        ? allow
        : deny;
    }
    if (isPermission(permission, gantryReadPermission)) return allow;
    if (role !== 'developer') return deny;
    if (
      isPermission(permission, gantryRunCreatePermission) ||
      isPermission(permission, gantryPromotionCreatePermission) ||
      isPermission(permission, gantryEventCreatePermission)
    ) {
      return allow;
    }
    if (
      isPermission(permission, gantryRunCancelPermission) ||
      isPermission(permission, gantryRunRetryPermission)
    ) {
      return createGantryRunConditionalDecision(
        permission,
        gantryRunConditions.isTenantMember({
          tenants: membership?.tenants ?? [],
        }),
      );
    }
    if (isPermission(permission, gantryApprovalDecidePermission)) {
      return createGantryApprovalConditionalDecision(
        permission,
        gantryApprovalConditions.isApprover({ claims }),
      );
    }
    // managing providers, environments, pipelines, drift, hooks, notifications; the audit log
    return deny;
  }

  private async roleOf(user?: PolicyQueryUser) {
    const userRef = user?.info.userEntityRef;
    if (!userRef) return { role: 'none' as const, claims: [] };
    const membership = await this.options
      .membership?.(userRef)
      .catch(() => undefined);
    const claims = [
      ...new Set(
        [
          userRef,
          ...user.info.ownershipEntityRefs,
          ...(membership?.groups ?? []),
        ].map(r => r.toLocaleLowerCase()),
      ),
    ];
    let role: GantryRole | 'none' = this.options.defaultRole;
    for (const [candidate, refs] of this.roles) {
      if (RANK[candidate] > RANK[role] && claims.some(c => refs.has(c))) {
        role = candidate;
      }
    }
    return { role, membership, claims };
  }
}
