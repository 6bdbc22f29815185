import { at, type Finding } from '../../model/findings.ts';
import { grantSubject, type OrgRule } from './context.ts';
import { indexOf } from '../../model/model-index.ts';
import type { OrgModel } from '../../model/model.ts';
import type { RuleId } from '../../model/rules.ts';
import { nearestNameAmong, notDeclaredHint } from '../../model/text.ts';

/** Adds a finding to `out` when a namespace named somewhere is neither declared nor the system namespace. */
function undeclared(rule: RuleId, model: OrgModel, out: Finding[]) {
  const ix = indexOf(model);
  const declared = [...ix.namespaces.keys()].slice(0, 11);
  const meantOf = nearestNameAmong(ix.namespaces.keys());
  return (ns: string, subject: () => string, source: () => string) => {
    if (!ix.namespaces.has(ns) && ns !== model.systemNamespace) {
      out.push({
        severity: 'error',
        rule,
        subject: subject(),
        message: `namespace ${JSON.stringify(ns)} is not declared (${notDeclaredHint(declared, 'namespace', meantOf(ns))})`,
        source: source(),
      });
    }
  };
}

/** The seed: a namespace must exist before access to it is provisioned. */
export const unknownNamespace: OrgRule = {
  id: 'unknown-namespace',
  check(model) {
    const out: Finding[] = [];
    const check = undeclared(this.id, model, out);
    for (const t of model.tokens) {
      t.namespaces.forEach((ns, i) =>
        check(
          ns,
          () => `tokens/${t.id}`,
          () => at(t.source, `.namespaces[${i}]`),
        ),
      );
      for (const r of t.rbac)
        check(
          r.namespace,
          () => `tokens/${t.id}`,
          () => at(r.source, '.namespace'),
        );
    }
    for (const inv of model.invites)
      for (const g of inv.grants)
        check(
          g.namespace,
          () => `invites/${inv.key}`,
          () => at(g.source, '.namespace'),
        );
    return out;
  },
  grant(model, _ctx, out) {
    const ix = indexOf(model);
    const check = undeclared(this.id, model, out);
    // Names and paths are built only for a finding: this runs for every grant.
    return (g) => {
      if (!ix.namespaces.has(g.namespace))
        check(
          g.namespace,
          () => grantSubject(g.user, g.namespace),
          () => at(g.source, '.namespace'),
        );
    };
  },
};
