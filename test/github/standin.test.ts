/** The GitHub stand-in itself: routes, auth, pagination, mutations, faults, and that its bodies really are checked against GitHub's schema. */
import { Octokit } from '@octokit/rest';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultState, fakeSha, startStandin, type Standin, type StandinReview, type StandinState } from './standin.ts';

let standin: Standin | undefined;

async function start(overrides: Partial<StandinState> = {}): Promise<Standin> {
  standin = await startStandin(defaultState(overrides));
  return standin;
}

afterEach(async () => {
  await standin?.close();
  standin = undefined;
});

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function octokit(s: Standin): Octokit {
  // Octokit logs every failed request; the fault tests fail requests on purpose.
  return new Octokit({ baseUrl: s.url, auth: 'test-token', request: { retries: 0 }, log: quiet });
}

const AUTH = { authorization: 'token test-token' };
const REPO = { owner: 'acme', repo: 'org' };

function reviews(count: number): StandinReview[] {
  return Array.from({ length: count }, (_, i) => ({
    user: `reviewer${i}`,
    state: i % 2 ? 'COMMENTED' : 'APPROVED',
    commitId: fakeSha('head'),
  }));
}

describe('stand-in over plain fetch', () => {
  it('requires an authorization header', async () => {
    const s = await start();
    const res = await fetch(`${s.url}/repos/acme/org/pulls/42`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ message: 'Requires authentication' });
    expect(s.requests).toEqual([{ method: 'GET', path: '/repos/acme/org/pulls/42', status: 401 }]);
  });

  it('accepts Bearer tokens and answers 404 in GitHub shape for other repos, pulls and routes', async () => {
    const s = await start();
    const bearer = { authorization: 'Bearer abc' };
    expect((await fetch(`${s.url}/repos/acme/org/pulls/42`, { headers: bearer })).status).toBe(200);
    for (const path of [
      '/repos/acme/other/pulls/42',
      '/repos/acme/org/pulls/7',
      '/repos/acme/org/issues/7/comments',
      '/user',
    ]) {
      const res = await fetch(`${s.url}${path}`, { headers: bearer });
      expect(res.status, path).toBe(404);
      expect(await res.json()).toMatchObject({
        message: 'Not Found',
        documentation_url: expect.stringContaining('docs.github.com'),
      });
    }
  });

  it('paginates lists with GitHub Link headers', async () => {
    const s = await start({ reviews: reviews(5) });
    const page = (q: string) => fetch(`${s.url}/repos/acme/org/pulls/42/reviews${q}`, { headers: AUTH });
    const base = `${s.url}/repos/acme/org/pulls/42/reviews`;

    const first = await page('?per_page=2');
    expect((await first.json()).map((r: { user: { login: string } }) => r.user.login)).toEqual([
      'reviewer0',
      'reviewer1',
    ]);
    expect(first.headers.get('link')).toBe(
      `<${base}?per_page=2&page=2>; rel="next", <${base}?per_page=2&page=3>; rel="last"`,
    );

    const middle = await page('?per_page=2&page=2');
    expect(middle.headers.get('link')).toBe(
      `<${base}?per_page=2&page=1>; rel="prev", <${base}?per_page=2&page=3>; rel="next", ` +
        `<${base}?per_page=2&page=3>; rel="last", <${base}?per_page=2&page=1>; rel="first"`,
    );
    const last = await page('?per_page=2&page=3');
    expect(await last.json()).toHaveLength(1);
    expect(last.headers.get('link')).not.toContain('rel="next"');

    const all = await page(''); // default per_page 30: one page, no Link
    expect(await all.json()).toHaveLength(5);
    expect(all.headers.get('link')).toBeNull();
    expect(s.schemaErrors).toEqual([]);
  });

  it('serves every operation with bodies valid against the schema', async () => {
    const s = await start({
      commits: [
        { sha: fakeSha('c1'), authorLogin: 'bob', verified: true },
        { sha: fakeSha('head'), authorLogin: null, verified: false },
      ],
      reviews: [{ user: 'alice', state: 'CHANGES_REQUESTED', commitId: fakeSha('c1') }],
      files: [
        { filename: 'org/org.ts', status: 'modified' },
        { filename: 'dist/namespaces/new.yaml', status: 'added' },
        { filename: 'dist/namespaces/old.yaml', status: 'removed' },
        { filename: 'dist/namespaces/moved.yaml', status: 'renamed' },
      ],
      comments: [{ id: 7, user: 'alice', body: 'hi' }],
      pull: { ...defaultState().pull, labels: ['access-change'] },
    });
    const get = (path: string) => fetch(`${s.url}/repos/acme/org${path}`, { headers: AUTH }).then((r) => r.json());
    const pull = await get('/pulls/42');
    expect(pull).toMatchObject({
      number: 42,
      user: { login: 'bob', type: 'User' },
      head: { sha: fakeSha('head') },
      labels: [{ name: 'access-change' }],
    });
    const commits = await get('/pulls/42/commits');
    expect(commits[1]).toMatchObject({
      author: null,
      parents: [{ sha: fakeSha('c1') }],
      commit: { verification: { verified: false, reason: 'unsigned' } },
    });
    expect(commits[0]).toMatchObject({ commit: { verification: { verified: true, reason: 'valid' } } });
    expect(await get('/pulls/42/reviews')).toMatchObject([
      { user: { login: 'alice' }, state: 'CHANGES_REQUESTED', commit_id: fakeSha('c1') },
    ]);
    expect(await get('/pulls/42/files')).toHaveLength(4);
    expect(await get('/issues/42/comments')).toMatchObject([{ id: 7, body: 'hi', user: { login: 'alice' } }]);
    expect(await get('/issues/42/events')).toMatchObject([
      { event: 'labeled', label: { name: 'access-change' }, actor: { login: 'bob' } },
    ]);
    const status = await fetch(`${s.url}/repos/acme/org/statuses/${fakeSha('head')}`, {
      method: 'POST',
      headers: AUTH,
      body: JSON.stringify({
        state: 'failure',
        context: 'orgctl',
        description: 'Needs review',
        target_url: 'https://example.test/run',
      }),
    });
    expect(status.status).toBe(201);
    expect(await status.json()).toMatchObject({
      state: 'failure',
      context: 'orgctl',
      creator: { login: 'github-actions[bot]', type: 'Bot' },
    });
    expect(s.state.statuses).toEqual([
      {
        sha: fakeSha('head'),
        state: 'failure',
        context: 'orgctl',
        description: 'Needs review',
        targetUrl: 'https://example.test/run',
      },
    ]);
    expect(s.schemaErrors).toEqual([]);
  });

  it('lists the repository activity newest first, by ref, its Link keeping the ref; by default the author created the head branch', async () => {
    const first = await start();
    const get = (s: Standin, q: string) =>
      fetch(`${s.url}/repos/acme/org/activity${q}`, { headers: AUTH }).then(async (r) => ({
        body: await r.json(),
        link: r.headers.get('link'),
      }));
    expect((await get(first, '?ref=refs/heads/bob-web')).body).toMatchObject([
      { after: fakeSha('head'), before: fakeSha('base'), activity_type: 'branch_creation', actor: { login: 'bob' } },
    ]);
    await first.close();
    const s = await start({
      pushes: [
        { after: fakeSha('c1'), actor: 'alice', type: 'branch_creation' },
        { after: fakeSha('x'), actor: 'frank', ref: 'other' },
        { after: fakeSha('head'), actor: 'bob', type: 'force_push' },
      ],
    });
    const page = await get(s, '?ref=bob-web&per_page=1');
    expect(page.body).toMatchObject([
      { after: fakeSha('head'), before: fakeSha('c1'), ref: 'refs/heads/bob-web', actor: { login: 'bob' } },
    ]);
    expect(page.link).toContain(`${s.url}/repos/acme/org/activity?ref=bob-web&per_page=1&page=2>; rel="next"`);
    expect((await get(s, '')).body.map((a: { after: string }) => a.after)).toEqual([
      fakeSha('head'),
      fakeSha('x'),
      fakeSha('c1'),
    ]);
    expect(s.schemaErrors).toEqual([]);
  });

  it("answers a login's permission as GitHub does: maintain is write, triage is read, a stranger 404", async () => {
    const s = await start({
      reviews: [{ user: 'alice', state: 'APPROVED', commitId: fakeSha('head') }],
      roles: { Frank: 'maintain', dan: 'triage', erin: 'none' },
    });
    const permission = async (login: string) => {
      const res = await fetch(`${s.url}/repos/acme/org/collaborators/${login}/permission`, { headers: AUTH });
      return { status: res.status, body: await res.json() };
    };
    expect(await permission('frank')).toMatchObject({
      status: 200,
      body: { permission: 'write', role_name: 'maintain', user: { login: 'frank', permissions: { push: true } } },
    });
    expect(await permission('dan')).toMatchObject({ status: 200, body: { permission: 'read', role_name: 'triage' } });
    expect(await permission('erin')).toMatchObject({
      status: 200,
      body: { permission: 'none', user: { permissions: { pull: false } } },
    });
    // A MEMBER reviewer and the pull request's author (MEMBER) may write unless the state says otherwise.
    expect(await permission('alice')).toMatchObject({ status: 200, body: { permission: 'write' } });
    expect(await permission('bob')).toMatchObject({ status: 200, body: { permission: 'write' } });
    expect(await permission('mallory')).toMatchObject({ status: 404, body: { message: 'Not Found' } });
    expect(s.schemaErrors).toEqual([]);
  });

  it('creates a check run as the GitHub Actions app, valid against the response schema', async () => {
    const s = await start();
    const res = await fetch(`${s.url}/repos/acme/org/check-runs`, {
      method: 'POST',
      headers: AUTH,
      body: JSON.stringify({
        name: 'orgctl/review',
        head_sha: fakeSha('head'),
        conclusion: 'failure',
        output: { title: 'fails', summary: 'why' },
        details_url: 'https://example.test/run',
      }),
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({
      name: 'orgctl/review',
      status: 'completed',
      conclusion: 'failure',
      app: { slug: 'github-actions' },
      pull_requests: [{ number: 42 }],
      output: { title: 'fails', summary: 'why' },
    });
    expect(s.state.checkRuns).toEqual([
      expect.objectContaining({
        name: 'orgctl/review',
        headSha: fakeSha('head'),
        conclusion: 'failure',
        detailsUrl: 'https://example.test/run',
      }),
    ]);
    expect(s.schemaErrors).toEqual([]);
  });

  it.each([
    [
      'a summary over 65,535 characters',
      {
        name: 'orgctl/review',
        head_sha: fakeSha('head'),
        conclusion: 'success',
        output: { title: 't', summary: 'x'.repeat(65_536) },
      },
      /summary must NOT have more than 65535 characters/,
    ],
    [
      'an unknown conclusion',
      { name: 'orgctl/review', head_sha: fakeSha('head'), conclusion: 'passed' },
      /conclusion must be equal to one of the allowed values/,
    ],
    ['no head_sha', { name: 'orgctl/review', conclusion: 'success' }, /must have required property 'head_sha'/],
  ])('refuses a check run request with %s (422, recorded)', async (_what, body, problem) => {
    const s = await start();
    const res = await fetch(`${s.url}/repos/acme/org/check-runs`, {
      method: 'POST',
      headers: AUTH,
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(422);
    expect(s.state.checkRuns).toEqual([]);
    expect(s.schemaErrors.join('\n')).toMatch(problem);
  });

  it('lists at most 250 commits and 3,000 files, like GitHub, while the pull request counts them all', async () => {
    const s = await start({
      commits: Array.from({ length: 260 }, (_, i) => ({ sha: fakeSha(`c${i}`), authorLogin: 'bob', verified: true })),
      files: Array.from({ length: 3005 }, (_, i) => ({ filename: `dist/f${i}.yaml`, status: 'added' as const })),
    });
    const gh = octokit(s);
    const { data: pull } = await gh.rest.pulls.get({ ...REPO, pull_number: 42 });
    expect([pull.commits, pull.changed_files]).toEqual([260, 3005]);
    expect(await gh.paginate(gh.rest.pulls.listCommits, { ...REPO, pull_number: 42, per_page: 100 })).toHaveLength(250);
    expect(await gh.paginate(gh.rest.pulls.listFiles, { ...REPO, pull_number: 42, per_page: 100 })).toHaveLength(3000);
    expect(s.schemaErrors).toEqual([]);
  });

  it('answers a 403 for editing a comment the token owner did not write, 404 for an unknown one', async () => {
    const s = await start({ comments: [{ id: 7, user: 'alice', body: 'hi' }] });
    const patch = (id: number) =>
      fetch(`${s.url}/repos/acme/org/issues/comments/${id}`, {
        method: 'PATCH',
        headers: AUTH,
        body: JSON.stringify({ body: 'x' }),
      });
    const forbidden = await patch(7);
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ message: 'Resource not accessible by integration' });
    expect((await patch(8)).status).toBe(404);
    expect(s.state.comments[0].body).toBe('hi');
  });

  it('answers a rate-limit fault with GitHub headers and body', async () => {
    const s = await start({ faults: [{ path: /\/pulls\/42$/, status: 403, times: 1, rateLimit: true }] });
    const res = await fetch(`${s.url}/repos/acme/org/pulls/42`, { headers: AUTH });
    expect(res.status).toBe(403);
    expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(res.headers.get('x-ratelimit-resource')).toBe('core');
    const reset = Number(res.headers.get('x-ratelimit-reset'));
    expect(reset - Date.now() / 1000).toBeGreaterThan(3500);
    expect(await res.json()).toMatchObject({ message: 'API rate limit exceeded for installation ID 1.' });
  });
});

describe('stand-in secondary rate limit', () => {
  it('answers a secondary rate-limit fault as GitHub documents it: 403 or 429, retry-after, requests left', async () => {
    const s = await start({
      faults: [
        { path: /\/pulls\/42$/, status: 403, times: 1, secondary: true },
        { path: /\/pulls\/42$/, status: 429, times: 1, secondary: true, retryAfter: null },
      ],
    });
    const first = await fetch(`${s.url}/repos/acme/org/pulls/42`, { headers: AUTH });
    expect(first.status).toBe(403);
    expect(first.headers.get('retry-after')).toBe('60');
    expect(first.headers.get('x-ratelimit-remaining')).not.toBe('0');
    expect(await first.json()).toMatchObject({ message: expect.stringMatching(/secondary rate limit/) });
    const second = await fetch(`${s.url}/repos/acme/org/pulls/42`, { headers: AUTH });
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBeNull();
  });
});

describe('stand-in through @octokit/rest', () => {
  it('gets the pull request', async () => {
    const s = await start();
    const { data } = await octokit(s).rest.pulls.get({ ...REPO, pull_number: 42 });
    expect(data).toMatchObject({
      number: 42,
      title: 'Give bob access to web',
      head: { ref: 'bob-web' },
      base: { ref: 'main' },
    });
    expect(s.schemaErrors).toEqual([]);
  });

  it('paginates reviews across pages', async () => {
    const s = await start({ reviews: reviews(5) });
    const all = await octokit(s).paginate(octokit(s).rest.pulls.listReviews, { ...REPO, pull_number: 42, per_page: 2 });
    expect(all.map((r) => r.user?.login)).toEqual(['reviewer0', 'reviewer1', 'reviewer2', 'reviewer3', 'reviewer4']);
    expect(s.requests.map((r) => r.path)).toEqual([
      '/repos/acme/org/pulls/42/reviews?per_page=2',
      '/repos/acme/org/pulls/42/reviews?per_page=2&page=2',
      '/repos/acme/org/pulls/42/reviews?per_page=2&page=3',
    ]);
    expect(s.schemaErrors).toEqual([]);
  });

  it('creates a comment as the token owner, then updates it', async () => {
    const s = await start({ botLogin: 'orgctl[bot]' });
    const gh = octokit(s);
    const created = await gh.rest.issues.createComment({ ...REPO, issue_number: 42, body: 'first' });
    expect(created.status).toBe(201);
    expect(created.data.user).toMatchObject({ login: 'orgctl[bot]', type: 'Bot' });
    const updated = await gh.rest.issues.updateComment({ ...REPO, comment_id: created.data.id, body: 'second' });
    expect(updated.data).toMatchObject({ id: created.data.id, body: 'second' });
    expect(s.state.comments).toEqual([{ id: created.data.id, user: 'orgctl[bot]', body: 'second' }]);
    const listed = await gh.rest.issues.listComments({ ...REPO, issue_number: 42 });
    expect(listed.data.map((c) => c.body)).toEqual(['second']);
    expect(s.schemaErrors).toEqual([]);
  });

  it('returns a fault once, then succeeds', async () => {
    const s = await start({ faults: [{ method: 'GET', path: /\/pulls\/42\/files$/, status: 502, times: 1 }] });
    const gh = octokit(s);
    await expect(gh.rest.pulls.listFiles({ ...REPO, pull_number: 42 })).rejects.toMatchObject({ status: 502 });
    const { data } = await gh.rest.pulls.listFiles({ ...REPO, pull_number: 42 });
    expect(data.map((f) => f.filename)).toEqual(['org/org.ts', 'dist/namespaces/web.yaml']);
    expect(s.state.faults[0].times).toBe(0);
    expect(s.requests.map((r) => r.status)).toEqual([502, 200]);
    expect(s.schemaErrors).toEqual([]);
  });
});

describe('schema validation', () => {
  it('records a body that breaks GitHub schema (and still sends it)', async () => {
    // GitHub's schema types a review's `state` as any string, so an odd review state would pass;
    // a diff entry's `status` is an enum, so an unknown one must be caught.
    const files = [{ filename: 'org/org.ts', status: 'NOPE' as 'modified' }];
    const s = await start({ files });
    const res = await fetch(`${s.url}/repos/acme/org/pulls/42/files`, { headers: AUTH });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject([{ status: 'NOPE' }]);
    expect(s.schemaErrors).toHaveLength(1);
    expect(s.schemaErrors[0]).toMatch(
      /^GET \/repos\/\{owner\}\/\{repo\}\/pulls\/\{pull_number\}\/files: \/0\/status must be equal to one of the allowed values/,
    );
  });

  it('catches a wrongly typed field', async () => {
    const s = await start({ comments: [{ id: 1.5, user: 'alice', body: 'hi' }] });
    await fetch(`${s.url}/repos/acme/org/issues/42/comments`, { headers: AUTH });
    expect(s.schemaErrors.join('\n')).toMatch(/comments: .*\/0\/id must be integer/);
  });
});

describe('several pull requests (otherPulls)', () => {
  const other = (number: number, pull: Partial<StandinState['pull']>) =>
    defaultState({ pull: { ...defaultState().pull, number, headRef: `b${number}`, ...pull } });

  it('GET pulls lists them by state and base, oldest first when asked; each pull request answers from its own state', async () => {
    const s = await start({
      otherPulls: [
        other(44, { state: 'closed' }),
        other(43, { author: 'carol', draft: true }),
        other(45, { baseRef: 'stack' }),
      ],
    });
    const gh = octokit(s);
    const numbers = async (query: Record<string, string>) =>
      (await gh.rest.pulls.list({ ...REPO, ...query })).data.map((p) => p.number);
    expect(await numbers({ state: 'open', base: 'main', direction: 'asc' })).toEqual([42, 43]);
    expect(await numbers({ state: 'open', base: 'main' })).toEqual([43, 42]);
    expect(await numbers({ state: 'all', direction: 'asc' })).toEqual([42, 43, 44, 45]);
    const { data: p43 } = await gh.rest.pulls.get({ ...REPO, pull_number: 43 });
    expect([p43.user.login, p43.draft, p43.head.ref]).toEqual(['carol', true, 'b43']);
    // Comments are each pull request's, their ids the repository's.
    const { data: c } = await gh.rest.issues.createComment({ ...REPO, issue_number: 43, body: 'x' });
    await gh.rest.issues.updateComment({ ...REPO, comment_id: c.id, body: 'y' });
    expect(s.state.comments).toEqual([]);
    expect(s.state.otherPulls![1]!.comments).toMatchObject([{ id: c.id, body: 'y' }]);
    // The repository's activity holds every pull request's branch; the author of one has write.
    const refs = (await gh.rest.repos.listActivities({ ...REPO })).data.map((a) => a.ref);
    expect(refs.sort()).toEqual(['refs/heads/b43', 'refs/heads/b44', 'refs/heads/b45', 'refs/heads/bob-web']);
    const { data: carol } = await gh.rest.repos.getCollaboratorPermissionLevel({ ...REPO, username: 'carol' });
    expect(carol.permission).toBe('write');
    expect(s.schemaErrors).toEqual([]);
  });
});
