import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { reviewOfExample, ROOT } from '../helpers.ts';
import { actorsOf, distinctLogins, overrideAppliers, overridesOf, validApprovals } from '../../review/approvals.ts';

const r = (login: string, state: string, commitId = 'head') => ({ login, state, commitId });

describe('approvals', () => {
  it("counts a reviewer's latest approval of the head commit", () => {
    expect(validApprovals([r('dan', 'APPROVED')], 'head')).toEqual(['dan']);
  });
  it('a stale approval (older commit) does not count', () => {
    expect(validApprovals([r('dan', 'APPROVED', 'old')], 'head')).toEqual([]);
  });
  it('a later request for changes or a dismissal withdraws it', () => {
    expect(validApprovals([r('dan', 'APPROVED'), r('dan', 'CHANGES_REQUESTED')], 'head')).toEqual([]);
    expect(validApprovals([r('dan', 'APPROVED'), r('dan', 'DISMISSED')], 'head')).toEqual([]);
  });
  it('a later request for changes withdraws it whatever case the login is written in (one GitHub account)', () => {
    expect(validApprovals([r('Dan', 'APPROVED'), r('dan', 'CHANGES_REQUESTED')], 'head')).toEqual([]);
  });
  it('a pending review (a draft nobody submitted) neither withdraws an approval nor is one', () => {
    expect(validApprovals([r('dan', 'APPROVED'), r('dan', 'PENDING')], 'head')).toEqual(['dan']);
  });
  it('a later plain comment does not', () => {
    expect(validApprovals([r('dan', 'APPROVED'), r('dan', 'COMMENTED')], 'head')).toEqual(['dan']);
  });
  it('re-approving the head after a stale approval counts', () => {
    expect(validApprovals([r('dan', 'APPROVED', 'old'), r('Dan', 'APPROVED')], 'head')).toEqual(['Dan']);
  });
  it('actors are the author and every commit author, once each; unlinked authors still act', () => {
    expect(actorsOf('alice', ['alice', 'Bob', null, 'bob'])).toEqual([
      'alice',
      'Bob',
      '(commit 3: author without a GitHub account)',
    ]);
  });
  it('distinct logins keep their order and the first spelling of each (the adapter asks GitHub once per account)', () => {
    expect(distinctLogins(['Frank', 'alice', 'frank', 'ALICE', 'bob'])).toEqual(['Frank', 'alice', 'bob']);
  });
  it('overrides come from labels', () => {
    expect(overridesOf(['bug', 'orgctl/override-mass-removal'])).toEqual(['mass-removal']);
  });
  it('only a label that begins with orgctl/override- asks for an override', () => {
    expect(overridesOf(['not-orgctl/override-mass-removal', 'x orgctl/override-mass-removal'])).toEqual([]);
  });
  it('an override label counts whatever its case, as GitHub holds one label whatever its case (and the label events are read so)', () => {
    expect(overridesOf(['Orgctl/Override-Mass-Removal'])).toEqual(['mass-removal']);
  });
  it("an override is its last labeller's: an earlier one's went with the label", () => {
    // Events come with their time and id (GitHub's): in the same second, the id orders them.
    let id = 0;
    const at = '2026-01-05T09:30:00Z';
    const e = (event: string, name: string, login: string) => ({
      id: ++id,
      created_at: at,
      event,
      label: { name },
      actor: { login },
    });
    expect(
      overrideAppliers([
        e('labeled', 'orgctl/override-mass-removal', 'grace'),
        e('unlabeled', 'orgctl/override-mass-removal', 'grace'),
        e('labeled', 'orgctl/override-mass-removal', 'frank'),
        e('labeled', 'bug', 'grace'),
        { id: ++id, created_at: at, event: 'assigned' },
      ]),
    ).toEqual({ 'mass-removal': 'frank' });
  });
  it('a label its labeller removed was applied by nobody, though a label of that name is on the pull request again', () => {
    // A label renamed at repository level into the override's name has no event of that name: the
    // admin who applied and removed it earlier did not apply it.
    let id = 0;
    const e = (event: string, login: string) => ({
      id: ++id,
      created_at: '2026-01-05T09:30:00Z',
      event,
      label: { name: 'orgctl/override-mass-removal' },
      actor: { login },
    });
    expect(overrideAppliers([e('labeled', 'frank'), e('unlabeled', 'frank')])).toEqual({});
  });
  it('a label named after an Object property is a label like any other (R13-F1)', () => {
    const e = (name: string) => ({
      id: 1,
      created_at: '2026-01-05T09:30:00Z',
      event: 'labeled',
      label: { name },
      actor: { login: 'frank' },
    });
    const appliers = overrideAppliers([e('orgctl/override-__proto__')]);
    expect(Object.entries(appliers)).toEqual([['__proto__', 'frank']]);
    // No event names it: nobody applied it, not Object's constructor.
    expect(overrideAppliers([]).constructor).toBeUndefined();
    expect(overrideAppliers([]).toString).toBeUndefined();
  });
});

describe('an approval that does not count says why (locally as on GitHub)', () => {
  // In the example: frank is an admin, bob a member; nobody's login is frnk.
  for (const [login, why] of [
    ['frnk', /frnk is no user's GitHub login in base/],
    ['bob', /bob \(bob@(<!-- -->)?acme\.io\) is not an admin in base/],
  ] as const)
    it(`${login}'s approval of a member's change`, async () => {
      const r = await reviewOfExample(join(ROOT, 'dist'), 'bob', ['--approved-by', login]);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/`actor-not-admin` \| ❌ \|[^\n]*not counted: /);
      expect(r.stdout).toMatch(why);
    });

  it('an admin approval counts and nothing is said', async () => {
    const r = await reviewOfExample(join(ROOT, 'dist'), 'bob', ['--approved-by', 'frank']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/not counted/);
  });
});
