/**
 * Red team R18 (read-only review of d8ea9d2, b897984, 78da11d, 2cb0bf9, a6203ea, 075ed60: a commit's
 * orgctl/review passes iff one open pull request ready for review into the default branch with it
 * as head passes on its own). Each test asserts the safe behaviour and fails on the code it was
 * written against (the races, which need the adapter's posting intercepted, are in
 * redteam-r18-races.test.ts).
 *
 * R18-1 (high): a pull request pushed away from a commit leaves that commit's success in force. A
 *     push starts a run that judges the new head only; nothing judges the old one again, so an open
 *     copy with the old head, which fails on its own, is mergeable on the success its lender left
 *     (R17-2's class: alice's withdrawn change, with nobody behind it at merge time). A dismissal
 *     followed quickly by a push lands here too: the dismissal's workflow_run is refused by the
 *     new head check (the pull request's head is no longer workflow_run.head_sha).
 * R18-2 (medium, DoS): "oldest first, at most 5" assumes a copy is opened after the pull request it
 *     copies. A pull request's head can be pushed to any commit at any time: an account associated
 *     as MEMBER (any member of the organization, even one who may only read the repository) opens
 *     six pull requests from a fork in advance and, when an admin's change appears, pushes all six
 *     to its head. Each run of any of them judges the five others, never the admin's, and posts
 *     failure on the shared commit: R17-1's denial of service, back.
 */
import { describe, expect, it } from 'vitest';
import { previousHeadOf, reviewOnGitHub } from '../cli/github.ts';
import { copyOfH, H, H2, inForce, pushedH2, pushH2, repositories } from './redteam-r18-repository.ts';

const repository = repositories(reviewOnGitHub);

describe('R18-1: a pull request pushed away from its head leaves that commit passing for an open copy that fails on its own', () => {
  it("bob's copy #43 passed as alice's #42; alice pushes #42 on to H2: the push's run fails H, where #43 is open and fails on its own", async () => {
    const { state, review } = await repository([copyOfH(43, 'bob')]);
    expect((await review(42)).code).toBe(0);
    const b = await review(43);
    expect(b.io.outs.join('\n')).toMatch(/success on \w+ \(as #42's change; #43 fails on its own\)/);
    // alice withdraws H: she pushes H2 (a synchronize event: the review runs for #42, now at H2).
    pushH2(state);
    const pushed = await review(42, pushedH2);
    expect(pushed.io.errs.join('\n')).toMatch(
      /#42 was pushed from this commit to \w+.*#43 still has this commit as head: re-run the review of #43/,
    );
    expect(inForce(state.checkRuns, H2)).toBeDefined();
    // #43 is the only open pull request with head H, and it fails on its own (the next test shows
    // what a run of it posts): H must not pass, or #43 merges alice's withdrawn change.
    expect(inForce(state.checkRuns, H)?.conclusion).not.toBe('success');
  });

  it('a push with no open pull request left at the old head posts nothing on it (one listing)', async () => {
    const { state, standin: one, review } = await repository([]);
    expect((await review(42)).code).toBe(0);
    pushH2(state);
    const before = one.requests.length;
    const pushed = await review(42, pushedH2);
    expect(pushed.code).toBe(0);
    // H keeps #42's success: no pull request can merge it (one opened later is judged by its own run).
    expect(inForce(state.checkRuns, H)?.conclusion).toBe('success');
    const listed = one.requests
      .slice(before)
      .filter((r) => r.method === 'GET' && /\/pulls$/.test(r.path.split('?')[0]!));
    expect(listed).toHaveLength(1);
  });

  it("previousHeadOf: a synchronize event's `before`, of this pull request only", () => {
    const event = (fields: Record<string, unknown>) =>
      JSON.stringify({ action: 'synchronize', before: H, pull_request: { number: 42 }, ...fields });
    expect(previousHeadOf(event({}), 42)).toBe(H);
    expect(previousHeadOf(event({}), 43)).toBeUndefined();
    expect(previousHeadOf(event({ action: 'labeled' }), 42)).toBeUndefined();
    expect(previousHeadOf(event({ before: 'HEAD~1' }), 42)).toBeUndefined();
    expect(previousHeadOf(event({ before: 7 }), 42)).toBeUndefined();
    expect(previousHeadOf('not json', 42)).toBeUndefined();
  });

  it('what the rule says of H then: a run of #43 (if one ever starts) posts failure', async () => {
    const { state, review } = await repository([copyOfH(43, 'bob')]);
    expect((await review(42)).code).toBe(0);
    pushH2(state);
    expect((await review(43)).code).toBe(1);
    expect(inForce(state.checkRuns, H)?.conclusion).toBe('failure');
  });
});

describe('R18-2: six pull requests opened before the admin’s, pushed to its head, keep it from being judged as a copy', () => {
  it("mallory (MEMBER) re-points #30..#35 at alice's head H: a run of #30 judges alice's #42 first (a base admin opened it), which passes on its own: H passes", async () => {
    const mallorys = [30, 31, 32, 33, 34, 35].map((n) => copyOfH(n, 'mallory'));
    const { state, standin: one, review } = await repository(mallorys);
    expect((await review(42)).code).toBe(0);
    expect(inForce(state.checkRuns, H)?.conclusion).toBe('success');
    // Any event of #30 (mallory closes and reopens it, toggles draft, pushes away and back) starts a run.
    const before = one.requests.length;
    expect((await review(30)).code).toBe(0);
    const read = one.requests.slice(before).map((r) => r.path.split('?')[0]!.replace('/repos/acme/org/', ''));
    // The rule: alice's #42 is open, ready for review, into main, and passes on its own: H passes.
    expect(read, 'the admin’s own pull request was never judged').toContain('pulls/42');
    expect(inForce(state.checkRuns, H)?.conclusion).toBe('success');
  });
});
