/**
 * The kinds orgctl writes into a cluster, and their API groups: one list the AppProject, the
 * review (review/written-output.ts), what is applied by hand and namespace protection's admission
 * rules read. It imports nothing else of synth/, so that every module of it may import this.
 */

/** The API groups of the kinds orgctl writes ('' is the core group). */
export const RBAC_GROUP = 'rbac.authorization.k8s.io';
export const NETWORKING_GROUP = 'networking.k8s.io';
/** The API group of admission policies, and the apiVersion of its objects (Kubernetes ≥ 1.30). */
export const ADMISSION_GROUP = 'admissionregistration.k8s.io';
export const ADMISSION_V1 = `${ADMISSION_GROUP}/v1`;

/** A kind of object, as an AppProject names it: its API group ('' for the core group) and kind; and its resource, as RBAC and admission rules name it. */
export interface KindRef {
  readonly group: string;
  readonly kind: string;
  readonly resource: string;
}

/**
 * Every kind orgctl writes into a cluster, by where it lives. The AppProject allows those an
 * organization's output holds; the review refuses any other in a head dist/ it did not render
 * itself (review/written-output.ts).
 */
export const WRITTEN_KINDS: { readonly cluster: readonly KindRef[]; readonly namespaced: readonly KindRef[] } = {
  // No ClusterRoleBinding: nothing orgctl writes can bind cluster-admin.
  cluster: [
    { group: '', kind: 'Namespace', resource: 'namespaces' },
    { group: RBAC_GROUP, kind: 'ClusterRole', resource: 'clusterroles' },
    // Namespace protection, only when declared.
    { group: ADMISSION_GROUP, kind: 'ValidatingAdmissionPolicy', resource: 'validatingadmissionpolicies' },
    { group: ADMISSION_GROUP, kind: 'ValidatingAdmissionPolicyBinding', resource: 'validatingadmissionpolicybindings' },
  ],
  namespaced: [
    { group: RBAC_GROUP, kind: 'Role', resource: 'roles' },
    { group: RBAC_GROUP, kind: 'RoleBinding', resource: 'rolebindings' },
    { group: '', kind: 'ServiceAccount', resource: 'serviceaccounts' },
    { group: '', kind: 'Secret', resource: 'secrets' },
    { group: '', kind: 'ConfigMap', resource: 'configmaps' },
    // Guard rails, each only when a namespace declares it.
    { group: '', kind: 'ResourceQuota', resource: 'resourcequotas' },
    { group: '', kind: 'LimitRange', resource: 'limitranges' },
    { group: NETWORKING_GROUP, kind: 'NetworkPolicy', resource: 'networkpolicies' },
  ],
};

/** The resources of `kinds` by API group, in the order each group first appears: what an admission rule names. */
export function resourcesByGroup(kinds: readonly KindRef[]): { group: string; resources: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const k of kinds) {
    const resources = groups.get(k.group);
    if (resources) resources.push(k.resource);
    else groups.set(k.group, [k.resource]);
  }
  return [...groups].map(([group, resources]) => ({ group, resources }));
}

/** The API group an `apiVersion` names: `rbac.authorization.k8s.io` of `rbac.authorization.k8s.io/v1`, '' of `v1`. */
export const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');

/** Whether `kind` of `group` is one of `kinds`, in any version. */
export const isKind = (kinds: readonly KindRef[], group: string, kind: unknown): boolean =>
  kinds.some((k) => k.group === group && k.kind === kind);

/** Whether an object of `apiVersion` and `kind` is of a kind orgctl writes in a namespace (WRITTEN_KINDS.namespaced), in any version. */
export const isWrittenNamespaced = (apiVersion: unknown, kind: unknown): boolean =>
  typeof apiVersion === 'string' && isKind(WRITTEN_KINDS.namespaced, groupOf(apiVersion), kind);
