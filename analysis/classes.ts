/**
 * Privilege classes: what a set of rules really lets a subject do, judged from the rules,
 * never from names. A class holds when any rule allows any of its probe requests, for any
 * object name (a rule limited to `resourceNames` still holds the class on those objects).
 */
import { impersonationVerb, type PolicyRule } from '../model/catalog.ts';
import type { SafeCustomResource } from '../model/model.ts';
import {
  ANY_SECRET_GROUPS,
  CLOUD_IDENTITY_GROUPS,
  CLOUD_PROVIDER_FAMILIES,
  CREDENTIAL_MINTING_GROUPS,
  type CustomResources,
  DATABASE_COPYING_GROUPS,
  DELETION_REFUSING_GROUPS,
  EXEMPTING_POLICY_GROUPS,
  POD_CREATING_GROUPS,
  REACHING_SUBRESOURCES,
  REFUSING_POLICY_GROUPS,
  SECRET_MAKING_GROUPS,
  SECRET_READING_GROUPS,
  TOKEN_SENDING_GROUPS,
  TRAFFIC_ROUTING_GROUPS,
} from './custom-resource-classes.ts';
import { API_RESOURCES } from './resources.ts';
import { apiGroupMatches, resourceMatches, verbMatches } from './rules.ts';

export type ClassId =
  | 'run-pods'
  | 'exec'
  | 'read-secrets'
  | 'identity'
  | 'escalate'
  | 'hold-delivery'
  | 'webhooks'
  | 'node-host'
  | 'network';

interface PrivilegeClass {
  readonly id: ClassId;
  readonly title: string;
  /** Why it matters, one line. */
  readonly why: string;
  /** For users who are not admins: error (`forbidden-grant`) or warning (`risky-grant`). */
  readonly severity: 'error' | 'warning';
  readonly probes: readonly Probe[];
}

/** Requests of some verbs, and what a finding says of them. */
interface ProbeBase {
  readonly verbs: readonly string[];
  /** Cluster-scoped objects: only a ClusterRoleBinding can grant these. */
  readonly clusterOnly?: boolean;
  /** Why these requests in particular are dangerous, when the class's `why` says too little. */
  readonly why?: string;
  /** What these requests do, when the class's title says too little (`port-forward into pods`). */
  readonly what?: string;
}

/** verbs × group × resources (with `res/sub` for subresources). */
interface GroupProbe extends ProbeBase {
  /** An API group, or UNKNOWN_GROUP: any group that is not built into Kubernetes. */
  readonly group: string;
  readonly resources: readonly string[];
}

/** verbs × every resource of a family of groups: every API group ending with `.domain` (CLOUD_PROVIDER_FAMILIES). */
interface FamilyProbe extends ProbeBase {
  readonly domain: string;
}

type Probe = GroupProbe | FamilyProbe;

/** Where a rule was granted: a RoleBinding's rules act only on that namespace's objects. */
export type Scope = 'namespace' | 'cluster';

/**
 * Stands for every API group Kubernetes itself does not serve (custom resources, aggregated
 * APIs): a rule reaches it with `*` or by naming such a group. Not a valid group name, so no rule
 * names it literally.
 */
const UNKNOWN_GROUP = '(an API group orgctl does not know)';
/** Stands for a resource nobody has heard of: only `*` in a rule's resources matches it. */
const ANY_RESOURCE = '(any resource)';

/**
 * The API groups Kubernetes serves itself (resources.ts: those of a 1.32 API server with every API
 * version enabled). Every other group is judged: orgctl cannot know what its resources do.
 * `metrics.k8s.io` is not among them: an aggregated API (metrics-server, or whatever registers it)
 * serves it.
 */
export const BUILTIN_GROUPS: ReadonlySet<string> = new Set(API_RESOURCES.map((r) => r.group));

/** The verbs that make or change an object: what a controller acts on. */
export const WRITE: readonly string[] = ['create', 'update', 'patch'];
/**
 * The verbs of a proxied or streamed request: the API server (requestinfo.go in
 * k8s.io/apiserver pkg/endpoints/request) and the kubelet (GetRequestAttributes in
 * pkg/kubelet/server/auth.go) map GET/HEAD → get, POST → create, PUT → update, PATCH → patch,
 * DELETE → delete; pods/proxy, services/proxy and nodes/proxy forward every one of them.
 */
// A method other than GET, HEAD, POST, PUT, PATCH and DELETE (OPTIONS) is verb "" on a resource
// (requestinfo.go), and the proxies forward it.
const PROXY_VERBS = ['get', 'create', 'update', 'patch', 'delete', ''];
/**
 * The kubelet API, by subresource of `nodes` (pkg/kubelet/server/auth.go GetRequestAttributes):
 * /stats → stats, /metrics → metrics, /logs → log, /checkpoint → checkpoint, everything else
 * (/exec, /run, /attach, /portForward, /containerLogs ...) → proxy; with KubeletFineGrainedAuthz
 * also /pods and /runningPods → pods, /healthz → healthz, /configz → configz, /statusz → statusz;
 * `spec` is the /spec endpoint older kubelets authorized (cAdvisor machine info). All of it is the
 * node's own API: reserved whole.
 */
