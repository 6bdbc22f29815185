/**
 * Red team R131 (base 7eebf45): attacks on R130 (the review fails a head behind the default branch;
 * every push to it fails the successes in force on heads it left behind).
 *
 * R131-1 (low; a race a writer can time): the review of #42 reads main at M1 just before posting
 * (fetchPullRequestNow) and #42's head is up to date with it. #41 merges then (main at M2); the
 * push's `base-moved` job runs while #42's review is still posting: the check in force on #42's head
 * is the review's mark, in progress, not a success, so it fails nothing. The review then posts its
 * success, judged against M1, on a head behind M2, and nothing fails it: GitHub merges #42 three-way
 * into a tree no review judged (R130-2's hole, by timing). The review read the head again after
 * posting, never the default branch.
 *
 * R131-2 (low; fail open): `base-moved` reads the open pull requests one by one; an error on one
 * (GitHub's 5xx past the client's retries, a rate limit spent by many open pull requests, which
 * anyone with a fork may open) threw out of the loop, and every pull request after it kept its
 * success in force on a head left behind.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.ts';
import * as standin from './github/standin.ts';
import { shippedWorkflow } from './workflow-lint.ts';

const dist = join(ROOT, 'dist');

/**
 * A proxy in front of the stand-in that, before forwarding the `nth` request (from 1) whose method
 * and path match, awaits `before`: something else happening on GitHub while that request is on its way.
 */
function pausing(
  target: standin.Standin,
  match: { readonly method: string; readonly path: RegExp; readonly nth: number },
  before: () => Promise<void>,
) {
  let seen = 0;
  return standin.proxyOf(target, async (method, path) => {
    if (method === match.method && match.path.test(path) && ++seen === match.nth) await before();
  });
}

describe('R131-1: a success posted after base-moved ran does not stay in force on a head behind', () => {
  const start = standin.standinPerTest();

  it('#41 merges while #42’s review posts its success: the check in force on #42’s head is not a success', async () => {
    const [m1, m2] = [standin.fakeSha('main before #41 merged'), standin.fakeSha('main after #41 merged')];
    const head = standin.fakeSha('#42 head');
    const state = standin.defaultState({
      defaultBranchSha: m1,
      branchedFrom: m1,
      pull: { ...standin.defaultState().pull, author: 'alice', headSha: head },
      commits: [{ sha: head, authorLogin: 'alice', verified: true }],
    });
    const one = await start(state);
    const target = one;
    let baseMoved: Awaited<ReturnType<typeof standin.reviewOnStandin>> | undefined;
    // The review's second check run is its verdict (the first marks it in progress): #41 merges and
    // the push's base-moved job runs before that verdict reaches GitHub.
    const proxy = await pausing(one, { method: 'POST', path: /\/check-runs$/, nth: 2 }, async () => {
      state.defaultBranchSha = m2;
      baseMoved = await standin.reviewOnStandin(
        target,
        { base: dist, head: dist, 'base-moved': true },
        standin.pushEvent('refs/heads/main', m2),
      );
    });
    try {
      const { code, io } = await standin.reviewOnStandin(
        one,
        { base: dist, head: dist, 'base-commit': m1 },
        standin.pullRequestEvent(),
        { env: { GITHUB_API_URL: proxy.url } },
      );
      expect(baseMoved?.code, baseMoved?.io.errs.join('\n')).toBe(0);
      const onHead = standin.verdicts(state).filter((c) => c.headSha === head);
      expect(
        onHead.at(-1)?.conclusion,
        `in force on ${head.slice(0, 12)}, behind main: ${io.outs.join('\n')}\n${io.errs.join('\n')}`,
      ).toBe('failure');
      expect(code).toBe(1);
      expect(io.errs.join('\n')).toContain(`main is at ${m2.slice(0, 12)} now, not at ${m1.slice(0, 12)}`);
    } finally {
      await proxy.close();
    }
  });
});

