/** What can-i, who-can and access share: loading a folder of manifests into an Authorizer; with explain, how a question is read. */
import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import {
  aggregatedRoleNote,
  Authorizer,
  gatheredRoleNote,
  requestNamespace,
  type ResourceAttributes,
  serviceAccountOf,
  usernamesBound,
} from '../analysis/authorizer.ts';
import {
  gatheredLabel,
  isBootstrapAccess,
  rewrittenBootstrapRoles,
  rewrittenNote,
  withBootstrap,
} from '../analysis/bootstrap.ts';
import { readRbac, type RbacSet, type RoleObject } from '../analysis/objects.ts';
import { datedAccessOfDocs, type DatedAccess } from '../analysis/ended-access.ts';
import { nearestResource, resolveResource } from '../analysis/resources.ts';
import { isConstrainedImpersonationVerb } from '../model/catalog.ts';
import { InputError, OutputError, UsageError } from '../model/errors.ts';
import type { FileStamp } from './file-stamp.ts';
import { nameMeant, nearestName, showHidden, shownName } from '../model/text.ts';
import type { Io } from '../model/io.ts';
import { outputLabel, readIfOrgctlOutput, readRbacIfOrgctlOutput } from './output-read.ts';
import { DEFAULT_OUTPUT_DIR, type Listing, membersTextIfAny, readWhole } from './output.ts';
import {
  clustersOfFiles,
  clustersOfFolder,
  lackingClusterShard,
  lackingClusterShardNote,
  listFolder,
  readForQuestion,
  type NamedSubject,
} from './partial-read.ts';
import { verdictCacheOf } from './verdict-cache.ts';
import { afterAnswer } from './after-answer.ts';
import { membershipDataOf, UNBOUND, unboundReason, usernamesOf } from '../analysis/membership.ts';
import { MEMBERS_FILE, type MembershipData } from '../model/membership.ts';
import { DEFAULT_NAMESPACE, resolveToday, tokenIdsOfAccount } from '../model/model.ts';
import { staleOutputWarning } from './written-from.ts';

const MAX_DANGLING_SHOWN = 20;

/** A ClusterRole's label an aggregated role gathers (AGGREGATE_TO...), if any: a Role's are never gathered. */
const gatheredOf = (r: RoleObject): string | undefined =>
  r.kind === 'ClusterRole' ? gatheredLabel(Object.keys(r.labels)) : undefined;

/** The flag can-i, who-can, access and explain share: leave out the bootstrap bindings every cluster has. */
export const NO_BOOTSTRAP_FLAG = 'no-bootstrap';
export const NO_BOOTSTRAP_HELP = `  --${NO_BOOTSTRAP_FLAG}  leave out the bootstrap ClusterRoleBindings every cluster has (system:discovery,
                  system:basic-user, system:public-info-viewer: discovery, health and self-reviews
                  for every authenticated user; OIDC discovery for every ServiceAccount; metrics for
                  system:monitoring; cluster-admin for system:masters); by default they count, as on a cluster`;

/** The verbs kubectl auth can-i knows, on resources and on non-resource URLs (cani.go): others only a role's naming makes askable (checkVerb). */
const RESOURCE_VERBS = [
  'get',
  'list',
  'watch',
  'create',
  'update',
  'patch',
  'delete',
  'deletecollection',
  'use',
  'bind',
  'impersonate',
  'approve',
  'sign',
  'escalate',
  'attest',
  '*',
];
const NON_RESOURCE_VERBS = ['get', 'put', 'post', 'head', 'options', 'delete', 'patch', '*'];

/**
 * Refuses a verb Kubernetes does not know that no role which can grant in `namespace` names: a
 * typo otherwise answers a silent no (can-i), or the holders of a wildcard as if they were the
 * answer (who-can). A verb such a role names is a custom one (an aggregated API's), asked as
 * written. The roles that can grant in a namespace are the ClusterRoles and its own Roles (a
 * partial read holds no others); in '' (cluster-wide), the ClusterRoles; undefined: every role.
 * `where` says whose roles they are ("in dist").
 */
