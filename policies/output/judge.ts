/**
 * Synthesis judges its own output with the RBAC analysis, so that a custom role cannot
 * disguise what the catalog reserves: a non-admin user whose effective rules run pods (custom
 * resources that create pods included), exec, port-forward or proxy into pods and nodes, write
 * Secrets, take identities or escalate is `forbidden-grant`; reading Secrets and the other classes
 * are `risky-grant` warnings, one per role and class, and so is writing in an API group orgctl does
 * not know (one per role, naming the groups). Tokens are made by admins and may hold
 * namespace power; a token with cluster-wide power, or custom rules that escalate, impersonate
 * or write in an API group orgctl does not know (as a person's are), is a `risky-grant` warning.
 */
import { tokenAccountName, usernameOf, type OrgModel, type UserModel } from '../../model/model.ts';
import { type Finding, sourceText } from '../../model/findings.ts';
import { Authorizer } from '../../analysis/authorizer.ts';
import { declarations } from '../../analysis/explain.ts';
import { orgRoleOf } from '../../analysis/org-roles.ts';
import {
  CLASS_BY_ID,
  classesOfRule,
  describeRule,
  reservedForAdmins,
  unknownGroupsWritten,
  type ClassId,
  type Scope,
} from '../../analysis/classes.ts';
import { readRbac, type BindingObject, type ManifestDoc, type RoleObject } from '../../analysis/objects.ts';

interface RoleFacts {
  readonly classes: ReadonlyMap<ClassId, number>; // class → index of the first rule holding it
  /** The first rule (holding no admin-only class) that writes in API groups orgctl does not know, and those groups. */
  readonly unknownGroups?: { readonly rule: number; readonly groups: readonly string[] };
  /** Verbs escalate, bind or impersonate named (or `*`) by a rule of a custom role. */
  readonly customPower?: number;
}

function factsOf(role: RoleObject, org: string, scope: Scope): RoleFacts {
  const classes = new Map<ClassId, number>();
  role.rules.forEach((rule, i) => {
    for (const c of classesOfRule(rule, scope)) if (!classes.has(c)) classes.set(c, i);
  });
  // A role refused outright needs no warning besides; otherwise the first rule writing in unknown groups.
  const refused = [...classes.keys()].some((c) => CLASS_BY_ID.get(c)!.severity === 'error');
  const unknownAt = refused ? -1 : role.rules.findIndex((r) => unknownGroupsWritten(r).length > 0);
  const unknownGroups =
    unknownAt >= 0 ? { unknownGroups: { rule: unknownAt, groups: unknownGroupsWritten(role.rules[unknownAt]!) } } : {};
  const custom = orgRoleOf(org, role.name).kind !== 'level';
  const power = custom
    ? role.rules.findIndex((r) =>
        r.verbs.some((v) => v === '*' || v === 'escalate' || v === 'bind' || v === 'impersonate'),
      )
    : -1;
  return { classes, ...unknownGroups, ...(power >= 0 ? { customPower: power } : {}) };
}

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

