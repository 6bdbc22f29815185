/**
 * The Kubernetes RBAC authorizer, offline: which rules apply to a user in a namespace
 * (VisitRulesFor in pkg/registry/rbac/validation/rule.go) and whether they allow a request
 * (RuleAllows in plugin/pkg/auth/authorizer/rbac/rbac.go). Bindings are indexed by
 * namespace, so a question looks only at the bindings that can answer it.
 */
import type { PolicyRule } from '../model/catalog.ts';
import { byText } from '../model/text.ts';
import type { BindingObject, LabelSelector, RbacSet, RoleObject, SubjectObject } from './objects.ts';
import { ruleAllows, ruleAllowsNonResource, type ResourceRequest } from './rules.ts';

export interface UserInfo {
  readonly name: string;
  readonly groups: readonly string[];
}

export interface ResourceAttributes {
  readonly verb: string;
  /** '' for cluster-scoped requests. */
  readonly namespace: string;
  readonly apiGroup: string;
  readonly resource: string;
  readonly subresource?: string;
  readonly name?: string;
}

interface NonResourceAttributes {
  readonly verb: string;
  readonly path: string;
}

/** A rule that applies, and where it comes from. */
export interface EffectiveRule {
  readonly rule: PolicyRule;
  readonly ruleIndex: number;
  readonly binding: BindingObject;
  readonly role: RoleObject;
}

export interface Decision {
  readonly allowed: boolean;
  /** The first rule that allows the request, as the authorizer reports it. */
  readonly by?: EffectiveRule;
}

/** How a service account's username begins: `system:serviceaccount:<namespace>:<name>`. */
export const SA_PREFIX = 'system:serviceaccount:';

/**
 * The groups the API server gives a user: those asked for, plus `system:authenticated`, plus a
 * service account's `system:serviceaccounts` and `system:serviceaccounts:<ns>`.
 */
export function userInfo(name: string, groups: readonly string[] = []): UserInfo {
  const all = new Set(groups);
  const sa = serviceAccountOf(name);
  if (sa) {
    all.add('system:serviceaccounts');
    all.add(`system:serviceaccounts:${sa.namespace}`);
  }
  if (name !== 'system:anonymous') all.add('system:authenticated');
  else all.add('system:unauthenticated');
  return { name, groups: [...all] };
}

export const serviceAccountUser = (namespace: string, name: string): string => `${SA_PREFIX}${namespace}:${name}`;

/**
 * The service account a username names, exactly `system:serviceaccount:NS:NAME` (the API server's
 * SplitUsername: two non-empty parts), else undefined: serviceAccountUser's inverse.
 */
export function serviceAccountOf(user: string): { readonly namespace: string; readonly name: string } | undefined {
  if (!user.startsWith(SA_PREFIX)) return undefined;
  const parts = user.slice(SA_PREFIX.length).split(':');
  return parts.length === 2 && parts[0] && parts[1] ? { namespace: parts[0], name: parts[1] } : undefined;
}

/**
 * `NS:NAME` of a username that is exactly `system:serviceaccount:NS:NAME`, else undefined: a User
 * subject of that name is the ServiceAccount (appliesToUser in rule.go matches by name).
 */
export function exactServiceAccountOf(user: string): string | undefined {
  const sa = serviceAccountOf(user);
  return sa && `${sa.namespace}:${sa.name}`;
}

/** Whether a binding's subject is this user (appliesToUser in rule.go). */
function subjectMatches(user: UserInfo, subject: SubjectObject, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return user.name === subject.name;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      // A ServiceAccount subject without a namespace means the binding's own namespace.
      const ns = subject.namespace || bindingNamespace;
      return ns !== '' && user.name === serviceAccountUser(ns, subject.name);
    }
  }
}

function selectorMatches(sel: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const values = e.values ?? [];
    const ok =
      e.operator === 'In'
        ? has && values.includes(labels[e.key]!)
        : e.operator === 'NotIn'
          ? !has || !values.includes(labels[e.key]!)
          : e.operator === 'Exists'
            ? has
            : e.operator === 'DoesNotExist'
              ? !has
              : false;
    if (!ok) return false;
  }
  return true;
}

const ruleKey = (r: PolicyRule): string =>
  JSON.stringify([r.verbs, r.apiGroups, r.resources, r.resourceNames, r.nonResourceURLs]);

