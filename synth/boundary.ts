/**
 * The boundary (`delivery.argocd.boundary`): a ValidatingAdmissionPolicy and its binding, applied
 * by hand to each cluster like the AppProject, that refuses whatever the organization's Argo CD
 * Applications write beyond the shapes orgctl writes. Argo CD applies with cluster-admin, and the
 * AppProject bounds kinds and namespaces only: a forged dist/ that got merged could rewrite any
 * ClusterRole, aggregate the organization's rules into `view`, bind `cluster-admin` or
 * `system:authenticated`, mint a token for a workload's ServiceAccount, or delete a Namespace.
 * With the boundary, the API server refuses each, and a forgery stays inside the organization's
 * own namespaces, people and tokens (where the review is the wall).
 *
 * It judges only requests of `appliedBy` for an object one of the organization's Applications
 * applies: Argo CD writes each with its Application's tracking (the label
 * `app.kubernetes.io/instance`, or the annotation `argocd.argoproj.io/tracking-id`, as Argo CD is
 * configured) and a manifest cannot take it off; either naming an Application of the organization
 * brings the request under the policy, so a forged one of the other kind does not lift it. People,
 * and other teams' Applications, are not its business. An admission policy is never judged by one:
 * the AppProject keeps Argo CD from writing this one (constructs/guard-rails.ts argocdBoundaryOf).
 */
import {
  EMAIL_PATTERN,
  levelRoleName,
  SYSTEM_PREFIX,
  tokenAccountName,
  type ArgoCdBoundary,
  type OrgModel,
} from '../model/model.ts';
import { argoCdKindsOf, namespacesIn } from './argocd.ts';
import {
  instanceLabelOf,
  metadataValue,
  namesApplication,
  PRUNE_READ_PREFIXES,
  TRACKING_ANNOTATION,
  TARGET,
  trackingPattern,
} from './tracking.ts';
import { appliersOf, appliersText } from '../model/guard-rails.ts';
import { celList, celMap, celString, celUsernameIn, literalPattern } from './cel.ts';
import { protectionObjects } from './guard-rails.ts';
import { ADMISSION_V1, RBAC_GROUP } from './kinds.ts';
import type { k8s } from 'cdk8s-plus-28';
import {
  manifest,
  type Manifest,
  oncePerModel,
  ORGANIZATION_LABEL,
  organizationLabels,
  SYNC_OPTIONS_ANNOTATION,
  SYNC_WAVE_ANNOTATION,
} from './manifest.ts';
import {
  namespaceObject,
  outputClusters,
  SERVICE_ACCOUNT_NAME_ANNOTATION,
  SERVICE_ACCOUNT_TOKEN_TYPE,
} from './render.ts';

/**
 * Annotations Argo CD itself writes on what it applies, beside the tracking: kubectl's record of
 * a client-side apply, and the installation's id when one is configured.
 */
const ARGO_CD_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration', 'argocd.argoproj.io/installation-id'];

/** The label the API server puts on every Namespace, its value the Namespace's name. */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** The boundary's policy and binding are named after the organization. */
const boundaryName = (org: string): string => `${org}-argocd-boundary`;

/** `condition` (CEL) for objects of one kind; true for every other. */
const forKind = (group: string, kind: string, condition: string): string =>
  `request.kind.group != ${celString(group)} || request.kind.kind != ${celString(kind)} || ${condition}`;

type NamespaceMetadata = { readonly labels: Record<string, string>; readonly annotations: Record<string, string> };

/** The labels and annotations orgctl writes on a Namespace (as CEL), each cluster alike. */
function namespaceMetadataOf(model: OrgModel, name: string, settings?: OrgModel['namespaces'][number]['settings']) {
  const { labels = {}, annotations = {} } = namespaceObject(model, name, undefined, settings)
    .metadata as Partial<NamespaceMetadata>;
  return `{'labels': ${celMap(labels)}, 'annotations': ${celMap(annotations)}}`;
}

/**
 * The labels and annotations orgctl writes on each of the organization's Namespaces (CEL): those
 * of a namespace with no settings of its own, and by name those that differ from them.
 */
