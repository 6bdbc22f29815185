/**
 * Adopting an existing cluster: RBAC manifests in, an organization spec out. Bindings whose role
 * is exactly a catalog level become levels; every other role becomes a custom role judged by its
 * rules. What cannot be mapped (groups, cluster-wide bindings, system subjects, names that are not
 * emails) is reported, never silently dropped. orgctl's own output also carries its membership
 * (ConfigMaps): who is deactivated or billing, GitHub logins, invites, token names, owners and
 * rotations, clusters; importing it keeps all of that.
 *
 * importRbac runs in phases, each a function of data in and data out (tested one by one):
 *   readSource          RBAC, membership, placement and the names they decide
 *   subjectsContextOf   who a subject is, by the membership
 *   screenBindings      the RoleBindings an organization can hold, with their roles
 *   classifyRoles       each role bound: a catalog level, a user's inline rules or a custom role
 *   nameCustomRoles     custom roles' names, unique
 *   userAccessOf        User subjects → users and their grants per namespace
 *   tokenAccessOf       ServiceAccount subjects → tokens and their access per namespace
 *   ownerOf, peopleOf   the owner, and everyone the spec lists
 *   userSpecs, grantSpecs, tokenSpecs, invitesOf, namespaceSpecs, customRoleSpecs
 *                       the spec's lists
 *   assembleSpec        the spec, its fields in the order people write them
 *   lossesOf            what the input holds or implies that the spec cannot carry over
 * Report lines about bindings carry their place in the input (BindingNote), so that phases which
 * look at different subjects still say things in the input's order.
 */
import { byText, listed } from '../model/text.ts';
import { CATALOG, orderedRule, ruleKey, type PolicyRule } from '../model/catalog.ts';
import type { MailDomain } from '../model/mailbox.ts';
import {
  ADMIN_LEVEL,
  DEFAULT_NAMESPACE,
  LEVELS_BY_STANDING,
  customRoleName,
  levelRoleName,
  memberStanding,
  NO_ITEMS,
  ROTATION_SUFFIX,
  organizationOfSystemNamespace,
  systemNamespaceOf,
  tokenAccountName,
  tokenRoleName,
  tokenIdsOfAccount,
} from '../model/model.ts';
import { ORG_DEFAULTS } from '../model/defaults.ts';
import { EMAIL_PATTERN } from '../constructs/props.ts';
import { outputClusters } from '../synth/render.ts';
import { ORGANIZATION_LABEL } from '../synth/manifest.ts';
import { DEFAULT_ARGOCD_NAMESPACE } from '../policies/org/undeployable-namespace.ts';
import type { OrgSpec } from '../constructs/spec.ts';
import { SnapshotError } from '../model/errors.ts';
import { placementOf, readMembership, type Membership } from '../analysis/snapshot.ts';
import { organizationNamedBy } from '../analysis/membership.ts';
import { expiryKey, ORGANIZATION_CONFIGMAP, type MemberInvite, type MemberNamespace } from '../model/membership.ts';
import type { PodSecurityModel } from '../model/guard-rails.ts';
import { levelsCovered, ruleAtoms } from '../analysis/access.ts';
import { orgRoleOf } from '../analysis/org-roles.ts';
import { Authorizer } from '../analysis/authorizer.ts';
import { BOOTSTRAP_ROLES } from '../analysis/bootstrap.ts';
import type { BindingObject, LabelSelector, ManifestDoc, RbacSet, RoleObject } from '../analysis/objects.ts';
import { isObj, namespaceOfObject, readRbac } from '../analysis/objects.ts';
import { rulesAllow } from '../analysis/rules.ts';

interface ImportOptions {
  /** Organization name. @default from orgctl's membership data, else its ClusterRoles' `orgctl.io/organization` label, else 'org' */
  readonly org?: string;
  /** The owner's email. @default the first admin found */
  readonly owner?: string;
  /** The documents' RBAC and membership, when the caller has read them already (the review). */
  readonly read?: { readonly rbac: RbacSet; readonly membership: Membership };
}

interface ImportResult {
  readonly spec: OrgSpec;
  /** One line per thing that could not be mapped. */
  readonly report: readonly string[];
  /**
   * One line per thing imported otherwise than the input has it (a role or token under another
   * name, a ServiceAccount's access moved to a token's, a binding's user outside the membership).
   */
  readonly otherwise: readonly string[];
  /**
   * What the input holds or implies that the spec cannot carry over, one line each
   * (`<what>: <why>, <where from>`): the CLI prints them, the review's proof does not need them.
   */
  readonly losses: readonly string[];
  /**
   * The one namespace the input shows Argo CD running in, when it is not Argo CD's default nor the
   * membership's: what `delivery.argocd.namespace` must say (init --argocd writes it).
   */
  readonly argocdNamespace?: string;
}

type Spec = OrgSpec['spec'];
type UserSpec = NonNullable<Spec['users']>[number];
type NamespaceSpec = NonNullable<Spec['namespaces']>[number];
type CustomRoleSpec = NonNullable<Spec['customRoles']>[number];
type GrantSpec = NonNullable<Spec['grants']>[number];
type TokenSpec = NonNullable<Spec['tokens']>[number];
type TokenRbacSpec = NonNullable<TokenSpec['rbac']>[number];
type InviteSpec = NonNullable<Spec['invites']>[number];
type InviteGrantSpec = NonNullable<InviteSpec['grants']>[number];

const EMAIL = new RegExp(EMAIL_PATTERN);
/** How the ServiceAccount of an orgctl token begins: `token-`. */
const TOKEN_ACCOUNT = tokenAccountName('');
const SYSTEM_NAMESPACE = new RegExp(`^(kube-|openshift-)|^${DEFAULT_NAMESPACE}$`);

/**
 * Argo CD's ServiceAccounts (its install.yaml's and its Helm chart's names), each bound cluster-wide
 * where Argo CD runs: such a binding tells its namespace.
 */
const ARGOCD_ACCOUNTS = new Set(['argocd-application-controller', 'argocd-server', 'argocd-applicationset-controller']);

/** Where Argo CD runs, as the input tells: no namespace of the organization's. */
interface ArgoCdNamespaces {
  readonly namespaces: ReadonlySet<string>;
  /** The namespace the membership declares, else Argo CD's default. */
  readonly declared: string;
  /** Each namespace a ClusterRoleBinding binds one of Argo CD's ServiceAccounts in, and that binding. */
  readonly bound: ReadonlyMap<string, string>;
}

/**
 * The namespaces Argo CD runs in: the membership's (else Argo CD's default, `argocd`), and each a
 * ClusterRoleBinding binds one of Argo CD's ServiceAccounts in (R9-3: a cluster where it runs in
 * `gitops` had that namespace, which holds its cluster credentials, declared as the organization's).
 * Only a cluster's admin writes a ClusterRoleBinding: a namespace's admin cannot make their
 * namespace look like Argo CD's, and so keep its bindings out of the import.
 */
function argoCdNamespacesOf(rbac: RbacSet, membership: Membership | undefined): ArgoCdNamespaces {
  const declared = membership?.org.argocd?.namespace ?? DEFAULT_ARGOCD_NAMESPACE;
  const bound = new Map<string, string>();
  for (const b of rbac.bindings) {
    if (b.kind !== 'ClusterRoleBinding') continue;
    for (const s of b.subjects)
      if (s.kind === 'ServiceAccount' && ARGOCD_ACCOUNTS.has(s.name) && s.namespace && !bound.has(s.namespace))
        bound.set(s.namespace, `ClusterRoleBinding ${b.name} binds its ServiceAccount ${s.name} there`);
  }
  return { namespaces: new Set([declared, ...bound.keys()]), declared, bound };
}

/**
 * The one namespace the input shows Argo CD in, when it is not the declared one: what
 * `delivery.argocd.namespace` must say. Undefined when Argo CD shows in several (which one delivers
 * this organization is not the input's to say) or the membership declares it.
 */
const argoCdNamespaceToDeclare = (a: ArgoCdNamespaces, membership: Membership | undefined): string | undefined => {
  const [only, ...more] = a.bound.keys();
  return only !== undefined && !more.length && only !== a.declared && !membership?.org.argocd ? only : undefined;
};

/** What the report says when Argo CD shows in a namespace besides the declared one. */
function argoCdNotes(a: ArgoCdNamespaces): string[] {
  const names = [...a.bound.keys()];
  if (names.every((n) => n === a.declared)) return [];
  const why = [...a.bound].map(([ns, b]) => (names.length > 1 ? `in ${ns}, ${b}` : b)).join('; ');
  const where = listed(names);
  const which =
    names.length > 1
      ? 'set its namespace to the one that delivers this organization'
      : `set its namespace: ${JSON.stringify(names[0])} (init --argocd does)`;
  return [
    `Argo CD runs in ${where} (${why}): no organization's, and their bindings and ServiceAccounts are not imported; with delivery.argocd, ${which}`,
  ];
}

/**
 * Why a namespace is no organization's, if it is not: Kubernetes' own, or Argo CD's (which runs the
 * delivery; the generated AppProject denies it, so a spec declaring it is refused, and every cluster
 * that delivers with Argo CD holds it).
 */
function notOrganizations(namespace: string, argocd: ReadonlySet<string>): string | undefined {
  if (SYSTEM_NAMESPACE.test(namespace)) return 'a system namespace';
  return argocd.has(namespace) ? "Argo CD's own namespace" : undefined;
}

/** Whether a ServiceAccount is one orgctl writes for a token: `token-...` in the system namespace. */
const isTokenAccount = (saNamespace: string, name: string, systemNamespace: string): boolean =>
  saNamespace === systemNamespace && name.startsWith(TOKEN_ACCOUNT);

