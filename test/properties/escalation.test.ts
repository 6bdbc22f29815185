/**
 * Escalation cannot pass. The requests reserved for admins are data here, written from the
 * Kubernetes sources (not from analysis/classes.ts): every (verb, group, resource/subresource)
 * a non-admin must never be allowed. Random rules are checked against it three ways:
 * - every rule the analysis calls harmless allows no reserved request, by the project's own rule
 *   matcher (analysis/rules.ts, which mirrors evaluation_helpers.go), for every name it lists;
 * - a non-admin's custom role fails synthesis exactly when an independent matcher says it reaches
 *   a reserved request;
 * - custom roles and inline rules never reach a reserved request without `forbidden-grant` firing
 *   in the public policy function (runPolicies, what `orgctl check` runs).
 * So the next missing subresource is found by a test, not an attacker.
 */
import { Construct } from 'constructs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PolicyRule } from '../../model/catalog.ts';
import { Organization } from '../../constructs/index.ts';
import { synthesize } from '../../constructs/synthesize.ts';
import { runPolicies } from '../../policies/org/index.ts';
import { CLASS_BY_ID, classesOfRule, type Scope } from '../../analysis/classes.ts';
import {
  POD_CREATING_GROUPS,
  REACHING_SUBRESOURCES,
  SECRET_MAKING_GROUPS,
} from '../../analysis/custom-resource-classes.ts';
import { ruleAllows, type ResourceRequest } from '../../analysis/rules.ts';
import { TODAY, smallOrg } from '../helpers.ts';

const RUNS = Number(process.env.ORGCTL_PROPERTY_RUNS ?? 500);
const SEED = Number(process.env.ORGCTL_PROPERTY_SEED ?? Date.now() % 2 ** 31);

const RBAC = 'rbac.authorization.k8s.io';
/** A resource no rule names: only `*` reaches it (a custom resource orgctl has never heard of). */
const UNHEARD = 'unheard-of';
/** Groups Kubernetes does not serve itself, as rules below may name them; `unheard.example` only `*` reaches. */
const FOREIGN_GROUPS = [
  'argoproj.io',
  'tekton.dev',
  'kubevirt.io',
  'subresources.kubevirt.io',
  'serving.knative.dev',
  'example.com',
  'external-secrets.io',
  'extensions',
  'unheard.example',
];

const VERBS = [
  'get',
  'list',
  'watch',
  'create',
  'update',
  'patch',
  'delete',
  'deletecollection',
  '*',
  'escalate',
  'bind',
  'impersonate',
  // Constrained impersonation (KEP-5284, alpha in Kubernetes 1.35, beta and on by default in 1.36).
  'impersonate:serviceaccount',
  'impersonate:user-info',
  'impersonate:arbitrary-node',
  'impersonate:associated-node',
  'impersonate-on:serviceaccount:get',
  'approve',
];
const GROUPS = [
  '',
  'apps',
  'batch',
  RBAC,
  '*',
  'certificates.k8s.io',
  'authentication.k8s.io',
  'networking.k8s.io',
  ...FOREIGN_GROUPS.filter((g) => g !== 'unheard.example'),
];
const RESOURCES = [
  'pods',
  'pods/exec',
  'pods/attach',
  'pods/log',
  'pods/ephemeralcontainers',
  'pods/portforward',
  'pods/proxy',
  'pods/status',
  'pods/eviction',
  'pods/*',
  '*/exec',
  '*/attach',
  '*/proxy',
  '*/portforward',
  '*/*',
  '*',
  'deployments',
  'replicasets',
  'statefulsets',
  'daemonsets',
  'jobs',
  'cronjobs',
  'replicationcontrollers',
  'secrets',
  'secrets/*',
  'serviceaccounts',
  'serviceaccounts/token',
  'configmaps',
  'services',
  'services/proxy',
  'services/status',
  'roles',
  'rolebindings',
  'clusterroles',
  'clusterrolebindings',
  'users',
  'groups',
  'uids',
  'userextras/scopes',
  'nodes',
  'nodes/proxy',
  'nodes/log',
  'nodes/stats',
  'nodes/metrics',
  'nodes/checkpoint',
  'nodes/pods',
  'nodes/*',
  'ingresses',
  'Pods',
  'workflows',
  'workflowtemplates',
  'rollouts',
  'applications',
  'taskruns',
  'pipelines',
  'virtualmachines',
  'revisions',
  'foos',
  'externalsecrets',
  'clusterexternalsecrets',
  'virtualmachineinstances/console',
  'virtualmachineinstances/vnc',
  '*/console',
];

