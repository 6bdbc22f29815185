/**
 * Adopting an existing cluster: RBAC manifests in, an organization spec out. Bindings whose role
 * is exactly a catalog level become levels; every other role becomes a custom role judged by its
 * rules. What cannot be mapped (groups, cluster-wide bindings, system subjects, names that are not
 * emails) is reported, never silently dropped. orgctl's own output also carries its membership
 * (ConfigMaps): who is deactivated or billing, GitHub logins, invites, token names, owners and
 * rotations, clusters; importing it keeps all of that.
 */
import { CATALOG, grantableLevels, type PolicyRule } from '../model/catalog.ts';
import { ORG_DEFAULTS, systemNamespaceOf, tokenAccountName } from '../model/model.ts';
import { EMAIL_PATTERN } from '../constructs/props.ts';
import { DEFAULT_CLUSTER } from '../synth/render.ts';
import type { OrgSpec } from '../constructs/spec.ts';
import { SnapshotError } from '../model/errors.ts';
import { placementOf, readMembership, type Membership } from '../analysis/snapshot.ts';
import { levelsCovered, ruleAtoms } from '../analysis/access.ts';
import { orgRoleOf } from '../analysis/org-roles.ts';
import { Authorizer } from '../analysis/authorizer.ts';
import type { ManifestDoc, RoleObject } from '../analysis/objects.ts';
import { readRbac } from '../analysis/objects.ts';
import { rulesAllow } from '../analysis/rules.ts';

export interface ImportOptions {
  /** Organization name. @default from orgctl's membership data, else 'org' */
  readonly org?: string;
  /** The owner's email. @default the first admin found */
  readonly owner?: string;
}

export interface ImportResult {
  readonly spec: OrgSpec;
  /** One line per thing that could not be mapped. */
  readonly report: readonly string[];
}

const EMAIL = new RegExp(EMAIL_PATTERN);
const SYSTEM_NAMESPACE = /^(kube-|openshift-)|^default$/;
/** How the ServiceAccount of an orgctl token begins: `token-`. */
const TOKEN_ACCOUNT = tokenAccountName('');

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

/** A rule in the order people write them. */
const ordered = (r: PolicyRule): PolicyRule => ({
  ...(r.apiGroups ? { apiGroups: [...r.apiGroups] } : {}),
  ...(r.resources ? { resources: [...r.resources] } : {}),
  ...(r.resourceNames ? { resourceNames: [...r.resourceNames] } : {}),
  ...(r.nonResourceURLs ? { nonResourceURLs: [...r.nonResourceURLs] } : {}),
  verbs: [...r.verbs],
});

/** A DNS subdomain: lower-case labels of [a-z0-9-], each starting and ending with a letter or digit. */
const dnsName = (s: string) =>
  s.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').slice(0, 200).split('.').map((l) => l.replace(/^-+|-+$/g, '')).filter(Boolean).join('.') || 'role';
const dnsLabel = (s: string) => dnsName(s).replace(/\./g, '-').slice(0, 57).replace(/-+$/, '') || 'token';

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

