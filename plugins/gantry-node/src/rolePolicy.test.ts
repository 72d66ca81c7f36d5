import { ConfigReader } from '@backstage/config';
import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
import {
  gantryAdminPermission,
  gantryApprovalDecidePermission,
  gantryAuditReadPermission,
  gantryReadPermission,
  gantryRunCancelPermission,
  gantryRunCreatePermission,
} from '@internal/plugin-gantry-common';
import { GantryRolePolicy } from './rolePolicy';

function userOwning(...ownershipEntityRefs: string[]): PolicyQueryUser {
  const userEntityRef = ownershipEntityRefs[0];
  return {
    token: 'token',
    identity: { type: 'user', userEntityRef, ownershipEntityRefs },
    credentials: {
      $$type: '@backstage/BackstageCredentials',
      principal: { type: 'user', userEntityRef },
    },
    info: { userEntityRef, ownershipEntityRefs },
  } as PolicyQueryUser;
}

const catalogDelete = createPermission({
  name: 'catalog.entity.delete',
  attributes: { action: 'delete' },
});

// the catalog says: carl is in checkout-team, below the acme tenant
const membership = async (user: string) =>
  user === 'user:default/carl'
    ? {
        user,
        groups: ['group:default/acme', 'group:default/checkout-team'],
        tenants: ['group:default/acme'],
      }
    : { user, groups: [], tenants: [] };

describe('GantryRolePolicy', () => {
  const policy = GantryRolePolicy.fromConfig(
    new ConfigReader({
      gantry: {
        permissions: {
          roles: {
            admin: ['group:default/platform-admins'],
            developer: ['group:default/acme'],
          },
          defaultRole: 'viewer',
        },
      },
    }),
    membership,
  );
  const admin = userOwning('user:default/ada', 'group:default/platform-admins');
  const developer = userOwning('user:default/carl');
  const viewer = userOwning('user:default/vic');

  it('lets admins do everything', async () => {
    for (const permission of [
      gantryReadPermission,
      gantryRunCreatePermission,
      gantryAdminPermission,
      gantryAuditReadPermission,
      catalogDelete,
    ]) {
      expect(await policy.handle({ permission }, admin)).toEqual({
        result: AuthorizeResult.ALLOW,
      });
    }
  });

  it('makes a member of a listed tenant a developer: runs yes, policies no', async () => {
    expect(
      await policy.handle({ permission: gantryRunCreatePermission }, developer),
    ).toEqual({ result: AuthorizeResult.ALLOW });
    for (const permission of [
      gantryAdminPermission,
      gantryAuditReadPermission,
    ]) {
      expect(await policy.handle({ permission }, developer)).toEqual({
        result: AuthorizeResult.DENY,
      });
    }
    // cancelling is narrowed to the developer's tenants
    expect(
      await policy.handle({ permission: gantryRunCancelPermission }, developer),
    ).toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'gantry',
      resourceType: 'gantry-run',
      conditions: {
        rule: 'IS_TENANT_MEMBER',
        params: { tenants: ['group:default/acme'] },
      },
    });
    // deciding is narrowed to approvals naming the developer or their groups
    expect(
      await policy.handle(
        { permission: gantryApprovalDecidePermission },
        developer,
      ),
    ).toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
      conditions: { rule: 'IS_APPROVER' },
    });
  });

  it('lets viewers read and nothing else', async () => {
    expect(
      await policy.handle({ permission: gantryReadPermission }, viewer),
    ).toEqual({ result: AuthorizeResult.ALLOW });
    for (const permission of [
      gantryRunCreatePermission,
      gantryApprovalDecidePermission,
      gantryRunCancelPermission,
      catalogDelete,
    ]) {
      expect(await policy.handle({ permission }, viewer)).toEqual({
        result: AuthorizeResult.DENY,
      });
    }
  });

  it('denies everything when there is no user at all', async () => {
    expect(await policy.handle({ permission: gantryReadPermission })).toEqual({
      result: AuthorizeResult.DENY,
    });
  });

  it('falls back to the platform-admins group when config names nobody', async () => {
    const defaults = GantryRolePolicy.fromConfig(new ConfigReader({}));
    expect(
      await defaults.handle({ permission: gantryAdminPermission }, admin),
    ).toEqual({ result: AuthorizeResult.ALLOW });
    expect(
      await defaults.handle({ permission: gantryRunCreatePermission }, viewer),
    ).toEqual({ result: AuthorizeResult.DENY });
  });
});
