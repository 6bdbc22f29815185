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
 * orgctl places it, and anything the layout cannot bound (a file outside it, a shard file the
 * recorded count does not name, no membership, clusters other than those recorded, an object in
 * the wrong file, a malformed object) is answered by reading everything instead: undefined, never
 * a guess.
 *
 * A document of a file read is skipped unparsed only on what its bytes say for certain, to the
 * strict reader and to Kubernetes' alike: the file splits into documents where every YAML reader
 * splits it, holds nothing the strict reader refuses in any file (bytes that are not UTF-8, a raw
 * character orgctl never writes), and the fields the skip rests on (kind, name, namespace,
 * subjects) are written once, as orgctl writes them. Any other file is parsed whole and any other
 * document parsed, so that a document hidden from the partial read, or one Kubernetes reads as
 * another object than its head says (a list: an `items` key, R39-1), is refused as the full read
 * refuses it (red team R35-2). A document holding a line longer than the key Go's YAML reads
 * (over 1,024 characters) is parsed too: Go refuses the whole file for such a key, the documents
 * asked about with it (red team R77-3). What
 * is not checked: the rest of a skipped document, deeper than its head (an anchor in a label, a
 * key written twice in its rules). The full read refuses that output where the partial read
 * answers; the answer is still the cluster's, since Kubernetes reads that document as the object of
 * another namespace (or the ConfigMap, or the binding not naming the subject) that its head says.
 * Not so for YAML Go refuses below a head (a line indented deeper than its mapping's keys: "mapping
 * values are not allowed"): Go refuses the whole file, and the answer is of a file the cluster
 * does not apply (red team R77, left: a dist/ review's output-proof never merges).
 * Reading it would cost what the partial read saves (a strict parse of the files read: ~1.7x).
 */
import { isUtf8 } from 'node:buffer';
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
import { DATED_ACCESS_MARK, readMembership, type Membership } from '../analysis/membership.ts';
import { datedAccessOfLines, markedLines, type DatedAccess } from '../analysis/ended-access.ts';
import { MEMBERS_FILE, ORGANIZATION_CONFIGMAP } from '../model/membership.ts';
import { isAscii, jsonAsIs, showHidden } from '../model/text.ts';
import {
  CLUSTER_SHARD,
  isHashPlaced,
  isMembersShard,
  isOutputPath,
  isShardOfCount,
  outputClusters,
  shardFile,
  shardOf,
} from '../synth/render.ts';
import {
  blockLinesAsWritten,
  bytesHoldUnwrittenRaw,
  GO_KEY_MAX_CHARACTERS,
  LINE_AS_WRITTEN,
  MAY_OPEN_PAST_LINE,
  scalar,
  UNWRITTEN_RAW_UTF8_LEAD,
} from '../synth/yaml.ts';
import { decodeOutput, isOrgctlOutput, LIST_ITEMS_KEY, parseOutput } from './output-read.ts';
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
  /**
   * Whom it is about: whether any binding of the whole output names them is answered too.
   * Absent: about everyone (who-can), so every binding of the namespace is read.
   */
  readonly subject?: NamedSubject;
}

export interface PartialRead {
  readonly rbac: RbacSet;
  /** The files parsed (paths in the output folder), in the order read. */
  readonly parsed: readonly string[];
  /** Files only searched (bytes, not parsed) for the subject's name. */
  readonly searched: readonly string[];
  /**
   * The dated access the membership lists record: a user's line alone, found by their username's
   * bytes in the lists already read, else in the others; every list's dated lines when the question
   * names no subject; none for another subject (a ServiceAccount holds no dated access).
   */
  readonly dated: DatedAccess;
}

/** How a file's bytes are read: readFileSync, or a test's counting reader. */
export type ReadBytes = (file: string) => Buffer;

const SHARD_FILE = /^([^/]+)\/([^/]+)\/resources\.yaml$/;

/** The shard a file of the output is of ('' for a file of none: members.json, argocd/). */
const shardOfFile = (path: string): string => SHARD_FILE.exec(path)?.[2] ?? '';

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

/** What a document is, as its text says for certain without parsing it (splitDocuments); a field it does not is undefined. */
interface DocumentHead {
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
}

/** One document of a file: where it lies (its `---` line first, to the next one) and its head. */
interface SplitDocument {
  readonly start: number;
  readonly end: number;
  readonly head: DocumentHead;
}

/** How much of a document's metadata block is looked at for its name and namespace (orgctl writes a few lines). */
const HEAD_WINDOW = 4096;

/**
 * What is looked for in one pass over a file (its bytes as Latin-1) before any document's head is
 * trusted, each match one character: a byte that may begin a character orgctl never writes raw, a
 * quote or bracket (a scalar or collection Go may read on past its line), a `|` (a block scalar's
 * header, whose lines are then passed over whole), and the line break before a line at column 0 that is a document's `---`, its `kind:`,
 * `metadata:` or `items:` (a list to kubectl and Argo CD), or no plain key (letters, `:`, then a space or the line's end), list item or
 * indented line. (`test`, not `exec`: no match object for each of a few thousand.)
 */
const LOOKED_FOR = new RegExp(
  `${UNWRITTEN_RAW_UTF8_LEAD.source}|${MAY_OPEN_PAST_LINE.source}|\\||\\n(?=---\\n|kind:[ \\n]|metadata:[ \\n]|${LIST_ITEMS_KEY}:[ \\n]|(?![A-Za-z]+:[ \\n]|-[ \\n]| |$))`,
  'g',
);

/** Whether the line at `at` is `key` (with its `:`) and then a space or the line's end. */
const isKeyLine = (scan: string, at: number, key: string): boolean =>
  scan.startsWith(key, at) && (scan.charCodeAt(at + key.length) === 0x20 || scan.charCodeAt(at + key.length) === 0x0a);

/** In a metadata block (from the line break that ends `metadata:`): a line that is no plain key at two spaces, nor deeper. */
const NOT_PLAIN_IN_METADATA = /\n(?! {2}[A-Za-z]+:(?:[ \n]|$)| {3})/;

/** The next line at column 0. */
const COLUMN_0 = /\n(?! )/g;

/** Where a document's `kind:` and `metadata:` lines start (-1: none; TWICE), and whether every line at column 0 is plain. */
interface DocumentLines {
  readonly start: number;
  kind: number;
  metadata: number;
  plain: boolean;
}

const TWICE = -2;

/**
 * The documents of a file (its bytes as Latin-1) after orgctl's header, as every YAML reader splits
 * it, each with its head; undefined when one might split it elsewhere, or it holds a raw character
 * the strict reader refuses. A line beginning with `---` starts a document for Kubernetes'
 * YAMLReader (kubectl, Argo CD: `--- # comment`, `---` and a tab or a carriage return), `...` ends
 * one for YAML, and orgctl writes neither but the line `---` (red team R35-2: a RoleBinding behind
 * `--- # x`, in a document the partial read skipped). A head is read only from a document whose
 * lines at column 0 are plain keys and list items, `kind` and `metadata` once each: a key written
 * twice or another way (quoted, a tag, an anchor, a merge key) may be the one Go reads. Nor from one
 * with an `items` key: kubectl and Argo CD apply its items, not the object its head names (R39-1). Nor from
 * a document with a line holding a quote or bracket that is not a line as orgctl writes it
 * (LINE_AS_WRITTEN: each opens and closes on it): go-yaml reads a quoted scalar or flow collection
 * on over later lines whatever their indentation, so the lines a head is read from may be inside
 * one (red team R38-1: `  namespace: ns-22` in a double-quoted annotation). A `---` line still
 * ends it: Kubernetes' YAMLReader and the strict reader split there before reading any YAML.
 */
function splitDocuments(scan: string): SplitDocument[] | undefined {
  if (!scan.endsWith('\n')) return undefined;
  const docs: SplitDocument[] = [];
  const opened = (start: number): DocumentLines => ({ start, kind: -1, metadata: -1, plain: true });
  let doc = scan.startsWith('---\n') ? opened(0) : undefined;
  const close = (end: number) => {
    if (doc) docs.push({ start: doc.start, end, head: doc.plain ? headOf(scan, doc, end) : {} });
  };
  let rawLookedFor = false;
  // Where the line last matched against LINE_AS_WRITTEN ends: each line is matched once.
  let lineLookedAt = 0;
  LOOKED_FOR.lastIndex = 0;
  while (LOOKED_FOR.test(scan)) {
    const at = LOOKED_FOR.lastIndex - 1;
    const line = at + 1;
    const c = scan.charCodeAt(at);
    if (c === 0x22 || c === 0x27 || c === 0x5b || c === 0x7b) {
      // A quote or bracket in a document whose head may yet be read (the header is always parsed).
      if (!doc?.plain || at < lineLookedAt) continue;
      LINE_AS_WRITTEN.lastIndex = scan.lastIndexOf('\n', at) + 1;
      if (LINE_AS_WRITTEN.test(scan)) lineLookedAt = LINE_AS_WRITTEN.lastIndex;
      else doc.plain = false;
    } else if (c === 0x7c) {
      // `key: |` or `key: |-` ending a line as orgctl writes it: its block scalar's lines, whose
      // quotes Go reads as text (the membership lists' JSON), are passed over (a byte that may
      // begin a raw character ends them: looked at as any other line's).
      const lineEnd = at + (scan.charCodeAt(at + 1) === 0x2d ? 2 : 1);
      if (!doc?.plain || scan.charCodeAt(lineEnd) !== 0x0a || !scan.startsWith(': ', at - 2)) continue;
      const lineStart = scan.lastIndexOf('\n', at) + 1;
      LINE_AS_WRITTEN.lastIndex = lineStart;
      if (!LINE_AS_WRITTEN.test(scan) || LINE_AS_WRITTEN.lastIndex !== lineEnd + 1) continue;
      let key = lineStart;
      while (scan.charCodeAt(key) === 0x20) key++;
      if (scan.startsWith('- ', key)) key += 2;
      const lines = blockLinesAsWritten(key - lineStart);
      lines.lastIndex = lineEnd + 1;
      // The last of its lines' break is looked at: it begins the next line.
      if (lines.test(scan)) LOOKED_FOR.lastIndex = lines.lastIndex - 1;
    } else if (c !== 0x0a) {
      // Looked for once, exactly, when a byte may begin one: never, in a file of ASCII.
      if (!rawLookedFor && bytesHoldUnwrittenRaw(scan)) return undefined;
      rawLookedFor = true;
    } else if (scan.startsWith('---\n', line)) {
      close(line);
      doc = opened(line);
    } else if (isKeyLine(scan, line, 'kind:')) {
      if (doc) doc.kind = doc.kind === -1 ? line : TWICE;
    } else if (isKeyLine(scan, line, 'metadata:')) {
      if (doc) doc.metadata = doc.metadata === -1 ? line : TWICE;
    } else if (isKeyLine(scan, line, `${LIST_ITEMS_KEY}:`)) {
      // A list to kubectl and Argo CD, whatever its head says (R39-1): parsed, so refused.
      if (doc) doc.plain = false;
    } else if (scan.startsWith('---', line) || scan.startsWith('...', line)) return undefined;
    else if (doc) doc.plain = false;
  }
  close(scan.length);
  return docs.length ? docs : undefined;
}

/** `kind`, and `name` and `namespace` of its metadata block, of a document whose lines at column 0 are plain. */
function headOf(scan: string, doc: DocumentLines, end: number): DocumentHead {
  const kind = doc.kind < 0 ? undefined : valueOnLine(scan, doc.kind, 'kind', 0);
  if (doc.metadata < 0 || !scan.startsWith('metadata:\n', doc.metadata)) return { kind };
  // The block: from the line break ending `metadata:` to the one before the next line at column 0.
  const from = doc.metadata + 'metadata:'.length;
  COLUMN_0.lastIndex = from;
  const to = Math.min(COLUMN_0.test(scan) ? COLUMN_0.lastIndex - 1 : scan.length, end);
  if (to - from > HEAD_WINDOW) return { kind };
  // Searched in the block alone (at most HEAD_WINDOW characters, and blocks of documents do not
  // overlap): searched in the file from it, a key no later document holds was looked for to the
  // file's end, once per document (red team R38-2: quadratic in a shard's documents).
  const block = scan.slice(from, to);
  if (NOT_PLAIN_IN_METADATA.test(block)) return { kind };
  const field = (key: string) => {
    const at = block.indexOf(`\n  ${key}:`);
    // The only one: looked for again back from the block's end, as far as this one.
    return at < 0 || block.lastIndexOf(`\n  ${key}:`) !== at ? undefined : valueOnLine(scan, from + at + 1, key, 2);
  };
  return { kind, name: field('name'), namespace: field('namespace') };
}

/**
 * The value of `key` on the line at `at` (indented by `indent`), when it is all on that line (the
 * next is no deeper: no continuation) and written as orgctl's writer writes that value.
 */
function valueOnLine(scan: string, at: number, key: string, indent: number): string | undefined {
  const from = at + indent + key.length + 2;
  if (scan.charCodeAt(from - 1) !== 0x20) return undefined; // `key:` and the line's end: a block follows
  const lineEnd = scan.indexOf('\n', from);
  let next = lineEnd + 1;
  while (scan.charCodeAt(next) === 0x20) next++;
  return next - lineEnd - 1 > indent ? undefined : writtenValue(scan.slice(from, lineEnd));
}

/** A scalar's value (its UTF-8 bytes as Latin-1) when written as orgctl's writer writes that value (scalar); else undefined. */
function writtenValue(latin1: string): string | undefined {
  const written = isAscii(latin1) ? latin1 : Buffer.from(latin1, 'latin1').toString('utf8');
  let value: unknown = written;
  if (written.startsWith('"')) {
    try {
      value = JSON.parse(written);
    } catch {
      return undefined;
    }
  }
  return typeof value === 'string' && scalar(value) === written ? value : undefined;
}

/**
 * The file's text with only the documents `wanted` keeps (orgctl's header first), or undefined
 * when it keeps none. The bytes are looked through as Latin-1 (one character a byte, no decoding);
 * only what is kept is decoded. What the strict reader would refuse anywhere in the file (bytes
 * that are not UTF-8, a raw character orgctl never writes) or a reader might split otherwise
 * (splitDocuments) is decoded and parsed whole, so that it is refused as the full read refuses it.
 */
function documentsWhere(bytes: Buffer, label: string, wanted: Keep): string | undefined {
  const scan = bytes.toString('latin1');
  const docs = isUtf8(bytes) ? splitDocuments(scan) : undefined;
  if (!docs) return decodeOutput(bytes, label);
  const kept: Buffer[] = [bytes.subarray(0, docs[0]!.start)];
  // A document holding a line that may be a key past what Go's YAML reads is parsed, wanted or
  // not: Go refuses the whole file for it, and the documents wanted with it (R77-3).
  const long = longLines(scan, GO_KEY_MAX_CHARACTERS);
  let next = 0;
  for (const d of docs) {
    while (next < long.length && long[next]! < d.start) next++;
    const holdsLong = next < long.length && long[next]! < d.end;
    if (wanted(d.head, scan.slice(d.start, d.end)) || holdsLong) kept.push(bytes.subarray(d.start, d.end));
  }
  return kept.length > 1 ? decodeOutput(Buffer.concat(kept), label) : undefined;
}

/**
 * Where each line of more than `max` characters begins (in bytes as Latin-1: a line of more
 * characters has more bytes). From each line's start, the last line break within `max`
 * characters is looked for backwards: a file of short lines is passed over some `max` characters
 * a step (at size L, 0.04 ms for a namespace's shard and 0.15 ms for the cluster shard, against
 * 0.4 ms line by line and 4-8 ms by a regular expression).
 */
function longLines(scan: string, max: number): number[] {
  const long: number[] = [];
  let at = 0;
  while (at + max < scan.length) {
    const lastBreak = scan.lastIndexOf('\n', at + max);
    if (lastBreak >= at) at = lastBreak + 1;
    else {
      long.push(at);
      const end = scan.indexOf('\n', at + max);
      if (end < 0) break;
      at = end + 1;
    }
  }
  return long;
}

/** One line of a subject as orgctl writes it: its field, one space, a plain scalar (kind: User or ServiceAccount). */
const SUBJECT_LINE =
  /^(- | {2})(?:apiGroup: [A-Za-z0-9.-]+|kind: (?:User|ServiceAccount)|name: [A-Za-z0-9._:@/+-]+|namespace: [a-z0-9-]+)$/;

/**
 * Whether a document's subjects are written only in the plain form whose bytes are the names
 * themselves: no quoted scalar (a JSON escape spells `bob@acme.io` as `\u0062ob@acme.io`, and a
 * Group's kind may be written `"Group"`), no block scalar, and no Group. Only such a document may be
 * skipped for not holding the subject's bytes; any other is parsed (YAML reads all the same).
 */
function plainSubjects(doc: string): boolean {
  const at = doc.indexOf('\nsubjects:\n');
  // Its only `subjects` (a second, before it, may be the one Go reads).
  if (at < 0 || doc.indexOf('\nsubjects:') !== at) return false;
  const rest = doc.slice(at + '\nsubjects:\n'.length);
  // Every line to the document's end is one of a subject's fields as orgctl's writer writes it
  // (the last top-level key): a skipped document is never read, so nothing the strict reader would
  // refuse (two spaces, a tag, a comment) and Go would read as a Group may hide in it (red team L).
  // (A Group's line is none of them: only User and ServiceAccount are kinds orgctl writes.)
  const lines = rest.endsWith('\n') ? rest.slice(0, -1).split('\n') : rest.split('\n');
  return lines.every((l) => SUBJECT_LINE.test(l));
}

/** Which documents of a file to parse: from what they are and their text (its bytes as Latin-1). */
type Keep = (head: DocumentHead, doc: string) => boolean;

/** Everything but the membership lists: the organization's ConfigMap is kept, the others are not parsed. */
const notMembership = (head: DocumentHead): boolean =>
  head.kind !== 'ConfigMap' || head.name === undefined || head.name === ORGANIZATION_CONFIGMAP;

const isConfigMap = (head: DocumentHead): boolean => head.kind === 'ConfigMap' || head.kind === undefined;

/** A document found (by its head) where orgctl does not place it: the full read answers. */
class NotAsPlaced extends Error {}

/** Where orgctl's output is laid out: its shard count and system namespace (from the organization's ConfigMap). */
interface Layout {
  readonly shards: number;
  readonly systemNamespace: string;
}

/**
 * The shard orgctl places an object in, from its kind, name and namespace (a document's head, or an
 * object read): cluster-wide RBAC in the cluster shard, a Namespace and namespaced RBAC by the
 * namespace's name; undefined for what is placed by something else (a token's ServiceAccount and
 * Secret, placed by its id: they hold no RBAC) or cannot be told from what is known.
 */
function shardPlacing(o: DocumentHead, layout: Layout): string | undefined {
  const byName = (ns: string | undefined) =>
    ns === undefined ? undefined : shardOfNamespace(ns, layout.shards, layout.systemNamespace);
  switch (o.kind) {
    case 'ClusterRole':
    case 'ClusterRoleBinding':
      return CLUSTER_SHARD;
    case 'Namespace':
      return byName(o.name);
    case 'Role':
    case 'RoleBinding':
      return byName(o.namespace);
    default:
      return undefined;
  }
}

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

/** A users line's username field as JSON.stringify writes it: how the lists' bytes are searched for a person. */
const usernameField = (username: string): string => `"username":${JSON.stringify(username)}`;

/**
 * What the membership lists' bytes (`files`, and `lines`: theirs holding the user's username
 * field) say of `username` as a user, without parsing them: `active` when a line as orgctl writes it (one JSON object a line, `"username":"..."` as JSON.stringify
 * writes it) records them active; `absent` when the name's bytes stand nowhere in them, which
 * only a name of printable ASCII without a quote or backslash can tell (JSON and YAML write it
 * unescaped, and orgctl's YAML never folds a line); else `unknown`, and the lists are read whole
 * (mayBeBound), so a line written another way costs time, never an answer. At size L it spares
 * parsing 10,000 users' lines to ask about one.
 */
function userInLists(
  files: readonly Buffer[],
  lines: readonly string[],
  username: string,
): 'active' | 'absent' | 'unknown' {
  for (const text of lines) {
    try {
      const line = JSON.parse(text) as { readonly username?: unknown; readonly status?: unknown };
      if (line.username === username && line.status === 'active') return 'active';
    } catch {
      // Not a line of JSON: the whole read decides.
    }
  }
  if (jsonAsIs(username)) {
    const name = Buffer.from(username);
    if (files.every((bytes) => bytes.indexOf(name) < 0)) return 'absent';
  }
  return 'unknown';
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
  const readFiles = new Map<string, Buffer>();
  const bytesOf = (path: string): Buffer => {
    const known = readFiles.get(path);
    if (known) return known;
    const bytes = readBytes(join(dir, path));
    readFiles.set(path, bytes);
    return bytes;
  };
  /** The file's documents, or only those `wanted` keeps (the others are not parsed: a skipped document is not read). */
  const docsOf = (path: string, wanted?: Keep): ManifestDoc[] => {
    if (!parsed.includes(path)) parsed.push(path);
    const label = showHidden(join(dir, path)); // a file name may hold a line break (R30-1)
    const content = wanted ? documentsWhere(bytesOf(path), label, wanted) : decodeOutput(bytesOf(path), label);
    if (content === undefined) return [];
    return parseOutput([{ path, content, label }]);
  };
  // The cluster shards' RBAC and the organization's settings; the membership lists only when needed.
  const clusterDocs = new Map(clusters.map((c) => [clusterShardFile(c), docsOf(clusterShardFile(c), notMembership)]));
  // A large organization's membership has shards of its own (members-NN, the same in every
  // cluster, the organization's ConfigMap first): the first cluster's are read when needed.
  const isMembersFile = (f: string) => isMembersShard(f.split('/')[1] ?? '');
  const membersFiles = files.filter((f) => f.startsWith(`${clusters[0]}/`) && isMembersFile(f));
  const read = [...clusterDocs.values()].flat();
  if (!read.some(isOrganizationConfigMap) && membersFiles.length) read.push(...docsOf(membersFiles[0]!, notMembership));
  // The organization's settings only: its users' lists are not needed here (nor parsed).
  const { org } = readMembership(read.filter(isOrganizationConfigMap), dir);
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
  const placedHere = (path: string) => {
    const shard = shardOfFile(path);
    return (head: DocumentHead): boolean => {
      const placing = shardPlacing(head, org);
      return placing === undefined || placing === shard;
    };
  };
  // In the namespace's shard, only its own documents (and any not plainly of another namespace),
  // and of its RoleBindings only those that may name the subject (its name's bytes, or a Group).
  const { subject } = question;
  const needle = subject && writtenForm(subject.name);
  const subjectBytes = needle === undefined ? undefined : Buffer.from(needle);
  const subjectLatin1 = subjectBytes?.toString('latin1');
  const mayNameSubject = (doc: string): boolean =>
    subjectLatin1 === undefined || doc.includes(subjectLatin1) || !plainSubjects(doc);
  // The namespace's first RoleBinding is always read: whether it has any is an answer too (can-i warns when not).
  const aboutNamespace = (path: string): Keep => {
    const placed = placedHere(path);
    let bindingRead = false;
    return (head, doc) => {
      if (!placed(head)) throw new NotAsPlaced();
      const of = head.kind === 'Namespace' ? head.name : head.namespace;
      if (head.kind !== undefined && of !== undefined && of !== ns) return false;
      if (head.kind !== 'RoleBinding' || !bindingRead || mayNameSubject(doc)) {
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
    return (head, doc) => {
      if (!placed(head)) throw new NotAsPlaced();
      if (read?.(head, doc)) return false;
      return head.kind === 'Role' || head.kind === undefined || mayNameSubject(doc);
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
  // Whether the subject is named anywhere (can-i warns when not): the first other file that names it.
  const searched: string[] = [];
  // The membership lists, the same in every cluster: the first cluster's.
  const memberLists = [clusterShardFile(clusters[0]!), ...membersFiles];
  /** Whether a binding elsewhere may name the subject: their line found by its bytes, else the lists read. */
  // A user's lines in each list (their username field's bytes found), each list searched once.
  const userLine = subject?.kind === 'User' ? usernameField(subject.name) : undefined;
  const userLines = new Map<string, readonly string[]>();
  const linesOf = (f: string): readonly string[] => {
    let lines = userLines.get(f);
    if (!lines) userLines.set(f, (lines = [...markedLines(bytesOf(f), userLine)]));
    return lines;
  };
  const mayBeBoundElsewhere = (subject: NamedSubject): boolean => {
    const listed =
      subject.kind === 'User'
        ? userInLists(memberLists.map(bytesOf), memberLists.flatMap(linesOf), subject.name)
        : 'unknown';
    return (
      listed === 'active' ||
      (listed === 'unknown' &&
        mayBeBound(
          readMembership(
            memberLists.flatMap((f) => docsOf(f, isConfigMap)),
            dir,
          ),
          subject,
        ))
    );
  };
  if (subject && !sets.some((s) => names(s.bindings, subject)) && mayBeBoundElsewhere(subject)) {
    if (!subjectBytes) return undefined;
    for (const path of files) {
      // The cluster shards were read whole for RBAC; members-NN hold none.
      if (path === MEMBERS_FILE || clusterDocs.has(path) || isMembersFile(path)) continue;
      searched.push(path);
      // The namespace's own shard was read in part: the rest of it now.
      const partlyRead = readFiles.has(path);
      if ((readFiles.get(path) ?? readBytes(join(dir, path))).indexOf(subjectBytes) < 0) continue;
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
  const inRead = subject && !userLine ? [] : linesIn(memberLists.filter((f) => readFiles.has(f)));
  const whole = subject === undefined || (userLine !== undefined && !inRead.length);
  const dated = datedAccessOfLines(
    [...inRead, ...(whole ? linesIn(memberLists.filter((f) => !readFiles.has(f))) : [])].filter((l) =>
      l.includes(DATED_ACCESS_MARK),
    ),
    org.name,
  );
  return { rbac: concat(sets), parsed, searched, dated };
}
