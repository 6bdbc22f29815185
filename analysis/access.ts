/**
 * The access matrix: for every subject and namespace, the catalog levels its effective rules
 * cover and the privilege classes it holds. Computed per distinct set of roles (many people
 * share the same few), so a large organization costs little more than a small one.
 */
import { CATALOG, type PolicyRule } from '../model/catalog.ts';
import { type Authorizer, exactServiceAccountOf } from './authorizer.ts';
import { CLASSES, classesOf, describeRule, type ClassId, type Scope } from './classes.ts';
import { nameRecord } from '../model/own-keys.ts';
import { subjectId, type BindingObject, type RoleObject, type SubjectObject } from './objects.ts';
import { ruleAllows, type ResourceRequest } from './rules.ts';
import { AsciiBytes, byText, FIRST_PIECE, jsonAsIs, QUOTE, unicodeEscape } from '../model/text.ts';

export type SubjectKind = 'User' | 'Group' | 'ServiceAccount';

export interface AccessCell {
  /** Covered levels, without those another covered level includes (`w:pods` hides `r:pods`). */
  readonly levels: readonly string[];
  /** Every covered level. */
  readonly covers: readonly string[];
  readonly classes: readonly ClassId[];
  /** `Kind namespace/name → RoleKind name` of each binding that contributes. */
  readonly via: readonly string[];
  /**
   * Access that covers no catalog level (a token's custom RBAC, a custom role): its rules, each
   * described (`get,list,watch on pods`), so the cell reads "custom" with what it allows, never
   * as empty. Absent when a level is covered or nothing is allowed.
   */
  readonly custom?: readonly string[];
}

/** A cell as the matrix shows it: the levels that matter (`covers` is for diffs). */
export type MatrixCell = Omit<AccessCell, 'covers'>;

export interface SubjectAccess {
  readonly kind: SubjectKind;
  /** Users and groups: their name; service accounts: `namespace:name`. */
  readonly name: string;
  /**
   * The clusters whose objects give this row, when the clusters of an output do not all give the
   * same (clusterMatrix); absent otherwise: then it holds in every cluster.
   */
  readonly clusters?: readonly string[];
  /** Access through ClusterRoleBindings: it holds in every namespace. */
  readonly cluster?: MatrixCell;
  readonly namespaces: Readonly<Record<string, MatrixCell>>;
}

/** The single requests rules stand for (wildcards kept literally): covering a level means allowing all of its. */
export function ruleAtoms(rules: readonly PolicyRule[]): ResourceRequest[] {
  return rules.flatMap((rule) =>
    (rule.apiGroups ?? []).flatMap((apiGroup) =>
      (rule.resources ?? []).flatMap((res) => {
        const [resource, subresource = ''] = res.split('/');
        return rule.verbs.map((verb) => ({ verb, apiGroup, resource: resource!, subresource }));
      }),
    ),
  );
}

/** Each catalog request's number by verb, API group and resource as a rule names it (`pods/log`). */
type AtomNumbers = ReadonlyMap<string, ReadonlyMap<string, ReadonlyMap<string, number>>>;

/**
 * The catalog's requests, each once (240 distinct of the 452 its 23 levels name: `r:full`'s are
 * most of the others'), each level's as their numbers in that list, in catalog order, and the
 * numbers by what a rule names (levelsCovered's lookup).
 */
const [ATOMS, LEVEL_ATOMS, ATOM_NUMBERS] = ((): readonly [
  readonly ResourceRequest[],
  readonly (readonly number[])[],
  AtomNumbers,
] => {
  const byVerb = new Map<string, Map<string, Map<string, number>>>();
  const atoms: ResourceRequest[] = [];
  const levels = CATALOG.map((l) =>
    ruleAtoms(l.rules).map((a) => {
      let byGroup = byVerb.get(a.verb);
      if (!byGroup) byVerb.set(a.verb, (byGroup = new Map()));
      let byResource = byGroup.get(a.apiGroup);
      if (!byResource) byGroup.set(a.apiGroup, (byResource = new Map()));
      const named = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
      let n = byResource.get(named);
      if (n === undefined) byResource.set(named, (n = atoms.push(a) - 1));
      return n;
    }),
  );
  return [atoms, levels, byVerb];
})();

/** Past this many (verb, group, resource) a rule names, its requests are found by asking each catalog one instead. */
const NAMED_AT_MOST = 4096;

/**
 * Whether a rule allows exactly the requests it names, and nothing else of the catalog's: no `*`
 * (every verb, group or resource, or `* /sub`), no resource names (a request of the catalog names
 * none: a listed name is not it). ruleAllows of such a rule is `verb`, `group` and `resource/sub`
 * each among the rule's, which looking its own up finds.
 */
const namesItsRequests = (rule: PolicyRule): boolean =>
  !rule.resourceNames?.length &&
  rule.verbs.length * (rule.apiGroups?.length ?? 0) * (rule.resources?.length ?? 0) <= NAMED_AT_MOST &&
  ![rule.verbs, rule.apiGroups ?? [], rule.resources ?? []].some((list) =>
    list.some((x) => typeof x !== 'string' || x.includes('*')),
  );

/** Marks in `allowed` each catalog request a rule that namesItsRequests names, looked up by verb, API group and resource. */
function markNamedRequests(rule: PolicyRule, allowed: Uint8Array): void {
  for (const verb of rule.verbs) {
    const byGroup = ATOM_NUMBERS.get(verb);
    if (!byGroup) continue;
    for (const group of rule.apiGroups ?? []) {
      const byResource = byGroup.get(group);
      if (!byResource) continue;
      for (const resource of rule.resources ?? []) {
        const n = byResource.get(resource);
        if (n !== undefined) allowed[n] = 1;
      }
    }
  }
}

/**
 * The catalog levels a rule set covers, every request of each level being allowed. A rule without
 * wildcards marks the requests it names, looked up (a handful of lookups, where asking each of the
 * 240 requests of it cost a closure and a template string per question: 20-45 ms of `access` at
 * size L, cold); any other rule is asked each request not allowed yet.
 */
export function levelsCovered(rules: readonly PolicyRule[]): string[] {
  const allowed = new Uint8Array(ATOMS.length);
  for (const rule of rules) {
    if (namesItsRequests(rule)) markNamedRequests(rule, allowed);
    else for (let n = 0; n < ATOMS.length; n++) if (!allowed[n] && ruleAllows(rule, ATOMS[n]!)) allowed[n] = 1;
  }
  return CATALOG.filter((_, k) => LEVEL_ATOMS[k]!.every((n) => allowed[n])).map((l) => l.id);
}

// Which level includes which: level A includes B when A's rules cover B. Made on first use, not when
// the module loads: every level against every other level's requests, which a command that loads
// this module and never asks (check) paid at each start (about 10-25 ms of CPU here).
let includes: ReadonlyMap<string, ReadonlySet<string>> | undefined;
function includesOf(level: string): ReadonlySet<string> | undefined {
  includes ??= new Map(CATALOG.map((a) => [a.id, new Set(levelsCovered(a.rules).filter((b) => b !== a.id))]));
  return includes.get(level);
}

