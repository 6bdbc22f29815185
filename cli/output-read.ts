/**
 * orgctl's output folder read for a verdict: only the files it writes, only the YAML its writer
 * writes, only UTF-8. Kept apart from manifests.ts (manifests of any origin, and the full YAML
 * parser they need): the questions answered from a partial read (can-i) load only this.
 */
import { join } from 'node:path';
import { isObj, joinedRbac, readRbac, type ManifestDoc, type RbacSet } from '../analysis/objects.ts';
import { InputError } from '../model/errors.ts';
import { MEMBERS_FILE, ORGANIZATION_CONFIGMAP } from '../model/membership.ts';
import { readMembership } from '../analysis/membership.ts';
import type { OutputFileText } from '../review/proof.ts';
import { objectRefused } from '../policies/org/kubernetes-names.ts';
import { groupOf, isKind, WRITTEN_KINDS } from '../synth/kinds.ts';
import { ARGOCD_FOLDER, CLUSTER_SHARD, isOutputPath, OUTPUT_HEADER, shardOfNamespace } from '../synth/render.ts';
import { readCanonicalYaml, DocumentCache, type CanonicalDocuments, type FileDocuments } from '../synth/yaml.ts';
import { beginsWith, decodeOutput, type Listing, listFiles, readBytesInto, readFolderWhole } from './output.ts';
import { showHidden } from '../model/text.ts';

export { DocumentCache };

/** One file of orgctl's output folder, as read (path in the folder, content, how errors name it). */
export type OutputText = OutputFileText;

/** The files orgctl's output holds, as a person reads the layout. */
const OUTPUT_LAYOUT = `${MEMBERS_FILE}, argocd/*.yaml and <cluster>/<shard>/resources.yaml`;

/**
 * What to do with an output an older orgctl wrote in a layout this one does not read (one file per
 * namespace under cluster/ and namespaces/, before shards): its membership is in a file this one
 * never reads, so it cannot be compared or judged (red team R13-F8).
 */
export const OLDER_LAYOUT = `an older orgctl's layout, which this orgctl does not read (it writes ${OUTPUT_LAYOUT}): synthesize it again with this orgctl (check out its declaration, \`npx orgctl synth --out DIR\`) and give that folder`;

/** Whether a folder is orgctl's output (then only orgctl's own YAML is read from it), reading only headers. */
export function isOrgctlOutput(dir: string, files: readonly string[]): boolean {
  if (files.includes(MEMBERS_FILE)) return true;
  return files.some((f) => f.endsWith('.yaml') && beginsWith(join(dir, f), OUTPUT_HEADER));
}

/** The same question for files already read. */
export function holdsOrgctlOutput(files: readonly OutputText[]): boolean {
  return files.some((f) => f.path === MEMBERS_FILE || f.content.startsWith(OUTPUT_HEADER));
}

/** The documents of a text under orgctl's header, or why it is not orgctl's (`label:line: what`). */
export function readOrgctlYaml(
  text: string,
  label: string,
  cache?: { readonly documents: DocumentCache; readonly file: string },
): CanonicalDocuments | { error: string } {
  const read = readCanonicalYaml(text, cache);
  return 'error' in read ? { error: `${label}:${read.error.line}: ${read.error.found}: not YAML orgctl writes` } : read;
}

/**
 * The top-level key that makes kubectl and Argo CD read a document as a list, whatever its kind:
 * Argo CD's repo-server applies the items of any object whose `items` is an array (apimachinery's
 * Unstructured.IsList) and drops one whose `items` is null (isNullList); kubectl decodes any object
 * with `items` as an UnstructuredList. orgctl writes no such key (R39-1).
 */
export const LIST_ITEMS_KEY = 'items';

/**
 * Why kubectl and Argo CD read a document as a list, applying its items each as an object of its
 * own, or undefined: read as one object here, a RoleBinding among them would bind unseen (R38, R39-1).
 */
function readAsList(object: Record<string, unknown>): string | undefined {
  if (typeof object.kind === 'string' && object.kind.endsWith('List'))
    return `a ${showHidden(object.kind)}, whose items kubectl and Argo CD apply as objects of their own`;
  if (Object.hasOwn(object, LIST_ITEMS_KEY))
    return `a ${typeof object.kind === 'string' ? showHidden(object.kind) : 'document'} with \`${LIST_ITEMS_KEY}\`, which kubectl and Argo CD read as a list, applying its items (whatever its kind)`;
  return undefined;
}

