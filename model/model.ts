/**
 * OrgModel: the organization as plain, frozen, sorted data. Policies and synthesis
 * read only this; the constructs (or a spec file) produce it.
 *
 * Every entry carries `source`: the spec path (`spec.grants[3]`) or construct path
 * (`acme/namespaces/web/bob@acme.io`) it was declared at, so findings point there.
 */
import { grantableLevels, type PolicyRule } from './catalog.ts';
import type { Source } from './findings.ts';
import { UsageError } from './errors.ts';
import type { AppliedBy, NamespaceDefaults, NamespaceProtection, NamespaceSettings } from './guard-rails.ts';
import type { MailDomain } from './mailbox.ts';
import { byText } from './text.ts';

/** A user's or a token's standing: a deactivated one is bound to nothing, its access kept declared. */
export const STATUSES = ['active', 'deactivated'] as const;
export type UserStatus = (typeof STATUSES)[number];
export type InviteState = 'pending' | 'revoked';

export interface UserModel {
  /** As declared (case kept for display); compare with `key`. */
  readonly email: string;
  /** Lower-cased email: identity in comparisons and in the Kubernetes username. */
  readonly key: string;
  readonly github?: string;
  /** The numeric id of the GitHub account holding `github`, when declared. */
  readonly githubId?: number;
  readonly admin: boolean;
  readonly billing: boolean;
  readonly status: UserStatus;
  /** Seed "Add All": every grantable level in every namespace. */
  readonly addAll: boolean;
  /** Seed "Remove All": no namespace access at all, whatever the grants say. */
  readonly removeAll: boolean;
  readonly source: Source;
}

export interface NamespaceModel {
  readonly name: string;
  /** Clusters the namespace exists in; empty = all of the organization's. */
  readonly clusters: readonly string[];
  /** Guard rails declared for it (model/guard-rails.ts); absent when it declares none. */
  readonly settings?: NamespaceSettings;
  readonly source: Source;
}

/** Whether a namespace placed in `clusters` (NamespaceModel's: empty = every one) is in `cluster`. */
export const isPlacedIn = (clusters: readonly string[], cluster: string): boolean =>
  !clusters.length || clusters.includes(cluster);

export interface AccessRoleModel {
  readonly name: string;
  readonly levels: readonly string[];
  readonly source: Source;
}

export interface CustomRoleModel {
  readonly name: string;
  readonly rules: readonly PolicyRule[];
  readonly source: Source;
}

export interface GrantModel {
  /** Lower-cased email of the user. */
  readonly user: string;
  readonly namespace: string;
  /** Catalog levels named directly. */
  readonly levels: readonly string[];
  /** Named AccessRole bundles. */
  readonly roles: readonly string[];
  /** Named CustomRoles. */
  readonly customRoles: readonly string[];
  /** Inline custom rules (become a Role of their own). */
  readonly rules: readonly PolicyRule[];
  /** Last day the grant holds (YYYY-MM-DD); absent = no end. */
  readonly expires?: string;
  readonly source: Source;
}

export interface TokenRbacModel {
  readonly namespace: string;
  readonly rules: readonly PolicyRule[];
  readonly customRoles: readonly string[];
  readonly source: Source;
}

export interface TokenModel {
  /** Stable identity: the ServiceAccount is named after it, never after `name`. */
  readonly id: string;
  /** Display name; renaming never rotates the token. */
  readonly name?: string;
  readonly namespaces: readonly string[];
  /** Levels held in each of `namespaces`. Default: `w:full`. */
  readonly levels: readonly string[];
  /** Lower-cased email of the user the token was made for, if any. */
  readonly owner?: string;
  /** Custom RBAC (the seed's blank tokens). */
  readonly rbac: readonly TokenRbacModel[];
  /** Raising it replaces the ServiceAccount and Secret (new names): the old token dies. */
  readonly rotation: number;
  /** What the token is for. */
  readonly note?: string;
  /** Last day the token holds (YYYY-MM-DD): later its ServiceAccount is left out, so it dies. */
  readonly expires?: string;
  /** A deactivated token's ServiceAccount is left out, so it dies; its access stays declared. */
  readonly status: UserStatus;
  readonly source: Source;
}

export interface InviteGrantModel {
  readonly namespace: string;
  readonly levels: readonly string[];
  readonly roles: readonly string[];
  readonly source: Source;
}