/** Every catalog level a set of levels covers: each one and those it includes (`w:full` covers `r:pods`). */
export function levelsCoveredBy(levels: readonly string[]): Set<string> {
  return new Set(levels.flatMap((l) => [l, ...(includesOf(l) ?? [])]));
}

/** Drops levels that another covered level includes. */
export function maximalLevels(covered: readonly string[]): string[] {
  return covered.filter((b) => !covered.some((a) => a !== b && includesOf(a)!.has(b)));
}

/** `Kind namespace/name → RoleKind name`: how a cell names a binding in `via`. */
export const bindingLabel = (b: BindingObject) =>
  `${b.kind} ${b.namespace ? `${b.namespace}/` : ''}${b.name} → ${b.roleRef.kind} ${b.roleRef.name}`;
/**
 * What identifies a binding: its kind, namespace, name and role. Not its label, text made for
 * people: names may hold spaces and `→`, so two bindings to different roles can share one (R124-1).
 */
const bindingId = (b: BindingObject): string =>
  JSON.stringify([b.kind, b.namespace, b.name, b.roleRef.kind, b.roleRef.name]);
/** Two bindings of one label in via's order: by what identifies them (0: the same binding). */
const byBindingId = (a: BindingObject, b: BindingObject): number => (a === b ? 0 : byText(bindingId(a), bindingId(b)));
/** A role's identity in the analysis: `Kind/namespace/name` (namespace empty for ClusterRoles). */
export const roleId = (r: RoleObject): string => `${r.kind}/${r.namespace}/${r.name}`;
/** Where a binding's role holds: a ClusterRoleBinding's reaches cluster-scoped objects too. */
const scopeOf = (b: BindingObject): Scope => (b.kind === 'ClusterRoleBinding' ? 'cluster' : 'namespace');
/** Contribution.roleKey: the role, and its scope (scopeOf its binding). */
const roleKeyOf = (scope: Scope, role: RoleObject): string => `${scope}:${roleId(role)}`;

export interface Contribution {
  readonly role: RoleObject;
  readonly binding: BindingObject;
  /** The binding's number in the index (bindings in namespace order). */
  readonly number: number;
  /** `scope:Kind/namespace/name` of the role: computed once per binding, not once per subject. */
  readonly roleKey: string;
  readonly label: string;
  /** `[label]`, shared by every cell this binding alone makes. */
  readonly labels: readonly string[];
  /** `[this]`: the contributions of every cell this binding alone makes, one list shared. */
  readonly alone: readonly Contribution[];
}

type Allowed = { levels: string[]; covers: string[]; classes: ClassId[]; custom?: readonly string[] };

/** Computes cells, caching by the set of roles (people with the same roles share one result). */
export class CellMaker {
  private readonly cache = new Map<string, Allowed>();
  /**
   * What roles allow by what they hold: each distinct role's scope and rules, in the order a cell
   * first gives them (the order its `custom` follows). A custom role is one Role per namespace it is
   * granted in, each its own key above with the same rules: at size L, 117 keys, 100 of them of
   * Roles, judged over the whole catalog each.
   */
  private readonly byContent = new Map<string, Allowed>();
  /** A role's rules with a scope as a number, by the role and the scope. */
  private readonly contentOfRole = new Map<RoleObject, Partial<Record<Scope, number>>>();
  private readonly contentNumbers = new Map<string, number>();
  /** classesOf a content, by its number. */
  private readonly classesByContent: (readonly ClassId[] | undefined)[] = [];

  /**
   * What decides a cell: the set of roles and where they were granted. Same key, same access. A
   * set of several is its keys as JSON, not joined by a character: a Role's name may hold any
   * (R124-3), and a JSON array never reads as one role's key (`scope:` first).
   */
  static key(contributions: readonly Contribution[]): string {
    if (contributions.length === 1) return contributions[0]!.roleKey;
    const keys = CellMaker.roleKeys(contributions);
    return keys.length === 1 ? keys[0]! : JSON.stringify(keys);
  }

  /** The roles' keys (Contribution.roleKey) of a cell: each once, sorted. */
  static roleKeys(contributions: readonly Contribution[]): string[] {
    if (contributions.length === 1) return [contributions[0]!.roleKey];
    return [...new Set(contributions.map((c) => c.roleKey))].sort();
  }

  cell(contributions: readonly Contribution[]): AccessCell {
    const result = this.allowed(contributions);
    return {
      levels: result.levels,
      covers: result.covers,
      classes: result.classes,
      via: CellMaker.via(contributions),
      ...(result.custom ? { custom: result.custom } : {}),
    };
  }

  /** How a cell names the bindings that make it: each once, sorted. */
  static via(contributions: readonly Contribution[]): readonly string[] {
    return contributions.length === 1
      ? contributions[0]!.labels
      : CellMaker.firstOfEachBinding(contributions).map((c) => c.label);
  }

  /**
   * The first contribution of each binding, in via's order: by label, then by what identifies the
   * binding (bindingId), so two bindings that share a label are both named (a stable sort keeps the first first).
   */
  static firstOfEachBinding(contributions: readonly Contribution[]): Contribution[] {
    const order = (a: Contribution, b: Contribution) => byText(a.label, b.label) || byBindingId(a.binding, b.binding);
    const sorted = [...contributions].sort(order);
    return sorted.filter((c, k) => k === 0 || order(sorted[k - 1]!, c) !== 0);
  }

  /** The number of a role's scope and rules (the same for every role that holds the same rules there). */
  private contentNumber(role: RoleObject, scope: Scope): number {
    let byScope = this.contentOfRole.get(role);
    if (!byScope) this.contentOfRole.set(role, (byScope = {}));
    let n = byScope[scope];
    if (n === undefined) {
      const content = `${scope}\n${JSON.stringify(role.rules)}`;
      n = this.contentNumbers.get(content);
      if (n === undefined) this.contentNumbers.set(content, (n = this.contentNumbers.size));
      byScope[scope] = n;
    }
    return n;
  }

  /**
   * The classes a role's rules hold where granted, by the number of its scope and rules: asked once
   * for every set of roles it is one of (at size L, 28 roles in 18 sets, of 19 contents).
   */
  private classesOfContent(number: number, role: RoleObject, scope: Scope): readonly ClassId[] {
    let classes = this.classesByContent[number];
    if (!classes) this.classesByContent[number] = classes = classesOf(role.rules, scope);
    return classes;
  }

