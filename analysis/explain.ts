/**
 * Why a subject can (or cannot) do something: every permission traced to the declaration that
 * made it (spec path or construct path), the synthesized binding and the role.
 */
import { CATALOG, findLevel } from '../model/catalog.ts';
import {
  grantsOfUserIn,
  isLiveToken,
  isPlacedIn,
  tokenAccountName,
  usernameOf,
  type OrgModel,
} from '../model/model.ts';
import {
  requestNamespace,
  resourceRequestOf,
  type Authorizer,
  type EffectiveRule,
  SA_PREFIX,
  serviceAccountUser,
  userInfo,
  type ResourceAttributes,
  type UserInfo,
} from './authorizer.ts';
import {
  BUILTIN_GROUPS,
  CLASS_BY_ID,
  classesOfRule,
  declaredSafe,
  describeRule,
  probeHit,
  undeclaredReason,
  WRITE,
  type Scope,
} from './classes.ts';
import type { BindingObject, RoleObject } from './objects.ts';
import { orgRoleOf, type OrgRole } from './org-roles.ts';
import { UNBOUND, unboundUser } from './membership.ts';
import { indexOf } from '../model/model-index.ts';
import { rulesAllow } from './rules.ts';
import { sourceText } from '../model/findings.ts';
import { nameMeant } from '../model/text.ts';
import { bootstrapNote, isBootstrapBinding } from './bootstrap.ts';

interface Who {
  readonly user: UserInfo;
  /** `users/bob@acme.io`, `tokens/ci-deploy`. */
  readonly label: string;
  readonly email?: string;
  readonly tokenId?: string;
  /** Why the declaration binds them to nothing (a deactivated user, a pending invitee), when it does. */
  readonly boundToNothing?: string;
  /** Where a user's billing access is declared, when they have it: data for a billing portal, in no binding. */
  readonly billing?: string;
}

/** Whom a name that is no subject of `model` means, for "did you mean" (nameMeant): another spelling, the email it begins (`alice`), or one a letter or two away. */
export function subjectMeant(model: OrgModel, subject: string): string | undefined {
  const names = [
    ...model.users.map((u) => u.key),
    ...model.invites.map((i) => i.key),
    ...model.tokens.map((t) => t.id),
  ];
  return nameMeant(subject, names)?.name;
}

/**
 * Every Kubernetes username the declaration names (its users', invitees' and tokens'): whom
 * explain's warning about a name bound nowhere suggests, the same whichever namespaces were placed
 * or read from its index (red team R41-2: the bindings read named others).
 */
export function usernamesDeclared(model: OrgModel): string[] {
  return [
    ...model.users.map((u) => usernameOf(model, u.key)),
    ...model.invites.map((i) => usernameOf(model, i.key)),
    ...model.tokens.map((t) => tokenUsername(model, t)),
  ];
}

/** The username a token's ServiceAccount (at its rotation) has. */
const tokenUsername = (model: Pick<OrgModel, 'systemNamespace'>, t: OrgModel['tokens'][number]): string =>
  serviceAccountUser(model.systemNamespace, tokenAccountName(t.id, t.rotation));

/**
 * A user's email, a token id, or a Kubernetes username: a member's, an invitee's or a token's
 * ServiceAccount's is that member, invitee or token (a dead token's is bound to nothing whatever
 * it is called by).
 */
