/**
 * The access matrix: for every subject and namespace, the catalog levels its effective rules
 * cover and the privilege classes it holds. Computed per distinct set of roles (many people
 * share the same few), so a large organization costs little more than a small one.
 */
import { CATALOG, type PolicyRule } from '../../constructs/catalog.ts';
import type { Authorizer } from './authorizer.ts';
import { CLASSES, classesOf, type ClassId, type Scope } from './classes.ts';
import type { BindingObject, RoleObject } from './objects.ts';
import { ruleAllows, type ResourceRequest } from './rules.ts';

export type SubjectKind = 'User' | 'Group' | 'ServiceAccount';

export interface AccessCell {
  /** Covered levels, without those another covered level includes (`w:pods` hides `r:pods`). */
  readonly levels: readonly string[];
  /** Every covered level. */
  readonly covers: readonly string[];
  readonly classes: readonly ClassId[];
  /** `Kind namespace/name → RoleKind name` of each binding that contributes. */
  readonly via: readonly string[];
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

const LEVEL_ATOMS: ReadonlyMap<string, readonly ResourceRequest[]> = new Map(CATALOG.map((l) => [l.id, ruleAtoms(l.rules)]));

/** The catalog levels a rule set covers, every request of each level being allowed. */
export function levelsCovered(rules: readonly PolicyRule[]): string[] {
  return CATALOG.filter((l) => LEVEL_ATOMS.get(l.id)!.every((a) => rules.some((r) => ruleAllows(r, a)))).map((l) => l.id);
}

// Which level includes which: level A includes B when A's rules cover B.
const INCLUDES: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  CATALOG.map((a) => [a.id, new Set(levelsCovered(a.rules).filter((b) => b !== a.id))]),
);

/** Drops levels that another covered level includes. */
export function maximalLevels(covered: readonly string[]): string[] {
  return covered.filter((b) => !covered.some((a) => a !== b && INCLUDES.get(a)!.has(b)));
}

const bindingLabel = (b: BindingObject) => `${b.kind} ${b.namespace ? `${b.namespace}/` : ''}${b.name} → ${b.roleRef.kind} ${b.roleRef.name}`;
const roleId = (r: RoleObject) => `${r.kind}/${r.namespace}/${r.name}`;

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
  private readonly cache = new Map<string, { levels: string[]; covers: string[]; classes: ClassId[] }>();

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
        if (!roles.has(c.roleKey)) roles.set(c.roleKey, { role: c.role, scope: c.binding.kind === 'ClusterRoleBinding' ? 'cluster' : 'namespace' });
      }
      const all = [...roles.values()];
      const rules = all.flatMap((r) => r.role.rules);
      const covers = levelsCovered(rules);
      const classes = new Set(all.flatMap((r) => classesOf(r.role.rules, r.scope)));
      result = { covers, levels: maximalLevels(covers), classes: CLASSES.filter((c) => classes.has(c.id)).map((c) => c.id) };
      this.cache.set(key, result);
    }
    const via = contributions.length === 1 ? contributions[0]!.labels : [...new Set(contributions.map((c) => c.label))].sort();
    return { levels: result.levels, covers: result.covers, classes: result.classes, via };
  }
}

/** Groups every authenticated user or service account belongs to, whose bindings count for them. */
function implicitGroups(kind: SubjectKind, name: string): string[] {
  if (kind === 'User') return ['system:authenticated'];
  if (kind === 'ServiceAccount') return ['system:authenticated', 'system:serviceaccounts', `system:serviceaccounts:${name.split(':')[0]}`];
  return [];
}

export interface IndexedSubject {
  readonly kind: SubjectKind;
  /** Users and groups: their name; service accounts: `namespace:name`. */
  readonly name: string;
  /** '' (ClusterRoleBindings) or a namespace → what grants access there. */
  readonly scopes: ReadonlyMap<string, readonly Contribution[]>;
}