  /** What a cell's roles allow, whoever holds them: one object for every cell of the same roles. */
  allowed(contributions: readonly Contribution[]): Omit<AccessCell, 'via'> {
    const key = CellMaker.key(contributions);
    let result = this.cache.get(key);
    if (!result) {
      // A role granted by a ClusterRoleBinding reaches cluster-scoped objects; by a RoleBinding, it does not.
      const roles = new Map<string, { role: RoleObject; scope: Scope }>();
      for (const c of contributions) {
        if (!roles.has(c.roleKey))
          roles.set(c.roleKey, {
            role: c.role,
            scope: scopeOf(c.binding),
          });
      }
      const all = [...roles.values()];
      const numbers = all.map((r) => this.contentNumber(r.role, r.scope));
      const content = numbers.join(',');
      result = this.byContent.get(content);
      if (!result) {
        const rules = all.flatMap((r) => r.role.rules);
        const covers = levelsCovered(rules);
        const classes = new Set(all.flatMap((r, k) => this.classesOfContent(numbers[k]!, r.role, r.scope)));
        const custom = covers.length ? [] : [...new Set(rules.filter((r) => r.verbs.length).map(describeRule))];
        result = {
          covers,
          levels: maximalLevels(covers),
          classes: CLASSES.filter((c) => classes.has(c.id)).map((c) => c.id),
          ...(custom.length ? { custom } : {}),
        };
        this.byContent.set(content, result);
      }
      this.cache.set(key, result);
    }
    return result;
  }
}

/** The groups of every user: one list, not one made per user's row (10,000 at size L). */
const USER_GROUPS: readonly string[] = ['system:authenticated'];

/** Groups every authenticated user or service account belongs to, whose bindings count for them. */
function implicitGroups(kind: SubjectKind, name: string): readonly string[] {
  if (kind === 'User') return USER_GROUPS;
  if (kind === 'ServiceAccount')
    return ['system:authenticated', 'system:serviceaccounts', `system:serviceaccounts:${name.split(':')[0]}`];
  return [];
}

/** A scope ('' for ClusterRoleBindings, else a namespace) and what grants access there. */
type ScopeAccess = readonly [scope: string, contributions: readonly Contribution[]];

interface IndexedSubject {
  readonly kind: SubjectKind;
  /** Users and groups: their name; service accounts: `namespace:name`. */
  readonly name: string;
  /** Sorted by scope: '' (ClusterRoleBindings) first, then namespaces. */
  readonly scopes: readonly ScopeAccess[];
}

/**
 * Names in byText's order: sort()'s own comparison (UTF-16 code units, as `<` compares strings),
 * which calls no function per comparison (12,000 names at size L: 11 -> 4 ms, cold).
 */
const sortedNames = (names: Iterable<string>): string[] => [...names].sort();

/** Subjects by name (as in IndexedSubject), each with the scopes kept (`true`: all): AccessOptions.only. */
export type OnlySubjects = ReadonlyMap<string, ReadonlySet<string> | true>;

interface AccessOptions {
  /**
   * Bindings whose group access is shown once, on the group's own row, not merged into the cells of
   * every member (the bootstrap bindings every authenticated user holds: the CLI's access).
   */
  readonly apart?: (b: BindingObject) => boolean;
  /**
   * Only these subjects (names as in IndexedSubject), in these scopes (`true`: all): a diff that
   * knows which cells a change can touch indexes only those. Absent: everything.
   */
  readonly only?: OnlySubjects;
}

/**
 * Every subject named in a binding and the bindings naming it, as numbers: bindings are numbered
 * in namespace order (stable), so a subject's list is ascending and its bindings in one namespace
 * are one run of it. Numbers, not objects, because an organization of 10,000 people has 200,000
 * of these pairs; and in one array for all subjects, not one array each grown by a push.
 */
interface BindingsBySubject {
  /** The bindings whose role exists, in namespace order. */
  readonly bindings: readonly BindingObject[];
  /** `roles[i]` is the role of `bindings[i]`. */
  readonly roles: readonly RoleObject[];
  /** Each binding's namespace as a number (ascending: bindings of one namespace share it). */
  readonly nsNumbers: Int32Array;
  /** Each binding's place among its namespace's bindings. */
  readonly nsPlaces: Int32Array;
  /** Kind → name → the subject's number (its bindings: `bindingsOf`). */
  readonly byKind: ReadonlyMap<SubjectKind, ReadonlyMap<string, number>>;
  /** The numbers of the bindings naming each subject, ascending (twice if named twice), subject after subject. */
  readonly numbers: Int32Array;
  /** Where each subject's numbers start in `numbers` (and end: the next one's start). */
  readonly starts: Int32Array;
}

/** The numbers of the bindings naming subject `k`. */
const bindingsOf = ({ numbers, starts }: BindingsBySubject, k: number): Int32Array =>
  numbers.subarray(starts[k], starts[k + 1]);

/** The subject kinds in the order the matrix lists them. */
const KINDS: readonly SubjectKind[] = ['Group', 'ServiceAccount', 'User'];

/** An empty map by subject name for each subject kind, in the order accessIndex lists them. */
const byKindMaps = (): Map<SubjectKind, Map<string, number>> => new Map(KINDS.map((kind) => [kind, new Map()]));

/**
 * Bindings by namespace, each namespace's in the order given: boundInOrder's first step, its own
 * function (see placedBySubject). An indexed loop, here and in the steps after it: `for of` makes a
 * result object per element until V8 optimizes the loop.
 */
function byNamespaceOf(all: readonly BindingObject[]): Map<string, BindingObject[]> {
  const byNamespace = new Map<string, BindingObject[]>();
  for (let i = 0; i < all.length; i++) {
    const binding = all[i]!;
    const list = byNamespace.get(binding.namespace);
    if (list) list.push(binding);
    else byNamespace.set(binding.namespace, [binding]);
  }
  return byNamespace;
}

/**
 * The bindings whose role exists, in namespace order, each namespace's in the order read: grouped,
 * then the namespaces sorted (a stable sort of 20,000 bindings compares names 300,000 times). Each
 * with its namespace's number and its place there, as the groups give them.
 */
function boundInOrder(
  authz: Authorizer,
): Pick<BindingsBySubject, 'bindings' | 'roles' | 'nsNumbers' | 'nsPlaces'> & { readonly named: number } {
  const bindings: BindingObject[] = [];
  const roles: RoleObject[] = [];
  const all = authz.set.bindings;
  const byNamespace = byNamespaceOf(all);
  const nsNumbers = new Int32Array(all.length);
  const nsPlaces = new Int32Array(all.length);
  let number = -1;
  // The subjects they name, counted: subjectPairs sizes its arrays by them.
  let named = 0;
  for (const ns of sortedNames(byNamespace.keys())) {
    let place = 0;
    const list = byNamespace.get(ns)!;
    for (let j = 0; j < list.length; j++) {
      const binding = list[j]!;
      const role = authz.roleOf(binding);
      if (!role) continue;
      if (!place) number++;
      nsNumbers[bindings.length] = number;
      nsPlaces[bindings.length] = place++;
      bindings.push(binding);
      roles.push(role);
      named += binding.subjects.length;
    }
  }
  return {
    bindings,
    roles,
    named,
    nsNumbers: nsNumbers.subarray(0, bindings.length),
    nsPlaces: nsPlaces.subarray(0, bindings.length),
  };
}

/** Each (subject, binding) pair kept, in binding order, and the subjects they name, numbered. */
interface SubjectPairs {
  readonly kinds: readonly SubjectKind[];
  readonly names: readonly string[];
  /** Kind → name → the subject's number, for every subject numbered (kept or not). */
  readonly numberOf: ReadonlyMap<SubjectKind, ReadonlyMap<string, number>>;
  readonly pairSubject: Int32Array;
  readonly pairBinding: Int32Array;
  readonly pairs: number;
}

