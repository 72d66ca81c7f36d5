import { AuthService } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';

/** Where a user stands in the organisation, as Gantry's tenancy sees it. */
export interface TenantMembership {
  /** The user's entity ref. */
  user: string;
  /** The groups the user is in, directly or through a parent group. */
  groups: string[];
  /** The tenants above those groups (Groups with `spec.type: tenant`). */
  tenants: string[];
}

interface GroupNode {
  ref: string;
  type?: string;
  parent?: string;
  members: string[];
}

const GROUP_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'spec.type',
  'spec.parent',
  'spec.children',
  'spec.members',
  'relations',
];

function refOf(value: string, kind: string, namespace = 'default'): string {
  return stringifyEntityRef(
    parseEntityRef(value, { defaultKind: kind, defaultNamespace: namespace }),
  ).toLocaleLowerCase('en-US');
}

function relationTargets(entity: Entity, type: string): string[] {
  return (entity.relations ?? [])
    .filter(r => r.type === type)
    .map(r => r.targetRef.toLocaleLowerCase('en-US'));
}

/**
 * Resolves users to their tenants through the catalog: a tenant is a Group
 * with `spec.type: tenant`, teams are Groups below it, and a user belongs to
 * the tenants above their groups. The group tree and each user's membership
 * are cached for `cacheTtlMs` (default 30 s), so a changed catalog shows up
 * shortly without a catalog round trip on every request.
 *
 * Both the Gantry backend (to scope every request to a tenant) and the
 * permission policy (to parameterise the `isTenantMember` rule) use it.
 */
export class CatalogTenantResolver {
  private readonly ttlMs: number;
  private groups?: { at: number; value: Promise<Map<string, GroupNode>> };
  private readonly users = new Map<
    string,
    { at: number; value: Promise<TenantMembership> }
  >();

  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      cacheTtlMs?: number;
    },
  ) {
    this.ttlMs = options.cacheTtlMs ?? 30_000;
  }

  /** The membership of a user entity ref; unknown users belong nowhere. */
  async membership(userRef: string): Promise<TenantMembership> {
    const key = refOf(userRef, 'user');
    const cached = this.users.get(key);
    if (cached && Date.now() - cached.at < this.ttlMs) return cached.value;
    const value = this.loadMembership(key);
    this.users.set(key, { at: Date.now(), value });
    value.catch(() => this.users.delete(key));
    return value;
  }

  /** Every tenant in the catalog. */
  async allTenants(): Promise<string[]> {
    const groups = await this.groupTree();
    return [...groups.values()]
      .filter(g => g.type === 'tenant')
      .map(g => g.ref)
      .sort();
  }

  /** Forgets cached answers (after a catalog change the caller knows of). */
  clear(): void {
    this.groups = undefined;
    this.users.clear();
  }

  private async credentials() {
    return { credentials: await this.options.auth.getOwnServiceCredentials() };
  }

  private async groupTree(): Promise<Map<string, GroupNode>> {
    if (this.groups && Date.now() - this.groups.at < this.ttlMs) {
      return this.groups.value;
    }
    const value = this.loadGroups();
    this.groups = { at: Date.now(), value };
    value.catch(() => {
      this.groups = undefined;
    });
    return value;
  }

  private async loadGroups(): Promise<Map<string, GroupNode>> {
    const { items } = await this.options.catalog.getEntities(
      { filter: { kind: 'Group' }, fields: GROUP_FIELDS },
      await this.credentials(),
    );
    const nodes = new Map<string, GroupNode>();
    for (const entity of items) {
      const namespace = entity.metadata.namespace ?? 'default';
      const ref = refOf(entity.metadata.name, 'group', namespace);
      const spec = (entity.spec ?? {}) as {
        type?: string;
        parent?: string;
        members?: string[];
      };
      nodes.set(ref, {
        ref,
        type: spec.type,
        parent:
          (spec.parent && refOf(spec.parent, 'group', namespace)) ??
          relationTargets(entity, 'childOf')[0],
        members: [
          ...(spec.members ?? []).map(m => refOf(m, 'user', namespace)),
          ...relationTargets(entity, 'hasMember'),
        ],
      });
    }
    // a parent may declare its children instead of the child its parent
    for (const entity of items) {
      const namespace = entity.metadata.namespace ?? 'default';
      const parent = refOf(entity.metadata.name, 'group', namespace);
      for (const child of ((entity.spec?.children ?? []) as string[]).map(c =>
        refOf(c, 'group', namespace),
      )) {
        const node = nodes.get(child);
        if (node && !node.parent) node.parent = parent;
      }
    }
    return nodes;
  }

  private async loadMembership(user: string): Promise<TenantMembership> {
    const [groups, entity] = await Promise.all([
      this.groupTree(),
      this.options.catalog.getEntityByRef(user, await this.credentials()),
    ]);
    const direct = new Set<string>();
    if (entity) {
      const namespace = entity.metadata.namespace ?? 'default';
      for (const g of (entity.spec?.memberOf ?? []) as string[]) {
        direct.add(refOf(g, 'group', namespace));
      }
      relationTargets(entity, 'memberOf').forEach(g => direct.add(g));
    }
    for (const group of groups.values()) {
      if (group.members.includes(user)) direct.add(group.ref);
    }
    const all = new Set<string>();
    for (const start of direct) {
      // walk up to the root; the set also stops a cyclic parent chain
      for (
        let ref: string | undefined = start;
        ref && !all.has(ref);
        ref = groups.get(ref)?.parent
      ) {
        all.add(ref);
      }
    }
    const list = [...all].sort();
    return {
      user,
      groups: list,
      tenants: list.filter(ref => groups.get(ref)?.type === 'tenant'),
    };
  }
}
