/**
 * Red team R18, the races (see redteam-r18.test.ts for the rest): runs of two pull requests with
 * the same head run in two concurrency groups, at once. Each test asserts the safe behaviour and
 * fails on the code it was written against.
 *
 * R18-3 (medium-low): a run that posts "as #m's change" reads #m again before posting, but nothing
 *     orders that posting after the run #m's own change starts (each pull request has its own
 *     group). #43's run reads #42 (open, passing), then alice closes #42; the `closed` run of #42
 *     fails the commit; #43's run, whose posting was slow (GitHub's secondary rate limit makes the
 *     client wait up to 60 s, a 5xx is retried after 1, 4, 9 s, a request has no timeout), then
 *     posts success as #42's change. Last check run: success, with #42 closed and #43 failing on
 *     its own.
 * R18-4 (low): the run of #42 that saw a copy change ("stays") posts nothing even when it could not
 *     mark the head in progress: the check run before (a success) stays in force, while the docs
 *     say "a run that saw a change and could not mark the check fails it" (leftPending does so for
 *     the run's own pull request). The change need start no run: an approval of the copy whose
 *     trigger workflow its fork's author deleted (docs/github.md: a dismissal, or any review, of
 *     such a pull request starts no review).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { copyOfH, H, inForce, repositories } from './redteam-r18-repository.ts';

// The adapter, real, with two places a test may make things happen on GitHub: once a pull request
// was read for judging (`afterRead`), and just before a verdict is posted (`beforePost`, once).
const hooks = vi.hoisted(() => ({
  afterRead: undefined as ((number: number) => void) | undefined,
  beforePost: undefined as (() => Promise<void>) | undefined,
}));
vi.mock('./../github/adapter.ts', async (original) => {
  const real = await original<typeof import('../github/adapter.ts')>();
  return {
    ...real,
    fetchPullRequest: async (...args: Parameters<typeof real.fetchPullRequest>) => {
      const facts = await real.fetchPullRequest(...args);
      hooks.afterRead?.(args[2]);
      return facts;
    },
    createCheckRun: async (...args: Parameters<typeof real.createCheckRun>) => {
      const before = hooks.beforePost;
      hooks.beforePost = undefined;
      await before?.();
      return real.createCheckRun(...args);
    },
  };
});
const { reviewOnGitHub } = await import('../cli/github.ts');

const repository = repositories(reviewOnGitHub);
afterEach(() => {
  hooks.afterRead = undefined;
  hooks.beforePost = undefined;
});

/** alice's #42 (it passes on its own) and mallory's copy #43 (MEMBER, from her fork, failing on its own). */
async function twins() {
  const copy = copyOfH(43, 'mallory');
  return { copy, ...(await repository([copy])) };
}

describe('R18-3: a run posting as another pull request’s change is not ordered after that pull request’s own run', () => {
  it("#43's run read #42 open and passing; #42 is closed and its `closed` run fails H; #43's slow posting lands success as #42's change, and reads #42 again: it fails H at once", async () => {
    const { state, review } = await twins();
    // #43's run has read #42 again (copiesNow) and is about to post: alice closes #42, and the
    // `closed` run of #42 (its own group, not #43's) runs to the end meanwhile.
    hooks.beforePost = async () => {
      state.pull = { ...state.pull, state: 'closed' };
      state.pull.stateEvents = [{ event: 'closed', actor: 'alice' }];
      const closing = await review(42);
      expect(closing.code).toBe(1);
      expect(inForce(state.checkRuns, H)?.conclusion).toBe('failure');
    };
    const b = await review(43);
    // It read #42 again after posting: closed, so the success it posted is failed at once.
    expect(b.code).toBe(1);
    expect(b.io.errs.join('\n')).toMatch(/#42, whose verdict this commit's check rested on, changed as it was posted/);
    // No open pull request with head H passes on its own (#42 is closed, #43 fails): H must not pass.
    expect(inForce(state.checkRuns, H)?.conclusion).not.toBe('success');
  });
});

describe('R18-4: a run that saw a copy change posts nothing, even when it could not mark the head in progress', () => {
  it("H passed; alice closes #42; its run cannot mark H (GitHub refuses once) and sees an approval land on mallory's copy: it fails H, not leaving the success in force", async () => {
    const { state, copy, review } = await twins();
    expect((await review(42)).code).toBe(0);
    expect(inForce(state.checkRuns, H)?.conclusion).toBe('success');
    // alice withdraws #42. The `closed` run's mark of H is refused (one 403 that is no rate limit).
    state.pull = { ...state.pull, state: 'closed' };
    state.pull.stateEvents = [{ event: 'closed', actor: 'alice' }];
    state.faults.push({ method: 'POST', path: /\/check-runs$/, status: 403, times: 1 });
    // While #42's run judges mallory's copy, dave (a member, no admin) approves it: #43 still
    // fails on its own, and its fork's copy of the trigger workflow (deleted) starts no run.
    hooks.afterRead = (number) => {
      if (number === 43) copy.reviews.push({ user: 'dave', state: 'APPROVED', commitId: H });
    };
    const { io } = await review(42);
    expect(io.errs.join('\n')).toMatch(/could not mark the check run in progress/);
    // It could not mark H, so it may not leave the verdict before in force: it fails H.
    expect(io.errs.join('\n')).toMatch(
      /#43, of the same head commit, changed while it was judged \(its approvals changed\), and the check run of its head could not be marked in progress/,
    );
    // #42 is closed, #43 fails on its own: nothing passes H, and nothing is left to post on it.
    expect(inForce(state.checkRuns, H)?.conclusion).not.toBe('success');
  });
});
