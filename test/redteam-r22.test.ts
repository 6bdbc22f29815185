/**
 * Red team R22: today's trust-chain commits (4fc4e30 every page of the left commit's runs,
 * c485d58 a left commit that cannot be read fails, 875416b pods/status, 4f2a868 a cluster named
 * argocd). Each test asserts the safe behaviour and fails on 4f2a868, except those marked as
 * guards (they pass now and say what a fix must keep).
 *
 * R22-1 (low-medium, DoS by anyone, R19-1's class back through c485d58): failLeftHead fails the
 *     left commit whenever the listing of open pull requests fails ('unread'), before it reads the
 *     check run there, which alone says whose verdict the success carries. Anyone opens a copy of
 *     an admin's approved head H from a fork and pushes it away (pull_request_target runs without
 *     approval) while GET pulls fails: H fails, though the success there carries the admin's own
 *     pull request's verdict, which a working listing leaves standing (R19-1). The attacker drives
 *     the failure: that listing reads every open pull request into the default branch, one page a
 *     hundred, and they open as many as they like; every review anyone submits starts runs that
 *     read it, spending the installation's secondary limits (403/429, not retried past 60 s); and
 *     each push back to H heals (the copy's run lends #42's success again), so pushes away are
 *     free tries until one lands. The check-run listing (one page here; about ten at most when
 *     `latest` keeps one run a suite, over GitHub's 1000 suites) is the only read the answer needs
 *     when the success there is not the pushed pull request's. Fix: read successCarries first;
 *     'nothing' when it says another's (or no success); only then list the pull requests left,
 *     failing closed if that fails. Left: a failing check-run read still fails H (fail closed).
 * R22-2 (low, fail open, R18-1 back): GitHub lists a commit's check runs from its 1000 most
 *     recent check suites only ("this endpoint will limit check runs to the 1000 most recent check
 *     suites"; the documented way to see all is GET commits/{ref}/check-suites, then each suite's
 *     runs; the stand-in lists so: LISTED_SUITES). Every pull_request workflow run on a copy with head H (orgctl-check.yaml runs on
 *     pull_request: close and reopen it) is a new suite there. Once the success carrying #42's
 *     verdict is in a suite older than the newest 1000, successCarries reads no orgctl/review run
 *     at all and a push of #42 away leaves it standing for bob's copy, which fails on its own.
 *     "Newest by id over every page" is newest over a truncated listing. Fix: when the commit has
 *     more suites than the listing covers (GET commits/{ref}/check-suites' total_count), read each
 *     suite's runs, or treat it as unread (fail closed).
 */
import { describe, expect, it } from 'vitest';
import { reviewOnGitHub } from '../cli/github.ts';
import * as standin from './github/standin.ts';
import { copyOfH, H, H2, inForce, otherCheckOnH, pushH2, repositories } from './redteam-r18-repository.ts';

const repository = repositories(reviewOnGitHub);

/** The push workflow's run (orgctl-review-push.yaml) of a push of #`number` from H to `after`, whatever it exits. */
async function pushWorkflow(one: standin.Standin, number: number, after: string) {
  const event = { action: 'synchronize', before: H, after, pull_request: { number } };
  const io = standin.capture(standin.actionsEnv(one, standin.pullRequestEvent(event)));
  const code = await reviewOnGitHub({ 'left-head': true, pull: String(number) }, io, {
    retryAfterBaseValue: 1,
    throttle: false,
  });
  return { code, io };
}

/** GitHub's secondary rate limit on GET pulls (the open pull requests' listing), longer than orgctl waits. */
const pullsListingLimited: standin.StandinFault = {
  method: 'GET',
  path: /\/pulls$/,
  status: 403,
  secondary: true,
  retryAfter: 120,
  times: 20,
};

describe('R22-1: a failed listing of open pull requests fails an approved head whose success is not the pushed one’s', () => {
  it("mallory (NONE, a fork) pushes her copy #43 of alice's approved H away while GET pulls is rate limited: H stays passing", async () => {
    const mallorys = copyOfH(43, 'mallory', 'NONE');
    const { state, standin: one, review } = await repository([mallorys]);
    expect((await review(42)).code).toBe(0);
    expect(inForce(state.checkRuns, H)).toMatchObject({ conclusion: 'success', externalId: 'orgctl-pull-request:42' });
    const M = standin.fakeSha('mallory, elsewhere');
    mallorys.pull = { ...mallorys.pull, headSha: M };
    mallorys.commits = [{ sha: M, authorLogin: 'mallory', verified: false }];
    mallorys.pushes = [{ after: M, actor: 'mallory', type: 'branch_creation' }];
    state.faults.push(pullsListingLimited);
    await pushWorkflow(one, 43, M);
    // The check run there answers on its own: the success carries #42's verdict, not #43's.
    expect(inForce(state.checkRuns, H)?.conclusion, 'a stranger failed the admin’s approved head').toBe('success');
  });

  it('guard: alice pushes #42 away while GET pulls is rate limited; the success there is hers: H fails (fail closed)', async () => {
    const { state, review, leftHead } = await repository([copyOfH(43, 'bob')]);
    expect((await review(42)).code).toBe(0);
    pushH2(state);
    state.faults.push(pullsListingLimited);
    await leftHead(1);
    expect(inForce(state.checkRuns, H)?.conclusion).toBe('failure');
  });
});

describe('R22-2: the check-run listing covers the 1000 most recent suites only', () => {
  it("alice's success on H is in an older suite than the newest ones; she pushes #42 away: H must not stay passing for bob's copy", async () => {
    const { state, standin: one, review } = await repository([copyOfH(43, 'bob')]);
    expect((await review(42)).code).toBe(0);
    expect(inForce(state.checkRuns, H)).toMatchObject({ conclusion: 'success', externalId: 'orgctl-pull-request:42' });
    // 1000 pull_request workflow runs on bob's #43 (closed and reopened): 1000 newer suites on H.
    state.checkRuns.push(...Array.from({ length: standin.LISTED_SUITES }, (_, i) => otherCheckOnH(i + 2)));
    pushH2(state);
    await pushWorkflow(one, 42, H2);
    // bob's #43 is the only open pull request left with head H, and it fails on its own.
    expect(inForce(state.checkRuns, H)?.conclusion, "alice's withdrawn success stands for bob's copy").toBe('failure');
  });
});
