/**
 * Red team Y: the change rules, where what an admin holds beyond being one moves without a line of
 * their own. Each test failed on the code it was written against (1ea000d).
 *
 * Y1: an admin's own grants (levels beyond w:full, custom RBAC) are privileges (red team X1): they
 * hold once the admin is no longer one. A namespace joining a cluster, or a cluster added, gives
 * them in one more cluster, and no person's line says so (the per-person diff is per namespace):
 * cluster reach skipped admins altogether (their w:full follows every namespace, as every
 * admin's does), so an admin took their own grants into another cluster alone, and one admin
 * took another's without a second.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers.ts';
import { danMadeAdmin, distOf, grantsOf, judge, pinnedToOneCluster, type Spec } from './review/scenarios.ts';
import { defaultState, fakeSha, pullRequestEvent, reviewsOnStandin } from './github/standin.ts';

/** Clusters lga1 and ord1, web and data in lga1 only, no tokens; admin frank granted r:secrets in data. */
function frankGrantedInData(): Spec {
  const s = pinnedToOneCluster();
  s.spec.tokens = [];
  grantsOf(s).push({ user: 'frank@acme.io', namespace: 'data', levels: ['r:secrets'] });
  return s;
}

/** `ns` placed in every cluster of the organization. */
const everywhere = (ns: string) => (h: Spec) => {
  h.spec.namespaces = (h.spec.namespaces as { name: string }[]).map((n) => (n.name === ns ? { name: ns } : n));
};

const failure = (v: ReturnType<typeof judge>, rule: string) =>
  v.results.find((r) => r.rule === rule && !r.ok)?.message ?? '';

describe('Y1: an admin’s own grants reaching another cluster are an edit of their privileges', () => {
  it('frank takes data, where he holds r:secrets by a grant, into ord1: self-edit, whatever the approvals', () => {
    const v = judge(frankGrantedInData(), everywhere('data'), { actors: ['frank'], approvals: ['alice', 'dan'] });
    expect(v.failed).toContain('self-edit');
    expect(failure(v, 'self-edit')).toMatch(
      /^frank@acme\.io is an author of this change and changes their own privileges: access now also in data in cluster ord1/,
    );
  });

  it('alice takes it there alone: another admin’s privileges need a second admin', () => {
    const v = judge(frankGrantedInData(), everywhere('data'), { actors: ['alice'] });
    expect(v.failed).toEqual(['admin-change-approval']);
    expect(failure(v, 'admin-change-approval')).toMatch(
      /^admin frank@acme\.io \(their own grants, now also in data in cluster ord1\): needs an approval of the head commit from an admin who is neither an author nor frank@acme\.io/,
    );
    expect(judge(frankGrantedInData(), everywhere('data'), { actors: ['alice'], approvals: ['dan'] }).failed).toEqual(
      [],
    );
  });

  it('a cluster added takes them there too; frank’s approval of it is his own', () => {
    const addSfo = (h: Spec) => {
      h.spec.clusters = ['lga1', 'ord1', 'sfo1'];
      everywhere('data')(h);
    };
    const v = judge(frankGrantedInData(), addSfo, { actors: ['orgctl-bot'], approvals: ['frank'] });
    expect(v.failed).toContain('actor-not-admin');
    expect(v.failed).toContain('admin-change-approval');
  });

  it('custom RBAC an admin is granted goes with the namespace as levels do', () => {
    const s = frankGrantedInData();
    grantsOf(s).pop();
    grantsOf(s).push({
      user: 'frank@acme.io',
      namespace: 'data',
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }],
    });
    expect(judge(s, everywhere('data'), { actors: ['frank'], approvals: ['alice'] }).failed).toContain('self-edit');
  });

  it('held: an admin holding only what being one gives (w:full) follows the namespace, not an edit', () => {
    const s = frankGrantedInData();
    grantsOf(s).pop();
    expect(judge(s, everywhere('data'), { actors: ['frank'] }).failed).toEqual([]);
    expect(judge(frankGrantedInData(), everywhere('web'), { actors: ['frank'] }).failed).toEqual([]);
  });
});

