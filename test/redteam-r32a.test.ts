/**
 * Red team R32a (base b2c6a23): how approvals are read, the rolling window across pull requests, and
 * the workflow plumbing. Each test asserts the safe behaviour and fails on b2c6a23, except those
 * marked as guards (they pass now and say what a fix must keep).
 *
 * R32a-1 (medium-high; an admin undoes their own demotion with no other admin): the review judges
 *     head against the base branch as the review job checked it out (`--base ./dist`,
 *     deploy/github/orgctl-review.yaml, step "Check out the base branch only"), and reads the head
 *     later: the head commit's objects in the step "Fetch the head commit's objects", after setup-node
 *     and npm ci, and its sha and approvals from GitHub later still (fetchPullRequest,
 *     cli/github.ts). Nothing compares the commit judged as base with the base branch the head is
 *     proposed into (`baseSha`, github/adapter.ts:643, is read and never used). So a change merged
 *     into the default branch between the checkout and the reading of the head is no part of the
 *     diff, and a head that reverts it is judged "no change". alice (with dan's approval) demotes
 *     frank in #41; frank, who may write, starts a run of his own #42 (an edit of its title starts
 *     one), merges #41 himself once the run has checked out main (any writer may merge an approved,
 *     passing pull request), and pushes onto #42 a commit on top of the new main whose dist/ keeps
 *     him admin. The run judges that head against the main before #41: no change, every rule
 *     passes, and it posts success on a head that is up to date with main. The run of the push waits
 *     behind it (one run of a pull request at a time): for that minute or two the success is in
 *     force, and frank merges with GitHub's one required approval from any writer.
 *     Fix: the review job passes the commit it checked out (`--base-commit "$(git rev-parse HEAD)"`,
 *     or orgctl reads the base folder's checkout), and just before posting orgctl reads the default
 *     branch's tip (GET branches/{default_branch}; the stand-in's `defaultBranchSha`, which the fix
 *     serves); when it is not the commit judged, it posts no success (a failure saying to re-run: no
 *     run follows a merge into the base by itself). Not pulls.get's `base.sha`: GitHub keeps there
 *     the base branch as it was when the pull request was opened or last updated.
 *
 * R32a-2 (medium; an admin changes the engine alone; low where GitHub requires the code owners'
 *     review of .github/ and the package files, as docs/github.md asks, since GitHub judges the files
 *     as they are): engine-change, the rule that makes a change of
 *     anything outside org/ and dist/ (.github/workflows/, package-lock.json: what every later review
 *     runs) wait for another admin, reads the changed paths from GitHub's list of the pull request's
 *     files (fetchPullRequest, github/adapter.ts:609: pulls.listFiles), a list of the pull request
 *     as it is at that request, not of the head commit judged: only its length is compared with
 *     `changed_files` from pulls.get (completeness, github/adapter.ts:204). The commits have the
 *     head-sha check (R7), the files none. alice, an admin, proposes head H1: erin gains w:configmaps
 *     (an admin's to make alone) and .github/workflows/orgctl-review.yaml changes. While a run reads
 *     #42 (the run marks the check in progress just before, and she may slow the lists before and
 *     after the files with reviews and label events of her own), she force-pushes H2 (as many
 *     files, all under org/ and dist/) and, once the files are listed, H1 again: the head, its
 *     commits, its pusher (she), approvals and labels are what they were before and when read again
 *     before posting, and the change is judged as "only org/ and dist/ change": success on H1, in
 *     force until the run of her push back posts (the same gap as R32a-1).
 *     Fix: take the changed paths from the commit judged, not from the pull request as it is (the
 *     job has both trees: the paths that differ between the base judged and `${headSha}`, or GET
 *     compare/{base}...{headSha}); at least, read the files between two readings of the activity
 *     and fail when the branch moved at all in between, not only when it ends elsewhere.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { gitIn, ROOT } from './helpers.ts';
import { frankDemoted, mainMovedUnderTheRun } from './main-moved.ts';
import { baseSpec, distOf, erinGainsConfigMaps, grantsOf, type Spec } from './review/scenarios.ts';
import * as standin from './github/standin.ts';

describe('R32a-1: the base judged is the default branch as the run checked it out, not the one the head is proposed into', () => {
  const start = standin.standinPerTest();

  /**
   * `author`'s #42 with head H on top of M2 (their own signed commit, pushed by them) whose dist/ is
   * `headSpec`'s, reviewed with the review job's checkout of main at `checkedOut`.
   */
  async function reviewHead(checkedOut: 'M1' | 'M2', author: string, headSpec: Spec) {
    const { repo, M2, H } = await mainMovedUnderTheRun(checkedOut, headSpec);
    // As the workflow passes it: the commit of the job's checkout, whose dist/ is --base.
    const baseCommit = gitIn(repo)('rev-parse', 'HEAD');
    const one = await start(
      standin.defaultState({
        defaultBranchSha: M2,
        pull: {
          ...standin.defaultState().pull,
          author,
          headRef: 'head',
          headSha: H,
          // GitHub's `base.sha` is the base branch as it was when the pull request was opened (or
          // last updated): not what a review's base is to be checked against.
          baseSha: standin.fakeSha('main when #42 was opened'),
        },
        commits: [{ sha: H, authorLogin: author, verified: true }],
        files: [
          { filename: 'org/org.json', status: 'modified' },
          { filename: 'dist/members.json', status: 'modified' },
        ],
      }),
    );
    const head = await distOf(headSpec);
    const { code, io } = await standin.reviewOnStandin(
      one,
      { base: join(repo, 'dist'), head, 'base-commit': baseCommit },
      standin.pullRequestEvent(),
    );
    return { code, io, onH: standin.verdicts(one.state).filter((r) => r.headSha === H) };
  }

  it('guard: judged against main as it is (M2), frank keeping his admin fails: another admin must approve', async () => {
    const { code, onH } = await reviewHead('M2', 'frank', baseSpec());
    expect(code).toBe(1);
    expect(onH.at(-1)?.conclusion).toBe('failure');
    expect(onH.at(-1)?.title).toMatch(/self-edit|admin-change-approval/);
  });

  it('guard: judged against main as it is (M2), alice taking bob out of web, an admin’s to do alone, passes', async () => {
    const withoutBob = frankDemoted();
    withoutBob.spec.grants = grantsOf(withoutBob).filter((g) => g.user !== 'bob@acme.io');
    const { code, onH, io } = await reviewHead('M2', 'alice', withoutBob);
    expect(code, io.errs.join('\n')).toBe(0);
    expect(onH.at(-1)?.conclusion).toBe('success');
  });

  it('main moves while the run judges (a merge between its readings): a failure saying to re-run, no success', async () => {
    const tip = standin.fakeSha('main now');
    const state = standin.defaultState({ defaultBranchSha: tip });
    const one = await start(state);
    // After the first reading (its git/ref among the last of its requests): asking who may write.
    const proxy = await movingWhile(
      one,
      /\/collaborators\//,
      () => {
        state.defaultBranchSha = standin.fakeSha('main after a merge');
      },
      () => {},
    );
    try {
      const { code, io } = await standin.reviewOnStandin(
        one,
        { base: join(ROOT, 'dist'), head: join(ROOT, 'dist'), 'base-commit': tip },
        standin.pullRequestEvent(),
        { env: { GITHUB_API_URL: proxy.url } },
      );
      expect(code, io.errs.join('\n')).toBe(1);
      const verdicts = standin.verdicts(state);
      expect(verdicts.map((v) => v.conclusion)).toEqual(['failure']);
      expect(io.errs.join('\n')).toContain(
        `main is at ${standin.fakeSha('main after a merge').slice(0, 12)} now, not at ${tip.slice(0, 12)}`,
      );
    } finally {
      await proxy.close();
    }
  });

  it('the run checked out main before #41 merged (M1): no success on H, which is up to date with M2', async () => {
    const { onH, io } = await reviewHead('M1', 'frank', baseSpec());
    expect(
      onH.map((r) => r.conclusion),
      `judged against a base main has left, frank kept his admin unapproved: ${io.outs.join('\n')}`,
    ).not.toContain('success');
  });
});