export interface InviteModel {
  readonly email: string;
  readonly key: string;
  readonly admin: boolean;
  readonly billing: boolean;
  /** Sent through the organization's identity provider (SSO); false = password login allowed. */
  readonly sso: boolean;
  readonly state: InviteState;
  readonly grants: readonly InviteGrantModel[];
  readonly source: Source;
}

/** Where Argo CD reads this repository, as declared (the model fills in the defaults). */
export interface ArgoCdSource {
  readonly repoURL: string;
  /**
   * The branch pull requests merge into, by its full name: Argo CD matches a short name (or
   * `HEAD`) against tags too (policies/org/argocd-source.ts). @default refs/heads/main
   */
  readonly revision?: string;
  /** Folder of dist/ in the repository. @default dist */
  readonly path?: string;
  /** Namespace Argo CD runs in. @default argocd */
  readonly namespace?: string;
  /**
   * The AppProject allows each cluster-scoped object orgctl writes by name (its Namespaces,
   * ClusterRoles and namespace protection), not every object of those kinds, so a forged dist/
   * that got merged cannot rewrite another ClusterRole or Namespace. Needs an Argo CD whose
   * AppProject accepts `name` on cluster resource entries (releases of 2026): an older one's CRD
   * lacks the field, and kubectl's strict field validation refuses the file. @default false
   */
  readonly namedClusterResources?: boolean;
  /**
   * Write `dist/argocd/boundary.yaml`: a ValidatingAdmissionPolicy (Kubernetes 1.30 or later),
   * applied by hand to each cluster, that refuses what the organization's Argo CD Applications
   * write beyond the shapes orgctl writes (another ClusterRole or Namespace, an aggregation label,
   * a binding to another role or of anyone outside the organization, a token for another
   * ServiceAccount, a Namespace deleted), so a forged dist/ that got merged stays inside the
   * organization. `appliedBy`: the identity Argo CD applies with. Needs `namedClusterResources`
   * (a forced sync deletes what a manifest names before admission). With `namespaceProtection`
   * (the same `appliedBy`), its policy is written beside the boundary and applied by hand too: no
   * admission policy judges another, so none is Argo CD's to write. @default none
   */
  readonly boundary?: ArgoCdBoundary;
  /**
   * The label Argo CD tracks what an Application applies by, as its `application.instanceLabelKey`
   * (argocd-cm) says: the boundary reads an object's Application from it (or from the
   * `argocd.argoproj.io/tracking-id` annotation), and the commands of Applied by hand after merge
   * take it off. Argo CD's docs advise another key beside Helm (which writes the default itself);
   * under label tracking, the boundary judges nothing Argo CD tracks under a key it does not read.
   * @default app.kubernetes.io/instance
   */
  readonly instanceLabelKey?: string;
}

/** The identity (or identities) Argo CD applies with, whose writes for the organization the boundary confines. */
export interface ArgoCdBoundary {
  readonly appliedBy: AppliedBy;
}

/**
 * Custom resources an admin declared safe for people who are not admins to write: their word that no
 * controller makes pods, reads Secrets or takes identities from what these resources say. Writes in
 * any other API group Kubernetes does not serve itself are reserved for admins (`forbidden-grant`).
 */
export interface SafeCustomResource {
  /** An API group Kubernetes does not serve itself, e.g. `cert-manager.io`. */
  readonly group: string;
  /** Plural resource names (`certificates`; a subresource as `widgets/status`), sorted. */
  readonly resources: readonly string[];
  /** Why no controller runs code from them: shown in the review when the declaration changes. */
  readonly reason: string;
}

export interface ArgoCdModel {
  readonly repoURL: string;
  readonly revision: string;
  /** Folder of dist/ in the repository. */
  readonly path: string;
  /** Namespace Argo CD runs in. */
  readonly namespace: string;
  /** Present only when declared, so the organization's data is written as before otherwise. */
  readonly namedClusterResources?: true;
  /** Present only when declared (dist/argocd/boundary.yaml). */
  readonly boundary?: ArgoCdBoundary;
  /** Present only when declared and not Argo CD's default (synth/argocd.ts instanceLabelOf). */
  readonly instanceLabelKey?: string;
}

