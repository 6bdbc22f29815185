/**
 * invalid-text refuses a name that reads as another by itself (a Cyrillic о, an I among lower-case
 * letters); ASCII that reads as other ASCII (`rn` for `m`, `0` for `o`) is a name of its own
 * (`arnold`, `b0b`), and so is a name with a mark (`jürgen`), so only a pair can be judged: a name
 * new in head that reads as another of head or base. Red team E left it: bob@acme.io removed and
 * bob@acrne.io added read as no change; review R5 found bob@acmẹ.io (a dot below) passing it, and
 * real names (dara, clara) refused with no way through.
 */
import { describe, expect, it } from 'vitest';
import { skeletonOf } from '../../policies/org/lookalikes.ts';
import { baseSpec, judge, type Spec } from './scenarios.ts';

const RULE = 'lookalike-identity';

const results = (v: { results: readonly { rule: string; ok: boolean; message: string }[] }) =>
  v.results.filter((r) => r.rule === RULE);
const failures = (v: Parameters<typeof results>[0]) =>
  results(v)
    .filter((r) => !r.ok)
    .map((r) => r.message);
/** alice (an admin) makes the change; nobody approves it. */
const judged = (edit: (s: Spec) => void, base = baseSpec(), approvals: string[] = []) =>
  judge(base, edit, { actors: ['alice'], approvals });

/** bob's record, grants and token under another address. */
const bobBecomes = (email: string) => (s: Spec) => {
  for (const u of s.spec.users) if (u.email === 'bob@acme.io') u.email = email;
  for (const g of s.spec.grants) if (g.user === 'bob@acme.io') g.user = email;
  for (const t of s.spec.tokens) if (t.owner === 'bob@acme.io') t.owner = email;
};

