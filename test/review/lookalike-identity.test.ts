/**
 * invalid-text refuses a name that reads as another by itself (a Cyrillic о, an I among lower-case
 * letters); ASCII that reads as other ASCII (`rn` for `m`, `0` for `o`) is a name of its own
 * (`arnold`, `b0b`), so only a pair can be judged: a name new in head that reads as another of
 * head or base. Red team E left it: bob@acme.io removed and bob@acrne.io added read as no change.
 */
import { describe, expect, it } from 'vitest';
import { readingOf } from '../../policies/change/lookalike-identity.ts';
import { baseSpec, judge, type Spec } from './scenarios.ts';

const RULE = 'lookalike-identity';

const failures = (v: { results: readonly { rule: string; ok: boolean; message: string }[] }) =>
  v.results.filter((r) => r.rule === RULE && !r.ok).map((r) => r.message);
const judged = (edit: (s: Spec) => void, base = baseSpec()) =>
  judge(base, edit, { actors: ['alice'], approvals: ['frank'] });

/** bob's record and grants under another address. */
const bobBecomes = (email: string) => (s: Spec) => {
  for (const u of s.spec.users) if (u.email === 'bob@acme.io') u.email = email;
  for (const g of s.spec.grants) if (g.user === 'bob@acme.io') g.user = email;
  for (const t of s.spec.tokens) if (t.owner === 'bob@acme.io') t.owner = email;
};

describe('lookalike-identity: a name new in head that reads as another', () => {
  it('reads alike what UTS #39 reads alike, and nothing else', () => {
    expect(readingOf('bob@acrne.io')).toBe(readingOf('bob@acme.io'));
    expect(readingOf('b0b@acme.io')).toBe(readingOf('bob@acme.io'));
    expect(readingOf('ha1@acme.io')).toBe(readingOf('hal@acme.io'));
    expect(readingOf('clan')).toBe(readingOf('dan'));
    expect(readingOf('vvill')).toBe(readingOf('will'));
    expect(readingOf('Bob@Acme.io')).toBe(readingOf('bob@acme.io'));
    expect(readingOf('b\u043eb@acme.io')).toBe(readingOf('bob@acme.io')); // a Cyrillic о, from lookalikes.ts
    for (const [a, b] of [
      ['bob@acme.io', 'rob@acme.io'],
      ['arnold@acme.io', 'ronald@acme.io'],
      ['ann@acme.io', 'anna@acme.io'],
      ['bob.smith@acme.io', 'bobsmith@acme.io'],
    ])
      expect(readingOf(a!)).not.toBe(readingOf(b!));
  });

  it('bob@acme.io replaced by bob@acrne.io, his grants moved: fails, saying what it reads as', () => {
    expect(failures(judged(bobBecomes('bob@acrne.io')))).toEqual([
      "the address bob@acrne.io (user bob@acrne.io), new in head, reads as bob@acme.io (user bob@acme.io, in base, gone from head): a reviewer reads one name where Kubernetes binds two identities; write the address exactly as the person's own, or, for another person, one that does not read as it",
    ]);
  });

  it('another person b0b@acme.io beside bob, and an invitee ha1@acme.io beside hal: each fails', () => {
    const messages = failures(
      judged((s) => {
        s.spec.users.push({ email: 'b0b@acme.io', github: 'b0b' });
        (s.spec.invites ??= []).push({ email: 'ha1@acme.io', sso: true });
      }),
    );
    expect(messages).toEqual([
      expect.stringMatching(
        /^the address b0b@acme\.io \(user b0b@acme\.io\), new in head, reads as bob@acme\.io \(user bob@acme\.io, in head\)/,
      ),
      expect.stringMatching(/^the address ha1@acme\.io \(invitee ha1@acme\.io\), new in head, reads as hal@acme\.io/),
      expect.stringMatching(
        /^the GitHub login b0b \(the GitHub login of b0b@acme\.io\), new in head, reads as bob .*GitHub counts the approvals of two accounts/,
      ),
    ]);
  });

  it("an admin's GitHub login changed to one that reads as it (dan → clan): fails", () => {
    const v = judged((s) => {
      for (const u of s.spec.users) if (u.email === 'dan@acme.io') u.github = 'clan';
    });
    expect(failures(v)).toEqual([
      expect.stringMatching(
        /^the GitHub login clan \(the GitHub login of dan@acme\.io\), new in head, reads as dan \(the GitHub login of dan@acme\.io, in base, gone from head\)/,
      ),
    ]);
  });

  it('two names new in head that read alike are said once', () => {
    expect(
      failures(
        judged((s) => {
          s.spec.users.push({ email: 'kim@acme.io' }, { email: 'kirn@acme.io' });
        }),
      ),
    ).toHaveLength(1);
  });

  it('passes: a new person whose name reads as nobody else, a case change, and a pair both in base', () => {
    const ok = (v: ReturnType<typeof judged>) => {
      expect(failures(v)).toEqual([]);
      expect(v.results.filter((r) => r.rule === RULE).map((r) => r.ok)).toEqual([true]);
    };
    ok(judged((s) => s.spec.users.push({ email: 'arnold@acme.io', github: 'arnold' })));
    ok(judged(bobBecomes('robert@acme.io')));
    // Already side by side in base: judged when they came, not again.
    const both = baseSpec();
    both.spec.users.push({ email: 'b0b@acme.io' });
    ok(judged((s) => s.spec.grants.push({ user: 'b0b@acme.io', namespace: 'web', levels: ['r:pods'] }), both));
  });
});
