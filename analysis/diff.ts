/**
 * The access diff between two snapshots: a sentence per change, grouped by person and token,
 * judged by effective access (the RBAC analysis), not by YAML lines.
 */
import { byText, firstOf } from '../model/text.ts';
import { findLevel, ruleKey, type PolicyRule } from '../model/catalog.ts';
import { appliersChange, appliersText } from '../model/guard-rails.ts';
import { instanceLabelOf } from '../synth/tracking.ts';
import {
  customRoleName,
  grantsBound,
  isExpired,
  isLiveToken,
  LEVELS_BY_STANDING,
  levelRoleName,
  memberStanding,
  memberState,
  tokenRoleName,
  type SafeCustomResource,
} from '../model/model.ts';
import { orgRoleOf, type OrgRole } from './org-roles.ts';
import { REMOVE_ALL, UNBOUND } from './membership.ts';
import { levelsCovered, levelsCoveredBy, maximalLevels, ruleAtoms } from './access.ts';
import { serviceAccountOf } from './authorizer.ts';
import { nameRecord, nameRecordOf } from '../model/own-keys.ts';
import { ruleAllowsNonResource, rulesAllow, type ResourceRequest } from './rules.ts';
import { CLASS_BY_ID, CLASSES, classesOfRule, describeRule, SAFE_CLAIM, type ClassId } from './classes.ts';
import { isBootstrapRoleName, rewritesBootstrapRole, takesThePlace } from './bootstrap.ts';
import {
  expiryKey,
  type MemberDormantGrant,
  type MemberGrantExpiry,
  type MemberInvite,
  type MemberInviteGrant,
  type MemberRole,
  type MemberToken,
  type MemberUser,
} from '../model/membership.ts';
import {
  customRulesOf,
  roleKeyId,
  roleRulesOf,
  rulesOfRole,
  tokenSubject,
  type CellScope,
  type LazyCell,
  type OrgInfo,
  type Snapshot,
} from './snapshot.ts';
import { guardRailChanges, type GuardRailChange } from './guard-rails.ts';
import { listedSentence, type Change, type Items } from './change.ts';
import { listsRemovedClusters, type HandAppliedChange } from './hand-applied.ts';

export interface SubjectDiff {
  /** A user's or invitee's email, or a token id. */
  readonly id: string;
  /** GitHub login in head (else base), for users. */
  readonly github?: string;
  readonly changes: readonly Change[];
}

export interface RemovalStats {
  readonly users: { readonly base: number; readonly losing: number };
  readonly grants: { readonly base: number; readonly lost: number };
  readonly tokens: { readonly base: number; readonly losing: number };
}

export interface AccessDiff {
  readonly owner?: { readonly from: string; readonly to: string };
  /** Namespaces declared in head only, in base only (said as namespaceRemovedText). */
  readonly namespaces: { readonly added: readonly string[]; readonly removed: readonly string[] };
  readonly people: readonly SubjectDiff[];
  readonly tokens: readonly SubjectDiff[];
  /**
   * Subjects the bindings give access to that no person's or token's line reads on that side, by
   * kind and name (`User eve@evil.example`, `ServiceAccount web/default`): named by neither side's
   * membership records, or an old username a changed identity leaves bound in head. orgctl binds
   * none, so only a dist/ edited by hand (or forged) has them, and its proof fails. Absent when none.
   */
  readonly outsiders?: readonly SubjectDiff[];
  /** Custom Roles whose rules changed, by `namespace/name`. */
  readonly customRbac: readonly Change[];
  /** Clusters added or removed, and namespaces joining or leaving a cluster. */
  readonly clusters: readonly Change[];
  /** The organization's settings (identity, SSO, clusters, review, delivery), each with what it does. */
  readonly settings: readonly Change[];
  /** Each namespace's guard rails and the namespace protection (analysis/guard-rails.ts), weakening marked. */
  readonly guardRails: readonly GuardRailChange[];
  /** The files of dist/argocd/ the change alters, which an admin applies by hand (analysis/hand-applied.ts); given by whoever read both sides' files. */
  readonly handApplied?: readonly HandAppliedChange[];
  readonly stats: RemovalStats;
}

/**
 * What removing a namespace does: its Application prunes what orgctl wrote there; the Namespace
 * carries Prune=false, so it and everything else in it stay.
 */
export const namespaceRemovedText = (namespace: string): string =>
  `namespace ${namespace} is removed: orgctl's objects in it (bindings, roles, guard rails) are pruned; the Namespace and what runs in it stay (Prune=false)`;

type Cells = Readonly<Record<string, LazyCell>>;
const EMPTY: Cells = Object.freeze(nameRecord<LazyCell>());
const sorted = (xs: Iterable<string>) => [...xs].sort();
/** `a` without what `b` holds, in `a`'s order; looked up in a Set when `b` is longer than a few (levels covered: dozens). */
const minus = <T>(a: readonly T[], b: readonly T[]): T[] => {
  if (!a.length || !b.length) return [...a];
  if (b.length <= 8) return a.filter((x) => !b.includes(x));
  const held = new Set(b);
  return a.filter((x) => !held.has(x));
};
const codeList = (xs: readonly string[]) => xs.join(', ');

/** `{ each }` when every one of `holds` is the same, and says something: what a list's items each hold. */
const eachHolds = (holds: readonly string[]): { each?: string } =>
  holds[0] && holds.every((h) => h === holds[0]) ? { each: holds[0] } : {};

/** A token's namespaces as a list, each with its levels: a line cut to fit says them, and how many. */
const tokenNamespaces = (namespaces: readonly string[], levels: readonly string[] = []): Items => ({
  items: namespaces,
  noun: 'namespaces',
  ...eachHolds([codeList(levels)]),
});

/**
 * orgctl's custom and token Roles a cell's bindings bind, for "gains custom RBAC X": the roles
 * themselves (LazyCell.boundRoles), not the `via` labels, whose binding names may hold ` → ` (R125-1).
 */
function customVia(cell: LazyCell | undefined, org: string): string[] {
  const [custom, token] = [customRoleName(org, ''), tokenRoleName(org, '')];
  const names = (cell?.boundRoles ?? [])
    .filter((r) => r.kind === 'Role' && (r.name.startsWith(custom) || r.name.startsWith(token)))
    .map((r) => r.name);
  return sorted(new Set(names));
}

/**
 * Roles (`Kind/namespace/name`) in both outputs whose rules differ: a cell keeps its key when a
 * role it holds is broadened, yet its access changed (a custom role given `create deployments`).
 */
function changedRoleIds(base: Snapshot, head: Snapshot): Map<string, { before: PolicyRule[]; after: PolicyRule[] }> {
  const out = new Map<string, { before: PolicyRule[]; after: PolicyRule[] }>();
  for (const [id, rules] of head.ruleSets) {
    const before = base.ruleSets.get(id);
    if (before !== undefined && before !== rules)
      out.set(id, { before: JSON.parse(before) as PolicyRule[], after: JSON.parse(rules) as PolicyRule[] });
  }
  return out;
}

type ChangedRoles = ReadonlyMap<
  string,
  { readonly before: readonly PolicyRule[]; readonly after: readonly PolicyRule[] }
>;

/** The changed roles a cell holds (its roles are `scope:Kind/namespace/name`), by id. */
function changedRolesOf(cell: LazyCell | undefined, changed: ChangedRoles): string[] {
  if (!cell || !changed.size) return [];
  return boundRoleIds(cell).filter((id) => changed.has(id));
}

/** A request as the diff says it: `verb resource[/subresource][.group]`. */
const requestText = (a: ResourceRequest): string =>
  `${a.verb} ${a.resource}${a.subresource ? `/${a.subresource}` : ''}${a.apiGroup ? `.${a.apiGroup}` : ''}`;

/** Requests (verb, group, resource) one set of rules allows and the other does not, as text. */
function rulesDelta(from: readonly PolicyRule[], to: readonly PolicyRule[]): string[] {
  return [
    ...new Set(
      ruleAtoms(from)
        .filter((a) => !rulesAllow(to, a))
        .map(requestText),
    ),
  ];
}

/** Up to four requests, and how many more. */
const showRequests = (xs: readonly string[]) => firstOf(xs, 4);

/** The rules of both sides, for the roles a cell holds (Snapshot.ruleSets). */
interface RuleSides {
  readonly base: Pick<Snapshot, 'ruleSets'>;
  readonly head: Pick<Snapshot, 'ruleSets'>;
}

/** saidByName's answers, by side (its ruleSets) and role id: a diff asks of one role for each cell holding it. */
const SAID_BY_NAME = new WeakMap<ReadonlyMap<string, string>, Map<string, boolean>>();

/** Whether a role is said by the lines above it: a level's ClusterRole with the catalog's rules, or orgctl's custom or token Role (gains custom RBAC). */
function saidByName(side: Pick<Snapshot, 'ruleSets'>, id: string, org: string): boolean {
  let known = SAID_BY_NAME.get(side.ruleSets);
  if (!known) SAID_BY_NAME.set(side.ruleSets, (known = new Map()));
  // One diff asks with one organization's name, so the role id is key enough.
  let said = known.get(id);
  if (said === undefined) known.set(id, (said = roleSaidByName(side, id, org)));
  return said;
}

function roleSaidByName(side: Pick<Snapshot, 'ruleSets'>, id: string, org: string): boolean {
  const [kind] = id.split('/');
  const role = orgRoleOf(org, roleNameOf(id));
  if (kind === 'Role') return role.kind === 'custom' || role.kind === 'user-rules' || role.kind === 'token-rules';
  if (role.kind !== 'level') return false;
  const catalog = findLevel(role.level)!.rules;
  return ruleAtoms(rulesOfRole(side, id)).every((a) => rulesAllow(catalog, a));
}

/**
 * What the roles a cell gains (or loses) allow beyond what its level and custom-RBAC lines say: a
 * role of another origin (a dist/ edited by hand or forged) that covers no whole level and no
 * privilege class (delete every deployment and volume claim) changed no line, and the diff read
 * "No change in access". `from` is the side the cell is compared from (base for gains, head for
 * losses); requests the levels moved allow, or the `from` cell allowed, are not repeated;
 * non-resource URLs count through a ClusterRoleBinding only (as the API server reads them).
 */
function otherRoleChanges(
  ns: string,
  cells: { readonly from: LazyCell | undefined; readonly to: LazyCell | undefined },
  moved: readonly string[],
  rules: { readonly from: Pick<Snapshot, 'ruleSets'>; readonly to: Pick<Snapshot, 'ruleSets'> },
  org: string,
  gains: boolean,
): Change[] {
  const had = new Set(cells.from?.roles ?? []);
  const fresh = (cells.to?.roles ?? []).filter((key) => !had.has(key) && !saidByName(rules.to, roleKeyId(key), org));
  if (!fresh.length) return [];
  const before = cells.from ? roleRulesOf(rules.from, cells.from) : [];
  const known = [...before, ...[...levelsCoveredBy(moved)].flatMap((l) => findLevel(l)!.rules)];
  const out: Change[] = [];
  for (const key of fresh) {
    const id = roleKeyId(key);
    const allowed = rulesOfRole(rules.to, id);
    const requests = [
      ...rulesDelta(allowed, known),
      ...(key.startsWith('cluster:')
        ? allowed.flatMap((r) =>
            (r.nonResourceURLs ?? []).flatMap((path) =>
              r.verbs
                .filter((verb) => !before.some((b) => ruleAllowsNonResource(b, { verb, path })))
                .map((verb) => `${verb} ${path}`),
            ),
          )
        : []),
    ];
    if (requests.length) out.push(rulesChange(gains, ns, roleTitle(id), requests));
  }
  return out;
}