/** Every ServiceAccount a binding names (`namespace/name`; a subject without one is the binding's). */
const accountsBound = (rbac: RbacSet): string[] =>
  rbac.bindings.flatMap((b) =>
    b.subjects.filter((s) => s.kind === 'ServiceAccount').map((s) => `${s.namespace || b.namespace}/${s.name}`),
  );

/** A catalog level whose rules allow exactly what the role's rules allow, if there is one. */
export function exactLevel(rules: readonly PolicyRule[]): string | undefined {
  if (rules.some((r) => r.resourceNames?.length || r.nonResourceURLs?.length)) return undefined;
  const covered = levelsCovered(rules);
  const atoms = ruleAtoms(rules);
  for (const level of [...CATALOG].reverse()) {
    if (covered.includes(level.id) && atoms.every((a) => rulesAllow(level.rules, a))) return level.id;
  }
  return undefined;
}

/** A DNS subdomain: lower-case labels of [a-z0-9-], each starting and ending with a letter or digit. */
const dnsName = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .slice(0, ROLE_NAME_MAX)
    .split('.')
    .map((l) => l.replace(/^-+|-+$/g, ''))
    .filter(Boolean)
    .join('.') || 'role';
/** The longest token id: its ServiceAccount `token-<id>` (with a rotation's `-r<n>`) is a DNS label. */
const TOKEN_ID_MAX = 57;
/** The longest custom role name dnsName gives. */
const ROLE_NAME_MAX = 200;
const dnsLabel = (s: string) => dnsName(s).replace(/\./g, '-').slice(0, TOKEN_ID_MAX).replace(/-+$/, '') || 'token';

/**
 * `name` and `suffix` within `max` characters, `name` cut to make room: a name already at its limit
 * with `-2` added is not cut back to itself (claim looked for a free name forever).
 */
const withSuffix = (name: string, suffix: string, max: number): string =>
  `${name.slice(0, max - suffix.length)}${suffix}`;

/** How the report names an RBAC object: `RoleBinding shop/viewers`, `ClusterRole edit`. */
const labelOf = (o: { readonly kind: string; readonly namespace: string; readonly name: string }): string =>
  `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;

/**
 * A name for `owner` in `taken`: `base` when it is free or already `owner`'s, else the first free
 * one of `candidate(2)`, `candidate(3)`, ... Two different things never share a name.
 */
function claim(taken: Map<string, string>, base: string, owner: string, candidate: (n: number) => string): string {
  let name = base;
  for (let n = 2; taken.has(name) && taken.get(name) !== owner; n++) name = candidate(n);
  taken.set(name, owner);
  return name;
}

// ---------------------------------------------------------------------------------------------
// Reading

/** What import reads from its input, once; every later phase works on this, never on documents. */
interface ImportSource {
  readonly rbac: RbacSet;
  /** orgctl's membership when the input is orgctl's own output; undefined for any other RBAC. */
  readonly membership: Membership | undefined;
  /** The organization's name: as given, else the membership's, else its ClusterRoles' label, else 'org'. */
  readonly org: string;
  /** Where orgctl binds its admins and keeps tokens' ServiceAccounts. */
  readonly systemNamespace: string;
  /** Namespace → the clusters holding it, from the files' paths; empty without membership. */
  readonly placement: ReadonlyMap<string, readonly string[]>;
  /**
   * Why the input's membership data cannot be read, when it holds some (an `orgctl-organization`
   * ConfigMap): the import then goes on from RBAC alone, and the report says so.
   */
  readonly membershipProblem?: string;
  /** The input's other `orgctl-organization` ConfigMaps, and why each is not its organization's. */
  readonly notRead: readonly string[];
}

/**
 * The organization whose output the input is, by its `<org>:w:full` ClusterRole labelled as orgctl
 * labels it; undefined for other RBAC, or when two organizations' outputs are in it.
 */
function labelledOrganization(rbac: RbacSet): string | undefined {
  const named = new Set<string>();
  for (const role of rbac.roles) {
    const org = role.labels[ORGANIZATION_LABEL];
    if (role.kind === 'ClusterRole' && org !== undefined && role.name === `${org}:w:full`) named.add(org);
  }
  return named.size === 1 ? [...named][0] : undefined;
}

/**
 * orgctl's output dumped without its membership ConfigMaps (the kubectl get that adopts a cluster
 * names no configmaps): its ClusterRoles say whose output it is, and where the ConfigMaps are.
 */
function membershipLeftOut(org: string | undefined): string | undefined {
  return org === undefined
    ? undefined
    : `ClusterRole ${org}:w:full is orgctl's output, but the input holds no ${ORGANIZATION_CONFIGMAP} ConfigMap: add the system namespace's ConfigMaps to the dump, kubectl get configmaps -n ${systemNamespaceOf(org)} -o yaml`;
}

/**
 * Reads RBAC and, when the input is orgctl's output, its membership: who is deactivated, billing,
 * GitHub logins, invites, token names and rotations... none of which RBAC shows. Input without
 * membership is not an error: it is someone's hand-written RBAC.
 */
export function readSource(docs: readonly ManifestDoc[], options: ImportOptions): ImportSource {
  const rbac = options.read?.rbac ?? readRbac(docs);
  let membership: Membership | undefined = options.read?.membership;
  let membershipProblem: string | undefined;
  let notRead: readonly string[] = [];
  const labelled = membership ? undefined : labelledOrganization(rbac);
  if (!membership) {
    const candidates = membershipCandidates(docs, rbac, options.org);
    try {
      membership = readMembership(
        docs.filter((d) => !candidates.left.has(d.object)),
        'the input',
      );
    } catch (e) {
      if (!(e instanceof SnapshotError)) throw e;
      // When no candidate is left, why each was left is why there is no membership.
      if (candidates.read || candidates.notes.length)
        membershipProblem = candidates.read ? e.message : candidates.notes.join('; ');
    }
    notRead = membership || candidates.read ? candidates.notes : [];
    membershipProblem ??= membership ? undefined : membershipLeftOut(labelled);
  }
  // Without membership, orgctl's own ClusterRoles still name it (adopter walk-through 2, finding 6).
  const org = options.org ?? membership?.org.name ?? labelled ?? 'org';
  // Placement is read from the files' paths (<cluster>/<shard>/resources.yaml): only orgctl writes those.
  const placement = membership
    ? placementOf(docs, outputClusters(membership.org))
    : new Map<string, readonly string[]>();
  const systemNamespace = membership?.org.systemNamespace ?? systemNamespaceOf(org);
  return {
    rbac,
    membership,
    org,
    systemNamespace,
    placement,
    notRead,
    ...(membershipProblem ? { membershipProblem } : {}),
  };
}

/** An `orgctl-organization` ConfigMap of the input, as the import judges it. */
interface MembershipCandidate {
  readonly configMap: Record<string, unknown>;
  readonly namespace: string | undefined;
  /** The organization it names, or undefined when it cannot be read. */
  readonly named: string | undefined;
  /** `orgctl-organization in acme-system`, or `... with no namespace`: where it is, as the report says it. */
  readonly where: string;
}

/**
 * The input's `orgctl-organization` ConfigMaps that are not its organization's membership, and why
 * each is not. A namespace's admin can write one (in their namespace, or in one named `x-system`),
 * and two would make the real one ambiguous, so that the import went on from RBAC alone (R9-2).
 * `read` counts those left to read; with more than one organization's, `org` (--org) chooses.
 */
function membershipCandidates(
  docs: readonly ManifestDoc[],
  rbac: RbacSet,
  org: string | undefined,
): { readonly left: ReadonlySet<unknown>; readonly notes: readonly string[]; readonly read: number } {
  const all: MembershipCandidate[] = docs
    .map((d) => d.object)
    .filter(
      (o): o is Record<string, unknown> => isObj(o) && o.kind === 'ConfigMap' && nameOf(o) === ORGANIZATION_CONFIGMAP,
    )
    .map((configMap) => {
      const namespace = namespaceOfObject(configMap);
      const where = `${ORGANIZATION_CONFIGMAP} ${namespace === undefined ? 'with no namespace' : `in ${namespace}`}`;
      return { configMap, namespace, named: organizationNamedBy(configMap), where };
    });
  const notes: string[] = [];
  const judged = all.filter((c) => {
    const why = foreignMembership(c, rbac);
    if (why) notes.push(why);
    return !why;
  });
  // An older orgctl's output names no namespace, as a whole: one with none beside one in its system
  // namespace is a loose file of the folder read (R10), and would make the real one ambiguous.
  const inNamespace = judged.find((c) => c.namespace !== undefined);
  let ours = judged.filter((c) => {
    if (!inNamespace || c.namespace !== undefined) return true;
    notes.push(`${c.where}, beside one in ${inNamespace.namespace}, is no output of orgctl's as a whole: not read`);
    return false;
  });
  if (org !== undefined && new Set(ours.map((c) => c.named)).size > 1)
    ours = ours.filter((c) => {
      if (c.named === org) return true;
      notes.push(`${c.where} is organization ${c.named ?? '(unreadable)'}'s, not ${org}'s (--org): not read`);
      return false;
    });
  const kept = new Set<unknown>(ours.map((c) => c.configMap));
  return {
    left: new Set(all.map((c) => c.configMap).filter((c) => !kept.has(c))),
    notes: [...new Set(notes)],
    read: ours.length,
  };
}