export function resolveWho(model: OrgModel, subject: string, today: string): Who | undefined {
  const key = subject.toLowerCase();
  const named = (email: string) => email === key || usernameOf(model, email) === subject;
  const user = model.users.find((u) => named(u.key));
  if (user) {
    const why = unboundUser(user);
    const deactivated = why ? { boundToNothing: `${why} (${sourceText(user.source)})` } : {};
    return {
      user: userInfo(usernameOf(model, user.key)),
      label: `users/${user.key}`,
      email: user.key,
      ...deactivated,
      ...(user.billing ? { billing: sourceText(user.source) } : {}),
    };
  }
  const invite = model.invites.find((i) => named(i.key));
  if (invite) {
    // An admin holds w:full in every namespace: what the invite's grants say is then beside the point.
    const then = invite.admin
      ? 'admin: w:full in every namespace'
      : invite.grants.map((g) => `${[...g.levels, ...g.roles].join(', ')} in ${g.namespace}`).join('; ');
    const why =
      invite.state === 'pending'
        ? `${UNBOUND.pendingInvite}${then ? ` (then: ${then})` : ''} (${sourceText(invite.source)})`
        : `${UNBOUND.revokedInvite} (${sourceText(invite.source)})`;
    return {
      user: userInfo(usernameOf(model, invite.key)),
      label: `invites/${invite.key}`,
      email: invite.key,
      boundToNothing: why,
    };
  }
  const accountOf = (t: OrgModel['tokens'][number]) => tokenUsername(model, t);
  const token = model.tokens.find((t) => t.id === subject || accountOf(t) === subject);
  if (token)
    return {
      user: userInfo(accountOf(token)),
      label: `tokens/${token.id}`,
      tokenId: token.id,
      ...(isLiveToken(token, today)
        ? {}
        : { boundToNothing: `${UNBOUND.deadToken(token, today)} (${sourceText(token.source)})` }),
    };
  if (subject.startsWith(SA_PREFIX) || subject.includes('@')) return { user: userInfo(subject), label: subject };
  return undefined;
}

interface Declaration {
  /** What it is: `grant of r:pods`, `admin: true`, `token custom RBAC`. */
  readonly what: string;
  /** Spec path or construct path. */
  readonly source: string;
}

/** The declarations that bind this user or token to this role in this namespace. */
export function declarations(
  model: OrgModel,
  who: { readonly email?: string; readonly tokenId?: string },
  ns: string,
  role: OrgRole,
): Declaration[] {
  const out: Declaration[] = [];
  const level = role.kind === 'level' ? role.level : undefined;
  const index = indexOf(model);
  if (who.email) {
    const u = index.users.get(who.email)!;
    if (u.admin && level === 'w:full') out.push({ what: 'admin: true', source: sourceText(u.source) });
    if (u.addAll && level) out.push({ what: 'Add All', source: sourceText(u.source) });
    for (const g of grantsOfUserIn(model, ns, who.email)) {
      if (level && g.levels.includes(level))
        out.push({ what: `grant of ${level}${g.expires ? `, until ${g.expires}` : ''}`, source: sourceText(g.source) });
      for (const r of g.roles)
        if (level && index.roles.get(r)?.levels.includes(level))
          out.push({ what: `grant of role ${r}`, source: sourceText(g.source) });
      if (role.kind === 'custom' && g.customRoles.includes(role.name))
        out.push({ what: `grant of custom role ${role.name}`, source: sourceText(g.source) });
      if (role.kind === 'user-rules' && role.email === who.email && g.rules.length)
        out.push({ what: 'custom rules', source: sourceText(g.source) });
    }
  }
  if (who.tokenId) {
    const t = index.tokens.get(who.tokenId)!;
    if (level && t.namespaces.includes(ns) && t.levels.includes(level))
      out.push({ what: 'token namespaces and levels', source: sourceText(t.source) });
    for (const rb of t.rbac.filter((x) => x.namespace === ns))
      out.push({ what: 'token custom RBAC', source: sourceText(rb.source) });
  }
  return out;
}

/** The declarations behind one binding of this subject, for people. */
function declaredBy(model: OrgModel, who: Who, binding: BindingObject, role: RoleObject): string[] {
  if (isBootstrapBinding(binding)) return [`no one in ${model.name}: ${bootstrapNote(binding)}`];
  const found = declarations(model, who, binding.namespace, orgRoleOf(model.name, role.name));
  return found.length
    ? found.map((d) => `${d.what} (${d.source})`)
    : ['(not declared by this organization: a hand-written binding?)'];
}

const bindingText = (b: BindingObject, role: RoleObject) =>
  `${b.kind} ${b.namespace ? `${b.namespace}/` : ''}${b.name} → ${role.kind} ${role.name}`;