/** A role id (`Kind/namespace/name`) as the diff names it: `ClusterRole cleanup`, `Role web/x`. */
const roleTitle = (id: string): string => {
  const [kind, , ...name] = id.split('/');
  return `${kind} ${name.join('/')}`;
};

/** What a role gives (`gains`) or no longer gives in `ns`: the requests, four and how many more. */
const rulesChange = (gains: boolean, ns: string, role: string, requests: readonly string[]): Change =>
  gains
    ? {
        kind: 'gains-rules',
        namespace: ns,
        to: role,
        text: `gains through ${role} in ${ns}: ${showRequests(requests)}`,
      }
    : {
        kind: 'loses-rules',
        namespace: ns,
        from: role,
        removes: true,
        text: `loses through ${role} in ${ns}: ${showRequests(requests)}`,
      };

/**
 * A role held before and after whose rules changed: what its holder gains and loses by it, even
 * when no level or class moves (a custom role narrowed is a removal; broadened, a gain).
 */
function roleRuleChanges(ns: string, ids: readonly string[], changed: ChangedRoles): Change[] {
  const out: Change[] = [];
  for (const id of ids) {
    const { before, after } = changed.get(id)!;
    const gained = rulesDelta(after, before);
    const lost = rulesDelta(before, after);
    if (gained.length) out.push(rulesChange(true, ns, roleTitle(id), gained));
    if (lost.length) out.push(rulesChange(false, ns, roleTitle(id), lost));
  }
  return out;
}

/** When a level a subject holds in a namespace ends (undefined: for good, or not recorded). */
type EndOf = (namespace: string, level: string) => string | undefined;

const forGood: EndOf = () => undefined;

/**
 * When each level a person holds only through grants that end stops (MemberUser.expiring, by
 * namespace and level role), for the lines that say what they gain.
 */
function endsOf(u: MemberUser | undefined, org: string): EndOf {
  if (!u?.expiring?.length) return forGood;
  const records = expiringByKey(u, org, org);
  return (namespace, level) => records.get(expiryKey(namespace, levelRoleName(org, level)))?.until;
}

/** A person's dated-access records by namespace and role, roles named under organization `to`. */
const expiringByKey = (u: MemberUser, from: string, to: string) =>
  new Map((u.expiring ?? []).map((r) => [expiryKey(r.namespace, renamed(r.role, from, to)), r]));

/**
 * Levels gained, with when they end: one end for all after the namespace, else each level's own.
 * A temporary grant then reads as one (the same levels for good read the same otherwise).
 */
function gainedText(levels: readonly string[], ns: string, scope: CellScope, endOf: EndOf): string {
  // Grants end by namespace (a ClusterRoleBinding's access, in none, ends with none of them).
  const ends = levels.map((l) => (scope.namespace === undefined ? undefined : endOf(scope.namespace, l)));
  if (ends.every((e) => e === undefined)) return `gains ${codeList(levels)} in ${ns}`;
  if (ends.every((e) => e === ends[0])) return `gains ${codeList(levels)} in ${ns} until ${ends[0]}`;
  return `gains ${codeList(levels.map((l, i) => (ends[i] ? `${l} (until ${ends[i]})` : l)))} in ${ns}`;
}

/** Level, class and custom-role changes, namespace by namespace. */
function accessChanges(
  base: Cells,
  head: Cells,
  org: string,
  changedRoles: ChangedRoles,
  sides: RuleSides,
  endOf: EndOf = forGood,
): Change[] {
  const out: Change[] = [];
  for (const ns of sorted(new Set([...Object.keys(base), ...Object.keys(head)]))) {
    // The same roles from the same bindings, none of whose rules changed: nothing changed here.
    const inHead = changedRolesOf(head[ns], changedRoles);
    const held = changedRolesOf(base[ns], changedRoles).filter((id) => inHead.includes(id));
    if (base[ns]?.key === head[ns]?.key && !held.length) continue;
    const b = base[ns]?.cell;
    const h = head[ns]?.cell;
    const gained = maximalLevels(minus(h?.covers ?? [], b?.covers ?? []));
    const lost = maximalLevels(minus(b?.covers ?? [], h?.covers ?? []));
    if (gained.length)
      out.push({
        kind: 'gains',
        namespace: ns,
        levels: gained,
        text: gainedText(gained, ns, (head[ns] ?? base[ns])!.scope, endOf),
      });
    if (lost.length)
      out.push({
        kind: 'loses',
        namespace: ns,
        levels: lost,
        removes: true,
        text: `loses ${codeList(lost)} in ${ns}${h?.levels.length ? ` (keeps ${codeList(h.levels)})` : ''}`,
      });
    const cg = minus(h?.classes ?? [], b?.classes ?? []) as ClassId[];
    const cl = minus(b?.classes ?? [], h?.classes ?? []) as ClassId[];
    if (cg.length)
      out.push({
        kind: 'gains-class',
        namespace: ns,
        classes: cg,
        text: `can now ${cg.map((c) => CLASS_BY_ID.get(c)!.title).join(', ')} in ${ns}`,
      });
    if (cl.length)
      out.push({
        kind: 'loses-class',
        namespace: ns,
        classes: cl,
        removes: true,
        text: `can no longer ${cl.map((c) => CLASS_BY_ID.get(c)!.title).join(', ')} in ${ns}`,
      });
    const [viaB, viaH] = [customVia(base[ns], org), customVia(head[ns], org)];
    const rg = minus(viaH, viaB);
    const rl = minus(viaB, viaH);
    for (const r of rg) out.push({ kind: 'gains-role', namespace: ns, to: r, text: `gains custom RBAC ${r} in ${ns}` });
    for (const r of rl)
      out.push({ kind: 'loses-role', namespace: ns, from: r, removes: true, text: `loses custom RBAC ${r} in ${ns}` });
    for (const c of roleRuleChanges(ns, held, changedRoles)) out.push(c);
    const [b2, h2] = [base[ns], head[ns]];
    out.push(
      ...otherRoleChanges(ns, { from: b2, to: h2 }, gained, { from: sides.base, to: sides.head }, org, true),
      ...otherRoleChanges(ns, { from: h2, to: b2 }, lost, { from: sides.head, to: sides.base }, org, false),
    );
  }
  return out;
}

function flag(kind: string, from: boolean, to: boolean, on: string, off: string, removes = false): Change[] {
  return from === to ? [] : [{ kind, from, to, text: to ? on : off, ...(removes && !to ? { removes: true } : {}) }];
}

function membershipChanges(
  b: MemberUser | undefined,
  h: MemberUser | undefined,
  invite: MemberInvite | undefined,
): Change[] {
  if (!b && h) {
    const as = [h.admin ? 'admin' : '', h.billing ? 'billing' : ''].filter(Boolean);
    const how = invite?.state === 'pending' ? 'accepts the invitation and joins' : 'joins the organization';
    return [
      {
        kind: invite?.state === 'pending' ? 'accepts-invite' : 'joins',
        to: h,
        text: `${how}${as.length ? ` (${as.join(', ')})` : ''}${joiningAccess(h)}${h.status === 'deactivated' ? `, ${UNBOUND.deactivatedUser}` : ''}`,
      },
    ];
  }
  if (b && !h) return [{ kind: 'leaves', from: b, removes: true, text: 'leaves the organization' }];
  if (!b || !h) return [];
  return [
    // usernamePrefix changed: the same person, another Kubernetes user, every binding re-pointed.
    ...(b.username === h.username
      ? []
      : [
          {
            kind: 'identity',
            from: b.username,
            to: h.username,
            text: `Kubernetes identity ${b.username} → ${h.username}: all their bindings move to the new username`,
          },
        ]),
    ...flag('admin', b.admin, h.admin, 'becomes admin', 'is no longer admin', true),
    ...flag('billing', b.billing, h.billing, 'gains billing access', 'loses billing access', true),
    ...(b.status === h.status
      ? []
      : [
          {
            kind: 'status',
            from: b.status,
            to: h.status,
            text: h.status === 'active' ? 'is reactivated' : 'is deactivated',
            ...(h.status !== 'active' ? { removes: true } : {}),
            // An admin reactivated is an admin again: w:full everywhere, and their approvals count.
            ...(h.status === 'active' && h.admin ? { admin: true } : {}),
          },
        ]),
    ...((b.github ?? '') === (h.github ?? '')
      ? []
      : [
          {
            kind: 'github',
            from: b.github,
            to: h.github,
            text: `GitHub login ${b.github ?? '(none)'} → ${h.github ?? '(none)'}`,
            ...(b.admin || h.admin ? { admin: true } : {}),
          },
        ]),
    // Which account the login must be held by (the review matches it): handing it to another
    // account hands over the approvals it counts, as a login change does.
    ...(b.githubId === h.githubId
      ? []
      : [
          {
            kind: 'github-id',
            from: b.githubId,
            to: h.githubId,
            text: `GitHub account id of ${h.github ?? b.github ?? '(no login)'} ${b.githubId ?? '(none)'} → ${h.githubId ?? '(none)'}`,
            ...(b.admin || h.admin ? { admin: true } : {}),
          },
        ]),
    ...((b.access ?? '') === (h.access ?? '')
      ? []
      : [
          {
            kind: 'access-mode',
            from: b.access,
            to: h.access,
            text:
              h.access === 'all'
                ? 'gets Add All'
                : h.access === 'none'
                  ? 'gets Remove All'
                  : `no longer has ${b.access === 'all' ? 'Add All' : 'Remove All'}`,
          },
        ]),
  ];
}

/**
 * What Add All or Remove All gives someone who joins: Remove All would read as an ordinary join,
 * with grants that bind nothing. For a deactivated member the mode is named, not explained (they
 * hold nothing until reactivated); for an admin it is not said (w:full everywhere by being one).
 */
function joiningAccess(h: MemberUser): string {
  const mode = h.access === 'all' ? 'Add All' : h.access === 'none' ? 'Remove All' : undefined;
  if (!mode || h.admin) return '';
  if (h.status === 'deactivated') return ` with ${mode}`;
  return mode === 'Remove All'
    ? ` with ${REMOVE_ALL}`
    : ' with Add All: every level a non-admin may hold, in every namespace';
}

/** How a bound role reads in a change: its level for a catalog ClusterRole, else its name. */
function roleLabel(role: string, org: string): string {
  const r = orgRoleOf(org, role);
  return r.kind === 'level' ? r.level : `custom RBAC ${role}`;
}

/**
 * The roles a cell's bindings bind, by id without its scope (`ClusterRole//acme:r:pods`,
 * `Role/web/acme:custom:x`), as changedRolesOf reads them (not the `via` labels, text for people).
 */
const boundRoleIds = (cell: LazyCell | undefined): string[] => (cell?.roles ?? []).map(roleKeyId);

/** A role id's name (`acme:r:pods` of `ClusterRole//acme:r:pods`): Kubernetes names hold no '/'. */
const roleNameOf = (id: string): string => id.slice(id.lastIndexOf('/') + 1);

/**
 * Whether a cell's access comes through a binding to the role named `role`: a ClusterRole, or a
 * Role of the binding's own namespace (the only one a RoleBinding can name), whatever scope its
 * id was read in (a cluster read apart qualifies both: roleId of clusterRbac's roles).
 */
const boundTo = (cell: LazyCell | undefined, role: string): boolean =>
  boundRoleIds(cell).some((id) => roleNameOf(id) === role);

