/**
 * Red team R33 (base 472351e): this session's fixes (b2c6a23..472351e). Each test asserts the safe
 * behaviour and fails on 472351e, except those marked as guards (they pass now and say what a fix
 * must keep).
 *
 * R33-1 (low-medium; R32a-1 stays open where the review workflow is an earlier orgctl's): the base
 *     check of 7907284 runs only when the workflow passes `--base-commit` (cli/github.ts, reviewOnGitHub:
 *     `if (baseCommit !== undefined && baseCommit !== pr.read.baseTip)`). Every review workflow an
 *     earlier orgctl shipped (deploy/workflow-history.json) runs `review --github --base ./dist`
 *     without it, and npm never copies a release's workflows into the repository: an organization
 *     that upgrades orgctl (`npm install orgctl@latest`) and leaves its workflow (`orgctl workflows
 *     --write` is a separate step; synth only notes it) runs the new engine with no check of the
 *     base it judges, and nothing in the verdict or the job's log says so. R32a-1's attack then
 *     stands as before: frank, demoted in #41, merges #41 himself once a run of his own #42 has
 *     checked out main, pushes a head on top of the new main keeping his admin, and the run judges it
 *     against the main before #41: no change, success. Only the final reading's check (a move
 *     between the two readings) is left, and the merge here is before the first.
 *     Fix: without --base-commit, take the base commit where it is known (--base REF: the commit it
 *     names; --base DIR inside a git work tree: `git -C DIR rev-parse HEAD`, the tree clean), else
 *     fail the head saying the workflow is an earlier orgctl's (`orgctl workflows --write`).
 *
 * R33-2 (low; availability of a review, and of check/synth on such a declaration): nearPairs
 *     (policies/org/near-duplicates.ts) is said to be "never every pair", but its index buckets by
 *     an address with one letter of its name left out, and every address of one bucket is compared
 *     with every other (`found`, then editDistance) and every pair one edit apart is kept. Names
 *     that differ from one stem at one position (山山X山山@acme.io for many X at each position) all
 *     fall in the stem's buckets and are pairwise one substitution apart at their position: n
 *     addresses give n²/m pairs (m: the name's length). Measured on this machine: 1,000 → 125,750
 *     pairs (0.5 s), 2,000 → 501,500 (1.5 s), 4,000 → 2,003,000 (6 s); at size L (10,000 users)
 *     12.5 million pair objects, sorted, before near-duplicate-idle throws away the idle-idle ones.
 *     A pull request's head is synthesized in full by the review (head-policies runs every org rule,
 *     near-duplicate-idle included): anyone who can open one makes its review job run out of time or
 *     memory with 10,000-20,000 users that hold nothing.
 *     Fix: say each given address once (its first, nearest match), stop a bucket's scan at its first
 *     pair, and give near-duplicate-idle only the users who hold something as `existing` for idle
 *     users (it drops idle-idle pairs anyway).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitIn } from './helpers.ts';
import { mainMovedUnderTheRun } from './main-moved.ts';
import { baseSpec, distOf } from './review/scenarios.ts';
import * as standin from './github/standin.ts';
import { nearPairs } from '../policies/org/near-duplicates.ts';

describe('R33-1: a review workflow without --base-commit (every earlier template) judges against whatever main it checked out', () => {
  const start = standin.standinPerTest();

  /**
   * frank's #42 (head H on top of M2, his signed commit), reviewed with main checked out at M1: as this
   * template runs it (`passesBaseCommit`), or as an earlier one does (`--base ./dist` only).
   */
  async function reviewAsAnEarlierTemplate(passesBaseCommit: boolean) {
    const { repo, M2, H } = await mainMovedUnderTheRun('M1', baseSpec());
    // As this template passes it: the commit of the job's checkout (M1), whose dist/ is --base.
    const extra = passesBaseCommit ? { 'base-commit': gitIn(repo)('rev-parse', 'HEAD') } : {};
    const one = await start(
      standin.defaultState({
        defaultBranchSha: M2,
        pull: {
          ...standin.defaultState().pull,
          author: 'frank',
          headRef: 'head',
          headSha: H,
          baseSha: standin.fakeSha('main when #42 was opened'),
        },
        commits: [{ sha: H, authorLogin: 'frank', verified: true }],
        files: [
          { filename: 'org/org.json', status: 'modified' },
          { filename: 'dist/members.json', status: 'modified' },
        ],
      }),
    );
    const { code, io } = await standin.reviewOnStandin(
      one,
      { base: join(repo, 'dist'), head: await distOf(baseSpec()), ...extra },
      standin.pullRequestEvent(),
    );
    return { code, io, onH: standin.verdicts(one.state).filter((r) => r.headSha === H) };
  }

  it('guard: with --base-commit (this template), the run that checked out M1 posts no success on H', async () => {
    const { code, onH } = await reviewAsAnEarlierTemplate(true);
    expect(code).toBe(1);
    expect(onH.map((r) => r.conclusion)).toEqual(['failure']);
  });

  it('without --base-commit (an earlier template), the run that checked out M1 posts no success on H either', async () => {
    const { onH, io } = await reviewAsAnEarlierTemplate(false);
    expect(
      onH.map((r) => r.conclusion),
      `judged against a main GitHub has left, frank kept his admin unapproved: ${io.outs.join('\n')}`,
    ).not.toContain('success');
  });
});

describe('R33-2: near-duplicate pairs grow with the square of crafted addresses', () => {
  /** `count` addresses whose names are one stem of `length` with one character replaced (each at its own position in turn). */
  function oneStemApart(count: number, length = 8): string[] {
    const stem = '山'.repeat(length);
    const out: string[] = [];
    for (let k = 0; out.length < count; k++) {
      const at = k % length;
      const replaced = String.fromCharCode(0x4e00 + 100 + Math.floor(k / length));
      out.push(`${stem.slice(0, at)}${replaced}${stem.slice(at + 1)}@acme.io`);
    }
    return out;
  }

  it('guard: a real slip is still found (pet@exmaple.com for pet@example.com, bbo@ for bob@)', () => {
    const pairs = nearPairs(['pet@example.com', 'bob@acme.io'], ['pet@exmaple.com', 'bbo@acme.io']);
    expect(pairs.map((p) => `${p.given} ${p.meant}`)).toEqual([
      'pet@exmaple.com pet@example.com',
      'bbo@acme.io bob@acme.io',
    ]);
  });

  it('1,200 crafted users that hold nothing: a bounded number of pairs a given address, not 1,200²/8', () => {
    const users = oneStemApart(1_200);
    const pairs = nearPairs(users, users);
    // A fix says each given address at most a few times; today 1,200 addresses give 180,900 pairs.
    expect(pairs.length).toBeLessThanOrEqual(3 * users.length);
  });
});
