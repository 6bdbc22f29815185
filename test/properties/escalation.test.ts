/**
 * Escalation cannot pass: random custom roles bound to a non-admin fail synthesis exactly when
 * an independent reference, written here from the rules the access-analysis issue lists, says
 * they run pods, exec, take identities or escalate RBAC in the namespace.
 */
import { Construct } from 'constructs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PolicyRule } from '../../constructs/catalog.ts';
import { Organization } from '../../constructs/index.ts';
import { synthesize } from '../../constructs/synth.ts';

const RUNS = Number(process.env.ORGCTL_PROPERTY_RUNS ?? 500);

const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', '*', 'escalate', 'bind', 'impersonate', 'approve'];
const GROUPS = ['', 'apps', 'batch', 'rbac.authorization.k8s.io', '*', 'certificates.k8s.io', 'authentication.k8s.io', 'networking.k8s.io'];
const RESOURCES = [
  'pods', 'pods/exec', 'pods/attach', 'pods/log', 'pods/ephemeralcontainers', 'pods/*', '*/exec', '*/attach', '*/*', '*',
  'deployments', 'replicasets', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs', 'replicationcontrollers',
  'secrets', 'serviceaccounts', 'serviceaccounts/token', 'configmaps', 'services', 'roles', 'rolebindings', 'clusterroles',
  'clusterrolebindings', 'users', 'groups', 'nodes/proxy', 'ingresses', 'Pods',
];

/** Independent of policies/rbac: the requests that make a namespace role admin-only, and plain matching. */
const FORBIDDEN: readonly [string, string, string][] = [
  ...['create', 'update', 'patch'].flatMap((v) => [['', 'pods', v], ['', 'replicationcontrollers', v]] as [string, string, string][]),
  ['', 'pods/ephemeralcontainers', 'update'], ['', 'pods/ephemeralcontainers', 'patch'],
  ...['create', 'update', 'patch'].flatMap((v) => ['deployments', 'replicasets', 'statefulsets', 'daemonsets'].map((r) => ['apps', r, v] as [string, string, string])),
  ...['create', 'update', 'patch'].flatMap((v) => ['jobs', 'cronjobs'].map((r) => ['batch', r, v] as [string, string, string])),
  ['', 'pods/exec', 'get'], ['', 'pods/exec', 'create'], ['', 'pods/attach', 'get'], ['', 'pods/attach', 'create'],
  ['', 'serviceaccounts/token', 'create'], ['', 'secrets', 'create'], ['', 'serviceaccounts', 'impersonate'],
  ['rbac.authorization.k8s.io', 'roles', 'escalate'], ['rbac.authorization.k8s.io', 'roles', 'bind'],
  ['rbac.authorization.k8s.io', 'clusterroles', 'escalate'], ['rbac.authorization.k8s.io', 'clusterroles', 'bind'],
  ...['create', 'update', 'patch'].flatMap((v) => ['roles', 'rolebindings'].map((r) => ['rbac.authorization.k8s.io', r, v] as [string, string, string])),
];

function referenceAllows(rule: PolicyRule, group: string, resource: string, verb: string): boolean {
  const groups = rule.apiGroups ?? [];
  const resources = rule.resources ?? [];
  if (!groups.includes('*') && !groups.includes(group)) return false;
  if (!rule.verbs.includes('*') && !rule.verbs.includes(verb)) return false;
  if (resources.includes('*') || resources.includes(resource)) return true;
  const slash = resource.indexOf('/');
  return slash > 0 && resources.includes(`*${resource.slice(slash)}`);
}

const referenceForbidden = (rules: readonly PolicyRule[]) => rules.some((r) => FORBIDDEN.some(([g, res, v]) => referenceAllows(r, g, res, v)));

const ruleArb = fc.record({
  apiGroups: fc.uniqueArray(fc.constantFrom(...GROUPS), { minLength: 1, maxLength: 2 }),
  resources: fc.uniqueArray(fc.constantFrom(...RESOURCES), { minLength: 1, maxLength: 3 }),
  verbs: fc.uniqueArray(fc.constantFrom(...VERBS), { minLength: 1, maxLength: 3 }),
  resourceNames: fc.option(fc.constant(['one']), { nil: undefined }),
}).map((r) => (r.resourceNames ? r : { apiGroups: r.apiGroups, resources: r.resources, verbs: r.verbs })) as fc.Arbitrary<PolicyRule>;

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

describe('escalation cannot pass', () => {
  it(`a non-admin's custom role fails exactly when the reference says it is admin-only (${RUNS} roles)`, () => {
    fc.assert(
      fc.property(fc.array(ruleArb, { minLength: 1, maxLength: 3 }), (rules) => {
        const r = synthWith(rules, false, false);
        const forbidden = r.findings.some((f) => f.rule === 'forbidden-grant');
        expect(forbidden).toBe(referenceForbidden(rules));
        expect(r.ok).toBe(!forbidden);
      }),
      { numRuns: RUNS, seed: Number(process.env.ORGCTL_PROPERTY_SEED ?? Date.now() % 2 ** 31) },
    );
  });

  it('the same roles always pass for an admin and for a blank token', () => {
    fc.assert(
      fc.property(fc.array(ruleArb, { minLength: 1, maxLength: 3 }), fc.boolean(), (rules, token) => {
        expect(synthWith(rules, !token, token).ok).toBe(true);
      }),
      { numRuns: Math.ceil(RUNS / 5), seed: Number(process.env.ORGCTL_PROPERTY_SEED ?? Date.now() % 2 ** 31) },
    );
  });
});
