/**
 * Red team R87 (base 32474ce): an admin's identity in the review, by an attacker who can open a pull
 * request and may hold a non-admin GitHub account. The review counts an approval, authorship or label
 * as an admin's by matching the GitHub account to a base user's `github` login (and `githubId`,
 * which vetoes any other account: test/github-id.test.ts).
 *
 * R87-1 (low, availability): an admin who renamed their GitHub account, declaring the account's id,
 * was nobody to the review under the new login, though GitHub named the very account base declares:
 * their approvals and authorship did not count until a change (which others approve) wrote the new
 * login; and, unknown, renamed frank authoring a change of his own billing escaped self-edit (two
 * other admins approving it). The id is the account; a login is its name today: an admin declaring
 * no id whose freed login a member declaring their own id took was that admin to the review,
 * though GitHub named the member's account.
 *
 * R87-2 (medium): one person, two admin records. Two admins behind an admin-grade change were
 * counted by address, and an approver by their login: frank proposing and his own second admin
 * record `frank+ops@acme.io` (one mailbox, as self-edit and admin-change-approval read one) approving
 * was two admins, so frank alone made gina an admin, gave a token w:full, changed settings...
 *
 * Held (probed, pinned here or where named): an admin's login or id changed in head is an admin
 * change, and the approver is matched against base (the login head gives is nobody); a new user
 * declaring an admin's login in another letter case, or their id, fails head-policies
 * (duplicate-user); two base users sharing a login read the first as whoever holds it, and an id
 * two base users declare names nobody; an admin deactivated in base approving, or reactivated by the
 * same change, is not counted; a login held by another account than the one declared is nobody
 * (R32a-3, github-id.test.ts); a second account not in base is nobody (approvals.test.ts); a bot's
 * approval (redteam-r72.test.ts) and one of an older head (approvals.test.ts) do not count.
 * R87's first stage (admin-github-id.test.ts): an admin made, reactivated or re-identified by login
 * alone is refused whatever the approvals; probed here through an admin invite recorded as accepted
 * and a login given to an admin who had none.
 */
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../analysis/snapshot.ts';
import type { MemberUser } from '../model/membership.ts';
import { baseSpec, judge, snapshotOf, user, type Spec } from './review/scenarios.ts';

/** frank's account id in baseSpec. */
const FRANK_ID = 1742619;

/** A member's change an admin's approval passes: erin gains r:secrets in data. */
const erinReadsSecrets = (s: Spec) => {
  s.spec.grants.push({ user: 'erin@acme.io', namespace: 'data', levels: ['r:secrets'] });
};

/** An admin-grade change concerning none of the admins: gina made admin, with her account id. */
const ginaMadeAdmin = (s: Spec) => Object.assign(user(s, 'gina@acme.io'), { admin: true, githubId: 2718281 });

const messageOf = (v: { results: readonly { rule: string; message: string }[] }, rule: string) =>
  v.results
    .filter((r) => r.rule === rule)
    .map((r) => r.message)
    .join('\n');

describe("held: an admin's identity changed in head is an admin change, judged by base's admins", () => {
  it("attack: bob gives frank's login and id to his own account mallory, and mallory approves: nobody", () => {
    const v = judge(baseSpec(), (s) => Object.assign(user(s, 'frank@acme.io'), { github: 'mallory', githubId: 66 }), {
      actors: ['bob'],
      approvals: ['mallory'],
    });
    expect(v.failed).toEqual(expect.arrayContaining(['actor-not-admin', 'admin-change-approval']));
    expect(messageOf(v, 'admin-change-approval')).toContain('GitHub login frank → mallory');
    expect(messageOf(v, 'actor-not-admin')).toContain("mallory is no user's GitHub login in base");
  });

  it("held: frank's own approval of the change giving his login away is consent, never the approval it needs", () => {
    const away = (s: Spec) => Object.assign(user(s, 'frank@acme.io'), { github: 'mallory', githubId: 66 });
    expect(judge(baseSpec(), away, { actors: ['bob'], approvals: ['frank'] }).failed).toContain(
      'admin-change-approval',
    );
    // With another admin's approval, frank consenting: two admins behind it (the README's rule).
    expect(judge(baseSpec(), away, { actors: ['bob'], approvals: ['frank', 'alice'] }).failed).toEqual([]);
  });

  it("attack: a new user declaring an admin's login in another case, or an admin's id, is refused (duplicate-user)", () => {
    // orgctl synthesizes no such head; a dist/ written by hand fails head-policies and output-proof.
    for (const mallory of [
      { email: 'mallory@evil.io', github: 'FRANK' },
      { email: 'mallory@evil.io', github: 'mallory', githubId: FRANK_ID },
    ])
      expect(() =>
        judge(baseSpec(), (s) => s.spec.users.push(mallory), { actors: ['bob'], approvals: ['alice'] }),
      ).toThrow(/duplicate-user: GitHub (login FRANK|account id 1742619) already belongs to frank@acme\.io/);
  });
});

