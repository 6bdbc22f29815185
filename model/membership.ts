/**
 * The membership data format: what synthesis writes to `members.json` and to the ConfigMaps of the
 * system namespace (`orgctl-organization`, `orgctl-users`, `orgctl-invites`, `orgctl-tokens`), and
 * what the review, import, `orgctl members` and `orgctl kubeconfig` read back. Declared here once:
 * synth/render.ts writes these types, analysis/snapshot.ts reads into them.
 *
 * Optional fields are left out of the JSON when absent (never written as null or []), so an
 * output stays the same when a feature is not used; readers treat absent as the default named.
 */
import type { ArgoCdModel, InviteState, MemberStanding, SafeCustomResource } from './model.ts';
import type { NamespaceDefaults, NamespaceProtection, NamespaceSettings } from './guard-rails.ts';
import type { MailDomain } from './mailbox.ts';
import type { PolicyRule } from './catalog.ts';

/** `organization.json` in the `orgctl-organization` ConfigMap, and `organization` in members.json. */
export interface MemberOrganization {
  readonly name: string;
  /** Lower-cased email of the owner. */
  readonly owner: string;
  /** Put before every email to make the Kubernetes username; '' when the organization sets none. */
  readonly usernamePrefix: string;
  /**
   * The organization's own mail domains (identity.mailDomains): which reach one set of mailboxes,
   * and how their mail splits a subaddress. The change rules read base's. Absent when none is declared.
   */
  readonly mailDomains?: readonly MailDomain[];
  readonly ssoEnforced: boolean;
  /** The clusters declared; empty = one cluster, `in-cluster`. */
  readonly clusters: readonly string[];
  /** Names of the declared namespaces (the system namespace is not among them). */
  readonly namespaces: readonly string[];
  /** Share of users, grants or tokens a change may remove without an override. */
  readonly massRemovalThreshold: number;
  /** Shards per cluster (delivery): the review compares them and re-renders from them. */
  readonly shards: number;
  /** Where Argo CD reads the repository, when dist/argocd/ is generated. Absent: not generated. */
  readonly argocd?: ArgoCdModel;
  /** Named bundles of levels, as declared: invites name them. Absent when none is declared. */
  readonly roles?: readonly MemberRole[];
  /** Guard rails every namespace gets unless it declares its own. Absent when none is declared. */
  readonly namespaceDefaults?: NamespaceDefaults;
  /** The ValidatingAdmissionPolicy protecting the organization's Namespaces. Absent: none. */
  readonly namespaceProtection?: NamespaceProtection;
  /** Custom resources declared safe for non-admins to write. Absent when none is declared. */
  readonly safeCustomResources?: readonly SafeCustomResource[];
  /**
   * Always true in an output that records dormant grants (MemberUser.dormant, MemberToken.dormantRbac):
   * an older output, without it, recorded none, so the diff cannot tell what was staged in it.
   */
  readonly recordsDormant?: boolean;
}

/**
 * One line of `namespaces.jsonl` (`orgctl-namespaces`, ...), and an entry of `namespaces` in
 * members.json: the guard rails a namespace declares. Only namespaces that declare some have one,
 * and the ConfigMap is written only when one does.
 */
export interface MemberNamespace extends NamespaceSettings {
  readonly name: string;
}

/** A named bundle of catalog levels (an AccessRole). */
export interface MemberRole {
  readonly name: string;
  readonly levels: readonly string[];
}

/**
 * A role a person holds in a namespace through grants that all end: the last day the latest of
 * them holds. The output binds only what holds today, so without it lengthening a temporary grant
 * (or dropping its end) would change no byte of the output, and no review would see it.
 */
export interface MemberGrantExpiry {
  readonly namespace: string;
  /** The bound role's name, as the RoleBinding's roleRef names it (`acme:r:pods`, `acme:custom:x`). */
  readonly role: string;
  /** YYYY-MM-DD: the last day it holds. */
  readonly until: string;
}

/**
 * Where a dated record (MemberGrantExpiry) is, `namespace\0role`: what readers match records by,
 * and the order they are written in (by namespace, then role; no name holds a NUL).
 */
export const expiryKey = (namespace: string, role: string): string => `${namespace}\u0000${role}`;

/**
 * What a person bound to nothing (deactivated, or under Remove All) is granted in one namespace,
 * bound to nothing meanwhile (no RBAC object: no access) and held once reactivated or Remove All is
 * lifted: every grant of theirs there that holds today, merged. Recorded so a pull request staging
 * grants on such a person changes the output, and reads as a line judged as a live grant is; the
 * import and the proofs declare it again.
 */
export interface MemberDormantGrant {
  readonly namespace: string;
  /** Catalog levels, named roles' levels spelled out, sorted; absent when none. */
  readonly levels?: readonly string[];
  /** Inline rules, then the custom roles' rules, each as orderedRule writes it; absent when none. */
  readonly rules?: readonly PolicyRule[];
  /** YYYY-MM-DD: the last day the latest of them holds, when every one of them ends. */
  readonly until?: string;
}

