/**
 * Synthesis judges its own output with the RBAC analysis, so that a custom role cannot
 * disguise what the catalog reserves: a non-admin user whose effective rules run pods (custom
 * resources that create pods included), exec, port-forward or proxy into pods and nodes, write
 * Secrets, take identities or escalate is `forbidden-grant`, and so is one who writes custom
 * resources orgctl does not know that the organization has not declared safe (a controller may make
 * pods from one); reading Secrets and the other classes are `risky-grant` warnings, one per role and
 * class. Tokens are made by admins and may hold namespace power; a token with cluster-wide power, or
 * custom rules that escalate, impersonate or write undeclared custom resources, is a `risky-grant` warning,
 * and so is anyone but an admin who may write a guard rail's kind where a namespace declares it.
 */
import { DEFAULT_NAMESPACE, tokenAccountName, usernameOf, type OrgModel, type UserModel } from '../../model/model.ts';
import { type Finding, sourceText } from '../../model/findings.ts';
import { Authorizer } from '../../analysis/authorizer.ts';
import { roleId } from '../../analysis/access.ts';
import { declarations } from '../../analysis/explain.ts';
import { orgRoleOf } from '../../analysis/org-roles.ts';
import {
  CLASS_BY_ID,
  classesOfRule,
  describeRule,
  probeHit,
  reservedForAdmins,
  firstUndeclared,
  SAFE_CLAIM,
  undeclaredForAdmins,
  type ClassId,
  type Scope,
} from '../../analysis/classes.ts';
import {
  isObj,
  isRbacObject,
  namespaceOfObject,
  readRbac,
  type BindingObject,
  type ManifestDoc,
  type RoleObject,
} from '../../analysis/objects.ts';
import { RAIL_KINDS, railDeclared, writesKind } from '../../analysis/guard-rails.ts';

interface RoleFacts {
  readonly classes: ReadonlyMap<ClassId, number>; // class → index of the first rule holding it
  /** The first rule (of a role holding no admin-only class) writing custom resources nobody declared safe, and those resources. */
  readonly undeclared?: { readonly rule: number; readonly writes: readonly string[] };
  /** Why a non-admin may not hold the role (`forbidden-grant`), when they may not: worked out once per role. */
  readonly refusedBecause?: string;
  /** Verbs escalate, bind or impersonate (any of its constrained forms) named (or `*`) by a rule of a custom role. */
  readonly customPower?: number;
  /** The classes a non-admin may hold with a warning (`risky-grant`), each with its first rule and its key among the warnings. */
  readonly risky: readonly { readonly cls: ClassId; readonly rule: number; readonly key: string }[];
}

function factsOf(role: RoleObject, model: OrgModel, scope: Scope): RoleFacts {
  const classes = new Map<ClassId, number>();
  role.rules.forEach((rule, i) => {
    for (const c of classesOfRule(rule, scope)) if (!classes.has(c)) classes.set(c, i);
  });
  // A role refused for its classes needs no second finding; otherwise the first rule writing undeclared custom resources.
  const reserved = [...classes].filter(([c]) => CLASS_BY_ID.get(c)!.severity === 'error');
  const first = reserved.length ? undefined : firstUndeclared(role.rules, model.safeCustomResources);
  const undeclared = first ? { undeclared: first } : {};
  const refusedBecause = reserved.length
    ? reservedForAdmins(
        reserved.map(([c]) => c),
        reserved[0]![1],
        role.rules[reserved[0]![1]]!,
        scope,
      )
    : first && undeclaredForAdmins(first.writes, first.rule, role.rules[first.rule]!);
  const custom = orgRoleOf(model.name, role.name).kind !== 'level';
  const power = custom
    ? role.rules.findIndex((r) =>
        // `impersonate` and constrained impersonation's impersonate:<mode> and impersonate-on:<mode>:<verb>
        r.verbs.some((v) => v === '*' || v === 'escalate' || v === 'bind' || v.startsWith('impersonate')),
      )
    : -1;
  const risky = [...classes]
    .filter(([c]) => CLASS_BY_ID.get(c)!.severity !== 'error')
    .map(([cls, rule]) => ({ cls, rule, key: `${roleId(role)}\u0000${cls}` }));
  return {
    classes,
    risky,
    ...undeclared,
    ...(refusedBecause ? { refusedBecause } : {}),
    ...(power >= 0 ? { customPower: power } : {}),
  };
}