const KUBELET_SUBRESOURCES: readonly string[] = [
  'proxy',
  'log',
  'stats',
  'metrics',
  'spec',
  'checkpoint',
  'pods',
  'healthz',
  'configz',
  'statusz',
];

const p = (verbs: readonly string[], group: string, ...resources: string[]): GroupProbe => ({
  verbs,
  group,
  resources,
});
const cluster = (verbs: readonly string[], group: string, ...resources: string[]): GroupProbe => ({
  verbs,
  group,
  resources,
  clusterOnly: true,
});
const why = (probe: Probe, text: string, what?: string): Probe => ({ ...probe, why: text, ...(what ? { what } : {}) });

/** A project's resources, namespaced then cluster-scoped, as a why names them. */
const namesOf = (g: CustomResources): string => [...g.resources, ...(g.clusterResources ?? [])].join(', ');

/** Writing a project's namespaced resources, and its cluster-scoped ones cluster-wide, each with why. */
const writesOf = (g: CustomResources, because: string, what: string): Probe[] => [
  ...(g.resources.length ? [why(p(WRITE, g.group, ...g.resources), because, what)] : []),
  ...(g.clusterResources?.length ? [why(cluster(WRITE, g.group, ...g.clusterResources), because, what)] : []),
];

/**
 * What redirects traffic through Ingresses. An ingress controller every namespace shares serves
 * every namespace's Ingresses: one may name any host, and ingress-nginx (as F5's controller's
 * mergeable Ingresses) merges the paths of every namespace's Ingresses for a host, so a more
 * specific path takes that traffic. external-dns publishes an Ingress's status.loadBalancer as the
 * address of its hosts. The DefaultIngressClass admission plugin gives an Ingress naming no class
 * the default one.
 */
const INGRESS_PROBES: readonly Probe[] = (
  [
    [
      p(WRITE, 'networking.k8s.io', 'ingresses'),
      "an Ingress may name any host, another team's included, and a controller every namespace shares merges the paths of every namespace's Ingresses for a host: a more specific path under theirs sends that traffic to the writer's Service",
      'write Ingresses',
    ],
    [
      p(['update', 'patch'], 'networking.k8s.io', 'ingresses/status'),
      "external-dns publishes an Ingress's status as the address of its hosts: whoever writes it chooses where their names resolve",
      "write Ingresses' status",
    ],
    [
      cluster(WRITE, 'networking.k8s.io', 'ingressclasses'),
      "an IngressClass names the controller that serves the Ingresses of its class, a default one of every Ingress naming none: made again, or made default, others' Ingresses go to the controller the writer chose",
      'write IngressClasses',
    ],
  ] as const
).map(([probe, because, what]) => why(probe, because, what));

/**
 * Why writing each resource Kubernetes 1.29 to 1.32 added holds a class, and the probes that say so.
 *
 * Dynamic Resource Allocation (resource.k8s.io: v1alpha3 and v1beta1 in 1.32): the scheduler
 * allocates a claim's devices (status.allocation) from the ResourceSlices drivers publish, as its
 * DeviceClass selects and configures them, and the DRA driver's kubelet plugin prepares the
 * allocated devices for the pods status.reservedFor names. Before 1.36 (resourceclaims/binding)
 * nothing but resourceclaims/status guards that status. A request's adminAccess (DRAAdminAccess,
 * alpha in 1.32) gets devices already in use by others; only from 1.33 (KEP-5018) must the
 * claim's namespace carry resource.k8s.io/admin-access.
 *
 * MultiCIDRServiceAllocator (networking.k8s.io v1beta1 in 1.31 and 1.32, GA in 1.33): a
 * ServiceCIDR is a range ClusterIPs are allocated from, and an IPAddress the allocator's record of
 * which Service holds one (its parentRef, which cannot change: creating one only takes an
 * address). kube-proxy on every node captures a ClusterIP's traffic, whatever address it is.
 *
 * ClusterTrustBundles (certificates.k8s.io v1alpha1 in 1.32, beta in 1.33): one naming a signer
 * also needs `attest` on it; one naming none needs nothing more, and pods mount it by name.
 */
const WHY_1_32 = {
  claimStatus:
    "a ResourceClaim's status is its allocation, which the node's DRA driver prepares for the pods it names: written by hand it takes any device of any node, one allocated to another team's pod included, past the scheduler and the DeviceClass",
  claims:
    "a device request with adminAccess (DRAAdminAccess, alpha in 1.32, which checks no namespace label before 1.33) gets devices already in use by other teams' pods",
  slices:
    'a ResourceSlice says which devices a node has: a forged one steers the pods that claim such devices onto the node the writer chose',
  deviceClasses:
    'a DeviceClass chooses which devices the claims of its class get and the driver configuration they are prepared with, as a StorageClass does for volumes',
  serviceCidrs:
    "a ServiceCIDR lets Services take ClusterIPs in any range: a Service given a real address there (another team's database, an outside API) has kube-proxy on every node send that address's traffic to the writer's Pods",
  ipAddresses:
    "an IPAddress records which Service holds a ClusterIP: deleted, the allocator hands the address to a second Service before its repair loop makes the record again, and that Service's Pods receive traffic meant for the first",
  trustBundles:
    "pods mount a ClusterTrustBundle (a clusterTrustBundle projected volume) as the CAs they trust: one rewritten with the writer's CA lets the writer pose as any server to them and read their TLS traffic",
} as const;
const DRA = 'resource.k8s.io';