/**
 * Why an `orgctl-organization` ConfigMap is not orgctl's output, if it is not. orgctl writes it in
 * its organization's system namespace (an older orgctl with no namespace), beside every level's
 * ClusterRole: a ClusterRole is what no namespace's admin can write. Without that, it is anyone's
 * who administers a namespace called `<name>-system` (`gatekeeper-system`), or who adds a file to a
 * folder imported, and would make whomever it names an admin, Add All, or an admin invitee (K7).
 */
function foreignMembership(c: MembershipCandidate, rbac: RbacSet): string | undefined {
  const { namespace, named, where } = c;
  // One that cannot be read is its system namespace's organization's, if any, so that reading it says what is wrong.
  const org = named ?? (namespace === undefined ? undefined : organizationOfSystemNamespace(namespace));
  const notOurs = ": not orgctl's output, so not read";
  if (org === undefined)
    return `${where} cannot be read, and ${namespace === undefined ? 'no namespace says' : `${namespace} is no organization's system namespace`}${notOurs}`;
  if (namespace !== undefined && namespace !== systemNamespaceOf(org))
    return `${where} names organization ${org}, whose system namespace is ${systemNamespaceOf(org)}${notOurs}`;
  const admin = levelRoleName(org, ADMIN_LEVEL);
  const written = rbac.roles.some(
    (r) => r.kind === 'ClusterRole' && r.name === admin && exactLevel(r.rules) === ADMIN_LEVEL,
  );
  if (written) return undefined;
  const what = named === undefined ? 'cannot be read' : `names organization ${org}`;
  return `${where} ${what}, but the input holds no ClusterRole ${admin} with level ${ADMIN_LEVEL}'s rules, which orgctl writes beside it${notOurs}`;
}

/** An object's metadata.name, or undefined. */
const nameOf = (o: Record<string, unknown>): unknown => (isObj(o.metadata) ? o.metadata.name : undefined);

/** What the subjects of bindings are, as far as the input says. */
export interface SubjectsContext {
  readonly systemNamespace: string;
  /** The organization's identity prefix: orgctl names a person prefix + lower-cased email. */
  readonly usernamePrefix: string;
  /** Whether the input is orgctl's own output (its membership data says who is who). */
  readonly own: boolean;
  /** Subjects carry the identity prefix (oidc:bob@acme.io): the membership says whose they are. */
  readonly emailByUsername: ReadonlyMap<string, string>;
  /** Who the membership says is an admin: in orgctl's own output, it alone makes one (R35-3). */
  readonly adminEmails: ReadonlySet<string>;
  /** ServiceAccount name in the system namespace → token id (an id may end like a rotation, -r5). */
  readonly tokenByAccount: ReadonlyMap<string, string>;
  /** The namespaces Argo CD runs in (argoCdPlacementOf): no organization's. */
  readonly argocdNamespaces: ReadonlySet<string>;
}

/** Reads who is who from the membership once, so that each subject costs two lookups. */
export function subjectsContextOf(
  membership: Membership | undefined,
  systemNamespace: string,
  argocdNamespaces: ReadonlySet<string>,
): SubjectsContext {
  return {
    systemNamespace,
    usernamePrefix: membership?.org.usernamePrefix ?? '',
    own: membership !== undefined,
    emailByUsername: new Map([...(membership?.users.values() ?? [])].map((u) => [u.username, u.email])),
    adminEmails: new Set([...(membership?.users.values() ?? [])].filter((u) => u.admin).map((u) => u.email)),
    tokenByAccount: new Map([...(membership?.tokens.values() ?? [])].map((t) => [t.serviceAccount, t.id])),
    argocdNamespaces,
  };
}

// ---------------------------------------------------------------------------------------------
// Bindings and roles

/** A RoleBinding import can map, with the role it grants. */
interface ImportableBinding {
  /** Its index among the input's bindings: what is said about it is said in the input's order. */
  readonly at: number;
  readonly binding: BindingObject;
  readonly role: RoleObject;
}

/** A report line about a binding or one of its subjects, with its place in the input. */
interface BindingNote {
  /** The binding's index among the input's bindings. */
  readonly at: number;
  /** The subject's index in the binding; -1 for the binding itself and its role. */
  readonly subject: number;
  readonly line: string;
  /** Set when the line says how something is imported otherwise than it was (a new name, another identity), not left out. */
  readonly otherwise?: true;
}

/** Notes of several phases as one list, in the input's order: bindings, then subjects in each. */
export function inInputOrder(notes: readonly BindingNote[]): string[] {
  return [...notes].sort((a, b) => a.at - b.at || a.subject - b.subject).map((n) => n.line);
}

/** Notes split into what is left out and what is imported otherwise than it was, each in the input's order. */
function leftOutAndOtherwise(notes: readonly BindingNote[]): { leftOut: string[]; otherwise: string[] } {
  return {
    leftOut: inInputOrder(notes.filter((n) => !n.otherwise)),
    otherwise: inInputOrder(notes.filter((n) => n.otherwise)),
  };
}

/** ClusterRoles every cluster has (admin, edit, view, ...): Kubernetes' own, whatever a dump holds. */
const KUBERNETES_ROLES: ReadonlySet<string> = new Set(BOOTSTRAP_ROLES.map((r) => r.name));

/**
 * Why a binding's role is not there: a ClusterRole of Kubernetes' own is in every cluster, so a dump
 * without it left out ClusterRoles (`kubectl get` of namespaced kinds only), and says how to get it.
 */
const missingRole = (kind: string, name: string): string =>
  kind === 'ClusterRole' && KUBERNETES_ROLES.has(name)
    ? "is not in the input, though every cluster has it (Kubernetes' own): dump ClusterRoles too (kubectl get clusterroles -o yaml)"
    : 'does not exist';

/**
 * The RoleBindings an organization can hold, each with its role. Cluster-wide bindings, bindings
 * whose role does not exist and bindings in system namespaces are said, never silently dropped.
 */
export function screenBindings(
  rbac: RbacSet,
  argocdNamespaces: ReadonlySet<string>,
): { importable: ImportableBinding[]; notes: BindingNote[] } {
  const authz = new Authorizer(rbac);
  const importable: ImportableBinding[] = [];
  const notes: BindingNote[] = [];
  const note = (at: number, line: string) => notes.push({ at, subject: -1, line });
  rbac.bindings.forEach((binding, at) => {
    const where = labelOf(binding);
    if (binding.kind === 'ClusterRoleBinding') {
      const subjects = binding.subjects.map((s) => `${s.kind} ${s.name}`).join(', ') || 'none';
      return note(at, `${where}: cluster-wide bindings are not part of an organization (subjects: ${subjects})`);
    }
    const role = authz.roleOf(binding);
    const { kind, name } = binding.roleRef;
    if (!role) return note(at, `${where}: its ${kind} ${name} ${missingRole(kind, name)}; nothing to import`);
    const system = notOrganizations(binding.namespace, argocdNamespaces);
    if (system) return note(at, `${where}: namespace ${binding.namespace} is ${system}; not imported`);
    importable.push({ at, binding, role });
  });
  return { importable, notes };
}

/** The membership's people by email (inline rules are known by whose they are); undefined without one. */
type Members = ReadonlyMap<string, unknown> | undefined;

/** How a role is imported. */
type ImportedRole =
  | { readonly kind: 'level'; readonly level: string }
  /** A user's rules written in a grant (orgctl names the Role after the user): they stay inline rules. */
  | { readonly kind: 'inline' }
  /** `named`: one of orgctl's own custom roles, which tokens bind by name rather than copy. */
  | { readonly kind: 'custom'; readonly name: string; readonly named: boolean };

/**
 * A role as the catalog level its rules are exactly, else a custom role under the name it asks for
 * (not yet unique). orgctl's own custom roles stay custom roles even when their rules equal a
 * level's: the declaration named them, and a re-import should not lose the name.
 */
export function classifyRole(role: RoleObject, org: string, members: Members): ImportedRole {
  const own = orgRoleOf(org, role.name);
  const level = own.kind === 'custom' ? undefined : exactLevel(role.rules);
  if (level) return { kind: 'level', level };
  if (own.kind === 'user-rules' && members?.has(own.email)) return { kind: 'inline' };
  const name = dnsName(own.kind === 'custom' ? own.name : own.kind === 'user-rules' ? own.email : role.name);
  return { kind: 'custom', name, named: own.kind === 'custom' };
}

/** A role bound by an importable binding, classified, with the first binding that binds it. */
interface ClassifiedRole {
  readonly at: number;
  readonly role: RoleObject;
  readonly imported: ImportedRole;
}

/** Each role the importable bindings grant, once, in the order they first grant it (the order names are given in). */
export function classifyRoles(
  importable: readonly ImportableBinding[],
  org: string,
  members: Members,
): ClassifiedRole[] {
  const seen = new Set<RoleObject>();
  const out: ClassifiedRole[] = [];
  for (const { at, role } of importable) {
    if (seen.has(role)) continue;
    seen.add(role);
    out.push({ at, role, imported: classifyRole(role, org, members) });
  }
  return out;
}

/**
 * Custom roles' names made unique: two roles with other rules never share a name (Roles named
 * alike in two namespaces would otherwise merge, and grant each other's access); roles with the
 * same rules may. A renamed role is said, at the binding that first grants it.
 */