/**
 * The pairs of `bindings` and the subjects they name (`named`: as many as their subjects, counted
 * by boundInOrder: a loop of its own here made this function compiled twice more).
 */
function subjectPairs(bindings: readonly BindingObject[], named: number, only: AccessOptions['only']): SubjectPairs {
  // A number per subject (kind and name); one map per kind spares a joined key per subject.
  const numberOf = byKindMaps();
  const kinds: SubjectKind[] = [];
  const names: string[] = [];
  const scopesKept: (ReadonlySet<string> | true | undefined)[] = [];
  const slot = (kind: SubjectKind, name: string): number => {
    const numbers = numberOf.get(kind)!;
    let k = numbers.get(name);
    if (k === undefined) {
      numbers.set(name, (k = names.length));
      kinds.push(kind);
      names.push(name);
      scopesKept.push(only ? only.get(name) : true);
    }
    return k;
  };
  // A User subject named as a ServiceAccount's username is that ServiceAccount (appliesToUser in
  // rule.go matches the name): one row, with the ServiceAccount groups' access too.
  const slotOf = (s: SubjectObject): number => {
    if (s.kind === 'ServiceAccount') return slot(s.kind, `${s.namespace}:${s.name}`);
    const account = s.kind === 'User' ? exactServiceAccountOf(s.name) : undefined;
    return account ? slot('ServiceAccount', account) : slot(s.kind, s.name);
  };
  // Each subject's number found once for all its bindings, by the reader's number of its object
  // (subjectId), not by name in each; kept here, plus one (0: not found yet), as bySubject keeps an
  // answer, without its two calls per pair (198,890 at size L, most of them run before the loop is
  // optimized). Indexed loops: `for of` makes a result object per element until then.
  let slotById = new Int32Array(1024);
  const pairSubject = new Int32Array(named);
  const pairBinding = new Int32Array(named);
  let pairs = 0;
  for (let i = 0; i < bindings.length; i++) {
    const binding = bindings[i]!;
    const scope = binding.namespace;
    const subjects = binding.subjects;
    for (let j = 0; j < subjects.length; j++) {
      const s = subjects[j]!;
      let k: number;
      if (s.kind === 'ServiceAccount' && !s.namespace) {
        // Named without a namespace: the account of the binding's own (none for a ClusterRoleBinding).
        if (!scope) continue;
        k = slot(s.kind, `${scope}:${s.name}`);
      } else {
        const id = subjectId(s);
        if (id === undefined) k = slotOf(s);
        else {
          if (id >= slotById.length) {
            const grown = new Int32Array(Math.max(2 * slotById.length, id + 1));
            grown.set(slotById);
            slotById = grown;
          }
          k = slotById[id]! - 1;
          if (k < 0) slotById[id] = (k = slotOf(s)) + 1;
        }
      }
      const scopes = scopesKept[k];
      if (!scopes || (scopes !== true && !scopes.has(scope))) continue;
      pairSubject[pairs] = k;
      pairBinding[pairs++] = i;
    }
  }
  return { kinds, names, numberOf, pairSubject, pairBinding, pairs };
}

/** Where each subject's pairs start among them all (counted, then summed): `subjects + 1` places. */
function startsOf(pairSubject: Int32Array, pairs: number, subjects: number): Int32Array {
  const starts = new Int32Array(subjects + 1);
  for (let p = 0; p < pairs; p++) starts[pairSubject[p]! + 1]!++;
  return summedUp(starts);
}

/** Each place the sum of it and those before it (startsOf's second loop, in a function of its own). */
function summedUp(counts: Int32Array): Int32Array {
  for (let k = 1; k < counts.length; k++) counts[k] = counts[k]! + counts[k - 1]!;
  return counts;
}

/** The pairs' bindings placed subject after subject, from `starts`: each subject's ascending (pairs are in binding order). */
function placed(starts: Int32Array, pairSubject: Int32Array, pairBinding: Int32Array, pairs: number): Int32Array {
  const next = starts.slice(0, starts.length - 1);
  const numbers = new Int32Array(pairs);
  for (let p = 0; p < pairs; p++) numbers[next[pairSubject[p]!]!++] = pairBinding[p]!;
  return numbers;
}

/**
 * The pairs counted by subject, and placed: each subject's binding numbers, ascending. Each loop in
 * a function of its own: compiled mid-loop (on-stack replacement), one function's code was thrown
 * away at its next loop, not run yet ("insufficient type feedback"), and compiled again.
 */
function placedBySubject({
  kinds,
  names,
  numberOf,
  pairSubject,
  pairBinding,
  pairs,
}: SubjectPairs): Pick<BindingsBySubject, 'byKind' | 'numbers' | 'starts'> {
  const starts = startsOf(pairSubject, pairs, names.length);
  const numbers = placed(starts, pairSubject, pairBinding, pairs);
  // Subjects by kind and name: those numbered, when each was kept (one never kept is no subject).
  if (names.every((_, k) => starts[k + 1]! > starts[k]!)) return { byKind: numberOf, numbers, starts };
  const byKind = byKindMaps();
  for (let k = 0; k < names.length; k++) if (starts[k + 1]! > starts[k]!) byKind.get(kinds[k]!)!.set(names[k]!, k);
  return { byKind, numbers, starts };
}

/**
 * The index, a function per step: V8 optimizes a long loop in the middle of its run (on-stack
 * replacement) and drops that code at the next loop of the same function, whose types it has not
 * seen; in one function the six loops were compiled six times, each time with all of it.
 */
function bindingsBySubject(authz: Authorizer, only: AccessOptions['only']): BindingsBySubject {
  const { named, ...bound } = boundInOrder(authz);
  return { ...bound, ...placedBySubject(subjectPairs(bound.bindings, named, only)) };
}

/** A binding with its role, as cells are made of it; one per binding, made when first needed. */
function contributionsOf({ bindings, roles }: BindingsBySubject): (i: number) => Contribution {
  // Sized up front, as the arrays by binding number below: an array written at scattered places from
  // empty is kept as a hash table by V8, each lookup hashing its number.
  const made = new Array<Contribution>(bindings.length);
  return (i) => {
    let c = made[i];
    if (!c) {
      const binding = bindings[i]!;
      const role = roles[i]!;
      const label = bindingLabel(binding);
      const alone: Contribution[] = [];
      c = {
        role,
        binding,
        number: i,
        label,
        labels: [label],
        roleKey: roleKeyOf(scopeOf(binding), role),
        alone,
      };
      alone.push(c);
      made[i] = c;
    }
    return c;
  };
}

/** The scopes a subject's bindings reach, in order, each with its bindings (a run of the numbers). */
function scopesOf(
  numbers: ArrayLike<number>,
  { bindings }: BindingsBySubject,
  contribution: (i: number) => Contribution,
): [string, Contribution[]][] {
  const scopes: [string, Contribution[]][] = [];
  let last: [string, Contribution[]] | undefined;
  for (let k = 0; k < numbers.length; k++) {
    const i = numbers[k]!;
    const c = contribution(i);
    const scope = bindings[i]!.namespace;
    // A binding alone in a scope shares its list (`alone`); a second one there makes a list of their own.
    if (last?.[0] !== scope) scopes.push((last = [scope, c.alone as Contribution[]]));
    else if (last[1].length === 1) last[1] = [last[1][0]!, c];
    else last[1].push(c);
  }
  return scopes;
}

