/**
 * A synthesized `dist/` read as data: membership (from orgctl's ConfigMaps) and effective access
 * (from the RBAC analysis). The review never runs code from a pull request: it reads this.
 */
import type { PolicyRule } from '../model/catalog.ts';
import { customRoleName, tokenRoleName } from '../model/model.ts';
import { nameRecord } from '../model/own-keys.ts';
import { outputClusters } from '../synth/render.ts';
import { MembershipLines, readMembership, type Membership, type OrgInfo } from './membership.ts';

// Read with the snapshot, and declared apart (analysis/membership.ts) to load without it.
export { MembershipLines, readMembership, type Membership, type OrgInfo };
import {
  accessIndex,
  CellMaker,
  roleId,
  type AccessCell,
  type Contribution,
  type OnlySubjects,
  type SubjectKind,
} from './access.ts';
import { Authorizer, exactServiceAccountOf, SA_PREFIX, serviceAccountUser } from './authorizer.ts';
import {
  bySubject,
  isObj,
  readRbac,
  type BindingObject,
  type ManifestDoc,
  type RbacSet,
  type RoleObject,
  type SubjectObject,
} from './objects.ts';

/**
 * Where a cell's access holds: a namespace, or every namespace (no namespace: access a
 * ClusterRoleBinding gives); in one cluster when the clusters' copies differ and each is read apart
 * (copiesDiffer), in every cluster otherwise.
 */
export interface CellScope {
  readonly namespace?: string;
  readonly cluster?: string;
}

/**
 * A subject's access in one scope, computed only when asked: a diff compares `key`s first
 * (the roles that apply, and where they were granted) and computes cells only where they differ.
 */
export interface LazyCell {
  readonly key: string;
  /** Where it holds; the cell's key in Snapshot.access is its text (scopeText). */
  readonly scope: CellScope;
  /** The roles that apply (grants as people hold them: one per binding's role). */
  readonly roles: readonly string[];
  /**
   * The roles that apply, each once, as the bindings name them (kind, name): what a line naming a
   * role says, never read back from a `via` label, text for people whose names may hold ` → ` (R125-1).
   */
  readonly boundRoles: readonly Pick<RoleObject, 'kind' | 'name'>[];
  readonly cell: AccessCell;
}

/** The role id (`Kind/namespace/name`) of a cell's role key (`scope:Kind/namespace/name`). */
export const roleKeyId = (key: string): string => key.slice(key.indexOf(':') + 1);

/**
 * The rules of the organization's custom Roles (custom roles, a person's or a token's own rules) a
 * cell holds: its roles are `scope:Kind/namespace/name`, `customRoles` is keyed `namespace/name`.
 */
export function customRulesOf(s: Pick<Snapshot, 'customRoles'>, cell: LazyCell): (readonly PolicyRule[])[] {
  return cell.roles.flatMap((r) => {
    const [kind, ns, ...name] = roleKeyId(r).split('/');
    const rules = kind === 'Role' ? s.customRoles.get(`${ns}/${name.join('/')}`) : undefined;
    return rules ? [rules] : [];
  });
}

/**
 * The rules of one role, by `Kind/namespace/name` (none when the output holds no such role): read
 * from its text once per side's rule texts, and shared (a diff asks for a level's role once per
 * cell holding it: thousands of times at size L). Read only.
 */
export function rulesOfRole(s: Pick<Snapshot, 'ruleSets'>, id: string): readonly PolicyRule[] {
  let read = RULES_READ.get(s.ruleSets);
  if (!read) RULES_READ.set(s.ruleSets, (read = new Map()));
  let rules = read.get(id);
  if (!rules) {
    const text = s.ruleSets.get(id);
    read.set(id, (rules = text === undefined ? [] : (JSON.parse(text) as PolicyRule[])));
  }
  return rules;
}
const RULES_READ = new WeakMap<ReadonlyMap<string, string>, Map<string, readonly PolicyRule[]>>();

/** The rules of every role a cell holds (catalog levels' ClusterRoles and custom Roles alike). */
export function roleRulesOf(s: Pick<Snapshot, 'ruleSets'>, cell: LazyCell): readonly PolicyRule[] {
  return cell.roles.flatMap((r) => rulesOfRole(s, roleKeyId(r)));
}

/**
 * Where access a ClusterRoleBinding gives is said to be: in every namespace. orgctl writes no
 * ClusterRoleBinding, so only an output edited by hand or forged has one; no namespace can be
 * named so.
 */
const CLUSTER_WIDE = 'every namespace (cluster-wide)';

/** A scope's cluster as said after it: ` in cluster lga1`, or nothing (every cluster). */
const inCluster = (scope: CellScope): string => (scope.cluster === undefined ? '' : ` in cluster ${scope.cluster}`);

/**
 * A scope as text, the one place it is made: `web`, `web in cluster lga1`, `every namespace
 * (cluster-wide)` (`... in cluster lga1`). A cell's key in Snapshot.access, and where the diff says
 * its access changes.
 */
