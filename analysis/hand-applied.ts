/**
 * What an admin does by hand after merge. The files of dist/argocd/ no Argo CD Application applies:
 * a change to one does nothing in a cluster until then (a new namespace's objects are refused by
 * the AppProject and the boundary that do not list it yet). And what Argo CD, as orgctl configures
 * it, leaves behind or would refuse: the objects of an organization renamed or of a cluster
 * removed, a Namespace no longer written, prunes a narrowed AppProject would refuse. The review
 * says each, with its commands in order (README, Delivery with Argo CD).
 */
import { parseAllDocuments } from 'yaml';
import { listedSentence, type Items, type ListedText } from './change.ts';
import { SnapshotError } from '../model/errors.ts';
import { aggregatedRoleNote, gatheredRoleNote } from './authorizer.ts';
import { gatheredLabel } from './bootstrap.ts';
import { isObj, isRbacObject, type ManifestDoc } from './objects.ts';
import { APPLIERS_SEPARATOR, appliersOf, type AppliedBy } from '../model/guard-rails.ts';
import { ORGANIZATION_KEY } from '../model/membership.ts';
import { listed, placeholder, shellCommand, type ShellWord } from '../model/text.ts';
import type { OrgInfo } from './membership.ts';
import { API_RESOURCES } from './resources.ts';
import { argoCdProjectName, CLUSTER_LABEL } from '../synth/argocd.ts';
import { applicationName, instanceLabelOf, TRACKING_ANNOTATION } from '../synth/tracking.ts';
import { WRITTEN_KINDS } from '../synth/kinds.ts';
import type { OutputFile } from '../synth/files.ts';
import { ORGANIZATION_LABEL } from '../synth/manifest.ts';
import { ARGOCD_FILES, outputClusters, shardOf } from '../synth/render.ts';
import { parseCanonicalYaml } from '../synth/yaml.ts';

/**
 * The `kubectl apply` of files orgctl writes for an admin to apply (`where`: `--context <cluster>`
 * or `-n argocd`). Server-side: a client-side apply copies each object into an annotation of at most
 * 256 KiB, which an AppProject of a few thousand namespaces outgrows (red team E2-3). Forcing
 * conflicts: the file is the truth, so a field another manager set (the shard-count procedure's
 * `kubectl patch` of `prune`, an edit by hand) is taken back rather than failing the apply.
 */
export const applyCommand = (where: readonly ShellWord[], files: readonly string[]): string =>
  shellCommand([
    'kubectl',
    ...(where[0] === '--context' ? [...where, 'apply'] : ['apply', ...where]),
    '--server-side',
    '--force-conflicts',
    ...files.flatMap((f) => ['-f', f]),
  ]);
/** Where a hand-applied file goes: each cluster (a placeholder the person replaces), or Argo CD's namespace. */
export const IN_EACH_CLUSTER: readonly ShellWord[] = ['--context', placeholder('cluster')];
export const inNamespace = (namespace: string): readonly ShellWord[] => ['-n', namespace];
/**
 * Refuses a side holding dist/argocd/ whose organization does not record where Argo CD reads it
 * (delivery.argocd): an older orgctl's output, written before the membership data carried the
 * delivery settings. What an admin applies by hand after merge is said from those settings, so a
 * diff of it read base's path that is not there (an internal error, red team R13-F8) or, as head,
 * said dist/argocd/ was no longer generated beside its very files. orgctl writes both or neither.
 */
export function refuseUnrecordedArgoCd(
  files: readonly Pick<OutputFile, 'path'>[],
  org: Pick<OrgInfo, 'argocd'>,
  label: string,
): void {
  const argocd = files.map((f) => f.path).filter((p) => Object.values(ARGOCD_FILES).includes(p as never));
  if (org.argocd || !argocd.length) return;
  throw new SnapshotError(
    `${label} holds ${argocd.join(', ')} but its ${ORGANIZATION_KEY} does not record delivery.argocd (where Argo CD reads the repository): an older orgctl's output, written before the membership data carried the delivery settings, from which what an admin applies by hand after merge cannot be said. This orgctl reads argocd/ only beside the settings it was written with: synthesize it again with this orgctl (check out its declaration, \`npx orgctl synth --out DIR\`) and give that folder`,
  );
}

