/**
 * The proof against base: head dist/ proved by what it changes in base's, not re-rendered whole.
 *
 * Base's dist/ is the trust anchor the review already stands on (who is an admin, who may approve,
 * mass-removal's count: all read from it), and it reached the base branch through a review that
 * proved it exactly what this engine renders. So when head differs from base only in the
 * RoleBindings of some namespaces, head is what orgctl renders from it when (and this module
 * checks each) every other byte is base's, every namespace's bindings are written as synthesis
 * writes them for who they bind (compared as text, in every cluster's copy alike: a binding base
 * has is base's text with the people added and removed spliced in by the renderer's own entry and
 * order, in parts split as the renderer splits them; a role new in its namespace, one part, people only, the render of
 * one of them with the others spliced in alike; any other re-rendered by the renderer's own function), each
 * person gaining a level is a member whose grants orgctl binds, nobody loses what being an admin
 * or Add All gives everywhere, and no changed file outgrows an Argo CD Application. The policies those bindings could break are the ones on who holds a
 * level: a level reserved for admins (exactly those holding what the RBAC analysis refuses
 * non-admins, test/catalog.test.ts) is never taken here for a non-admin. The membership data may
 * differ in people's dated access and in a deactivated person's staged grants (MemberUser.dormant):
 * each changed record re-written by synthesis' own functions and compared as text, in every
 * cluster's copy and members.json alike, a staged level reserved for admins or in a namespace for
 * admins only never taken for a non-admin, staged custom rules only as base's (the change rules
 * judge every staging on the diff, whichever proof runs: cli/judge.ts). Anything else (a custom
 * role's or token's binding, a token's staged rules or other membership, settings,
 * a namespace, a token or staged grant ended since base, a document moved) is left to the full proof
 * (review/proof.ts), which this can only spare, never overrule: it proves or says why not.
 */
import { isAdminOnly, type PolicyRule } from '../model/catalog.ts';
import {
  grantsBound,
  isCalendarDate,
  isExpired,
  isLiveToken,
  levelRoleName,
  LEVELS_BY_STANDING,
  memberStanding,
  memberState,
} from '../model/model.ts';
import { expiryKey, MEMBERS_FILE, membershipListPattern, type MemberUser } from '../model/membership.ts';
import { withinShardLimits } from '../model/rules.ts';
import { byteLength } from '../model/text.ts';
import type { Membership } from '../analysis/membership.ts';
import { isObj } from '../analysis/objects.ts';
import type { RuleResult } from '../policies/change/context.ts';
import { orgRoleOf } from '../analysis/org-roles.ts';
import {
  bindingOrder,
  bindingParts,
  fitsOneBinding,
  headerOf,
  CLUSTER_SHARD,
  isHashPlaced,
  isOutputPath,
  addDormantGrant,
  dormantRecords,
  type DormantParts,
  membershipLists,
  membershipListsFrom,
  membersFileUser,
  withGrantRecords,
  namespaceRoleBindings,
  refBytes,
  type RoleHolders,
  subjectEntry,
  subjectKey,
  SUBJECTS_LINE,
  surelyOneBinding,
  type SubjectRef,
  userBytes,
} from '../synth/render.ts';
import { toYamlDocument, type FileDocuments } from '../synth/yaml.ts';
import { declaredInFiles, HEAD_POLICIES, OUTPUT_PROOF } from './output-proof.ts';
import type { OutputFileText } from './proof.ts';

/** One side of the change: its files as read, and each YAML file's documents (texts and objects). */
interface SideOutput {
  readonly files: readonly OutputFileText[];
  readonly documents: (path: string) => FileDocuments | undefined;
}

type BaseProof =
  | {
      readonly proved: true;
      /** How many namespaces' RoleBindings changed, and in how many files. */
      readonly namespaces: number;
      readonly files: number;
    }
  | { readonly proved: false; readonly reason: string };

type Obj = Record<string, unknown>;

/** The namespace a document belongs with in a shard file: a Namespace's own name, else its namespace. */
function sectionOf(doc: Obj): string | undefined {
  if (!isObj(doc.metadata)) return undefined;
  const at = doc.kind === 'Namespace' ? doc.metadata.name : doc.metadata.namespace;
  return typeof at === 'string' ? at : undefined;
}

/**
 * A shard file's documents by section: the places of those other than RoleBindings, in order; the
 * RoleBindings right after the k-th (up to the next) are its run (read in place, not copied: every
 * document of a file is in one, and few runs change).
 */
interface Sections {
  readonly reading: FileDocuments;
  readonly others: readonly number[];
}

function sectionsOf(reading: FileDocuments): Sections | string {
  const { docs } = reading;
  // One before all is in no run (a run follows another document).
  if (docs[0]?.kind === 'RoleBinding') return 'a RoleBinding comes before every other document';
  const others: number[] = [];
  for (let i = 0; i < docs.length; i++) if (docs[i]!.kind !== 'RoleBinding') others.push(i);
  return { reading, others };
}

/** The k-th run of a file's sections: where its RoleBindings begin and end. */
const runOf = (s: Sections, k: number) => ({
  from: s.others[k]! + 1,
  to: s.others[k + 1] ?? s.reading.docs.length,
});

/** A run's texts and objects, copied out of their file (for a namespace whose run changed). */
const runCopy = (s: Sections, run: { readonly from: number; readonly to: number }) => ({
  texts: s.reading.bodies.slice(run.from, run.to),
  docs: s.reading.docs.slice(run.from, run.to),
});

/** Whether the texts of `a` from `i` and of `b` from `j` are the same, `n` of each. */
function sameRange(a: readonly string[], i: number, b: readonly string[], j: number, n: number): boolean {
  for (let k = 0; k < n; k++) if (a[i + k] !== b[j + k]) return false;
  return true;
}

const sameTexts = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && sameRange(a, 0, b, 0, a.length);

/** The RoleBindings of one role in a namespace's run (its parts, split by size), in order. */
interface RoleGroup {
  readonly roleName: string;
  readonly texts: string[];
  readonly docs: Obj[];
}

/** A namespace's RoleBindings by role, each role's parts together; a reason when they are not. */
function groupsOf(run: { readonly texts: readonly string[]; readonly docs: readonly Obj[] }, namespace: string) {
  const groups: RoleGroup[] = [];
  // Every binding is pushed by the same lines, a role's first and its parts alike: a role in parts
  // (rare) met only after V8 compiled this sent its code back (no feedback for that branch).
  let group: RoleGroup | undefined;
  for (let i = 0; i < run.docs.length; i++) {
    const ref = run.docs[i]!.roleRef;
    if (!isObj(ref) || typeof ref.name !== 'string')
      return `a RoleBinding in namespace ${namespace} has a roleRef orgctl does not write`;
    if (group?.roleName !== ref.name) groups.push((group = { roleName: ref.name, texts: [], docs: [] }));
    group.texts.push(run.texts[i]!);
    group.docs.push(run.docs[i]!);
  }
  return groups;
}

