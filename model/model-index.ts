/** Lookups over the model, built once per model: by key (first declaration wins), and each namespace's grants. */
import type {
  AccessRoleModel,
  CustomRoleModel,
  GrantModel,
  InviteModel,
  NamespaceModel,
  OrgModel,
  TokenModel,
  UserModel,
} from './model.ts';

interface ModelIndex {
  readonly users: ReadonlyMap<string, UserModel>;
  readonly namespaces: ReadonlyMap<string, NamespaceModel>;
  readonly roles: ReadonlyMap<string, AccessRoleModel>;
  readonly customRoles: ReadonlyMap<string, CustomRoleModel>;
  readonly pendingInvites: ReadonlyMap<string, InviteModel>;
  readonly tokens: ReadonlyMap<string, TokenModel>;
}

const firstBy = <T>(items: readonly T[], key: (t: T) => string): Map<string, T> => {
  const m = new Map<string, T>();
  for (const it of items) if (!m.has(key(it))) m.set(key(it), it);
  return m;
};

const cache = new WeakMap<OrgModel, ModelIndex>();

/** Lookups by key (first declaration wins; duplicates are `duplicate-*` findings). */
export function indexOf(model: OrgModel): ModelIndex {
  let ix = cache.get(model);
  if (!ix) {
    ix = {
      users: firstBy(model.users, (u) => u.key),
      namespaces: firstBy(model.namespaces, (n) => n.name),
      roles: firstBy(model.roles, (r) => r.name),
      customRoles: firstBy(model.customRoles, (r) => r.name),
      pendingInvites: firstBy(
        model.invites.filter((i) => i.state === 'pending'),
        (i) => i.key,
      ),
      tokens: firstBy(model.tokens, (t) => t.id),
    };
    cache.set(model, ix);
  }
  return ix;
}

const grantCache = new WeakMap<OrgModel, ReadonlyMap<string, readonly GrantModel[]>>();

/**
 * The grants in one namespace, in model order (by user, then declaration), grouped on first use
 * (the policies do not need it; explaining an admin of 2,000 namespaces asks 2,000 times). A
 * model's grants are sorted by namespace (finalizeModel), so each namespace's grants are one run,
 * found by comparing neighbours: grouping by user instead, a Map lookup per grant, cost 49 ms at
 * size L for the one warning synthesis traces to its grant. A list in another order is grouped all the same.
 */
export function grantsIn(model: OrgModel, namespace: string): readonly GrantModel[] {
  let byNamespace = grantCache.get(model);
  if (!byNamespace) {
    const m = new Map<string, GrantModel[]>();
    const grants = model.grants;
    for (let start = 0, end = 1; start < grants.length; start = end++) {
      const ns = grants[start]!.namespace;
      while (end < grants.length && grants[end]!.namespace === ns) end++;
      const before = m.get(ns);
      if (!before) m.set(ns, grants.slice(start, end));
      else for (let i = start; i < end; i++) before.push(grants[i]!); // out of order: a namespace met again
    }
    grantCache.set(model, (byNamespace = m));
  }
  return byNamespace.get(namespace) ?? [];
}