/**
 * Refuses a side of a diff holding an aggregated ClusterRole, or one labelled for the built-in
 * view, edit or admin to gather: what it gives, or whom its rules reach, is decided by roles and
 * bindings outside dist/, so no diff of dist/ can say who gains or loses what through it (R129-1).
 */
export function refuseAggregatedRoles(docs: readonly ManifestDoc[], label: string): void {
  for (const d of docs) {
    const o = d.object;
    if (!isRbacObject(o) || !isObj(o) || o.kind !== 'ClusterRole' || !isObj(o.metadata)) continue;
    const [name, where] = [String(o.metadata.name), `${d.file}#${d.index}`];
    if (o.aggregationRule != null)
      throw new SnapshotError(
        `${label}: ${aggregatedRoleNote(name, where)}, so what it gives cannot be read from dist/`,
      );
    const gathered = gatheredLabel(isObj(o.metadata.labels) ? Object.keys(o.metadata.labels) : []);
    if (gathered)
      throw new SnapshotError(
        `${label}: ${gatheredRoleNote(name, where, gathered)}, so whom it reaches cannot be read from dist/`,
      );
  }
}

/** What of a side's organization says where and how its files are applied, and whose objects they are. */
type OrgSide = Pick<OrgInfo, 'argocd' | 'clusters' | 'name' | 'namespaceProtection' | 'shards' | 'systemNamespace'>;

/** Both sides' organizations: base's (what is applied now) and head's (what the change writes). */
type Sides = { readonly base: OrgSide; readonly head: OrgSide };

/** One hand-applied file a change adds, changes or removes, with what to do about it. */
export interface HandAppliedChange {
  /** The file, as in the repository (`dist/argocd/appproject.yaml`); the folder, for a rename. */
  readonly file: string;
  /** `renamed`: the organization is, and what Argo CD applied under its old name stays. */
  readonly change: 'added' | 'changed' | 'removed' | 'renamed';
  /** What an admin does after merge, and why. */
  readonly text: string;
  /**
   * `text` with its lists (listedSentence) when it names namespaces, clusters, Applications or
   * identities, as many as the change or the declaration brings: what a line cut to fit keeps of
   * it, list by list, counted.
   */
  readonly list?: ListedText;
  /** The commands that do it, in order, when there are any. */
  readonly commands?: readonly string[];
  /**
   * The namespace it is about, when it is one namespace's own (its Namespace, no longer written
   * into a cluster, to untrack): there are as many as namespaces removed, and a cut comment keeps
   * them with the namespaces, after the files that say what every one of them is waited for.
   */
  readonly namespace?: string;
}

/** A file's text without its header line (which names the declaration, and says nothing to a cluster). */
const body = (file: OutputFile | undefined): string | undefined =>
  file === undefined ? undefined : file.content.slice(file.content.indexOf('\n') + 1);

/** The objects of a file orgctl wrote (its canonical YAML, else any YAML), [] when there is none. */
function objectsOf(file: OutputFile | undefined): Obj[] {
  if (file === undefined) return [];
  const read = parseCanonicalYaml(file.content) ?? parseAllDocuments(file.content).map((d) => d.toJS() as Obj);
  return read.filter((o): o is Obj => typeof o === 'object' && o !== null);
}

type Obj = Record<string, unknown>;
type Entry = { readonly group: string; readonly kind: string; readonly name?: string };
type Destination = { readonly name: string; readonly namespace: string };
/** A destination as one string: its cluster and its namespace. */
const destinationKey = (d: Destination): string => `${d.name}\u0000${d.namespace}`;

