import { ConfigReader } from '@backstage/config';
import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
import {
  gantryAdminPermission,
  gantryReadPermission,
  gantryRunCreatePermission,
} from '@internal/plugin-gantry-common';
import { AdminsWriteOthersReadPolicy } from './permissionPolicy';

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

describe('AdminsWriteOthersReadPolicy', () => {
  const policy = AdminsWriteOthersReadPolicy.fromConfig(
    new ConfigReader({
      gantry: { permissions: { adminRefs: ['group:default/platform-admins'] } },
    }),
  );
  const admin = userOwning('user:default/ada', 'group:default/platform-admins');
  const developer = userOwning(
    'user:default/dev',
    'group:default/checkout-team',
  );

  it('lets admins do everything', async () => {
    for (const permission of [
      gantryReadPermission,
      gantryRunCreatePermission,
      gantryAdminPermission,
      catalogDelete,
    ]) {
      expect(await policy.handle({ permission }, admin)).toEqual({
        result: AuthorizeResult.ALLOW,
      });
    }
  });

  it('lets everyone else read but not change anything', async () => {
    expect(
      await policy.handle({ permission: gantryReadPermission }, developer),
    ).toEqual({ result: AuthorizeResult.ALLOW });
    for (const permission of [
      gantryRunCreatePermission,
      gantryAdminPermission,
      catalogDelete,
    ]) {
      expect(await policy.handle({ permission }, developer)).toEqual({
        result: AuthorizeResult.DENY,
      });
    }
  });

  it('denies writes when there is no user at all', async () => {
    expect(await policy.handle({ permission: gantryAdminPermission })).toEqual({
      result: AuthorizeResult.DENY,
    });
  });

  it('falls back to the platform-admins group when config names nobody', async () => {
    const defaults = AdminsWriteOthersReadPolicy.fromConfig(
      new ConfigReader({}),
    );
    expect(
      await defaults.handle({ permission: gantryAdminPermission }, admin),
    ).toEqual({ result: AuthorizeResult.ALLOW });
  });
});
