/**
 * Red team R130 (base a7ff671): what Argo CD applies after a merge is the head the review judged.
 *
 * R130-1 (medium; two reviewed pull requests merge into an output neither review judged): the review
 *     judges head's `dist/` against the default branch's tip (R32a-1), and GitHub merges the head
 *     into the tip with a three-way merge. When the head is behind the tip (the branch was made
 *     before another pull request merged), the merge is not the head: alice's #41 (approved by dan)
 *     demotes frank; bob's #42, made before #41 merged, adds the namespace `batch` where every admin
 *     has `w:full`. Each diff is judged alone; merged textually, `dist/` binds frank's `w:full` in
 *     `batch` (his binding comes from #42, his demotion from #41 touched other files): an output
 *     neither review judged, which Argo CD applies as soon as it lands (orgctl-check on the push
 *     proves it wrong after the fact, R128-3). Branch protection's "require branches to be up to
 *     date" keeps such a merge out, when it is set: the review did not check it. Now the review fails
 *     a head that does not contain the default branch's tip (`head-up-to-date`): GitHub's list of
 *     the pull request's commits holds a commit whose parent is the tip exactly when the head
 *     contains it, and then the merge's tree is the head's.
 *
 * R130-2 (medium; the same merge, with both reviews passed before either merged): #41 and #42 are
 *     both up to date with main and both pass; #41 merges. #42's success stays in force on its head,
 *     which is now behind main, and GitHub starts no run of #42 for a merge into its base: any
 *     writer merges #42 three-way into the output neither review judged. Now every push to the
 *     default branch runs `orgctl review --github --base-moved` (orgctl-review-push.yaml): each open
 *     pull request into it whose head is behind the new tip and whose `orgctl/review` in force is a
 *     success gets a failure saying to bring the branch up to date; a head up to date is left alone.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.ts';
import * as standin from './github/standin.ts';

describe('R130-1: a head behind the default branch is never passed', () => {
  const start = standin.standinPerTest();

  /** #42 with one commit on top of `branchedFrom`, no change to dist/, judged against main's tip. */
  async function reviewBranchedFrom(branchedFrom: string | undefined, commits = 1) {
    const tip = standin.fakeSha('main now');
    const shas = Array.from({ length: commits }, (_, i) => standin.fakeSha(`head ${i}`));
    const state = standin.defaultState({
      defaultBranchSha: tip,
      ...(branchedFrom === undefined ? {} : { branchedFrom }),
      pull: { ...standin.defaultState().pull, author: 'alice', headSha: shas.at(-1)! },
      commits: shas.map((sha) => ({ sha, authorLogin: 'alice', verified: true })),
    });
    const one = await start(state);
    const dist = join(ROOT, 'dist');
    const { code, io } = await standin.reviewOnStandin(
      one,
      { base: dist, head: dist, 'base-commit': tip },
      standin.pullRequestEvent(),
    );
    return { code, io, verdicts: standin.verdicts(state), tip };
  }

  it('a head made before main moved: a failure saying to bring it up to date, no success', async () => {
    const { code, verdicts, io, tip } = await reviewBranchedFrom(standin.fakeSha('main before #41 merged'));
    expect(code, io.errs.join('\n')).toBe(1);
    expect(verdicts.map((v) => v.conclusion)).toEqual(['failure']);
    const said = `${verdicts.at(-1)?.title}\n${verdicts.at(-1)?.summary}\n${io.outs.join('\n')}`;
    expect(said).toContain('head-up-to-date');
    expect(said).toMatch(new RegExp(`is behind main \\(\`?${tip.slice(0, 12)}\`?\\): .*bring the branch up to date`));
  });

  it('guard: a head made on main as it is passes', async () => {
    const { code, verdicts, io } = await reviewBranchedFrom(undefined, 3);
    expect(code, io.errs.join('\n')).toBe(0);
    expect(verdicts.map((v) => v.conclusion)).toEqual(['success']);
  });
});

describe('R130-2: a merge into the default branch fails the successes it leaves behind', () => {
  const start = standin.standinPerTest();

  const tip = standin.fakeSha('main after #41 merged');
  const [behind, current] = [standin.fakeSha('#42 head'), standin.fakeSha('#43 head')];
  /** #42 made on main before #41 merged, #43 made on main as it is now, each with a success in force. */
  async function afterMerge(ref = 'refs/heads/main') {
    const state = standin.defaultState({
      defaultBranchSha: tip,
      branchedFrom: standin.fakeSha('main before #41 merged'),
      pull: { ...standin.defaultState().pull, headSha: behind },
      commits: [{ sha: behind, authorLogin: 'bob', verified: true }],
      otherPulls: [
        {
          ...standin.defaultState(),
          pull: { ...standin.defaultState().pull, number: 43, headRef: 'carol-web', headSha: current },
          commits: [{ sha: current, authorLogin: 'bob', verified: true }],
          branchedFrom: tip,
        },
      ],
      checkRuns: [standin.reviewSuccess(1, behind), standin.reviewSuccess(2, current)],
    });
    const one = await start(state);
    const dist = join(ROOT, 'dist');
    const { code, io } = await standin.reviewOnStandin(
      one,
      { base: dist, head: dist, 'base-moved': true },
      standin.pushEvent(ref, tip),
    );
    return { code, io, posted: state.checkRuns.filter((c) => c.id > 2) };
  }

  it('the success on the head left behind fails, saying to bring the branch up to date', async () => {
    const { code, io, posted } = await afterMerge();
    expect(code, io.errs.join('\n')).toBe(0);
    expect(posted.map((c) => [c.headSha, c.conclusion])).toEqual([[behind, 'failure']]);
    expect(`${posted[0]?.title}\n${posted[0]?.summary}`).toContain('head-up-to-date');
    expect(posted[0]?.summary).toMatch(/is behind main .*bring the branch up to date/);
  });

  it('guard: a push to another branch fails nothing', async () => {
    const { code, posted } = await afterMerge('refs/heads/feature');
    expect(code).toBe(0);
    expect(posted).toEqual([]);
  });
});