export interface OrgModel {
  readonly name: string;
  /** Lower-cased email of the owner. */
  readonly owner: string;
  readonly usernamePrefix: string;
  /** The organization's own mail domains, as declared (constructs/mail-domains.ts); absent when none is. */
  readonly mailDomains?: readonly MailDomain[];
  readonly ssoEnforced: boolean;
  readonly clusters: readonly string[];
  readonly systemNamespace: string;
  /** Share of users, grants or tokens one change may remove without an approved override. */
  readonly massRemovalThreshold: number;
  /** Shards per cluster (one Argo CD Application each); objects are placed by a stable hash. */
  readonly shards: number;
  /** Argo CD: where the repository is, for the generated AppProject and ApplicationSet. */
  readonly argocd?: ArgoCdModel;
  /** Guard rails every namespace gets unless it declares its own; absent when none is declared. */
  readonly namespaceDefaults?: NamespaceDefaults;
  /** The ValidatingAdmissionPolicy protecting the organization's Namespaces; absent: none. */
  readonly namespaceProtection?: NamespaceProtection;
  /** Custom resources declared safe for non-admins to write, sorted by group; absent when none. */
  readonly safeCustomResources?: readonly SafeCustomResource[];
  readonly users: readonly UserModel[];
  readonly namespaces: readonly NamespaceModel[];
  readonly roles: readonly AccessRoleModel[];
  readonly customRoles: readonly CustomRoleModel[];
  readonly grants: readonly GrantModel[];
  readonly tokens: readonly TokenModel[];
  readonly invites: readonly InviteModel[];
  readonly source: Source;
}

/**
 * The organization as one namespace sees it: that namespace alone (when declared) and the grants
 * in it; people, tokens, roles and settings unchanged. The access it renders in that namespace and
 * cluster-wide (RBAC, ServiceAccounts, the Namespace) is what the whole organization renders there
 * (`explain -n NS` places only this; test/explain-namespace.test.ts); only the membership data,
 * which lists every namespace, differs. Placing it costs one namespace, not thousands.
 */
export function modelInNamespace(model: OrgModel, namespace: string): OrgModel {
  return {
    ...model,
    namespaces: model.namespaces.filter((n) => n.name === namespace),
    grants: model.grants.filter((g) => g.namespace === namespace),
  };
}

/** One shared, frozen empty list: what 100,000s of grants hold instead of an empty list each. */
export const NO_ITEMS: readonly never[] = Object.freeze([]);

/**
 * Pragmatic email shape: one @, a dot inside the domain (not its first or last character), no
 * spaces. The spec schema, `orgctl import`, review/import.ts and the boundary's admission policy
 * (RE2 reads it alike) use the same. The domain is split at its first inner dot, one way only: the
 * shape `[^@\s]+\.[^@\s]+` reads the same addresses, but a backtracking engine (JavaScript's,
 * ajv's) tries every split of a run of dots, quadratic in the text (red team Q1).
 */
export const EMAIL_PATTERN = '^[^@\\s]+@[^@\\s][^@\\s.]*\\.[^@\\s]+$';

/**
 * What Kubernetes names its own users, groups and RBAC objects with (`system:serviceaccount:…`,
 * `system:masters`, `system:basic-user`): no person's username, and no ClusterRole of an
 * organization, starts with it (invalid-name; the boundary refuses a binding to such a User).
 */
export const SYSTEM_PREFIX = 'system:';

/** Namespaces beginning with it are Kubernetes' own (kube-system, kube-public, kube-node-lease, ...). */
export const KUBE_PREFIX = 'kube-';

/**
 * The prefixes platforms name their own RBAC objects with, each with one of theirs: an
 * organization so named would name its ClusterRoles among them, and only the boundary's label
 * check tells the two apart (README, "Delivery with Argo CD").
 */
const PLATFORM_ROLE_PREFIXES: Readonly<Record<string, string>> = {
  [SYSTEM_PREFIX]: `${SYSTEM_PREFIX}basic-user, which every authenticated user holds`,
  'eks:': "eks:podsecuritypolicy:privileged, Amazon EKS's",
  'kubeadm:': "kubeadm:get-nodes, kubeadm's",
  'gce:': "gce:beta:kubelet-certificate-bootstrap, Google Kubernetes Engine's",
};

/**
 * Why an organization's name, a DNS label, names what is Kubernetes' or a platform's own, or
 * undefined: its system namespace `kube-system`, or its ClusterRoles `system:<level>`. invalid-name
 * refuses it in a declaration; the reader of an output refuses it in an organization ConfigMap
 * (a forged dist/ whose `system:basic-user` would pass for the organization's: red team R128-2).
 */
