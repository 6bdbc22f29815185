/**
 * The GitHub adapter: reads the pull request (author, commits, reviews, files), judges base and
 * head dist/ as data, and reports with one sticky comment and a commit status. It never runs
 * code from the pull request: the privileged workflow checks out the base only.
 */
import { readFileSync, appendFileSync } from 'node:fs';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import { actorsOf, overridesOf, validApprovals } from '../policies/change/approvals.ts';
import { diffSnapshots } from '../policies/change/diff.ts';
import { COMMENT_MARKER, renderMarkdown } from '../policies/change/markdown.ts';
import { review, type Verdict } from '../policies/change/review.ts';
import { InputError, UsageError } from './args.ts';
import { loadSnapshots } from './diff.ts';
import type { Io } from './io.ts';

const GitHub = Octokit.plugin(retry, throttling);
export type GitHubClient = InstanceType<typeof GitHub>;

export interface ClientOptions {
  readonly baseUrl: string;
  readonly token: string;
  readonly io: Io;
  /** Milliseconds per retry step (tests shorten it). @default 1000 */
  readonly retryAfterBaseValue?: number;
  /** GitHub's pacing (one write a second, backing off on rate limits). @default true */
  readonly throttle?: boolean;
}

export function makeClient(o: ClientOptions): GitHubClient {
  return new GitHub({
    baseUrl: o.baseUrl,
    auth: o.token,
    userAgent: 'orgctl',
    log: { debug: () => {}, info: () => {}, warn: (m: string) => o.io.err(`warning github ${m}`), error: () => {} },
    retry: { retryAfterBaseValue: o.retryAfterBaseValue ?? 1000 },
    throttle: {
      enabled: o.throttle ?? true,
      retryAfterBaseValue: o.retryAfterBaseValue ?? 1000,
      // A short wait is worth it once; an hour-long reset is not: fail clearly instead.
      onRateLimit: (after: number, options: { method: string; url: string }, _c: unknown, count: number) => {
        o.io.err(`warning github rate limit on ${options.method} ${options.url}: resets in ${after} s`);
        return count < 1 && after <= 60;
      },
      onSecondaryRateLimit: (after: number, options: { method: string; url: string }, _c: unknown, count: number) => {
        o.io.err(`warning github secondary rate limit on ${options.method} ${options.url}: retry in ${after} s`);
        return count < 1 && after <= 60;
      },
    },
  });
}

export interface PullRequestFacts {
  readonly number: number;
  readonly author: string;
  readonly headSha: string;
  readonly baseSha: string;
  readonly labels: readonly string[];
  readonly actors: readonly string[];
  readonly approvals: readonly string[];
  readonly changedPaths: readonly string[];
}

interface Repo {
  readonly owner: string;
  readonly repo: string;
}

/** Everything the rules need about a pull request, every list followed through its pages. */
export async function fetchPullRequest(gh: GitHubClient, at: Repo, number: number): Promise<PullRequestFacts> {
  const { data: pr } = await gh.rest.pulls.get({ ...at, pull_number: number });
  const commits = await gh.paginate(gh.rest.pulls.listCommits, { ...at, pull_number: number, per_page: 100 });
  const reviews = await gh.paginate(gh.rest.pulls.listReviews, { ...at, pull_number: number, per_page: 100 });
  const files = await gh.paginate(gh.rest.pulls.listFiles, { ...at, pull_number: number, per_page: 100 });
  if (!pr.user?.login) throw new InputError(`pull request #${number} has no author`);
  return {
    number,
    author: pr.user.login,
    headSha: pr.head.sha,
    baseSha: pr.base.sha,
    labels: pr.labels.map((l) => l.name ?? '').filter(Boolean),
    actors: actorsOf(pr.user.login, commits.map((c) => c.author?.login ?? null)),
    approvals: validApprovals(reviews.filter((r) => r.user?.login).map((r) => ({ login: r.user!.login, state: r.state, commitId: r.commit_id ?? '' })), pr.head.sha),
    // A renamed file changes its old path too: moving policies/ into org/ is an engine change.
    changedPaths: [...new Set(files.flatMap((f) => [f.filename, ...(f.previous_filename ? [f.previous_filename] : [])]))].sort(),
  };
}

/**
 * Creates orgctl's comment, or updates it in place. Only a comment by the bot itself that
 * carries the marker is orgctl's: a marker planted by anyone else is ignored.
 */
export async function upsertComment(gh: GitHubClient, at: Repo, number: number, botLogin: string, body: string): Promise<{ id: number; created: boolean }> {
  const comments = await gh.paginate(gh.rest.issues.listComments, { ...at, issue_number: number, per_page: 100 });
  const mine = comments.find((c) => c.user?.login === botLogin && c.body?.startsWith(COMMENT_MARKER));
  if (mine) {
    await gh.rest.issues.updateComment({ ...at, comment_id: mine.id, body });
    return { id: mine.id, created: false };
  }
  const { data } = await gh.rest.issues.createComment({ ...at, issue_number: number, body });
  return { id: data.id, created: true };
}