type Triple = readonly [verb: string, group: string, resource: string];
const cross = (verbs: readonly string[], group: string, resources: readonly string[]): Triple[] =>
  verbs.flatMap((v) => resources.map((r) => [v, group, r] as const));

const W = ['create', 'update', 'patch'];
/** HTTP methods as verbs (requestinfo.go; pkg/kubelet/server/auth.go): what a proxy forwards. */
const PROXY = ['get', 'create', 'update', 'patch', 'delete'];

/** Reserved wherever a rule is granted, a RoleBinding's namespace included. */
const NAMESPACE_RESERVED: readonly Triple[] = [
  // run pods: pods, controllers that create pods, and custom resources whose controllers do
  ...cross(W, '', ['pods', 'replicationcontrollers']),
  ...cross(['update', 'patch'], '', ['pods/ephemeralcontainers']),
  ...cross(W, 'apps', ['deployments', 'replicasets', 'statefulsets', 'daemonsets']),
  ...cross(W, 'batch', ['jobs', 'cronjobs']),
  ...POD_CREATING_GROUPS.flatMap((g) => cross(W, g.group, g.resources)),
  ...FOREIGN_GROUPS.flatMap((g) => cross(W, g, [UNHEARD])),
  // reach into running pods: exec and attach (WebSocket: a GET), port-forward, the API server's proxies
  ...cross(['get', 'create'], '', ['pods/exec', 'pods/attach', 'pods/portforward']),
  ...cross(PROXY, '', ['pods/proxy', 'services/proxy']),
  ...REACHING_SUBRESOURCES.flatMap((r) => cross(r.verbs, r.group, r.resources)),
  // identities: every write on Secrets (token Secrets created or re-pointed; deletecollection returns them), tokens, impersonation
  ...cross(['create', 'update', 'patch', 'delete', 'deletecollection'], '', ['secrets']),
  ...cross(['create'], '', ['serviceaccounts/token']),
  ...cross(['impersonate'], '', ['serviceaccounts']),
  // constrained impersonation (KEP-5284): every identity verb is in authentication.k8s.io; a
  // RoleBinding in the ServiceAccount's namespace grants impersonating it
  ...cross(['impersonate:serviceaccount'], 'authentication.k8s.io', ['serviceaccounts']),
  // custom resources whose controllers write a Secret of the type they say
  ...SECRET_MAKING_GROUPS.flatMap((g) => cross(W, g.group, g.resources)),
  // escalation
  ...cross(['escalate', 'bind'], RBAC, ['roles', 'clusterroles']),
  ...cross(W, RBAC, ['roles', 'rolebindings']),
];

