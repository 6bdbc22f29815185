/**
 * Argo CD files for the output: an AppProject that allows exactly the kinds orgctl emits (no
 * ClusterRoleBinding) and only the organization's own namespaces, and an ApplicationSet with one Application per (cluster, shard).
 */
import { outputClusters, SHARD_FILE_NAME } from './render.ts';
import { ADMISSION_GROUP, WRITTEN_KINDS, type KindRef } from './kinds.ts';
import { type Manifest, oncePerModel, organizationLabels } from './manifest.ts';
import { CATALOG } from '../model/catalog.ts';
import { GUARD_RAIL_OBJECTS } from '../model/guard-rails.ts';
import { DEFAULT_NAMESPACE, isPlacedIn, levelRoleName, type OrgModel } from '../model/model.ts';
import { protectionAppliedByHand, protectionNames } from './guard-rails.ts';
import { applicationName } from './tracking.ts';

/** A kind as an AppProject names it: its API group ('' for the core group) and kind. */
type ProjectKind = Pick<KindRef, 'group' | 'kind'>;
const projectKind = ({ group, kind }: KindRef): ProjectKind => ({ group, kind });

/** A namespace setting that makes orgctl write a guard rail's kind. */
type RailSetting = (typeof GUARD_RAIL_OBJECTS)[number]['setting'];

/** The namespace setting that makes orgctl write a guard rail's kind, by kind. */
const GUARD_RAIL_SETTING: Readonly<Record<string, RailSetting>> = Object.fromEntries(
  GUARD_RAIL_OBJECTS.map((r) => [r.kind, r.setting]),
);

/** Namespaces no Application of orgctl may write to. */
export const DENIED_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease'];

/**
 * Why the generated AppProject keeps `namespace` out of its destinations (Kubernetes' own, its
 * `default`, Argo CD's), or undefined: the one list synthesis and the undeployable-namespace policy read.
 */
export function deniedDestination(
  namespace: string,
  argocdNamespace: string,
): 'kubernetes' | 'default' | 'argocd' | undefined {
  if (DENIED_NAMESPACES.includes(namespace)) return 'kubernetes';
  if (namespace === DEFAULT_NAMESPACE) return 'default';
  if (namespace === argocdNamespace) return 'argocd';
  return undefined;
}

/**
 * The namespaces orgctl writes to in `cluster`, sorted: the system namespace and every declared
 * namespace placed there (a namespace restricted to some clusters is in those only), less those no
 * Application of orgctl may write to (Kubernetes' own, `default`, Argo CD's). The AppProject's
 * destinations and the boundary's namespaces (synth/boundary.ts).
 */
export function namespacesIn(model: OrgModel, cluster: string, argocdNamespace: string): string[] {
  const here = model.namespaces.filter((n) => isPlacedIn(n.clusters, cluster)).map((n) => n.name);
  return [...new Set([model.systemNamespace, ...here])]
    .sort()
    .filter((namespace) => !deniedDestination(namespace, argocdNamespace));
}

/**
 * The kinds Argo CD applies for `model`, what its AppProject and its boundary allow: namespace
 * protection's only when Argo CD applies it (declared, and not beside the boundary), a guard
 * rail's only when a namespace declares it.
 */
export function argoCdKindsOf(model: OrgModel): { cluster: ProjectKind[]; namespaced: ProjectKind[] } {
  const used = (k: RailSetting) => model.namespaces.some((n) => n.settings?.[k] !== undefined);
  return {
    cluster: WRITTEN_KINDS.cluster
      .filter(
        (k) =>
          k.group !== ADMISSION_GROUP || (model.namespaceProtection !== undefined && !protectionAppliedByHand(model)),
      )
      .map(projectKind),
    namespaced: WRITTEN_KINDS.namespaced
      .filter((k) => {
        const setting = GUARD_RAIL_SETTING[k.kind];
        return setting === undefined || used(setting);
      })
      .map(projectKind),
  };
}

/**
 * The cluster-scoped kinds orgctl writes, as the AppProject allows them: by kind, or with
 * `namedClusterResources` one entry per object by its exact name (Argo CD matches a name as a glob
 * in Go's filepath.Match syntax; Kubernetes names hold none of its metacharacters), so that a
 * forged dist/ cannot rewrite a ClusterRole or Namespace that is not the organization's.
 */
function clusterResourcesOf(model: OrgModel): ProjectKind[] | (ProjectKind & { name: string })[] {
  const kinds = argoCdKindsOf(model).cluster;
  if (!model.argocd?.namedClusterResources) return kinds;
  const names: Record<string, readonly string[]> = {
    Namespace: [model.systemNamespace, ...model.namespaces.map((n) => n.name)],
    ClusterRole: CATALOG.map((l) => levelRoleName(model.name, l.id)),
    ValidatingAdmissionPolicy: protectionNames(model.name),
    ValidatingAdmissionPolicyBinding: protectionNames(model.name),
  };
  const key = (e: ProjectKind & { name: string }) => `${e.group}/${e.kind}/${e.name}`;
  return kinds
    .flatMap((k) => (names[k.kind] ?? []).map((name) => ({ ...k, name })))
    .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** The label naming an Application's cluster (the organization's label names its organization). */