/**
 * What members inherit from each group (by name): its scopes, without the bindings `apart` shows
 * on the group's own row only.
 */
function inheritedFromGroups(
  index: BindingsBySubject,
  contribution: (i: number) => Contribution,
  apart: AccessOptions['apart'],
): Map<string, (readonly [string, Contribution[]])[]> {
  const inherited = new Map<string, (readonly [string, Contribution[]])[]>();
  for (const [name, k] of index.byKind.get('Group')!) {
    const scopes = scopesOf(bindingsOf(index, k), index, contribution);
    const kept = apart
      ? scopes
          .map(([scope, list]) => [scope, list.filter((c) => !apart(c.binding))] as const)
          .filter(([, list]) => list.length)
      : scopes;
    if (kept.length) inherited.set(name, kept);
  }
  return inherited;
}

/**
 * Whether a subject holds more than its own bindings' scopes: through the groups every such
 * subject is in, or cluster-wide (its first scope, '' sorting first, is a ClusterRoleBinding's).
 */
function inheritsMore(
  kind: SubjectKind,
  name: string,
  firstScope: string | undefined,
  groups: ReadonlyMap<string, readonly ScopeAccess[]>,
): boolean {
  return firstScope === '' || (groups.size > 0 && implicitGroups(kind, name).some((g) => groups.has(g)));
}

/**
 * A subject's scopes with what it holds through its groups and cluster-wide: the bindings of the
 * groups every such subject is in count for it too, and cluster-wide access holds in every
 * namespace. Undefined when neither adds anything (the scopes of its own bindings are the answer).
 */
function withInherited(
  kind: SubjectKind,
  name: string,
  own: readonly ScopeAccess[],
  groups: ReadonlyMap<string, readonly ScopeAccess[]>,
): ScopeAccess[] | undefined {
  if (!inheritsMore(kind, name, own[0]?.[0], groups)) return undefined;
  let scopes: readonly ScopeAccess[] = own;
  const implicit = implicitGroups(kind, name)
    .map((g) => groups.get(g))
    .filter((g) => g !== undefined);
  if (implicit.length) {
    const merged = new Map(scopes.map(([scope, list]) => [scope, [...list]]));
    for (const g of implicit) for (const [scope, list] of g) merged.set(scope, [...(merged.get(scope) ?? []), ...list]);
    scopes = [...merged.entries()].sort(([a], [b]) => byText(a, b));
  }
  if (scopes[0]?.[0] === '') {
    const clusterWide = scopes[0][1];
    scopes = scopes.map(([scope, list]) => (scope === '' ? [scope, list] : [scope, [...clusterWide, ...list]]));
  }
  return [...scopes];
}

/** Every subject named in a binding, with the bindings that apply to it, by scope; sorted. */
export function accessIndex(authz: Authorizer, options: AccessOptions = {}): IndexedSubject[] {
  const index = bindingsBySubject(authz, options.only);
  const contribution = contributionsOf(index);
  const groups = inheritedFromGroups(index, contribution, options.apart);
  const out: IndexedSubject[] = [];
  for (const [kind, names] of index.byKind) {
    for (const name of sortedNames(names.keys())) {
      const own = scopesOf(bindingsOf(index, names.get(name)!), index, contribution);
      out.push({ kind, name, scopes: withInherited(kind, name, own, groups) ?? own });
    }
  }
  return out;
}

const shown = (c: AccessCell): MatrixCell => ({
  levels: c.levels,
  classes: c.classes,
  via: c.via,
  ...(c.custom ? { custom: c.custom } : {}),
});

/** The matrix over every subject named in a binding, sorted by kind and name. */
export function accessMatrix(authz: Authorizer, options: AccessOptions = {}): SubjectAccess[] {
  const cells = new CellMaker();
  return accessIndex(authz, options).map(({ kind, name, scopes }) => {
    const namespaces = nameRecord<MatrixCell>();
    let cluster: MatrixCell | undefined;
    for (const [scope, list] of scopes) {
      if (scope === '') cluster = list.length ? shown(cells.cell(list)) : undefined;
      else namespaces[scope] = shown(cells.cell(list));
    }
    return { kind, name, ...(cluster ? { cluster } : {}), namespaces };
  });
}

/**
 * The matrices of an output's clusters as one: the first's when every cluster gives the same (one
 * cluster: its own). Else each subject's cells grouped by the clusters that give each exactly so,
 * one row per group, with those clusters (`clusters`): a cell that holds in one cluster is never
 * shown as holding in all, and a cell that differs is each cluster's own (R140-1).
 */
export function clusterMatrix(each: readonly (readonly [cluster: string, matrix: readonly SubjectAccess[]])[]): {
  readonly matrix: readonly SubjectAccess[];
  readonly differ: boolean;
} {
  const first = each.length > 1 ? JSON.stringify(each[0]![1]) : '';
  if (each.length < 2 || each.every(([, m], k) => k === 0 || JSON.stringify(m) === first))
    return { matrix: each[0]?.[1] ?? [], differ: false };
  type Cell = { readonly scope: string; readonly cell: MatrixCell; readonly clusters: string[] };
  const subjects = new Map<string, { readonly kind: SubjectKind; readonly name: string; cells: Map<string, Cell> }>();
  for (const [cluster, matrix] of each)
    for (const s of matrix) {
      const id = JSON.stringify([s.kind, s.name]);
      let subject = subjects.get(id);
      if (!subject) subjects.set(id, (subject = { kind: s.kind, name: s.name, cells: new Map() }));
      // The cluster-wide cell under scope '' (no namespace's name), first.
      const scopes = Object.entries(s.namespaces);
      if (s.cluster) scopes.unshift(['', s.cluster]);
      for (const [scope, cell] of scopes) {
        const key = JSON.stringify([scope, cell]);
        const found = subject.cells.get(key);
        if (found) found.clusters.push(cluster);
        else subject.cells.set(key, { scope, cell, clusters: [cluster] });
      }
    }
  const order = (a: { kind: SubjectKind; name: string }, b: { kind: SubjectKind; name: string }) =>
    KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind) || byText(a.name, b.name);
  return {
    differ: true,
    matrix: [...subjects.values()].sort(order).flatMap(({ kind, name, cells }) => {
      // One row per set of clusters, in the order first met (the first cluster's cells first).
      const rows = new Map<string, Cell[]>();
      for (const c of cells.values()) {
        const key = c.clusters.join('\n');
        const row = rows.get(key);
        if (row) row.push(c);
        else rows.set(key, [c]);
      }
      return [...rows.values()].map((row) => {
        const cluster = row.find((c) => c.scope === '')?.cell;
        const namespaces = nameRecord<MatrixCell>();
        for (const c of row.filter((c) => c.scope !== '').sort((a, b) => byText(a.scope, b.scope)))
          namespaces[c.scope] = c.cell;
        return { kind, name, clusters: row[0]!.clusters, ...(cluster ? { cluster } : {}), namespaces };
      });
    }),
  };
}

