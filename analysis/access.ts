/**
 * The access matrix: for every subject and namespace, the catalog levels its effective rules
 * cover and the privilege classes it holds. Computed per distinct set of roles (many people
 * share the same few), so a large organization costs little more than a small one.
 */
import { CATALOG, type PolicyRule } from '../model/catalog.ts';
import type { Authorizer } from './authorizer.ts';
import { CLASSES, classesOf, describeRule, type ClassId, type Scope } from './classes.ts';
import type { BindingObject, RoleObject } from './objects.ts';
import { ruleAllows, type ResourceRequest } from './rules.ts';
import { unicodeEscape } from '../model/text.ts';

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

const LEVEL_ATOMS: ReadonlyMap<string, readonly ResourceRequest[]> = new Map(
  CATALOG.map((l) => [l.id, ruleAtoms(l.rules)]),
);

/** The catalog levels a rule set covers, every request of each level being allowed. */
export function levelsCovered(rules: readonly PolicyRule[]): string[] {
  return CATALOG.filter((l) => LEVEL_ATOMS.get(l.id)!.every((a) => rules.some((r) => ruleAllows(r, a)))).map(
    (l) => l.id,
  );
}

// Which level includes which: level A includes B when A's rules cover B.
const INCLUDES: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  CATALOG.map((a) => [a.id, new Set(levelsCovered(a.rules).filter((b) => b !== a.id))]),
);

/** Drops levels that another covered level includes. */
export function maximalLevels(covered: readonly string[]): string[] {
  return covered.filter((b) => !covered.some((a) => a !== b && INCLUDES.get(a)!.has(b)));
}

/** `Kind namespace/name → RoleKind name`: how a cell names a binding in `via`. */
export const bindingLabel = (b: BindingObject) =>
  `${b.kind} ${b.namespace ? `${b.namespace}/` : ''}${b.name} → ${b.roleRef.kind} ${b.roleRef.name}`;
/** A role's identity in the analysis: `Kind/namespace/name` (namespace empty for ClusterRoles). */
export const roleId = (r: RoleObject): string => `${r.kind}/${r.namespace}/${r.name}`;

export interface Contribution {
  readonly role: RoleObject;
  readonly binding: BindingObject;
  /** `scope:Kind/namespace/name` of the role: computed once per binding, not once per subject. */
  readonly roleKey: string;
  readonly label: string;
  /** `[label]`, shared by every cell this binding alone makes. */
  readonly labels: readonly string[];
}

/** Computes cells, caching by the set of roles (people with the same roles share one result). */
export class CellMaker {
  private readonly cache = new Map<
    string,
    { levels: string[]; covers: string[]; classes: ClassId[]; custom?: readonly string[] }
  >();

  /** What decides a cell: the set of roles and where they were granted. Same key, same access. */
  static key(contributions: readonly Contribution[]): string {
    if (contributions.length === 1) return contributions[0]!.roleKey;
    return [...new Set(contributions.map((c) => c.roleKey))].sort().join('\n');
  }

  cell(contributions: readonly Contribution[]): AccessCell {
    const key = CellMaker.key(contributions);
    let result = this.cache.get(key);
    if (!result) {
      // A role granted by a ClusterRoleBinding reaches cluster-scoped objects; by a RoleBinding, it does not.
      const roles = new Map<string, { role: RoleObject; scope: Scope }>();
      for (const c of contributions) {
        if (!roles.has(c.roleKey))
          roles.set(c.roleKey, {
            role: c.role,
            scope: c.binding.kind === 'ClusterRoleBinding' ? 'cluster' : 'namespace',
          });
      }
      const all = [...roles.values()];
      const rules = all.flatMap((r) => r.role.rules);
      const covers = levelsCovered(rules);
      const classes = new Set(all.flatMap((r) => classesOf(r.role.rules, r.scope)));
      const custom = covers.length ? [] : [...new Set(rules.filter((r) => r.verbs.length).map(describeRule))];
      result = {
        covers,
        levels: maximalLevels(covers),
        classes: CLASSES.filter((c) => classes.has(c.id)).map((c) => c.id),
        ...(custom.length ? { custom } : {}),
      };
      this.cache.set(key, result);
    }
    const via =
      contributions.length === 1 ? contributions[0]!.labels : [...new Set(contributions.map((c) => c.label))].sort();
    return {
      levels: result.levels,
      covers: result.covers,
      classes: result.classes,
      via,
      ...(result.custom ? { custom: result.custom } : {}),
    };
  }
}

/** Groups every authenticated user or service account belongs to, whose bindings count for them. */
function implicitGroups(kind: SubjectKind, name: string): string[] {
  if (kind === 'User') return ['system:authenticated'];
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

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

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
  readonly only?: ReadonlyMap<string, ReadonlySet<string> | true>;
}