export function reservedOrgNameProblem(org: string): string | undefined {
  const namespace = systemNamespaceOf(org);
  if (namespace.startsWith(KUBE_PREFIX))
    return `makes the system namespace ${namespace}, whose ${KUBE_PREFIX} prefix is reserved for Kubernetes`;
  const prefix = levelRoleName(org, '');
  const theirs = PLATFORM_ROLE_PREFIXES[prefix];
  return (
    theirs &&
    `makes ClusterRoles named ${prefix}..., a prefix reserved for ${prefix === SYSTEM_PREFIX ? "Kubernetes'" : "a platform's"} own (${theirs})`
  );
}

/** A GitHub login as GitHub issues them: ASCII letters, digits and single inner hyphens, at most 39 (the spec schema's pattern). */
export const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
/** GITHUB_LOGIN in words, for whoever wrote another. */
export const GITHUB_LOGIN_FORM = 'ASCII letters, digits and single hyphens, at most 39 characters';

export const DATE_PATTERN = '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$';
const DATE = new RegExp(DATE_PATTERN);

/**
 * A real calendar day written YYYY-MM-DD: the one date check of props, the spec, the CLI's flags
 * and ORGCTL_TODAY (Date.parse alone takes 2030-02-30 as March 2).
 */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string' || !DATE.test(value)) return false;
  const day = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === value;
}

/**
 * Today's date for expiry: an explicit value, else ORGCTL_TODAY, else the UTC date. ORGCTL_TODAY is
 * checked as --today is: expiry compares dates as text, so an empty value would expire nothing
 * (every date is after '') and a timestamp would expire a day early (a red team).
 */
export function resolveToday(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit !== undefined) return explicit;
  const fromEnv = env.ORGCTL_TODAY;
  if (fromEnv !== undefined && !isCalendarDate(fromEnv))
    throw new UsageError(`ORGCTL_TODAY ${JSON.stringify(fromEnv)} is not a date (expected YYYY-MM-DD)`);
  return fromEnv ?? new Date().toISOString().slice(0, 10);
}

/** What a person's seed access (`access: all | none`, in a spec and in the membership data) means. */
export const seedAccess = (access: 'all' | 'none' | undefined): Pick<UserModel, 'addAll' | 'removeAll'> => ({
  addAll: access === 'all',
  removeAll: access === 'none',
});

type Standing = Pick<UserModel, 'status' | 'admin' | 'addAll' | 'removeAll'>;

/** An active admin matched on GitHub by their login alone: declared without the account's id. */
export const loginAlone = (u: Pick<UserModel, 'admin' | 'status' | 'github' | 'githubId'>): boolean =>
  u.admin && u.status === 'active' && u.github !== undefined && u.githubId === undefined;

/** Whether a person's grants are bound: not when deactivated, nor when their seed access is Remove All. */
export const grantsBound = (u: Standing): boolean => u.status === 'active' && !u.removeAll;

/** The level admins hold in every namespace (the system namespace too) by being admins. */
export const ADMIN_LEVEL = 'w:full';

/**
 * What a person holds in every namespace by who they are, whatever their grants: an active admin
 * ADMIN_LEVEL (`admin`), an active person with Add All every grantable level (`add-all`).
 */
export function standingOf(u: Standing): 'admin' | 'add-all' | undefined {
  if (u.status !== 'active') return undefined;
  if (u.admin) return 'admin';
  return u.addAll && !u.removeAll ? 'add-all' : undefined;
}

/** The levels each standing holds in every namespace (standingOf). */
export const LEVELS_BY_STANDING: Readonly<Record<'admin' | 'add-all', readonly string[]>> = {
  admin: [ADMIN_LEVEL],
  'add-all': grantableLevels(),
};

/** What the membership data records of a person's standing (MemberUser, model/membership.ts, extends it). */
export interface MemberStanding {
  readonly admin: boolean;
  readonly status: UserStatus;
  /** Seed "Add All" (`all`) or "Remove All" (`none`); absent: the grants decide. */
  readonly access?: 'all' | 'none';
}

/** A member of the membership data as standing reads people (`admin`: as the reader knows it, by default the record's). */
export const memberState = (m: MemberStanding, admin = m.admin): Standing => ({
  status: m.status,
  admin,
  ...seedAccess(m.access),
});