/**
 * JSON with every character past ASCII escaped (the same data): the labels' arrow would
 * otherwise make the whole 25 MB text a two-byte string, slower to build and to encode. Rows
 * built already (clusterMatrix's) are written by it as accessMatrixJson writes them.
 */
export const asciiJson = (value: unknown): string => JSON.stringify(value).replace(/[\u0080-\uffff]/g, unicodeEscape);

const asciiJsonInner = (s: string): string => (jsonAsIs(s) ? s : asciiJson(s).slice(1, -1));
const ARROW_JSON = unicodeEscape('→');

/**
 * A label's JSON up to its name: `"Kind namespace/`. JSON escapes each character (each UTF-16 unit
 * past ASCII here) alone, so a label's JSON is the JSON of its parts, one after the other.
 */
const labelHeadJson = (kind: BindingObject['kind'], namespace: string): string =>
  `"${asciiJsonInner(`${kind} ${namespace ? `${namespace}/` : ''}`)}`;

/** The rest of a label's JSON: `name → RoleKind role"`, the same for the binding in every namespace. */
const labelTailJson = (b: BindingObject): string =>
  `${asciiJsonInner(b.name)} ${ARROW_JSON} ${asciiJsonInner(`${b.roleRef.kind} ${b.roleRef.name}`)}"`;

/**
 * `asciiJson(bindingLabel(b))`, made from the label's parts: the arrow would make the label a
 * two-byte string, read again by a regular expression to escape it (20,000 labels at size L).
 */
export const bindingLabelJson = (b: BindingObject): string => labelHeadJson(b.kind, b.namespace) + labelTailJson(b);

/** What a cell's roles allow, as the JSON before and after its `via` (key order as shown() writes them). */
function allowedJson(result: Omit<AccessCell, 'via'>): readonly [Buffer, Buffer] {
  const custom = result.custom ? `,"custom":${asciiJson(result.custom)}` : '';
  return [
    ascii(`{"levels":${asciiJson(result.levels)},"classes":${asciiJson(result.classes)},"via":[`),
    ascii(`]${custom}}`),
  ];
}

/** ASCII text as bytes (every character past ASCII already escaped). */
const ascii = (text: string): Buffer => Buffer.from(text, 'latin1');

const COMMA = 44;
/** Up to this many, a list is sorted by insertion (no call per comparison, nothing allocated). */
const FEW = 16;
/** Places of bindings in their namespace a run's key holds as bits (30: the key stays an exact number). */
const RUN_PLACES = 30;
/** A subject bound by this many bindings or more has its cells kept for whoever has the same. */
const SHARED_CELLS_FROM = 64;

/** Values made once, found again by a list of numbers (of bindings, or of roles). */
interface NumberTrie<V> {
  value?: V;
  next?: Map<number, NumberTrie<V>>;
}

/** Texts made once, found again by a list of binding numbers. */
type TextNode = NumberTrie<Uint8Array>;

/** The node of `numbers[from..to)` under `root`, made on the way where missing. */
function nodeOf<V>(root: NumberTrie<V>, numbers: ArrayLike<number>, from: number, to: number): NumberTrie<V> {
  let node = root;
  for (let k = from; k < to; k++) {
    const n = numbers[k]!;
    let child = (node.next ??= new Map()).get(n);
    if (!child) node.next.set(n, (child = {}));
    node = child;
  }
  return node;
}

/**
 * Each binding's role as a number, the same for every binding of the same role and scope
 * (CellMaker.key's roleKey, made once per role object and scope, not once per binding).
 */
function roleNumbersOf({ bindings, roles }: Pick<BindingsBySubject, 'bindings' | 'roles'>): Int32Array {
  const count = bindings.length;
  const roleNumbers = new Map<string, number>();
  const roleNumberOf = new Int32Array(count);
  const numbersOfRole = new Map<RoleObject, [namespace: number, cluster: number]>();
  for (let i = 0; i < count; i++) {
    const role = roles[i]!;
    const scope = scopeOf(bindings[i]!);
    const cluster = scope === 'cluster' ? 1 : 0;
    let numbers = numbersOfRole.get(role);
    if (!numbers) numbersOfRole.set(role, (numbers = [-1, -1]));
    let n = numbers[cluster]!;
    if (n < 0) {
      const key = roleKeyOf(scope, role);
      n = roleNumbers.get(key) ?? -1;
      if (n < 0) roleNumbers.set(key, (n = roleNumbers.size));
      numbers[cluster] = n;
    }
    roleNumberOf[i] = n;
  }
  return roleNumberOf;
}

/**
 * Each binding's number among the distinct (kind, name, role) of `bindings`, and the first binding
 * of each: viaRanksOf's first step, its own function (see placedBySubject).
 */
function sameNamesOf(bindings: readonly BindingObject[]): readonly [ofBinding: Int32Array, firsts: number[]] {
  const count = bindings.length;
  const ofBinding = new Int32Array(count);
  // By kind and role kind (four), then role name, then binding name: no key text made per binding.
  const found = [0, 1, 2, 3].map(() => new Map<string, Map<string, number>>());
  const firsts: number[] = [];
  for (let i = 0; i < count; i++) {
    const b = bindings[i]!;
    const byRole = found[(b.kind === 'RoleBinding' ? 0 : 2) + (b.roleRef.kind === 'Role' ? 0 : 1)]!;
    let byName = byRole.get(b.roleRef.name);
    if (!byName) byRole.set(b.roleRef.name, (byName = new Map()));
    let n = byName.get(b.name);
    if (n === undefined) byName.set(b.name, (n = firsts.push(i) - 1));
    ofBinding[i] = n;
  }
  return [ofBinding, firsts];
}

/**
 * Each binding's place in via's order among the bindings of its namespace, as a number: bindings of
 * the same kind, name and role (whatever their namespace) share one, ranked by their labels less the
 * namespace (the same order within a namespace: its `ns/` is the same in each of them after the
 * kind, where two kinds already differ), then by what identifies them (bindingId's order, the kind
 * and namespace alike). Made once per distinct binding name (about 120 at size L for 20,000
 * bindings), so a cell's bindings are put in via's order by these numbers, not by their labels.
 * With the label's tail as JSON, by the same number.
 */
function viaRanksOf(bindings: readonly BindingObject[]): readonly [ranks: Int32Array, tails: readonly Buffer[]] {
  const count = bindings.length;
  const [ofBinding, firsts] = sameNamesOf(bindings);
  // Each as if of no namespace: ranked by bindingLabel, then byBindingId (not copies of their forms).
  const bare = firsts.map((i): BindingObject => ({ ...bindings[i]!, namespace: '' }));
  const text = bare.map(bindingLabel);
  const order = firsts.map((_, n) => n).sort((a, b) => byText(text[a]!, text[b]!) || byBindingId(bare[a]!, bare[b]!));
  const rankOf = new Int32Array(firsts.length);
  order.forEach((n, rank) => {
    rankOf[n] = rank;
  });
  for (let i = 0; i < count; i++) ofBinding[i] = rankOf[ofBinding[i]!]!;
  const tails = new Array<Buffer>(firsts.length);
  firsts.forEach((i, n) => {
    tails[rankOf[n]!] = ascii(labelTailJson(bindings[i]!));
  });
  return [ofBinding, tails];
}

