/** What every org rule receives, and lookups over the model built once per model. */
import type {
  AccessRoleModel, CustomRoleModel, InviteModel, NamespaceModel, OrgModel, UserModel,
} from '../../constructs/model.ts';
import type { Finding } from '../findings.ts';

export interface PolicyContext {
  /** Today, YYYY-MM-DD: grants whose `expires` is before it have expired. */
  readonly today: string;
}

export interface OrgRule {
  readonly id: string;
  /** One line for the README and `orgctl check --list`. */
  readonly description: string;
  readonly check: (model: OrgModel, ctx: PolicyContext) => Finding[];
}

export interface ModelIndex {
  readonly users: ReadonlyMap<string, UserModel>;
  readonly namespaces: ReadonlyMap<string, NamespaceModel>;
  readonly roles: ReadonlyMap<string, AccessRoleModel>;
  readonly customRoles: ReadonlyMap<string, CustomRoleModel>;
  readonly pendingInvites: ReadonlyMap<string, InviteModel>;
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
      pendingInvites: firstBy(model.invites.filter((i) => i.state === 'pending'), (i) => i.key),
    };
    cache.set(model, ix);
  }
  return ix;
}

export const isAdmin = (model: OrgModel, userKey: string): boolean => indexOf(model).users.get(userKey)?.admin ?? false;

/** A grant's subject as findings name it. */
export const grantSubject = (user: string, namespace: string): string => `users/${user} → ${namespace}`;

/** `expires` is the last day the grant holds. */
export const isExpired = (expires: string | undefined, today: string): boolean => expires !== undefined && expires < today;