export function checkVerb(
  verb: string,
  nonResource: boolean,
  set: RbacSet,
  namespace: string | undefined,
  where: string,
): void {
  const known = nonResource ? NON_RESOURCE_VERBS : RESOURCE_VERBS;
  if (known.includes(verb) || (!nonResource && isConstrainedImpersonationVerb(verb))) return;
  const roles =
    namespace === undefined ? set.roles : set.roles.filter((r) => r.namespace === '' || r.namespace === namespace);
  if (roles.some((r) => r.rules.some((rule) => rule.verbs.includes(verb)))) return;
  const searched =
    namespace === undefined
      ? `role ${where}`
      : namespace === ''
        ? `ClusterRole ${where}`
        : `role ${where} that can grant in ${namespace}`;
  const said = `${JSON.stringify(verb)} is not a verb Kubernetes knows, and no ${searched} names it`;
  if (known.includes(verb.toLowerCase()))
    throw new UsageError(`${said}: did you mean ${verb.toLowerCase()}? (verbs are lower-case)`);
  const near = nearestName(verb.toLowerCase(), known);
  if (near) throw new UsageError(`${said}: did you mean ${near}?`);
  // Only a wildcard grants a verb no role names: asking * gives the same answer, said as such.
  throw new UsageError(`${said} (its verbs: ${known.join(', ')}; ask * for what only a wildcard grants)`);
}

/**
 * One question (can-i's, who-can's): the namespace whose RoleBindings decide it ('' =
 * ClusterRoleBindings only, requestNamespace) and whom it is about (`--as`; absent for who-can:
 * everyone). The Authorizer then answers it, and warnUnknown about it, as if the whole folder were read.
 */
export interface AuthorizerQuestion {
  readonly namespace: string;
  readonly user?: string;
}

/** How can-i and who-can read: the bootstrap bindings counted or not, the question, the one cluster asked (`--cluster`). */
export interface ReadOptions {
  readonly bootstrap?: boolean;
  readonly question?: AuthorizerQuestion;
  /** Answer from this cluster's folder of orgctl's output alone, as kubectl asks that cluster. */
  readonly cluster?: string;
}

/** The flag can-i, who-can and access share, and its help. */
export const CLUSTER_FLAG = 'cluster';
export const CLUSTER_HELP = `  --${CLUSTER_FLAG} NAME  answer from cluster NAME's objects alone (DIR/NAME/...), as kubectl asks one cluster;
                  without it, an output of several clusters is asked in each, and where they differ
                  the answer says which cluster says what`;

/**
 * Of `read`, the roles and bindings read from `cluster`'s folder of `dir`: what that cluster's API
 * server holds (each Argo CD Application applies one cluster's folder). Namespaces, service accounts
 * and problems are kept whole: they only word warnings. `orgctl`: whether `read` is of orgctl's
 * output (fullRead's, or a partial read's), else of manifests of any origin.
 */
function ofCluster(read: RbacSet, dir: string, cluster: string, orgctl: boolean): RbacSet {
  // An object's file is its reader's label: orgctl's reader shows it (outputLabel: R141-1, a path
  // holding a character showHidden rewrites matched no cluster's folder), the manifests reader
  // gives it as it is (R142-1: shown, it matched none; and by shown text, two folders that show
  // alike are one). Either way a file's label starts with its folder's (showHidden rewrites one
  // character at a time); an output's cluster names are plain, so its labels tell clusters apart.
  const folder = orgctl ? outputLabel(dir, cluster + sep) : join(dir, cluster) + sep;
  const inIt = (o: { readonly from: { readonly file: string } }) => o.from.file.startsWith(folder);
  return { ...read, roles: read.roles.filter(inIt), bindings: read.bindings.filter(inIt) };
}

/** What warnUnknown calls the bindings of `--cluster NAME`, when one is asked. */
export const clusterBindings = (dir: string, cluster: string | undefined): { readonly bindingsOf?: string } =>
  cluster === undefined ? {} : { bindingsOf: `cluster ${shownName(cluster)} of ${showHidden(dir)}` };