/**
 * The keys of a person's cells in `namespace` on either side: the namespace itself, read as one
 * account; one per cluster when each is read apart (`web in cluster lga1`), sorted.
 */
function keysIn(cells: { readonly base: Cells; readonly head: Cells }, namespace: string): string[] {
  if (cells.base[namespace] || cells.head[namespace]) return [namespace];
  const keys = new Set<string>();
  for (const side of [cells.base, cells.head])
    for (const [key, cell] of Object.entries(side))
      if (cell.scope.namespace === namespace && cell.scope.cluster !== undefined) keys.add(key);
  return sorted(keys);
}

/** Whether a role is one being an admin binds (w:full in every namespace): any other an admin holds is a grant. */
const bindsAsAdmin = (r: OrgRole): boolean => r.kind === 'level' && LEVELS_BY_STANDING.admin.includes(r.level);

/**
 * An admin's cells holding a grant beside what being an admin binds (a level beyond w:full, custom
 * RBAC): what they keep once no longer one (red team X1), so where it reaches is theirs to change
 * only with another admin, as grantsBeyondAdmin's lines are (red team Y1: a namespace joining a cluster).
 */
export function grantedCells(cells: Cells, org: string): Cells {
  return nameRecordOf(
    Object.entries(cells).filter(([, cell]) =>
      boundRoleIds(cell).some((id) => !bindsAsAdmin(orgRoleOf(org, roleNameOf(id)))),
    ),
  );
}

/**
 * Levels an admin's own grants add, namespace by namespace, beside the w:full being an admin binds:
 * w:full covers them, so no access line shows them, yet they hold once the admin is no longer one
 * (the seed: admins may not edit their own privileges). Each side's roles under its own name.
 */
function grantsBeyondAdmin(base: Cells, head: Cells, orgs: { readonly base: string; readonly head: string }): Change[] {
  const granted = (cell: LazyCell | undefined, org: string) =>
    boundRoleIds(cell).flatMap((id) => {
      const r = orgRoleOf(org, roleNameOf(id));
      return r.kind === 'level' && !bindsAsAdmin(r) ? [r.level] : [];
    });
  const out: Change[] = [];
  for (const ns of sorted(Object.keys(head))) {
    if (base[ns]?.key === head[ns]?.key) continue;
    const had = levelsCoveredBy(granted(base[ns], orgs.base));
    const levels = maximalLevels([...levelsCoveredBy(granted(head[ns], orgs.head))].filter((l) => !had.has(l)));
    if (levels.length)
      out.push({
        kind: 'gains-beyond-admin',
        namespace: ns,
        levels,
        text: `is granted ${codeList(levels)} in ${ns}: covered by w:full while an admin, held once no longer one`,
      });
  }
  return out;
}

/** A role named for organization `from` as organization `to` names it (a rename renames every role). */
const renamed = (role: string, from: string, to: string): string =>
  from !== to && role.startsWith(levelRoleName(from, ''))
    ? levelRoleName(to, role.slice(levelRoleName(from, '').length))
    : role;

/** Marks "for good" among YYYY-MM-DD ends: after every date. */
const FOR_GOOD = '\uffff';

/**
 * Levels one side (`x`) holds after some day its other side (`y`) stops holding them, where `y`
 * holds them today (else the access lines say so): each side a list of bound roles, each with its
 * rules and its end (FOR_GOOD when none). Checked just after each of `y`'s ends, where what `y`
 * holds shrinks. The first such day and its levels, or undefined.
 */
function heldLonger(
  x: readonly { readonly rules: readonly PolicyRule[]; readonly end: string }[],
  y: readonly { readonly rules: readonly PolicyRule[]; readonly end: string }[],
  today: ReadonlySet<string>,
  known: Map<string, ReadonlySet<string>>,
): { after: string; levels: string[] } | undefined {
  const covers = (side: typeof x, after: string) =>
    coveredBy(
      side.filter((r) => r.end > after).map((r) => r.rules),
      known,
    );
  for (const after of [...new Set(y.map((r) => r.end))].filter((e) => e !== FOR_GOOD).sort()) {
    const [cx, cy] = [covers(x, after), covers(y, after)];
    const levels = [...cx].filter((l) => !cy.has(l) && today.has(l));
    if (levels.length) return { after, levels: maximalLevels(levels) };
  }
  return undefined;
}

/** A number for each list of rules coveredBy meets (rulesOfRole's, one list a role and side). */
const RULE_LISTS = new WeakMap<readonly PolicyRule[], number>();
let ruleListsNumbered = 0;

/**
 * The levels some roles' rules cover together (levelsCovered of them all), `known` by the lists
 * themselves: people with dated grants hold the same levels' roles, each side's rules of a role one
 * list (rulesOfRole), so most of heldLonger's questions at size L were asked before.
 */
function coveredBy(
  lists: readonly (readonly PolicyRule[])[],
  known: Map<string, ReadonlySet<string>>,
): ReadonlySet<string> {
  const key = lists
    .map((list) => {
      let n = RULE_LISTS.get(list);
      if (n === undefined) RULE_LISTS.set(list, (n = ruleListsNumbered++));
      return n;
    })
    .join(',');
  let covered = known.get(key);
  if (!covered) known.set(key, (covered = new Set(levelsCovered(lists.flat()))));
  return covered;
}

/** coveredBy's answers for one diff, by its head (the rule lists of its two sides). */
const COVERED = new WeakMap<Snapshot, Map<string, ReadonlySet<string>>>();

/**
 * When what a person holds through temporary grants ends (MemberUser.expiring), where they hold it
 * on both sides: a later end, or none, lets them keep it longer (a gain, judged as one); an earlier
 * end removes it sooner. A role base held past its end (its expiry not merged yet) that head keeps
 * is said so: without this, lengthening a grant changed no binding and the diff was empty. A role
 * bound on one side only that another role covers today, while that one ends, makes access last
 * longer (or end sooner) with no level moving today: said as well (red team M). Roles are compared
 * under head's organization name (a renamed organization renames every role).
 */
function expiryChanges(
  b: MemberUser | undefined,
  h: MemberUser | undefined,
  sides: { readonly base: Snapshot; readonly head: Snapshot; readonly bCells: Cells; readonly hCells: Cells },
  today: string,
): Change[] {
  if (!b || !h || (!b.expiring && !h.expiring)) return [];
  const cells = { base: sides.bCells, head: sides.hCells };
  const [baseOrg, org] = [sides.base.org.name, sides.head.org.name];
  const [be, he] = [expiringByKey(b, baseOrg, org), expiringByKey(h, org, org)];
  const out: Change[] = [];
  for (const key of sorted(new Set([...be.keys(), ...he.keys()]))) {
    const [from, to] = [be.get(key)?.until, he.get(key)?.until];
    if (from === to) continue;
    const namespace = (be.get(key) ?? he.get(key))!.namespace;
    const role = he.get(key)?.role ?? renamed(be.get(key)!.role, baseOrg, org);
    const baseRole = be.get(key)?.role ?? renamed(role, org, baseOrg);
    // Gained or lost here (in every cluster): the access lines say so.
    if (!keysIn(cells, namespace).some((k) => boundTo(cells.base[k], baseRole) && boundTo(cells.head[k], role)))
      continue;
    const past =
      from !== undefined && from < today ? ` (it ended on ${from}; the expiry pull request was not merged)` : '';
    out.push({
      kind: 'grant-expiry',
      namespace,
      from,
      to,
      text: `${roleLabel(role, org)} in ${namespace} holds ${to === undefined ? 'for good' : `until ${to}`}, not ${from === undefined ? 'for good' : `until ${from}`}${past}`,
      ...(to !== undefined && (from === undefined || to < from) ? { removes: true } : {}),
    });
  }
  // A role bound on one side only, covered today by roles that end: what it gives lasts longer
  // (or ends sooner) though no level moves today.
  const namespaces = new Set([...be.values(), ...he.values()].map((r) => r.namespace));
  let covered = COVERED.get(sides.head);
  if (!covered) COVERED.set(sides.head, (covered = new Map()));
  for (const [namespace, where] of sorted(namespaces).flatMap((ns) => keysIn(cells, ns).map((k) => [ns, k] as const))) {
    const [bc, hc] = [cells.base[where], cells.head[where]];
    // The same roles from the same bindings on both sides (most people, most of the time): none
    // is bound on one side only, and the cells are not computed.
    if (!bc || !hc || bc.key === hc.key) continue;
    const side = (s: Snapshot, cell: LazyCell, from: string, records: typeof be) =>
      new Map(
        boundRoleIds(cell).map((id) => {
          const key = expiryKey(namespace, renamed(roleNameOf(id), from, org));
          return [key, { rules: rulesOfRole(s, id), end: records.get(key)?.until ?? FOR_GOOD }];
        }),
      );
    const [bs, hs] = [side(sides.base, bc, baseOrg, be), side(sides.head, hc, org, he)];
    const onlyIn = (a: typeof bs, other: typeof bs) => [...a.keys()].some((k) => !other.has(k));
    // Roles on both sides keep the other side's end: a change of it is said above.
    const mixed = (mine: typeof bs, other: typeof bs) =>
      [...mine].map(([k, r]) => (other.has(k) ? { rules: r.rules, end: other.get(k)!.end } : r));
    // Head's roles held past base's ends (a gain), then base's past head's (a removal).
    for (const gain of [true, false]) {
      const [mine, other, cell] = gain ? [hs, bs, bc] : [bs, hs, hc];
      if (!onlyIn(mine, other)) continue;
      const found = heldLonger(mixed(mine, other), [...other.values()], new Set(cell.cell.covers), covered);
      if (!found) continue;
      const levels = codeList(found.levels);
      out.push({
        kind: 'grant-expiry',
        namespace: where,
        ...(gain ? { from: found.after } : { to: found.after }),
        levels: found.levels,
        ...(gain ? {} : { removes: true }),
        text: `${gain ? 'keeps' : 'no longer holds'} ${levels} in ${where} after ${found.after}, when what gives it today ends`,
      });
    }
  }
  return out;
}

/** What an invitation's grant holds, as its line says it: `r:pods, developer`. */
const inviteGrantHolds = (g: MemberInviteGrant): string => [...(g.levels ?? []), ...(g.roles ?? [])].join(', ');

/** An invitation's grant as its line says it: `r:pods, developer in web`. */
export const inviteGrantText = (g: MemberInviteGrant): string => `${inviteGrantHolds(g)} in ${g.namespace}`;

/** What an invitation holds, after its line's verb: ` (admin; r:pods in web; without SSO)`, its grants a list. */
const describeInvite = (i: MemberInvite): (string | Items)[] => {
  const grants: Items = {
    items: i.grants.map(inviteGrantText),
    noun: 'grants',
    separator: '; ',
    ...eachHolds(i.grants.map(inviteGrantHolds)),
  };
  const parts = [
    i.admin ? 'admin' : '',
    i.billing ? 'billing' : '',
    i.grants.length ? grants : '',
    i.sso ? '' : 'without SSO',
  ].filter((p) => p !== '');
  return parts.length ? [' (', ...parts.flatMap((p, k) => (k ? ['; ', p] : [p])), ')'] : [];
};

/** What a pending invite holds once accepted, by namespace (sorted, each once): its levels and its roles' levels. */
function inviteAccess(i: MemberInvite, roles: readonly MemberRole[]): Map<string, string[]> {
  const out = new Map<string, Set<string>>();
  for (const g of i.grants) {
    const levels = out.get(g.namespace) ?? new Set<string>();
    out.set(g.namespace, levels);
    for (const l of g.levels ?? []) levels.add(l);
    for (const r of g.roles ?? []) for (const l of roles.find((x) => x.name === r)?.levels ?? []) levels.add(l);
  }
  return new Map([...out].sort(([a], [b]) => byText(a, b)).map(([ns, levels]) => [ns, sorted(levels)]));
}