/** Whether a role bound in a namespace gives the judge anything to say of its holders (a ClusterRoleBinding always may). */
const holdsJudged = (f: RoleFacts): boolean => f.classes.size > 0 || f.customPower !== undefined || !!f.undeclared;

/** Whether a role lets its holders write a guard rail's kind (railWriters names them where a namespace declares it). */
const writesRail = (role: RoleObject): boolean => RAIL_KINDS.some((rail) => writesKind(role.rules, rail));

/** A role of any kind, as readRbac reads one (rbac.authorization.k8s.io). */
const isRoleDocument = (o: unknown): boolean =>
  isRbacObject(o) && isObj(o) && (o.kind === 'Role' || o.kind === 'ClusterRole');

/**
 * The role a RoleBinding document is bound to, as readRbac and the Authorizer would resolve it (undefined:
 * none, so it grants nothing), without reading its subjects; `false` for any other document, or one
 * readRbac may read otherwise (a roleRef it refuses): read whole, as before.
 */
function boundRoleOf(o: unknown, roles: Authorizer): RoleObject | undefined | false {
  if (!isRbacObject(o) || !isObj(o) || o.kind !== 'RoleBinding') return false;
  const ref = o.roleRef;
  if (!isObj(ref) || (ref.kind !== 'Role' && ref.kind !== 'ClusterRole') || typeof ref.name !== 'string') return false;
  const binding = { kind: 'RoleBinding', namespace: namespaceOfObject(o) || DEFAULT_NAMESPACE, roleRef: ref };
  return roles.roleOf(binding as BindingObject);
}

/**
 * Whether a RoleBinding of `role` can give a finding: its role holds something judged, or writes a
 * guard rail's kind. Any other is skipped by both of judgeManifests' walks, so it is not read (a
 * third of the subjects at size XL, 634,000 of 1.79M).
 */
const judgedRole = (role: RoleObject, f: RoleFacts): boolean => holdsJudged(f) || writesRail(role);

/** How a finding names a role: a catalog level, a custom role, inline rules or a token's rules. */
function roleLabel(role: RoleObject, org: string): string {
  const r = orgRoleOf(org, role.name);
  if (r.kind === 'level') return `level ${r.level}`;
  if (r.kind === 'custom') return `custom role ${r.name} (${role.kind} ${role.name})`;
  if (r.kind === 'user-rules') return `the custom rules of ${r.email} (${role.kind} ${role.name})`;
  return `${role.kind} ${role.name}`;
}

/** A role as a finding's subject: `levels/r:secrets`, `customRoles/cm-reader`, `users/erin@acme.io custom rules`. */
function roleSubject(role: RoleObject, org: string): string {
  const r = orgRoleOf(org, role.name);
  if (r.kind === 'level') return `levels/${r.level}`;
  if (r.kind === 'custom') return `customRoles/${r.name}`;
  if (r.kind === 'user-rules') return `users/${r.email} custom rules`;
  return `roles/${role.name}`;
}

/** The declaration that bound this user to this role here, for the finding's source. */
function grantSource(model: OrgModel, user: UserModel, ns: string, role: RoleObject): string {
  // A grant's own line is more precise than the user's (Add All): prefer it.
  const found = declarations(model, { email: user.key }, ns, orgRoleOf(model.name, role.name));
  return (found.find((d) => d.source !== sourceText(user.source)) ?? found[0])?.source ?? sourceText(user.source);
}

/** A binding's subject as the organization knows it (neither: a subject orgctl does not declare). */
interface Holder {
  readonly user?: UserModel;
  readonly token?: OrgModel['tokens'][number];
}