/**
 * Resolves aggregated ClusterRoles as the aggregation controller does (syncClusterRole in
 * clusterroleaggregation_controller.go): an aggregated role's rules are those of the ClusterRoles
 * each of its selectors matches in turn, by name, but itself, each rule once; to a fixpoint.
 */
export function resolveAggregation(clusterRoles: readonly RoleObject[]): Map<string, RoleObject> {
  const byName = new Map(clusterRoles.map((r) => [r.name, r]));
  const aggregated = clusterRoles.filter((r) => r.aggregation);
  if (!aggregated.length) return byName;
  // By name, as the controller lists them; their labels never change (only aggregated roles' rules do).
  const roles = [...byName.values()].sort((a, b) => byText(a.name, b.name));
  // Each rule's key made once: every round gathers the same rule objects again, and every can-i
  // builds this before V8 has compiled any of it (the bootstrap roles and the organization's).
  const keys = new Map<PolicyRule, string>();
  const keyOf = (r: PolicyRule): string => {
    let k = keys.get(r);
    if (k === undefined) keys.set(r, (k = ruleKey(r)));
    return k;
  };
  for (let round = 0; round <= aggregated.length; round++) {
    let changed = false;
    for (const agg of aggregated) {
      const seen = new Set<string>();
      const rules: PolicyRule[] = [];
      for (const sel of agg.aggregation!)
        for (const other of roles) {
          if (other.name === agg.name || !selectorMatches(sel, other.labels)) continue;
          for (const r of byName.get(other.name)!.rules) {
            const k = keyOf(r);
            if (!seen.has(k)) {
              seen.add(k);
              rules.push(r);
            }
          }
        }
      const current = byName.get(agg.name)!;
      // The same rules in the same order (the round before gathered these very objects) are the same keys.
      const same =
        rules.length === current.rules.length &&
        rules.every((r, i) => r === current.rules[i] || keyOf(r) === keyOf(current.rules[i]!));
      if (!same) {
        byName.set(agg.name, { ...current, rules });
        changed = true;
      }
    }
    if (!changed) break;
  }
  return byName;
}

/**
 * What a reader of orgctl's output says of a ClusterRole with an aggregationRule, which orgctl never
 * writes: the API server's aggregation controller gives it the rules of every ClusterRole of the
 * cluster its selectors match, the cluster's own (system:aggregate-to-admin, edit) among them, and
 * dist/ holds none of those (red team R129-1).
 */
export const aggregatedRoleNote = (name: string, where: string): string =>
  `ClusterRole ${name} (${where}) has an aggregationRule, which orgctl never writes: the cluster gives it the rules of every ClusterRole there its selectors match, the cluster's own among them, not only those of these manifests`;

/**
 * What a reader of orgctl's output says of a ClusterRole labelled for an aggregated role to gather
 * (`label`: AGGREGATE_TO...), which orgctl never writes: the aggregation controller adds its rules
 * to the built-in admin, edit or view, or to one applied by hand, bound outside dist/ (R129-1, R134-1).
 */
export const gatheredRoleNote = (name: string, where: string, label: string): string =>
  `ClusterRole ${name} (${where}) has the label ${label}, which orgctl never writes: the cluster adds its rules to its own roles, bound outside dist/`;

/** The single request a rule is matched against (ruleAllows), from a request's attributes. */
export function resourceRequestOf(attrs: Omit<ResourceAttributes, 'namespace'>): ResourceRequest {
  return {
    verb: attrs.verb,
    apiGroup: attrs.apiGroup,
    resource: attrs.resource,
    subresource: attrs.subresource ?? '',
    name: attrs.name ?? '',
  };
}

/** Whether any of these bindings names this subject (a user by name, a service account by namespace and name). */
export function namesSubject(
  bindings: readonly BindingObject[],
  kind: SubjectObject['kind'],
  name: string,
  namespace = '',
): boolean {
  return bindings.some((b) =>
    b.subjects.some(
      (s) =>
        s.kind === kind && s.name === name && (kind !== 'ServiceAccount' || (s.namespace || b.namespace) === namespace),
    ),
  );
}

/** The usernames these bindings name: users, and service accounts as Kubernetes names them (serviceAccountUser). */
export const usernamesBound = (bindings: readonly BindingObject[]): string[] =>
  bindings.flatMap((b) =>
    b.subjects.flatMap((s) =>
      s.kind === 'User'
        ? [s.name]
        : s.kind === 'ServiceAccount'
          ? [serviceAccountUser(s.namespace || b.namespace, s.name)]
          : [],
    ),
  );