/** An invite's access for a sentence: `r:pods, w:services in web; r:full in data` as a list, or `nothing`. */
function accessItems(access: ReadonlyMap<string, readonly string[]>): Items | string {
  const held = [...access].filter(([, levels]) => levels.length);
  if (!held.length) return 'nothing';
  return {
    items: held.map(([ns, levels]) => `${codeList(levels)} in ${ns}`),
    noun: 'namespaces',
    separator: '; ',
    ...eachHolds(held.map(([, levels]) => codeList(levels))),
  };
}

/**
 * A pending invite records the names of the roles it grants, and acceptance binds their levels as
 * declared then: a role redefined changes what the invitee will hold while the invite itself reads
 * the same, so the change is told on the invite's line (a gain unless only narrowed).
 */
function inviteRoleChanges(
  b: MemberInvite,
  h: MemberInvite,
  roles: { readonly base: readonly MemberRole[]; readonly head: readonly MemberRole[] },
): Change[] {
  if (b.state !== 'pending' || h.state !== 'pending' || !h.grants.some((g) => g.roles?.length)) return [];
  // The invite is the same on both sides: only a role it names, redefined, can change what it holds.
  const redefined = [...new Set(h.grants.flatMap((g) => g.roles ?? []))].filter(
    (r) =>
      JSON.stringify(roles.base.find((x) => x.name === r)?.levels) !==
      JSON.stringify(roles.head.find((x) => x.name === r)?.levels),
  );
  if (!redefined.length) return [];
  const [from, to] = [inviteAccess(b, roles.base), inviteAccess(h, roles.head)];
  if (JSON.stringify([...from]) === JSON.stringify([...to])) return [];
  const { text, list } = listedSentence([
    'invitation changed: on acceptance ',
    accessItems(to),
    ' (was ',
    accessItems(from),
    `; role ${redefined.join(', ')} redefined)`,
  ]);
  return [
    {
      kind: 'invite-changed',
      from: b,
      to: h,
      text,
      ...(list ? { list } : {}),
      ...([...to].every(([ns, levels]) => levels.every((l) => from.get(ns)?.includes(l))) ? { removes: true } : {}),
    },
  ];
}

function inviteChanges(
  b: MemberInvite | undefined,
  h: MemberInvite | undefined,
  becameUser: boolean,
  roles: { readonly base: readonly MemberRole[]; readonly head: readonly MemberRole[] },
): Change[] {
  if (becameUser) return [];
  // An invitation's grants are a list: a line cut to fit keeps the first, and counts the rest.
  const told = (kind: string, verb: string, to: MemberInvite, after = ''): Change => {
    const { text, list } = listedSentence([verb, ...describeInvite(to), after]);
    return { kind, ...(b ? { from: b } : {}), to, text, ...(list ? { list } : {}) };
  };
  if (!b && h) return h.state === 'pending' ? [told('invited', 'is invited', h)] : [];
  if (b && !h)
    return b.state === 'pending' ? [{ kind: 'invite-withdrawn', from: b, text: 'invitation withdrawn' }] : [];
  if (!b || !h) return [];
  if (JSON.stringify(b) === JSON.stringify(h)) return inviteRoleChanges(b, h, roles);
  if (b.state === 'pending' && h.state === 'revoked')
    return [{ kind: 'invite-revoked', from: b, to: h, text: 'invitation revoked' }];
  // A revoked invitation is dead: restored, it is live again, not an edit of a live one; edited
  // while revoked, it gives nothing until then (R108-2). Either is judged as what it holds.
  if (b.state === 'revoked' && h.state === 'pending')
    return [
      told('invite-changed', 'invitation restored, revoked before', h, ': whoever reads its mail may accept it again'),
    ];
  if (h.state === 'revoked')
    return [told('invite-changed', 'revoked invitation changed', h, ': given once it is restored')];
  return [told('invite-changed', 'invitation changed', h)];
}

function tokenChanges(b: MemberToken | undefined, h: MemberToken | undefined, today: string): Change[] {
  if (!b && h) {
    const created = `is created${h.name ? ` ("${h.name}")` : ''}`;
    // Its end and a deactivated status too, as a user's joining says: a reviewer must not read
    // a dead token as a live one.
    const after = `${h.owner ? `, owner ${h.owner}` : ''}${h.expires ? `, expires ${h.expires}` : ''}${h.status === 'deactivated' ? ', deactivated (no ServiceAccount, no token)' : ''}`;
    const { text, list } = listedSentence(
      h.namespaces.length
        ? [`${created} for `, tokenNamespaces(h.namespaces, h.levels), after]
        : [`${created} (blank: custom RBAC only)${after}`],
    );
    return [{ kind: 'token-added', to: h, text, ...(list ? { list } : {}) }];
  }
  if (b && !h)
    return [
      { kind: 'token-removed', from: b, removes: true, text: 'is removed (its ServiceAccount and token are deleted)' },
    ];
  if (!b || !h) return [];
  const out: Change[] = [];
  if ((b.name ?? '') !== (h.name ?? ''))
    out.push({
      kind: 'token-renamed',
      from: b.name,
      to: h.name,
      text: `is renamed "${b.name ?? ''}" → "${h.name ?? ''}" (same ServiceAccount: the token is not rotated)`,
    });
  if (JSON.stringify(sorted(b.namespaces)) !== JSON.stringify(sorted(h.namespaces))) {
    const side = (t: MemberToken) => (t.namespaces.length ? tokenNamespaces(sorted(t.namespaces), t.levels) : '(none)');
    const { text, list } = listedSentence(['namespaces ', side(b), ' → ', side(h)]);
    out.push({
      kind: 'token-moved',
      from: b.namespaces,
      to: h.namespaces,
      text,
      ...(list ? { list } : {}),
      ...(minus(b.namespaces, h.namespaces).length ? { removes: true } : {}),
    });
  }
  if ((b.owner ?? '') !== (h.owner ?? ''))
    out.push({
      kind: 'token-owner',
      from: b.owner,
      to: h.owner,
      // The owner is who was handed the token value: only a rotation takes it back.
      text: `owner ${b.owner ?? '(none)'} → ${h.owner ?? '(none)'}${b.owner && b.serviceAccount === h.serviceAccount ? ` (not rotated: ${b.owner} still holds the token value)` : ''}`,
    });
  // A new ServiceAccount (rotation): the same access, but the token in use today stops working.
  if (b.serviceAccount !== h.serviceAccount)
    out.push({
      kind: 'token-rotated',
      from: b.serviceAccount,
      to: h.serviceAccount,
      text: `is rotated: ServiceAccount ${b.serviceAccount} → ${h.serviceAccount} (the old token stops working once synced; hand over the new one)`,
    });
  if ((b.expires ?? '') !== (h.expires ?? ''))
    out.push({
      kind: 'token-expiry',
      from: b.expires,
      to: h.expires,
      text: `expiry ${b.expires ?? '(none)'} → ${h.expires ?? '(none)'}`,
      // An earlier end is a removal already: the expiry workflow's pull request, which drops the
      // token, no longer counts it (dead on its date), so mass-removal judges it here.
      ...(h.expires !== undefined && (b.expires === undefined || h.expires < b.expires) ? { removes: true } : {}),
    });
  // Absent means active (the membership data leaves it out).
  if ((b.status ?? 'active') !== (h.status ?? 'active'))
    out.push(
      h.status === 'deactivated'
        ? {
            kind: 'token-status',
            from: 'active',
            to: 'deactivated',
            removes: true,
            text: 'is deactivated: its ServiceAccount and token are deleted once synced (its access stays declared)',
          }
        : {
            kind: 'token-status',
            from: 'deactivated',
            to: 'active',
            // Kubernetes issues a new token only for a new Secret: when the deactivation never
            // synced, Argo CD deleted nothing and the token handed over before works again.
            text: `is reactivated: ServiceAccount ${h.serviceAccount} is made ${
              b.serviceAccount !== h.serviceAccount
                ? 'with a new token to hand over'
                : 'again, with a new token to hand over if Argo CD deleted it since the deactivation; else the old token works again (rotate the token in this change to be sure it does not)'
            }${h.expires ? ` (unless it has expired: it holds through ${h.expires})` : ''}`,
          },
    );
  // A deactivated or expired token holds nothing, so no access line shows what it would hold again:
  // say it, with the levels it would gain (`levels`: what self-edit judges), as a live token's gains
  // are. An expired one's too: renewed later, it holds them, and this edit was its owner's (R102-2).
  const [before, after] = [sorted(b.levels ?? []), sorted(h.levels ?? [])];
  const once =
    h.status === 'deactivated'
      ? 'held once it is reactivated'
      : isExpired(h.expires, today)
        ? 'held once its expiry is extended'
        : undefined;
  if (once && before.join() !== after.join()) {
    const had = levelsCoveredBy(before);
    out.push({
      kind: 'token-levels',
      from: before,
      to: after,
      levels: [...levelsCoveredBy(after)].filter((l) => !had.has(l)).sort(),
      text: `declared levels ${codeList(before) || '(none)'} → ${codeList(after) || '(none)'}, ${once}`,
    });
  }
  return out;
}

function ruleChanges(base: Snapshot, head: Snapshot): Change[] {
  const out: Change[] = [];
  const key = (r: PolicyRule) => JSON.stringify(r);
  for (const id of sorted(new Set([...base.customRoles.keys(), ...head.customRoles.keys()]))) {
    const b = base.customRoles.get(id);
    const h = head.customRoles.get(id);
    const [ns, name] = [id.slice(0, id.indexOf('/')), id.slice(id.indexOf('/') + 1)];
    if (!b)
      out.push({
        kind: 'role-added',
        namespace: ns,
        to: name,
        text: `Role ${name} in ${ns} is created (${h!.length} rule${h!.length === 1 ? '' : 's'})`,
      });
    else if (!h)
      out.push({
        kind: 'role-removed',
        namespace: ns,
        from: name,
        removes: true,
        text: `Role ${name} in ${ns} is removed`,
      });
    else {
      const added = h.filter((r) => !b.map(key).includes(key(r))).length;
      const removed = b.filter((r) => !h.map(key).includes(key(r))).length;
      if (added || removed)
        out.push({
          kind: 'role-changed',
          namespace: ns,
          to: name,
          text: `Role ${name} in ${ns}: ${added} rule${added === 1 ? '' : 's'} added, ${removed} removed`,
        });
    }
  }
  return out;
}

/**
 * ClusterRoles head writes anew under the name of one the API server's bootstrap bindings bind
 * (system:basic-user with * on *): no binding in dist/ gives them, the cluster's own does, to every
 * authenticated user; the cells above never count it (red team R128-2). And base's of such a name
 * that head removes (Argo CD prunes it: the API server recreates its own only when it next starts)
 * or gives back the built-in rules: what base's gave them goes (R129-5).
 */
