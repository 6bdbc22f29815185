/**
 * system-namespace judges head's system namespace alone: an organization renamed (acme →
 * acme2) may declare its old system namespace, acme-system, as an ordinary namespace, where the
 * old tokens' ServiceAccounts stay (Prune=false) with their Secrets until pruned, and grant a
 * non-admin there. system-namespace-base refuses it.
 */
import { describe, expect, it } from 'vitest';
import { baseSpec, judge, reviewSnapshots, snapshotOf, type Spec } from './scenarios.ts';

const RULE = 'system-namespace-base';

const renamed = (s: Spec) => (s.metadata.name = 'acme2');
/** bob, a member, reads the Secrets of `namespace`, declared in head. */
const bobReadsSecretsIn = (namespace: string) => (s: Spec) => {
  s.spec.namespaces.push({ name: namespace });
  s.spec.grants.push({ user: 'bob@acme.io', namespace, levels: ['r:secrets'] });
};

const failures = (v: { results: readonly { rule: string; ok: boolean; message: string }[] }) =>
  v.results.filter((r) => r.rule === RULE && !r.ok).map((r) => r.message);
const judged = (edit: (s: Spec) => void) => judge(baseSpec(), edit, { actors: ['alice'], approvals: ['frank'] });

describe("system-namespace-base: head declaring base's system namespace", () => {
  it('an organization renamed, its old system namespace declared (bob granted r:secrets there): fails', () => {
    expect(
      failures(
        judged((s) => {
          renamed(s);
          bobReadsSecretsIn('acme-system')(s);
        }),
      ),
    ).toEqual([
      expect.stringMatching(
        /^namespace acme-system is base's system namespace, which head \(organization acme2\) declares as an ordinary namespace: /,
      ),
    ]);
  });

  it('renamed, another namespace declared: passes', () => {
    const v = judged((s) => {
      renamed(s);
      bobReadsSecretsIn('acme-tools')(s);
    });
    expect(failures(v)).toEqual([]);
    expect(v.results.filter((r) => r.rule === RULE).map((r) => r.ok)).toEqual([true]);
  });

  it('over the rolling window: renamed in an earlier pull request', () => {
    const old = baseSpec();
    const base = structuredClone(old);
    renamed(base);
    const head = structuredClone(base);
    bobReadsSecretsIn('acme-system')(head);
    const [o, b, h] = [snapshotOf(old), snapshotOf(base), snapshotOf(head)];
    const judgedWith = (window: boolean) => failures({ results: reviewSnapshots(b, h, window ? o : undefined) });
    expect(judgedWith(false)).toEqual([]);
    expect(judgedWith(true)).toEqual([
      expect.stringMatching(/^namespace acme-system is origin\/main~1's system namespace/),
    ]);
  });
});