/**
 * Cell texts made in one growing piece of memory, each a view of it: 20,000 texts at size L, not
 * each a string then a buffer of its own. A Uint8Array, not a Buffer: a Buffer's view is made by
 * Node's FastBuffer constructor, JavaScript run per view; a Uint8Array's by V8 alone.
 */
class TextArena {
  // Small at first: its grow path is taken within the first texts, while V8 still collects what each
  // path meets, not first in put's optimized code (thrown away there, and compiled again).
  private chunk = new Uint8Array(FIRST_PIECE);
  private from = 0;
  private at = 0;

  put(b: Uint8Array): void {
    if (this.at + b.length > this.chunk.length) this.grow(b.length);
    this.chunk.set(b, this.at);
    this.at += b.length;
  }

  byte(code: number): void {
    if (this.at === this.chunk.length) this.grow(1);
    this.chunk[this.at++] = code;
  }

  /** The text put since the last one. */
  take(): Uint8Array {
    const text = this.chunk.subarray(this.from, this.at);
    this.from = this.at;
    return text;
  }

  /** A new piece, the text begun carried over. */
  private grow(n: number): void {
    const begun = this.chunk.subarray(this.from, this.at);
    const next = new Uint8Array(Math.max(1 << 20, 2 * (begun.length + n)));
    next.set(begun, 0);
    this.chunk = next;
    this.from = 0;
    this.at = begun.length;
  }
}

/**
 * The matrix as JSON, written directly as ASCII bytes: the same data as
 * `JSON.stringify(accessMatrix())` (namespaces in sorted order, every character past ASCII
 * escaped), without building 100,000 cell objects to serialize once, nor a 25 MB string to encode
 * again on its way out. A cell is the same text for everyone the same bindings name there: made
 * once (by binding number, or by the numbers of a run) and copied. Written into `out`: the
 * buffers returned, or none when `out` drains them as they fill.
 */