/** What a refused write of orgctl's does (hold-delivery): said once, ended by each probe's own why. */
const HOLDS_SHARD =
  "its shard's Argo CD sync fails, and every revocation in that shard, other namespaces' included, stays applied";

export const CLASSES: readonly PrivilegeClass[] = [
  {
    id: 'run-pods',
    title: 'run arbitrary pods',
    why: 'a pod runs any image with any ServiceAccount of its namespace, and can mount its Secrets',
    severity: 'error',
    probes: [
      p(WRITE, '', 'pods', 'replicationcontrollers'),
      p(['update', 'patch'], '', 'pods/ephemeralcontainers'),
      p(WRITE, 'apps', 'deployments', 'replicasets', 'statefulsets', 'daemonsets'),
      p(WRITE, 'batch', 'jobs', 'cronjobs'),
      // ControllerRevision: its data cannot change (apps validation), but a StatefulSet makes its
      // pods in [0, currentReplicas) from the revision status.currentRevision names, and `kubectl
      // rollout undo` copies a revision's template back into its StatefulSet or DaemonSet: one
      // deleted and made again under that name runs the template it now holds. Kubernetes' own
      // edit role does not write them either.
      why(
        p(['create'], 'apps', 'controllerrevisions'),
        "a StatefulSet makes pods from the ControllerRevision its status names, and a rollback copies a revision's pod template back into its workload: a revision made again under that name runs the template it holds",
        'write the ControllerRevisions workloads make pods from',
      ),
      // Custom resources whose controllers create pods: w:workloads in disguise (custom-resource-classes.ts).
      ...POD_CREATING_GROUPS.flatMap((g) =>
        writesOf(
          g,
          `${g.project} (${g.group}) creates pods, or deploys anything, from what its ${namesOf(g)} declare`,
          `run pods through ${g.project}`,
        ),
      ),
      why(
        p(WRITE, UNKNOWN_GROUP, ANY_RESOURCE),
        'resources `*` of an API group Kubernetes does not serve itself cover every custom resource of that group, those whose controllers create pods included',
        'write every resource of an API group orgctl does not know',
      ),
    ],
  },
  {
    id: 'exec',
    title: 'exec into pods',
    why: 'a shell in a running container acts with its identity and sees its secrets (WebSocket exec is a GET)',
    severity: 'error',
    probes: [
      p(['get', 'create'], '', 'pods/exec', 'pods/attach'),
      // kubectl port-forward upgrades a GET or POST (pkg/registry/core/pod/rest/subresources.go PortForwardREST).
      why(
        p(['get', 'create'], '', 'pods/portforward'),
        "port-forward opens any port of a pod's network namespace from outside the cluster, past NetworkPolicies, reaching what listens only on localhost",
        'port-forward into pods',
      ),
      // The API server's proxy forwards every HTTP method (ProxyREST in pkg/registry/core/pod/rest/subresources.go and pkg/registry/core/service/proxy.go).
      why(
        p(PROXY_VERBS, '', 'pods/proxy', 'services/proxy'),
        "the API server's proxy reaches any port of a pod or Service with any HTTP method, from inside the cluster network, past NetworkPolicies",
        "reach into pods through the API server's proxy",
      ),
      why(
        cluster(PROXY_VERBS, '', ...KUBELET_SUBRESOURCES.map((s) => `nodes/${s}`)),
        "the kubelet API runs commands in every pod of the node (/exec, /run through nodes/proxy), checkpoints their memory and reads the host's logs",
        'reach into nodes through the kubelet API',
      ),
      ...REACHING_SUBRESOURCES.map((r) =>
        why(
          p(r.verbs, r.group, ...r.resources),
          `${r.project}'s ${r.resources.join(', ')} (${r.group}) open a console, a screen or ports inside the running workload`,
          `reach into ${r.project} workloads`,
        ),
      ),
    ],
  },
  {
    id: 'read-secrets',
    title: 'read Secrets',
    why: 'Secrets hold credentials: passwords, keys and ServiceAccount tokens',
    severity: 'warning',
    // pods/log is not here, nor reserved: it is a container's own output, read only, and the
    // built-in `view` role grants it (r:pods and r:full do too).
    probes: [
      p(['get', 'list', 'watch'], '', 'secrets'),
      // Custom resources whose controllers send a Secret of the namespace where they say (red team R69-5).
      ...SECRET_READING_GROUPS.flatMap((g) =>
        writesOf(
          g,
          `${g.project} (${g.group}) reads the Secret its ${namesOf(g)} name, any of the namespace (a cluster-scoped one's, of its controller's namespace), and sends its content to the store or server they name`,
          `read Secrets through ${g.project}`,
        ),
      ),
      // Custom resources whose controllers copy a whole database of the namespace (R84).
      ...DATABASE_COPYING_GROUPS.flatMap((g) =>
        writesOf(
          g,
          `${g.project} (${g.group}) copies a whole database, as its ${namesOf(g)} say, out of the namespace's (to its object store, into volume snapshots, to another cluster's subscribers) or another cluster's into it: its roles' password hashes and the credentials its applications keep there`,
          `copy databases through ${g.project}`,
        ),
      ),
    ],
  },
  {
    id: 'identity',
    title: 'take over identities',
    why: 'minting tokens, creating token Secrets, impersonating or approving certificates lets a subject act as someone else',
    severity: 'error',
    probes: [
      p(['create'], '', 'serviceaccounts/token'),
      // The token controller fills any Secret of type kubernetes.io/service-account-token whose
      // annotation kubernetes.io/service-account.name names a ServiceAccount: created, or re-pointed by update/patch.
      why(
        p(WRITE, '', 'secrets'),
        'creating a Secret of type kubernetes.io/service-account-token, or re-pointing one (update, patch), mints a token for any ServiceAccount of the namespace, and update and patch return the whole Secret',
        'write Secrets',
      ),
      // DeleteCollection returns the deleted objects in full (Store.DeleteCollection in
      // k8s.io/apiserver pkg/registry/generic/registry/store.go), delete returns a Secret its finalizers keep.
      why(
        p(['delete', 'deletecollection'], '', 'secrets'),
        'deletecollection answers with every Secret it deleted, in full, and deleting token or TLS Secrets revokes credentials others act with',
        'delete Secrets',
      ),
      // Custom resources whose controllers write Secrets of any type (custom-resource-classes.ts): Secrets in disguise.
      ...SECRET_MAKING_GROUPS.flatMap((g) =>
        writesOf(
          g,
          `${g.project} (${g.group}) writes a Secret of whatever type its resource says: a kubernetes.io/service-account-token Secret mints a token for any ServiceAccount of the namespace`,
          `write Secrets through ${g.project}`,
        ),
      ),
      // Custom resources whose controllers send a ServiceAccount's token to a server they name (red team R69-3).
      ...TOKEN_SENDING_GROUPS.flatMap((g) =>
        writesOf(
          g,
          `${g.project} (${g.group}) requests a token for the ServiceAccount its ${namesOf(g)} name and logs in with it at the server they name, any URL: the writer's server receives a token of any ServiceAccount`,
          `mint ServiceAccount tokens through ${g.project}`,
        ),
      ),
      // Custom resources whose controllers read and write Secrets of any namespace (red team R76-6).
      ...ANY_SECRET_GROUPS.flatMap((g) =>
        writesOf(
          g,
          `${g.project} (${g.group}) reads the Secrets its ${namesOf(g)} name, of any namespace through the cluster's provider config, sends them to any URL and writes what it gets back into Secrets they name: every Secret of the cluster, service-account tokens included`,
          `read and write every Secret through ${g.project}`,
        ),
      ),
      // Custom resources whose controllers turn a ServiceAccount, or themselves, into cloud credentials (red team R76-3).
      ...CLOUD_IDENTITY_GROUPS.flatMap((g) =>
        writesOf(
          g,
          `${g.project} (${g.group}) exchanges a token of the ServiceAccount its ${namesOf(g)} name, any of the namespace, at the cloud's token service, or acts with the controller's own cloud identity when they name none, and writes the credentials into the Secret of every ExternalSecret referencing them: re-pointed, one hands that Secret's readers another workload's, or the controller's, cloud identity`,
          `take cloud identities through ${g.project}`,
        ),
      ),
      // Custom resources whose controllers mint credentials of the identity and privileges they say (R84).
      ...CREDENTIAL_MINTING_GROUPS.flatMap((g) =>
        writesOf(
          g,
          `${g.project} (${g.group}) mints credentials for whatever identity and privileges its ${namesOf(g)} say, with its own authority over a system the cluster's workloads trust (an issuer's CA the API server or a mesh may trust, a database server's admin login, a Kafka cluster's CA), and writes them into a Secret of the namespace or the resource's status`,
          `mint credentials through ${g.project}`,
        ),
      ),
      // Every resource of a cloud provider's groups acts with the cluster's cloud credentials (R84).
      ...CLOUD_PROVIDER_FAMILIES.map((f) =>
        why(
          { verbs: WRITE, domain: f.domain, clusterOnly: f.clusterOnly },
          `${f.project} (every API group ending in .${f.domain}) ${f.acts}`,
          `act with the cluster's provider credentials through ${f.project}`,
        ),
      ),
      p(['impersonate'], '', 'serviceaccounts'),
      cluster(['impersonate'], '', 'users', 'groups'),
      cluster(['impersonate'], 'authentication.k8s.io', 'uids', 'userextras', 'userextras/scopes'),
      // Constrained impersonation (KEP-5284: alpha in Kubernetes 1.35, on by default from 1.36): one
      // verb per kind of identity, all in authentication.k8s.io; a ServiceAccount's through a
      // RoleBinding in its namespace. Each still needs impersonate-on:<mode>:<verb> on what it acts
      // on, but the identity verb is what lets a subject become another.
      p([impersonationVerb('serviceaccount')], 'authentication.k8s.io', 'serviceaccounts'),
      cluster(
        [impersonationVerb('user-info')],
        'authentication.k8s.io',
        'users',
        'groups',
        'uids',
        'userextras',
        'userextras/scopes',
      ),
      cluster(
        [impersonationVerb('arbitrary-node'), impersonationVerb('associated-node')],
        'authentication.k8s.io',
        'nodes',
      ),
      cluster(['update', 'patch'], 'certificates.k8s.io', 'certificatesigningrequests/approval'),
      cluster(['approve'], 'certificates.k8s.io', 'signers'),
      // The controller-manager's CSR approver (on by default) approves a node client certificate
      // for any node name when its requester may create this subresource: the subject acts as that
      // node, and the Node authorizer gives it the Secrets and tokens of the pods bound there.
      why(
        cluster(['create'], 'certificates.k8s.io', 'certificatesigningrequests/nodeclient'),
        'the CSR approver approves a node client certificate for any node name to whoever may create certificatesigningrequests/nodeclient: the subject acts as that node (the Secrets and tokens of its pods)',
        'obtain node certificates',
      ),
    ],
  },
  {
    id: 'escalate',
    title: 'escalate RBAC',
    why: 'writing roles or bindings (or escalate/bind) grants any permission, to oneself included',
    severity: 'error',
    probes: [
      // bind/escalate on clusterroles count in a namespace too: they let one bind a ClusterRole there.
      p(['escalate', 'bind'], 'rbac.authorization.k8s.io', 'roles', 'clusterroles'),
      p(WRITE, 'rbac.authorization.k8s.io', 'roles', 'rolebindings'),
      cluster(WRITE, 'rbac.authorization.k8s.io', 'clusterroles', 'clusterrolebindings'),
    ],
  },
  {
    // What orgctl writes into a namespace is refused there: the shard's Argo CD sync fails in that
    // wave and, PruneLast, prunes nothing (R48-1 closed orgctl's own quota; R49-2 these).
    id: 'hold-delivery',
    title: 'hold up revocations',
    why: "the API server refuses the next object orgctl writes there, which fails its shard's Argo CD sync: every revocation in that shard, other namespaces' included, stays applied",
    severity: 'error',
    probes: [
      why(
        p(WRITE, '', 'resourcequotas', 'resourcequotas/status'),
        `a ResourceQuota counting RoleBindings or Roles (count/rolebindings.rbac.authorization.k8s.io), or a quota's status saying its count is reached, makes the API server refuse the next one orgctl writes in the namespace: ${HOLDS_SHARD}`,
        'write ResourceQuotas',
      ),
      // A RoleBinding in namespace X reaches Namespace object X itself (the request's namespace is
      // its name), and its `status` and `finalize` subresources, whose updates write the request's
      // metadata too. The garbage collector deletes an object all of whose owners are absent (a Node
      // of no such name, any uid; the API server checks none), a Namespace included: an update is a
      // delete. Namespace protection, when declared, refuses the collector's DELETE; nothing else does.
      why(
        p(['update', 'patch'], '', 'namespaces', 'namespaces/status', 'namespaces/finalize'),
        `an update of the Namespace writes its ownerReferences: one naming an owner that does not exist and the garbage collector deletes the Namespace and everything in it, and a finalizer of the writer's in the same update keeps it Terminating, refusing every create: ${HOLDS_SHARD}`,
        'update the namespace itself (its ownerReferences delete it)',
      ),
      why(
        p(['delete'], '', 'namespaces'),
        `deleting the Namespace deletes everything in it, everyone's workloads and Secrets (Prune=false does not stop it), and a Terminating namespace refuses every create: ${HOLDS_SHARD} for as long as one object's finalizer keeps it Terminating`,
        'delete the namespace itself',
      ),
      // Objects whose deletion a webhook refuses in any namespace while one of these names them (R90).
      ...DELETION_REFUSING_GROUPS.flatMap((g) =>
        writesOf(
          g,
          `the ${namesOf(g)} of ${g.project} (${g.group}) have its webhook refuse the deletion of the object they name, in any namespace, for any kind it may label (RoleBindings where it composes them): one naming the RoleBinding of a grant being revoked has Argo CD's prune of it refused, the revocation stays applied and its shard's sync fails`,
          `refuse deletions through ${g.project}`,
        ),
      ),
      // A namespace's own admission policies that only validate (red team R60-1, custom-resource-classes.ts);
      // those that mutate or generate are run-pods'.
      ...REFUSING_POLICY_GROUPS.flatMap((g) =>
        writesOf(
          g,
          `the ${g.resources.join(', ')} of ${g.project} (${g.group}) are admission policies of their namespace: the engine's webhook refuses there whatever they say, Argo CD's next write of the organization's RoleBindings included: ${HOLDS_SHARD}`,
          `refuse Argo CD's writes through ${g.project}`,
        ),
      ),
      // API Priority and Fairness (red team R56-3): a FlowSchema of lower matchingPrecedence than the
      // built-in ones decides which priority level serves a ServiceAccount's requests.
      why(
        cluster([...WRITE, 'delete'], 'flowcontrol.apiserver.k8s.io', 'flowschemas', 'prioritylevelconfigurations'),
        "a FlowSchema matching Argo CD's application controller ahead of the built-in ones puts its requests in a priority level of the writer's, one with a tiny share that rejects the rest (429): every shard's sync fails, and every revocation waits",
        "decide whether the API server serves Argo CD's requests",
      ),
    ],
  },
  {
    // Reserved (red team R69-1): a mutation adds its writer to every RoleBinding Argo CD applies and
    // its image to every pod template (escalate, run-pods); a refusal holds every shard's sync.
    id: 'webhooks',
    title: 'control admission webhooks',
    why: "a webhook or admission policy sees and can rewrite every object sent to the cluster (its writer added to every RoleBinding Argo CD applies, its image to every pod template), refuse Argo CD's writes, or switch policy off",
    severity: 'error',
    probes: [
      // Admission policies (CEL) rewrite or refuse objects as webhooks do: deleting or re-binding
      // one switches policy off (orgctl's namespace protection is a ValidatingAdmissionPolicy).
      cluster(
        [...WRITE, 'delete'],
        'admissionregistration.k8s.io',
        'mutatingwebhookconfigurations',
        'validatingwebhookconfigurations',
        'mutatingadmissionpolicies',
        'mutatingadmissionpolicybindings',
        'validatingadmissionpolicies',
        'validatingadmissionpolicybindings',
      ),
      // An APIService re-pointed to one's own Service receives, and answers, every request of its
      // group, with the requester's identity (kube-aggregator's proxy).
      cluster([...WRITE, 'delete'], 'apiregistration.k8s.io', 'apiservices'),
      // A CRD's spec.conversion (strategy Webhook) names the Service or URL the API server sends
      // every object of the resource to when converting between versions, and stores and returns
      // its answer; deleting a CRD deletes every object of it in every namespace.
      why(
        cluster([...WRITE, 'delete'], 'apiextensions.k8s.io', 'customresourcedefinitions'),
        "a CustomResourceDefinition's conversion webhook receives every object of its kind, in every namespace, and what it answers is stored and returned; deleting one deletes them all",
        'write CustomResourceDefinitions',
      ),
      // A namespace's own exceptions to the engine's cluster-wide policies (red team R69-2, custom-resource-classes.ts).
      ...EXEMPTING_POLICY_GROUPS.flatMap((g) =>
        writesOf(
          g,
          `the ${g.resources.join(', ')} of ${g.project} (${g.group}) let whatever they match, in any namespace, past the cluster's ${g.project} policies they name: pod security, or whatever else those policies refuse, is off for anyone's requests`,
          `switch ${g.project}'s policies off`,
        ),
      ),
    ],
  },
  {
    id: 'node-host',
    title: 'reach nodes and the host',
    why: 'PersistentVolumes mount host paths, node status steers scheduling, namespace labels lift pod security',
    severity: 'warning',
    // A RoleBinding in namespace X reaches Namespace object X itself, and its `status` and
    // `finalize` subresources (requestinfo.go's namespaceSubresources): their update strategies
    // reset only the spec or the status, so either writes the request's labels (pod security's).
    probes: [
      cluster(WRITE, '', 'persistentvolumes', 'nodes', 'nodes/status'),
      p(['update', 'patch'], '', 'namespaces', 'namespaces/status', 'namespaces/finalize'),
      // A binding (the scheduler's own request) sets a pending pod's node: the kubelet checks its
      // node selector and affinity again, and NoExecute taints, but not NoSchedule taints.
      why(
        p(['create'], '', 'bindings', 'pods/binding'),
        "a binding places a pending pod on any node, past the scheduler: a node kept for other workloads, or the control plane's, by NoSchedule taints the kubelet does not check",
        'place pods on nodes past the scheduler',
      ),
      // Classes pods name: a RuntimeClass's handler cannot change, but one deleted is made again
      // under its name; the DefaultStorageClass admission plugin gives a claim naming no class the
      // newest default one.
      ...(
        [
          [
            'node.k8s.io',
            'runtimeclasses',
            "a RuntimeClass names the runtime handler its pods run with: made again with another, pods meant for a sandbox (gVisor, Kata) run on the host's kernel",
            'write RuntimeClasses',
          ],
          [
            'storage.k8s.io',
            'storageclasses',
            "a StorageClass chooses the provisioner and parameters of every volume made from it, a default one of every claim naming no class: a host-path provisioner's parameters choose the host path",
            'write StorageClasses',
          ],
        ] as const
      ).map(([group, resource, because, what]) => why(cluster(WRITE, group, resource), because, what)),
      // The kubelet hands a CSI volume's publish context, VolumeAttachment status.attachmentMetadata
      // (getPublishContext in pkg/volume/csi/csi_plugin.go), to the node plugin's NodeStageVolume
      // and NodePublishVolume, which run privileged on the host.
      why(
        cluster(['update', 'patch'], 'storage.k8s.io', 'volumeattachments/status'),
        "the kubelet hands a VolumeAttachment's attachmentMetadata to the CSI node plugin, privileged on the host, as where the volume is (a devicePath): the writer chooses what the node mounts into a pod, a host disk included",
        "write VolumeAttachments' status",
      ),
      why(p(['update', 'patch'], DRA, 'resourceclaims/status'), WHY_1_32.claimStatus, 'allocate devices to claims'),
      why(p(WRITE, DRA, 'resourceclaims', 'resourceclaimtemplates'), WHY_1_32.claims, 'write ResourceClaims'),
      why(cluster(WRITE, DRA, 'resourceslices'), WHY_1_32.slices, 'write ResourceSlices'),
      why(cluster(WRITE, DRA, 'deviceclasses'), WHY_1_32.deviceClasses, 'write DeviceClasses'),
    ],
  },
  {
    id: 'network',
    title: 'intercept network traffic',
    why: "writing Services, Ingresses, Endpoints, a Service status or a Pod's status redirects traffic meant for others",
    severity: 'warning',
    probes: [
      p(['update', 'patch'], '', 'services/status'),
      // The EndpointSlice controller builds a Service's endpoints from its Pods' status (the Ready
      // condition, podIPs): whoever writes it chooses which Pods receive the traffic.
      p(['update', 'patch'], '', 'pods/status'),
      p(WRITE, '', 'endpoints'),
      p(WRITE, 'discovery.k8s.io', 'endpointslices'),
      // A Service made again, or patched, as `type: ExternalName` has cluster DNS answer its name
      // with a CNAME to any host (the API server drops its clusterIP: dropTypeDependentFields in
      // pkg/registry/core/service/strategy.go), and its spec.selector chooses which Pods receive
      // its traffic: either way its clients, in any namespace, connect where the writer chose.
      why(
        p(WRITE, '', 'services'),
        'a Service made again as ExternalName answers its name with a CNAME to any host, and its selector chooses which Pods receive its traffic: its clients, in any namespace, connect where the writer chose',
        'write Services',
      ),
      ...INGRESS_PROBES,
      // Custom resources whose controllers route others' traffic where they say (R84).
      ...TRAFFIC_ROUTING_GROUPS.flatMap((g) =>
        writesOf(
          g,
          `${g.project} (${g.group}) delivers others' messages or requests where its ${namesOf(g)} say`,
          `route traffic through ${g.project}`,
        ),
      ),
      why(cluster(WRITE, 'networking.k8s.io', 'servicecidrs'), WHY_1_32.serviceCidrs, 'write ServiceCIDRs'),
      why(
        cluster(['delete', 'deletecollection'], 'networking.k8s.io', 'ipaddresses'),
        WHY_1_32.ipAddresses,
        'delete IPAddresses',
      ),
      why(
        cluster(WRITE, 'certificates.k8s.io', 'clustertrustbundles'),
        WHY_1_32.trustBundles,
        'write ClusterTrustBundles',
      ),
    ],
  },
];

