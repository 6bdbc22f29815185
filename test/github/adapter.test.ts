/** orgctl review --github against the GitHub stand-in (responses validated against GitHub's OpenAPI). */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { reviewOnGitHub } from '../../cli/github.ts';
import { commitActor, completeness, pullActors, pusherOf } from '../../github/adapter.ts';
import { COMMENT_MARKER } from '../../report/markdown.ts';
import { relabelledCopy, ROOT, run, tempDir } from '../helpers.ts';
import { danMadeAdmin, distOf, erinGainsConfigMaps, withoutWebGrants } from '../review/scenarios.ts';
import {
  actionsEnv,
  capture,
  defaultState,
  fakeSha,
  reviewGraceMassRemoval,
  pullRequestEvent,
  reviewOnStandin,
  startStandin,
  type Standin,
  type StandinState,
  verdicts,
} from './standin.ts';

const ACME = readFileSync(join(ROOT, 'test/fixtures/specs/acme.yaml'), 'utf8');
let base = '';
let head = '';
let eventPath = '';

beforeAll(async () => {
  base = await distOf(ACME);
  // erin gains w:configmaps in web: a change to a non-admin's access, nothing else.
  head = await distOf(erinGainsConfigMaps(ACME));
  eventPath = pullRequestEvent();
});

let standin: Standin | undefined;
afterEach(async () => {
  if (standin) expect(standin.schemaErrors).toEqual([]);
  await standin?.close();
  standin = undefined;
});

/**
 * GitHub's pacing is off here; the rate-limit cases turn on its backing off, without its spacing of
 * writes (reviewOnStandin).
 */
async function reviewWith(state: Partial<StandinState>, envOverrides: NodeJS.ProcessEnv = {}, throttle = false) {
  standin ??= await startStandin(defaultState(state));
  const { code, io } = await reviewOnStandin(standin, { base, head }, eventPath, { env: envOverrides, throttle });
  return { code, io, standin };
}

const alicePr = {
  pull: { ...defaultState().pull, author: 'alice' },
  commits: [{ sha: fakeSha('head'), authorLogin: 'alice', verified: true }],
};

