/**
 * Synthesis: the model → Kubernetes manifests, in one pass, as plain objects grouped in files.
 *
 * Objects grow with namespaces × levels, not with grants: every (namespace, level) is one
 * RoleBinding holding all its subjects, sorted, split only near the etcd request limit.
 * Names are explicit and say what they are: ClusterRole `acme:r:pods`, RoleBinding
 * `acme:r:pods` in namespace `web`. The role is in the binding's name because `roleRef`
 * is immutable.
 */
import { RBAC_GROUP } from './kinds.ts';
import { SHARD_NAME_PATTERN } from './tracking.ts';
import type { k8s } from 'cdk8s-plus-28';
import { CATALOG, compareLevels, findLevel, orderedRule, type PolicyRule } from '../model/catalog.ts';
import {
  MEMBERS_FILE,
  MEMBERSHIP_LISTS,
  membershipListName,
  ORGANIZATION_CONFIGMAP,
  ORGANIZATION_KEY,
  type MemberInvite,
  type MemberNamespace,
  type MemberOrganization,
  type MembershipData,
  type MembershipList,
  type MemberGrantExpiry,
  type MemberDormantGrant,
  type MemberDormantRbac,
  expiryKey,
  type MemberToken,
  type MemberUser,
} from '../model/membership.ts';
import {
  customRoleName,
  byGrantUser,
  grantsBound,
  grantsInMemoryOrder,
  isExpired,
  isLiveToken,
  isPlacedIn,
  LEVELS_BY_STANDING,
  levelRoleName,
  NO_ITEMS,
  standingOf,
  systemNamespaceOf,
  tokenAccountName,
  tokenRoleName,
  usernameOf,
  type GrantModel,
  type OrgModel,
  type TokenModel,
} from '../model/model.ts';
import {
  escapeSkipMarker,
  freezeWritten,
  streamDocument,
  toYamlDocument,
  WRITTEN_TEXTS,
  writtenTexts,
} from './yaml.ts';
import { byText, byteLength, jsonAsIs, unicodeEscape } from '../model/text.ts';
import { withinShardLimits } from '../model/rules.ts';
import { guardRailObjects, namespaceMetadata, protectionAppliedByHand, protectionObjects } from './guard-rails.ts';
import {
  declared,
  manifest,
  meta,
  NAMESPACE_SYNC_OPTIONS,
  SYNC_OPTIONS_ANNOTATION,
  type Manifest,
} from './manifest.ts';
import { adminsOnlyNamespaces, isEmptySettings, type NamespaceSettings } from '../model/guard-rails.ts';
import type { Source } from '../model/findings.ts';

export interface RenderedFile {
  /** Path relative to the output folder, `/`-separated. */
  readonly path: string;
  readonly objects: readonly Manifest[];
}

interface RenderOptions {
  /** YYYY-MM-DD: grants that expired before it are left out. */
  readonly today: string;
  /**
   * Largest serialized size of one RoleBinding before it is split. @default 192 KiB: a client-side
   * `kubectl apply` copies the object into an annotation, and annotations hold at most 256 KiB.
   */
  readonly maxBindingBytes?: number;
  /**
   * Leave out the membership ConfigMaps (every person and namespace, for other systems): what
   * answers questions about access (`explain`) reads RBAC, and placing them is most of placing one
   * namespace. @default included, as synthesis writes them
   */
  readonly withoutMembership?: boolean;
}

/** The Kubernetes RBAC API group, and the apiVersion of its objects. */
const RBAC_V1 = `${RBAC_GROUP}/v1`;
/** Objects that grow with the organization are split below this (see maxBindingBytes). */
const MAX_OBJECT_BYTES = 192 * 1024;
/** A token's Secret: the type the token controller fills, and the annotation naming its ServiceAccount. */
export const SERVICE_ACCOUNT_TOKEN_TYPE = 'kubernetes.io/service-account-token';
export const SERVICE_ACCOUNT_NAME_ANNOTATION = 'kubernetes.io/service-account.name';

/**
 * A subject as written in a RoleBinding. One frozen object per person or token, shared by every
 * binding that names it: built, sized and written as YAML once (the writer reuses the text of
 * frozen items).
 */
type Subject = Readonly<k8s.Subject>;

/** A RoleBinding's roleRef, its keys in the order written. */
type RoleRef = Readonly<k8s.RoleRef>;

/** Who a role binds in a namespace: its kind, and its subjects by number (Subjects), as added. */
interface Bound {
  readonly roleKind: 'ClusterRole' | 'Role';
  readonly subjects: number[];
}

/** Subjects per (namespace, role name), by number (sorted and made unique when written); roleRef kind is kept with the role. */
class Bindings {
  private readonly byNamespace = new Map<string, Map<string, Bound>>();
  // Grants arrive sorted by namespace: the last namespace's roles are usually the next ones.
  private lastNamespace: string | undefined;
  private lastRoles: Map<string, Bound> | undefined;

  /** One roleRef per role, by kind and name: frozen and shared by its bindings in every namespace, so written once. */
  private readonly refs = { ClusterRole: new Map<string, RoleRef>(), Role: new Map<string, RoleRef>() };

  /** The roleRef of a binding of `roleName`: made on first use, then the same object (refs'). */
  roleRef(roleKind: 'ClusterRole' | 'Role', roleName: string): RoleRef {
    let ref = this.refs[roleKind].get(roleName);
    if (!ref)
      this.refs[roleKind].set(
        roleName,
        (ref = freezeWritten({
          apiGroup: RBAC_GROUP,
          kind: roleKind,
          name: roleName,
          [WRITTEN_TEXTS]: writtenTexts(),
        })),
      );
    return ref;
  }

  /** The bindings of `namespace`, by role name (made on first use). */
  private rolesIn(namespace: string): Map<string, Bound> {
    let roles = namespace === this.lastNamespace ? this.lastRoles : this.byNamespace.get(namespace);
    if (!roles) this.byNamespace.set(namespace, (roles = new Map()));
    this.lastNamespace = namespace;
    this.lastRoles = roles;
    return roles;
  }

  /** Who the binding of `roleName` in `namespace` binds (made on first use). */
  private bound(namespace: string, roleKind: 'ClusterRole' | 'Role', roleName: string): number[] {
    const roles = this.rolesIn(namespace);
    let entry = roles.get(roleName);
    if (!entry) roles.set(roleName, (entry = { roleKind, subjects: [] }));
    return entry.subjects;
  }

  add(namespace: string, roleKind: 'ClusterRole' | 'Role', roleName: string, subject: number): void {
    this.bound(namespace, roleKind, roleName).push(subject);
  }

  /** `add` for each of `subjects`, taking the list itself when the binding has none yet. */
  addList(namespace: string, roleKind: 'ClusterRole' | 'Role', roleName: string, subjects: number[]): void {
    const roles = this.rolesIn(namespace);
    const entry = roles.get(roleName);
    if (!entry) roles.set(roleName, { roleKind, subjects });
    else for (const s of subjects) entry.subjects.push(s);
  }

  /** `add` for each of `subjects`, the binding looked up once. */
  addEach(namespace: string, roleKind: 'ClusterRole' | 'Role', roleName: string, subjects: readonly number[]): void {
    if (!subjects.length) return;
    const bound = this.bound(namespace, roleKind, roleName);
    for (const s of subjects) bound.push(s);
  }

  in(namespace: string): ReadonlyMap<string, Bound> {
    return this.byNamespace.get(namespace) ?? new Map();
  }
}

/**
 * The one Subject of each user and token, by number, with the key bindings sort them by and its
 * size as written. Bindings hold numbers: 200,000 (person, binding) pairs at size L are sorted as
 * numbers, with no lookup of a subject's key or size per pair.
 */
class Subjects {
  // Users by name (the renderer asks once per person: collectBindings keeps each one's number);
  // accounts by sort key.
  private readonly named = new Map<string, number>();
  private readonly accounts = new Map<string, number>();
  private readonly subjects: Subject[] = [];
  private readonly sortKeys: string[] = [];
  private readonly sizes: number[] = [];
  /** Whether every subject was made after those its key sorts after: then numbers sort as keys do. */
  private inKeyOrder = true;

  constructor(private readonly model: Pick<OrgModel, 'usernamePrefix'>) {}

  private made(ref: SubjectRef, sortKey: string): number {
    const s = subjectObject(ref);
    const n = this.subjects.length;
    if (n && !(this.sortKeys[n - 1]! < sortKey)) this.inKeyOrder = false;
    this.subjects.push(s);
    this.sortKeys.push(sortKey);
    this.sizes.push(subjectBytes(s));
    return n;
  }