/**
 * What an object's metadata lacks that orgctl always writes and Argo CD fills in otherwise (R39-2):
 * a name (one with `generateName` only, Argo CD creates anew, as a hook; readRbac leaves it out),
 * and for a kind orgctl writes in a namespace, the namespace (Argo CD applies one without it in its
 * Application's destination namespace, the system namespace; readRbac reads it in `default`).
 * A document without a kind (or an empty one) is no object at all: kubectl and Argo CD's repo-server
 * decode each document as apimachinery's Unstructured, which refuses it ("Object 'Kind' is
 * missing"), so the file's Application applies nothing, where readRbac skipped it (red team R96-1).
 */
function metadataNotWritten(object: Record<string, unknown>): string | undefined {
  if (typeof object.kind !== 'string' || !object.kind)
    return 'a document without a kind, which kubectl and Argo CD refuse with its whole file ("Object \'Kind\' is missing")';
  const meta = isObj(object.metadata) ? object.metadata : {};
  if (typeof meta.name !== 'string' || !meta.name)
    return `a ${showHidden(object.kind)} without metadata.name (Argo CD creates one of generateName anew; orgctl names every object)`;
  if (kindRead(object.apiVersion, object.kind).namespaced && (typeof meta.namespace !== 'string' || !meta.namespace))
    return `a ${showHidden(object.kind)} without metadata.namespace, which Argo CD applies in its Application's destination namespace (orgctl writes every namespaced object's)`;
  return undefined;
}

/**
 * Why a document of a cluster's file is no object that cluster accepts (red team R89-1), or
 * undefined: a kind orgctl does not write there, or not in the version it writes (v1), which the
 * API server may not know and the AppProject refuses; or an object the API server refuses (its
 * name, namespace, labels, size, rules, roleRef or subjects: objectRefused). Either stops the
 * file's whole Argo CD Application, so the cluster holds none of what the file says, revocations
 * included: no answer read from it is the cluster's.
 */
function notApplied(
  path: string,
  object: Record<string, unknown>,
  kind: string,
  unitsAtMost: number,
): string | undefined {
  if (path.startsWith(`${ARGOCD_FOLDER}/`)) return objectRefused(object, unitsAtMost);
  if (!kindRead(object.apiVersion, kind).applied)
    return `${showHidden(`${String(object.apiVersion)} ${kind}`)} is not a kind orgctl writes (${WRITTEN_KINDS.namespaced
      .concat(WRITTEN_KINDS.cluster)
      .map((k) => k.kind)
      .join(', ')}, each v1): the AppProject refuses it, and the API server may know no such kind`;
  const refused = objectRefused(object, unitsAtMost);
  // Said once: what labels and annotations break says so itself.
  return (
    refused && showHidden(refused.endsWith('API server refuses it') ? refused : `${refused}: the API server refuses it`)
  );
}

/**
 * Why a document of the file at `path` is refused, or undefined. First what makes it no object
 * orgctl writes (a list, no kind, no name or namespace: metadataNotWritten), then what its cluster
 * refuses (notApplied). The order lives here alone: notApplied is given the kind, which a document
 * reaching it always has (the typeof below only says so to TypeScript).
 */
function refusal(path: string, object: Record<string, unknown>, unitsAtMost: number): string | undefined {
  const unwritten = readAsList(object) ?? metadataNotWritten(object);
  if (unwritten) return `${unwritten}: not an object orgctl writes`;
  const refused = typeof object.kind === 'string' ? notApplied(path, object, object.kind, unitsAtMost) : undefined;
  return (
    refused &&
    `${objectShown(object)}: ${refused}, so Argo CD applies nothing of its Application; orgctl writes only what the server accepts`
  );
}

/**
 * Where an accepted document is first read in its cluster (FirstRead), as the cluster applies it:
 * by the kind's API group, the kind, the namespace (none for a kind orgctl writes cluster-wide, whose
 * namespace the API server ignores) and the name; undefined when this is its first reading, then
 * kept at `at`. Only of a document refusal() accepted, which has a kind and a name, both strings.
 */