/** Reserved too when granted cluster-wide: nodes (the kubelet's whole API), users, CSRs, cluster RBAC. */
const CLUSTER_RESERVED: readonly Triple[] = [
  ...NAMESPACE_RESERVED,
  ...cross(
    PROXY,
    '',
    ['proxy', 'log', 'stats', 'metrics', 'spec', 'checkpoint', 'pods', 'healthz', 'configz', 'statusz'].map(
      (s) => `nodes/${s}`,
    ),
  ),
  ...cross(['impersonate'], '', ['users', 'groups']),
  ...SECRET_MAKING_GROUPS.flatMap((g) => cross(W, g.group, g.clusterResources ?? [])),
  ...cross(['impersonate'], 'authentication.k8s.io', ['uids', 'userextras', 'userextras/scopes']),
  ...cross(['impersonate:user-info'], 'authentication.k8s.io', ['users', 'groups', 'uids', 'userextras/scopes']),
  ...cross(['impersonate:arbitrary-node', 'impersonate:associated-node'], 'authentication.k8s.io', ['nodes']),
  ...cross(['update', 'patch'], 'certificates.k8s.io', ['certificatesigningrequests/approval']),
  ...cross(['approve'], 'certificates.k8s.io', ['signers']),
  ...cross(W, RBAC, ['clusterroles', 'clusterrolebindings']),
];

const RESERVED: Record<Scope, readonly Triple[]> = { namespace: NAMESPACE_RESERVED, cluster: CLUSTER_RESERVED };

const asRequest = ([verb, apiGroup, res]: Triple, name: string): ResourceRequest => {
  const [resource, subresource = ''] = res.split('/') as [string, string?];
  return { verb, apiGroup, resource, subresource, name };
};

/** The reserved requests a rule allows, by the project's matcher, for any name it could act on. */
const reservedAllowed = (rule: PolicyRule, scope: Scope): Triple[] =>
  RESERVED[scope].filter((t) =>
    ['', ...(rule.resourceNames ?? [])].some((name) => ruleAllows(rule, asRequest(t, name))),
  );

const adminOnly = (rule: PolicyRule, scope: Scope) =>
  classesOfRule(rule, scope).some((c) => CLASS_BY_ID.get(c)!.severity === 'error');

/** Independent of analysis: plain matching, names ignored. */
function referenceAllows(rule: PolicyRule, [verb, group, resource]: Triple): boolean {
  const groups = rule.apiGroups ?? [];
  const resources = rule.resources ?? [];
  if (!groups.includes('*') && !groups.includes(group)) return false;
  if (!rule.verbs.includes('*') && !rule.verbs.includes(verb)) return false;
  if (resources.includes('*') || resources.includes(resource)) return true;
  const slash = resource.indexOf('/');
  return slash > 0 && resources.includes(`*${resource.slice(slash)}`);
}

/**
 * Refused for a non-admin besides the reserved requests: creating, updating or patching any resource
 * of a group Kubernetes does not serve itself, none of them declared safe (a controller may make pods from it).
 */
const UNDECLARED: readonly Triple[] = FOREIGN_GROUPS.flatMap((g) => cross(W, g, RESOURCES));

const referenceForbidden = (rules: readonly PolicyRule[]) =>
  rules.some((r) => [...NAMESPACE_RESERVED, ...UNDECLARED].some((t) => referenceAllows(r, t)));

const ruleArb = fc
  .record({
    apiGroups: fc.uniqueArray(fc.constantFrom(...GROUPS), { minLength: 1, maxLength: 2 }),
    resources: fc.uniqueArray(fc.constantFrom(...RESOURCES), { minLength: 1, maxLength: 3 }),
    verbs: fc.uniqueArray(fc.constantFrom(...VERBS), { minLength: 1, maxLength: 3 }),
    resourceNames: fc.option(fc.constant(['one']), { nil: undefined }),
  })
  .map((r) =>
    r.resourceNames ? r : { apiGroups: r.apiGroups, resources: r.resources, verbs: r.verbs },
  ) as fc.Arbitrary<PolicyRule>;

function synthWith(rules: PolicyRule[], admin: boolean, token: boolean) {
  const root = new Construct(undefined as never, '');
  const org = new Organization(root, 'acme', { owner: 'alice@acme.io' });
  org.user('alice@acme.io', { admin: true });
  const bob = org.user('bob@acme.io', { admin });
  const web = org.namespace('web');
  const role = org.customRole('random', rules);
  if (token) org.token('robot').allow(web, role);
  else web.grant(bob, role);
  return synthesize(root, { today: '2026-11-26', declaredIn: 'property' });
}