  user(userKey: string): number {
    return this.userNamed(usernameOf(this.model, userKey));
  }

  /** A person's subject by their Kubernetes username: one object per name, so a binding names them once. */
  userNamed(name: string): number {
    let n = this.named.get(name);
    if (n === undefined) {
      const ref = { kind: 'User', name } as const;
      this.named.set(name, (n = this.made(ref, subjectKey(ref))));
    }
    return n;
  }

  serviceAccount(namespace: string, name: string): number {
    const ref = { kind: 'ServiceAccount', name, namespace } as const;
    const key = subjectKey(ref);
    let n = this.accounts.get(key);
    if (n === undefined) this.accounts.set(key, (n = this.made(ref, key)));
    return n;
  }

  /**
   * `numbers` put in their subjects' key order, in place (repeats next to each other: `parts` drops
   * them): `parts` reads one kind of list (a typed array for some bindings and an array for others
   * made its loop read both the slow way). Placement's lists come by grant, in declaration order.
   */
  private sort(numbers: number[]): void {
    const keys = this.sortKeys;
    const byKey = !this.inKeyOrder;
    let inOrder = true;
    for (let i = 1; i < numbers.length; i++) {
      const a = numbers[i - 1]!;
      const b = numbers[i]!;
      if (a !== b && !(byKey ? keys[a]! < keys[b]! : a < b)) {
        inOrder = false;
        break;
      }
    }
    if (inOrder) return;
    if (byKey) numbers.sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0));
    else {
      const sorted = Int32Array.from(numbers).sort();
      for (let i = 0; i < sorted.length; i++) numbers[i] = sorted[i]!;
    }
  }

  /**
   * The subjects of `numbers` as a binding's parts: in key order, each once, split into runs whose
   * sizes stay under `maxBytes` (always one part, maybe empty). Made in one walk of the sorted
   * numbers: no list of the unique numbers nor of each part's numbers is made to be copied again.
   */
  parts(numbers: number[], maxBytes: number): Subject[][] {
    this.sort(numbers);
    const sizes = this.sizes;
    // First each part's length, then each part made at it: a list grown by push keeps up to twice
    // its room, and the bindings keep these lists to the end of synthesis.
    const lengths: number[] = [];
    let length = 0;
    let bytes = 0;
    for (let i = 0; i < numbers.length; i++) {
      const n = numbers[i]!;
      if (i && n === numbers[i - 1]) continue;
      if (length && bytes + sizes[n]! > maxBytes) {
        lengths.push(length);
        length = 0;
        bytes = 0;
      }
      length++;
      bytes += sizes[n]!;
    }
    lengths.push(length);
    const parts: Subject[][] = [];
    let at = 0;
    for (const count of lengths) {
      const part = new Array<Subject>(count);
      for (let k = 0; k < count; at++)
        if (!at || numbers[at] !== numbers[at - 1]) part[k++] = this.subjects[numbers[at]!]!;
      parts.push(part);
    }
    return parts;
  }
}

const toRules = (rules: readonly PolicyRule[]): k8s.PolicyRule[] =>
  rules.map((r) => ({
    ...(r.apiGroups ? { apiGroups: [...r.apiGroups] } : {}),
    ...(r.nonResourceURLs ? { nonResourceURLs: [...r.nonResourceURLs] } : {}),
    ...(r.resourceNames ? { resourceNames: [...r.resourceNames] } : {}),
    ...(r.resources ? { resources: [...r.resources] } : {}),
    verbs: [...r.verbs],
  }));

/** Splits items into consecutive runs whose size stays under `maxBytes` (a binding's subjects: Subjects.parts). */
function chunkBySize<T>(items: readonly T[], size: (t: T) => number, maxBytes: number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const it of items) {
    const s = size(it);
    if (current.length && bytes + s > maxBytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(it);
    bytes += s;
  }
  if (current.length || !chunks.length) chunks.push(current);
  return chunks;
}

/** What to do with each role a grant binds (eachRoleOfGrant). */
interface GrantRoleVisitor {
  /** A catalog level (one LEVEL_NUMBER numbers): the ClusterRole `levelRoleName(org, level)`. */
  level(level: string): void;
  /** A custom role the organization declares: the Role `customRoleName(org, name)`. */
  customRole(name: string): void;
  /** The grant's inline rules: the Role `customRoleName(org, user)`. */
  rules(): void;
}

/** Each catalog level's place in the catalog, by its id: what is a level (findLevel), as a number. */
const LEVEL_NUMBER: ReadonlyMap<string, number> = new Map(CATALOG.map((l, i) => [l.id, i]));

/** Each role's catalog levels as their numbers (LEVEL_NUMBER), a name no level has left out: worked out per role, not per grant. */
const roleLevelNumbers = (roleLevels: ReadonlyMap<string, readonly string[]>): ReadonlyMap<string, readonly number[]> =>
  new Map(
    [...roleLevels].map(([name, levels]) => [
      name,
      levels.map((l) => LEVEL_NUMBER.get(l)).filter((n): n is number => n !== undefined),
    ]),
  );

/**
 * Each role a grant binds in its namespace: the catalog levels it names and its named roles', the
 * custom roles the organization declares, its inline rules. grantExpiries dates them; collectBindings,
 * which binds them, walks the same roles in the same order itself (one visitor here keeps this call
 * monomorphic: its second one had it deoptimized and compiled again in every synthesis).
 */
function eachRoleOfGrant(
  g: GrantModel,
  roleLevels: ReadonlyMap<string, readonly string[]>,
  customRoles: { has(name: string): boolean },
  visit: GrantRoleVisitor,
): void {
  for (const l of g.levels) if (LEVEL_NUMBER.has(l)) visit.level(l);
  for (const r of g.roles) for (const l of roleLevels.get(r) ?? NO_ITEMS) if (LEVEL_NUMBER.has(l)) visit.level(l);
  for (const c of g.customRoles) if (customRoles.has(c)) visit.customRole(c);
  if (g.rules.length) visit.rules();
}

/**
 * What each person holds only until a date (MemberUser.expiring): for every role a bound grant
 * binds in a namespace (eachRoleOfGrant), the latest end among the grants binding it, none when
 * one of them has no end. Most grants have no end, so only the people with one are followed (3%
 * of the grants of a generated organization).
 */
const expiriesCache = new WeakMap<OrgModel, { today: string; byUser: Map<string, MemberGrantExpiry[]> }>();
function grantExpiries(model: OrgModel, today: string): ReadonlyMap<string, readonly MemberGrantExpiry[]> {
  const cached = expiriesCache.get(model);
  if (cached?.today === today) return cached.byUser;
  const byUser = new Map<string, MemberGrantExpiry[]>();
  const users = new Map(model.users.map((u) => [u.key, u]));
  const namespaces = new Set(model.namespaces.map((n) => n.name));
  const roleLevels = new Map(model.roles.map((r) => [r.name, r.levels]));
  const customRoles = new Set(model.customRoles.map((r) => r.name));
  // user → expiryKey → the role and its last day (null: for good), and the namespaces it dates.
  const ends = new Map<
    string,
    { roles: Map<string, { namespace: string; role: string; until: string | null }>; namespaces: Set<string> }
  >();
  // One visitor for every grant (no closure per grant): the grant it visits is set before.
  let g: GrantModel;
  let mine: NonNullable<ReturnType<typeof ends.get>>;
  let forGood: readonly string[];
  let dating: boolean;
  const hold = (role: string) => {
    const k = expiryKey(g.namespace, role);
    const end = g.expires ?? null;
    const was = mine.roles.get(k);
    if (was === undefined) {
      // A role no dated grant binds holds for good: only dated grants add one.
      if (dating) mine.roles.set(k, { namespace: g.namespace, role, until: end });
    } else if (was.until !== null && (end === null || end > was.until)) was.until = end;
  };
  const visitor: GrantRoleVisitor = {
    // A level the person holds by standing (an admin's w:full, Add All's) holds for good.
    level: (l) => {
      if (!forGood.includes(l)) hold(levelRoleName(model.name, l));
    },
    customRole: (c) => hold(customRoleName(model.name, c)),
    rules: () => hold(customRoleName(model.name, g.user)),
  };
  const visit = (grant: GrantModel, datingNow: boolean) => {
    const u = users.get(grant.user);
    if (!u || !grantsBound(u) || !namespaces.has(grant.namespace)) return;
    let m = ends.get(grant.user);
    if (!m) {
      if (!datingNow) return;
      ends.set(grant.user, (m = { roles: new Map(), namespaces: new Set() }));
    }
    if (datingNow) m.namespaces.add(grant.namespace);
    const standing = standingOf(u);
    g = grant;
    mine = m;
    forGood = standing ? LEVELS_BY_STANDING[standing] : NO_ITEMS;
    dating = datingNow;
    eachRoleOfGrant(grant, roleLevels, customRoles, visitor);
  };
  // Dated grants first (3% of a generated organization's), then those for good where they date something.
  // In declaration order, the order grants sit in memory (model/model.ts grantsInMemoryOrder).
  const grants = grantsInMemoryOrder(model);
  for (const grant of grants) if (grant.expires !== undefined && !isExpired(grant.expires, today)) visit(grant, true);
  if (ends.size) {
    // Each grant's person by number (byGrantUser): only the grants of people with a dated grant are
    // read, and each person looked up once (a lookup of every grant's user was most of this walk).
    const endsOf = byGrantUser(model, (key) => ends.get(key), 'memory');
    for (let i = 0; i < grants.length; i++) {
      const dated = endsOf(grants[i]!, i);
      if (!dated) continue;
      const grant = grants[i]!;
      if (grant.expires === undefined && dated.namespaces.has(grant.namespace)) visit(grant, false);
    }
  }
  for (const [user, m] of ends) {
    const records: MemberGrantExpiry[] = [];
    for (const k of [...m.roles.keys()].sort()) {
      const { namespace, role, until } = m.roles.get(k)!;
      if (until !== null) records.push({ namespace, role, until });
    }
    if (records.length) byUser.set(user, records);
  }
  expiriesCache.set(model, { today, byUser });
  return byUser;
}

