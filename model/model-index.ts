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

/** Whether a namespace's grants are in user order (a finalized model's are), known once per list. */
const byUser = new WeakMap<readonly GrantModel[], boolean>();

/**
 * One user's grants in one namespace, in model order: found by binary search in the namespace's
 * grants when they are in user order (a finalized model's are), else by a filter. Explaining
 * thousands of people in a namespace of 50,000 grants would otherwise read them all each time.
 */
export function grantsOfUserIn(model: OrgModel, namespace: string, user: string): readonly GrantModel[] {
  const grants = grantsIn(model, namespace);
  let sorted = byUser.get(grants);
  if (sorted === undefined) {
    sorted = grants.every((g, i) => i === 0 || grants[i - 1]!.user <= g.user);
    byUser.set(grants, sorted);
  }
  if (!sorted) return grants.filter((g) => g.user === user);
  let lo = 0;
  let hi = grants.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (grants[mid]!.user < user) lo = mid + 1;
    else hi = mid;
  }
  let end = lo;
  while (end < grants.length && grants[end]!.user === user) end++;
  return grants.slice(lo, end);
}
