/**
 * A namespace's guard rails as objects: Pod Security labels, labels and annotations on its
 * Namespace, a ResourceQuota, a LimitRange and a default NetworkPolicy in it; and, for the
 * organization, ValidatingAdmissionPolicies with their bindings that refuse deleting or relabelling
 * its Namespaces, or creating the guard rails' names in its namespaces, or writing its
 * Applications' tracking or Argo CD's annotations on its objects, except by the identity Argo CD
 * applies with; and a hold on its objects (a finalizer or ownerReference added, a foreground or
 * orphan delete) to all but the garbage collector. An organization that declares none renders
 * exactly what it did before.
 */
import type { k8s } from 'cdk8s-plus-28';
import {
  appliersOf,
  appliersText,
  effectivePodSecurity,
  GUARD_RAIL_NAMES,
  LIMIT_FIELDS,
  podSecurityLabels,
  RAIL_OBJECT_NAMES,
  type NamespaceSettings,
} from '../model/guard-rails.ts';
import type { NamespaceModel, OrgModel } from '../model/model.ts';
import { celString, celUsernameIn } from './cel.ts';
import { declared, manifest, meta, ORGANIZATION_LABEL, type Manifest } from './manifest.ts';
import { ADMISSION_V1, NETWORKING_GROUP, resourcesByGroup, WRITTEN_KINDS } from './kinds.ts';
import {
  instanceLabelOf,
  metadataValue,
  namesApplication,
  PRUNE_READ_PREFIXES,
  TARGET,
  TRACKING_ANNOTATION,
} from './tracking.ts';

type Meta = ReturnType<typeof meta>;

/** A Namespace's metadata with its Pod Security labels (its own, else the default) and declared labels and annotations. */
export function namespaceMetadata(model: OrgModel, base: Meta, settings: NamespaceSettings | undefined): Meta {
  const ps = podSecurityLabels(effectivePodSecurity(settings, model.namespaceDefaults));
  if (!Object.keys(ps).length && !settings?.labels && !settings?.annotations) return base;
  return {
    annotations: { ...base.annotations, ...settings?.annotations },
    labels: { ...base.labels, ...ps, ...settings?.labels } as Meta['labels'],
    name: base.name,
  };
}

/** The ResourceQuota, LimitRange and NetworkPolicy a namespace declares, in that order. */
export function guardRailObjects(model: OrgModel, n: NamespaceModel): Manifest[] {
  const s = n.settings;
  if (!s) return [];
  const out: Manifest[] = [];
  if (s.quota)
    out.push(
      manifest('v1', 'ResourceQuota', {
        metadata: meta(model, 'ResourceQuota', GUARD_RAIL_NAMES.quota, n.name),
        spec: { hard: { ...s.quota } as never },
      } satisfies k8s.KubeResourceQuotaProps),
    );
  if (s.limits) {
    const limits = s.limits;
    const item: Record<string, unknown> = {};
    for (const f of LIMIT_FIELDS) if (limits[f]) item[f] = { ...limits[f] };
    out.push(
      manifest('v1', 'LimitRange', {
        metadata: meta(model, 'LimitRange', GUARD_RAIL_NAMES.limits, n.name),
        spec: { limits: [{ ...item, type: 'Container' }] as never },
      } satisfies k8s.KubeLimitRangeProps),
    );
  }
  if (s.networkPolicy === 'same-namespace')
    out.push(
      manifest(`${NETWORKING_GROUP}/v1`, 'NetworkPolicy', {
        metadata: meta(model, 'NetworkPolicy', GUARD_RAIL_NAMES.networkPolicy, n.name),
        // Every pod of the namespace accepts ingress only from pods of the same namespace.
        spec: { ingress: [{ from: [{ podSelector: {} }] }], podSelector: {}, policyTypes: ['Ingress'] },
      } satisfies k8s.KubeNetworkPolicyProps),
    );
  return out.map((o) => declared(o, n.source));
}

/**
 * Whether an admin applies namespace protection by hand (with the boundary, in
 * dist/argocd/boundary.yaml) rather than Argo CD (in the cluster shard): no admission policy judges
 * another, so one Argo CD applies could be rewritten by a forged dist/ to deny every request in the
 * cluster, and with the boundary nothing Argo CD applies reaches past the organization.
 */
export const protectionAppliedByHand = (model: Pick<OrgModel, 'argocd'>): boolean =>
  model.argocd?.boundary !== undefined;

