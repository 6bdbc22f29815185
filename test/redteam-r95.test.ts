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
 */
import { describe, expect, it } from 'vitest';
import { baseSpec, judge, reviewSnapshots, snapshotOf, type Spec } from './review/scenarios.ts';

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