export const CLUSTER_LABEL = 'orgctl.io/cluster';

/** The name of organization `organization`'s AppProject and of its ApplicationSet. */
export const argoCdProjectName = (organization: string): string => `${organization}-access`;

/** The AppProject and the ApplicationSet; [] without delivery.argocd. */
export const argoCdObjects = oncePerModel((model: OrgModel): Manifest[] => {
  const a = model.argocd;
  if (!a) return [];
  const project = argoCdProjectName(model.name);
  const labels = organizationLabels(model.name);
  const appProject = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AppProject',
    metadata: { name: project, namespace: a.namespace, labels },
    spec: {
      description: `Access of organization ${model.name}, synthesized by orgctl`,
      sourceRepos: [a.repoURL],
      // Only the organization's own namespaces, per cluster: no `*`, so even a forged dist/ that
      // got merged cannot write into kube-system, Argo CD's namespace or anyone else's.
      destinations: outputClusters(model).flatMap((name) =>
        namespacesIn(model, name, a.namespace).map((namespace) => ({ name, namespace })),
      ),
      // No ClusterRoleBinding: nothing applied through this project can bind cluster-admin.
      clusterResourceWhitelist: clusterResourcesOf(model),
      // Guard rails, each only when a namespace declares it: the kinds stay exactly those written.
      namespaceResourceWhitelist: argoCdKindsOf(model).namespaced,
      orphanedResources: { warn: true },
    },
  };
  // The generated folder's cluster (dist/<cluster>/<shard>), as the ApplicationSet's Go template reads it.
  const clusterOfFolder = `{{ index .path.segments ${a.path.split('/').length} }}`;
  const appSet = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name: project, namespace: a.namespace, labels },
    spec: {
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      // Deleting the ApplicationSet or an Application never deletes what it applied.
      syncPolicy: { applicationsSync: 'create-update', preserveResourcesOnDeletion: true },
      generators: [
        {
          git: {
            repoURL: a.repoURL,
            revision: a.revision,
            directories: [{ path: `${a.path}/*/*` }, { path: `${a.path}/argocd`, exclude: true }],
          },
        },
      ],
      template: {
        metadata: {
          name: applicationName(model.name, clusterOfFolder, '{{ .path.basename }}'),
          labels: { ...labels, [CLUSTER_LABEL]: clusterOfFolder },
        },
        spec: {
          project,
          // The cluster's folder, which every shard's Application reads one file of: a shard folder a
          // change empties is gone from git, and an Application whose path does not exist renders
          // nothing, so it would prune nothing (a deactivated token's ServiceAccount, a removed
          // namespace's bindings). Reading its file from the cluster's folder, it renders empty and prunes.
          source: {
            repoURL: a.repoURL,
            targetRevision: a.revision,
            path: `${a.path}/${clusterOfFolder}`,
            directory: { recurse: true, include: `{{ .path.basename }}/${SHARD_FILE_NAME}` },
          },
          destination: {
            name: clusterOfFolder,
            namespace: model.systemNamespace,
          },
          syncPolicy: {
            // allowEmpty: an emptied shard's Application prunes all it applied (else Argo CD refuses
            // an automated sync that would "wipe out all resources").
            automated: { prune: true, selfHeal: true, allowEmpty: true },
            // Namespaces carry Prune=false and Delete=false themselves (NAMESPACE_SYNC_OPTIONS): neither
            // pruning nor deleting an Application deletes a namespace.
            // Server-side apply: no copy of each object in a last-applied annotation (256 KiB at
            // most), so the organization's ConfigMap with many tokens still applies. Binding names
            // carry their role, so an immutable roleRef never changes under one name.
            // Background propagation: a prune deletes the object at once. Argo CD's default,
            // foreground, keeps it (still granting) until every dependent blocking its deletion is
            // gone, and waits for that: anyone who may create a ConfigMap beside a RoleBinding could
            // make one its dependent, with a finalizer, and hold that revocation and every later sync.
            syncOptions: [
              'ApplyOutOfSyncOnly=true',
              'PruneLast=true',
              'CreateNamespace=false',
              'ServerSideApply=true',
              'PrunePropagationPolicy=background',
            ],
            // Shards sync independently: a token's ServiceAccount may wait for the system namespace.
            retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } },
          },
        },
      },
    },
  };
  return [appProject, appSet];
});