/** A member's standing (standingOf) from the membership data. */
export const memberStanding = (m: MemberStanding, admin = m.admin): ReturnType<typeof standingOf> =>
  standingOf(memberState(m, admin));

/** `expires` is the last day a grant or token holds. */
export const isExpired = (expires: string | undefined, today: string): boolean =>
  expires !== undefined && expires < today;

/** Whole days from one calendar date (YYYY-MM-DD) to another: 0 on the day, negative once past. */
export const daysBetween = (from: string, to: string): number =>
  (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;

/**
 * Whether a token's objects are in the output on `today`: not deactivated and not expired (a
 * model's token, or the membership data's, which leaves `status` out while active).
 */
export const isLiveToken = (t: { readonly expires?: string; readonly status?: string }, today: string): boolean =>
  t.status !== 'deactivated' && !isExpired(t.expires, today);

/**
 * Kubernetes' namespace for whatever names none (the API server's and kubectl's default): every
 * cluster has it, so no organization owns it.
 */
export const DEFAULT_NAMESPACE = 'default';

/** The namespace holding token ServiceAccounts and membership data; only admins reach it. */
export function systemNamespaceOf(orgName: string): string {
  return `${orgName}${SYSTEM_SUFFIX}`;
}
const SYSTEM_SUFFIX = '-system';

/** The organization whose system namespace `namespace` would be (`acme-system` → acme), or undefined. */
export function organizationOfSystemNamespace(namespace: string): string | undefined {
  return namespace.endsWith(SYSTEM_SUFFIX) && namespace.length > SYSTEM_SUFFIX.length
    ? namespace.slice(0, -SYSTEM_SUFFIX.length)
    : undefined;
}

/** Kubernetes username of a user: prefix + lower-cased email. */
export function usernameOf(model: Pick<OrgModel, 'usernamePrefix'>, userKey: string): string {
  return model.usernamePrefix + userKey;
}

/**
 * Name of a token's ServiceAccount and Secret: derived from the id (and rotation) only, never
 * from the display name. Rotation N > 0 gives `token-<id>-r<N>`: a new ServiceAccount, a new token.
 */
/** The suffix a rotation gives a token's ServiceAccount (tokenAccountName): `-r<N>`, N from 1. */
export const ROTATION_SUFFIX = /-r([1-9]\d*)$/;

export function tokenAccountName(tokenId: string, rotation = 0): string {
  return rotation > 0 ? `token-${tokenId}-r${rotation}` : `token-${tokenId}`;
}

/**
 * The token ids a ServiceAccount name may stand for (tokenAccountName's inverse): `token-ci-r2` is
 * token `ci` rotated, or a token whose id is `ci-r2`; [] for a name that is no token's.
 */
export function tokenIdsOfAccount(name: string): string[] {
  const prefix = tokenAccountName('');
  if (!name.startsWith(prefix)) return [];
  const id = name.slice(prefix.length);
  const unrotated = id.replace(ROTATION_SUFFIX, '');
  return unrotated === id ? [id] : [unrotated, id];
}

/**
 * Names of the roles orgctl synthesizes, all starting `<org>:` (analysis/org-roles.ts reads them
 * back): a catalog level's ClusterRole `<org>:<level>`; the Role of a custom role, or of a user's
 * inline rules, `<org>:custom:<name|email>`; the Role of a token's inline rules `<org>:token:<id>`.
 * With '' for the last part, each gives its prefix.
 */
export const levelRoleName = (org: string, level: string): string => `${org}:${level}`;
export const customRoleName = (org: string, name: string): string => `${org}:custom:${name}`;
export const tokenRoleName = (org: string, id: string): string => `${org}:token:${id}`;

/** Sorts by a string key computed once per item (not once per comparison: 100,000 grants). */
export function sortBy<T>(items: readonly T[], key: (t: T) => string): T[] {
  return items
    .map((item) => ({ item, k: key(item) }))
    .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0))
    .map((x) => x.item);
}

/**
 * A finalized model's grants. `declared`: in declaration order, the order they sit in memory; a walk
 * whose order does not matter (the rules judging every grant) reads them several times faster so
 * than sorted (500,000 user lookups: 124 ms sorted at size XL, 42 ms so). `users`: each one's user
 * numbered (keyRanks). `sorted`: made when `model.grants` is first read (sortedGrants), as `check`
 * reads only `declared` (the sort was 100 ms of its 0.7 s at size L).
 */