/** `--cluster NAME` checked against the clusters of `dir`: a name that is none is refused, naming those there are. */
function checkCluster(dir: string, cluster: string, clusters: readonly string[]): void {
  if (clusters.includes(cluster)) return;
  const near = nearestName(cluster, clusters);
  throw new UsageError(
    clusters.length
      ? `--${CLUSTER_FLAG} ${JSON.stringify(cluster)} is not a cluster of ${showHidden(dir)}: its clusters are ${clusters.map(shownName).join(', ')}${
          near ? ` (did you mean ${shownName(near)}?)` : ''
        }`
      : `--${CLUSTER_FLAG} ${JSON.stringify(cluster)}: ${showHidden(dir)} holds no cluster folder of orgctl's output (CLUSTER/cluster/resources.yaml); a folder of other manifests is one cluster's: leave out --${CLUSTER_FLAG}`,
  );
}

/** The subject `--as USER` names in bindings: a user, or `system:serviceaccount:NS:NAME`. */
function subjectOf(user: string): NamedSubject {
  const sa = serviceAccountOf(user);
  return sa ? { kind: 'ServiceAccount', ...sa } : { kind: 'User', name: user, namespace: '' };
}

/**
 * Loads `dir`; every malformed document is reported on stderr and left out, and so is every binding
 * whose role is missing (it grants nothing, which is otherwise a silent "no"). Unless `bootstrap` is
 * false, the API server's bootstrap roles and bindings are added (analysis/bootstrap.ts). With a
 * `question`, orgctl's output is read only where the answer can be (cli/partial-read.ts).
 */
export async function loadAuthorizer(
  dir: string,
  io: Io,
  options: { readonly bootstrap?: boolean; readonly question?: AuthorizerQuestion } = {},
): Promise<Authorizer> {
  return (await readAuthorizer(dir, io, options, false)).authz;
}

/** What can-i, who-can and access read: the Authorizer, and the dated access the output records (none: not orgctl's; access: not asked). */
export interface RbacRead {
  /** Of every object read (the cluster's alone with `--cluster`): what warnings and verbs are checked against. */
  readonly authz: Authorizer;
  readonly dated?: DatedAccess;
  /**
   * Each cluster's Authorizer, by name, when the output has more than one and none was asked: what
   * answers (one Authorizer of every cluster's objects answers for no cluster, R139-1).
   */
  readonly byCluster?: ReadonlyMap<string, Authorizer>;
  /** With `--cluster`: the other clusters of the output whose bindings name `user` (a name bound there is no typo). */
  readonly boundElsewhere?: (user: string) => readonly string[];
  /** The folder's stamp at the read (warnUnknown's asRead): its membership data is read of that output alone (R147). */
  readonly stamp?: FileStamp;
}

/** What answers, cluster by cluster: each cluster's Authorizer, or the one read ('') when there is no split. */
export const answeringClusters = (read: RbacRead): [string, Authorizer][] => [
  ...(read.byCluster ?? new Map([['', read.authz]])),
];

/**
 * loadAuthorizer with `--cluster` and each cluster's Authorizer (RbacRead.byCluster): what access
 * reads. No dated access: its full read of orgctl's output keeps no documents. An output of one
 * cluster costs what loadAuthorizer does (no Authorizer but the one).
 */
export async function loadClusterAuthorizers(
  dir: string,
  io: Io,
  options: Omit<ReadOptions, 'question'> = {},
): Promise<RbacRead> {
  const { authz, byCluster } = await readAuthorizer(dir, io, options, false);
  return { authz, ...(byCluster ? { byCluster } : {}) };
}

/** loadAuthorizer, with the dated access records of what was read (analysis/ended-access.ts). */
export async function loadRbacRead(dir: string, io: Io, options: ReadOptions = {}): Promise<RbacRead> {
  const { authz, datedOf, byCluster, objectsOf, clusters, stamp } = await readAuthorizer(dir, io, options, true);
  const dated = datedOf();
  const { cluster } = options;
  // Asked only when the warning would say the name is bound nowhere: each other cluster's bindings.
  const boundElsewhere =
    cluster === undefined
      ? undefined
      : (user: string) => {
          const s = subjectOf(user);
          return clusters.filter(
            (c) => c !== cluster && new Authorizer(objectsOf(c)).namesSubject(s.kind, s.name, s.namespace),
          );
        };
  return {
    authz,
    stamp,
    ...(dated ? { dated } : {}),
    ...(byCluster ? { byCluster } : {}),
    ...(boundElsewhere ? { boundElsewhere } : {}),
  };
}

