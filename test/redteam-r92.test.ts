/**
 * Red team R92 (base e32630f): the organization's lifecycle as the seed describes it (owner,
 * admins, billing, invites with and without SSO, deactivation, tokens with or without namespaces,
 * custom RBAC for blank tokens, tokens surviving their user) against what orgctl writes and what
 * the review gates. The attacker: a member who opens a pull request, or a person whose access the
 * organization means to remove.
 *
 * R92-1 (medium, access that outlives its removal): an admin holds w:full in every namespace, the
 * system namespace included, so they may read every token's Secret there (the README's hand-over:
 * "an admin reads the Secret the cluster filled"), and a token value read once works until its
 * ServiceAccount goes. When an admin leaves (deactivated, removed, or no longer admin) while the
 * tokens stay under the same ServiceAccounts, the departing admin keeps every one of them: an
 * organization-owned `w:full` token acts in its namespaces as it did for them. The seed: "When
 * removing a user, API Tokens must be removed manually". The review said only `loses w:full in
 * every namespace`, and passed: token-owner-inactive reads a token's declared owner, never who else
 * could read its value. Now frank's line names the tokens whose values he could read that head
 * keeps, and `departing-admin-tokens` warns with the fix (rotate, deactivate or remove each).
 *
 * R92-2 (medium, access that outlives its removal): bob is deactivated, the organization meaning him
 * to hold nothing, yet an invitation or a user at an address of his mailbox (`bob+new@acme.io`: a
 * subaddress is delivered to bob@acme.io, as self-edit reads a mailbox since R62) given r:secrets
 * passed with one admin's approval, the comment reading `bob+new@acme.io is invited`: a newcomer. The
 * mailbox was read only for the change's authors, and bob, opening it from a second GitHub account
 * or through a colleague, is no author the review can name. Now `deactivated-mailbox` fails it,
 * naming bob and why the address is his: reactivate him (the review says so), or give the access to
 * an address that is not his.
 *
 * Held (each tried through judge() on baseSpec, one admin approving a member's change): a deactivated
 * user or token binds nothing in dist/ (membership records only); a revoked invite binds nothing and
 * made a user shows every gain; an invite accepted with more than it recorded shows the extra
 * levels; an invite accepted or restored as admin needs admin-change-approval; a blank token's
 * custom rules that impersonate, bind or escalate, a custom role redefined under a token to create
 * pods, an admin-grade token's expiry extended or removed, or its reactivation, need two admins;
 * custom RBAC for a token in the system namespace is refused; a token owned by an author's
 * subaddress widened, or created for one, fails self-edit; a token id renamed is a removal and a
 * creation; a namespace renamed is a removal and an addition (mass-removal, admin approvals); a
 * deactivated admin's approval does not count; billing binds nothing; Kubernetes names hold whole
 * emails (`acme:custom:<email>`, no truncation) and a token's Role (`acme:token:<id>`) is apart from a
 * custom role of the same name (`acme:custom:<name>`); emails in another letter case are
 * duplicate-user.
 *
 * Left: a deactivated token's or user's declared custom rules (not in dist/) changed while
 * deactivated read as no change until the reactivation, which shows them in full; deactivated-mailbox
 * reads users deactivated (in base, or by the change), not users removed: bob removed while bob+new
 * is invited reads as two people (a rename to a subaddress is that too), and one removed in an
 * earlier change is not in base (the rolling window's older output could name them);
 * departing-admin-tokens is a warning, judged per change (an admin demoted earlier is not read
 * again), and an organization renamed in the same change leaves the old system namespace's token
 * Secrets to the hand-applied deletion the comment already asks for.
 */
import { describe, expect, it } from 'vitest';
import { baseSpec, diffOf, judge, token, tokensOf, user, type Spec } from './review/scenarios.ts';
import { unnamedActor } from '../policies/change/context.ts';

/** The departing-admin-tokens results of `edit`, made by alice and approved by dan (frank is the other admin). */
function departing(edit: (s: Spec) => void, base: Spec = baseSpec()) {
  return judge(base, edit, { actors: ['alice'], approvals: ['dan'] }).results.filter(
    (r) => (r.rule as string) === 'departing-admin-tokens',
  );
}

/** Frank's lines in the access diff of `edit`. */
const franksLines = (edit: (s: Spec) => void): string[] =>
  diffOf(baseSpec(), edit)
    .people.find((p) => p.id === 'frank@acme.io')!
    .changes.map((c) => c.text);

const deactivate = (s: Spec) => void (user(s, 'frank@acme.io').status = 'deactivated');
const remove = (s: Spec) =>
  void (s.spec.users = s.spec.users.filter((u: { email: string }) => u.email !== 'frank@acme.io'));
const demote = (s: Spec) => void (user(s, 'frank@acme.io').admin = false);

