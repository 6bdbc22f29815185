/**
 * Intent equals effect: for generated organizations, what the RBAC analysis says every user and
 * token can do in every namespace of every cluster is exactly what the declaration intends.
 * ORGCTL_PROPERTY_RUNS raises the number of organizations (default 500); a failure prints its seed.
 */
import { Construct } from 'constructs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATALOG, findLevel, grantableLevels, type PolicyRule } from '../../model/catalog.ts';
import { generateSpec } from '../../constructs/generate.ts';
import { Organization } from '../../constructs/index.ts';
import type { OrgSpec } from '../../constructs/spec.ts';
import { synthesize } from '../../constructs/synthesize.ts';
import { parseCanonicalYaml } from '../../synth/yaml.ts';
import { accessIndex, CellMaker, levelsCovered } from '../../analysis/access.ts';
import { Authorizer } from '../../analysis/authorizer.ts';
import { readRbac } from '../../analysis/objects.ts';

const RUNS = Number(process.env.ORGCTL_PROPERTY_RUNS ?? 500);
const TODAY = '2026-11-26';
const rulesOf = (levels: Iterable<string>): PolicyRule[] => [...levels].flatMap((l) => findLevel(l)?.rules ?? []);

type Spec = OrgSpec['spec'];

/** What the declaration intends, worked out from the spec alone: subject → namespace → covered levels. */
function intended(spec: Spec, cluster: string): Map<string, Map<string, string[]>> {
  const out = new Map<string, Map<string, PolicyRule[]>>();
  const inCluster = new Set(
    (spec.namespaces ?? []).filter((n) => !n.clusters || n.clusters.includes(cluster)).map((n) => n.name),
  );
  const put = (subject: string, ns: string, rules: PolicyRule[]) => {
    if (!inCluster.has(ns) && ns !== 'acme-system') return;
    const m = out.get(subject) ?? new Map<string, PolicyRule[]>();
    m.set(ns, [...(m.get(ns) ?? []), ...rules]);
    out.set(subject, m);
  };
  const roles = new Map((spec.roles ?? []).map((r) => [r.name, r.levels]));
  const users = new Map((spec.users ?? []).map((u) => [u.email.toLowerCase(), u]));
  for (const u of users.values()) {
    if (u.status === 'deactivated') continue;
    if (u.admin) for (const ns of [...inCluster, 'acme-system']) put(u.email, ns, rulesOf(['w:full']));
    else if (u.access === 'all') for (const ns of inCluster) put(u.email, ns, rulesOf(grantableLevels()));
  }
  for (const g of spec.grants ?? []) {
    const u = users.get(g.user.toLowerCase());
    if (!u || u.status === 'deactivated' || u.access === 'none') continue;
    if (g.expires !== undefined && g.expires < TODAY) continue;
    put(u.email, g.namespace, rulesOf([...(g.levels ?? []), ...(g.role ? (roles.get(g.role) ?? []) : [])]));
  }
  for (const t of spec.tokens ?? []) {
    if (t.status === 'deactivated') continue;
    const sa = `acme-system:token-${t.id}`;
    for (const ns of t.namespaces ?? []) put(sa, ns, rulesOf(t.levels ?? ['w:full']));
    for (const r of t.rbac ?? []) put(sa, r.namespace, [...(r.rules ?? [])]);
  }
  // Rules to the levels they cover, the same measure the analysis reports.
  return new Map(
    [...out].map(([subject, m]) => [subject, new Map([...m].map(([ns, rules]) => [ns, levelsCovered(rules)]))]),
  );
}

/** What the synthesized RBAC allows, per the analysis of the files as written. */
function effective(
  files: readonly { path: string; content: string }[],
  cluster: string,
): Map<string, Map<string, string[]>> {
  const docs = files
    .filter((f) => f.path.startsWith(`${cluster}/`))
    .flatMap((f) => parseCanonicalYaml(f.content)!.map((object, index) => ({ file: f.path, index, object })));
  const cells = new CellMaker();
  const out = new Map<string, Map<string, string[]>>();
  for (const s of accessIndex(new Authorizer(readRbac(docs)))) {
    const m = new Map<string, string[]>();
    for (const [ns, contributions] of s.scopes) if (ns) m.set(ns, cells.cell(contributions).covers as string[]);
    out.set(s.name, m);
  }
  return out;
}

/** A random small organization: the generator's shape plus expired grants, Add All, Remove All and deactivated tokens. */
function organization(seed: number, users: number, namespaces: number, grants: number, tokens: number): OrgSpec {
  const spec = generateSpec({
    users,
    namespaces,
    grants,
    tokens,
    seed,
    admins: 1 + (seed % 2),
    clusters: ['lga1', 'ord1'],
  }) as unknown as {
    spec: { users: { access?: string }[]; grants: { expires?: string }[]; tokens: { status?: string }[] };
  };
  spec.spec.grants.forEach((g, i) => {
    if ((i + seed) % 9 === 0) g.expires = '2020-01-01';
  });
  spec.spec.tokens.forEach((t, i) => {
    if ((i + seed) % 5 === 0) t.status = 'deactivated';
  });
  spec.spec.users.forEach((u, i) => {
    if (i > 2 && (i + seed) % 11 === 0) u.access = 'all';
    else if (i > 2 && (i + seed) % 13 === 0) u.access = 'none';
  });
  return spec as unknown as OrgSpec;
}

describe('intent equals effect', () => {
  it(`holds for ${RUNS} generated organizations, in every cluster`, () => {
    let checked = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 30 }),
        fc.integer({ min: 3, max: 25 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 6 }),
        (seed, users, namespaces, grants, tokens) => {
          const spec = organization(seed, users, namespaces, grants, tokens);
          const root = new Construct(undefined as never, '');
          Organization.fromSpec(root, spec, { today: TODAY });
          const r = synthesize(root, { today: TODAY, declaredIn: 'property' });
          expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
          for (const cluster of ['lga1', 'ord1']) {
            const want = intended(spec.spec, cluster);
            const got = effective(r.files, cluster);
            // every subject that has access, and exactly the levels intended, nowhere else
            const norm = (m: Map<string, Map<string, string[]>>) =>
              Object.fromEntries(
                [...m]
                  .map(([s, nss]) => [
                    s,
                    Object.fromEntries(
                      [...nss].sort(([a], [b]) => (a < b ? -1 : 1)).map(([ns, l]) => [ns, [...l].sort()]),
                    ),
                  ])
                  .sort(([a], [b]) => (a < b ? -1 : 1)),
              );
            expect(norm(got)).toEqual(norm(want));
            // nobody but admins reaches the system namespace
            for (const [subject, nss] of got) {
              if (nss.has('acme-system'))
                expect(spec.spec.users!.some((u) => u.email === subject && u.admin)).toBe(true);
            }
          }
          checked++;
        },
      ),
      { numRuns: RUNS, seed: Number(process.env.ORGCTL_PROPERTY_SEED ?? Date.now() % 2 ** 31), verbose: 1 },
    );
    expect(checked).toBe(RUNS);
    expect(CATALOG.length).toBeGreaterThan(0);
  });
});
