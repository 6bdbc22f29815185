/**
 * A synthesized `dist/` read as data: membership (from orgctl's ConfigMaps) and effective access
 * (from the RBAC analysis). The review never runs code from a pull request: it reads this.
 */
import type { PolicyRule } from '../model/catalog.ts';
import { SnapshotError } from '../model/errors.ts';
import {
  MEMBERSHIP_LISTS,
  membershipListPattern,
  ORGANIZATION_CONFIGMAP,
  ORGANIZATION_KEY,
  type MemberInvite,
  type MemberNamespace,
  type MembershipList,
  type MemberOrganization,
  type MemberRole,
  type MemberToken,
  type MemberUser,
} from '../model/membership.ts';
import { customRoleName, ORG_DEFAULTS, systemNamespaceOf, tokenRoleName } from '../model/model.ts';
import { DEFAULT_CLUSTER } from '../synth/render.ts';
import { accessIndex, CellMaker, roleId, type AccessCell, type Contribution } from './access.ts';
import { Authorizer } from './authorizer.ts';
import { readRbac, type ManifestDoc } from './objects.ts';

/**
 * The organization as the review reads it: `organization.json` (the one declaration of the format,
 * model/membership.ts) with its defaults filled in, and the namespace its ConfigMap is in.
 */
export interface OrgInfo extends Omit<MemberOrganization, 'roles'> {
  /** The namespace of the `orgctl-organization` ConfigMap. */
  readonly systemNamespace: string;
  /** Named bundles of levels, as declared; empty when none is. */
  readonly roles: readonly MemberRole[];
}

/**
 * A subject's access in one namespace, computed only when asked: a diff compares `key`s first
 * (the roles that apply, and where they were granted) and computes cells only where they differ.
 */
export interface LazyCell {
  readonly key: string;
  /** The roles that apply (grants as people hold them: one per binding's role). */
  readonly roles: readonly string[];
  readonly cell: AccessCell;
}

export interface Snapshot {
  readonly org: OrgInfo;
  readonly users: ReadonlyMap<string, MemberUser>;
  readonly invites: ReadonlyMap<string, MemberInvite>;
  readonly tokens: ReadonlyMap<string, MemberToken>;
  /** Guard rails of the namespaces that declare some, by name. */
  readonly namespaceSettings: ReadonlyMap<string, MemberNamespace>;
  /** Effective access: username or `namespace:serviceaccount` → namespace → cell. */
  readonly access: ReadonlyMap<string, Readonly<Record<string, LazyCell>>>;
  /** Custom Roles (orgctl's `custom:` and `token:` Roles): `namespace/name` → rules. */
  readonly customRoles: ReadonlyMap<string, readonly PolicyRule[]>;
  /** Every role's rules as text, by `Kind/namespace/name`: a diff sees a role whose rules changed. */
  readonly ruleSets: ReadonlyMap<string, string>;
  /** Namespace → the clusters whose output holds it (from `<cluster>/<shard>/resources.yaml`), sorted. */
  readonly placement: ReadonlyMap<string, readonly string[]>;
}

/** A `dist/` without orgctl's membership data cannot be reviewed: exit 2, never a verdict. */

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function jsonLines<T>(text: unknown, what: string): T[] {
  if (text === undefined) return [];
  if (typeof text !== 'string') throw new SnapshotError(`${what} is not text`);
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      try {
        return JSON.parse(l) as T;
      } catch {
        throw new SnapshotError(`${what} line ${i + 1} is not JSON`);
      }
    });
}

/** A LazyCell: its key now, its roles and access when first asked (most cells are never asked). */
class DeferredCell implements LazyCell {
  readonly key: string;
  private roleList?: readonly string[];
  private computed?: AccessCell;

  constructor(
    private readonly contributions: readonly Contribution[],
    private readonly cells: CellMaker,
  ) {
    this.key = CellMaker.key(contributions);
  }

  get roles(): readonly string[] {
    return (this.roleList ??= this.contributions.length === 1 ? [this.key] : this.key.split('\n'));
  }

  get cell(): AccessCell {
    return (this.computed ??= this.cells.cell(this.contributions));
  }
}

/** Namespace → clusters, from the folder two above each Namespace object's file (`<cluster>/<shard>/resources.yaml`). */
export function placementOf(docs: readonly ManifestDoc[], clusters: readonly string[]): Map<string, string[]> {
  const known = new Set(clusters);
  const out = new Map<string, string[]>();
  for (const d of docs) {
    const o = d.object as { kind?: unknown; metadata?: { name?: unknown } };
    if (!isObj(o) || o.kind !== 'Namespace' || typeof o.metadata?.name !== 'string') continue;
    const segments = d.file.split('/');
    const cluster = segments[segments.length - 3];
    if (cluster === undefined || !known.has(cluster)) continue;
    const list = out.get(o.metadata.name) ?? [];
    if (!list.includes(cluster)) list.push(cluster);
    out.set(o.metadata.name, list);
  }
  for (const list of out.values()) list.sort();
  return out;
}

export interface Membership {
  readonly org: OrgInfo;
  readonly users: ReadonlyMap<string, MemberUser>;
  readonly invites: ReadonlyMap<string, MemberInvite>;
  readonly tokens: ReadonlyMap<string, MemberToken>;
  /** Guard rails of the namespaces that declare some, by name (model/guard-rails.ts). */
  readonly namespaceSettings: ReadonlyMap<string, MemberNamespace>;
}

