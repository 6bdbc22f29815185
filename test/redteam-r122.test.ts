/**
 * Red team R122: the shortcuts added for speed on what review judges and what diff tells a reviewer.
 * Each of them takes "one object on both sides" (a document or a membership line head repeats is
 * base's own object: DocumentCache, MembershipLines) as "nothing changed there". Every probe below
 * keeps that identity while the meaning around it changes, reads the pair as `orgctl diff` and
 * `orgctl review` read it (one cache, one MembershipLines: head takes base's objects), and compares
 * the diff and the change rules' verdicts with those of two fresh readings (no object shared).
 *
 * No hole found: every probe is a guard. Why each shortcut holds: an object is shared only for the
 * same text at the same place (a document: the same file, so the same cluster and shard; a line: the
 * same membership list), and what each skip compares is a function of that text alone. A person's
 * staging (awayOf, the dormant records) reads only their record; a namespace's guard rails read its
 * settings and the effective Pod Security, compared too (the organization's defaults are other
 * objects on each side); a layout is the organization ConfigMap's text; a cell's access is its
 * roles' scope and rules (scope in the key, rules as JSON); the written-twice check skipped only
 * refused documents, whose refusal already stops the reading.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffSnapshots, type AccessDiff } from '../analysis/diff.ts';
import {
  MembershipLines,
  readMembership,
  readSnapshot,
  readSnapshotPair,
  type Snapshot,
} from '../analysis/snapshot.ts';
import { DocumentCache, parseOutput, type OutputText } from '../cli/output-read.ts';
import { EDITS, organization, unjudgedFiles, type Spec as PropertySpec } from './properties/pull-requests.ts';
import { review } from '../review/review.ts';
import { baseSpec, bobAway, outputOf, snapshotOf, user, type Spec } from './review/scenarios.ts';
import { TODAY } from './helpers.ts';

const bob = 'bob@acme.io';

/** Both sides read as `orgctl diff` reads them: what head repeats is base's object (document and membership line). */
function readAsDiff(base: Spec, head: Spec): { base: Snapshot; head: Snapshot } {
  const [cache, lines] = [new DocumentCache(), new MembershipLines()];
  const side = (s: Spec, label: string) => {
    const docs = parseOutput(outputOf(s), cache);
    return { docs, membership: readMembership(docs, label, lines) };
  };
  return readSnapshotPair(side(base, 'base'), side(head, 'head'));
}

/** The change rules that refuse, for a change authored by erin alone (a non-admin). */
function refusedBy(base: Snapshot, head: Snapshot, diff: AccessDiff): string[] {
  const v = review({
    base,
    head,
    diff,
    today: TODAY,
    actors: ['erin'],
    approvals: [],
    changedPaths: ['org/org.ts'],
    overrides: [],
  });
  return [...new Set(v.results.filter((r) => !r.ok).map((r) => r.rule))].sort();
}

/** The diff and refusals of base → edited head, read with shared objects and read fresh. */
function bothWays(base: Spec, edit: (s: Spec) => void) {
  const head = structuredClone(base);
  edit(head);
  const shared = readAsDiff(base, head);
  const [b, h] = [snapshotOf(base), snapshotOf(head)];
  const sharedDiff = diffSnapshots(shared.base, shared.head, TODAY);
  const freshDiff = diffSnapshots(b, h, TODAY);
  return {
    shared: { diff: sharedDiff, refused: refusedBy(shared.base, shared.head, sharedDiff) },
    fresh: { diff: freshDiff, refused: refusedBy(b, h, freshDiff) },
  };
}

/** Every line a diff says, as text. */
const linesOf = (d: AccessDiff): string[] => [
  ...d.people.flatMap((p) => p.changes.map((c) => `${p.id}: ${c.text}`)),
  ...d.tokens.flatMap((p) => p.changes.map((c) => `token ${p.id}: ${c.text}`)),
  ...d.guardRails.map((c) => `guard rail ${c.namespace ?? ''}: ${c.text}`),
  ...d.settings.map((c) => `setting: ${c.text}`),
  ...d.clusters.map((c) => `clusters: ${c.text}`),
  ...d.customRbac.map((c) => `custom RBAC: ${c.text}`),
  ...d.namespaces.added.map((n) => `namespace added: ${n}`),
  ...d.namespaces.removed.map((n) => `namespace removed: ${n}`),
];

