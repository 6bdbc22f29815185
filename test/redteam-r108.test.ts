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
 */
import { describe, expect, it } from 'vitest';
import { baseSpec, judge, token, user, type Spec } from './review/scenarios.ts';

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