/** One binding's permission: what it allows (a level, or rules), through which binding, declared by what. */
interface Permission {
  /** `r:pods: read Pods and their logs`, or the rules described. */
  readonly what: string;
  readonly level?: string;
  readonly rules: readonly string[];
  /** `RoleBinding web/acme:r:pods → ClusterRole acme:r:pods`. */
  readonly via: string;
  readonly declaredBy: readonly string[];
  /** From a bootstrap ClusterRoleBinding every cluster has (analysis/bootstrap.ts). */
  readonly bootstrap: boolean;
}

/**
 * The clusters namespace `ns` is placed in, when the declaration places it in some of the
 * organization's clusters only (acme's ml: lga1): access there holds in those only, its RoleBindings
 * being rendered nowhere else. Undefined for a namespace in every cluster, or not declared (the
 * system namespace is in every cluster). `placed`: the namespace's NamespaceModel clusters.
 */
function placedOnly(model: OrgModel, placed: readonly string[] = []): readonly string[] | undefined {
  return model.clusters.some((c) => !isPlacedIn(placed, c)) ? placed : undefined;
}

/** The declared namespaces' clusters by name (NamespaceModel's), for placedOnly. */
const clustersByNamespace = (model: OrgModel): ReadonlyMap<string, readonly string[]> =>
  new Map(model.namespaces.map((n) => [n.name, n.clusters]));

/** What placedOnly found, said: `in cluster lga1 only: ml is not placed in ord1`. */
function placedText(model: OrgModel, ns: string, placed: readonly string[]): string {
  const not = model.clusters.filter((c) => !isPlacedIn(placed, c));
  return `in ${placed.length > 1 ? 'clusters' : 'cluster'} ${placed.join(', ')} only: ${ns} is not placed in ${not.join(', ')}`;
}

interface SubjectExplanation {
  /** `users/bob@acme.io`, `tokens/ci-deploy`. */
  readonly subject: string;
  /** Its permissions where the organization grants any, by namespace (bootstrap access apart). */
  readonly namespaces: readonly {
    readonly namespace: string;
    /** The clusters it holds in, when the namespace is placed in some only (placedOnly). */
    readonly clusters?: readonly string[];
    readonly permissions: readonly Permission[];
  }[];
  /** What it holds as every authenticated user does, in every namespace: listed once. */
  readonly bootstrap: readonly Permission[];
  /** Why the declaration binds it to nothing, when it does (then nothing else is listed). */
  readonly boundToNothing?: string;
}

function permission(model: OrgModel, who: Who, binding: BindingObject, roleObject: RoleObject): Permission {
  const role = orgRoleOf(model.name, roleObject.name);
  const rules = roleObject.rules.map(describeRule);
  const bootstrap = isBootstrapBinding(binding);
  return {
    what:
      role.kind === 'level' && !bootstrap ? `${role.level}: ${findLevel(role.level)!.description}` : rules.join('; '),
    ...(role.kind === 'level' && !bootstrap ? { level: role.level } : {}),
    rules,
    via: bindingText(binding, roleObject),
    declaredBy: declaredBy(model, who, binding, roleObject),
    bootstrap,
  };
}

