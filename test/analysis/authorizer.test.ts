/**
 * Request / rule / binding vectors with the answer the Kubernetes RBAC authorizer gives,
 * each traced to the rule it exercises (evaluation_helpers.go, rbac.go RuleAllows,
 * rule.go VisitRulesFor and appliesToUser, the aggregation controller).
 */
import { describe, expect, it } from 'vitest';
import type { PolicyRule } from '../../model/catalog.ts';
import { Authorizer, resolveAggregation, userInfo, type ResourceAttributes } from '../../analysis/authorizer.ts';
import { readRbac } from '../../analysis/objects.ts';

type Obj = Record<string, unknown>;
const RBAC = 'rbac.authorization.k8s.io/v1';
const clusterRole = (name: string, rules: PolicyRule[], extra: Obj = {}): Obj => ({
  apiVersion: RBAC,
  kind: 'ClusterRole',
  metadata: { name, ...((extra.labels ? { labels: extra.labels } : {}) as Obj) },
  rules,
  ...(extra.aggregationRule ? { aggregationRule: extra.aggregationRule } : {}),
});
const role = (ns: string, name: string, rules: PolicyRule[]): Obj => ({
  apiVersion: RBAC,
  kind: 'Role',
  metadata: { name, namespace: ns },
  rules,
});
const user = (name: string) => ({ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name });
const rb = (ns: string, roleKind: 'Role' | 'ClusterRole', roleName: string, subjects: Obj[]): Obj => ({
  apiVersion: RBAC,
  kind: 'RoleBinding',
  metadata: { name: `rb-${roleName}`, namespace: ns },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name: roleName },
  subjects,
});
const crb = (roleName: string, subjects: Obj[]): Obj => ({
  apiVersion: RBAC,
  kind: 'ClusterRoleBinding',
  metadata: { name: `crb-${roleName}` },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
  subjects,
});

const BOB = [user('bob')];
/** A ClusterRole with `rules` bound to bob in namespace web. */
const inWeb = (rules: PolicyRule[]): Obj[] => [clusterRole('r', rules), rb('web', 'ClusterRole', 'r', BOB)];
/** The same bound cluster-wide. */
const everywhere = (rules: PolicyRule[]): Obj[] => [clusterRole('r', rules), crb('r', BOB)];

const req = (verb: string, resource: string, opts: Partial<ResourceAttributes> = {}): ResourceAttributes => ({
  verb,
  namespace: 'web',
  apiGroup: '',
  resource,
  ...opts,
});

interface Vector {
  readonly why: string;
  readonly objects: Obj[];
  readonly as?: { name: string; groups?: string[] };
  readonly request: ResourceAttributes | { verb: string; path: string };
  readonly allowed: boolean;
}

const GET_PODS: PolicyRule = { apiGroups: [''], resources: ['pods'], verbs: ['get'] };

