import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { isReadOnlyPermission } from '@internal/plugin-gantry-common';

/** Who counts as a platform admin when config names nobody. */
export const DEFAULT_ADMIN_REFS = ['group:default/platform-admins'];

/**
 * Gantry's starting policy: platform admins may do everything, everyone else
 * may read. A user is an admin when one of their ownership refs (themselves
 * and their groups) is listed under `gantry.permissions.adminRefs`.
 * The tenancy issue refines this with tenant, owner and approver rules.
 */
export class AdminsWriteOthersReadPolicy implements PermissionPolicy {
  private readonly adminRefs: Set<string>;

  constructor(adminRefs: string[]) {
    this.adminRefs = new Set(adminRefs.map(ref => ref.toLocaleLowerCase()));
  }

  static fromConfig(config: Config): AdminsWriteOthersReadPolicy {
    return new AdminsWriteOthersReadPolicy(
      config.getOptionalStringArray('gantry.permissions.adminRefs') ??
        DEFAULT_ADMIN_REFS,
    );
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (this.isAdmin(user)) {
      return { result: AuthorizeResult.ALLOW };
    }
    return {
      result: isReadOnlyPermission(request.permission)
        ? AuthorizeResult.ALLOW
        : AuthorizeResult.DENY,
    };
  }

  private isAdmin(user?: PolicyQueryUser): boolean {
    return (user?.info.ownershipEntityRefs ?? []).some(ref =>
      this.adminRefs.has(ref.toLocaleLowerCase()),
    );
  }
}

export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'gantry-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint, config: coreServices.rootConfig },
      async init({ policy, config }) {
        policy.setPolicy(AdminsWriteOthersReadPolicy.fromConfig(config));
      },
    });
  },
});