describe('R131-2: base-moved fails closed: an error on one pull request leaves the others’ checks judged', () => {
  const start = standin.standinPerTest();

  it('#42’s commits cannot be read: #43, behind main, still has its success failed, and the job fails', async () => {
    const tip = standin.fakeSha('main after #41 merged');
    const [h42, h43] = [standin.fakeSha('#42 head'), standin.fakeSha('#43 head')];
    const state = standin.defaultState({
      defaultBranchSha: tip,
      branchedFrom: tip,
      pull: { ...standin.defaultState().pull, headSha: h42 },
      commits: [{ sha: h42, authorLogin: 'bob', verified: true }],
      otherPulls: [
        {
          ...standin.defaultState(),
          pull: { ...standin.defaultState().pull, number: 43, headRef: 'carol-web', headSha: h43 },
          commits: [{ sha: h43, authorLogin: 'carol', verified: true }],
          branchedFrom: standin.fakeSha('main before #41 merged'),
        },
      ],
      checkRuns: [standin.reviewSuccess(1, h42), standin.reviewSuccess(2, h43)],
      faults: [{ method: 'GET', path: /\/pulls\/42\/commits/, status: 502, times: 20 }],
    });
    const one = await start(state);
    const { code, io } = await standin.reviewOnStandin(
      one,
      { base: dist, head: dist, 'base-moved': true },
      standin.pushEvent('refs/heads/main', tip),
    );
    const inForce = (sha: string) => state.checkRuns.filter((c) => c.headSha === sha).at(-1)?.conclusion;
    expect(inForce(h43), io.errs.join('\n')).toBe('failure');
    // #42 could not be judged up to date: its success does not stand either (a re-run judges it).
    expect(inForce(h42)).toBe('failure');
    expect(code).not.toBe(0);
  });
});

/**
 * R131-3 (medium; any writer who merges, or the author of any pull request merged with a merge
 * commit, whose message holds its title): GitHub runs no `on: push` workflow for a push whose commit
 * message says `[skip ci]` (or `[ci skip]`, `[no ci]`, `[skip actions]`, `[actions skip]`, a
 * `skip-checks: true` trailer). `base-moved` ran on the push only: #41 merged as "Fix typo [skip
 * ci]" leaves #42's success in force on a head behind main, and #42 merges three-way into a tree no
 * review judged. A merged pull request's `closed` event (pull_request_target, which no commit
 * message skips) now runs it too.
 */
describe('R131-3: base-moved runs for a merge whose commit message skips push workflows', () => {
  const start = standin.standinPerTest();

  const push = shippedWorkflow('orgctl-review-push.yaml');

  it('the workflow runs base-moved on a merged pull request’s closed event, left-head on a push of one only', () => {
    expect((push.on as { pull_request_target?: { types?: string[] } }).pull_request_target?.types).toContain('closed');
    expect(push.jobs['base-moved']!.if).toContain('github.event.pull_request.merged');
    expect(push.jobs['left-head']!.if).toContain("github.event.action == 'synchronize'");
  });

  /** #42 made on main before #41 merged, a success in force on its head; base-moved on `event`. */
  async function baseMovedOn(closed: Record<string, unknown>) {
    const tip = standin.fakeSha('main after #41 merged');
    const head = standin.fakeSha('#42 head');
    const state = standin.defaultState({
      defaultBranchSha: tip,
      branchedFrom: standin.fakeSha('main before #41 merged'),
      pull: { ...standin.defaultState().pull, headSha: head },
      // Its commits end at its head (a list that does not is failed as unread: R132-5).
      commits: [{ sha: head, authorLogin: 'bob', verified: true }],
      checkRuns: [standin.reviewSuccess(1, head)],
    });
    const one = await start(state);
    const { code, io } = await standin.reviewOnStandin(
      one,
      { base: dist, head: dist, 'base-moved': true },
      standin.pullRequestEvent({
        action: 'closed',
        pull_request: { number: 41, merged: true, base: { ref: 'main' }, ...closed },
        repository: { default_branch: 'main', full_name: 'acme/org' },
      }),
    );
    return { code, io, posted: state.checkRuns.filter((c) => c.id > 1) };
  }

  it('#41 merged (its push ran no workflow): #42’s success on a head behind main fails', async () => {
    const { code, io, posted } = await baseMovedOn({});
    expect(code, io.errs.join('\n')).toBe(0);
    expect(posted.map((c) => c.conclusion)).toEqual(['failure']);
    expect(posted[0]?.summary).toMatch(/is behind main .*bring the branch up to date/);
  });

  it('guard: a pull request closed unmerged, or merged into another branch, fails nothing', async () => {
    for (const closed of [{ merged: false }, { base: { ref: 'release' } }]) {
      const { code, io, posted } = await baseMovedOn(closed);
      expect(code, io.errs.join('\n')).toBe(0);
      expect(posted).toEqual([]);
    }
  });
});