function firstReadOf(
  inCluster: FirstRead,
  object: Record<string, unknown>,
  head: DocumentHead,
  at: number,
): number | undefined {
  const { group, cluster } = kindRead(object.apiVersion, head.kind!);
  const meta = object.metadata as Record<string, unknown>;
  return inCluster.firstOrAt(group, head.kind!, cluster ? '' : String(meta.namespace ?? ''), head.name!, at);
}

/** What the reader's checks ask of a document's apiVersion and kind (a string's). */
interface KindRead {
  /** The API group (groupOf), '' for an apiVersion that is no string. */
  readonly group: string;
  /** A kind orgctl writes cluster-wide, or in a namespace (WRITTEN_KINDS), in any version. */
  readonly cluster: boolean;
  readonly namespaced: boolean;
  /** Written, and in the version orgctl writes (v1). */
  readonly applied: boolean;
}

function readKind(apiVersion: unknown, kind: string): KindRead {
  const group = typeof apiVersion === 'string' ? groupOf(apiVersion) : '';
  const cluster = isKind(WRITTEN_KINDS.cluster, group, kind);
  const inNamespace = isKind(WRITTEN_KINDS.namespaced, group, kind);
  // isWrittenNamespaced: only of a string's group.
  const namespaced = typeof apiVersion === 'string' && inNamespace;
  const applied = (cluster || inNamespace) && apiVersion === (group ? `${group}/v1` : 'v1');
  return { group, cluster, namespaced, applied };
}

/**
 * KindRead by apiVersion and kind, found once per pair: every document repeats one of a few (the
 * reader's own strings), and three checks ask each. Bounded: a text of many made-up kinds is read
 * without keeping them.
 */
const KIND_READS = new Map<string, Map<string, KindRead>>();
const KIND_READS_MAX = 256;
let kindReads = 0;

function kindRead(apiVersion: unknown, kind: string): KindRead {
  if (typeof apiVersion !== 'string') return readKind(apiVersion, kind);
  let byKind = KIND_READS.get(apiVersion);
  let read = byKind?.get(kind);
  if (read === undefined) {
    read = readKind(apiVersion, kind);
    if (kindReads < KIND_READS_MAX) {
      if (!byKind) KIND_READS.set(apiVersion, (byKind = new Map()));
      byKind.set(kind, read);
      kindReads++;
    }
  }
  return read;
}

/**
 * Where each object of one cluster was first read, by firstReadOf's parts, one Map a part: two
 * objects share a place only when every part is equal, and no key is written per object (a JSON key
 * each was most of its cost).
 */
class FirstRead {
  private readonly places = new Map<string, Map<string, Map<string, Map<string, number>>>>();

  /**
   * Where the object was first read (the number `at` was given with it), or undefined when this is
   * its first reading, which is then kept at `at`: one walk of the Maps for both (24,000 objects at
   * size L, each read once).
   */
  firstOrAt(group: string, kind: string, namespace: string, name: string, at: number): number | undefined {
    const byName = mapAt(mapAt(mapAt(this.places, group), kind), namespace);
    const first = byName.get(name);
    if (first === undefined) byName.set(name, at);
    return first;
  }
}

/** The Map `m` holds under `k`, made empty when it holds none (no closure made per object set). */
function mapAt<V>(m: Map<string, Map<string, V>>, k: string): Map<string, V> {
  let v = m.get(k);
  if (v === undefined) m.set(k, (v = new Map<string, V>()));
  return v;
}

/**
 * How a message names an object: its kind, namespace and name. Only of objects with a kind and a
 * name (metadataNotWritten refuses the others first), so their head holds all three as written.
 */
const objectShown = (object: Record<string, unknown>): string => headShown(headOf(object));

/** objectShown of a head. */
const headShown = ({ kind, name, namespace }: DocumentHead): string =>
  showHidden(`${String(kind)} ${namespace ? `${namespace}/` : ''}${String(name)}`);

/** What a document is: its kind, name and namespace, each where it is a string. */
export interface DocumentHead {
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
}