/** Every subject named in a binding, with the bindings that apply to it, by scope; sorted. */
export function accessIndex(authz: Authorizer): IndexedSubject[] {
  // Kind → name → scope → contributions; one map per kind spares a joined key per subject.
  const byKind = new Map<SubjectKind, Map<string, Map<string, Contribution[]>>>([['Group', new Map()], ['ServiceAccount', new Map()], ['User', new Map()]]);
  let lastNames: Map<string, Map<string, Contribution[]>> | undefined;
  let lastName = '';
  let lastScopes: Map<string, Contribution[]> | undefined;
  for (const binding of authz.set.bindings) {
    const role = authz.roleOf(binding);
    if (!role) continue;
    const label = bindingLabel(binding);
    const c: Contribution = {
      role, binding, label, labels: [label],
      roleKey: `${binding.kind === 'ClusterRoleBinding' ? 'cluster' : 'namespace'}:${roleId(role)}`,
    };
    for (const s of binding.subjects) {
      if (s.kind === 'ServiceAccount' && !(s.namespace || binding.namespace)) continue; // matches nobody
      const name = s.kind === 'ServiceAccount' ? `${s.namespace || binding.namespace}:${s.name}` : s.name;
      const names = byKind.get(s.kind)!;
      // Subjects of one binding are mostly different people, but one person's grants are often
      // consecutive (split bindings, levels of a role): remember the last one looked up.
      let scopes = names === lastNames && name === lastName ? lastScopes : names.get(name);
      if (!scopes) names.set(name, (scopes = new Map()));
      lastNames = names;
      lastName = name;
      lastScopes = scopes;
      const list = scopes.get(binding.namespace);
      if (list) list.push(c);
      else scopes.set(binding.namespace, [c]);
    }
  }
  const groups = byKind.get('Group')!;
  const out: IndexedSubject[] = [];
  for (const [kind, names] of byKind) {
    for (const name of [...names.keys()].sort()) {
      // Bindings of the groups every such subject is in count for it too.
      const implicit = groups.size ? implicitGroups(kind, name).map((g) => groups.get(g)).filter((g) => g !== undefined) : [];
      const scopes = implicit.length ? new Map(names.get(name)!) : names.get(name)!;
      for (const g of implicit) for (const [scope, list] of g) scopes.set(scope, [...(scopes.get(scope) ?? []), ...list]);
      // Cluster-wide access holds in every namespace too.
      const clusterWide = scopes.get('') ?? [];
      if (clusterWide.length) for (const [scope, list] of scopes) if (scope !== '') scopes.set(scope, [...clusterWide, ...list]);
      out.push({ kind, name, scopes });
    }
  }
  return out;
}

const shown = (c: AccessCell): MatrixCell => ({ levels: c.levels, classes: c.classes, via: c.via });
const namespacesOf = (scopes: ReadonlyMap<string, unknown>) => [...scopes.keys()].filter((s) => s !== '').sort();

/** The matrix over every subject named in a binding, sorted by kind and name. */
export function accessMatrix(authz: Authorizer): SubjectAccess[] {
  const cells = new CellMaker();
  return accessIndex(authz).map(({ kind, name, scopes }) => {
    const namespaces: Record<string, MatrixCell> = {};
    for (const ns of namespacesOf(scopes)) namespaces[ns] = shown(cells.cell(scopes.get(ns)!));
    const clusterWide = scopes.get('');
    return { kind, name, ...(clusterWide?.length ? { cluster: shown(cells.cell(clusterWide)) } : {}), namespaces };
  });
}

/**
 * JSON with every character past ASCII escaped (the same data): the labels' arrow would
 * otherwise make the whole 25 MB text a two-byte string, slower to build and to encode.
 */
const asciiJson = (value: unknown): string => JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/**
 * The matrix as JSON text, written directly: the same data as `JSON.stringify(accessMatrix())`
 * (namespaces in sorted order, ASCII only), without building 100,000 cell objects to serialize once. A cell
 * one binding makes is the same text for everyone it binds: written once per binding.
 */
export function accessMatrixJson(authz: Authorizer): string {
  const cells = new CellMaker();
  // Cell texts by their list of contributions, as a trie: people granted the same roles in a
  // namespace share the bindings there, so their cells are the same text.
  interface Node { text?: string; next?: Map<Contribution, Node> }
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
  for (const { kind, name, scopes } of accessIndex(authz)) {
    const clusterWide = scopes.get('');
    const namespaces = namespacesOf(scopes).map((ns) => nsKey(ns) + cellJson(scopes.get(ns)!));
    subjects.push(`{"kind":"${kind}","name":${asciiJson(name)},${clusterWide?.length ? `"cluster":${cellJson(clusterWide)},` : ''}"namespaces":{${namespaces.join(',')}}}`);
  }
  return `[${subjects.join(',')}]`;
}