const scopeText = (scope: CellScope): string => `${scope.namespace ?? CLUSTER_WIDE}${inCluster(scope)}`;

/**
 * The namespaces a cell holds access in: its scope's namespace, or every namespace of the
 * organization for access a ClusterRoleBinding gives. A rule looking a cell up by namespace reads
 * it so, or a forged dist/ of differing copies or a ClusterRoleBinding would hold access no rule
 * saw in any namespace (review R4).
 */
export function namespacesOf(
  scope: CellScope,
  org: Pick<OrgInfo, 'namespaces' | 'systemNamespace'>,
): readonly string[] {
  return scope.namespace === undefined ? [...org.namespaces, org.systemNamespace] : [scope.namespace];
}

/**
 * Where a cell's access holds, said of one namespace it covers (namespacesOf): `web`, `web in
 * cluster lga1`, or `web, through a ClusterRoleBinding` (`... in cluster lga1`).
 */
export const whereHeld = (scope: CellScope, namespace: string): string =>
  scope.namespace === undefined ? `${namespace}, through a ClusterRoleBinding${inCluster(scope)}` : scopeText(scope);

/**
 * The cells that hold access in `namespace` of `cluster`: its own, one a ClusterRoleBinding gives
 * (every namespace), each whether read as one account or in that cluster apart.
 */
export const cellsIn = (cells: Readonly<Record<string, LazyCell>>, namespace: string, cluster?: string): LazyCell[] =>
  Object.values(cells).filter(
    (c) =>
      (c.scope.namespace === undefined || c.scope.namespace === namespace) &&
      (c.scope.cluster === undefined || cluster === undefined || c.scope.cluster === cluster),
  );

/** Membership (who is who, as the output records it) and the access its RBAC gives. */
export interface Snapshot extends Membership {
  /**
   * Effective access of users and ServiceAccounts, by the username the API server knows them by
   * (a ServiceAccount's: `system:serviceaccount:<namespace>:<name>`, a User of that name being it)
   * → namespace → cell. One name, one identity: a User `web:default` is not ServiceAccount
   * web/default, nor a Group dan@acme.io the user dan@acme.io (read as one, one hid the other).
   */
  readonly access: ReadonlyMap<string, Readonly<Record<string, LazyCell>>>;
  /** Effective access of Groups, by name → namespace → cell: apart from `access` (another kind of name). */
  readonly groupAccess: ReadonlyMap<string, Readonly<Record<string, LazyCell>>>;
  /** Custom Roles (orgctl's `custom:` and `token:` Roles): `namespace/name` → rules. */
  readonly customRoles: ReadonlyMap<string, readonly PolicyRule[]>;
  /** Every role's rules as text, by `Kind/namespace/name`: a diff sees a role whose rules changed. */
  readonly ruleSets: ReadonlyMap<string, string>;
  /** Namespace → the clusters whose output holds it (from `<cluster>/<shard>/resources.yaml`), sorted. */
  readonly placement: ReadonlyMap<string, readonly string[]>;
  /**
   * Grants as people hold them, when `access` holds only the subjects a change touches (the base
   * of readSnapshotPair): counted apart, since a diff's mass-removal limit is a share of all.
   */
  readonly grantCount?: number;
}

/** One shared empty set of cells, for a subject that holds none. */
const NO_CELLS: Readonly<Record<string, LazyCell>> = Object.freeze(nameRecord<LazyCell>());

/**
 * A token as the access index names it, `<system namespace>:<account>` (a ServiceAccount's
 * `namespace:name`, as affectedSubjects keys subjects); Snapshot.access keys it by its username
 * (tokenSubject).
 */
const tokenIndexName = (org: Pick<OrgInfo, 'systemNamespace'>, token: { readonly serviceAccount: string }): string =>
  `${org.systemNamespace}:${token.serviceAccount}`;

/** A token as a subject of `access`: its ServiceAccount's username. */
export const tokenSubject = (
  org: Pick<OrgInfo, 'systemNamespace'>,
  token: { readonly serviceAccount: string },
): string => serviceAccountUser(org.systemNamespace, token.serviceAccount);

/** A token's cells on one side, keyed as its ServiceAccount's subject (tokenSubject); {} when it holds none. */
export const tokenCells = (
  side: Pick<Snapshot, 'access' | 'org'>,
  token: { readonly serviceAccount: string },
): Readonly<Record<string, LazyCell>> => side.access.get(tokenSubject(side.org, token)) ?? NO_CELLS;

/** A LazyCell: its key now, its roles and access when first asked (most cells are never asked). */
class DeferredCell implements LazyCell {
  readonly key: string;
  private roleList?: readonly string[];
  private roleObjects?: readonly RoleObject[];
  private computed?: AccessCell;

  constructor(
    private readonly contributions: readonly Contribution[],
    private readonly cells: CellMaker,
    readonly scope: CellScope,
  ) {
    this.key = CellMaker.key(contributions);
  }