/** Every permission of the subject (in one namespace, or all), by namespace; bootstrap access once, apart. */
export function explainSubjectData(
  model: OrgModel,
  authz: Authorizer,
  who: Who,
  namespace?: string,
): SubjectExplanation {
  if (who.boundToNothing)
    return { subject: who.label, namespaces: [], bootstrap: [], boundToNothing: who.boundToNothing };
  const namespaces: { namespace: string; clusters?: readonly string[]; permissions: Permission[] }[] = [];
  // Looked up by name: a subject may hold access in every namespace of thousands.
  const placements = clustersByNamespace(model);
  for (const ns of namespace !== undefined ? [namespace] : authz.namespacesWithBindings()) {
    const seen = new Set<string>();
    const permissions: Permission[] = [];
    for (const e of authz.rulesFor(who.user, ns)) {
      const id = `${e.binding.kind}/${e.binding.namespace}/${e.binding.name}`;
      if (seen.has(id) || isBootstrapBinding(e.binding)) continue;
      seen.add(id);
      permissions.push(permission(model, who, e.binding, e.role));
    }
    if (!permissions.length) continue;
    const clusters = placedOnly(model, placements.get(ns));
    namespaces.push({ namespace: ns, ...(clusters ? { clusters } : {}), permissions });
  }
  const seen = new Set<string>();
  const bootstrap: Permission[] = [];
  for (const e of authz.rulesFor(who.user, '')) {
    if (!isBootstrapBinding(e.binding) || seen.has(e.binding.name)) continue;
    seen.add(e.binding.name);
    bootstrap.push(permission(model, who, e.binding, e.role));
  }
  return { subject: who.label, namespaces, bootstrap };
}

const permissionLines = (p: Permission): string[] => [
  `  ${p.what}`,
  `    via ${p.via}`,
  ...p.declaredBy.map((d) => `    declared by ${d}`),
];

/** Every permission of the subject (in one namespace, or all), grouped by namespace, as text. */
export function explainSubject(model: OrgModel, authz: Authorizer, who: Who, namespace?: string): string[] {
  const x = explainSubjectData(model, authz, who, namespace);
  const where = namespace !== undefined ? ` in ${namespace}` : '';
  if (x.boundToNothing) return [`${x.subject} holds nothing${where}: ${x.boundToNothing}`];
  const lines = x.namespaces.flatMap(({ namespace: ns, clusters, permissions }) => [
    `${x.subject} in ${ns}${clusters ? ` (${placedText(model, ns, clusters)})` : ''}:`,
    ...permissions.flatMap(permissionLines),
  ]);
  if (!lines.length) {
    // A namespace for admins only holds nothing of anyone else's: say so, not only that nothing is there.
    const closed =
      namespace !== undefined && model.namespaces.some((n) => n.name === namespace && n.settings?.adminsOnly)
        ? `: ${namespace} is for admins only (adminsOnly), and ${who.email ?? x.subject} is not one`
        : '';
    lines.push(
      `${x.subject} holds nothing${where}${closed || (x.bootstrap.length ? ` granted by ${model.name}` : '')}`,
    );
  }
  if (who.billing)
    lines.push(
      `${x.subject} may view the organization's billing (billing: true, ${who.billing}): data for the billing portal, no Kubernetes access`,
    );
  if (x.bootstrap.length)
    lines.push(
      `${x.subject} everywhere, as every authenticated user (Kubernetes bootstrap policy; --no-bootstrap leaves it out):`,
      ...x.bootstrap.flatMap((p) => [`  ${p.what}`, `    via ${p.via}`]),
    );
  return lines;
}

/**
 * Why a request is reserved for admins, if it is: what it does and why, from the privilege class
 * it belongs to (`create pods/portforward` → `reserved for admins (port-forward into pods): ...`).
 * `specific` when the request has a reason of its own, more precise than its access level's.
 */
export function reservedReason(req: ResourceAttributes): { text: string; specific: boolean } | undefined {
  const scope: Scope = req.namespace ? 'namespace' : 'cluster';
  const rule = ruleOf(req);
  const cls = classesOfRule(rule, scope).find((c) => CLASS_BY_ID.get(c)!.severity === 'error');
  if (!cls) return undefined;
  const c = CLASS_BY_ID.get(cls)!;
  const probe = probeHit(rule, cls, scope);
  return {
    text: `reserved for admins (${probe?.what ?? c.title}): ${probe?.why ?? c.why}`,
    specific: probe?.why !== undefined,
  };
}

/** What allows a request: the rule, the binding and role, and the declaration (or the bootstrap policy). */
interface DecidedBy {
  readonly rule: { readonly index: number; readonly text: string };
  readonly via: string;
  readonly declaredBy: readonly string[];
  readonly bootstrap: boolean;
}

