/**
 * The files of dist/argocd/ that no Argo CD Application applies: an admin applies each by hand,
 * after merge (README, Delivery with Argo CD). A change to one does nothing in a cluster until then
 * (a new namespace's objects are refused by the AppProject and the boundary that do not list it
 * yet), so the review says which changed and how to apply it.
 */
import type { OrgInfo } from './membership.ts';
import { API_RESOURCES } from './resources.ts';
import { applicationName, argoCdProjectName, CLUSTER_LABEL, WRITTEN_KINDS } from '../synth/argocd.ts';
import type { OutputFile } from '../synth/files.ts';
import { ORGANIZATION_LABEL } from '../synth/manifest.ts';
import { ARGOCD_FILES, outputClusters } from '../synth/render.ts';

/** What of a side's organization says where and how its files are applied, and whose objects they are. */
type OrgSide = Pick<OrgInfo, 'argocd' | 'clusters' | 'name' | 'systemNamespace'>;

/** One hand-applied file a change adds, changes or removes, with what to do about it. */
export interface HandAppliedChange {
  /** The file, as in the repository (`dist/argocd/appproject.yaml`); the folder, for a rename. */
  readonly file: string;
  /** `renamed`: the organization is, and what Argo CD applied under its old name stays. */
  readonly change: 'added' | 'changed' | 'removed' | 'renamed';
  /** What an admin does after merge, and why. */
  readonly text: string;
  /** The commands that do it, in order, when there are any. */
  readonly commands?: readonly string[];
}

/** A file's text without its header line (which names the declaration, and says nothing to a cluster). */
const body = (file: OutputFile | undefined): string | undefined =>
  file === undefined ? undefined : file.content.slice(file.content.indexOf('\n') + 1);

/** What to do after merge about each file of dist/argocd/ the change adds, changes or removes. */
function handAppliedChanges(
  base: readonly OutputFile[],
  head: readonly OutputFile[],
  orgs: { readonly base: OrgSide; readonly head: OrgSide },
): HandAppliedChange[] {
  const at = (files: readonly OutputFile[], path: string) => files.find((f) => f.path === path);
  // As the repository names it (delivery.argocd.path): a file removed is where base wrote it, and
  // stays in base's clusters; one written is head's.
  const where = (org: OrgSide, path: string) => ({
    file: `${org.argocd?.path ?? 'dist'}/${path}`,
    clusters: outputClusters(org).join(', '),
  });
  const out: HandAppliedChange[] = [];
  for (const path of Object.values(ARGOCD_FILES)) {
    const [was, is] = [body(at(base, path)), body(at(head, path))];
    if (was === is) continue;
    const boundary = path === ARGOCD_FILES.boundary;
    // Head writes none of them without delivery.argocd (the proof refuses one).
    const argocd = orgs.head.argocd;
    if (is === undefined || argocd === undefined) {
      const { file, clusters } = where(orgs.base, path);
      out.push({
        file,
        change: 'removed',
        text: boundary
          ? `${file} is no longer written: its policy and binding stay in each cluster (${clusters}) until an admin deletes them`
          : `${file} is no longer written: what it holds stays in Argo CD until an admin deletes it`,
      });
      continue;
    }
    const { file, clusters } = where(orgs.head, path);
    const change = was === undefined ? 'added' : 'changed';
    out.push({
      file,
      change,
      text: boundary
        ? `${file} is ${change}: after merge, an admin applies it to each cluster (${clusters}); until then a cluster keeps the boundary it has (objects of a namespace added are refused)`
        : `${file} is ${change}: after merge, an admin applies it; until then Argo CD keeps ${path === ARGOCD_FILES.appProject ? 'the project it has (a namespace added is no destination yet: its objects are refused)' : 'the ApplicationSet it has'}`,
      commands: [
        boundary ? `kubectl --context <cluster> apply -f ${file}` : `kubectl apply -n ${argocd.namespace} -f ${file}`,
      ],
    });
  }
  const renamed = renamedOrganization(orgs);
  return renamed ? [...out, renamed] : [...out, ...movedArgoCd(orgs), ...removedClusters(orgs)];
}

/** The command that deletes organization `org`'s ApplicationSet (and so its Applications) and AppProject. */
const deleteArgoCdObjects = (org: OrgSide): string =>
  `kubectl delete -n ${org.argocd!.namespace} applicationset/${argoCdProjectName(org.name)} appproject/${argoCdProjectName(org.name)}`;

/** Argo CD's namespace changed: applying head's files adds objects there, and base's stay where they were. */
function movedArgoCd(orgs: { readonly base: OrgSide; readonly head: OrgSide }): HandAppliedChange[] {
  const [was, is] = [orgs.base.argocd?.namespace, orgs.head.argocd?.namespace];
  if (was === undefined || is === undefined || was === is) return [];
  const name = argoCdProjectName(orgs.base.name);
  return [
    {
      file: `${orgs.base.argocd!.path}/argocd/`,
      change: 'changed',
      text: `Argo CD's namespace changes from ${was} to ${is}: applying the files above adds ${name} there, and the AppProject and ApplicationSet ${name} in ${was} stay (with their Applications): delete them once those of ${is} have synced (what their Applications applied stays)`,
      commands: [deleteArgoCdObjects(orgs.base)],
    },
  ];
}