/** `namespace\u0000Role name` → the declaration that made the Role (first one wins). */
type RoleSources = Map<string, Source>;
const roleKey = (ns: string, name: string) => `${ns}\u0000${name}`;

/** Collects who holds what, where: the one pass over the model. */
function collectBindings(
  model: OrgModel,
  today: string,
  subjects: Subjects,
): { bindings: Bindings; customRoles: Map<string, Map<string, PolicyRule[]>>; roleSources: RoleSources } {
  const bindings = new Bindings();
  // The declared namespaces, each with its number (levelLists below is by it).
  const namespaceNames = [...new Set(model.namespaces.map((n) => n.name))];
  const namespaceNumbers = new Map(namespaceNames.map((ns, i) => [ns, i]));
  // Each person with their subject's number, made in name order (users are sorted by key; a
  // username is one prefix and the key), so that numbers sort as names do. A grant finds its person
  // by its user's number (byGrantUser) where the model has them, else by one lookup.
  // Each value is the person's number, or -1 for one bound to nothing (grantsBound): a grant's walk
  // reads one small integer, not the person's record and then their user (two loads from scattered
  // memory per grant: 500,000 at size XL).
  const users = new Map(
    model.users.map((u) => {
      const subject = subjects.user(u.key);
      return [u.key, grantsBound(u) ? subject : -1];
    }),
  );
  const roleLevels = new Map(model.roles.map((r) => [r.name, r.levels]));
  const customRuleSets = new Map(model.customRoles.map((r) => [r.name, r.rules]));
  const customRoleSources = new Map(model.customRoles.map((r) => [r.name, r.source]));
  const roleSources: RoleSources = new Map();
  const madeAt = (ns: string, name: string, source: Source | undefined) => {
    if (source !== undefined && !roleSources.has(roleKey(ns, name))) roleSources.set(roleKey(ns, name), source);
  };
  const org = model.name;
  // Names built once, not once per grant and level.
  const catalogRoles = new Map(CATALOG.map((l) => [l.id, levelRoleName(org, l.id)]));
  const catalogRole = (level: string) => catalogRoles.get(level)!;
  const customRoleOf = (name: string) => customRoleName(org, name);

  // namespace → Role name → rules: custom roles and inline rules, emitted only where bound.
  const customRoles = new Map<string, Map<string, PolicyRule[]>>();
  const rolesIn = (ns: string) => {
    let roles = customRoles.get(ns);
    if (!roles) customRoles.set(ns, (roles = new Map()));
    return roles;
  };
  const addInlineRules = (ns: string, name: string, rules: readonly PolicyRule[], source: Source) => {
    madeAt(ns, name, source);
    const roles = rolesIn(ns);
    roles.set(name, [...(roles.get(name) ?? []), ...rules]);
  };
  const useCustomRole = (ns: string, customRole: string, subject: number) => {
    const rules = customRuleSets.get(customRole);
    if (!rules) return;
    const name = customRoleOf(customRole);
    if (!rolesIn(ns).has(name)) {
      rolesIn(ns).set(name, [...rules]);
      madeAt(ns, name, customRoleSources.get(customRole));
    }
    bindings.add(ns, 'Role', name, subject);
  };

  // Who each catalog level binds in each namespace, by their numbers: a list per (namespace,
  // level), found by two small integers, not by the role's name among the namespace's (three
  // lookups by string for each level of each grant: 750,000 at size XL). Made Bindings below.
  const levelCount = CATALOG.length;
  const levelLists: (number[] | undefined)[] = new Array(namespaceNames.length * levelCount);
  let listsAt = 0;

  // Each level a grant binds is pushed to its (namespace, level) list: the grant's own levels by
  // LEVEL_NUMBER, its named roles' as numbers worked out once per role.
  const roleNumbers = roleLevelNumbers(roleLevels);
  let subject = 0;
  const bindLevel = (n: number) => {
    const list = levelLists[listsAt + n];
    if (list) list.push(subject);
    else levelLists[listsAt + n] = [subject];
  };
  // In the order the grants sit in memory, not sorted: synthesis then never sorts them (500,000 at
  // size XL; grantsOfUserIn answers its findings' few questions by a walk), and the walk reads them
  // from memory in order. The order decides nothing written: a binding's subjects are sorted when
  // written (Subjects.parts), and a person's inline rules in a namespace (their Role's rules, its
  // source) come from their own grants there, in declaration order in either walk. Only a custom
  // role named as a person (no name its rules pass) would share a Role with their inline rules,
  // whose rules would then follow the walk: then the grants are walked sorted, as before.
  const sharesRoles = model.customRoles.some((r) => users.has(r.name));
  const subjectOf = byGrantUser(model, (key) => users.get(key) ?? -1, sharesRoles ? 'model' : 'memory');
  // Grants come by namespace: its number (-1: not declared) is looked up once per run of them.
  let namespace: string | undefined;
  let numbered = -1;
  const grants = sharesRoles ? model.grants : grantsInMemoryOrder(model);
  for (let k = 0; k < grants.length; k++) {
    const g = grants[k]!;
    subject = subjectOf(g, k);
    if (subject < 0) continue;
    if (g.namespace !== namespace) numbered = namespaceNumbers.get((namespace = g.namespace)) ?? -1;
    if (numbered < 0 || isExpired(g.expires, today)) continue;
    listsAt = numbered * levelCount;
    // The roles eachRoleOfGrant names, walked here without its visitor: a second visitor there
    // (grantExpiries') made its call of one polymorphic, deoptimized and compiled again.
    const levels = g.levels;
    for (let j = 0; j < levels.length; j++) {
      const n = LEVEL_NUMBER.get(levels[j]!);
      if (n !== undefined) bindLevel(n);
    }
    const named = g.roles;
    for (let j = 0; j < named.length; j++) {
      const numbers = roleNumbers.get(named[j]!);
      if (numbers !== undefined) for (let m = 0; m < numbers.length; m++) bindLevel(numbers[m]!);
    }
    for (const c of g.customRoles) if (customRuleSets.has(c)) useCustomRole(g.namespace, c, subject);
    if (g.rules.length) {
      // Inline rules: one Role per (namespace, user), named after the user.
      addInlineRules(g.namespace, customRoleOf(g.user), g.rules, g.source);
      bindings.add(g.namespace, 'Role', customRoleOf(g.user), subject);
    }
  }
  for (let i = 0; i < namespaceNames.length; i++)
    for (let n = 0; n < levelCount; n++) {
      const list = levelLists[i * levelCount + n];
      if (list) bindings.addList(namespaceNames[i]!, 'ClusterRole', catalogRole(CATALOG[n]!.id), list);
    }

  const admins: number[] = [];
  const addingAll: number[] = [];
  for (const u of model.users) {
    const standing = standingOf(u);
    if (standing === 'admin') admins.push(subjects.user(u.key));
    else if (standing === 'add-all') addingAll.push(subjects.user(u.key));
  }
  // Namespace by namespace, each binding looked up once for all of them (bindings sort their
  // subjects): 100 admins in 10,000 namespaces are a million subjects at size XL.
  // Admins hold full access everywhere, the system namespace included.
  for (const ns of [...namespaceNames, model.systemNamespace])
    for (const l of LEVELS_BY_STANDING.admin) bindings.addEach(ns, 'ClusterRole', catalogRole(l), admins);
  // Add All holds every grantable level wherever a member may be granted one: not where a namespace is for admins only.
  const adminsOnly = adminsOnlyNamespaces(model.namespaces);
  for (const ns of namespaceNames)
    if (!adminsOnly.has(ns))
      for (const l of LEVELS_BY_STANDING['add-all']) bindings.addEach(ns, 'ClusterRole', catalogRole(l), addingAll);

  for (const t of liveTokens(model, today)) {
    const subject = subjects.serviceAccount(model.systemNamespace, tokenAccountName(t.id, t.rotation));
    for (const ns of t.namespaces) {
      if (!namespaceNumbers.has(ns)) continue;
      for (const l of t.levels) if (findLevel(l)) bindings.add(ns, 'ClusterRole', catalogRole(l), subject);
    }
    for (const r of t.rbac) {
      if (!namespaceNumbers.has(r.namespace)) continue;
      if (r.rules.length) {
        addInlineRules(r.namespace, tokenRoleName(org, t.id), r.rules, r.source);
        bindings.add(r.namespace, 'Role', tokenRoleName(org, t.id), subject);
      }
      for (const c of r.customRoles) useCustomRole(r.namespace, c, subject);
    }
  }
  return { bindings, customRoles, roleSources };
}