describe('orgctl review --github', () => {
  it('creates its comment, then updates it in place, and reports a check run (no commit status)', async () => {
    const first = await reviewWith(alicePr);
    expect(first.code).toBe(0);
    expect(first.standin.state.comments).toHaveLength(1);
    const comment = first.standin.state.comments[0]!;
    expect(comment.user).toBe('github-actions[bot]');
    expect(comment.body.startsWith(COMMENT_MARKER)).toBe(true);
    expect(comment.body).toContain('- gains w:configmaps in web');
    expect(verdicts(first.standin.state)).toEqual([
      expect.objectContaining({
        headSha: fakeSha('head'),
        name: 'orgctl/review',
        status: 'completed',
        conclusion: 'success',
        title: 'every change rule passes',
      }),
    ]);
    expect(verdicts(first.standin.state)[0]!.summary).toContain('- gains w:configmaps in web');
    expect(first.standin.state.statuses).toEqual([]);
    expect(first.standin.requests.some((q) => q.path.includes('/statuses/'))).toBe(false);
    const second = await reviewWith(alicePr);
    expect(second.code).toBe(0);
    expect(second.standin.state.comments.map((c) => c.id)).toEqual([comment.id]);
    expect(second.standin.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
    expect(second.io.outs.at(-1)).toMatch(
      /^passed: pull request #42, comment \d+ updated, check run orgctl\/review \d+ success/,
    );
  });

  it('ignores a marker planted by someone else', async () => {
    const planted = {
      id: 7,
      user: 'mallory',
      body: `${COMMENT_MARKER}\n## orgctl review: ✅ the change may be merged`,
    };
    const r = await reviewWith({ ...alicePr, comments: [planted] });
    expect(r.code).toBe(0);
    expect(r.standin.state.comments.find((c) => c.id === 7)!.body).toBe(planted.body);
    expect(r.standin.state.comments.filter((c) => c.user === 'github-actions[bot]')).toHaveLength(1);
  });

  it('follows pagination for commits, reviews, files and comments', async () => {
    const others = Array.from({ length: 130 }, (_, i) => ({ id: 1000 + i, user: `user${i}`, body: `comment ${i}` }));
    const reviews = [
      ...Array.from({ length: 120 }, (_, i) => ({
        user: `member${i}`,
        state: 'COMMENTED' as const,
        commitId: fakeSha('head'),
      })),
      { user: 'frank', state: 'APPROVED' as const, commitId: fakeSha('head') },
    ];
    // GitHub lists the head commit last.
    const commits = Array.from({ length: 105 }, (_, i) => ({
      sha: i === 104 ? fakeSha('head') : fakeSha(`c${i}`),
      authorLogin: i === 104 ? 'bob' : 'alice',
      verified: true,
    }));
    const r = await reviewWith({ ...alicePr, comments: others, reviews, commits });
    // bob authored the 105th commit (page 2): he is an actor, not an admin; frank's approval (page 2) lets it pass.
    expect(r.code).toBe(0);
    const comment = r.standin.state.comments.find((c) => c.user === 'github-actions[bot]')!;
    expect(comment.body).toContain('| `actor-not-admin` | ✅ | bob is not an admin in base; approved by admin frank |');
    for (const path of ['/pulls/42/commits', '/pulls/42/reviews', '/issues/42/comments']) {
      expect(
        r.standin.requests.some((q) => q.path.includes(path) && q.path.includes('page=2')),
        path,
      ).toBe(true);
    }
  });

  it('retries a 5xx', async () => {
    const r = await reviewWith({
      ...alicePr,
      faults: [{ method: 'GET', path: /\/pulls\/42$/, status: 502, times: 1 }],
    });
    expect(r.code).toBe(0);
    expect(r.standin.requests.filter((q) => /\/pulls\/42$/.test(q.path.split('?')[0]!)).map((q) => q.status)).toEqual([
      502, 200, 200, 200, 200,
    ]); // marking the check in progress, its retry, the reading, again before posting, and after (R20-1)
  });

  it('reports an exhausted rate limit clearly, and fails the check where GitHub still lets it post', async () => {
    const r = await reviewWith(
      { ...alicePr, faults: [{ path: /\/pulls\/42\/reviews/, status: 403, times: 5, rateLimit: true }] },
      {},
      true,
    );
    expect(r.code).toBe(-1);
    expect(r.io.errs.join('\n')).toMatch(
      /GitHub's API rate limit is exhausted \(GET .*\/pulls\/42\/reviews.*\); it resets at \d{4}-\d\d-\d\dT.*The change was not judged/,
    );
    // R14-F2: the limit of one endpoint is no limit of the posting; a success before must not stay in force.
    expect(verdicts(r.standin.state).map((c) => [c.conclusion, c.title])).toEqual([['failure', 'could not be judged']]);
  });

  it.each([
    ['403, retry-after', 403, 60],
    ['429, retry-after', 429, 60],
    ['403, no retry-after', 403, null],
  ] as const)('a secondary rate limit (%s) asking who pushed the head is a rate limit, not a refusal: no verdict (R11-4)', async (_, status, retryAfter) => {
    const r = await reviewWith(
      { ...alicePr, faults: [{ path: /\/activity$/, status, times: 50, secondary: true, retryAfter }] },
      {},
      true,
    );
    expect(r.code, r.io.errs.join('\n')).toBe(-1);
    expect(r.io.errs.join('\n')).toMatch(
      /GitHub's secondary rate limit \(GET .*\/activity.*\).*The change was not judged/,
    );
    // Not a verdict on an unnamed pusher: the check fails as not judged (R14-F2: never the success before).
    expect(verdicts(r.standin.state).map((c) => [c.conclusion, c.title])).toEqual([['failure', 'could not be judged']]);
  });

  it('isRateLimited: the primary limit exhausted, and a secondary one (403 or 429, retry-after, its message)', async () => {
    const { isRateLimited } = await import('../../github/adapter.ts');
    const answer = (status: number, headers: Record<string, string>, message = 'Forbidden') => ({
      status,
      message,
      response: { headers, data: { message } },
    });
    expect(isRateLimited(answer(403, { 'x-ratelimit-remaining': '0' }))).toBe(true);
    expect(isRateLimited(answer(403, { 'x-ratelimit-remaining': '4990', 'retry-after': '60' }))).toBe(true);
    expect(isRateLimited(answer(429, { 'x-ratelimit-remaining': '4990' }))).toBe(true);
    expect(isRateLimited(answer(403, {}, 'You have exceeded a secondary rate limit.'))).toBe(true);
    expect(isRateLimited(answer(403, { 'x-ratelimit-remaining': '4990' }))).toBe(false);
    expect(isRateLimited(answer(404, { 'retry-after': '60' }))).toBe(false);
    expect(isRateLimited(new Error('socket hang up'))).toBe(false);
  });

  it('does not count a stale approval (an older commit)', async () => {
    const bobPr = { reviews: [{ user: 'alice', state: 'APPROVED' as const, commitId: fakeSha('older') }] };
    const stale = await reviewWith(bobPr);
    expect(stale.code).toBe(1);
    expect(verdicts(stale.standin.state).at(-1)).toMatchObject({
      conclusion: 'failure',
      title: 'fails: actor-not-admin',
    });
    await standin!.close();
    standin = undefined;
    const fresh = await reviewWith({
      reviews: [...bobPr.reviews, { user: 'alice', state: 'APPROVED', commitId: fakeSha('head') }],
    });
    expect(fresh.code).toBe(0);
  });

  it('an engine change from the files list needs an approval', async () => {
    const r = await reviewWith({
      ...alicePr,
      files: [
        { filename: 'org/org.ts', status: 'modified' },
        { filename: 'policies/org/x.ts', status: 'modified' },
      ],
    });
    expect(r.code).toBe(1);
    expect(r.io.errs).toContain(
      'error engine-change changes policies/org/x.ts: outside org/ and dist/, an admin who is not an author must approve the head commit',
    );
  });

  it('a warning is said in the job log too, one line, as errors are (it passes)', async () => {
    // bobb@acme.io, one letter from bob@acme.io, new in head with a grant: near-duplicate-user warns.
    const nearBob = ACME.replace(
      '    - { email: bob@acme.io, github: bob }\n',
      '    - { email: bob@acme.io, github: bob }\n    - { email: bobb@acme.io }\n',
    ).replace(
      '{ user: erin@acme.io, namespace: web, customRole: configmap-reader }',
      '{ user: erin@acme.io, namespace: web, customRole: configmap-reader }\n    - { user: bobb@acme.io, namespace: web, levels: ["r:pods"] }',
    );
    expect(nearBob).not.toBe(ACME);
    standin ??= await startStandin(defaultState(alicePr));
    const { code, io } = await reviewOnStandin(standin, { base, head: await distOf(nearBob) }, eventPath);
    expect(code).toBe(0);
    expect(io.errs.filter((e) => /^(warning|error) /.test(e))).toEqual([
      expect.stringMatching(/^warning near-duplicate-user .*bobb@acme\.io.*bob@acme\.io/),
    ]);
  });

  it('an override label with an admin approval lets a mass removal through', async () => {
    const small = await distOf(withoutWebGrants(ACME));
    standin = await startStandin(
      defaultState({
        ...alicePr,
        pull: { ...alicePr.pull, labels: ['orgctl/override-mass-removal'] },
        reviews: [{ user: 'frank', state: 'APPROVED', commitId: fakeSha('head') }],
      }),
    );
    const io = capture({ ...actionsEnv(standin, eventPath), GITHUB_TOKEN: 't' });
    expect(await reviewOnGitHub({ base, head: small }, io, { retryAfterBaseValue: 1, throttle: false })).toBe(0);
    expect(standin.state.comments[0]!.body).toMatch(
      /\| `mass-removal` \| ✅ \| removes access from 3 of 7 users \(43%\).*override approved by frank/,
    );
  });
});

describe('an incomplete listing fails closed', () => {
  const commits = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      sha: i === n - 1 ? fakeSha('head') : fakeSha(`c${i}`),
      authorLogin: 'alice',
      verified: true,
    }));

  it('passes at exactly 250 commits, fails at 251 (GitHub lists 250) with a failing check run saying why', async () => {
    const full = await reviewWith({ ...alicePr, commits: commits(250) });
    expect(full.code).toBe(0);
    await standin!.close();
    standin = undefined;
    const r = await reviewWith({ ...alicePr, commits: commits(251) });
    expect(r.code).toBe(1);
    expect(r.io.errs).toContain(
      'error complete-pull-request the pull request has 251 commits but GitHub listed 250: GitHub lists at most 250 commits of a pull request. A review that cannot see every commit fails; split the change into smaller pull requests.',
    );
    const run = verdicts(r.standin.state).at(-1)!;
    expect(run).toMatchObject({ conclusion: 'failure', title: 'fails: complete-pull-request' });
    expect(run.summary).toContain('GitHub lists at most 250 commits');
    expect(r.standin.state.comments[0]!.body).toContain('| `complete-pull-request` | ❌ |');
  });

  it('fails past 3,000 changed files (GitHub lists 3,000), even when every rule would pass', async () => {
    const files = Array.from({ length: 3001 }, (_, i) => ({
      filename: `dist/lga1/shard-${i}/resources.yaml`,
      status: 'modified' as const,
    }));
    const r = await reviewWith({ ...alicePr, files });
    expect(r.code).toBe(1);
    expect(r.io.errs.join('\n')).toMatch(
      /the pull request has 3001 changed files but GitHub listed 3000: GitHub lists at most 3,000 changed files/,
    );
    expect(r.standin.requests.filter((q) => q.path.includes('/pulls/42/files')).length).toBe(30);
  });
});