/**
 * A proxy in front of the stand-in that calls `during` before it forwards a request whose path matches
 * `path`, and `after` once that request is answered: the pull request moving while one list is read.
 */
async function movingWhile(
  target: standin.Standin,
  path: RegExp,
  during: () => void,
  after: () => void,
): Promise<{ url: string; close: () => Promise<void> }> {
  return standin.proxyOf(
    target,
    (_, url) => void (path.test(url) && during()),
    (_, url) => void (path.test(url) && after()),
  );
}

describe('R32a-2: the changed paths are the pull request’s as GitHub lists them at that moment, not the head commit’s', () => {
  const H1 = standin.fakeSha('alice: erin gains configmaps, and the review workflow');
  const H2 = standin.fakeSha('alice: the same number of files, under org/ and dist/');
  const h1Files: standin.StandinState['files'] = [
    { filename: '.github/workflows/orgctl-review.yaml', status: 'modified' },
    { filename: 'dist/namespaces/web.yaml', status: 'modified' },
    { filename: 'org/org.ts', status: 'modified' },
  ];
  const h2Files: standin.StandinState['files'] = [
    { filename: 'dist/namespaces/web.yaml', status: 'modified' },
    { filename: 'org/notes.ts', status: 'added' },
    { filename: 'org/org.ts', status: 'modified' },
  ];
  const sides = { base: '', head: '' };
  let open: { close: () => Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(open.map((o) => o.close()));
    open = [];
  });

  /** alice's #42 at H1 (her signed commit, pushed by her), no approval; `race`: she moves it to H2 and back while its files are listed. */
  async function reviewAlicesHead(race: boolean) {
    if (!sides.base) {
      const acme = readFileSync(join(ROOT, 'test/fixtures/specs/acme.yaml'), 'utf8');
      sides.base = await distOf(acme);
      sides.head = await distOf(erinGainsConfigMaps(acme));
    }
    const state = standin.defaultState({
      pull: { ...standin.defaultState().pull, author: 'alice', headRef: 'alice-web', headSha: H1 },
      commits: [{ sha: H1, authorLogin: 'alice', verified: true }],
      files: h1Files,
      pushes: [{ after: H1, actor: 'alice', type: 'branch_creation' }],
    });
    const one = await standin.startStandin(state);
    open.push(one);
    const at = (sha: string, files: standin.StandinState['files'], type: standin.StandinPush['type']) => {
      state.pull = { ...state.pull, headSha: sha };
      state.commits = [{ sha, authorLogin: 'alice', verified: true }];
      state.files = files;
      state.pushes = [...(state.pushes ?? []), { after: sha, actor: 'alice', type }];
    };
    const proxy = race
      ? await movingWhile(
          one,
          /\/pulls\/42\/files/,
          () => at(H2, h2Files, 'force_push'),
          () => at(H1, h1Files, 'force_push'),
        )
      : undefined;
    if (proxy) open.push(proxy);
    const { code, io } = await standin.reviewOnStandin(one, sides, standin.pullRequestEvent(), {
      env: proxy ? { GITHUB_API_URL: proxy.url } : {},
    });
    expect(one.schemaErrors).toEqual([]);
    return { code, io, onH1: standin.verdicts(state).filter((r) => r.headSha === H1) };
  }

  it('guard: read while it stays at H1, the change of .github/workflows/ waits for another admin (engine-change)', async () => {
    const { onH1 } = await reviewAlicesHead(false);
    expect(onH1.at(-1)).toMatchObject({ conclusion: 'failure', title: 'fails: engine-change' });
  });

  it('alice moves #42 to H2 and back to H1 while its files are listed: no success on H1', async () => {
    const { onH1, io } = await reviewAlicesHead(true);
    expect(
      onH1.map((r) => r.conclusion),
      `H1's change of the review workflow passed unapproved: ${io.outs.join('\n')}`,
    ).not.toContain('success');
  });
});
