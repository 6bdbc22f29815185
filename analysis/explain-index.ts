/**
 * The explain index: what `explain USER -n NS` reads of a checked organization, as texts written
 * once (cli/explain-cache.ts keeps them), so that a question about one namespace reads only what
 * answers it:
 * - the head: the organization's settings and roles, the people every namespace's access names
 *   (admins, Add All), the names of the namespaces it declares, the cluster-wide objects, and
 *   where each part below is;
 * - a part per namespace: the namespace as declared, its grants, the tokens holding access in it,
 *   and the roles and bindings orgctl renders in it (as synthesis places them), a line per grant
 *   and per object, so that a question reads only the lines that can be about its subject;
 * - users, invites and tokens in buckets by a hash of their key (a user's or invite's lower-cased
 *   email, a token's id): the one a question is about is in one small part.
 * All are JSON in UTF-8; the head gives each part's position in bytes, so a part is read alone.
 */
import type { Manifest } from '../synth/manifest.ts';
import {
  freezeModel,
  sortBy,
  type GrantModel,
  type InviteModel,
  type NamespaceModel,
  type OrgModel,
  type TokenModel,
  type UserModel,
  tokenIdsOfAccount,
} from '../model/model.ts';
import { NEWLINE } from '../model/text.ts';
import { isRbacObject } from './objects.ts';
import { serviceAccountOf } from './authorizer.ts';

/** The texts' format: texts of another format are not read. */
export const EXPLAIN_INDEX_FORMAT = 3;

/** The index's texts, made one part at a time (an organization of 500,000 grants makes hundreds of MB). */
export interface ExplainIndexParts {
  /** Each namespace's part, in order, as JSON. */
  readonly namespaces: Iterable<string>;
  /** Each bucket, in order, as JSON. */
  readonly buckets: Iterable<string>;
  /** The head, once the parts are written: where each begins (and the last ends), in bytes of UTF-8. */
  head(namespaceParts: readonly number[], buckets: readonly number[]): string;
}

/** What is known of one namespace. */
interface NamespacePart {
  /** Absent for a namespace orgctl renders in without its being declared (the system namespace). */
  readonly namespace?: NamespaceModel;
  readonly grants: readonly GrantModel[];
  /** Tokens holding levels or custom RBAC there. */
  readonly tokens: readonly TokenModel[];
  readonly objects: readonly Manifest[];
}

/**
 * A namespace's part as written: its first line the JSON of what is not listed by line (the
 * namespace, its tokens), then a line per grant and per object, in order, each a letter and JSON.
 * JSON holds no raw line break, so a line is one value.
 */
type PartHead = Pick<NamespacePart, 'namespace' | 'tokens'>;
const GRANT_LINE = 'g';
const BINDING_LINE = 'b';
/** Any object but a RoleBinding (Roles: a namespace has few). */
const OBJECT_LINE = 'o';

function partText(part: NamespacePart): string {
  const head: PartHead = { ...(part.namespace ? { namespace: part.namespace } : {}), tokens: part.tokens };
  return [
    JSON.stringify(head),
    ...part.grants.map((g) => GRANT_LINE + JSON.stringify(g)),
    ...part.objects.map((o) => (o.kind === 'RoleBinding' ? BINDING_LINE : OBJECT_LINE) + JSON.stringify(o)),
  ].join('\n');
}

/**
 * The part as far as a question about a subject needs it: every line naming it (a line holding
 * `needles[i]`, the UTF-8 of a piece of JSON text), each object but RoleBindings, and, when none
 * of the RoleBindings kept is one, the shortest RoleBinding whoever it binds. The authorizer and
 * explain read only the subject's grants and the bindings that can name it (any more they are
 * given changes nothing); a binding kept keeps what the warnings ask of a namespace, whether
 * anything is bound in it. At size L, namespace ns-0's part is 1.29 MB of JSON, of which a
 * question about one person needs a few lines: the part is searched as bytes, not decoded, each
 * line kept decoded alone, and the binding kept for the namespace is its shortest (ns-0's first
 * binds 3,000 people in 181 KB, each indexed by the authorizer; its shortest a few).
 */