function clusterRoles(model: OrgModel): Manifest[] {
  return CATALOG.map((level) =>
    manifest(RBAC_V1, 'ClusterRole', {
      metadata: meta(model, 'ClusterRole', levelRoleName(model.name, level.id), undefined, {
        'orgctl.io/level': level.id,
        'orgctl.io/description': level.description,
        ...(level.adminOnly ? { 'orgctl.io/admin-only': 'true' } : {}),
      }),
      rules: toRules(level.rules),
    } satisfies k8s.KubeClusterRoleProps),
  );
}

export function namespaceObject(
  model: OrgModel,
  name: string,
  source?: Source,
  settings?: NamespaceSettings,
): Manifest {
  return declared(
    manifest('v1', 'Namespace', {
      metadata: namespaceMetadata(
        model,
        meta(model, 'Namespace', name, undefined, {
          // Neither dropping a namespace from the declaration nor deleting its Application deletes it.
          [SYNC_OPTIONS_ANNOTATION]: NAMESPACE_SYNC_OPTIONS,
        }),
        settings,
      ),
    } satisfies k8s.KubeNamespaceProps),
    source,
  );
}

/** The order of a namespace's RoleBindings by the role they bind: the catalog's levels first, in its order. */
export function bindingOrder(org: string): (a: string, b: string) => number {
  const prefix = levelRoleName(org, '').length;
  return (a, b) => compareLevels(a.slice(prefix), b.slice(prefix));
}

function roleBindings(
  model: Pick<OrgModel, 'name'>,
  ns: string,
  bindings: Bindings,
  subjects: Subjects,
  maxBytes: number,
  roleSources: RoleSources,
): Manifest[] {
  const out: Manifest[] = [];
  const roles = bindings.in(ns);
  const names = [...roles.keys()].sort(bindingOrder(model.name));
  for (const roleName of names) {
    const { roleKind, subjects: bound } = roles.get(roleName)!;
    // Only Roles are made by a declaration (madeAt): a ClusterRole's binding has no source to look up.
    const source = roleKind === 'Role' ? roleSources.get(roleKey(ns, roleName)) : undefined;
    subjects.parts(bound, maxBytes).forEach((chunk, i) => {
      out.push(
        declared(
          manifest(RBAC_V1, 'RoleBinding', {
            metadata: meta(model, 'RoleBinding', i === 0 ? roleName : `${roleName}:${i + 1}`, ns),
            roleRef: bindings.roleRef(roleKind, roleName),
            subjects: chunk, // last: the text after SUBJECTS_LINE is the subjects' entries alone
          } satisfies k8s.KubeRoleBindingProps),
          source,
        ),
      );
    });
  }
  return out;
}

function customRoleObjects(
  model: OrgModel,
  ns: string,
  roles: Map<string, PolicyRule[]> | undefined,
  roleSources: RoleSources,
): Manifest[] {
  return [...(roles ?? new Map<string, PolicyRule[]>()).entries()]
    .sort(([a], [b]) => byText(a, b))
    .map(([name, rules]) =>
      declared(
        manifest(RBAC_V1, 'Role', {
          metadata: meta(model, 'Role', name, ns),
          rules: toRules(rules),
        } satisfies k8s.KubeRoleProps),
        roleSources.get(roleKey(ns, name)),
      ),
    );
}

/** A subject as a RoleBinding names it: a person by Kubernetes username, or a ServiceAccount. */
export type SubjectRef =
  | { readonly kind: 'User'; readonly name: string }
  | { readonly kind: 'ServiceAccount'; readonly name: string; readonly namespace: string };

/**
 * A subject as bindings hold it, its texts as written kept on it where the writer reads a frozen
 * mapping's (WRITTEN_TEXTS, through an accessor of the class: no own property, so no key, JSON text
 * or spread copy sees it, as none sees freezeWritten's). Made by a class, not freezeWritten's
 * literal: a literal with a computed key, then that key made non-enumerable, cost 2-4 µs a subject
 * (10,000 people at size L, 50,000 at XL). Each kind's class sets its keys in the order written,
 * then freezes it.
 */
abstract class WrittenSubject {
  readonly #texts = writtenTexts();
  get [WRITTEN_TEXTS](): ReturnType<typeof writtenTexts> {
    return this.#texts;
  }
}

/** A person's subject as bindings hold it (WrittenSubject). */
class UserSubject extends WrittenSubject {
  readonly apiGroup: string;
  readonly kind: 'User';
  readonly name: string;
  constructor(name: string) {
    super();
    this.apiGroup = RBAC_GROUP;
    this.kind = 'User';
    this.name = name;
    Object.freeze(this);
  }
}

/** A token's ServiceAccount as bindings hold it (WrittenSubject). */
class AccountSubject extends WrittenSubject {
  readonly kind: 'ServiceAccount';
  readonly name: string;
  readonly namespace: string;
  constructor(name: string, namespace: string) {
    super();
    this.kind = 'ServiceAccount';
    this.name = name;
    this.namespace = namespace;
    Object.freeze(this);
  }
}

/** The subject object a binding holds for `ref` (frozen: the writer keeps its text), its keys in the order written. */
const subjectObject = (ref: SubjectRef): Subject =>
  ref.kind === 'User' ? new UserSubject(ref.name) : new AccountSubject(ref.name, ref.namespace);

/**
 * Where a subject is ordered among a binding's (Subjects.sorted): people first, by name; then
 * service accounts, by namespace and name.
 */
export const subjectKey = (ref: SubjectRef): string =>
  ref.kind === 'User' ? `0\u0000${ref.name}` : `1\u0000${ref.namespace}\u0000${ref.name}`;

/** A subject's bytes as a binding's size limit counts them (Subjects.parts against MAX_OBJECT_BYTES). */
const subjectBytes = (s: Subject): number => byteLength(JSON.stringify(s)) + 8;
export const refBytes = (ref: SubjectRef): number => subjectBytes(subjectObject(ref));

/**
 * A person's subject's bytes (refBytes), without the subject object and JSON text made for each:
 * for a name JSON writes as it is (jsonAsIs), an empty name's bytes and one a character. The proof
 * against base counts its large bindings' people so (a role of 2,958 in two parts at size L).
 */
const EMPTY_USER_BYTES = refBytes({ kind: 'User', name: '' });
export const userBytes = (name: string): number =>
  jsonAsIs(name) ? EMPTY_USER_BYTES + name.length : refBytes({ kind: 'User', name });

/** Whether subjects of `bytes` in all (refBytes) are one RoleBinding, not parts (Subjects.parts). */
export const fitsOneBinding = (bytes: number): boolean => bytes <= MAX_OBJECT_BYTES;