export function nameCustomRoles(
  classified: readonly ClassifiedRole[],
  inUse: ReadonlyMap<string, string> = new Map(),
): {
  roles: Map<RoleObject, ImportedRole>;
  notes: BindingNote[];
} {
  const roles = new Map<RoleObject, ImportedRole>();
  const notes: BindingNote[] = [];
  // Names given so far → the rules they stand for; first, the names the input's Roles hold already.
  const taken = new Map(inUse);
  for (const { at, role, imported } of classified) {
    if (imported.kind !== 'custom') {
      roles.set(role, imported);
      continue;
    }
    const base = imported.name;
    // The second of a name is first tried with its namespace (reader-blog), which says more than reader-2.
    const candidate = (n: number) =>
      dnsName(withSuffix(base, n === 2 && role.namespace ? `-${role.namespace}` : `-${n}`, ROLE_NAME_MAX));
    const name = claim(taken, base, JSON.stringify(role.rules), candidate);
    if (name !== base) {
      const line = `another role with other rules is also called ${base}; imported as custom role ${name}`;
      notes.push({ at, subject: -1, line: `${labelOf(role)}: ${line}`, otherwise: true });
    }
    roles.set(role, { ...imported, name });
  }
  return { roles, notes };
}

/**
 * Custom role names the input's Roles hold already (`<org>:custom:<name>`, the name orgctl gives a
 * custom role's Role), each with the rules it stands for ('' when two Roles of the name differ):
 * a custom role of other rules under that name would be written over such a Role, and whatever
 * else binds it (a Group, a ServiceAccount of kube-system) would get those rules on adoption.
 */
function customRoleNamesInUse(rbac: RbacSet, org: string): Map<string, string> {
  const inUse = new Map<string, string>();
  for (const role of rbac.roles) {
    const own = orgRoleOf(org, role.name);
    if (role.kind !== 'Role' || own.kind !== 'custom') continue;
    const rules = JSON.stringify(role.rules);
    inUse.set(own.name, inUse.has(own.name) && inUse.get(own.name) !== rules ? '' : rules);
  }
  return inUse;
}

// ---------------------------------------------------------------------------------------------
// Subjects: users and tokens

/** What a user holds in one namespace, as found in bindings. */
export interface FoundGrant {
  readonly user: string;
  readonly namespace: string;
  /** Each once (a grant holds a few: arrays, not sets, for 100,000s of grants). */
  readonly levels: string[];
  /** One shared empty list until the first is found: most grants have none. */
  customRoles: readonly string[];
  rules: readonly PolicyRule[];
}

/** Whether `rules` hold each of `more` (the same rules, read from another cluster's copy of a Role). */
function holdsAll(rules: readonly PolicyRule[], more: readonly PolicyRule[]): boolean {
  const held = new Set(rules.map(ruleKey));
  return more.every((r) => held.has(ruleKey(r)));
}

const addOnce = (list: string[], item: string): void => {
  if (!list.includes(item)) list.push(item);
};

/** What User subjects hold. */
interface UserAccess {
  /** Every user bound (who is an admin, only orgctl's membership data says: peopleOf). */
  readonly users: ReadonlySet<string>;
  /**
   * Namespace → email → grant: two lookups of strings already in memory, not a key string per
   * subject (100,000 concatenated keys cost a large organization's review a third of a second).
   */
  readonly grants: ReadonlyMap<string, ReadonlyMap<string, FoundGrant>>;
  /** The custom roles the grants name, with their rules. */
  readonly customRoles: ReadonlyMap<string, readonly PolicyRule[]>;
  readonly notes: BindingNote[];
}

/**
 * The email a User subject stands for: the membership's, else the name as orgctl names a person
 * (the identity prefix, then a lower-cased email); undefined for anything else (a system user, a
 * name that is no email, or another spelling: Kubernetes compares names exactly, so Bob@acme.io
 * is not bob@acme.io, nor bob@acme.io oidc:bob@acme.io).
 */
export function emailOf(
  name: string,
  context: Pick<SubjectsContext, 'emailByUsername' | 'usernamePrefix'>,
): string | undefined {
  const known = context.emailByUsername.get(name);
  if (known !== undefined) return known;
  if (name.startsWith('system:') || !name.startsWith(context.usernamePrefix)) return undefined;
  const email = name.slice(context.usernamePrefix.length);
  return EMAIL.test(email) && email === email.toLowerCase() ? email : undefined;
}

/**
 * Users and their grants per namespace from User subjects. Groups cannot be users (their members
 * are unknown); a binding in the system namespace grants nothing to import (orgctl binds only
 * admins there, with w:full, and its membership data says who they are).
 */
export function userAccessOf(
  importable: readonly ImportableBinding[],
  roles: ReadonlyMap<RoleObject, ImportedRole>,
  context: SubjectsContext,
): UserAccess {
  const users = new Set<string>();
  const grants = new Map<string, Map<string, FoundGrant>>();
  const customRoles = new Map<string, readonly PolicyRule[]>();
  const notes: BindingNote[] = [];
  for (const { at, binding, role } of importable) {
    const imported = roles.get(role)!;
    const { namespace } = binding;
    const note = (subject: number, what: string) => notes.push({ at, subject, line: `${labelOf(binding)}: ${what}` });
    const { subjects } = binding;
    for (let subject = 0; subject < subjects.length; subject++) {
      const s = subjects[subject]!;
      if (s.kind === 'Group') {
        note(subject, `Group ${s.name} cannot be a user; declare its members`);
        continue;
      }
      if (s.kind !== 'User') continue;
      const email = emailOf(s.name, context);
      if (email === undefined) {
        const what = s.name.startsWith('system:')
          ? 'a system user'
          : !EMAIL.test(s.name.slice(s.name.lastIndexOf(':') + 1))
            ? 'not an email'
            : `not how orgctl names a person (${context.usernamePrefix ? `the identity prefix ${context.usernamePrefix} and ` : ''}a lower-cased email): another Kubernetes identity`;
        note(subject, `User ${s.name} is ${what}; not imported`);
        continue;
      }
      if (namespace === context.systemNamespace) {
        // Only orgctl's own output binds admins there, and its membership says who they are: a
        // binding beside it (one Argo CD never tracked, so never pruned) makes no admin (R35-3).
        const wFull = imported.kind === 'level' && imported.level === ADMIN_LEVEL;
        if (context.own && !wFull)
          note(subject, `${email} has access to the system namespace without w:full; not imported`);
        else if (context.own && !context.adminEmails.has(email))
          note(
            subject,
            `${email} holds w:full in the system namespace, but the membership data does not make them an admin: a binding orgctl did not write; not imported (an admin is declared admin: true)`,
          );
        else if (!context.own)
          note(
            subject,
            `${email}'s access in ${namespace}, the namespace orgctl keeps for tokens and membership data (only admins reach it); not imported`,
          );
        // Nor a person: whom orgctl's output binds there, its membership data lists anyway.
        continue;
      }
      // orgctl's own output binds its members only: someone else is bound by a binding beside it.
      // What the cluster grants is imported, as for any dump, and said (R37).
      if (context.own && !context.emailByUsername.has(s.name))
        notes.push({
          at,
          subject,
          line: `${labelOf(binding)}: ${email} is not in the membership data: a binding orgctl did not write; imported as a user of their own`,
          otherwise: true,
        });
      users.add(email);
      let inNamespace = grants.get(namespace);
      if (!inNamespace) grants.set(namespace, (inNamespace = new Map()));
      let g = inNamespace.get(email);
      if (!g) {
        g = { user: email, namespace, levels: [], customRoles: NO_ITEMS, rules: NO_ITEMS };
        inNamespace.set(email, g);
      }
      if (imported.kind === 'level') addOnce(g.levels, imported.level);
      else if (imported.kind === 'inline') {
        // The same Role in two clusters' output is one grant. A second Role of inline rules (another
        // user's, bound to this one too) is said: added to this user's, it would be written over
        // their Role of the input, for whatever else binds that.
        if (!g.rules.length) g.rules = [...role.rules];
        else if (!holdsAll(g.rules, role.rules))
          note(
            subject,
            `${labelOf(role)} holds inline rules, and ${email} has inline rules of another role in ${namespace}; not imported (declare it as a custom role)`,
          );
      } else {
        if (!g.customRoles.includes(imported.name)) g.customRoles = [...g.customRoles, imported.name];
        customRoles.set(imported.name, role.rules);
      }
    }
  }
  return { users, grants, customRoles, notes };
}

/** What a token holds in one namespace, as found in bindings. */
export interface TokenAccess {
  readonly levels: Set<string>;
  readonly rules: PolicyRule[];
  /** The roles whose rules are in `rules`: each is copied once. */
  readonly roles: Set<RoleObject>;
  readonly customRoles: Set<string>;
}

/** What ServiceAccount subjects hold. */
interface TokensFound {
  /** Token id → namespace → access. */
  readonly tokens: ReadonlyMap<string, ReadonlyMap<string, TokenAccess>>;
  /** The custom roles tokens bind by name, with their rules. */
  readonly customRoles: ReadonlyMap<string, readonly PolicyRule[]>;
  /** Token id → the rotation its ServiceAccount's name says, when no membership data says it. */
  readonly rotations: ReadonlyMap<string, number>;
  readonly notes: BindingNote[];
}

/**
 * The id a ServiceAccount asks for: orgctl's own tokens keep theirs (the membership says which
 * ServiceAccount is which token; without it, `token-<id>-r<n>` is read back), any other
 * ServiceAccount is named after its namespace and name.
 */
export function tokenIdOf(saNamespace: string, name: string, context: SubjectsContext): string {
  const inSystem = saNamespace === context.systemNamespace;
  const own = inSystem ? context.tokenByAccount.get(name) : undefined;
  return (
    own ??
    (isTokenAccount(saNamespace, name, context.systemNamespace)
      ? tokenIdsOfAccount(name)[0]!
      : dnsLabel(`${saNamespace}-${name}`))
  );
}

