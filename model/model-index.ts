/** Lookups over the model, built once per model: by key (first declaration wins), and each user's grants. */
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
 * Each user's grants, in declaration order, built on first use only (the policies do not need
 * it; explaining an admin of 2,000 namespaces asks 2,000 times).
 */
export function grantsByUser(model: OrgModel): ReadonlyMap<string, readonly GrantModel[]> {
  let byUser = grantCache.get(model);
  if (!byUser) {
    const m = new Map<string, GrantModel[]>();
    for (const g of model.grants) {
      const list = m.get(g.user);
      if (list) list.push(g);
      else m.set(g.user, [g]);
    }
    grantCache.set(model, (byUser = m));
  }
  return byUser;
}
