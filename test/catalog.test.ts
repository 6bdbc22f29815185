import { describe, expect, it } from 'vitest';
import { CATALOG, findLevel, grantableLevels, isAdminOnly } from '../model/catalog.ts';
import { CLASS_BY_ID, classesOf, undeclaredWrites } from '../analysis/classes.ts';
import { rulesAllow, type ResourceRequest } from '../analysis/rules.ts';

const req = (verb: string, apiGroup: string, resource: string, subresource = ''): ResourceRequest => ({
  verb,
  apiGroup,
  resource,
  subresource,
});

/** Requests that run code or take identities: only admin-only levels may allow any of them. */
const RUNS_CODE: ResourceRequest[] = [
  req('create', '', 'pods'),
  req('update', '', 'pods'),
  req('patch', '', 'pods'),
  req('get', '', 'pods', 'exec'),
  req('create', '', 'pods', 'exec'),
  req('get', '', 'pods', 'attach'),
  req('patch', '', 'pods', 'ephemeralcontainers'),
  req('create', 'apps', 'deployments'),
  req('patch', 'apps', 'deployments'),
  req('create', 'apps', 'statefulsets'),
  req('create', 'apps', 'daemonsets'),
  req('create', 'apps', 'replicasets'),
  req('create', '', 'replicationcontrollers'),
  req('create', 'batch', 'jobs'),
  req('create', 'batch', 'cronjobs'),
  req('create', '', 'secrets'),
  req('create', '', 'serviceaccounts', 'token'),
  req('impersonate', '', 'serviceaccounts'),
  req('create', 'rbac.authorization.k8s.io', 'rolebindings'),
  req('escalate', 'rbac.authorization.k8s.io', 'roles'),
  req('bind', 'rbac.authorization.k8s.io', 'clusterroles'),
  // issue 12, section 2: every write on Secrets, reaching into pods and nodes, pod-creating custom resources
  req('update', '', 'secrets'),
  req('patch', '', 'secrets'),
  req('delete', '', 'secrets'),
  req('deletecollection', '', 'secrets'),
  req('get', '', 'pods', 'portforward'),
  req('create', '', 'pods', 'portforward'),
  req('get', '', 'pods', 'proxy'),
  req('create', '', 'pods', 'proxy'),
  req('get', '', 'services', 'proxy'),
  req('delete', '', 'services', 'proxy'),
  req('get', '', 'nodes', 'proxy'),
  req('get', '', 'nodes', 'log'),
  req('create', '', 'nodes', 'checkpoint'),
  req('get', '', 'nodes', 'stats'),
  req('create', 'argoproj.io', 'workflows'),
  req('create', 'tekton.dev', 'taskruns'),
  req('create', 'kubevirt.io', 'virtualmachines'),
  req('create', 'ray.io', 'rayjobs'),
  req('create', 'kubeflow.org', 'pytorchjobs'),
  req('create', 'sparkoperator.k8s.io', 'sparkapplications'),
  req('create', 'batch.volcano.sh', 'jobs'),
  req('create', 'serving.knative.dev', 'services'),
  req('create', 'jobset.x-k8s.io', 'jobsets'),
  req('create', 'leaderworkerset.x-k8s.io', 'leaderworkersets'),
  req('create', 'example.com', 'anything'),
];

describe('access-level catalog', () => {
  it('has the levels the seed names and unique ids', () => {
    for (const id of ['r:full', 'w:full', 'r:pods', 'w:pods']) expect(findLevel(id)).toBeDefined();
    expect(new Set(CATALOG.map((l) => l.id)).size).toBe(CATALOG.length);
  });

  it('reserves w:pods and w:full for admins, as the seed says', () => {
    expect(isAdminOnly('w:pods')).toBe(true);
    expect(isAdminOnly('w:full')).toBe(true);
    expect(isAdminOnly('r:pods')).toBe(false);
  });

  it.each(
    CATALOG.filter((l) => !l.adminOnly).map((l) => [l.id, l] as const),
  )('%s lets nobody run code or take identities', (_id, level) => {
    for (const r of RUNS_CODE)
      expect(rulesAllow(level.rules, r), `${level.id} allows ${JSON.stringify(r)}`).toBe(false);
  });

  it('every level is judged right by the privilege classes: admin-only exactly when it holds an admin-only class', () => {
    for (const level of CATALOG) {
      const reserved = classesOf(level.rules, 'namespace').filter((c) => CLASS_BY_ID.get(c)!.severity === 'error');
      expect(reserved.length > 0, `${level.id} holds ${reserved.join(', ')}`).toBe(level.adminOnly);
    }
  });

  it('only w:full reaches API groups orgctl does not know, and w:pods is the only other level to port-forward', () => {
    for (const level of CATALOG) {
      expect(
        level.rules.some((r) => undeclaredWrites(r).length > 0),
        level.id,
      ).toBe(level.id === 'w:full');
      expect(rulesAllow(level.rules, req('create', '', 'pods', 'portforward')), level.id).toBe(
        level.id === 'w:full' || level.id === 'w:pods',
      );
    }
  });

  it('every admin-only level allows something that runs code or takes an identity', () => {
    for (const level of CATALOG.filter((l) => l.adminOnly)) {
      expect(
        RUNS_CODE.some((r) => rulesAllow(level.rules, r)),
        level.id,
      ).toBe(true);
      expect(level.reservedBecause, level.id).toBeTruthy();
    }
  });

  it('w:X includes r:X: every request a read rule allows, the write level allows', () => {
    for (const w of CATALOG.filter((l) => l.access === 'write')) {
      const r = findLevel(`r:${w.family}`)!;
      for (const rule of r.rules) {
        for (const group of rule.apiGroups ?? []) {
          for (const res of rule.resources ?? []) {
            const [resource, sub = ''] = res.split('/');
            for (const verb of rule.verbs)
              expect(rulesAllow(w.rules, req(verb, group, resource!, sub)), `${w.id} ${verb} ${res}`).toBe(true);
          }
        }
      }
    }
  });

  it('no read level names a wildcard resource (it would cover pods/exec)', () => {
    for (const l of CATALOG.filter((x) => x.access === 'read')) {
      for (const rule of l.rules) expect(rule.resources ?? []).not.toContain('*');
    }
  });

  it('r:full reads workloads but never Secrets', () => {
    const full = findLevel('r:full')!.rules;
    expect(rulesAllow(full, req('list', 'apps', 'deployments'))).toBe(true);
    expect(rulesAllow(full, req('get', '', 'pods', 'log'))).toBe(true);
    expect(rulesAllow(full, req('get', '', 'secrets'))).toBe(false);
    expect(rulesAllow(full, req('list', '', 'secrets'))).toBe(false);
  });

  it('Add All gives every level a non-admin may hold, and none reserved', () => {
    const all = grantableLevels();
    for (const id of all) expect(isAdminOnly(id)).toBe(false);
    expect(all).toContain('r:full');
    expect(all).toContain('w:services');
    // every grantable level is covered by what Add All gives
    for (const l of CATALOG.filter((x) => !x.adminOnly)) {
      const covered =
        all.includes(l.id) ||
        all.includes(`w:${l.family}`) ||
        (l.access === 'read' && l.family !== 'secrets' && all.includes('r:full'));
      expect(covered, l.id).toBe(true);
    }
  });
});