describe('completeness and actors, as plain functions', () => {
  it('a listing that changed while it was read fails too, saying so', () => {
    expect(completeness({ changedFiles: 4, commits: 2 }, { files: 4, commits: 2 })).toEqual([]);
    // As many commits, but not ending at the head read before them: a push in between (R7).
    const head = fakeSha('head');
    expect(
      completeness({ changedFiles: 4, commits: 2, headSha: head }, { files: 4, commits: 2, lastSha: head }),
    ).toEqual([]);
    expect(
      completeness({ changedFiles: 4, commits: 2, headSha: head }, { files: 4, commits: 2, lastSha: fakeSha('x') }),
    ).toEqual([
      { rule: 'complete-pull-request', ok: false, message: expect.stringContaining('changed while it was read') },
    ]);
    expect(completeness({ changedFiles: 4, commits: 2 }, { files: 5, commits: 2 })).toEqual([
      {
        rule: 'complete-pull-request',
        ok: false,
        message: expect.stringContaining(
          'has 4 changed files but GitHub listed 5: the pull request changed while it was read; re-run the review',
        ),
      },
    ]);
  });

  it('only a verified commit names who made it: its signer (committer), never the author it claims; null and {} are nobody', () => {
    const signed = { verification: { verified: true } };
    expect(commitActor({ sha: 'a', author: { login: 'alice' }, committer: { login: 'alice' }, commit: signed })).toBe(
      'alice',
    );
    expect(commitActor({ sha: 'a', author: { login: 'frank' }, committer: { login: 'alice' }, commit: signed })).toBe(
      'alice',
    );
    expect(
      commitActor({
        sha: 'a',
        author: { login: 'alice' },
        committer: { login: 'alice' },
        commit: { verification: { verified: false } },
      }),
    ).toBeNull();
    expect(commitActor({ sha: 'a', author: { login: 'alice' }, committer: { login: 'alice' }, commit: {} })).toBeNull();
    expect(commitActor({ sha: 'a', author: { login: 'alice' }, committer: {}, commit: signed })).toBeNull();
    expect(
      pullActors('bob', [
        { sha: fakeSha('x'), author: null, committer: null, commit: signed },
        { sha: fakeSha('y'), author: { login: 'Bob' }, committer: { login: 'Bob' }, commit: signed },
      ]),
    ).toEqual(['bob', `(commit ${fakeSha('x').slice(0, 12)}: committer without a GitHub account)`]);
    expect(pullActors('bob', [{ sha: fakeSha('x'), author: null, commit: {} }])).toEqual([
      'bob',
      `(commit ${fakeSha('x').slice(0, 12)}: author not verified by GitHub)`,
    ]);
  });
});

describe('who pushed the head, from listed activity (pusherOf, R11-5)', () => {
  const ref = 'refs/heads/bob-web';
  const moved = (after: string, login: string | null, on = ref) => ({
    after: fakeSha(after),
    ref: on,
    actor: login === null ? null : { login },
  });

  it('the newest change of the head branch to the head commit names who pushed it', () => {
    // Newest first, as GET /activity?direction=desc lists them.
    const listed = [moved('head', 'bob'), moved('typo', 'alice'), moved('head', 'alice')];
    expect(pusherOf(listed, ref, fakeSha('head'))).toBe('bob');
  });

  it('another branch moved to the head commit is no push of the head branch', () => {
    expect(pusherOf([moved('head', 'mallory', 'refs/heads/other')], ref, fakeSha('head'))).toBeUndefined();
    expect(pusherOf([moved('head', 'mallory', 'refs/heads/other'), moved('head', 'bob')], ref, fakeSha('head'))).toBe(
      'bob',
    );
  });

  it('a push listed with no account names nobody, even with an older push by someone named', () => {
    expect(pusherOf([moved('head', null), moved('head', 'alice')], ref, fakeSha('head'))).toBeNull();
  });

  it('an older push of the head commit is not who pushed it when a newer change moved the branch elsewhere (R14-F6)', () => {
    // alice pushed W, then W2; bob force-pushed W back, and the listing does not show it yet.
    expect(pusherOf([moved('w2', 'alice'), moved('head', 'alice')], ref, fakeSha('head'))).toBeUndefined();
    expect(pusherOf([moved('head', 'mallory', 'refs/heads/other'), moved('w2', 'alice')], ref, fakeSha('head'))).toBe(
      undefined,
    );
  });

  it('nothing listed moved the head branch to the head commit', () => {
    expect(pusherOf([], ref, fakeSha('head'))).toBeUndefined();
    expect(pusherOf([moved('typo', 'bob')], ref, fakeSha('head'))).toBeUndefined();
  });
});

describe('whose approval and authorship count (red team G)', () => {
  // GitHub lists reviews from anyone who can see the pull request (anyone, on a public repository:
  // author_association NONE), and a login is a name, not an account: one freed by a rename or a
  // deletion is anyone's to claim. GitHub's own required approvals count only writers.
  it("frank's login approving from an account with no standing in the repository (NONE) is no admin's approval", async () => {
    const r = await reviewWith({
      reviews: [{ user: 'frank', state: 'APPROVED', commitId: fakeSha('head'), association: 'NONE' }],
    });
    expect(verdicts(r.standin.state).at(-1)?.conclusion, r.io.errs.join('\n')).toBe('failure');
    expect(r.code).toBe(1);
  });

  it('says why such an approval does not count, in a write-access row as for an approval without write access', async () => {
    const r = await reviewWith({
      reviews: [
        { user: 'frank', state: 'APPROVED', commitId: fakeSha('head'), association: 'NONE' },
        { user: 'dan', state: 'APPROVED', commitId: fakeSha('head'), association: 'CONTRIBUTOR' },
        // Stale, or withdrawn: never an approval, so nothing to explain.
        { user: 'erin', state: 'APPROVED', commitId: fakeSha('older'), association: 'NONE' },
      ],
    });
    expect(r.code).toBe(1);
    const rows = r.standin.state.comments[0]!.body.split('\n').filter((l) => l.startsWith('| `write-access`'));
    expect(rows).toEqual([
      "| `write-access` | ✅ | dan's approval does not count: GitHub lists dan as CONTRIBUTOR, not the owner, a member or a collaborator of the repository |",
      "| `write-access` | ✅ | frank's approval does not count: GitHub lists frank as NONE, not the owner, a member or a collaborator of the repository |",
    ]);
  });

  it("an admin who pushed the head and approved it: the write-access rows say why frank's approval does not count (R11-3)", async () => {
    const r = await reviewWith({
      reviews: [{ user: 'frank', state: 'APPROVED', commitId: fakeSha('head') }],
      // frank clicked Update branch (or pushed): GitHub's activity names him.
      pushes: [
        { after: fakeSha('bob'), actor: 'bob', type: 'branch_creation' },
        { after: fakeSha('head'), actor: 'frank', type: 'push' },
      ],
    });
    expect(verdicts(r.standin.state).at(-1)?.conclusion, r.io.errs.join('\n')).toBe('failure');
    const rows = r.standin.state.comments[0]!.body.split('\n').filter((l) => l.startsWith('| `write-access`'));
    expect(rows).toEqual([
      "| `write-access` | ✅ | frank's approval does not count: frank pushed the head commit (GitHub's Update branch counts as a push), and whoever pushed it is an actor of the change |",
    ]);
  });

  it('the same approval from frank as a member of the organization counts', async () => {
    const r = await reviewWith({
      reviews: [{ user: 'frank', state: 'APPROVED', commitId: fakeSha('head'), association: 'MEMBER' }],
    });
    expect(verdicts(r.standin.state).at(-1)?.conclusion, r.io.errs.join('\n')).toBe('success');
    expect(r.code).toBe(0);
  });

  it("a pull request opened under alice's login by an account with no standing, its commit signed by that account, needs an admin's approval", async () => {
    const r = await reviewWith({
      pull: { ...defaultState().pull, author: 'alice', authorAssociation: 'NONE' },
      commits: [{ sha: fakeSha('head'), authorLogin: 'alice', verified: true }],
    });
    expect(verdicts(r.standin.state).at(-1)?.conclusion, r.io.errs.join('\n')).toBe('failure');
    expect(r.io.errs.join('\n')).toContain(
      'pull request author alice: GitHub lists alice as NONE, not the owner, a member or a collaborator',
    );
    expect(r.code).toBe(1);
  });

  it("an author with no standing: the admin-grade rules advise an author who may write, not signing alice's signed commit", async () => {
    const danAdmin = await distOf(danMadeAdmin(ACME));
    standin = await startStandin(
      defaultState({
        pull: { ...defaultState().pull, author: 'alice', authorAssociation: 'NONE' },
        commits: [{ sha: fakeSha('head'), authorLogin: 'alice', verified: true }],
        reviews: [{ user: 'frank', state: 'APPROVED', commitId: fakeSha('head') }],
      }),
    );
    const { code } = await reviewOnStandin(standin, { base, head: danAdmin }, eventPath);
    expect(code).toBe(1);
    const body = standin.state.comments[0]!.body;
    expect(body).not.toMatch(/push every commit signed by its maker/);
    expect(body).toMatch(/or have the pull request opened by an account GitHub says may write to the repository\)/);
  });

  it('alice as a member of the organization makes it alone', async () => {
    const r = await reviewWith({
      pull: { ...defaultState().pull, author: 'alice', authorAssociation: 'MEMBER' },
      commits: [{ sha: fakeSha('head'), authorLogin: 'alice', verified: true }],
    });
    expect(verdicts(r.standin.state).at(-1)?.conclusion, r.io.errs.join('\n')).toBe('success');
  });
});