/** Where orgctl's output is laid out: its shard count and system namespace (from the organization's ConfigMap). */
export interface Layout {
  readonly shards: number;
  readonly systemNamespace: string;
}

/**
 * The shard orgctl places an object in, from its kind, name and namespace (a document's head, or an
 * object read): cluster-wide RBAC in the cluster shard, a Namespace and namespaced RBAC by the
 * namespace's name (`namespaceShard`: the layout's shardOfNamespace, or one that keeps its answers);
 * undefined for what is placed by something else (a token's ServiceAccount and Secret, placed by its
 * id: they hold no RBAC) or cannot be told from what is known.
 */
export function shardPlacing(
  o: DocumentHead,
  layout: Layout,
  namespaceShard = (ns: string): string => shardOfNamespace(ns, layout.shards, layout.systemNamespace),
): string | undefined {
  const byName = (ns: string | undefined) => (ns === undefined ? undefined : namespaceShard(ns));
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

export const SHARD_FILE = /^([^/]+)\/([^/]+)\/resources\.yaml$/;

/** The shard a file of the output is of ('' for a file of none: members.json, argocd/). */
export const shardOfFile = (path: string): string => SHARD_FILE.exec(path)?.[2] ?? '';

/** A parsed document's head: its kind, name and namespace, each where it is a string. */
export function headOf(object: unknown): DocumentHead {
  if (!isObj(object)) return {};
  const meta = isObj(object.metadata) ? object.metadata : {};
  return { kind: stringOr(object.kind), name: stringOr(meta.name), namespace: stringOr(meta.namespace) };
}

const stringOr = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Whether an object is a ConfigMap named as the organization's (its kind asked first: few documents are ConfigMaps). */
export const isOrganizationConfigMap = (object: unknown): boolean =>
  isObj(object) && object.kind === 'ConfigMap' && isOrganizationHead(headOf(object));

/** isOrganizationConfigMap of a document's head, already read. */
const isOrganizationHead = ({ kind, name }: DocumentHead): boolean =>
  kind === 'ConfigMap' && name === ORGANIZATION_CONFIGMAP;

/**
 * Each document placed elsewhere than orgctl places it (red team R89-3), as `file#index: what`:
 * kubectl applies an object wherever it is written (a RoleBinding of web in data's shard binds in
 * web), while a question about one namespace reads only that namespace's shard (can-i, who-can).
 * orgctl places each by its namespace's name (shardPlacing); the layout is the organization
 * ConfigMap's, so an output read without it (one file, as the partial read parses it) is not judged here.
 */
function misplaced(orgs: readonly ManifestDoc[], placed: Placed): string[] {
  // The organization ConfigMap readMembership accepts (its system namespace's), or its error (none
  // there, several): not the first in file order, which may be anyone's decoy (R124-2).
  if (!orgs.length) return [];
  // Its organization is read once per object (membership.ts' organizationOf): a diff's head takes
  // base's ConfigMap object when its text is unchanged (DocumentCache).
  const layout: Layout = readMembership(orgs, orgs[0]!.file).org;
  // Each file's shard and each namespace's found once: 24,000 documents at size L are in 34 files
  // and 2,000 namespaces.
  const shards = new Map<string, string>();
  const namespaceShards = new Map<string, string>();
  const namespaceShard = (ns: string): string => {
    let shard = namespaceShards.get(ns);
    if (shard === undefined)
      namespaceShards.set(ns, (shard = shardOfNamespace(ns, layout.shards, layout.systemNamespace)));
    return shard;
  };
  const found: string[] = [];
  for (let d = 0; d < placed.index.length; d++) {
    const head = { kind: placed.kind[d], name: placed.name[d], namespace: placed.namespace[d] };
    const placing = shardPlacing(head, layout, namespaceShard);
    if (placing === undefined) continue;
    const f = placed.files[placed.file[d]!]!;
    let shard = shards.get(f.path);
    if (shard === undefined) shards.set(f.path, (shard = shardOfFile(f.path)));
    if (shard && placing !== shard)
      found.push(
        `${f.label}#${placed.index[d]}: ${headShown(head)} is in ${shard}, where orgctl writes none of it: it places it in ${placing} (kubectl applies it wherever it is written, and a question about its namespace reads only that shard)`,
      );
  }
  return found;
}

/**
 * What misplaced() asks of each document accepted: its file, its place in it and its head, not its
 * object: a reader of the RBAC alone lets each file's objects go once it has read them
 * (readRbacIfOrgctlOutput). In lists by document (their strings the objects' own), not an object each.
 */
class Placed {
  /** Each file's path and label (not its text, which would outlive the file). */
  readonly files: Pick<OutputText, 'path' | 'label'>[] = [];
  readonly file: number[] = [];
  readonly index: number[] = [];
  readonly kind: (string | undefined)[] = [];
  readonly name: (string | undefined)[] = [];
  readonly namespace: (string | undefined)[] = [];

  /** Adds a document at row `index.length` (by which FirstRead keeps where it was read). */
  add(file: number, index: number, { kind, name, namespace }: DocumentHead): void {
    this.file.push(file);
    this.index.push(index);
    this.kind.push(kind);
    this.name.push(name);
    this.namespace.push(namespace);
  }

  /** `file#index` of the document at row `at`, as a message names it. */
  at(at: number): string {
    return `${this.files[this.file[at]!]!.label}#${this.index[at]}`;
  }
}

/**
 * Which documents of a file's first reading refusal() accepted, by their place there, with the
 * path they were read at: refusal is a function of that path and the object alone, and a later
 * reading of the same file (a diff's head) takes the first reading's own object for a document
 * whose text is unchanged (DocumentCache, which says where each was taken from), so that object's
 * verdict is the one already given. By reading, not by object: a WeakMap entry per object was
 * 24,000 identity hashes and insertions at size L, for a verdict a place in an array holds.
 */
const ACCEPTED = new WeakMap<FileDocuments, { readonly path: string; readonly accepted: Uint8Array }>();

/**
 * For the reading of `path` just made with `cache` (undefined: a reading without one), of `count`
 * documents: `before[i]` is 1 when its document `i` was accepted in the file's first reading; `own`
 * is where its verdicts are kept (1 for accepted), the first reading's own when this is it. Both are
 * always arrays of `count`, zeros where nothing was judged before, so that every file of every side
 * takes the same path through judgeOutput's loop: a path first met on a later side (a diff's head)
 * threw its optimized code away, and TurboFan compiled it again (r194b).
 */
function verdictsOf(cache: DocumentCache | undefined, path: string, count: number): Verdicts {
  const verdicts = new Verdicts(count);
  const { before, own } = verdicts;
  const readings = cache?.readings(path) ?? [];
  const first = readings[0];
  if (!first) return verdicts;
  if (readings.length === 1) {
    ACCEPTED.set(first, { path, accepted: own });
    return verdicts;
  }
  const judged = ACCEPTED.get(first);
  if (judged?.path !== path) return verdicts;
  const { accepted } = judged;
  const latest = readings[readings.length - 1]!;
  // Taken whole (the first reading's very text): each document at its own place.
  if (latest === first) before.set(accepted.subarray(0, count));
  else if (latest.from) {
    const from = latest.from;
    for (let i = 0; i < count; i++) {
      const at = from[i]!;
      if (at >= 0 && accepted[at] === 1) before[i] = 1;
    }
  }
  return verdicts;
}

/** A reading's verdicts (verdictsOf): one class, so that every reading's has one shape. */
class Verdicts {
  readonly before: Uint8Array;
  readonly own: Uint8Array;
  constructor(count: number) {
    this.before = new Uint8Array(count);
    this.own = new Uint8Array(count);
  }
}

/**
 * orgctl's output read for a verdict: only the layout it writes and only the YAML its writer writes.
 * Anything else (a file elsewhere, an anchor, an alias, a merge key, a tag, a duplicate key, a
 * directive, JSON where YAML belongs, an object written twice) is an InputError naming file, line
 * and what was found: a document another parser reads differently is a way to show the review one
 * thing and apply another.
 */
export function parseOutput(files: readonly OutputText[], cache?: DocumentCache): ManifestDoc[] {
  const kept = new KeptDocuments();
  judgeOutput(files, cache, kept);
  return kept.docs;
}

/**
 * What judgeOutput hands each file's accepted documents to. An object of a class, not a closure:
 * each reading made a closure of its own, and TurboFan's code for judgeOutput, made for the first
 * side's, was thrown away at the second's ("wrong call target") and compiled again (r194b).
 */
interface TakesAccepted {
  take(accepted: readonly ManifestDoc[]): void;
}

/** Every accepted document, in the order read (parseOutput). */
class KeptDocuments implements TakesAccepted {
  readonly docs: ManifestDoc[] = [];
  take(accepted: readonly ManifestDoc[]): void {
    for (const d of accepted) this.docs.push(d);
  }
}

/** Each file's accepted documents read into RBAC, a set a file (readRbacIfOrgctlOutput). */
class RbacOfFiles implements TakesAccepted {
  readonly parts: RbacSet[] = [];
  take(accepted: readonly ManifestDoc[]): void {
    this.parts.push(readRbac(accepted));
  }
}

/**
 * parseOutput's reading and judging, each file's documents accepted handed to `taker.take` as soon as
 * the file is judged, before the next is parsed: what it keeps of them is all that outlives the
 * file (at size L, the parsed objects of 24,000 documents otherwise live until the last file is
 * read, each copied by the young generation's collector). What is judged across files (an object
 * written twice, one placed elsewhere) is judged after the last, and any refusal is thrown then, as
 * parseOutput throws it: what `taker` made of the files is then to be dropped.
 */
function judgeOutput(files: Iterable<OutputText>, cache: DocumentCache | undefined, taker: TakesAccepted): void {
  const errors: string[] = [];
  const orgs: ManifestDoc[] = [];
  const placed = new Placed();
  // Where each object was first read: kubectl applies every copy in turn and Argo CD keeps the last
  // (gitops-engine's DeduplicateTargetObjects), so a cluster holds one copy, never the union the
  // evaluator would read from both (red team R83-2). orgctl writes each object once.
  const firstAt = new Map<string, FirstRead>();
  let older = false;
  // A git tree may list a path twice (fsck's duplicateEntries): git checks out the last entry only,
  // and what pairs a side's files with another's by path would read one of them for both (R133-1).
  const paths = new Set<string>();
  for (const f of files) {
    if (paths.has(f.path)) {
      errors.push(
        `${f.label}: listed twice in its folder (git checks out only the last copy); orgctl writes each file once`,
      );
      continue;
    }
    paths.add(f.path);
    if (!isOutputPath(f.path)) {
      // Under orgctl's header: a file of a layout an older orgctl wrote (cluster/, namespaces/).
      older ||= f.content.startsWith(OUTPUT_HEADER);
      errors.push(`${f.label}: not a file orgctl writes (its output holds ${OUTPUT_LAYOUT} only)`);
      continue;
    }
    if (f.path === MEMBERS_FILE) continue; // the same data as the membership ConfigMaps; the review proves it equal
    if (!f.content.startsWith(OUTPUT_HEADER)) {
      errors.push(`${f.label}:1: does not begin with orgctl's header (${JSON.stringify(OUTPUT_HEADER)})`);
      continue;
    }
    const read = readOrgctlYaml(f.content, f.label, cache && { documents: cache, file: f.path });
    if ('error' in read) {
      errors.push(read.error);
      continue;
    }
    // The cluster a file is applied to: its first folder.
    const cluster = f.path.split('/')[0]!;
    let inCluster = firstAt.get(cluster);
    if (!inCluster) firstAt.set(cluster, (inCluster = new FirstRead()));
    const docs: ManifestDoc[] = [];
    const fileNumber = placed.files.push({ path: f.path, label: f.label }) - 1;
    // Only a reading with a cache meets objects read before (a single reading makes every one anew).
    const { before, own } = verdictsOf(cache, f.path, read.documents.length);
    const units = read.unitsAtMost;
    const documents = read.documents;
    for (let index = 0; index < documents.length; index++) {
      const object = documents[index]!;
      const refused = before[index] === 1 ? undefined : refusal(f.path, object, units[index]!);
      if (refused === undefined) own[index] = 1;
      if (refused) {
        errors.push(`${f.label}#${index}: ${refused}`);
        continue;
      }
      // Accepted: a mapping with a kind and a name (metadataNotWritten), its head read once here.
      const head = headOf(object);
      // Kept where it would be added (its row in placed), made into `file#index` only for a message.
      const first = firstReadOf(inCluster, object, head, placed.index.length);
      if (first !== undefined)
        errors.push(
          `${f.label}#${index}: ${headShown(head)} written twice (first at ${placed.at(first)}): kubectl and Argo CD apply only the last copy; orgctl writes each object once`,
        );
      else {
        const doc = { file: f.label, index, object };
        docs.push(doc);
        if (isOrganizationHead(head)) orgs.push(doc);
        placed.add(fileNumber, index, head);
      }
    }
    taker.take(docs);
  }
  if (!errors.length) errors.push(...misplaced(orgs, placed));
  if (errors.length) {
    const shown = errors.slice(0, 20);
    throw new InputError(
      `${errors.length === 1 ? 'a file' : `${errors.length} files`} of orgctl's output cannot be trusted:\n  ${shown.join('\n  ')}${errors.length > shown.length ? `\n  ...and ${errors.length - shown.length} more` : ''}\n${older ? `Files under orgctl's header where it writes none: ${OLDER_LAYOUT}` : 'Only what orgctl synthesizes is read: run `npm run synth` and commit dist/ as written.'}`,
    );
  }
}

/**
 * What orgctl's reader calls the file `path` of the output folder `dir` (its documents' `from.file`):
 * as a message shows it, a file name may hold a line break (R30-1).
 */
export const outputLabel = (dir: string, path: string): string => showHidden(join(dir, path));

/** Every file of an output folder as text. */
export function readOutputFolder(dir: string, relative: readonly string[] = listFiles(dir)): OutputText[] {
  return [...outputTexts(dir, relative)];
}

/**
 * The buffer every output folder's files are read through, one after another (each decoded before
 * the next is read), kept for the process: a diff's head, read into base's, faults in none of its
 * pages again (about 1,200 pages a side at size L, 11.8 µs each on this VM; readAtMost replaces it
 * with a larger one when a file needs it).
 */
const READ_THROUGH = { buffer: Buffer.allocUnsafe(1 << 20) };

/** readOutputFolder's files one at a time, each read when asked for (through READ_THROUGH). */
function* outputTexts(dir: string, relative: readonly string[]): Generator<OutputText> {
  for (const path of relative) {
    const label = outputLabel(dir, path);
    yield { path, content: decodeOutput(readBytesInto(join(dir, path), READ_THROUGH), label), label };
  }
}

/**
 * `path` read as orgctl's output, strictly, when it is a folder that holds orgctl's output;
 * undefined for anything else (then it is manifests of any origin, which need the full YAML parser
 * this module never loads).
 */
export function readIfOrgctlOutput(path: string): (OrgctlOutputRead & { readonly listing: Listing }) | undefined {
  return readFolderWhole(path, (listing) => {
    const read = readIfOrgctlFolder(path, listing.files);
    return read && { ...read, listing };
  });
}

type OrgctlOutputRead = { readonly docs: ManifestDoc[]; readonly files: OutputText[] };

/**
 * The RBAC of `path` when it is a folder that holds orgctl's output, read as readIfOrgctlOutput
 * reads it, refusing all it refuses; undefined for anything else. Each file's documents are read
 * into RBAC as soon as the file is judged (judgeOutput), so that no file's parsed objects outlive
 * it: for who needs the RBAC alone (access), not the documents. `listing`: the folder as this read
 * listed it (what its clusters are of).
 */
export function readRbacIfOrgctlOutput(
  path: string,
): { readonly rbac: RbacSet; readonly listing: Listing } | undefined {
  return readFolderWhole(path, (listing) => {
    const { files } = listing;
    if (!isOrgctlOutput(path, files)) return undefined;
    const rbac = new RbacOfFiles();
    judgeOutput(outputTexts(path, files), undefined, rbac);
    return { rbac: joinedRbac(rbac.parts), listing };
  });
}

/** A folder already listed (`files`, relative), read as orgctl's output when it is one. */
export function readIfOrgctlFolder(dir: string, files: readonly string[]): OrgctlOutputRead | undefined {
  if (!isOrgctlOutput(dir, files)) return undefined;
  const read = readOutputFolder(dir, files);
  return { docs: parseOutput(read), files: read };
}
