/**
 * Red team R102 (base 01a9644): the organization's lifecycle and the review, what R92 and R95 left:
 * anything staged in a state the review judges harmless (a deactivated token or user, a pending
 * invitation, an expired token, another address of a person's mailbox) that later becomes access,
 * and the self-edit policy's indirect ways. The attacker: a member or admin who opens pull requests,
 * or a person whose access the organization means to remove.
 *
 * R102-1 (medium, R92-2's class, staged before the departure): an address of bob's mailbox
 * (`bob+x@acme.io`: a subaddress is delivered to bob@acme.io) declared while bob was active, as a
 * user given r:secrets or as a pending invitation, harms nothing then: it is bob's. The change that
 * deactivates or removes bob read `bob@acme.io is deactivated` (or `leaves`) and passed with one
 * admin's approval, the organization believing bob to hold nothing, while bob+x kept every grant
 * and its invitation stood (accepted later with bob removed, and no window, nothing read it).
 * deactivated-mailbox read only what such an address gains, never what it keeps when its person
 * goes.
 *
 * R102-2 (low, self-edit's disclosure): a token's declared levels changed while it is deactivated
 * read `declared levels ..., held once it is reactivated`, and self-edit judges them (frank widening
 * his own); while it has expired they read as no change: frank's pull request widening the levels of
 * his own expired token passed with alice's approval, the comment reading nothing. The renewal shows
 * the whole (and is judged then), but the edit of his own privileges was never one a review saw.
 */
import { describe, expect, it } from 'vitest';
import { baseSpec, diffOf, judge, token, tokensOf, user, type Spec } from './review/scenarios.ts';

const bobPlus = 'bob+x@acme.io';

/** baseSpec with bob+x@acme.io, an address of bob's mailbox, an active user holding r:secrets in data. */
function withBobPlusUser(): Spec {
  const s = baseSpec();
  s.spec.users.push({ email: bobPlus, github: 'bobx' });
  s.spec.grants.push({ user: bobPlus, namespace: 'data', levels: ['r:secrets'] });
  return s;
}

/** baseSpec with a pending invitation to bob+x@acme.io (r:secrets in data). */
function withBobPlusInvite(): Spec {
  const s = baseSpec();
  s.spec.invites = [{ email: bobPlus, sso: true, grants: [{ namespace: 'data', levels: ['r:secrets'] }] }];
  return s;
}

/** bob deactivated, his token bots with him (token-owner-inactive asks for that). */
const deactivateBob = (s: Spec): void => {
  user(s, 'bob@acme.io').status = 'deactivated';
  token(s, 'bots').status = 'deactivated';
};

/** bob removed: his user, his grants and his token bots. */
const removeBob = (s: Spec): void => {
  s.spec.users = s.spec.users.filter((u: { email: string }) => u.email !== 'bob@acme.io');
  s.spec.grants = s.spec.grants.filter((g: { user: string }) => g.user !== 'bob@acme.io');
  s.spec.tokens = s.spec.tokens.filter((t: { id: string }) => t.id !== 'bots');
};

/** The review of `edit` of `base`, made by erin (a member) and approved by alice. */
const byErin = (base: Spec, edit: (s: Spec) => void) => judge(base, edit, { actors: ['erin'], approvals: ['alice'] });