/** The custom RBAC in one namespace of a token that is not live: deactivated or expired (as MemberDormantGrant, for a token). */
export interface MemberDormantRbac {
  readonly namespace: string;
  /** Inline rules, then the custom roles' rules, each as orderedRule writes it. */
  readonly rules: readonly PolicyRule[];
}

/** One line of `users.jsonl` (`orgctl-users`, `orgctl-users-2`, ...), and an entry of `users` in members.json. */
export interface MemberUser extends MemberStanding {
  /** Lower-cased email: the user's identity. */
  readonly email: string;
  /** The Kubernetes username: usernamePrefix + email. */
  readonly username: string;
  /** GitHub login, when declared. */
  readonly github?: string;
  /** The numeric id of the GitHub account holding `github`, when declared: the review matches it too. */
  readonly githubId?: number;
  readonly billing: boolean;
  /**
   * What the person holds only until a date, by namespace then role; absent when nothing they
   * hold through grants ends (a role some grant gives without an end holds for good).
   */
  readonly expiring?: readonly MemberGrantExpiry[];
  /** The grants of a person deactivated or under Remove All, by namespace (MemberDormantGrant); absent otherwise or when none. */
  readonly dormant?: readonly MemberDormantGrant[];
}

/** Access an invite carries to one namespace: levels and named roles (each absent when empty). */
export interface MemberInviteGrant {
  readonly namespace: string;
  readonly levels?: readonly string[];
  readonly roles?: readonly string[];
}

/** One line of `invites.jsonl` (`orgctl-invites`, ...), and an entry of `invites` in members.json. */
export interface MemberInvite {
  /** Lower-cased email. */
  readonly email: string;
  readonly admin: boolean;
  readonly billing: boolean;
  /** Sent through the organization's identity provider (SSO); false = password login allowed. */
  readonly sso: boolean;
  readonly state: InviteState;
  readonly grants: readonly MemberInviteGrant[];
}

/** One line of `tokens.jsonl` (`orgctl-tokens`, ...), and an entry of `tokens` in members.json. */
export interface MemberToken {
  /** Stable identity: the ServiceAccount is named after it. */
  readonly id: string;
  /** The token's ServiceAccount (and Secret) in the system namespace: `token-<id>`, `token-<id>-r<N>`. */
  readonly serviceAccount: string;
  /** Absent at rotation 0. */
  readonly rotation?: number;
  /** What the token is for. */
  readonly note?: string;
  /** Last day the token holds (YYYY-MM-DD). */
  readonly expires?: string;
  /** Absent while active. */
  readonly status?: 'deactivated';
  /** Display name. */
  readonly name?: string;
  /** Lower-cased email of the user the token was made for. */
  readonly owner?: string;
  /** Namespaces where it holds `levels`; empty for a token with custom RBAC only. */
  readonly namespaces: readonly string[];
  /** Levels held in each of `namespaces`; absent when `namespaces` is empty. */
  readonly levels?: readonly string[];
  /** Namespaces of its custom RBAC, in declared order; absent when it has none. */
  readonly customRbac?: readonly string[];
  /** Its custom RBAC while it is not live (deactivated or expired), by namespace in declared order; absent while live or when none. */
  readonly dormantRbac?: readonly MemberDormantRbac[];
}

/** members.json, and the content of the membership ConfigMaps together. */
export interface MembershipData {
  readonly organization: MemberOrganization;
  readonly users: readonly MemberUser[];
  readonly invites: readonly MemberInvite[];
  readonly tokens: readonly MemberToken[];
  /** Namespaces that declare guard rails; absent when none does. */
  readonly namespaces?: readonly MemberNamespace[];
}

/** The file of the output folder holding MembershipData (2-space JSON), for other systems and `orgctl members`. */
export const MEMBERS_FILE = 'members.json';

/** The ConfigMap of the system namespace holding the organization's settings. */
export const ORGANIZATION_CONFIGMAP = 'orgctl-organization';
/** Its data key: MemberOrganization as one line of JSON. */
export const ORGANIZATION_KEY = 'organization.json';

/**
 * The membership lists, each by the data key of its ConfigMaps: one JSON record a line (adding a
 * user adds one line). Each list is spread over numbered ConfigMaps (membershipListName).
 */
export const MEMBERSHIP_LISTS = {
  users: 'users.jsonl',
  invites: 'invites.jsonl',
  tokens: 'tokens.jsonl',
  namespaces: 'namespaces.jsonl',
} as const;
export type MembershipList = keyof typeof MEMBERSHIP_LISTS;

/** The i-th ConfigMap (from 0) holding a list: `orgctl-users`, `orgctl-users-2`, ... */
export const membershipListName = (list: MembershipList, i: number): string =>
  i === 0 ? `orgctl-${list}` : `orgctl-${list}-${i + 1}`;

/**
 * Every name membershipListName gives `list` (group 1: `-<n>`, from the second on): the reader
 * (analysis/snapshot.ts readMembership) reads every ConfigMap whose name matches.
 */
export const membershipListPattern = (list: MembershipList): RegExp => new RegExp(`^orgctl-${list}(-\\d+)?$`);