/**
 * The Authorizer of `dir`, and with `dated`, how to get the dated access it records: only can-i and
 * who-can ask (access does not, and its full read of orgctl's output keeps no documents).
 */
async function readAuthorizer(
  dir: string,
  io: Io,
  options: ReadOptions,
  dated: boolean,
): Promise<{
  readonly authz: Authorizer;
  readonly datedOf: () => DatedAccess | undefined;
  readonly byCluster?: ReadonlyMap<string, Authorizer>;
  /** Of every object read (the answer's, with `--cluster`, are of one cluster), a cluster's: what boundElsewhere asks. */
  readonly objectsOf: (cluster: string) => RbacSet;
  /** The clusters of `dir` the answering read listed (clustersOfFiles). */
  readonly clusters: readonly string[];
  /** The folder's stamp at the answering read: what a later read of the same output is checked against. */
  readonly stamp: FileStamp;
}> {
  // The folder nobody named is missing: nothing was synthesized here yet (or this is not the repository).
  // Missing between the two renames of a synthesis swapping it in, it is looked at again (R101-1).
  readWhole(dir, () => {
    if (dir === DEFAULT_OUTPUT_DIR && !existsSync(dir))
      throw new InputError(`${dir}: no such folder: run orgctl synth first, or give --dir`);
  });
  io.progress?.(`reading ${dir}/...`);
  // An answer from a dist/ older than the declaration beside it says so (a few stat calls).
  const stale = staleOutputWarning(dir);
  if (stale) io.err(stale);
  const bootstrap = options.bootstrap ?? true;
  const { cluster } = options;
  // A cluster the folder does not hold is refused before anything is read (its listing read whole);
  // the read that answers is checked again by its own listing (clustersOf).
  if (cluster !== undefined)
    checkCluster(
      dir,
      cluster,
      readWhole(dir, () => clustersOfFolder(listFolder(dir))),
    );
  /**
   * The clusters of a read (each Argo CD Application applies one folder: asked, one; else all), from
   * the files it listed, never a listing apart (R147), the one asked checked against them.
   */
  const clustersOf = (listed: readonly string[]): readonly string[] => {
    const clusters = clustersOfFiles(listed);
    if (cluster !== undefined) checkCluster(dir, cluster, clusters);
    return clusters;
  };
  /** Of the read that answers, of orgctl's output (a cluster there): a folder of shards but no cluster shard is no cluster, said. */
  const warnLackingClusterShard = (listed: readonly string[], clusters: readonly string[]) => {
    for (const lacking of clusters.length ? lackingClusterShard(listed) : [])
      io.err(showHidden(lackingClusterShardNote(join(dir, lacking.folder), lacking)));
  };
  const authorizerOf = (set: RbacSet) => new Authorizer(bootstrap ? withBootstrap(set) : set);
  /**
   * Of `read` (`orgctl`: whether orgctl's reader read it, as ofCluster asks; `clusters`: its own,
   * clustersOf): a cluster's objects, the asked cluster's (all without --cluster), and when asked
   * for, each cluster's Authorizer (none asked, several clusters).
   */
  const byClusterOf = (read: RbacSet, orgctl: boolean, clusters: readonly string[]) => {
    const objectsOf = (c: string) => ofCluster(read, dir, c, orgctl);
    return {
      clusters,
      objectsOf,
      own: cluster === undefined ? read : objectsOf(cluster),
      each: (): ReadonlyMap<string, Authorizer> | undefined =>
        cluster === undefined && clusters.length > 1
          ? new Map(clusters.map((c) => [c, authorizerOf(objectsOf(c))]))
          : undefined,
    };
  };
  const { question } = options;
  // The files judged before are not parsed again: their verdicts are kept outside dir (cli/verdict-cache.ts).
  const verdicts = question ? verdictCacheOf(dir) : undefined;
  const partial = question
    ? readForQuestion(
        dir,
        {
          namespace: question.namespace,
          ...(question.user !== undefined ? { subject: subjectOf(question.user) } : {}),
        },
        undefined,
        verdicts,
      )
    : undefined;
  const partialOf = partial && byClusterOf(partial.rbac, true, clustersOf(partial.listing.files));
  // Kept, and the files not parsed now judged, once the answer is printed (a full read's cost, once per output).
  if (verdicts) afterAnswer(verdicts.keep);
  // A partial read answers only when it has nothing to warn about; else the full read warns in full.
  const answering = partialOf && authorizerOf(partialOf.own);
  if (
    answering &&
    !answering.bindingsWithoutRole().length &&
    !rewrittenBootstrapRoles(partial.rbac).length &&
    !partial.rbac.roles.some((r) => r.aggregation || gatheredOf(r))
  ) {
    // Each cluster's Authorizer only for a read the checks above let answer.
    const answeringEach = partialOf.each();
    if (![...(answeringEach?.values() ?? [])].some((a) => a.bindingsWithoutRole().length)) {
      io.progress?.('');
      warnLackingClusterShard(partial.listing.files, partialOf.clusters);
      return {
        authz: answering,
        datedOf: () => partial.dated,
        objectsOf: partialOf.objectsOf,
        clusters: partialOf.clusters,
        stamp: partial.listing.stamp,
        ...(answeringEach ? { byCluster: answeringEach } : {}),
      };
    }
  }
  const { read, problems, datedOf, orgctl, listing } = await fullRead(dir, dated);
  io.progress?.('');
  const clusters = clustersOf(listing.files);
  warnLackingClusterShard(listing.files, clusters);
  // Each warning one line, whatever the names in it hold (R29-1).
  const warn = (line: string) => io.err(showHidden(line));
  for (const p of [...problems, ...read.problems]) warn(`warning manifests ${p}`);
  // What is warned of is what answers: the cluster asked's objects alone.
  const { own, each, objectsOf } = byClusterOf(read, orgctl, clusters);
  const authz = authorizerOf(own);
  const byCluster = each();
  if (!own.roles.length && !own.bindings.length) {
    warn(
      `warning manifests ${dir} holds no RBAC (no Role, ClusterRole or binding): ${bootstrap ? 'only the bootstrap bindings every cluster has apply' : 'every answer is no'}`,
    );
  }
  for (const r of rewrittenBootstrapRoles(own)) warn(`warning manifests ${rewrittenNote(r)}`);
  // orgctl never writes one (a dump's admin, edit and view do aggregate, over the dump's roles: R129-1).
  for (const r of orgctl ? own.roles.filter((r) => r.aggregation) : [])
    warn(
      `warning manifests ${aggregatedRoleNote(r.name, `${r.from.file}#${r.from.index}`)}; counted here: ${bootstrap ? "these manifests' and the bootstrap policy's" : "these manifests' alone (--no-bootstrap)"}`,
    );
  // Nor a label an aggregated role gathers: who is bound to that role outside dist/ is not (R134-1).
  for (const r of orgctl ? own.roles : []) {
    const gathered = gatheredOf(r);
    if (gathered)
      warn(
        `warning manifests ${gatheredRoleNote(r.name, `${r.from.file}#${r.from.index}`, gathered)}; whoever is bound to one of those gets its rules too, and is not counted here`,
      );
  }
  // Each cluster's: a role of another cluster binds nothing on this one.
  const dangling = byCluster
    ? [...new Set([...byCluster.values()].flatMap((a) => a.bindingsWithoutRole()))]
    : authz.bindingsWithoutRole();
  for (const b of dangling.slice(0, MAX_DANGLING_SHOWN)) {
    warn(
      `warning manifests ${b.kind} ${b.namespace ? `${b.namespace}/` : ''}${b.name}: its ${b.roleRef.kind} ${JSON.stringify(b.roleRef.name)} is not among these manifests${b.roleRef.kind === 'Role' ? ` (in ${b.namespace})` : ''}, so it is counted as granting nothing, as the API server does when a role does not exist${b.roleRef.kind === 'ClusterRole' ? ` (${bootstrap ? 'of the built-in ClusterRoles, admin, edit, view and those bound to everyone count; any other' : '--no-bootstrap: a built-in ClusterRole'} counts only when the dump holds it)` : ''}`,
    );
  }
  if (dangling.length > MAX_DANGLING_SHOWN)
    io.err(`warning manifests ...and ${dangling.length - MAX_DANGLING_SHOWN} more bindings whose role does not exist`);
  return { authz, datedOf, objectsOf, clusters, stamp: listing.stamp, ...(byCluster ? { byCluster } : {}) };
}

