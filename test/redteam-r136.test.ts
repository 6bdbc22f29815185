/**
 * Red team R136: the last session's shortcuts in what is judged and answered. The diff's pair
 * (readSnapshotPair: bindings naming a touched subject only, one CellMaker when the rules are
 * equal, base's grants grouped by role object) against the full snapshots' diff on forged pairs;
 * the access matrix (accessMatrixJson, levelsCovered's requests asked once) against the
 * authorizer cell by cell; review's index of base's users by login and account id against the
 * walk it replaced (ccf2053).
 */
import fc from 'fast-check';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordWrittenFrom, staleOutputWarning } from '../cli/written-from.ts';
import { stampOf } from '../cli/file-stamp.ts';
import { diffSnapshots } from '../analysis/diff.ts';
import { review } from '../review/review.ts';
import { readSnapshot } from '../analysis/snapshot.ts';
import { accessMatrix, accessMatrixJson, maximalLevels, ruleAtoms, type MatrixCell } from '../analysis/access.ts';
import { Authorizer, serviceAccountUser, userInfo, type UserInfo } from '../analysis/authorizer.ts';
import { readRbac, type ManifestDoc } from '../analysis/objects.ts';
import { isBootstrapBinding, withBootstrap } from '../analysis/bootstrap.ts';
import { CATALOG, type PolicyRule } from '../model/catalog.ts';
import { heldByOthers, isBaseAdmin, loginKey, type ReviewInput } from '../policies/change/context.ts';
import type { MemberUser } from '../model/membership.ts';
import { cacheFolderOfItsOwn, roleBinding, tempDir, TODAY } from './helpers.ts';
import { pairOf, specDocs } from './review/scenarios.ts';
import { binding, clusterRole, role } from './review/import-access.ts';

const RBAC = 'rbac.authorization.k8s.io';

/** The pair's diff, as `orgctl diff` and `orgctl review` read two sides, and the full snapshots'. */
function pairAndFull(base: ManifestDoc[], head: ManifestDoc[]) {
  const pair = pairOf(base, head);
  const full = { base: readSnapshot(base, 'base'), head: readSnapshot(head, 'head') };
  const [pairDiff, fullDiff] = [diffSnapshots(pair.base, pair.head, TODAY), diffSnapshots(full.base, full.head, TODAY)];
  // The review judges from the pair: an admin acting, another approving (a change that needs two passes).
  const who = { actors: ['alice'], approvals: ['frank'], changedPaths: ['org/org.ts'], overrides: [], today: TODAY };
  return {
    pair: pairDiff,
    full: fullDiff,
    verdicts: () => [review({ ...who, ...pair, diff: pairDiff }), review({ ...who, ...full, diff: fullDiff })],
  };
}

const user = (name: string) => ({ apiGroup: RBAC, kind: 'User', name });
const doc = (file: string, object: unknown, index = 0): ManifestDoc => ({ file, index, object });
const ALL: PolicyRule[] = [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }];
const GET_PODS: PolicyRule[] = [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }];
type Obj = { kind?: string; metadata?: { name?: string; namespace?: string }; subjects?: unknown[] };
const find = (docs: ManifestDoc[], kind: string, namespace: string, name: string) =>
  docs.find((d) => {
    const o = d.object as Obj;
    return o.kind === kind && o.metadata?.name === name && (o.metadata?.namespace ?? '') === namespace;
  })!;
/** Head: base's documents (the same objects, as the document cache gives them), `target` replaced. */
const replaced = (docs: ManifestDoc[], target: ManifestDoc, object: unknown) =>
  docs.map((d) => (d === target ? { ...d, object } : d));

