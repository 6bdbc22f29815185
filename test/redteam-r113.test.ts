/**
 * Red team R113 (base 6481cf4): the dormant records (1a96971: a deactivated user's grants and a
 * deactivated token's custom rules in the membership data, `recordsDormant`). The attacker: a member
 * or admin who opens pull requests, staging access in a state the review reads as holding nothing,
 * to be switched on later by a change that reads as routine.
 *
 * R113-1 (medium, a change of dist/ that reads no line): a staged grant's end. A deactivated
 * user's record says until when the staging holds (`until`): staged r:secrets until tomorrow reads
 * `is granted r:secrets in data until 2026-11-27 while deactivated`, an approver passing it as ending
 * before any reactivation. The next pull request dropping that end (or moving it a year on) changed
 * the record, and dist/, yet read no line at all ("No change in access"), where a live grant's end
 * lengthened reads `holds for good, not until ...` (grant-expiry). Now dormantChanges compares the
 * ends of what is staged on both sides: `staged r:secrets in data holds for good, not until
 * 2026-11-27, while deactivated`, a gains-dormant judged as the staging (self-edit); brought nearer,
 * a withdrawal.
 */
import { describe, expect, it } from 'vitest';
import { baseSpec, diffOf, judge, token, user, type Spec } from './review/scenarios.ts';

const bob = 'bob@acme.io';

/** baseSpec with bob deactivated, his token bots with him, staged r:secrets in data until 2026-11-27. */
function bobStagedUntilTomorrow(): Spec {
  const s = baseSpec();
  user(s, bob).status = 'deactivated';
  token(s, 'bots').status = 'deactivated';
  s.spec.grants.push({ user: bob, namespace: 'data', levels: ['r:secrets'], expires: '2026-11-27' });
  return s;
}

/** The last grant (the staged one) ending on `expires`, or never. */
const endingOn = (expires?: string) => (s: Spec) => {
  const g = s.spec.grants.at(-1);
  if (expires) g.expires = expires;
  else delete g.expires;
};

const linesIn = (d: ReturnType<typeof diffOf>, id: string): string[] =>
  d.people.filter((p) => p.id === id).flatMap((p) => p.changes.map((c) => c.text));

describe("R113-1: a staged grant's end lengthened reads a line, judged as the staging", () => {
  it('its end dropped reads that it holds for good, taking effect on reactivation', () => {
    expect(linesIn(diffOf(bobStagedUntilTomorrow(), endingOn()), bob)).toEqual([
      'staged r:secrets in data holds for good, not until 2026-11-27, while deactivated: it takes effect on reactivation',
    ]);
  });

  it('its end moved a year on reads the new end', () => {
    expect(linesIn(diffOf(bobStagedUntilTomorrow(), endingOn('2027-11-27')), bob)).toEqual([
      'staged r:secrets in data holds until 2027-11-27, not until 2026-11-27, while deactivated: it takes effect on reactivation',
    ]);
  });

  it('its end brought nearer is a withdrawal, giving nothing', () => {
    const base = bobStagedUntilTomorrow();
    endingOn('2027-11-27')(base);
    const d = diffOf(base, endingOn('2026-11-27'));
    expect(linesIn(d, bob)).toEqual([
      'staged r:secrets in data holds until 2026-11-27, not until 2027-11-27, while deactivated (it held nothing)',
    ]);
    expect(d.people.find((p) => p.id === bob)?.changes.every((c) => c.removes)).toBe(true);
  });

  it('frank lengthening the staging on his own deactivated address fails self-edit, as the staging did', () => {
    const base = baseSpec();
    base.spec.users.push({ email: 'frank+ops@acme.io', github: 'frankops', status: 'deactivated' });
    base.spec.grants.push({
      user: 'frank+ops@acme.io',
      namespace: 'data',
      levels: ['r:secrets'],
      expires: '2026-11-27',
    });
    expect(judge(base, endingOn(), { actors: ['frank'], approvals: ['alice'] }).failed).toEqual(['self-edit']);
  });
});