/**
 * The whole of `dir` read: its RBAC, the problems of its manifests, and with `dated`, how to get
 * the dated access orgctl's output records. orgctl's output is read by its own strict reader; only
 * manifests of any origin need the full YAML parser (loaded only then: parsing and compiling it
 * costs about 15 ms). Without dated access to tell, its RBAC alone is kept: no file's documents outlive it.
 */
async function fullRead(
  dir: string,
  dated: boolean,
): Promise<{
  read: RbacSet;
  problems: readonly string[];
  datedOf: () => DatedAccess | undefined;
  /** Whether `dir` was read as orgctl's output. */
  orgctl: boolean;
  /** `dir` as this read listed it: what its clusters are of, and what else read of it is checked against (R147). */
  listing: Listing;
}> {
  const none = () => undefined;
  if (!dated) {
    const output = readRbacIfOrgctlOutput(dir);
    if (output) return { read: output.rbac, problems: [], datedOf: none, orgctl: true, listing: output.listing };
  } else {
    const output = readIfOrgctlOutput(dir);
    if (output)
      return {
        read: readRbac(output.docs),
        problems: [],
        datedOf: () => datedAccessOfDocs(output.docs),
        orgctl: true,
        listing: output.listing,
      };
  }
  const { docs, problems, listing } = (await import('./manifests.ts')).loadManifests(dir);
  return { read: readRbac(docs), problems, datedOf: none, orgctl: false, listing };
}