describe('R136: the diff pair against the full snapshots, on forged pairs', () => {
  const base = specDocs();
  // Both sides: a Role and a ClusterRole of one name, and bob bound to the Role in web.
  const custom = [
    doc('in-cluster/shard-17/extra.yaml', role('web', 'custom', GET_PODS), 0),
    doc(
      'in-cluster/shard-17/extra.yaml',
      binding('web', 'rb-custom', { kind: 'Role', name: 'custom' }, [user('bob@acme.io')]),
      1,
    ),
    doc('in-cluster/cluster/extra.yaml', clusterRole('custom', ALL), 0),
  ];
  const withCustom = [...base, ...custom];
  const rbPods = find(base, 'RoleBinding', 'web', 'acme:r:pods');
  const forgeries: [string, ManifestDoc[], ManifestDoc[]][] = [
    [
      "a Role's rules edited, no binding changed",
      withCustom,
      replaced(withCustom, custom[0]!, role('web', 'custom', ALL)),
    ],
    [
      "a binding's roleRef moved to the ClusterRole of the same name",
      withCustom,
      replaced(
        withCustom,
        custom[1]!,
        binding('web', 'rb-custom', { kind: 'ClusterRole', name: 'custom' }, [user('bob@acme.io')]),
      ),
    ],
    [
      'the Role deleted, a ClusterRole of its name left (the binding unchanged)',
      withCustom,
      withCustom.filter((d) => d !== custom[0]),
    ],
    [
      'a binding moved to another namespace with the same subjects',
      base,
      replaced(base, rbPods, {
        ...(rbPods.object as object),
        metadata: { ...(rbPods.object as Obj).metadata, namespace: 'data' },
      }),
    ],
    [
      'a binding duplicated in another file, one more subject',
      base,
      [
        ...base,
        doc('in-cluster/shard-03/resources.yaml', {
          ...(rbPods.object as object),
          subjects: [...(rbPods.object as Obj).subjects!, user('alice@acme.io')],
        }),
      ],
    ],
    [
      'a binding split in two, one part to w:full',
      base,
      [
        ...replaced(base, rbPods, {
          ...(rbPods.object as object),
          subjects: (rbPods.object as Obj).subjects!.slice(1),
        }),
        doc(
          'in-cluster/shard-03/resources.yaml',
          roleBinding('web', 'acme:r:pods', 'acme:w:full', [user('bob@acme.io')]),
        ),
      ],
    ],
    [
      'a ServiceAccount named without a namespace in the system namespace',
      base,
      [
        ...base,
        doc(
          'in-cluster/shard-03/resources.yaml',
          roleBinding('acme-system', 'x', 'acme:w:full', [{ kind: 'ServiceAccount', name: 'token-bots' }]),
        ),
      ],
    ],
    [
      "a token's ServiceAccount subject respelled as its User name, in place",
      base,
      (() => {
        const t = find(base, 'RoleBinding', 'data', 'acme:r:full');
        return replaced(base, t, {
          ...(t.object as object),
          subjects: [user(serviceAccountUser('acme-system', 'token-bots'))],
        });
      })(),
    ],
    [
      'a User subject with a namespace, and one without an apiGroup',
      base,
      [
        ...base,
        doc(
          'in-cluster/shard-03/resources.yaml',
          roleBinding('web', 'y', 'acme:w:full', [
            { ...user('gina@acme.io'), namespace: 'data' },
            { kind: 'User', name: 'hal@acme.io' },
          ]),
        ),
      ],
    ],
    [
      'a binding without a namespace (the default namespace)',
      base,
      [
        ...base,
        doc('in-cluster/shard-03/resources.yaml', {
          ...roleBinding('web', 'z', 'acme:w:full', [user('ivy@acme.io')]),
          metadata: { name: 'z' },
        }),
      ],
    ],
    [
      "a binding's roleRef edited in place to another ClusterRole",
      base,
      replaced(base, rbPods, {
        ...(rbPods.object as object),
        roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'acme:w:full' },
      }),
    ],
    [
      'a ClusterRole aggregating another, bound to bob (the pair reads everyone)',
      base,
      [
        ...base,
        doc('in-cluster/cluster/x.yaml', {
          ...clusterRole('agg', []),
          aggregationRule: { clusterRoleSelectors: [{ matchLabels: { x: 'y' } }] },
        }),
        doc(
          'in-cluster/cluster/x.yaml',
          { ...clusterRole('gathered', ALL), metadata: { name: 'gathered', labels: { x: 'y' } } },
          1,
        ),
        doc('in-cluster/shard-03/x.yaml', roleBinding('web', 'agg', 'agg', [user('bob@acme.io')])),
      ],
    ],
    [
      "every token's group bound to w:full in data",
      base,
      replaced(base, find(base, 'RoleBinding', 'data', 'acme:r:full'), {
        ...(find(base, 'RoleBinding', 'data', 'acme:r:full').object as object),
        subjects: [{ apiGroup: RBAC, kind: 'Group', name: 'system:serviceaccounts:acme-system' }],
        roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'acme:w:full' },
      }),
    ],
    [
      'subjects reordered and one replaced by an equal copy',
      base,
      replaced(base, rbPods, {
        ...(rbPods.object as object),
        subjects: [...(rbPods.object as Obj).subjects!].reverse().map((s, i) => (i ? s : { ...(s as object) })),
      }),
    ],
  ];
  it.each(forgeries)('%s', (_what, b, h) => {
    const { pair, full, verdicts } = pairAndFull(b, h);
    expect(pair).toEqual(full);
    const [fromPair, fromFull] = verdicts();
    expect(fromPair).toEqual(fromFull);
  });
  // A Role twice in one cluster: the pair reads the cluster's copies apart (copiesDiffer), each
  // cluster holding what either copy allows, where a full snapshot takes the last: the pair, which
  // diff and review read, says the gain whichever copy comes first (the more careful reading).
  it.each([
    ['after', [...withCustom, doc('in-cluster/shard-30/extra.yaml', role('web', 'custom', ALL))]],
    ['before', [doc('in-cluster/shard-00/extra.yaml', role('web', 'custom', ALL)), ...withCustom]],
  ])('a second Role of one name %s the first, in another file: the pair says bob gains w:full', (_where, head) => {
    const { pair } = pairAndFull(withCustom, head);
    const bob = pair.people.find((p) => p.id === 'bob@acme.io');
    expect(bob?.changes.map((c) => c.text)).toContain('gains w:full in web in cluster in-cluster');
  });
});