/** What an AppProject allows: its destinations, cluster-scoped entries (by name, when named) and namespaced kinds. */
function projectOf(file: OutputFile | undefined) {
  const spec = (objectsOf(file).find((o) => o.kind === 'AppProject')?.spec ?? {}) as {
    destinations?: Destination[];
    clusterResourceWhitelist?: Entry[];
    namespaceResourceWhitelist?: Entry[];
  };
  return {
    destinations: spec.destinations ?? [],
    cluster: spec.clusterResourceWhitelist ?? [],
    namespaced: spec.namespaceResourceWhitelist ?? [],
  };
}

type Project = ReturnType<typeof projectOf>;

/** An AppProject's allowed entries by `group/kind/name` ('' for a kind allowed whatever its name). */
const entryKey = (e: Entry, name = e.name ?? ''): string => `${e.group}/${e.kind}/${name}`;

/** Whether `allowed` (entryKey's) lets through what `entry` allowed: its kind, whatever the name, or its very name. */
const covers = (allowed: ReadonlySet<string>, entry: Entry): boolean =>
  allowed.has(entryKey(entry, '')) || (entry.name !== undefined && allowed.has(entryKey(entry)));

/** The AppProject a change alters, each side read once, with the destinations head adds and drops. */
interface ProjectChange {
  readonly was: Project;
  readonly is: Project;
  readonly added: readonly Destination[];
  readonly dropped: readonly Destination[];
}

/** Base's and head's AppProjects when the change alters it (base's empty when base writes none); else undefined. */
function projectChange(base: readonly OutputFile[], head: readonly OutputFile[]): ProjectChange | undefined {
  const path = ARGOCD_FILES.appProject;
  const [wasFile, isFile] = [base, head].map((files) => files.find((f) => f.path === path));
  if (!isFile || body(wasFile) === body(isFile)) return undefined;
  const [was, is] = [projectOf(wasFile), projectOf(isFile)];
  const [before, after] = [was, is].map((p) => new Set(p.destinations.map(destinationKey)));
  return {
    was,
    is,
    added: is.destinations.filter((d) => !before!.has(destinationKey(d))),
    dropped: was.destinations.filter((d) => !after!.has(destinationKey(d))),
  };
}

/**
 * What head's AppProject no longer allows of base's, in the clusters head still writes (a cluster
 * removed is removedClusters'). Argo CD checks a prune against the project as it checks a write
 * (gitops-engine sync_context.go getSyncTasks runs the permission check on every task, the live
 * object standing for a prune; Argo CD's controller/sync.go checks the kind, the name when the
 * entry names one, and a namespaced object's destination), one refused task fails the whole
 * sync ("one or more synchronization tasks are not valid"), and automated sync does not try a
 * commit again once it failed (appcontroller.go autoSync: "failed previous sync attempt").
 */
function narrowedProject(change: ProjectChange | undefined, orgs: Sides) {
  if (!change?.was.destinations.length) return undefined;
  const { was: b, is: h } = change;
  const clusters = outputClusters(orgs.head);
  // Namespace by namespace, the clusters where it is no destination any more.
  const left = new Map<string, string[]>();
  for (const d of change.dropped)
    if (clusters.includes(d.name)) left.set(d.namespace, [...(left.get(d.namespace) ?? []), d.name]);
  const [cluster, namespaced] = [h.cluster, h.namespaced].map((entries) => new Set(entries.map((e) => entryKey(e))));
  const entries = [
    ...b.cluster.filter((e) => !covers(cluster!, e)).map((e) => (e.name ? `${e.kind} ${e.name}` : e.kind)),
    ...b.namespaced.filter((e) => !covers(namespaced!, e)).map((e) => e.kind),
  ];
  if (!left.size && !entries.length) return undefined;
  const namespaces: Items = {
    items: [...left].map(([ns, cs]) => `namespace ${ns} in ${cs.join(', ')}`),
    noun: 'namespaces',
    separator: '; ',
  };
  const resources: Items = { items: entries, noun: 'resources', separator: '; ' };
  return {
    left,
    widened: change.added.length > 0,
    /** Whether head's project allows the Namespace of that name. */
    allowsNamespace: (name: string) => covers(cluster!, { group: '', kind: 'Namespace', name }),
    /** What head's project no longer allows: the namespaces, then the resources (either may be none). */
    summary: [namespaces, resources].filter((l) => l.items.length).flatMap((l, i) => (i ? ['; ', l] : [l])),
    /** The namespaces the boundary no longer allows (none when only resources narrow). */
    namespaces,
  };
}