export interface Target {
  readonly apiGroup: string;
  readonly resource: string;
  readonly subresource: string;
  readonly name: string;
  readonly namespaced: boolean;
}

/** A resource request as the API server evaluates it (can-i's, explain's, who-can's of a cluster-scoped type). */
export interface ResourceQuestion {
  /** What is asked: the object's namespace is -n's (default: default) for a namespaced type, '' for -A and for a cluster-scoped one. */
  readonly attrs: Required<ResourceAttributes>;
  /**
   * The namespace whose RoleBindings decide it ('' = ClusterRoleBindings only): the object's, but a
   * request on Namespace object X, its status or finalize is evaluated in X (requestNamespace: the
   * API server's RequestInfo reads /api/v1/namespaces/X as namespace X). What is read (can-i,
   * who-can) or placed (explain) to answer it: the answer is that namespace's, whatever -n says.
   */
  readonly evaluatedIn: string;
  /** The namespace the question names, warned of when nothing is bound there: -n's of a namespaced type, X of namespaces/X. */
  readonly named?: string;
  /** -n given for a cluster-scoped type, said as kubectl says it. */
  readonly warning?: string;
}

/**
 * `t` asked with -n (`namespace`) or -A (`allNamespaces`, the namespace ""), read once for can-i,
 * who-can and explain: explain placing -n's namespace where can-i read the Namespace's answered
 * otherwise (R35-1).
 */
export function resourceQuestion(
  verb: string,
  t: Target,
  asked: { readonly namespace?: string | undefined; readonly allNamespaces?: boolean | undefined },
): ResourceQuestion {
  const all = asked.allNamespaces ?? false;
  const attrs = {
    verb,
    namespace: all || !t.namespaced ? '' : (asked.namespace ?? DEFAULT_NAMESPACE),
    apiGroup: t.apiGroup,
    resource: t.resource,
    subresource: t.subresource,
    name: t.name,
  };
  const evaluatedIn = requestNamespace(attrs);
  const named = t.namespaced ? (asked.namespace !== undefined ? attrs.namespace : '') : evaluatedIn;
  return {
    attrs,
    evaluatedIn,
    ...(named ? { named } : {}),
    ...(!t.namespaced && asked.namespace !== undefined && !all
      ? { warning: `warning: resource '${t.resource}' is not namespace scoped` }
      : {}),
  };
}

/** A kubectl TYPE[/NAME] argument: `pods`, `po/web-1`, `deployments.apps`, `widgets.example.com`, `*`. */
export function resolveTarget(arg: string, subresource: string, io: Io): Target {
  const { target, warning } = parseTarget(arg, subresource);
  if (warning) io.err(warning);
  return target;
}

