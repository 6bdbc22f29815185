/**
 * Red team R114: the proof against base (review/base-proof.ts: deactivated people's staged grants,
 * r113b) combined with what R113 records (Remove All members' grants, expired tokens' rules) and
 * shows (analysis/diff.ts). Every attack is compared with the full proof: the verdicts must agree.
 *
 * R114-1 (medium: a grant made permanent that no review sees): a live grant's end moved in the
 * change that deactivates the person (or puts them under Remove All). A staging on a person bound
 * in base is compared with what base bound them (liveHoldings), which carried no end: bob's
 * r:secrets in data until 2026-12-10, deactivated with its end dropped (or moved to 2030), read
 * exactly as a deactivation alone ('is deactivated', 'loses r:secrets in data', ...), though his
 * record now stages r:secrets for good and his reactivation binds it so (its review says each
 * staging read a line of its own). The same with Remove All set. R113-1 shows an end moved only
 * between two stagings. Now the holding base bound carries the end of its dated access, as a
 * dormant record writes it (analysis/diff.ts withLiveEnds): 'staged r:secrets in data holds for
 * good, not until 2026-12-10, while deactivated: it takes effect on reactivation', judged as the
 * staging (gains-dormant).
 *
 * Held (not a hole): a staged level that puts a deactivated person's record over the 1 MiB a
 * ConfigMap may hold. The proof against base checks only the shard's Argo CD limits, but the strict
 * reader refuses such an output before either proof runs (the review refuses the head).
 */
import { describe, expect, it } from 'vitest';
import {
  baseSpec,
  bobAwayWithRules,
  diffOf,
  outputOf,
  proofsOf,
  token,
  user,
  withRecord,
  type Rec,
  type Spec,
} from './review/scenarios.ts';

const bob = 'bob@acme.io';
/** Data a ConfigMap may hold (the API server's limit, policies/org/output-objects.ts). */
const CONFIGMAP_LIMIT = 1024 * 1024;

/** `n` characters of resource names (each at most 200 long, distinct), in one rule's list. */
function resourcesOf(n: number): string[] {
  const names: string[] = [];
  for (let i = 0; n > 0; i++, n -= 200) names.push(`r${i}-`.padEnd(Math.min(n, 200), 'p'));
  return names;
}

/** Bytes `n` characters of names add to a record beyond the first name (its quotes and commas). */
const namesBytes = (n: number) => n + 3 * (resourcesOf(n).length - 1);

/** bob deactivated with 256 inline rules in each of 35 namespaces, and one rule in team-0 naming `pad` characters of resources. */
function bigRecord(pad: number): Spec {
  const s = bobAwayWithRules(35);
  s.spec.grants.push({
    user: bob,
    namespace: 'team-0',
    rules: [{ apiGroups: [''], resources: resourcesOf(pad), verbs: ['get'] }],
  });
  return s;
}

/** The byte length of bob's record (its line in the users' ConfigMap). */
const recordBytes = (files: ReturnType<typeof outputOf>) => {
  const shard = files.find((f) => f.path.endsWith('/cluster/resources.yaml'))!;
  const line = shard.content.split('\n').find((l) => l.includes(`{"email":"${bob}"`))!;
  return Buffer.byteLength(line.trim());
};

/** baseSpec with bob holding r:secrets in data until 2026-12-10 (dated access, live). */
function bobDated(): Spec {
  const s = baseSpec();
  s.spec.grants.push({ user: bob, namespace: 'data', levels: ['r:secrets'], expires: '2026-12-10' });
  return s;
}

const deactivated = (s: Spec) => {
  user(s, bob).status = 'deactivated';
  token(s, 'bots').status = 'deactivated';
};
/** The last grant (the dated one) ending on `expires`, or never. */
const endingOn = (expires?: string) => (s: Spec) => {
  const g = s.spec.grants.at(-1);
  if (expires) g.expires = expires;
  else delete g.expires;
};
const textsOf = (d: ReturnType<typeof diffOf>): string[] =>
  d.people.filter((p) => p.id === bob).flatMap((p) => p.changes.map((c) => c.text));