/**
 * R131-4 (low; a race on a pull request of over 100 commits): base-moved judged a head up to date
 * from any listed commit whose parent is the tip, and checked only that the list ends at the head.
 * Pages read across pushes (bob pushes a head on top of main, then his old head back, while
 * base-moved reads #42's commits) list the new head's first page and the old head's second: a commit
 * whose parent is the tip, that is no ancestor of the head, and #42's success stays in force on a
 * head behind main. The review's own reading refuses such a list (commitsOfHead: a commit that is no
 * parent of another listed nor the head); base-moved now does too, and fails the success.
 */
describe('R131-4: base-moved reads the commits of the head, not pages of two heads', () => {
  const start = standin.standinPerTest();

  it('page 1 of a head on main, page 2 of the head behind it: the success on the head behind fails', async () => {
    const tip = standin.fakeSha('main after #41 merged');
    const chain = (label: string) =>
      Array.from({ length: 150 }, (_, i) => ({
        sha: standin.fakeSha(`${label} ${i}`),
        authorLogin: 'bob',
        verified: true,
      }));
    const [behind, onMain] = [chain('behind'), chain('on main')];
    const head = behind.at(-1)!.sha;
    const state = standin.defaultState({
      defaultBranchSha: tip,
      branchedFrom: standin.fakeSha('main before #41 merged'),
      pull: { ...standin.defaultState().pull, headSha: head },
      commits: behind,
      checkRuns: [standin.reviewSuccess(1, head)],
    });
    const one = await start(state);
    // While the first page is read, the branch is the head on main; then it is the head behind again.
    const proxy = await standin.proxyOf(
      one,
      (method, path) => {
        if (method === 'GET' && /\/pulls\/42\/commits/.test(path) && !/[?&]page=2/.test(path)) {
          Object.assign(state, { commits: onMain, branchedFrom: tip });
        }
      },
      (method, path) => {
        if (method === 'GET' && /\/pulls\/42\/commits/.test(path) && !/[?&]page=2/.test(path)) {
          Object.assign(state, { commits: behind, branchedFrom: standin.fakeSha('main before #41 merged') });
        }
      },
    );
    try {
      const { code, io } = await standin.reviewOnStandin(
        one,
        { base: dist, head: dist, 'base-moved': true },
        standin.pushEvent('refs/heads/main', tip),
        { env: { GITHUB_API_URL: proxy.url } },
      );
      const posted = state.checkRuns.filter((c) => c.id > 1);
      expect(
        posted.map((c) => [c.headSha, c.conclusion]),
        `${io.outs.join('\n')}\n${io.errs.join('\n')}`,
      ).toEqual([[head, 'failure']]);
      expect(code).toBe(0);
    } finally {
      await proxy.close();
    }
  });
});

describe('--base-moved is given alone', () => {
  it('with --pull or --left-head: a usage error, nothing read or posted', async () => {
    const one = await standin.startStandin(standin.defaultState());
    try {
      const dist = join(ROOT, 'dist');
      for (const extra of [{ pull: '42' }, { 'left-head': true }]) {
        const { code, io } = await standin.reviewOnStandin(
          one,
          { base: dist, head: dist, 'base-moved': true, ...extra },
          standin.pushEvent('refs/heads/main', standin.fakeSha('main now')),
        );
        expect(code).toBe(-1);
        expect(io.errs.join('\n')).toMatch(
          /--base-moved judges every open pull request .*without --pull or --left-head/,
        );
      }
      expect(one.requests).toEqual([]);
    } finally {
      await one.close();
    }
  });
});