/** What orgctl writes, as `kubectl delete` names it: every kind but Namespace. */
const deletedKinds = (): string =>
  [...WRITTEN_KINDS.cluster, ...WRITTEN_KINDS.namespaced]
    .filter((k) => k.kind !== 'Namespace')
    .map(kubectlResource)
    .join(',');

/** In a cluster: every object of organization `org` but its Namespaces, then its system namespace. */
const cleanupInCluster = (org: OrgSide): string[] => [
  `kubectl --context <cluster> delete -A -l ${ORGANIZATION_LABEL}=${org.name} ${deletedKinds()}`,
  `kubectl --context <cluster> delete namespace ${org.systemNamespace}`,
];

/** Whether a cluster removed is listed, with how to delete what stays there (removedClusters). */
export const listsRemovedClusters = (base: OrgSide, head: OrgSide): boolean =>
  base.argocd !== undefined && head.argocd !== undefined && base.clusters.length > 0 && head.clusters.length > 0;

/**
 * Clusters the change removes, delivered by Argo CD: the ApplicationSet never deletes an
 * Application (`applicationsSync: create-update`), so those of the cluster stay, their folder
 * gone, and sync no more: what they applied stays. Only between declared clusters: `in-cluster`,
 * what no declaration of clusters means, may be the very cluster that was declared.
 */
function removedClusters(orgs: { readonly base: OrgSide; readonly head: OrgSide }): HandAppliedChange[] {
  const { base, head } = orgs;
  if (!listsRemovedClusters(base, head)) return [];
  const org = base.name;
  return base.clusters
    .filter((c) => !head.clusters.includes(c))
    .map((c) => ({
      file: `${base.argocd!.path}/${c}/`,
      change: 'removed' as const,
      text: `cluster ${c} is removed: its Applications (${applicationName(org, c, '<shard>')}) stay in Argo CD and sync no more (their folder is gone), and what they applied stays in ${c}, so ${org}'s bindings, roles and tokens keep working there until an admin deletes them: the Applications (what they applied stays), then in ${c} ${org}'s objects and its system namespace ${base.systemNamespace} (its other namespaces stay, with what runs in them)`,
      commands: [
        `kubectl delete -n ${base.argocd!.namespace} applications.argoproj.io -l ${ORGANIZATION_LABEL}=${org},${CLUSTER_LABEL}=${c}`,
        ...cleanupInCluster(base),
      ],
    }));
}

/** A kind as `kubectl api-resources` names it (`rolebindings.rbac.authorization.k8s.io`, `secrets`). */
function kubectlResource(k: { readonly group: string; readonly kind: string }): string {
  const known = API_RESOURCES.find((a) => a.kind === k.kind && a.group === k.group);
  if (!known) throw new Error(`no API resource of kind ${k.kind} in group '${k.group}'`);
  return known.group ? `${known.resource}.${known.group}` : known.resource;
}

/**
 * An organization delivered by Argo CD and renamed: head's Applications are new ones (named after
 * it), which never prune what base's applied (tracked by base's Applications); base's stop syncing
 * (their project allows nothing of head's names) and prune nothing either. So base's roles,
 * bindings and tokens hold until an admin deletes them. Every object orgctl writes carries the
 * organization label; its Namespaces are left out (the declared ones are head's now, relabelled),
 * but for base's system namespace, which only orgctl's own objects live in.
 */
function renamedOrganization(orgs: { readonly base: OrgSide; readonly head: OrgSide }): HandAppliedChange | undefined {
  const { base, head } = orgs;
  if (base.name === head.name || !base.argocd || !head.argocd) return undefined;
  const [was, is] = [base.name, head.name];
  return {
    file: `${base.argocd.path}/argocd/`,
    change: 'renamed',
    text: `the organization is renamed from ${was}: Argo CD's objects are ${is}'s (AppProject and ApplicationSet ${argoCdProjectName(is)}, Applications ${applicationName(is, '<cluster>', '<shard>')}), and ${was}'s stay where they are: ${was}'s Applications stop syncing (their project allows nothing of ${is}'s) and ${is}'s prune nothing of ${was}'s, so ${was}'s bindings, roles and tokens keep working in each cluster (${outputClusters(base).join(', ')}) until an admin deletes them. Once ${is}'s Applications have synced: delete ${was}'s ApplicationSet and AppProject (what their Applications applied stays), then in each cluster ${was}'s objects and its system namespace ${base.systemNamespace} (${was}'s other namespaces are ${is}'s now and stay)`,
    commands: [deleteArgoCdObjects(base), ...cleanupInCluster(base)],
  };
}

/** `diff` with the hand-applied files the change alters, when it alters any. */
export function withHandApplied<D extends { readonly handApplied?: readonly HandAppliedChange[] }>(
  diff: D,
  base: readonly OutputFile[],
  head: readonly OutputFile[],
  orgs: { readonly base: OrgSide; readonly head: OrgSide },
): D {
  const handApplied = handAppliedChanges(base, head, orgs);
  return handApplied.length ? { ...diff, handApplied } : diff;
}
