import { findLevel, isAdminOnly, type PolicyRule } from '../../model/catalog.ts';
import { adminsOnlyNamespaces } from '../../model/guard-rails.ts';
import { at, type Finding, sourceText, type Source } from '../../model/findings.ts';
import {
  CLASS_BY_ID,
  classesOfRule,
  reservedForAdmins,
  firstUndeclared,
  undeclaredForAdmins,
} from '../../analysis/classes.ts';
import { grantSubject, type OrgRule } from './context.ts';
import { indexOf } from '../../model/model-index.ts';
import { byGrantUser, customRoleName, type OrgModel, tokenRoleName } from '../../model/model.ts';
import type { RuleId } from '../../model/rules.ts';

/** Why a level is refused; `relative` (`, which`) when it follows what includes it (role ops includes w:pods, which is ...). */
const reserved = (levelId: string, relative = ''): string => {
  const level = findLevel(levelId)!;
  return `${level.id}${relative} is reserved for admins: ${level.reservedBecause} (make the user an admin, or ask support)`;
};

/**
 * What custom rules allow that is reserved for admins (running pods, through custom resources
 * too; exec, port-forward and proxies; writing Secrets, identities, escalation...; then writing
 * custom resources the organization has not declared safe): the first such rule and why, judged as
 * the synthesized output is (analysis/classes.ts). Rules of custom roles and inline rules are bound
 * by RoleBindings: judged in the namespace's scope.
 */
function reservedByRules(rules: readonly PolicyRule[], model: OrgModel): string | undefined {
  for (const [i, rule] of rules.entries()) {
    const classes = classesOfRule(rule, 'namespace').filter((c) => CLASS_BY_ID.get(c)!.severity === 'error');
    if (classes.length) return reservedForAdmins(classes, i, rule);
  }
  const undeclared = firstUndeclared(rules, model.safeCustomResources);
  return undeclared && undeclaredForAdmins(undeclared.writes, undeclared.rule, rules[undeclared.rule]!);
}

/**
 * What the rule's judges share for one model: the index, the findings, and what each role and
 * custom role includes that is reserved (once per name: grants repeat a few roles).
 */
function reservedJudge(rule: RuleId, model: OrgModel, out: Finding[]) {
  const ix = indexOf(model);
  const judge = (subject: () => string, source: Source, levels: readonly string[], roles: readonly string[]) => {
    levels.forEach((l, i) => {
      if (isAdminOnly(l))
        out.push({
          severity: 'error',
          rule,
          subject: subject(),
          message: reserved(l),
          source: at(source, `.levels[${i}]`),
        });
    });
    for (const r of roles) {
      for (const l of ix.roles.get(r)?.levels ?? []) {
        if (isAdminOnly(l)) {
          out.push({
            severity: 'error',
            rule,
            subject: subject(),
            message: `role ${r} includes ${reserved(l, ', which')}`,
            source: sourceText(source),
          });
        }
      }
    }
  };
  const roleReserved = new Map<string, boolean>();
  const reservedRole = (r: string): boolean => {
    let is = roleReserved.get(r);
    if (is === undefined) roleReserved.set(r, (is = (ix.roles.get(r)?.levels ?? []).some(isAdminOnly)));
    return is;
  };
  const customReserved = new Map<string, string | undefined>();
  const customRoleReserved = (name: string): string | undefined => {
    if (!customReserved.has(name))
      customReserved.set(name, reservedByRules(ix.customRoles.get(name)?.rules ?? [], model));
    return customReserved.get(name);
  };
  return { ix, judge, reservedRole, customRoleReserved };
}

/**
 * A grant (a member's, or an invitation's: levels and roles only) in a namespace for admins only,
 * to someone who is not one: what it gives, as a reader names it, and what to do.
 */
function adminsOnlyFinding(
  rule: RuleId,
  subject: string,
  g: {
    readonly namespace: string;
    readonly levels: readonly string[];
    readonly roles: readonly string[];
    readonly customRoles?: readonly string[];
    readonly rules?: readonly unknown[];
    readonly source: Source;
  },
): Finding {
  const what = [
    ...g.levels,
    ...g.roles.map((r) => `role ${r}`),
    ...(g.customRoles ?? []).map((c) => `custom role ${c}`),
    ...(g.rules?.length ? ['custom rules'] : []),
  ].join(', ');
  return {
    severity: 'error',
    rule,
    subject,
    message: `${g.namespace} is for admins only (adminsOnly): nobody else may be granted anything there, ${what} included (make the user an admin, grant it in another namespace, or drop adminsOnly)`,
    source: sourceText(g.source),
  };
}

