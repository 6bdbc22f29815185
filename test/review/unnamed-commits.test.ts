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
  (s.spec.users as object[]).push({ email: 'zed@elsewhere.io', github: 'alice-alt', githubId: 4000011, admin: true });
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
    // An organization-owned token with w:full (access reserved for admins): admin-grade, nobody's own.
    const orgToken = (s: Spec) => {
      (s.spec.tokens as object[]).push({ id: 'deploy', name: 'Deploy', namespaces: ['data'] });
    };
    expect(judge(baseSpec(), orgToken, { actors, approvals: ['alice'] }).failed).toEqual(['admin-change-approval']);
    expect(judge(baseSpec(), orgToken, { actors, approvals: ['alice', 'dan'] }).failed).toEqual([]);
    // Made an admin by a commit nobody can attribute: the new admin may have made it (self-edit).
    expect(judge(baseSpec(), mintAdmin, { actors, approvals: ['alice', 'dan'] }).failed).toEqual(['self-edit']);
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

  it("an admin's own gain made by a commit nobody can attribute is not another admin's change (self-edit)", () => {
    // alice, hidden behind a web-flow commit on frank's pull request, gives herself billing access; dan approves.
    const giveAliceBilling = (s: Spec) => {
      (s.spec.users as { github?: string; billing?: boolean }[]).find((u) => u.github === 'alice')!.billing = true;
    };
    const actors = pullActors('frank', [frankSigned, listed('b', 'alice', 'web-flow', true)]);
    const v = judge(baseSpec(), giveAliceBilling, { actors, approvals: ['dan'] });
    expect(v.failed).toContain('self-edit');
    expect(v.results.find((r) => r.rule === 'self-edit' && !r.ok)!.message).toMatch(
      /^admin alice@acme\.io: gains billing access; the maker of \(commit bbbbbbbbbbbb: .*\) is unknown and may be them/,
    );
    // frank's own signed commits, dan approving: frank made it, as the seed asks.
    expect(
      judge(baseSpec(), giveAliceBilling, { actors: pullActors('frank', [frankSigned]), approvals: ['dan'] }).failed,
    ).toEqual([]);
  });

  it('a token handed to an admin by a commit nobody can attribute is that admin’s gain (self-edit; a code review)', () => {
    const actors = pullActors('frank', [frankSigned, listed('b', 'alice', 'web-flow', true)]);
    const toAlice = (s: Spec) => {
      const bots = (s.spec.tokens as { id: string; owner?: string; rotation?: number }[]).find((t) => t.id === 'bots')!;
      bots.owner = 'alice@acme.io';
      bots.rotation = 1; // handed over rotated (bob keeps no value)
    };
    expect(judge(baseSpec(), toAlice, { actors, approvals: ['alice', 'dan'] }).failed).toContain('self-edit');
    expect(
      judge(baseSpec(), toAlice, { actors: pullActors('frank', [frankSigned]), approvals: ['dan'] }).failed,
    ).toEqual([]);
  });

  it('a member who is no admin may still propose with unsigned commits: an admin approves what they gain', () => {
    const actors = pullActors('bob', [listed('b', 'bob', null, false)]);
    const giveErin = (s: Spec) => {
      (s.spec.grants as { user: string; levels: string[] }[])
        .find((g) => g.user === 'erin@acme.io')!
        .levels.push('w:configmaps');
    };
    expect(judge(baseSpec(), giveErin, { actors, approvals: ['frank'] }).failed).toEqual([]);
  });
});