function namespacesMetadata(model: OrgModel): { readonly usual: string; readonly byName: string } {
  const usual = namespaceMetadataOf(model, model.systemNamespace);
  const own = model.namespaces
    .map((n) => [n.name, namespaceMetadataOf(model, n.name, n.settings)] as const)
    .filter(([, m]) => m !== usual);
  return { usual, byName: `{${own.map(([n, m]) => `${celString(n)}: ${m}`).join(', ')}}` };
}

/**
 * `map` ('labels' or 'annotations', a variable of that name) of the object is `want` (CEL: what
 * orgctl writes), beside `extra` keys, Argo CD's tracking under `trackingKey` when it names one of
 * the organization's Applications (Argo CD writes one kind of tracking; the other kind is the
 * manifest's own, and others select by it: another release's label), and, on an update, those
 * others put there.
 */
function asDeclared(
  map: 'labels' | 'annotations',
  want: string,
  trackingKey: string,
  extra: readonly string[] = [],
): string {
  const have = `variables.${map}`;
  const tracking = `(k == ${celString(trackingKey)} && variables.${map === 'labels' ? 'labelCluster' : 'annotationCluster'} != '')`;
  const others = extra.length ? ` || k in ${celList(extra)}` : '';
  return `${want}.all(k, k in ${have} && ${have}[k] == ${want}[k]) && ${have}.all(k, k in ${want}${others} || ${tracking} || ${keptFromLive(map, 'k')})`;
}

/** Whether key `k` (CEL) of the written object's `map` is the live object's, as it was: an update keeps what others put there. */
const keptFromLive = (map: 'labels' | 'annotations', k: string): string =>
  `(request.operation == 'UPDATE' && has(oldObject.metadata.${map}) && ${k} in oldObject.metadata.${map} && oldObject.metadata.${map}[${k}] == variables.${map}[${k}])`;

/** The boundary's policy and binding, and namespace protection's; [] without delivery.argocd.boundary. */
export const boundaryObjects = oncePerModel((model: OrgModel): Manifest[] => {
  const a = model.argocd;
  if (!a?.boundary) return [];
  // Namespace protection, when declared, is applied by hand with it (protectionAppliedByHand).
  return [...policyAndBinding(model, a.boundary, a.namespace), ...protectionObjects(model)];
});