const VECTORS: Vector[] = [
  // VerbMatches
  { why: 'verb listed exactly', objects: inWeb([GET_PODS]), request: req('get', 'pods'), allowed: true },
  { why: 'verb not listed', objects: inWeb([GET_PODS]), request: req('list', 'pods'), allowed: false },
  {
    why: 'verb * matches every verb',
    objects: inWeb([{ apiGroups: [''], resources: ['pods'], verbs: ['*'] }]),
    request: req('deletecollection', 'pods'),
    allowed: true,
  },
  {
    why: 'verbs are case-sensitive',
    objects: inWeb([{ apiGroups: [''], resources: ['pods'], verbs: ['Get'] }]),
    request: req('get', 'pods'),
    allowed: false,
  },
  // APIGroupMatches
  { why: '"" is the core group', objects: inWeb([GET_PODS]), request: req('get', 'pods'), allowed: true },
  {
    why: '"" is the core group only',
    objects: inWeb([{ apiGroups: [''], resources: ['deployments'], verbs: ['get'] }]),
    request: req('get', 'deployments', { apiGroup: 'apps' }),
    allowed: false,
  },
  {
    why: 'apiGroup * matches every group',
    objects: inWeb([{ apiGroups: ['*'], resources: ['deployments'], verbs: ['get'] }]),
    request: req('get', 'deployments', { apiGroup: 'apps' }),
    allowed: true,
  },
  {
    why: 'another group does not match',
    objects: inWeb([{ apiGroups: ['extensions'], resources: ['deployments'], verbs: ['get'] }]),
    request: req('get', 'deployments', { apiGroup: 'apps' }),
    allowed: false,
  },
  {
    why: 'no apiGroups matches nothing',
    objects: inWeb([{ resources: ['pods'], verbs: ['get'] }]),
    request: req('get', 'pods'),
    allowed: false,
  },
  // ResourceMatches
  {
    why: 'resource * matches every resource',
    objects: inWeb([{ apiGroups: [''], resources: ['*'], verbs: ['get'] }]),
    request: req('get', 'secrets'),
    allowed: true,
  },
  {
    why: 'resource * covers subresources',
    objects: inWeb([{ apiGroups: [''], resources: ['*'], verbs: ['get'] }]),
    request: req('get', 'pods', { subresource: 'exec' }),
    allowed: true,
  },
  {
    why: 'a resource does not cover its subresources',
    objects: inWeb([GET_PODS]),
    request: req('get', 'pods', { subresource: 'exec' }),
    allowed: false,
  },
  {
    why: 'res/sub matches exactly',
    objects: inWeb([{ apiGroups: [''], resources: ['pods/exec'], verbs: ['get'] }]),
    request: req('get', 'pods', { subresource: 'exec' }),
    allowed: true,
  },
  {
    why: '*/sub matches that subresource of any resource',
    objects: inWeb([{ apiGroups: [''], resources: ['*/exec'], verbs: ['get'] }]),
    request: req('get', 'pods', { subresource: 'exec' }),
    allowed: true,
  },
  {
    why: '*/sub does not match the resource itself',
    objects: inWeb([{ apiGroups: [''], resources: ['*/exec'], verbs: ['get'] }]),
    request: req('get', 'pods'),
    allowed: false,
  },
  {
    // evaluation_helpers.go ResourceMatches: len(ruleResource) == len(subresource)+2, so only `*/exec` itself.
    why: '*/sub names that subresource exactly, not one ending in it',
    objects: inWeb([{ apiGroups: [''], resources: ['*/xexec'], verbs: ['get'] }]),
    request: req('get', 'pods', { subresource: 'exec' }),
    allowed: false,
  },
  {
    why: 'pods/* is literal, not a wildcard',
    objects: inWeb([{ apiGroups: [''], resources: ['pods/*'], verbs: ['get'] }]),
    request: req('get', 'pods', { subresource: 'exec' }),
    allowed: false,
  },
  {
    why: '*/* is literal, not a wildcard',
    objects: inWeb([{ apiGroups: [''], resources: ['*/*'], verbs: ['get'] }]),
    request: req('get', 'pods', { subresource: 'log' }),
    allowed: false,
  },
  {
    why: 'resources are case-sensitive',
    objects: inWeb([{ apiGroups: [''], resources: ['Pods'], verbs: ['get'] }]),
    request: req('get', 'pods'),
    allowed: false,
  },
  // ResourceNameMatches
  {
    why: 'resourceNames lists the name',
    objects: inWeb([{ ...GET_PODS, resourceNames: ['web-1'] }]),
    request: req('get', 'pods', { name: 'web-1' }),
    allowed: true,
  },
  {
    why: 'resourceNames does not list the name',
    objects: inWeb([{ ...GET_PODS, resourceNames: ['web-1'] }]),
    request: req('get', 'pods', { name: 'web-2' }),
    allowed: false,
  },
  {
    why: 'a named rule does not allow list (no name)',
    objects: inWeb([{ apiGroups: [''], resources: ['pods'], verbs: ['list'], resourceNames: ['web-1'] }]),
    request: req('list', 'pods'),
    allowed: false,
  },
  {
    why: 'create carries no name: a named rule cannot allow it',
    objects: inWeb([{ apiGroups: [''], resources: ['pods'], verbs: ['create'], resourceNames: ['web-1'] }]),
    request: req('create', 'pods'),
    allowed: false,
  },
  {
    why: 'empty resourceNames means every name',
    objects: inWeb([GET_PODS]),
    request: req('get', 'pods', { name: 'anything' }),
    allowed: true,
  },
  // NonResourceURLMatches, only through ClusterRoleBindings
  {
    why: 'exact non-resource URL',
    objects: everywhere([{ nonResourceURLs: ['/healthz'], verbs: ['get'] }]),
    request: { verb: 'get', path: '/healthz' },
    allowed: true,
  },
  {
    why: 'non-resource URLs never through a RoleBinding',
    objects: inWeb([{ nonResourceURLs: ['/healthz'], verbs: ['get'] }]),
    request: { verb: 'get', path: '/healthz' },
    allowed: false,
  },
  {
    why: 'trailing * is a prefix',
    objects: everywhere([{ nonResourceURLs: ['/api/*'], verbs: ['get'] }]),
    request: { verb: 'get', path: '/api/v1' },
    allowed: true,
  },
  {
    why: '* matches every URL',
    objects: everywhere([{ nonResourceURLs: ['*'], verbs: ['get'] }]),
    request: { verb: 'get', path: '/metrics' },
    allowed: true,
  },
  {
    why: 'no prefix match without *',
    objects: everywhere([{ nonResourceURLs: ['/api'], verbs: ['get'] }]),
    request: { verb: 'get', path: '/apis' },
    allowed: false,
  },
  {
    why: 'a resource rule allows no URL',
    objects: everywhere([{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]),
    request: { verb: 'get', path: '/healthz' },
    allowed: false,
  },
  // VisitRulesFor: which bindings apply
  {
    why: 'RoleBinding to a Role applies in its namespace',
    objects: [role('web', 'r', [GET_PODS]), rb('web', 'Role', 'r', BOB)],
    request: req('get', 'pods'),
    allowed: true,
  },
  {
    why: 'RoleBinding applies only in its namespace',
    objects: [role('web', 'r', [GET_PODS]), rb('web', 'Role', 'r', BOB)],
    request: req('get', 'pods', { namespace: 'data' }),
    allowed: false,
  },
  {
    why: 'RoleBinding to a ClusterRole grants inside its namespace only',
    objects: inWeb([GET_PODS]),
    request: req('get', 'pods', { namespace: 'data' }),
    allowed: false,
  },
  {
    why: 'ClusterRoleBinding grants in every namespace',
    objects: everywhere([GET_PODS]),
    request: req('get', 'pods', { namespace: 'data' }),
    allowed: true,
  },
  {
    why: 'cluster-scoped resources never through a RoleBinding',
    objects: inWeb([{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }]),
    request: req('get', 'nodes', { namespace: '' }),
    allowed: false,
  },
  {
    why: 'cluster-scoped resources through a ClusterRoleBinding',
    objects: everywhere([{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }]),
    request: req('get', 'nodes', { namespace: '' }),
    allowed: true,
  },
  {
    why: 'a request on Namespace X is evaluated in namespace X',
    objects: inWeb([{ apiGroups: [''], resources: ['namespaces'], verbs: ['get'] }]),
    request: req('get', 'namespaces', { namespace: '', name: 'web' }),
    allowed: true,
  },
  {
    why: '... and not in another namespace',
    objects: inWeb([{ apiGroups: [''], resources: ['namespaces'], verbs: ['get'] }]),
    request: req('get', 'namespaces', { namespace: '', name: 'data' }),
    allowed: false,
  },
  {
    why: 'a missing role grants nothing',
    objects: [rb('web', 'ClusterRole', 'nope', BOB)],
    request: req('get', 'pods'),
    allowed: false,
  },
  {
    why: 'a RoleBinding names a Role of its own namespace only',
    objects: [role('data', 'r', [GET_PODS]), rb('web', 'Role', 'r', BOB)],
    request: req('get', 'pods'),
    allowed: false,
  },
  // appliesToUser
  { why: 'User subject matches the user name', objects: inWeb([GET_PODS]), request: req('get', 'pods'), allowed: true },
  {
    why: 'User subject of someone else',
    objects: inWeb([GET_PODS]),
    as: { name: 'eve' },
    request: req('get', 'pods'),
    allowed: false,
  },
  {
    why: 'Group subject matches a group of the user',
    objects: [clusterRole('r', [GET_PODS]), rb('web', 'ClusterRole', 'r', [{ kind: 'Group', name: 'devs' }])],
    as: { name: 'eve', groups: ['devs'] },
    request: req('get', 'pods'),
    allowed: true,
  },
  {
    why: 'every authenticated user is in system:authenticated',
    objects: [
      clusterRole('r', [GET_PODS]),
      rb('web', 'ClusterRole', 'r', [{ kind: 'Group', name: 'system:authenticated' }]),
    ],
    as: { name: 'eve' },
    request: req('get', 'pods'),
    allowed: true,
  },
  {
    why: 'ServiceAccount subject with its namespace',
    objects: [
      clusterRole('r', [GET_PODS]),
      rb('web', 'ClusterRole', 'r', [{ kind: 'ServiceAccount', name: 'ci', namespace: 'tools' }]),
    ],
    as: { name: 'system:serviceaccount:tools:ci' },
    request: req('get', 'pods'),
    allowed: true,
  },
  {
    why: "ServiceAccount subject without namespace: the RoleBinding's",
    objects: [clusterRole('r', [GET_PODS]), rb('web', 'ClusterRole', 'r', [{ kind: 'ServiceAccount', name: 'ci' }])],
    as: { name: 'system:serviceaccount:web:ci' },
    request: req('get', 'pods'),
    allowed: true,
  },
  {
    why: 'ServiceAccount subject without namespace in a ClusterRoleBinding matches nobody',
    objects: [clusterRole('r', [GET_PODS]), crb('r', [{ kind: 'ServiceAccount', name: 'ci' }])],
    as: { name: 'system:serviceaccount:web:ci' },
    request: req('get', 'pods'),
    allowed: false,
  },
  {
    why: 'ServiceAccount subject without namespace in a ClusterRoleBinding is not the user of an empty namespace',
    objects: [clusterRole('r', [GET_PODS]), crb('r', [{ kind: 'ServiceAccount', name: 'ci' }])],
    as: { name: 'system:serviceaccount::ci' },
    request: req('get', 'pods'),
    allowed: false,
  },
  {
    why: 'service accounts are in system:serviceaccounts:<ns>',
    objects: [
      clusterRole('r', [GET_PODS]),
      rb('web', 'ClusterRole', 'r', [{ kind: 'Group', name: 'system:serviceaccounts:tools' }]),
    ],
    as: { name: 'system:serviceaccount:tools:ci' },
    request: req('get', 'pods'),
    allowed: true,
  },
  {
    why: 'a user is not in system:serviceaccounts',
    objects: [
      clusterRole('r', [GET_PODS]),
      rb('web', 'ClusterRole', 'r', [{ kind: 'Group', name: 'system:serviceaccounts' }]),
    ],
    as: { name: 'bob' },
    request: req('get', 'pods'),
    allowed: false,
  },
  {
    why: 'subject kinds are exact: user is not a group',
    objects: [clusterRole('r', [GET_PODS]), rb('web', 'ClusterRole', 'r', [{ kind: 'Group', name: 'bob' }])],
    request: req('get', 'pods'),
    allowed: false,
  },
  // Aggregation controller
  {
    why: 'an aggregated ClusterRole takes the rules of the roles it selects',
    objects: [
      clusterRole('view-pods', [GET_PODS], { labels: { 'agg/view': 'true' } }),
      clusterRole('agg', [], { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'agg/view': 'true' } }] } }),
      rb('web', 'ClusterRole', 'agg', BOB),
    ],
    request: req('get', 'pods'),
    allowed: true,
  },
  {
    why: 'aggregation resolves to a fixpoint (an aggregated role of an aggregated role)',
    objects: [
      clusterRole('base', [GET_PODS], { labels: { tier: 'view' } }),
      clusterRole('edit', [], {
        labels: { tier: 'edit' },
        aggregationRule: { clusterRoleSelectors: [{ matchLabels: { tier: 'view' } }] },
      }),
      clusterRole('admin', [], {
        aggregationRule: {
          clusterRoleSelectors: [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['edit'] }] }],
        },
      }),
      rb('web', 'ClusterRole', 'admin', BOB),
    ],
    request: req('get', 'pods'),
    allowed: true,
  },
  {
    // The controller re-syncs a role whenever one it selects changes: declared outer first, the
    // inner role's rules reach the outer one only in a later round.
    why: 'aggregation resolves to a fixpoint whatever order the roles are declared in',
    objects: [
      clusterRole('admin', [], {
        aggregationRule: { clusterRoleSelectors: [{ matchLabels: { tier: 'edit' } }] },
      }),
      clusterRole('edit', [], {
        labels: { tier: 'edit' },
        aggregationRule: { clusterRoleSelectors: [{ matchLabels: { tier: 'view' } }] },
      }),
      clusterRole('base', [GET_PODS], { labels: { tier: 'view' } }),
      rb('web', 'ClusterRole', 'admin', BOB),
    ],
    request: req('get', 'pods'),
    allowed: true,
  },
  {
    // A label selector's NotIn matches a role without the key (apimachinery labels.Requirement.Matches).
    why: 'a NotIn selector selects roles that lack the key',
    objects: [
      clusterRole('base', [GET_PODS]),
      clusterRole('agg', [], {
        aggregationRule: {
          clusterRoleSelectors: [{ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['secret'] }] }],
        },
      }),
      rb('web', 'ClusterRole', 'agg', BOB),
    ],
    request: req('get', 'pods'),
    allowed: true,
  },
  {
    why: "an aggregated role's own rules are replaced by the union of what it selects",
    objects: [
      clusterRole('agg', [GET_PODS], { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { none: 'x' } }] } }),
      rb('web', 'ClusterRole', 'agg', BOB),
    ],
    request: req('get', 'pods'),
    allowed: false,
  },
  {
    // clusterroleaggregation_controller.go syncClusterRole: `if clusterRoles[i].Name == sharedClusterRole.Name { continue }`.
    why: 'an aggregated role its own selector matches does not take its own rules (the controller skips itself)',
    objects: [
      clusterRole('agg', [GET_PODS], {
        labels: { 'agg/view': 'true' },
        aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'agg/view': 'true' } }] },
      }),
      rb('web', 'ClusterRole', 'agg', BOB),
    ],
    request: req('get', 'pods'),
    allowed: false,
  },
];