/** `items` split into a RoleBinding's parts as Subjects.parts splits its subjects (each one's bytes: `size`, refBytes). */
export const bindingParts = <T>(items: readonly T[], size: (t: T) => number): T[][] =>
  chunkBySize(items, size, MAX_OBJECT_BYTES);

/**
 * Whether subjects whose entries (subjectEntry) are `length` characters in all surely are one
 * RoleBinding, their bytes not counted: a subject's bytes (subjectBytes: its JSON, each UTF-16 unit
 * of a name at most 6 bytes, `\uXXXX`, with fewer than 6 times as many bytes of keys and quotes) are
 * at most 6 times its entry's characters (the same names, each at least as long, with longer keys:
 * test/render-subjects.test.ts).
 */
export const surelyOneBinding = (length: number): boolean => 6 * length <= MAX_OBJECT_BYTES;

/** The line a RoleBinding's subjects follow: its last key, so the text after it is theirs alone. */
export const SUBJECTS_LINE = 'subjects:\n';

/**
 * One subject's entry in a RoleBinding's subjects, as the writer writes the object the render puts
 * there (subjectObject, at the top level): a binding's text is its text up to SUBJECTS_LINE, then
 * its subjects' entries in order (the review's proof against base splices a changed binding's from
 * these).
 */
export const subjectEntry = (ref: SubjectRef): string =>
  toYamlDocument({ subjects: [subjectObject(ref)] }).slice(SUBJECTS_LINE.length);

/** Who one role binds in a namespace. */
export interface RoleHolders {
  readonly roleKind: 'ClusterRole' | 'Role';
  readonly roleName: string;
  readonly subjects: readonly SubjectRef[];
}

/**
 * A namespace's RoleBindings exactly as synthesis writes them from who each role binds there (for
 * the organization `org`; the function it returns serves every namespace): the
 * roles in the catalog's order, each role's subjects once, sorted and split by size, the parts
 * named as synthesis names them. The review's proof against base re-renders with it what a change
 * touched (review/base-proof.ts).
 */
export function namespaceRoleBindings(org: string): (ns: string, roles: readonly RoleHolders[]) => Manifest[] {
  // One subject object per person across namespaces, as in synthesis: sized and written once.
  // People come by name (userNamed): the prefix, for names made from emails, is never used here.
  const subjects = new Subjects({ usernamePrefix: '' });
  return (ns, roles) => {
    const bindings = new Bindings();
    for (const r of roles)
      for (const s of r.subjects)
        bindings.add(
          ns,
          r.roleKind,
          r.roleName,
          s.kind === 'User' ? subjects.userNamed(s.name) : subjects.serviceAccount(s.namespace, s.name),
        );
    return roleBindings({ name: org }, ns, bindings, subjects, MAX_OBJECT_BYTES, new Map());
  };
}

/** Levels, rules and ends gathered for one dormant record. */
export interface DormantParts {
  readonly levels: Set<string>;
  readonly rules: PolicyRule[];
  /** Each grant's last day, '' for one without an end. */
  readonly ends: string[];
}

/**
 * Adds one grant to a dormant record's parts: its catalog levels (a name no level has is no level:
 * dropped), its rules as given, its end ('' for none).
 */
export function addDormantGrant(
  at: DormantParts,
  levels: readonly string[],
  rules: readonly PolicyRule[],
  expires: string | undefined,
): void {
  for (const l of levels) if (findLevel(l)) at.levels.add(l);
  at.rules.push(...rules);
  at.ends.push(expires ?? '');
}

/**
 * A person's dormant records from their parts by namespace, as the membership data writes them: by
 * namespace, each with something staged, levels sorted, an end only when every grant has one (the
 * proof against base re-writes a head's records through this too).
 */
export function dormantRecords(byNamespace: ReadonlyMap<string, DormantParts>): MemberDormantGrant[] {
  return [...byNamespace]
    .filter(([, p]) => p.levels.size || p.rules.length)
    .sort(([a], [b]) => byText(a, b))
    .map(([namespace, p]): MemberDormantGrant => {
      const until = p.ends.includes('') ? undefined : [...p.ends].sort().at(-1);
      return {
        namespace,
        ...(p.levels.size ? { levels: [...p.levels].sort() } : {}),
        ...(p.rules.length ? { rules: p.rules } : {}),
        ...(until ? { until } : {}),
      };
    });
}

/** The rules of a grant's (or a token's) custom roles, after its inline rules, as orderedRule writes them. */
function rulesWithCustomRoles(
  inline: readonly PolicyRule[],
  customRoles: readonly string[],
  ruleSets: ReadonlyMap<string, readonly PolicyRule[]>,
): PolicyRule[] {
  return [...inline, ...customRoles.flatMap((c) => ruleSets.get(c) ?? NO_ITEMS)].map(orderedRule);
}

/**
 * The grants that hold today of each person bound to nothing (deactivated, or Remove All: not
 * grantsBound), merged by namespace (MemberDormantGrant): they bind nothing, yet a pull request
 * staging them must change the output, so a review reads it (R113-2: Remove All's were not).
 */
function dormantGrants(
  model: OrgModel,
  today: string,
  ruleSets: ReadonlyMap<string, readonly PolicyRule[]>,
): ReadonlyMap<string, readonly MemberDormantGrant[]> {
  const away = new Set(model.users.filter((u) => !grantsBound(u)).map((u) => u.key));
  const out = new Map<string, MemberDormantGrant[]>();
  if (!away.size) return out;
  const roleLevels = new Map(model.roles.map((r) => [r.name, r.levels]));
  const parts = new Map<string, Map<string, DormantParts>>();
  // Each grant's person by number (byGrantUser): only the grants of people bound to nothing are read. A
  // lookup of every grant's user string (a cache miss each, in sorted order) was 0.3 s of synth at XL.
  // In memory order (collectBindings says why): a record is one person's in one namespace, made
  // from their grants there in declaration order, as the sorted list gives them.
  const isAway = byGrantUser(model, (key) => away.has(key), 'memory');
  const grants = grantsInMemoryOrder(model);
  for (let k = 0; k < grants.length; k++) {
    if (!isAway(grants[k]!, k)) continue;
    const g = grants[k]!;
    if (isExpired(g.expires, today)) continue;
    let mine = parts.get(g.user);
    if (!mine) parts.set(g.user, (mine = new Map()));
    let at = mine.get(g.namespace);
    if (!at) mine.set(g.namespace, (at = { levels: new Set(), rules: [], ends: [] }));
    addDormantGrant(
      at,
      [...g.levels, ...g.roles.flatMap((r) => roleLevels.get(r) ?? NO_ITEMS)],
      rulesWithCustomRoles(g.rules, g.customRoles, ruleSets),
      g.expires,
    );
  }
  for (const [user, byNamespace] of parts) {
    const records = dormantRecords(byNamespace);
    if (records.length) out.set(user, records);
  }
  return out;
}

/**
 * The custom RBAC of a token that is not live (deactivated, or expired: R113-3) by namespace, in
 * declared order (MemberDormantRbac), as the record's field: its Roles are left out.
 */
function dormantRbacOf(
  t: TokenModel,
  ruleSets: ReadonlyMap<string, readonly PolicyRule[]>,
  today: string,
): { dormantRbac?: MemberDormantRbac[] } {
  if (isLiveToken(t, today) || !t.rbac.length) return {};
  const byNamespace = new Map<string, PolicyRule[]>();
  for (const r of t.rbac) {
    let rules = byNamespace.get(r.namespace);
    if (!rules) byNamespace.set(r.namespace, (rules = []));
    rules.push(...rulesWithCustomRoles(r.rules, r.customRoles, ruleSets));
  }
  const out = [...byNamespace].filter(([, rules]) => rules.length).map(([namespace, rules]) => ({ namespace, rules }));
  return out.length ? { dormantRbac: out } : {};
}

/**
 * A user's record with what their grants record after the rest, each left out when there is none:
 * dated access (MemberUser.expiring), then dormant grants (MemberUser.dormant).
 */
export const withGrantRecords = (
  user: Omit<MemberUser, 'expiring' | 'dormant'>,
  expiring: readonly MemberGrantExpiry[] | undefined,
  dormant: readonly MemberDormantGrant[] | undefined,
): MemberUser => ({ ...user, ...(expiring ? { expiring } : {}), ...(dormant ? { dormant } : {}) });

/**
 * Membership data made once per model and day: placement writes its ConfigMaps and synthesis
 * members.json from the same records (made twice, 0.3 s of synth at size XL). Shared: read only.
 */
const membershipCache = new WeakMap<OrgModel, { today: string; data: MembershipData }>();