/** resolveTarget without its effect: the target, and the warning for a type that is not built in. */
export function parseTarget(arg: string, subresource: string): { readonly target: Target; readonly warning?: string } {
  const slash = arg.indexOf('/');
  const type = slash < 0 ? arg : arg.slice(0, slash);
  const name = slash < 0 ? '' : arg.slice(slash + 1);
  if (!type) throw new UsageError(`${JSON.stringify(arg)} names no resource type`);
  // kubectl asks `*` as resource `*` of the core group (cani.go resourceFor: `{Resource: "*"}`), not of
  // every group: a rule on `*` of `""` allows it, one on `*` of `apps` does not.
  if (type === '*') return { target: { apiGroup: '', resource: '*', subresource, name, namespaced: true } };
  // kubectl's resource.version.group (deployments.v1.apps): the version says nothing to RBAC.
  const parts = type.split('.');
  if (parts.length >= 3 && /^v\d+((alpha|beta)\d+)?$/.test(parts[1]!))
    return parseTarget([parts[0], ...parts.slice(2)].join('.') + (name ? `/${name}` : ''), subresource);
  const known = resolveResource(type);
  if (known)
    return {
      target: { apiGroup: known.group, resource: known.resource, subresource, name, namespaced: known.namespaced },
    };
  const dot = type.indexOf('.');
  const meant = nearestResource(type);
  return {
    warning: `warning: ${JSON.stringify(type)} is not a built-in resource type${meant ? ` (did you mean ${meant}?)` : ''}; checking it as ${dot < 0 ? `${type} in the core group` : `${type.slice(0, dot)} in group ${type.slice(dot + 1)}`}`,
    target:
      dot < 0
        ? { apiGroup: '', resource: type.toLowerCase(), subresource, name, namespaced: true }
        : {
            apiGroup: type.slice(dot + 1).toLowerCase(),
            resource: type.slice(0, dot).toLowerCase(),
            subresource,
            name,
            namespaced: true,
          },
  };
}

/**
 * The one token ServiceAccount username of `known` that `asked` names by the token's id (`ci-deploy`,
 * or `token-ci-deploy`, as explain and members name it): can-i asks as a username, as kubectl does.
 */
function tokenMeant(
  asked: string,
  known: readonly string[],
): { readonly name: string; readonly why: string } | undefined {
  if (asked.includes(':')) return undefined;
  const lower = asked.toLowerCase();
  // `token-ci` is the ServiceAccount's name, or the id of a token named token-ci.
  const ids = new Set([lower, lower.replace(/^token-/, '')]);
  const found = new Set(
    known.filter((name) => {
      const account = serviceAccountOf(name);
      return account !== undefined && tokenIdsOfAccount(account.name).some((id) => ids.has(id));
    }),
  );
  return found.size === 1
    ? { name: [...found][0]!, why: "a token is asked about by its ServiceAccount's username" }
    : undefined;
}

/**
 * The membership data of an orgctl output folder (its members.json), or undefined when it has none.
 * `asRead`: the stamp of the read whose bindings it is said beside; another output's is refused (R147).
 */
function membersIn(dir: string, asRead: FileStamp | undefined): MembershipData | undefined {
  try {
    // Only orgctl's own shape: a file edited by hand says nothing here (the warning stays generic);
    // read by its one reader (a link, a FIFO or bytes that are no UTF-8 refused: R109-3, R143-1).
    const text = membersTextIfAny(dir, asRead);
    return text === undefined ? undefined : membershipDataOf(text);
  } catch (e) {
    if (e instanceof OutputError) throw e; // another output than the one read: no answer of either
    return undefined;
  }
}

/**
 * Whether any binding gives more than the API server's bootstrap binding of its name: one of that
 * name binding a User, or its role rewritten, is someone's grant (isBootstrapAccess; R129-6).
 */
const bindsBeyondBootstrap = (authz: Authorizer): boolean =>
  authz.set.bindings.some((b) => !isBootstrapAccess(b, authz.roleOf(b)));

/**
 * Says on stderr when a question names someone or somewhere the manifests never mention: the
 * answer is still the authorizer's (no), but a typo should not read as a considered "no". When the
 * output's membership data says why (a deactivated member or token, Remove All, an invitee), it says that.
 */
