/** orgctl import, phase by phase: each of importRbac's steps on small inputs, data in and data out. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifests } from '../../cli/manifests.ts';
import { findLevel, grantableLevels, type PolicyRule } from '../../model/catalog.ts';
import type { MemberInvite, MemberToken, MemberUser } from '../../model/membership.ts';
import type { Membership, OrgInfo } from '../../analysis/snapshot.ts';
import { readRbac, type ManifestDoc, type RoleObject } from '../../analysis/objects.ts';
import {
  assembleSpec,
  classifyRole,
  classifyRoles,
  customRoleSpecs,
  emailOf,
  grantSpecs,
  importRbac,
  inDeclaredOrder,
  inInputOrder,
  inviteGrantSpecs,
  invitesOf,
  nameCustomRoles,
  namespaceSpecs,
  namespacesOf,
  orgSettingsOf,
  ownerOf,
  peopleOf,
  readSource,
  screenBindings,
  subjectsContextOf,
  tokenAccessOf,
  tokenIdOf,
  tokenMetaOf,
  tokenRbacSpecs,
  tokenSpec,
  tokenSpecs,
  userAccessOf,
  userSpecs,
  type FoundGrant,
  type SubjectsContext,
  type TokenAccess,
} from '../../review/import.ts';
import { ROOT } from '../helpers.ts';

const RBAC = 'rbac.authorization.k8s.io/v1';
const levelRules = (id: string) => findLevel(id)!.rules;
const PODS_GET: PolicyRule[] = [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }];
const WIDGETS: PolicyRule[] = [{ apiGroups: ['example.com'], resources: ['widgets'], verbs: ['create'] }];

const docs = (...objects: object[]): ManifestDoc[] =>
  objects.map((object, index) => ({ file: 'c.yaml', index, object }));
const metadata = (name: string, namespace: string | undefined) => ({ name, ...(namespace ? { namespace } : {}) });
const roleDoc = (name: string, namespace: string | undefined, rules: readonly PolicyRule[]) => ({
  apiVersion: RBAC,
  kind: namespace ? 'Role' : 'ClusterRole',
  metadata: metadata(name, namespace),
  rules,
});
const bindingDoc = (
  name: string,
  namespace: string | undefined,
  role: { kind: string; name: string },
  subjects: object[],
) => ({
  apiVersion: RBAC,
  kind: namespace ? 'RoleBinding' : 'ClusterRoleBinding',
  metadata: metadata(name, namespace),
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...role },
  subjects,
});
const clusterRole = (name: string) => ({ kind: 'ClusterRole', name });
const namespacedRole = (name: string) => ({ kind: 'Role', name });
const user = (name: string) => ({ kind: 'User', name });
const group = (name: string) => ({ kind: 'Group', name });
const sa = (name: string, namespace?: string) => ({
  kind: 'ServiceAccount',
  name,
  ...(namespace ? { namespace } : {}),
});

function role(name: string, rules: readonly PolicyRule[], namespace = ''): RoleObject {
  const kind = namespace ? 'Role' : 'ClusterRole';
  return { kind, name, namespace, rules, labels: {}, from: { file: 'c.yaml', index: 0 } };
}

/** A membership as orgctl's ConfigMaps give it, from the parts a test cares about. */
function membership(
  parts: {
    org?: Partial<OrgInfo>;
    users?: (Partial<MemberUser> & { email: string })[];
    tokens?: (Partial<MemberToken> & { id: string })[];
    invites?: (Partial<MemberInvite> & { email: string })[];
  } = {},
): Membership {
  const org: OrgInfo = {
    name: 'acme',
    owner: 'alice@acme.io',
    usernamePrefix: '',
    ssoEnforced: false,
    clusters: [],
    namespaces: [],
    massRemovalThreshold: 0.25,
    systemNamespace: 'acme-system',
    shards: 32,
    roles: [],
    ...parts.org,
  };
  const users = (parts.users ?? []).map(
    (u): MemberUser => ({ username: u.email, admin: false, billing: false, status: 'active', ...u }),
  );
  const tokens = (parts.tokens ?? []).map(
    (t): MemberToken => ({ serviceAccount: `token-${t.id}`, namespaces: [], ...t }),
  );
  const invites = (parts.invites ?? []).map(
    (i): MemberInvite => ({ admin: false, billing: false, sso: true, state: 'pending', grants: [], ...i }),
  );
  return {
    org,
    users: new Map(users.map((u) => [u.email, u])),
    tokens: new Map(tokens.map((t) => [t.id, t])),
    invites: new Map(invites.map((i) => [i.email, i])),
    namespaceSettings: new Map(),
  };
}

/** Argo CD where it runs by default: no organization's namespace. */
const ARGOCD: ReadonlySet<string> = new Set(['argocd']);