describe('only write access to the repository counts (red team Q)', () => {
  // MEMBER is membership of the organization that owns the repository, not access to it: a member
  // who may only read it (or triage, or nothing at all on an internal or public repository) can
  // still review. GitHub's own required approvals count writers only; frank's login held by such a
  // member (claimed after a rename, or frank himself after he left the admin team) is no admin.
  it.each([
    ['read'],
    ['triage'],
    ['none'],
    [null],
  ] as const)("frank's approval as a MEMBER whose role in the repository is %s is no admin's approval", async (role) => {
    const r = await reviewWith({
      reviews: [{ user: 'frank', state: 'APPROVED', commitId: fakeSha('head'), association: 'MEMBER' }],
      roles: { frank: role },
    });
    expect(verdicts(r.standin.state).at(-1)?.conclusion, r.io.errs.join('\n')).toBe('failure');
    expect(r.code).toBe(1);
  });

  it("alice's pull request as a MEMBER who may only read the repository needs an admin's approval", async () => {
    const r = await reviewWith({
      ...alicePr,
      pull: { ...alicePr.pull, authorAssociation: 'MEMBER' },
      roles: { alice: 'read' },
    });
    expect(verdicts(r.standin.state).at(-1)?.conclusion, r.io.errs.join('\n')).toBe('failure');
    expect(r.code).toBe(1);
  });

  it('says why an approval does not count, and why the author is nobody', async () => {
    const r = await reviewWith({
      ...alicePr,
      reviews: [
        { user: 'frank', state: 'APPROVED', commitId: fakeSha('head') },
        { user: 'dan', state: 'APPROVED', commitId: fakeSha('head') },
      ],
      roles: { alice: 'triage', frank: 'read', dan: null },
    });
    expect(r.code).toBe(1);
    const comment = r.standin.state.comments[0]!.body;
    expect(comment).toContain("frank's approval does not count: GitHub gives frank read access to acme/org, not write");
    expect(comment).toContain("dan's approval does not count: GitHub knows dan as no collaborator of acme/org (404)");
    expect(r.io.errs.join('\n')).toContain(
      '(pull request author alice: GitHub gives alice read access to acme/org, not write) is not an admin in base',
    );
  });

  it('asks once per login that could count, and only the first reading asks', async () => {
    const r = await reviewWith({
      reviews: [
        { user: 'frank', state: 'APPROVED', commitId: fakeSha('head') },
        { user: 'Frank', state: 'APPROVED', commitId: fakeSha('head') },
        { user: 'dan', state: 'APPROVED', commitId: fakeSha('older') }, // stale: cannot count
        { user: 'mallory', state: 'APPROVED', commitId: fakeSha('head'), association: 'NONE' },
      ],
    });
    expect(r.code).toBe(0);
    const asked = r.standin.requests.filter((q) => q.path.includes('/collaborators/')).map((q) => q.path);
    expect(asked.sort()).toEqual([
      '/repos/acme/org/collaborators/Frank/permission',
      '/repos/acme/org/collaborators/bob/permission',
    ]);
  });

  it('asks nothing when no login could count', async () => {
    const r = await reviewWith({ pull: { ...defaultState().pull, authorAssociation: 'NONE' } });
    expect(r.code).toBe(1);
    expect(r.standin.requests.filter((q) => q.path.includes('/collaborators/'))).toEqual([]);
  });

  it('a token GitHub refuses every question fails with one message saying what it needs, not a silent "no approvals"', async () => {
    const r = await reviewWith({
      ...alicePr,
      reviews: [{ user: 'frank', state: 'APPROVED', commitId: fakeSha('head') }],
      faults: [{ method: 'GET', path: /\/collaborators\//, status: 403, times: 99 }],
    });
    expect(r.code).toBe(1);
    expect(r.io.errs.filter((e) => e.startsWith('error write-access'))).toEqual([
      "error write-access GitHub answered 403 (Forbidden) to every question of who may write to acme/org (GET /repos/acme/org/collaborators/{username}/permission, for alice, frank): no approval and no authorship counts. The review's token needs the repository's Metadata read permission (a workflow's GITHUB_TOKEN always has it; a token given instead, an app's or a person's, may not); re-run the review once it does.",
    ]);
    expect(verdicts(r.standin.state).at(-1)).toMatchObject({
      conclusion: 'failure',
      title: expect.stringContaining('write-access'),
    });
    expect(r.standin.state.comments[0]!.body).not.toContain("frank's approval does not count");
  });

  it('a 5xx that outlasts the retries for one approver: that approval does not count, and the comment says to re-run', async () => {
    const r = await reviewWith({
      reviews: [{ user: 'frank', state: 'APPROVED', commitId: fakeSha('head') }],
      faults: [{ method: 'GET', path: /\/collaborators\/frank\//, status: 502, times: 99 }],
    });
    expect(r.code).toBe(1);
    expect(r.standin.state.comments[0]!.body).toContain(
      "frank's approval does not count: GitHub answered 502 (Bad Gateway) when asked whether frank may write to acme/org: re-run the review",
    );
    expect(r.standin.requests.filter((q) => q.path.includes('/collaborators/frank/')).length).toBeGreaterThan(1);
  });

  it('an exhausted rate limit while asking is reported as such, and the check fails as not judged', async () => {
    const r = await reviewWith(
      { ...alicePr, faults: [{ path: /\/collaborators\//, status: 403, times: 5, rateLimit: true }] },
      {},
      true,
    );
    expect(r.code).toBe(-1);
    expect(r.io.errs.join('\n')).toMatch(
      /GitHub's API rate limit is exhausted \(GET .*\/collaborators\/alice\/permission\)/,
    );
    expect(verdicts(r.standin.state).map((c) => c.conclusion)).toEqual(['failure']);
  });

  it.each([
    ['admin'],
    ['maintain'],
    ['write'],
  ] as const)("frank's approval as a MEMBER whose role is %s counts (GitHub's permission: admin or write)", async (role) => {
    const r = await reviewWith({
      reviews: [{ user: 'frank', state: 'APPROVED', commitId: fakeSha('head'), association: 'MEMBER' }],
      roles: { frank: role },
    });
    expect(verdicts(r.standin.state).at(-1)?.conclusion, r.io.errs.join('\n')).toBe('success');
  });
});

describe('who applied an override label (red team Q)', () => {
  // An override is an admin's explicit act on top of the approvals: the label is applied by
  // anyone who may triage the repository, the author of the pull request included. Two admins
  // approved grace's change (its content); grace labelling it afterwards must not be their override.
  let small: Promise<string> | undefined; // the head: base without web's grants, made once
  const massRemoval = async (labelEvents: StandinState['pull']['labelEvents']) => {
    small ??= distOf(withoutWebGrants(ACME));
    const r = await reviewGraceMassRemoval(labelEvents, { base, head: await small }, eventPath);
    standin = r.standin;
    return r.result;
  };

  it("grace's own override label on her mass removal, approved by both admins, is no admin's override", async () => {
    const r = await massRemoval([{ event: 'labeled', label: 'orgctl/override-mass-removal', actor: 'grace' }]);
    expect(r.code, r.io.errs.join('\n')).toBe(1);
    expect(verdicts(standin!.state).at(-1)?.conclusion).toBe('failure');
    expect(r.io.errs.join('\n')).toContain(
      'the label orgctl/override-mass-removal was applied by grace, who is not an admin in base: an admin applies the override',
    );
    // The labeller's standing is asked like an approver's (a login is only a name).
    expect(standin!.requests.some((q) => q.path === '/repos/acme/org/collaborators/grace/permission')).toBe(true);
  });

  it('the same label applied by frank, an admin, overrides', async () => {
    const r = await massRemoval([
      { event: 'labeled', label: 'orgctl/override-mass-removal', actor: 'grace' },
      { event: 'unlabeled', label: 'orgctl/override-mass-removal', actor: 'grace' },
      { event: 'labeled', label: 'orgctl/override-mass-removal', actor: 'frank' },
    ]);
    expect(r.code, r.io.errs.join('\n')).toBe(0);
  });
});

describe('Argo CD follows the branch the review guards', () => {
  // The review judges pull requests into the default branch only: an ApplicationSet following any
  // other branch applies whatever is pushed there, unreviewed. Head here changes a grant only (the
  // proof against base spares the full proof, and with it head's own argocd-source check).
  it('fails when head follows another branch than the default one, saying which to name', async () => {
    const r = await reviewWith({
      ...alicePr,
      defaultBranch: 'trunk',
      pull: { ...alicePr.pull, baseRef: 'trunk' },
    });
    expect(r.code).toBe(1);
    expect(verdicts(r.standin.state).map((c) => c.conclusion)).toEqual(['failure']);
    expect(r.io.errs.join('\n')).toContain(
      'error delivery-source Argo CD follows "refs/heads/main" (delivery.argocd.revision), not refs/heads/trunk, the branch this review guards: whatever reaches "refs/heads/main" would be applied without a review; set delivery.argocd.revision to "refs/heads/trunk"',
    );
    expect(r.standin.state.comments[0]!.body).toMatch(/\| `delivery-source` \| ❌ \|/);
  });

  it('fails when head has Argo CD read another folder than dist/, the one the review judges', async () => {
    const judged = head;
    head = await distOf(ACME.replace('revision: refs/heads/main }', 'revision: refs/heads/main, path: deploy }'));
    try {
      const r = await reviewWith(alicePr);
      expect(r.code).toBe(1);
      expect(r.io.errs.join('\n')).toContain(
        'error delivery-source Argo CD reads "deploy" (delivery.argocd.path), not dist/, the folder this review judges: whatever is committed there would be applied without a review; set delivery.argocd.path to "dist"',
      );
    } finally {
      head = judged;
    }
  });

  it('passes when it follows the default branch by its full name', async () => {
    const r = await reviewWith(alicePr);
    expect(r.code).toBe(0);
    expect(r.standin.state.comments[0]!.body).not.toContain('delivery-source');
  });
});

describe('a pull request into another branch than the default one (a red-team review)', () => {
  // The review stands on the default branch's dist/, but GitHub lists a pull request's commits and
  // files against its own base branch, and a check run belongs to the commit: a pull request into
  // alice-stack (holding alice's web-flow commit, or an engine change) would be judged by what
  // alice-stack..head shows, and its success count for the same head in a pull request into main.
  const stacked = (author: string, state: Partial<StandinState> = {}): Partial<StandinState> => ({
    pull: { ...defaultState().pull, author, baseRef: 'alice-stack' },
    commits: [{ sha: fakeSha('head'), authorLogin: author, verified: true }],
    ...state,
  });

  it('fails closed, saying why, whatever the change: its commits and files are not what the default branch gets', async () => {
    const r = await reviewWith(stacked('alice'));
    expect(r.code).toBe(1);
    expect(verdicts(r.standin.state).map((c) => c.conclusion)).toEqual(['failure']);
    expect(r.io.errs.join('\n')).toMatch(
      /error pull-request-base the pull request targets alice-stack, not main: the review stands on main's dist\/, and GitHub lists the commits and files between alice-stack and the head: retarget it to main \(the review runs again\)/,
    );
    expect(r.standin.state.comments[0]!.body).toMatch(/\| `pull-request-base` \| ❌ \|/);
  });

  it("frank's pull request into alice-stack, approved by alice, posts no success (alice's web-flow commit is below it)", async () => {
    const bindingsOnly = head;
    head = await distOf(danMadeAdmin(ACME));
    try {
      const r = await reviewWith(
        stacked('frank', { reviews: [{ user: 'alice', state: 'APPROVED', commitId: fakeSha('head') }] }),
      );
      expect(verdicts(r.standin.state).filter((c) => c.conclusion === 'success')).toEqual([]);
    } finally {
      head = bindingsOnly;
    }
  });
});

describe('a commit GitHub signed itself (web-flow) names nobody', () => {
  // Admin-grade: dan is made an admin (of alice and frank, the two admins, it concerns neither).
  const adminHead = () => distOf(danMadeAdmin(ACME));
  const frankPr = (commits: StandinState['commits']): Partial<StandinState> => ({
    pull: { ...defaultState().pull, author: 'frank' },
    commits,
    reviews: [{ user: 'alice', state: 'APPROVED', commitId: fakeSha('head') }],
  });

  it("alice's web-editor commit on frank's pull request, approved by alice, is not two admins agreeing", async () => {
    const bindingsOnly = head;
    head = await adminHead();
    try {
      const r = await reviewWith(
        frankPr([
          { sha: fakeSha('mine'), authorLogin: 'frank', verified: true },
          { sha: fakeSha('head'), authorLogin: 'alice', committerLogin: 'web-flow', verified: true },
        ]),
      );
      expect(r.code).toBe(1);
      expect(r.io.errs.join('\n')).toMatch(
        /error admin-change-approval .*the maker of \(commit [0-9a-f]{12}: made and signed by GitHub \(web-flow\) for someone it does not name, claims alice\) is unknown/,
      );
      await standin!.close();
      standin = undefined;
      // frank's own signed commits, approved by alice: the organization's two admins.
      const signed = await reviewWith(frankPr([{ sha: fakeSha('head'), authorLogin: 'frank', verified: true }]));
      expect(signed.code).toBe(0);
    } finally {
      head = bindingsOnly;
    }
  });
});

describe('a commit GitHub did not verify is nobody', () => {
  // erin (no admin) gains w:configmaps; alice, an admin, opened the pull request.
  it("an unsigned commit claiming an admin's login is an unknown actor: it needs an admin's approval", async () => {
    const r = await reviewWith({
      ...alicePr,
      commits: [{ sha: fakeSha('head'), authorLogin: 'alice', verified: false }],
    });
    expect(r.code).toBe(1);
    const msg = r.io.errs.find((e) => e.startsWith('error actor-not-admin'))!;
    expect(msg).toContain(
      `(commit ${fakeSha('head').slice(0, 12)}: author not verified by GitHub, claims alice) is not an admin in base`,
    );
    expect(verdicts(r.standin.state).at(-1)).toMatchObject({ conclusion: 'failure' });
  });

  it('the same commit signed and verified is alice', async () => {
    expect((await reviewWith(alicePr)).code).toBe(0);
  });

  it("claiming an admin's login does not make that admin an author: their approval still counts", async () => {
    // bob (not admin) opens the PR; his commit claims frank (an admin) and is unsigned.
    const r = await reviewWith({ commits: [{ sha: fakeSha('head'), authorLogin: 'frank', verified: false }] });
    expect(r.code).toBe(1);
    expect(r.io.errs.join('\n')).toMatch(
      /bob, \(commit [0-9a-f]{12}: author not verified by GitHub, claims frank\) are not an admin in base/,
    );
    // frank's approval is still an approval from a non-actor admin: the claim did not make frank an author.
    await standin!.close();
    standin = undefined;
    const approved = await reviewWith({
      commits: [{ sha: fakeSha('head'), authorLogin: 'frank', verified: false }],
      reviews: [{ user: 'frank', state: 'APPROVED', commitId: fakeSha('head') }],
    });
    expect(approved.code).toBe(0);
  });

  it('a verified commit by an admin makes that admin an author, whose approval no longer counts', async () => {
    const r = await reviewWith({
      commits: [{ sha: fakeSha('head'), authorLogin: 'frank', verified: true }],
      reviews: [{ user: 'frank', state: 'APPROVED', commitId: fakeSha('head') }],
    });
    expect(r.code).toBe(1);
    expect(r.io.errs.join('\n')).toMatch(
      /error actor-not-admin bob is not an admin in base: an admin who is not an author must approve/,
    );
  });
});

describe('bad input never passes', () => {
  it.each([
    ['a missing token', { GITHUB_TOKEN: '' }, /GITHUB_TOKEN is not set/],
    ['a missing repository', { GITHUB_REPOSITORY: '' }, /GITHUB_REPOSITORY is not set/],
    ['a malformed repository', { GITHUB_REPOSITORY: 'acme' }, /is not owner\/repo/],
  ])('%s exits 2', async (_what, env, message) => {
    const r = await run(['review', '--github', '--base', base, '--head', head], {
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_REPOSITORY: 'acme/org',
      GITHUB_TOKEN: 't',
      GITHUB_API_URL: 'http://127.0.0.1:9',
      ...env,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('a malformed event payload exits 2', async () => {
    const bad = join(tempDir(), 'event.json');
    writeFileSync(bad, '{"pull_request": {"number": "42"}}');
    const r = await run(['review', '--github', '--base', base, '--head', head], {
      GITHUB_EVENT_PATH: bad,
      GITHUB_REPOSITORY: 'acme/org',
      GITHUB_TOKEN: 't',
      GITHUB_API_URL: 'http://127.0.0.1:9',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the event has no pull_request.number/);
    writeFileSync(bad, 'not json');
    expect(
      (await run(['review', '--github'], { GITHUB_EVENT_PATH: bad, GITHUB_REPOSITORY: 'acme/org', GITHUB_TOKEN: 't' }))
        .stderr,
    ).toMatch(/the event payload is not JSON/);
  });

  it('a base without membership data exits 2, and its failing check run and comment say why (test/github/unjudged.test.ts)', async () => {
    standin = await startStandin(defaultState(alicePr));
    const r = await run(['review', '--github', '--base', join(ROOT, 'test/fixtures/manifests'), '--head', head], {
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_REPOSITORY: 'acme/org',
      GITHUB_TOKEN: 't',
      GITHUB_API_URL: standin.url,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no orgctl-organization ConfigMap/);
    expect(standin.state.comments[0]!.body).toMatch(/could not be judged[\s\S]*no orgctl-organization ConfigMap/);
    expect(verdicts(standin.state).map((c) => [c.conclusion, c.title])).toEqual([['failure', 'could not be judged']]);
  });

  it('the real command posts through the stand-in too', async () => {
    standin = await startStandin(defaultState(alicePr));
    const r = await run(['review', '--github', '--pull', '42', '--base', base, '--head', head], {
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_REPOSITORY: 'acme/org',
      GITHUB_TOKEN: 't',
      GITHUB_API_URL: standin.url,
    });
    expect(r.code).toBe(0);
    expect(verdicts(standin.state)).toHaveLength(1);
    expect(standin.state.statuses).toEqual([]);
  });
});

describe('a head dist/ that cannot be judged', () => {
  it('a merge-key document: a failing check run and a comment with file and line, exit 2', async () => {
    const forged = tempDir();
    const { cpSync } = await import('node:fs');
    cpSync(head, forged, { recursive: true });
    const shard = join(forged, 'lga1/cluster/resources.yaml');
    writeFileSync(shard, `${readFileSync(shard, 'utf8')}---\n<<:\n  kind: RoleBinding\n`);
    standin = await startStandin(defaultState(alicePr));
    const io = capture(actionsEnv(standin, eventPath));
    const code = await reviewOnGitHub({ base, head: forged }, io, { retryAfterBaseValue: 1, throttle: false });
    expect(code).toBe(2);
    expect(verdicts(standin.state)).toHaveLength(1);
    expect(verdicts(standin.state)[0]!.conclusion).toBe('failure');
    expect(standin.state.comments[0]!.body).toMatch(/resources\.yaml:\d+: a merge key \(\\<\\<\)/);
  });

  it('an object orgctl would not write fails output-proof in the check run', async () => {
    const forged = tempDir();
    const { cpSync } = await import('node:fs');
    cpSync(head, forged, { recursive: true });
    const shard = join(forged, 'lga1/cluster/resources.yaml');
    writeFileSync(
      shard,
      `${readFileSync(shard, 'utf8')}---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: x\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: cluster-admin\nsubjects:\n- apiGroup: rbac.authorization.k8s.io\n  kind: User\n  name: bob@acme.io\n`,
    );
    standin = await startStandin(defaultState(alicePr));
    const io = capture(actionsEnv(standin, eventPath));
    const code = await reviewOnGitHub({ base, head: forged }, io, { retryAfterBaseValue: 1, throttle: false });
    // Since R89-1 the strict reader refuses it (orgctl writes no ClusterRoleBinding; the AppProject
    // refuses it) before output-proof: exit 2, a failing check run, the comment naming it.
    expect(code).toBe(2);
    expect(verdicts(standin.state)).toHaveLength(1);
    expect(verdicts(standin.state)[0]!.conclusion).toBe('failure');
    expect(standin.state.comments[0]!.body).toMatch(
      /ClusterRoleBinding x: .*ClusterRoleBinding is not a kind orgctl writes/,
    );
  });
});

describe('orgctl review --github --head-proof: an upgrade of orgctl', () => {
  /** The upgrade's pull request (frank approves alice's head commit) judged with its head proof, made for `provedCommit`. */
  async function upgradeJudged(provedCommit: string | undefined) {
    // What a later orgctl renders: every object labelled. The head lock installs that version.
    const upgraded = relabelledCopy(head, '9.0.0');
    const proof = join(tempDir(), 'head-proof.json');
    writeFileSync(
      proof,
      JSON.stringify({ engine: { name: 'orgctl', version: '9.0.0' }, ok: true, differences: [], findings: [] }),
    );
    const lock = join(tempDir(), 'package-lock.json');
    writeFileSync(
      lock,
      JSON.stringify({
        lockfileVersion: 3,
        packages: { 'node_modules/orgctl': { version: '9.0.0', integrity: 'sha512-AAAA' } },
      }),
    );
    const judged = await startStandin(
      defaultState({
        ...alicePr,
        reviews: [{ user: 'frank', state: 'APPROVED', commitId: fakeSha('head') }],
        files: [
          { filename: 'package.json', status: 'modified' },
          { filename: 'package-lock.json', status: 'modified' },
          { filename: 'dist/lga1/cluster/resources.yaml', status: 'modified' },
        ],
        defaultBranchSha: fakeSha('main now'),
      }),
    );
    standin = judged;
    const io = capture(actionsEnv(judged, eventPath));
    const flags = {
      base,
      'base-commit': fakeSha('main now'), // as the workflow passes its checkout's commit
      head: upgraded,
      'head-proof': proof,
      'head-lock': lock,
      ...(provedCommit !== undefined ? { 'head-proof-commit': provedCommit } : {}),
    };
    const code = await reviewOnGitHub(flags, io, { retryAfterBaseValue: 1, throttle: false });
    return { code, io, standin: judged };
  }

  it("passes output-proof on the head engine's proof, and the check run says which version proved it", async () => {
    const { code, io, standin } = await upgradeJudged(fakeSha('head'));
    expect(io.errs).toEqual([]);
    expect(code).toBe(0);
    expect(verdicts(standin.state)[0]!.conclusion).toBe('success');
    expect(standin.state.comments[0]!.body).toMatch(
      /\| `output-proof` \| ✅ \| head dist\/ is proved by orgctl 9\.0\.0 /,
    );
  });

  it("refuses a proof made for another commit than the pull request's head: a run spanning a push judges the new head with the old one's proof (red team E2)", async () => {
    const { code, standin } = await upgradeJudged(fakeSha('older'));
    expect(code).toBe(1);
    expect(verdicts(standin.state)[0]!.conclusion).toBe('failure');
    expect(standin.state.comments[0]!.body).toMatch(
      new RegExp(
        `\\| \`output-proof\` \\| ❌ \\| .*The head proof was not accepted: it proves commit \`${fakeSha('older').slice(0, 12)}\`, not the pull request's head \`${fakeSha('head').slice(0, 12)}\``,
      ),
    );
  });

  it('refuses a commit that is no commit name (the workflow passes what git rev-parse printed)', async () => {
    const { code, standin } = await upgradeJudged('HEAD');
    expect(code).toBe(1);
    expect(standin.state.comments[0]!.body).toMatch(
      /The head proof was not accepted: it is not a proof orgctl writes: the commit it proves, "HEAD", is not a commit's name/,
    );
  });

  it('refuses a proof that names no commit (the workflow passes the one the pull job fetched)', async () => {
    const { code, standin } = await upgradeJudged(undefined);
    expect(code).toBe(1);
    expect(standin.state.comments[0]!.body).toMatch(
      /\| `output-proof` \| ❌ \| .*The head proof was not accepted: it names no commit it proves \(--head-proof-commit: /,
    );
    // The workflow that gives none is an earlier orgctl's: the comment says how to bring it up to date.
    expect(standin.state.comments[0]!.body).toMatch(
      /npx orgctl workflows --write\\?` writes this orgctl's, to merge before the upgrade/,
    );
  });
});

describe('runs that race', () => {
  /** A run of frank's approved pull request whose approval frank dismisses between its two readings. */
  async function approvalWithdrawnWhileJudged(faults: StandinState['faults'] = []) {
    standin = await startStandin(
      defaultState({ reviews: [{ user: 'frank', state: 'APPROVED', commitId: fakeSha('head') }], faults }),
    );
    const approved = standin.state.reviews;
    let readings = 0;
    Object.defineProperty(standin.state, 'reviews', {
      get: () => (readings++ === 0 ? approved : [{ ...approved[0]!, state: 'DISMISSED' }]),
    });
    const io = capture(actionsEnv(standin, eventPath));
    const code = await reviewOnGitHub({ base, head }, io, { retryAfterBaseValue: 1, throttle: false });
    return { code, io, state: standin.state };
  }

  it('an approval withdrawn while a run judged it: that run posts nothing (the newer run decides)', async () => {
    const { code, io, state } = await approvalWithdrawnWhileJudged();
    expect(code).toBe(0);
    expect(io.errs.join('\n')).toMatch(/changed while it was judged \(its approvals changed\).*no verdict posted/);
    expect(verdicts(state)).toEqual([]);
    expect(state.comments).toEqual([]);
    // Its check run stays in progress: no merge until a run posts (R14-F5: when no newer run comes).
    expect(state.checkRuns.map((c) => [c.status, c.headSha])).toEqual([['in_progress', fakeSha('head')]]);
  });

  it('the same, when GitHub refused the in-progress mark: the run fails the check (R15-F1b)', async () => {
    const { code, io, state } = await approvalWithdrawnWhileJudged([
      { method: 'POST', path: /check-runs$/, status: 403, times: 1 },
    ]);
    expect(code).toBe(1);
    expect(io.errs.join('\n')).toMatch(/could not mark the check run in progress/);
    expect(state.checkRuns.map((c) => [c.conclusion, c.title])).toEqual([['failure', 'could not be judged']]);
  });

  it('commitsOfHead: the commits GitHub listed are the head’s history, not pages of two heads (R32a-2’s class)', async () => {
    const { commitsOfHead } = await import('../../github/adapter.ts');
    const c = (sha: string, ...parents: string[]) => ({ sha, parents: parents.map((p) => ({ sha: p })) });
    const [base, a, b, head, other] = ['base', 'a', 'b', 'head', 'other'].map(fakeSha);
    // A chain from the base to the head, a merge of the base branch in it too.
    expect(commitsOfHead([c(a!, base!), c(b!, a!), c(head!, b!)], head!)).toEqual([]);
    expect(commitsOfHead([c(a!, base!), c(b!, base!), c(head!, a!, b!)], head!)).toEqual([]);
    // A page read before a push, the next after it: a commit of another head, no ancestor of this one.
    const mixed = commitsOfHead([c(other!, base!), c(b!, a!), c(head!, b!)], head!);
    expect(mixed.map((r) => [r.rule, r.ok])).toEqual([['complete-pull-request', false]]);
    expect(mixed[0]!.message).toContain(`${other!.slice(0, 12)}, which is no parent of another commit listed`);
  });

  it('filesOfHead: the files GitHub listed are the head commit’s change against the default branch (R32a-2)', async () => {
    const { filesOfHead } = await import('../../github/adapter.ts');
    const entry = (path: string, sha: string) => ({ path, sha: sha.repeat(40), mode: '040000' });
    const base = [entry('.github', 'a'), entry('dist', 'b'), entry('org', 'c'), entry('README.md', 'd')];
    const at = { branch: 'main', baseTip: 'e'.repeat(40), headSha: 'f'.repeat(40) };
    const head = (...changed: string[]) => ({
      base,
      head: base.map((e) => (changed.includes(e.path) ? { ...e, sha: '9'.repeat(40) } : e)),
      truncated: false,
    });
    const listed = ['dist/namespaces/web.yaml', 'org/org.ts'];
    expect(filesOfHead(listed, head('dist', 'org'), at)).toEqual([]);
    // The head changes .github/ too, and the list (of another commit's) does not say so.
    const unlisted = filesOfHead(listed, head('.github', 'dist', 'org'), at);
    expect(unlisted.map((r) => [r.rule, r.ok])).toEqual([['complete-pull-request', false]]);
    expect(unlisted[0]!.message).toBe(
      "the head commit ffffffffffff differs from main (eeeeeeeeeeee) at .github, which GitHub's list of the pull request's files does not name: the pull request changed while it was read, or its head is behind main; bring it up to date, or re-run the review",
    );
    // The list names org/, where the head is as main has it: the list is not of this head.
    expect(filesOfHead(listed, head('dist'), at)[0]!.message).toMatch(
      /^GitHub's list of the pull request's files names org, where the head commit ffffffffffff is as main/,
    );
    // A file added at the top, or removed: present on one side only.
    expect(filesOfHead(['NOTES.md'], { base, head: [...base, entry('NOTES.md', '1')], truncated: false }, at)).toEqual(
      [],
    );
    expect(filesOfHead(['dist/x.yaml'], { ...head('dist'), truncated: true }, at)[0]!.message).toMatch(/truncated/);
  });

  it("repository-tree: head's whole tree as GitHub lists it (recursive), a link under org/ named (R36-1)", async () => {
    const linked = {
      ...alicePr,
      files: [...defaultState().files, { filename: 'org/notes', status: 'added' as const, mode: '120000' as const }],
    };
    const r = await reviewWith(linked);
    expect(r.code).toBe(1);
    const rows = (body: string) => body.split('\n').filter((l) => l.startsWith('| `repository-tree` |'));
    expect(rows(r.standin.state.comments[0]!.body)).toEqual([
      expect.stringMatching(/^\| `repository-tree` \| ❌ \| head holds a symbolic link: org\/notes\. Argo CD refuses /),
    ]);
    expect(verdicts(r.standin.state).map((c) => c.conclusion)).toEqual(['failure']);
    // Read from GitHub for the head commit judged, whatever --head reads dist/ from (a folder here).
    expect(r.standin.requests.map((q) => q.path)).toContain(`/repos/acme/org/git/trees/${fakeSha('head')}?recursive=1`);
  });

  it('repository-tree: a head tree GitHub truncated fails closed; one it lists whole, without a link, passes', async () => {
    const truncated = await reviewWith({ ...alicePr, headTreeTruncated: true });
    expect(truncated.code).toBe(1);
    expect(truncated.standin.state.comments[0]!.body).toMatch(
      /\| `repository-tree` \| ❌ \| GitHub truncated its listing of the head commit `[0-9a-f]{12}`'s whole tree \(\d+ entries listed; /,
    );
    await standin?.close();
    standin = undefined;
    const whole = await reviewWith(alicePr);
    expect(whole.code).toBe(0);
    expect(whole.standin.state.comments[0]!.body).toMatch(
      /\| `repository-tree` \| ✅ \| head's tree \(\d+ entries\) holds no symbolic link, submodule, nested \.gitattributes or name too long to check out \|/,
    );
  });

  it('supersededBy: head and who pushed it, approvals, labels and who applied an override', async () => {
    const { supersededBy } = await import('../../github/adapter.ts');
    const pr = {
      headSha: 'a'.repeat(40),
      labels: ['x'],
      approvals: ['frank', 'alice'],
      appliers: { 'mass-removal': 'frank' },
      pusher: 'alice',
      state: 'open',
      draft: false,
      reopeners: ['alice'],
      baseTip: 'b'.repeat(40),
    };
    expect(supersededBy(pr, { ...pr, approvals: ['alice', 'frank'] })).toBeUndefined();
    // R32a-1: a merge into the default branch while judged: the base judged is no longer it.
    expect(supersededBy(pr, { ...pr, baseTip: 'd'.repeat(40) })).toBe('the default branch moved to dddddddddddd');
    // R17-2: closed or made a draft while judged: only an open pull request ready for review proposes.
    expect(supersededBy(pr, { ...pr, state: 'closed' })).toMatch(/closed now/);
    expect(supersededBy(pr, { ...pr, draft: true })).toMatch(/open \(a draft\) now/);
    // Closed and reopened by another between the readings: they put it up for merging now.
    expect(supersededBy(pr, { ...pr, reopeners: ['Alice'] })).toBeUndefined();
    expect(supersededBy(pr, { ...pr, reopeners: ['mallory'] })).toMatch(/who reopened it/);
    expect(supersededBy(pr, { ...pr, headSha: 'c'.repeat(40) })).toMatch(/head moved/);
    expect(supersededBy(pr, { ...pr, approvals: ['alice'] })).toMatch(/approvals changed/);
    expect(supersededBy(pr, { ...pr, labels: [] })).toMatch(/labels changed/);
    expect(supersededBy(pr, { ...pr, appliers: { 'mass-removal': 'Frank' } })).toBeUndefined();
    expect(supersededBy(pr, { ...pr, appliers: { 'mass-removal': 'grace' } })).toMatch(/who applied/);
    expect(supersededBy(pr, { ...pr, appliers: {} })).toMatch(/who applied/);
    expect(supersededBy(pr, { ...pr, pusher: 'ALICE' })).toBeUndefined();
    expect(supersededBy(pr, { ...pr, pusher: 'bob' })).toMatch(/who pushed its head/);
    expect(
      supersededBy(pr, { ...pr, pusher: '(head commit aaaaaaaaaaaa: no push GitHub lists made it the head)' }),
    ).toMatch(/who pushed its head/);
  });

  it('supersededBy: two readings that name nobody as the pusher, for different reasons, are no change of who pushed (R11-1)', async () => {
    const { supersededBy } = await import('../../github/adapter.ts');
    const refused = '(head commit aaaaaaaaaaaa: GitHub answered 403 (Forbidden) when asked who pushed it)';
    const unlisted = '(head commit aaaaaaaaaaaa: no push GitHub lists of refs/heads/x made it the head)';
    const pr = {
      headSha: 'a'.repeat(40),
      labels: [],
      approvals: ['frank'],
      appliers: {},
      pusher: refused,
      state: 'open',
      draft: false,
      reopeners: [],
      baseTip: 'b'.repeat(40),
    };
    expect(supersededBy(pr, { ...pr, pusher: unlisted })).toBeUndefined();
    // A login at either reading, nobody at the other: the verdict judged may be less strict than now's.
    expect(supersededBy(pr, { ...pr, pusher: 'alice' })).toMatch(/who pushed its head/);
    expect(supersededBy({ ...pr, pusher: 'alice' }, pr)).toMatch(/who pushed its head/);
  });
});
