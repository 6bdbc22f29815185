/**
 * A question about one namespace (or about the cluster as a whole) reads only the part of orgctl's
 * output that can answer it: every cluster's `cluster/` shard (ClusterRoles, the membership
 * ConfigMaps, the system namespace and its admins' RoleBindings) and, in each cluster, the shard
 * `shardOf(namespace, shards)` names (its Roles and RoleBindings), the shard count read from the
 * organization's ConfigMap (in the cluster shard, or first in `members-00` when membership has
 * shards of its own; the other members-NN are read only to know whom bindings may name). Token
 * ServiceAccounts, placed by `token:<id>`, hold no RBAC: an answer never needs them.
 *
 * This trusts orgctl's layout, which `orgctl review`'s output-proof establishes for every merged
 * dist/ (a hand-edited binding in the wrong shard is caught by `orgctl prove` and `review`, not
 * here). What is read is still read strictly (parseOutput), every RBAC object read must be where
 * orgctl places it, and anything the layout cannot bound (a file outside it, no membership, clusters
 * other than those recorded, an object in the wrong file, a malformed object) is answered by reading
 * everything instead: undefined, never a guess.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { namesSubject } from '../analysis/authorizer.ts';
import {
  readRbac,
  type BindingObject,
  type ManifestDoc,
  type RbacSet,
  type SubjectObject,
} from '../analysis/objects.ts';
import { readMembership, type Membership } from '../analysis/membership.ts';
import { MEMBERS_FILE, ORGANIZATION_CONFIGMAP } from '../model/membership.ts';
import { CLUSTER_SHARD, DEFAULT_CLUSTER, isMembersShard, isOutputPath, shardFile, shardOf } from '../synth/render.ts';
import { scalar } from '../synth/yaml.ts';
import { decodeOutput, isOrgctlOutput, parseOutput } from './manifests.ts';
import { listFiles } from './output.ts';

/** A subject as bindings name it: a user by name, a service account by namespace and name. */
export interface NamedSubject {
  readonly kind: SubjectObject['kind'];
  readonly name: string;
  readonly namespace: string;
}

export interface Question {
  /** The namespace whose RoleBindings decide the answer; '' when only ClusterRoleBindings do. */
  readonly namespace: string;
  /** Whom it is about: whether any binding of the whole output names them is answered too. */
  readonly subject: NamedSubject;
}

export interface PartialRead {
  readonly rbac: RbacSet;
  /** The files parsed (paths in the output folder), in the order read. */
  readonly parsed: readonly string[];
  /** Files only searched (bytes, not parsed) for the subject's name. */
  readonly searched: readonly string[];
}

/** How a file's bytes are read: readFileSync, or a test's counting reader. */
export type ReadBytes = (file: string) => Buffer;

const SHARD_FILE = /^([^/]+)\/([^/]+)\/resources\.yaml$/;

/** The cluster folders of an output's file list, when every file is one orgctl writes and each has its cluster shard. */
function clusterFolders(files: readonly string[]): string[] | undefined {
  if (!files.every(isOutputPath)) return undefined;
  const clusters = [
    ...new Set(files.flatMap((f) => (SHARD_FILE.test(f) && !f.startsWith('argocd/') ? [f.split('/')[0]!] : []))),
  ].sort();
  return clusters.every((c) => files.includes(clusterShardFile(c))) ? clusters : undefined;
}

const clusterShardFile = (cluster: string): string => shardFile(cluster, CLUSTER_SHARD);

/** The shard orgctl places a namespace's objects in: its own, or the cluster shard for the system namespace. */
const shardOfNamespace = (ns: string, shards: number, systemNamespace: string): string =>
  ns === systemNamespace ? CLUSTER_SHARD : shardOf(ns, shards);

/** Whether every RBAC object (and Namespace) read from `file` is where orgctl places it. */
function placedAsOrgctlPlaces(file: string, rbac: RbacSet, shards: number, systemNamespace: string): boolean {
  const shard = SHARD_FILE.exec(file)?.[2];
  const inNamespace = (ns: string) => shardOfNamespace(ns, shards, systemNamespace) === shard;
  const clusterWide = shard === CLUSTER_SHARD;
  return (
    rbac.roles.every((r) => (r.kind === 'ClusterRole' ? clusterWide : inNamespace(r.namespace))) &&
    rbac.bindings.every((b) => (b.kind === 'ClusterRoleBinding' ? clusterWide : inNamespace(b.namespace))) &&
    rbac.namespaces.every(inNamespace)
  );
}

/**
 * The text that stands verbatim in any file orgctl writes naming `name` (its YAML scalar, without
 * the quotes); undefined for a name written as a block scalar (a line break in it).
 */
function writtenForm(name: string): string | undefined {
  if (!name || name.includes('\n')) return undefined;
  const written = scalar(name);
  return written.startsWith('"') ? written.slice(1, -1) : written;
}

const isOrganizationConfigMap = (d: ManifestDoc): boolean => {
  const o = d.object as { kind?: unknown; metadata?: { name?: unknown } };
  return o.kind === 'ConfigMap' && o.metadata?.name === ORGANIZATION_CONFIGMAP;
};