export const CLASS_BY_ID: ReadonlyMap<ClassId, PrivilegeClass> = new Map(CLASSES.map((c) => [c.id, c]));

/** Whether a rule reaches the probe's group: UNKNOWN_GROUP is reached by `*` or any group Kubernetes does not serve. */
function groupHit(rule: PolicyRule, group: string): boolean {
  if (group !== UNKNOWN_GROUP) return apiGroupMatches(rule, group);
  return (rule.apiGroups ?? []).some((g) => g === '*' || !BUILTIN_GROUPS.has(g));
}

/**
 * Whether a rule reaches some resource of a family of groups (every group ending with `.domain`):
 * naming such a group, any resource it names there (a subresource is not the resource); through `*`
 * alone, only `*` resources, as no resource name is known to be one of the family's.
 */
function familyHit(rule: PolicyRule, domain: string): boolean {
  const groups = rule.apiGroups ?? [];
  const resources = rule.resources ?? [];
  if (groups.some((g) => g.endsWith(`.${domain}`))) return resources.some((r) => !r.includes('/'));
  return groups.includes('*') && resources.includes('*');
}

/** Whether one rule allows some request of the probe (for some object name). */
function ruleHitsProbe(rule: PolicyRule, probe: Probe): boolean {
  if (!probe.verbs.some((v) => verbMatches(rule, v))) return false;
  if ('domain' in probe) return familyHit(rule, probe.domain);
  if (!groupHit(rule, probe.group)) return false;
  return probe.resources.some((res) => {
    const slash = res.indexOf('/');
    return slash < 0 ? resourceMatches(rule, res) : resourceMatches(rule, res.slice(0, slash), res.slice(slash + 1));
  });
}

