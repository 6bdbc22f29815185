/**
 * Red team R20 (read-only review of edc842d, e042a85, 0819daf). Each test asserts the safe
 * behaviour and fails on 0819daf.
 *
 * R20-1 (medium): the push workflow (orgctl-review-push.yaml, R19-2's fix) is ordered after
 *     nothing. A run of #42 that judged at H and read #42 again before posting (re-reading says
 *     "still H") posts its own success on H, carrying #42, after the push workflow's run of alice's
 *     push H -> H2 has looked at H: that run saw the run's in-progress mark (no external_id, so
 *     successCarries is false: nothing done) or, when the mark was refused, the success before
 *     (failed, then overwritten by the stale success). Only the review's own run of the push (same
 *     group, after the slow run) would fail H again, and R19-2 is exactly that it may be replaced
 *     by a run a review anyone may submit starts. A success posted as its own verdict is never read
 *     again after posting (the lender's is, R18-3), so H keeps #42's success while only bob's #43,
 *     failing on its own, has H as head.
 * R20-2 (low, upgrade): a success posted by an orgctl before e042a85 has no external_id, so after
 *     the upgrade no push ever fails it (successCarries is false): R18-1's gap stays open on every
 *     commit that passed before the upgrade.
 */
import { describe, expect, it, vi } from 'vitest';
import { beforePost } from './redteam-posting-hook.ts';
import { copyOfH, H, H2, inForce, pushH2, repositories } from './redteam-r18-repository.ts';

vi.mock('./../github/adapter.ts', async (original) =>
  (await import('./redteam-posting-hook.ts')).postingAfter(await original()),
);
const { reviewOnGitHub } = await import('../cli/github.ts');
const repository = repositories(reviewOnGitHub);

/** bob's #43 passed as alice's #42 at H; returns the repository. */
async function lent() {
  const opened = await repository([copyOfH(43, 'bob')]);
  expect((await opened.review(42)).code).toBe(0);
  expect((await opened.review(43)).io.outs.join('\n')).toMatch(/as #42's change/);
  return opened;
}

/** alice pushes #42 from H to H2, and the push workflow's run of it (`review --github --left-head`) runs to the end. */
async function pushAndLeftHead(opened: Awaited<ReturnType<typeof lent>>) {
  pushH2(opened.state);
  return opened.leftHead();
}

/** The review's run of the push, replaced by one a review (anyone's) started: judges H2, knows no `before`. */
const reviewStarted = {
  action: 'completed',
  pull_request: undefined,
  workflow_run: { id: 9, head_sha: H2, event: 'pull_request_review' },
};

/**
 * A run of #42 (a title edit or a review started it before the push) judges H and reads #42 again
 * (still H); then alice pushes H2 and the push workflow's run goes to the end; then the run posts
 * #42's success on H. The synchronize run of #42 waited behind it and is replaced by a run a review
 * started (R19-2). Returns what the push workflow said and the repository.
 */
async function ownSuccessAfterPush(markRefused: boolean) {
  const opened = await lent();
  let left = '';
  beforePost.once = async () => {
    left = (await pushAndLeftHead(opened)).outs.join('\n');
  };
  if (markRefused) opened.state.faults.push({ method: 'POST', path: /\/check-runs$/, status: 403, times: 1 });
  // A run whose mark GitHub refused posts no success: it fails H instead (R98-2).
  expect((await opened.review(42)).code).toBe(markRefused ? 1 : 0);
  await opened.review(42, reviewStarted);
  return { left, runs: opened.state.checkRuns };
}

describe('R20-1: the push workflow is not ordered after a slow run of the same pull request that judged the old head', () => {
  it("the push workflow sees that run's in-progress mark and does nothing; the run posts #42's success on H: H must not pass", async () => {
    const { left, runs } = await ownSuccessAfterPush(false);
    expect(left, 'the push workflow saw the in-progress mark, not a success').toMatch(/nothing there rests on it/);
    // #42 has moved to H2; bob's #43, failing on its own, is the only open pull request with head H.
    expect(inForce(runs, H)?.conclusion, "H kept #42's success after #42 left it").not.toBe('success');
  });

  it('the same with the mark refused: the push workflow fails H first, and the stale success lands after it', async () => {
    const { left, runs } = await ownSuccessAfterPush(true);
    expect(left, 'the push workflow failed H').toMatch(/now failed/);
    expect(inForce(runs, H)?.conclusion, "H kept #42's success after #42 left it").not.toBe('success');
  });
});

describe('R20-2: a success posted before the upgrade carries no external_id, and no push fails it', () => {
  it("#43 passed as #42's change on an orgctl before e042a85; after the upgrade alice pushes #42 away: H must fail", async () => {
    const opened = await lent();
    // What the earlier orgctl posted: the same successes, no external_id.
    for (const run of opened.state.checkRuns) delete run.externalId;
    const io = await pushAndLeftHead(opened);
    // A success naming nobody is taken as #42's: it fails.
    expect(io.outs.join('\n')).toMatch(/its success there carried this pull request's verdict, now failed/);
    expect(inForce(opened.state.checkRuns, H)?.conclusion, "H kept #42's success after #42 left it").not.toBe(
      'success',
    );
  });
});

describe('R20-1, an error after posting: listing the pull requests left at H fails, and the run fails H itself', () => {
  it('#42 pushed to H2 as its success on H is posted; GET pulls answers 403 once: H fails, saying to re-run', async () => {
    const opened = await lent();
    beforePost.once = async () => {
      opened.state.pull = { ...opened.state.pull, headSha: H2 };
      opened.state.faults.push({ method: 'GET', path: /\/pulls$/, status: 403, times: 1 });
    };
    const r = await opened.review(42);
    expect(r.code).toBe(1);
    expect(r.io.errs.join('\n')).toMatch(
      /the success here carried its verdict, but which open pull requests still have this commit as head could not be read \(GitHub answered 403.*\n.*#42 moved on as its success was posted/s,
    );
    // failUnjudged would have posted nothing (the head moved): H would have kept the success.
    expect(inForce(opened.state.checkRuns, H)?.conclusion).toBe('failure');
  });
});