/** Admin-only levels (w:pods, w:full and every level that runs code) held by anyone but an admin, and anything held in a namespace for admins only. */
export const forbiddenGrant: OrgRule = {
  id: 'forbidden-grant',
  grant(model, _ctx, out) {
    const { ix, judge, reservedRole, customRoleReserved } = reservedJudge(this.id, model, out);
    // Judged for declared users who are not admins (an unknown user is unknown-user's finding).
    const judged = byGrantUser(
      model,
      (key) => {
        const user = ix.users.get(key);
        return user !== undefined && !user.admin;
      },
      'memory',
    );
    const adminsOnly = adminsOnlyNamespaces(model.namespaces);
    return (g, i) => {
      if (!judged(g, i)) return;
      if (adminsOnly.has(g.namespace)) out.push(adminsOnlyFinding(this.id, grantSubject(g.user, g.namespace), g));
      // Names and paths are built only for a grant that names something reserved: this runs for every grant.
      if (g.levels.some(isAdminOnly) || g.roles.some(reservedRole))
        judge(() => grantSubject(g.user, g.namespace), g.source, g.levels, g.roles);
      // Custom rules cannot disguise what the catalog reserves: judged here, before synthesis, too.
      for (const name of g.customRoles) {
        const why = customRoleReserved(name);
        if (why)
          out.push({
            severity: 'error',
            rule: this.id,
            subject: grantSubject(g.user, g.namespace),
            message: `custom role ${name} (Role ${customRoleName(model.name, name)}) ${why}`,
            source: sourceText(g.source),
          });
      }
      const inline = g.rules.length ? reservedByRules(g.rules, model) : undefined;
      if (inline)
        out.push({
          severity: 'error',
          rule: this.id,
          subject: grantSubject(g.user, g.namespace),
          message: `the custom rules of ${g.user} (Role ${customRoleName(model.name, g.user)}) ${inline}`,
          source: sourceText(g.source),
        });
    };
  },
  check(model) {
    const out: Finding[] = [];
    const { ix, judge, customRoleReserved } = reservedJudge(this.id, model, out);
    const adminsOnly = adminsOnlyNamespaces(model.namespaces);
    for (const inv of model.invites) {
      if (inv.admin || inv.state !== 'pending') continue;
      for (const g of inv.grants) {
        // Made only for a finding: this runs for every grant of every pending invitation.
        const subject = () => `invites/${inv.key} → ${g.namespace}`;
        judge(subject, g.source, g.levels, g.roles);
        if (adminsOnly.has(g.namespace)) out.push(adminsOnlyFinding(this.id, subject(), g));
      }
    }
    // A token's holder is its owner: a token with access reserved for admins is owned by an admin,
    // or by nobody (the organization). A deactivated or undeclared owner is token-owner-inactive.
    for (const t of model.tokens) {
      // A deactivated token holds nothing (its ServiceAccount is left out): judged again when reactivated.
      if (t.status === 'deactivated') continue;
      const owner = t.owner === undefined ? undefined : ix.users.get(t.owner);
      if (!owner || owner.admin) continue;
      const fix = `its owner ${owner.email} is not an admin: give the token an admin owner, or remove the owner (an organization-owned token)`;
      const report = (what: string, source: string) =>
        out.push({ severity: 'error', rule: this.id, subject: `tokens/${t.id}`, message: `${what}; ${fix}`, source });
      const reached = [...new Set([...t.namespaces, ...t.rbac.map((r) => r.namespace)])].filter((ns) =>
        adminsOnly.has(ns),
      );
      if (reached.length)
        report(
          `token ${t.id} reaches ${reached.join(', ')}, which ${reached.length > 1 ? 'are' : 'is'} for admins only (adminsOnly)`,
          at(t.source, '.owner'),
        );
      if (t.namespaces.length) {
        t.levels.forEach((l) => {
          const level = findLevel(l);
          if (level?.adminOnly)
            report(
              `token ${t.id} holds ${l} in ${t.namespaces.join(', ')}, which is reserved for admins: ${level.reservedBecause}`,
              at(t.source, '.owner'),
            );
        });
      }
      for (const r of t.rbac) {
        const inline = reservedByRules(r.rules, model);
        if (inline)
          report(
            `the custom rules of token ${t.id} in ${r.namespace} (Role ${tokenRoleName(model.name, t.id)}) ${inline}`,
            at(t.source, '.owner'),
          );
        for (const name of r.customRoles) {
          const why = customRoleReserved(name);
          if (why)
            report(
              `custom role ${name} (Role ${customRoleName(model.name, name)}) bound to token ${t.id} in ${r.namespace} ${why}`,
              at(t.source, '.owner'),
            );
        }
      }
    }
    return out;
  },
};
