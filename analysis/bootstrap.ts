/**
 * The access every cluster gives before anyone writes RBAC: the API server's bootstrap
 * ClusterRoles and ClusterRoleBindings that reach every user (kubernetes/kubernetes,
 * plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go, as of v1.32):
 *
 * - `system:discovery` (clusterRoles()): get on /livez, /readyz, /healthz, /version, /version/,
 *   /openapi, /openapi/*, /api, /api/*, /apis, /apis/*; bound to Group system:authenticated
 *   (clusterRoleBindings(): `NewClusterBinding("system:discovery").Groups(user.AllAuthenticated)`).
 * - `system:basic-user` (basicUserRules()): create selfsubjectaccessreviews and selfsubjectrulesreviews
 *   in authorization.k8s.io, and selfsubjectreviews in authentication.k8s.io (`kubectl auth whoami`,
 *   GA in 1.28); bound to Group system:authenticated.
 * - `system:public-info-viewer`: get on /livez, /readyz, /healthz, /version, /version/; bound to
 *   Groups system:authenticated and system:unauthenticated.
 * - `system:service-account-issuer-discovery`: get on the OIDC discovery document and keys
 *   (/.well-known/openid-configuration, /openid/v1/jwks, each with a trailing slash too); bound to
 *   Group system:serviceaccounts: every ServiceAccount, so every token.
 * - `system:monitoring`: get on /metrics, /metrics/slis and the health checks with their parts;
 *   bound to Group system:monitoring.
 * - `cluster-admin`: everything; bound to Group system:masters (a client certificate's group; no
 *   RBAC object names it, and no binding or webhook can take it away).
 * - `admin`, `edit`, `view`: bound to nobody, but ClusterRoles a binding may name, and aggregated
 *   (aggregationRule): `view` gathers the roles labelled `rbac.authorization.k8s.io/aggregate-to-view`
 *   (`system:aggregate-to-view`), `edit` those labelled aggregate-to-edit (`system:aggregate-to-edit`
 *   and `view`), `admin` those labelled aggregate-to-admin (`system:aggregate-to-admin` and `edit`).
 *   A manifest's aggregated ClusterRole may select them too. Every other built-in ClusterRole carries
 *   only the label `kubernetes.io/bootstrapping: rbac-defaults`, as `cluster-admin` does, so a selector
 *   that takes one of them takes `cluster-admin` (everything): these are all an aggregation needs.
 *
 * The API server reconciles these at every start (rbac.authorization.kubernetes.io/autoupdate), so
 * a manifest folder never holds them unless it is a dump of a live cluster: a ClusterRole or
 * ClusterRoleBinding of the same name among the manifests is taken instead of the built-in one.
 * Data only: the CLI adds them (cli/rbac.ts); review, diff and proofs compare manifests and never do.
 */
import { POLICY_RULE_FIELDS, type PolicyRule } from '../model/catalog.ts';
import type { BindingObject, RbacSet, RoleObject } from './objects.ts';
import { rulesCover } from './rules.ts';

/** Where the built-in objects say they come from (their `from.file`). */
const BOOTSTRAP_SOURCE = 'Kubernetes bootstrap policy (bootstrappolicy/policy.go)';

const AUTHENTICATED = 'system:authenticated';
const UNAUTHENTICATED = 'system:unauthenticated';

const HEALTH = ['/livez', '/readyz', '/healthz', '/version', '/version/'];

/** The label every built-in role and binding carries (bootstrappolicy's addDefaultMetadata). */
const BOOTSTRAPPING = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };
/** The labels the built-in view, edit and admin select: a role carrying one has its rules added to theirs. */
const AGGREGATE_TO = 'rbac.authorization.k8s.io/aggregate-to-';
/** The first of `labels` (keys) an aggregated role selects by convention (AGGREGATE_TO), if any. */
export const gatheredLabel = (labels: Iterable<string>): string | undefined => {
  for (const k of labels) if (k.startsWith(AGGREGATE_TO)) return k;
  return undefined;
};
const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const READ_WRITE = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** A built-in aggregated ClusterRole: no rules of its own, those of the roles labelled aggregate-to-`to`. */
const aggregating = (to: string, labels: Readonly<Record<string, string>> = {}) => ({
  labels,
  aggregation: [{ matchLabels: { [`${AGGREGATE_TO}${to}`]: 'true' } }],
});

/**
 * The built-in roles an aggregated role gathers (policy.go, as `kubectl get clusterrole -o yaml`
 * prints them on v1.32 and bootstrappolicy/testdata/cluster-roles.yaml records them).
 */
