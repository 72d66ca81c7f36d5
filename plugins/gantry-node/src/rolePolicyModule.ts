import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { GantryRolePolicy } from './rolePolicy';
import { CatalogTenantResolver } from './tenancy';

/**
 * Installs Gantry's sample role policy (viewer / developer / admin from
 * `gantry.permissions.roles`) instead of allow-all; users' groups and
 * tenants come from the catalog.
 */
export const gantryRolePolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'gantry-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        config: coreServices.rootConfig,
        catalog: catalogServiceRef,
        auth: coreServices.auth,
      },
      async init({ policy, config, catalog, auth }) {
        const resolver = new CatalogTenantResolver({ catalog, auth });
        policy.setPolicy(
          GantryRolePolicy.fromConfig(config, ref => resolver.membership(ref)),
        );
      },
    });
  },
});
