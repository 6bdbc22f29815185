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
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classesOf, classesOfRule } from '../analysis/classes.ts';
import { Authorizer } from '../analysis/authorizer.ts';
import { accessMatrix } from '../analysis/access.ts';
import { readRbac } from '../analysis/objects.ts';
import { findLevel, isAdminOnly } from '../model/catalog.ts';
import { API_RESOURCES } from '../analysis/resources.ts';
import { ROOT, smallOrg, synth } from './helpers.ts';

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
 * now judged: it holds a class when written, or is listed here with why it holds none.
 *
 * The walk went over resources.ts, Kubernetes 1.28's list, without subresources, while orgctl's
 * output is applied to 1.32 API servers: what 1.29 to 1.32 added (Dynamic Resource Allocation's
 * resource.k8s.io, ServiceCIDRs and IPAddresses, ClusterTrustBundles, LeaseCandidates,
 * VolumeAttributesClasses, StorageVersionMigrations, MutatingAdmissionPolicies) was never judged.
 * It now walks every resource and subresource a 1.32 API server serves with every API version
 * enabled (a cluster may enable an alpha or beta one), from its discovery documents
 * (test/fixtures/kubernetes-1.32-api-resources.json), with the verbs each serves.
 */
const K8S_1_32: {
  readonly resources: readonly { group: string; resource: string; namespaced: boolean; verbs: string[] }[];
} = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/kubernetes-1.32-api-resources.json'), 'utf8'));
/** The verbs that only read: judged by read-secrets, not by this walk. */
const READ_ONLY = new Set(['get', 'list', 'watch']);