function partFor(bytes: Uint8Array, needles: readonly Uint8Array[]): NamespacePart {
  const part = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lineEnd = (from: number) => {
    const end = part.indexOf(NEWLINE, from);
    return end < 0 ? part.length : end;
  };
  const headEnd = lineEnd(0);
  const head = JSON.parse(part.toString('utf8', 0, headEnd)) as PartHead;
  // Each kept line's start: JSON holds no raw line break, so a line break then a letter starts a
  // line of that kind, and a needle found is in one line (searched again past its end).
  const kept = new Set<number>();
  for (const needle of needles)
    for (let at = part.indexOf(needle, headEnd); at >= 0; at = part.indexOf(needle, lineEnd(at) + 1))
      kept.add(part.lastIndexOf(NEWLINE, at) + 1);
  const starts = (kind: string) => {
    const found: number[] = [];
    const marker = Buffer.from(`\n${kind}`);
    for (let at = part.indexOf(marker, headEnd); at >= 0; at = part.indexOf(marker, at + 1)) found.push(at + 1);
    return found;
  };
  for (const at of starts(OBJECT_LINE)) kept.add(at);
  const bindings = starts(BINDING_LINE);
  if (!bindings.some((at) => kept.has(at))) {
    let shortest: number | undefined;
    for (const at of bindings)
      if (shortest === undefined || lineEnd(at) - at < lineEnd(shortest) - shortest) shortest = at;
    if (shortest !== undefined) kept.add(shortest);
  }
  const grants: GrantModel[] = [];
  const objects: Manifest[] = [];
  for (const at of [...kept].sort((a, b) => a - b)) {
    const value = JSON.parse(part.toString('utf8', at + 1, lineEnd(at)));
    if (part[at] === GRANT_CODE) grants.push(value as GrantModel);
    else objects.push(value as Manifest);
  }
  return { ...head, grants, objects };
}

const GRANT_CODE = GRANT_LINE.charCodeAt(0);

interface Bucket {
  readonly users: readonly UserModel[];
  readonly invites: readonly InviteModel[];
  readonly tokens: readonly TokenModel[];
}

type Lists = 'users' | 'namespaces' | 'grants' | 'tokens' | 'invites';

/**
 * Where the parts of a text are: part i is [at[i], at[i + 1]). Flat numbers, not pairs: the head is
 * read once per question, before V8 optimizes anything, and destructuring thousands of pairs there
 * costs milliseconds.
 */
type Offsets = readonly number[];

interface Head {
  readonly format: number;
  /** The model without its lists... */
  readonly model: Omit<OrgModel, Lists>;
  /** ...but for the people every namespace's access names (admins, Add All). */
  readonly everywhere: readonly UserModel[];
  /** Roles and bindings of no namespace (ClusterRoles). */
  readonly clusterObjects: readonly Manifest[];
  /** The namespaces the organization declares, in its order (NamespaceView's `declared`). */
  readonly declared: readonly string[];
  /** The namespaces with a part, in order, and where each part is. */
  readonly namespaces: readonly string[];
  readonly namespaceParts: Offsets;
  readonly buckets: Offsets;
}

const everywhere = (u: UserModel): boolean => u.admin || u.addAll;

/** FNV-1a of a key's UTF-16 units: which bucket a key is in. */
function bucketOf(key: string, buckets: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % buckets;
}

/**
 * The index of a checked model and every object orgctl renders for it (once; membership data
 * may be left out: explain reads RBAC).
 */
export function explainIndexParts(model: OrgModel, objects: readonly Manifest[]): ExplainIndexParts {
  const { users, namespaces, grants, tokens, invites, ...settings } = model;
  const parts = new Map<
    string,
    { namespace?: NamespaceModel; grants: GrantModel[]; tokens: TokenModel[]; objects: Manifest[] }
  >();
  const partOf = (ns: string) => {
    let part = parts.get(ns);
    if (!part) parts.set(ns, (part = { grants: [], tokens: [], objects: [] }));
    return part;
  };
  for (const n of namespaces) partOf(n.name).namespace = n;
  for (const g of grants) partOf(g.namespace).grants.push(g);
  for (const t of tokens)
    for (const ns of new Set([...t.namespaces, ...t.rbac.map((r) => r.namespace)])) partOf(ns).tokens.push(t);
  const clusterObjects: Manifest[] = [];
  // Of the objects, the roles and bindings: what explain's authorizer reads.
  for (const o of objects) {
    if (!isRbacObject(o)) continue;
    const ns = o.metadata.namespace;
    if (ns === undefined) clusterObjects.push(o);
    else partOf(ns).objects.push(o);
  }
  const names = [...parts.keys()].sort();
  // About 8 a bucket: the one a question is about is in a part of a kilobyte or two.
  const people = users.filter((u) => !everywhere(u));
  const count = Math.max(1, Math.ceil((people.length + invites.length + tokens.length) / 8));
  const buckets = Array.from({ length: count }, () => ({
    users: [] as UserModel[],
    invites: [] as InviteModel[],
    tokens: [] as TokenModel[],
  }));
  for (const u of people) buckets[bucketOf(u.key, count)]!.users.push(u);
  for (const i of invites) buckets[bucketOf(i.key, count)]!.invites.push(i);
  for (const t of tokens) buckets[bucketOf(t.id, count)]!.tokens.push(t);
  return {
    namespaces: (function* () {
      for (const ns of names) yield partText(parts.get(ns)!);
    })(),
    buckets: (function* () {
      for (const b of buckets) yield JSON.stringify(b satisfies Bucket);
    })(),
    head: (namespaceParts, bucketOffsets) =>
      JSON.stringify({
        format: EXPLAIN_INDEX_FORMAT,
        model: settings,
        everywhere: users.filter(everywhere),
        clusterObjects,
        declared: namespaces.map((n) => n.name),
        namespaces: names,
        namespaceParts,
        buckets: bucketOffsets,
      } satisfies Head),
  };
}