/** baseSpec with guard rails in web (Pod Security, network policy, labels) and an organization default. */
function railed(): Spec {
  const s = baseSpec();
  s.spec.namespaceDefaults = { podSecurity: 'baseline' };
  s.spec.namespaces = [
    { name: 'web', podSecurity: 'restricted', networkPolicy: 'same-namespace', labels: { team: 'web' } },
    { name: 'data' },
  ];
  return s;
}

const stage =
  (email: string, levels: string[], namespace = 'data') =>
  (s: Spec) =>
    void s.spec.grants.push({ user: email, namespace, levels });

/** Each probe: the base, the edit, and what the diff must say (a pattern over its lines). */
const probes: [string, () => Spec, (s: Spec) => void, RegExp][] = [
  [
    "guardRailChanges: data's settings one object on both sides (none), the organization's default Pod Security lowered",
    railed,
    (s) => void (s.spec.namespaceDefaults = { podSecurity: 'privileged' }),
    /guard rail data: .*(privileged|Pod Security).*weaker/,
  ],
  [
    "guardRailChanges: web's settings one line on both sides, namespace protection turned off",
    () => {
      const s = railed();
      s.spec.namespaceProtection = { appliedBy: 'system:serviceaccount:argocd:argocd-application-controller' };
      return s;
    },
    (s) => void delete s.spec.namespaceProtection,
    /namespace protection turned off/,
  ],
  [
    "railWriterChanges: erin's web grant one binding on both sides, a custom rule writing NetworkPolicies in web, which declares one",
    railed,
    (s) =>
      void s.spec.grants.push({
        user: 'erin@acme.io',
        namespace: 'web',
        rules: [{ apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ['create'] }],
      }),
    /erin@acme\.io may write NetworkPolicies in web/,
  ],
  [
    "stagedChanges: kim's record one line on both sides (deactivated, staged r:secrets), bob deactivated and staged w:configmaps beside her",
    () => {
      const s = bobAway();
      s.spec.users.push({ email: 'kim@acme.io', github: 'kim', status: 'deactivated' });
      stage('kim@acme.io', ['r:secrets'])(s);
      return s;
    },
    stage(bob, ['w:configmaps']),
    /bob@acme\.io: .*w:configmaps.* in data/,
  ],
  [
    "stagedChanges: bob's record under Remove All, one line on both sides, a named role he is granted widened to r:secrets",
    () => {
      const s = baseSpec();
      s.spec.roles = [{ name: 'dev', levels: ['r:pods'] }];
      user(s, bob).access = 'none';
      s.spec.grants.push({ user: bob, namespace: 'data', role: 'dev' });
      return s;
    },
    (s) => void (s.spec.roles = [{ name: 'dev', levels: ['r:secrets'] }]),
    /bob@acme\.io: .*r:secrets/,
  ],
  [
    'diffSnapshots: a namespace removed whose bindings are the same objects in what stays',
    () => {
      const s = baseSpec();
      s.spec.namespaces.push({ name: 'api' });
      s.spec.grants.push({ user: 'erin@acme.io', namespace: 'api', levels: ['r:pods'] });
      return s;
    },
    (s) => {
      s.spec.namespaces = s.spec.namespaces.filter((n: { name: string }) => n.name !== 'api');
      s.spec.grants = s.spec.grants.filter((g: { namespace: string }) => g.namespace !== 'api');
    },
    /namespace removed: api/,
  ],
  [
    "affectedSubjects: erin's record and web binding one object on both sides, the custom role she holds widened",
    () => {
      const s = baseSpec();
      s.spec.customRoles = [{ name: 'cm', rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] }];
      s.spec.grants.push({ user: 'erin@acme.io', namespace: 'data', customRole: 'cm' });
      return s;
    },
    (s) =>
      void (s.spec.customRoles = [
        { name: 'cm', rules: [{ apiGroups: [''], resources: ['configmaps', 'secrets'], verbs: ['get'] }] },
      ]),
    /erin@acme\.io: .*secrets/,
  ],
  [
    'affectedSubjects: the records and bindings one object on both sides, data moved to a second cluster',
    () => {
      const s = baseSpec();
      s.spec.clusters = ['lga1', 'ord1'];
      s.spec.namespaces = [{ name: 'web' }, { name: 'data', clusters: ['lga1'] }];
      return s;
    },
    (s) => void (s.spec.namespaces = [{ name: 'web' }, { name: 'data' }]),
    /ord1/,
  ],
];