interface FinalGrants {
  readonly declared: readonly GrantModel[];
  readonly users: KeyRanks;
  sorted?: SortedGrants;
  /** Questions grantsOfUserIn answered by a walk, before the grants were sorted. */
  walked: number;
}

/** The grants sorted (sortGrants), and each one's user as `users` numbers it, in that order. */
interface SortedGrants {
  readonly grants: readonly GrantModel[];
  readonly ranks: Int32Array;
}

/**
 * FinalGrants by the model finalizeModel made, and by its sorted list once made: a copy of the model
 * (`{ ...model }` reads the sorted list) reads the same.
 */
const FINAL_GRANTS = new WeakMap<OrgModel | readonly GrantModel[], FinalGrants>();

/** The model's FinalGrants: by the model first, so that asking does not sort its grants. */
const finalGrants = (model: OrgModel): FinalGrants | undefined =>
  FINAL_GRANTS.get(model) ?? FINAL_GRANTS.get(model.grants);

/** The grants sorted (once), the sorted list kept by FINAL_GRANTS too. */
function sortedGrants(f: FinalGrants): SortedGrants {
  if (!f.sorted) {
    f.sorted = sortGrants(f.declared, f.users);
    FINAL_GRANTS.set(f.sorted.grants, f);
  }
  return f.sorted;
}

/** Questions grantsOfUserIn answers by a walk before it sorts the grants (explain asks thousands). */
const WALKED_BEFORE_SORTING = 8;

/** The model's grants in the order they were declared when finalizeModel made it, else in the model's order. */
export function grantsInMemoryOrder(model: OrgModel): readonly GrantModel[] {
  return finalGrants(model)?.declared ?? model.grants;
}

/**
 * One user's grants in one namespace, in model order. A finalized model's grants are sorted by
 * namespace, then user: found there by binary search (explaining 5,000 people in a namespace of
 * 50,000 grants reads their own grants only); in any other model, by a filter.
 */
export function grantsOfUserIn(model: OrgModel, namespace: string, user: string): readonly GrantModel[] {
  // Before the grants are sorted, the first few questions (synthesis asks one per finding about its
  // output, for its source) are each a walk of the grants' user numbers in declaration order, which
  // gives one user's grants in a namespace in the sorted list's order: placement walks that order
  // too, and the sort was 4% of synth at size L for three questions.
  const f = finalGrants(model);
  if (f && !f.sorted && f.walked < WALKED_BEFORE_SORTING) {
    f.walked++;
    return grantsOfUserWalked(f, namespace, user);
  }
  const grants = model.grants;
  if (!FINAL_GRANTS.has(grants)) return grants.filter((g) => g.namespace === namespace && g.user === user);
  const lo = firstNotBefore(grants, (g) => g.namespace < namespace || (g.namespace === namespace && g.user < user));
  let end = lo;
  while (end < grants.length && grants[end]!.namespace === namespace && grants[end]!.user === user) end++;
  return grants.slice(lo, end);
}

