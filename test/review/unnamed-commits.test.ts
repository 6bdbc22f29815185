/**
 * A commit whose maker the review cannot name (GitHub did not verify it, or GitHub itself signed it
 * for someone: web-flow) may be any approver's. Found by a red-team review: alice pushed such a
 * commit to frank's pull request, making her second account an admin, and approved the head
 * herself; frank (an author) and alice (an approver) counted as the two admins behind it.
 */
import { describe, expect, it } from 'vitest';
import { commitActor, pullActors } from '../../github/adapter.ts';
import { baseSpec, judge, type Spec } from './scenarios.ts';

/** A commit as pulls.listCommits lists one. */
const listed = (sha: string, author: string | null, committer: string | null, verified: boolean) => ({
  sha: sha.repeat(40).slice(0, 40),
  author: author === null ? null : { login: author },
  committer: committer === null ? null : { login: committer },
  commit: { verification: { verified } },
});

/** An admin-grade change: alice's second account (alice-alt) made an admin. */
const mintAdmin = (s: Spec) => {
  (s.spec.users as object[]).push({ email: 'zed@elsewhere.io', github: 'alice-alt', admin: true });
};
const frankSigned = listed('a', 'frank', 'frank', true);

describe('a commit the review cannot attribute may be any approver’s', () => {
  it("a commit alice made in GitHub's web editor on frank's pull request (web-flow) does not let her approval count as the second admin", () => {
    const actors = pullActors('frank', [frankSigned, listed('b', 'alice', 'web-flow', true)]);
    const v = judge(baseSpec(), mintAdmin, { actors, approvals: ['alice'] });
    expect(v.failed).toContain('admin-change-approval');
    expect(v.results.find((r) => r.rule === 'admin-change-approval')!.message).toMatch(
      /the maker of \(commit bbbbbbbbbbbb: .*\) is unknown and may be an approver, so only approvals of the head count, and an admin-grade change needs two admins approving it/,
    );
  });

  it("an unsigned commit pushed to frank's pull request does not let an approving admin count as the second admin", () => {
    const actors = pullActors('frank', [frankSigned, listed('b', 'alice', 'alice', false)]);
    expect(judge(baseSpec(), mintAdmin, { actors, approvals: ['alice'] }).failed).toContain('admin-change-approval');
  });

  it('the same commit signed by alice makes her an author, and her approval does not count', () => {
    const actors = pullActors('frank', [frankSigned, listed('b', 'alice', 'alice', true)]);
    expect(judge(baseSpec(), mintAdmin, { actors, approvals: ['alice'] }).failed).toContain('admin-change-approval');
  });

  it('with such a commit, two admins approving the head are two admins behind it', () => {
    const actors = pullActors('frank', [frankSigned, listed('b', 'alice', 'web-flow', true)]);
    const v = judge(baseSpec(), mintAdmin, { actors, approvals: ['alice', 'dan'] });
    expect(v.failed).toEqual([]);
  });

  it('every commit signed by its maker: the author and one approving admin are two, as before', () => {
    const actors = pullActors('frank', [frankSigned]);
    expect(judge(baseSpec(), mintAdmin, { actors, approvals: ['alice'] }).failed).toEqual([]);
  });

  it('in an organization of two admins, a web-flow commit on the other’s pull request is not the two admins agreeing', () => {
    const two = baseSpec();
    (two.spec.users as { admin?: boolean; github?: string }[]).find((u) => u.github === 'dan')!.admin = false;
    const actors = pullActors('frank', [frankSigned, listed('b', 'alice', 'web-flow', true)]);
    expect(judge(two, mintAdmin, { actors, approvals: ['alice'] }).failed).toContain('admin-change-approval');
    expect(judge(two, mintAdmin, { actors: pullActors('frank', [frankSigned]), approvals: ['alice'] }).failed).toEqual(
      [],
    );
  });

  it('GitHub’s own signature (web-flow) names nobody: the author it carries is what the request said', () => {
    expect(commitActor(listed('b', 'alice', 'web-flow', true))).toBeNull();
    expect(pullActors('frank', [listed('b', 'alice', 'web-flow', true)])).toEqual([
      'frank',
      '(commit bbbbbbbbbbbb: made and signed by GitHub (web-flow) for someone it does not name, claims alice)',
    ]);
  });
});