export function accessMatrixJson(
  authz: Authorizer,
  options: AccessOptions = {},
  out: AsciiBytes = new AsciiBytes(),
): Buffer[] {
  const index = bindingsBySubject(authz, options.only);
  const contribution = contributionsOf(index);
  const groups = inheritedFromGroups(index, contribution, options.apart);
  const { bindings } = index;
  const count = bindings.length;
  const cells = new CellMaker();
  const roleNumberOf = roleNumbersOf(index);
  // A cell's text in parts made once: what its roles allow (by the set of their numbers) and how
  // its bindings are named (each label's head by namespace, its tail by name: viaRanksOf). Key
  // order as shown() writes them.
  const allowedTexts: NumberTrie<readonly [Buffer, Buffer]> = {};
  let roleSet = new Int32Array(64);
  /**
   * What the roles of these bindings (ascending numbers) allow, as text: found by the set of their
   * roles' numbers; on a miss, CellMaker decides from their contributions in this order (the
   * order `custom` follows), as for the first cell that holds them.
   */
  const allowedText = (members: ArrayLike<number>): readonly [Buffer, Buffer] => {
    const size = members.length;
    // The set of the roles' numbers, ascending (CellMaker.key's set, by numbers).
    // In one array kept between calls, by an insertion sort: a cell has a few roles, mostly.
    if (size > roleSet.length) roleSet = new Int32Array(2 * size);
    for (let k = 0; k < size; k++) {
      const n = roleNumberOf[members[k]!]!;
      let j = k;
      if (size <= FEW) for (; j > 0 && roleSet[j - 1]! > n; j--) roleSet[j] = roleSet[j - 1]!;
      roleSet[j] = n;
    }
    if (size > FEW) roleSet.subarray(0, size).sort();
    let distinct = size ? 1 : 0;
    for (let k = 1; k < size; k++) if (roleSet[k] !== roleSet[distinct - 1]) roleSet[distinct++] = roleSet[k]!;
    const node = nodeOf(allowedTexts, roleSet, 0, distinct);
    if (!node.value) {
      const list: Contribution[] = [];
      for (let k = 0; k < size; k++) list.push(contribution(members[k]!));
      node.value = allowedJson(cells.allowed(list));
    }
    return node.value;
  };
  // A cell of one binding: its role's text, by the role's number (no set of numbers to sort and look up).
  const allowedOfRole: (readonly [Buffer, Buffer])[] = [];
  const allowedOne = (i: number) => (allowedOfRole[roleNumberOf[i]!] ??= allowedText([i]));
  const { nsNumbers, nsPlaces } = index;
  const [viaRanks, tails] = viaRanksOf(bindings);
  const scopes = count ? nsNumbers[count - 1]! + 1 : 0;
  // `"namespace":` and a label's head (`"Kind namespace/`), by the namespace's number and the kind.
  const nsKeys = new Array<Buffer>(scopes);
  const nsKeyOf = (i: number) => (nsKeys[nsNumbers[i]!] ??= ascii(`${asciiJson(bindings[i]!.namespace)}:`));
  const heads = new Array<Buffer>(2 * scopes);
  const headOf = (i: number) => {
    const b = bindings[i]!;
    return (heads[2 * nsNumbers[i]! + (b.kind === 'RoleBinding' ? 0 : 1)] ??= ascii(
      labelHeadJson(b.kind, b.namespace),
    ));
  };
  const texts = new TextArena();
  /** A binding's label as JSON, put in the text begun. */
  const putLabel = (i: number) => {
    texts.put(headOf(i));
    texts.put(tails[viaRanks[i]!]!);
  };
  // `"namespace":{cell}` of one binding alone (most cells), by its number.
  const aloneTexts = new Array<Uint8Array>(count);
  const aloneText = (i: number): Uint8Array => {
    const allowed = allowedOne(i);
    texts.put(nsKeyOf(i));
    texts.put(allowed[0]);
    putLabel(i);
    texts.put(allowed[1]);
    return texts.take();
  };
  // `"namespace":{cell}` of a run of a subject's bindings in one namespace: people granted the same
  // roles in a namespace share it. Found by the namespace's number, then by the set of the bindings'
  // places in it (a cell's text is that of the set: repeats and order change neither its roles nor
  // its labels) where every place is below RUN_PLACES: a small integer, where one key of both
  // (namespace * 2^30 + places) was a number V8 boxes, 16 bytes made per lookup (76,000 at size L);
  // else by the bindings' numbers.
  const runsByPlaces = new Array<Map<number, Uint8Array> | undefined>(scopes);
  const runs: TextNode = {};
  /**
   * The text of a run: its bindings, distinct, ascending; put in via's order by their ranks (an
   * insertion sort: a run is a few bindings; equals keep their order, the first first), each label once.
   */
  const runText = (members: number[]): Uint8Array => {
    const allowed = allowedText(members);
    const inViaOrder = (a: number, b: number) => viaRanks[a]! - viaRanks[b]! || a - b;
    if (members.length > FEW) members.sort(inViaOrder);
    else
      for (let k = 1; k < members.length; k++) {
        const m = members[k]!;
        let j = k;
        for (; j > 0 && inViaOrder(members[j - 1]!, m) > 0; j--) members[j] = members[j - 1]!;
        members[j] = m;
      }
    texts.put(nsKeyOf(members[0]!));
    texts.put(allowed[0]);
    putLabel(members[0]!);
    for (let k = 1; k < members.length; k++)
      if (viaRanks[members[k]!] !== viaRanks[members[k - 1]!]) {
        texts.byte(COMMA);
        putLabel(members[k]!);
      }
    texts.put(allowed[1]);
    return texts.take();
  };
  // Cells of lists merged with groups' and cluster-wide access (any namespace), by their numbers.
  const merged: TextNode = {};
  const listBytes = (list: readonly Contribution[]): Uint8Array => {
    const numbers = list.map((c) => c.number);
    const node = nodeOf(merged, numbers, 0, numbers.length);
    if (!node.value) {
      const allowed = allowedText(numbers);
      const via = list.length < 2 ? list : CellMaker.firstOfEachBinding(list);
      texts.put(allowed[0]);
      via.forEach((c, k) => {
        if (k) texts.byte(COMMA);
        putLabel(c.number);
      });
      texts.put(allowed[1]);
      node.value = texts.take();
    }
    return node.value;
  };
  const { numbers, starts } = index;
  /** Where the run of a subject's bindings in one namespace that starts at `numbers[at]` ends (at most `to`). */
  const runEnd = (at: number, to: number): number => {
    const ns = nsNumbers[numbers[at]!];
    let end = at + 1;
    while (end < to && nsNumbers[numbers[end]!] === ns) end++;
    return end;
  };
  /**
   * The cell of a subject's bindings `numbers[at..end)` (ascending), all in one namespace: one
   * binding's by its number; a run's by the places' bits where each place is below RUN_PLACES, else
   * by the numbers.
   */
  const cellText = (at: number, end: number): Uint8Array => {
    const i = numbers[at]!;
    if (end === at + 1) return (aloneTexts[i] ??= aloneText(i));
    let places = 0;
    for (let k = at; k < end && places >= 0; k++) {
      const place = nsPlaces[numbers[k]!]!;
      places = place < RUN_PLACES ? places | (1 << place) : -1;
    }
    if (places < 0) {
      const node = nodeOf(runs, numbers, at, end);
      return (node.value ??= runText([...new Set(numbers.subarray(at, end))]));
    }
    const byPlaces = (runsByPlaces[nsNumbers[i]!] ??= new Map());
    let text = byPlaces.get(places);
    if (!text) {
      const members: number[] = [];
      for (let bits = places; bits; bits &= bits - 1) members.push(i - nsPlaces[i]! + 31 - Math.clz32(bits & -bits));
      byPlaces.set(places, (text = runText(members)));
    }
    return text;
  };
  /**
   * The cells of a subject's bindings, `numbers[from..to)` (ascending), comma-separated: a range of
   * the index's one array, not a view of it made per subject.
   */
  const writeCells = (out: AsciiBytes, from: number, to: number) => {
    for (let at = from; at < to; ) {
      const end = runEnd(at, to);
      if (at > from) out.byte(COMMA);
      out.bytes(cellText(at, end));
      at = end;
    }
  };
  /**
   * writeCells' text, made once for the subjects bound by the same many bindings: in texts of its
   * own (copying a cell's text within the memory it is in makes V8 copy it twice), not in an
   * AsciiBytes of its own, whose path of a full buffer, met first at such a row (late among 10,000
   * people), threw the rows' optimized code away.
   */
  const sharedTexts = new TextArena();
  const sharedText = (from: number, to: number): Uint8Array => {
    for (let at = from; at < to; ) {
      const end = runEnd(at, to);
      if (at > from) sharedTexts.byte(COMMA);
      sharedTexts.put(cellText(at, end));
      at = end;
    }
    return sharedTexts.take();
  };
  // All the cells of a subject bound by many bindings, by the bindings' numbers.
  const sharedCells = new Map<string, Uint8Array>();
  const rowEnd = ascii('}}');
  // A row's head in parts made once (the kind's, then the name, then the key of its cells), not a
  // text made and encoded per row.
  const kindHeads = new Map(
    [...index.byKind.keys()].map((kind) => [
      kind,
      [ascii(`{"kind":"${kind}","name":`), ascii(`,{"kind":"${kind}","name":`)],
    ]),
  );
  const namespacesKey = ascii(',"namespaces":{');
  /** A subject's row: `{"kind":..,"name":..,"namespaces":{...}}`, after a comma unless first. */
  const writeSubject = (kind: SubjectKind, name: string, k: number, first: boolean) => {
    const from = starts[k]!;
    const to = starts[k + 1]!;
    out.bytes(kindHeads.get(kind)![first ? 0 : 1]!);
    if (jsonAsIs(name)) {
      out.byte(QUOTE);
      out.text(name);
      out.byte(QUOTE);
    } else out.text(asciiJson(name));
    const merged = inheritsMore(kind, name, bindings[numbers[from]!]!.namespace, groups)
      ? withInherited(kind, name, scopesOf(bindingsOf(index, k), index, contribution), groups)
      : undefined;
    if (merged) {
      // Rare (group members, cluster-wide access): cells of merged lists.
      out.byte(COMMA);
      const cluster = merged[0]?.[0] === '' ? merged[0][1] : undefined;
      if (cluster?.length) {
        out.text('"cluster":');
        out.bytes(listBytes(cluster));
        out.byte(COMMA);
      }
      out.text('"namespaces":{');
      let firstCell = true;
      for (const [scope, list] of merged) {
        if (scope === '') continue;
        if (!firstCell) out.byte(COMMA);
        firstCell = false;
        out.text(`${asciiJson(scope)}:`);
        out.bytes(listBytes(list));
      }
      out.bytes(rowEnd);
      return;
    }
    out.bytes(namespacesKey);
    if (to - from < SHARED_CELLS_FROM) writeCells(out, from, to);
    else {
      // Bound by the same bindings, the same cells: the admins' (every namespace's w:full), Add All's.
      const key = bindingsOf(index, k).join(',');
      let text = sharedCells.get(key);
      if (!text) sharedCells.set(key, (text = sharedText(from, to)));
      out.bytes(text);
    }
    out.bytes(rowEnd);
  };
  // The rows, each written by its own function: not a loop V8 replaces mid-run in this long one.
  out.text('[');
  let first = true;
  for (const [kind, names] of index.byKind) {
    const sorted = sortedNames(names.keys());
    // Indexed: `for of` makes a result object per name until V8 optimizes the loop.
    for (let n = 0; n < sorted.length; n++) {
      writeSubject(kind, sorted[n]!, names.get(sorted[n]!)!, first);
      first = false;
    }
  }
  out.text(']');
  return out.done();
}