/** The first place in `sorted` whose item is not `before` what is sought (every item before it is): a binary search. */
function firstNotBefore<T>(sorted: readonly T[], before: (item: T) => boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(sorted[mid]!)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** grantsOfUserIn by a walk of the grants' user numbers in declaration order: only the user's own grants are read. */
function grantsOfUserWalked(f: FinalGrants, namespace: string, user: string): GrantModel[] {
  const { keys, ranks } = f.users;
  const lo = firstNotBefore(keys, (k) => k < user);
  const out: GrantModel[] = [];
  if (keys[lo] !== user) return out;
  // From one of the user's grants to the next by indexOf: a few questions, each its first and only
  // walk of the numbers, ran in the interpreter (5 ms a walk at size L).
  for (let i = ranks.indexOf(lo); i >= 0; i = ranks.indexOf(lo, i + 1))
    if (f.declared[i]!.namespace === namespace) out.push(f.declared[i]!);
  return out;
}

/**
 * Freezes the model, its lists and every entry. Inner arrays (levels, rules) stay as declared and
 * are readonly by type: freezing 500,000 small arrays cost more than a third of `orgctl check`.
 */
export function freezeModel(m: OrgModel): OrgModel {
  for (const list of [m.users, m.namespaces, m.roles, m.customRoles, m.tokens, m.invites, m.clusters]) {
    for (const entry of list) Object.freeze(entry);
    Object.freeze(list);
  }
  // Grants in the order they sit in memory: frozen in sorted order, each was a cache miss (94 ms of
  // synth at size XL).
  for (const g of grantsInMemoryOrder(m)) Object.freeze(g);
  // Grants not sorted yet are frozen when sorted (sortGrants), not sorted to be frozen.
  if (!FINAL_GRANTS.has(m)) Object.freeze(m.grants);
  return Object.freeze(m);
}

/**
 * Each item's key as a rank among the distinct keys (in sorted order), and how many there are:
 * one Map lookup per item, and only the distinct keys compared.
 */
interface KeyRanks {
  readonly ranks: Int32Array;
  readonly keys: readonly string[];
}

function keyRanks<T>(items: readonly T[], key: (t: T) => string): KeyRanks {
  const ids = new Map<string, number>();
  const keys: string[] = [];
  const ranks = new Int32Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const k = key(items[i]!);
    let id = ids.get(k);
    if (id === undefined) {
      id = keys.length;
      ids.set(k, id);
      keys.push(k);
    }
    ranks[i] = id;
  }
  // First-seen ids to sorted ranks (UTF-16 order, as `<` compares).
  const order = sortBy(
    keys.map((_, id) => id),
    (id) => keys[id]!,
  );
  const rankOfId = new Int32Array(keys.length);
  order.forEach((id, rank) => {
    rankOfId[id] = rank;
  });
  for (let i = 0; i < ranks.length; i++) ranks[i] = rankOfId[ranks[i]!]!;
  return { ranks, keys: order.map((id) => keys[id]!) };
}

/**
 * keyRanks where most keys' order is known beforehand: `sorted` in `<` order (the users' keys, for
 * the grants' users; some may name no item, some repeat). Each item's key is looked up among those,
 * whose strings sit together; the keys `sorted` does not hold are sorted alone and merged in. The
 * same ranks and keys as sorting the items' keys, which compared strings JSON.parse left all over
 * memory (the grants' users: 10-14 ms of `check` at size L).
 */
function keyRanksAmong<T>(items: readonly T[], key: (t: T) => string, sorted: readonly string[]): KeyRanks {
  const place = new Map<string, number>();
  for (const k of sorted) if (!place.has(k)) place.set(k, place.size);
  // Keys `sorted` lacks, numbered after its places in the order first seen.
  const others = new Map<string, number>();
  const ranks = new Int32Array(items.length);
  const used = new Uint8Array(place.size);
  for (let i = 0; i < items.length; i++) {
    const k = key(items[i]!);
    let p = place.get(k);
    if (p !== undefined) used[p] = 1;
    else {
      p = others.get(k);
      if (p === undefined) others.set(k, (p = place.size + others.size));
    }
    ranks[i] = p;
  }
  const known = [...place.keys()];
  const rest = [...others.keys()].sort(byText);
  // Each place's rank among the keys the items name: the used places and the rest, merged in order.
  const rankOf = new Int32Array(place.size + others.size);
  const keys: string[] = [];
  for (let a = 0, b = 0; ; ) {
    while (a < known.length && !used[a]) a++;
    if (a === known.length && b === rest.length) break;
    if (b === rest.length || (a < known.length && known[a]! < rest[b]!)) {
      rankOf[a] = keys.length;
      keys.push(known[a++]!);
    } else {
      rankOf[others.get(rest[b]!)!] = keys.length;
      keys.push(rest[b++]!);
    }
  }
  for (let i = 0; i < ranks.length; i++) ranks[i] = rankOf[ranks[i]!]!;
  return { ranks, keys };
}

/** Positions 0..n-1 stably sorted by `ranks` (a counting sort: ranks are 0..count-1). */
function countingOrder(positions: Int32Array, ranks: Int32Array, count: number): Int32Array {
  const starts = new Int32Array(count + 1);
  // Indexed, not for...of: run once, unoptimized, an iterator made a result object per position (16 MB at size L).
  for (let i = 0; i < positions.length; i++) starts[ranks[positions[i]!]! + 1]++;
  for (let r = 0; r < count; r++) starts[r + 1] += starts[r]!;
  const out = new Int32Array(positions.length);
  for (let i = 0; i < positions.length; i++) {
    const p = positions[i]!;
    out[starts[ranks[p]!]!++] = p;
  }
  return out;
}