/**
 * The Applications head's AppProject lets apply where base's did not (a namespace added, or one
 * joining a cluster; every Application of a cluster added): refused until it is applied, each
 * retries (the ApplicationSet's retry: 5 times, about 5 minutes), then waits for the next commit
 * (appcontroller.go autoSync: "failed previous sync attempt"), so the namespace gets no access.
 */
function waitingApplications(change: ProjectChange | undefined, orgs: Sides): string[] {
  if (!change) return [];
  const { name, shards, systemNamespace } = orgs.head;
  // A cluster added (its system namespace is new there): every Application of it.
  const clustersAdded = new Set(change.added.filter((d) => d.namespace === systemNamespace).map((d) => d.name));
  const apps = change.added.map((d) =>
    applicationName(name, d.name, clustersAdded.has(d.name) ? '<shard>' : shardOf(d.namespace, shards)),
  );
  return [...new Set(apps)].sort();
}

/** The command that syncs every Application of organization `org` now (a sync of one in sync changes nothing). */
const syncNow = (org: OrgSide): string =>
  shellCommand(['argocd', 'app', 'sync', '-l', `${ORGANIZATION_LABEL}=${org.name}`, '--async']);

/** The command that shows, per Application of organization `org`, the commit it last synced and how that went. */
const syncStatus = (org: OrgSide): string =>
  shellCommand([
    'kubectl',
    'get',
    '-n',
    org.argocd!.namespace,
    'applications.argoproj.io',
    '-l',
    `${ORGANIZATION_LABEL}=${org.name}`,
    '-o',
    'custom-columns=NAME:.metadata.name,REVISION:.status.operationState.syncResult.revision,PHASE:.status.operationState.phase',
  ]);

/**
 * Each Namespace a change stops writing into a cluster stays there (Prune=false), and stays its
 * Application's: a prune task on every sync that the prune skips ("ignored (no prune)"). With
 * namedClusterResources and its name gone from head's AppProject, that task is refused once the
 * project is applied, and with it every sync of that Application. So the tracking comes off, once
 * the Application has pruned the namespace's bindings and before the project narrows. Namespace
 * protection lets only its identity change a Namespace's labels (the annotation, anyone).
 */
function untrackedNamespaces(
  narrowed: NonNullable<ReturnType<typeof narrowedProject>>,
  orgs: Sides,
): HandAppliedChange[] {
  const { base } = orgs;
  const as = base.namespaceProtection ?? orgs.head.namespaceProtection;
  return outputClusters(orgs.head).flatMap((c) =>
    [...narrowed.left]
      .filter(([, clusters]) => clusters.includes(c))
      .map(([ns]) => {
        const app = applicationName(base.name, c, shardOf(ns, base.shards));
        const refused = narrowed.allowsNamespace(ns)
          ? ''
          : `; the AppProject no longer allows it by name, so once that is applied every sync of ${app} fails, and what it holds of other namespaces and tokens is never updated again`;
        const appliers = appliersOf(as?.appliedBy);
        return {
          file: `${base.argocd!.path}/${c}/`,
          change: 'removed' as const,
          namespace: ns,
          // The identities as a list: up to 16 of up to 253 characters, which a cut comment counts.
          ...listedSentence([
            `in ${c}, namespace ${ns} is no longer written: its Namespace stays (Prune=false), still tracked by Application ${app}, which holds it as to prune on every sync${refused}. Once ${app} has synced this change (${ns}'s bindings pruned), take Argo CD's tracking off the Namespace, before applying the AppProject`,
            ...(as && appliers.length > 1
              ? [
                  ` (namespace protection lets only Argo CD relabel it: as <${identityIn(c)}>, whichever of `,
                  { items: appliers, noun: 'identities', separator: APPLIERS_SEPARATOR },
                  ` Argo CD reaches ${c} as)`,
                ]
              : []),
          ]),
          commands: [
            syncStatus(base),
            shellCommand(['kubectl', '--context', c, 'annotate', 'namespace', ns, `${TRACKING_ANNOTATION}-`]),
            shellCommand([
              'kubectl',
              '--context',
              c,
              'label',
              'namespace',
              ns,
              `${instanceLabelOf(base.argocd ?? orgs.head.argocd)}-`,
              ...(as ? [asFlag(c, as.appliedBy)] : []),
            ]),
          ],
        };
      }),
  );
}