/** Findings over the synthesized objects of `model`. */
export function judgeManifests(model: OrgModel, objects: readonly unknown[]): Finding[] {
  const docs: ManifestDoc[] = objects.map((object, index) => ({ file: 'synthesis', index, object }));
  const facts = new Map<string, RoleFacts>();
  // Each role object's facts kept by the object too: a binding's role is one of a few hundred, and
  // its key (a string made per binding, then hashed) cost more than the facts' lookup. The key
  // still decides: two roles of one id (declared twice) share the first one's facts, as before.
  const factsOfRole = { namespace: new Map<RoleObject, RoleFacts>(), cluster: new Map<RoleObject, RoleFacts>() };
  const factsFor = (role: RoleObject, scope: Scope): RoleFacts => {
    const known = factsOfRole[scope].get(role);
    if (known) return known;
    const key = `${scope}:${roleId(role)}`;
    let f = facts.get(key);
    if (!f) facts.set(key, (f = factsOf(role, model, scope)));
    factsOfRole[scope].set(role, f);
    return f;
  };
  // The roles first (523 at size XL), then every document but the RoleBindings whose role gives the
  // judge nothing (judgedRole): what synthesis made is read once here, no list kept for a later reader.
  const roles = new Authorizer(
    readRbac(
      docs.filter((d) => isRoleDocument(d.object)),
      { keepLists: false },
    ),
  );
  const judgedRoles = new Map<RoleObject, boolean>();
  const judged = docs.filter((d) => {
    const role = boundRoleOf(d.object, roles);
    if (role === false) return true;
    if (role === undefined) return false;
    let judge = judgedRoles.get(role);
    if (judge === undefined) judgedRoles.set(role, (judge = judgedRole(role, factsFor(role, 'namespace'))));
    return judge;
  });
  const authz = new Authorizer(readRbac(judged, { keepLists: false }));
  const users = new Map(model.users.map((u) => [usernameOf(model, u.key), u]));
  // By the ServiceAccount a token has now: a rotated one's is `token-<id>-r<N>`.
  const tokens = new Map(model.tokens.map((t) => [tokenAccountName(t.id, t.rotation), t]));
  /** Who a binding's subject is to the organization: one of its users, one of its tokens, or neither. */
  const holderOf = (s: BindingObject['subjects'][number], b: BindingObject): Holder =>
    s.kind === 'User'
      ? { user: users.get(s.name) }
      : s.kind === 'ServiceAccount' && (s.namespace || b.namespace) === model.systemNamespace
        ? { token: tokens.get(s.name) }
        : {};
  const out: Finding[] = [];
  // (role, class) → who holds it, for one aggregated warning each
  const risky = new Map<
    string,
    { role: RoleObject; cls: ClassId; rule: number; users: Set<string>; namespaces: Set<string>; source: string }
  >();

  // Users judged per (namespace, role): a split binding names the same role twice.
  const usersJudged = new Map<string, Set<UserModel>>();
  /**
   * A binding's warnings, as its first user judged makes them (each made once, by the first user
   * judged anywhere, whose grant is its source): the keys are the role's, not made per user.
   */
  const riskyOf = (user: UserModel, binding: BindingObject, role: RoleObject, f: RoleFacts) =>
    f.risky.map(({ cls, rule, key }) => {
      let entry = risky.get(key);
      if (!entry) {
        const source = grantSource(model, user, binding.namespace, role);
        risky.set(key, (entry = { role, cls, rule, users: new Set(), namespaces: new Set(), source }));
      }
      entry.namespaces.add(binding.namespace);
      return entry.users;
    });

  for (const binding of authz.set.bindings) {
    const role = authz.roleOf(binding);
    if (!role) continue;
    const scope: Scope = binding.kind === 'ClusterRoleBinding' ? 'cluster' : 'namespace';
    const f = factsFor(role, scope);
    if (binding.kind === 'RoleBinding' && !holdsJudged(f)) continue;
    const once = `${binding.namespace}\u0000${role.kind}/${role.name}`;
    let seen = usersJudged.get(once);
    if (!seen) usersJudged.set(once, (seen = new Set()));
    // A role that refuses no one and warns of nothing has nothing to say of its users: its tokens alone are read.
    const judgesUsers = f.refusedBecause !== undefined || f.risky.length > 0;
    let holders: Set<string>[] | undefined; // the warnings' users, once this binding judges a first user
    for (const s of binding.subjects) {
      if (s.kind === 'User') {
        if (!judgesUsers) continue;
        const user = users.get(s.name);
        if (!user || user.admin || seen.has(user)) continue;
        seen.add(user);
        if (f.refusedBecause)
          out.push({
            severity: 'error',
            rule: 'forbidden-grant',
            subject: `users/${user.key} → ${binding.namespace}`,
            source: grantSource(model, user, binding.namespace, role),
            message: `${roleLabel(role, model.name)} ${f.refusedBecause}`,
          });
        holders ??= riskyOf(user, binding, role, f);
        for (const h of holders) h.add(user.key);
        continue;
      }
      const { token } = holderOf(s, binding);
      if (token) {
        const label = roleLabel(role, model.name);
        const message =
          binding.kind === 'ClusterRoleBinding'
            ? `holds cluster-wide power through ClusterRoleBinding ${binding.name}: check that the token needs it`
            : f.customPower !== undefined
              ? `${label} can ${role.rules[f.customPower]!.verbs.join(',')} in ${binding.namespace} (rule ${f.customPower}: ${describeRule(role.rules[f.customPower]!)}): check that the token needs it`
              : f.undeclared
                ? `${label} writes ${f.undeclared.writes.join(', ')}, which orgctl does not know, in ${binding.namespace} (rule ${f.undeclared.rule}: ${describeRule(role.rules[f.undeclared.rule]!)}): check that ${SAFE_CLAIM} it and that the token needs it, then declare it in safeCustomResources`
                : undefined;
        if (message)
          out.push({
            severity: 'warning',
            rule: 'risky-grant',
            subject: `tokens/${token.id}`,
            message,
            source: sourceText(token.source),
          });
      }
    }
  }
  out.push(...railWriters(model, authz, holderOf));
  for (const r of risky.values()) {
    const c = CLASS_BY_ID.get(r.cls)!;
    const users = [...r.users].sort();
    const nss = [...r.namespaces].sort();
    out.push({
      severity: 'warning',
      rule: 'risky-grant',
      subject: roleSubject(r.role, model.name),
      source: r.source,
      message: `lets ${users.length} non-admin user${users.length === 1 ? '' : 's'} ${c.title} in ${nss.length} namespace${nss.length === 1 ? '' : 's'} (${users.slice(0, 3).join(', ')}${users.length > 3 ? ', ...' : ''} in ${nss.slice(0, 3).join(', ')}${nss.length > 3 ? ', ...' : ''}; rule ${r.rule}: ${describeRule(r.role.rules[r.rule]!)}): ${probeHit(r.role.rules[r.rule]!, r.cls, 'namespace')?.why ?? c.why}`,
    });
  }
  return out;
}

