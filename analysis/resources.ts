/**
 * The built-in Kubernetes API resources of a 1.32 API server with every API version enabled (alpha
 * and beta ones included: a cluster may enable them), as `kubectl api-resources` lists them: how a
 * TYPE argument (`pods`, `po`, `pod`, `Pod`, `deployments.apps`) resolves to a resource and its API
 * group, and whether it is namespaced. test/fixtures/kubernetes-1.32-api-resources.json is the
 * list they are checked against.
 */
import { nearestName } from '../model/text.ts';

export interface ApiResource {
  readonly resource: string;
  readonly group: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly shortNames?: readonly string[];
}

const r = (
  resource: string,
  group: string,
  kind: string,
  namespaced: boolean,
  ...shortNames: string[]
): ApiResource => ({
  resource,
  group,
  kind,
  namespaced,
  ...(shortNames.length ? { shortNames } : {}),
});

export const API_RESOURCES: readonly ApiResource[] = [
  r('bindings', '', 'Binding', true),
  r('componentstatuses', '', 'ComponentStatus', false, 'cs'),
  r('configmaps', '', 'ConfigMap', true, 'cm'),
  r('endpoints', '', 'Endpoints', true, 'ep'),
  r('events', '', 'Event', true, 'ev'),
  r('limitranges', '', 'LimitRange', true, 'limits'),
  r('namespaces', '', 'Namespace', false, 'ns'),
  r('nodes', '', 'Node', false, 'no'),
  r('persistentvolumeclaims', '', 'PersistentVolumeClaim', true, 'pvc'),
  r('persistentvolumes', '', 'PersistentVolume', false, 'pv'),
  r('pods', '', 'Pod', true, 'po'),
  r('podtemplates', '', 'PodTemplate', true),
  r('replicationcontrollers', '', 'ReplicationController', true, 'rc'),
  r('resourcequotas', '', 'ResourceQuota', true, 'quota'),
  r('secrets', '', 'Secret', true),
  r('serviceaccounts', '', 'ServiceAccount', true, 'sa'),
  r('services', '', 'Service', true, 'svc'),
  r('mutatingwebhookconfigurations', 'admissionregistration.k8s.io', 'MutatingWebhookConfiguration', false),
  r('validatingwebhookconfigurations', 'admissionregistration.k8s.io', 'ValidatingWebhookConfiguration', false),
  r('mutatingadmissionpolicies', 'admissionregistration.k8s.io', 'MutatingAdmissionPolicy', false),
  r('mutatingadmissionpolicybindings', 'admissionregistration.k8s.io', 'MutatingAdmissionPolicyBinding', false),
  r('validatingadmissionpolicies', 'admissionregistration.k8s.io', 'ValidatingAdmissionPolicy', false),
  r('validatingadmissionpolicybindings', 'admissionregistration.k8s.io', 'ValidatingAdmissionPolicyBinding', false),
  r('customresourcedefinitions', 'apiextensions.k8s.io', 'CustomResourceDefinition', false, 'crd', 'crds'),
  r('apiservices', 'apiregistration.k8s.io', 'APIService', false),
  r('controllerrevisions', 'apps', 'ControllerRevision', true),
  r('daemonsets', 'apps', 'DaemonSet', true, 'ds'),
  r('deployments', 'apps', 'Deployment', true, 'deploy'),
  r('replicasets', 'apps', 'ReplicaSet', true, 'rs'),
  r('statefulsets', 'apps', 'StatefulSet', true, 'sts'),
  r('selfsubjectreviews', 'authentication.k8s.io', 'SelfSubjectReview', false),
  r('tokenreviews', 'authentication.k8s.io', 'TokenReview', false),
  r('localsubjectaccessreviews', 'authorization.k8s.io', 'LocalSubjectAccessReview', true),
  r('selfsubjectaccessreviews', 'authorization.k8s.io', 'SelfSubjectAccessReview', false),
  r('selfsubjectrulesreviews', 'authorization.k8s.io', 'SelfSubjectRulesReview', false),
  r('subjectaccessreviews', 'authorization.k8s.io', 'SubjectAccessReview', false),
  r('horizontalpodautoscalers', 'autoscaling', 'HorizontalPodAutoscaler', true, 'hpa'),
  r('cronjobs', 'batch', 'CronJob', true, 'cj'),
  r('jobs', 'batch', 'Job', true),
  r('certificatesigningrequests', 'certificates.k8s.io', 'CertificateSigningRequest', false, 'csr'),
  r('clustertrustbundles', 'certificates.k8s.io', 'ClusterTrustBundle', false),
  r('leasecandidates', 'coordination.k8s.io', 'LeaseCandidate', true),
  r('leases', 'coordination.k8s.io', 'Lease', true),
  r('endpointslices', 'discovery.k8s.io', 'EndpointSlice', true),
  r('events', 'events.k8s.io', 'Event', true, 'ev'),
  r('flowschemas', 'flowcontrol.apiserver.k8s.io', 'FlowSchema', false),
  r('prioritylevelconfigurations', 'flowcontrol.apiserver.k8s.io', 'PriorityLevelConfiguration', false),
  r('storageversions', 'internal.apiserver.k8s.io', 'StorageVersion', false),
  r('ingressclasses', 'networking.k8s.io', 'IngressClass', false),
  r('ingresses', 'networking.k8s.io', 'Ingress', true, 'ing'),
  r('ipaddresses', 'networking.k8s.io', 'IPAddress', false, 'ip'),
  r('networkpolicies', 'networking.k8s.io', 'NetworkPolicy', true, 'netpol'),
  r('servicecidrs', 'networking.k8s.io', 'ServiceCIDR', false),
  r('runtimeclasses', 'node.k8s.io', 'RuntimeClass', false),
  r('poddisruptionbudgets', 'policy', 'PodDisruptionBudget', true, 'pdb'),
  r('clusterrolebindings', 'rbac.authorization.k8s.io', 'ClusterRoleBinding', false),
  r('clusterroles', 'rbac.authorization.k8s.io', 'ClusterRole', false),
  r('rolebindings', 'rbac.authorization.k8s.io', 'RoleBinding', true),
  r('roles', 'rbac.authorization.k8s.io', 'Role', true),
  r('deviceclasses', 'resource.k8s.io', 'DeviceClass', false),
  r('resourceclaims', 'resource.k8s.io', 'ResourceClaim', true),
  r('resourceclaimtemplates', 'resource.k8s.io', 'ResourceClaimTemplate', true),
  r('resourceslices', 'resource.k8s.io', 'ResourceSlice', false),
  r('priorityclasses', 'scheduling.k8s.io', 'PriorityClass', false, 'pc'),
  r('csidrivers', 'storage.k8s.io', 'CSIDriver', false),
  r('csinodes', 'storage.k8s.io', 'CSINode', false),
  r('csistoragecapacities', 'storage.k8s.io', 'CSIStorageCapacity', true),
  r('storageclasses', 'storage.k8s.io', 'StorageClass', false, 'sc'),
  r('volumeattachments', 'storage.k8s.io', 'VolumeAttachment', false),
  r('volumeattributesclasses', 'storage.k8s.io', 'VolumeAttributesClass', false, 'vac'),
  r('storageversionmigrations', 'storagemigration.k8s.io', 'StorageVersionMigration', false),
];

/** Resolves a kubectl TYPE: plural, singular, short name or Kind, optionally `.group`. */
export function resolveResource(type: string): ApiResource | undefined {
  const lower = type.toLowerCase();
  const matches = (res: ApiResource, name: string) =>
    res.resource === name || res.kind.toLowerCase() === name || (res.shortNames ?? []).includes(name);
  // Exact names win over `name.group` splitting, as kubectl's RESTMapper does.
  const plain = API_RESOURCES.filter((res) => matches(res, lower));
  if (plain.length) return plain.find((res) => res.group === '') ?? plain[0];
  const dot = lower.indexOf('.');
  if (dot < 0) return undefined;
  const name = lower.slice(0, dot);
  const group = lower.slice(dot + 1);
  return API_RESOURCES.find((res) => res.group === group && matches(res, name));
}

/** The built-in TYPE a mistyped one meant (`podz`: `pods`, `deploymets.apps`: `deployments.apps`), as kubectl names it. */
export function nearestResource(type: string): string | undefined {
  const names = API_RESOURCES.map((res) => (res.group ? `${res.resource}.${res.group}` : res.resource));
  return nearestName(type.toLowerCase(), names);
}
