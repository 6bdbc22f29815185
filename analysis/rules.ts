/**
 * Rule matching exactly as the Kubernetes RBAC authorizer does it
 * (kubernetes/kubernetes pkg/apis/rbac/v1/evaluation_helpers.go, RuleAllows in
 * plugin/pkg/auth/authorizer/rbac/rbac.go). Case-sensitive throughout.
 */
import type { PolicyRule } from '../model/catalog.ts';

/** A resource request, as the authorizer sees it. */
export interface ResourceRequest {
  readonly verb: string;
  readonly apiGroup: string;
  readonly resource: string;
  /** Empty for none. */
  readonly subresource?: string;
  /** Empty for none (create and deletecollection carry no name). */
  readonly name?: string;
}

interface NonResourceRequest {
  readonly verb: string;
  readonly path: string;
}

const ALL = '*';

/** What the API server refuses in a rule (ValidatePolicyRule, pkg/apis/rbac/validation/validation.go). */
export type RuleDefect = 'no-verbs' | 'namespaced-urls' | 'urls-and-resources' | 'no-api-groups' | 'no-resources';

/**
 * A rule's defects as the API server's validation finds them (ValidatePolicyRule): verbs required;
 * non-resource URLs only in a ClusterRole and never beside API groups, resources or resource
 * names; a resource rule needs an API group and a resource. A role holding one is refused whole.
 */
export function ruleDefects(rule: PolicyRule, namespaced: boolean): RuleDefect[] {
  const out: RuleDefect[] = [];
  if (!rule.verbs.length) out.push('no-verbs');
  if (rule.nonResourceURLs?.length) {
    if (namespaced) out.push('namespaced-urls');
    if (rule.apiGroups?.length || rule.resources?.length || rule.resourceNames?.length) out.push('urls-and-resources');
    return out;
  }
  if (!rule.apiGroups?.length) out.push('no-api-groups');
  if (!rule.resources?.length) out.push('no-resources');
  return out;
}

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.some((v) => v === ALL || v === verb);
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return (rule.apiGroups ?? []).some((g) => g === ALL || g === group);
}

/**
 * `*` matches everything, subresources included; `res/sub` matches exactly; `* /sub`
 * (without the space) matches that subresource of any resource. `pods/*` is literal.
 */
export function resourceMatches(rule: PolicyRule, resource: string, subresource = ''): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  for (const r of rule.resources ?? []) {
    if (r === ALL || r === combined) return true;
    if (subresource && r.length === subresource.length + 2 && r.startsWith('*/') && r.endsWith(subresource))
      return true;
  }
  return false;
}

/** An empty resourceNames list means every name; otherwise the request's name must be listed. */
function resourceNameMatches(rule: PolicyRule, name = ''): boolean {
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(name);
}

/** `*` matches every URL; a trailing `*` is a prefix match; otherwise exact. */
function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  for (const u of rule.nonResourceURLs ?? []) {
    if (u === ALL || u === path) return true;
    if (u.endsWith(ALL) && path.startsWith(u.replace(/\*+$/, ''))) return true; // strings.TrimRight
  }
  return false;
}

export function ruleAllows(rule: PolicyRule, req: ResourceRequest): boolean {
  return (
    verbMatches(rule, req.verb) &&
    apiGroupMatches(rule, req.apiGroup) &&
    resourceMatches(rule, req.resource, req.subresource) &&
    resourceNameMatches(rule, req.name)
  );
}

export function ruleAllowsNonResource(rule: PolicyRule, req: NonResourceRequest): boolean {
  return verbMatches(rule, req.verb) && nonResourceURLMatches(rule, req.path);
}

export function rulesAllow(rules: readonly PolicyRule[], req: ResourceRequest): boolean {
  return rules.some((r) => ruleAllows(r, req));
}

/** One verb on one group's resource (and name), or on one URL: a rule broken down as Kubernetes does (BreakdownRule). */
type AtomicRule =
  | { readonly verb: string; readonly group: string; readonly resource: string; readonly name?: string }
  | { readonly verb: string; readonly url: string };

function breakdown(rule: PolicyRule): AtomicRule[] {
  const out: AtomicRule[] = [];
  for (const group of rule.apiGroups ?? [])
    for (const resource of rule.resources ?? [])
      for (const verb of rule.verbs)
        if (rule.resourceNames?.length)
          for (const name of rule.resourceNames) out.push({ verb, group, resource, name });
        else out.push({ verb, group, resource });
  for (const url of rule.nonResourceURLs ?? []) for (const verb of rule.verbs) out.push({ verb, url });
  return out;
}

/** Whether `owner` covers `sub` (ruleCovers: a resource `x/sub` is covered by `* /sub`, a URL by a prefix ending in `*`). */
function ruleCovers(owner: PolicyRule, sub: AtomicRule): boolean {
  if (!verbMatches(owner, sub.verb)) return false;
  const names = owner.resourceNames ?? [];
  if ('url' in sub) return !names.length && nonResourceURLMatches(owner, sub.url);
  if (!apiGroupMatches(owner, sub.group)) return false;
  // `x/sub` whole (resourceMatches with no subresource: `*` or the very text), else as `*/sub`.
  const slash = sub.resource.indexOf('/');
  if (
    !resourceMatches(owner, sub.resource) &&
    (slash < 0 || !(owner.resources ?? []).includes(`*${sub.resource.slice(slash)}`))
  )
    return false;
  return sub.name === undefined ? !names.length : !names.length || names.includes(sub.name);
}

/**
 * Whether `owner` covers every rule of `servant`, as Kubernetes compares rules (Covers,
 * component-helpers auth/rbac/validation/policy_comparator.go, by which the API server's reconciler
 * finds a bootstrap role's missing and extra rules): each servant rule broken down into one verb
 * on one resource, name or URL, each covered by some owner rule. Neither order counts.
 */
export function rulesCover(owner: readonly PolicyRule[], servant: readonly PolicyRule[]): boolean {
  return servant.every((s) => breakdown(s).every((sub) => owner.some((o) => ruleCovers(o, sub))));
}