  get roles(): readonly string[] {
    return (this.roleList ??= CellMaker.roleKeys(this.contributions));
  }

  get boundRoles(): readonly RoleObject[] {
    return (this.roleObjects ??= [...new Map(this.contributions.map((c) => [c.roleKey, c.role])).values()]);
  }

  get cell(): AccessCell {
    return (this.computed ??= this.cells.cell(this.contributions));
  }
}

/**
 * Namespace → clusters, from the folder two above each Namespace object's file
 * (`<cluster>/<shard>/resources.yaml`, clusterOfFile). Worked out once per side's documents and
 * clusters: a diff asks for it three times a side (copiesDiffer, affectedSubjects, snapshotOf),
 * 5–10 ms each at size L in four clusters. Read only: callers share it.
 */
export function placementOf(
  docs: readonly ManifestDoc[],
  clusters: readonly string[],
): ReadonlyMap<string, readonly string[]> {
  let byClusters = PLACEMENTS.get(docs);
  if (!byClusters) PLACEMENTS.set(docs, (byClusters = new Map()));
  const key = clusters.join('\n');
  let placement = byClusters.get(key);
  if (!placement) byClusters.set(key, (placement = placementIn(docs, clusters)));
  return placement;
}
const PLACEMENTS = new WeakMap<readonly ManifestDoc[], Map<string, ReadonlyMap<string, readonly string[]>>>();

function placementIn(docs: readonly ManifestDoc[], clusters: readonly string[]): Map<string, string[]> {
  const clusterOf = clustersOfFiles(clusters);
  const out = new Map<string, string[]>();
  // Indexed loops, here and in affectedSubjects and grantCountOf (each run once, over every document,
  // binding or subject): `for of` makes a result object per element until V8 optimizes the loop.
  for (let i = 0; i < docs.length; i++) {
    const d = docs[i]!;
    const o = d.object as { kind?: unknown; metadata?: { name?: unknown } };
    if (!isObj(o) || o.kind !== 'Namespace' || typeof o.metadata?.name !== 'string') continue;
    const cluster = clusterOf(d.file);
    if (cluster === undefined) continue;
    const list = out.get(o.metadata.name) ?? [];
    if (!list.includes(cluster)) list.push(cluster);
    out.set(o.metadata.name, list);
  }
  for (const list of out.values()) list.sort();
  return out;
}

/** Reads a snapshot; `label` (`base`, `head`) names it in errors. */
export function readSnapshot(docs: readonly ManifestDoc[], label: string): Snapshot {
  return snapshotOf(docs, readMembership(docs, label), readRbac(docs));
}

/** One side of a change: its documents, and its membership (read first, so its errors name the side). */
export interface SideDocs {
  readonly docs: readonly ManifestDoc[];
  readonly membership: Membership;
  /** Their RBAC, when read already. */
  readonly rbac?: RbacSet;
}

/**
 * Both sides of a change, for a diff: access is computed only for the subjects the change can
 * touch, when that set is known (see affectedSubjects), and for everyone otherwise. A diff of the
 * two is the diff of two full snapshots: a subject left out holds the same cells on both sides,
 * so neither side's access shows it. Only diffSnapshots(base, head) may read such a pair.
 */
export function readSnapshotPair(base: SideDocs, head: SideDocs): { base: Snapshot; head: Snapshot } {
  const [baseRbac, headRbac] = [base.rbac ?? readRbac(base.docs), head.rbac ?? readRbac(head.docs)];
  // Clusters whose copies differ: each cluster's access apart, everyone's (see copiesDiffer).
  if (copiesDiffer(base, baseRbac) || copiesDiffer(head, headRbac))
    return {
      base: snapshotOf(base.docs, base.membership, baseRbac, undefined, true),
      head: snapshotOf(head.docs, head.membership, headRbac, undefined, true),
    };
  const only = affectedSubjects(base, head, baseRbac, headRbac);
  if (!only)
    return {
      base: snapshotOf(base.docs, base.membership, baseRbac),
      head: snapshotOf(head.docs, head.membership, headRbac),
    };
  const cells = sameRulesWhereBoth(baseRbac, headRbac) ? new CellMaker() : undefined;
  return {
    base: {
      ...snapshotOf(base.docs, base.membership, baseRbac, only, false, cells),
      grantCount: grantCountOf(base.membership, baseRbac),
    },
    head: snapshotOf(head.docs, head.membership, headRbac, only, false, cells),
  };
}

/**
 * Every role's rules as text, by `Kind/namespace/name` (Snapshot.ruleSets), once per side's list of
 * roles: affectedSubjects compares the two sides' and each side's snapshot keeps its own. Read only.
 */
function ruleTextsOf(roles: readonly RoleObject[]): ReadonlyMap<string, string> {
  let texts = RULE_TEXTS.get(roles);
  if (!texts) RULE_TEXTS.set(roles, (texts = new Map(roles.map((r) => [roleId(r), JSON.stringify(r.rules)]))));
  return texts;
}
const RULE_TEXTS = new WeakMap<readonly RoleObject[], ReadonlyMap<string, string>>();

