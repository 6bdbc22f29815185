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
 *     branch's tip (GET branches/{default_branch}); when it is not the commit judged, it posts no
 *     success (a failure saying to re-run: no run follows a merge into the base by itself).
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { gitIn, tempDir } from './helpers.ts';
import { baseSpec, distOf, user, type Spec } from './review/scenarios.ts';
import * as standin from './github/standin.ts';

/** baseSpec with frank no longer an admin (#41, alice's, dan approved, merged). */
function frankDemoted(): Spec {
  const s = baseSpec();
  user(s, 'frank@acme.io').admin = false;
  return s;
}

/**
 * A repository whose main went M1 (baseSpec) → M2 (#41 merged: frank demoted), and frank's head H on
 * top of M2 whose dist/ is M1's again (frank an admin). `checkedOut`: the main the review job checked
 * out (its working tree), M1 when it did so before #41 merged.
 */
async function mainMovedUnderTheRun(checkedOut: 'M1' | 'M2') {
  const repo = tempDir('orgctl-r32a-repo-');
  const git = gitIn(repo);
  git('init', '-q', '-b', 'main');
  const commitDist = async (spec: Spec, message: string) => {
    git('rm', '-r', '-q', '--ignore-unmatch', 'dist');
    mkdirSync(join(repo, 'org'), { recursive: true });
    writeFileSync(join(repo, 'org/org.json'), JSON.stringify(spec));
    const dist = await distOf(spec);
    cpSync(dist, join(repo, 'dist'), { recursive: true });
    git('add', '-A');
    git('commit', '-q', '-m', message);
    return git('rev-parse', 'HEAD');
  };
  const M1 = await commitDist(baseSpec(), 'M1');
  const M2 = await commitDist(frankDemoted(), 'Merge #41: frank is no longer an admin');
  git('checkout', '-q', '-b', 'frank-keeps-admin');
  const H = await commitDist(baseSpec(), 'frank: keep things as they were');
  git('checkout', '-q', '--detach', checkedOut === 'M1' ? M1 : M2);
  return { repo, M1, M2, H };
}

describe('R32a-1: the base judged is the default branch as the run checked it out, not the one the head is proposed into', () => {
  let one: standin.Standin | undefined;
  afterEach(async () => {
    expect(one?.schemaErrors ?? []).toEqual([]);
    await one?.close();
    one = undefined;
  });

  /** frank's #42 with head H (his own signed commit, pushed by him), reviewed with the review job's checkout of main at `checkedOut`. */
  async function reviewFranksHead(checkedOut: 'M1' | 'M2') {
    const { repo, M2, H } = await mainMovedUnderTheRun(checkedOut);
    one = await standin.startStandin(
      standin.defaultState({
        pull: {
          ...standin.defaultState().pull,
          author: 'frank',
          headRef: 'frank-keeps-admin',
          headSha: H,
          // GitHub's base of the pull request: main as it is now, which H is up to date with.
          baseSha: M2,
        },
        commits: [{ sha: H, authorLogin: 'frank', verified: true }],
        files: [
          { filename: 'org/org.json', status: 'modified' },
          { filename: 'dist/members.json', status: 'modified' },
        ],
      }),
    );
    const head = await distOf(baseSpec());
    const { code, io } = await standin.reviewOnStandin(
      one,
      { base: join(repo, 'dist'), head },
      standin.pullRequestEvent(),
    );
    return { code, io, onH: standin.verdicts(one.state).filter((r) => r.headSha === H) };
  }

  it('guard: judged against main as it is (M2), frank keeping his admin fails: another admin must approve', async () => {
    const { code, onH } = await reviewFranksHead('M2');
    expect(code).toBe(1);
    expect(onH.at(-1)?.conclusion).toBe('failure');
    expect(onH.at(-1)?.title).toMatch(/self-edit|admin-change-approval/);
  });

  it('the run checked out main before #41 merged (M1): no success on H, which is up to date with M2', async () => {
    const { onH, io } = await reviewFranksHead('M1');
    expect(
      onH.map((r) => r.conclusion),
      `judged against a base main has left, frank kept his admin unapproved: ${io.outs.join('\n')}`,
    ).not.toContain('success');
  });
});