function bootstrapRoleChanges(base: Snapshot, head: Snapshot): Change[] {
  const out = new Map<string, Change>();
  for (const [id, rules] of base.ruleSets) {
    const name = roleNameOf(id);
    // Head's of the same text is neither removed nor given back: its rules are not read.
    if (!id.startsWith('ClusterRole/') || rules === head.ruleSets.get(id) || out.has(name)) continue;
    if (!isBootstrapRoleName(name)) continue;
    const [was, now] = [rulesOfRole(base, id), head.ruleSets.has(id) ? rulesOfRole(head, id) : undefined];
    const gave = `base's allowed ${firstOf(was.map(describeRule), 4, '; ')}: it ${takesThePlace(name)}`;
    if (!now)
      out.set(name, {
        kind: 'bootstrap-role-removed',
        from: name,
        removes: true,
        text: `ClusterRole ${name} is removed (${gave}): Argo CD prunes it, so all of them lose it, the API server's own rules of that name with it, until the API server next starts and recreates its own`,
      });
    else if (rewritesBootstrapRole(name, was) && !rewritesBootstrapRole(name, now))
      out.set(name, {
        kind: 'bootstrap-role-restored',
        from: name,
        removes: true,
        text: `ClusterRole ${name} gets back the API server's own rules (${gave}): all of them lose what base's allowed beyond those`,
      });
  }
  for (const [id, rules] of head.ruleSets) {
    const name = roleNameOf(id);
    // Only a name a bootstrap binding binds: no other role's rules are looked up.
    if (!id.startsWith('ClusterRole/') || rules === base.ruleSets.get(id) || out.has(name)) continue;
    if (!isBootstrapRoleName(name)) continue;
    const allowed = rulesOfRole(head, id);
    if (rewritesBootstrapRole(name, allowed))
      out.set(name, {
        kind: 'bootstrap-role-rewritten',
        to: name,
        text: `ClusterRole ${name} allows ${firstOf(allowed.map(describeRule), 4, '; ')}: it ${takesThePlace(name)}, and Argo CD applying it gives them to all of them`,
      });
  }
  return [...out.values()];
}

/** Clusters of the output, and where each namespace is: access is per cluster, the rest of the diff is not. */
function clusterChanges(base: Snapshot, head: Snapshot): Change[] {
  const out: Change[] = [];
  const added = minus(head.org.clusters, base.org.clusters);
  const removed = minus(base.org.clusters, head.org.clusters);
  for (const c of added)
    out.push({ kind: 'cluster-added', to: c, text: `cluster ${c} is added: its namespaces' access is created there` });
  for (const c of removed) {
    out.push({
      kind: 'cluster-removed',
      from: c,
      removes: true,
      text: `cluster ${c} is removed: nothing applies to it any more, so access there stays as it is, unmanaged: ${listsRemovedClusters(base.org, head.org) ? 'Applied by hand after merge says how to remove it' : 'remove it in the cluster by hand'}`,
    });
  }
  // Only a namespace whose clusters differ says anything (none of 2,000 at size L, most days): sorted alone.
  const moved = [...base.placement.keys()].filter((n) => {
    const [b, h] = [base.placement.get(n)!, head.placement.get(n)];
    return h !== undefined && (b.length !== h.length || b.some((c, i) => c !== h[i]));
  });
  for (const ns of sorted(moved)) {
    const [b, h] = [base.placement.get(ns)!, head.placement.get(ns)!];
    for (const c of minus(h, b))
      if (!added.includes(c))
        out.push({
          kind: 'namespace-joins-cluster',
          namespace: ns,
          to: c,
          text: `namespace ${ns} joins cluster ${c}: its access is created there`,
        });
    for (const c of minus(b, h))
      if (!removed.includes(c))
        out.push({
          kind: 'namespace-leaves-cluster',
          namespace: ns,
          from: c,
          removes: true,
          text: `namespace ${ns} leaves cluster ${c}: every grant there is pruned (the namespace itself stays)`,
        });
  }
  return out;
}

const quote = (v: unknown): string =>
  typeof v === 'string' ? `'${v}'` : Array.isArray(v) ? `[${v.map(quote).join(', ')}]` : String(v);

/** Each group of mail domains, as a setting's line says it: `acme.com acme.io, split on -`. */
const mailDomainsText = (groups: OrgInfo['mailDomains']): string[] =>
  (groups ?? []).map(
    (g) =>
      `${g.domains.join(' ')}${g.subaddressSeparators ? `, split on ${g.subaddressSeparators.join(' ')}` : ''}${g.subdomainAddressing ? ', subdomain addressing' : ''}`,
  );

/**
 * The organization's settings, each with what it does once merged: none of them shows in a
 * person's access lines, yet each one moves identities, objects or the source of truth.
 */
export function settingsChanges(base: OrgInfo, head: OrgInfo): Change[] {
  const out: Change[] = [];
  const setting = (key: string, from: unknown, to: unknown, effect: string) => {
    if (JSON.stringify(from) !== JSON.stringify(to))
      out.push({ kind: 'setting', key, from, to, text: `${key} ${quote(from)} → ${quote(to)}: ${effect}` });
  };
  setting(
    'name',
    base.name,
    head.name,
    `the organization is renamed: every ClusterRole and binding gets a new name, and every token a new ServiceAccount in ${head.systemNamespace} (the old tokens stop working${base.argocd && head.argocd ? ` once ${base.systemNamespace} is deleted: see Applied by hand after merge` : ''})`,
  );
  setting(
    'usernamePrefix',
    base.usernamePrefix,
    head.usernamePrefix,
    "every person's Kubernetes identity changes: all their bindings move to new usernames, and the old usernames lose every grant",
  );
  setting(
    'mailDomains',
    mailDomainsText(base.mailDomains),
    mailDomainsText(head.mailDomains),
    'later reviews read other addresses as one mailbox, one person (self-edit, admin-change-approval)',
  );
  setting(
    'ssoEnforced',
    base.ssoEnforced,
    head.ssoEnforced,
    head.ssoEnforced
      ? 'every invitation must go through the identity provider'
      : 'invitations may allow password login again, outside the identity provider',
  );
  if (JSON.stringify(base.clusters) !== JSON.stringify(head.clusters)) {
    out.push({
      kind: 'setting',
      key: 'clusters',
      from: base.clusters,
      to: head.clusters,
      text: `clusters ${codeList(base.clusters) || '(default)'} → ${codeList(head.clusters) || '(default)'}: the clusters Argo CD writes access to change`,
    });
  }
  setting(
    'shards',
    base.shards,
    head.shards,
    `objects move between Argo CD Applications: roll it out with pruning suspended (${base.argocd && head.argocd && base.name === head.name ? 'Applied by hand after merge gives the commands, the first before merge' : 'README, Delivery with Argo CD'})`,
  );
  setting(
    'massRemovalThreshold',
    base.massRemovalThreshold,
    head.massRemovalThreshold,
    head.massRemovalThreshold > base.massRemovalThreshold
      ? 'later pull requests may remove a larger share of access without an override'
      : 'later pull requests may remove a smaller share of access without an override',
  );
  out.push(...safeCustomResourcesChanges(base.safeCustomResources ?? [], head.safeCustomResources ?? []));
  const a = base.argocd;
  const b = head.argocd;
  if (!a && b)
    out.push({
      kind: 'setting',
      key: 'argocd',
      to: b,
      text: `Argo CD source is declared (${b.repoURL} ${b.revision} ${b.path}): dist/argocd/ is generated`,
    });
  else if (a && !b)
    out.push({
      kind: 'setting',
      key: 'argocd',
      from: a,
      text: 'Argo CD source is no longer declared: dist/argocd/ is no longer generated',
    });
  else if (a && b) {
    setting('repoURL', a.repoURL, b.repoURL, 'Argo CD will apply manifests from another repository');
    setting('revision', a.revision, b.revision, 'Argo CD will apply manifests from another branch, tag or commit');
    setting('path', a.path, b.path, 'Argo CD will apply manifests from another folder');
    setting(
      'namespace',
      a.namespace,
      b.namespace,
      'the AppProject and ApplicationSet move to another Argo CD namespace',
    );
    setting(
      'namedClusterResources',
      a.namedClusterResources ?? false,
      b.namedClusterResources ?? false,
      b.namedClusterResources
        ? 'the AppProject allows only the Namespaces, ClusterRoles and namespace protection orgctl writes, by name'
        : 'the AppProject allows every Namespace and ClusterRole again, whatever its name (a forged dist/ could rewrite any)',
    );
    setting(
      'instanceLabelKey',
      instanceLabelOf(a),
      instanceLabelOf(b),
      b.boundary
        ? "the boundary (once applied to each cluster) reads an object's Application from this label: it must be the application.instanceLabelKey of Argo CD's argocd-cm, or under label tracking the boundary judges nothing Argo CD applies"
        : "the commands of Applied by hand after merge take Argo CD's tracking off by this label: it must be the application.instanceLabelKey of Argo CD's argocd-cm",
    );
    const [from, to] = [a.boundary?.appliedBy, b.boundary?.appliedBy];
    const { added, dropped } = appliersChange(from, to);
    setting(
      'boundary',
      from ?? false,
      to ?? false,
      to === undefined
        ? 'dist/argocd/boundary.yaml is no longer written: a forged dist/ is bounded again by the AppProject alone, once an admin deletes the policy from each cluster'
        : from === undefined
          ? `dist/argocd/boundary.yaml is written: once applied to each cluster, the API server refuses what the organization's Applications write beyond orgctl's shapes`
          : dropped.length && added.length
            ? `the boundary judges the writes of ${appliersText(to)} instead (applied to each cluster, it no longer bounds ${appliersText(dropped)})`
            : dropped.length
              ? `the boundary no longer judges the writes of ${appliersText(dropped)}, only of ${appliersText(to)}, once applied to each cluster`
              : `the boundary judges the writes of ${appliersText(added)} too, once applied to each cluster`,
    );
  }
  return out;
}

/**
 * What changes in the custom resources declared safe, one change per API group: each lifts or
 * restores `forbidden-grant` for writes nobody else judges, so the review says which and why.
 */
function safeCustomResourcesChanges(
  base: readonly SafeCustomResource[],
  head: readonly SafeCustomResource[],
): Change[] {
  const named = (c: SafeCustomResource | undefined) => c?.resources.map((r) => `${r}.${c.group}`);
  const groups = [...new Set([...base, ...head].map((c) => c.group))].sort();
  const out: Change[] = [];
  for (const group of groups) {
    const [from, to] = [base.find((c) => c.group === group), head.find((c) => c.group === group)];
    if (JSON.stringify(from) === JSON.stringify(to)) continue;
    const effect = !to
      ? 'writes to them are reserved for admins again'
      : `people who are not admins may be granted writes to ${to.resources.join(', ')}, on an admin's word that ${SAFE_CLAIM} them: "${to.reason}"`;
    out.push({
      kind: 'setting',
      key: 'safeCustomResources',
      ...(from ? { from: named(from) } : {}),
      ...(to ? { to: named(to) } : {}),
      text: `safeCustomResources ${group} [${from?.resources.join(', ') ?? ''}] → [${to?.resources.join(', ') ?? ''}]: ${effect}`,
    });
  }
  return out;
}

/** Grants as people hold them: one per (user, namespace, role bound), once in however many clusters. */
function countGrants(s: Snapshot, users: Iterable<MemberUser>): number {
  let n = 0;
  for (const u of users) {
    const cells = Object.values(s.access.get(u.username) ?? EMPTY);
    n += cells.some(readApart) ? grantsIn(cells).size : cells.reduce((sum, cell) => sum + cell.roles.length, 0);
  }
  return n;
}

/** Whether a cell was read in one cluster apart (the clusters' copies differ). */
const readApart = (cell: LazyCell): boolean => cell.scope.cluster !== undefined;

/**
 * A grant as counted across clusters read apart: its scope's namespace and its role's kind and
 * name (a cluster read apart qualifies the role's id: clusterRbac), `<namespace>\n<Kind>/<name>`.
 */