describe('R122: a pair read with shared objects says and refuses what two fresh readings do', () => {
  for (const [what, base, edit, says] of probes)
    it(what, () => {
      const { shared, fresh } = bothWays(base(), edit);
      expect(linesOf(shared.diff)).toEqual(linesOf(fresh.diff));
      expect(shared.diff).toEqual(fresh.diff);
      expect(shared.refused).toEqual(fresh.refused);
      expect(
        linesOf(shared.diff).some((l) => says.test(l)),
        linesOf(shared.diff).join('\n'),
      ).toBe(true);
    });
});

/** Guard rails and stagings a pull request may change, beside pull-requests.ts' edits. */
const MORE_EDITS: ((s: PropertySpec, n: number) => void)[] = [
  (s, n) => void (s.spec.namespaceDefaults = { podSecurity: ['privileged', 'baseline', 'restricted'][n % 3] }),
  (s) => void delete s.spec.namespaceDefaults,
  (s, n) => {
    const ns = s.spec.namespaces[n % s.spec.namespaces.length];
    if (n % 4 === 0) ns.podSecurity = n % 8 ? 'restricted' : 'privileged';
    else if (n % 4 === 1) ns.networkPolicy = 'same-namespace';
    else if (n % 4 === 2) ns.quota = { pods: `${1 + (n % 30)}` };
    else for (const k of ['podSecurity', 'networkPolicy', 'quota', 'labels']) delete ns[k];
  },
  (s) =>
    void (s.spec.namespaceProtection = { appliedBy: 'system:serviceaccount:argocd:argocd-application-controller' }),
  (s) => void delete s.spec.namespaceProtection,
  (s, n) => {
    const u = s.spec.users[4 + (n % (s.spec.users.length - 4))];
    u.status = 'deactivated';
    for (const t of s.spec.tokens) if (t.owner === u.email) delete t.owner;
  },
  (s, n) =>
    void s.spec.grants.push({
      user: s.spec.users[4 + (n % (s.spec.users.length - 4))].email,
      namespace: `ns-${n % 8}`,
      rules: [{ apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ['create'] }],
    }),
];
const ALL_EDITS = [...EDITS, ...MORE_EDITS];

/** pull-requests.ts' organization, with guard rails in some namespaces and some people deactivated, for odd variants. */
function railedOrganization(seed: number, variant: number): PropertySpec {
  const s = organization(seed);
  if (variant % 2) {
    s.spec.namespaceDefaults = { podSecurity: 'baseline' };
    s.spec.namespaces[1].networkPolicy = 'same-namespace';
    s.spec.namespaces[2].podSecurity = 'restricted';
    s.spec.namespaces[3].quota = { pods: '10' };
  }
  if (variant % 3 === 0)
    for (const i of [8, 12]) {
      const u = s.spec.users[i];
      u.status = 'deactivated';
      for (const t of s.spec.tokens) if (t.owner === u.email) delete t.owner;
    }
  return s;
}

/** What a diff and the change rules say of two outputs, read with shared objects or fresh. */
function sayings(bf: OutputText[], hf: OutputText[], shared: boolean) {
  let base: Snapshot;
  let head: Snapshot;
  if (shared) {
    const [cache, lines] = [new DocumentCache(), new MembershipLines()];
    const [bd, hd] = [parseOutput(bf, cache), parseOutput(hf, cache)];
    ({ base, head } = readSnapshotPair(
      { docs: bd, membership: readMembership(bd, 'base', lines) },
      { docs: hd, membership: readMembership(hd, 'head', lines) },
    ));
  } else [base, head] = [readSnapshot(parseOutput(bf), 'base'), readSnapshot(parseOutput(hf), 'head')];
  const diff = diffSnapshots(base, head, TODAY);
  const logins = [...base.users.values()].map((u) => u.github).filter((g) => g !== undefined);
  const v = review({
    base,
    head,
    diff,
    today: TODAY,
    actors: [logins[5]!],
    approvals: [logins[0]!],
    changedPaths: ['org/org.ts'],
    overrides: [],
  });
  return { diff, results: v.results };
}