describe('lookalike-identity: a name new in head that reads as another', () => {
  it('reads alike what UTS #39 reads alike, and nothing else', () => {
    for (const [a, b] of [
      ['bob@acrne.io', 'bob@acme.io'],
      ['bob@acm\u1eb9.io', 'bob@acme.io'], // a dot below (R5)
      ['b\u00f2b@acme.io', 'bob@acme.io'], // a grave
      ['b0b@acme.io', 'bob@acme.io'],
      ['ha1@acme.io', 'hal@acme.io'],
      ['clan', 'dan'],
      ['vvill', 'will'],
      ['Bob@Acme.io', 'bob@acme.io'],
      ['b\u043eb@acme.io', 'bob@acme.io'], // a Cyrillic о, from lookalikes.ts
      ['\u0432\u043e\u0432', 'bob'], // вов: its look-alikes read in capitals (B), compared in lower case (R5)
      ['bob@xn--mnchen-3ya.de', 'bob@munchen.de'], // IDNA's ASCII form of münchen, read as a mail client shows it
      ['bob@XN--80AK6AA92E.com', 'bob@apple.com'], // аррӏе
    ])
      expect(skeletonOf(a!), `${a} ${b}`).toBe(skeletonOf(b!));
    for (const [a, b] of [
      ['bob@acme.io', 'rob@acme.io'],
      ['arnold@acme.io', 'ronald@acme.io'],
      ['ann@acme.io', 'anna@acme.io'],
      ['bob.smith@acme.io', 'bobsmith@acme.io'],
    ])
      expect(skeletonOf(a!), `${a} ${b}`).not.toBe(skeletonOf(b!));
  });

  it('bob@acme.io replaced by bob@acrne.io, his grants moved: fails until an admin who is not an author approves', () => {
    expect(failures(judged(bobBecomes('bob@acrne.io')))).toEqual([
      'the addresses bob@acrne.io (user bob@acrne.io, new in head), bob@acme.io (user bob@acme.io, in base, gone from head) read as one: a reviewer reads one name where Kubernetes binds, or GitHub counts the approvals of, another; an admin who is not an author must approve the head commit, having read each name as spelled here',
    ]);
  });

  it('R5: bob@acmẹ.io (a dot below) for bob@acme.io fails, each character outside ASCII named', () => {
    expect(failures(judged(bobBecomes('bob@acm\u1eb9.io')))).toEqual([
      expect.stringMatching(
        /^the addresses bob@acm\u1eb9\.io \(U\+1EB9\) \(user bob@acm\u1eb9\.io, new in head\), bob@acme\.io \(user bob@acme\.io, in base, gone from head\) read as one: /,
      ),
    ]);
  });

  it('bob@xn--acm-ljz.io (IDNA for acmẹ.io) for bob@acme.io fails, the comment showing what it decodes to', () => {
    expect(failures(judged(bobBecomes('bob@xn--acm-ljz.io')))).toEqual([
      expect.stringMatching(
        /^the addresses bob@xn--acm-ljz\.io \(bob@acm\u1eb9\.io in IDNA, U\+1EB9\) \(user bob@xn--acm-ljz\.io, new in head\), bob@acme\.io \(user bob@acme\.io, in base, gone from head\) read as one: /,
      ),
    ]);
  });

  it('another person b0b@acme.io beside bob, and an invitee ha1@acme.io beside hal: both said, with the login', () => {
    const [message] = failures(
      judged((s) => {
        s.spec.users.push({ email: 'b0b@acme.io', github: 'b0b' });
        (s.spec.invites ??= []).push({ email: 'ha1@acme.io', sso: true });
      }),
    );
    expect(message).toContain(
      'b0b@acme.io (user b0b@acme.io, new in head), bob@acme.io (user bob@acme.io, in head) read as one',
    );
    expect(message).toContain(
      'ha1@acme.io (invitee ha1@acme.io, new in head), hal@acme.io (user hal@acme.io, in head) read as one',
    );
    expect(message).toContain(
      'the GitHub logins b0b (the GitHub login of b0b@acme.io, new in head), bob (the GitHub login of bob@acme.io, in head) read as one',
    );
  });

  it("an admin's GitHub login changed to one that reads as it (dan → clan): fails", () => {
    const v = judged((s) => {
      for (const u of s.spec.users) if (u.email === 'dan@acme.io') u.github = 'clan';
    });
    expect(failures(v)).toEqual([
      expect.stringMatching(
        /^the GitHub logins clan \(the GitHub login of dan@acme\.io, new in head\), dan \(the GitHub login of dan@acme\.io, in base, gone from head\) read as one/,
      ),
    ]);
  });

  it('R5: three names new in head that read alike are said together, in one line', () => {
    const messages = failures(
      judged((s) => {
        s.spec.users.push({ email: 'kim@acme.io' }, { email: 'kirn@acme.io' }, { email: 'k\u00efm@acme.io' });
      }),
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(
      /^the addresses kim@acme\.io .*, kirn@acme\.io .*, k\u00efm@acme\.io \(U\+00EF\) .* read as one/,
    );
  });

  it('R5: real names that read alike (dara beside clara) pass once an admin who is not an author approves', () => {
    const base = baseSpec();
    base.spec.users.push({ email: 'dara@acme.io' });
    const addClara = (s: Spec) => s.spec.users.push({ email: 'clara@acme.io' });
    expect(failures(judged(addClara, base))).toHaveLength(1);
    const approved = results(judged(addClara, base, ['frank']));
    expect(approved.map((r) => r.ok)).toEqual([true]);
    expect(approved[0]!.message).toMatch(/read as one; approved by frank$/);
  });

  it('passes: a new person whose name reads as nobody else, another address, and a pair both in base', () => {
    const ok = (v: ReturnType<typeof judged>) => {
      expect(failures(v)).toEqual([]);
      expect(results(v).map((r) => r.ok)).toEqual([true]);
    };
    ok(judged((s) => s.spec.users.push({ email: 'arnold@acme.io', github: 'arnold' })));
    ok(judged(bobBecomes('robert@acme.io')));
    ok(judged((s) => s.spec.users.push({ email: 'j\u00fcrgen@acme.de' })));
    // Already side by side in base: judged when they came, not again.
    const both = baseSpec();
    both.spec.users.push({ email: 'b0b@acme.io' });
    ok(judged((s) => s.spec.grants.push({ user: 'b0b@acme.io', namespace: 'web', levels: ['r:pods'] }), both));
  });

  it('passes: logins swapped between two users, or written in other capitals, are no name new in head', () => {
    // Not found as the same user's login in base (a lookup): then every login of base is read.
    const ok = (v: ReturnType<typeof judged>) =>
      expect(results(v).map((r) => [r.ok, r.message])).toEqual([
        [true, expect.stringMatching(/^no address or GitHub login new in head/)],
      ]);
    ok(
      judged((s) => {
        for (const u of s.spec.users)
          if (u.github === 'bob' || u.github === 'erin') u.github = u.github === 'bob' ? 'erin' : 'bob';
      }),
    );
    ok(
      judged((s) => {
        for (const u of s.spec.users) if (u.github === 'hal') u.github = 'HAL';
      }),
    );
    // A new login among swapped ones is still found.
    expect(
      failures(
        judged((s) => {
          for (const u of s.spec.users)
            if (u.github === 'bob' || u.github === 'erin') u.github = u.github === 'bob' ? 'erin' : 'b0b';
        }),
      ),
    ).toEqual([
      expect.stringMatching(
        /^the GitHub logins b0b \(the GitHub login of erin@acme\.io, new in head\), bob \(the GitHub login of bob@acme\.io, in base, gone from head\) read as one/,
      ),
    ]);
  });
});