/**
 * Whether every role both sides hold (by `Kind/namespace/name`) has the same rules on both: then
 * what a set of roles allows (CellMaker, by their keys) is the same on both sides, and one
 * CellMaker works it out once for the pair.
 */
function sameRulesWhereBoth(base: RbacSet, head: RbacSet): boolean {
  const [b, h] = [ruleTextsOf(base.roles), ruleTextsOf(head.roles)];
  for (const [id, text] of b) if (h.has(id) && h.get(id) !== text) return false;
  return true;
}

/** The declared cluster whose folder holds a file (`<cluster>/<shard>/resources.yaml`), as placementOf reads it. */
function clusterOfFile(file: string, clusters: readonly string[]): string | undefined {
  const segments = file.split('/');
  const cluster = segments[segments.length - 3];
  return cluster !== undefined && clusters.includes(cluster) ? cluster : undefined;
}

/** Whether two copies of one role or binding grant the same (and are one: the same kind and name). */
function sameCopy(a: RoleObject | BindingObject, b: RoleObject | BindingObject): boolean {
  if (a.kind !== b.kind || a.name !== b.name) return false;
  if ('roleRef' in a && 'roleRef' in b)
    return (
      a.roleRef.kind === b.roleRef.kind &&
      a.roleRef.name === b.roleRef.name &&
      a.subjects.length === b.subjects.length &&
      a.subjects.every((s, i) => {
        const o = b.subjects[i]!;
        return s === o || (s.kind === o.kind && s.name === o.name && s.namespace === o.namespace);
      })
    );
  // Roles as copyText says them (few: bindings, many, are compared above field by field).
  if ('rules' in a && 'rules' in b) return copyText(a) === copyText(b);
  return false;
}

/** clusterOfFile, worked out once per file (a file holds hundreds of objects). */
function clustersOfFiles(clusters: readonly string[]): (file: string) => string | undefined {
  const known = new Map<string, string | undefined>();
  return (file) => {
    if (known.has(file)) return known.get(file);
    const cluster = clusterOfFile(file, clusters);
    known.set(file, cluster);
    return cluster;
  };
}

/**
 * Whether the clusters' copies of the RBAC differ: each namespace's roles and bindings (the
 * cluster-scoped ones: namespace '') must be in exactly the clusters it is in (every cluster for
 * the cluster-scoped and for a namespace no cluster holds), alike and in the same order, and a
 * role once in each. orgctl writes them so, and one account by namespace is true of its outputs;
 * of another output (edited by hand, forged) it was not: the copies were read as one, a role's
 * last copy standing for all (acme:r:pods allowing everything in lga1 read as ord1's), a binding
 * in a cluster its namespace is not in read as where it is. Objects outside every cluster's
 * folder are read in each (as they were). Copies merely reordered, or with an object written twice
 * alike, are alike: read apart, a reviewer read every line once per cluster (red team D3).
 */
function copiesDiffer(side: SideDocs, rbac: RbacSet): boolean {
  const clusters = outputClusters(side.membership.org);
  // One cluster: every object is where its namespace is (or outside every cluster's folder).
  if (clusters.length === 1) return rolesTwice(rbac.roles.filter((r) => clusterOfFile(r.from.file, clusters)));
  const placement = placementOf(side.docs, clusters);
  const clusterOf = clustersOfFiles(clusters);
  // Namespace → cluster → its objects there, in the order read.
  const copies = new Map<string, Map<string, (RoleObject | BindingObject)[]>>();
  const add = (object: RoleObject | BindingObject) => {
    const cluster = clusterOf(object.from.file);
    if (cluster === undefined) return;
    let byCluster = copies.get(object.namespace);
    if (!byCluster) copies.set(object.namespace, (byCluster = new Map()));
    const list = byCluster.get(cluster);
    if (list) list.push(object);
    else byCluster.set(cluster, [object]);
  };
  for (const r of rbac.roles) add(r);
  for (const b of rbac.bindings) add(b);
  for (const [namespace, byCluster] of copies) {
    const where = (namespace && placement.get(namespace)) || clusters;
    if (byCluster.size !== where.length || !where.every((c) => byCluster.has(c))) return true;
    const [first, ...others] = [...byCluster.values()];
    // Alike in the same order (orgctl's outputs), else alike as sets: an object written twice, or
    // the copies reordered, is the same account (each is read apart only when they differ).
    if (
      others.some((list) => list.length !== first!.length || !list.every((o, i) => sameCopy(o, first![i]!))) &&
      !alikeAsSets([first!, ...others])
    )
      return true;
    if (rolesTwice(first!.filter((o) => !('roleRef' in o)) as RoleObject[])) return true;
  }
  return false;
}