const grantKey = (cell: LazyCell, role: string): string =>
  `${cell.scope.namespace ?? ''}\n${roleKeyId(role).split('/')[0]}/${roleNameOf(role)}`;

/** The grants (grantKey) of some cells. */
const grantsIn = (cells: Iterable<LazyCell>): Set<string> =>
  new Set([...cells].flatMap((cell) => cell.roles.map((r) => grantKey(cell, r))));

/** `cells` without those of `namespaces` (in every cluster, when read apart). */
function withoutNamespaces(cells: Cells, namespaces: ReadonlySet<string>): Cells {
  if (!namespaces.size) return cells;
  return nameRecordOf(Object.entries(cells).filter(([, cell]) => !namespaces.has(cell.scope.namespace ?? '')));
}

/**
 * The namespace of cell key `key` (`web in cluster lga1` when each cluster is read apart): its
 * cell's scope's (none for the cluster-wide one); a key no side holds is a namespace itself.
 */
function namespaceOfKey(key: string, cells: readonly Cells[]): string | undefined {
  for (const side of cells) {
    const cell = side[key];
    if (cell) return cell.scope.namespace;
  }
  return key;
}

/** The namespace a change is in: for a change of access, its cell's (its `namespace` is the cell's key); else its own. */
const namespaceOfChange = (c: Change, cells: readonly Cells[]): string | undefined =>
  c.namespace === undefined ? undefined : namespaceOfKey(c.namespace, cells);

/**
 * Roles a user held in base and no longer holds in head, over every namespace; read in clusters
 * apart, each grant lost in any of them once (as countGrants counts it).
 */
function grantsLostBy(b: Cells, h: Cells): number {
  // Most people hold no cell in a pair's base (readSnapshotPair): nothing to walk (9,000 at size L).
  if (b === EMPTY) return 0;
  let n = 0;
  const apart = new Set<string>();
  for (const [ns, cell] of Object.entries(b)) {
    if (cell.key === h[ns]?.key) continue;
    const after = new Set(h[ns]?.roles ?? []);
    const lost = cell.roles.filter((r) => !after.has(r));
    if (readApart(cell)) for (const r of lost) apart.add(grantKey(cell, r));
    else n += lost.length;
  }
  return n + apart.size;
}

const activeAdmin = (u: MemberUser | undefined): boolean => !!u && u.admin && u.status === 'active';

/**
 * The tokens live on `today` (isLiveToken) in base that head keeps live under the same ServiceAccount
 * in the same system namespace, by id: a value read from base's Secret still works in head. A rotation,
 * deactivation, removal or expiry (or a renamed organization's new system namespace) makes a new
 * value or none.
 */
function tokenValuesKeptBy(base: Snapshot, head: Snapshot, today: string): string[] {
  if (base.org.systemNamespace !== head.org.systemNamespace) return [];
  return sorted(
    [...base.tokens.values()]
      .filter((b) => {
        const h = head.tokens.get(b.id);
        return (
          isLiveToken(b, today) && h !== undefined && isLiveToken(h, today) && h.serviceAccount === b.serviceAccount
        );
      })
      .map((t) => t.id),
  );
}

/**
 * What an admin who leaves (deactivated, removed, no longer admin) keeps: the value of each token
 * whose Secret their w:full in the system namespace let them read (the hand-over is an admin reading
 * it), until its ServiceAccount goes. departing-admin-tokens warns with it.
 */
const tokenValuesKept = (ids: readonly string[], org: Pick<OrgInfo, 'systemNamespace'>): Change => ({
  kind: 'token-values-kept',
  to: ids,
  text: `could read the Secrets of ${ids.length === 1 ? 'token' : 'tokens'} ${codeList(ids)} in ${org.systemNamespace}: ${ids.length === 1 ? 'its value still works' : 'their values still work'} (rotate, deactivate or remove each)`,
});

/** Gains an admin holds only through a grant (custom RBAC), never by being an admin. */
const GRANTED_ONLY: ReadonlySet<string> = new Set(['gains-role', 'gains-rules']);

/** `c`, marked as following from another change (see Change.implied); `removes` kept only when asked. */
function impliedBy(c: Change, why: string, keepRemoves: boolean): Change {
  const { removes, ...rest } = c;
  return { ...rest, implied: why, text: `${c.text} (${why})`, ...(keepRemoves && removes ? { removes } : {}) };
}

/** Changes that make someone an active admin or end it: the anchor of their admin entry (foldAdminStanding). */
const STANDING_KINDS: ReadonlySet<string> = new Set(['admin', 'status', 'joins', 'accepts-invite', 'leaves']);

/** The side on which someone is an active admin, for foldAdminStanding: its cells and organization. */
interface AdminSide {
  readonly cells: Cells;
  readonly org: Pick<OrgInfo, 'name' | 'namespaces' | 'systemNamespace'>;
}

/**
 * Someone made an active admin (`gains`) or no longer one, as one entry: the change that does it
 * (STANDING_KINDS) says the w:full being an admin binds, where (every namespace, counted), and the
 * privilege classes that gives, once; the per-namespace lines that only follow from it are folded
 * into it. Two lines a namespace, each repeating the classes, buried the one fact (an adopter's
 * walk-through, 50 namespaces). What does not only follow stays on its own: a level beyond w:full,
 * custom RBAC, and, on losing it, a namespace where anything is still held (its `keeps`, and
 * exactly the classes lost there). `admin`: the side they are an admin on; `other`: the other side's cells.
 */
function foldAdminStanding(changes: readonly Change[], gains: boolean, admin: AdminSide, other: Cells): Change[] {
  const anchor = changes.find((c) => STANDING_KINDS.has(c.kind));
  if (!anchor) return [...changes];
  const [levelKind, classKind] = gains ? ['gains', 'gains-class'] : ['loses', 'loses-class'];
  const bindsAdmin = (key: string) =>
    boundRoleIds(admin.cells[key]).some((id) => bindsAsAdmin(orgRoleOf(admin.org.name, roleNameOf(id))));
  const keys = new Set(
    changes
      .filter(
        (c) =>
          c.kind === levelKind &&
          c.namespace !== undefined &&
          !!c.levels?.length &&
          c.levels.every((l) => LEVELS_BY_STANDING.admin.includes(l)) &&
          bindsAdmin(c.namespace),
      )
      .map((c) => c.namespace!),
  );
  if (!keys.size) return [...changes];
  const inKeys = (c: Change) =>
    (c.kind === levelKind || c.kind === classKind) && c.namespace !== undefined && keys.has(c.namespace);
  // Lost where something is still held: its lines say what stays, and what is lost there.
  const folds = (c: Change) => inKeys(c) && (gains || !other[c.namespace!]?.roles.length);
  const levels = maximalLevels([
    ...new Set(changes.filter((c) => c.kind === levelKind && inKeys(c)).flatMap((c) => c.levels!)),
  ]);
  const held = new Set(changes.filter((c) => c.kind === classKind && inKeys(c)).flatMap((c) => c.classes ?? []));
  const classes = CLASSES.filter((k) => held.has(k.id));
  const namespaces = sorted(new Set([...keys].map((k) => namespaceOfKey(k, [admin.cells, other])!)));
  const all = new Set([...admin.org.namespaces, admin.org.systemNamespace]);
  const every = namespaces.length === all.size && namespaces.every((n) => all.has(n));
  const verb = `${gains ? 'gains' : 'loses'} ${codeList(levels)}`;
  const where = every ? `every namespace (${all.size}, ${admin.org.systemNamespace} included)` : undefined;
  const can = classes.length ? `, so can ${gains ? 'now' : 'no longer'} ${classes.map((k) => k.title).join(', ')}` : '';
  const sentence = where
    ? { text: `${anchor.text}: ${verb} in ${where}${can}` }
    : listedSentence([
        `${anchor.text}: ${verb} in ${namespaces.length} namespaces: `,
        { items: namespaces, noun: 'namespaces' },
        can,
      ]);
  const entry: Change = {
    ...anchor,
    ...sentence,
    levels,
    ...(classes.length ? { classes: classes.map((k) => k.id) } : {}),
    // A rule's row names it; the report's entry says the classes.
    ...(classes.length
      ? {
          brief: `${anchor.text}: ${verb} in ${where ?? `${namespaces.length} namespaces`}, with the privilege classes listed under "Who gains or loses what"`,
        }
      : {}),
  };
  return changes.filter((c) => !folds(c)).map((c) => (c === anchor ? entry : c));
}

/** What a subject holds, or is staged to hold, in a namespace: catalog levels covered, custom rules, an end. */
interface Holding {
  readonly levels: ReadonlySet<string>;
  readonly rules: readonly PolicyRule[];
  readonly until?: string;
}

/** Dormant records (MemberUser.dormant, MemberToken.dormantRbac) by namespace. */
const dormantHoldings = (records: readonly Partial<MemberDormantGrant>[] | undefined): Map<string, Holding> =>
  new Map(
    (records ?? []).map((r) => [
      r.namespace!,
      { levels: levelsCoveredBy(r.levels ?? []), rules: r.rules ?? [], ...(r.until ? { until: r.until } : {}) },
    ]),
  );

/** What a side's bindings give, by namespace: its levels and its custom Roles' rules. */
function liveHoldings(cells: Cells, side: Pick<Snapshot, 'customRoles'>, levels: boolean): Map<string, Holding> {
  return new Map(
    Object.entries(cells).map(([ns, c]) => [
      ns,
      { levels: new Set(levels ? c.cell.covers : []), rules: customRulesOf(side, c).flat() },
    ]),
  );
}

/**
 * `live` (liveHoldings) with the end each namespace's holding has by the person's dated access
 * (MemberUser.expiring), as a dormant record writes it: the latest, when everything bound there
 * ends (each bound level, and custom rules when some role not a level's ends). A staging compared
 * with it then reads an end moved as the person is bound to nothing (R114-1).
 */
function withLiveEnds(
  live: Map<string, Holding>,
  expiring: readonly MemberGrantExpiry[] | undefined,
  org: string,
): Map<string, Holding> {
  if (!expiring?.length) return live;
  for (const [ns, h] of live) {
    const dated = expiring.filter((e) => e.namespace === ns);
    if (!dated.length) continue;
    const roles = new Set(dated.map((e) => e.role));
    const levelRoles = new Set([...h.levels].map((l) => levelRoleName(org, l)));
    const allEnd =
      maximalLevels([...h.levels]).every((l) => roles.has(levelRoleName(org, l))) &&
      (!h.rules.length || dated.some((e) => !levelRoles.has(e.role)));
    if (allEnd)
      live.set(ns, {
        ...h,
        until: dated
          .map((e) => e.until)
          .sort()
          .at(-1)!,
      });
  }
  return live;
}

/**
 * The classes a catalog level's rules give in a namespace, in the order its rules give them (each
 * once): the catalog is constant, so made once a level, not once a person and namespace holding it.
 */
const LEVEL_CLASSES = new Map<string, readonly ClassId[]>();
function levelClasses(level: string): readonly ClassId[] {
  let classes = LEVEL_CLASSES.get(level);
  if (!classes) {
    classes = [...new Set((findLevel(level)?.rules ?? []).flatMap((r) => classesOfRule(r, 'namespace')))];
    LEVEL_CLASSES.set(level, classes);
  }
  return classes;
}

/**
 * The privilege classes catalog levels and rules give in a namespace, in the order the levels' rules
 * and then the custom rules give them (a level's classes in its rules' order, so the same first
 * occurrences as reading every rule in turn).
 */
