import {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { gantryAdminPermission } from '@internal/plugin-gantry-common';
import { CatalogTenantResolver } from '@internal/plugin-gantry-node';
import { Request } from 'express';

/** Who is calling, as every Gantry route sees it. */
export interface Caller {
  credentials: BackstageCredentials;
  /** Entity ref of the user, or the service subject. */
  ref: string;
  /** The user's ref and the refs of every group they are in (or above). */
  claims: string[];
  /** Tenants the caller belongs to. */
  tenants: string[];
  /** Services (static tokens) may act in every tenant. */
  allTenants: boolean;
}

/** Normalises `acme` and `group:default/acme` to the same tenant ref. */
export function tenantRef(value: string): string {
  try {
    return stringifyEntityRef(
      parseEntityRef(value, {
        defaultKind: 'group',
        defaultNamespace: 'default',
      }),
    ).toLocaleLowerCase('en-US');
  } catch {
    throw new InputError(`tenant '${value}' is not a group reference`);
  }
}

const isUser = (caller: Caller) =>
  (caller.credentials.principal as { type: string }).type === 'user';

/**
 * Scopes every request to one tenant and checks its permission.
 *
 * A tenant is a catalog Group with `spec.type: tenant`; a user acts in the
 * tenant named by the request or, when none is named, in their only tenant.
 * A user outside a tenant gets 404 for its objects (as if they did not
 * exist) and 403 for acting in it, so nothing leaks. Platform admins
 * (`gantry.admin`) may act in every tenant; users without a tenant, like the
 * local guest, fall back to `gantry.defaultTenant`.
 */
export class TenancyService {
  constructor(
    private readonly options: {
      httpAuth: HttpAuthService;
      permissions: PermissionsService;
      userInfo: UserInfoService;
      resolver: CatalogTenantResolver;
      defaultTenant?: string;
      /** Service subjects (static tokens) and the tenants they act in; `*` for all. */
      serviceTenants?: Record<string, string[]>;
    },
  ) {}

  /** Authenticates the request and resolves the caller's groups and tenants. */
  async caller(req: Request): Promise<Caller> {
    const credentials = await this.options.httpAuth.credentials(req);
    const principal = credentials.principal as {
      type: string;
      userEntityRef?: string;
      subject?: string;
    };
    if (principal.type === 'user' && principal.userEntityRef) {
      const [membership, info] = await Promise.all([
        this.options.resolver.membership(principal.userEntityRef),
        this.options.userInfo
          .getUserInfo(credentials as BackstageCredentials<any>)
          .catch(() => ({ ownershipEntityRefs: [] as string[] })),
      ]);
      const claims = new Set(
        [
          principal.userEntityRef,
          ...membership.groups,
          ...info.ownershipEntityRefs,
        ].map(r => r.toLocaleLowerCase('en-US')),
      );
      return {
        credentials,
        ref: principal.userEntityRef,
        claims: [...claims],
        tenants: membership.tenants,
        allTenants: false,
      };
    }
    const subject = principal.subject ?? principal.type;
    const granted = this.options.serviceTenants?.[subject] ?? [];
    return {
      credentials,
      ref: subject,
      claims: [subject],
      tenants: granted.filter(t => t !== '*').map(tenantRef),
      allTenants: granted.includes('*'),
    };
  }

  /** True when the caller may see and act on objects of `tenant`. */
  async mayAccess(caller: Caller, tenant: string): Promise<boolean> {
    const ref = tenant.toLocaleLowerCase('en-US');
    if (caller.allTenants || caller.tenants.includes(ref)) return true;
    return this.isAdmin(caller);
  }

  /** The tenant a request acts in: the one it names, or the caller's own. */
  async tenantFor(caller: Caller, requested?: string): Promise<string> {
    if (requested) {
      const ref = tenantRef(requested);
      if (!(await this.mayAccess(caller, ref))) {
        throw new NotAllowedError(`you are not a member of tenant ${ref}`);
      }
      return ref;
    }
    if (caller.tenants.length === 1) return caller.tenants[0];
    if (caller.tenants.length > 1) {
      throw new InputError(
        `you belong to several tenants (${caller.tenants.join(
          ', ',
        )}); say which one with ?tenant=`,
      );
    }
    if (
      this.options.defaultTenant &&
      (caller.allTenants || (await this.isAdmin(caller)))
    ) {
      return tenantRef(this.options.defaultTenant);
    }
    throw new NotAllowedError(
      isUser(caller)
        ? `${caller.ref} belongs to no tenant: ask a platform admin to add you to a team of one`
        : `service ${caller.ref} may act in no tenant: list it under gantry.tenancy.serviceTenants`,
    );
  }

  /**
   * Loads an object and returns it only when the caller may see its tenant;
   * otherwise 404 with the same message as for a missing object.
   */
  async visible<T extends { tenant: string }>(
    caller: Caller,
    what: string,
    load: () => Promise<T | undefined>,
  ): Promise<T> {
    const found = await load();
    if (!found || !(await this.mayAccess(caller, found.tenant))) {
      throw new NotFoundError(`${what} does not exist`);
    }
    return found;
  }

  /** Authenticates the caller and checks a basic permission; 403 when denied. */
  async authorize(
    req: Request,
    permission: BasicPermission | ResourcePermission,
  ): Promise<Caller> {
    const caller = await this.caller(req);
    const [decision] = await this.options.permissions.authorize(
      [{ permission } as any],
      { credentials: caller.credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`you are not allowed to ${permission.name}`);
    }
    return caller;
  }

  /**
   * Checks a resource permission on one object. Conditional decisions (tenant
   * member, owner, approver) are applied by the permission framework to the
   * object as the plugin's registered resource loader sees it.
   */
  async authorizeResource(
    caller: Caller,
    permission: ResourcePermission,
    resourceRef: string,
  ): Promise<void> {
    const [decision] = await this.options.permissions.authorize(
      [{ permission, resourceRef }],
      { credentials: caller.credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`you are not allowed to ${permission.name}`);
    }
  }

  /** Platform admins are users holding `gantry.admin`; services get tenants from config. */
  async isAdmin(caller: Caller): Promise<boolean> {
    if (!isUser(caller)) return false;
    const [decision] = await this.options.permissions.authorize(
      [{ permission: gantryAdminPermission }],
      { credentials: caller.credentials },
    );
    return decision.result === AuthorizeResult.ALLOW;
  }
}