/** A role or binding as sameCopy compares it, as text. */
const copyText = (o: RoleObject | BindingObject): string =>
  'roleRef' in o
    ? JSON.stringify([
        o.kind,
        o.name,
        o.roleRef.kind,
        o.roleRef.name,
        o.subjects.map((s) => [s.kind, s.name, s.namespace]),
      ])
    : JSON.stringify([
        o.kind,
        o.name,
        (o as RoleObject).rules,
        (o as RoleObject).labels,
        (o as RoleObject).aggregation,
      ]);

/** Whether lists of copies hold the same objects (copyText), whatever their order and repeats. */
function alikeAsSets(lists: readonly (readonly (RoleObject | BindingObject)[])[]): boolean {
  const [first, ...others] = lists.map((list) => new Set(list.map(copyText)));
  return others.every((set) => set.size === first!.size && [...set].every((t) => first!.has(t)));
}

/**
 * Whether a role is twice among these, unlike: one of them stood for both (a binding twice counts
 * once, as does a role written twice alike).
 */
function rolesTwice(roles: readonly RoleObject[]): boolean {
  const ids = new Set(roles.map((r) => `${r.kind}/${r.namespace}/${r.name}`));
  return ids.size !== roles.length && ids.size !== new Set(roles.map(copyText)).size;
}

/**
 * One cluster's RBAC, its namespaces said as in that cluster (scopeText: `data in cluster lga1`),
 * roles too (their ids then differ by cluster, and so their rules): what copiesDiffer's outputs are
 * read as, cluster by cluster; with each such name's namespace. Objects outside every cluster's
 * folder are in each.
 */
function clusterRbac(
  rbac: RbacSet,
  cluster: string,
  clusters: readonly string[],
): { readonly rbac: RbacSet; readonly namespaceOf: ReadonlyMap<string, string> } {
  const clusterOf = clustersOfFiles(clusters);
  const here = (o: RoleObject | BindingObject) => {
    const c = clusterOf(o.from.file);
    return c === undefined || c === cluster;
  };
  const namespaceOf = new Map<string, string>();
  const qualified = (namespace: string) => {
    const text = scopeText({ namespace, cluster });
    namespaceOf.set(text, namespace);
    return text;
  };
  // A role twice in the cluster holds what either copy allows (which one applies is not known).
  const roles = new Map<string, RoleObject>();
  for (const r of rbac.roles.filter(here)) {
    const id = roleId(r);
    const twin = roles.get(id);
    roles.set(id, twin ? { ...twin, rules: [...twin.rules, ...r.rules] } : r);
  }
  return {
    rbac: {
      ...rbac,
      roles: [...roles.values()].map((r) => ({
        ...r,
        namespace: r.kind === 'Role' ? qualified(r.namespace) : `cluster ${cluster}`,
      })),
      bindings: rbac.bindings.filter(here).map((b) =>
        b.kind === 'ClusterRoleBinding'
          ? b
          : {
              ...b,
              namespace: qualified(b.namespace),
              // A ServiceAccount named without a namespace is the binding's own namespace's.
              subjects: b.subjects.map((s) =>
                s.kind === 'ServiceAccount' && !s.namespace ? { ...s, namespace: b.namespace } : s,
              ),
            },
      ),
    },
    namespaceOf,
  };
}

const isBinding = (d: ManifestDoc) => {
  const kind = (d.object as { kind?: unknown } | null)?.kind;
  return kind === 'RoleBinding' || kind === 'ClusterRoleBinding';
};
const bindingRoleId = (b: BindingObject) =>
  b.roleRef.kind === 'ClusterRole' ? `ClusterRole//${b.roleRef.name}` : `Role/${b.namespace}/${b.roleRef.name}`;
// A User named as a ServiceAccount's username is that ServiceAccount (the access index files it so).
const subjectName = (s: SubjectObject, scope: string) =>
  s.kind === 'ServiceAccount'
    ? `${s.namespace || scope}:${s.name}`
    : (s.kind === 'User' && exactServiceAccountOf(s.name)) || s.name;

/**
 * A binding with only its subjects of `only` where kept (its namespace, or everywhere), or
 * undefined when it names none: the only pairs the access index keeps (its subjectPairs names
 * subjects as subjectName does), so that it need not number every subject of the output (240,000
 * pairs at size L, most in bindings that also name one of the thousand or so a 1% change touches).
 * Kept so, the bindings keep their order, each its kept subjects' order; every role stays. Nothing
 * but that index reads these bindings (its cells name a binding by kind, namespace, name and role).
 *
 * One answer per `only`, so that head asks base's: a subject's kept scopes found once per subject
 * (bySubject). A binding's subjects are walked on each side: a WeakMap of the answers by subjects'
 * list (which a document both sides share gives both) cost more to fill, 20,000 lists a side at
 * size L, than the walks it saved (r194b). A ServiceAccount named without a namespace is the
 * binding's namespace's: asked each time.
 */
