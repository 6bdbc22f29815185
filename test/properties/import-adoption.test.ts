/**
 * Adopting a cluster gives nobody more than it gave: Argo CD prunes only what it tracks, so after
 * adoption the cluster holds the dump's objects, with the output's written over any of the same kind,
 * namespace and name. For every subject either side names (users, members of groups, service
 * accounts) and every request of a fixed set, what that cluster allows the dump allowed. Random dumps
 * use the names orgctl gives its own objects (`org:custom:<name>` and `org:token:<id>` Roles and
 * ClusterRoles, a Role and a ClusterRole of one name, and
 * `token-<id>` ServiceAccounts, rotated or not, bound or not) beside ordinary ones, and bind Groups to
 * them as a namespace admin could. (Red team K found Roles written over and ServiceAccounts given
 * another's id; this is their class.) Left out: the owner, an admin by `--owner`; a ServiceAccount of
 * the system namespace the dump does not hold (a token's new account, held by nobody yet: the report
 * says whose access moves to it); a level's ClusterRole name with other rules, which the import lists
 * (the output writes every level under its name). Roles live in Argo CD's namespace too (every cluster
 * orgctl delivers to has it), and no rule here is one orgctl refuses: every import must synthesize, so
 * no name may make an adoption fail. A namespace admin's membership ConfigMaps (`orgctl-organization`
 * and `orgctl-users`, in their namespace, in one named `<org>-system`, or as a file with no namespace)
 * make nobody an admin (red team K, R9-2, R10), and ClusterRoleBindings of Argo CD's accounts in any
 * namespace only keep that namespace out (R9-3). ORGCTL_PROPERTY_RUNS raises the number of cases.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { importRbac } from '../../review/import.ts';
import { Authorizer, serviceAccountUser, userInfo } from '../../analysis/authorizer.ts';
import { readRbac, type ManifestDoc } from '../../analysis/objects.ts';
import { findLevel } from '../../model/catalog.ts';
import { adopted, synthDocs } from '../review/import-access.ts';

const RUNS = Number(process.env.ORGCTL_PROPERTY_RUNS ?? 100);
const RBAC = 'rbac.authorization.k8s.io/v1';
const OWNER = 'root@acme.io';
const SYSTEM = 'org-system';
/** Argo CD's among them: every cluster orgctl delivers to holds it. */
const NAMESPACES = ['web', 'data', 'argocd'];
const ROLE_NAMES = [
  'ops',
  'org:custom:ops',
  'org:custom:ops-web',
  'org:token:web-ci',
  'org:token:ci',
  'org:token:ci-2',
];
const ACCOUNTS = [
  ['web', 'ci'],
  [SYSTEM, 'token-ci'],
  [SYSTEM, 'token-ci-r2'],
  [SYSTEM, 'token-web-ci'],
  [SYSTEM, 'token-ci-2'],
] as const;
const RULES = [
  findLevel('r:pods')!.rules,
  [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }],
  [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }],
  [{ apiGroups: [''], resources: ['services'], verbs: ['create', 'delete'] }],
];
const REQUESTS = [
  ['get', 'secrets'],
  ['get', 'configmaps'],
  ['get', 'pods'],
  ['create', 'services'],
] as const;

const subject = fc.oneof(
  fc.constantFrom('bob@acme.io', 'amy@x.io').map((name) => ({ kind: 'User', name })),
  fc.constant({ kind: 'Group', name: 'devs' }),
  fc.constantFrom(...ACCOUNTS).map(([namespace, name]) => ({ kind: 'ServiceAccount', name, namespace })),
);
const roleCase = fc.record({
  cluster: fc.boolean(),
  namespace: fc.constantFrom(...NAMESPACES),
  name: fc.constantFrom(...ROLE_NAMES),
  rules: fc.constantFrom(...RULES.keys()),
});
const bindingCase = fc.record({
  role: fc.nat(),
  subjects: fc.array(subject, { minLength: 1, maxLength: 2 }),
});
/** Where a namespace admin can put membership ConfigMaps: their namespace, one named `<org>-system`, a loose file. */
const FORGED_AT = ['web', 'gatekeeper-system', undefined] as const;
const forgedCase = fc.record({
  at: fc.constantFrom(...FORGED_AT),
  org: fc.constantFrom('org', 'gatekeeper'),
  users: fc.boolean(),
});
const dumpCase = fc.record({
  forged: fc.array(forgedCase, { maxLength: 2 }),
  argoCd: fc.option(fc.constantFrom(...NAMESPACES), { nil: undefined }),
  roles: fc.uniqueArray(roleCase, {
    minLength: 1,
    maxLength: 5,
    selector: (r) => (r.cluster ? r.name : `${r.namespace}/${r.name}`),
  }),
  bindings: fc.array(bindingCase, { minLength: 1, maxLength: 6 }),
  accounts: fc.subarray([...ACCOUNTS]),
});
type DumpCase = typeof dumpCase extends fc.Arbitrary<infer T> ? T : never;