const inScope = (probe: Probe, scope: Scope) => scope === 'cluster' || !probe.clusterOnly;

/** The first probe of a class the rule hits where it was granted: what a finding names as the reason. */
export function probeHit(rule: PolicyRule, cls: ClassId, scope: Scope): Probe | undefined {
  return CLASS_BY_ID.get(cls)!.probes.find((pr) => inScope(pr, scope) && ruleHitsProbe(rule, pr));
}

/** The classes a rule holds where it was granted, in catalog order. */
export function classesOfRule(rule: PolicyRule, scope: Scope): ClassId[] {
  return CLASSES.filter((c) => c.probes.some((pr) => inScope(pr, scope) && ruleHitsProbe(rule, pr))).map((c) => c.id);
}

/** The classes a set of rules holds (the union of its rules': each probe is one request). */
export function classesOf(rules: readonly PolicyRule[], scope: Scope): ClassId[] {
  const held = new Set(rules.flatMap((r) => classesOfRule(r, scope)));
  return CLASSES.filter((c) => held.has(c.id)).map((c) => c.id);
}

/**
 * The resources of API groups Kubernetes does not serve itself (or of every group, `*`) a rule may
 * create, update or patch and no declaration of the organization makes safe, as people read them
 * (`widgets.example.com`, `configmaps in every API group`). orgctl cannot tell
 * what a controller does with them (it may make pods from one), so they are reserved for admins.
 */