interface RequestExplanation {
  readonly allowed: boolean;
  readonly by?: DecidedBy;
  /** The clusters an allowed request holds in, when the namespace it is evaluated in is placed in some only (placedOnly). */
  readonly clusters?: readonly string[];
  /** For people: the answer, then why. */
  readonly lines: string[];
}

const decidedBy = (model: OrgModel, who: Who, by: EffectiveRule): DecidedBy => ({
  rule: { index: by.ruleIndex, text: describeRule(by.rule) },
  via: bindingText(by.binding, by.role),
  declaredBy: declaredBy(model, who, by.binding, by.role),
  bootstrap: isBootstrapBinding(by.binding),
});

/** Why a non-resource request (`get /healthz`) is allowed or denied: only ClusterRoleBindings grant one. */
export function explainNonResource(
  model: OrgModel,
  authz: Authorizer,
  who: Who,
  req: { readonly verb: string; readonly path: string },
): RequestExplanation {
  const what = `${req.verb} ${req.path}`;
  const dead = deadToken(who, what);
  if (dead) return dead;
  const d = authz.authorizeNonResource(who.user, req);
  if (d.by) {
    const by = decidedBy(model, who, d.by);
    return {
      allowed: true,
      by,
      lines: [
        `yes: ${who.label} may ${what}`,
        `  rule ${by.rule.index}: ${by.rule.text}`,
        `  via ${by.via}`,
        ...by.declaredBy.map((x) => `  declared by ${x}`),
      ],
    };
  }
  return {
    allowed: false,
    lines: [
      `no: ${who.label} may not ${what}`,
      ...(who.boundToNothing ? [`  ${who.email ?? who.label} is ${who.boundToNothing}`] : []),
      '  no ClusterRoleBinding of theirs allows it: non-resource URLs are granted only cluster-wide, never by an access level',
    ],
  };
}

/** A request's resource as a rule names it: `widgets` or `widgets/status`. */
const rulesResource = (req: ResourceAttributes) =>
  req.subresource ? `${req.resource}/${req.subresource}` : req.resource;

/** The one rule that allows exactly this request (for any object name). */
const ruleOf = (req: ResourceAttributes) => ({
  apiGroups: [req.apiGroup],
  resources: [rulesResource(req)],
  verbs: [req.verb],
});

/**
 * A deactivated token has no ServiceAccount, so its token authenticates as nobody: no request is
 * allowed, not even what the bootstrap policy gives every authenticated subject.
 */
function deadToken(who: Who, what: string): RequestExplanation | undefined {
  if (who.tokenId === undefined || who.boundToNothing === undefined) return undefined;
  return {
    allowed: false,
    lines: [
      `no: ${who.label} may not ${what}`,
      `  ${who.label} is ${who.boundToNothing}: ${UNBOUND.nobody}, so not even the bootstrap policy applies`,
    ],
  };
}