/** Who one role's RoleBindings bind: the role, and the keys of the people and tokens' accounts among them. */
interface Held {
  readonly roleKind: RoleHolders['roleKind'];
  readonly roleName: string;
  /** Usernames. */
  readonly users: ReadonlySet<string>;
  /** `namespace/name` of each ServiceAccount. */
  readonly accounts: ReadonlySet<string>;
}

/** A subject of a binding as read (holdersOf checked its kind and names). */
const refOf = (s: Obj): SubjectRef =>
  s.kind === 'User'
    ? { kind: 'User', name: s.name as string }
    : { kind: 'ServiceAccount', name: s.name as string, namespace: s.namespace as string };

/**
 * Who one role's RoleBindings bind (their keys: a changed role's subjects are most of what the
 * proof reads, and each is read here once; renderedTexts lists them only for a role it renders); a
 * reason when a binding is not one orgctl could write.
 */
function holdersOf(group: RoleGroup, namespace: string): Held | string {
  const users = new Set<string>();
  const accounts = new Set<string>();
  const ref = group.docs[0]!.roleRef as Obj;
  if (ref.kind !== 'ClusterRole' && ref.kind !== 'Role')
    return `a RoleBinding in namespace ${namespace} has a roleRef orgctl does not write`;
  for (const b of group.docs) {
    if (!isObj(b.metadata) || b.metadata.namespace !== namespace)
      return `a RoleBinding among namespace ${namespace}'s is not in it`;
    if (!Array.isArray(b.subjects)) return `a RoleBinding in namespace ${namespace} has no subject list`;
    for (const s of b.subjects as unknown[]) {
      if (!isObj(s) || typeof s.name !== 'string')
        return `a RoleBinding in namespace ${namespace} names a subject without a name`;
      if (s.kind === 'User') users.add(s.name);
      else if (s.kind === 'ServiceAccount' && typeof s.namespace === 'string') accounts.add(`${s.namespace}/${s.name}`);
      else return `a RoleBinding in namespace ${namespace} binds a ${String(s.kind)}, which orgctl does not bind`;
    }
  }
  return { roleKind: ref.kind, roleName: group.roleName, users, accounts };
}

const NOBODY: ReadonlySet<string> = new Set();
function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

/** Who gains and who loses a role in a namespace (judgeHolders): only they are written anew (splicedBinding). */
interface HoldersChange {
  readonly added: string[];
  readonly removed: Set<string>;
}

/**
 * Why a change of who holds one role in a namespace is not one this proof takes; else who gains it
 * and who loses it, found as each is judged.
 */
function judgeHolders(
  namespace: string,
  h: Held | undefined,
  b: Held | undefined,
  org: string,
  members: ReadonlyMap<string, MemberUser>,
  adminsOnly: boolean,
): string | HoldersChange {
  const roleName = (h ?? b)!.roleName;
  if (!sameSet(h?.accounts ?? NOBODY, b?.accounts ?? NOBODY))
    return `a token's binding to ${roleName} in namespace ${namespace} changes`;
  const hUsers = h?.users ?? NOBODY;
  const bUsers = b?.users ?? NOBODY;
  const role = orgRoleOf(org, roleName);
  if ((h ?? b)!.roleKind !== 'ClusterRole' || role.kind !== 'level') {
    if (h?.roleKind !== b?.roleKind || !sameSet(hUsers, bUsers))
      return `who holds ${roleName} in namespace ${namespace} changes (a custom role or custom rules)`;
    return { added: [], removed: new Set() };
  }
  const change: HoldersChange = { added: [], removed: new Set() };
  for (const name of hUsers) if (!bUsers.has(name)) change.added.push(name);
  for (const name of bUsers) if (!hUsers.has(name)) change.removed.add(name);
  return levelChangeReason(namespace, role.level, change, members, adminsOnly) ?? change;
}

/**
 * Why who gains and who loses `level` in a namespace is not a change this proof takes (each
 * person gaining it, in head's order, then each losing it, in base's), or undefined.
 */
function levelChangeReason(
  namespace: string,
  level: string,
  change: HoldersChange,
  members: ReadonlyMap<string, MemberUser>,
  adminsOnly: boolean,
): string | undefined {
  for (const name of change.added) {
    const m = members.get(name);
    if (!m) return `${name} gains ${level} in namespace ${namespace} and is not a member`;
    if (!grantsBound(memberState(m)))
      return `${m.email} gains ${level} in namespace ${namespace}, but orgctl binds no grant of theirs (deactivated or Remove All)`;
    // Only admin-only levels hold what the RBAC analysis refuses non-admins (test/catalog.test.ts).
    if (!m.admin && isAdminOnly(level))
      return `${m.email} gains ${level} in namespace ${namespace}: a level only admins may hold`;
    if (!m.admin && adminsOnly)
      return `${m.email} gains ${level} in namespace ${namespace}: a namespace for admins only`;
  }
  for (const name of change.removed) {
    const m = members.get(name);
    if (!m) continue;
    const standing = memberStanding(m);
    if (standing && LEVELS_BY_STANDING[standing].includes(level))
      return `${m.email} loses ${level} in namespace ${namespace}, which they hold everywhere as ${standing === 'admin' ? 'an admin' : 'Add All'}`;
  }
  return undefined;
}

/** Whether a subject is one orgctl writes, a person or a token's account (holdersOf's checks). */
const isWrittenSubject = (s: unknown): s is Obj =>
  isObj(s) &&
  typeof s.name === 'string' &&
  (s.kind === 'User' || (s.kind === 'ServiceAccount' && typeof s.namespace === 'string'));

/** A subject's key (subjectKey) when it is one orgctl writes; else undefined. */
const keyOf = (s: unknown): string | undefined => (isWrittenSubject(s) ? subjectKey(refOf(s)) : undefined);

/** The subjects of a RoleBinding of a ClusterRole in `namespace`; undefined for any other document. */
const levelSubjects = (d: Obj, namespace: string): unknown[] | undefined =>
  isObj(d.roleRef) &&
  d.roleRef.kind === 'ClusterRole' &&
  isObj(d.metadata) &&
  d.metadata.namespace === namespace &&
  Array.isArray(d.subjects)
    ? (d.subjects as unknown[])
    : undefined;

