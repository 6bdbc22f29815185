/**
 * A diff reads access only for the subjects a change touches (readSnapshotPair): for random
 * organizations and random changes, its diff and every change rule's verdict are exactly those of
 * two full snapshots. ORGCTL_PROPERTY_RUNS raises the number of cases; a failure prints its seed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseOutput, DocumentCache } from '../../cli/output-read.ts';
import { diffSnapshots } from '../../analysis/diff.ts';
import { readSnapshot } from '../../analysis/snapshot.ts';
import { review } from '../../review/review.ts';
import { files, organization, pullRequest, pullRequestEdits } from './pull-requests.ts';
import { roleBinding, TODAY } from '../helpers.ts';
import type { ManifestDoc } from '../../analysis/objects.ts';
import { pairOf, specDocs } from '../review/scenarios.ts';

const RUNS = Math.max(1, Math.floor(Number(process.env.ORGCTL_PROPERTY_RUNS ?? 150) / 3));

describe('diff pair', () => {
  it(`a diff of the touched subjects only is the diff of full snapshots, verdicts included (${RUNS} changes)`, () => {
    let compared = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5 }), pullRequestEdits, (seed, edits) => {
        const { base: bf, head: hf } = pullRequest(seed, edits);
        fc.pre(hf !== undefined);
        const cache = new DocumentCache();
        const [bd, hd] = [parseOutput(bf, cache), parseOutput(hf!, cache)];
        const pair = pairOf(bd, hd);
        const full = { base: readSnapshot(bd, 'base'), head: readSnapshot(hd, 'head') };
        const [pairDiff, fullDiff] = [
          diffSnapshots(pair.base, pair.head, TODAY),
          diffSnapshots(full.base, full.head, TODAY),
        ];
        expect(pairDiff).toEqual(fullDiff);
        const logins = [...full.base.users.values()].map((u) => u.github).filter((g) => g !== undefined);
        const who = {
          actors: [logins[0]!],
          approvals: [logins[1]!],
          changedPaths: ['org/org.ts'],
          overrides: [],
          today: TODAY,
        };
        expect(review({ ...who, ...pair, diff: pairDiff })).toEqual(review({ ...who, ...full, diff: fullDiff }));
        compared++;
      }),
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
    // In every cluster holding the binding, alike: copies that differ between clusters are read
    // cluster by cluster, by a full snapshot (red team H), not this bounded pair.
    const meta = (d: (typeof bd)[number]) => (d.object as { metadata: { name: string; namespace: string } }).metadata;
    const copies = bindings.filter(
      (d) => meta(d).name === meta(target).name && meta(d).namespace === meta(target).namespace,
    );
    const parts = copies.map((copy, i) => {
      const part = structuredClone(copy.object) as { metadata: { name: string }; subjects: unknown[] };
      part.metadata.name = `${part.metadata.name}:2`;
      part.subjects = [first, first, { ...second!, name: 'stranger@else.io' }];
      return { ...copy, index: 999 + i, object: part };
    });
    const forged = [...bd, ...parts];
    const pair = pairOf(forged, hd);
    expect(pair.base.grantCount).toBeDefined();
    const full = readSnapshot(forged, 'base');
    const head = readSnapshot(hd, 'head');
    expect(diffSnapshots(pair.base, pair.head, TODAY).stats.grants).toEqual(
      diffSnapshots(full, head, TODAY).stats.grants,
    );
    expect(pair.base.grantCount).toBe(pairOf(bd, hd).base.grantCount);
  });
});

/** Two sides read as a pair (pairOf), and their diff: the full snapshots' diff. */
function pairAsFull(base: ManifestDoc[], head: ManifestDoc[]) {
  const pair = pairOf(base, head);
  const d = diffSnapshots(pair.base, pair.head, TODAY);
  expect(d).toEqual(diffSnapshots(readSnapshot(base, 'base'), readSnapshot(head, 'head'), TODAY));
  return { pair, d };
}

