/** Lookups over the model, built once per model: by key (first declaration wins). */
import type {
  AccessRoleModel,
  CustomRoleModel,
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
