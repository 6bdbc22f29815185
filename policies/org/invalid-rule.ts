import type { PolicyRule } from '../../model/catalog.ts';
import type { Finding, Source } from '../../model/findings.ts';
import { at } from '../../model/findings.ts';
import { grantSubject, type OrgRule } from './context.ts';
import type { RuleId } from '../../model/rules.ts';
import { ruleDefects } from '../../analysis/rules.ts';

/** Adds a finding to `out` for each problem of each rule of `rules`. */
const judgeRules = (rule: RuleId, out: Finding[]) => (rules: readonly PolicyRule[], subject: string, source: Source) =>
  rules.forEach((r, i) => {
    for (const problem of ruleProblems(r))
      out.push({
        severity: 'error',
        rule,
        subject,
        message: `rule ${i} ${problem}`,
        source: at(source, `.rules[${i}]`),
      });
  });

/**
 * What the API server refuses in a namespaced Role's rule (custom roles, inline rules and token
 * RBAC all become Roles: ruleDefects), said for the person who declared it. The Kubernetes schema
 * check cannot see these.
 */
function ruleProblems(rule: PolicyRule): string[] {
  const defects = ruleDefects(rule, true);
  if (defects.includes('namespaced-urls'))
    return ['nonResourceURLs are cluster-wide: a namespaced Role cannot grant them (ask an admin for cluster access)'];
  const out: string[] = [];
  if (defects.includes('no-api-groups'))
    out.push('names no apiGroups (use [""] for the core group: pods, services, configmaps)');
  if (defects.includes('no-resources')) out.push('names no resources (e.g. ["pods"], or ["*"])');
  return out;
}

export const invalidRule: OrgRule = {
  id: 'invalid-rule',
  grantsWith: 'rules',
  check(model) {
    const out: Finding[] = [];
    const judge = judgeRules(this.id, out);
    for (const r of model.customRoles) judge(r.rules, `customRoles/${r.name}`, r.source);
    for (const t of model.tokens) for (const r of t.rbac) judge(r.rules, `tokens/${t.id}`, r.source);
    return out;
  },
  grant(_model, _ctx, out) {
    const judge = judgeRules(this.id, out);
    // The subject is built only for a grant with rules (grantsWith keeps the others away; this keeps the judge whole).
    return (g) => {
      if (g.rules.length) judge(g.rules, grantSubject(g.user, g.namespace), g.source);
    };
  },
};