describe('a Group only head names, in a binding edited in place', () => {
  it("makes the pair read everyone (a Group's reach is its members'), its diff the full snapshots'", () => {
    const base = specDocs();
    // Head's other documents are base's own objects, as a diff's document cache reads them.
    const target = base.find((d) => (d.object as { kind?: string }).kind === 'RoleBinding')!;
    const edited = structuredClone(target.object) as { subjects: unknown[] };
    edited.subjects = [...edited.subjects, { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'everyone' }];
    const head = base.map((d) => (d === target ? { ...d, object: edited } : d));
    const { pair, d } = pairAsFull(base, head);
    expect(pair.base.grantCount).toBeUndefined();
    expect(d.outsiders?.map((o) => o.id)).toEqual(['Group everyone']);
  });
});

describe('a ClusterRoleBinding only head holds, in a document of its own', () => {
  it("makes the pair read everyone (base's bindings are checked for head's shared documents only), its diff the full snapshots'", () => {
    const base = specDocs();
    const user = (
      base.find((d) => (d.object as { kind?: string }).kind === 'RoleBinding')!.object as {
        subjects: { name: string }[];
      }
    ).subjects[0]!.name;
    const extra: ManifestDoc = {
      file: 'extra/cluster.yaml',
      index: 0,
      object: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'sneaky' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'acme:w:full' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }],
      },
    };
    const { pair, d } = pairAsFull(base, [...base, extra]);
    expect(pair.base.grantCount).toBeUndefined();
    expect(JSON.stringify(d.people)).toContain('every namespace (cluster-wide)');
  });
});

describe('a hand-written head: a User subject that is a ServiceAccount (a red team)', () => {
  it('token ci gains w:full in data through a User subject system:serviceaccount:acme-system:token-ci', () => {
    const base = specDocs();
    const extra: ManifestDoc = {
      file: 'extra/data.yaml',
      index: 0,
      object: roleBinding('data', 'sneaky', 'acme:w:full', [
        { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'system:serviceaccount:acme-system:token-ci' },
      ]),
    };
    const head = [...base, extra];
    // The full reading sees the gain.
    const full = diffSnapshots(readSnapshot(base, 'base'), readSnapshot(head, 'head'), TODAY);
    expect(
      full.tokens
        .find((t) => t.id === 'ci')
        ?.changes.map((c) => c.text)
        .join('; '),
    ).toMatch(/w:full in data/);
    // The pair (what `orgctl diff` and `orgctl review` read) should say the same.
    const pair = pairOf(base, head);
    const d = diffSnapshots(pair.base, pair.head, TODAY);
    expect(
      d.tokens
        .find((t) => t.id === 'ci')
        ?.changes.map((c) => c.text)
        .join('; '),
    ).toMatch(/w:full in data/);
  });
});

describe('a role whose rules head changes', () => {
  it("gives the pair's head cells of head's rules (no cell worked out once for both sides), its diff the full snapshots'", () => {
    const base = specDocs();
    // A level's ClusterRole a RoleBinding binds (not w:full, which allows everything already): every
    // cell holding it differs in head by its rules only.
    type Binding = { kind?: string; roleRef: { name: string } };
    const bound = base
      .map((d) => d.object as Binding)
      .find((o) => o.kind === 'RoleBinding' && !o.roleRef.name.endsWith(':w:full'))!;
    const named = (d: ManifestDoc) => d.object as { kind?: string; metadata?: { name?: string } };
    const target = base.find((d) => named(d).kind === 'ClusterRole' && named(d).metadata?.name === bound.roleRef.name)!;
    const edited = structuredClone(target.object) as { rules: unknown[] };
    edited.rules = [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }];
    const head = base.map((d) => (d === target ? { ...d, object: edited } : d));
    const { pair } = pairAsFull(base, head);
    expect(pair.base.grantCount).toBeDefined();
    // Each head cell the pair holds, base's same cell worked out first (as a diff asks them), is head's own.
    const full = readSnapshot(head, 'head');
    let compared = 0;
    for (const [name, cells] of pair.head.access)
      for (const [ns, cell] of Object.entries(cells)) {
        expect(pair.base.access.get(name)?.[ns]?.cell).toBeDefined();
        expect(cell.cell).toEqual(full.access.get(name)![ns]!.cell);
        compared++;
      }
    expect(compared).toBeGreaterThan(0);
  });
});
