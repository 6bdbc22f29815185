/**
 * The naive baseline: the same organization written as a cdk8s-plus user would without orgctl.
 * One RoleBinding per grant and level, one chart, app.synth(). (ClusterRole.bindInNamespace names
 * its binding after the namespace, so it can bind a role only once per namespace: a user who
 * grants it to many people writes a RoleBinding per grant, as here.)
 * Usage: tsx test/bench/naive.ts SPEC.json OUTDIR
 */
import { readFileSync } from 'node:fs';
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { CATALOG } from '../../model/catalog.ts';
import type { OrgSpec } from '../../constructs/spec.ts';

const [specFile, outdir] = process.argv.slice(2);
const { spec } = JSON.parse(readFileSync(specFile!, 'utf8')) as OrgSpec;
const app = new App({ outdir: outdir! });
// One chart, as a cdk8s user starts; but cdk8s writes a chart with one call whose arguments are
// all its objects, and past about 120,000 the call stack overflows: a user then splits charts.
const CHART_SIZE = 60_000;
let chart = new Chart(app, 'org');
let inChart = 0;
const nextChart = () => {
  if (++inChart > CHART_SIZE) {
    chart = new Chart(app, `org-${app.charts.length}`);
    inChart = 1;
  }
  return chart;
};

const roles = new Map<string, kplus.ClusterRole>();
function roleOf(level: string): kplus.ClusterRole {
  let role = roles.get(level);
  if (!role) {
    role = new kplus.ClusterRole(chart, `role-${level.replace(':', '-')}`, {
      metadata: { name: `acme-${level.replace(':', '-')}` },
    });
    const l = CATALOG.find((x) => x.id === level)!;
    for (const rule of l.rules) {
      for (const group of rule.apiGroups ?? []) {
        for (const resource of rule.resources ?? [])
          role.allow([...rule.verbs], kplus.ApiResource.custom({ apiGroup: group, resourceType: resource }));
      }
    }
    roles.set(level, role);
  }
  return role;
}

const bundles = new Map((spec.roles ?? []).map((r) => [r.name, r.levels]));
const admins = new Set((spec.users ?? []).filter((u) => u.admin).map((u) => u.email));
let n = 0;
const bind = (namespace: string, level: string, subject: kplus.ISubject) =>
  new kplus.RoleBinding(nextChart(), `binding-${n++}`, { metadata: { namespace }, role: roleOf(level) }).addSubjects(
    subject,
  );
for (const g of spec.grants ?? []) {
  const levels = [...(g.levels ?? []), ...(g.role ? (bundles.get(g.role) ?? []) : [])];
  for (const level of levels) bind(g.namespace, level, kplus.User.fromName(chart, `user-${n++}`, g.user));
}
for (const ns of spec.namespaces ?? []) {
  new kplus.Namespace(chart, `ns-${ns.name}`, { metadata: { name: ns.name } });
  for (const email of admins) bind(ns.name, 'w:full', kplus.User.fromName(chart, `user-${n++}`, email));
}
for (const t of spec.tokens ?? []) {
  const sa = new kplus.ServiceAccount(chart, `token-${t.id}`, {
    metadata: { name: `token-${t.id}`, namespace: 'acme-system' },
  });
  for (const ns of t.namespaces ?? []) bind(ns, (t.levels ?? ['w:full'])[0]!, sa);
}
app.synth();