function namesKept(only: OnlySubjects): KeepBinding {
  let keep = NAMES_KEPT.get(only);
  if (keep) return keep;
  const scopesOf = bySubject((s) => only.get(subjectName(s, '')));
  keep = (b) => {
    const subjects = b.subjects;
    const namespace = b.namespace;
    let kept: SubjectObject[] | undefined;
    for (let i = 0; i < subjects.length; i++) {
      const s = subjects[i]!;
      const scopes = s.kind === 'ServiceAccount' && !s.namespace ? only.get(subjectName(s, namespace)) : scopesOf(s);
      if (scopes === true || scopes?.has(namespace) === true) (kept ??= []).push(s);
    }
    if (kept === undefined) return undefined;
    return kept.length === subjects.length ? b : { ...b, subjects: kept };
  };
  NAMES_KEPT.set(only, keep);
  return keep;
}
const NAMES_KEPT = new WeakMap<OnlySubjects, KeepBinding>();
/** A binding with only its kept subjects, or undefined when it names none (namesKept). */
type KeepBinding = (b: BindingObject) => BindingObject | undefined;

/** `bindings` as namesKept keeps them, in their order. */
function keptOf(bindings: readonly BindingObject[], only: OnlySubjects) {
  const keep = namesKept(only);
  const out: BindingObject[] = [];
  for (const b of bindings) {
    const kept = keep(b);
    if (kept) out.push(kept);
  }
  return out;
}

/**
 * The cells (subject, namespace) a change can touch, or undefined when that is not known for sure
 * (then everyone's access is computed). Documents read with one cache share one object when their text
 * is the same on both sides, so a binding is unchanged when its object is on both sides. Touched:
 * every subject of a binding on one side only (of one edited in place: those it gains or loses, in
 * its namespace), of a binding (either side) to a role whose rules
 * differ or that exists on one side only, every person and token whose membership record changes.
 * Not known when a Group subject, a ClusterRoleBinding or an aggregated ClusterRole is on either
 * side (their reach is every member, or every namespace), or when identities change (the
 * organization's name, system namespace or username prefix): orgctl writes none of the first,
 * so this is for outputs of other origins and settings changes.
 */