const classesOfHolding = (h: Holding | undefined): Set<ClassId> =>
  new Set([
    ...[...(h?.levels ?? []).values()].flatMap(levelClasses),
    ...(h?.rules ?? []).flatMap((r) => classesOfRule(r, 'namespace')),
  ]);

/** The classes `h` gives that `b` does not, in classesOfHolding's order. */
function classesGained(b: Holding | undefined, h: Holding | undefined): ClassId[] {
  const had = classesOfHolding(b);
  return [...classesOfHolding(h)].filter((c) => !had.has(c));
}

/** Those of `classes` that `h` gives too (its classes made once, not once a class). */
function classesAlso(classes: readonly ClassId[], h: Holding): ClassId[] {
  const given = classesOfHolding(h);
  return classes.filter((c) => given.has(c));
}

/**
 * How a staging's lines name the state that binds it to nothing, and when it takes effect: a
 * deactivated person or token, a person under Remove All (R113-2).
 */
interface AwayWords {
  readonly while: string;
  readonly effect: string;
}
const AWAY_DEACTIVATED: AwayWords = { while: 'while deactivated', effect: 'on reactivation' };
const AWAY_REMOVE_ALL: AwayWords = { while: 'while Remove All holds', effect: 'once Remove All is lifted' };
const AWAY_EXPIRED: AwayWords = { while: 'while expired', effect: 'once its expiry is extended' };

/** Why a person's grants are bound to nothing (not grantsBound, the model's one test), when they are. */
const awayOf = (m: MemberUser | undefined): AwayWords | undefined =>
  m === undefined || grantsBound(memberState(m))
    ? undefined
    : m.status === 'deactivated'
      ? AWAY_DEACTIVATED
      : AWAY_REMOVE_ALL;

/**
 * Why a token's custom RBAC is bound to nothing on `today`, when it is: deactivated, or expired
 * (R113-3). A record written while it was live (`customRbac`: its Roles are in that output) is
 * not: base written before it expired holds its rules live, and its expiry stages nothing.
 */
const tokenAwayOf = (t: MemberToken | undefined, today: string): AwayWords | undefined =>
  t === undefined || isLiveToken(t, today) || t.customRbac
    ? undefined
    : t.status === 'deactivated'
      ? AWAY_DEACTIVATED
      : AWAY_EXPIRED;

/** What the base's output cannot say about a dormant staging: an older orgctl recorded none. */
const UNKNOWN_BEFORE = " (the base's output records no staged grants: what was staged before cannot be known)";

/**
 * Grants staged on a deactivated person or token (bound to nothing, recorded in the membership
 * data), from what `before` held or had staged: one line a namespace for levels, one for rules,
 * each saying it takes effect on reactivation (a withdrawal, `loses-dormant`, gives nothing: it
 * removes, though nothing held it). The gains are `gains-dormant`, judged as a live
 * grant's (self-edit, admin-change-approval by their levels and classes); head-policies refuses
 * what forbidden-grant refuses once the proof declares them again.
 */
function dormantChanges(
  before: ReadonlyMap<string, Holding>,
  after: ReadonlyMap<string, Holding>,
  away: AwayWords,
  unknown: boolean,
) {
  const out: Change[] = [];
  const suffix = unknown ? UNKNOWN_BEFORE : '';
  for (const ns of sorted(new Set([...before.keys(), ...after.keys()]))) {
    const [b, h] = [before.get(ns), after.get(ns)];
    const [had, has] = [b?.levels ?? new Set<string>(), h?.levels ?? new Set<string>()];
    const gained = maximalLevels([...has].filter((l) => !had.has(l)).sort());
    const lost = maximalLevels([...had].filter((l) => !has.has(l)).sort());
    // Made only for a line that names them (a gain): most namespaces of a staging changed elsewhere make none.
    let gainedClasses: ClassId[] | undefined;
    const newClasses = (): ClassId[] => (gainedClasses ??= classesGained(b, h));
    const until = h?.until ? ` until ${h.until}` : '';
    if (gained.length)
      out.push({
        kind: 'gains-dormant',
        namespace: ns,
        levels: gained,
        classes: classesAlso(newClasses(), { levels: levelsCoveredBy(gained), rules: [] }),
        text: `is granted ${codeList(gained)} in ${ns}${until} ${away.while}: it takes effect ${away.effect}${suffix}`,
      });
    if (lost.length)
      out.push({
        kind: 'loses-dormant',
        namespace: ns,
        levels: lost,
        removes: true,
        text: `staged ${codeList(lost)} in ${ns} withdrawn ${away.while} (it held nothing)`,
      });
    const [oldRules, newRules] = [new Set((b?.rules ?? []).map(ruleKey)), new Set((h?.rules ?? []).map(ruleKey))];
    const requests = rulesDelta(h?.rules ?? [], b?.rules ?? []);
    if ([...newRules].some((r) => !oldRules.has(r)) && requests.length) {
      const ruleClasses = classesAlso(newClasses(), { levels: new Set(), rules: h!.rules });
      const what = ruleClasses.length
        ? `can ${ruleClasses.map((c) => CLASS_BY_ID.get(c)!.title).join(', ')} in ${ns}`
        : `allows ${showRequests(requests)}`;
      out.push({
        kind: 'gains-dormant',
        namespace: ns,
        classes: ruleClasses,
        text: `custom rules in ${ns} changed ${away.while} (now ${what}): they take effect ${away.effect}${suffix}`,
      });
    } else if ([...oldRules].some((r) => !newRules.has(r)))
      out.push({
        kind: 'loses-dormant',
        namespace: ns,
        removes: true,
        text: `custom rules in ${ns} narrowed ${away.while} (they held nothing)`,
      });
    const ended = b && h ? dormantEndChange(ns, b, h, away, suffix) : undefined;
    if (ended) out.push(ended);
  }
  return out;
}

/** Whether an end `a` holds longer than `b` (undefined: for good). */
const endsLater = (a: string | undefined, b: string | undefined): boolean =>
  a !== b && (a === undefined || (b !== undefined && a > b));

const endText = (until: string | undefined): string => (until === undefined ? 'for good' : `until ${until}`);

/**
 * A staging kept on both sides whose end moved (R113-1): the record changed, so the output did, and
 * a staging read as ending before any reactivation may now hold for good. Lengthened, it is judged
 * as the staging was (`gains-dormant`, with what it gives); brought nearer, a withdrawal.
 */
function dormantEndChange(ns: string, b: Holding, h: Holding, away: AwayWords, suffix: string): Change | undefined {
  const longer = endsLater(h.until, b.until);
  if (!longer && !endsLater(b.until, h.until)) return undefined;
  const kept = maximalLevels([...h.levels].filter((l) => b.levels.has(l)).sort());
  const oldRules = new Set(b.rules.map(ruleKey));
  const rules = h.rules.filter((r) => oldRules.has(ruleKey(r)));
  if (!kept.length && !rules.length) return undefined;
  const what = [...(kept.length ? [codeList(kept)] : []), ...(rules.length ? ['custom rules'] : [])].join(' and ');
  const text = `staged ${what} in ${ns} holds ${endText(h.until)}, not ${endText(b.until)}, ${away.while}`;
  return longer
    ? {
        kind: 'gains-dormant',
        namespace: ns,
        ...(kept.length ? { levels: kept } : {}),
        classes: [...classesOfHolding({ levels: levelsCoveredBy(kept), rules })],
        text: `${text}: it takes effect ${away.effect}${suffix}`,
      }
    : { kind: 'loses-dormant', namespace: ns, removes: true, text: `${text} (it held nothing)` };
}

/**
 * What a person or token bound to nothing in head (deactivated, or under Remove All: awayOf) is
 * staged to gain (dormantChanges): against what base recorded staged (bound to nothing there too; an
 * older output recorded nothing: said), what base bound (bound to nothing from this change), nothing
 * (new). Empty when head binds their grants.
 */
function stagedChanges<T>(
  who: {
    readonly base?: T;
    readonly head?: T;
    /** Why one side's record binds nothing (awayOf, tokenAwayOf), asked only past the shortcuts. */
    readonly awayOf: (record: T | undefined) => AwayWords | undefined;
    /** Whether what base bound them measures what head stages (standingKept); true when not given. */
    readonly measures?: (base: T, head: T | undefined) => boolean;
  },
  records: {
    readonly base?: readonly Partial<MemberDormantGrant>[];
    readonly head?: readonly Partial<MemberDormantGrant>[];
    /** Base's dated access of a person (what base bound them ends: withLiveEnds). */
    readonly baseEnds?: readonly MemberGrantExpiry[];
  },
  base: { readonly snapshot: Snapshot; readonly cells: Cells; readonly levels: boolean },
): Change[] {
  const recorded = base.snapshot.org.recordsDormant === true;
  // One record on both sides (a line head repeats is base's: most of 10,000 people at size L)
  // stages alike, as the shortcut below finds, without asking either side why it binds nothing.
  if (recorded && who.base === who.head) return [];
  const away = who.awayOf(who.head);
  if (!away) return [];
  const wasAway = who.awayOf(who.base) !== undefined;
  // Staged alike on both sides (most of an organization's deactivated people, most reviews): no line,
  // as dormantChanges of equal holdings says, without making them (classes for every rule of each).
  if (wasAway && recorded && sameRecords(records.base, records.head)) return [];
  const measured = who.base !== undefined && (who.measures?.(who.base, who.head) ?? true);
  const before = !measured
    ? new Map<string, Holding>()
    : wasAway
      ? dormantHoldings(records.base)
      : withLiveEnds(liveHoldings(base.cells, base.snapshot, base.levels), records.baseEnds, base.snapshot.org.name);
  const changes = dormantChanges(before, dormantHoldings(records.head), away, wasAway && !recorded);
  // Bound to nothing from this change: what they lose is the deactivation's to say; only a staging widening it is new.
  return measured && !wasAway ? changes.filter((c) => c.kind !== 'loses-dormant') : changes;
}

/**
 * Whether what base bound a person measures what head stages on them: not when base bound them by
 * a standing (an admin's w:full, Add All's levels) head would not give them once active (R113-4:
 * an admin deactivated and made a member in one change, their staging covered by base's w:full).
 */
const standingKept = (b: MemberUser, h: MemberUser | undefined): boolean => {
  const had = memberStanding(b);
  return had === undefined || (h !== undefined && memberStanding({ ...h, status: 'active' }) === had);
};

/** Whether two sides' dormant records are the same records, as written. */
const sameRecords = (a: readonly unknown[] | undefined, b: readonly unknown[] | undefined): boolean =>
  a === b || JSON.stringify(a ?? []) === JSON.stringify(b ?? []);

/** Gains of access a reactivation's lines list (saidAsDeclaredNow). */
const ACCESS_GAINS: ReadonlySet<string> = new Set(['gains', 'gains-class', 'gains-role', 'gains-rules']);

/**
 * A reactivation that gains access says what it gains is what is declared now: a deactivated
 * user's grants are bound to nothing and recorded nowhere in the output, so one added or widened
 * while they were deactivated read no line in its own review, and `is reactivated` above it read
 * as a restoration of what they held (R108-1). An admin's entry says w:full everywhere, and their
 * other grants as `is granted ...`. In place: `changes` is the person's list.
 */
function saidAsDeclaredNow(changes: Change[], recorded: boolean): void {
  const at = changes.findIndex((c) => c.kind === 'status' && c.to === 'active');
  if (at < 0 || !changes.some((c) => ACCESS_GAINS.has(c.kind) && !c.removes)) return;
  changes[at] = {
    ...changes[at]!,
    text: `${changes[at]!.text}: ${
      recorded
        ? 'what they gain was recorded while they were deactivated (each staging read a line of its own)'
        : 'what they gain is what is declared now, and a grant declared while they were deactivated read no line before'
    }`,
  };
}