describe("R114-1: a live grant's end moved as the person is deactivated or put under Remove All reads a line", () => {
  const away: [string, (s: Spec) => void][] = [
    ['deactivated', deactivated],
    ['under Remove All', (s) => void (user(s, bob).access = 'none')],
  ];
  for (const [what, edit] of away)
    it(`${what}, its end dropped or moved later: a line says the staging holds longer`, () => {
      const alone = textsOf(diffOf(bobDated(), edit));
      for (const end of [undefined, '2030-01-01']) {
        const moved = textsOf(
          diffOf(bobDated(), (s) => {
            edit(s);
            endingOn(end)(s);
          }),
        );
        expect(moved, `${what}, ending ${end ?? 'never'}`).not.toEqual(alone);
        expect(
          moved.some((t) => /r:secrets.* in data holds (for good|until 2030-01-01), not until 2026-12-10/.test(t)),
        ).toBe(true);
      }
    });
  it('deactivated with dated inline rules, their end dropped: a line says the custom rules hold for good', () => {
    const s = baseSpec();
    const rules = [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }];
    s.spec.grants.push({ user: bob, namespace: 'data', rules, expires: '2026-12-10' });
    expect(
      textsOf(
        diffOf(s, (h) => {
          deactivated(h);
          endingOn()(h);
        }),
      ),
    ).toContain(
      'staged custom rules in data holds for good, not until 2026-12-10, while deactivated: it takes effect on reactivation',
    );
  });
  it("deactivated with r:pods held for good beside it in data: the namespace's staging holds for good, as before", () => {
    const mixed = () => {
      const s = bobDated();
      s.spec.grants.push({ user: bob, namespace: 'data', levels: ['r:pods'] });
      return s;
    };
    const alone = textsOf(diffOf(mixed(), deactivated));
    expect(alone.some((t) => t.includes('holds'))).toBe(false);
    expect(
      textsOf(
        diffOf(mixed(), (s) => {
          deactivated(s);
          s.spec.grants.find((g: Rec) => g.expires)!.expires = '2030-01-01';
        }),
      ),
    ).toEqual(alone);
  });
  it('deactivated with its end kept, or brought nearer: nothing more than the deactivation', () => {
    const alone = textsOf(diffOf(bobDated(), deactivated));
    for (const end of ['2026-12-10', '2026-12-01'])
      expect(
        textsOf(
          diffOf(bobDated(), (s) => {
            deactivated(s);
            endingOn(end)(s);
          }),
        ),
      ).toEqual(alone);
  });
});

describe("held: a staged level that puts a deactivated person's record over a ConfigMap's limit", () => {
  it('is refused by the strict reader before either proof runs', () => {
    // bob's record 40 bytes under the ConfigMap's limit (its key and line end are 12 bytes more).
    const probe = recordBytes(outputOf(bigRecord(10))) - namesBytes(10);
    let pad = CONFIGMAP_LIMIT - 40 - probe;
    while (namesBytes(pad) > CONFIGMAP_LIMIT - 40 - probe || pad % 200 < 10) pad--;
    const base = outputOf(bigRecord(pad));
    expect(recordBytes(base)).toBeLessThanOrEqual(CONFIGMAP_LIMIT - 40);
    expect(recordBytes(base)).toBeGreaterThan(CONFIGMAP_LIMIT - 45);
    // r:secrets staged in data, base's rules as they were: ~45 bytes more.
    const head = withRecord(
      base,
      bob,
      (u: Rec) => ({
        ...u,
        dormant: [{ namespace: 'data', levels: ['r:secrets'] }, ...(u.dormant as Rec[])],
      }),
      { clusters: [base.find((f) => f.path.endsWith('/cluster/resources.yaml'))!.path.split('/')[0]!] },
    );
    expect(recordBytes(head)).toBeGreaterThan(CONFIGMAP_LIMIT);
    expect(() => proofsOf(base, head)).toThrow(/orgctl-users.*over the 1048576 bytes \(1 MiB\)/);
  });
});