function affectedSubjects(
  base: SideDocs,
  head: SideDocs,
  baseRbac: RbacSet,
  headRbac: RbacSet,
): Map<string, Set<string> | true> | undefined {
  const [bo, ho] = [base.membership.org, head.membership.org];
  if (bo.name !== ho.name || bo.systemNamespace !== ho.systemNamespace || bo.usernamePrefix !== ho.usernamePrefix)
    return undefined;
  if (baseRbac.roles.some((r) => r.aggregation) || headRbac.roles.some((r) => r.aggregation)) return undefined;
  // Bindings on one side only.
  const [baseObjects, headObjects] = [base, head].map(
    (side) => new Set(side.docs.filter(isBinding).map((d) => d.object)),
  );
  const baseOnly = readRbac(base.docs.filter((d) => isBinding(d) && !headObjects!.has(d.object))).bindings;
  const headOnly = readRbac(head.docs.filter((d) => isBinding(d) && !baseObjects!.has(d.object))).bindings;
  // Head's other bindings are read from documents base holds, the same objects (SideDocs.rbac is
  // its documents' RBAC): base's bindings read again, checked with base's (20,000 at size L).
  for (const bindings of [baseRbac.bindings, headOnly])
    for (let i = 0; i < bindings.length; i++) {
      const b = bindings[i]!;
      if (b.kind === 'ClusterRoleBinding' || !b.namespace) return undefined; // reaches every namespace
      const subjects = b.subjects;
      for (let j = 0; j < subjects.length; j++) if (subjects[j]!.kind === 'Group') return undefined;
    }
  // Subject → the namespaces where its cells may differ (true: everywhere). Every binding here has a
  // namespace (the checks above), so a ServiceAccount subject always names one.
  const out = new Map<string, Set<string> | true>();
  const add = (b: BindingObject, subjects = b.subjects) => {
    for (const s of subjects) {
      const name = subjectName(s, b.namespace);
      const scopes = out.get(name);
      if (scopes === true) continue;
      if (scopes) scopes.add(b.namespace);
      else out.set(name, new Set([b.namespace]));
    }
  };
  const everywhere = (name: string) => out.set(name, true);
  // A binding edited in place (same name and role) changes only for the subjects it gains or
  // loses: the others hold the same role there through the same binding on both sides.
  const bindingKey = (b: BindingObject) => `${b.kind}/${b.namespace}/${b.name}/${b.roleRef.kind}/${b.roleRef.name}`;
  // Every copy of a binding by key (each cluster holds one): a subject is untouched only when every
  // copy on both sides names it; copies of one side need not be alike (a forged output's are not).
  const byKey = (bindings: readonly BindingObject[]) => {
    const m = new Map<string, BindingObject[]>();
    for (const b of bindings) {
      const list = m.get(bindingKey(b));
      if (list) list.push(b);
      else m.set(bindingKey(b), [b]);
    }
    return m;
  };
  const edited = byKey(headOnly);
  // Subjects compared as objects: one text read on both sides is one object (objects.ts reads
  // each once), and two objects naming one subject only make it touched when it is not (never the
  // other way round).
  for (const [key, bs] of byKey(baseOnly)) {
    const hs = edited.get(key);
    if (!hs) {
      for (const b of bs) add(b);
      continue;
    }
    edited.delete(key);
    // One copy a side (one cluster, or copies alike): their lists' ends match, compared in place.
    const apart = bs.length === 1 && hs.length === 1 ? namedByOneOnly(bs[0]!.subjects, hs[0]!.subjects) : undefined;
    if (apart) {
      add(bs[0]!, apart[0]);
      add(hs[0]!, apart[1]);
      continue;
    }
    const copies = [...bs, ...hs];
    const inEvery = new Set(copies[0]!.subjects);
    for (const c of copies.slice(1)) {
      const named = new Set(c.subjects);
      for (const x of inEvery) if (!named.has(x)) inEvery.delete(x);
    }
    for (const c of copies)
      add(
        c,
        c.subjects.filter((x) => !inEvery.has(x)),
      );
  }
  for (const hs of edited.values()) for (const h of hs) add(h);
  // Bindings to a role that changed.
  const [baseRules, headRules] = [ruleTextsOf(baseRbac.roles), ruleTextsOf(headRbac.roles)];
  const changedRoles = new Set(
    [...new Set([...baseRules.keys(), ...headRules.keys()])].filter((id) => baseRules.get(id) !== headRules.get(id)),
  );
  if (changedRoles.size)
    for (const rbac of [baseRbac, headRbac])
      for (const b of rbac.bindings) if (changedRoles.has(bindingRoleId(b))) add(b);
  // Namespaces joining or leaving a cluster: everyone bound there gains or loses it in that
  // cluster (the bindings' text, so their objects, are the same in every cluster).
  const placement = (side: SideDocs) => placementOf(side.docs, outputClusters(side.membership.org));
  const [basePlaces, headPlaces] = [placement(base), placement(head)];
  const moved = new Set(
    [...new Set([...basePlaces.keys(), ...headPlaces.keys()])].filter(
      (ns) => JSON.stringify(basePlaces.get(ns)) !== JSON.stringify(headPlaces.get(ns)),
    ),
  );
  if (moved.size)
    for (const rbac of [baseRbac, headRbac]) for (const b of rbac.bindings) if (moved.has(b.namespace)) add(b);
  // People and tokens whose membership changes (a change rule may read their access).
  const { membership: bm } = base;
  const { membership: hm } = head;
  // A line head repeats is base's record (MembershipLines): one object, equal without writing it out.
  for (const email of new Set([...bm.users.keys(), ...hm.users.keys()])) {
    const [b, h] = [bm.users.get(email), hm.users.get(email)];
    if (b === h || JSON.stringify(b) === JSON.stringify(h)) continue;
    if (b) everywhere(b.username);
    if (h) everywhere(h.username);
  }
  for (const id of new Set([...bm.tokens.keys(), ...hm.tokens.keys()])) {
    const [b, h] = [bm.tokens.get(id), hm.tokens.get(id)];
    if (b === h || JSON.stringify(b) === JSON.stringify(h)) continue;
    if (b) everywhere(tokenIndexName(bo, b));
    if (h) everywhere(tokenIndexName(ho, h));
  }
  return out;
}

/** The most subjects namedByOneOnly compares one by one, apart from both lists' common ends. */
const FEW_NAMED_APART = 32;

/**
 * The subjects of `a` that `b` does not name and those of `b` that `a` does not (as objects, each
 * list in its order): what the Sets of affectedSubjects find for two copies, found from the lists'
 * common start and end (an edit of a binding adds or removes a few people of a sorted list: 1,800
 * edited bindings at size L, some of 2,000 people). Undefined when more than a few differ.
 */
export function namedByOneOnly(
  a: readonly SubjectObject[],
  b: readonly SubjectObject[],
): [SubjectObject[], SubjectObject[]] | undefined {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
  const [am, bm] = [a.slice(start, a.length - end), b.slice(start, b.length - end)];
  if (am.length + bm.length > FEW_NAMED_APART) return undefined;
  // The common ends are in both lists: a subject there is named by both, wherever else it is.
  const inEnds = (x: SubjectObject) => {
    for (let i = 0; i < start; i++) if (a[i] === x) return true;
    for (let i = a.length - end; i < a.length; i++) if (a[i] === x) return true;
    return false;
  };
  return [am.filter((x) => !bm.includes(x) && !inEnds(x)), bm.filter((x) => !am.includes(x) && !inEnds(x))];
}

/**
 * Grants as people hold them (one per user, namespace and role bound), counted without the access
 * index: what diffSnapshots counts over a full base, for outputs with RoleBindings and User and
 * ServiceAccount subjects only (affectedSubjects makes sure of it).
 */