describe("R51's class: every built-in resource written is judged", () => {
  it.each([
    ['create', 'ingressclasses.networking.k8s.io', 'cluster', 'network'],
    ['create', 'runtimeclasses.node.k8s.io', 'cluster', 'node-host'],
    ['create', 'storageclasses.storage.k8s.io', 'cluster', 'node-host'],
    ['create', 'pods/binding', 'namespace', 'node-host'],
    ['create', 'bindings', 'namespace', 'node-host'],
    // Kubernetes 1.29 to 1.32.
    ['patch', 'resourceclaims/status.resource.k8s.io', 'namespace', 'node-host'],
    ['create', 'resourceclaims.resource.k8s.io', 'namespace', 'node-host'],
    ['create', 'resourceclaimtemplates.resource.k8s.io', 'namespace', 'node-host'],
    ['create', 'resourceslices.resource.k8s.io', 'cluster', 'node-host'],
    ['update', 'deviceclasses.resource.k8s.io', 'cluster', 'node-host'],
    ['patch', 'volumeattachments/status.storage.k8s.io', 'cluster', 'node-host'],
    ['create', 'servicecidrs.networking.k8s.io', 'cluster', 'network'],
    ['delete', 'ipaddresses.networking.k8s.io', 'cluster', 'network'],
    ['update', 'clustertrustbundles.certificates.k8s.io', 'cluster', 'network'],
    ['create', 'mutatingadmissionpolicies.admissionregistration.k8s.io', 'cluster', 'webhooks'],
    ['delete', 'validatingadmissionpolicybindings.admissionregistration.k8s.io', 'cluster', 'webhooks'],
  ] as const)('%s on %s granted %s-wide holds %s', (verb, resource, scope, cls) => {
    const dot = resource.indexOf('.');
    const rule =
      dot < 0
        ? { apiGroups: [''], resources: [resource], verbs: [verb] }
        : { apiGroups: [resource.slice(dot + 1)], resources: [resource.slice(0, dot)], verbs: [verb] };
    expect(classesOfRule(rule, scope)).toContain(cls);
  });

  it('orgctl check warns of bob, who may write the allocation of a device claim in web', () => {
    const { org, web } = smallOrg();
    const claimStatus = { apiGroups: ['resource.k8s.io'], resources: ['resourceclaims/status'], verbs: ['patch'] };
    web.grantRules(org.user('bob@acme.io', { github: 'bob' }), [claimStatus]);
    const r = synth(org);
    expect(r.ok).toBe(true);
    expect(r.findings.map((f) => `${f.severity} ${f.rule}: ${f.message}`)).toContainEqual(
      expect.stringMatching(
        /^warning risky-grant: lets 1 non-admin user reach nodes and the host .*bob@acme\.io.*\): a ResourceClaim's status is its allocation/,
      ),
    );
  });

  it('a wildcard reaches them: resources * of resource.k8s.io through a RoleBinding holds node-host', () => {
    // No catalog level a non-admin may hold names them: only custom rules (grantRules) reach them.
    expect(classesOfRule({ apiGroups: ['resource.k8s.io'], resources: ['*'], verbs: ['*'] }, 'namespace')).toEqual([
      'node-host',
    ]);
  });

  it('cluster-scoped DRA objects through a RoleBinding, or DRA objects read, hold nothing', () => {
    const dra = { apiGroups: ['resource.k8s.io'], resources: ['resourceslices', 'deviceclasses'], verbs: ['*'] };
    expect(classesOfRule(dra, 'namespace')).toEqual([]);
    expect(classesOfRule({ ...dra, resources: ['*'], verbs: ['get', 'list', 'watch'] }, 'cluster')).toEqual([]);
  });

  /** Built-in resources and subresources whose writes hold no class, and why. */
  const NO_CLASS: Record<string, string> = {
    configmaps: 'the namespace’s own configuration (w:configmaps); a namespace for admins only guards a controller’s',
    events: 'records, read by people',
    'events.events.k8s.io': 'records, read by people',
    limitranges: 'a guard rail (guard-rails.ts judges who may write it)',
    persistentvolumeclaims: 'a claim on storage the namespace’s own pods mount',
    'persistentvolumeclaims/status': 'what the volume controllers report of a claim: a denial of service at most',
    'persistentvolumes/status':
      'the phase the volume controller reports; what binds a volume to a claim is its spec (persistentvolumes: node-host)',
    'pods/eviction': 'deletes a pod of the namespace, its disruption budgets respected: a denial of service at most',
    podtemplates: 'no controller of Kubernetes makes pods from one',
    'replicationcontrollers/scale': 'scales a workload within its own template',
    'replicationcontrollers/status': 'what the controller reports; it acts on the spec',
    serviceaccounts: 'an identity with no access and no token (minting one is serviceaccounts/token: identity)',
    'validatingadmissionpolicies/status.admissionregistration.k8s.io':
      'the type checking the API server reports of a policy; it enforces the spec',
    'customresourcedefinitions/status.apiextensions.k8s.io':
      'the names and conditions the API server’s own controllers keep: a denial of service of the resource at most',
    'apiservices/status.apiregistration.k8s.io':
      'the availability the aggregator reports: marked unavailable, a denial of service at most',
    'daemonsets/status.apps': 'what the controller reports; it acts on the spec',
    'deployments/scale.apps': 'scales a workload within its own template',
    'deployments/status.apps': 'what the controller reports; it acts on the spec',
    'replicasets/scale.apps': 'scales a workload within its own template',
    'replicasets/status.apps': 'what the controller reports; it acts on the spec',
    'statefulsets/scale.apps': 'scales a workload within its own template',
    'statefulsets/status.apps':
      'names revisions of the set’s own history to make pods from (making a revision is controllerrevisions: run-pods)',
    'selfsubjectreviews.authentication.k8s.io': 'asks who one is',
    'tokenreviews.authentication.k8s.io': 'asks whose a token is; grants nothing',
    'localsubjectaccessreviews.authorization.k8s.io': 'asks what someone may do',
    'selfsubjectaccessreviews.authorization.k8s.io': 'asks what one may do',
    'selfsubjectrulesreviews.authorization.k8s.io': 'asks what one may do',
    'subjectaccessreviews.authorization.k8s.io': 'asks what someone may do',
    'horizontalpodautoscalers.autoscaling': 'scales a workload within its own template',
    'horizontalpodautoscalers/status.autoscaling': 'what the autoscaler reports; it scales by the spec and metrics',
    'cronjobs/status.batch': 'when the controller last made a Job: a denial of service at most',
    'jobs/status.batch': 'the outcomes of its pods a controller reports: a denial of service at most',
    'certificatesigningrequests.certificates.k8s.io':
      'a request; approving it (certificatesigningrequests/approval, signers) and the node client subresource are identity',
    'certificatesigningrequests/status.certificates.k8s.io':
      'the issued certificate, which only the signer’s key makes valid: one written by hand is refused by whoever checks it',
    'leases.coordination.k8s.io': 'leader election of the namespace’s own controllers: a denial of service at most',
    'leasecandidates.coordination.k8s.io':
      'candidacy in coordinated leader election of the namespace’s own controllers: a denial of service at most',
    'flowschemas/status.flowcontrol.apiserver.k8s.io': 'conditions the API server reports; it classifies by the spec',
    'prioritylevelconfigurations/status.flowcontrol.apiserver.k8s.io':
      'conditions the API server reports; it queues by the spec',
    'storageversions.internal.apiserver.k8s.io':
      'the storage versions the API servers record of each resource: a denial of service at most',
    'storageversions/status.internal.apiserver.k8s.io':
      'the storage versions the API servers record of each resource: a denial of service at most',
    'networkpolicies.networking.k8s.io': 'the namespace’s own pods’ traffic; a guard rail (guard-rails.ts)',
    'servicecidrs/status.networking.k8s.io': 'conditions the controller reports; ClusterIPs are allocated by the spec',
    'poddisruptionbudgets.policy': 'slows evictions of the namespace’s own pods: a denial of service at most',
    'poddisruptionbudgets/status.policy':
      'the disruptions the eviction API allows the namespace’s own pods: a denial of service at most',
    'priorityclasses.scheduling.k8s.io': 'preemption of other pods: a denial of service at most',
    'csidrivers.storage.k8s.io': 'how the kubelet calls a CSI driver someone already runs on the nodes',
    'csinodes.storage.k8s.io': 'written by the kubelet: what drivers a node has',
    'csistoragecapacities.storage.k8s.io': 'capacity the scheduler reads: a denial of service at most',
    'volumeattachments.storage.k8s.io': 'which node a volume is attached to; a pod there is still needed',
    'volumeattributesclasses.storage.k8s.io':
      'performance parameters (IOPS, throughput) a CSI driver gives the volumes naming one: a denial of service, or a bill, at most',
    'storageversionmigrations.storagemigration.k8s.io':
      'the controller-manager rewrites every object of a resource unchanged, as itself, and the writer sees none: a denial of service at most',
    'storageversionmigrations/status.storagemigration.k8s.io':
      'a migration marked done leaves objects stored as they were (under an old encryption key): a denial of service at most',
  };

  const keyOf = (r: { readonly group: string; readonly resource: string }) =>
    r.group ? `${r.resource}.${r.group}` : r.resource;
  const written = K8S_1_32.resources
    .map((r) => ({ ...r, verbs: r.verbs.filter((v) => !READ_ONLY.has(v)) }))
    .filter((r) => r.verbs.length);

  it('each resource and subresource of Kubernetes 1.32 holds a class when written, or is listed with why it holds none', () => {
    const unjudged = written
      .filter((r) => {
        const rule = { apiGroups: [r.group], resources: [r.resource], verbs: r.verbs };
        const held = classesOfRule(rule, r.namespaced ? 'namespace' : 'cluster');
        // Listed yet holding one is a list gone stale.
        return held.length ? keyOf(r) in NO_CLASS : !(keyOf(r) in NO_CLASS);
      })
      .map(keyOf);
    expect(unjudged).toEqual([]);
  });

  it('the list names only what a 1.32 API server serves and someone may write', () => {
    const served = new Set(written.map(keyOf));
    expect(Object.keys(NO_CLASS).filter((k) => !served.has(k))).toEqual([]);
  });

  it('resources.ts knows every resource of Kubernetes 1.32, and whether it is namespaced', () => {
    const known = new Map(API_RESOURCES.map((r) => [keyOf(r), r.namespaced]));
    const missing = K8S_1_32.resources
      .filter((r) => !r.resource.includes('/') && known.get(keyOf(r)) !== r.namespaced)
      .map(keyOf);
    expect(missing).toEqual([]);
  });
});
