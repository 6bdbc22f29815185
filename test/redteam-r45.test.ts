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

describe('R45-1: a ResourceQuota’s status is what the API server enforces', () => {
  const statusRule = { apiGroups: [''], resources: ['resourcequotas/status'], verbs: ['update', 'patch'] };

  // R45 warned of a status writer where a quota is declared (risky-grant, guard-rails). Since R49-2
  // writing a quota's status is reserved for admins wherever it is granted: a status saying a count
  // of RoleBindings is reached stops what orgctl writes there (hold-delivery).
  it.each([
    ['resourcequotas/status', statusRule],
    ['*/status', { ...statusRule, resources: ['*/status'] }],
  ])('inline rules updating %s hold hold-delivery', (_what, rule) => {
    expect(classesOfRule(rule, 'namespace')).toContain('hold-delivery');
  });

  it.each([
    ['declares a quota', { quota: { pods: '10' } }],
    ['declares none', {}],
  ])('bob granted inline rules updating resourcequotas/status in a namespace that %s is refused', (_what, rails) => {
    const { org } = smallOrg();
    org.namespace('shop', rails).grantRules(org.user('bob@acme.io', { github: 'bob' }), [statusRule]);
    const r = synth(org);
    expect(r.ok).toBe(false);
    expect(r.findings.map((f) => `${f.severity} ${f.rule}: ${f.message}`)).toContainEqual(
      expect.stringMatching(
        /^error forbidden-grant: .*bob@acme\.io.* write ResourceQuotas \(rule 0: update,patch on resourcequotas\/status\)/,
      ),
    );
  });

  it('a custom role reading quotas and their status stays grantable', () => {
    expect(classesOf([{ ...statusRule, verbs: ['get', 'list', 'watch'] }], 'namespace')).toEqual([]);
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
