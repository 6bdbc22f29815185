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
 *
 * The API server reconciles these at every start (rbac.authorization.kubernetes.io/autoupdate), so
 * a manifest folder never holds them unless it is a dump of a live cluster: a ClusterRole or
 * ClusterRoleBinding of the same name among the manifests is taken instead of the built-in one.
 * Data only: the CLI adds them (cli/rbac.ts); review, diff and proofs compare manifests and never do.
 */
import type { PolicyRule } from '../model/catalog.ts';
import type { BindingObject, RbacSet, RoleObject } from './objects.ts';

/** Where the built-in objects say they come from (their `from.file`). */
const BOOTSTRAP_SOURCE = 'Kubernetes bootstrap policy (bootstrappolicy/policy.go)';

const AUTHENTICATED = 'system:authenticated';
const UNAUTHENTICATED = 'system:unauthenticated';

const HEALTH = ['/livez', '/readyz', '/healthz', '/version', '/version/'];

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

export const BOOTSTRAP_ROLES: readonly RoleObject[] = ROLES.map(([name, rules], index) => ({
  kind: 'ClusterRole',
  name,
  namespace: '',
  rules,
  labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' },
  from: { file: BOOTSTRAP_SOURCE, index },
}));

export const BOOTSTRAP_BINDINGS: readonly BindingObject[] = BINDINGS.map(([name, groups], index) => ({
  kind: 'ClusterRoleBinding',
  name,
  namespace: '',
  roleRef: { kind: 'ClusterRole', name },
  subjects: groups.map((g) => ({ kind: 'Group', name: g, namespace: '' })),
  from: { file: BOOTSTRAP_SOURCE, index: ROLES.length + index },
}));

const BOOTSTRAP_NAMES: ReadonlySet<string> = new Set(BINDINGS.map(([name]) => name));

/**
 * Whether a binding is one of the bootstrap ClusterRoleBindings: orgctl's built-in copy, or the
 * same binding in a dump of a live cluster (by name: the API server owns these names).
 */
export function isBootstrapBinding(b: BindingObject): boolean {
  return b.kind === 'ClusterRoleBinding' && BOOTSTRAP_NAMES.has(b.name) && b.roleRef.name === b.name;
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
  const who = b.subjects.map((s) => `${s.kind} ${s.name}`).join(', ');
  return `every cluster binds it to ${who} (Kubernetes bootstrap policy; --no-bootstrap leaves it out)`;
}