// --- The access matrix against the authorizer ---------------------------------------------------

const RULE_POOL: PolicyRule[][] = [
  ALL,
  GET_PODS,
  [...CATALOG.find((l) => l.id === 'w:pods')!.rules].reverse(),
  CATALOG.find((l) => l.id === 'r:pods')!.rules as PolicyRule[],
  [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'], resourceNames: ['x'] }],
  [{ nonResourceURLs: ['*'], verbs: ['*'] } as PolicyRule],
  [{ apiGroups: [''], resources: ['pods/exec', 'pods/attach'], verbs: ['create', 'get'] }],
  [{ apiGroups: [], resources: ['pods'], verbs: ['*'] }],
  [{ apiGroups: ['*'], resources: ['pods', 'pods/*'], verbs: ['get', 'list', 'watch'] }],
  [{ apiGroups: [''], resources: ['*'], verbs: ['get', 'list', 'watch'] }],
  [{ apiGroups: ['', 'apps'], resources: ['*/status', 'pods'], verbs: ['*'] }],
];
const SUBJECTS = [
  user('u0'),
  user('u1'),
  user(serviceAccountUser('n0', 'sa0')),
  { kind: 'ServiceAccount', name: 'sa0', namespace: 'n0' },
  { kind: 'ServiceAccount', name: 'sa0' },
  { apiGroup: RBAC, kind: 'Group', name: 'system:authenticated' },
  { apiGroup: RBAC, kind: 'Group', name: 'system:serviceaccounts' },
  { apiGroup: RBAC, kind: 'Group', name: 'system:serviceaccounts:n0' },
  { apiGroup: RBAC, kind: 'Group', name: 'g1' },
];
const NAMESPACES = ['n0', 'n1'];

const rbacDocs = fc
  .record({
    clusterRoles: fc.array(fc.integer({ min: 0, max: RULE_POOL.length - 1 }), { minLength: 1, maxLength: 4 }),
    roles: fc.array(
      fc.record({ ns: fc.integer({ min: 0, max: 1 }), rules: fc.integer({ min: 0, max: RULE_POOL.length - 1 }) }),
      { maxLength: 3 },
    ),
    bindings: fc.array(
      fc.record({
        cluster: fc.boolean(),
        ns: fc.integer({ min: 0, max: 1 }),
        toRole: fc.boolean(),
        role: fc.integer({ min: 0, max: 3 }),
        name: fc.integer({ min: 0, max: 2 }),
        subjects: fc.subarray(
          SUBJECTS.map((_, i) => i),
          { minLength: 1 },
        ),
      }),
      { minLength: 1, maxLength: 7 },
    ),
  })
  .map(({ clusterRoles, roles, bindings }) => {
    const objects: unknown[] = [
      ...clusterRoles.map((r, i) => clusterRole(`c${i}`, RULE_POOL[r]!)),
      ...roles.map((r, i) => role(NAMESPACES[r.ns]!, `r${i}`, RULE_POOL[r.rules]!)),
      ...bindings.map((b) => {
        const subjects = b.subjects.map((k) => SUBJECTS[k]);
        const roleRef = b.toRole && !b.cluster ? `r${b.role}` : `c${b.role}`;
        if (b.cluster)
          return {
            apiVersion: `${RBAC}/v1`,
            kind: 'ClusterRoleBinding',
            metadata: { name: `b${b.name}` },
            roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: roleRef },
            subjects,
          };
        return binding(
          NAMESPACES[b.ns]!,
          `b${b.name}`,
          { kind: b.toRole ? 'Role' : 'ClusterRole', name: roleRef },
          subjects,
        );
      }),
    ];
    return objects.map((o, index) => doc('x.yaml', o, index));
  });