/**
 * Who, admins aside, may write a guard rail's kind in a namespace that declares it: one more
 * NetworkPolicy undoes same-namespace (and Argo CD never prunes it), a quota or limit range raised
 * or deleted holds until Argo CD re-applies it. The review fails such a write when a change gives
 * it (guard-rails); this says who holds one already.
 */
function railWriters(
  model: OrgModel,
  authz: Authorizer,
  holderOf: (s: BindingObject['subjects'][number], b: BindingObject) => Holder,
): Finding[] {
  const out: Finding[] = [];
  for (const n of model.namespaces)
    for (const rail of RAIL_KINDS) {
      const declared = railDeclared(rail, n.settings, model);
      if (!declared) continue;
      const who = new Set<string>();
      for (const b of authz.bindingsFor(n.name)) {
        const role = authz.roleOf(b);
        if (!role || !writesKind(role.rules, rail)) continue;
        for (const s of b.subjects) {
          const { user, token } = holderOf(s, b);
          if (user && !user.admin) who.add(user.key);
          if (token) who.add(`token ${token.id}`);
        }
      }
      if (!who.size) continue;
      const names = [...who].sort();
      out.push({
        severity: 'warning',
        rule: 'risky-grant',
        subject: `namespaces/${n.name}`,
        source: sourceText(n.source),
        message: `declares ${declared}, and ${names.slice(0, 3).join(', ')}${names.length > 3 ? `, and ${names.length - 3} more,` : ''} may write ${rail.what} there: ${rail.undoes}`,
      });
    }
  return out;
}
