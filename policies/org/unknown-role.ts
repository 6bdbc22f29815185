import { at, type Finding } from '../../model/findings.ts';
import { grantSubject, type OrgRule } from './context.ts';
import { indexOf } from '../../model/model-index.ts';
import type { OrgModel } from '../../model/model.ts';
import type { RuleId } from '../../model/rules.ts';
import { nearestNameAmong, notDeclaredHint } from '../../model/text.ts';

/** Adds to `out` that a role or custom role named somewhere is not declared, and which are. */
const undeclared = (rule: RuleId, model: OrgModel, out: Finding[]) => {
  const ix = indexOf(model);
  const meantOf = { role: nearestNameAmong(ix.roles.keys()), 'custom role': nearestNameAmong(ix.customRoles.keys()) };
  return (kind: 'role' | 'custom role', name: string, subject: string, source: string) => {
    const names = [...(kind === 'role' ? ix.roles : ix.customRoles).keys()].slice(0, 11);
    out.push({
      severity: 'error',
      rule,
      subject,
      source,
      message: `${kind} ${JSON.stringify(name)} is not declared (${notDeclaredHint(names, kind, meantOf[kind](name))})`,
    });
  };
};

/** Roles and custom roles are referred to by name and must be declared. */
export const unknownRole: OrgRule = {
  id: 'unknown-role',
  grantsWith: 'roles',
  check(model) {
    const ix = indexOf(model);
    const out: Finding[] = [];
    const missing = undeclared(this.id, model, out);
    for (const t of model.tokens) {
      for (const rb of t.rbac)
        for (const r of rb.customRoles)
          if (!ix.customRoles.has(r)) missing('custom role', r, `tokens/${t.id}`, at(rb.source, '.customRole'));
    }
    for (const inv of model.invites) {
      for (const g of inv.grants)
        for (const r of g.roles) if (!ix.roles.has(r)) missing('role', r, `invites/${inv.key}`, at(g.source, '.role'));
    }
    return out;
  },
  grant(model, _ctx, out) {
    const ix = indexOf(model);
    const missing = undeclared(this.id, model, out);
    return (g) => {
      for (const r of g.roles)
        if (!ix.roles.has(r)) missing('role', r, grantSubject(g.user, g.namespace), at(g.source, '.role'));
      for (const r of g.customRoles)
        if (!ix.customRoles.has(r))
          missing('custom role', r, grantSubject(g.user, g.namespace), at(g.source, '.customRole'));
    };
  },
};
