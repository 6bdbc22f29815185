/**
 * Red team R19 (read-only review of 867df99, R18's fixes). Each test asserts the safe behaviour and
 * fails on 867df99 (the race with an error after posting is in redteam-r19-races.test.ts).
 *
 * R19-1 (medium, DoS by anyone): failLeftHead fails the old head of any push while another open pull
 *     request has it, whatever that commit's success rests on. pull_request_target runs for every
 *     fork's pull request without approval (GitHub: "will always run, regardless of approval
 *     settings"), so any account opens a pull request with an admin's approved head H, pushes it
 *     away, and H fails though the admin's own pull request passes on its own; again at each push
 *     back and away. Before 867df99 a copy could not fail H while the admin's passed (R17-1).
 * R19-2 (medium): the old head is known only from the synchronize event. Any later run of the same
 *     pull request replaces the push's run while it waits (the workflow's group takes labeled,
 *     edited...; the review job's group takes every run a review starts, and anyone may submit a
 *     review): that run has no `before`, and the withdrawn head keeps the success lent to a copy
 *     that fails on its own (R18-1 back). docs/github.md names only "another push" as the limit.
 *     Fixed: the push workflow (orgctl-review-push.yaml) runs `review --github --left-head` on
 *     every push, in no concurrency group.
 */
import { describe, expect, it } from 'vitest';
import { reviewOnGitHub } from '../cli/github.ts';
import * as standin from './github/standin.ts';
import { copyOfH, H, H2, inForce, pushH2, repositories } from './redteam-r18-repository.ts';

const repository = repositories(reviewOnGitHub);

describe('R19-1: a fork pushing its copy away from H fails H, though the admin’s pull request with head H passes on its own', () => {
  it("mallory (NONE, a fork) opens #43 at alice's H and pushes it to M: H must stay passing, #42 is open and passes", async () => {
    const mallorys = copyOfH(43, 'mallory', 'NONE');
    const { state, review } = await repository([mallorys]);
    expect((await review(42)).code).toBe(0);
    expect(inForce(state.checkRuns, H)?.conclusion).toBe('success');
    // mallory's push: #43 moves from H to her own commit M (a synchronize event GitHub writes).
    const M = standin.fakeSha('mallory, elsewhere');
    mallorys.pull = { ...mallorys.pull, headSha: M };
    mallorys.commits = [{ sha: M, authorLogin: 'mallory', verified: false }];
    mallorys.pushes = [{ after: M, actor: 'mallory', type: 'branch_creation' }];
    await review(43, { action: 'synchronize', before: H, after: M, pull_request: { number: 43 } });
    // The rule: alice's #42 is open, ready for review, into main, and passes on its own: H passes.
    // A push back to H and away again repeats it at will, each time until someone re-runs #42.
    expect(inForce(state.checkRuns, H)?.conclusion, 'a stranger failed the admin’s approved head').toBe('success');
  });
});

describe('R19-2: the push’s run replaced by a run a review started leaves the withdrawn head passing as the withdrawn change', () => {
  // Fixed by the push workflow (orgctl-review-push.yaml): every push runs `review --github
  // --left-head`, outside the review's concurrency groups, which no later run replaces.
  it("bob's #43 passed as alice's #42; alice pushes #42 to H2; the run that runs is a review's (workflow_run, no before); the push workflow's run fails H", async () => {
    const { state, review, leftHead } = await repository([copyOfH(43, 'bob')]);
    expect((await review(42)).code).toBe(0);
    expect((await review(43)).io.outs.join('\n')).toMatch(/as #42's change/);
    pushH2(state);
    // The synchronize run waited in orgctl-review-post-42 and was replaced by the job of a run that
    // bob's comment review on #42 started (the trigger ran on H2, so the pull job accepts it).
    await review(42, {
      action: 'completed',
      pull_request: undefined,
      workflow_run: { id: 9, head_sha: H2, event: 'pull_request_review' },
    });
    expect(inForce(state.checkRuns, H2)).toBeDefined();
    expect(inForce(state.checkRuns, H)?.conclusion, 'the review alone leaves H as it was').toBe('success');
    // The push workflow's own run of that push (no group: nothing replaced it).
    const io = await leftHead();
    expect(io.outs.join('\n')).toMatch(/left \w+: its success there carried this pull request's verdict, now failed/);
    // #43 is the only open pull request with head H, and it fails on its own.
    expect(inForce(state.checkRuns, H)?.conclusion).toBe('failure');
  });

  it('--left-head: nothing when the success there is another pull request’s, and refused on an event that is no push', async () => {
    const { state, standin: one, review } = await repository([copyOfH(43, 'bob')]);
    expect((await review(42)).code).toBe(0);
    const left = (event: Record<string, unknown>) => {
      const io = standin.capture(standin.actionsEnv(one, standin.pullRequestEvent(event)));
      return { io, code: reviewOnGitHub({ 'left-head': true, pull: '43' }, io, { throttle: false }) };
    };
    // bob's #43 moves away from H, whose success carries #42's verdict: it stands.
    const moved = left({
      action: 'synchronize',
      before: H,
      after: standin.fakeSha('bob, elsewhere'),
      pull_request: { number: 43 },
    });
    expect(await moved.code).toBe(0);
    expect(moved.io.outs.join('\n')).toMatch(/nothing there rests on it/);
    expect(inForce(state.checkRuns, H)?.conclusion).toBe('success');
    const labeled = left({ action: 'labeled', pull_request: { number: 43 } });
    await expect(labeled.code).rejects.toThrow(
      /--left-head reads the commit a push left: run it on a synchronize event/,
    );
  });
});
