/**
 * Argo CD files for the output: an AppProject that allows exactly the kinds orgctl emits and
 * keeps system namespaces out, and an ApplicationSet with one Application per (cluster, shard).
 */
import { DEFAULT_CLUSTER } from './render.ts';
import type { OrgModel } from './model.ts';

const RBAC = 'rbac.authorization.k8s.io';
/** Namespaces no Application of orgctl may write to. */
export const DENIED_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease'];

export function argoCdObjects(model: OrgModel): Record<string, unknown>[] {
  const a = model.argocd;
  if (!a) return [];
  const project = `${model.name}-access`;
  const clusters = model.clusters.length ? model.clusters : [DEFAULT_CLUSTER];
  const labels = { 'app.kubernetes.io/managed-by': 'orgctl', 'orgctl.io/organization': model.name };
  const appProject = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AppProject',
    metadata: { name: project, namespace: a.namespace, labels },
    spec: {
      description: `Access of organization ${model.name}, synthesized by orgctl`,
      sourceRepos: [a.repoURL],
      // Deny entries (!) win over the allow entry; Argo CD's own namespace is kept out too.
      destinations: clusters.flatMap((name) => [
        ...[...DENIED_NAMESPACES, a.namespace].map((ns) => ({ name, namespace: `!${ns}` })),
        { name, namespace: '*' },
      ]),
      clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }, { group: RBAC, kind: 'ClusterRole' }],
      namespaceResourceWhitelist: [
        { group: RBAC, kind: 'Role' },
        { group: RBAC, kind: 'RoleBinding' },
        { group: '', kind: 'ServiceAccount' },
        { group: '', kind: 'Secret' },
        { group: '', kind: 'ConfigMap' },
      ],
      orphanedResources: { warn: true },
    },
  };
  const appSet = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name: project, namespace: a.namespace, labels },
    spec: {
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      // Deleting the ApplicationSet or an Application never deletes what it applied.
      syncPolicy: { applicationsSync: 'create-update', preserveResourcesOnDeletion: true },
      generators: [{
        git: {
          repoURL: a.repoURL,
          revision: a.revision,
          directories: [{ path: `${a.path}/*/*` }, { path: `${a.path}/argocd`, exclude: true }],
        },
      }],
      template: {
        metadata: {
          name: `${model.name}-{{ index .path.segments ${a.path.split('/').length} }}-{{ .path.basename }}`,
          labels: { ...labels, 'orgctl.io/cluster': `{{ index .path.segments ${a.path.split('/').length} }}` },
        },
        spec: {
          project,
          source: { repoURL: a.repoURL, targetRevision: a.revision, path: '{{ .path.path }}', directory: { recurse: false } },
          destination: { name: `{{ index .path.segments ${a.path.split('/').length} }}`, namespace: model.systemNamespace },
          syncPolicy: {
            automated: { prune: true, selfHeal: true },
            // Namespaces carry Prune=false themselves: pruning never deletes a namespace.
            // Server-side apply: no copy of each object in a last-applied annotation (256 KiB at
            // most), so the organization's ConfigMap with many tokens still applies. Binding names
            // carry their role, so an immutable roleRef never changes under one name.
            syncOptions: ['ApplyOutOfSyncOnly=true', 'PruneLast=true', 'CreateNamespace=false', 'ServerSideApply=true'],
            // Shards sync independently: a token's ServiceAccount may wait for the system namespace.
            retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } },
          },
        },
      },
    },
  };
  return [appProject, appSet];
}