/**
 * Tokens and their access per namespace from ServiceAccount subjects. Two ServiceAccounts never
 * share a token id (the second is renamed, and that is said once); system accounts are not
 * imported.
 */
export function tokenAccessOf(
  importable: readonly ImportableBinding[],
  roles: ReadonlyMap<RoleObject, ImportedRole>,
  context: SubjectsContext,
  input: { readonly rbac: RbacSet; readonly org: string },
): TokensFound {
  const reserved = tokenIdsInUse(input.rbac, input.org, context.systemNamespace);
  const tokens = new Map<string, Map<string, TokenAccess>>();
  const customRoles = new Map<string, readonly PolicyRule[]>();
  const rotations = new Map<string, number>();
  const notes: BindingNote[] = [];
  // Token ids given so far → the ServiceAccount each stands for. orgctl's own ServiceAccounts
  // (token-<id> in the system namespace) claim theirs first, then the ids the input's objects
  // already use are kept from the others: a ServiceAccount of another namespace given the id of
  // one that exists would hand its access to whoever holds that one's token, whatever the order.
  const ids = new Map<string, string>();
  const kept = (saNamespace: string, name: string) => isTokenAccount(saNamespace, name, context.systemNamespace);
  // orgctl's own ServiceAccounts, each with the id it stands for (the membership's, else read back:
  // token-ci-r2 is token ci rotated, an id cannot end in -r<n>). They claim their ids first, those
  // whose name is the id's unrotated one before the rotated (token-ci is ci's before token-ci-r2 is).
  const own = new Map<string, string>();
  for (const { binding } of importable)
    for (const s of binding.subjects) {
      const saNamespace = s.namespace || binding.namespace;
      if (s.kind === 'ServiceAccount' && kept(saNamespace, s.name))
        own.set(`${saNamespace}/${s.name}`, tokenIdOf(saNamespace, s.name, context));
    }
  const keptIds = new Map<string, string>();
  const unrotated = (account: string, id: string) => account.endsWith(`/${tokenAccountName(id)}`);
  for (const first of [true, false])
    for (const [account, id] of own)
      if (unrotated(account, id) === first && !ids.has(id)) {
        ids.set(id, account);
        keptIds.set(account, id);
      }
  for (const id of reserved) if (!ids.has(id)) ids.set(id, '');
  const said = new Set<string>();
  // Where each token's access in a namespace is first found: what is said of it is said there.
  const firstAt = new Map<TokenAccess, { at: number; subject: number; where: string }>();
  for (const { at, binding, role } of importable) {
    const imported = roles.get(role)!;
    const { namespace } = binding;
    binding.subjects.forEach((s, subject) => {
      if (s.kind !== 'ServiceAccount') return;
      const saNamespace = s.namespace || namespace;
      const account = `${saNamespace}/${s.name}`;
      const system = notOrganizations(saNamespace, context.argocdNamespaces);
      if (system) {
        const whose = system === 'a system namespace' ? 'a system account' : "Argo CD's own account";
        const line = `${labelOf(binding)}: ServiceAccount ${account} is ${whose}; not imported`;
        notes.push({ at, subject, line });
        return;
      }
      if (namespace === context.systemNamespace) {
        // As for users: a token holds nothing there (it holds every token's ServiceAccount).
        const line = `${labelOf(binding)}: ServiceAccount ${account}'s access in ${namespace}, the namespace orgctl keeps for tokens and membership data (only admins reach it); not imported`;
        notes.push({ at, subject, line });
        return;
      }
      const base = keptIds.get(account) ?? unrotatedId(tokenIdOf(saNamespace, s.name, context));
      const id = claim(ids, base, account, (n) => dnsLabel(withSuffix(base, `-${n}`, TOKEN_ID_MAX)));
      // A token's ServiceAccount is orgctl's own (token-<id> in the system namespace, the id its
      // own): any other becomes a new identity, and whatever runs as it keeps nothing.
      const moved = !(kept(saNamespace, s.name) && id === base);
      // Read back without membership data, token-<id>-r<n> is token <id> rotated n times: the same ServiceAccount.
      const rotation = !moved && !context.tokenByAccount.has(s.name) ? rotationOf(s.name, id) : 0;
      if (rotation) rotations.set(id, rotation);
      if ((id !== base || moved) && !said.has(account)) {
        said.add(account); // said once, however many bindings name it
        const renamed = id !== base ? `token id ${base} is another ServiceAccount's; ` : '';
        const moves = moved
          ? `: its access moves to ServiceAccount ${context.systemNamespace}/${tokenAccountName(id)}, and whatever runs as ${account} loses it (hand it that token, or keep this binding out of orgctl)`
          : '';
        notes.push({
          at,
          subject,
          line: `ServiceAccount ${account}: ${renamed}imported as token ${id}${moves}`,
          otherwise: true,
        });
      }
      let byNamespace = tokens.get(id);
      if (!byNamespace) tokens.set(id, (byNamespace = new Map()));
      let entry = byNamespace.get(namespace);
      if (!entry) {
        entry = { levels: new Set<string>(), rules: [], roles: new Set<RoleObject>(), customRoles: new Set<string>() };
        byNamespace.set(namespace, entry);
        firstAt.set(entry, { at, subject, where: labelOf(binding) });
      }
      if (imported.kind === 'level') entry.levels.add(imported.level);
      else if (imported.kind === 'custom' && imported.named) {
        entry.customRoles.add(imported.name);
        customRoles.set(imported.name, role.rules);
      } else if (!entry.roles.has(role)) {
        // once per role: the same binding in two clusters' output is one grant
        entry.roles.add(role);
        for (const r of role.rules) entry.rules.push(r);
      }
    });
  }
  // A token's rules in a namespace are its Role <org>:token:<id> there: written over a Role of that
  // name the input binds otherwise, whatever else it grants would become the token's. Such rules are said, not imported.
  for (const [id, byNamespace] of tokens)
    for (const [namespace, entry] of byNamespace) {
      const name = tokenRoleName(input.org, id);
      const rules = tokenRbacSpecs(namespace, entry)[0]?.rules ?? [];
      if (!rules.length || !writesOver(input.rbac, namespace, name, rules)) continue;
      const { at, subject, where } = firstAt.get(entry)!;
      const line = `${where}: token ${id}: its rules in ${namespace} would be written as Role ${namespace}/${name}, over the input's Role of that name, which other bindings grant; not imported (rename or delete that Role before adoption)`;
      notes.push({ at, subject, line });
      entry.rules.length = 0;
      entry.levels.clear();
    }
  return { tokens, customRoles, rotations, notes };
}

/**
 * Whether writing Role `namespace/name` with `rules` changes what a binding of the input gives:
 * the input holds a Role of that name with other rules, which a RoleBinding of another name grants
 * (the output writes its own RoleBinding of the Role's name over the input's).
 */
function writesOver(rbac: RbacSet, namespace: string, name: string, rules: readonly PolicyRule[]): boolean {
  const theirs = rbac.roles.find((r) => r.kind === 'Role' && r.namespace === namespace && r.name === name);
  if (!theirs) return false;
  const key = (list: readonly PolicyRule[]) => [...new Set(list.map(ruleKey))].sort().join('\n');
  if (key(theirs.rules) === key(rules)) return false;
  return rbac.bindings.some(
    (b) => b.namespace === namespace && b.roleRef.kind === 'Role' && b.roleRef.name === name && b.name !== name,
  );
}

/**
 * An id that does not end like a rotation (orgctl refuses `web-ci-r2`: its ServiceAccount would be
 * token web-ci's at rotation 2), so that a ServiceAccount named `ci-r2` cannot make the whole import
 * one orgctl refuses: `web-ci-r2-sa`.
 */
const unrotatedId = (id: string): string =>
  ROTATION_SUFFIX.test(id) ? dnsLabel(withSuffix(id, '-sa', TOKEN_ID_MAX)) : id;

/** The rotation `name` is of token `id` (`token-ci-r2` of `ci`: 2), else 0. */
function rotationOf(name: string, id: string): number {
  const n = Number(ROTATION_SUFFIX.exec(name)?.[1] ?? 0);
  return n && tokenAccountName(id, n) === name ? n : 0;
}

/**
 * Token ids the input's objects already use, which a ServiceAccount of another namespace must not
 * be given: the ServiceAccounts in the system namespace (declared or named by any binding, imported
 * or not: whoever holds one's token would get the access) and the Roles named as orgctl names a token's rules (`<org>:token:<id>`,
 * which the output would write over, for whatever else binds them).
 */
function tokenIdsInUse(rbac: RbacSet, org: string, systemNamespace: string): Set<string> {
  const ids = new Set<string>();
  // Those the input declares, and those any binding names (one not imported too: it exists, or will).
  for (const account of [...rbac.serviceAccounts, ...accountsBound(rbac)]) {
    const [namespace = '', name = ''] = account.split('/');
    if (isTokenAccount(namespace, name, systemNamespace)) ids.add(name.slice(TOKEN_ACCOUNT.length));
  }
  for (const role of rbac.roles) {
    const own = orgRoleOf(org, role.name);
    if (own.kind === 'token-rules') ids.add(own.id);
  }
  return ids;
}

// ---------------------------------------------------------------------------------------------
// People

/**
 * The owner: as given, else the membership's. Without either (RBAC of any other origin says
 * nobody's standing), a placeholder keeps the spec whole and the report asks for --owner.
 */