/**
 * Who gains or loses what from base to head. `today`, the review's date, says which tokens are
 * live for mass-removal's counts.
 */
export function diffSnapshots(base: Snapshot, head: Snapshot, today: string): AccessDiff {
  const liveToken = (t: MemberToken) => isLiveToken(t, today);
  const org = head.org.name;
  // Looked up in a set: 2,000 namespaces a side at size L, where minus's includes took 4 million steps.
  const [baseNamespaces, headNamespaces] = [new Set(base.org.namespaces), new Set(head.org.namespaces)];
  const added = head.org.namespaces.filter((ns) => !baseNamespaces.has(ns));
  const removed = base.org.namespaces.filter((ns) => !headNamespaces.has(ns));
  const [addedNs, removedNs] = [new Set(added), new Set(removed)];
  const inAddedOrRemoved = (c: Change, cells: readonly Cells[]) => {
    const ns = namespaceOfChange(c, cells);
    return ns !== undefined && (addedNs.has(ns) || removedNs.has(ns));
  };
  const changedRoles = changedRoleIds(base, head);
  const emails = sorted(
    new Set([...base.users.keys(), ...head.users.keys(), ...base.invites.keys(), ...head.invites.keys()]),
  );
  const roles = { base: base.org.roles ?? [], head: head.org.roles ?? [] };
  const read = readers(base, head);
  const valuesKept = tokenValuesKeptBy(base, head, today);
  const recordsDormant = base.org.recordsDormant === true;
  const people: SubjectDiff[] = [];
  let usersLosing = 0;
  let grantsLost = 0;
  for (const email of emails) {
    const b = base.users.get(email);
    const h = head.users.get(email);
    // A side without their record still holds what its bindings give their username: a record
    // removed while the bindings name them for more is not 'leaves, loses' (red team H).
    const [bUser, hUser] = [b ?? h, h ?? b];
    const bCells = bUser ? read.base(bUser.username) : EMPTY;
    const hCells = hUser ? read.head(hUser.username) : EMPTY;
    // One record on both sides (a line head repeats is base's) and no cells on either (a subject
    // the change does not touch: readSnapshotPair reads none): their record, access and its ends
    // are the same, so only their invitation and staging can read a line (9,000 of 10,000 at L).
    const untouched = b === h && bCells === EMPTY && hCells === EMPTY;
    // No invitation either, staging recorded: nothing below reads a line, counts them losing or
    // counts a grant lost.
    if (untouched && recordsDormant && !base.invites.has(email) && !head.invites.has(email)) continue;
    // An admin in both holds every namespace: one added or removed changes that without anyone
    // editing their privileges, and removes nothing they hold by being an admin. Custom RBAC gained
    // there comes from a grant, not from being an admin: it holds once they are not (red team X1).
    // Under whichever username: a usernamePrefix changed too moves the identity (its own line,
    // judged as such), not what being an admin gives.
    const admin = activeAdmin(b) && activeAdmin(h);
    const invite = inviteChanges(base.invites.get(email), head.invites.get(email), !b && !!h, roles);
    const all = untouched
      ? invite
      : [
          ...membershipChanges(b, h, base.invites.get(email)),
          ...invite,
          ...accessChanges(bCells, hCells, org, changedRoles, { base, head }, endsOf(h, org)).map((c) =>
            admin && inAddedOrRemoved(c, [hCells, bCells]) && !GRANTED_ONLY.has(c.kind)
              ? impliedBy(c, 'as an admin', false)
              : c,
          ),
          // Whoever is an admin in head: made one, reactivated or joining here too (their w:full line covers them).
          ...(activeAdmin(h) ? grantsBeyondAdmin(bCells, hCells, { base: base.org.name, head: org }) : []),
          ...expiryChanges(b, h, { base, head, bCells, hCells }, today),
        ];
    // Made an admin, or no longer one: one entry, not two lines a namespace.
    const changes =
      activeAdmin(b) === activeAdmin(h)
        ? all
        : activeAdmin(h)
          ? foldAdminStanding(all, true, { cells: hCells, org: head.org }, bCells)
          : foldAdminStanding(all, false, { cells: bCells, org: base.org }, hCells);
    // An admin could read every token's Secret in the system namespace: leaving, they keep each value.
    if (activeAdmin(b) && !activeAdmin(h) && valuesKept.length) changes.push(tokenValuesKept(valuesKept, base.org));
    changes.push(
      ...stagedChanges(
        { base: b, head: h, awayOf, measures: standingKept },
        { base: b?.dormant, head: h?.dormant, baseEnds: b?.expiring },
        { snapshot: base, cells: bCells, levels: true },
      ),
    );
    if (b?.status === 'deactivated' && h?.status === 'active' && !h.admin) saidAsDeclaredNow(changes, recordsDormant);
    if (changes.length) people.push({ id: email, ...((h ?? b)?.github ? { github: (h ?? b)!.github } : {}), changes });
    if (b && activeMember(b) && changes.some((c) => c.removes)) usersLosing++;
    grantsLost += grantsLostBy(admin ? withoutNamespaces(bCells, removedNs) : bCells, hCells);
  }
  const tokens: SubjectDiff[] = [];
  let tokensLosing = 0;
  for (const id of sorted(new Set([...base.tokens.keys(), ...head.tokens.keys()]))) {
    const b = base.tokens.get(id);
    const h = head.tokens.get(id);
    // As a person's: a side without the token's record holds what its bindings give its ServiceAccount.
    const [bToken, hToken] = [b ?? h, h ?? b];
    const bCells = bToken ? read.base(tokenSubject(base.org, bToken)) : EMPTY;
    const hCells = hToken ? read.head(tokenSubject(head.org, hToken)) : EMPTY;
    // A token losing a namespace that is removed loses it with the namespace: still a removal.
    const withNamespace = (c: Change) =>
      (c.kind === 'token-moved' &&
        b &&
        h &&
        !minus(h.namespaces, b.namespaces).length &&
        minus(b.namespaces, h.namespaces).every((ns) => removedNs.has(ns))) ||
      (c.removes === true && removedNs.has(namespaceOfChange(c, [hCells, bCells]) ?? ''));
    const changes = [
      ...tokenChanges(b, h, today),
      ...accessChanges(bCells, hCells, org, changedRoles, { base, head }),
      ...stagedChanges(
        { base: b, head: h, awayOf: (t: MemberToken | undefined) => tokenAwayOf(t, today) },
        { base: b?.dormantRbac, head: h?.dormantRbac },
        { snapshot: base, cells: bCells, levels: false },
      ),
    ].map((c) => (withNamespace(c) ? impliedBy(c, 'with its namespace', true) : c));
    if (changes.length) tokens.push({ id, changes });
    if (b && liveToken(b) && changes.some((c) => c.removes)) tokensLosing++;
  }
  const outsiders = outsiderChanges(base, head, read.names, org, changedRoles);
  return {
    ...(base.org.owner !== head.org.owner ? { owner: { from: base.org.owner, to: head.org.owner } } : {}),
    namespaces: { added, removed },
    people,
    tokens,
    ...(outsiders.length ? { outsiders } : {}),
    customRbac: [...ruleChanges(base, head), ...bootstrapRoleChanges(base, head)],
    clusters: clusterChanges(base, head),
    settings: settingsChanges(base.org, head.org),
    guardRails: guardRailChanges(base, head),
    stats: {
      users: { base: count(base.users.values(), activeMember), losing: usersLosing },
      grants: { base: base.grantCount ?? countGrants(base, base.users.values()), lost: grantsLost },
      tokens: { base: count(base.tokens.values(), liveToken), losing: tokensLosing },
    },
  };
}

/** The names (usernames) whose cells the people's and tokens' lines read, by side. */
interface ReadNames {
  readonly base: ReadonlySet<string>;
  readonly head: ReadonlySet<string>;
}

/**
 * Each side's cells by username, remembering the names read: a name bound on a side where no
 * line read it is said apart (outsiderChanges), whether or not the other side's records name it.
 * Only names either side's access holds are remembered, the only ones outsiderChanges asks about
 * (about 1,000 of the 11,000 read a side at size L, where the pair holds the touched subjects).
 */
function readers(base: Snapshot, head: Snapshot) {
  const names = { base: new Set<string>(), head: new Set<string>() };
  const reader =
    (side: Snapshot, other: Snapshot, seen: Set<string>) =>
    (name: string): Cells => {
      const cells = side.access.get(name);
      if (cells || other.access.has(name)) seen.add(name);
      return cells ?? EMPTY;
    };
  return { base: reader(base, head, names.base), head: reader(head, base, names.head), names: names as ReadNames };
}

/**
 * Whom mass-removal counts, losing and in base alike: a deactivated user, or a token that is not
 * live on the review's date (deactivated or expired: isLiveToken), holds nothing to lose, and would
 * water the share down (declaring them is routine; a red-team review padded base with six dead tokens).
 */
const activeMember = (m: { readonly status?: string }): boolean => m.status !== 'deactivated';

const count = <T>(items: Iterable<T>, keep: (t: T) => boolean): number => {
  let n = 0;
  for (const t of items) if (keep(t)) n++;
  return n;
};

/**
 * What changes for the subjects no line of people or tokens read (AccessDiff.outsiders): every
 * Group, and every name of a side's access that no person's or token's line read on that side. A
 * diff that left them out read "No change in access" over a binding of anyone at all; one that
 * left out every name either side's records named missed the old username a changed identity (a
 * new usernamePrefix, a token rotated, a record's username edited) is still bound to in head. A
 * name a line read on one side is compared with nothing there (its access there is that line's).
 */
function outsiderChanges(
  base: Snapshot,
  head: Snapshot,
  read: ReadNames,
  org: string,
  changedRoles: ChangedRoles,
): SubjectDiff[] {
  const out: SubjectDiff[] = [];
  const say = (id: string, b: Cells | undefined, h: Cells | undefined) => {
    const changes = accessChanges(b ?? EMPTY, h ?? EMPTY, org, changedRoles, { base, head });
    if (changes.length) out.push({ id, changes });
  };
  for (const name of new Set([...base.groupAccess.keys(), ...head.groupAccess.keys()]))
    say(`Group ${name}`, base.groupAccess.get(name), head.groupAccess.get(name));
  // Every name read on both sides is accounted for: only the rest (none, for orgctl's output) is looked at.
  const rest = new Set(
    [...base.access.keys(), ...head.access.keys()].filter((name) => !read.base.has(name) || !read.head.has(name)),
  );
  for (const name of rest) {
    const account = serviceAccountOf(name);
    say(
      account ? `ServiceAccount ${account.namespace}/${account.name}` : `User ${name}`,
      read.base.has(name) ? EMPTY : base.access.get(name),
      read.head.has(name) ? EMPTY : head.access.get(name),
    );
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** How a report titles a subject of AccessDiff.outsiders. */
export const outsiderTitle = (id: string): string => `${id}, whom the organization's membership does not name`;

/** True when nothing changes. */
export const isEmptyDiff = (d: AccessDiff): boolean =>
  !d.owner &&
  !d.outsiders?.length &&
  !d.namespaces.added.length &&
  !d.namespaces.removed.length &&
  !d.people.length &&
  !d.tokens.length &&
  !d.customRbac.length &&
  !d.clusters.length &&
  !d.settings.length &&
  !d.guardRails.length;
