/**
 * A question about one namespace (or about the cluster as a whole) reads only the part of orgctl's
 * output that can answer it: every cluster's `cluster/` shard (ClusterRoles, the membership
 * ConfigMaps, the system namespace and its admins' RoleBindings) and, in each cluster, the shard
 * `shardOf(namespace, shards)` names (its Roles and RoleBindings), the shard count read from the
 * organization's ConfigMap (in the cluster shard, or first in `members-00` when membership has
 * shards of its own; the other members-NN are read only to know whom bindings may name). Token
 * ServiceAccounts, placed by `token:<id>`, hold no RBAC: an answer never needs them.
 *
 * It does not trust orgctl's layout blindly: kubectl applies an object wherever it is written, so
 * the bytes of every other file are searched for the namespace's metadata line (or an escape), and
 * a file that may hold one of its objects is parsed: one placed elsewhere than orgctl places it
 * (which the full read refuses) leaves the answer to the full read (red team R89-3). Likewise the
 * subject is looked for in every file whatever the membership lists say of them: a binding forged
 * for a deactivated or unknown user is applied as any other (R89-2). What is read is read strictly
 * (parseOutput), every RBAC object read must be where orgctl places it, and anything the layout
 * cannot bound (a file outside it, a shard file the recorded count does not name, no membership,
 * clusters other than those recorded, an object in the wrong file, a malformed object) is answered
 * by reading everything instead: undefined, never a guess. Left: a binding of another namespace in
 * a members-NN shard (parsed only for the organization's settings) is refused by the full read only.
 *
 * Every file read is parsed whole by the strict reader (parseOutput), as the full read parses it:
 * what it refuses anywhere in the file (a line indented too deep, a key written twice, an anchor,
 * a tag, `0777`, a list's `items`, in a document of another namespace too) is refused here as there,
 * and Go refuses the whole file for it, so its Application applies none of it (red team R83-1;
 * before, documents of other namespaces were skipped unparsed by their heads, and YAML refused below
 * a head was answered: R35-2, R77-3). What is saved is parsing the other files (at size L, 3 of 34
 * are parsed; the others' bytes are searched, R89-3) and,
 * of the documents parsed, the RBAC of those that cannot answer: other namespaces', and the
 * namespace's RoleBindings that cannot name the subject.
 */