export function warnUnknown(
  authz: Authorizer,
  io: Io,
  ask: {
    readonly user?: string;
    readonly namespace?: string;
    readonly dir?: string;
    /** The namespaces the organization declares, when the caller knows them (explain: its model). */
    readonly namespaces?: readonly string[];
    /** What the bindings are, as the warning names them (explain: `what acme declares`). @default 'these manifests' */
    readonly bindingsOf?: string;
    /**
     * The usernames a name bound nowhere may have meant, when the caller knows them all (explain: its
     * declaration's, usernamesDeclared); else those of the membership data and the bindings read.
     */
    readonly subjects?: readonly string[];
    /** The other clusters whose bindings name `user` (with `--cluster`): then it is said, not taken for a typo. */
    readonly boundIn?: (user: string) => readonly string[];
    /** The stamp of `dir` when the bindings warned of were read (RbacRead.stamp): its membership data is that output's. */
    readonly asRead?: FileStamp;
  },
): void {
  const { user, namespace } = ask;
  if (user !== undefined) {
    const s = subjectOf(user);
    const unbound = !authz.namesSubject(s.kind, s.name, s.namespace) && bindsBeyondBootstrap(authz);
    const groups = `only bindings of ${s.kind === 'ServiceAccount' ? 'its' : 'their'} groups can apply`;
    const elsewhere = unbound ? ask.boundIn?.(user) : undefined;
    if (elsewhere?.length)
      io.err(
        `warning: ${user} is named in no binding of ${ask.bindingsOf ?? 'these manifests'}, only in ${elsewhere.length > 1 ? 'clusters' : 'cluster'} ${elsewhere.map(shownName).join(', ')}'s; ${groups} here`,
      );
    else if (unbound) {
      const members = ask.dir === undefined ? undefined : membersIn(ask.dir, ask.asRead);
      const why = members && unboundReason(members, user, resolveToday(undefined, io.env));
      // Only asked for when the membership data does not say why.
      const known = why
        ? []
        : (ask.subjects ?? [...(members ? usernamesOf(members) : []), ...usernamesBound(authz.set.bindings)]);
      const near = why ? undefined : (tokenMeant(user, known) ?? nameMeant(user, known));
      io.err(
        why
          ? `warning: ${user} ${why.reason} (${showHidden(join(ask.dir!, MEMBERS_FILE))}); ${
              // RBAC answers for the name (as Kubernetes would for an impersonation), yet no request of a dead token gets that far.
              why.nobody
                ? `${UNBOUND.nobody}, so it can do nothing; this answer is RBAC's for the name alone, as kubectl auth can-i --as gives it`
                : groups
            }`
          : `warning: ${user} is named in no binding of ${ask.bindingsOf ?? 'these manifests'}${
              near
                ? `: did you mean ${showHidden(near.name)}? (${near.why})` // a dump's name, on one line (R67-3)
                : ' (a typo? a user is named as in its bindings, with any identity prefix)'
            }; ${groups}`,
      );
    }
  }
  if (namespace !== undefined && namespace !== '' && bindsBeyondBootstrap(authz) && !authz.hasBindingsIn(namespace)) {
    // A namespace out of case: the one declared, or bound in, in lower case.
    const lower = namespace.toLowerCase();
    const declared =
      ask.namespaces ?? (ask.dir === undefined ? undefined : membersIn(ask.dir, ask.asRead))?.organization.namespaces;
    const cased = lower !== namespace && (declared?.includes(lower) || authz.hasBindingsIn(lower)) ? lower : undefined;
    // Else one a letter or two away (wbe: web), of those declared, or bound in when none are known.
    const nearest = cased ? undefined : nearestName(lower, declared ?? authz.namespacesWithBindings());
    const near = cased
      ? `: did you mean ${cased}? (namespace names are lower-case)`
      : declared?.includes(namespace)
        ? ' (it is declared: a namespace may be placed in some clusters only)'
        : nearest
          ? `: did you mean ${showHidden(nearest)}? (the ${declared ? 'declared namespace' : 'namespace with RoleBindings'} nearest it)`
          : ' (a typo?)';
    io.err(
      `warning: namespace ${namespace} has no RoleBinding in ${ask.bindingsOf ?? 'these manifests'}${near}; only cluster-wide bindings can apply there`,
    );
  }
}