/**
 * Grants by namespace, then user, stably (grants of one user in one namespace keep declaration
 * order): two counting sorts over the keys' ranks, by user then by namespace. Comparing the
 * grants' strings instead (a comparison sort per namespace) cost 45 ms at size L, 250 ms at XL.
 */
function sortGrants(grants: readonly GrantModel[], users: KeyRanks): SortedGrants {
  const namespaces = keyRanks(grants, (g) => g.namespace);
  const declared = new Int32Array(grants.length);
  for (let i = 0; i < declared.length; i++) declared[i] = i;
  const order = countingOrder(
    countingOrder(declared, users.ranks, users.keys.length),
    namespaces.ranks,
    namespaces.keys.length,
  );
  // Made at its length (map), not grown by push: a list of 100,000 is a large object, and each growth
  // a new one in memory not touched before (3.4x the list's pages at size L).
  const out = grants.map((_, k) => grants[order[k]!]!);
  const userRanks = new Int32Array(order.length);
  for (let k = 0; k < order.length; k++) userRanks[k] = users.ranks[order[k]!]!;
  return { grants: Object.freeze(out), ranks: userRanks };
}

/** The users of a finalized model's grants, as finalizeModel numbered them: each grant's as a number. */
interface GrantUsers {
  /** `ranks[k]` is the user of the model's grant k, as an index into `keys`. */
  readonly ranks: Int32Array;
  /** The same by declaration order: `declared[i]` is the user of grantsInMemoryOrder's grant i. */
  readonly declared: Int32Array;
  /** The distinct users the grants name, sorted. */
  readonly keys: readonly string[];
}

/**
 * The users of the model's grants as numbers, when finalizeModel made the model (else undefined): a
 * walk of the grants in model order looks up each distinct user once, not each grant's (in sorted
 * order each lookup is a cache miss: 500,000 took 0.28 s of synth at size XL).
 */
export function grantUsers(model: OrgModel): GrantUsers | undefined {
  const f = finalGrants(model);
  // Their ranks in model order are the sort's: read only by a walk in model order.
  return (
    f && {
      get ranks() {
        return sortedGrants(f).ranks;
      },
      declared: f.users.ranks,
      keys: f.users.keys,
    }
  );
}

/**
 * What `of` says of each grant's user, by the grant and its place in the walk: in the model's own
 * order (`model.grants`) or in memory order (grantsInMemoryOrder). `of` is asked once per distinct
 * user where the model numbers them, else once per grant: a grant's user string looked up per grant
 * is a cache miss each (forbidden-grant's lookup was 22 ms of `check` at size L, placement's
 * 0.28 s of `synth` at XL).
 */
export function byGrantUser<T>(
  model: OrgModel,
  of: (user: string) => T,
  order: 'model' | 'memory',
): (g: GrantModel, i: number) => T {
  const numbered = grantUsers(model);
  if (!numbered) return (g) => of(g.user);
  const values = numbered.keys.map(of);
  const ranks = order === 'model' ? numbered.ranks : numbered.declared;
  return (_g, i) => values[ranks[i]!]!;
}

/**
 * Sorts every list (declaration order never changes output) and freezes the result. The grants are
 * sorted when first read (FinalGrants): `grants` is a getter of the one sorted list.
 */
export function finalizeModel(m: OrgModel): OrgModel {
  const users = sortBy(m.users, (u) => u.key);
  const declared = Object.freeze([...m.grants]);
  const final: FinalGrants = {
    declared,
    users: keyRanksAmong(
      declared,
      (g) => g.user,
      users.map((u) => u.key),
    ),
    walked: 0,
  };
  const model: OrgModel = {
    ...m,
    clusters: [...m.clusters],
    users,
    namespaces: sortBy(m.namespaces, (n) => n.name),
    roles: sortBy(m.roles, (r) => r.name),
    customRoles: sortBy(m.customRoles, (r) => r.name),
    // Where `m` has it: the spread placed it, and this keeps its place among the keys.
    get grants() {
      return sortedGrants(final).grants;
    },
    tokens: sortBy(m.tokens, (t) => t.id),
    invites: sortBy(m.invites, (i) => i.key),
  };
  FINAL_GRANTS.set(model, final);
  return freezeModel(model);
}
