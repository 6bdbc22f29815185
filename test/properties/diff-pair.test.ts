/**
 * A diff reads access only for the subjects a change touches (readSnapshotPair): for random
 * organizations and random changes, its diff and every change rule's verdict are exactly those of
 * two full snapshots. ORGCTL_PROPERTY_RUNS raises the number of cases; a failure prints its seed.
 */
import { Construct } from 'constructs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseOutput, DocumentCache, type OutputText } from '../../cli/output-read.ts';
import { diffSnapshots } from '../../analysis/diff.ts';
import { readMembership, readSnapshot, readSnapshotPair } from '../../analysis/snapshot.ts';
import { generateSpec } from '../../constructs/generate.ts';
import { Organization } from '../../constructs/index.ts';
import { synthesize } from '../../constructs/synthesize.ts';
import { review } from '../../review/review.ts';

const RUNS = Math.max(1, Math.floor(Number(process.env.ORGCTL_PROPERTY_RUNS ?? 150) / 3));
const TODAY = '2026-11-26';

type Spec = { spec: Record<string, any> };

function organization(seed: number): Spec {
  const spec = generateSpec({
    users: 40,
    namespaces: 8,
    grants: 160,
    tokens: 6,
    seed,
    admins: 2 + (seed % 2),
    clusters: seed % 2 ? ['lga1', 'ord1'] : ['lga1'],
  }) as unknown as Spec;
  spec.spec.customRoles = [
    { name: 'cm-reader', rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }] },
  ];
  spec.spec.grants.push({ user: spec.spec.users[5].email, namespace: 'ns-1', customRole: 'cm-reader' });
  // In two clusters, ns-0 is in one only (an edit lets it join the other), with a w:full token.
  if (seed % 2) {
    spec.spec.namespaces.find((x: { name: string }) => x.name === 'ns-0').clusters = ['lga1'];
    spec.spec.tokens.push({ id: 'ns0-deploy', namespaces: ['ns-0'] });
  }
  return spec;
}

/** Edits an organization the way pull requests do; each picks its target from `n`. */
const EDITS: ((s: Spec, n: number) => void)[] = [
  (s, n) => s.spec.grants.splice(n % s.spec.grants.length, 1),
  (s, n) =>
    s.spec.grants.push({
      user: s.spec.users[n % s.spec.users.length].email,
      namespace: `ns-${n % 8}`,
      levels: ['w:configmaps'],
    }),
  (s, n) => {
    const u = s.spec.users[1 + (n % (s.spec.users.length - 1))];
    u.admin = !u.admin;
  },
  (s, n) => {
    const u = s.spec.users[1 + (n % (s.spec.users.length - 1))];
    u.status = u.status === 'deactivated' ? 'active' : 'deactivated';
    for (const t of s.spec.tokens) if (t.owner === u.email) delete t.owner;
  },
  (s, n) => (s.spec.users[1 + (n % (s.spec.users.length - 1))].billing = true),
  (s, n) => (s.spec.users[1 + (n % (s.spec.users.length - 1))].access = n % 2 ? 'all' : 'none'),
  (s, n) => {
    const t = s.spec.tokens[n % s.spec.tokens.length];
    if (t) t.namespaces = [`ns-${n % 8}`];
  },
  (s, n) => {
    const t = s.spec.tokens[n % s.spec.tokens.length];
    if (t) t.rotation = (t.rotation ?? 0) + 1;
  },
  (s, n) => {
    const t = s.spec.tokens[n % s.spec.tokens.length];
    if (t) t.owner = s.spec.owner;
  },
  (s, n) => {
    const t = s.spec.tokens[n % s.spec.tokens.length];
    if (t) t.name = `renamed ${n}`;
  },
  (s) => (s.spec.customRoles[0].rules = [{ apiGroups: [''], resources: ['configmaps', 'services'], verbs: ['get'] }]),
  (s) => s.spec.namespaces.push({ name: 'fresh' }),
  (s, n) => {
    const gone = `ns-${n % 8}`;
    s.spec.namespaces = s.spec.namespaces.filter((x: { name: string }) => x.name !== gone);
    s.spec.grants = s.spec.grants.filter((g: { namespace: string }) => g.namespace !== gone);
    for (const t of s.spec.tokens) t.namespaces = (t.namespaces ?? []).filter((x: string) => x !== gone);
    s.spec.tokens = s.spec.tokens.filter(
      (t: { rbac?: { namespace: string }[] }) => !t.rbac?.some((r) => r.namespace === gone),
    );
    s.spec.invites = (s.spec.invites ?? []).filter(
      (i: { grants?: { namespace: string }[] }) => !i.grants?.some((g) => g.namespace === gone),
    );
  },
  (s, n) => {
    if (s.spec.clusters?.length === 2) s.spec.namespaces[n % s.spec.namespaces.length].clusters = ['lga1'];
  },
  (s) => {
    for (const x of s.spec.namespaces) delete x.clusters;
  },
  (s, n) => {
    const email = s.spec.users[1 + (n % (s.spec.users.length - 1))].email;
    s.spec.users = s.spec.users.filter((u: { email: string }) => u.email !== email);
    s.spec.grants = s.spec.grants.filter((g: { user: string }) => g.user !== email);
    for (const t of s.spec.tokens) if (t.owner === email) delete t.owner;
  },
  (s) => (s.spec.identity = { usernamePrefix: 'oidc:' }),
];