/**
 * Who gains and who loses a level's one RoleBinding a namespace holds on both sides, and where each
 * change is among base's subjects, found by walking head's subjects beside base's in the render's
 * order (base's were written by orgctl): a subject that is base's object at its place is base's (the
 * YAML reader reads one text once, into one frozen object: test/review/base-proof.test.ts), and
 * only where they part are keys made, not a Set of every subject a side. Head's keys must rise
 * strictly where it parts from base (so it names nobody twice, in order); anything else (a token's
 * account or any other subject gained or lost, one key as two objects, parts, another kind of
 * role) is undefined, and holdersOf and judgeHolders read the role as before.
 */
function walkedChange(
  h: RoleGroup,
  b: RoleGroup,
  namespace: string,
  entries: Map<string, string>,
): (HoldersChange & { readonly at: readonly SubjectChange[] }) | undefined {
  if (h.docs.length !== 1 || b.docs.length !== 1) return undefined;
  const hs = levelSubjects(h.docs[0]!, namespace);
  const bs = levelSubjects(b.docs[0]!, namespace);
  if (!hs || !bs) return undefined;
  const change = { added: [] as string[], removed: new Set<string>(), at: [] as SubjectChange[] };
  let i = 0;
  let j = 0;
  // The key of head's subject before `j` when it was just added (else made only where head parts from base).
  let before: string | undefined;
  while (i < bs.length || j < hs.length) {
    const x = bs[i];
    const y = hs[j];
    if (i < bs.length && j < hs.length && x === y) {
      // Base's own subject: still one orgctl writes (holdersOf's checks, on base's objects).
      if (!isWrittenSubject(x)) return undefined;
      i++;
      j++;
      before = undefined;
      continue;
    }
    const kb = i < bs.length ? keyOf(x) : undefined;
    const kh = j < hs.length ? keyOf(y) : undefined;
    if ((i < bs.length && kb === undefined) || (j < hs.length && kh === undefined)) return undefined;
    if (kh === undefined || (kb !== undefined && kb < kh)) {
      if ((x as Obj).kind !== 'User') return undefined;
      change.removed.add((x as Obj).name as string);
      change.at.push({ at: i, key: kb! });
      i++;
      continue;
    }
    const prior = j === 0 ? '' : (before ?? keyOf(hs[j - 1]));
    if (kb === kh || (y as Obj).kind !== 'User' || prior === undefined || !(prior < kh)) return undefined;
    const name = (y as Obj).name as string;
    change.added.push(name);
    change.at.push({ at: i, entry: entryOf(name, entries), key: kh, name });
    j++;
    before = kh;
  }
  return change;
}

/**
 * Where a subject keyed `key` goes among base's `subjects` (in the render's order, subjectKey: base
 * was written by orgctl): the index of the first whose key is greater.
 */
