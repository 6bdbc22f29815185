/**
 * Synthesis judges its own output with the RBAC analysis, so that a custom role cannot
 * disguise what the catalog reserves: a non-admin user whose effective rules run pods, exec,
 * take identities or escalate is `forbidden-grant`; reading Secrets and the other classes are
 * `risky-grant` warnings, one per role and class. Tokens are made by admins and may hold
 * namespace power; a token with cluster-wide power, or custom rules that escalate or
 * impersonate, is a `risky-grant` warning.
 */
import { findLevel } from '../../constructs/catalog.ts';
import { tokenAccountName, usernameOf, type GrantModel, type OrgModel, type UserModel } from '../../constructs/model.ts';
import type { Finding } from '../findings.ts';
import { Authorizer } from './authorizer.ts';
import { CLASS_BY_ID, classesOfRule, describeRule, type ClassId, type Scope } from './classes.ts';
import { readRbac, type BindingObject, type ManifestDoc, type RoleObject } from './objects.ts';

interface RoleFacts {
  readonly classes: ReadonlyMap<ClassId, number>; // class → index of the first rule holding it
  /** Verbs escalate, bind or impersonate named (or `*`) by a rule of a custom role. */
  readonly customPower?: number;
}

function factsOf(role: RoleObject, org: string, scope: Scope): RoleFacts {
  const classes = new Map<ClassId, number>();
  role.rules.forEach((rule, i) => {
    for (const c of classesOfRule(rule, scope)) if (!classes.has(c)) classes.set(c, i);
  });
  const custom = !role.name.startsWith(`${org}:`) || !findLevel(role.name.slice(org.length + 1));
  const power = custom ? role.rules.findIndex((r) => r.verbs.some((v) => v === '*' || v === 'escalate' || v === 'bind' || v === 'impersonate')) : -1;
  return { classes, ...(power >= 0 ? { customPower: power } : {}) };
}

/** How a finding names a role: a catalog level, a custom role, inline rules or a token's rules. */
function roleLabel(role: RoleObject, org: string): string {
  const short = role.name.startsWith(`${org}:`) ? role.name.slice(org.length + 1) : role.name;
  if (findLevel(short)) return `level ${short}`;
  if (short.startsWith('custom:')) {
    const name = short.slice('custom:'.length);
    return name.includes('@') ? `the custom rules of ${name} (${role.kind} ${role.name})` : `custom role ${name} (${role.kind} ${role.name})`;
  }
  return `${role.kind} ${role.name}`;
}

/** A role as a finding's subject: `levels/r:secrets`, `customRoles/cm-reader`, `users/erin@acme.io custom rules`. */
function roleSubject(role: RoleObject, org: string): string {
  const short = role.name.startsWith(`${org}:`) ? role.name.slice(org.length + 1) : role.name;
  if (findLevel(short)) return `levels/${short}`;
  if (short.startsWith('custom:')) {
    const name = short.slice('custom:'.length);
    return name.includes('@') ? `users/${name} custom rules` : `customRoles/${name}`;
  }
  return `roles/${role.name}`;
}

/** The declaration that bound this user to this role here, for the finding's source. */
function grantSource(model: OrgModel, user: UserModel, ns: string, role: RoleObject): string {
  const short = role.name.slice(model.name.length + 1);
  const mine = (g: GrantModel) => g.user === user.key && g.namespace === ns;
  const rolesWith = (level: string) => new Set(model.roles.filter((r) => r.levels.includes(level)).map((r) => r.name));
  let found: GrantModel | undefined;
  if (findLevel(short)) {
    const bundles = rolesWith(short);
    found = model.grants.find((g) => mine(g) && (g.levels.includes(short) || g.roles.some((r) => bundles.has(r))));
  } else if (short.startsWith('custom:')) {
    const name = short.slice('custom:'.length);
    found = model.grants.find((g) => mine(g) && (name.includes('@') ? g.rules.length > 0 : g.customRoles.includes(name)));
  }
  return found?.source ?? user.source;
}