/**
 * The garbage collector, which strips `orphan` and `foregroundDeletion` and the ownerReferences of
 * deleted owners: as its own ServiceAccount (kube-controller-manager with
 * --use-service-account-credentials, as kubeadm runs it), else as kube-controller-manager itself.
 */
const GARBAGE_COLLECTORS = [
  'system:serviceaccount:kube-system:generic-garbage-collector',
  'system:kube-controller-manager',
];

/**
 * The resources of the kinds orgctl writes, by API group: with their subresources (rulesOf), what
 * namespace protection's policy matches.
 */
const WRITTEN_RESOURCES = resourcesByGroup([...WRITTEN_KINDS.cluster, ...WRITTEN_KINDS.namespaced]);

/**
 * A CEL condition: the request adds no `field` (finalizers, ownerReferences) to the object's
 * metadata. A create carries none; an update keeps the list as it was, or drops it whole (removing
 * finalizers never holds anything). The API server leaves an empty list out: has() first.
 */
const addsNo = (field: string): string =>
  `(!has(object.metadata.${field}) || (request.operation == 'UPDATE' && has(oldObject.metadata.${field}) && object.metadata.${field} == oldObject.metadata.${field}))`;

/** The names of namespace protection's policies, each also its binding's: the AppProject allows them by name. */
export const protectionNames = (org: string): string[] => [
  GUARD_RAIL_NAMES.protection(org),
  GUARD_RAIL_NAMES.railNamesProtection(org),
];

/**
 * The resources of the kinds orgctl writes in a namespace, by API group: the kinds the AppProject
 * allows in each of the organization's namespaces, the guard rails' (RAIL_OBJECT_NAMES) among them.
 */
const NAMESPACED_RESOURCES = resourcesByGroup(WRITTEN_KINDS.namespaced);

/**
 * Resource rules for `resources`, each with its subresources (a status update may carry metadata
 * too), on every operation that writes an object: CREATE, UPDATE and DELETE (one asking for
 * foreground or orphan propagation writes a finalizer, R53-1); CONNECT writes none.
 */
const rulesOf = (resources: readonly { readonly group: string; readonly resources: readonly string[] }[]) =>
  resources.map(({ group, resources: rs }) => ({
    apiGroups: [group],
    apiVersions: ['v1'],
    operations: ['CREATE', 'UPDATE', 'DELETE'],
    resources: rs.flatMap((r) => [r, `${r}/*`]),
  }));

/**
 * Who may put a hold (a finalizer, an ownerReference, a foreground or orphan delete) on the
 * organization's objects, CEL: the garbage collector alone. Not `appliedBy` (red team R55-2): the
 * organization's Applications put none (orgctl writes no finalizer or ownerReference, applies
 * server-side and prunes in the background), and `appliedBy` is every Application of that Argo CD
 * (another team's, whose default prune is foreground) and whoever its RBAC lets delete in its UI.
 */
const MAY_HOLD = celUsernameIn(GARBAGE_COLLECTORS);

const OPTIONS = 'request.options';
/**
 * A CEL condition: the DELETE asks for no propagation that writes a finalizer (red team R53-1):
 * none given (no body, `{}`), Background, or orphanDependents false (DeleteOptions; the API server
 * refuses both fields together and any other policy). Foreground writes `foregroundDeletion`,
 * Orphan and orphanDependents `orphan` (store.go deletionFinalizersForGarbageCollection), in the
 * DELETE itself.
 */
const deletesInBackground = `!has(${OPTIONS}) || ((!has(${OPTIONS}.propagationPolicy) || ${OPTIONS}.propagationPolicy == 'Background') && (!has(${OPTIONS}.orphanDependents) || ${OPTIONS}.orphanDependents == false))`;

/**
 * The validation refusing an annotation of Argo CD's or Helm's (PRUNE_READ_PREFIXES) added or
 * changed by anyone but `appliedBy` (Argo CD writes its tracking annotation) and the garbage
 * collector (red team R56-2): Argo CD reads them
 * on the live object when it prunes, and `sync-options: Prune=confirm` holds the sync that prunes
 * the object, every task of it, until a person confirms (Prune=false and Helm's keep leave a guard
 * rail dropped in place). Kept as they were, or removed, they hold nothing.
 */