describe('held: an admin deactivated in base approves as nobody', () => {
  const frankDeactivated = () => {
    const s = baseSpec();
    user(s, 'frank@acme.io').status = 'deactivated';
    return s;
  };
  it("attack: frank, deactivated in base, approves bob's change", () => {
    const v = judge(frankDeactivated(), erinReadsSecrets, { actors: ['bob'], approvals: ['frank'] });
    expect(v.failed).toContain('actor-not-admin');
    expect(messageOf(v, 'actor-not-admin')).toContain('frank (frank@acme.io) is deactivated in base');
  });
  it('attack: the change reactivating frank is the one he approves', () => {
    const v = judge(
      frankDeactivated(),
      (s) => {
        user(s, 'frank@acme.io').status = 'active';
        erinReadsSecrets(s);
      },
      { actors: ['bob'], approvals: ['frank', 'dan'] },
    );
    expect(v.failed).toEqual(expect.arrayContaining(['admin-change-approval']));
  });
});

describe("held: R87's first stage, through the doors it does not name", () => {
  it('attack: an admin invite recorded as accepted, the new admin by login alone, is refused', () => {
    const base = baseSpec();
    base.spec.invites = [{ email: 'zed@acme.io', admin: true, sso: true, grants: [] }];
    const v = judge(
      base,
      (s) => {
        s.spec.invites = [];
        s.spec.users.push({ email: 'zed@acme.io', github: 'zed', admin: true });
      },
      { actors: ['alice'], approvals: ['frank', 'dan'] },
    );
    expect(messageOf(v, 'admin-change-approval')).toContain('`gh api users/zed --jq .id` prints it');
    expect(v.failed).toContain('admin-change-approval');
  });
  it('attack: an admin who declared no login is given one without its id: refused', () => {
    const base = baseSpec();
    delete user(base, 'dan@acme.io').github;
    delete user(base, 'dan@acme.io').githubId;
    const v = judge(base, (s) => (user(s, 'dan@acme.io').github = 'dan'), {
      actors: ['alice'],
      approvals: ['frank'],
    });
    expect(v.failed).toEqual(['admin-change-approval']);
  });
});

/** baseSpec read with `extra` users added to base's membership first (what no orgctl writes: duplicate-user refuses it). */
function baseWith(extra: MemberUser[]): Snapshot {
  const b = snapshotOf(baseSpec());
  return { ...b, users: new Map([...extra.map((u) => [u.email, u] as const), ...b.users]) };
}
const member = (fields: Partial<MemberUser> & Pick<MemberUser, 'email'>): MemberUser => ({
  ...snapshotOf(baseSpec()).users.get('bob@acme.io')!,
  ...fields,
});

describe('held: two base users sharing a login or an account id', () => {
  it('attack: a member declared first with the login frank: frank’s approval reads as the member’s (refused), never more', () => {
    const baseSnapshot = baseWith([member({ email: 'aaa@acme.io', github: 'frank' })]);
    const v = judge(baseSpec(), erinReadsSecrets, { actors: ['bob'], approvals: ['frank'], baseSnapshot });
    expect(v.failed).toContain('actor-not-admin');
  });
  it("attack: a member declaring frank's id, approving under his own login with that account: nobody", () => {
    const baseSnapshot = baseWith([member({ email: 'zed@acme.io', github: 'zed', githubId: FRANK_ID })]);
    const v = judge(baseSpec(), erinReadsSecrets, {
      actors: ['bob'],
      approvals: ['zed'],
      accountIds: [
        ['bob', [2]],
        ['zed', [FRANK_ID]],
      ],
      baseSnapshot,
    });
    expect(v.failed).toContain('actor-not-admin');
  });
});