describe('R102-1: a user deactivated or removed while another address of their mailbox keeps its access', () => {
  for (const [how, edit] of [
    ['deactivated', deactivateBob],
    ['removed', removeBob],
  ] as const) {
    it(`attack: bob ${how} (erin, approved by alice) while bob+x@acme.io stays an active user with r:secrets`, () => {
      const v = byErin(withBobPlusUser(), edit);
      expect(v.failed).toEqual(['deactivated-mailbox']);
      const message = v.results.find((r) => !r.ok)!.message;
      expect(message).toContain(bobPlus);
      expect(message).toContain(`bob@acme.io, ${how} by this change`);
      expect(message).toMatch(/subaddress/);
      expect(message).toMatch(/deactivate or remove bob\+x@acme\.io/);
    });

    it(`attack: bob ${how} while an invitation to bob+x@acme.io stays pending`, () => {
      const v = byErin(withBobPlusInvite(), edit);
      expect(v.failed).toEqual(['deactivated-mailbox']);
      const message = v.results.find((r) => !r.ok)!.message;
      expect(message).toContain(`invitation to ${bobPlus}`);
      expect(message).toMatch(/withdraw or revoke/);
    });
  }

  it('attack: bob deactivated while bob+x@acme.io holds nothing but a live token it owns', () => {
    const base = baseSpec();
    base.spec.users.push({ email: bobPlus, github: 'bobx' });
    base.spec.tokens.push({ id: 'side', name: 'Side', namespaces: ['data'], levels: ['r:full'], owner: bobPlus });
    expect(byErin(base, deactivateBob).failed).toEqual(['deactivated-mailbox']);
  });

  it('held: bob+x@acme.io an active user holding nothing (R95 pinned it: its access taken in the change)', () => {
    const base = baseSpec();
    base.spec.users.push({ email: bobPlus, github: 'bobx' });
    expect(byErin(base, deactivateBob).failed).toEqual([]);
  });

  it('held: bob+x deactivated, removed or its invitation withdrawn or revoked in the same change', () => {
    expect(
      byErin(withBobPlusUser(), (s) => {
        deactivateBob(s);
        user(s, bobPlus).status = 'deactivated';
      }).failed,
    ).toEqual([]);
    expect(
      byErin(withBobPlusUser(), (s) => {
        removeBob(s);
        s.spec.users = s.spec.users.filter((u: { email: string }) => u.email !== bobPlus);
        s.spec.grants = s.spec.grants.filter((g: { user: string }) => g.user !== bobPlus);
      }).failed,
    ).toEqual([]);
    expect(
      byErin(withBobPlusInvite(), (s) => {
        deactivateBob(s);
        s.spec.invites = [];
      }).failed,
    ).toEqual([]);
    expect(
      byErin(withBobPlusInvite(), (s) => {
        deactivateBob(s);
        s.spec.invites[0].state = 'revoked';
      }).failed,
    ).toEqual([]);
  });

  it('held: bob+x already deactivated (its grants staged) is dormant: its reactivation later fails deactivated-mailbox', () => {
    const base = withBobPlusUser();
    user(base, bobPlus).status = 'deactivated';
    expect(byErin(base, deactivateBob).failed).toEqual([]);
    deactivateBob(base);
    expect(byErin(base, (s) => void delete user(s, bobPlus).status).failed).toEqual(['deactivated-mailbox']);
  });

  it('held: another person (bobby@acme.io) keeps their access when bob leaves', () => {
    const base = baseSpec();
    base.spec.users.push({ email: 'bobby@acme.io', github: 'bobby' });
    base.spec.grants.push({ user: 'bobby@acme.io', namespace: 'data', levels: ['r:secrets'] });
    expect(byErin(base, deactivateBob).failed).toEqual([]);
  });
});

/** baseSpec with frank's token ft (r:pods in web), expired on 2020-01-01. */
function franksExpiredToken(): Spec {
  const s = baseSpec();
  tokensOf(s).push({
    id: 'ft',
    name: 'Frank',
    namespaces: ['web'],
    levels: ['r:pods'],
    owner: 'frank@acme.io',
    expires: '2020-01-01',
  });
  return s;
}

const widenFt = (s: Spec) => void (token(s, 'ft').levels = ['r:secrets']);

describe("R102-2: an expired token's declared levels widened read as no change", () => {
  it("attack: frank widens his own expired token's levels (approved by alice): the line says so and self-edit fails", () => {
    const lines = diffOf(franksExpiredToken(), widenFt)
      .tokens.filter((t) => t.id === 'ft')
      .flatMap((t) => t.changes.map((c) => c.text));
    expect(lines.join('\n')).toMatch(/declared levels r:pods → r:secrets, held once its expiry is extended/);
    expect(judge(franksExpiredToken(), widenFt, { actors: ['frank'], approvals: ['alice'] }).failed).toEqual([
      'self-edit',
    ]);
  });

  it('held: another admin widening it passes; the renewal shows every level it then holds', () => {
    expect(judge(franksExpiredToken(), widenFt, { actors: ['alice'], approvals: ['dan'] }).failed).toEqual([]);
    const widened = franksExpiredToken();
    widenFt(widened);
    const renew = (s: Spec) => void (token(s, 'ft').expires = '2030-01-01');
    const lines = diffOf(widened, renew)
      .tokens.filter((t) => t.id === 'ft')
      .flatMap((t) => t.changes.map((c) => c.text));
    expect(lines).toEqual(expect.arrayContaining(['gains r:secrets in web', 'can now read Secrets in web']));
    expect(judge(widened, renew, { actors: ['frank'], approvals: ['alice'] }).failed).toEqual(['self-edit']);
  });
});