function addsNoPruneAnnotation(model: OrgModel, p: NonNullable<OrgModel['namespaceProtection']>) {
  const annotations = 'object.metadata.annotations';
  const read = PRUNE_READ_PREFIXES.map((prefix) => `k.startsWith(${celString(prefix)})`).join(' || ');
  const kept = `request.operation == 'UPDATE' && has(oldObject.metadata.annotations) && k in oldObject.metadata.annotations && oldObject.metadata.annotations[k] == ${annotations}[k]`;
  return {
    expression: `request.operation == 'DELETE' || ${celUsernameIn([...appliersOf(p.appliedBy), ...GARBAGE_COLLECTORS])} || !has(${annotations}) || ${annotations}.all(k, !(${read}) || (${kept}))`,
    message: `the annotations of Argo CD's and Helm's (${PRUNE_READ_PREFIXES.map((x) => `${x}...`).join(', ')}) on organization ${model.name}'s objects are written only through orgctl (by ${appliersText(p.appliedBy)}): Argo CD reads them when it prunes, and sync-options Prune=confirm holds the sync until a person confirms`,
    reason: 'Forbidden',
  };
}

/**
 * The validation refusing a hold on what a policy matches by anyone but the garbage collector
 * (MAY_HOLD), both policies' one: a finalizer or ownerReference added by a CREATE or UPDATE (red
 * team R49-3), or by a DELETE asking for foreground or orphan propagation (R53-1, R55-1). A
 * finalizer of another's, or a dependent's blocking a foreground delete, keeps an object Argo CD
 * prunes, and gitops-engine never deletes again an object already marked for deletion: the
 * shard's sync waits for it forever, holding its revocations. A plain or background DELETE stays
 * open (Argo CD writes the object again).
 */
function putsNoHold(model: OrgModel, p: NonNullable<OrgModel['namespaceProtection']>) {
  return {
    expression: `${MAY_HOLD} || (request.operation == 'DELETE' ? (${deletesInBackground}) : (${addsNo('finalizers')} && ${addsNo('ownerReferences')}))`,
    message: `holds on organization ${model.name}'s objects are put by nobody but the garbage collector, Argo CD (${appliersText(p.appliedBy)}) included: orgctl puts none, and that identity is every Argo CD Application's. A finalizer or ownerReference added, or a delete asking for foreground or orphan propagation (which writes a finalizer), keeps an object Argo CD prunes, and its sync waits forever`,
    reason: 'Forbidden',
  };
}

/** A ValidatingAdmissionPolicy named `name` and its binding, which denies what it refuses. */
function boundPolicy(model: OrgModel, name: string, spec: k8s.ValidatingAdmissionPolicySpecV1Beta1): Manifest[] {
  return [
    manifest(ADMISSION_V1, 'ValidatingAdmissionPolicy', {
      metadata: meta(model, 'ValidatingAdmissionPolicy', name),
      spec,
      // cdk8s-plus-28 types only v1beta1 of these kinds; v1 has the same fields.
    } satisfies k8s.KubeValidatingAdmissionPolicyV1Beta1Props),
    manifest(ADMISSION_V1, 'ValidatingAdmissionPolicyBinding', {
      metadata: meta(model, 'ValidatingAdmissionPolicyBinding', name),
      spec: { policyName: name, validationActions: ['Deny'] },
    } satisfies k8s.KubeValidatingAdmissionPolicyBindingV1Beta1Props),
  ];
}

/**
 * The ValidatingAdmissionPolicies and their bindings, when the organization protects its namespaces.
 * The first matches every Namespace labelled with the organization (old or new object, so removing
 * the label is caught too) and refuses, for anyone but `appliedBy`: DELETE, and an UPDATE whose
 * labels differ (Pod Security levels and the organization label are labels). And on every object
 * of a kind orgctl writes labelled with the organization, its organization label changed or
 * dropped, a hold put on it (putsNoHold: a finalizer or ownerReference added, a foreground or
 * orphan delete), and an annotation Argo CD reads when it prunes added or changed
 * (addsNoPruneAnnotation).
 * The second sees what that label cannot (red team R49-3's remainder): in the organization's
 * namespaces (their label, namespaceSelector), an object under a guard rail's name made, labelled
 * or not, before orgctl writes it (Argo CD would adopt it, finalizers and all), refused to everyone
 * but `appliedBy`, and a hold put on or Argo CD's annotation added to one made before protection
 * was declared; and an object of anyone's, of a kind the AppProject allows there, written with
 * Argo CD's tracking of one of the organization's Applications (R56-1: Argo CD prunes it as that
 * Application's, and a finalizer holds the prune), unless an update keeps the tracking as it was
 * (a plain DELETE stays open, as everywhere). It matches by the object's name in CEL, not `resourceNames`: a create with
 * `generateName` has no name in the attributes those match. An error in an expression denies
 * (failurePolicy Fail).
 */