export function undeclaredWrites(rule: PolicyRule, safe: readonly SafeCustomResource[] = []): string[] {
  const resources = rule.resources ?? [];
  // What a controller acts on is what an object says: deleting says nothing new (as run-pods' probes).
  if (!resources.length || !WRITE.some((v) => verbMatches(rule, v))) return [];
  const out: string[] = [];
  for (const g of rule.apiGroups ?? []) {
    if (g !== '*' && BUILTIN_GROUPS.has(g)) continue;
    for (const r of resources)
      if (!declaredSafe(g, r, safe)) out.push(g === '*' ? `${r} in every API group` : `${r}.${g}`);
  }
  return out;
}

/** The declaration that makes writing `resource` (`res` or `res/sub`, as a rule names it) of `group` safe, if one does. */
export function declaredSafe(
  group: string,
  resource: string,
  safe: readonly SafeCustomResource[] = [],
): SafeCustomResource | undefined {
  // `*` reaches groups nobody can declare: never lifted.
  return group === '*' ? undefined : safe.find((s) => s.group === group && s.resources.includes(resource));
}

/** Why a rule writing undeclared custom resources is refused, for a finding (forbidden-grant, before and after synthesis). */
export function undeclaredForAdmins(writes: readonly string[], ruleIndex: number, rule: PolicyRule): string {
  const every = (rule.apiGroups ?? []).includes('*');
  return `lets a non-admin write ${writes.join(', ')}, which orgctl does not know (rule ${ruleIndex}: ${describeRule(rule)}): reserved for admins, because ${UNDECLARED_WHY}; ${
    every ? 'name the API group instead of *, then ' : ''
  }${UNDECLARED_FIX}, else grant it to an admin only`;
}