describe('RBAC authorizer vectors', () => {
  it('has at least 40 vectors', () => expect(VECTORS.length).toBeGreaterThanOrEqual(40));

  it.each(VECTORS.map((v) => [v.why, v] as const))('%s', (_why, v) => {
    const authz = new Authorizer(readRbac(v.objects.map((object, index) => ({ file: 'vector', index, object }))));
    const who = userInfo(v.as?.name ?? 'bob', v.as?.groups ?? []);
    const d = 'path' in v.request ? authz.authorizeNonResource(who, v.request) : authz.authorize(who, v.request);
    expect(d.allowed).toBe(v.allowed);
    if (d.allowed) expect(d.by?.binding).toBeDefined();
  });
});

describe('helpers', () => {
  it('userInfo adds the groups the API server adds', () => {
    expect(userInfo('bob').groups).toEqual(['system:authenticated']);
    expect(new Set(userInfo('system:serviceaccount:ns:x', ['g']).groups)).toEqual(
      new Set(['g', 'system:serviceaccounts', 'system:serviceaccounts:ns', 'system:authenticated']),
    );
  });

  it("resolveAggregation orders rules as the controller does: selector by selector, each one's roles by name, once each", () => {
    const LIST_PODS = { ...GET_PODS, verbs: ['list'] };
    const set = readRbac(
      [
        clusterRole('b', [GET_PODS], { labels: { first: 'y' } }),
        clusterRole('a', [LIST_PODS, GET_PODS], { labels: { second: 'y' } }),
        clusterRole('agg', [], {
          aggregationRule: {
            clusterRoleSelectors: [{ matchLabels: { first: 'y' } }, { matchLabels: { second: 'y' } }],
          },
        }),
      ].map((object, index) => ({ file: 'x', index, object })),
    );
    expect(resolveAggregation(set.roles).get('agg')?.rules).toEqual([GET_PODS, LIST_PODS]);
  });

  it("namesSubject reads a ServiceAccount subject without a namespace as the RoleBinding's namespace", () => {
    const authz = new Authorizer(
      readRbac(
        [clusterRole('r', [GET_PODS]), rb('web', 'ClusterRole', 'r', [{ kind: 'ServiceAccount', name: 'ci' }])].map(
          (object, index) => ({ file: 'x', index, object }),
        ),
      ),
    );
    expect(authz.namesSubject('ServiceAccount', 'ci', 'web')).toBe(true);
    expect(authz.namesSubject('ServiceAccount', 'ci', 'tools')).toBe(false);
  });

  it('resolveAggregation leaves plain roles alone', () => {
    const set = readRbac([{ file: 'x', index: 0, object: clusterRole('a', [GET_PODS]) }]);
    expect(resolveAggregation(set.roles).get('a')?.rules).toEqual([GET_PODS]);
  });

  it('malformed RBAC objects are reported with file and index, and ignored', () => {
    const set = readRbac([
      {
        file: 'a.yaml',
        index: 0,
        object: { apiVersion: RBAC, kind: 'RoleBinding', metadata: { name: 'x', namespace: 'web' }, subjects: [] },
      },
      {
        file: 'a.yaml',
        index: 1,
        object: {
          apiVersion: RBAC,
          kind: 'RoleBinding',
          metadata: { name: 'y', namespace: 'web' },
          roleRef: { kind: 'ClusterRole', name: 'r' },
          subjects: [{ kind: 'Robot', name: 'r2' }],
        },
      },
      {
        file: 'a.yaml',
        index: 2,
        object: { apiVersion: RBAC, kind: 'Role', metadata: { name: 'z', namespace: 'web' }, rules: 'all' },
      },
      { file: 'a.yaml', index: 3, object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } } },
      { file: 'a.yaml', index: 4, object: 'just a string' },
    ]);
    expect(set.problems).toEqual([
      'a.yaml#0: RoleBinding "x": roleRef is missing',
      'a.yaml#1: RoleBinding "y": subjects[0].kind "Robot" is not User, Group or ServiceAccount',
      'a.yaml#2: Role "z": rules is not a list',
    ]);
    expect(set.roles).toEqual([]);
    expect(set.bindings).toEqual([]);
  });
});