/** Membership as plain data: the ConfigMaps' content, and dist/members.json for other systems. */
export function membershipData(model: OrgModel, today: string): MembershipData {
  const cached = membershipCache.get(model);
  if (cached?.today === today) return cached.data;
  const data = membershipDataOf(model, today);
  membershipCache.set(model, { today, data });
  return data;
}

function membershipDataOf(model: OrgModel, today: string): MembershipData {
  const organization: MemberOrganization = {
    name: model.name,
    owner: model.owner,
    usernamePrefix: model.usernamePrefix,
    // Who shares a mailbox: the change rules read base's, the diff compares them.
    ...(model.mailDomains ? { mailDomains: model.mailDomains } : {}),
    ssoEnforced: model.ssoEnforced,
    clusters: model.clusters,
    namespaces: model.namespaces.map((n) => n.name),
    massRemovalThreshold: model.massRemovalThreshold,
    // Delivery settings: the review compares them (settings-change) and re-renders from them.
    shards: model.shards,
    ...(model.argocd ? { argocd: model.argocd } : {}),
    // Named bundles of levels: invites name them, and the review re-renders from this data.
    ...(model.roles.length ? { roles: model.roles.map((r) => ({ name: r.name, levels: r.levels })) } : {}),
    // Guard rails (model/guard-rails.ts): the review re-renders from them, the diff compares them.
    ...(model.namespaceDefaults ? { namespaceDefaults: model.namespaceDefaults } : {}),
    ...(model.namespaceProtection ? { namespaceProtection: model.namespaceProtection } : {}),
    // What non-admins may write in unknown API groups: the policies judge from it, the diff compares it.
    ...(model.safeCustomResources ? { safeCustomResources: model.safeCustomResources } : {}),
    // Dormant grants are recorded (users' `dormant`, tokens' `dormantRbac`): an output without this recorded none.
    recordsDormant: true,
  };
  const expiring = grantExpiries(model, today);
  // Custom roles' rules by name, for what deactivated people and tokens are recorded to hold.
  const ruleSets = new Map(model.customRoles.map((r) => [r.name, r.rules]));
  const dormant = dormantGrants(model, today, ruleSets);
  const users = model.users.map(
    (u): MemberUser =>
      withGrantRecords(
        {
          email: u.key,
          username: usernameOf(model, u.key),
          ...(u.github !== undefined ? { github: u.github } : {}),
          ...(u.githubId !== undefined ? { githubId: u.githubId } : {}),
          admin: u.admin,
          billing: u.billing,
          status: u.status,
          ...(u.addAll ? { access: 'all' } : u.removeAll ? { access: 'none' } : {}),
        },
        expiring.get(u.key),
        dormant.get(u.key),
      ),
  );
  const invites = model.invites.map(
    (i): MemberInvite => ({
      email: i.key,
      admin: i.admin,
      billing: i.billing,
      sso: i.sso,
      state: i.state,
      grants: i.grants.map((g) => ({
        namespace: g.namespace,
        ...(g.levels.length ? { levels: g.levels } : {}),
        ...(g.roles.length ? { roles: g.roles } : {}),
      })),
    }),
  );
  const tokens = model.tokens.map(
    (t): MemberToken => ({
      id: t.id,
      serviceAccount: tokenAccountName(t.id, t.rotation),
      ...(t.rotation ? { rotation: t.rotation } : {}),
      ...(t.note !== undefined ? { note: t.note } : {}),
      ...(t.expires !== undefined ? { expires: t.expires } : {}),
      ...(t.status === 'deactivated' ? { status: t.status } : {}),
      ...(t.name !== undefined ? { name: t.name } : {}),
      ...(t.owner !== undefined ? { owner: t.owner } : {}),
      namespaces: t.namespaces,
      ...(t.namespaces.length ? { levels: t.levels } : {}),
      // Only while live: a dead token's Roles are left out, so nothing in the output holds its rules.
      ...(t.rbac.length && isLiveToken(t, today) ? { customRbac: [...new Set(t.rbac.map((r) => r.namespace))] } : {}),
      ...dormantRbacOf(t, ruleSets, today),
    }),
  );
  const namespaces = model.namespaces
    .filter((n) => !isEmptySettings(n.settings))
    .map((n): MemberNamespace => ({ name: n.name, ...n.settings }));
  return { organization, users, invites, tokens, ...(namespaces.length ? { namespaces } : {}) };
}

const membershipConfigMap = (
  model: Pick<OrgModel, 'name' | 'systemNamespace'>,
  name: string,
  data: Record<string, string>,
): Manifest =>
  manifest('v1', 'ConfigMap', {
    metadata: meta(model, 'ConfigMap', name, model.systemNamespace),
    data,
  } satisfies k8s.KubeConfigMapProps);

/**
 * One membership list as its ConfigMaps: one JSON line per record (adding a user adds one line to
 * dist/). Every list grows with the organization: each is spread over numbered ConfigMaps, each
 * under the 256 KiB a client-side apply can copy into its annotation (a ConfigMap itself holds
 * 1 MiB; 12,000 invites in one ConfigMap were refused). Sizes in UTF-8 bytes, as the API server
 * counts them. (The proof against base writes the users' from base's texts when only their dated access changes: membershipListsFrom.)
 */
export function membershipLists(
  model: Pick<OrgModel, 'name' | 'systemNamespace'>,
  list: MembershipList,
  records: readonly object[],
): Manifest[] {
  return chunkBySize(
    records.map((r) => `${JSON.stringify(r)}\n`),
    byteLength,
    MAX_OBJECT_BYTES,
  ).map((chunk, i) =>
    membershipConfigMap(model, membershipListName(list, i), { [MEMBERSHIP_LISTS[list]]: chunk.join('') }),
  );
}

/** Whether `line` is written in a ConfigMap's block of lines as it is (a block has no escapes: blockScalar). */
const blockCarries = (line: string): boolean => toYamlDocument({ l: `${line}\n` }) === `l: |\n  ${line}\n`;

/**
 * membershipLists' ConfigMaps as written (toYamlDocument) for `records`, from `before`, the texts
 * the same list's were written as for `earlier` (as many records, in the same order): a record that
 * is the earlier one at its place keeps its line there (the same object, read from that line), a
 * record that is not has its line written anew; the lines are split as chunkBySize splits them (by
 * their bytes) and each ConfigMap's text up to its block of lines is the earlier text's at its
 * place (its name; the proof against base re-writes a few users' dated access among 10,000: base's
 * texts are orgctl's). Undefined when a text is not one line a record after its key's `|`, a new
 * line is not one a block carries as it is, or the lines take more ConfigMaps than before (then
 * membershipLists writes them whole).
 */
export function membershipListsFrom(
  list: MembershipList,
  records: readonly object[],
  earlier: readonly object[],
  before: readonly string[],
): string[] | undefined {
  const n = records.length;
  if (!n || n !== earlier.length) return undefined;
  const block = `\n  ${MEMBERSHIP_LISTS[list]}: |\n`;
  const pad = '    ';
  // Each ConfigMap's text up to its lines; each record's line: where it is in `before` (its pad to
  // its line break, inclusive), or its new text; and its bytes as chunkBySize counts them.
  const heads: string[] = [];
  const [text, from, to] = [new Int32Array(n), new Int32Array(n), new Int32Array(n)];
  const fresh: (string | undefined)[] = new Array(n);
  const sizes: number[] = new Array(n);
  let i = 0;
  for (let k = 0; k < before.length; k++) {
    const t = before[k]!;
    const start = t.indexOf(block) + block.length;
    if (start < block.length || !t.endsWith('\n') || start === t.length) return undefined;
    heads.push(t.slice(0, start));
    for (let p = start; p < t.length; i++) {
      const end = t.indexOf('\n', p);
      if (!t.startsWith(pad, p) || i >= n) return undefined;
      [text[i], from[i], to[i]] = [k, p, end + 1];
      if (records[i] !== earlier[i]) {
        const line = JSON.stringify(records[i]);
        if (!blockCarries(line)) return undefined;
        fresh[i] = `${pad}${line}\n`;
        sizes[i] = byteLength(line) + 1;
      } else sizes[i] = byteLength(t.slice(p + pad.length, end)) + 1;
      p = end + 1;
    }
  }
  if (i !== n) return undefined;
  const chunks = chunkBySize(
    Array.from({ length: n }, (_, r) => r),
    (r) => sizes[r]!,
    MAX_OBJECT_BYTES,
  );
  if (chunks.length > heads.length) return undefined;
  return chunks.map((chunk, c) => {
    const pieces = [heads[c]!];
    // Lines next to each other in one earlier text are one piece of it.
    let run = -1;
    const close = (r: number) => {
      if (run >= 0) pieces.push(before[text[run]!]!.slice(from[run]!, to[r - 1]!));
      run = -1;
    };
    for (const r of chunk) {
      if (fresh[r] !== undefined) {
        close(r);
        pieces.push(fresh[r]);
      } else if (run >= 0 && (text[r] !== text[run] || from[r] !== to[r - 1])) {
        close(r);
        run = r;
      } else if (run < 0) run = r;
    }
    close(chunk[chunk.length - 1]! + 1);
    return pieces.join('');
  });
}