/** The catalog levels the authorizer allows `username` in `namespace` ('' : cluster-wide), every request of each. */
function authorizedLevels(authz: Authorizer, who: UserInfo, namespace: string): string[] {
  return maximalLevels(
    CATALOG.filter((l) =>
      ruleAtoms(l.rules).every((a) => authz.authorize(who, { ...a, namespace, name: undefined }).allowed),
    ).map((l) => l.id),
  );
}

describe("R136: access's matrix against the authorizer, cell by cell", () => {
  it('every user and service account row says the levels the authorizer allows in each namespace', () => {
    fc.assert(
      fc.property(rbacDocs, (docs) => {
        const authz = new Authorizer(readRbac(docs));
        const matrix = accessMatrix(authz);
        expect(JSON.parse(Buffer.concat(accessMatrixJson(authz)).toString())).toEqual(matrix);
        // As access shows it by default: the cluster's bootstrap bindings on their groups' rows
        // only (apart); every user's and account's row is then the one without them.
        const booted = new Authorizer(withBootstrap(readRbac(docs)));
        const apart = { apart: isBootstrapBinding };
        const shownApart = accessMatrix(booted, apart);
        expect(JSON.parse(Buffer.concat(accessMatrixJson(booted, apart)).toString())).toEqual(shownApart);
        // A cell's custom rules are in the order the first cell of its roles gave them (CellMaker):
        // which row that is differs with the bootstrap's groups, not what they say.
        const sorted = (c: MatrixCell | undefined) =>
          c && { ...c, ...(c.custom ? { custom: [...c.custom].sort() } : {}) };
        const notGroups = (m: typeof matrix) =>
          m
            .filter((r) => r.kind !== 'Group')
            .map((r) => ({
              ...r,
              cluster: sorted(r.cluster),
              namespaces: Object.fromEntries(Object.entries(r.namespaces).map(([ns, c]) => [ns, sorted(c)])),
            }));
        expect(notGroups(shownApart)).toEqual(notGroups(matrix));
        for (const row of matrix) {
          // A group's row: what a member holds through it alone (no other group, not even system:authenticated).
          const who =
            row.kind === 'Group'
              ? { name: 'r136-probe', groups: [row.name] }
              : userInfo(
                  row.kind === 'User' ? row.name : serviceAccountUser(...(row.name.split(':') as [string, string])),
                );
          for (const ns of NAMESPACES) {
            const shown = row.namespaces[ns]?.levels ?? row.cluster?.levels ?? [];
            expect([row.kind, row.name, ns, shown]).toEqual([row.kind, row.name, ns, authorizedLevels(authz, who, ns)]);
          }
          const cluster = row.cluster?.levels ?? [];
          expect([row.kind, row.name, cluster]).toEqual([row.kind, row.name, authorizedLevels(authz, who, '')]);
        }
      }),
      {
        numRuns: Number(process.env.R136_RUNS ?? 300),
        seed: Number(process.env.ORGCTL_PROPERTY_SEED ?? Date.now() % 2 ** 31),
      },
    );
  });
});

// --- Review's base users by login and account id -----------------------------------------------

/** The base user behind a login as context.ts read it before ccf2053: a walk of every user. */
function baseUserBefore(users: MemberUser[], accountIds: ReadonlyMap<string, number[]> | undefined, login: string) {
  const ids = accountIds?.get(loginKey(login)) ?? [];
  if (ids.length === 1) {
    const declaring = users.filter((u) => u.githubId === ids[0]);
    if (declaring.length === 1) return declaring[0];
  }
  const u = users.find((x) => x.github && loginKey(x.github) === loginKey(login));
  if (!u || u.githubId === undefined || accountIds === undefined) return u;
  const named = accountIds.get(loginKey(login)) ?? [];
  return named.length && named.every((id) => id === u.githubId) ? u : undefined;
}