export function ownerOf(
  given: string | undefined,
  membership: Membership | undefined,
  org: string,
): { owner: string; note?: string } {
  const owner = given?.toLowerCase() ?? membership?.org.owner;
  if (owner) return { owner };
  // An empty owner stays empty (the spec's check then says so); only none at all gets the placeholder.
  const note =
    "no owner: only orgctl's membership data says who the owner and the admins are, and the input holds none: give --owner; the spec names a placeholder owner";
  return { owner: owner ?? `owner@${org}.invalid`, note };
}

/**
 * Everyone the spec lists, email → admin: users found in bindings, the owner (an admin by
 * definition), and the membership's people, who may hold no binding at all (deactivated, billing).
 * Admins are the owner and whom the membership says: never a binding (R35-3).
 */
export function peopleOf(
  users: ReadonlySet<string>,
  owner: string,
  membership: Membership | undefined,
): Map<string, boolean> {
  const people = new Map<string, boolean>();
  for (const email of users) people.set(email, false);
  people.set(owner, true);
  for (const m of membership?.users.values() ?? []) people.set(m.email, (people.get(m.email) ?? false) || m.admin);
  return people;
}

/** The spec's users, by email: what RBAC shows (admin) and what only the membership knows. */
export function userSpecs(people: ReadonlyMap<string, boolean>, membership: Membership | undefined): UserSpec[] {
  return [...people]
    .sort(([a], [b]) => byText(a, b))
    .map(([email, admin]) => {
      const m = membership?.users.get(email);
      return {
        email,
        ...(m?.github ? { github: m.github } : {}),
        ...(m?.githubId !== undefined ? { githubId: m.githubId } : {}),
        ...(admin ? { admin: true } : {}),
        ...(m?.billing ? { billing: true } : {}),
        ...(m?.status === 'deactivated' ? { status: 'deactivated' as const } : {}),
        ...(m?.access ? { access: m.access } : {}),
      };
    });
}

/**
 * The spec's grants, by namespace then user. Admins hold everything already, so their grants go;
 * Add All shows as every grantable level everywhere, so only what it does not give stays a grant.
 */
export function grantSpecs(
  grants: UserAccess['grants'],
  people: ReadonlyMap<string, boolean>,
  membership: Membership | undefined,
): GrantSpec[] {
  // What a person holds everywhere by standing (an admin's w:full, Add All's grantable levels) is
  // theirs, not a grant: synthesis binds it from the standing (standingOf).
  // Once per person, not per grant (100,000s of grants at size L).
  const held = new Map<string, readonly string[]>();
  const byStanding = (user: string): readonly string[] => {
    let levels = held.get(user);
    if (!levels) {
      const admin = people.get(user) === true;
      const standing = memberStanding(membership?.users.get(user) ?? { status: 'active', admin }, admin);
      held.set(user, (levels = standing ? LEVELS_BY_STANDING[standing] : NO_ITEMS));
    }
    return levels;
  };
  // What a person holds only until a date (MemberUser.expiring), by expiryKey: a grant of each
  // end is declared apart, so synthesis records the same ends again.
  // Each person's, made once (they have a grant in each namespace they reach).
  const org = membership?.org.name ?? '';
  const ends = new Map<string, ReadonlyMap<string, string>>();
  const endsOf = (user: string): ReadonlyMap<string, string> | undefined => {
    const records = membership?.users.get(user)?.expiring;
    if (!records?.length) return undefined;
    let mine = ends.get(user);
    if (!mine) ends.set(user, (mine = new Map(records.map((r) => [expiryKey(r.namespace, r.role), r.until]))));
    return mine;
  };
  // A loop, not spreads: 100,000s of grants at size L.
  const specs: GrantSpec[] = [];
  for (const ns of [...grants.keys()].sort()) {
    for (const g of [...grants.get(ns)!.values()].sort((a, b) => byText(a.user, b.user))) {
      // Their other grants are rendered all the same, so they are carried over.
      const standing = byStanding(g.user);
      const kept = standing.length ? g.levels.filter((l) => !standing.includes(l)) : g.levels;
      const levels = kept.length > 1 ? [...kept].sort() : kept;
      const userEnds = endsOf(g.user);
      const at = { user: g.user, namespace: g.namespace };
      const until = (role: string) => {
        const end = userEnds?.get(expiryKey(g.namespace, role));
        return end === undefined ? {} : { expires: end };
      };
      if (!userEnds) {
        if (levels.length) specs.push({ ...at, levels });
      } else {
        // Levels grouped by their end: those for good first, then by date.
        const byEnd = new Map<string, string[]>();
        for (const l of levels) {
          const end = userEnds.get(expiryKey(g.namespace, levelRoleName(org, l))) ?? '';
          const list = byEnd.get(end);
          if (list) list.push(l);
          else byEnd.set(end, [l]);
        }
        for (const end of [...byEnd.keys()].sort())
          specs.push({ ...at, levels: byEnd.get(end)!, ...(end ? { expires: end } : {}) });
      }
      for (const c of [...g.customRoles].sort()) specs.push({ ...at, customRole: c, ...until(customRoleName(org, c)) });
      if (g.rules.length) specs.push({ ...at, rules: g.rules.map(orderedRule), ...until(customRoleName(org, g.user)) });
    }
  }
  return specs;
}

/**
 * A deactivated person's grants as the membership records them (MemberUser.dormant), bound to
 * nothing: per namespace a grant of its levels and one of its rules, each until the record's end,
 * which synthesis records the same again.
 */
function dormantGrantSpecs(membership: Membership | undefined): GrantSpec[] {
  const specs: GrantSpec[] = [];
  for (const u of [...(membership?.users.values() ?? [])].sort((a, b) => byText(a.email, b.email)))
    for (const d of u.dormant ?? []) {
      const at = { user: u.email, namespace: d.namespace, ...(d.until ? { expires: d.until } : {}) };
      if (d.levels?.length) specs.push({ ...at, levels: [...d.levels] });
      if (d.rules?.length) specs.push({ ...at, rules: d.rules.map(orderedRule) });
    }
  return specs;
}

// ---------------------------------------------------------------------------------------------
// Tokens, invites, namespaces, custom roles

/** A token's custom RBAC in one namespace: its rules (levels spelled out as rules), then its custom roles. */
export function tokenRbacSpecs(namespace: string, access: TokenAccess): TokenRbacSpec[] {
  const levelRules = [...access.levels].flatMap((l) => CATALOG.find((c) => c.id === l)!.rules);
  const rules = [...access.rules, ...levelRules].map(orderedRule);
  const customRoles = [...access.customRoles].sort().map((customRole) => ({ namespace, customRole }));
  return [...(rules.length ? [{ namespace, rules }] : []), ...customRoles];
}

/** Entries in the order `declared` lists their namespaces (the membership keeps it), the others after, by name. */
export function inDeclaredOrder<T>(entries: readonly [string, T][], declared: readonly string[]): [string, T][] {
  const rank = (ns: string) => (declared.includes(ns) ? declared.indexOf(ns) : declared.length);
  return [...entries].sort(([a], [b]) => rank(a) - rank(b) || byText(a, b));
}

/**
 * One token's spec: levels over a list of namespaces when every namespace holds the same levels
 * and nothing else (as people declare it), else custom RBAC per namespace. Namespaces keep the
 * order the membership declares, which the output keeps too.
 */
export function tokenSpec(
  id: string,
  byNamespace: ReadonlyMap<string, TokenAccess>,
  membership: Membership | undefined,
): TokenSpec {
  const entries = [...byNamespace].sort(([a], [b]) => byText(a, b));
  const levelSets = entries.map(([, e]) => [...e.levels].sort().join(','));
  const onlyLevels = entries.every(([, e]) => !e.rules.length && !e.customRoles.size && e.levels.size);
  const member = membership?.tokens.get(id);
  // orgctl's own output says which namespaces hold the token's levels: the rest is its custom RBAC
  // (a token may have both: `.allow(ns, rules)` on a token with namespaces).
  if (member?.namespaces.length && member.levels?.length && !onlyLevels) {
    const declared = new Set(member.namespaces);
    const levels = new Set(member.levels);
    const rbac = inDeclaredOrder(entries, member.customRbac ?? []).flatMap(([ns, e]) =>
      tokenRbacSpecs(ns, declared.has(ns) ? { ...e, levels: new Set([...e.levels].filter((l) => !levels.has(l))) } : e),
    );
    return { id, namespaces: [...member.namespaces], levels: [...levels].sort(), ...(rbac.length ? { rbac } : {}) };
  }
  if (!onlyLevels || new Set(levelSets).size !== 1) {
    const rbac = inDeclaredOrder(entries, member?.customRbac ?? []).flatMap(([ns, e]) => tokenRbacSpecs(ns, e));
    return { id, namespaces: [], rbac };
  }
  const declared = member?.namespaces;
  const found = entries.map(([ns]) => ns);
  const sameNamespaces = declared && declared.length === found.length && found.every((ns) => declared.includes(ns));
  return { id, namespaces: sameNamespaces ? [...declared] : found, levels: [...entries[0]![1].levels].sort() };
}

/** What only the membership says about a token: its name, owner, rotation, note, expiry and status. */
export function tokenMetaOf(id: string, membership: Membership | undefined): Partial<TokenSpec> {
  const t = membership?.tokens.get(id);
  if (!t) return {};
  return {
    ...(t.name !== undefined ? { name: t.name } : {}),
    ...(t.owner !== undefined ? { owner: t.owner } : {}),
    ...(t.rotation ? { rotation: t.rotation } : {}),
    ...(t.note !== undefined ? { note: t.note } : {}),
    ...(t.expires !== undefined ? { expires: t.expires } : {}),
    ...(t.status === 'deactivated' ? { status: t.status } : {}),
  };
}

