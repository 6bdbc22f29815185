import { describe, expect, it } from 'vitest';
import { CATALOG, findLevel, grantableLevels, isAdminOnly } from '../constructs/catalog.ts';
import { rulesAllow, type ResourceRequest } from '../policies/rbac/rules.ts';

const req = (verb: string, apiGroup: string, resource: string, subresource = ''): ResourceRequest => ({ verb, apiGroup, resource, subresource });

/** Requests that run code or take identities: only admin-only levels may allow any of them. */
const RUNS_CODE: ResourceRequest[] = [
  req('create', '', 'pods'), req('update', '', 'pods'), req('patch', '', 'pods'),
  req('get', '', 'pods', 'exec'), req('create', '', 'pods', 'exec'), req('get', '', 'pods', 'attach'),
  req('patch', '', 'pods', 'ephemeralcontainers'),
  req('create', 'apps', 'deployments'), req('patch', 'apps', 'deployments'), req('create', 'apps', 'statefulsets'),
  req('create', 'apps', 'daemonsets'), req('create', 'apps', 'replicasets'), req('create', '', 'replicationcontrollers'),
  req('create', 'batch', 'jobs'), req('create', 'batch', 'cronjobs'),
  req('create', '', 'secrets'), req('create', '', 'serviceaccounts', 'token'), req('impersonate', '', 'serviceaccounts'),
  req('create', 'rbac.authorization.k8s.io', 'rolebindings'), req('escalate', 'rbac.authorization.k8s.io', 'roles'),
  req('bind', 'rbac.authorization.k8s.io', 'clusterroles'),
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

  it.each(CATALOG.filter((l) => !l.adminOnly).map((l) => [l.id, l] as const))('%s lets nobody run code or take identities', (_id, level) => {
    for (const r of RUNS_CODE) expect(rulesAllow(level.rules, r), `${level.id} allows ${JSON.stringify(r)}`).toBe(false);
  });

  it('every admin-only level allows something that runs code or takes an identity', () => {
    for (const level of CATALOG.filter((l) => l.adminOnly)) {
      expect(RUNS_CODE.some((r) => rulesAllow(level.rules, r)), level.id).toBe(true);
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
            for (const verb of rule.verbs) expect(rulesAllow(w.rules, req(verb, group, resource!, sub)), `${w.id} ${verb} ${res}`).toBe(true);
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
      const covered = all.includes(l.id) || all.includes(`w:${l.family}`) || (l.access === 'read' && l.family !== 'secrets' && all.includes('r:full'));
      expect(covered, l.id).toBe(true);
    }
  });
});
