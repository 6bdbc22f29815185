/**
 * Red team R51 (base 6394498): requests that redirect or rewrite what others send, and hold no
 * privilege class, so nobody is warned.
 *
 * R51-1 (medium-low): writing an Ingress redirects traffic meant for others, as writing a Service
 * does (R45-2). On an ingress controller every namespace shares, an Ingress in namespace web may
 * name any host, another team's included, and ingress-nginx (like F5's NGINX controller with
 * mergeable Ingresses) merges the paths of every namespace's Ingresses for a host: a more specific
 * path under `shop.acme.io` sends that traffic, logins included, to a Service of web. README's
 * w:ingresses row says so, and the `network` class exists for exactly this ("redirects traffic
 * meant for others"), yet neither w:ingresses nor a custom rule writing Ingresses held it: no
 * risky-grant warning, no "can intercept network traffic" in the review, nothing in `orgctl access`.
 *
 * R51-2 (low): writing CustomResourceDefinitions (cluster-wide) held no class. A CRD's
 * `spec.conversion` (strategy Webhook) names a Service or URL the API server sends every object of
 * that resource to when it converts between versions, and whose answer it stores and returns: the
 * writer sees and rewrites every custom resource of that kind in the cluster (Argo CD's
 * Applications, cert-manager's Certificates...), as an admission webhook does; deleting a CRD
 * deletes every object of it in every namespace. The `webhooks` class names the first;
 * `orgctl access` over a cluster dump binding it through a ClusterRoleBinding showed no class.
 */
import { describe, expect, it } from 'vitest';
import { classesOf, classesOfRule } from '../analysis/classes.ts';
import { Authorizer } from '../analysis/authorizer.ts';
import { accessMatrix } from '../analysis/access.ts';
import { readRbac } from '../analysis/objects.ts';
import { findLevel, isAdminOnly } from '../model/catalog.ts';
import { API_RESOURCES } from '../analysis/resources.ts';
import { smallOrg, synth } from './helpers.ts';

describe('R51-1: writing an Ingress redirects the traffic meant for its host', () => {
  const writeIngresses = { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: ['get'] };

  it.each(['create', 'update', 'patch'])('%s on ingresses holds network, as a write of services does', (verb) => {
    expect(classesOfRule({ ...writeIngresses, verbs: [verb] }, 'namespace')).toContain('network');
  });

  it('update or patch on ingresses/status holds network, as on services/status (external-dns publishes it)', () => {
    for (const verb of ['update', 'patch'])
      expect(
        classesOfRule({ ...writeIngresses, resources: ['ingresses/status'], verbs: [verb] }, 'namespace'),
      ).toContain('network');
  });

  it('reading Ingresses holds nothing', () => {
    expect(classesOfRule({ ...writeIngresses, verbs: ['get', 'list', 'watch'] }, 'namespace')).toEqual([]);
  });

  it('the level w:ingresses holds network (it stays grantable: network is a warning)', () => {
    expect(classesOf(findLevel('w:ingresses')!.rules, 'namespace')).toContain('network');
    expect(isAdminOnly('w:ingresses')).toBe(false);
  });

  it('orgctl check warns of bob, who may claim a path under another team’s host', () => {
    const { org, web } = smallOrg();
    web.grantRules(org.user('bob@acme.io', { github: 'bob' }), [{ ...writeIngresses, verbs: ['create'] }]);
    const r = synth(org);
    expect(r.ok).toBe(true);
    expect(r.findings.map((f) => `${f.severity} ${f.rule}: ${f.message}`)).toContainEqual(
      expect.stringMatching(
        /^warning risky-grant: lets 1 non-admin user intercept network traffic .*bob@acme\.io.*\): an Ingress may name any host/,
      ),
    );
  });
});

describe('R51-2: writing a CustomResourceDefinition rewrites every object of its kind', () => {
  const crds = { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: ['patch'] };

  it.each([
    'create',
    'update',
    'patch',
    'delete',
  ])('%s on customresourcedefinitions, cluster-wide, holds webhooks', (verb) => {
    expect(classesOfRule({ ...crds, verbs: [verb] }, 'cluster')).toContain('webhooks');
  });

  it('through a RoleBinding it holds nothing (CRDs are cluster-scoped), nor does reading them', () => {
    expect(classesOfRule(crds, 'namespace')).toEqual([]);
    expect(classesOfRule({ ...crds, verbs: ['get', 'list', 'watch'] }, 'cluster')).toEqual([]);
  });

  it('orgctl access over a dump shows the class of a ClusterRoleBinding granting it', () => {
    const docs = [
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'crd-editor' },
        rules: [{ ...crds, verbs: ['get', 'update', 'patch'] }],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'crd-editor' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'crd-editor' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'bob@acme.io' }],
      },
    ].map((object, index) => ({ file: 'dump.yaml', index, object }));
    const bob = accessMatrix(new Authorizer(readRbac(docs))).find((s) => s.name === 'bob@acme.io');
    expect(bob?.cluster?.classes).toContain('webhooks');
  });
});