/** Every subject named in a binding, with the bindings that apply to it, by scope; sorted. */
export function accessIndex(authz: Authorizer, options: AccessOptions = {}): IndexedSubject[] {
  // Bindings in namespace order (stable): a subject's scopes then arrive sorted, and all of one
  // scope together, so each subject keeps a list instead of a map.
  const bindings = [...authz.set.bindings].sort((a, b) => byText(a.namespace, b.namespace));
  // Kind → name → scopes; one map per kind spares a joined key per subject.
  type Entry = [string, Contribution[]];
  const byKind = new Map<SubjectKind, Map<string, Entry[]>>([
    ['Group', new Map()],
    ['ServiceAccount', new Map()],
    ['User', new Map()],
  ]);
  let lastNames: Map<string, Entry[]> | undefined;
  let lastName = '';
  let lastScopes: Entry[] | undefined;
  const { only } = options;
  for (const binding of bindings) {
    const role = authz.roleOf(binding);
    if (!role) continue;
    let c: Contribution | undefined; // made for the first subject indexed
    const scope = binding.namespace;
    for (const s of binding.subjects) {
      if (s.kind === 'ServiceAccount' && !(s.namespace || scope)) continue; // matches nobody
      const name = s.kind === 'ServiceAccount' ? `${s.namespace || scope}:${s.name}` : s.name;
      if (only) {
        const scopes = only.get(name);
        if (!scopes || (scopes !== true && !scopes.has(scope))) continue;
      }
      if (!c) {
        const label = bindingLabel(binding);
        c = {
          role,
          binding,
          label,
          labels: [label],
          roleKey: `${binding.kind === 'ClusterRoleBinding' ? 'cluster' : 'namespace'}:${roleId(role)}`,
        };
      }
      const names = byKind.get(s.kind)!;
      // Subjects of one binding are mostly different people, but one person's grants are often
      // consecutive (split bindings, levels of a role): remember the last one looked up.
      let scopes = names === lastNames && name === lastName ? lastScopes : names.get(name);
      if (!scopes) names.set(name, (scopes = []));
      lastNames = names;
      lastName = name;
      lastScopes = scopes;
      const last = scopes[scopes.length - 1];
      if (last?.[0] === scope) last[1].push(c);
      else scopes.push([scope, [c]]);
    }
  }
  let groups = byKind.get('Group')!;
  const { apart } = options;
  if (apart) {
    // What members inherit from their groups: without the bindings shown apart.
    const inherited = new Map<string, Entry[]>();
    for (const [name, scopes] of groups) {
      const kept = scopes
        .map(([scope, list]): Entry => [scope, list.filter((c) => !apart(c.binding))])
        .filter(([, list]) => list.length);
      if (kept.length) inherited.set(name, kept);
    }
    groups = inherited;
  }
  const out: IndexedSubject[] = [];
  for (const [kind, names] of byKind) {
    for (const name of [...names.keys()].sort(byText)) {
      let scopes: Entry[] = names.get(name)!;
      // Bindings of the groups every such subject is in count for it too.
      const implicit = groups.size
        ? implicitGroups(kind, name)
            .map((g) => groups.get(g))
            .filter((g) => g !== undefined)
        : [];
      if (implicit.length) {
        const merged = new Map(scopes.map(([scope, list]) => [scope, [...list]]));
        for (const g of implicit)
          for (const [scope, list] of g) merged.set(scope, [...(merged.get(scope) ?? []), ...list]);
        scopes = [...merged.entries()].sort(([a], [b]) => byText(a, b));
      }
      // Cluster-wide access holds in every namespace too.
      if (scopes[0]?.[0] === '') {
        const clusterWide = scopes[0][1];
        scopes = scopes.map(([scope, list]) => (scope === '' ? [scope, list] : [scope, [...clusterWide, ...list]]));
      }
      out.push({ kind, name, scopes });
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
    const namespaces: Record<string, MatrixCell> = {};
    let cluster: MatrixCell | undefined;
    for (const [scope, list] of scopes) {
      if (scope === '') cluster = list.length ? shown(cells.cell(list)) : undefined;
      else namespaces[scope] = shown(cells.cell(list));
    }
    return { kind, name, ...(cluster ? { cluster } : {}), namespaces };
  });
}

/**
 * JSON with every character past ASCII escaped (the same data): the labels' arrow would
 * otherwise make the whole 25 MB text a two-byte string, slower to build and to encode.
 */
const asciiJson = (value: unknown): string => JSON.stringify(value).replace(/[\u0080-\uffff]/g, unicodeEscape);

/**
 * The matrix as JSON text, written directly: the same data as `JSON.stringify(accessMatrix())`
 * (namespaces in sorted order, ASCII only), without building 100,000 cell objects to serialize once. A cell
 * one binding makes is the same text for everyone it binds: written once per binding.
 */
export function accessMatrixJson(authz: Authorizer, options: AccessOptions = {}): string {
  const cells = new CellMaker();
  // Cell texts by their list of contributions, as a trie: people granted the same roles in a
  // namespace share the bindings there, so their cells are the same text.
  interface Node {
    text?: string;
    next?: Map<Contribution, Node>;
  }
  const root: Node = {};
  const cellJson = (list: readonly Contribution[]): string => {
    let node = root;
    for (const c of list) {
      let child = (node.next ??= new Map()).get(c);
      if (!child) node.next.set(c, (child = {}));
      node = child;
    }
    return (node.text ??= asciiJson(shown(cells.cell(list))));
  };
  const nsKeys = new Map<string, string>();
  const nsKey = (ns: string) => nsKeys.get(ns) ?? nsKeys.set(ns, `${asciiJson(ns)}:`).get(ns)!;
  const subjects: string[] = [];
  for (const { kind, name, scopes } of accessIndex(authz, options)) {
    let cluster = '';
    const namespaces: string[] = [];
    for (const [scope, list] of scopes) {
      if (scope !== '') namespaces.push(nsKey(scope) + cellJson(list));
      else if (list.length) cluster = `"cluster":${cellJson(list)},`;
    }
    subjects.push(`{"kind":"${kind}","name":${asciiJson(name)},${cluster}"namespaces":{${namespaces.join(',')}}}`);
  }
  return `[${subjects.join(',')}]`;
}