/**
 * Who to relabel a protected Namespace of cluster `c` as: the identity Argo CD applies with, or
 * for several (one per way its clusters are registered) a placeholder the text explains, since
 * which one reaches `c` is not declared.
 */
const asFlag = (c: string, appliedBy: AppliedBy): ShellWord => {
  const appliers = appliersOf(appliedBy);
  return appliers.length === 1 ? `--as=${appliers[0]!}` : placeholder(identityIn(c), '--as');
};

/** The placeholder's name for whichever identity reaches cluster `c`: in the command and in the sentence explaining it. */
const identityIn = (c: string): string => `identity-in-${c}`;

/**
 * The objects of base's hand-applied file that head's no longer holds: `kubectl apply` deletes
 * nothing, so each stays in the cluster (namespace protection, turned off under the boundary).
 */
function leftInFile(was: OutputFile | undefined, is: OutputFile | undefined, where: readonly ShellWord[]) {
  const named = (o: Obj) => ({ kind: String(o.kind), name: String((o.metadata as Obj | undefined)?.name) });
  const now = new Set(objectsOf(is).map((o) => `${named(o).kind}/${named(o).name}`));
  const gone = objectsOf(was)
    .map(named)
    .filter((o) => !now.has(`${o.kind}/${o.name}`));
  if (!gone.length || is === undefined) return undefined;
  const resource = (o: { kind: string; name: string }) => {
    const known = API_RESOURCES.find((a) => a.kind === o.kind);
    return `${known ? kubectlResource(known) : o.kind}/${o.name}`;
  };
  return {
    text: `applying it deletes nothing: ${listed(gone.map((o) => `${o.kind} ${o.name}`))}, no longer in it, stay in each cluster until an admin deletes them`,
    // A binding before its policy: in the file's reverse order.
    command: shellCommand(['kubectl', ...where, 'delete', ...[...gone].reverse().map(resource)]),
  };
}

/** The clusters a side's output is written for, as a sentence lists them. */
const clustersOf = (org: OrgSide): Items => ({ items: outputClusters(org), noun: 'clusters' });