const MEMBERS_INDENT = '  ';

/**
 * Records of a list written as one part: about 70 KB of text (a user's entry is ~260 bytes), under
 * V8's largest ordinary object (128 KB), so that each part is made where the young objects are, in
 * memory already touched. Parts of 1,024 records (~270 KB) were each a large object, memory of its
 * own: 500-600 more first-touched pages at size L, 8,600 at XL (200 parts of 70 KB at XL's 50,000).
 */
const MEMBERS_PART_RECORDS = 256;

/**
 * dist/members.json: the membership data as JSON, two spaces an indent (`JSON.stringify(data,
 * null, '  ')` and a line break), as parts, for a sink to write without the whole (20 MB at size
 * XL, made once by JSON.stringify and again with its last line break). Each list's records are written a
 * part at a time as JSON.stringify writes them two levels deep, from `[[...records]]` (its
 * `[\n  [` and `\n  ]\n]` cut off), each other value from `{key: value}` (its `{` and `\n}`).
 */
export function membersFileParts(data: MembershipData): string[] {
  const parts: string[] = ['{'];
  let first = true;
  for (const [key, value] of Object.entries(data)) {
    if (value === undefined) continue;
    if (!first) parts.push(',');
    first = false;
    if (!Array.isArray(value) || !value.length) {
      parts.push(JSON.stringify({ [key]: value }, null, MEMBERS_INDENT).slice(1, -2));
      continue;
    }
    parts.push(`\n${MEMBERS_INDENT}${JSON.stringify(key)}: [`);
    for (let i = 0; i < value.length; i += MEMBERS_PART_RECORDS) {
      if (i) parts.push(',');
      parts.push(JSON.stringify([value.slice(i, i + MEMBERS_PART_RECORDS)], null, MEMBERS_INDENT).slice(5, -6));
    }
    parts.push(`\n${MEMBERS_INDENT}]`);
  }
  parts.push(first ? '}\n' : '\n}\n');
  return parts;
}

/**
 * A user's entry as membersFileParts writes it inside `users` (two indents deep, from its line's
 * start): the proof against base puts head's in place of base's without writing the file again.
 */
export const membersFileUser = (u: MemberUser): string =>
  `\n${MEMBERS_INDENT.repeat(2)}${JSON.stringify(u, null, MEMBERS_INDENT).replaceAll('\n', `\n${MEMBERS_INDENT.repeat(2)}`)}`;

/** Membership as ConfigMaps in the system namespace, for the review step to read without running code. */
function membership(model: OrgModel, today: string): Manifest[] {
  const { organization, users, invites, tokens, namespaces } = membershipData(model, today);
  const cm = (name: string, data: Record<string, string>) => membershipConfigMap(model, name, data);
  const lists = (list: MembershipList, records: readonly object[]) => membershipLists(model, list, records);
  return [
    cm(ORGANIZATION_CONFIGMAP, { [ORGANIZATION_KEY]: `${JSON.stringify(organization)}\n` }),
    ...lists('users', users),
    ...lists('invites', invites),
    ...lists('tokens', tokens),
    // Written only when a namespace declares guard rails: an organization without stays as it was.
    ...(namespaces ? lists('namespaces', namespaces) : []),
  ];
}

/**
 * Tokens that have not expired and are not deactivated: the others' ServiceAccounts are left out, so
 * their tokens die (Argo CD prunes the ServiceAccount, its Secret and bindings).
 */
function liveTokens(model: OrgModel, today: string): TokenModel[] {
  return model.tokens.filter((t) => isLiveToken(t, today));
}

function tokenObjects(model: OrgModel, t: TokenModel): Manifest[] {
  const ns = model.systemNamespace;
  const name = tokenAccountName(t.id, t.rotation);
  const about = {
    'orgctl.io/token-id': t.id,
    ...(t.name !== undefined ? { 'orgctl.io/token-name': t.name } : {}),
    ...(t.owner !== undefined ? { 'orgctl.io/token-owner': t.owner } : {}),
    ...(t.rotation ? { 'orgctl.io/token-rotation': String(t.rotation) } : {}),
    ...(t.note !== undefined ? { 'orgctl.io/token-note': t.note } : {}),
    ...(t.expires !== undefined ? { 'orgctl.io/token-expires': t.expires } : {}),
  };
  return [
    manifest('v1', 'ServiceAccount', {
      metadata: meta(model, 'ServiceAccount', name, ns, about),
    } satisfies k8s.KubeServiceAccountProps),
    // No data: the cluster's token controller fills it in. No secret ever lands in dist/.
    manifest('v1', 'Secret', {
      metadata: meta(model, 'Secret', name, ns, { [SERVICE_ACCOUNT_NAME_ANNOTATION]: name, ...about }),
      type: SERVICE_ACCOUNT_TOKEN_TYPE,
    } satisfies k8s.KubeSecretProps),
  ].map((o) => declared(o, t.source));
}

/** FNV-1a: a stable hash, the same on every machine and in every version of Node. */
function stableHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The shard of a namespace (by its name) or a token (by its id): never moved by other changes. */
export function shardOf(key: string, shards: number): string {
  return shardNamed(stableHash(key) % shards, shards);
}

/** Hash-placed shard `index` of `shards`: its number as wide as the last one's, at least two digits. */
const shardNamed = (index: number, shards: number): string =>
  `shard-${String(index).padStart(Math.max(2, String(shards - 1).length), '0')}`;

/** Whether `shard` is one of the hash-placed shards `shardOf(..., shards)` names (shard-00 ... the last, at their width). */
export function isShardOfCount(shard: string, shards: number): boolean {
  const index = /^shard-(\d+)$/.exec(shard)?.[1];
  return index !== undefined && Number(index) < shards && shardNamed(Number(index), shards) === shard;
}

/** Cluster-wide objects (ClusterRoles) and orgctl's own system namespace live in a shard of their own. */
export const CLUSTER_SHARD = 'cluster';

/**
 * The shard orgctl places a namespace's objects in: the cluster shard for its own system namespace,
 * else the namespace's by its name (shardOf). The readers of the output (cli/output-read.ts) place by it too.
 */
export const shardOfNamespace = (ns: string, shards: number, systemNamespace: string): string =>
  ns === systemNamespace ? CLUSTER_SHARD : shardOf(ns, shards);
/**
 * The membership ConfigMaps' own shards (`members-00`, ...), written only when the cluster shard
 * would not fit one Argo CD Application with them.
 */
const MEMBERS_SHARD = 'members';
const membersShard = (i: number): string => `${MEMBERS_SHARD}-${String(i).padStart(2, '0')}`;
/** Whether a shard holds membership ConfigMaps only (members-NN). */
export const isMembersShard = (shard: string): boolean => /^members-\d{2,}$/.test(shard);

/** Whether a shard is placed by shardOf (a namespace's or a token's), not one of orgctl's own. */
export const isHashPlaced = (shard: string): boolean => shard.startsWith('shard-');

/** Room left in a shard's file for its header comment. */
const HEADER_ROOM = 1024;
/**
 * Each object's document as written (`---` line included), kept for the writer: measuring the
 * cluster shard writes its documents once, and renderFiles takes them from here.
 */
export const WRITTEN_DOCUMENTS = new WeakMap<object, string>();
/** A document's size as written, in bytes (shard-limit's measure, R57-3). */
const documentLength = (o: Manifest): number =>
  byteLength(streamDocument(o as unknown as Record<string, unknown>, WRITTEN_DOCUMENTS));

/**
 * Objects in order, packed into as few files as fit one Argo CD Application each (shard-limit's
 * measure: objects, and the file's bytes as written): one file when they all fit.
 */