function grantCountOf(membership: Membership, rbac: RbacSet): number {
  // Its roles only: which role a binding's is, all this asks (no index of the bindings by namespace).
  const authz = new Authorizer({ ...rbac, bindings: [] });
  // (role, namespace) → its bindings: a binding split by size names its people in several parts.
  // By the role object, then the namespace: no key written per binding (20,000 at size L).
  const byRole = new Map<RoleObject, Map<string, BindingObject[]>>();
  const groups: BindingObject[][] = [];
  for (let i = 0; i < rbac.bindings.length; i++) {
    const b = rbac.bindings[i]!;
    const role = authz.roleOf(b);
    if (!role) continue;
    let byNamespace = byRole.get(role);
    if (!byNamespace) byRole.set(role, (byNamespace = new Map()));
    const group = byNamespace.get(b.namespace);
    if (group) group.push(b);
    else {
      const list = [b];
      byNamespace.set(b.namespace, list);
      groups.push(list);
    }
  }
  // Each member's place, and the last group that counted them (-1: none yet): each person once per
  // group, with no set of holders per group (20,000 of them at size L).
  const place = new Map([...membership.users.values()].map((u, k) => [u.username, k]));
  const lastCounted = new Int32Array(place.size).fill(-1);
  // A person's place found once for all their bindings (bySubject), -1 for no member.
  const placeOf = bySubject((s) => place.get(s.name) ?? -1);
  let n = 0;
  let id = 0;
  for (const group of groups) {
    for (let i = 0; i < group.length; i++) {
      const subjects = group[i]!.subjects;
      for (let j = 0; j < subjects.length; j++) {
        const s = subjects[j]!;
        if (s.kind !== 'User') continue;
        const at = placeOf(s);
        if (at < 0 || lastCounted[at] === id) continue;
        lastCounted[at] = id;
        n++;
      }
    }
    id++;
  }
  return n;
}

/** Where a subject of the access index is kept in a snapshot (Snapshot.access, groupAccess), under which name. */
function subjectKey<T>(kind: SubjectKind, name: string, access: T, groupAccess: T): [T, string] {
  if (kind === 'Group') return [groupAccess, name];
  return [access, kind === 'ServiceAccount' ? `${SA_PREFIX}${name}` : name];
}

function snapshotOf(
  docs: readonly ManifestDoc[],
  membership: Membership,
  rbac: RbacSet,
  only?: OnlySubjects,
  byCluster = false,
  cells = new CellMaker(),
): Snapshot {
  const { org, users, invites, tokens, namespaceSettings } = membership;
  const access = new Map<string, Record<string, LazyCell>>();
  const groupAccess = new Map<string, Record<string, LazyCell>>();
  const roles: RoleObject[] = [];
  // Each cluster's access apart (copiesDiffer), or the one account every cluster shares.
  const clusters = outputClusters(org);
  for (const cluster of byCluster ? clusters : [undefined]) {
    const apart = cluster === undefined ? undefined : clusterRbac(rbac, cluster, clusters);
    const set = apart?.rbac ?? rbac;
    const authz = new Authorizer(only ? { ...set, bindings: keptOf(set.bindings, only) } : set);
    for (const subject of accessIndex(authz, only ? { only } : {})) {
      const [map, name] = subjectKey(subject.kind, subject.name, access, groupAccess);
      let byScope = map.get(name);
      if (!byScope) map.set(name, (byScope = nameRecord()));
      for (const [ns, contributions] of subject.scopes) {
        // '': a ClusterRoleBinding's (every namespace); a namespace read apart, by its own name.
        const scope: CellScope =
          cluster === undefined
            ? ns === ''
              ? {}
              : { namespace: ns }
            : ns === ''
              ? { cluster }
              : { namespace: apart!.namespaceOf.get(ns)!, cluster };
        // A namespace's key is its scope's text as the index read it (clusterRbac qualified it when
        // read apart): not made again per cell.
        byScope[ns || scopeText(scope)] = new DeferredCell(contributions, cells, scope);
      }
    }
    roles.push(...set.roles);
  }
  const [customPrefix, tokenPrefix] = [customRoleName(org.name, ''), tokenRoleName(org.name, '')];
  const customRoles = new Map(
    roles
      .filter((r) => r.kind === 'Role' && (r.name.startsWith(customPrefix) || r.name.startsWith(tokenPrefix)))
      .map((r) => [`${r.namespace}/${r.name}`, r.rules]),
  );
  // The one account every cluster shares holds the side's roles as read: their texts as affectedSubjects made them.
  const ruleSets = ruleTextsOf(byCluster ? roles : rbac.roles);
  return {
    org,
    users,
    invites,
    tokens,
    namespaceSettings,
    access,
    groupAccess,
    customRoles,
    ruleSets,
    placement: placementOf(docs, clusters),
  };
}