const AGGREGATED: readonly (readonly [name: string, rules: readonly PolicyRule[]])[] = [
  [
    'system:aggregate-to-admin',
    [
      { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['localsubjectaccessreviews'] },
      { verbs: READ_WRITE, apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings', 'roles'] },
    ],
  ],
  [
    'system:aggregate-to-edit',
    [
      {
        verbs: READ,
        apiGroups: [''],
        resources: ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy'],
      },
      { verbs: ['impersonate'], apiGroups: [''], resources: ['serviceaccounts'] },
      {
        verbs: WRITE,
        apiGroups: [''],
        resources: ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy'],
      },
      { verbs: ['create'], apiGroups: [''], resources: ['pods/eviction'] },
      {
        verbs: WRITE,
        apiGroups: [''],
        resources: [
          'configmaps',
          'events',
          'persistentvolumeclaims',
          'replicationcontrollers',
          'replicationcontrollers/scale',
          'secrets',
          'serviceaccounts',
          'services',
          'services/proxy',
        ],
      },
      { verbs: ['create'], apiGroups: [''], resources: ['serviceaccounts/token'] },
      {
        verbs: WRITE,
        apiGroups: ['apps'],
        resources: [
          'daemonsets',
          'deployments',
          'deployments/rollback',
          'deployments/scale',
          'replicasets',
          'replicasets/scale',
          'statefulsets',
          'statefulsets/scale',
        ],
      },
      { verbs: WRITE, apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'] },
      { verbs: WRITE, apiGroups: ['batch'], resources: ['cronjobs', 'jobs'] },
      {
        verbs: WRITE,
        apiGroups: ['extensions'],
        resources: [
          'daemonsets',
          'deployments',
          'deployments/rollback',
          'deployments/scale',
          'ingresses',
          'networkpolicies',
          'replicasets',
          'replicasets/scale',
          'replicationcontrollers/scale',
        ],
      },
      { verbs: WRITE, apiGroups: ['policy'], resources: ['poddisruptionbudgets'] },
      { verbs: WRITE, apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'networkpolicies'] },
      { verbs: READ_WRITE, apiGroups: ['coordination.k8s.io'], resources: ['leases'] },
    ],
  ],
  [
    'system:aggregate-to-view',
    [
      {
        verbs: READ,
        apiGroups: [''],
        resources: [
          'configmaps',
          'endpoints',
          'persistentvolumeclaims',
          'persistentvolumeclaims/status',
          'pods',
          'replicationcontrollers',
          'replicationcontrollers/scale',
          'serviceaccounts',
          'services',
          'services/status',
        ],
      },
      {
        verbs: READ,
        apiGroups: [''],
        resources: [
          'bindings',
          'events',
          'limitranges',
          'namespaces/status',
          'pods/log',
          'pods/status',
          'replicationcontrollers/status',
          'resourcequotas',
          'resourcequotas/status',
        ],
      },
      { verbs: READ, apiGroups: [''], resources: ['namespaces'] },
      { verbs: READ, apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'] },
      {
        verbs: READ,
        apiGroups: ['apps'],
        resources: [
          'controllerrevisions',
          'daemonsets',
          'daemonsets/status',
          'deployments',
          'deployments/scale',
          'deployments/status',
          'replicasets',
          'replicasets/scale',
          'replicasets/status',
          'statefulsets',
          'statefulsets/scale',
          'statefulsets/status',
        ],
      },
      {
        verbs: READ,
        apiGroups: ['autoscaling'],
        resources: ['horizontalpodautoscalers', 'horizontalpodautoscalers/status'],
      },
      { verbs: READ, apiGroups: ['batch'], resources: ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status'] },
      {
        verbs: READ,
        apiGroups: ['extensions'],
        resources: [
          'daemonsets',
          'daemonsets/status',
          'deployments',
          'deployments/scale',
          'deployments/status',
          'ingresses',
          'ingresses/status',
          'networkpolicies',
          'replicasets',
          'replicasets/scale',
          'replicasets/status',
          'replicationcontrollers/scale',
        ],
      },
      { verbs: READ, apiGroups: ['policy'], resources: ['poddisruptionbudgets', 'poddisruptionbudgets/status'] },
      {
        verbs: READ,
        apiGroups: ['networking.k8s.io'],
        resources: ['ingresses', 'ingresses/status', 'networkpolicies'],
      },
    ],
  ],
];

const ROLES: readonly (readonly [name: string, rules: readonly PolicyRule[]])[] = [
  [
    'system:discovery',
    [{ verbs: ['get'], nonResourceURLs: [...HEALTH, '/openapi', '/openapi/*', '/api', '/api/*', '/apis', '/apis/*'] }],
  ],
  [
    'system:basic-user',
    [
      {
        verbs: ['create'],
        apiGroups: ['authorization.k8s.io'],
        resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
      },
      { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] },
    ],
  ],
  ['system:public-info-viewer', [{ verbs: ['get'], nonResourceURLs: HEALTH }]],
  [
    'system:service-account-issuer-discovery',
    [
      {
        verbs: ['get'],
        nonResourceURLs: [
          '/.well-known/openid-configuration',
          '/.well-known/openid-configuration/',
          '/openid/v1/jwks',
          '/openid/v1/jwks/',
        ],
      },
    ],
  ],
  [
    'system:monitoring',
    [
      {
        verbs: ['get'],
        nonResourceURLs: [
          '/metrics',
          '/metrics/slis',
          '/livez',
          '/readyz',
          '/healthz',
          '/livez/*',
          '/readyz/*',
          '/healthz/*',
        ],
      },
    ],
  ],
  [
    'cluster-admin',
    [
      { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
      { verbs: ['*'], nonResourceURLs: ['*'] },
    ],
  ],
];

const BINDINGS: readonly (readonly [name: string, groups: readonly string[]])[] = [
  ['system:discovery', [AUTHENTICATED]],
  ['system:basic-user', [AUTHENTICATED]],
  ['system:public-info-viewer', [AUTHENTICATED, UNAUTHENTICATED]],
  ['system:service-account-issuer-discovery', ['system:serviceaccounts']],
  ['system:monitoring', ['system:monitoring']],
  ['cluster-admin', ['system:masters']],
];

/** Every built-in ClusterRole orgctl knows: those bound to everyone, then the aggregated ones and what they gather. */
const ALL_ROLES: readonly {
  readonly name: string;
  readonly rules: readonly PolicyRule[];
  readonly labels?: Readonly<Record<string, string>>;
  readonly aggregation?: RoleObject['aggregation'];
}[] = [
  ...ROLES.map(([name, rules]) => ({ name, rules })),
  { name: 'admin', rules: [], ...aggregating('admin') },
  { name: 'edit', rules: [], ...aggregating('edit', { [`${AGGREGATE_TO}admin`]: 'true' }) },
  { name: 'view', rules: [], ...aggregating('view', { [`${AGGREGATE_TO}edit`]: 'true' }) },
  ...AGGREGATED.map(([name, rules]) => ({
    name,
    rules,
    labels: { [`${AGGREGATE_TO}${name.slice('system:aggregate-to-'.length)}`]: 'true' },
  })),
];

export const BOOTSTRAP_ROLES: readonly RoleObject[] = ALL_ROLES.map(({ name, rules, labels, aggregation }, index) => ({
  kind: 'ClusterRole',
  name,
  namespace: '',
  rules,
  labels: { ...BOOTSTRAPPING, ...labels },
  ...(aggregation ? { aggregation } : {}),
  from: { file: BOOTSTRAP_SOURCE, index },
}));

export const BOOTSTRAP_BINDINGS: readonly BindingObject[] = BINDINGS.map(([name, groups], index) => ({
  kind: 'ClusterRoleBinding',
  name,
  namespace: '',
  roleRef: { kind: 'ClusterRole', name },
  subjects: groups.map((g) => ({ kind: 'Group', name: g, namespace: '' })),
  from: { file: BOOTSTRAP_SOURCE, index: ALL_ROLES.length + index },
}));

const BOOTSTRAP_NAMES: ReadonlySet<string> = new Set(BINDINGS.map(([name]) => name));

/** Whether a bootstrap ClusterRoleBinding binds ClusterRole `name` (each binds the role of its own name). */
export const isBootstrapRoleName = (name: string): boolean => BOOTSTRAP_NAMES.has(name);

/**
 * Whether a binding is one of the bootstrap ClusterRoleBindings: orgctl's built-in copy, or the
 * same binding in a dump of a live cluster (by name: the API server owns these names).
 */
export function isBootstrapBinding(b: BindingObject): boolean {
  return b.kind === 'ClusterRoleBinding' && BOOTSTRAP_NAMES.has(b.name) && b.roleRef.name === b.name;
}

const BUILT_IN_BINDINGS = new Map(BOOTSTRAP_BINDINGS.map((b) => [b.name, b]));
const BUILT_IN_ROLES = new Map(BOOTSTRAP_ROLES.map((r) => [r.name, r]));
/** A role's rules as text, each rule's fields in one order (a dump's reader and this data write them in others). */
const rulesText = (rules: readonly PolicyRule[]) =>
  JSON.stringify(rules.map((r) => POLICY_RULE_FIELDS.map((f) => r[f] ?? null)));
/** Whether two lists of rules allow the same, as the API server's reconciler compares them (each covers the other), in any order. */
const sameRules = (a: readonly PolicyRule[], b: readonly PolicyRule[]) =>
  rulesText(a) === rulesText(b) || (rulesCover(a, b) && rulesCover(b, a));
/** Whom a binding binds, as every reader writes it (`Group system:authenticated, ...`). */
const subjectsText = (b: BindingObject): string => b.subjects.map((s) => `${s.kind} ${s.name}`).join(', ');

/**
 * Whom the API server's bootstrap binding of ClusterRole `name` binds it to (`Group
 * system:authenticated`), when one does: a role of that name among the manifests is theirs.
 */
function bootstrapHolders(name: string): string | undefined {
  const builtIn = BUILT_IN_BINDINGS.get(name);
  return builtIn && subjectsText(builtIn);
}

/** Whether ClusterRole `name` with `rules` rewrites one the bootstrap bindings bind: its rules are not the built-in's. */
export function rewritesBootstrapRole(name: string, rules: readonly PolicyRule[]): boolean {
  const builtIn = BOOTSTRAP_NAMES.has(name) ? BUILT_IN_ROLES.get(name) : undefined;
  return builtIn !== undefined && !sameRules(rules, builtIn.rules);
}

/** What every reader says of a rewritten bootstrap role `name` (rewrittenNote, the diff's line). */
export const takesThePlace = (name: string): string =>
  `takes the place of the API server's own, which every cluster binds to ${bootstrapHolders(name)}`;

/**
 * The manifests' ClusterRoles named as a role the API server's bootstrap bindings bind, whose rules
 * are not the built-in's: Argo CD applying one rewrites the cluster's own (its reconciler keeps the
 * rules added), so everyone the built-in binding names (system:discovery: every authenticated
 * user) holds them. Counted as written; a reader says so (red team R127-1).
 */
export function rewrittenBootstrapRoles(set: RbacSet): RoleObject[] {
  return set.roles.filter(
    (r) =>
      r.kind === 'ClusterRole' &&
      (rewritesBootstrapRole(r.name, r.rules) || (BOOTSTRAP_NAMES.has(r.name) && r.aggregation !== undefined)),
  );
}

/** What a reader says of a role rewrittenBootstrapRoles finds. */
export function rewrittenNote(r: RoleObject): string {
  return `ClusterRole ${r.name} (${r.from.file}#${r.from.index}) ${takesThePlace(r.name)}: its rules are counted, not the bootstrap policy's (Argo CD applying it gives them to all of them)`;
}

/**
 * Whether `b`, its role `role` as the manifests resolve it, gives no more than the API server's
 * bootstrap binding of its name: its subjects are the built-in binding's (or some of them) and the
 * role has the built-in one's rules and no aggregation. What a reader tells as the baseline every
 * cluster gives (`bootstrap:`, kept off each member's row) must be that: a dump's system:discovery
 * rewritten to allow everything, or a cluster-admin binding naming a User, is someone's grant,
 * shown as what it gives (red team R127-2).
 */
export function isBootstrapAccess(b: BindingObject, role: RoleObject | undefined): boolean {
  if (!isBootstrapBinding(b)) return false;
  const builtIn = BUILT_IN_BINDINGS.get(b.name)!;
  const builtInRole = BUILT_IN_ROLES.get(b.roleRef.name);
  if (!role || !builtInRole || role.aggregation !== undefined || !sameRules(role.rules, builtInRole.rules))
    return false;
  return b.subjects.every(
    (s) => s.kind === 'Group' && builtIn.subjects.some((g) => g.kind === 'Group' && g.name === s.name),
  );
}

/** The set with the bootstrap roles and bindings added, except those the manifests already hold. */
export function withBootstrap(set: RbacSet): RbacSet {
  const roles = new Set(set.roles.filter((r) => r.kind === 'ClusterRole').map((r) => r.name));
  const bindings = new Set(set.bindings.filter((b) => b.kind === 'ClusterRoleBinding').map((b) => b.name));
  return {
    ...set,
    roles: [...set.roles, ...BOOTSTRAP_ROLES.filter((r) => !roles.has(r.name))],
    bindings: [...set.bindings, ...BOOTSTRAP_BINDINGS.filter((b) => !bindings.has(b.name))],
  };
}

/** What --why and explain say of access from a bootstrap binding. */
export function bootstrapNote(b: BindingObject): string {
  return `every cluster binds it to ${subjectsText(b)} (Kubernetes bootstrap policy; --no-bootstrap leaves it out)`;
}