/**
 * The spec's tokens, by id: those bindings show, and the membership's tokens that hold no binding
 * (a token without namespaces yet), each with what only the membership says about it.
 */
export function tokenSpecs(
  tokens: TokensFound['tokens'],
  membership: Membership | undefined,
  rotations: TokensFound['rotations'] = new Map(),
): TokenSpec[] {
  const specs = [...tokens].map(([id, byNamespace]) => tokenSpec(id, byNamespace, membership));
  for (const t of membership?.tokens.values() ?? []) {
    if (tokens.has(t.id)) continue;
    const levels = t.namespaces.length ? { levels: [...(t.levels ?? [])] } : {};
    // A deactivated token's custom RBAC, bound to nothing: the membership records it (dormantRbac).
    const rbac = t.dormantRbac?.map((r) => ({ namespace: r.namespace, rules: r.rules.map(orderedRule) }));
    specs.push({ id: t.id, namespaces: [...t.namespaces], ...levels, ...(rbac ? { rbac } : {}) });
  }
  // A rotation read back from a ServiceAccount's name keeps that ServiceAccount (and the tokens issued for it).
  const rotated = (id: string) => (rotations.has(id) ? { rotation: rotations.get(id)! } : {});
  return specs
    .sort((a, b) => byText(a.id, b.id))
    .map((t) => ({ ...t, ...rotated(t.id), ...tokenMetaOf(t.id, membership) }));
}

/**
 * An invite's grants as a spec writes them: one spec grant holds levels and one role, further roles
 * are grants of their own. A role the output does not declare cannot be restored (its levels are
 * not recorded): it is said, not guessed.
 */
export function inviteGrantSpecs(
  invite: MemberInvite,
  declaredRoles: ReadonlySet<string>,
): { grants: InviteGrantSpec[]; notes: string[] } {
  const grants: InviteGrantSpec[] = [];
  const notes: string[] = [];
  for (const g of invite.grants) {
    const { namespace, levels } = g;
    const roles = g.roles ?? [];
    const known = roles.filter((r) => declaredRoles.has(r));
    for (const r of roles) {
      if (declaredRoles.has(r)) continue;
      const why = 'is not in the output (its levels are not recorded); declare the role again';
      notes.push(`invite ${invite.email}: role ${r} in ${namespace} ${why}`);
    }
    if (levels?.length || known.length) {
      const role = known.length ? { role: known[0] } : {};
      grants.push({ namespace, ...(levels?.length ? { levels: [...levels] } : {}), ...role });
    }
    for (const role of known.slice(1)) grants.push({ namespace, role });
  }
  return { grants, notes };
}

/** The membership's invites (RBAC shows none: an invite grants nothing until accepted). */
export function invitesOf(membership: Membership | undefined): { invites: InviteSpec[]; notes: string[] } {
  const declaredRoles = new Set((membership?.org.roles ?? []).map((r) => r.name));
  const notes: string[] = [];
  const invites = [...(membership?.invites.values() ?? [])].map((i) => {
    const found = inviteGrantSpecs(i, declaredRoles);
    notes.push(...found.notes);
    const flags = { ...(i.admin ? { admin: true } : {}), ...(i.billing ? { billing: true } : {}) };
    return { email: i.email, ...flags, sso: i.sso, state: i.state, grants: found.grants };
  });
  return { invites, notes };
}

/**
 * Every namespace of the organization: those the input declares and those bindings grant in (not
 * system ones), and the membership's, which may hold no binding yet.
 */
export function namespacesOf(
  declared: readonly string[],
  users: UserAccess['grants'],
  tokens: TokensFound['tokens'],
  membership: Membership | undefined,
  systemNamespace: string,
  argocd: ReadonlySet<string>,
): string[] {
  const names = new Set<string>(declared.filter((n) => !notOrganizations(n, argocd) && n !== systemNamespace));
  for (const ns of users.keys()) names.add(ns);
  for (const byNamespace of tokens.values()) for (const ns of byNamespace.keys()) names.add(ns);
  for (const ns of membership?.org.namespaces ?? []) if (ns !== systemNamespace) names.add(ns);
  return [...names].sort();
}

/**
 * The spec's namespaces; a namespace held by only some of several clusters names them. When the
 * input has no paths to tell (a stream), every namespace is in every cluster, and that is said.
 */
export function namespaceSpecs(
  names: readonly string[],
  clusters: readonly string[],
  placement: ReadonlyMap<string, readonly string[]>,
  settings: ReadonlyMap<string, MemberNamespace> = new Map(),
): { namespaces: NamespaceSpec[]; note?: string } {
  const namespaces = names.map((name) => {
    const where = placement.get(name);
    const some = clusters.length > 1 && where && where.length < clusters.length;
    return { name, ...(some ? { clusters: [...where] } : {}), ...guardRailSpec(settings.get(name)) };
  });
  if (clusters.length <= 1 || placement.size) return { namespaces };
  const note =
    `which of the clusters ${clusters.join(', ')} holds which namespace is unknown (the input has no ` +
    '<cluster>/<shard>/resources.yaml paths: import the folder, e.g. --from dist): every namespace is declared ' +
    "in every cluster; set each namespace's clusters";
  return { namespaces, note };
}

/** Pod Security as a spec writes it: the level alone when it is the same for every mode. */
const podSecuritySpec = (ps: PodSecurityModel) => (Object.keys(ps).length === 1 ? ps.enforce : { ...ps });

/** A mail domain group as the spec declares it (a copy: the spec is the importer's to write). */
const mailDomainSpec = (m: MailDomain): MailDomain => ({
  domains: [...m.domains],
  ...(m.subaddressSeparators ? { subaddressSeparators: [...m.subaddressSeparators] } : {}),
  ...(m.subdomainAddressing ? { subdomainAddressing: true } : {}),
});

/** A namespace's guard rails as its spec entry writes them (the membership keeps them as declared). */
function guardRailSpec(m: MemberNamespace | undefined): Omit<NamespaceSpec, 'name' | 'clusters'> {
  if (!m) return {};
  return {
    ...(m.podSecurity ? { podSecurity: podSecuritySpec(m.podSecurity) } : {}),
    ...(m.quota ? { quota: { ...m.quota } } : {}),
    ...(m.limits ? { limits: JSON.parse(JSON.stringify(m.limits)) as NonNullable<NamespaceSpec['limits']> } : {}),
    ...(m.networkPolicy ? { networkPolicy: m.networkPolicy } : {}),
    ...(m.labels ? { labels: { ...m.labels } } : {}),
    ...(m.annotations ? { annotations: { ...m.annotations } } : {}),
    ...(m.adminsOnly ? { adminsOnly: true } : {}),
  };
}

/** The spec's custom roles, by name, rules written the way people write them. */
export function customRoleSpecs(...found: ReadonlyMap<string, readonly PolicyRule[]>[]): CustomRoleSpec[] {
  const all = new Map<string, readonly PolicyRule[]>();
  for (const roles of found) for (const [name, rules] of roles) all.set(name, rules);
  return [...all].sort(([a], [b]) => byText(a, b)).map(([name, rules]) => ({ name, rules: rules.map(orderedRule) }));
}

// ---------------------------------------------------------------------------------------------
// The spec

/** The spec's organization-wide settings, between its owner and its users. */
type OrgSettings = Pick<
  Spec,
  | 'identity'
  | 'sso'
  | 'clusters'
  | 'review'
  | 'delivery'
  | 'namespaceDefaults'
  | 'namespaceProtection'
  | 'safeCustomResources'
  | 'roles'
>;

/** Organization-wide settings only the membership keeps; each is written only when it is not the default. */
export function orgSettingsOf(membership: Membership | undefined): OrgSettings {
  if (!membership) return {};
  const { org } = membership;
  const shards = org.shards !== ORG_DEFAULTS.shards ? { shards: org.shards } : {};
  const argocd = org.argocd ? { argocd: { ...org.argocd } } : {};
  const threshold = org.massRemovalThreshold;
  return {
    ...(org.usernamePrefix || org.mailDomains
      ? {
          identity: {
            ...(org.usernamePrefix ? { usernamePrefix: org.usernamePrefix } : {}),
            ...(org.mailDomains ? { mailDomains: org.mailDomains.map(mailDomainSpec) } : {}),
          },
        }
      : {}),
    ...(org.ssoEnforced ? { sso: { enforced: true } } : {}),
    ...(org.clusters.length ? { clusters: [...org.clusters] } : {}),
    ...(threshold !== ORG_DEFAULTS.massRemovalThreshold ? { review: { massRemovalThreshold: threshold } } : {}),
    ...(org.shards !== ORG_DEFAULTS.shards || org.argocd ? { delivery: { ...shards, ...argocd } } : {}),
    ...(org.namespaceDefaults?.podSecurity
      ? { namespaceDefaults: { podSecurity: podSecuritySpec(org.namespaceDefaults.podSecurity) } }
      : {}),
    ...(org.namespaceProtection ? { namespaceProtection: { appliedBy: org.namespaceProtection.appliedBy } } : {}),
    ...(org.safeCustomResources
      ? {
          safeCustomResources: org.safeCustomResources.map((c) => ({
            group: c.group,
            resources: [...c.resources],
            reason: c.reason,
          })),
        }
      : {}),
    ...(org.roles.length ? { roles: org.roles.map((r) => ({ name: r.name, levels: [...r.levels] })) } : {}),
  };
}