/**
 * R51's class: a request Kubernetes serves itself that redirects or rewrites what others send, or
 * chooses where and how others' pods run, held no class because nobody had judged that resource.
 * Four more: an IngressClass (made default, or made again, it chooses the controller of others'
 * Ingresses), a RuntimeClass (made again with another handler, pods meant for a sandbox run
 * without it), a StorageClass (made default, it chooses the provisioner and parameters of others'
 * volumes, a host-path provisioner's paths included), and a pod's binding (a pending pod placed on
 * a node of one's choosing, past the scheduler's taints and spreading). Every built-in resource is
 * now judged: it holds a class when written, or is listed here with why it holds none, so a
 * resource added to resources.ts is judged, not forgotten.
 */
describe("R51's class: every built-in resource written is judged", () => {
  it.each([
    [{ apiGroups: ['networking.k8s.io'], resources: ['ingressclasses'], verbs: ['create'] }, 'cluster', 'network'],
    [{ apiGroups: ['node.k8s.io'], resources: ['runtimeclasses'], verbs: ['create'] }, 'cluster', 'node-host'],
    [{ apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: ['create'] }, 'cluster', 'node-host'],
    [{ apiGroups: [''], resources: ['pods/binding'], verbs: ['create'] }, 'namespace', 'node-host'],
    [{ apiGroups: [''], resources: ['bindings'], verbs: ['create'] }, 'namespace', 'node-host'],
  ] as const)('%j granted %s-wide holds %s', (rule, scope, cls) => {
    expect(classesOfRule(rule, scope)).toContain(cls);
  });

  /** Built-in resources whose writes hold no class, and why. */
  const NO_CLASS: Record<string, string> = {
    componentstatuses: 'read only',
    configmaps: 'the namespace’s own configuration (w:configmaps); a namespace for admins only guards a controller’s',
    events: 'records, read by people',
    'events.events.k8s.io': 'records, read by people',
    limitranges: 'a guard rail (guard-rails.ts judges who may write it)',
    persistentvolumeclaims: 'a claim on storage the namespace’s own pods mount',
    podtemplates: 'no controller of Kubernetes makes pods from one',
    serviceaccounts: 'an identity with no access and no token (minting one is serviceaccounts/token: identity)',
    'certificatesigningrequests.certificates.k8s.io':
      'a request; approving it (certificatesigningrequests/approval, signers) and the node client subresource are identity',
    'selfsubjectreviews.authentication.k8s.io': 'asks who one is',
    'tokenreviews.authentication.k8s.io': 'asks whose a token is; grants nothing',
    'localsubjectaccessreviews.authorization.k8s.io': 'asks what someone may do',
    'selfsubjectaccessreviews.authorization.k8s.io': 'asks what one may do',
    'selfsubjectrulesreviews.authorization.k8s.io': 'asks what one may do',
    'subjectaccessreviews.authorization.k8s.io': 'asks what someone may do',
    'horizontalpodautoscalers.autoscaling': 'scales a workload within its own template',
    'leases.coordination.k8s.io': 'leader election of the namespace’s own controllers: a denial of service at most',
    'networkpolicies.networking.k8s.io': 'the namespace’s own pods’ traffic; a guard rail (guard-rails.ts)',
    'poddisruptionbudgets.policy': 'slows evictions of the namespace’s own pods: a denial of service at most',
    'priorityclasses.scheduling.k8s.io': 'preemption of other pods: a denial of service at most',
    'csidrivers.storage.k8s.io': 'how the kubelet calls a CSI driver someone already runs on the nodes',
    'csinodes.storage.k8s.io': 'written by the kubelet: what drivers a node has',
    'csistoragecapacities.storage.k8s.io': 'capacity the scheduler reads: a denial of service at most',
    'volumeattachments.storage.k8s.io': 'which node a volume is attached to; a pod there is still needed',
  };

  it('each holds a class when written, or is listed with why it holds none', () => {
    const unjudged = API_RESOURCES.filter((r) => {
      const key = r.group ? `${r.resource}.${r.group}` : r.resource;
      const rule = { apiGroups: [r.group], resources: [r.resource], verbs: ['create', 'update', 'patch', 'delete'] };
      const held = classesOfRule(rule, r.namespaced ? 'namespace' : 'cluster');
      // Listed yet holding one is a list gone stale.
      return held.length ? key in NO_CLASS : !(key in NO_CLASS);
    }).map((r) => `${r.resource}.${r.group || 'core'}`);
    expect(unjudged).toEqual([]);
  });
});
