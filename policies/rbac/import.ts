/**
 * Adopting an existing cluster: RBAC manifests in, an organization spec out. Bindings whose role
 * is exactly a catalog level become levels; every other role becomes a custom role judged by its
 * rules. What cannot be mapped (groups, cluster-wide bindings, system subjects, names that are not
 * emails) is reported, never silently dropped.
 */
import { CATALOG, type PolicyRule } from '../../constructs/catalog.ts';
import type { OrgSpec } from '../../constructs/spec.ts';
import { levelsCovered, ruleAtoms } from './access.ts';
import { orgRoleOf } from './org-roles.ts';
import { Authorizer } from './authorizer.ts';
import type { ManifestDoc, RoleObject } from './objects.ts';
import { readRbac } from './objects.ts';
import { rulesAllow } from './rules.ts';

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

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const SYSTEM_NAMESPACE = /^(kube-|openshift-)|^default$/;

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

export function importRbac(docs: readonly ManifestDoc[], options: ImportOptions = {}): ImportResult {
  const report: string[] = [];
  const set = readRbac(docs);
  for (const p of set.problems) report.push(`malformed: ${p}`);
  const authz = new Authorizer(set);
  // orgctl's own output names its organization and system namespace.
  const membership = docs.map((d) => d.object as { kind?: string; metadata?: { name?: string; namespace?: string }; data?: Record<string, string> })
    .find((o) => o?.kind === 'ConfigMap' && o.metadata?.name === 'orgctl-organization');
  let orgName = options.org;
  if (!orgName && membership?.data?.['organization.json']) {
    try {
      orgName = (JSON.parse(membership.data['organization.json']) as { name?: string }).name;
    } catch {
      // fall back below
    }
  }
  orgName ??= 'org';
  const org: string = orgName;
  const systemNamespace = membership?.metadata?.namespace ?? `${orgName}-system`;

  const namespaces = new Set<string>(set.namespaces.filter((n) => !SYSTEM_NAMESPACE.test(n) && n !== systemNamespace));
  const users = new Map<string, { admin: boolean }>();
  const grants = new Map<string, { user: string; namespace: string; levels: Set<string>; customRoles: Set<string> }>();
  const customRoles = new Map<string, readonly PolicyRule[]>();
  const tokens = new Map<string, Map<string, { levels: Set<string>; rules: PolicyRule[] }>>();
  const mapped = new Map<RoleObject, { level?: string; custom?: string }>();
  // Custom role names given so far, with their rules: two different roles never share a name
  // (Roles named alike in two namespaces would otherwise merge, and grant each other's access).
  const customNames = new Map<string, string>();
  const uniqueName = (base: string, role: RoleObject): string => {
    const rules = JSON.stringify(role.rules);
    let name = base;
    for (let n = 1; customNames.has(name) && customNames.get(name) !== rules; n++) {
      name = dnsName(n === 1 && role.namespace ? `${base}-${role.namespace}` : `${base}-${n}`);
    }
    if (name !== base) report.push(`${role.kind} ${role.namespace ? `${role.namespace}/` : ''}${role.name}: another role with other rules is also called ${base}; imported as custom role ${name}`);
    customNames.set(name, rules);
    return name;
  };
  // Token ids given so far, with the ServiceAccount each stands for.
  const tokenIds = new Map<string, string>();
  const uniqueTokenId = (base: string, account: string): string => {
    let id = base;
    for (let n = 2; tokenIds.has(id) && tokenIds.get(id) !== account; n++) id = dnsLabel(`${base}-${n}`);
    if (id !== base && !tokenIds.has(id)) report.push(`ServiceAccount ${account}: token id ${base} is another ServiceAccount's; imported as token ${id}`);
    tokenIds.set(id, account);
    return id;
  };

  const roleMapping = (role: RoleObject) => {
    let m = mapped.get(role);
    if (!m) {
      const level = exactLevel(role.rules);
      if (level) m = { level };
      else {
        // orgctl's own custom roles keep their names; everything else is named after its role.
        const own = orgRoleOf(org, role.name);
        m = { custom: uniqueName(dnsName(own.kind === 'custom' ? own.name : own.kind === 'user-rules' ? own.email : role.name), role) };
      }
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
        if (s.name.startsWith('system:') || !EMAIL.test(s.name)) {
          report.push(`${where}: User ${s.name} is ${s.name.startsWith('system:') ? 'a system user' : 'not an email'}; not imported`);
          continue;
        }
        const email = s.name.toLowerCase();
        users.set(email, users.get(email) ?? { admin: false });
        if (b.namespace === systemNamespace) {
          // orgctl binds only admins in its system namespace, with w:full
          if (m.level === 'w:full') users.get(email)!.admin = true;
          else report.push(`${where}: ${email} has access to the system namespace without w:full; not imported`);
          continue;
        }
        namespaces.add(b.namespace);
        const key = `${email}\u0000${b.namespace}`;
        const g = grants.get(key) ?? { user: email, namespace: b.namespace, levels: new Set<string>(), customRoles: new Set<string>() };
        if (m.level) g.levels.add(m.level);
        else {
          g.customRoles.add(m.custom!);
          customRoles.set(m.custom!, role.rules);
        }
        grants.set(key, g);
      } else {
        const saNamespace = s.namespace || b.namespace;
        if (SYSTEM_NAMESPACE.test(saNamespace)) {
          report.push(`${where}: ServiceAccount ${saNamespace}/${s.name} is a system account; not imported`);
          continue;
        }
        const base = saNamespace === systemNamespace && s.name.startsWith('token-') ? s.name.slice(6).replace(/-r\d+$/, '') : dnsLabel(`${saNamespace}-${s.name}`);
        const id = uniqueTokenId(base, `${saNamespace}/${s.name}`);
        namespaces.add(b.namespace);
        const byNs = tokens.get(id) ?? new Map<string, { levels: Set<string>; rules: PolicyRule[] }>();
        const entry = byNs.get(b.namespace) ?? { levels: new Set<string>(), rules: [] };
        if (m.level) entry.levels.add(m.level);
        else entry.rules.push(...role.rules);
        byNs.set(b.namespace, entry);
        tokens.set(id, byNs);
      }
    }
  }

  const admins = [...users].filter(([, u]) => u.admin).map(([e]) => e).sort();
  const owner = options.owner?.toLowerCase() ?? admins[0];
  if (!owner) report.push('no admin found (no User holds w:full in the system namespace): give --owner; the spec names a placeholder owner');
  const ownerEmail = owner ?? `owner@${orgName}.invalid`;
  if (!users.has(ownerEmail)) users.set(ownerEmail, { admin: true });
  users.get(ownerEmail)!.admin = true;

  const tokenSpecs = [...tokens].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, byNs]) => {
    const entries = [...byNs].sort(([a], [b]) => (a < b ? -1 : 1));
    const levelSets = entries.map(([, e]) => [...e.levels].sort().join(','));
    const uniform = entries.every(([, e]) => !e.rules.length && e.levels.size) && new Set(levelSets).size === 1;
    return uniform
      ? { id, namespaces: entries.map(([ns]) => ns), levels: [...entries[0]![1].levels].sort() }
      : { id, namespaces: [], rbac: entries.map(([ns, e]) => ({ namespace: ns, rules: [...e.rules, ...[...e.levels].flatMap((l) => CATALOG.find((c) => c.id === l)!.rules)].map(ordered) })) };
  });

  const spec: OrgSpec = {
    apiVersion: 'orgctl/v1',
    kind: 'Organization',
    metadata: { name: orgName },
    spec: {
      owner: ownerEmail,
      users: [...users].sort(([a], [b]) => (a < b ? -1 : 1)).map(([email, u]) => ({ email, ...(u.admin ? { admin: true } : {}) })),
      namespaces: [...namespaces].sort().map((name) => ({ name })),
      ...(customRoles.size ? { customRoles: [...customRoles].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, rules]) => ({ name, rules: rules.map(ordered) })) } : {}),
      grants: [...grants.values()]
        .filter((g) => !users.get(g.user)?.admin)
        .sort((a, b) => (a.namespace === b.namespace ? (a.user < b.user ? -1 : 1) : a.namespace < b.namespace ? -1 : 1))
        .flatMap((g) => [
          ...(g.levels.size ? [{ user: g.user, namespace: g.namespace, levels: [...g.levels].sort() }] : []),
          ...[...g.customRoles].sort().map((c) => ({ user: g.user, namespace: g.namespace, customRole: c })),
        ]),
      ...(tokenSpecs.length ? { tokens: tokenSpecs } : {}),
    },
  };
  return { spec, report };
}