/** What to do after merge about each file of dist/argocd/ the change adds, changes or removes. */
function handAppliedChanges(
  base: readonly OutputFile[],
  head: readonly OutputFile[],
  orgs: Sides,
): HandAppliedChange[] {
  const at = (files: readonly OutputFile[], path: string) => files.find((f) => f.path === path);
  // As the repository names it (delivery.argocd.path): a file removed is where base wrote it, and
  // stays in base's clusters; one written is head's.
  const where = (org: OrgSide, path: string) => ({
    file: `${org.argocd?.path ?? 'dist'}/${path}`,
    clusters: clustersOf(org),
  });
  const renamed = renamedOrganization(orgs);
  // A rename makes other objects of Argo CD: nothing of base's project narrows.
  const project = projectChange(base, head);
  const narrowed = renamed ? undefined : narrowedProject(project, orgs);
  const out: HandAppliedChange[] = narrowed ? untrackedNamespaces(narrowed, orgs) : [];
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
        ...(path === ARGOCD_FILES.applicationSet && orgs.base.argocd
          ? stoppedArgoCd(file, orgs.base)
          : {
              ...listedSentence(
                boundary
                  ? [
                      `${file} is no longer written: its policy and binding stay in each cluster (`,
                      clusters,
                      ') until an admin deletes them',
                    ]
                  : [`${file} is no longer written: what it holds stays in Argo CD until an admin deletes it`],
              ),
            }),
      });
      continue;
    }
    const { file, clusters } = where(orgs.head, path);
    const change = was === undefined ? 'added' : 'changed';
    const apply = boundary
      ? applyCommand(IN_EACH_CLUSTER, [file])
      : applyCommand(inNamespace(argocd.namespace), [file]);
    const left = boundary ? leftInFile(at(base, path), at(head, path), IN_EACH_CLUSTER) : undefined;
    const leftText = left ? `; ${left.text}` : '';
    const leftCommands = left ? [left.command] : [];
    if (narrowed && path !== ARGOCD_FILES.applicationSet) {
      const org = orgs.base;
      out.push({
        file,
        change,
        ...listedSentence(
          boundary
            ? [
                `${file} is ${change}`,
                ...(narrowed.namespaces.items.length
                  ? [
                      ', and allows less (',
                      narrowed.namespaces,
                      '): the API server refuses what it no longer allows, deletes too, so',
                    ]
                  : [': Argo CD first prunes what the project no longer allows, so']),
                ' apply it to each cluster (',
                clusters,
                `) only once the Applications have synced the merge commit, after the AppProject${leftText}`,
              ]
            : [
                `${file} is ${change}, and allows less (`,
                ...narrowed.summary,
                `): Argo CD checks a prune against the project as it checks a write, and one refused object fails an Application's whole sync, which automated sync does not try again for the same commit: applied before the Applications have pruned, what they were to delete stays, and they stop syncing. After merge, wait until each Application of ${org.name} has synced the merge commit (its REVISION the merge commit, PHASE Succeeded${narrowed.widened ? ', but for one of a namespace added, refused until then: sync it again once it is applied' : ''}), then apply it`,
              ],
        ),
        commands: [syncStatus(org), apply, ...leftCommands],
      });
      continue;
    }
    const waiting = path === ARGOCD_FILES.applicationSet ? [] : waitingApplications(project, orgs);
    if (waiting.length) {
      out.push({
        file,
        change,
        ...listedSentence([
          `${file} is ${change}: apply it `,
          ...(boundary ? ['to each cluster (', clusters, ') '] : []),
          `right after merge: until then ${boundary ? 'a cluster keeps the boundary' : 'Argo CD keeps the project'} it has, which refuses ${waiting.length === 1 ? 'Application' : 'Applications'} `,
          { items: waiting, noun: 'Applications' },
          ` (of a namespace or cluster added); each retries for about 5 minutes, then waits for the next commit, and the access added reaches nobody. Then sync them${leftText}`,
        ]),
        commands: [apply, ...leftCommands, syncNow(orgs.head)],
      });
      continue;
    }
    const before = orgs.base.argocd;
    // The repository moves: the project allows only the new one, the Applications read the old one
    // until the ApplicationSet is applied (and the other way round): one apply leaves no gap.
    if (!boundary && before && before.repoURL !== argocd.repoURL) {
      const both = ['appProject', 'applicationSet'] as const;
      out.push({
        file,
        change,
        text:
          path === ARGOCD_FILES.appProject
            ? `${file} is ${change}, and the repository changes (${before.repoURL} → ${argocd.repoURL}): apply the AppProject and the ApplicationSet in one command, else every Application is refused in between (the repository it reads is not the project's)`
            : `${file} is ${change}: applied with the AppProject, in one command (the repository changes)`,
        ...(path === ARGOCD_FILES.appProject
          ? {
              commands: [
                applyCommand(
                  inNamespace(argocd.namespace),
                  both.map((f) => where(orgs.head, ARGOCD_FILES[f]).file),
                ),
              ],
            }
          : {}),
      });
      continue;
    }
    // The Applications read the old folder, which head no longer writes, until they are told the new one.
    const pathMoved = path === ARGOCD_FILES.applicationSet && before !== undefined && before.path !== argocd.path;
    out.push({
      file,
      change,
      ...(boundary
        ? listedSentence([
            `${file} is ${change}: after merge, an admin applies it to each cluster (`,
            clusters,
            `); until then a cluster keeps the boundary it has${leftText}`,
          ])
        : {
            text: pathMoved
              ? `${file} is ${change}: apply it right after merge: until then its Applications read ${before.path}/, which this change empties, and sync nothing`
              : `${file} is ${change}: after merge, an admin applies it; until then Argo CD keeps ${path === ARGOCD_FILES.appProject ? 'the project it has' : 'the ApplicationSet it has'}`,
          }),
      commands: [apply, ...leftCommands],
    });
  }
  return renamed
    ? [...out, renamed]
    : [...reshard(base, head, orgs), ...out, ...movedArgoCd(orgs), ...removedClusters(orgs)];
}

