/**
 * The files of dist/argocd/ that no Argo CD Application applies: an admin applies each by hand,
 * after merge (README, Delivery with Argo CD). A change to one does nothing in a cluster until then
 * (a new namespace's objects are refused by the AppProject and the boundary that do not list it
 * yet), so the review says which changed and how to apply it.
 */
import type { MemberOrganization } from '../model/membership.ts';
import type { OutputFile } from '../synth/files.ts';
import { ARGOCD_FILES, outputClusters } from '../synth/render.ts';

/** What of a side's organization says where and how its files are applied. */
type OrgSide = Pick<MemberOrganization, 'argocd' | 'clusters'>;

/** One hand-applied file a change adds, changes or removes, with what to do about it. */
export interface HandAppliedChange {
  /** The file, as in the repository (`dist/argocd/appproject.yaml`). */
  readonly file: string;
  readonly change: 'added' | 'changed' | 'removed';
  /** What an admin does after merge, and why. */
  readonly text: string;
  /** The command that applies it, when it is still written. */
  readonly command?: string;
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
      command: boundary
        ? `kubectl --context <cluster> apply -f ${file}`
        : `kubectl apply -n ${argocd.namespace} -f ${file}`,
    });
  }
  return out;
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