function policyAndBinding(model: OrgModel, boundary: ArgoCdBoundary, argocdNamespace: string): Manifest[] {
  const org = model.name;
  const name = boundaryName(org);
  const labels = organizationLabels(org);
  const clusters = outputClusters(model);
  const declared = namespacesMetadata(model);
  // The label Argo CD tracks by, under the key its argocd-cm names: read under another, an object
  // it tracks would look untracked, its writes unjudged and another team's prunes refused.
  const instanceLabel = instanceLabelOf(model.argocd);
  const targetLabel = metadataValue(TARGET, 'labels', instanceLabel);
  const targetAnnotation = metadataValue(TARGET, 'annotations', TRACKING_ANNOTATION);
  const system = model.systemNamespace;
  const rolePrefix = levelRoleName(org, '');
  const tokenPrefix = tokenAccountName('');
  const kinds = argoCdKindsOf(model);
  const writtenKinds = [...kinds.cluster, ...kinds.namespaced];
  const written = writtenKinds.map((k) => `${k.group}/${k.kind}`);
  const whose = `organization ${org}'s Argo CD Applications`;
  // The cluster of the Application a tracking value (CEL) names, '' for none of the organization's;
  // then the namespaces orgctl writes there.
  const clusterOf = (tracking: string) =>
    clusters.reduceRight(
      (otherwise, c) => `${tracking}.matches(${celString(trackingPattern(org, [c]))}) ? ${celString(c)} : ${otherwise}`,
      "''",
    );
  const namespacesOf = clusters.reduceRight(
    (otherwise, c) =>
      `variables.cluster == ${celString(c)} ? ${celList(namespacesIn(model, c, argocdNamespace))} : ${otherwise}`,
    '[]',
  );
  // A delete is judged by name only (what it removes is as it was written); a write by its content too.
  const deletes = "request.operation == 'DELETE'";
  /** A write's metadata `field` (a list) holds only entries the live object already has: others' kept, none added. */
  const noneAdded = (field: string) =>
    `${deletes} || !has(object.metadata.${field}) || object.metadata.${field}.all(x, request.operation == 'UPDATE' && has(oldObject.metadata.${field}) && x in oldObject.metadata.${field})`;
  const validations: { expression: string; message: string }[] = [
    {
      expression: "variables.cluster != ''",
      message: `${appliersText(boundary.appliedBy)} deletes only what an Argo CD Application tracks: no Application tracks this object, so the DELETE comes from a forced sync (the sync option Force=true or Replace=true, which deletes the live object before the forged one is judged) of a manifest naming it`,
    },
    {
      // Argo CD writes one tracking, and a manifest may carry the other kind: naming an Application
      // of another cluster, it would make the cluster's namespaces those of that one.
      expression:
        "variables.labelCluster == '' || variables.annotationCluster == '' || variables.labelCluster == variables.annotationCluster",
      message: `its tracking label and annotation name Applications of different clusters of organization ${org}: Argo CD writes one, so the other is the manifest's own, forged to write into another cluster's namespaces`,
    },
    {
      expression: `(request.kind.group + '/' + request.kind.kind) in ${celList(written)}`,
      message: `${whose} write only the kinds orgctl writes (${writtenKinds.map((k) => k.kind).join(', ')})`,
    },
    {
      expression: "variables.requestNamespace == '' || variables.requestNamespace in variables.namespaces",
      message: `${whose} write only into the organization's namespaces of their cluster (${system}, and those declared there)`,
    },
    {
      expression: forKind('', 'Namespace', 'variables.target.metadata.name in variables.namespaces'),
      message: `${whose} write only the organization's Namespaces of their cluster (${system}, and those declared there)`,
    },
    {
      // Its message names Prune=false alone, as the release before R60-2's flip wrote it: that
      // release's review reads only the Namespaces' sync options changed in an upgrade (its
      // stepping stone), and would refuse this policy with any other text changed.
      expression: forKind('', 'Namespace', "request.operation != 'DELETE'"),
      message: `a Namespace of organization ${org} is never deleted by Argo CD (orgctl writes each with Prune=false): delete it by hand once it is empty`,
    },
    {
      expression: forKind(
        '',
        'Namespace',
        `${deletes} || (${asDeclared('labels', 'variables.declared.labels', instanceLabel, [NAMESPACE_NAME_LABEL])} && ${asDeclared('annotations', 'variables.declared.annotations', TRACKING_ANNOTATION, ARGO_CD_ANNOTATIONS)})`,
      ),
      message: `${whose} write the organization's Namespaces with their labels and annotations as declared (the label ${ORGANIZATION_LABEL}: ${org}, which namespace protection selects by, and Pod Security's levels among them), no other added: others act on them (Pod Security admission, NetworkPolicies' and webhooks' namespace selectors, a cloud's roles for pods); those others put there are kept`,
    },
    {
      expression: forKind(
        RBAC_GROUP,
        'ClusterRole',
        `variables.target.metadata.name.startsWith(${celString(rolePrefix)})`,
      ),
      message: `${whose} write only ClusterRoles named ${rolePrefix}...: never one that others hold (system:basic-user, view, admin)`,
    },
    {
      // The prefix alone is not the organization's: Kubernetes and platforms name theirs the same
      // way (system:, EKS's eks:, kubeadm's kubeadm:), and one rewritten gives its holders whatever
      // the forgery likes, cluster-wide.
      expression: forKind(
        RBAC_GROUP,
        'ClusterRole',
        `request.operation == 'CREATE' || ${metadataValue('oldObject', 'labels', ORGANIZATION_LABEL)} == ${celString(org)}`,
      ),
      message: `${whose} update and delete only the organization's own ClusterRoles (labelled ${ORGANIZATION_LABEL}: ${org}), never one that others hold under its name's prefix (an organization named system, eks or kubeadm): if the live one is the organization's, label it so by hand`,
    },
    {
      expression: forKind(RBAC_GROUP, 'ClusterRole', `${deletes} || !has(object.aggregationRule)`),
      message: `the organization's ClusterRoles have no aggregation rule: it would copy other roles' rules into them`,
    },
    {
      expression: forKind(
        RBAC_GROUP,
        'ClusterRole',
        `${deletes} || ${asDeclared('labels', celMap(labels), instanceLabel)}`,
      ),
      message: `${whose} write the organization's ClusterRoles with orgctl's labels, as orgctl writes them, and add none: an aggregating role selects by labels (an aggregation label would add their rules to admin, edit, view or any aggregated role); those others put there are kept`,
    },
    {
      expression: forKind(
        RBAC_GROUP,
        'RoleBinding',
        `${deletes} || object.roleRef.kind == 'Role' || (object.roleRef.kind == 'ClusterRole' && object.roleRef.name.startsWith(${celString(rolePrefix)}))`,
      ),
      message: `${whose} bind only the organization's roles: a roleRef to a Role, or to a ClusterRole named ${rolePrefix}... (never cluster-admin, admin or edit)`,
    },
    {
      expression: forKind(
        RBAC_GROUP,
        'RoleBinding',
        `${deletes} || !has(object.subjects) || object.subjects.all(s, (s.kind == 'User' && s.name.matches(${celString(`^${literalPattern(model.usernamePrefix)}${EMAIL_PATTERN.slice(1)}`)}) && !s.name.startsWith(${celString(SYSTEM_PREFIX)})) || (s.kind == 'ServiceAccount' && s.namespace == ${celString(system)} && s.name.startsWith(${celString(tokenPrefix)})))`,
      ),
      message: `${whose} bind as subjects only the organization's people (${model.usernamePrefix}name@domain) and its tokens' ServiceAccounts (${tokenPrefix}... in ${system}): no Group, no system: user, no other ServiceAccount`,
    },
    {
      expression: `!(request.kind.group == '' && request.kind.kind in ['ServiceAccount', 'Secret', 'ConfigMap']) || variables.requestNamespace == ${celString(system)}`,
      message: `${whose} write ServiceAccounts, Secrets and ConfigMaps only in ${system}`,
    },
    {
      expression: `!(request.kind.group == '' && request.kind.kind in ['ServiceAccount', 'Secret']) || variables.target.metadata.name.startsWith(${celString(tokenPrefix)})`,
      message: `${whose} write only the ServiceAccounts and Secrets of tokens (named ${tokenPrefix}...)`,
    },
    {
      // A DELETE only marks an object with finalizers for deletion, and RBAC reads bindings and
      // roles without deletionTimestamp: one forged with a finalizer keeps granting once pruned.
      expression: noneAdded('finalizers'),
      message: `${whose} add no finalizer (orgctl writes none): an object with one outlives its prune, marked for deletion until someone removes the finalizer, and a RoleBinding or role marked so still grants; those others put there are kept`,
    },
    {
      // The garbage collector deletes an object all of whose owners are absent (any uid names one),
      // and the boundary does not judge the collector: an organization's Namespace would go, with
      // all it holds, though Argo CD may not delete it (red team R42-3).
      expression: noneAdded('ownerReferences'),
      message: `${whose} add no ownerReference (orgctl writes none): the garbage collector deletes an object whose owners do not exist, a Namespace with all it holds; those others put there are kept`,
    },
    {
      // gitops-engine's prune skips a live object whose sync-options say Prune=false; one that is
      // IgnoreExtraneous leaves its Application Synced, so no automated sync prunes it; a hook is
      // none of its resources. A Namespace's annotations are judged whole above (red team R44-1).
      expression: `${deletes} || (request.kind.group == '' && request.kind.kind == 'Namespace') || variables.annotations.all(k, !(${PRUNE_READ_PREFIXES.map((p) => `k.startsWith(${celString(p)})`).join(' || ')}) || k in ${celList([SYNC_WAVE_ANNOTATION, TRACKING_ANNOTATION, ...ARGO_CD_ANNOTATIONS])} || ${keptFromLive('annotations', 'k')})`,
      message: `${whose} add no annotation of Argo CD's or Helm's (${PRUNE_READ_PREFIXES.map((p) => `${p}...`).join(', ')}) but ${SYNC_WAVE_ANNOTATION}, which orgctl writes, and Argo CD's own tracking: Argo CD reads them on the live object when it prunes (${SYNC_OPTIONS_ANNOTATION} Prune=false skips the prune, compare-options IgnoreExtraneous leaves the Application in sync with the object in place, a hook is never pruned), so a forgery reverted would keep its access; those others put on the live object are kept`,
    },
    {
      expression: forKind(
        '',
        'Secret',
        `${deletes} || (has(object.type) && object.type == ${celString(SERVICE_ACCOUNT_TOKEN_TYPE)} && ${metadataValue('object', 'annotations', SERVICE_ACCOUNT_NAME_ANNOTATION)} == object.metadata.name)`,
      ),
      message: `${whose} write a Secret only as a token of its own ServiceAccount (type ${SERVICE_ACCOUNT_TOKEN_TYPE}, ${SERVICE_ACCOUNT_NAME_ANNOTATION} the Secret's own name)`,
    },
  ];
  const policy = manifest(ADMISSION_V1, 'ValidatingAdmissionPolicy', {
    metadata: { name, labels },
    spec: {
      failurePolicy: 'Fail',
      matchConstraints: {
        // `*/*`, not `*`: `*` matches no subresource, and PUT namespaces/NAME/finalize or /status
        // writes a Namespace's labels as well (Kubernetes allows `*/*` only alone).
        resourceRules: [
          { apiGroups: ['*'], apiVersions: ['*'], operations: ['CREATE', 'UPDATE', 'DELETE'], resources: ['*/*'] },
        ],
      },
      matchConditions: [
        { name: 'applied-by-argocd', expression: celUsernameIn(appliersOf(boundary.appliedBy)) },
        {
          // Argo CD deletes what an Application tracks (a prune, a hook), so a DELETE of an object
          // no Application tracks comes from a forced sync of a forged manifest naming it.
          name: 'for-the-organization-or-untracked',
          expression: `${namesApplication(targetLabel, targetAnnotation, org, clusters)} || (request.operation == 'DELETE' && ${targetLabel} == '' && ${targetAnnotation} == '')`,
        },
      ],
      variables: [
        // The request's AdmissionRequest leaves `namespace` out when it is empty (omitempty): a
        // cluster-scoped request has no such key, and reading it would err, which denies (red team R46-1).
        { name: 'requestNamespace', expression: "has(request.namespace) ? request.namespace : ''" },
        { name: 'target', expression: TARGET },
        { name: 'label', expression: metadataValue('variables.target', 'labels', instanceLabel) },
        { name: 'annotation', expression: metadataValue('variables.target', 'annotations', TRACKING_ANNOTATION) },
        { name: 'labelCluster', expression: clusterOf('variables.label') },
        { name: 'annotationCluster', expression: clusterOf('variables.annotation') },
        {
          name: 'cluster',
          expression: "variables.labelCluster != '' ? variables.labelCluster : variables.annotationCluster",
        },
        { name: 'namespaces', expression: namespacesOf },
        { name: 'labels', expression: 'has(variables.target.metadata.labels) ? variables.target.metadata.labels : {}' },
        {
          name: 'annotations',
          expression: 'has(variables.target.metadata.annotations) ? variables.target.metadata.annotations : {}',
        },
        // What orgctl writes on the Namespace of that name (read for Namespaces only).
        { name: 'declaredByName', expression: declared.byName },
        {
          name: 'declared',
          expression: `variables.target.metadata.name in variables.declaredByName ? variables.declaredByName[variables.target.metadata.name] : ${declared.usual}`,
        },
      ],
      validations: validations.map((v) => ({ ...v, reason: 'Forbidden' })),
    },
    // cdk8s-plus-28 types only v1beta1 of these kinds; v1 has the same fields.
  } satisfies k8s.KubeValidatingAdmissionPolicyV1Beta1Props);
  const binding = manifest(ADMISSION_V1, 'ValidatingAdmissionPolicyBinding', {
    metadata: { name, labels },
    spec: { policyName: name, validationActions: ['Deny'] },
  } satisfies k8s.KubeValidatingAdmissionPolicyBindingV1Beta1Props);
  return [policy, binding];
}