/** Findings over the synthesized objects of `model`. */
export function judgeManifests(model: OrgModel, objects: readonly unknown[]): Finding[] {
  const docs: ManifestDoc[] = objects.map((object, index) => ({ file: 'synthesis', index, object }));
  const authz = new Authorizer(readRbac(docs));
  const users = new Map(model.users.map((u) => [usernameOf(model, u.key), u]));
  const tokens = new Map(model.tokens.map((t) => [tokenAccountName(t.id), t]));
  const facts = new Map<string, RoleFacts>();
  const out: Finding[] = [];
  // (role, class) → who holds it, for one aggregated warning each
  const risky = new Map<
    string,
    { role: RoleObject; cls: ClassId; rule: number; users: Set<string>; namespaces: Set<string>; source: string }
  >();

  // role → who writes in API groups orgctl does not know through it, for one warning each
  const unknown = new Map<
    string,
    {
      role: RoleObject;
      rule: number;
      groups: readonly string[];
      users: Set<string>;
      namespaces: Set<string>;
      source: string;
    }
  >();

  // Users judged per (namespace, role): a split binding names the same role twice.
  const judged = new Map<string, Set<UserModel>>();
  const judgeUser = (
    user: UserModel,
    binding: BindingObject,
    role: RoleObject,
    f: RoleFacts,
    scope: Scope,
    seen: Set<UserModel>,
  ) => {
    if (seen.has(user)) return;
    seen.add(user);
    const reserved = [...f.classes].filter(([cls]) => CLASS_BY_ID.get(cls)!.severity === 'error');
    if (reserved.length) {
      const ruleIndex = reserved[0]![1];
      out.push({
        severity: 'error',
        rule: 'forbidden-grant',
        subject: `users/${user.key} → ${binding.namespace}`,
        source: grantSource(model, user, binding.namespace, role),
        message: `${roleLabel(role, model.name)} ${reservedForAdmins(
          reserved.map(([c]) => c),
          ruleIndex,
          role.rules[ruleIndex]!,
          scope,
        )}`,
      });
    }
    for (const [cls, ruleIndex] of f.classes) {
      if (CLASS_BY_ID.get(cls)!.severity === 'error') continue;
      const key = `${role.kind}/${role.namespace}/${role.name}\u0000${cls}`;
      const entry = risky.get(key) ?? {
        role,
        cls,
        rule: ruleIndex,
        users: new Set(),
        namespaces: new Set(),
        source: grantSource(model, user, binding.namespace, role),
      };
      entry.users.add(user.key);
      entry.namespaces.add(binding.namespace);
      risky.set(key, entry);
    }
    if (f.unknownGroups) {
      const key = `${role.kind}/${role.namespace}/${role.name}`;
      const entry = unknown.get(key) ?? {
        role,
        ...f.unknownGroups,
        users: new Set<string>(),
        namespaces: new Set<string>(),
        source: grantSource(model, user, binding.namespace, role),
      };
      entry.users.add(user.key);
      entry.namespaces.add(binding.namespace);
      unknown.set(key, entry);
    }
  };

  for (const binding of authz.set.bindings) {
    const role = authz.roleOf(binding);
    if (!role) continue;
    const scope: Scope = binding.kind === 'ClusterRoleBinding' ? 'cluster' : 'namespace';
    const factsKey = `${scope}:${role.kind}/${role.namespace}/${role.name}`;
    let f = facts.get(factsKey);
    if (!f) facts.set(factsKey, (f = factsOf(role, model.name, scope)));
    if (!f.classes.size && f.customPower === undefined && !f.unknownGroups && binding.kind === 'RoleBinding') continue;
    const once = `${binding.namespace}\u0000${role.kind}/${role.name}`;
    let seen = judged.get(once);
    if (!seen) judged.set(once, (seen = new Set()));
    for (const s of binding.subjects) {
      if (s.kind === 'User') {
        const user = users.get(s.name);
        if (user && !user.admin) judgeUser(user, binding, role, f, scope, seen);
      } else if (s.kind === 'ServiceAccount' && (s.namespace || binding.namespace) === model.systemNamespace) {
        const token = tokens.get(s.name);
        if (!token) continue;
        const label = roleLabel(role, model.name);
        const message =
          binding.kind === 'ClusterRoleBinding'
            ? `holds cluster-wide power through ClusterRoleBinding ${binding.name}: check that the token needs it`
            : f.customPower !== undefined
              ? `${label} can ${role.rules[f.customPower]!.verbs.join(',')} in ${binding.namespace} (rule ${f.customPower}: ${describeRule(role.rules[f.customPower]!)}): check that the token needs it`
              : f.unknownGroups
                ? `${label} writes in API group ${f.unknownGroups.groups.join(', ')}, which orgctl does not know, in ${binding.namespace} (rule ${f.unknownGroups.rule}: ${describeRule(role.rules[f.unknownGroups.rule]!)}): check that no controller creates pods from it, and that the token needs it`
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
  for (const r of risky.values()) {
    const c = CLASS_BY_ID.get(r.cls)!;
    const users = [...r.users].sort();
    const nss = [...r.namespaces].sort();
    out.push({
      severity: 'warning',
      rule: 'risky-grant',
      subject: roleSubject(r.role, model.name),
      source: r.source,
      message: `lets ${users.length} non-admin user${users.length === 1 ? '' : 's'} ${c.title} in ${nss.length} namespace${nss.length === 1 ? '' : 's'} (${users.slice(0, 3).join(', ')}${users.length > 3 ? ', ...' : ''} in ${nss.slice(0, 3).join(', ')}${nss.length > 3 ? ', ...' : ''}; rule ${r.rule}: ${describeRule(r.role.rules[r.rule]!)}): ${c.why}`,
    });
  }
  for (const u of unknown.values()) {
    const users = [...u.users].sort();
    const nss = [...u.namespaces].sort();
    const groups = u.groups.map((g) => (g === '*' ? '* (every group)' : g)).join(', ');
    out.push({
      severity: 'warning',
      rule: 'risky-grant',
      subject: roleSubject(u.role, model.name),
      source: u.source,
      message: `lets ${users.length} non-admin user${users.length === 1 ? '' : 's'} write in API group ${groups}, which orgctl does not know, in ${nss.length} namespace${nss.length === 1 ? '' : 's'} (${users.slice(0, 3).join(', ')}${users.length > 3 ? ', ...' : ''} in ${nss.slice(0, 3).join(', ')}${nss.length > 3 ? ', ...' : ''}; rule ${u.rule}: ${describeRule(u.role.rules[u.rule]!)}): check that no controller creates pods from these resources (if one does, add it to analysis/pod-creating-groups.ts), or grant the rule to an admin only`,
    });
  }
  return out;
}