describe('R87-1: a renamed admin, named by the account id base declares, is that admin', () => {
  /** bob's change erin's r:secrets, approved by `frank-ops`, the account GitHub names `ids`. */
  const approvedByRenamed = (ids: number[], baseSnapshot?: Snapshot) =>
    judge(baseSpec(), erinReadsSecrets, {
      actors: ['bob'],
      approvals: ['frank-ops'],
      accountIds: [
        ['bob', [2]],
        ['frank-ops', ids],
      ],
      ...(baseSnapshot ? { baseSnapshot } : {}),
    });

  it("attack (false refusal): frank renamed his account frank-ops; GitHub names it by frank's declared id; his approval counts", () => {
    const v = approvedByRenamed([FRANK_ID]);
    expect(v.failed).toEqual([]);
    expect(messageOf(v, 'actor-not-admin')).toContain('frank-ops');
  });

  it('held: frank-ops named by another account, by two accounts, or by none is nobody', () => {
    for (const ids of [[66], [FRANK_ID, 66], []])
      expect(approvedByRenamed(ids).failed, String(ids)).toContain('actor-not-admin');
  });

  it("attack: admin frank declares no id; GitHub names the login frank as bob's declared account: bob, no admin", () => {
    // frank renamed away, and bob, a member declaring his id, took the freed login.
    const base = baseSpec();
    delete user(base, 'frank@acme.io').githubId;
    user(base, 'bob@acme.io').githubId = 4000007;
    const v = judge(base, erinReadsSecrets, {
      actors: ['hal'],
      approvals: ['frank'],
      accountIds: [
        ['hal', [5]],
        ['frank', [4000007]],
      ],
    });
    expect(v.failed).toContain('actor-not-admin');
  });

  it('held: an id two base users declare names neither', () => {
    const baseSnapshot = baseWith([member({ email: 'zed@acme.io', github: 'zed', githubId: FRANK_ID })]);
    expect(approvedByRenamed([FRANK_ID], baseSnapshot).failed).toContain('actor-not-admin');
  });

  it('attack: renamed frank authoring a change of his own privileges, alice and dan approving, is frank to self-edit', () => {
    const v = judge(baseSpec(), (s) => (user(s, 'frank@acme.io').billing = true), {
      actors: ['frank-ops'],
      approvals: ['alice', 'dan'],
      accountIds: [
        ['frank-ops', [FRANK_ID]],
        ['alice', [583231]],
        ['dan', [3141592]],
      ],
    });
    expect(v.failed).toContain('self-edit');
  });

  it('held: renamed frank cannot approve what he authored under his new login, nor be the second admin twice', () => {
    const v = judge(baseSpec(), ginaMadeAdmin, {
      actors: ['frank-ops'],
      approvals: ['frank-ops'],
      accountIds: [['frank-ops', [FRANK_ID]]],
    });
    expect(v.failed).toContain('admin-change-approval');
  });
});

describe('R87-2: one person behind two admin records is one admin', () => {
  /** baseSpec where frank also holds the admin record frank+ops@acme.io (his mailbox), login frank-ops. */
  const withFranksSecondRecord = () => {
    const s = baseSpec();
    s.spec.users.push({ email: 'frank+ops@acme.io', github: 'frank-ops', githubId: 4000021, admin: true });
    return s;
  };

  it('attack: frank proposes making gina admin, his second record frank-ops approves: one person, refused', () => {
    const v = judge(withFranksSecondRecord(), ginaMadeAdmin, { actors: ['frank'], approvals: ['frank-ops'] });
    expect(v.failed).toContain('admin-change-approval');
  });

  it('held: frank proposes, alice approves: two people', () => {
    const v = judge(withFranksSecondRecord(), ginaMadeAdmin, { actors: ['frank'], approvals: ['alice'] });
    expect(v.failed).toEqual([]);
  });
});