describe('R92-1: an admin who leaves keeps the value of every token they could read', () => {
  for (const [how, edit] of [
    ['deactivated', deactivate],
    ['removed', remove],
    ['no longer admin', demote],
  ] as const) {
    it(`attack: frank ${how} (alice, approved by dan) while ci and bots keep their ServiceAccounts: the review says so`, () => {
      const results = departing(edit);
      expect(results).toHaveLength(1);
      expect(results[0]).toMatchObject({ ok: true, warning: true });
      expect(results[0]!.message).toContain('frank@acme.io');
      expect(results[0]!.message).toMatch(/tokens bots, ci/);
      expect(results[0]!.message).toContain('acme-system');
      expect(results[0]!.message).toMatch(/rotat/);
      expect(franksLines(edit).some((t) => /tokens bots, ci in acme-system/.test(t))).toBe(true);
    });
  }

  it('a token rotated, deactivated or removed in the same change is no longer named; none left, no warning', () => {
    const rotateCi = (s: Spec) => {
      deactivate(s);
      token(s, 'ci').rotation = 1;
    };
    expect(departing(rotateCi)[0]!.message).toMatch(/token bots in acme-system/);
    const all = (s: Spec) => {
      rotateCi(s);
      token(s, 'bots').status = 'deactivated';
    };
    expect(departing(all)).toEqual([expect.objectContaining({ ok: true })]);
    expect(departing(all)[0]!.warning).toBeFalsy();
    expect(franksLines(all).some((t) => /acme-system/.test(t) && /token/.test(t))).toBe(false);
  });

  it("a token created in the same change, or dead in base, was never frank's to read", () => {
    const base = baseSpec();
    token(base, 'bots').status = 'deactivated';
    const edit = (s: Spec) => {
      deactivate(s);
      token(s, 'ci').rotation = 1;
      s.spec.tokens.push({ id: 'fresh', name: 'Fresh', namespaces: ['web'], levels: ['r:full'] });
    };
    expect(departing(edit, base)[0]!.warning).toBeFalsy();
  });

  it('the token values frank keeps are no gain of his: self-edit, with a maker unknown, does not read them as one', () => {
    const v = judge(baseSpec(), deactivate, {
      actors: ['alice', unnamedActor('a pusher unknown')],
      approvals: ['dan'],
    });
    expect(v.failed).not.toContain('self-edit');
  });

  it('a member deactivated could read no token Secret: nothing to say', () => {
    expect(departing((s) => void (user(s, 'erin@acme.io').status = 'deactivated'))[0]!.warning).toBeFalsy();
  });
});

/** baseSpec with bob deactivated (his token bots with him). */
function bobDeactivated(): Spec {
  const s = baseSpec();
  user(s, 'bob@acme.io').status = 'deactivated';
  token(s, 'bots').status = 'deactivated';
  return s;
}

/** The rules failing `edit` of bobDeactivated, made by erin (a member) and approved by alice. */
const failedFor = (edit: (s: Spec) => void, base: Spec = bobDeactivated()) =>
  judge(base, edit, { actors: ['erin'], approvals: ['alice'] });

describe("R92-2: access given to a deactivated user's mailbox gives it back to them", () => {
  it('attack: erin invites bob+new@acme.io with r:secrets, approved by alice', () => {
    const v = failedFor(
      (s) =>
        void (s.spec.invites = [
          { email: 'bob+new@acme.io', sso: true, grants: [{ namespace: 'data', levels: ['r:secrets'] }] },
        ]),
    );
    expect(v.failed).toEqual(['deactivated-mailbox']);
    const message = v.results.find((r) => !r.ok)!.message;
    expect(message).toContain('bob+new@acme.io');
    expect(message).toContain('bob@acme.io');
    expect(message).toMatch(/deactivated/);
    expect(message).toMatch(/subaddress/);
  });

  it('attack: a user at his mailbox given a grant, or a token owned by one', () => {
    expect(
      failedFor((s) => {
        s.spec.users.push({ email: 'bob+ops@acme.io' });
        s.spec.grants.push({ user: 'bob+ops@acme.io', namespace: 'data', levels: ['r:full'] });
      }).failed,
    ).toEqual(['deactivated-mailbox']);
    const base = bobDeactivated();
    base.spec.users.push({ email: 'bob+ops@acme.io' });
    expect(
      failedFor((s) => {
        tokensOf(s).push({
          id: 'ops',
          name: 'Ops',
          namespaces: ['data'],
          levels: ['r:full'],
          owner: 'bob+ops@acme.io',
        });
      }, base).failed,
    ).toEqual(['deactivated-mailbox']);
  });

  it('attack: the change that deactivates bob invites bob+new@acme.io (alice, approved by frank)', () => {
    const v = judge(
      baseSpec(),
      (s) => {
        user(s, 'bob@acme.io').status = 'deactivated';
        token(s, 'bots').status = 'deactivated';
        s.spec.invites = [{ email: 'bob+new@acme.io', sso: true, grants: [{ namespace: 'web', levels: ['r:pods'] }] }];
      },
      { actors: ['alice'], approvals: ['frank'] },
    );
    expect(v.failed).toEqual(['deactivated-mailbox']);
  });

  it('held: another person, bob reactivated himself (the review says so), or access taken from his mailbox', () => {
    const invite = (email: string) => (s: Spec) =>
      void (s.spec.invites = [{ email, sso: true, grants: [{ namespace: 'data', levels: ['r:full'] }] }]);
    expect(failedFor(invite('bobby@acme.io')).failed).toEqual([]);
    expect(
      failedFor((s) => {
        delete user(s, 'bob@acme.io').status;
        invite('bob+new@acme.io')(s);
      }).failed,
    ).toEqual([]);
    const base = bobDeactivated();
    invite('bob+new@acme.io')(base);
    expect(failedFor((s) => void (s.spec.invites = []), base).failed).toEqual([]);
  });

  it('held: an admin at his mailbox leaving takes away (the token values they keep are a warning, not a gain)', () => {
    const base = bobDeactivated();
    base.spec.users.push({ email: 'bob+ops@acme.io', admin: true });
    const v = judge(
      base,
      (s) => void (s.spec.users = s.spec.users.filter((u: { email: string }) => u.email !== 'bob+ops@acme.io')),
      { actors: ['alice'], approvals: ['frank'] },
    );
    expect(v.failed).toEqual([]);
    expect(v.results.some((r) => (r.rule as string) === 'departing-admin-tokens' && r.warning)).toBe(true);
  });
});
