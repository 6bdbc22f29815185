import type { Finding } from '../../model/findings.ts';
import { at } from '../../model/findings.ts';
import { grantSubject, isAdmin, type OrgRule } from './context.ts';

/** Why the system namespace is refused to anyone but admins. */
const onlyAdmins = (sys: string) => `${sys} holds every token's ServiceAccount: only admins may reach it`;

/** Token ServiceAccounts live in the system namespace: whoever reaches it can take every token. */
export const systemNamespace: OrgRule = {
  id: 'system-namespace',
  check(model) {
    const sys = model.systemNamespace;
    const out: Finding[] = [];
    const why = onlyAdmins(sys);
    for (const n of model.namespaces) {
      if (n.name === sys)
        out.push({
          severity: 'error',
          rule: this.id,
          subject: `namespaces/${n.name}`,
          message: `${sys} is the organization's system namespace and is managed by orgctl (choose another name)`,
          source: at(n.source, '.name'),
        });
    }
    for (const t of model.tokens) {
      t.namespaces.forEach((ns, i) => {
        if (ns === sys)
          out.push({
            severity: 'error',
            rule: this.id,
            subject: `tokens/${t.id}`,
            message: why,
            source: at(t.source, `.namespaces[${i}]`),
          });
      });
      for (const r of t.rbac)
        if (r.namespace === sys)
          out.push({
            severity: 'error',
            rule: this.id,
            subject: `tokens/${t.id}`,
            message: why,
            source: at(r.source, '.namespace'),
          });
    }
    for (const inv of model.invites) {
      for (const g of inv.grants) {
        if (g.namespace === sys && !inv.admin)
          out.push({
            severity: 'error',
            rule: this.id,
            subject: `invites/${inv.key}`,
            message: why,
            source: at(g.source, '.namespace'),
          });
      }
    }
    return out;
  },
  grant(model, _ctx, out) {
    const sys = model.systemNamespace;
    return (g) => {
      if (g.namespace === sys && !isAdmin(model, g.user))
        out.push({
          severity: 'error',
          rule: this.id,
          subject: grantSubject(g.user, sys),
          message: onlyAdmins(sys),
          source: at(g.source, '.namespace'),
        });
    };
  },
};