function packIntoApplications(objects: readonly Manifest[]): Manifest[][] {
  const files: Manifest[][] = [];
  let length = 0;
  for (const o of objects) {
    const size = documentLength(o);
    const last = files[files.length - 1];
    if (last && withinShardLimits(last.length + 1, length + size)) {
      last.push(o);
      length += size;
    } else {
      files.push([o]);
      length = HEADER_ROOM + size;
    }
  }
  return files;
}
/** The folder name of the one cluster of an organization that names none (Argo CD's own name for it). */
const DEFAULT_CLUSTER = 'in-cluster';

/** The clusters the output is written for: the declared ones, else the one Argo CD runs in. */
export const outputClusters = (org: { readonly clusters: readonly string[] }): readonly string[] =>
  org.clusters.length ? org.clusters : [DEFAULT_CLUSTER];

export interface Placed {
  readonly cluster: string;
  readonly shard: string;
  /** What is placed, for people: `namespace <name>`, `token <id>`, or the cluster shard. */
  readonly unit: string;
  /** What shardOf places it by: the namespace's name, `token:<id>`; the cluster shard's is CLUSTER_SHARD. */
  readonly key: string;
  readonly objects: readonly Manifest[];
}

const placedCache = new WeakMap<OrgModel, { key: string; placed: readonly Placed[] }>();

/**
 * Every object of the output, placed in its cluster and shard. The same model and options give the
 * same (shared, not to be changed) result: the policies over the output and synthesis render once.
 */
export function placeOrganization(model: OrgModel, options: RenderOptions): readonly Placed[] {
  const key = `${options.today}\u0000${options.maxBindingBytes ?? ''}\u0000${options.withoutMembership === true}`;
  const hit = placedCache.get(model);
  if (hit?.key === key) return hit.placed;
  const placed = placeAll(model, options);
  placedCache.set(model, { key, placed });
  return placed;
}

const objectsCache = new WeakMap<readonly Placed[], readonly Manifest[]>();

/** Every placed object once (clusters share them), listed once per placement for every reader. */
export function objectsOnce(placed: readonly Placed[]): readonly Manifest[] {
  const known = objectsCache.get(placed);
  if (known) return known;
  const seen = new Set<Manifest>();
  for (const p of placed) for (const o of p.objects) seen.add(o);
  const objects = [...seen];
  objectsCache.set(placed, objects);
  return objects;
}

function placeAll(model: OrgModel, options: RenderOptions): Placed[] {
  if (model.systemNamespace !== systemNamespaceOf(model.name)) throw new Error('inconsistent system namespace');
  const maxBytes = options.maxBindingBytes ?? MAX_OBJECT_BYTES;
  const subjects = new Subjects(model);
  const { bindings, customRoles, roleSources } = collectBindings(model, options.today, subjects);
  const sys = model.systemNamespace;
  const roles = clusterRoles(model);
  const systemNamespace = namespaceObject(model, sys);
  const members = options.withoutMembership ? [] : membership(model, options.today);
  const adminsAndProtection = [
    ...roleBindings(model, sys, bindings, subjects, maxBytes, roleSources),
    ...(protectionAppliedByHand(model) ? [] : protectionObjects(model)),
  ];
  // The membership ConfigMaps stay in the cluster shard while it fits one Argo CD Application;
  // past that (tens of thousands of people), they move to shards of their own.
  const inCluster = [...roles, systemNamespace, ...members, ...adminsAndProtection];
  const membersShards =
    members.length && packIntoApplications(inCluster).length > 1 ? packIntoApplications(members) : [];
  const clusterWide = membersShards.length ? [...roles, systemNamespace, ...adminsAndProtection] : inCluster;
  const perNamespace = new Map(
    model.namespaces.map((n) => [
      n.name,
      [
        namespaceObject(model, n.name, n.source, n.settings),
        ...guardRailObjects(model, n),
        ...customRoleObjects(model, n.name, customRoles.get(n.name), roleSources),
        ...roleBindings(model, n.name, bindings, subjects, maxBytes, roleSources),
      ],
    ]),
  );
  const tokens = liveTokens(model, options.today).map((t) => ({
    id: t.id,
    key: `token:${t.id}`,
    objects: tokenObjects(model, t),
  }));
  const clusters = outputClusters(model);
  const out: Placed[] = [];
  for (const cluster of clusters) {
    out.push({ cluster, shard: CLUSTER_SHARD, unit: CLUSTER_SHARD, key: CLUSTER_SHARD, objects: clusterWide });
    membersShards.forEach((objects, i) => {
      const shard = membersShard(i);
      out.push({ cluster, shard, unit: 'membership', key: shard, objects });
    });
    for (const n of model.namespaces) {
      if (!isPlacedIn(n.clusters, cluster)) continue;
      out.push({
        cluster,
        shard: shardOfNamespace(n.name, model.shards, model.systemNamespace),
        unit: `namespace ${n.name}`,
        key: n.name,
        objects: perNamespace.get(n.name)!,
      });
    }
    for (const t of tokens)
      out.push({ cluster, shard: shardOf(t.key, model.shards), unit: `token ${t.id}`, key: t.key, objects: t.objects });
  }
  return out;
}

/** Files: one per (cluster, shard), `<cluster>/<shard>/resources.yaml`, in a stable order. */
export function renderOrganization(model: OrgModel, options: RenderOptions): RenderedFile[] {
  return groupIntoFiles(placeOrganization(model, options));
}

/** The one file of a shard's folder (an Argo CD Application reads it by this name). */
export const SHARD_FILE_NAME = 'resources.yaml';
/** The file of one shard of one cluster's output. */
export const shardFile = (cluster: string, shard: string): string => `${cluster}/${shard}/${SHARD_FILE_NAME}`;

const SHARD_FILE_PATH = new RegExp(`^[a-z0-9]([a-z0-9.-]*[a-z0-9])?/${SHARD_NAME_PATTERN}/resources\\.yaml$`);

/**
 * The Argo CD files of the output, when the organization declares where Argo CD reads it
 * (synth/argocd.ts; the boundary, synth/boundary.ts, when declared).
 */
/** The output's folder of Argo CD's files (ARGOCD_FILES), beside the clusters' folders: no cluster may be named so. */
export const ARGOCD_FOLDER = 'argocd';
export const ARGOCD_FILES = {
  applicationSet: `${ARGOCD_FOLDER}/applicationset.yaml`,
  appProject: `${ARGOCD_FOLDER}/appproject.yaml`,
  boundary: `${ARGOCD_FOLDER}/boundary.yaml`,
} as const;

/** The header's words around the declaration it names: `Generated by orgctl from <declaration>. Do not edit: ...`. */
const GENERATED_BY = 'Generated by orgctl';
const DO_NOT_EDIT = '. Do not edit: change the declaration and run `npm run synth`.';

/**
 * The comment at the top of every YAML file orgctl writes (without its `# `). Printable ASCII only:
 * a path holding a character Go's YAML reads as a line break (U+0085, U+2028) would end the
 * comment there for Go, and the rest of the line would be YAML that orgctl never read.
 */
export const headerOf = (declaredIn: string): string =>
  `${GENERATED_BY} from ${escapeSkipMarker(declaredIn.replace(/[^ -~]/g, unicodeEscape))}${DO_NOT_EDIT}`;

/** How every YAML file orgctl writes begins: what marks a folder as orgctl's output. */
export const OUTPUT_HEADER = `# ${GENERATED_BY}`;

const literally = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The header's first line as written (toYamlStream puts `# ` before it), the declaration in group 1. */
const HEADER_LINE = new RegExp(`^${literally(OUTPUT_HEADER)} from ([ -~]+)${literally(DO_NOT_EDIT)}\\n`);

/** The declaration a written file's header names, if it has orgctl's header. */
export function declaredInOf(text: string): string | undefined {
  return HEADER_LINE.exec(text)?.[1];
}

/**
 * Every path orgctl writes into its output folder, and nothing else: a file elsewhere (an extra
 * `.yml` Argo CD would apply too, a README) is not orgctl's and is refused by whatever judges it.
 */
export function isOutputPath(path: string): boolean {
  return path === MEMBERS_FILE || Object.values(ARGOCD_FILES).includes(path as never) || SHARD_FILE_PATH.test(path);
}

export function groupIntoFiles(placed: readonly Placed[]): RenderedFile[] {
  const files = new Map<string, Manifest[]>();
  for (const p of placed) {
    const path = shardFile(p.cluster, p.shard);
    const list = files.get(path);
    if (list) for (const o of p.objects) list.push(o);
    else files.set(path, [...p.objects]);
  }
  return [...files.entries()].map(([path, objects]) => ({ path, objects })).sort((a, b) => byText(a.path, b.path));
}
