/**
 * What `kubectl auth can-i --list` shows: the rules of a SelfSubjectRulesReview (every rule of the
 * bindings that apply to the user in the namespace: RulesFor in plugin/pkg/auth/authorizer/rbac/rbac.go,
 * resource and non-resource rules apart), broken down to one verb, resource and name each and
 * compacted again as kubectl does (staging/src/k8s.io/kubectl/pkg/cmd/auth/cani.go printStatus, with
 * BreakdownRule, CompactRules and SortableRuleSlice of k8s.io/kubectl/pkg/util/rbac).
 */
import type { PolicyRule } from '../model/catalog.ts';
import { byText } from '../model/text.ts';
import type { Authorizer, UserInfo } from './authorizer.ts';

/** A rule as kubectl holds it: every list present (Go's nil and empty both print `[]`). */
export interface ListedRule {
  readonly verbs: readonly string[];
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly resourceNames: readonly string[];
  readonly nonResourceURLs: readonly string[];
}

const listed = (r: Partial<ListedRule> & { verbs: readonly string[] }): ListedRule => ({
  verbs: r.verbs,
  apiGroups: r.apiGroups ?? [],
  resources: r.resources ?? [],
  resourceNames: r.resourceNames ?? [],
  nonResourceURLs: r.nonResourceURLs ?? [],
});

/** The review's rules: a rule with resources is a resource rule, one with URLs a non-resource rule (both, if both). */
function reviewRules(rules: Iterable<PolicyRule>): ListedRule[] {
  const resource: ListedRule[] = [];
  const nonResource: ListedRule[] = [];
  for (const r of rules) {
    if (r.resources?.length)
      resource.push(
        listed({ verbs: r.verbs, apiGroups: r.apiGroups, resources: r.resources, resourceNames: r.resourceNames }),
      );
    if (r.nonResourceURLs?.length) nonResource.push(listed({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs }));
  }
  return [...resource, ...nonResource];
}

/** BreakdownRule: one verb, one group, one resource and at most one name per rule. */
function breakdown(rule: ListedRule): ListedRule[] {
  const out: ListedRule[] = [];
  for (const group of rule.apiGroups)
    for (const resource of rule.resources)
      for (const verb of rule.verbs) {
        if (rule.resourceNames.length)
          for (const name of rule.resourceNames)
            out.push(listed({ verbs: [verb], apiGroups: [group], resources: [resource], resourceNames: [name] }));
        else out.push(listed({ verbs: [verb], apiGroups: [group], resources: [resource] }));
      }
  for (const url of rule.nonResourceURLs)
    for (const verb of rule.verbs) out.push(listed({ verbs: [verb], nonResourceURLs: [url] }));
  return out;
}

/** Go's `%v` of a string slice: `[a b]`, `[]`. */
export const goList = (items: readonly string[]): string => `[${items.join(' ')}]`;

/** PolicyRule.String() (generated), which kubectl sorts by. */
const goString = (r: ListedRule): string =>
  `&PolicyRule{Verbs:${goList(r.verbs)},APIGroups:${goList(r.apiGroups)},Resources:${goList(r.resources)},ResourceNames:${goList(r.resourceNames)},NonResourceURLs:${goList(r.nonResourceURLs)},}`;

/**
 * CompactRules then the stable sort: rules of one group, resource and (at most one) name merge their
 * verbs; non-resource rules stay one per URL and verb, duplicates included (two bootstrap roles both
 * allow get on /healthz, and kubectl prints it twice).
 */
function compactRules(rules: readonly ListedRule[]): ListedRule[] {
  const compacted: ListedRule[] = [];
  const simple = new Map<string, { rule: ListedRule; verbs: string[] }>();
  for (const rule of rules.flatMap(breakdown)) {
    if (rule.nonResourceURLs.length) {
      compacted.push(rule);
      continue;
    }
    const key = JSON.stringify([rule.apiGroups[0], rule.resources[0], rule.resourceNames]);
    const seen = simple.get(key);
    if (!seen) simple.set(key, { rule, verbs: [...rule.verbs] });
    else for (const v of rule.verbs) if (!seen.verbs.includes(v)) seen.verbs.push(v);
  }
  for (const { rule, verbs } of simple.values()) compacted.push({ ...rule, verbs });
  const keyed = compacted.map((r) => [goString(r), r] as const);
  // Array.prototype.sort is stable, as sort.Stable.
  keyed.sort(([a], [b]) => byText(a, b));
  return keyed.map(([, r]) => r);
}

/** describe.CombineResourceGroup: `deployments.apps`, `pods/log`, `deployments.apps/scale`; '' without resources. */
export function combineResourceGroup(resources: readonly string[], groups: readonly string[]): string {
  if (!resources.length) return '';
  const [resource, sub] = resources[0]!.split(/\/(.*)/s, 2) as [string, string | undefined];
  let out = resource;
  if (groups.length && groups[0] !== '') out += `.${groups[0]}`;
  if (sub !== undefined) out += `/${sub}`;
  return out;
}

/** Everything the user may do in the namespace, as `kubectl auth can-i --list -n NS` lists it. */
export function listAccess(authz: Authorizer, user: UserInfo, namespace: string): ListedRule[] {
  const rules: PolicyRule[] = [];
  for (const e of authz.rulesFor(user, namespace)) rules.push(e.rule);
  return compactRules(reviewRules(rules));
}