describe("R136: review's index of base's users by login and by account id", () => {
  const LOGINS = ['ann', 'Ann', 'ANN', 'bo', 'bO', 'cy'];
  const arbUser = fc.record({
    login: fc.option(fc.constantFrom(...LOGINS), { nil: undefined }),
    id: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
    admin: fc.boolean(),
    active: fc.boolean(),
  });
  it('names the same base admin for every login as the walk it replaced (case, shared ids, renames)', () => {
    let saidHeld = 0;
    fc.assert(
      fc.property(
        fc.array(arbUser, { maxLength: 6 }),
        fc.option(
          fc.array(fc.tuple(fc.constantFrom(...LOGINS), fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 2 }))),
          { nil: undefined },
        ),
        fc.constantFrom(...LOGINS, 'dee'),
        (specs, named, login) => {
          const users = specs.map(
            (s, i): MemberUser =>
              ({
                email: `u${i}@acme.io`,
                username: `u${i}@acme.io`,
                ...(s.login ? { github: s.login } : {}),
                ...(s.id !== undefined ? { githubId: s.id } : {}),
                admin: s.admin,
                status: s.active ? 'active' : 'deactivated',
              }) as unknown as MemberUser,
          );
          const accountIds = named && new Map(named.map(([l, ids]) => [loginKey(l), ids]));
          const input = {
            base: { users: new Map(users.map((u) => [u.email, u])) },
            ...(accountIds ? { accountIds } : {}),
          } as unknown as ReviewInput;
          const before = baseUserBefore(users, accountIds, login);
          expect(isBaseAdmin(input, login)).toBe(!!before && before.admin && before.status === 'active');
          // Said only of a login the walk found nobody behind (held by another account, or none named).
          const held = heldByOthers(input, [login]);
          if (before) expect(held).toBe('');
          else if (held) {
            expect(held).toMatch(new RegExp(`login ${login}[ ,]`));
            saidHeld++;
          }
        },
      ),
      { numRuns: 500, seed: Number(process.env.ORGCTL_PROPERTY_SEED ?? Date.now() % 2 ** 31) },
    );
    expect(saidHeld).toBeGreaterThan(0);
  });
});

// --- The diff pair against the full snapshots, on random forged outputs ---------------------------

const FORGED_SUBJECTS: object[] = [
  ...['bob@acme.io', 'gina@acme.io', serviceAccountUser('acme-system', 'token-bots')].map(user),
  // A token's account with its namespace, without one (the binding's), and with an empty one.
  ...(
    [
      ['token-ci', 'acme-system'],
      ['token-ci', undefined],
      ['token-bots', ''],
    ] as const
  ).map(([name, namespace]) => ({ kind: 'ServiceAccount', name, ...(namespace === undefined ? {} : { namespace }) })),
];
const FORGED_NAMESPACES = ['web', 'data', 'acme-system'];
const FORGED_ROLES = ['acme:r:pods', 'acme:w:full', 'acme:r:secrets', 'x0', 'x1'];

const forgedObject = fc
  .record({
    kind: fc.constantFrom('RoleBinding', 'Role', 'ClusterRole'),
    ns: fc.constantFrom(...FORGED_NAMESPACES),
    name: fc.constantFrom('x0', 'x1'),
    roleKind: fc.constantFrom('Role', 'ClusterRole'),
    roleName: fc.constantFrom(...FORGED_ROLES),
    rules: fc.integer({ min: 0, max: RULE_POOL.length - 1 }),
    subjects: fc.subarray(
      FORGED_SUBJECTS.map((_, i) => i),
      { minLength: 1 },
    ),
  })
  .map((o): unknown =>
    o.kind === 'RoleBinding'
      ? binding(
          o.ns,
          o.name,
          { kind: o.roleKind, name: o.roleName },
          o.subjects.map((k) => FORGED_SUBJECTS[k]),
        )
      : o.kind === 'Role'
        ? role(o.ns, o.name, RULE_POOL[o.rules]!)
        : clusterRole(o.name, RULE_POOL[o.rules]!),
  );
const FILES = ['in-cluster/shard-17/x.yaml', 'in-cluster/shard-03/x.yaml', 'in-cluster/cluster/x.yaml'];
/** What head does with one of base's forged documents. */
const edit = fc.oneof(
  fc.constant({ keep: true as const }),
  fc.constant({ drop: true as const }),
  fc.constant({ copy: true as const }),
  fc.record({ replace: forgedObject }),
);