const context = (parts: Partial<SubjectsContext> = {}): SubjectsContext => ({
  systemNamespace: 'acme-system',
  usernamePrefix: '',
  own: true,
  emailByUsername: new Map(),
  adminEmails: new Set(),
  tokenByAccount: new Map(),
  argocdNamespaces: ARGOCD,
  ...parts,
});

/** Importable bindings straight from manifests, with their roles imported as classifyRoles and nameCustomRoles say. */
function imported(objects: object[], org = 'acme', members?: ReadonlyMap<string, unknown>) {
  const rbac = readRbac(docs(...objects));
  const { importable } = screenBindings(rbac, ARGOCD);
  return { importable, input: { rbac, org }, ...nameCustomRoles(classifyRoles(importable, org, members)) };
}

const access = (parts: Partial<TokenAccess> = {}): TokenAccess => ({
  levels: new Set<string>(),
  rules: [],
  roles: new Set<RoleObject>(),
  customRoles: new Set<string>(),
  ...parts,
});

const custom = (name: string, named = false) => ({ kind: 'custom', name, named }) as const;

describe('import phases', () => {
  describe('readSource', () => {
    it('reads hand-written RBAC without membership: the organization is named as given, else "org"', () => {
      const input = docs(roleDoc('r', 'web', PODS_GET), {
        apiVersion: RBAC,
        kind: 'RoleBinding',
        metadata: { name: 'broken' },
      });
      const source = readSource(input, {});
      expect(source.membership).toBeUndefined();
      expect([source.org, source.systemNamespace, source.placement.size]).toEqual(['org', 'org-system', 0]);
      expect(source.rbac.problems).toHaveLength(1);
      expect(readSource(input, { org: 'shop' })).toMatchObject({ org: 'shop', systemNamespace: 'shop-system' });
    });

    it("reads orgctl's output with its membership and which cluster holds which namespace", () => {
      const dist = loadManifests(join(ROOT, 'dist')).docs;
      const source = readSource(dist, {});
      expect([source.org, source.systemNamespace]).toEqual(['acme', 'acme-system']);
      expect(source.membership!.users.get('mallory@acme.io')!.status).toBe('deactivated');
      expect(source.placement.get('ml')).toEqual(['lga1']);
      expect(source.placement.get('web')).toEqual(['lga1', 'ord1']);
      // a name given wins over the membership's; the system namespace stays where the output has it
      expect(readSource(dist, { org: 'other' })).toMatchObject({ org: 'other', systemNamespace: 'acme-system' });
    });
  });

  it('subjectsContextOf: usernames (with their prefix) and token ServiceAccounts from the membership; none without', () => {
    const m = membership({
      users: [{ email: 'bob@acme.io', username: 'oidc:bob@acme.io' }],
      tokens: [{ id: 'ci', serviceAccount: 'token-ci-r2' }],
    });
    const c = subjectsContextOf(m, 'acme-system', ARGOCD);
    expect([...c.emailByUsername]).toEqual([['oidc:bob@acme.io', 'bob@acme.io']]);
    expect([...c.tokenByAccount]).toEqual([['token-ci-r2', 'ci']]);
    expect(subjectsContextOf(undefined, 'org-system', ARGOCD)).toEqual(
      context({ systemNamespace: 'org-system', own: false }),
    );
  });

  it('screenBindings keeps RoleBindings with a role, each with its place in the input, and says why the others go', () => {
    const rbac = readRbac(
      docs(
        roleDoc('reader', 'web', PODS_GET),
        roleDoc('reader', 'kube-system', PODS_GET),
        bindingDoc('everyone', undefined, clusterRole('view'), [user('amy@x.io'), sa('ci', 'web')]),
        bindingDoc('nobody', undefined, clusterRole('view'), []),
        bindingDoc('gone', 'web', clusterRole('edit'), [user('amy@x.io')]),
        bindingDoc('sys', 'kube-system', namespacedRole('reader'), [user('amy@x.io')]),
        bindingDoc('ok', 'web', namespacedRole('reader'), [user('amy@x.io')]),
      ),
    );
    const { importable, notes } = screenBindings(rbac, ARGOCD);
    expect(importable.map((b) => [b.at, b.binding.name, b.role.namespace])).toEqual([[4, 'ok', 'web']]);
    const clusterWide = 'cluster-wide bindings are not part of an organization';
    expect(notes).toEqual([
      {
        at: 0,
        subject: -1,
        line: `ClusterRoleBinding everyone: ${clusterWide} (subjects: User amy@x.io, ServiceAccount ci)`,
      },
      { at: 1, subject: -1, line: `ClusterRoleBinding nobody: ${clusterWide} (subjects: none)` },
      {
        at: 2,
        subject: -1,
        line: "RoleBinding web/gone: its ClusterRole edit is not in the input, though every cluster has it (Kubernetes' own): dump ClusterRoles too (kubectl get clusterroles -o yaml); nothing to import",
      },
      {
        at: 3,
        subject: -1,
        line: 'RoleBinding kube-system/sys: namespace kube-system is a system namespace; not imported',
      },
    ]);
  });

  it('inInputOrder puts the notes of several phases in the input order: by binding, the binding before its subjects', () => {
    const notes = [
      { at: 2, subject: 0, line: 'c0' },
      { at: 0, subject: 1, line: 'a1' },
      { at: 2, subject: -1, line: 'c' },
      { at: 0, subject: 0, line: 'a0' },
      { at: 1, subject: -1, line: 'b' },
    ];
    expect(inInputOrder(notes)).toEqual(['a0', 'a1', 'b', 'c', 'c0']);
  });

  describe('roles', () => {
    it('classifyRole: a catalog level when the rules are exactly one, else a custom role under a DNS name', () => {
      expect(classifyRole(role('anything', levelRules('r:pods')), 'acme', undefined)).toEqual({
        kind: 'level',
        level: 'r:pods',
      });
      expect(classifyRole(role('acme:w:full', levelRules('w:full')), 'acme', undefined)).toEqual({
        kind: 'level',
        level: 'w:full',
      });
      expect(classifyRole(role('Zo-.O-Brien', PODS_GET), 'acme', undefined)).toEqual(custom('zo.o-brien'));
    });

    it("classifyRole: orgctl's own custom roles keep their names, even with a level's rules", () => {
      expect(classifyRole(role('acme:custom:cm-reader', levelRules('r:configmaps')), 'acme', undefined)).toEqual(
        custom('cm-reader', true),
      );
      // another organization's prefix is just a name
      expect(classifyRole(role('acme:custom:cm-reader', WIDGETS), 'other', undefined)).toEqual(
        custom('acme-custom-cm-reader'),
      );
    });

    it("classifyRole: a user's rules stay inline when the user is a member, else they are a custom role", () => {
      const bobs = role('acme:custom:bob@acme.io', PODS_GET, 'web');
      expect(classifyRole(bobs, 'acme', new Map([['bob@acme.io', {}]]))).toEqual({ kind: 'inline' });
      expect(classifyRole(bobs, 'acme', undefined)).toEqual(custom('bob-acme.io'));
    });

    it('classifyRoles: each role once, in the order bindings first grant it, with that binding', () => {
      const { importable } = screenBindings(
        readRbac(
          docs(
            roleDoc('b', 'web', PODS_GET),
            roleDoc('a', 'web', WIDGETS),
            bindingDoc('1', 'web', namespacedRole('b'), []),
            bindingDoc('2', 'web', namespacedRole('a'), []),
            bindingDoc('3', 'web', namespacedRole('b'), []),
          ),
        ),
        ARGOCD,
      );
      expect(classifyRoles(importable, 'acme', undefined).map((c) => [c.at, c.role.name, c.imported])).toEqual([
        [0, 'b', custom('b')],
        [1, 'a', custom('a')],
      ]);
    });

    it('nameCustomRoles: other rules under one name get the namespace, then a number; the same rules share the name', () => {
      const classified = [
        { at: 0, role: role('reader', PODS_GET, 'shop'), imported: custom('reader') },
        { at: 1, role: role('lvl', levelRules('r:pods')), imported: { kind: 'level', level: 'r:pods' } as const },
        { at: 3, role: role('reader', WIDGETS, 'blog'), imported: custom('reader') },
        { at: 4, role: role('reader', [...PODS_GET, ...WIDGETS], 'blog'), imported: custom('reader') },
        { at: 6, role: role('reader', PODS_GET, 'data'), imported: custom('reader') },
      ];
      const { roles, notes } = nameCustomRoles(classified);
      expect(classified.map((c) => roles.get(c.role))).toEqual([
        custom('reader'),
        { kind: 'level', level: 'r:pods' },
        custom('reader-blog'),
        custom('reader-3'),
        custom('reader'),
      ]);
      // a rename is said at the binding that first grants the role
      const renamed = (name: string) =>
        `Role blog/reader: another role with other rules is also called reader; imported as custom role ${name}`;
      expect(notes).toEqual([
        { at: 3, subject: -1, line: renamed('reader-blog'), otherwise: true },
        { at: 4, subject: -1, line: renamed('reader-3'), otherwise: true },
      ]);
    });
  });

  describe('users', () => {
    it('emailOf: the membership says whose a username is; other names are people only as orgctl names them (prefix, lower-cased email)', () => {
      const known = {
        usernamePrefix: '',
        emailByUsername: new Map([
          ['oidc:bob@acme.io', 'bob@acme.io'],
          ['system:robot', 'robot@acme.io'],
        ]),
      };
      expect(emailOf('oidc:bob@acme.io', known)).toBe('bob@acme.io');
      expect(emailOf('system:robot', known)).toBe('robot@acme.io');
      expect(emailOf('amy@shop.io', known)).toBe('amy@shop.io');
      // Kubernetes compares names exactly: Amy@Shop.io is another identity than amy@shop.io.
      expect(emailOf('Amy@Shop.io', known)).toBeUndefined();
      expect(emailOf('system:anonymous', known)).toBeUndefined();
      expect(emailOf('not an email', known)).toBeUndefined();
      const prefixed = { usernamePrefix: 'oidc:', emailByUsername: new Map() };
      expect(emailOf('oidc:amy@shop.io', prefixed)).toBe('amy@shop.io');
      expect(emailOf('amy@shop.io', prefixed)).toBeUndefined();
    });

    it('userAccessOf: grants per namespace and user, nothing from the system namespace, a note per subject not a person', () => {
      const { importable, roles } = imported([
        roleDoc('acme:w:full', undefined, levelRules('w:full')),
        roleDoc('acme:r:pods', undefined, levelRules('r:pods')),
        roleDoc('acme:custom:widgets', undefined, WIDGETS),
        bindingDoc('admins', 'acme-system', clusterRole('acme:w:full'), [user('oidc:alice@acme.io')]),
        bindingDoc('peek', 'acme-system', clusterRole('acme:r:pods'), [user('bob@acme.io')]),
        // w:full where orgctl binds admins, for someone its membership data does not make one (R35-3)
        bindingDoc('extra', 'acme-system', clusterRole('acme:w:full'), [user('cat@acme.io')]),
        bindingDoc('pods', 'web', clusterRole('acme:r:pods'), [
          group('sre'),
          user('bob@acme.io'),
          user('system:anonymous'),
          sa('ci', 'web'),
          user('nobody'),
          user('Bob@acme.io'), // another Kubernetes identity than bob@acme.io
        ]),
        bindingDoc('widgets', 'web', clusterRole('acme:custom:widgets'), [user('bob@acme.io')]),
      ]);
      const found = userAccessOf(
        importable,
        roles,
        context({
          emailByUsername: new Map([
            ['oidc:alice@acme.io', 'alice@acme.io'],
            ['bob@acme.io', 'bob@acme.io'],
          ]),
          adminEmails: new Set(['alice@acme.io']),
        }),
      );
      // Only bindings outside the system namespace make a person: cat is bound there alone.
      expect([...found.users]).toEqual(['bob@acme.io']);
      expect([...found.grants.keys()]).toEqual(['web']);
      const bob = found.grants.get('web')!.get('bob@acme.io')!;
      expect([[...bob.levels], [...bob.customRoles], bob.rules]).toEqual([['r:pods'], ['widgets'], []]);
      expect([...found.customRoles]).toEqual([['widgets', WIDGETS]]);
      expect(found.notes).toEqual([
        {
          at: 1,
          subject: 0,
          line: 'RoleBinding acme-system/peek: bob@acme.io has access to the system namespace without w:full; not imported',
        },
        {
          at: 2,
          subject: 0,
          line: 'RoleBinding acme-system/extra: cat@acme.io holds w:full in the system namespace, but the membership data does not make them an admin: a binding orgctl did not write; not imported (an admin is declared admin: true)',
        },
        { at: 3, subject: 0, line: 'RoleBinding web/pods: Group sre cannot be a user; declare its members' },
        { at: 3, subject: 2, line: 'RoleBinding web/pods: User system:anonymous is a system user; not imported' },
        { at: 3, subject: 4, line: 'RoleBinding web/pods: User nobody is not an email; not imported' },
        {
          at: 3,
          subject: 5,
          line: 'RoleBinding web/pods: User Bob@acme.io is not how orgctl names a person (a lower-cased email): another Kubernetes identity; not imported',
        },
      ]);
    });

    it("userAccessOf: in orgctl's own output, a person its membership data does not list is imported as the cluster grants, and said", () => {
      const { importable, roles } = imported([
        roleDoc('acme:r:pods', undefined, levelRules('r:pods')),
        bindingDoc('pods', 'web', clusterRole('acme:r:pods'), [user('bob@acme.io'), user('eve@acme.io')]),
      ]);
      const own = context({ emailByUsername: new Map([['bob@acme.io', 'bob@acme.io']]) });
      const found = userAccessOf(importable, roles, own);
      expect([...found.users]).toEqual(['bob@acme.io', 'eve@acme.io']);
      expect([...found.grants.get('web')!.get('eve@acme.io')!.levels]).toEqual(['r:pods']);
      expect(found.notes).toEqual([
        {
          at: 0,
          subject: 1,
          line: 'RoleBinding web/pods: eve@acme.io is not in the membership data: a binding orgctl did not write; imported as a user of their own',
          otherwise: true,
        },
      ]);
      // Another dump has no membership data to compare with: nothing to say.
      expect(userAccessOf(importable, roles, context({ own: false })).notes).toEqual([]);
    });

    it("userAccessOf: a member's inline rules are one grant, however many clusters' output repeat them", () => {
      const secrets = [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }];
      const { importable, roles } = imported(
        [
          roleDoc('acme:custom:bob@acme.io', 'web', secrets),
          bindingDoc('b1', 'web', namespacedRole('acme:custom:bob@acme.io'), [user('bob@acme.io')]),
          bindingDoc('b2', 'web', namespacedRole('acme:custom:bob@acme.io'), [user('bob@acme.io')]),
        ],
        'acme',
        new Map([['bob@acme.io', {}]]),
      );
      const found = userAccessOf(importable, roles, context());
      expect(found.grants.get('web')!.get('bob@acme.io')!.rules).toEqual(secrets);
      expect(found.customRoles.size).toBe(0);
    });
  });

  describe('tokens', () => {
    it("tokenIdOf: orgctl's tokens by the membership, else read back from token-<id>-r<n>; others by namespace and name", () => {
      const c = context({ tokenByAccount: new Map([['token-deploy-r5', 'deploy-r5']]) });
      expect(tokenIdOf('acme-system', 'token-deploy-r5', c)).toBe('deploy-r5');
      expect(tokenIdOf('acme-system', 'token-ci-r3', c)).toBe('ci');
      expect(tokenIdOf('web', 'token-ci-r3', c)).toBe('web-token-ci-r3');
      expect(tokenIdOf('Web', 'Build.Bot', c)).toBe('web-build-bot');
    });

    it('tokenAccessOf: levels, named custom roles and copied rules per namespace; a shared id is renamed, said once', () => {
      const { importable, roles, input } = imported([
        roleDoc('acme:r:pods', undefined, levelRules('r:pods')),
        roleDoc('acme:custom:widgets', undefined, WIDGETS),
        roleDoc('deployer', 'web', PODS_GET),
        bindingDoc('one', 'web', clusterRole('acme:r:pods'), [
          sa('c', 'a-b'),
          sa('b-c', 'a'),
          sa('kp', 'kube-public'),
          user('x@y.io'),
        ]),
        bindingDoc('two', 'web', clusterRole('acme:custom:widgets'), [sa('b-c', 'a')]),
        bindingDoc('three', 'web', namespacedRole('deployer'), [sa('c', 'a-b')]),
        bindingDoc('again', 'web', namespacedRole('deployer'), [sa('c', 'a-b')]),
      ]);
      const found = tokenAccessOf(importable, roles, context(), input);
      expect([...found.tokens.keys()]).toEqual(['a-b-c', 'a-b-c-2']);
      const first = found.tokens.get('a-b-c')!.get('web')!;
      expect([[...first.levels], first.rules, [...first.customRoles]]).toEqual([['r:pods'], PODS_GET, []]);
      const second = found.tokens.get('a-b-c-2')!.get('web')!;
      expect([[...second.levels], second.rules, [...second.customRoles]]).toEqual([['r:pods'], [], ['widgets']]);
      expect([...found.customRoles]).toEqual([['widgets', WIDGETS]]);
      expect(found.notes).toEqual([
        {
          at: 0,
          subject: 0,
          line: 'ServiceAccount a-b/c: imported as token a-b-c: its access moves to ServiceAccount acme-system/token-a-b-c, and whatever runs as a-b/c loses it (hand it that token, or keep this binding out of orgctl)',
          otherwise: true,
        },
        {
          at: 0,
          subject: 1,
          line: "ServiceAccount a/b-c: token id a-b-c is another ServiceAccount's; imported as token a-b-c-2: its access moves to ServiceAccount acme-system/token-a-b-c-2, and whatever runs as a/b-c loses it (hand it that token, or keep this binding out of orgctl)",
          otherwise: true,
        },
        {
          at: 0,
          subject: 2,
          line: 'RoleBinding web/one: ServiceAccount kube-public/kp is a system account; not imported',
        },
      ]);
    });
  });

  describe('people', () => {
    it('ownerOf: as given (lower-cased), else the membership; without either, a placeholder and a note', () => {
      expect(ownerOf('Boss@X.io', membership(), 'x')).toEqual({ owner: 'boss@x.io' });
      expect(ownerOf(undefined, membership(), 'x')).toEqual({ owner: 'alice@acme.io' });
      // RBAC of another origin makes nobody an owner or an admin (R35-3): a binding is no standing.
      expect(ownerOf(undefined, undefined, 'x')).toEqual({
        owner: 'owner@x.invalid',
        note: "no owner: only orgctl's membership data says who the owner and the admins are, and the input holds none: give --owner; the spec names a placeholder owner",
      });
    });

    it('peopleOf: the owner is an admin; members without bindings are people too', () => {
      const m = membership({
        users: [
          { email: 'dee@x.io', status: 'deactivated' },
          { email: 'bob@x.io', admin: true },
        ],
      });
      expect([...peopleOf(new Set(['bob@x.io', 'cat@x.io']), 'amy@x.io', m)]).toEqual([
        ['bob@x.io', true],
        ['cat@x.io', false],
        ['amy@x.io', true],
        ['dee@x.io', false],
      ]);
    });

    it('userSpecs: by email, with what only the membership knows, in the order people write it', () => {
      const bob = { email: 'bob@x.io', github: 'bob', billing: true, status: 'deactivated', access: 'all' } as const;
      const specs = userSpecs(
        new Map([
          ['bob@x.io', true],
          ['amy@x.io', false],
        ]),
        membership({ users: [bob] }),
      );
      expect(JSON.stringify(specs)).toBe(
        JSON.stringify([
          { email: 'amy@x.io' },
          { email: 'bob@x.io', github: 'bob', admin: true, billing: true, status: 'deactivated', access: 'all' },
        ]),
      );
    });

    it("grantSpecs: by namespace then user; an admin's w:full goes (being admin gives it), their other grants stay; Add All keeps only what it does not give", () => {
      const grant = (
        user: string,
        namespace: string,
        levels: string[],
        customRoles: string[] = [],
        rules: PolicyRule[] = [],
      ) => [user, { user, namespace, levels, customRoles, rules }] as [string, FoundGrant];
      const grantable = grantableLevels()[0]!;
      const written: PolicyRule[] = [{ verbs: ['get'], resources: ['pods'], apiGroups: [''] }];
      const grants = new Map([
        [
          'web',
          new Map([
            grant('zed@x.io', 'web', ['r:pods', 'r:events'], ['b', 'a'], written),
            grant('amy@x.io', 'web', ['r:pods']),
          ]),
        ],
        [
          'data',
          new Map([grant('all@x.io', 'data', [grantable, 'w:full']), grant('root@x.io', 'data', ['r:pods', 'w:full'])]),
        ],
      ]);
      const people = new Map([
        ['zed@x.io', false],
        ['amy@x.io', false],
        ['all@x.io', false],
        ['root@x.io', true],
      ]);
      const specs = grantSpecs(grants, people, membership({ users: [{ email: 'all@x.io', access: 'all' }] }));
      expect(JSON.stringify(specs)).toBe(
        JSON.stringify([
          { user: 'all@x.io', namespace: 'data', levels: ['w:full'] },
          { user: 'root@x.io', namespace: 'data', levels: ['r:pods'] },
          { user: 'amy@x.io', namespace: 'web', levels: ['r:pods'] },
          { user: 'zed@x.io', namespace: 'web', levels: ['r:events', 'r:pods'] },
          { user: 'zed@x.io', namespace: 'web', customRole: 'a' },
          { user: 'zed@x.io', namespace: 'web', customRole: 'b' },
          { user: 'zed@x.io', namespace: 'web', rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] },
        ]),
      );
    });
  });

  describe('token specs', () => {
    it('tokenRbacSpecs: copied rules then levels spelled out as rules, then custom roles by name', () => {
      const mixed = access({ rules: PODS_GET, levels: new Set(['r:configmaps']), customRoles: new Set(['z', 'a']) });
      expect(tokenRbacSpecs('web', mixed)).toEqual([
        { namespace: 'web', rules: [...PODS_GET, ...levelRules('r:configmaps')] },
        { namespace: 'web', customRole: 'a' },
        { namespace: 'web', customRole: 'z' },
      ]);
      expect(tokenRbacSpecs('web', access({ customRoles: new Set(['a']) }))).toEqual([
        { namespace: 'web', customRole: 'a' },
      ]);
    });

    it('inDeclaredOrder: declared namespaces first, in their order; the others after, by name', () => {
      const entries: [string, number][] = [
        ['a', 1],
        ['b', 2],
        ['c', 3],
        ['d', 4],
      ];
      expect(inDeclaredOrder(entries, ['c', 'a']).map(([ns]) => ns)).toEqual(['c', 'a', 'b', 'd']);
    });

    it('tokenSpec: the same levels everywhere are a list of namespaces in the declared order; anything else is custom RBAC', () => {
      const pods = () => access({ levels: new Set(['r:pods']) });
      const m = membership({ tokens: [{ id: 'ci', namespaces: ['web', 'data'], customRbac: ['web', 'data'] }] });
      const same = new Map([
        ['web', pods()],
        ['data', pods()],
      ]);
      expect(tokenSpec('ci', same, m)).toEqual({ id: 'ci', namespaces: ['web', 'data'], levels: ['r:pods'] });
      expect(tokenSpec('ci', same, undefined)).toEqual({ id: 'ci', namespaces: ['data', 'web'], levels: ['r:pods'] });
      const mixed = new Map([
        ['web', pods()],
        ['data', access({ customRoles: new Set(['x']) })],
      ]);
      expect(tokenSpec('ci', mixed, m)).toEqual({
        id: 'ci',
        namespaces: [],
        rbac: [
          { namespace: 'web', rules: levelRules('r:pods') },
          { namespace: 'data', customRole: 'x' },
        ],
      });
      // orgctl's own output records the token's namespaces and levels: the rest is its custom RBAC.
      const own = membership({
        tokens: [{ id: 'ci', namespaces: ['web'], levels: ['r:pods'], customRbac: ['data'] }],
      });
      expect(tokenSpec('ci', mixed, own)).toEqual({
        id: 'ci',
        namespaces: ['web'],
        levels: ['r:pods'],
        rbac: [{ namespace: 'data', customRole: 'x' }],
      });
    });

    it('tokenMetaOf: what only the membership says, in the order people write it', () => {
      const ci = { id: 'ci', expires: '2030-01-01', note: 'n', rotation: 2, owner: 'amy@x.io', name: 'CI' };
      const m = membership({ tokens: [ci, { id: 'bare', rotation: 0 }] });
      const meta = { name: 'CI', owner: 'amy@x.io', rotation: 2, note: 'n', expires: '2030-01-01' };
      expect(JSON.stringify(tokenMetaOf('ci', m))).toBe(JSON.stringify(meta));
      expect(tokenMetaOf('bare', m)).toEqual({});
      expect(tokenMetaOf('ci', undefined)).toEqual({});
    });

    it("tokenSpecs: by id, the membership's tokens without bindings included, each with its metadata", () => {
      const tokens = new Map([['web-bot', new Map([['web', access({ levels: new Set(['r:pods']) })]])]]);
      const m = membership({
        tokens: [
          { id: 'idle', name: 'Idle' },
          { id: 'ready', namespaces: ['web'], levels: ['r:full'] },
        ],
      });
      expect(tokenSpecs(tokens, m)).toEqual([
        { id: 'idle', namespaces: [], name: 'Idle' },
        { id: 'ready', namespaces: ['web'], levels: ['r:full'] },
        { id: 'web-bot', namespaces: ['web'], levels: ['r:pods'] },
      ]);
    });
  });

  describe('invites', () => {
    it('inviteGrantSpecs: levels and one role per spec grant, further roles on their own; undeclared roles are said', () => {
      const grants = [
        { namespace: 'web', levels: ['r:pods'], roles: ['dev', 'ghost', 'ops'] },
        { namespace: 'data', roles: ['ghost'] },
      ];
      const invite = membership({ invites: [{ email: 'new@x.io', grants }] }).invites.get('new@x.io')!;
      const undeclared = (ns: string) =>
        `invite new@x.io: role ghost in ${ns} is not in the output (its levels are not recorded); declare the role again`;
      expect(inviteGrantSpecs(invite, new Set(['dev', 'ops']))).toEqual({
        grants: [
          { namespace: 'web', levels: ['r:pods'], role: 'dev' },
          { namespace: 'web', role: 'ops' },
        ],
        notes: [undeclared('web'), undeclared('data')],
      });
    });

    it("invitesOf: the membership's invites as a spec writes them; none without membership", () => {
      const invite = { email: 'adm@x.io', admin: true, billing: true, sso: false, state: 'revoked' } as const;
      const m = membership({
        org: { roles: [{ name: 'dev', levels: ['r:full'] }] },
        invites: [{ ...invite, grants: [{ namespace: 'web', roles: ['dev'] }] }],
      });
      expect(JSON.stringify(invitesOf(m))).toBe(
        JSON.stringify({
          invites: [{ ...invite, grants: [{ namespace: 'web', role: 'dev' }] }],
          notes: [],
        }),
      );
      expect(invitesOf(undefined)).toEqual({ invites: [], notes: [] });
    });
  });

  describe('namespaces and custom roles', () => {
    it("namespacesOf: declared, granted and the membership's namespaces, by name, without system ones", () => {
      const grants = new Map([['web', new Map()]]);
      const tokens = new Map([
        [
          'ci',
          new Map([
            ['ci-ns', access()],
            ['acme-system', access()],
          ]),
        ],
      ]);
      const m = membership({ org: { namespaces: ['empty', 'acme-system'] } });
      const declared = ['kube-system', 'default', 'openshift-x', 'acme-system', 'zeta'];
      // a token bound in the system namespace names it: the spec's check says what is wrong with that
      expect(namespacesOf(declared, grants, tokens, m, 'acme-system', ARGOCD)).toEqual([
        'acme-system',
        'ci-ns',
        'empty',
        'web',
        'zeta',
      ]);
    });

    it('namespaceSpecs: clusters only for a namespace some clusters lack; unknown placement is said', () => {
      const placement = new Map([
        ['ml', ['lga1']],
        ['web', ['lga1', 'ord1']],
      ]);
      expect(namespaceSpecs(['ml', 'web'], ['lga1', 'ord1'], placement)).toEqual({
        namespaces: [{ name: 'ml', clusters: ['lga1'] }, { name: 'web' }],
      });
      expect(namespaceSpecs(['ml'], ['lga1'], new Map())).toEqual({ namespaces: [{ name: 'ml' }] });
      const unknown = namespaceSpecs(['ml'], ['lga1', 'ord1'], new Map());
      expect(unknown.namespaces).toEqual([{ name: 'ml' }]);
      expect(unknown.note).toMatch(
        /^which of the clusters lga1, ord1 holds which namespace is unknown \(the input has no <cluster>/,
      );
    });

    it('customRoleSpecs: the roles users and tokens name, once each, by name, rules in the order people write them', () => {
      const written: PolicyRule[] = [{ verbs: ['get'], resources: ['pods'], apiGroups: [''] }];
      const specs = customRoleSpecs(
        new Map([
          ['z', written],
          ['a', WIDGETS],
        ]),
        new Map([['a', WIDGETS]]),
      );
      expect(JSON.stringify(specs)).toBe(
        JSON.stringify([
          { name: 'a', rules: WIDGETS },
          { name: 'z', rules: PODS_GET },
        ]),
      );
    });
  });

  describe('the spec', () => {
    it('orgSettingsOf: only settings that are not the default, in the order people write them', () => {
      expect(orgSettingsOf(undefined)).toEqual({});
      expect(orgSettingsOf(membership())).toEqual({});
      const argocd = {
        repoURL: 'https://git.example/org.git',
        revision: 'refs/heads/main',
        path: 'dist',
        namespace: 'argocd',
        namedClusterResources: true as const,
        boundary: { appliedBy: 'system:serviceaccount:argocd:argocd-application-controller' },
      };
      const roles = [{ name: 'dev', levels: ['r:full'] }];
      const m = membership({
        org: {
          roles,
          shards: 8,
          massRemovalThreshold: 0.5,
          clusters: ['lga1'],
          ssoEnforced: true,
          usernamePrefix: 'oidc:',
          argocd,
        },
      });
      expect(JSON.stringify(orgSettingsOf(m))).toBe(
        JSON.stringify({
          identity: { usernamePrefix: 'oidc:' },
          sso: { enforced: true },
          clusters: ['lga1'],
          review: { massRemovalThreshold: 0.5 },
          delivery: { shards: 8, argocd },
          roles,
        }),
      );
    });

    it('assembleSpec: the fields in the order people write them; empty custom roles, tokens and invites left out', () => {
      const users = [{ email: 'amy@x.io', admin: true }];
      const parts = {
        org: 'x',
        owner: 'amy@x.io',
        settings: { sso: { enforced: true } },
        users,
        namespaces: [{ name: 'web' }],
        customRoles: [],
        grants: [],
        tokens: [],
        invites: [],
      };
      expect(JSON.stringify(assembleSpec(parts))).toBe(
        JSON.stringify({
          apiVersion: 'orgctl/v1',
          kind: 'Organization',
          metadata: { name: 'x' },
          spec: { owner: 'amy@x.io', sso: { enforced: true }, users, namespaces: [{ name: 'web' }], grants: [] },
        }),
      );
      const full = assembleSpec({
        ...parts,
        customRoles: [{ name: 'r', rules: WIDGETS }],
        tokens: [{ id: 't', namespaces: [] }],
        invites: [{ email: 'b@x.io', grants: [] }],
      });
      expect(Object.keys(full.spec)).toEqual([
        'owner',
        'sso',
        'users',
        'namespaces',
        'customRoles',
        'grants',
        'tokens',
        'invites',
      ]);
    });
  });

  it('importRbac says what the phases note in the input order, whichever phase noted it: what it leaves out, and what it imports otherwise', () => {
    const { report, otherwise } = importRbac(
      docs(
        roleDoc('reader', 'shop', PODS_GET),
        roleDoc('reader', 'blog', WIDGETS),
        bindingDoc('b1', 'shop', namespacedRole('reader'), [sa('c', 'a-b'), group('g')]),
        bindingDoc('b2', 'blog', namespacedRole('reader'), [sa('b-c', 'a'), user('system:x'), sa('d', 'kube-system')]),
        bindingDoc('b3', undefined, clusterRole('x'), []),
      ),
      { owner: 'root@shop.io' },
    );
    expect(report).toEqual([
      'RoleBinding shop/b1: Group g cannot be a user; declare its members',
      'RoleBinding blog/b2: User system:x is a system user; not imported',
      'RoleBinding blog/b2: ServiceAccount kube-system/d is a system account; not imported',
      'ClusterRoleBinding b3: cluster-wide bindings are not part of an organization (subjects: none)',
    ]);
    expect(otherwise).toEqual([
      'ServiceAccount a-b/c: imported as token a-b-c: its access moves to ServiceAccount org-system/token-a-b-c, and whatever runs as a-b/c loses it (hand it that token, or keep this binding out of orgctl)',
      'Role blog/reader: another role with other rules is also called reader; imported as custom role reader-blog',
      "ServiceAccount a/b-c: token id a-b-c is another ServiceAccount's; imported as token a-b-c-2: its access moves to ServiceAccount org-system/token-a-b-c-2, and whatever runs as a/b-c loses it (hand it that token, or keep this binding out of orgctl)",
    ]);
  });
});
