import { at, type Finding } from '../../model/findings.ts';
import { grantSubject, type OrgRule } from './context.ts';
import { indexOf } from '../../model/model-index.ts';

/** Roles and custom roles are referred to by name and must be declared. */
export const unknownRole: OrgRule = {
  id: 'unknown-role',
  check(model) {
    const ix = indexOf(model);
    const out: Finding[] = [];
    const missing = (kind: 'role' | 'custom role', name: string, subject: string, source: string) => {
      const names = [...(kind === 'role' ? ix.roles : ix.customRoles).keys()];
      out.push({
        severity: 'error',
        rule: this.id,
        subject,
        source,
        message: `${kind} ${JSON.stringify(name)} is not declared (${names.length ? `declared: ${names.join(', ')}` : `no ${kind} is declared`})`,
      });
    };
    for (const g of model.grants) {
      for (const r of g.roles)
        if (!ix.roles.has(r)) missing('role', r, grantSubject(g.user, g.namespace), at(g.source, '.role'));
      for (const r of g.customRoles)
        if (!ix.customRoles.has(r))
          missing('custom role', r, grantSubject(g.user, g.namespace), at(g.source, '.customRole'));
    }
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
};
