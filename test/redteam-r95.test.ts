/**
 * Red team R95 (base bd1eed2): the organization's lifecycle, second pass (what R92 left): a user
 * removed rather than deactivated, tokens surviving their user, an admin's departure over two pull
 * requests, an organization renamed, invites with and without SSO. The attacker: a member who opens
 * a pull request, or a person whose access the organization means to remove.
 *
 * R95-1 (medium, R92-2's class): the seed removes a user "completely" (deactivate, then support
 * deletes the account): a removal means the person holds nothing, at least as much as a
 * deactivation does. deactivated-mailbox read only users deactivated, so erin's pull request removing
 * bob and declaring `bob+x@acme.io` (his mailbox: a subaddress) with r:secrets, or inviting it, passed
 * with one admin's approval, the comment reading `bob@acme.io leaves` and a newcomer joining; and
 * bob removed by an earlier merge was read by nobody. Now the rule reads users removed by the change
 * and, over the rolling window, users its older output declares that head does not.
 *
 * R95-2 (low, R92-1 over two pull requests): departing-admin-tokens read the change's own diff, so
 * the first pull request demoting frank and deactivating the tokens he could read (no value kept:
 * no warning), and the second reactivating them unrotated, warned of nothing: the second's review
 * says only that the old value works again if Argo CD has not deleted the ServiceAccount since,
 * naming nobody who holds it, and a quick second merge (or a sync held up between) hands frank back
 * every value he read. Over the rolling window the rule now reads the window's diff too, naming the
 * admins who left since its older output and the tokens head keeps under the same ServiceAccounts.
 */
import { describe, expect, it } from 'vitest';
import { baseSpec, judge, reviewSnapshots, snapshotOf, token, user, type Spec } from './review/scenarios.ts';

/** `s` without bob: his user, his grants, and his token bots (token-owner-inactive asks for that). */
function withoutBob(s: Spec): void {
  s.spec.users = s.spec.users.filter((u: { email: string }) => u.email !== 'bob@acme.io');
  s.spec.grants = s.spec.grants.filter((g: { user: string }) => g.user !== 'bob@acme.io');
  s.spec.tokens = s.spec.tokens.filter((t: { id: string }) => t.id !== 'bots');
}

/** `s` with a user at `email` holding r:secrets in data. */
function secretsFor(email: string) {
  return (s: Spec): void => {
    s.spec.users.push({ email });
    s.spec.grants.push({ user: email, namespace: 'data', levels: ['r:secrets'] });
  };
}

/** The failed rules of `edit` of base, made by erin (a member) and approved by alice. */
const failedFor = (edit: (s: Spec) => void, base: Spec = baseSpec()) =>
  judge(base, edit, { actors: ['erin'], approvals: ['alice'] });

describe("R95-1: access given to a removed user's mailbox gives it back to them", () => {
  it('attack: erin removes bob and declares bob+x@acme.io with r:secrets, approved by alice', () => {
    const v = failedFor((s) => {
      withoutBob(s);
      secretsFor('bob+x@acme.io')(s);
    });
    expect(v.failed).toEqual(['deactivated-mailbox']);
    const message = v.results.find((r) => !r.ok)!.message;
    expect(message).toContain('bob+x@acme.io');
    expect(message).toContain('bob@acme.io, removed');
    expect(message).toMatch(/subaddress/);
    expect(message).toMatch(/declare bob@acme\.io again/);
  });

  it('attack: erin removes bob and invites bob+x@acme.io', () => {
    const v = failedFor((s) => {
      withoutBob(s);
      s.spec.invites = [{ email: 'bob+x@acme.io', sso: true, grants: [{ namespace: 'web', levels: ['r:pods'] }] }];
    });
    expect(v.failed).toEqual(['deactivated-mailbox']);
  });

  it('attack: bob removed by an earlier merge (in the rolling window), bob+x given r:secrets now', () => {
    const window = baseSpec();
    const base = structuredClone(window);
    withoutBob(base);
    const head = structuredClone(base);
    secretsFor('bob+x@acme.io')(head);
    const results = reviewSnapshots(snapshotOf(base), snapshotOf(head), snapshotOf(window));
    const failed = results.filter((r) => !r.ok);
    expect(failed.map((r) => r.rule)).toEqual(['deactivated-mailbox']);
    expect(failed[0]!.message).toContain('bob@acme.io, removed since origin/main~1');
  });

  it('held: bob declared again at his own address reads as bob joining (one admin judges it, as a reactivation)', () => {
    const base = baseSpec();
    withoutBob(base);
    const v = failedFor(secretsFor('bob@acme.io'), base);
    expect(v.failed).toEqual([]);
    expect(v.results.map((r) => r.rule)).toContain('deactivated-mailbox');
  });

  it('held: another person, or access taken from an address of his mailbox, when he is removed', () => {
    expect(
      failedFor((s) => {
        withoutBob(s);
        secretsFor('bobby@acme.io')(s);
      }).failed,
    ).toEqual([]);
    const base = baseSpec();
    secretsFor('bob+x@acme.io')(base);
    expect(
      failedFor((s) => {
        withoutBob(s);
        s.spec.grants = s.spec.grants.filter((g: { user: string }) => g.user !== 'bob+x@acme.io');
      }, base).failed,
    ).toEqual([]);
  });
});

describe("R95-2: an admin's departure and the tokens' survival split over two pull requests", () => {
  /** Before: frank an admin; PR1: frank demoted and ci, bots deactivated; PR2: ci, bots reactivated unrotated. */
  function twoPullRequests() {
    const window = baseSpec();
    const base = structuredClone(window);
    user(base, 'frank@acme.io').admin = false;
    token(base, 'ci').status = 'deactivated';
    token(base, 'bots').status = 'deactivated';
    const head = structuredClone(base);
    delete token(head, 'ci').status;
    delete token(head, 'bots').status;
    return { window: snapshotOf(window), base: snapshotOf(base), head: snapshotOf(head) };
  }
  const departing = (results: ReturnType<typeof reviewSnapshots>) =>
    results.filter((r) => (r.rule as string) === 'departing-admin-tokens' && r.warning);

  it('attack: the second pull request reactivates the tokens frank could read: over the window, the review names him', () => {
    const { window, base, head } = twoPullRequests();
    const warned = departing(reviewSnapshots(base, head, window));
    expect(warned).toHaveLength(1);
    expect(warned[0]!.message).toContain('frank@acme.io');
    expect(warned[0]!.message).toMatch(/tokens bots, ci/);
    expect(warned[0]!.message).toContain('since origin/main~1');
  });

  it('held: per change (no window), the second reads no departure; the reactivation line says the old value may work again', () => {
    const { base, head } = twoPullRequests();
    expect(departing(reviewSnapshots(base, head))).toEqual([]);
  });

  it('held: the tokens rotated since frank left, or his departure warned in this change itself, are said once', () => {
    const { window, base } = twoPullRequests();
    const rotated = baseSpec();
    user(rotated, 'frank@acme.io').admin = false;
    token(rotated, 'ci').rotation = 1;
    token(rotated, 'bots').rotation = 1;
    expect(departing(reviewSnapshots(base, snapshotOf(rotated), window))).toEqual([]);
    const demoted = baseSpec();
    user(demoted, 'frank@acme.io').admin = false;
    expect(departing(reviewSnapshots(window, snapshotOf(demoted), window))).toHaveLength(1);
  });
});