export function protectionObjects(model: OrgModel): Manifest[] {
  const p = model.namespaceProtection;
  if (!p) return [];
  const applier = celUsernameIn(appliersOf(p.appliedBy));
  const by = appliersText(p.appliedBy);
  const organization = { matchLabels: { [ORGANIZATION_LABEL]: model.name } };
  const railName = `${TARGET}.metadata.name in [${RAIL_OBJECT_NAMES.map(celString).join(', ')}]`;
  const labelKey = instanceLabelOf(model.argocd);
  /** Whether `o`'s tracking (CEL) names one of the organization's Applications, in any cluster. */
  const trackedAsOurs = (o: string) =>
    namesApplication(
      metadataValue(o, 'labels', labelKey),
      metadataValue(o, 'annotations', TRACKING_ANNOTATION),
      model.name,
    );
  const sameTracking = `${metadataValue('object', 'labels', labelKey)} == ${metadataValue('oldObject', 'labels', labelKey)} && ${metadataValue('object', 'annotations', TRACKING_ANNOTATION)} == ${metadataValue('oldObject', 'annotations', TRACKING_ANNOTATION)}`;
  return [
    ...boundPolicy(model, GUARD_RAIL_NAMES.protection(model.name), {
      failurePolicy: 'Fail',
      matchConstraints: {
        objectSelector: organization,
        // Namespaces among them, with their subresources: an UPDATE through `status` or `finalize`
        // writes the request's labels as one of the Namespace does.
        resourceRules: rulesOf(WRITTEN_RESOURCES),
      },
      validations: [
        {
          expression: `request.operation != 'DELETE' || request.kind.kind != 'Namespace' || ${applier}`,
          message: `the namespaces of organization ${model.name} are deleted only through orgctl (by ${by})`,
          reason: 'Forbidden',
        },
        {
          expression: `request.operation != 'UPDATE' || request.kind.kind != 'Namespace' || ${applier} || object.metadata.labels == oldObject.metadata.labels`,
          message: `the labels of organization ${model.name}'s namespaces are changed only through orgctl (by ${by})`,
          reason: 'Forbidden',
        },
        {
          // The selector sees the old object too, but only within one request: dropped first, the
          // label would leave the next update (a finalizer added) unselected.
          expression: `request.operation != 'UPDATE' || ${applier} || (has(object.metadata.labels) && ${celString(ORGANIZATION_LABEL)} in object.metadata.labels && object.metadata.labels[${celString(ORGANIZATION_LABEL)}] == ${celString(model.name)})`,
          message: `the organization label of organization ${model.name}'s objects is changed only through orgctl (by ${by})`,
          reason: 'Forbidden',
        },
        putsNoHold(model, p),
        addsNoPruneAnnotation(model, p),
      ],
    }),
    ...boundPolicy(model, GUARD_RAIL_NAMES.railNamesProtection(model.name), {
      failurePolicy: 'Fail',
      matchConstraints: {
        namespaceSelector: organization,
        resourceRules: rulesOf(NAMESPACED_RESOURCES),
      },
      matchConditions: [
        {
          // A DELETE's object is null (an error would deny every DELETE there): the deleted one is
          // oldObject, and request.name is '' in a deletecollection (AdmissionToValidateObjectDeleteFunc).
          name: 'guard-rail-name-or-tracked',
          expression: `${railName} || ${trackedAsOurs(TARGET)}`,
        },
      ],
      validations: [
        {
          expression: `request.operation != 'CREATE' || !(${railName}) || ${applier}`,
          message: `${RAIL_OBJECT_NAMES.join(', ')} in organization ${model.name}'s namespaces are created only through orgctl (by ${by}): Argo CD would adopt one made before it, finalizers and all`,
          reason: 'Forbidden',
        },
        {
          // Red team R56-1: an object tracked as an Application's that git does not hold is one
          // Argo CD prunes, and a finalizer of the writer's holds the prune.
          expression: `${applier} || request.operation == 'DELETE' || (request.operation == 'UPDATE' && ${sameTracking})`,
          message: `Argo CD's tracking of organization ${model.name}'s Applications is written only through orgctl (by ${by}): Argo CD prunes an object tracked as one of its Applications' that orgctl does not write, and a finalizer of the writer's keeps it, its sync waiting forever`,
          reason: 'Forbidden',
        },
        putsNoHold(model, p),
        addsNoPruneAnnotation(model, p),
      ],
    }),
  ];
}