/** Reads bytes [start, end) of one of the texts, as text. */
interface ExplainIndexReader {
  /** A namespace's part, as bytes (UTF-8): searched, and only the lines kept decoded (partFor). */
  readonly namespaces: (start: number, end: number) => Uint8Array;
  readonly buckets: (start: number, end: number) => string;
}

/**
 * A question's reading: the organization as one namespace sees it, and the roles and bindings
 * rendered there, in the system namespace and cluster-wide (what placing modelInNamespace renders
 * of them).
 */
export interface NamespaceView {
  /**
   * modelInNamespace's view (that namespace alone, its grants), with the tokens holding access
   * there, the people every namespace's access names, and whoever `subject` is.
   */
  readonly model: OrgModel;
  readonly objects: readonly Manifest[];
  /**
   * Every namespace the organization declares, as the whole model lists them: what explain's
   * warning about a namespace nothing is bound in suggests from (`-n wbe`: did you mean web?).
   */
  readonly declared: readonly string[];
}

/**
 * Who `subject` may be, as explain's resolveWho finds them: itself (an email, a token id), the
 * email a member's or invitee's Kubernetes username names (the identity prefix taken off), the
 * token ids a ServiceAccount's username names (`token-<id>` or `token-<id>-r<N>`).
 */
function subjectKeys(model: Pick<OrgModel, 'usernamePrefix' | 'systemNamespace'>, subject: string): string[] {
  const keys = [subject];
  if (model.usernamePrefix && subject.startsWith(model.usernamePrefix))
    keys.push(subject.slice(model.usernamePrefix.length));
  const account = serviceAccountOf(subject);
  if (account?.namespace === model.systemNamespace) keys.push(...tokenIdsOfAccount(account.name));
  return keys;
}

/**
 * What the index holds for a question about `subject` (a user's or invite's email, a token's id)
 * in `namespace`; undefined when the head is not of this format.
 */
export function namespaceViewOf(
  headText: string,
  read: ExplainIndexReader,
  namespace: string,
  subject: string,
): NamespaceView | undefined {
  const head = JSON.parse(headText) as Head;
  if (head?.format !== EXPLAIN_INDEX_FORMAT) return undefined;
  const keys = subjectKeys(head.model, subject);
  // What names the subject, in JSON text: its key, lower-cased (in a grant's user, in a username;
  // a token's id, in its ServiceAccount's name, is a DNS label), and any Group (whose members the
  // subject may be).
  const needles = [...keys.map((k) => JSON.stringify(k.toLowerCase()).slice(1, -1)), '"kind":"Group"'].map((n) =>
    Buffer.from(n),
  );
  const partOf = (ns: string): NamespacePart => {
    const i = head.namespaces.indexOf(ns);
    return i < 0
      ? { grants: [], tokens: [], objects: [] }
      : partFor(read.namespaces(head.namespaceParts[i]!, head.namespaceParts[i + 1]!), needles);
  };
  const part = partOf(namespace);
  // The system namespace's objects are rendered whatever the namespace (the admins' bindings):
  // what explain says of a namespace without bindings depends on there being bindings elsewhere.
  const system = namespace === head.model.systemNamespace ? [] : partOf(head.model.systemNamespace).objects;
  const users = [...head.everywhere];
  const invites: InviteModel[] = [];
  const tokens = [...part.tokens];
  const count = head.buckets.length - 1;
  const emails = keys.map((k) => k.toLowerCase());
  for (const b of new Set([...emails, ...keys].map((k) => bucketOf(k, count)))) {
    const bucket = JSON.parse(read.buckets(head.buckets[b]!, head.buckets[b + 1]!)) as Bucket;
    for (const u of bucket.users) if (emails.includes(u.key)) users.push(u);
    for (const inv of bucket.invites) if (emails.includes(inv.key)) invites.push(inv);
    for (const t of bucket.tokens) if (keys.includes(t.id) && !tokens.some((x) => x.id === t.id)) tokens.push(t);
  }
  const model = freezeModel({
    ...head.model,
    users: sortBy(users, (u) => u.key),
    namespaces: part.namespace ? [part.namespace] : [],
    grants: [...part.grants],
    tokens: sortBy(tokens, (t) => t.id),
    invites,
  } as OrgModel);
  return { model, objects: [...head.clusterObjects, ...system, ...part.objects], declared: head.declared };
}
