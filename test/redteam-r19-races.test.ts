/**
 * Red team R19, the race (see redteam-r19.test.ts for the rest). Asserts the safe behaviour and
 * fails on 867df99.
 *
 * R19-3 (low): R18-3's re-reading after posting a success "as #m's change" runs inside the try
 *     whose catch is failUnjudged with `read`. When that re-reading errors (a 403 that is no rate
 *     limit, a 5xx past its retries) and the run's own pull request changed meanwhile (an approval
 *     by anyone: approvals are compared whoever wrote them), leftPending says "this run marked the
 *     head in progress" and posts nothing, but the run already replaced its mark with the success:
 *     the success stays in force though its lender was closed, until a later run of #43 (if any).
 */
import { describe, expect, it, vi } from 'vitest';
import { beforePost } from './redteam-posting-hook.ts';
import { copyOfH, H, inForce, repositories } from './redteam-r18-repository.ts';

vi.mock('./../github/adapter.ts', async (original) =>
  (await import('./redteam-posting-hook.ts')).postingAfter(await original()),
);
const { reviewOnGitHub } = await import('../cli/github.ts');
const repository = repositories(reviewOnGitHub);

describe('R19-3: an error re-reading the lender after posting its success leaves that success in force when the run’s own pull request changed', () => {
  it("#43's run posts success as #42's change; #42 was closed meanwhile and reading it again fails; #43 got an approval: the run fails H", async () => {
    const copy = copyOfH(43, 'mallory');
    const { state, review } = await repository([copy]);
    beforePost.once = async () => {
      state.pull = { ...state.pull, state: 'closed' };
      state.pull.stateEvents = [{ event: 'closed', actor: 'alice' }];
      expect((await review(42)).code).toBe(1);
      expect(inForce(state.checkRuns, H)?.conclusion).toBe('failure');
      // Then: reading #42 again fails once (no rate limit), and someone approves #43.
      state.faults.push({ method: 'GET', path: /\/pulls\/42$/, status: 403, times: 1 });
      copy.reviews.push({ user: 'eve', state: 'APPROVED', commitId: H });
    };
    // The re-reading's error fails the head at once (it was failUnjudged's, which said "changed
    // meanwhile" and posted nothing).
    const b = await review(43);
    expect(b.code).toBe(1);
    expect(b.io.errs.join('\n')).toMatch(
      /#42, whose verdict this commit's check rests on, could not be read again after posting \(GitHub answered 403/,
    );
    // It had posted the success as #42's change (after #42's `closed` run failed H).
    expect(state.checkRuns.some((r) => r.headSha === H && r.conclusion === 'success')).toBe(true);
    // #42 is closed and #43 fails on its own: nothing may leave H passing.
    expect(inForce(state.checkRuns, H)?.conclusion).not.toBe('success');
  });
});