export async function setStatus(gh: GitHubClient, at: Repo, sha: string, verdict: Verdict, targetUrl?: string): Promise<void> {
  const failed = verdict.results.filter((r) => !r.ok).map((r) => r.rule);
  const description = verdict.ok ? 'every change rule passes' : `fails: ${[...new Set(failed)].join(', ')}`;
  await gh.rest.repos.createCommitStatus({
    ...at, sha, state: verdict.ok ? 'success' : 'failure', context: 'orgctl/review',
    description: description.slice(0, 140), ...(targetUrl ? { target_url: targetUrl } : {}),
  });
}

function need(env: NodeJS.ProcessEnv, name: string): string {
  const v = env[name];
  if (!v) throw new InputError(`${name} is not set: orgctl review --github runs in a GitHub Actions job`);
  return v;
}

/** The pull request number of a pull_request, pull_request_target or pull_request_review event. */
export function pullNumberOf(eventText: string, path: string): number {
  let event: unknown;
  try {
    event = JSON.parse(eventText);
  } catch {
    throw new InputError(`${path}: the event payload is not JSON`);
  }
  const n = (event as { pull_request?: { number?: unknown } })?.pull_request?.number;
  if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0) throw new InputError(`${path}: the event has no pull_request.number (run on pull_request_target or pull_request_review)`);
  return n;
}

function pullFlag(v: unknown): number {
  const n = Number(v);
  if (!/^\d+$/.test(String(v)) || n <= 0) throw new UsageError(`--pull ${JSON.stringify(v)} is not a pull request number`);
  return n;
}

function describeGitHubError(e: unknown): string | undefined {
  const err = e as { status?: number; message?: string; response?: { headers?: Record<string, string> }; request?: { method?: string; url?: string } };
  if (typeof err?.status !== 'number') return undefined;
  const h = err.response?.headers ?? {};
  const where = err.request ? ` (${err.request.method} ${err.request.url})` : '';
  if ((err.status === 403 || err.status === 429) && h['x-ratelimit-remaining'] === '0') {
    const reset = Number(h['x-ratelimit-reset']);
    return `GitHub's API rate limit is exhausted${where}; it resets at ${Number.isFinite(reset) ? new Date(reset * 1000).toISOString() : 'an unknown time'}. No verdict was posted: re-run the job then.`;
  }
  return `GitHub answered ${err.status}${where}: ${err.message ?? ''}. No verdict was posted.`;
}

/** `orgctl review --github`: the privileged job's whole work. */
export async function reviewOnGitHub(flags: Readonly<Record<string, unknown>>, io: Io, options: Pick<ClientOptions, 'retryAfterBaseValue' | 'throttle'> = {}): Promise<number> {
  const env = io.env;
  const eventPath = need(env, 'GITHUB_EVENT_PATH');
  const [owner, repo] = need(env, 'GITHUB_REPOSITORY').split('/');
  if (!owner || !repo) throw new InputError(`GITHUB_REPOSITORY ${JSON.stringify(env.GITHUB_REPOSITORY)} is not owner/repo`);
  const token = need(env, 'GITHUB_TOKEN');
  let eventText: string;
  try {
    eventText = readFileSync(eventPath, 'utf8');
  } catch {
    throw new InputError(`${eventPath}: cannot read the event payload`);
  }
  const number = flags.pull !== undefined ? pullFlag(flags.pull) : pullNumberOf(eventText, eventPath);
  const at = { owner, repo };
  const gh = makeClient({ baseUrl: env.GITHUB_API_URL ?? 'https://api.github.com', token, io, ...options });
  const botLogin = (flags['bot-login'] as string | undefined) ?? env.ORGCTL_BOT_LOGIN ?? 'github-actions[bot]';
  try {
    const pr = await fetchPullRequest(gh, at, number);
    // Base: the checked-out base branch's dist/. Head: the head commit's dist/, from git objects.
    const { base, head } = loadSnapshots((flags.base as string | undefined) ?? 'dist', (flags.head as string | undefined) ?? `${pr.headSha}:dist`, io);
    const diff = diffSnapshots(base, head);
    const verdict = review({ base, head, diff, actors: pr.actors, approvals: pr.approvals, changedPaths: pr.changedPaths, overrides: overridesOf(pr.labels) });
    const runUrl = env.GITHUB_SERVER_URL && env.GITHUB_RUN_ID ? `${env.GITHUB_SERVER_URL}/${owner}/${repo}/actions/runs/${env.GITHUB_RUN_ID}` : undefined;
    const full = renderMarkdown(diff, verdict, { maxChars: 1_000_000 });
    if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, `${full}\n`);
    const body = renderMarkdown(diff, verdict, { fullReport: runUrl ? `the job summary of ${runUrl}` : 'the job summary' });
    const comment = await upsertComment(gh, at, number, botLogin, body);
    await setStatus(gh, at, pr.headSha, verdict, runUrl);
    io.out(`${verdict.ok ? 'passed' : 'failed'}: pull request #${number}, comment ${comment.id} ${comment.created ? 'created' : 'updated'}, status ${verdict.ok ? 'success' : 'failure'} on ${pr.headSha.slice(0, 12)}`);
    for (const r of verdict.results.filter((x) => !x.ok)) io.err(`error ${r.rule} ${r.message}`);
    return verdict.ok ? 0 : 1;
  } catch (e) {
    const message = describeGitHubError(e);
    if (message) throw new InputError(message);
    throw e;
  }
}