/** orgctl's membership data (its ConfigMaps) in synthesized output; a SnapshotError when there is none. */
export function readMembership(docs: readonly ManifestDoc[], label: string): Membership {
  const configMaps = docs
    .map((d) => d.object)
    .filter((o): o is Obj => isObj(o) && o.kind === 'ConfigMap' && isObj(o.metadata) && isObj(o.data));
  const named = (name: string) => configMaps.filter((c) => (c.metadata as Obj).name === name);
  // Every cluster of the output carries the same membership: one copy is enough.
  const orgMap = [...new Map(named(ORGANIZATION_CONFIGMAP).map((c) => [JSON.stringify(c.data), c])).values()];
  if (orgMap.length !== 1) {
    throw new SnapshotError(
      `${label} has ${orgMap.length ? 'more than one' : 'no'} ${ORGANIZATION_CONFIGMAP} ConfigMap: it is not a dist/ synthesized by orgctl, so membership (who is admin) is unknown`,
    );
  }
  const data = orgMap[0]!.data as Obj;
  let info: Obj;
  try {
    info = JSON.parse(String(data[ORGANIZATION_KEY])) as Obj;
  } catch {
    throw new SnapshotError(`${label}: ${ORGANIZATION_CONFIGMAP} has no valid ${ORGANIZATION_KEY}`);
  }
  if (typeof info.name !== 'string' || typeof info.owner !== 'string')
    throw new SnapshotError(`${label}: ${ORGANIZATION_KEY} names no organization or owner`);
  const systemNamespace = String((orgMap[0]!.metadata as Obj).namespace ?? systemNamespaceOf(info.name));
  const org: OrgInfo = {
    name: info.name,
    owner: info.owner,
    usernamePrefix: typeof info.usernamePrefix === 'string' ? info.usernamePrefix : '',
    ssoEnforced: info.ssoEnforced === true,
    clusters: Array.isArray(info.clusters) ? (info.clusters as string[]) : [],
    namespaces: Array.isArray(info.namespaces) ? (info.namespaces as string[]) : [],
    massRemovalThreshold:
      typeof info.massRemovalThreshold === 'number' ? info.massRemovalThreshold : ORG_DEFAULTS.massRemovalThreshold,
    systemNamespace,
    shards: typeof info.shards === 'number' ? info.shards : ORG_DEFAULTS.shards,
    roles: Array.isArray(info.roles) ? (info.roles as OrgInfo['roles']) : [],
    ...(isObj(info.argocd) ? { argocd: info.argocd as unknown as NonNullable<OrgInfo['argocd']> } : {}),
    ...(isObj(info.namespaceDefaults)
      ? { namespaceDefaults: info.namespaceDefaults as NonNullable<OrgInfo['namespaceDefaults']> }
      : {}),
    ...(isObj(info.namespaceProtection)
      ? { namespaceProtection: info.namespaceProtection as unknown as NonNullable<OrgInfo['namespaceProtection']> }
      : {}),
  };
  // Each list is spread over numbered ConfigMaps (`orgctl-invites`, `orgctl-invites-2`, ...) so that
  // none passes the API server's limits; outputs of older orgctl kept invites and tokens in
  // orgctl-organization itself, which is read too.
  const list = <T>(name: MembershipList, keyOf: (t: T) => string): Map<string, T> => {
    const pattern = membershipListPattern(name);
    const file = MEMBERSHIP_LISTS[name];
    const out = new Map<string, T>();
    const part = (c: Obj) => Number(pattern.exec(String((c.metadata as Obj).name))?.[1]?.slice(1) ?? 1);
    const sources = [
      orgMap[0]!,
      ...configMaps.filter((c) => pattern.test(String((c.metadata as Obj).name))).sort((a, b) => part(a) - part(b)),
    ];
    for (const cm of sources)
      for (const r of jsonLines<T>((cm.data as Obj)[file], `${label} ${file}`)) out.set(keyOf(r), r);
    return out;
  };
  const users = list<MemberUser>('users', (u) => u.email);
  const invites = list<MemberInvite>('invites', (i) => i.email);
  const tokens = list<MemberToken>('tokens', (t) => t.id);
  const namespaceSettings = list<MemberNamespace>('namespaces', (n) => n.name);
  return { org, users, invites, tokens, namespaceSettings };
}

/** Reads a snapshot; `label` (`base`, `head`) names it in errors. */
export function readSnapshot(docs: readonly ManifestDoc[], label: string): Snapshot {
  const { org, users, invites, tokens, namespaceSettings } = readMembership(docs, label);
  const rbac = readRbac(docs);
  const cells = new CellMaker();
  const access = new Map(
    accessIndex(new Authorizer(rbac)).map((subject) => {
      const byNamespace: Record<string, LazyCell> = {};
      for (const [ns, contributions] of subject.scopes)
        if (ns !== '') byNamespace[ns] = new DeferredCell(contributions, cells);
      return [subject.name, byNamespace] as const;
    }),
  );
  const [customPrefix, tokenPrefix] = [customRoleName(org.name, ''), tokenRoleName(org.name, '')];
  const customRoles = new Map(
    rbac.roles
      .filter((r) => r.kind === 'Role' && (r.name.startsWith(customPrefix) || r.name.startsWith(tokenPrefix)))
      .map((r) => [`${r.namespace}/${r.name}`, r.rules]),
  );
  const ruleSets = new Map(rbac.roles.map((r) => [roleId(r), JSON.stringify(r.rules)]));
  return {
    org,
    users,
    invites,
    tokens,
    namespaceSettings,
    access,
    customRoles,
    ruleSets,
    placement: placementOf(docs, org.clusters.length ? org.clusters : [DEFAULT_CLUSTER]),
  };
}