const UNDECLARED_WHY = 'a controller may make pods from what a custom resource says';
/** What declaring a custom resource safe claims, for every text that asks for or shows the claim. */
export const SAFE_CLAIM = 'no controller makes pods, reads Secrets or takes identities from';
const UNDECLARED_FIX = `if ${SAFE_CLAIM} it, an admin may declare it in the organization's safeCustomResources (another admin approves)`;

/** The first rule writing custom resources nobody declared safe, and those resources; undefined when none does. */
export function firstUndeclared(
  rules: readonly PolicyRule[],
  safe?: readonly SafeCustomResource[],
): { readonly rule: number; readonly writes: readonly string[] } | undefined {
  for (const [rule, r] of rules.entries()) {
    const writes = undeclaredWrites(r, safe);
    if (writes.length) return { rule, writes };
  }
  return undefined;
}

/** Why one request writing a custom resource nobody declared safe is reserved for people (explain), if it is. */
export function undeclaredReason(rule: PolicyRule, safe?: readonly SafeCustomResource[]): string | undefined {
  const writes = undeclaredWrites(rule, safe);
  return writes.length
    ? `reserved for admins (write ${writes.join(', ')}, which orgctl does not know): ${UNDECLARED_WHY}; ${UNDECLARED_FIX}`
    : undefined;
}