describe('R122 property: random pull requests (heads written by hand too) read with shared objects as read fresh', () => {
  const runs = Math.max(1, Math.floor(Number(process.env.ORGCTL_PROPERTY_RUNS ?? 150) / 3));
  it(`the diff and every change rule's result are those of fresh readings (${runs} changes)`, () => {
    let compared = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 0, max: 5 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: ALL_EDITS.length - 1 }), fc.nat(100_000)), {
          minLength: 1,
          maxLength: 3,
        }),
        (seed, variant, edits) => {
          const base = railedOrganization(seed, variant);
          const head = structuredClone(base);
          for (const [i, n] of edits) ALL_EDITS[i]!(head, n);
          const [bf, hf] = [unjudgedFiles(base), unjudgedFiles(head)];
          fc.pre(bf !== undefined && hf !== undefined);
          // A head the strict reader refuses is refused alike, in the same words.
          const said = (shared: boolean) => {
            try {
              return sayings(bf!, hf!, shared);
            } catch (e) {
              return { refused: String(e) };
            }
          };
          expect(said(true)).toEqual(said(false));
          compared++;
        },
      ),
      { numRuns: runs, seed: Number(process.env.ORGCTL_PROPERTY_SEED ?? Date.now() % 2 ** 31) },
    );
    expect(compared).toBeGreaterThan(runs / 2);
  });
});

describe("R122: access's cells found by numbers and judged once per distinct rules read as each subject's alone", () => {
  const rbacGroup = 'rbac.authorization.k8s.io/v1';
  const configMaps = [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }];
  const runPods = [{ apiGroups: [''], resources: ['pods'], verbs: ['create'] }];
  const secretsEverywhere = [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }];
  const role = (kind: 'Role' | 'ClusterRole', name: string, rules: unknown[], namespace?: string) => ({
    apiVersion: rbacGroup,
    kind,
    metadata: namespace ? { name, namespace } : { name },
    rules,
  });
  const binding = (
    name: string,
    namespace: string | undefined,
    ref: [string, string],
    subjects: string[],
  ): Record<string, unknown> => ({
    apiVersion: rbacGroup,
    kind: namespace ? 'RoleBinding' : 'ClusterRoleBinding',
    metadata: namespace ? { name, namespace } : { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: ref[0], name: ref[1] },
    subjects: subjects.map((n) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: n })),
  });
  // Roles of one rules text under other names, kinds and namespaces; one ClusterRole bound both in a
  // namespace and cluster-wide (the same rules, another reach); a role named as another's label reads.
  const objects = [
    role('Role', 'a', configMaps, 'web'),
    role('Role', 'a', runPods, 'data'),
    role('Role', 'b', configMaps, 'data'),
    role('ClusterRole', 'c', secretsEverywhere),
    role('ClusterRole', 'd', configMaps),
    role('ClusterRole', 'Role a', runPods),
    binding('x', 'web', ['Role', 'a'], ['u1', 'u2']),
    binding('x', 'data', ['Role', 'a'], ['u3']),
    binding('y', 'data', ['Role', 'b'], ['u2', 'u4']),
    binding('z', undefined, ['ClusterRole', 'c'], ['u5']),
    binding('z', 'web', ['ClusterRole', 'c'], ['u6', 'u2']),
    binding('w', 'web', ['ClusterRole', 'd'], ['u1', 'u7']),
    binding('x → ClusterRole', 'web', ['ClusterRole', 'Role a'], ['u8']),
    binding('v', 'data', ['ClusterRole', 'Role a'], ['u4', 'u9']),
  ];
  const docs = objects.map((object, index) => ({ file: 'x.yaml', index, object }));

  it('each subject of the matrix, written as JSON, is the matrix of that subject alone', async () => {
    const { Authorizer } = await import('../analysis/authorizer.ts');
    const { readRbac } = await import('../analysis/objects.ts');
    const { accessMatrix, accessMatrixJson } = await import('../analysis/access.ts');
    const authz = new Authorizer(readRbac(docs));
    const whole = JSON.parse(Buffer.concat(accessMatrixJson(authz)).toString()) as { name: string }[];
    expect(whole.map((s) => s.name)).toEqual(['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8', 'u9']);
    for (const s of whole) {
      const alone = accessMatrix(new Authorizer(readRbac(docs)), { only: new Map([[s.name, true]]) });
      expect(s, s.name).toEqual(alone[0]);
    }
    // The same rules, each reach its own: u5's cluster-wide Secrets, u6's only in web; u3's Role a of
    // data runs pods where u1's Role a of web reads ConfigMaps.
    const cell = (name: string) => whole.find((s) => s.name === name) as Record<string, any>;
    expect(cell('u5').cluster.classes).toEqual(['read-secrets']);
    expect(cell('u6').cluster).toBeUndefined();
    expect(cell('u3').namespaces.data.classes).not.toEqual(cell('u1').namespaces.web.classes);
  });
});