/**
 * The namespace whose RoleBindings decide a request ('' = ClusterRoleBindings only): its own, except
 * that a request on Namespace object X is evaluated in namespace X (the API server's RequestInfo).
 */
export function requestNamespace(
  attrs: Pick<ResourceAttributes, 'apiGroup' | 'resource' | 'name' | 'namespace'>,
): string {
  return attrs.apiGroup === '' && attrs.resource === 'namespaces' && attrs.name ? attrs.name : attrs.namespace;
}

export class Authorizer {
  private readonly clusterRoles: Map<string, RoleObject>;
  private readonly roles = new Map<string, RoleObject>();
  private readonly clusterBindings: BindingObject[] = [];
  private readonly bindingsByNamespace = new Map<string, BindingObject[]>();

  constructor(public readonly set: RbacSet) {
    this.clusterRoles = resolveAggregation(set.roles.filter((r) => r.kind === 'ClusterRole'));
    for (const r of set.roles) if (r.kind === 'Role') this.roles.set(`${r.namespace}/${r.name}`, r);
    for (const b of set.bindings) {
      if (b.kind === 'ClusterRoleBinding') this.clusterBindings.push(b);
      else {
        const list = this.bindingsByNamespace.get(b.namespace);
        if (list) list.push(b);
        else this.bindingsByNamespace.set(b.namespace, [b]);
      }
    }
  }

  /** The role a binding refers to; undefined when it does not exist (it then grants nothing). */
  roleOf(b: BindingObject): RoleObject | undefined {
    return b.roleRef.kind === 'ClusterRole'
      ? this.clusterRoles.get(b.roleRef.name)
      : this.roles.get(`${b.namespace}/${b.roleRef.name}`);
  }

  /**
   * Bindings whose role does not exist: they grant nothing (rule.go's VisitRulesFor reports the
   * error and goes on), which a reader of the manifests should be told rather than left to guess.
   */
  bindingsWithoutRole(): BindingObject[] {
    return this.set.bindings.filter((b) => !this.roleOf(b));
  }

  /** ClusterRoleBindings, then the RoleBindings of `namespace` ('' = cluster-wide only). */
  bindingsFor(namespace: string): readonly BindingObject[] {
    return namespace
      ? [...this.clusterBindings, ...(this.bindingsByNamespace.get(namespace) ?? [])]
      : this.clusterBindings;
  }

  /** Whether any binding names this subject (a user by name, a service account by namespace and name). */
  namesSubject(kind: SubjectObject['kind'], name: string, namespace = ''): boolean {
    return namesSubject(this.set.bindings, kind, name, namespace);
  }

  /** Whether any RoleBinding is in `namespace` (a lookup, not a sorted list). */
  hasBindingsIn(namespace: string): boolean {
    return this.bindingsByNamespace.has(namespace);
  }

  namespacesWithBindings(): string[] {
    return [...this.bindingsByNamespace.keys()].sort();
  }

  /** Every rule that applies to `user` in `namespace`, in the authorizer's order. */
  *rulesFor(user: UserInfo, namespace: string): Generator<EffectiveRule> {
    for (const binding of this.bindingsFor(namespace)) {
      if (!binding.subjects.some((s) => subjectMatches(user, s, binding.namespace))) continue;
      const role = this.roleOf(binding);
      if (!role) continue;
      for (let i = 0; i < role.rules.length; i++) yield { rule: role.rules[i]!, ruleIndex: i, binding, role };
    }
  }

  authorize(user: UserInfo, attrs: ResourceAttributes): Decision {
    const req = resourceRequestOf(attrs);
    for (const e of this.rulesFor(user, requestNamespace(attrs)))
      if (ruleAllows(e.rule, req)) return { allowed: true, by: e };
    return { allowed: false };
  }

  /** Non-resource URLs are granted only through ClusterRoleBindings. */
  authorizeNonResource(user: UserInfo, attrs: NonResourceAttributes): Decision {
    for (const e of this.rulesFor(user, '')) if (ruleAllowsNonResource(e.rule, attrs)) return { allowed: true, by: e };
    return { allowed: false };
  }
}