/**
 * Why a custom resource cannot be declared safe, if it cannot: one a privilege class reserves (a
 * project's pod-making resources, a console into a workload) stays reserved whatever an admin declares.
 * Judged in a namespace first, so a namespaced resource gives its own reason rather than that of
 * something only a ClusterRoleBinding reaches under the same name (a cluster-scoped family of groups).
 */
export function unsafeDeclaration(group: string, resource: string): string | undefined {
  const rule = { apiGroups: [group], resources: [resource], verbs: ['*'] };
  for (const scope of ['namespace', 'cluster'] as const) {
    const cls = classesOfRule(rule, scope).find((c) => CLASS_BY_ID.get(c)!.severity === 'error');
    if (!cls) continue;
    const probe = probeHit(rule, cls, scope);
    return `can never be declared safe: ${probe?.why ?? CLASS_BY_ID.get(cls)!.why} (${probe?.what ?? CLASS_BY_ID.get(cls)!.title})`;
  }
  return undefined;
}

/**
 * Why rules holding admin-only classes are refused, for a finding: `lets a non-admin run
 * arbitrary pods (rule 1: create on jobs.batch): reserved for admins, because ...`. One
 * text for the policy on the declaration and the judgement of the synthesized output. The reason
 * is the first matching request's own when it has one (port-forward is not exec), else the class's.
 */
export function reservedForAdmins(
  classes: readonly ClassId[],
  ruleIndex: number,
  rule: PolicyRule,
  scope: Scope = 'namespace',
): string {
  const first = classes[0]!;
  const probe = probeHit(rule, first, scope);
  const because = probe?.why ?? CLASS_BY_ID.get(first)!.why;
  const titles = classes.map((c, i) => (i === 0 && probe?.what) || CLASS_BY_ID.get(c)!.title);
  return `lets a non-admin ${titles.join(', ')} (rule ${ruleIndex}: ${describeRule(rule)}): reserved for admins, because ${because}`;
}

/** A rule for people: `create on deployments.apps`. */
export function describeRule(rule: PolicyRule): string {
  if (rule.nonResourceURLs?.length) return `${rule.verbs.join(',')} on ${rule.nonResourceURLs.join(',')}`;
  const groups = rule.apiGroups ?? [];
  const res = (rule.resources ?? []).flatMap((r) => groups.map((g) => (g === '' ? r : `${r}.${g}`)));
  const names = rule.resourceNames?.length ? ` named ${rule.resourceNames.join(',')}` : '';
  return `${rule.verbs.join(',')} on ${res.join(',') || '(no resources)'}${names}`;
}