/** A dump as `kubectl get -o yaml` lists one: namespaces, ServiceAccounts, Roles, RoleBindings. */
function dumpOf(c: DumpCase): ManifestDoc[] {
  const objects: object[] = [...NAMESPACES, SYSTEM].map((name) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name },
  }));
  for (const [namespace, name] of c.accounts)
    objects.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } });
  for (const r of c.roles)
    objects.push({
      apiVersion: RBAC,
      kind: r.cluster ? 'ClusterRole' : 'Role',
      metadata: r.cluster ? { name: r.name } : { name: r.name, namespace: r.namespace },
      rules: RULES[r.rules],
    });
  for (const f of c.forged) {
    const metadata = (name: string) => (f.at === undefined ? { name } : { name, namespace: f.at });
    const data = { 'organization.json': JSON.stringify({ name: f.org, owner: 'amy@x.io', namespaces: NAMESPACES }) };
    objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: metadata('orgctl-organization'), data });
    if (f.users)
      objects.push({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: metadata('orgctl-users'),
        data: {
          'users.jsonl': ['bob@acme.io', 'amy@x.io']
            .map(
              (email) =>
                `${JSON.stringify({ email, username: email, admin: true, billing: false, status: 'active' })}\n`,
            )
            .join(''),
        },
      });
  }
  if (c.argoCd !== undefined)
    objects.push({
      apiVersion: RBAC,
      kind: 'ClusterRoleBinding',
      metadata: { name: 'argocd-application-controller' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'argocd-application-controller' },
      subjects: [{ kind: 'ServiceAccount', name: 'argocd-application-controller', namespace: c.argoCd }],
    });
  c.bindings.forEach((b, i) => {
    const r = c.roles[b.role % c.roles.length]!;
    objects.push({
      apiVersion: RBAC,
      kind: 'RoleBinding',
      metadata: { name: `binding-${i}`, namespace: r.namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: r.cluster ? 'ClusterRole' : 'Role', name: r.name },
      subjects: b.subjects,
    });
  });
  return objects.map((object, index) => ({ file: 'dump.yaml', index, object }));
}

/** Everyone the bindings name, as the authorizer sees them: users, a member of each group, service accounts. */
function whoIsNamed(docs: readonly ManifestDoc[]): Map<string, ReturnType<typeof userInfo>> {
  const who = new Map<string, ReturnType<typeof userInfo>>();
  for (const b of readRbac(docs).bindings)
    for (const s of b.subjects) {
      if (s.kind === 'User') who.set(s.name, userInfo(s.name));
      else if (s.kind === 'Group') who.set(`group ${s.name}`, userInfo('a-member', [s.name]));
      else {
        const name = serviceAccountUser(s.namespace || b.namespace, s.name);
        who.set(name, userInfo(name));
      }
    }
  return who;
}

describe('adopting a cluster gives nobody more than it gave', () => {
  it('the dump with the output written over it allows no subject a request the dump did not', () => {
    fc.assert(
      fc.property(dumpCase, (c) => {
        const input = dumpOf(c);
        const { spec } = importRbac(input, { org: 'org', owner: OWNER });
        // No rule here is one orgctl refuses (none runs pods), so no name may make the import refused:
        // synthDocs throws with the findings.
        const output = synthDocs(spec);
        const before = new Authorizer(readRbac(input));
        const after = new Authorizer(readRbac(adopted(input, output)));
        const held = new Set([
          ...readRbac(input).serviceAccounts.map((a) => serviceAccountUser(...(a.split('/') as [string, string]))),
          ...whoIsNamed(input).keys(),
        ]);
        const gains: string[] = [];
        for (const [name, user] of whoIsNamed(adopted(input, output))) {
          if (name === OWNER) continue;
          if (name.startsWith(serviceAccountUser(SYSTEM, '')) && !held.has(name)) continue;
          for (const namespace of [...NAMESPACES, SYSTEM])
            for (const [verb, resource] of REQUESTS) {
              const attrs = { verb, namespace, apiGroup: '', resource };
              if (after.authorize(user, attrs).allowed && !before.authorize(user, attrs).allowed)
                gains.push(`${name}: ${verb} ${resource} in ${namespace}`);
            }
        }
        expect(gains).toEqual([]);
      }),
      { numRuns: RUNS, seed: Number(process.env.ORGCTL_PROPERTY_SEED ?? Date.now() % 2 ** 31) },
    );
  });
});