describe("R122: parseOutput's shortcuts (written-twice places by parts, the layout kept per ConfigMap object) with head's objects base's", () => {
  /** A file's header and its documents' texts (each after its `---` line). */
  const split = (content: string) => {
    const [header, ...docs] = content.split(/^---\n/m);
    return { header: header!, docs };
  };
  const join = (header: string, docs: readonly string[]) => header + docs.map((d) => `---\n${d}`).join('');
  /** The shard file holding namespace `ns`'s Namespace object. */
  const shardOf = (files: readonly OutputText[], ns: string) =>
    files.find(
      (f) =>
        /\/shard-[^/]+\/resources\.yaml$/.test(f.path) &&
        split(f.content).docs.some(
          (d) => d.startsWith('apiVersion: v1\nkind: Namespace\n') && d.includes(`\n  name: ${ns}\n`),
        ),
    )!;
  const edited = (files: readonly OutputText[], path: string, edit: (docs: string[]) => string[]) =>
    files.map((f) => {
      if (f.path !== path) return f;
      const { header, docs } = split(f.content);
      return { ...f, content: join(header, edit(docs)) };
    });
  /** Head read after base with one cache (head's unchanged documents are base's objects): its refusal. */
  const refusedAfterBase = (base: OutputText[], head: OutputText[]): string => {
    const cache = new DocumentCache();
    parseOutput(base, cache);
    try {
      parseOutput(head, cache);
    } catch (e) {
      return String(e);
    }
    return 'accepted';
  };
  const base = outputOf(baseSpec());
  const [web, data] = [shardOf(base, 'web'), shardOf(base, 'data')];
  const webBinding = split(web.content).docs.find((d) => d.includes('kind: RoleBinding\n'))!;

  it("a RoleBinding of web written again in data's shard (web's file unchanged: base's objects) is refused", () => {
    const head = edited(base, data.path, (docs) => [...docs, webBinding]);
    expect(refusedAfterBase(base, head)).toMatch(/written twice|where orgctl writes none of it/);
  });

  it("a RoleBinding of web moved to data's shard, every other document base's object, is refused as misplaced", () => {
    const moved = edited(base, web.path, (docs) => docs.filter((d) => d !== webBinding));
    const head = edited(moved, data.path, (docs) => [...docs, webBinding]);
    expect(refusedAfterBase(base, head)).toMatch(/is in shard-\S+, where orgctl writes none of it/);
  });

  it('a ClusterRole written again in a shard with a namespace (which the API server ignores) is refused', () => {
    const cluster = base.find((f) => f.path.endsWith('/cluster/resources.yaml'))!;
    const clusterRole = split(cluster.content).docs.find((d) => d.includes('kind: ClusterRole\n'))!;
    const withNamespace = clusterRole.replace(/^( {2}name: .*\n)/m, '$1  namespace: data\n');
    expect(withNamespace).not.toBe(clusterRole);
    const head = edited(base, data.path, (docs) => [...docs, withNamespace]);
    expect(refusedAfterBase(base, head)).toMatch(/ClusterRole \S+ written twice/);
  });
});