/**
 * Argo CD no longer declared: nothing deletes the ApplicationSet, whose git generator and
 * Applications go on reading the repository, under the project base left (applied by hand, it
 * changes no more): the review no longer follows what they apply.
 */
function stoppedArgoCd(file: string, org: OrgSide): { text: string; commands: string[] } {
  const a = org.argocd!;
  return {
    text: `${file} is no longer written: the ApplicationSet stays in Argo CD, and its Applications keep syncing what they read (${a.path}/<cluster>/ of ${a.revision}) under a project nothing updates any more (a namespace added later is refused, and this comment no longer says so): once something else applies the output, delete the ApplicationSet and the AppProject (what their Applications applied stays, unmanaged)`,
    commands: [deleteArgoCdObjects(org)],
  };
}

/** The shard folders (`<cluster>/<shard>`) of an output's files (Argo CD's are `argocd/<file>`, one level up; no cluster is named argocd). */
const shardFolders = (files: readonly OutputFile[]): Set<string> =>
  new Set(
    files
      .map((f) => f.path.split('/'))
      .filter((p) => p.length === 3)
      .map((p) => `${p[0]}/${p[1]}`),
  );

/**
 * A change of shards moves objects between Applications, which sync each on its own: one that
 * syncs before the Application an object moves to prunes it (PruneLast orders a sync's own
 * tasks only), so a token's ServiceAccount and Secret are made again, a new token, and a binding
 * is gone until the other syncs. Pruning is suspended through the rollout (README, Delivery with
 * Argo CD); the Applications of shards no longer written stay (create-update) and are deleted
 * (no resources finalizer: what they applied stays, now the new Applications').
 */
function reshard(base: readonly OutputFile[], head: readonly OutputFile[], orgs: Sides): HandAppliedChange[] {
  const { base: b, head: h } = orgs;
  if (b.shards === h.shards || !b.argocd || !h.argocd || b.name !== h.name) return [];
  const now = shardFolders(head);
  const gone = [...shardFolders(base)]
    .filter((f) => !now.has(f))
    .sort()
    .map((f) => applicationName(b.name, f.split('/')[0]!, f.split('/')[1]!));
  const project = argoCdProjectName(b.name);
  const suspend = shellCommand([
    'kubectl',
    '-n',
    b.argocd.namespace,
    'patch',
    'applicationset',
    project,
    '--type',
    'merge',
    '-p',
    '{"spec":{"template":{"spec":{"syncPolicy":{"automated":{"prune":false}}}}}}',
  ]);
  return [
    {
      file: `${h.argocd.path}/`,
      change: 'changed',
      text: `shards change from ${b.shards} to ${h.shards}: objects move between Applications, and one that syncs before the Application an object moves to deletes it (a token's ServiceAccount made again is a new token: the one handed over stops working; a binding is gone until the other syncs). Before merge, suspend pruning; once each Application has synced the merge commit, restore it, and delete the Applications of shards no longer written${gone.length ? ` (${gone.length})` : ''} (what they applied stays, now the new Applications')`,
      commands: [
        suspend,
        syncStatus(b),
        applyCommand(inNamespace(h.argocd.namespace), [`${h.argocd.path}/${ARGOCD_FILES.applicationSet}`]),
        ...(gone.length
          ? [shellCommand(['kubectl', 'delete', '-n', b.argocd.namespace, 'applications.argoproj.io', ...gone])]
          : []),
      ],
    },
  ];
}