/** Why a request is allowed (the rule and its declaration) or denied (what would allow it). */
export function explainRequest(
  model: OrgModel,
  authz: Authorizer,
  who: Who,
  req: ResourceAttributes,
): RequestExplanation {
  const what = `${req.verb} ${req.resource}${req.subresource ? `/${req.subresource}` : ''}${req.apiGroup ? `.${req.apiGroup}` : ''}${req.name ? ` ${req.name}` : ''} in ${req.namespace || 'the cluster'}`;
  const dead = deadToken(who, what);
  if (dead) return dead;
  const d = authz.authorize(who.user, req);
  const isAdmin = who.email ? model.users.find((u) => u.key === who.email)?.admin : false;
  // Writes of custom resources nobody declared safe are reserved for people; for a token (made by
  // admins) they are a warning.
  const undeclared = who.tokenId === undefined ? undeclaredReason(ruleOf(req), model.safeCustomResources) : undefined;
  const reserved = reservedReason(req) ?? (undeclared ? { text: undeclared, specific: true } : undefined);
  // The namespace the request is evaluated in (Namespace object X: X), where a grant would have to be.
  const decidedIn = requestNamespace(req);
  if (d.allowed && d.by) {
    // It holds only where that namespace is placed: a RoleBinding there is rendered nowhere else,
    // and a ClusterRoleBinding finds no such namespace elsewhere.
    const clusters = placedOnly(model, model.namespaces.find((n) => n.name === decidedIn)?.clusters);
    return {
      allowed: true,
      by: decidedBy(model, who, d.by),
      ...(clusters ? { clusters } : {}),
      lines: [
        `yes: ${who.label} may ${what}`,
        `  rule ${d.by.ruleIndex}: ${describeRule(d.by.rule)}`,
        `  via ${bindingText(d.by.binding, d.by.role)}`,
        ...declaredBy(model, who, d.by.binding, d.by.role).map((x) => `  declared by ${x}`),
        ...(clusters ? [`  ${placedText(model, decidedIn, clusters)}`] : []),
        // A user who is not an admin holding it: say so (synthesis refuses such grants; a hand-written binding may not).
        ...(who.email && !isAdmin && reserved ? [`  warning: ${reserved.text}`] : []),
      ],
    };
  }
  const would = CATALOG.filter((l) => rulesAllow(l.rules, resourceRequestOf(req)));
  const lines = [`no: ${who.label} may not ${what}`];
  if (decidedIn !== req.namespace)
    lines.push(
      `  decided in ${decidedIn}: a request on Namespace ${decidedIn} is evaluated in it, by its RoleBindings and the ClusterRoleBindings (as the API server does)`,
    );
  // A person bound to nothing: their grants decide nothing until that is lifted, so which grant
  // would allow it is beside the point (it may well be declared already).
  if (who.boundToNothing)
    return { allowed: false, lines: [...lines, `  ${who.email ?? who.label} is ${who.boundToNothing}`] };
  // A cluster-scoped object but a Namespace: ClusterRoleBindings only, and no access level is bound
  // by one (a level in every namespace reaches no node), so the levels that allow it would not.
  if (!decidedIn) {
    lines.push(
      `  no ClusterRoleBinding of theirs allows it: ${rulesResource(req)}${req.apiGroup ? `.${req.apiGroup}` : ''} are cluster-scoped, granted only cluster-wide, never by an access level`,
    );
    return { allowed: false, lines };
  }
  if (!would.length)
    lines.push(
      reserved
        ? `  no access level of the catalog allows it; ${reserved.text}`
        : '  no access level of the catalog allows it: only custom RBAC could',
    );
  else if (!isAdmin && !reserved && !BUILTIN_GROUPS.has(req.apiGroup)) {
    // A custom resource no class reserves: only w:full covers its group, but custom rules may grant it.
    const write = WRITE.includes(req.verb);
    const declared = write ? declaredSafe(req.apiGroup, rulesResource(req), model.safeCustomResources) : undefined;
    lines.push(
      `  no grant in ${decidedIn} allows it; custom rules may (${
        declared
          ? `the organization declares ${rulesResource(req)}.${req.apiGroup} safe: "${declared.reason}"`
          : 'no access level but w:full covers custom resources'
      })`,
    );
  } else if (!isAdmin && would.every((l) => l.adminOnly)) {
    const level = would.find((l) => l.id !== 'w:full');
    // The request's own reason (port-forward, proxies, Secret writes, custom resources) says more than its level's.
    if (reserved && (reserved.specific || !level))
      lines.push(`  it needs ${would.map((l) => l.id).join(' or ')}: ${reserved.text}`);
    else
      lines.push(
        `  it needs ${would.map((l) => l.id).join(' or ')}; ${(level ?? would[0]!).id} is reserved for admins: ${(level ?? would[0]!).reservedBecause}`,
      );
  } else {
    const grantable = would.filter((l) => isAdmin || !l.adminOnly).map((l) => l.id);
    lines.push(`  no grant in ${decidedIn} allows it; levels that would: ${grantable.join(', ')}`);
  }
  return { allowed: false, lines };
}