describe('R122 through `orgctl review`: a head written by hand, mostly base text (base objects and lines), refused for what it stages', () => {
  /** `files` written as an output folder. */
  const folderOf = async (files: readonly OutputText[]): Promise<string> => {
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const { dirname, join } = await import('node:path');
    const { tempDir } = await import('./helpers.ts');
    const dir = join(tempDir(), 'dist');
    for (const f of files) {
      mkdirSync(dirname(join(dir, f.path)), { recursive: true });
      writeFileSync(join(dir, f.path), f.content);
    }
    return dir;
  };
  /** baseSpec with bob and kim deactivated, kim's staged r:secrets in data one line on both sides. */
  const withKim = (): PropertySpec => {
    const s = bobAway() as unknown as PropertySpec;
    s.spec.users.push({ email: 'kim@acme.io', github: 'kim', status: 'deactivated' });
    s.spec.grants.push({ user: 'kim@acme.io', namespace: 'data', levels: ['r:secrets'] });
    return s;
  };

  it.each([
    [
      'w:pods staged on the deactivated bob',
      ['w:pods'],
      /head-policies.*forbidden-grant users\/bob@.*acme\.io → web: w:pods/,
    ],
    [
      'w:full staged on the deactivated bob',
      ['w:full'],
      /head-policies.*forbidden-grant users\/bob@.*acme\.io → web: w:full/,
    ],
  ])('%s: refused, whoever approves', async (_what, levels, rule) => {
    const { run } = await import('./helpers.ts');
    const head = structuredClone(withKim());
    head.spec.grants.push({ user: bob, namespace: 'web', levels });
    const [bf, hf] = [unjudgedFiles(withKim())!, unjudgedFiles(head)!];
    // kim's line is the same text on both sides (read once, one record).
    const kim = (files: OutputText[]) =>
      files.flatMap((f) => f.content.split('\n')).find((l) => l.includes('"email":"kim@acme.io"'));
    expect(kim(hf)).toBe(kim(bf));
    const r = await run([
      'review',
      '--base',
      await folderOf(bf),
      '--head',
      await folderOf(hf),
      '--changed-path',
      'org/org.ts',
      '--actor',
      'alice',
      '--approved-by',
      'frank',
    ]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(rule);
    expect(r.stdout).toMatch(/is granted w:\S+ in web while deactivated/);
  });
});

describe("R122: access's cells judged once per distinct rules, on an organization's output", () => {
  it('each subject, in the whole matrix written as JSON, is the matrix of that subject alone', async () => {
    const { Authorizer } = await import('../analysis/authorizer.ts');
    const { readRbac } = await import('../analysis/objects.ts');
    const { accessMatrix, accessMatrixJson } = await import('../analysis/access.ts');
    const s = organization(3);
    const cm = s.spec.customRoles[0].rules;
    // The custom role in several namespaces, inline rules of the same text beside it and alone, a
    // role of the same rules under another name: Roles of one content under many keys.
    s.spec.customRoles.push({ name: 'cm-too', rules: structuredClone(cm) });
    s.spec.users.slice(4, 14).forEach((u: { email: string }, i: number) => {
      s.spec.grants.push({ user: u.email, namespace: `ns-${i % 8}`, customRole: i % 2 ? 'cm-reader' : 'cm-too' });
      if (i % 3 === 0)
        s.spec.grants.push({ user: u.email, namespace: `ns-${(i + 1) % 8}`, rules: structuredClone(cm) });
    });
    const docs = parseOutput(unjudgedFiles(s)!);
    const authz = new Authorizer(readRbac(docs));
    const whole = JSON.parse(Buffer.concat(accessMatrixJson(authz)).toString()) as { kind: string; name: string }[];
    expect(whole.length).toBeGreaterThan(40);
    for (const subject of whole) {
      const alone = accessMatrix(new Authorizer(readRbac(docs)), { only: new Map([[subject.name, true]]) });
      expect(subject, subject.name).toEqual(alone.find((a) => a.kind === subject.kind));
    }
  });
});