/** The command that deletes organization `org`'s ApplicationSet (and so its Applications) and AppProject. */
const deleteArgoCdObjects = (org: OrgSide): string =>
  shellCommand([
    'kubectl',
    'delete',
    '-n',
    org.argocd!.namespace,
    `applicationset/${argoCdProjectName(org.name)}`,
    `appproject/${argoCdProjectName(org.name)}`,
  ]);

/** Argo CD's namespace changed: applying head's files adds objects there, and base's stay where they were. */
function movedArgoCd(orgs: Sides): HandAppliedChange[] {
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

/**
 * In a cluster (`<cluster>`: each, else one by its Argo CD name, as the kubeconfig context): every
 * object of organization `org` but its Namespaces, then its system namespace.
 */
const cleanupInCluster = (org: OrgSide, cluster: ShellWord = placeholder('cluster')): string[] => [
  shellCommand([
    'kubectl',
    '--context',
    cluster,
    'delete',
    '-A',
    '-l',
    `${ORGANIZATION_LABEL}=${org.name}`,
    deletedKinds(),
  ]),
  shellCommand(['kubectl', '--context', cluster, 'delete', 'namespace', org.systemNamespace]),
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
function removedClusters(orgs: Sides): HandAppliedChange[] {
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
        shellCommand([
          'kubectl',
          'delete',
          '-n',
          base.argocd!.namespace,
          'applications.argoproj.io',
          '-l',
          `${ORGANIZATION_LABEL}=${org},${CLUSTER_LABEL}=${c}`,
        ]),
        ...cleanupInCluster(base, c),
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
function renamedOrganization(orgs: Sides): HandAppliedChange | undefined {
  const { base, head } = orgs;
  if (base.name === head.name || !base.argocd || !head.argocd) return undefined;
  const [was, is] = [base.name, head.name];
  return {
    file: `${base.argocd.path}/argocd/`,
    change: 'renamed',
    ...listedSentence([
      `the organization is renamed from ${was}: Argo CD's objects are ${is}'s (AppProject and ApplicationSet ${argoCdProjectName(is)}, Applications ${applicationName(is, '<cluster>', '<shard>')}), and ${was}'s stay where they are: ${was}'s Applications stop syncing (their project allows nothing of ${is}'s) and ${is}'s prune nothing of ${was}'s, so ${was}'s bindings, roles and tokens keep working in each cluster (`,
      clustersOf(base),
      `) until an admin deletes them. Once ${is}'s Applications have synced: delete ${was}'s ApplicationSet and AppProject (what their Applications applied stays), then in each cluster ${was}'s objects and its system namespace ${base.systemNamespace} (${was}'s other namespaces are ${is}'s now and stay)`,
    ]),
    commands: [deleteArgoCdObjects(base), ...cleanupInCluster(base)],
  };
}

/** `diff` with the hand-applied files the change alters, when it alters any. */
export function withHandApplied<D extends { readonly handApplied?: readonly HandAppliedChange[] }>(
  diff: D,
  base: readonly OutputFile[],
  head: readonly OutputFile[],
  orgs: Sides,
): D {
  const handApplied = handAppliedChanges(base, head, orgs);
  return handApplied.length ? { ...diff, handApplied } : diff;
}
