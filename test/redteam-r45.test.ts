/**
 * Red team R45 (base fdeb2b1): rules a non-admin may be granted that, in a Kubernetes v1.32
 * cluster, hold more than the analysis says.
 *
 * R45-1 (low): the quota guard rail is undone through `resourcequotas/status`. The quota admission
 * plugin enforces a ResourceQuota's status, not its spec: CheckRequest
 * (staging/src/k8s.io/apiserver/pkg/admission/plugin/resourcequota/controller.go) compares
 * status.used plus the request with status.hard. The ResourceQuota controller copies spec.hard into
 * status.hard, but ignores an update that changes only the status (NewController's UpdateFunc in
 * pkg/controller/resourcequota/resource_quota_controller.go: "We ignore all updates to
 * quota.Status") until its full resync (--resource-quota-sync-period, 5 minutes), and Argo CD,
 * which applies no status, never puts it back. So whoever may update or patch
 * resourcequotas/status in a namespace raises the quota there at will, as one who may write
 * ResourceQuotas does; the review's guard-rails and synthesis' risky-grant named only the latter.
 */
import { describe, expect, it } from 'vitest';
import { classesOf, classesOfRule } from '../analysis/classes.ts';
import { findLevel, isAdminOnly } from '../model/catalog.ts';
import { smallOrg, synth } from './helpers.ts';
import { baseSpec, grantsOf, judge, type Spec } from './review/scenarios.ts';

describe('R45-1: a ResourceQuota’s status is what the API server enforces', () => {
  const railed = (): Spec => {
    const s = baseSpec();
    s.spec.namespaces = [{ name: 'web', quota: { pods: '10' } }, { name: 'data' }];
    return s;
  };
  const statusRule = { apiGroups: [''], resources: ['resourcequotas/status'], verbs: ['update', 'patch'] };

  it.each([
    ['resourcequotas/status', statusRule],
    ['*/status', { ...statusRule, resources: ['*/status'] }],
  ])('alice giving bob inline rules updating %s in web, which declares a quota, fails guard-rails', (_what, rule) => {
    const v = judge(railed(), (s) => grantsOf(s).push({ user: 'bob@acme.io', namespace: 'web', rules: [rule] }), {
      actors: ['alice'],
    });
    expect(v.failed).toContain('guard-rails');
    expect(v.results.find((r) => r.rule === 'guard-rails')!.message).toMatch(/bob@acme\.io may write ResourceQuotas/);
  });

  it('the same rules in data, which declares no quota, pass', () => {
    const v = judge(
      railed(),
      (s) => grantsOf(s).push({ user: 'bob@acme.io', namespace: 'data', rules: [statusRule] }),
      { actors: ['alice'] },
    );
    expect(v.failed).toEqual([]);
  });

  it('orgctl check names bob, who may patch the quota’s status, as one who may undo it', () => {
    const { org } = smallOrg();
    const shop = org.namespace('shop', { quota: { pods: '10' } });
    shop.grantRules(org.user('bob@acme.io', { github: 'bob' }), [statusRule]);
    const found = synth(org).findings.filter((f) => f.subject === 'namespaces/shop');
    expect(found.map((f) => `${f.severity} ${f.rule}: ${f.message}`)).toEqual([
      expect.stringMatching(/^warning risky-grant: declares quota, and bob@acme\.io may write ResourceQuotas/),
    ]);
  });
});

/**
 * R45-2 (medium-low): writing Services redirects their traffic, as writing Endpoints does. A
 * Service deleted and made again under its name as `type: ExternalName` (or patched to it: the
 * API server drops its clusterIP, dropTypeDependentFields in pkg/registry/core/service/strategy.go) makes the cluster DNS answer `<name>.<namespace>.svc` with a
 * CNAME to any host (a Service's spec.externalName; kube-dns and CoreDNS's kubernetes plugin), so
 * every client of that Service, in any namespace, connects to a host of the writer's choosing: no
 * pod of theirs needed. The `network` class (a warning) exists for exactly this ("writing Endpoints,
 * a Service status or a Pod's status redirects traffic meant for others"), and `w:services` keeps
 * Endpoints and services/status out for that reason, yet it writes Services, and neither the level
 * nor a custom rule creating Services holds `network`, so nobody is warned.
 */
describe('R45-2: writing a Service redirects the traffic meant for it', () => {
  const createServices = { apiGroups: [''], resources: ['services'], verbs: ['create', 'delete'] };

  it.each(['create', 'update', 'patch'])('%s on services holds network, as a write of endpoints does', (verb) => {
    expect(classesOfRule({ ...createServices, verbs: [verb] }, 'namespace')).toContain('network');
  });

  it('the level w:services holds network (it stays grantable: network is a warning)', () => {
    expect(classesOf(findLevel('w:services')!.rules, 'namespace')).toContain('network');
    expect(isAdminOnly('w:services')).toBe(false);
  });

  it('orgctl check warns of bob, who may recreate web’s Services as ExternalName', () => {
    const { org, web } = smallOrg();
    web.grantRules(org.user('bob@acme.io', { github: 'bob' }), [createServices]);
    const r = synth(org);
    expect(r.ok).toBe(true);
    expect(r.findings.map((f) => `${f.severity} ${f.rule}: ${f.message}`)).toContainEqual(
      // The reason is the request's own (ExternalName, the selector), not the class's general one.
      expect.stringMatching(
        /^warning risky-grant: lets 1 non-admin user intercept network traffic .*bob@acme\.io.*\): a Service made again as ExternalName answers its name with a CNAME to any host/,
      ),
    );
  });
});