const concat = (sets: readonly RbacSet[]): RbacSet => ({
  roles: sets.flatMap((s) => s.roles),
  bindings: sets.flatMap((s) => s.bindings),
  serviceAccounts: sets.flatMap((s) => s.serviceAccounts),
  namespaces: sets.flatMap((s) => s.namespaces),
  problems: sets.flatMap((s) => s.problems),
});

const names = (bindings: readonly BindingObject[], s: NamedSubject) =>
  namesSubject(bindings, s.kind, s.name, s.namespace);

/**
 * Whether orgctl's output may name this subject in a binding: only its active users (by username)
 * and its tokens' ServiceAccounts (in the system namespace) are ever bound.
 */
function mayBeBound(membership: Membership, subject: NamedSubject): boolean {
  if (subject.kind === 'ServiceAccount')
    return (
      subject.namespace === membership.org.systemNamespace &&
      [...membership.tokens.values()].some((t) => t.serviceAccount === subject.name)
    );
  return [...membership.users.values()].some((u) => u.status === 'active' && u.username === subject.name);
}

/**
 * The RBAC of the files of orgctl's output folder `dir` that can answer `question`, or undefined
 * when the folder is not orgctl's output laid out as it writes it (then read everything).
 */
export function readForQuestion(
  dir: string,
  question: Question,
  readBytes: ReadBytes = readFileSync,
): PartialRead | undefined {
  try {
    if (!statSync(dir).isDirectory()) return undefined;
    return readLaidOut(dir, listFiles(dir), question, readBytes);
  } catch {
    // Whatever is wrong, the full read says it, naming every file: the partial read never does.
    return undefined;
  }
}

function readLaidOut(
  dir: string,
  files: readonly string[],
  question: Question,
  readBytes: ReadBytes,
): PartialRead | undefined {
  const clusters = clusterFolders(files);
  if (!clusters || !isOrgctlOutput(dir, files)) return undefined;
  const parsed: string[] = [];
  const docsOf = (path: string): ManifestDoc[] => {
    parsed.push(path);
    const label = join(dir, path);
    return parseOutput([{ path, content: decodeOutput(readBytes(label), label), label }]);
  };
  const clusterDocs = new Map(clusters.map((c) => [clusterShardFile(c), docsOf(clusterShardFile(c))]));
  // A large organization's membership has shards of its own (members-NN, the same in every
  // cluster, the organization's ConfigMap first): the first cluster's are read when needed.
  const isMembersFile = (f: string) => isMembersShard(f.split('/')[1] ?? '');
  const membersFiles = files.filter((f) => f.startsWith(`${clusters[0]}/`) && isMembersFile(f));
  const read = [...clusterDocs.values()].flat();
  if (!read.some(isOrganizationConfigMap) && membersFiles.length) read.push(...docsOf(membersFiles[0]!));
  // The organization's settings only: its users' lists are not needed here (nor parsed).
  const { org } = readMembership(read.filter(isOrganizationConfigMap), dir);
  const recorded = org.clusters.length ? [...org.clusters].sort() : [DEFAULT_CLUSTER];
  if (recorded.join('\n') !== clusters.join('\n')) return undefined;
  const ns = question.namespace;
  const shard = ns ? shardOfNamespace(ns, org.shards, org.systemNamespace) : CLUSTER_SHARD;
  const wanted = clusters
    .flatMap((c) => [clusterShardFile(c), shardFile(c, shard)])
    .filter((f, i, all) => files.includes(f) && all.indexOf(f) === i)
    .sort();
  const rbacOf = (path: string): RbacSet | undefined => {
    const rbac = readRbac(clusterDocs.get(path) ?? docsOf(path));
    return placedAsOrgctlPlaces(path, rbac, org.shards, org.systemNamespace) && !rbac.problems.length
      ? rbac
      : undefined;
  };
  const sets: RbacSet[] = [];
  for (const path of wanted) {
    const rbac = rbacOf(path);
    if (!rbac) return undefined;
    sets.push(rbac);
  }
  if (!sets.some((s) => s.bindings.length)) return undefined;
  // Whether the subject is named anywhere (can-i warns when not): the first other file that names it.
  const searched: string[] = [];
  if (
    !sets.some((s) => names(s.bindings, question.subject)) &&
    mayBeBound(
      readMembership([...read, ...membersFiles.filter((f) => !parsed.includes(f)).flatMap(docsOf)], dir),
      question.subject,
    )
  ) {
    const needle = writtenForm(question.subject.name);
    if (needle === undefined) return undefined;
    const text = Buffer.from(needle);
    for (const path of files) {
      if (path === MEMBERS_FILE || wanted.includes(path) || isMembersFile(path)) continue; // members-NN hold no RBAC
      searched.push(path);
      if (readBytes(join(dir, path)).indexOf(text) < 0) continue;
      const rbac = rbacOf(path);
      if (!rbac) return undefined;
      if (names(rbac.bindings, question.subject)) {
        sets.push(rbac);
        break;
      }
    }
  }
  return { rbac: concat(sets), parsed, searched };
}