/**
 * Y2: the pull request's author stands behind it as an admin (red team L1: a commit's signer does
 * not), yet GitHub lets anyone who may push to the head branch add commits to an admin's pull
 * request. Frank opened a harmless pull request; bob, a member, pushed a signed commit on top making
 * dan an admin; alice approved the head: frank, who never saw that commit, counted as the second
 * admin. The author stands behind the head only when the head commit is theirs (its signature pins
 * every commit beneath it, so they chose what it carries): otherwise only approvals of the head
 * count, as for a commit nobody can name.
 */
const ACME = readFileSync(join(ROOT, 'test/fixtures/specs/acme.yaml'), 'utf8');

let baseDist = '';
let eventPath = '';
beforeAll(async () => {
  baseDist = await distOf(ACME);
  eventPath = pullRequestEvent();
});

/** `orgctl review --github` of `head` against the example's dist/, on a GitHub stand-in in `state`. */
const reviewOn = reviewsOnStandin(
  () => baseDist,
  () => eventPath,
);

/** The example with member dan made an admin: admin-grade, two admins must stand behind it. */
const danAdmin = () => distOf(danMadeAdmin(ACME));

describe('Y2: a commit pushed on top of an admin’s pull request is not that admin’s', () => {
  const approvedByAlice = [{ user: 'alice', state: 'APPROVED' as const, commitId: fakeSha('head') }];

  it('frank’s pull request, bob’s signed commit on top making dan an admin, approved by alice alone: fails', async () => {
    const r = await reviewOn(await danAdmin(), {
      pull: { ...defaultState().pull, author: 'frank' },
      commits: [
        { sha: fakeSha('frank-1'), authorLogin: 'frank', verified: true },
        { sha: fakeSha('head'), authorLogin: 'bob', verified: true },
      ],
      reviews: approvedByAlice,
    });
    expect(r.comment).toMatch(/dan@<!-- -->acme\.io[\s\S]*becomes admin/);
    expect(r.conclusion, r.io.errs.join('\n')).toBe('failure');
    expect(r.comment).toMatch(/approved by alice alone; frank made commits of it yet does not propose it/);
  });

  it('held: frank signs a commit on top of bob’s (he chose what the head carries), alice approves: passes', async () => {
    const r = await reviewOn(await danAdmin(), {
      pull: { ...defaultState().pull, author: 'frank' },
      commits: [
        { sha: fakeSha('frank-1'), authorLogin: 'frank', verified: true },
        { sha: fakeSha('bob-1'), authorLogin: 'bob', verified: true },
        { sha: fakeSha('head'), authorLogin: 'frank', verified: true },
      ],
      reviews: approvedByAlice,
    });
    expect(r.conclusion, r.io.errs.join('\n')).toBe('success');
  });

  it('R7: a listing whose last commit is not the head judged (a push between reading the pull request and its commits) fails, whoever made it', async () => {
    // bob pushed on top of frank's commit, the review read that head; frank then force-pushed two
    // commits of his own: as many commits, so only the head missing from the list tells.
    const r = await reviewOn(await danAdmin(), {
      pull: { ...defaultState().pull, author: 'frank' },
      commits: [
        { sha: fakeSha('frank-1'), authorLogin: 'frank', verified: true },
        { sha: fakeSha('frank-2'), authorLogin: 'frank', verified: true },
      ],
      reviews: approvedByAlice,
    });
    expect(r.conclusion, r.io.errs.join('\n')).toBe('failure');
    expect(r.comment).toMatch(
      /GitHub listed commits ending at `[0-9a-f]{12}`, not the head commit `[0-9a-f]{12}`: the pull request changed while it was read; re-run the review/,
    );
  });
});