describe('the reserved requests, as data', () => {
  it.each([
    'namespace',
    'cluster',
  ] as const)('every reserved request, as a rule of its own granted %s-wide, is reserved by the analysis', (scope) => {
    for (const [verb, group, res] of RESERVED[scope]) {
      const rule = { apiGroups: [group], resources: [res === UNHEARD ? '*' : res], verbs: [verb] };
      expect(adminOnly(rule, scope), `${verb} ${res} in "${group}"`).toBe(true);
    }
  });

  it('exhaustively: no single-verb, single-group, single-resource rule the analysis calls harmless allows a reserved request', () => {
    let probed = 0;
    for (const scope of ['namespace', 'cluster'] as const) {
      for (const verb of VERBS) {
        for (const group of GROUPS) {
          for (const res of RESOURCES) {
            const rule = { apiGroups: [group], resources: [res], verbs: [verb] };
            probed++;
            if (!adminOnly(rule, scope))
              expect(reservedAllowed(rule, scope), `${scope}: ${JSON.stringify(rule)}`).toEqual([]);
          }
        }
      }
    }
    expect(probed).toBe(2 * VERBS.length * GROUPS.length * RESOURCES.length);
  });

  it("pods/log and reading anything but Secrets are not reserved (a container's own output; the built-in view role grants them)", () => {
    expect(
      adminOnly(
        { apiGroups: [''], resources: ['pods/log', 'pods', 'services', 'configmaps'], verbs: ['get', 'list', 'watch'] },
        'namespace',
      ),
    ).toBe(false);
    expect(reservedAllowed({ apiGroups: [''], resources: ['pods/log'], verbs: ['*'] }, 'cluster')).toEqual([]);
  });
});

describe('escalation cannot pass', () => {
  it.each([
    'namespace',
    'cluster',
  ] as const)(`every random rule the analysis calls harmless, granted %s-wide, allows no reserved request (${RUNS * 4} rules)`, (scope) => {
    fc.assert(
      fc.property(ruleArb, (rule) => {
        if (!adminOnly(rule, scope)) expect(reservedAllowed(rule, scope)).toEqual([]);
      }),
      { numRuns: RUNS * 4, seed: SEED },
    );
  });

  it(`a non-admin's custom role fails synthesis exactly when the reference says it reaches a reserved request (${RUNS} roles)`, () => {
    fc.assert(
      fc.property(fc.array(ruleArb, { minLength: 1, maxLength: 3 }), (rules) => {
        const r = synthWith(rules, false, false);
        const forbidden = r.findings.some((f) => f.rule === 'forbidden-grant');
        expect(forbidden).toBe(referenceForbidden(rules));
        expect(r.ok).toBe(!forbidden);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it(`custom roles and inline rules never reach a reserved request without forbidden-grant in runPolicies (${RUNS} organizations)`, () => {
    fc.assert(
      fc.property(fc.array(ruleArb, { minLength: 1, maxLength: 3 }), fc.boolean(), (rules, inline) => {
        const { org, web } = smallOrg();
        const bob = org.user('bob@acme.io');
        if (inline) web.grantRules(bob, rules);
        else web.grant(bob, org.customRole('random', rules));
        const forbidden = runPolicies(org.toModel(), { today: TODAY }).filter((f) => f.rule === 'forbidden-grant');
        const reaches = rules.some((r) => reservedAllowed(r, 'namespace').length > 0);
        if (reaches) expect(forbidden).toHaveLength(1);
        expect(forbidden.length > 0).toBe(referenceForbidden(rules));
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('the same roles always pass for an admin and for a blank token', () => {
    fc.assert(
      fc.property(fc.array(ruleArb, { minLength: 1, maxLength: 3 }), fc.boolean(), (rules, token) => {
        expect(synthWith(rules, !token, token).ok).toBe(true);
      }),
      { numRuns: Math.ceil(RUNS / 5), seed: SEED },
    );
  });
});