/** Findings over the synthesized objects of `model`. */
export function judgeManifests(model: OrgModel, objects: readonly unknown[]): Finding[] {
  const docs: ManifestDoc[] = objects.map((object, index) => ({ file: 'synthesis', index, object }));
  const authz = new Authorizer(readRbac(docs));
  const users = new Map(model.users.map((u) => [usernameOf(model, u.key), u]));
  const tokens = new Map(model.tokens.map((t) => [tokenAccountName(t.id), t]));
  const facts = new Map<string, RoleFacts>();
  const out: Finding[] = [];
  // (role, class) → who holds it, for one aggregated warning each
  const risky = new Map<string, { role: RoleObject; cls: ClassId; rule: number; users: Set<string>; namespaces: Set<string>; source: string }>();

  const judged = new Set<string>();
  const judgeUser = (user: UserModel, binding: BindingObject, role: RoleObject, f: RoleFacts) => {
    const once = `${user.key}\u0000${binding.namespace}\u0000${role.kind}/${role.name}`;
    if (judged.has(once)) return; // a split binding names the same role twice
    judged.add(once);
    const reserved = [...f.classes].filter(([cls]) => CLASS_BY_ID.get(cls)!.severity === 'error');
    if (reserved.length) {
      const [firstClass, ruleIndex] = reserved[0]!;
      out.push({
        severity: 'error', rule: 'forbidden-grant', subject: `users/${user.key} → ${binding.namespace}`,
        source: grantSource(model, user, binding.namespace, role),
        message: `${roleLabel(role, model.name)} lets a non-admin ${reserved.map(([c]) => CLASS_BY_ID.get(c)!.title).join(', ')} (rule ${ruleIndex}: ${describeRule(role.rules[ruleIndex]!)}): reserved for admins, because ${CLASS_BY_ID.get(firstClass)!.why}`,
      });
    }
    for (const [cls, ruleIndex] of f.classes) {
      if (CLASS_BY_ID.get(cls)!.severity === 'error') continue;
      const key = `${role.kind}/${role.namespace}/${role.name}\u0000${cls}`;
      const entry = risky.get(key) ?? { role, cls, rule: ruleIndex, users: new Set(), namespaces: new Set(), source: grantSource(model, user, binding.namespace, role) };
      entry.users.add(user.key);
      entry.namespaces.add(binding.namespace);
      risky.set(key, entry);
    }
  };

  for (const binding of authz.set.bindings) {
    const role = authz.roleOf(binding);
    if (!role) continue;
    const scope: Scope = binding.kind === 'ClusterRoleBinding' ? 'cluster' : 'namespace';
    const factsKey = `${scope}:${role.kind}/${role.namespace}/${role.name}`;
    let f = facts.get(factsKey);
    if (!f) facts.set(factsKey, (f = factsOf(role, model.name, scope)));
    if (!f.classes.size && f.customPower === undefined && binding.kind === 'RoleBinding') continue;
    for (const s of binding.subjects) {
      if (s.kind === 'User') {
        const user = users.get(s.name);
        if (user && !user.admin) judgeUser(user, binding, role, f);
      } else if (s.kind === 'ServiceAccount' && (s.namespace || binding.namespace) === model.systemNamespace) {
        const token = tokens.get(s.name);
        if (!token) continue;
        const why = binding.kind === 'ClusterRoleBinding'
          ? `holds cluster-wide power through ClusterRoleBinding ${binding.name}`
          : f.customPower !== undefined ? `${roleLabel(role, model.name)} can ${role.rules[f.customPower]!.verbs.join(',')} in ${binding.namespace} (rule ${f.customPower}: ${describeRule(role.rules[f.customPower]!)})` : undefined;
        if (why) out.push({ severity: 'warning', rule: 'risky-grant', subject: `tokens/${token.id}`, message: `${why}: check that the token needs it`, source: token.source });
      }
    }
  }
  for (const r of risky.values()) {
    const c = CLASS_BY_ID.get(r.cls)!;
    const users = [...r.users].sort();
    const nss = [...r.namespaces].sort();
    out.push({
      severity: 'warning', rule: 'risky-grant', subject: roleSubject(r.role, model.name), source: r.source,
      message: `lets ${users.length} non-admin user${users.length === 1 ? '' : 's'} ${c.title} in ${nss.length} namespace${nss.length === 1 ? '' : 's'} (${users.slice(0, 3).join(', ')}${users.length > 3 ? ', ...' : ''} in ${nss.slice(0, 3).join(', ')}${nss.length > 3 ? ', ...' : ''}; rule ${r.rule}: ${describeRule(r.role.rules[r.rule]!)}): ${c.why}`,
    });
  }
  return out;
}