import { closeSync, existsSync, fstatSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { namesSubject, serviceAccountUser } from '../analysis/authorizer.ts';
import {
  isObj,
  readRbac,
  type BindingObject,
  type ManifestDoc,
  joinedRbac,
  type RbacSet,
  type SubjectObject,
} from '../analysis/objects.ts';
import { DATED_ACCESS_MARK, type OrgInfo, readMembership } from '../analysis/membership.ts';
import { datedAccessOfLines, type DatedAccess } from '../analysis/ended-access.ts';
import { MEMBERS_FILE, MEMBERSHIP_LISTS, membershipListPattern, ORGANIZATION_CONFIGMAP } from '../model/membership.ts';
import { byText, firstOf, NEWLINE, showHidden } from '../model/text.ts';
import {
  ARGOCD_FOLDER,
  CLUSTER_SHARD,
  isHashPlaced,
  isMembersShard,
  isOutputPath,
  isShardOfCount,
  outputClusters,
  shardFile,
  shardOfNamespace,
} from '../synth/render.ts';
import { scalar } from '../synth/yaml.ts';
import {
  type DocumentHead,
  headOf,
  isOrganizationConfigMap,
  isOrgctlOutput,
  type Layout,
  outputLabel,
  parseOutput,
  SHARD_FILE,
  shardOfFile,
  shardPlacing,
} from './output-read.ts';
import { decodeOutput, type Listing, MAX_OUTPUT_BYTES, readBytesInto, readFolderWhole } from './output.ts';
import { REGULAR_ONLY, sha256Hex } from './file-stamp.ts';
import type { Found, Judged, JudgedDocument, Verdicts } from './verdict-cache.ts';

/** A subject as bindings name it: a user by name, a service account by namespace and name. */
export interface NamedSubject {
  readonly kind: SubjectObject['kind'];
  readonly name: string;
  readonly namespace: string;
}

export interface Question {
  /** The namespace whose RoleBindings decide the answer; '' when only ClusterRoleBindings do. */
  readonly namespace: string;
  /**
   * Whom it is about: whether any binding of the whole output names them is answered too.
   * Absent: about everyone (who-can), so every binding of the namespace is read.
   */
  readonly subject?: NamedSubject;
}

export interface PartialRead {
  readonly rbac: RbacSet;
  /** The output folder as this read listed it: what its clusters are of, and what else read of it is checked against. */
  readonly listing: Listing;
  /** The files parsed (paths in the output folder), in the order read. */
  readonly parsed: readonly string[];
  /** Files only searched (bytes, not parsed) for the subject's name. */
  readonly searched: readonly string[];
  /**
   * The dated access the users lists record: a user's line alone, found by their username's bytes
   * (or an escape) in the users lists' blocks already read, else in the others; every users list's
   * dated lines when the question names no subject; none for another subject (a ServiceAccount holds
   * no dated access).
   */
  readonly dated: DatedAccess;
}

/**
 * How a file's bytes are read: readBytesInto (by one open, a link or FIFO put at a listed path
 * refused), or a test's counting reader. Given `into`, the bytes may be a view of a buffer the next
 * such read reuses: a file only searched is used, then let go (a new buffer for each is new memory
 * the VM faults in, 25 MB at size L; reading its 33 YAML files took 152 ms, into one buffer 10).
 */
export type ReadBytes = (file: string, into?: { buffer: Buffer }) => Buffer;

/** The cluster folders of an output's file list, when every file is one orgctl writes and each has its cluster shard. */
function clusterFolders(files: readonly string[]): string[] | undefined {
  if (!files.every(isOutputPath)) return undefined;
  const folders = new Set(
    files.flatMap((f) => (SHARD_FILE.test(f) && !f.startsWith('argocd/') ? [f.split('/')[0]!] : [])),
  );
  // Every folder holding a shard is a cluster's: else this is not orgctl's output.
  const clusters = clustersAmong(folders, (file) => files.includes(file));
  return clusters.length === folders.size ? clusters : undefined;
}

const clusterShardFile = (cluster: string): string => shardFile(cluster, CLUSTER_SHARD);

/**
 * The clusters of orgctl's output among `folders` (those at its top): the folders holding a cluster
 * shard (`holds`: whether the output holds a file, by its path in it), sorted; argocd/ holds none.
 * The one home of what a cluster of an output folder is: each Argo CD Application applies one.
 */
const clustersAmong = (folders: Iterable<string>, holds: (file: string) => boolean): string[] =>
  [...folders].filter((folder) => holds(clusterShardFile(folder))).sort();

/**
 * The clusters among the files of a folder as one read listed them (relative paths): what an answer
 * read from those files is split by. Never a listing of its own: a synthesis swapping the folder in
 * between would give the answer of one output the clusters of another (red team R147).
 */
export function clustersOfFiles(files: readonly string[]): string[] {
  const listed = new Set(files);
  const tops = new Set(files.flatMap((f) => (f.includes('/') ? [f.slice(0, f.indexOf('/'))] : [])));
  return clustersAmong(tops, (file) => listed.has(file));
}

/** The folders at the top of a folder `dir`, as one listing found them (clustersOfFolder asks it). */
export interface FolderListing {
  readonly dir: string;
  readonly folders: readonly string[];
}

/**
 * The folders at the top of `dir` (FolderListing). The one place that decides what a folder that
 * cannot be listed holds: with `refuseUnlistable`, nothing: the listing's error is thrown, which says
 * why (`permission denied: orgctl may not list this folder`, red team R143-4), where a folder read as
 * holding no cluster would be refused as no output; else no folder (a folder of other manifests or none).
 */
export const listFolder = (dir: string, { refuseUnlistable = false } = {}): FolderListing => ({
  dir,
  folders: subfolders(dir, refuseUnlistable),
});

/** The clusters of orgctl's output in a folder (clustersAmong its folders); none for a folder of other manifests or none. */
export function clustersOfFolder({ dir, folders }: FolderListing): string[] {
  return clustersAmong(folders, (file) => existsSync(join(dir, file)));
}

/** The folders in `path` by name; none when it cannot be listed, unless `refuse`: then the listing's error. */
function subfolders(path: string, refuse = false): string[] {
  try {
    return readdirSync(path, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  } catch (e) {
    if (refuse) throw e;
    return [];
  }
}

/** A folder of an output holding shards but no cluster shard, and those shards (sorted). */
export interface LackingClusterShard {
  readonly folder: string;
  readonly shards: readonly string[];
}

/**
 * The folders among an output's file paths that hold shards of it (CLUSTER/SHARD/resources.yaml,
 * named as orgctl names them) but no cluster shard: no cluster (clustersAmong), though an Argo CD
 * ApplicationSet over every CLUSTER/SHARD folder of dist/ applies them as any other.
 */
export function lackingClusterShard(paths: Iterable<string>): LackingClusterShard[] {
  const all = new Set(paths);
  const shards = new Map<string, string[]>();
  for (const path of all) {
    const [, folder, shard] = SHARD_FILE.exec(path) ?? [];
    if (!folder || !shard || folder === ARGOCD_FOLDER || !isOutputPath(path) || all.has(clusterShardFile(folder)))
      continue;
    const held = shards.get(folder);
    if (held) held.push(shard);
    else shards.set(folder, [shard]);
  }
  return [...shards].sort(([a], [b]) => byText(a, b)).map(([folder, s]) => ({ folder, shards: s.sort(byText) }));
}

/**
 * A folder lackingClusterShard found, said (`shown`: where it is, as the reader names it): what it
 * holds and lacks, what orgctl makes of it, and what to do.
 */
export const lackingClusterShardNote = (shown: string, { folder, shards }: LackingClusterShard): string =>
  `warning manifests ${shown} holds ${firstOf(
    shards.map((s) => shardFile(folder, s)),
    3,
  )} but no cluster shard (${clusterShardFile(folder)}): it is read as no cluster, yet Argo CD's ApplicationSet applies each CLUSTER/SHARD folder; orgctl synth writes a cluster shard in every cluster's folder: synthesize again, or remove the folder`;

/**
 * Which documents of a file (each parsed: R83-1) are read for RBAC: from what they are (their head)
 * and their object, asked for only when the head cannot tell (a judged file's documents are parsed
 * only then), and of a judged document marked when it was judged (subjectsNamedOnly), whether its
 * JSON holds any of some bytes (JudgedDocument.holdsAny).
 */
type Keep = (d: JudgedDocument) => boolean;

/**
 * Whether each subject of a document is a User or a ServiceAccount: then whether it names someone
 * is decided by their names alone. A judged file's documents are marked by it (factsOf), so that the
 * JSON of one kept in its verdict, without the name as JSON.stringify writes it, is known to name
 * neither them nor their ServiceAccount's User, unparsed.
 */
const subjectsNamedOnly = (object: unknown): object is { subjects: Record<string, unknown>[] } =>
  isObj(object) &&
  Array.isArray(object.subjects) &&
  object.subjects.every((s) => isObj(s) && (s.kind === 'User' || s.kind === 'ServiceAccount'));

/** Everything but the membership lists: the organization's ConfigMap is kept, the others are not parsed. */
const notMembership = ({ head }: JudgedDocument): boolean =>
  head.kind !== 'ConfigMap' || head.name === undefined || head.name === ORGANIZATION_CONFIGMAP;

/** A document found (by its head) where orgctl does not place it: the full read answers. */
class NotAsPlaced extends Error {}

/** Whether every RBAC object and Namespace read from `file` is where orgctl places it. */
function placedAsOrgctlPlaces(file: string, rbac: RbacSet, layout: Layout): boolean {
  const shard = shardOfFile(file);
  const at = (o: DocumentHead) => shardPlacing(o, layout) === shard;
  return (
    rbac.roles.every((r) => at({ kind: r.kind, namespace: r.namespace })) &&
    rbac.bindings.every((b) => at({ kind: b.kind, namespace: b.namespace })) &&
    rbac.namespaces.every((name) => at({ kind: 'Namespace', name }))
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

/**
 * The bytes a file holding an object of namespace `ns` holds, one of them: its metadata line as
 * orgctl writes it, or in double quotes; or its key in double quotes, or its value a block scalar,
 * whatever the name (the strict reader takes each, as Go does, red team R96-2; any other spelling
 * is an escape, found by its backslash: mayHoldAny). Undefined for a name with a line break.
 */
function namespaceLines(ns: string): Buffer[] | undefined {
  const written = writtenForm(ns);
  return written === undefined
    ? undefined
    : [`namespace: ${written}\n`, `namespace: "${written}"`].map((b) => Buffer.from(b)).concat(ANY_NAMESPACE_LINES);
}

/** Of namespaceLines, the lines of any namespace: a quoted key, a block scalar. */
const ANY_NAMESPACE_LINES = ['namespace": ', 'namespace: |'].map((b) => Buffer.from(b));

/**
 * The bytes a file holding cluster-wide RBAC (a ClusterRole, or a ClusterRoleBinding, which the full
 * read refuses) holds, one of them: its kind line as orgctl writes it (at the line's start: a
 * roleRef's is indented), its value quoted or a block scalar, or its key quoted (else an escape).
 * kubectl applies such an object wherever it is written: a second ClusterRole of a name, in a
 * namespace's shard, is applied by that shard's Application too (red team R96-3).
 */
const CLUSTER_RBAC_LINES = ['\nkind: ClusterRole', '\nkind: "', '\nkind: |', '\n"kind"'].map((b) => Buffer.from(b));

const BACKSLASH = 0x5c;

/**
 * Whether a file's bytes may hold any of `written` (a subject's name, a namespace's or a kind's line
 * as orgctl writes them): they hold one of those bytes, or a backslash, looked for once. An escape in
 * a double-quoted scalar is the only other spelling the strict reader (and Go) reads as the same
 * text (`"\u0065rin@acme.io"`), and the only way to it: red team R83-3.
 */
const mayHoldAny = (bytes: Buffer, written: readonly Buffer[]): boolean =>
  bytes.includes(BACKSLASH) || written.some((w) => bytes.includes(w));

/**
 * What a file holds of what the partial read looks for in its bytes, found when it was parsed and
 * accepted, and kept with its verdict (cli/verdict-cache.ts): a file judged before is then neither
 * read nor searched for a namespace or a subject its facts rule out. Each stands for the search it
 * replaces, exactly: where a search would find the bytes and a fact cannot say what follows, the
 * bytes are read and searched as without it.
 */
interface FileFacts {
  /** The shard count and system namespace `clean` was found under (of the organization's ConfigMap then). */
  readonly layout: string;
  /** Every document placed where orgctl places it, and its RBAC read without a problem: a parse of any of its documents keeps the answer. */
  readonly clean: boolean;
  /** A backslash, or a line every namespace's search finds (ANY_NAMESPACE_LINES, CLUSTER_RBAC_LINES). */
  readonly always: boolean;
  /** What follows each `namespace: ` to its line's end, and each `namespace: "` to the next quote (namespaceLines' two). */
  readonly lines: readonly string[];
  readonly quoted: readonly string[];
  /**
   * The organization readMembership reads from the file's organization ConfigMap, its only one
   * (as it reads it then, JSON holding it exactly): a question whose one such ConfigMap is this
   * file's takes it from here, not read and walked for hidden text again.
   */
  readonly organization?: OrgInfo;
}

/**
 * Every name a file's bindings' subjects have, as RBAC reads them (namesSubject's), hashed (8 hex
 * digits of its SHA-256): kept beside its facts, read only when a subject is searched for.
 */
type SubjectNames = readonly string[];

const layoutKey = (layout: Layout): string => JSON.stringify([layout.shards, layout.systemNamespace]);

const nameHash = (name: string): string => sha256Hex(name).slice(0, 8);

/** The text after each `start` in `bytes` up to the next `end` (UTF-8, as a needle's bytes are decoded). */
function textsAfter(bytes: Buffer, start: string, end: string): string[] {
  const found = new Set<string>();
  const from = Buffer.from(start);
  for (let at = bytes.indexOf(from); at >= 0; at = bytes.indexOf(from, at + 1)) {
    const stop = bytes.indexOf(end, at + from.length);
    if (stop >= 0) found.add(bytes.toString('utf8', at + from.length, stop));
  }
  return [...found];
}

/** A file's facts and its subjects' names, from its bytes, its documents as parsed, and the layout they are placed by. */
function factsOf(path: string, bytes: Buffer, docs: readonly ManifestDoc[], layout: Layout): Found {
  const rbac = readRbac(docs);
  const shard = shardOfFile(path);
  const placed = docs.every((d) => {
    const placing = shardPlacing(headOf(d.object), layout);
    return placing === undefined || placing === shard;
  });
  const organization = organizationOf(docs.filter(isOrganizationDoc), path);
  const facts: FileFacts = {
    layout: layoutKey(layout),
    clean: placed && placedAsOrgctlPlaces(path, rbac, layout) && !rbac.problems.length,
    always: mayHoldAny(bytes, ANY_NAMESPACE_LINES.concat(CLUSTER_RBAC_LINES)),
    lines: textsAfter(bytes, 'namespace: ', '\n'),
    quoted: textsAfter(bytes, 'namespace: "', '"'),
    ...(organization ? { organization } : {}),
  };
  const names: SubjectNames = [
    ...new Set(rbac.bindings.flatMap((b) => b.subjects.map((s) => nameHash(s.name)))),
  ].sort();
  return { facts, more: names, marked: docs.map((d) => subjectsNamedOnly(d.object)) };
}

/** What readMembership reads of the one organization ConfigMap `orgDocs` holds, when JSON holds it exactly; else undefined. */
function organizationOf(orgDocs: readonly ManifestDoc[], label: string): OrgInfo | undefined {
  if (orgDocs.length !== 1) return undefined;
  try {
    const { org } = readMembership(orgDocs, label);
    return isDeepStrictEqual(JSON.parse(JSON.stringify(org)), org) ? org : undefined;
  } catch {
    return undefined; // refused: read (and refused) again by each question
  }
}

/** Whether a file of these facts may hold one of namespaceLines(ns) (`written`: its written form), as mayHoldAny finds them. */
function factsMayHold(facts: FileFacts, written: string): boolean {
  const text = Buffer.from(written).toString('utf8'); // as the file's bytes decode
  return facts.always || facts.lines.includes(text) || written.includes('"') || facts.quoted.includes(text);
}

/** A document that is the organization's ConfigMap, as the strict reader tells one. */
const isOrganizationDoc = (d: ManifestDoc): boolean => isOrganizationConfigMap(d.object);

const names = (bindings: readonly BindingObject[], s: NamedSubject) =>
  namesSubject(bindings, s.kind, s.name, s.namespace);

/** A users line's username field as JSON.stringify writes it: how the lists' bytes are searched for a person. */
const usernameField = (username: string): string => `"username":${JSON.stringify(username)}`;

/**
 * What marks a line that may be a person's besides their username field: a backslash, with which
 * JSON spells any character otherwise (`\u0064an@acme.io` is dan@acme.io to the full read: R126-1).
 */
const ESCAPE_MARK = '\\';

/** The users list's block, as orgctl writes its header (a key of the ConfigMap's data). */
const USERS_BLOCK = [`  ${MEMBERSHIP_LISTS.users}: |`, `  ${MEMBERSHIP_LISTS.users}: |-`];

/**
 * A membership ConfigMap as orgctl writes it, from its kind to its data's first key: its name
 * (the organization's namespace, annotations and labels any). The full read takes a users list from
 * a ConfigMap named as one (datedAccessOfDocs), whatever its data holds besides (R126-3), and from
 * no other kind: a Secret of that name is not one (R129-4).
 */
const CONFIGMAP_HEAD =
  /\nkind: ConfigMap\nmetadata:\n(?: {2}annotations:\n(?: {4}[^\n]*\n)*)?(?: {2}labels:\n(?: {4}[^\n]*\n)*)? {2}name: ([^\n]*)\n {2}namespace: [^\n]*\ndata:\n$/;
/** How far before a users block its ConfigMap's head is looked for (orgctl writes some 300 bytes). */
const HEAD_WINDOW = 4096;
/** A name orgctl writes plain that no escape or quote spells otherwise. */
const PLAIN_NAME = /^[a-z0-9.-]+$/;

/** The indentation of a list's lines in orgctl's output: a line less indented is a YAML key, `---` or the like. */
const LIST_INDENT = 4;
const SPACE = 0x20;

/**
 * The block the lines of a part are in, as far as a reader of the users lists is concerned: a users
 * list's ('users'), another ('other': any other block, or none), or one whose ConfigMap the bytes
 * before it do not say plainly ('undecided': a line marked there leaves the answer to the full read).
 */
type ListBlock = 'users' | 'other' | 'undecided';

/** What usersListLines has read of a file before a part: the block its last lines are in. */
interface ListState {
  block: ListBlock;
}

/**
 * The lines of a users list, in `bytes` (whole lines of a file of orgctl's output, after those
 * `state` has read), holding any of `marks`, without their indentation. A line is a users line only
 * in the users list's block of a ConfigMap named as a users list, as the full read decodes them
 * (datedAccessOfDocs): a line of the invites or tokens list, or of any other block, is none,
 * whatever it holds (R126-2, R126-3). A marked line outside every block (a scalar YAML may read
 * otherwise: quoted, escaped), or in a users block whose ConfigMap is not plainly named, throws: the
 * full read answers.
 */
export function usersListLines(bytes: Buffer, marks: readonly string[], state: ListState): string[] {
  const lineStart = (at: number) => (at <= 0 ? 0 : bytes.lastIndexOf(NEWLINE, at - 1) + 1);
  const shallow = (start: number) => {
    for (let i = start; i < start + LIST_INDENT; i++) {
      const c = bytes[i];
      if (c === NEWLINE || c === undefined) return false; // a blank line is a block's
      if (c !== SPACE) return true;
    }
    return false;
  };
  const lineText = (start: number) => {
    const end = bytes.indexOf(NEWLINE, start);
    return bytes.toString('utf8', start, end < 0 ? bytes.length : end);
  };
  // The block of the line at `start`: by its header, the nearest line before it less indented than a list's.
  const blockBefore = (start: number): ListBlock => {
    for (let s = start; s > 0; ) {
      s = lineStart(s - 1);
      if (!shallow(s)) continue;
      if (!USERS_BLOCK.includes(lineText(s))) return 'other';
      // A part starts at a line: a window from its start starts at one too.
      const from = Math.max(0, s - HEAD_WINDOW);
      const name = CONFIGMAP_HEAD.exec(`${from ? '' : '\n'}${bytes.toString('utf8', from, s)}`)?.[1];
      if (name !== undefined && membershipListPattern('users').test(name)) return 'users';
      return name !== undefined && PLAIN_NAME.test(name) ? 'other' : 'undecided';
    }
    return state.block;
  };
  const starts = new Set<number>();
  for (const mark of marks)
    for (let at = bytes.indexOf(mark); at >= 0; at = bytes.indexOf(mark, at + mark.length)) starts.add(lineStart(at));
  const lines: string[] = [];
  for (const start of [...starts].sort((a, b) => a - b)) {
    const block = shallow(start) ? 'undecided' : blockBefore(start);
    if (block === 'undecided') throw new Error('a marked line the users lists may hold otherwise');
    if (block === 'users') lines.push(lineText(start).trim());
  }
  state.block = blockBefore(bytes.length);
  return lines;
}

/** The buffer usersListLinesOfFile reads each part of a list into: 16 pages, where a list read whole is 450 new ones at L. */
const LINES_SCRATCH = Buffer.allocUnsafe(65_536);

/**
 * usersListLines of a file, read a part at a time into one small buffer, by one open of a regular
 * file (a link is not followed, a FIFO not waited on: as readBytesInto reads it): each part up to
 * its last line break, the rest carried into the next, so every line is searched whole, as in the
 * whole file. Only the lines holding a mark are decoded. Throws as a read of the file would (the
 * partial read then answers nothing: the full read says why).
 */
export function usersListLinesOfFile(file: string, marks: readonly string[]): string[] {
  const fd = openSync(file, REGULAR_ONLY);
  try {
    if (!fstatSync(fd).isFile()) throw new Error(`${showHidden(file)}: not a regular file`);
    const lines: string[] = [];
    const state: ListState = { block: 'other' };
    let carried = Buffer.alloc(0);
    let total = 0;
    for (let n: number; (n = readSync(fd, LINES_SCRATCH, 0, LINES_SCRATCH.length, null)) > 0; ) {
      total += n;
      if (total > MAX_OUTPUT_BYTES) throw new Error(`${showHidden(file)}: larger than an output may be`);
      const part = LINES_SCRATCH.subarray(0, n);
      // The line carried ends at this part's first line break: it alone is joined (no part is copied whole).
      let from = 0;
      if (carried.length) {
        const first = part.indexOf(NEWLINE);
        if (first < 0) {
          carried = Buffer.concat([carried, part]);
          continue;
        }
        lines.push(...usersListLines(Buffer.concat([carried, part.subarray(0, first + 1)]), marks, state));
        from = first + 1;
      }
      const end = Math.max(from, part.lastIndexOf(NEWLINE) + 1);
      lines.push(...usersListLines(part.subarray(from, end), marks, state));
      carried = Buffer.from(part.subarray(end)); // a copy: the buffer is read into again
    }
    lines.push(...usersListLines(carried, marks, state));
    return lines;
  } finally {
    closeSync(fd);
  }
}

/**
 * The RBAC of the files of orgctl's output folder `dir` that can answer `question`, or undefined
 * when the folder is not orgctl's output laid out as it writes it (then read everything).
 */
export function readForQuestion(
  dir: string,
  question: Question,
  readBytes: ReadBytes = readBytesInto,
  verdicts?: Verdicts,
): PartialRead | undefined {
  try {
    // Read whole (R101-1): a file list of one output and shards of another is no output's answer.
    return readFolderWhole(dir, (listing) => {
      const read = readLaidOut(dir, listing.files, question, readBytes, verdicts);
      return read && { ...read, listing };
    });
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
  verdicts: Verdicts | undefined,
): Omit<PartialRead, 'listing'> | undefined {
  const clusters = clusterFolders(files);
  if (!clusters || !isOrgctlOutput(dir, files)) return undefined;
  const parsed: string[] = [];
  const readFiles = new Map<string, Buffer>();
  const bytesOf = (path: string): Buffer => {
    const known = readFiles.get(path);
    if (known) return known;
    const bytes = readBytes(join(dir, path));
    readFiles.set(path, bytes);
    return bytes;
  };
  const fileDocs = new Map<string, readonly JudgedDocument[]>();
  const judgments = new Map<string, Judged | undefined>();
  /** The file's verdict when it was judged before and is unchanged since (asked once). */
  const judged = (path: string): Judged | undefined => {
    if (!verdicts) return undefined;
    if (!judgments.has(path)) judgments.set(path, verdicts.judged(path));
    return judgments.get(path);
  };
  /** The organization's layout, once read: what a file's facts are found under. */
  let layout: Layout | undefined;
  /**
   * The file's documents, or only those `wanted` keeps. Each file read is parsed whole, strictly,
   * once: what the strict reader refuses anywhere in it (below the head of a document not kept, too)
   * is refused as the full read refuses it, and Go refuses the whole file for it (R83-1). A file
   * judged before and unchanged since has its documents from the verdicts (cli/verdict-cache.ts).
   */
  const labelOf = (path: string) => outputLabel(dir, path);
  /** A file's bytes parsed whole, strictly, as the full read parses them. */
  const parseFile = (path: string, bytes: Buffer, label = labelOf(path)) =>
    parseOutput([{ path, content: decodeOutput(bytes, label), label }]);
  const docsOf = (path: string, wanted?: Keep): ManifestDoc[] => {
    let docs = fileDocs.get(path);
    if (!docs) {
      parsed.push(path);
      const label = labelOf(path);
      docs = judged(path)?.docs(label);
      if (!docs) {
        const bytes = bytesOf(path);
        const read = parseFile(path, bytes, label);
        verdicts?.accepted(path, bytes, read, () => layout && factsOf(path, bytes, read, layout));
        docs = read.map((d) => ({ head: headOf(d.object), doc: () => d }));
      }
      fileDocs.set(path, docs);
    }
    return (wanted ? docs.filter(wanted) : docs).map((d) => d.doc());
  };
  // The cluster shards' RBAC and the organization's settings; the membership lists only when needed.
  const clusterDocs = new Map(clusters.map((c) => [clusterShardFile(c), docsOf(clusterShardFile(c), notMembership)]));
  // A large organization's membership has shards of its own (members-NN, the same in every
  // cluster, the organization's ConfigMap first): the first cluster's are read when needed.
  const isMembersFile = (f: string) => isMembersShard(f.split('/')[1] ?? '');
  const membersFiles = files.filter((f) => f.startsWith(`${clusters[0]}/`) && isMembersFile(f));
  const settings = new Map(clusterDocs);
  if (![...settings.values()].flat().some(isOrganizationDoc) && membersFiles.length)
    settings.set(membersFiles[0]!, docsOf(membersFiles[0]!, notMembership));
  // The organization's settings only: its users' lists are not needed here (nor parsed). When its one
  // ConfigMap is of a file judged before, as read then (FileFacts' organization).
  const orgDocs = [...settings.values()].flat().filter(isOrganizationDoc);
  const orgFile = [...settings].find(([, docs]) => orgDocs.length === 1 && docs.includes(orgDocs[0]!))?.[0];
  const known = orgFile === undefined ? undefined : (judged(orgFile)?.facts as FileFacts | undefined)?.organization;
  const org = known ?? readMembership(orgDocs, dir).org;
  layout = org;
  const orgLayout = layoutKey(org);
  /** A judged file's facts, when found under this layout and clean (FileFacts). */
  const factsKnown = (path: string): FileFacts | undefined => {
    const facts = judged(path)?.facts as FileFacts | undefined;
    return facts?.layout === orgLayout && facts.clean ? facts : undefined;
  };
  const recorded = [...outputClusters(org)].sort();
  if (recorded.join('\n') !== clusters.join('\n')) return undefined;
  // The shard count names the file read: every shard file must be one of its shards (R35-4: a
  // count of 16 where synthesis wrote 32 leaves shard-16 and above unread, and web's among them).
  const outsideCount = (f: string) => {
    const shard = shardOfFile(f);
    return isHashPlaced(shard) && !isShardOfCount(shard, org.shards);
  };
  if (files.some(outsideCount)) return undefined;
  const ns = question.namespace;
  const shard = ns ? shardOfNamespace(ns, org.shards, org.systemNamespace) : CLUSTER_SHARD;
  const wanted = clusters
    .flatMap((c) => [clusterShardFile(c), shardFile(c, shard)])
    .filter((f, i, all) => files.includes(f) && all.indexOf(f) === i)
    .sort();
  // A document's head places it, parsed or not: one orgctl put elsewhere means the layout is not orgctl's.
  // Of a file judged clean under this layout, every document was found placed (factsOf).
  const placedHere = (path: string): ((head: DocumentHead) => boolean) => {
    if (factsKnown(path)) return () => true;
    const shard = shardOfFile(path);
    return (head: DocumentHead): boolean => {
      const placing = shardPlacing(head, org);
      return placing === undefined || placing === shard;
    };
  };
  /** Keeps nothing of a document, and throws for one placed elsewhere than `path`'s shard. */
  const onlyPlaced = (path: string): Keep => {
    const placed = placedHere(path);
    return ({ head }) => {
      if (!placed(head)) throw new NotAsPlaced();
      return false;
    };
  };
  // In the namespace's shard, only its own documents (and any of no namespace), and of its
  // RoleBindings only those that may name the subject (by its name, or a subject of another kind).
  const { subject } = question;
  const needle = subject && writtenForm(subject.name);
  const subjectBytes = needle === undefined ? undefined : Buffer.from(needle);
  // A ServiceAccount is also the User Kubernetes authenticates it as (appliesToUser matches a User
  // subject by that name): a binding naming that User may name it (red team R93-1).
  const subjectUser =
    subject?.kind === 'ServiceAccount' ? serviceAccountUser(subject.namespace, subject.name) : undefined;
  // Their names as JSON.stringify writes them, in a judged document's JSON (subjectsNamedOnly).
  const subjectJson = [subject?.name, subjectUser].flatMap((n) =>
    n === undefined ? [] : [Buffer.from(JSON.stringify(n))],
  );
  const mayNameSubject = (d: JudgedDocument): boolean => {
    if (subject === undefined) return true;
    if (d.holdsAny?.(subjectJson) === false) return false;
    const o = d.doc().object;
    return (
      !subjectsNamedOnly(o) ||
      o.subjects.some((s) => s.name === subject.name || (s.kind === 'User' && s.name === subjectUser))
    );
  };
  // The namespace's first RoleBinding is always read: whether it has any is an answer too (can-i warns when not).
  const aboutNamespace = (path: string): Keep => {
    const placed = placedHere(path);
    let bindingRead = false;
    return (d) => {
      const { head } = d;
      if (!placed(head)) throw new NotAsPlaced();
      const of = head.kind === 'Namespace' ? head.name : head.namespace;
      if (head.kind !== undefined && of !== undefined && of !== ns) return false;
      if (head.kind !== 'RoleBinding' || !bindingRead || mayNameSubject(d)) {
        bindingRead ||= head.kind === 'RoleBinding';
        return true;
      }
      return false;
    };
  };
  /**
   * Of a file searched for the subject: its Roles and the documents that may name it, but not those
   * `read` already (the namespace's own, when it is that namespace's shard).
   */
  const namingSubject = (path: string, read: Keep | undefined): Keep => {
    const placed = placedHere(path);
    return (d) => {
      if (!placed(d.head)) throw new NotAsPlaced();
      if (read?.(d)) return false;
      return d.head.kind === 'Role' || d.head.kind === undefined || mayNameSubject(d);
    };
  };
  const rbacOf = (path: string, only?: Keep): RbacSet | undefined => {
    const rbac = readRbac(clusterDocs.get(path) ?? docsOf(path, only));
    return placedAsOrgctlPlaces(path, rbac, org) && !rbac.problems.length ? rbac : undefined;
  };
  const sets: RbacSet[] = [];
  for (const path of wanted) {
    const rbac = rbacOf(path, ns ? aboutNamespace(path) : undefined);
    if (!rbac) return undefined;
    sets.push(rbac);
  }
  if (!sets.some((s) => s.bindings.length)) return undefined;
  // A namespace the organization declares has its Namespace object where the count places it:
  // none read means the count places it elsewhere (one larger than synthesis wrote, R35-4).
  if (org.namespaces.includes(ns) && !sets.some((s) => s.namespaces.includes(ns))) return undefined;
  // A copy of one of the namespace's objects in another file is applied there too (kubectl applies
  // an object wherever it is written; the full read refuses it): every other file whose bytes may
  // name the namespace is parsed, and one placed elsewhere leaves the answer to the full read (R89-3);
  // so is every file that may hold a ClusterRole (R96-3). A question about the cluster (no namespace)
  // is decided by ClusterRoleBindings alone, which orgctl never writes and the full read refuses anywhere.
  // Each such file's bytes are read once, into one reused buffer, each needle looked for once (a
  // backslash, which may spell any, too); they are kept only when parsed. Whether they may name
  // the subject (searched below) is kept instead: `namesNeither` and `mayNameIt`.
  const namesNeither = new Set<string>();
  const mayNameIt = new Set<string>();
  const scratch = { buffer: Buffer.alloc(0) };
  if (ns) {
    const lines = namespaceLines(ns);
    if (!lines) return undefined;
    const needles = lines.concat(CLUSTER_RBAC_LINES);
    const written = writtenForm(ns)!;
    for (const path of files) {
      if (path === MEMBERS_FILE || fileDocs.has(path)) continue;
      // A file judged clean whose facts hold none of the lines: whether it may name the subject is its facts' too (below).
      const facts = factsKnown(path);
      if (facts && !factsMayHold(facts, written)) continue;
      const bytes = readFiles.get(path) ?? readBytes(join(dir, path), scratch);
      if (mayHoldAny(bytes, needles)) {
        if (!readFiles.has(path)) readFiles.set(path, Buffer.copyBytesFrom(bytes));
        docsOf(path, onlyPlaced(path));
      } else if (subjectBytes && bytes.includes(subjectBytes) && !isMembersFile(path)) mayNameIt.add(path);
      else namesNeither.add(path);
    }
  }
  // Whether the subject is named anywhere (can-i warns when not): the first other file that names it.
  // A judged file's names (SubjectNames) are searched for its name's hash as JSON.stringify writes it.
  const subjectHash = subject && Buffer.from(JSON.stringify(nameHash(subject.name)));
  const searched: string[] = [];
  // The membership lists, the same in every cluster: the first cluster's.
  const memberLists = [clusterShardFile(clusters[0]!), ...membersFiles];
  // A user's lines in each list (their username field's bytes found, or an escape), each list searched once.
  const userLine = subject?.kind === 'User' ? usernameField(subject.name) : undefined;
  const marks = userLine ? [userLine, ESCAPE_MARK] : [DATED_ACCESS_MARK];
  const userLines = new Map<string, readonly string[]>();
  // A list not read already is read through one small buffer (usersListLinesOfFile), not whole.
  const linesOf = (f: string): readonly string[] => {
    let lines = userLines.get(f);
    if (!lines) {
      const read = readFiles.get(f);
      lines = read ? usersListLines(read, marks, { block: 'other' }) : usersListLinesOfFile(join(dir, f), marks);
      userLines.set(f, lines);
    }
    return lines;
  };
  // Looked for whatever the membership lists say of them: a binding forged for a deactivated or
  // unknown user is applied as any other, and the full read finds it (R89-2).
  if (subject && !sets.some((s) => names(s.bindings, subject))) {
    if (!subjectBytes) return undefined;
    for (const path of files) {
      // The cluster shards were read whole for RBAC; members-NN hold none.
      if (path === MEMBERS_FILE || clusterDocs.has(path) || isMembersFile(path)) continue;
      searched.push(path);
      // The namespace's own shard: its documents not read for the namespace now.
      const partlyRead = wanted.includes(path);
      if (namesNeither.has(path)) continue;
      // A file judged clean none of whose bindings names the subject's name: parsed, it would keep
      // none that names it (namesSubject), and its kept documents would keep the answer (clean).
      const facts = factsKnown(path);
      if (facts && !judged(path)!.moreMayHold(subjectHash!)) continue;
      const bytes = mayNameIt.has(path) ? undefined : (readFiles.get(path) ?? readBytes(join(dir, path), scratch));
      if (bytes && !mayHoldAny(bytes, [subjectBytes])) continue;
      const rbac = rbacOf(path, namingSubject(path, partlyRead ? aboutNamespace(path) : undefined));
      if (!rbac) return undefined;
      if (names(rbac.bindings, subject)) {
        sets.push(rbac);
        break;
      }
    }
  }
  // Of a question about one user, their line alone, found by their username's bytes (the lists
  // already read first; past some 20,000 people the users' lists reach members-01 and on); of a
  // question about no one, every line recording dated access, of every list; of another subject
  // (a token's ServiceAccount), none: dated access is a person's. No other line is decoded or parsed.
  const linesIn = (lists: readonly string[]) => lists.flatMap(linesOf);
  const inRead = subject && !userLine ? [] : linesIn(memberLists.filter((f) => fileDocs.has(f)));
  const whole = subject === undefined || (userLine !== undefined && !inRead.some((l) => l.includes(userLine)));
  const dated = datedAccessOfLines(
    [...inRead, ...(whole ? linesIn(memberLists.filter((f) => !fileDocs.has(f))) : [])].filter((l) =>
      l.includes(DATED_ACCESS_MARK),
    ),
    org.name,
  );
  // The files neither judged before nor parsed now are judged once this answer is read (verdicts.keep), for the next question.
  verdicts?.judgeLater(
    files
      .filter((path) => path !== MEMBERS_FILE && !fileDocs.has(path) && !judged(path))
      .map((path) => () => {
        try {
          const bytes = readBytesInto(join(dir, path));
          const docs = parseFile(path, bytes);
          return { path, bytes, docs, facts: () => factsOf(path, bytes, docs, org) };
        } catch {
          return undefined; // refused: judged again by the next question that reads it
        }
      }),
  );
  return { rbac: joinedRbac(sets), parsed, searched, dated };
}