function files(spec: Spec): OutputText[] | undefined {
  const root = new Construct(undefined as never, '');
  try {
    Organization.fromSpec(root, spec as never, { today: TODAY });
  } catch {
    return undefined;
  }
  const r = synthesize(root, { today: TODAY, declaredIn: 'org/org.ts' });
  if (!r.ok) return undefined;
  return r.files.map((f) => ({ ...f, label: f.path }));
}

describe('diff pair', () => {
  it(`a diff of the touched subjects only is the diff of full snapshots, verdicts included (${RUNS} changes)`, () => {
    let compared = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: EDITS.length - 1 }), fc.nat(1000)), { minLength: 1, maxLength: 3 }),
        (seed, edits) => {
          const base = organization(seed);
          const head = structuredClone(base);
          for (const [i, n] of edits) EDITS[i]!(head, n);
          const [bf, hf] = [files(base)!, files(head)];
          fc.pre(hf !== undefined);
          const cache = new DocumentCache();
          const [bd, hd] = [parseOutput(bf, cache), parseOutput(hf!, cache)];
          const pair = readSnapshotPair(
            { docs: bd, membership: readMembership(bd, 'base') },
            { docs: hd, membership: readMembership(hd, 'head') },
          );
          const full = { base: readSnapshot(bd, 'base'), head: readSnapshot(hd, 'head') };
          const [pairDiff, fullDiff] = [diffSnapshots(pair.base, pair.head), diffSnapshots(full.base, full.head)];
          expect(pairDiff).toEqual(fullDiff);
          const logins = [...full.base.users.values()].map((u) => u.github).filter((g) => g !== undefined);
          const who = { actors: [logins[0]!], approvals: [logins[1]!], changedPaths: ['org/org.ts'], overrides: [] };
          expect(review({ ...who, ...pair, diff: pairDiff })).toEqual(review({ ...who, ...full, diff: fullDiff }));
          compared++;
        },
      ),
      { numRuns: RUNS, seed: Number(process.env.ORGCTL_PROPERTY_SEED ?? Date.now() % 2 ** 31) },
    );
    expect(compared).toBeGreaterThan(RUNS / 2);
  });

  it('counts the grants of base once per person, namespace and role however bindings split or repeat them', () => {
    const bf = files(organization(3))!;
    const bd = parseOutput(bf);
    const hd = parseOutput(files(organization(3))!);
    const bindings = bd.filter((d) => (d.object as { kind?: string }).kind === 'RoleBinding');
    const subjects = (d: (typeof bd)[number]) => (d.object as { subjects: unknown[] }).subjects;
    const target = bindings.find((d) => subjects(d).length >= 2)!;
    const [first, second] = subjects(target) as { name: string }[];
    // The binding split in two parts naming one person in both, a person twice in one part, and a
    // name no member has: each member counts once there, the stranger not at all.
    const part = structuredClone(target.object) as { metadata: { name: string }; subjects: unknown[] };
    part.metadata.name = `${part.metadata.name}:2`;
    part.subjects = [first, first, { ...second!, name: 'stranger@else.io' }];
    const forged = [...bd, { ...target, index: 999, object: part }];
    const pair = readSnapshotPair(
      { docs: forged, membership: readMembership(forged, 'base') },
      { docs: hd, membership: readMembership(hd, 'head') },
    );
    expect(pair.base.grantCount).toBeDefined();
    const full = readSnapshot(forged, 'base');
    const head = readSnapshot(hd, 'head');
    expect(diffSnapshots(pair.base, pair.head).stats.grants).toEqual(diffSnapshots(full, head).stats.grants);
    expect(pair.base.grantCount).toBe(
      readSnapshotPair(
        { docs: bd, membership: readMembership(bd, 'base') },
        { docs: hd, membership: readMembership(hd, 'head') },
      ).base.grantCount,
    );
  });
});
