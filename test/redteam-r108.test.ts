/**
 * Red team R108 (base 9dc173f): the review's judgement of deactivation and dormant state, what R102
 * left. The attacker: an admin or member who opens pull requests, preparing access in a state the
 * review reads as holding nothing (a deactivated user, a revoked invitation, an expired token), to be
 * switched on later by a change that reads as routine.
 *
 * R108-3 (low, the rule and its text disagreed): deactivated-mailbox's rule text says the change that
 * deactivates a user fails while another address of their mailbox holds "a live token", yet it counted
 * a token that had expired: bob deactivated while bob+x@acme.io held only an expired token failed,
 * with no access to take. An expired token is no access (its ServiceAccount is left out of the
 * output); its renewal is a gain deactivated-mailbox judges then.
 *
 * R108-2 (low, wording): a revoked invitation restored read `invitation changed (...)`, as an edit
 * of a live one: nothing said it was dead before and live again (its link mailed once works again
 * for whoever reads that mail), while the wider grants it came back with read as a small edit. One
 * edited while revoked read the same, as if it gave something now. (Judged rightly all along: an
 * author's mailbox fails self-edit, an admin invitation restored needs another admin.)
 */
import { describe, expect, it } from 'vitest';
import { baseSpec, diffOf, judge, token, user, type Spec } from './review/scenarios.ts';

const bobPlus = 'bob+x@acme.io';

/** bob deactivated, his token bots with him (token-owner-inactive asks for that). */
const deactivateBob = (s: Spec): void => {
  user(s, 'bob@acme.io').status = 'deactivated';
  token(s, 'bots').status = 'deactivated';
};

/** The review of `edit` of `base`, made by erin (a member) and approved by alice. */
const byErin = (base: Spec, edit: (s: Spec) => void) => judge(base, edit, { actors: ['erin'], approvals: ['alice'] });

describe('R108-3: deactivated-mailbox counts a live token, as its text says', () => {
  /** baseSpec with bob+x@acme.io, holding nothing but the token side (r:full in data), expired on 2020-01-01. */
  const withExpiredSide = (): Spec => {
    const s = baseSpec();
    s.spec.users.push({ email: bobPlus, github: 'bobx' });
    s.spec.tokens.push({
      id: 'side',
      name: 'Side',
      namespaces: ['data'],
      levels: ['r:full'],
      owner: bobPlus,
      expires: '2020-01-01',
    });
    return s;
  };

  it('attack (refused too much): bob deactivated while bob+x holds only an expired token passes', () => {
    expect(byErin(withExpiredSide(), deactivateBob).failed).toEqual([]);
  });

  it('held: the expired token renewed later, bob deactivated, fails deactivated-mailbox (a gain then)', () => {
    const base = withExpiredSide();
    deactivateBob(base);
    expect(byErin(base, (s) => void (token(s, 'side').expires = '2030-01-01')).failed).toEqual(['deactivated-mailbox']);
  });
});

/** A person's or token's lines in the diff of `edit` of `base`. */
const linesOf = (base: Spec, edit: (s: Spec) => void, id: string): string[] => {
  const d = diffOf(base, edit);
  return [...d.people, ...d.tokens].filter((p) => p.id === id).flatMap((p) => p.changes.map((c) => c.text));
};

describe('R108-2: a revoked invitation restored, or edited while revoked, read as any invitation changed', () => {
  const newbie = 'newbie@acme.io';
  /** baseSpec with a revoked invitation to newbie@acme.io (r:pods in web). */
  const revoked = (): Spec => {
    const s = baseSpec();
    s.spec.invites = [
      { email: newbie, sso: true, state: 'revoked', grants: [{ namespace: 'web', levels: ['r:pods'] }] },
    ];
    return s;
  };
  const widen = (s: Spec) => void (s.spec.invites[0].grants = [{ namespace: 'data', levels: ['r:secrets'] }]);
  const restore = (s: Spec) => void delete s.spec.invites[0].state;

  it('attack: restored with wider grants, the line says it is live again (not an edit of a live one)', () => {
    expect(
      linesOf(
        revoked(),
        (s) => {
          widen(s);
          restore(s);
        },
        newbie,
      ),
    ).toEqual(['invitation restored, revoked before (r:secrets in data): whoever reads its mail may accept it again']);
  });

  it('attack: widened while revoked, the line says it holds nothing until restored', () => {
    expect(linesOf(revoked(), widen, newbie)).toEqual([
      'revoked invitation changed (r:secrets in data): given once it is restored',
    ]);
  });

  it("held: the edit while revoked is judged as a gain (self-edit for an author's mailbox)", () => {
    const mine = baseSpec();
    mine.spec.invites = [
      { email: 'frank+x@acme.io', sso: true, state: 'revoked', grants: [{ namespace: 'web', levels: ['r:pods'] }] },
    ];
    expect(judge(mine, widen, { actors: ['frank'], approvals: ['alice'] }).failed).toEqual(['self-edit']);
  });

  it('held: an admin invitation restored needs another admin (admin-change-approval)', () => {
    const base = revoked();
    base.spec.invites[0].admin = true;
    expect(byErin(base, restore).failed).toEqual(['admin-change-approval']);
  });
});

describe('held (item 2): a token removed and declared again under the same id, wider', () => {
  it("per change 'is created' lists every gain; over the window it reads as the old token handed over unrotated", () => {
    const window = baseSpec();
    token(window, 'bots').owner = 'erin@acme.io';
    const base = structuredClone(window);
    base.spec.tokens = base.spec.tokens.filter((t: { id: string }) => t.id !== 'bots');
    const again = (s: Spec) =>
      void s.spec.tokens.push({
        id: 'bots',
        name: 'Bots',
        namespaces: ['data', 'web'],
        levels: ['r:full', 'r:secrets'],
        owner: 'hal@acme.io',
      });
    expect(linesOf(base, again, 'bots')).toEqual(
      expect.arrayContaining([
        'is created ("Bots") for data, web, owner hal@acme.io',
        'can now read Secrets in data',
        'can now read Secrets in web',
      ]),
    );
    expect(
      linesOf(
        window,
        (s) => {
          s.spec.tokens = s.spec.tokens.filter((t: { id: string }) => t.id !== 'bots');
          again(s);
        },
        'bots',
      ),
    ).toEqual(
      expect.arrayContaining([
        'owner erin@acme.io → hal@acme.io (not rotated: erin@acme.io still holds the token value)',
      ]),
    );
  });
});