function placeAmong(subjects: readonly Obj[], key: string): number {
  let [lo, hi] = [0, subjects.length];
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (subjectKey(refOf(subjects[mid]!)) > key) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Where each subject's entry begins in a binding's text base holds (one entry per subject after
 * SUBJECTS_LINE, each beginning a line with `- `, its other lines indented), and its end last;
 * undefined when the text is not so.
 */
function entryStarts(baseText: string, count: number): number[] | undefined {
  const at = baseText.indexOf(`\n${SUBJECTS_LINE}`);
  if (at < 0 || !count || !baseText.endsWith('\n')) return undefined;
  const starts = [at + 1 + SUBJECTS_LINE.length];
  for (let p = baseText.indexOf('\n- ', starts[0]!); p >= 0; p = baseText.indexOf('\n- ', p + 1)) starts.push(p + 1);
  if (starts.length !== count || !baseText.startsWith('- ', starts[0]!)) return undefined;
  starts.push(baseText.length);
  return starts;
}

/** A change to base's subjects: an added person's entry before base's subject `at` (past the last: at the end), or base's `at` cut. */
interface SubjectChange {
  readonly at: number;
  readonly entry?: string;
  readonly key: string;
  /** An added person's name. */
  readonly name?: string;
}

/** A person's entry among a binding's subjects (subjectEntry), written once a proof. */
function entryOf(name: string, entries: Map<string, string>): string {
  let entry = entries.get(name);
  if (entry === undefined) entries.set(name, (entry = subjectEntry({ kind: 'User', name })));
  return entry;
}

/**
 * Base's subject's bytes as the render counts them: a person's from the name (userBytes), any other
 * subject's (a token's account: few) by refBytes.
 */
function bytesOf(s: Obj): number {
  return s.kind === 'User' && typeof s.name === 'string' ? userBytes(s.name) : refBytes(refOf(s));
}

/**
 * What changes among base's `subjects` (in the render's order) when `removed` leave and `added`
 * join, by base's index, in order (an entry before a cut at one index); undefined when a removed
 * person is not at their place among base's.
 */
function subjectChanges(
  subjects: readonly Obj[],
  { added, removed }: { readonly added: readonly string[]; readonly removed: ReadonlySet<string> },
  entries: Map<string, string>,
): SubjectChange[] | undefined {
  const changes: SubjectChange[] = [];
  for (const name of added) {
    const key = subjectKey({ kind: 'User', name });
    changes.push({ at: placeAmong(subjects, key), entry: entryOf(name, entries), key, name });
  }
  for (const name of removed) {
    const key = subjectKey({ kind: 'User', name });
    const i = placeAmong(subjects, key) - 1;
    const s = subjects[i];
    if (s?.kind !== 'User' || s.name !== name) return undefined;
    changes.push({ at: i, key });
  }
  return changes.sort(
    (a, b) =>
      a.at - b.at ||
      Number(a.entry === undefined) - Number(b.entry === undefined) ||
      (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
}

/**
 * The one RoleBinding of a role in a namespace as orgctl writes it when its people are base's but
 * `removed`, plus `added`: base's text (written by orgctl and proved when it merged, as every byte
 * this proof leaves as base's) with the removed people's entries cut out and the added ones'
 * written in where the render orders them, by the render's own entry and order (subjectEntry,
 * subjectKey), so that only what changed is written, not the whole binding again: base's entries
 * between two changes are kept as one piece, and only the changed people's places are looked up
 * (base's subjects are in the render's order). Undefined when base's text is not one entry per
 * subject after SUBJECTS_LINE, when a removed person is not among base's, or when the result is
 * more than one part (then splicedParts, else the renderer).
 */
function splicedBinding(
  baseText: string,
  baseDoc: Obj,
  added: readonly string[],
  removed: ReadonlySet<string>,
  entries: Map<string, string>,
  /** The changes, in order, when known (walkedChange): else found among base's subjects. */
  found?: readonly SubjectChange[],
): string | undefined {
  const subjects = baseDoc.subjects as Obj[];
  const starts = entryStarts(baseText, subjects.length);
  const changes = starts && (found ?? subjectChanges(subjects, { added, removed }, entries));
  if (!starts || !changes) return undefined;
  const pieces = [baseText.slice(0, starts[0])];
  let from = 0;
  for (const c of changes) {
    if (c.at > from) {
      pieces.push(baseText.slice(starts[from], starts[c.at]));
      from = c.at;
    }
    if (c.entry !== undefined) pieces.push(c.entry);
    else from = c.at + 1;
  }
  pieces.push(baseText.slice(starts[from]));
  const text = pieces.join('');
  if (surelyOneBinding(text.length - starts[0]!)) return text;
  // Large: its subjects' bytes counted as the render counts them.
  let bytes = 0;
  for (const name of added) bytes += userBytes(name);
  for (const s of subjects) if (!(s.kind === 'User' && removed.has(s.name as string))) bytes += bytesOf(s);
  return fitsOneBinding(bytes) ? text : undefined;
}

/**
 * A role's RoleBindings in parts as orgctl writes them when its people are base's but who `change`
 * removes, plus whom it adds (a role over one binding's size, on either side): base's parts' entries, in order,
 * with the changed people's cut out and written in as splicedBinding does, then split as the render
 * splits them (bindingParts, as Subjects.parts: a part closes before the subject whose bytes, refBytes, would take it
 * past one binding), each part base's text of that part up to SUBJECTS_LINE (its name, `role:N`)
 * and its entries. So a part boundary, each entry and each part's name are what the render makes
 * of head's people; the texts are compared with head's as any. Undefined when a base part is not
 * one entry per subject, when a removed person is not among base's, or when head's people take more
 * parts than base's (then the renderer writes it whole).
 */
function splicedParts(base: RoleGroup, change: HoldersChange, entries: Map<string, string>): string[] | undefined {
  const { texts: baseTexts, docs: baseDocs } = base;
  const heads: string[] = [];
  const subjects: Obj[] = [];
  // Each base subject's entry, as a slice of its part's text.
  const texts: string[] = [];
  for (let p = 0; p < baseTexts.length; p++) {
    const text = baseTexts[p]!;
    const part = baseDocs[p]!.subjects as Obj[];
    const starts = entryStarts(text, part.length);
    if (!starts) return undefined;
    heads.push(text.slice(0, starts[0]));
    for (let i = 0; i < part.length; i++) {
      subjects.push(part[i]!);
      texts.push(text.slice(starts[i], starts[i + 1]));
    }
  }
  const changes = subjectChanges(subjects, change, entries);
  if (!changes) return undefined;
  // Head's entries in the render's order, each with its bytes as the render counts them.
  const order: { readonly entry: string; readonly bytes: number }[] = [];
  const keep = (i: number) => order.push({ entry: texts[i]!, bytes: bytesOf(subjects[i]!) });
  let from = 0;
  for (const c of changes) {
    for (; from < c.at; from++) keep(from);
    if (c.name !== undefined) order.push({ entry: c.entry!, bytes: userBytes(c.name) });
    else from = c.at + 1;
  }
  for (; from < subjects.length; from++) keep(from);
  if (!order.length) return undefined;
  const parts = bindingParts(order, (o) => o.bytes);
  if (parts.length > heads.length) return undefined;
  return parts.map((part, j) => heads[j]! + part.map((o) => o.entry).join(''));
}

/** A namespace's RoleBindings as synthesis writes them for who holds its roles (namespaceRoleBindings). */
type RenderBindings = (ns: string, roles: readonly RoleHolders[]) => Record<string, unknown>[];

/**
 * A role's RoleBindings in a namespace as the renderer writes them for who `group` binds, `held`
 * (holdersOf read every subject of them as one orgctl writes: refOf takes each as it is).
 */
function renderedTexts(group: RoleGroup, held: Held, namespace: string, render: RenderBindings): string[] {
  const subjects = group.docs.flatMap((b) => (b.subjects as Obj[]).map(refOf));
  return render(namespace, [{ roleKind: held.roleKind, roleName: held.roleName, subjects }]).map((o) =>
    toYamlDocument(o),
  );
}

/**
 * The one RoleBinding of a role new in a namespace, binding people alone, as orgctl writes it: the
 * renderer's binding of one of them, with the others spliced in (splicedBinding: its text is one the
 * renderer wrote, as base's is), so that the render writes one subject, not all. Undefined when the
 * binding is not one part (then the renderer writes it whole).
 */
function newBinding(
  group: RoleGroup,
  held: Held,
  namespace: string,
  render: RenderBindings,
  entries: Map<string, string>,
): string | undefined {
  const [first] = held.users;
  if (first === undefined || held.accounts.size || group.texts.length !== 1) return undefined;
  const one = render(namespace, [
    { roleKind: held.roleKind, roleName: held.roleName, subjects: [{ kind: 'User', name: first }] },
  ]);
  if (one.length !== 1) return undefined;
  const others = [...held.users].slice(1);
  return splicedBinding(toYamlDocument(one[0]!), one[0]!, others, new Set(), entries);
}

/**
 * A role base has, of the same kind, as orgctl writes it for head's people from base's text: one
 * part on either side, splicedBinding; parts on either, splicedParts. Undefined when neither applies.
 */
function splicedRole(
  h: RoleGroup,
  b: RoleGroup,
  change: HoldersChange,
  entries: Map<string, string>,
): string[] | undefined {
  if (h.texts.length > 1 || b.texts.length > 1) return splicedParts(b, change, entries);
  const one = splicedBinding(b.texts[0]!, b.docs[0]!, change.added, change.removed, entries);
  return one === undefined ? undefined : [one];
}

/** What judgeNamespace and judgeRole read beside the bindings: the organization's, and the proof's own. */
interface NamespaceContext {
  readonly org: string;
  readonly members: ReadonlyMap<string, MemberUser>;
  /** Each namespace's guard rails, from the membership data (`adminsOnly` among them). */
  readonly namespaceSettings: Membership['namespaceSettings'];
  readonly order: (a: string, b: string) => number;
  readonly render: RenderBindings;
  /** Added people's entries by name, each made once a proof (entryOf: splicedBinding, splicedParts). */
  readonly entries: Map<string, string>;
}

/**
 * Why a namespace's changed RoleBindings are not proved, or undefined when they are: in orgctl's
 * order, one run per role, every role whose bindings changed judged (judgeRole). Each role is judged
 * by a function of its own: V8 compiles this loop and that one apart, not one graph of both (at L,
 * compiling them as one cost more CPU than running them).
 */
function judgeNamespace(
  namespace: string,
  head: { readonly texts: readonly string[]; readonly docs: readonly Obj[] },
  base: { readonly texts: readonly string[]; readonly docs: readonly Obj[] },
  context: NamespaceContext,
): string | undefined {
  const [hg, bg] = [groupsOf(head, namespace), groupsOf(base, namespace)];
  if (typeof hg === 'string') return hg;
  if (typeof bg === 'string') return `base: ${bg}`;
  for (let k = 1; k < hg.length; k++)
    if (context.order(hg[k - 1]!.roleName, hg[k]!.roleName) >= 0)
      return `namespace ${namespace}'s RoleBindings are not in orgctl's order (${hg[k - 1]!.roleName}, then ${hg[k]!.roleName})`;
  // In strict order, each role is one group on either side: its groups by name.
  const byName = (groups: readonly RoleGroup[]) => new Map(groups.map((g) => [g.roleName, g]));
  const [headGroups, baseGroups] = [byName(hg), byName(bg)];
  const adminsOnly = !!context.namespaceSettings.get(namespace)?.adminsOnly;
  for (const name of new Set([...headGroups.keys(), ...baseGroups.keys()])) {
    const why = judgeRole(namespace, name, headGroups.get(name), baseGroups.get(name), adminsOnly, context);
    if (why) return why;
  }
  return undefined;
}

/**
 * Why the RoleBindings of role `name` in a namespace, head's `h` beside base's `b`, are not proved,
 * or undefined when they are: who changed judged (judgeHolders) and written as synthesis writes them
 * (splicedRole, newBinding, else re-rendered by its own function), compared as text; a role's
 * bindings unchanged from base are base's.
 */
function judgeRole(
  namespace: string,
  name: string,
  h: RoleGroup | undefined,
  b: RoleGroup | undefined,
  adminsOnly: boolean,
  context: NamespaceContext,
): string | undefined {
  if (h && b && sameTexts(h.texts, b.texts)) return undefined;
  // What orgctl writes for head's holders, to compare with head's texts.
  let written: readonly string[] | undefined;
  // A level's one binding on both sides: who changed found by a walk beside base's (else read whole below).
  const role = h && b ? orgRoleOf(context.org, name) : undefined;
  const walked = role?.kind === 'level' ? walkedChange(h!, b!, namespace, context.entries) : undefined;
  if (walked && role?.kind === 'level') {
    const why = levelChangeReason(namespace, role.level, walked, context.members, adminsOnly);
    if (why) return why;
    const one = splicedBinding(b!.texts[0]!, b!.docs[0]!, walked.added, walked.removed, context.entries, walked.at);
    if (one !== undefined) written = [one];
  }
  if (!written) {
    const hh = h && holdersOf(h, namespace);
    const bh = b && holdersOf(b, namespace);
    if (typeof hh === 'string') return hh;
    if (typeof bh === 'string') return `base: ${bh}`;
    const change = judgeHolders(namespace, hh, bh, context.org, context.members, adminsOnly);
    if (typeof change === 'string') return change;
    if (!hh) return undefined;
    // One part on either side, of the same kind of role: base's text with who changed spliced in;
    // a role new here, one part, of people only: the render of one of them with the others spliced
    // in; else (parts, tokens) every subject rendered by the renderer.
    const spliced = b && bh && bh.roleKind === hh.roleKind ? splicedRole(h!, b, change, context.entries) : undefined;
    const one = !b ? newBinding(h!, hh, namespace, context.render, context.entries) : undefined;
    written = spliced ?? (one !== undefined ? [one] : renderedTexts(h!, hh, namespace, context.render));
  }
  if (!sameTexts(written, h!.texts))
    return `namespace ${namespace}'s RoleBindings of ${name} are not written as orgctl writes them for who they bind`;
  return undefined;
}

/**
 * The users whose dated access (MemberUser.expiring) or staged grants (MemberUser.dormant) are all
 * their membership records change, in base's order; a reason when head's users differ in anything
 * else (then the full proof).
 */
function grantRecordChanges(
  base: ReadonlyMap<string, MemberUser>,
  head: ReadonlyMap<string, MemberUser>,
): { readonly base: MemberUser; readonly head: MemberUser }[] | string {
  if (base.size !== head.size) return 'the membership changes';
  const out: { base: MemberUser; head: MemberUser }[] = [];
  const rest = (u: MemberUser) => JSON.stringify({ ...u, expiring: undefined, dormant: undefined });
  const [bs, hs] = [[...base.values()], [...head.values()]];
  for (let i = 0; i < bs.length; i++) {
    const b = bs[i]!;
    const h = hs[i]!;
    if (b === h) continue;
    if (b.email !== h.email || rest(b) !== rest(h)) return 'the membership changes';
    if (
      JSON.stringify(b.expiring) !== JSON.stringify(h.expiring) ||
      JSON.stringify(b.dormant) !== JSON.stringify(h.dormant)
    )
      out.push({ base: b, head: h });
  }
  return out;
}

/**
 * Why a person's staged grants (MemberUser.dormant) that changed are not what synthesis records, or
 * undefined: on a deactivated person only, in an output that records them; each record of a
 * namespace the organization declares, its end a calendar date (not past: stagingEnded), its custom
 * rules base's (what rules allow is the full proof's to judge), nothing forbidden-grant refuses a
 * non-admin (a level reserved for admins, a namespace for admins only); and the person's record
 * re-written by synthesis' own functions from what it holds (addDormantGrant, dormantRecords,
 * withGrantRecords: catalog levels, sorted, once, by namespace, the user's last field) is the same text.
 */
function stagedGrantsReason(
  changes: readonly { readonly base: MemberUser; readonly head: MemberUser }[],
  membership: Membership,
): string | undefined {
  const declared = new Set(membership.org.namespaces);
  for (const { base: b, head: h } of changes) {
    if (JSON.stringify(b.dormant) === JSON.stringify(h.dormant)) continue;
    const who = h.email;
    const notWritten = `${who}'s staged grants are not written as orgctl writes them`;
    if (!membership.org.recordsDormant) return `${who}'s staged grants change in an output that records none`;
    if (h.status !== 'deactivated')
      return `${who} is not deactivated: the proof against base takes staged grants on a deactivated person only (under Remove All, the full proof judges them)`;
    const records: readonly unknown[] = Array.isArray(h.dormant) ? h.dormant : [];
    const baseRules = new Map((b.dormant ?? []).map((d) => [d.namespace, JSON.stringify(d.rules)]));
    const parts = new Map<string, DormantParts>();
    for (const d of records) {
      if (
        !isObj(d) ||
        typeof d.namespace !== 'string' ||
        (d.levels !== undefined && !Array.isArray(d.levels)) ||
        (d.rules !== undefined && !Array.isArray(d.rules)) ||
        (d.until !== undefined && !isCalendarDate(d.until))
      )
        return notWritten;
      const { namespace: ns, until } = d;
      if (!declared.has(ns)) return `${who} is staged grants in ${ns}, which the organization does not declare`;
      if (d.rules !== undefined && JSON.stringify(d.rules) !== baseRules.get(ns))
        return `${who}'s staged custom rules in ${ns} change (what rules allow is the full proof's to judge)`;
      const levels = (d.levels ?? []) as readonly string[];
      if (!h.admin) {
        const reserved = levels.find(isAdminOnly);
        if (reserved) return `${who} is staged ${reserved} in ${ns}: a level only admins may hold`;
        if (membership.namespaceSettings.get(ns)?.adminsOnly)
          return `${who} is staged grants in ${ns}: a namespace for admins only`;
      }
      let at = parts.get(ns);
      if (!at) parts.set(ns, (at = { levels: new Set(), rules: [], ends: [] }));
      addDormantGrant(at, levels, (d.rules ?? []) as readonly PolicyRule[], until as string | undefined);
    }
    const { expiring, dormant: _, ...rest } = h;
    const rewritten = dormantRecords(parts);
    if (
      JSON.stringify(withGrantRecords(rest, expiring, rewritten.length ? rewritten : undefined)) !== JSON.stringify(h)
    )
      return notWritten;
  }
  return undefined;
}

/**
 * A staged grant (changed or not) whose end is before the review's day: synthesis records it no
 * more, so head is not what it writes today (base may have been written before it ended).
 */
function stagingEnded(users: ReadonlyMap<string, MemberUser>, today: string): string | undefined {
  for (const u of users.values())
    for (const d of u.dormant ?? [])
      if (isExpired(d.until, today))
        return `${u.email}'s staged grants in ${d.namespace} ended on ${d.until}: orgctl records them no more`;
  return undefined;
}

/** The users' membership ConfigMaps: `orgctl-users`, `orgctl-users-2`, ... */
const USERS_LIST = membershipListPattern('users');

/** Of a role held until a date in a namespace: who holds it so (`asked`), and whom head binds to it (`held`). */
interface DatedHolders {
  readonly asked: Set<string>;
  readonly held: Set<string>;
}

/**
 * Whom of a dated role's holders (`asked`) one of its bindings names, added to `held`. orgctl
 * writes people first, by name (subjectKey): when few are asked of many, each name is looked up
 * there (68,690 subjects of 2,746 bindings walked at L, for 3,987 names asked). A binding out of
 * that order can only be found to name fewer, and a dated record bound nowhere refuses the proof
 * (datedAccessReason): none is ever held whom the binding does not name.
 */
function addHeld(subjects: readonly unknown[], holders: DatedHolders): void {
  const { asked, held } = holders;
  if (asked.size * 16 >= subjects.length) {
    for (const s of subjects) if (isObj(s) && s.kind === 'User' && asked.has(String(s.name))) held.add(String(s.name));
    return;
  }
  for (const name of asked) {
    let lo = 0;
    let hi = subjects.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const s = subjects[mid];
      if (isObj(s) && s.kind === 'User' && typeof s.name === 'string' && s.name < name) lo = mid + 1;
      else hi = mid;
    }
    // Read only within the list: a read past its end (a name after everyone's) sends V8's compiled code back (out of bounds).
    const s = lo < subjects.length ? subjects[lo] : undefined;
    if (isObj(s) && s.kind === 'User' && s.name === name) held.add(name);
  }
}

/**
 * Whether every person's dated access is what synthesis records: dates from the review's day on,
 * in the writer's order, of a role a binding of head gives them there, never one they hold for
 * good by standing, and only for someone whose grants orgctl binds.
 */
function datedAccessReason(
  members: ReadonlyMap<string, MemberUser>,
  datedRoles: ReadonlyMap<string, DatedHolders>,
  org: string,
  today: string,
): string | undefined {
  // Thousands of records share a few dates: each text checked once (isCalendarDate makes a Date).
  const checked = new Map<string, boolean>();
  const isDate = (v: unknown): boolean => {
    if (typeof v !== 'string') return false;
    let ok = checked.get(v);
    if (ok === undefined) checked.set(v, (ok = isCalendarDate(v)));
    return ok;
  };
  for (const u of members.values()) {
    if (u.expiring === undefined) continue;
    // Exactly as synthesis writes them (read as data, they are re-written as they were read, and
    // import turns each into a grant, so a shape or date synthesis never writes passed here while
    // the full proof refused it): a list of some, the user's last field, each record
    // { namespace, role, until } in that order, texts, `until` a calendar date.
    const records: readonly unknown[] = Array.isArray(u.expiring) ? u.expiring : [];
    if (!records.length || Object.keys(u).at(-1) !== 'expiring')
      return `${u.email}'s dated access is not written as orgctl writes it`;
    for (const e of records)
      if (
        !isObj(e) ||
        Object.keys(e).join() !== 'namespace,role,until' ||
        typeof e.namespace !== 'string' ||
        typeof e.role !== 'string' ||
        !isDate(e.until)
      )
        return `${u.email}'s dated access is not written as orgctl writes it`;
    if (!grantsBound(memberState(u))) return `${u.email} holds dated access but orgctl binds none of their grants`;
    const standing = memberStanding(u, u.admin);
    const forGood = new Set((standing ? LEVELS_BY_STANDING[standing] : []).map((l) => levelRoleName(org, l)));
    let last = '';
    for (const e of u.expiring) {
      const key = expiryKey(e.namespace, e.role);
      if (e.until < today)
        return `${u.email}'s ${e.role} in ${e.namespace} ended on ${e.until}: orgctl binds it no more`;
      if (key <= last) return `${u.email}'s dated access is not in the order orgctl writes it`;
      last = key;
      if (forGood.has(e.role)) return `${u.email} holds ${e.role} for good: orgctl records no end for it`;
      if (!datedRoles.get(key)?.held.has(u.username))
        return `${u.email}'s dated ${e.role} in ${e.namespace} is bound nowhere`;
    }
  }
  return undefined;
}

/**
 * Whether `head` is members.json as synthesis writes it for base's data with `users` changed to
 * head's, in one pass (they come in base's order, which the file keeps; parsing and writing the
 * whole file again costs 50 ms at size L for a few entries): base's text between the changed users'
 * entries compared in place with head's, each changed user's entry written anew (not a 3 MB copy
 * of base's text made to be compared whole); false when a user's entry is not where base has it.
 */
function isMembersFileWith(
  head: string,
  base: string,
  users: readonly { readonly base: MemberUser; readonly head: MemberUser }[],
): boolean {
  // `at` in base, `to` in head: where the text compared so far ends in each.
  let [at, to] = [0, 0];
  const same = (from: number, end: number) => {
    if (!head.startsWith(base.slice(from, end), to)) return false;
    to += end - from;
    return true;
  };
  for (const u of users) {
    const from = membersFileUser(u.base);
    const found = base.indexOf(from, at);
    if (found < 0 || !same(at, found)) return false;
    const entry = membersFileUser(u.head);
    if (!head.startsWith(entry, to)) return false;
    to += entry.length;
    at = found + from.length;
  }
  return same(at, base.length) && to === head.length;
}

/**
 * Why the cluster shard `f` is not base's with its users' membership ConfigMaps as synthesis
 * writes them for head's users (the only documents a change of dated access changes there).
 */
function usersListsReason(
  f: OutputFileText,
  head: FileDocuments | undefined,
  base: FileDocuments | undefined,
  membership: Membership,
  baseUsers: ReadonlyMap<string, MemberUser>,
): string | undefined {
  if (!head || !base) return `${f.path} was not read document by document`;
  const isUsers = (d: Obj) => d.kind === 'ConfigMap' && isObj(d.metadata) && USERS_LIST.test(String(d.metadata.name));
  const first = base.docs.findIndex(isUsers);
  if (first < 0) return `${f.path} changes`;
  let end = first;
  while (end < base.docs.length && isUsers(base.docs[end]!)) end++;
  const { name, systemNamespace } = membership.org;
  const users = [...membership.users.values()];
  // Base's texts with the changed records' lines written anew (base's users in the order read,
  // as head's: grantRecordChanges), else every ConfigMap rendered.
  const lists =
    membershipListsFrom('users', users, [...baseUsers.values()], base.bodies.slice(first, end)) ??
    membershipLists({ name, systemNamespace }, 'users', users).map((o) => toYamlDocument(o));
  const expected = [...base.bodies.slice(0, first), ...lists, ...base.bodies.slice(end)];
  if (!sameTexts(head.bodies, expected)) return `${f.path} changes`;
  if (!withinShardLimits(head.docs.length, byteLength(f.content)))
    return `${f.path} is over one Argo CD Application's limits`;
  return undefined;
}

/**
 * Proves head against base (see the module's comment), or says why this proof does not apply (then
 * the full proof must run). `membership` is head's; `today` dates the tokens.
 */
export function proveAgainstBase(input: {
  readonly base: SideOutput;
  readonly head: SideOutput;
  /** Base's users, as its membership data says (the snapshot's). */
  readonly baseUsers: ReadonlyMap<string, MemberUser>;
  readonly membership: Membership;
  readonly today: string;
}): BaseProof {
  const { base, head, membership, today } = input;
  const no = (reason: string): BaseProof => ({ proved: false, reason });
  const baseFiles = new Map(base.files.map((f) => [f.path, f]));
  // One to one, by path: a path listed twice would be paired with one reading for both (R133-1).
  if (
    head.files.length !== base.files.length ||
    baseFiles.size !== base.files.length ||
    new Set(head.files.map((f) => f.path)).size !== head.files.length ||
    head.files.some((f) => !baseFiles.has(f.path))
  )
    return no('head and base hold different files');
  if (head.files.some((f) => !isOutputPath(f.path))) return no('head holds a file orgctl does not write');
  const org = membership.org.name;
  const declaredIn = declaredInFiles(head.files);
  const header = `# ${headerOf(declaredIn)}\n`;
  const members = new Map([...membership.users.values()].map((m) => [m.username, m]));

  const systemNamespace = membership.org.systemNamespace;
  // Token ServiceAccounts in head (every one in a shard file, where tokens are placed).
  const accounts = new Set<string>();
  // Namespace → where its RoleBindings' texts are in head, in the first file holding them: every
  // cluster's copy must be the same.
  const copies = new Map<
    string,
    { readonly texts: readonly string[]; readonly from: number; readonly length: number }
  >();
  const changed = new Map<string, { head: ReturnType<typeof runCopy>; base: ReturnType<typeof runCopy> }>();
  // Who holds each role until a date (MemberUser.expiring), by expiryKey (`asked`); and of them,
  // whom head binds to it (`held`: only they are asked, as a dated role's binding names everyone
  // holding it there).
  const datedRoles = new Map<string, DatedHolders>();
  // The same by namespace, then role: only those namespaces' bindings are looked up, by their role's name.
  const datedIn = new Map<string, Map<string, DatedHolders>>();
  for (const u of membership.users.values())
    for (const e of u.expiring ?? []) {
      const key = expiryKey(e.namespace, e.role);
      let holders = datedRoles.get(key);
      if (!holders) datedRoles.set(key, (holders = { asked: new Set(), held: new Set() }));
      holders.asked.add(u.username);
      let roles = datedIn.get(e.namespace);
      if (!roles) datedIn.set(e.namespace, (roles = new Map()));
      roles.set(e.role, holders);
    }
  // Membership may differ from base's in people's dated access (a grant made to last longer) and a
  // deactivated person's staged grants alone: then it is written as synthesis writes it, and each
  // record is judged below.
  let dated: ReturnType<typeof grantRecordChanges> | undefined;
  const datedChanges = () => (dated ??= grantRecordChanges(input.baseUsers, membership.users));
  let changedFiles = 0;
  // members.json holds what the users' ConfigMaps hold: judged once they are (below the loop).
  let membersFile: { readonly base: string; readonly head: string } | undefined;
  // A cluster shard left as base's: every cluster holds the membership alike, so none may when
  // another's dated access changes (read as one membership, the last cluster's records win: R74-1).
  let clusterShardAsBase: string | undefined;
  for (const f of head.files) {
    const b = baseFiles.get(f.path)!;
    if (!f.path.endsWith('.yaml')) {
      if (f.path === MEMBERS_FILE) membersFile = { base: b.content, head: f.content };
      else if (f.content !== b.content) return no(`${f.path} changes`);
      continue;
    }
    if (!f.content.startsWith(header) || !f.content.startsWith('---\n', header.length))
      return no(`${f.path} does not begin with orgctl's header naming ${declaredIn}`);
    const shard = f.path.split('/')[1] ?? '';
    if (!isHashPlaced(shard)) {
      // Base's header is one line, as head's: what follows must be the same, but for the users'
      // membership ConfigMaps when only dated access changes (in the cluster shard, where they are
      // while the membership fits it; in shards of their own, their packing is the full proof's).
      if (f.content.slice(header.length) === b.content.slice(b.content.indexOf('\n') + 1)) {
        if (shard === CLUSTER_SHARD) clusterShardAsBase ??= f.path;
        continue;
      }
      const users = datedChanges();
      if (typeof users === 'string' || !users.length || shard !== CLUSTER_SHARD) return no(`${f.path} changes`);
      const why = usersListsReason(f, head.documents(f.path), base.documents(f.path), membership, input.baseUsers);
      if (why) return no(why);
      continue;
    }
    const [hr, br] = [head.documents(f.path), base.documents(f.path)];
    if (!hr || !br) return no(`${f.path} was not read document by document`);
    const [hs, bs] = [sectionsOf(hr), sectionsOf(br)];
    if (typeof hs === 'string') return no(`${f.path}: ${hs}`);
    if (typeof bs === 'string') return no(`base ${f.path}: ${bs}`);
    if (hs.others.length !== bs.others.length) return no(`${f.path}: documents other than RoleBindings change`);
    const [hd, hb, bd, bb] = [hr.docs, hr.bodies, br.docs, br.bodies];
    let fileChanged = false;
    for (let k = 0; k < hs.others.length; k++) {
      const hi = hs.others[k]!;
      const bi = bs.others[k]!;
      const doc = hd[hi]!;
      if (doc !== bd[bi] && hb[hi] !== bb[bi]) return no(`${f.path}: documents other than RoleBindings change`);
      const meta = doc.metadata;
      if (doc.kind === 'ServiceAccount' && isObj(meta) && meta.namespace === systemNamespace)
        accounts.add(String(meta.name));
      const hrun = runOf(hs, k);
      const brun = runOf(bs, k);
      const hn = hrun.to - hrun.from;
      const bn = brun.to - brun.from;
      const namespace = sectionOf(doc);
      const next = hs.others[k + 1] === undefined ? undefined : hd[hs.others[k + 1]!]!;
      // RoleBindings come last in their namespace's part of the file: never before one of its objects.
      if (hn && next && sectionOf(next) === namespace && next.kind !== 'Namespace')
        return no(`${f.path}: a RoleBinding of namespace ${namespace} comes before its other objects`);
      if (namespace === undefined) {
        if (hn || bn) return no(`${f.path}: a RoleBinding follows a document of no namespace`);
        continue;
      }
      // A namespace's part of a file has one run after each of its objects, all empty but the last
      // (checked above): only runs with bindings on either side are its copy.
      if (!hn && !bn) continue;
      const known = copies.get(namespace);
      if (known === undefined) {
        copies.set(namespace, { texts: hb, from: hrun.from, length: hn });
        // Every cluster's copy is the same (checked below): one is read for whom dated roles bind.
        const roles = datedIn.get(namespace);
        if (roles)
          for (let i = hrun.from; i < hrun.to; i++) {
            const d = hd[i]!;
            const holders = isObj(d.roleRef) ? roles.get(String(d.roleRef.name)) : undefined;
            if (holders && Array.isArray(d.subjects)) addHeld(d.subjects, holders);
          }
      } else if (known.length !== hn || !sameRange(known.texts, known.from, hb, hrun.from, hn))
        return no(`namespace ${namespace}'s RoleBindings differ between the clusters holding it`);
      let same = hn === bn;
      for (let i = 0; same && i < hn; i++)
        same = hd[hrun.from + i] === bd[brun.from + i] || hb[hrun.from + i] === bb[brun.from + i];
      if (same) continue;
      if (namespace === systemNamespace) return no(`the system namespace's RoleBindings change`);
      fileChanged = true;
      if (!changed.has(namespace)) changed.set(namespace, { head: runCopy(hs, hrun), base: runCopy(bs, brun) });
    }
    if (fileChanged) {
      if (!withinShardLimits(hr.docs.length, byteLength(f.content)))
        return no(`${f.path} is over one Argo CD Application's limits`);
      changedFiles++;
    }
  }
  // members.json is base's with each user whose dated access changes written as head's (left as
  // base's when the ConfigMaps changed, it is stale).
  if (membersFile && (dated !== undefined || membersFile.head !== membersFile.base)) {
    const users = datedChanges();
    if (typeof users === 'string' || !isMembersFileWith(membersFile.head, membersFile.base, users))
      return no(`${MEMBERS_FILE} is not the users' membership data as the ConfigMaps hold it`);
  }
  // Dated access is read (lazily) only once a shard's membership changed: then every cluster's must.
  if (clusterShardAsBase !== undefined && Array.isArray(dated) && dated.length)
    return no(
      `${clusterShardAsBase} keeps base's membership ConfigMaps while another cluster's record people's dated access anew (orgctl writes every cluster's alike)`,
    );
  // Tokens are dated: base's objects are today's only if each token's ServiceAccount is there
  // exactly when the token is live today (base may have been written before one expired, or on a
  // later date than the review's); a deactivated token has none.
  for (const t of membership.tokens.values()) {
    const live = isLiveToken(t, today);
    if (live !== accounts.has(t.serviceAccount))
      return no(
        live
          ? `token ${t.id} is live on ${today} but its ServiceAccount is not in the output (written on a later date?)`
          : t.status === 'deactivated'
            ? `token ${t.id} is deactivated: orgctl leaves its objects out`
            : `token ${t.id} expired on ${t.expires}: orgctl leaves its objects out now`,
      );
  }
  // So are grants: a person's dated access is what synthesis records for what head binds them
  // (nothing past its end: what a person holds until a day before the review's is bound no more).
  const datedWhy = datedAccessReason(membership.users, datedRoles, org, today);
  if (datedWhy) return no(datedWhy);
  // And a deactivated person's staged grants: none ended (changed or not, as tokens and dated
  // access); where they changed, as synthesis records them, and none a policy on who holds a level
  // refuses (the change rules judge the staging on the diff).
  const stagedWhy =
    stagingEnded(membership.users, today) ?? (Array.isArray(dated) ? stagedGrantsReason(dated, membership) : undefined);
  if (stagedWhy) return no(stagedWhy);
  // Every cluster's copy of a namespace is the same (checked above), so one is judged for all.
  const context = {
    org,
    members,
    namespaceSettings: membership.namespaceSettings,
    order: bindingOrder(org),
    render: namespaceRoleBindings(org),
    entries: new Map<string, string>(),
  };
  for (const [namespace, c] of changed) {
    const why = judgeNamespace(namespace, c.head, c.base, context);
    if (why) return no(why);
  }
  return { proved: true, namespaces: changed.size, files: changedFiles };
}

/** The proof against base as review results, when it proved head (review/base-proof.ts). */
export function baseProofResults(proof: Extract<BaseProof, { proved: true }>): RuleResult[] {
  const where = proof.namespaces
    ? `the RoleBindings of ${proof.namespaces} namespace(s) (${proof.files} file(s)), each exactly what orgctl writes for who it binds`
    : 'nothing, or its headers alone';
  return [
    {
      rule: OUTPUT_PROOF,
      ok: true,
      message: `head dist/ is base's but for ${where}; base's dist/ was proved when it merged (--full-proof re-renders head whole)`,
    },
    {
      rule: HEAD_POLICIES,
      ok: true,
      message:
        'every organization policy passes on what changed: whoever gains a level is a member orgctl binds, no level reserved for admins goes to a non-admin, nobody loses what being an admin or Add All gives, each changed file fits one Argo CD Application',
    },
  ];
}