describe('R136: the diff pair against the full snapshots, on random forged outputs', () => {
  const base = specDocs();
  it('says what the full snapshots say (random forged documents on both sides, edited, dropped, copied)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(forgedObject, fc.constantFrom(...FILES), edit), { maxLength: 6 }),
        fc.array(fc.tuple(forgedObject, fc.constantFrom(...FILES)), { maxLength: 3 }),
        // base's own bindings edited in place: subjects kept (the same objects), dropped, or forged ones added
        fc.array(
          fc.record({
            at: fc.nat(),
            keep: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
            add: fc.subarray(FORGED_SUBJECTS.map((_, i) => i)),
            roleName: fc.option(fc.constantFrom(...FORGED_ROLES), { nil: undefined }),
          }),
          { maxLength: 2 },
        ),
        (forged, added, inPlace) => {
          const bindings = base.filter((d) => (d.object as Obj).kind === 'RoleBinding');
          const edited = new Map(
            inPlace.map((e) => {
              const d = bindings[e.at % bindings.length]!;
              const o = d.object as Obj & { roleRef: { name: string } };
              const subjects = [
                ...o.subjects!.filter((_, k) => e.keep[k % 6]),
                ...e.add.map((k) => FORGED_SUBJECTS[k]),
              ];
              const roleRef = e.roleName ? { ...o.roleRef, name: e.roleName } : o.roleRef;
              return [d, { ...d, object: { ...o, subjects, roleRef } }] as const;
            }),
          );
          const headBase = base.map((d) => edited.get(d) ?? d);
          const b = forged.map(([o, file], i) => doc(file, o, 100 + i));
          const h = forged.flatMap(([o, file, e], i): ManifestDoc[] => {
            if ('drop' in e) return [];
            if ('copy' in e) return [doc(file, structuredClone(o), 100 + i)];
            if ('replace' in e) return [doc(file, e.replace, 100 + i)];
            return [b[i]!];
          });
          const extra = added.map(([o, file], i) => doc(file, o, 200 + i));
          // A role twice on a side is read cluster by cluster (copiesDiffer): the test above.
          const roleIds = (docs: ManifestDoc[]) =>
            docs
              .map((d) => d.object as Obj)
              .filter((o) => o.kind === 'Role' || o.kind === 'ClusterRole')
              .map((o) => `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`);
          const once = (docs: ManifestDoc[]) => new Set(roleIds(docs)).size === roleIds(docs).length;
          fc.pre(once([...base, ...b]) && once([...base, ...h, ...extra]));
          const { pair, full, verdicts } = pairAndFull([...base, ...b], [...headBase, ...h, ...extra]);
          expect(pair).toEqual(full);
          const [fromPair, fromFull] = verdicts();
          expect(fromPair).toEqual(fromFull);
        },
      ),
      {
        numRuns: Number(process.env.R136_RUNS ?? 300),
        seed: Number(process.env.ORGCTL_PROPERTY_SEED ?? Date.now() % 2 ** 31),
      },
    );
  });
});

// --- R136-1: the stale-output warning, a declaration edited in the clock tick of its record --------

describe('R136-1: a declaration edited within the file system clock tick of the record of what dist/ was written from', () => {
  const cache = cacheFolderOfItsOwn('orgctl-r136-cache-');
  it('is named as changed: a stamp the file system kept to the second does not say the bytes are the ones hashed', () => {
    const dir = tempDir();
    const [spec, out] = [join(dir, 'org.yaml'), join(dir, 'dist')];
    writeFileSync(spec, 'levels: ["r:pods"]\n');
    mkdirSync(out);
    recordWrittenFrom(out, [spec], Date.now() + 1);
    // Edited again at once, to as many bytes: on ext3, HFS+ or FAT the stat of the same second
    // looks the same. Here the record is given the stat now, as such a file system would leave it.
    writeFileSync(spec, 'levels: ["w:pods"]\n');
    const records = join(cache(), 'outputs');
    const file = join(records, readdirSync(records).find((n) => n.endsWith('.json'))!);
    const record = JSON.parse(readFileSync(file, 'utf8')) as { sources: { sha256: string }[]; writtenMs: number };
    const now = stampOf(spec);
    record.sources = [{ ...now, sha256: record.sources[0]!.sha256 }];
    record.writtenMs = Math.floor(statSync(spec).ctimeMs);
    writeFileSync(file, JSON.stringify(record));
    expect(staleOutputWarning(out)).toMatch(/org\.yaml has changed since/);
  });
});
