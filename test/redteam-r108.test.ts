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
 *
 * R108-1 (medium, disclosure; the staging is left): a deactivated user's grants are bound to nothing,
 * so the output (bindings, membership data) holds none of them: frank (an admin, alone) giving his
 * deactivated address frank+ops@acme.io r:secrets changes no byte of dist/, reads no line and passes
 * (so does a deactivated admin's own record, dan staging his grants, alice approving an empty diff).
 * The reactivation later lists every gain (frank making it fails self-edit; a member needs two
 * admins), yet read `is reactivated` then `gains r:secrets in data`: a restoration, to an approver
 * who cannot tell what was held before from what was staged. Now the line says what it gains is
 * what is declared now, and that a grant declared while deactivated read no line before. What the
 * output does record of a dormant person (admin, billing, Add All, a deactivated token's levels and
 * namespaces) is a line, and self-edit's for an author's mailbox. Left: the staging itself (a
 * deactivated user's grants, a deactivated blank token's custom rules) is not in dist/, so no review
 * reads it until the reactivation; see the report. Closed since (R109, test/dormant-grants.test.ts): the
 * membership data records dormant grants, so the staging is a line judged as a live grant.
 *
 * Item 4 (held, pinned below): a removed user's token left active, or a deactivated user's expired
 * token, is refused (token-owner-inactive): renewed it would live again; an invitation accepted
 * under another address reads as a join with every gain, the invitation withdrawn. Found, no hole
 * (it refuses too much): a deactivated address of an active admin's mailbox (frank+ops@) fails every
 * gain of frank@ itself in deactivated-mailbox, no approval lifting it, until the address is
 * removed: the rule cannot tell which address is the person's own.
 */
import { describe, expect, it } from 'vitest';
import { baseSpec, diffOf, judge, token, user, withoutBobUserOnly, type Spec } from './review/scenarios.ts';

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
  it("per change it reads 'is created' with every gain (R102 pinned it); over the window, the old token handed over unrotated", () => {
    // erin's bots, then (removed in between) declared again for hal, in two namespaces with r:secrets.
    const erins = baseSpec();
    token(erins, 'bots').owner = 'erin@acme.io';
    const lines = linesOf(
      erins,
      (s) =>
        void Object.assign(token(s, 'bots'), {
          namespaces: ['data', 'web'],
          levels: ['r:full', 'r:secrets'],
          owner: 'hal@acme.io',
        }),
      'bots',
    );
    expect(lines).toEqual(
      expect.arrayContaining([
        'owner erin@acme.io → hal@acme.io (not rotated: erin@acme.io still holds the token value)',
        'can now read Secrets in data',
      ]),
    );
  });
});

/**
 * A reactivation with gains, as its line says it: what it gains was recorded while deactivated (R109: each
 * staging read a line of its own; a base from an older orgctl, which recorded none, says they read none).
 */
const REACTIVATED =
  'is reactivated: what they gain was recorded while they were deactivated (each staging read a line of its own)';