/** The parts of a spec, each already in its final order. */
interface SpecParts {
  readonly org: string;
  readonly owner: string;
  readonly settings: OrgSettings;
  readonly users: readonly UserSpec[];
  readonly namespaces: readonly NamespaceSpec[];
  readonly customRoles: readonly CustomRoleSpec[];
  readonly grants: readonly GrantSpec[];
  readonly tokens: readonly TokenSpec[];
  readonly invites: readonly InviteSpec[];
}

/** The spec, its fields in the order people write them; empty optional lists are left out. */
export function assembleSpec(parts: SpecParts): OrgSpec {
  return {
    apiVersion: 'orgctl/v1',
    kind: 'Organization',
    metadata: { name: parts.org },
    spec: {
      owner: parts.owner,
      ...parts.settings,
      users: parts.users,
      namespaces: parts.namespaces,
      ...(parts.customRoles.length ? { customRoles: parts.customRoles } : {}),
      grants: parts.grants,
      ...(parts.tokens.length ? { tokens: parts.tokens } : {}),
      ...(parts.invites.length ? { invites: parts.invites } : {}),
    },
  };
}

/** Whether an aggregation selector takes a role with `labels` (a selector with expressions is taken to). */
const selects = (sel: LabelSelector, labels: Readonly<Record<string, string>>): boolean =>
  !!sel.matchExpressions?.length || Object.entries(sel.matchLabels ?? {}).every(([k, v]) => labels[k] === v);

/** Roles of a stock cluster that no organization binds: never said to be lost. */
const STOCK_CLUSTER_ROLES = new Set(['admin', 'edit', 'view', 'cluster-admin']);

/**
 * What the input holds, or what orgctl's own output leaves out, that the spec cannot carry over:
 * grant expiry dates and the grants of Remove All users when the output records none (an older
 * one, without recordsDormant, neither deactivated users' grants nor deactivated tokens' custom RBAC), grants through declared roles (the output binds their levels), roles no binding
 * binds and ServiceAccounts that hold no binding. (A subject of a kind RBAC does not know makes its
 * binding malformed: the report says so.)
 */
function lossesOf(
  rbac: RbacSet,
  membership: Membership | undefined,
  org: string,
  context: SubjectsContext,
  imported: readonly ImportableBinding[],
): string[] {
  const losses: string[] = [];
  const argocd = context.argocdNamespaces;
  const from = `from the membership data of ${org}`;
  if (membership) {
    losses.push(
      `grant expiry dates on what another grant gives for good: the output records when a person's access ends, not each grant's own date (${from})`,
    );
    const roles = (membership.org.roles ?? []).map((r) => r.name);
    if (roles.length)
      losses.push(
        `grants through roles (${roles.join(', ')}): the output binds each role's levels, so such grants are imported as levels (${from})`,
      );
    // An output recording dormant grants (recordsDormant) holds a deactivated person's and token's.
    const dormantLost = !membership.org.recordsDormant;
    for (const u of [...membership.users.values()].sort((a, b) => byText(a.email, b.email))) {
      if (u.status === 'deactivated' && dormantLost)
        losses.push(
          `the grants of deactivated user ${u.email}: a deactivated user is bound to nothing, so the output holds none of them; declare them again if reactivated (${from})`,
        );
      // Remove All's grants are recorded as dormant ones since R113-2: an output from before holds none.
      else if (u.access === 'none' && !u.dormant)
        losses.push(
          `the grants of ${u.email} (access: none): Remove All binds nothing, so the output holds none of them (${from})`,
        );
    }
    for (const t of [...membership.tokens.values()].sort((a, b) => byText(a.id, b.id)))
      if (t.status === 'deactivated' && dormantLost)
        losses.push(
          `the custom RBAC of deactivated token ${t.id}, if it has any: its Roles and bindings are left out of the output with it; declare them again if reactivated (${from})`,
        );
  }
  const bound = new Set(
    rbac.bindings.map(
      (b) => `${b.roleRef.kind} ${b.roleRef.kind === 'Role' ? `${b.namespace}/` : ''}${b.roleRef.name}`,
    ),
  );
  const aggregators = rbac.roles.filter((r) => r.aggregation);
  for (const role of rbac.roles) {
    if (bound.has(labelOf(role)) || (role.namespace && notOrganizations(role.namespace, argocd))) continue;
    if (role.kind === 'ClusterRole') {
      if (role.name.startsWith('system:') || STOCK_CLUSTER_ROLES.has(role.name) || role.aggregation) continue;
      if (aggregators.some((a) => a.aggregation!.some((sel) => selects(sel, role.labels)))) continue; // its rules are another's
      if (orgRoleOf(org, role.name).kind !== 'other') continue; // orgctl's catalog roles are rendered whether bound or not
    }
    losses.push(
      `${labelOf(role)}: no binding grants it, so there is nothing to import (from ${role.from.file}#${role.from.index})`,
    );
  }
  // orgctl writes every level's ClusterRole under the name it gives it, over one of other rules:
  // what any binding left in the cluster gives through it changes.
  for (const role of rbac.roles) {
    const own = orgRoleOf(org, role.name);
    if (role.kind !== 'ClusterRole' || own.kind !== 'level' || exactLevel(role.rules) === own.level) continue;
    const by = rbac.bindings.filter((b) => b.roleRef.kind === 'ClusterRole' && b.roleRef.name === role.name);
    const via = by.length
      ? `what ${by.map(labelOf).join(', ')} give through it changes to the level's access`
      : 'no binding grants it yet';
    losses.push(
      `${labelOf(role)}: its rules are not level ${own.level}'s, and the output writes that level's rules under its name (${via}); rename or delete it before adoption (from ${role.from.file}#${role.from.index})`,
    );
  }
  const subjects = new Set(accountsBound(rbac));
  for (const account of rbac.serviceAccounts) {
    const [namespace = '', name = ''] = account.split('/');
    if (subjects.has(account) || name === 'default' || notOrganizations(namespace, argocd)) continue;
    if (namespace === context.systemNamespace && context.tokenByAccount.has(name)) continue; // a token of the membership
    losses.push(`ServiceAccount ${account}: it holds no binding, so it is no token (from the input's ServiceAccounts)`);
  }
  // orgctl's own output is Argo CD's to prune once its Applications take it over; anyone else's is not.
  if (!membership && imported.length) {
    const names = [...new Set(imported.map(({ binding: b }) => `${b.namespace}/${b.name}`))];
    const listed = names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ');
    losses.push(
      `the input's own RoleBindings (${listed}) into orgctl's care: Argo CD prunes only what it applied, so they stay beside the output's and keep granting what they grant (access removed in orgctl later stays through them, and reviews, which read dist/, do not see them); delete them once the output has synced`,
    );
  }
  return losses;
}

/**
 * RBAC manifests (and orgctl's membership, when they are its output) to a spec, and what could not
 * be mapped. The report says things in one order: malformed objects, then bindings and their
 * subjects in the input's order, then the owner, invites and placement.
 */
export function importRbac(docs: readonly ManifestDoc[], options: ImportOptions = {}): ImportResult {
  const { rbac, membership, org, systemNamespace, placement, membershipProblem, notRead } = readSource(docs, options);
  const argoCd = argoCdNamespacesOf(rbac, membership);
  const context = subjectsContextOf(membership, systemNamespace, argoCd.namespaces);
  const screened = screenBindings(rbac, context.argocdNamespaces);
  const classified = classifyRoles(screened.importable, org, membership?.users);
  const named = nameCustomRoles(classified, customRoleNamesInUse(rbac, org));
  const users = userAccessOf(screened.importable, named.roles, context);
  const tokens = tokenAccessOf(screened.importable, named.roles, context, { rbac, org });
  const owner = ownerOf(options.owner, membership, org);
  const people = peopleOf(users.users, owner.owner, membership);
  const invites = invitesOf(membership);
  const names = namespacesOf(
    rbac.namespaces,
    users.grants,
    tokens.tokens,
    membership,
    systemNamespace,
    argoCd.namespaces,
  );
  const namespaces = namespaceSpecs(names, membership?.org.clusters ?? [], placement, membership?.namespaceSettings);
  const spec = assembleSpec({
    org,
    owner: owner.owner,
    settings: orgSettingsOf(membership),
    users: userSpecs(people, membership),
    namespaces: namespaces.namespaces,
    customRoles: customRoleSpecs(users.customRoles, tokens.customRoles),
    grants: [...grantSpecs(users.grants, people, membership), ...dormantGrantSpecs(membership)],
    tokens: tokenSpecs(tokens.tokens, membership, tokens.rotations),
    invites: invites.invites,
  });
  const bindingNotes = leftOutAndOtherwise([...screened.notes, ...named.notes, ...users.notes, ...tokens.notes]);
  const report = [
    ...(membershipProblem
      ? [
          `the membership data (${membershipProblem}): imported from RBAC alone, so who is an admin or deactivated, when grants end and tokens' names and owners are not carried over`,
        ]
      : []),
    ...notRead,
    ...argoCdNotes(argoCd),
    ...rbac.problems.map((p) => `malformed: ${p}`),
    ...bindingNotes.leftOut,
    ...(owner.note ? [owner.note] : []),
    ...invites.notes,
    ...(namespaces.note ? [namespaces.note] : []),
  ];
  let losses: readonly string[] | undefined;
  const argocdNamespace = argoCdNamespaceToDeclare(argoCd, membership);
  return {
    spec,
    report,
    otherwise: bindingNotes.otherwise,
    ...(argocdNamespace !== undefined ? { argocdNamespace } : {}),
    // Computed when asked: the CLI prints them, the review's proof never reads them.
    get losses() {
      losses ??= lossesOf(rbac, membership, org, context, screened.importable);
      return losses;
    },
  };
}