export function importRbac(docs: readonly ManifestDoc[], options: ImportOptions = {}): ImportResult {
  const report: string[] = [];
  const set = readRbac(docs);
  for (const p of set.problems) report.push(`malformed: ${p}`);
  const authz = new Authorizer(set);
  // orgctl's own output carries its membership: who is deactivated, billing, GitHub logins,
  // invites, token names and rotations... none of which RBAC shows. Read it when it is there.
  let membership: Membership | undefined;
  try {
    membership = readMembership(docs, 'the input');
  } catch (e) {
    if (!(e instanceof SnapshotError)) throw e;
  }
  const orgName = options.org ?? membership?.org.name ?? 'org';
  const org: string = orgName;
  const systemNamespace = membership?.org.systemNamespace ?? systemNamespaceOf(orgName);
  // Subjects carry the identity prefix (oidc:bob@acme.io): the membership says whose they are.
  const byUsername = new Map([...(membership?.users.values() ?? [])].map((u) => [u.username, u.email]));
  const tokenByAccount = new Map([...(membership?.tokens.values() ?? [])].map((t) => [t.serviceAccount, t.id]));

  const namespaces = new Set<string>(set.namespaces.filter((n) => !SYSTEM_NAMESPACE.test(n) && n !== systemNamespace));
  const users = new Map<string, { admin: boolean }>();
  interface GrantFound { user: string; namespace: string; levels: Set<string>; customRoles: Set<string>; rules: PolicyRule[] }
  // Namespace → email → grant: two lookups of strings already in memory, not a key string per
  // subject (100,000 concatenated keys cost a large organization's review a third of a second).
  const grants = new Map<string, Map<string, GrantFound>>();
  const customRoles = new Map<string, readonly PolicyRule[]>();
  interface TokenAccess { levels: Set<string>; rules: PolicyRule[]; roles: Set<RoleObject>; customRoles: Set<string> }
  const tokens = new Map<string, Map<string, TokenAccess>>();
  /** A role as a level, or a custom role (`named`: one of orgctl's own, bound by name). */
  const mapped = new Map<RoleObject, { level?: string; custom?: string; named?: boolean; inline?: boolean }>();
  // Custom role names given so far, with their rules: two different roles never share a name
  // (Roles named alike in two namespaces would otherwise merge, and grant each other's access).
  const customNames = new Map<string, string>();
  const uniqueName = (base: string, role: RoleObject): string => {
    const name = claim(customNames, base, JSON.stringify(role.rules), (n) => dnsName(n === 2 && role.namespace ? `${base}-${role.namespace}` : `${base}-${n}`));
    if (name !== base) report.push(`${role.kind} ${role.namespace ? `${role.namespace}/` : ''}${role.name}: another role with other rules is also called ${base}; imported as custom role ${name}`);
    return name;
  };
  // Token ids given so far, with the ServiceAccount each stands for.
  const tokenIds = new Map<string, string>();
  const renamedAccounts = new Set<string>();
  const uniqueTokenId = (base: string, account: string): string => {
    const id = claim(tokenIds, base, account, (n) => dnsLabel(`${base}-${n}`));
    if (id !== base && !renamedAccounts.has(account)) {
      renamedAccounts.add(account); // said once, however many bindings name it
      report.push(`ServiceAccount ${account}: token id ${base} is another ServiceAccount's; imported as token ${id}`);
    }
    return id;
  };

  const roleMapping = (role: RoleObject) => {
    let m = mapped.get(role);
    if (!m) {
      // orgctl's own custom roles stay custom roles, with their names, even when their rules
      // equal a level's; everything else that is exactly a level becomes that level.
      const own = orgRoleOf(org, role.name);
      const level = own.kind === 'custom' ? undefined : exactLevel(role.rules);
      if (level) m = { level };
      // A user's inline rules in orgctl's own output stay inline rules (the Role is named after them).
      else if (own.kind === 'user-rules' && membership?.users.has(own.email)) m = { inline: true };
      else m = { custom: uniqueName(dnsName(own.kind === 'custom' ? own.name : own.kind === 'user-rules' ? own.email : role.name), role), ...(own.kind === 'custom' ? { named: true } : {}) };
      mapped.set(role, m);
    }
    return m;
  };

  for (const b of set.bindings) {
    const where = `${b.kind} ${b.namespace ? `${b.namespace}/` : ''}${b.name}`;
    if (b.kind === 'ClusterRoleBinding') {
      report.push(`${where}: cluster-wide bindings are not part of an organization (subjects: ${b.subjects.map((s) => `${s.kind} ${s.name}`).join(', ') || 'none'})`);
      continue;
    }
    const role = authz.roleOf(b);
    if (!role) {
      report.push(`${where}: its ${b.roleRef.kind} ${b.roleRef.name} does not exist; nothing to import`);
      continue;
    }
    if (SYSTEM_NAMESPACE.test(b.namespace)) {
      report.push(`${where}: namespace ${b.namespace} is a system namespace; not imported`);
      continue;
    }
    const m = roleMapping(role);
    for (const s of b.subjects) {
      if (s.kind === 'Group') {
        report.push(`${where}: Group ${s.name} cannot be a user; declare its members`);
      } else if (s.kind === 'User') {
        const known = byUsername.get(s.name);
        if (!known && (s.name.startsWith('system:') || !EMAIL.test(s.name))) {
          report.push(`${where}: User ${s.name} is ${s.name.startsWith('system:') ? 'a system user' : 'not an email'}; not imported`);
          continue;
        }
        const email = known ?? s.name.toLowerCase();
        users.set(email, users.get(email) ?? { admin: false });
        if (b.namespace === systemNamespace) {
          // orgctl binds only admins in its system namespace, with w:full
          if (m.level === 'w:full') users.get(email)!.admin = true;
          else report.push(`${where}: ${email} has access to the system namespace without w:full; not imported`);
          continue;
        }
        namespaces.add(b.namespace);
        let inNamespace = grants.get(b.namespace);
        if (!inNamespace) grants.set(b.namespace, (inNamespace = new Map()));
        let g = inNamespace.get(email);
        if (!g) inNamespace.set(email, (g = { user: email, namespace: b.namespace, levels: new Set<string>(), customRoles: new Set<string>(), rules: [] }));
        if (m.level) g.levels.add(m.level);
        else if (m.inline) {
          if (!g.rules.length) g.rules.push(...role.rules); // the same Role in two clusters' output is one grant
        }
        else {
          g.customRoles.add(m.custom!);
          customRoles.set(m.custom!, role.rules);
        }
      } else {
        const saNamespace = s.namespace || b.namespace;
        if (SYSTEM_NAMESPACE.test(saNamespace)) {
          report.push(`${where}: ServiceAccount ${saNamespace}/${s.name} is a system account; not imported`);
          continue;
        }
        // orgctl's own tokens: the membership says which token a ServiceAccount is (an id may end in -r5).
        const own = saNamespace === systemNamespace ? tokenByAccount.get(s.name) : undefined;
        const base = own ?? (saNamespace === systemNamespace && s.name.startsWith(TOKEN_ACCOUNT) ? s.name.slice(TOKEN_ACCOUNT.length).replace(/-r\d+$/, '') : dnsLabel(`${saNamespace}-${s.name}`));
        const id = uniqueTokenId(base, `${saNamespace}/${s.name}`);
        namespaces.add(b.namespace);
        const byNs = tokens.get(id) ?? new Map<string, TokenAccess>();
        const entry = byNs.get(b.namespace) ?? { levels: new Set<string>(), rules: [], roles: new Set<RoleObject>(), customRoles: new Set<string>() };
        if (m.level) entry.levels.add(m.level);
        else if (m.named) {
          entry.customRoles.add(m.custom!);
          customRoles.set(m.custom!, role.rules);
        } else if (!entry.roles.has(role)) {
          // once per role: the same binding in two clusters' output is one grant
          entry.roles.add(role);
          for (const r of role.rules) entry.rules.push(r);
        }
        byNs.set(b.namespace, entry);
        tokens.set(id, byNs);
      }
    }
  }

  const admins = [...users].filter(([, u]) => u.admin).map(([e]) => e).sort();
  const owner = options.owner?.toLowerCase() ?? membership?.org.owner ?? admins[0];
  if (!owner) report.push('no admin found (no User holds w:full in the system namespace): give --owner; the spec names a placeholder owner');
  const ownerEmail = owner ?? `owner@${orgName}.invalid`;
  if (!users.has(ownerEmail)) users.set(ownerEmail, { admin: true });
  users.get(ownerEmail)!.admin = true;

  // Custom RBAC in the namespaces' declared order, as the membership keeps it.
  const rbacOrder = <T>(id: string, entries: [string, T][]): [string, T][] => {
    const declared = membership?.tokens.get(id)?.customRbac ?? [];
    const rank = (ns: string) => (declared.includes(ns) ? declared.indexOf(ns) : declared.length);
    return [...entries].sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  };
  type TokenRbac = { namespace: string; rules?: PolicyRule[]; customRole?: string };
  const tokenSpecs: { id: string; namespaces: string[]; levels?: string[]; rbac?: TokenRbac[] }[] = [...tokens].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, byNs]) => {
    const entries = [...byNs].sort(([a], [b]) => (a < b ? -1 : 1));
    const levelSets = entries.map(([, e]) => [...e.levels].sort().join(','));
    const uniform = entries.every(([, e]) => !e.rules.length && !e.customRoles.size && e.levels.size) && new Set(levelSets).size === 1;
    const rbacOf = ([ns, e]: [string, TokenAccess]): TokenRbac[] => {
      const rules = [...e.rules, ...[...e.levels].flatMap((l) => CATALOG.find((c) => c.id === l)!.rules)].map(ordered);
      return [...(rules.length ? [{ namespace: ns, rules }] : []), ...[...e.customRoles].sort().map((c) => ({ namespace: ns, customRole: c }))];
    };
    // The membership keeps the declared order of a token's namespaces (its output does too).
    const declared = membership?.tokens.get(id)?.namespaces;
    const found = entries.map(([ns]) => ns);
    const order = declared && declared.length === found.length && found.every((ns) => declared.includes(ns)) ? [...declared] : found;
    return uniform
      ? { id, namespaces: order, levels: [...entries[0]![1].levels].sort() }
      : { id, namespaces: [], rbac: rbacOrder(id, entries).flatMap(rbacOf) };
  });

  // Membership: people without bindings (deactivated, billing only) and what each person is.
  for (const m of membership?.users.values() ?? []) {
    const u = users.get(m.email) ?? { admin: false };
    users.set(m.email, { ...u, admin: u.admin || m.admin });
  }
  const member = (email: string) => membership?.users.get(email);
  const userSpec = (email: string, admin: boolean) => {
    const m = member(email);
    return {
      email,
      ...(m?.github ? { github: m.github } : {}),
      ...(admin ? { admin: true } : {}),
      ...(m?.billing ? { billing: true } : {}),
      ...(m?.status === 'deactivated' ? { status: 'deactivated' as const } : {}),
      ...(m?.access ? { access: m.access } : {}),
    };
  };
  // Add All shows as every grantable level everywhere: the user says Add All instead.
  const addAll = new Set([...(membership?.users.values() ?? [])].filter((m) => m.access === 'all').map((m) => m.email));
  const grantable = new Set(grantableLevels());
  for (const t of membership?.tokens.values() ?? []) {
    if (!tokenSpecs.some((s) => s.id === t.id)) tokenSpecs.push({ id: t.id, namespaces: [...t.namespaces], ...(t.namespaces.length ? { levels: [...(t.levels ?? [])] } : {}) });
  }
  tokenSpecs.sort((a, b) => (a.id < b.id ? -1 : 1));
  const tokenMeta = (id: string) => {
    const t = membership?.tokens.get(id);
    return t ? { ...(t.name !== undefined ? { name: t.name } : {}), ...(t.owner !== undefined ? { owner: t.owner } : {}), ...(t.rotation ? { rotation: t.rotation } : {}), ...(t.note !== undefined ? { note: t.note } : {}), ...(t.expires !== undefined ? { expires: t.expires } : {}) } : {};
  };
  const declaredRoles = new Set((membership?.org.roles ?? []).map((r) => r.name));
  const invites = [...(membership?.invites.values() ?? [])].map((i) => {
    const grants: { namespace: string; levels?: string[]; role?: string }[] = [];
    for (const g of i.grants) {
      const known = (g.roles ?? []).filter((r) => declaredRoles.has(r));
      for (const r of g.roles ?? []) if (!declaredRoles.has(r)) report.push(`invite ${i.email}: role ${r} in ${g.namespace} is not in the output (its levels are not recorded); declare the role again`);
      // One spec grant holds levels and one role; further roles are grants of their own.
      if (g.levels?.length || known.length) grants.push({ namespace: g.namespace, ...(g.levels?.length ? { levels: [...g.levels] } : {}), ...(known.length ? { role: known[0] } : {}) });
      for (const r of known.slice(1)) grants.push({ namespace: g.namespace, role: r });
    }
    return { email: i.email, ...(i.admin ? { admin: true } : {}), ...(i.billing ? { billing: true } : {}), sso: i.sso, state: i.state, grants };
  });
  const clusters = membership?.org.clusters ?? [];
  const placement = membership ? placementOf(docs, clusters.length ? clusters : [DEFAULT_CLUSTER]) : new Map<string, readonly string[]>();
  // Placement is read from the files' paths (<cluster>/<shard>/resources.yaml): a stream has none.
  if (clusters.length > 1 && !placement.size) {
    report.push(`which of the clusters ${clusters.join(', ')} holds which namespace is unknown (the input has no <cluster>/<shard>/resources.yaml paths: import the folder, e.g. --from dist): every namespace is declared in every cluster; set each namespace's clusters`);
  }
  const namespaceSpec = (name: string) => {
    const where = placement.get(name);
    return { name, ...(clusters.length > 1 && where && where.length < clusters.length ? { clusters: [...where] } : {}) };
  };
  for (const ns of membership?.org.namespaces ?? []) if (ns !== systemNamespace) namespaces.add(ns);

  const spec: OrgSpec = {
    apiVersion: 'orgctl/v1',
    kind: 'Organization',
    metadata: { name: orgName },
    spec: {
      owner: ownerEmail,
      ...(membership?.org.usernamePrefix ? { identity: { usernamePrefix: membership.org.usernamePrefix } } : {}),
      ...(membership?.org.ssoEnforced ? { sso: { enforced: true } } : {}),
      ...(clusters.length ? { clusters: [...clusters] } : {}),
      ...(membership && membership.org.massRemovalThreshold !== ORG_DEFAULTS.massRemovalThreshold ? { review: { massRemovalThreshold: membership.org.massRemovalThreshold } } : {}),
      ...(membership && (membership.org.shards !== ORG_DEFAULTS.shards || membership.org.argocd)
        ? { delivery: { ...(membership.org.shards !== ORG_DEFAULTS.shards ? { shards: membership.org.shards } : {}), ...(membership.org.argocd ? { argocd: { ...membership.org.argocd } } : {}) } }
        : {}),
      ...(membership?.org.roles.length ? { roles: membership.org.roles.map((r) => ({ name: r.name, levels: [...r.levels] })) } : {}),
      users: [...users].sort(([a], [b]) => (a < b ? -1 : 1)).map(([email, u]) => userSpec(email, u.admin)),
      namespaces: [...namespaces].sort().map(namespaceSpec),
      ...(customRoles.size ? { customRoles: [...customRoles].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, rules]) => ({ name, rules: rules.map(ordered) })) } : {}),
      grants: [...grants.keys()].sort()
        .flatMap((ns) => [...grants.get(ns)!.values()].sort((a, b) => (a.user < b.user ? -1 : a.user > b.user ? 1 : 0)))
        .filter((g) => !users.get(g.user)?.admin)
        .flatMap((g) => {
          // Add All gives every grantable level: only what it does not give stays a grant.
          const levels = [...g.levels].filter((l) => !(addAll.has(g.user) && grantable.has(l))).sort();
          return [
          ...(levels.length ? [{ user: g.user, namespace: g.namespace, levels }] : []),
          ...[...g.customRoles].sort().map((c) => ({ user: g.user, namespace: g.namespace, customRole: c })),
          ...(g.rules.length ? [{ user: g.user, namespace: g.namespace, rules: g.rules.map(ordered) }] : []),
          ];
        }),
      ...(tokenSpecs.length ? { tokens: tokenSpecs.map((t) => ({ ...t, ...tokenMeta(t.id) })) } : {}),
      ...(invites.length ? { invites } : {}),
    },
  };
  return { spec, report };
}