describe('R108-1: dormant state, step by step (what a reviewer sees)', () => {
  const frankOps = 'frank+ops@acme.io';
  /** baseSpec with frank+ops@acme.io, an address of admin frank's mailbox, a deactivated user holding nothing. */
  const withDormantFrankOps = (): Spec => {
    const s = baseSpec();
    s.spec.users.push({ email: frankOps, github: 'frankops', status: 'deactivated' });
    return s;
  };
  const stage = (s: Spec) => void s.spec.grants.push({ user: frankOps, namespace: 'data', levels: ['r:secrets'] });
  const reactivate = (s: Spec) => void delete user(s, frankOps).status;

  it('closed (R109): step 1, frank stages r:secrets on his deactivated address: a line, and it fails self-edit', () => {
    expect(linesOf(withDormantFrankOps(), stage, frankOps)).toEqual([
      'is granted r:secrets in data while deactivated: it takes effect on reactivation',
    ]);
    expect(judge(withDormantFrankOps(), stage, { actors: ['frank'], approvals: ['alice'] }).failed).toEqual([
      'self-edit',
    ]);
  });

  it('attack: step 2, the reactivation lists every gain, as if restored: it must say they may have been declared while dormant; frank making it fails self-edit; a member needs two admins', () => {
    const staged = withDormantFrankOps();
    stage(staged);
    expect(linesOf(staged, reactivate, frankOps)).toEqual([
      REACTIVATED,
      'gains r:secrets in data',
      'can now read Secrets in data',
    ]);
    expect(judge(staged, reactivate, { actors: ['frank'], approvals: ['alice'] }).failed).toEqual(['self-edit']);
    expect(judge(staged, reactivate, { actors: ['erin'], approvals: ['alice'] }).failed).toEqual([
      'admin-change-approval',
    ]);
    expect(judge(staged, reactivate, { actors: ['alice'], approvals: ['dan'] }).failed).toEqual([]);
  });

  it("held: what the output records of a dormant address (admin, billing, Add All, a token's levels and namespaces) is a line, and frank's own", () => {
    const edits: [string, (s: Spec) => void][] = [
      ['admin', (s) => Object.assign(user(s, frankOps), { admin: true, githubId: 7 })],
      ['billing', (s) => void (user(s, frankOps).billing = true)],
      ['Add All', (s) => void (user(s, frankOps).access = 'all')],
    ];
    for (const [, edit] of edits)
      expect(judge(withDormantFrankOps(), edit, { actors: ['frank'], approvals: ['alice'] }).failed).toContain(
        'self-edit',
      );
    const withToken = withDormantFrankOps();
    withToken.spec.tokens.push({
      id: 'ops',
      name: 'Ops',
      namespaces: ['web'],
      levels: ['r:pods'],
      owner: 'frank@acme.io',
      status: 'deactivated',
    });
    expect(
      judge(withToken, (s) => void (token(s, 'ops').namespaces = ['web', 'data']), {
        actors: ['frank'],
        approvals: ['alice'],
      }).failed,
    ).toContain('self-edit');
  });

  it("closed (R109): a deactivated admin's own grants staged (dan) read a line and fail self-edit; his reactivation lists them", () => {
    const base = baseSpec();
    user(base, 'dan@acme.io').status = 'deactivated';
    const danStage = (s: Spec) =>
      void s.spec.grants.push({ user: 'dan@acme.io', namespace: 'data', levels: ['r:secrets'] });
    expect(linesOf(base, danStage, 'dan@acme.io')).toEqual([
      'is granted r:secrets in data while deactivated: it takes effect on reactivation',
    ]);
    expect(judge(base, danStage, { actors: ['dan'], approvals: ['alice'] }).failed).toContain('self-edit');
    danStage(base);
    const back = (s: Spec) => void delete user(s, 'dan@acme.io').status;
    expect(linesOf(base, back, 'dan@acme.io').join('\n')).toMatch(
      /is granted r:secrets in data: covered by w:full while an admin, held once no longer one/,
    );
    expect(judge(base, back, { actors: ['dan'], approvals: ['alice'] }).failed).toContain('self-edit');
  });
});

describe('item 4: other ways through a deactivated, removed or invited state', () => {
  it("held: a removed user's token left active is refused (token-owner-inactive): tokens outlive their user only deactivated", () => {
    expect(() => byErin(baseSpec(), withoutBobUserOnly)).toThrow(/token-owner-inactive/);
    // An expired token of a deactivated owner too: renewed, it would live again.
    const expired = baseSpec();
    token(expired, 'bots').expires = '2020-01-01';
    expect(() => byErin(expired, (s) => void (user(s, 'bob@acme.io').status = 'deactivated'))).toThrow(
      /token-owner-inactive/,
    );
  });

  it("held: an invitation accepted under another address (the identity provider's) reads as a join with every gain, the invitation withdrawn", () => {
    const base = baseSpec();
    base.spec.invites = [{ email: 'carol@acme.io', sso: true, grants: [{ namespace: 'data', levels: ['r:secrets'] }] }];
    const accept = (s: Spec) => {
      s.spec.invites = [];
      s.spec.users.push({ email: 'carol.smith@acme.io', github: 'carols' });
      s.spec.grants.push({ user: 'carol.smith@acme.io', namespace: 'data', levels: ['r:secrets'] });
    };
    expect(linesOf(base, accept, 'carol.smith@acme.io')).toEqual([
      'joins the organization',
      'gains r:secrets in data',
      'can now read Secrets in data',
    ]);
    expect(linesOf(base, accept, 'carol@acme.io')).toEqual(['invitation withdrawn']);
  });

  it("refused too much: a deactivated address of an active admin's mailbox (frank+ops@, delivered to frank@) fails none of frank@'s own gains: the mailbox is frank's", () => {
    const base = baseSpec();
    base.spec.users.push({ email: 'frank+ops@acme.io', github: 'frankops', status: 'deactivated' });
    const billing = (s: Spec) => void (user(s, 'frank@acme.io').billing = true);
    expect(judge(base, billing, { actors: ['alice'], approvals: ['dan'] }).failed).toEqual([]);
  });

  it('held: the deactivated user whose own address is the mailbox (bob@) still fails what another address of it (bob+x@) gains', () => {
    const base = baseSpec();
    user(base, 'bob@acme.io').status = 'deactivated';
    token(base, 'bots').status = 'deactivated';
    base.spec.users.push({ email: bobPlus, github: 'bobx' });
    const gain = (s: Spec) => void s.spec.grants.push({ user: bobPlus, namespace: 'data', levels: ['r:pods'] });
    expect(byErin(base, gain).failed).toEqual(['deactivated-mailbox']);
  });
});
