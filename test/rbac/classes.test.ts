import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../constructs/catalog.ts';
import { CLASSES, classesOf, describeRule } from '../../policies/rbac/classes.ts';

/** The catalog, judged by what its rules allow: what each level's ClusterRole holds, bound in a namespace. */
const EXPECTED: Record<string, string[]> = {
  'w:full': ['run-pods', 'exec', 'read-secrets', 'identity', 'escalate', 'node-host', 'network'],
  'w:pods': ['run-pods', 'exec'],
  'w:workloads': ['run-pods'],
  'w:jobs': ['run-pods'],
  'r:secrets': ['read-secrets'],
  'w:secrets': ['read-secrets', 'identity'],
};

describe('privilege classes', () => {
  it.each(CATALOG.map((l) => [l.id, l] as const))('%s holds exactly the expected classes', (id, level) => {
    expect(classesOf(level.rules, 'namespace')).toEqual(EXPECTED[id] ?? []);
  });

  it('only admin-only levels may run pods or exec', () => {
    for (const l of CATALOG) {
      const held = classesOf(l.rules, 'namespace');
      if (held.includes('run-pods') || held.includes('exec') || held.includes('identity') || held.includes('escalate')) expect(l.adminOnly, l.id).toBe(true);
    }
  });

  it.each([
    [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['create'] }, ['run-pods']],
    [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }, ['run-pods', 'exec', 'read-secrets', 'identity', 'escalate', 'node-host', 'network']],
    [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['get'] }, ['exec']],
    [{ apiGroups: [''], resources: ['pods/*'], verbs: ['*'] }, []],
    [{ apiGroups: [''], resources: ['*/exec'], verbs: ['create'] }, ['exec']],
    [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['db'] }, ['read-secrets']],
    [{ apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] }, ['identity']],
    [{ apiGroups: [''], resources: ['serviceaccounts'], verbs: ['impersonate'] }, ['identity']],
    [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings'], verbs: ['create'] }, ['escalate']],
    [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['bind'] }, ['escalate']],
    [{ apiGroups: [''], resources: ['endpoints'], verbs: ['patch'] }, ['network']],
    [{ apiGroups: [''], resources: ['configmaps'], verbs: ['*'] }, []],
  ])('%j in a namespace holds %j', (rule, classes) => {
    expect(classesOf([rule], 'namespace')).toEqual(classes);
  });

  it('cluster-scoped power counts only through a ClusterRoleBinding', () => {
    const impersonate = { apiGroups: [''], resources: ['users'], verbs: ['impersonate'] };
    const webhooks = { apiGroups: ['admissionregistration.k8s.io'], resources: ['mutatingwebhookconfigurations'], verbs: ['create'] };
    const nodeProxy = { apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] };
    expect(classesOf([impersonate, webhooks, nodeProxy], 'namespace')).toEqual([]);
    expect(classesOf([impersonate, webhooks, nodeProxy], 'cluster')).toEqual(['exec', 'identity', 'webhooks']);
  });

  it('every class says why it matters', () => {
    for (const c of CLASSES) expect(c.why.length, c.id).toBeGreaterThan(20);
  });

  it('describes rules for people', () => {
    expect(describeRule({ apiGroups: ['apps', ''], resources: ['deployments'], verbs: ['create', 'patch'] })).toBe('create,patch on deployments.apps,deployments');
    expect(describeRule({ nonResourceURLs: ['/healthz'], verbs: ['get'] })).toBe('get on /healthz');
    expect(describeRule({ apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['db'] })).toBe('get on secrets named db');
  });
});
