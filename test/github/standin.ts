/**
 * A GitHub REST API stand-in on loopback for tests: the operations the GitHub adapter uses (and
 * createCommitStatus, which it must not use), for one repository and one pull request, or
 * several (`otherPulls`, listed by GET pulls) (and each login's permission in that repository, and
 * who pushed to its branches), served from a mutable `StandinState`. Like GitHub, it lists at most 250 commits and 3,000 files of a pull request
 * while the pull request itself reports the true `commits` and `changed_files`.
 *
 * Every 2xx JSON body is validated against GitHub's own OpenAPI description (the schemas extracted
 * into test/fixtures/github/schemas.json by extract-github-schemas.mjs), so a test that passes here
 * has been fed bodies GitHub could really send. A body that fails is still sent, and the failure is
 * recorded in `schemaErrors`: tests assert it stays empty. The JSON body of a POST check-runs request
 * is validated against GitHub's request schema too: an invalid one is answered 422, as GitHub does,
 * and recorded in `schemaErrors`.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, request, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { ThrottlingOptions } from '@octokit/plugin-throttling';
import type { Io } from '../../model/io.ts';
import { reviewOnGitHub, type GitHubReviewFlags } from '../../cli/github.ts';
import { afterEach, expect } from 'vitest';
import { ROOT, tempDir } from '../helpers.ts';
import { DAN_ID } from '../review/scenarios.ts';

/** `verified`: GitHub verified the commit's signature (`commit.verification.verified`). */
export interface StandinCommit {
  sha: string;
  authorLogin: string | null;
  verified: boolean /** @default authorLogin */;
  committerLogin?: string | null;
}
export interface StandinReview {
  user: string;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED';
  commitId: string;
  /** GitHub's author_association of the reviewer (default: MEMBER, NONE for a bot). */
  association?: 'OWNER' | 'MEMBER' | 'COLLABORATOR' | 'CONTRIBUTOR' | 'FIRST_TIMER' | 'FIRST_TIME_CONTRIBUTOR' | 'NONE';
}
/**
 * One change of a branch, as GitHub's repository activity lists it (GET /repos/{owner}/{repo}/activity):
 * `actor` moved `ref` (default: the pull request's head branch) to `after`.
 */
export interface StandinPush {
  after: string;
  actor: string | null;
  ref?: string;
  /** @default 'push' */
  type?: 'push' | 'force_push' | 'branch_creation';
}
export interface StandinComment {
  id: number;
  user: string;
  body: string;
}
export interface StandinStatus {
  sha: string;
  state: 'error' | 'failure' | 'pending' | 'success';
  context: string;
  description: string;
  targetUrl?: string;
}
/** A check run as created through POST check-runs. */
export interface StandinCheckRun {
  id: number;
  name: string;
  headSha: string;
  status: string;
  conclusion: string | null;
  title: string | null;
  summary: string | null;
  detailsUrl?: string;
  /** What the poster recorded with it (GitHub's `external_id`): orgctl names the pull request whose verdict a success carries. */
  externalId?: string;
  /** The check suite it is in (StandinState.checkRunListing; default 1: the token's app has one suite per commit). */
  suite?: number;
}
/**
 * A repository role, as GitHub names it in `role_name`; GitHub's `permission` maps `maintain` to
 * `write` and `triage` to `read`. `null`: GitHub answers 404, as for a login that is no collaborator.
 */
export type StandinRole = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';
/**
 * A canned failure. `rateLimit: true` always answers 403 with GitHub's rate-limit headers and body
 * (the primary limit exhausted); `secondary: true` answers `status` (403 or 429) as GitHub does for
 * a secondary rate limit: its message, a `retry-after` header of `retryAfter` seconds (none when
 * null; default 60), and primary headers with requests left.
 */
export interface StandinFault {
  method?: string;
  path: RegExp;
  status: 500 | 502 | 503 | 403 | 429;
  times: number;
  rateLimit?: boolean;
  secondary?: boolean;
  retryAfter?: number | null;
  /** Matching requests let through before the fault begins (default 0). */
  after?: number;
}
export interface StandinState {
  owner: string;
  repo: string;
  /** The repository's default branch (a pull request may target another). */
  defaultBranch: string;
  /**
   * The commit the default branch is at now, as GitHub has it (GET git/ref/heads/{branch}; default
   * the HEAD of this repository's checkout, whose dist/ tests give as --base): what a review's base
   * must be (red team R32a-1). `pull.baseSha` is what
   * pulls.get says, the base branch when the pull request was opened.
   */
  defaultBranchSha?: string;
  /**
   * The commit the pull request's first commit is made on (its parent, as pulls.listCommits lists
   * it; default the default branch's tip: a head up to date with it). Not `pull.baseSha`, which is
   * the base branch when the pull request was opened or last updated.
   */
  branchedFrom?: string;
  /** Login of the token's owner: author of the comments the stand-in creates; the only one allowed to edit comments. */
  botLogin: string;
  pull: {
    number: number;
    title: string;
    author: string;
    headSha: string;
    baseSha: string;
    headRef: string;
    baseRef: string;
    labels: string[];
    /**
     * Who applied and removed labels, oldest first (GET issues/{number}/events). Default: each label
     * of `labels` applied by the pull request's author.
     */
    labelEvents?: { event: 'labeled' | 'unlabeled'; label: string; actor: string }[];
    /**
     * Who closed, reopened, made a draft of or marked ready the pull request, oldest first (GET
     * issues/{number}/events lists them after the label events). Default: none.
     */
    stateEvents?: { event: 'closed' | 'reopened' | 'convert_to_draft' | 'ready_for_review'; actor: string }[];
    /**
     * The owner of the fork the head branch is in (default: none, the head is in the repository
     * itself). The fork is private to the stand-in's token: every request to it answers 404.
     */
    headOwner?: string;
    /** Whether the pull request is closed (unmerged) or a draft (default: open, ready for review). */
    state?: 'open' | 'closed';
    draft?: boolean;
    /** GitHub's author_association of the author (default: MEMBER). */
    authorAssociation?:
      | 'OWNER'
      | 'MEMBER'
      | 'COLLABORATOR'
      | 'CONTRIBUTOR'
      | 'FIRST_TIMER'
      | 'FIRST_TIME_CONTRIBUTOR'
      | 'NONE';
  };
  commits: StandinCommit[];
  reviews: StandinReview[];
  /**
   * Each login's role in the repository (GET collaborators/{username}/permission), matched without
   * regard to case. A login not listed has `write` when it is a reviewer or the pull request's author
   * associated as OWNER, MEMBER or COLLABORATOR, and is answered 404 otherwise.
   */
  roles?: Record<string, StandinRole | null>;
  /**
   * The repository's activity, oldest first (GET activity lists it newest first). Default: the
   * pull request's author created its head branch at the head commit.
   */
  pushes?: StandinPush[];
  /**
   * `previousFilename`: a renamed file's old path (GitHub's `previous_filename`). `mode`: its git
   * mode in the head commit (default `100644`), which GitHub's list of files does not give and the
   * head's recursive tree does (`120000` a symbolic link, `160000` a submodule).
   */
  files: {
    filename: string;
    status: 'added' | 'removed' | 'modified' | 'renamed';
    previousFilename?: string;
    mode?: '100644' | '100755' | '120000' | '160000';
  }[];
  /**
   * GET git/trees/{sha}?recursive=1 of the head says GitHub cut its listing (`truncated`: over
   * 100,000 entries or 7 MB), listing what it has (default false).
   */
  headTreeTruncated?: boolean;
  comments: StandinComment[]; // mutated by POST/PATCH
  statuses: StandinStatus[]; // appended by POST statuses
  checkRuns: StandinCheckRun[]; // appended by POST check-runs
  /**
   * How GET commits/{ref}/check-runs lists (default: newest first, every run in one suite). GitHub
   * documents neither the order nor what `latest` keeps per suite; runs a workflow's token posts
   * land in one of that commit's workflow-run suites. `suitePerRun`: each POST in a suite of its
   * own (`latest` then keeps one run per suite); `oldestFirst`: the listing's order reversed.
   * Whatever the options, it lists the runs of the commit's 1000 most recent suites only.
   */
  checkRunListing?: { suitePerRun?: boolean; oldestFirst?: boolean };
  faults: StandinFault[]; // consumed: each matching request decrements `times`
  /**
   * The repository's other pull requests (default: none), each with its own commits, reviews,
   * files, comments and pushes (default: its author created its head branch); check runs, roles,
   * faults and the bot are the repository's. GET pulls lists them with `pull`.
   */
  otherPulls?: StandinOtherPull[];
}
/** Another pull request of the stand-in's repository (StandinState.otherPulls). */
export type StandinOtherPull = Pick<StandinState, 'pull' | 'commits' | 'reviews' | 'files' | 'comments'> &
  Pick<Partial<StandinState>, 'pushes' | 'branchedFrom'>;

/** Every pull request of the repository, each as a state of its own (the others' arrays shared, check runs the repository's). */
function pullStates(state: StandinState): StandinState[] {
  return [state, ...(state.otherPulls ?? []).map((other) => ({ ...state, pushes: undefined, ...other }))];
}
/** The verdicts posted: completed check runs, in order (a run marks the check in progress first). */
export const verdicts = (state: StandinState): StandinCheckRun[] =>
  state.checkRuns.filter((c) => c.status === 'completed');

export interface Standin {
  url: string;
  state: StandinState;
  /** Every request seen, in the order answered; `path` includes the query. */
  requests: { method: string; path: string; status: number }[];
  /** Every response body that failed validation against GitHub's schema (should stay empty). */
  schemaErrors: string[];
  close(): Promise<void>;
}

const HTML = 'https://github.com';
const DOCS = 'https://docs.github.com/rest';
/** Timestamp of everything the state seeds (GitHub's format: seconds, `Z`). */
const SEEDED_AT = '2026-01-05T09:00:00Z';

/** A stable 40-hex SHA made from a label, for readable fixtures. */
export function fakeSha(label: string): string {
  return createHash('sha1').update(label).digest('hex');
}

/**
 * A mass removal grace (no admin) authored and signed, both admins (alice, frank) approved, with
 * the override label on it and these label events: who applied the override is the question.
 */
const graceMassRemovalState = (labelEvents: StandinState['pull']['labelEvents']): StandinState =>
  defaultState({
    pull: { ...defaultState().pull, author: 'grace', labels: ['orgctl/override-mass-removal'], labelEvents },
    commits: [{ sha: fakeSha('head'), authorLogin: 'grace', verified: true }],
    reviews: [
      { user: 'alice', state: 'APPROVED', commitId: fakeSha('head') },
      { user: 'frank', state: 'APPROVED', commitId: fakeSha('head') },
    ],
  });

/**
 * grace's mass removal (`sides`: base's and head's dist/) with these label events, reviewed on a
 * stand-in started for it, which the caller closes (each test file keeps its stand-in's lifetime).
 */
export async function reviewGraceMassRemoval(
  labelEvents: StandinState['pull']['labelEvents'],
  sides: { readonly base: string; readonly head: string },
  eventPath: string,
): Promise<{ standin: Standin; result: Awaited<ReturnType<typeof reviewOnStandin>> }> {
  const standin = await startStandin(graceMassRemovalState(labelEvents));
  return { standin, result: await reviewOnStandin(standin, sides, eventPath) };
}

/** A plausible PR: one signed commit by 'bob', no reviews, two changed files, no comments. */
export function defaultState(overrides: Partial<StandinState> = {}): StandinState {
  const headSha = fakeSha('head');
  return {
    owner: 'acme',
    repo: 'org',
    defaultBranch: 'main',
    botLogin: 'github-actions[bot]',
    pull: {
      number: 42,
      title: 'Give bob access to web',
      author: 'bob',
      headSha,
      baseSha: fakeSha('base'),
      headRef: 'bob-web',
      baseRef: 'main',
      labels: [],
    },
    commits: [{ sha: headSha, authorLogin: 'bob', verified: true }],
    reviews: [],
    files: [
      { filename: 'org/org.ts', status: 'modified' },
      { filename: 'dist/namespaces/web.yaml', status: 'modified' },
    ],
    comments: [],
    statuses: [],
    checkRuns: [],
    faults: [],
    ...overrides,
  };
}

// ---------------------------------------------------------------------------------------------
// Schema validation

const OPERATIONS = {
  listPulls: 'GET /repos/{owner}/{repo}/pulls',
  getPull: 'GET /repos/{owner}/{repo}/pulls/{pull_number}',
  listCommits: 'GET /repos/{owner}/{repo}/pulls/{pull_number}/commits',
  listReviews: 'GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews',
  listFiles: 'GET /repos/{owner}/{repo}/pulls/{pull_number}/files',
  listComments: 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
  createComment: 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
  updateComment: 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}',
  createStatus: 'POST /repos/{owner}/{repo}/statuses/{sha}',
  createCheckRun: 'POST /repos/{owner}/{repo}/check-runs',
  listCheckRunsForRef: 'GET /repos/{owner}/{repo}/commits/{ref}/check-runs',
  listSuitesForRef: 'GET /repos/{owner}/{repo}/commits/{ref}/check-suites',
  listCheckRunsForSuite: 'GET /repos/{owner}/{repo}/check-suites/{check_suite_id}/check-runs',
  getPermission: 'GET /repos/{owner}/{repo}/collaborators/{username}/permission',
  listEvents: 'GET /repos/{owner}/{repo}/issues/{issue_number}/events',
  listActivities: 'GET /repos/{owner}/{repo}/activity',
  getRef: 'GET /repos/{owner}/{repo}/git/ref/{ref}',
  getTree: 'GET /repos/{owner}/{repo}/git/trees/{tree_sha}',
} as const;
type Operation = (typeof OPERATIONS)[keyof typeof OPERATIONS];
/** Operations whose request body is checked as well. */
type RequestOperation = typeof OPERATIONS.createCheckRun;

interface SchemaFile {
  operations: Record<Operation, { schema: object }>;
  requests: Record<RequestOperation, { schema: object }>;
  $defs: Record<string, object>;
}

let compiled: Map<Operation, ValidateFunction> | undefined;
let compiledRequests: Map<RequestOperation, ValidateFunction> | undefined;

/** One compiled validator per operation, shared by all stand-ins (compiling is the slow part). */
function validators(): Map<Operation, ValidateFunction> {
  if (compiled) return compiled;
  const file = JSON.parse(
    readFileSync(resolve(import.meta.dirname, '../fixtures/github/schemas.json'), 'utf8'),
  ) as SchemaFile;
  // strict: false because GitHub's schemas are loosely authored (e.g. `required` without `type:
  // "object"`), which ajv's strictTypes/strictRequired reject; strictSchema stays on so that a keyword
  // ajv does not know (an unconverted OpenAPI-ism such as `nullable`, which would check nothing) fails.
  const ajv = new Ajv2020({ strict: false, strictSchema: true, allErrors: true });
  // The formats the description uses; without them ajv would only warn and skip the check.
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  ajv.addFormat('email', /^[^\s@]+@[^\s@]+$/);
  ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/);
  ajv.addFormat('uri', (s: string) => URL.canParse(s));
  compiled = new Map();
  for (const op of Object.values(OPERATIONS)) {
    compiled.set(op, ajv.compile({ ...file.operations[op].schema, $defs: file.$defs }));
  }
  compiledRequests = new Map();
  for (const op of Object.keys(file.requests) as RequestOperation[]) {
    compiledRequests.set(op, ajv.compile({ ...file.requests[op].schema, $defs: file.$defs }));
  }
  return compiled;
}

function describeErrors(validate: ValidateFunction): string {
  return (validate.errors ?? [])
    .slice(0, 10)
    .map((e) => `${e.instancePath || '/'} ${e.message}`)
    .join('; ');
}

/** Why `body` is not a valid response of `op`, or undefined when it is. */
function schemaProblem(op: Operation, body: unknown): string | undefined {
  const validate = validators().get(op)!;
  if (validate(body)) return undefined;
  return `${op}: ${describeErrors(validate)}`;
}

/** Why `input` is not a valid request body of `op`, or undefined when it is. */
function requestProblem(op: RequestOperation, input: unknown): string | undefined {
  validators();
  const validate = compiledRequests!.get(op)!;
  if (validate(input)) return undefined;
  return `${op} request: ${describeErrors(validate)}`;
}

// ---------------------------------------------------------------------------------------------
// Response bodies, shaped like GitHub's

/** What every builder needs: the state and where the stand-in's API lives (for `url` fields). */
interface Ctx {
  state: StandinState;
  api: string;
}

/** A stable positive id from a label, so the same login always gets the same user id. */
function idOf(label: string): number {
  return createHash('sha1').update(label).digest().readUInt32BE(0) & 0x7fffffff;
}

function nodeId(prefix: string, id: number): string {
  return `${prefix}_kwDO${Buffer.from(String(id)).toString('base64url')}`;
}

/**
 * The accounts of the example's admins, by the ids org/org.ts and test/fixtures/specs/acme.yaml
 * declare for them (admin-github-id asks every admin for theirs), and of dan, whom tests make one
 * (danMadeAdmin: admin-change-approval refuses an admin made by login alone).
 */
const DECLARED_ACCOUNTS: Readonly<Record<string, number>> = { alice: 583231, frank: 1742619, dan: DAN_ID };

/**
 * The id of the account the stand-in serves for `login` (what a user object's `id` is): one account
 * whatever the letter case, as GitHub's logins are.
 */
export const userIdOf = (login: string): number =>
  DECLARED_ACCOUNTS[login.toLowerCase()] ?? idOf(`user:${login.toLowerCase()}`);

const isBot = (login: string) => login.endsWith('[bot]');

/** A simple-user. Logins ending in `[bot]` are apps, with GitHub's Bot type and /apps/ html_url. */
function user(ctx: Ctx, login: string, type = isBot(login) ? 'Bot' : 'User'): Record<string, unknown> {
  const id = userIdOf(login);
  const url = `${ctx.api}/users/${encodeURIComponent(login)}`;
  const html = type === 'Bot' ? `${HTML}/apps/${login.replace(/\[bot\]$/, '')}` : `${HTML}/${login}`;
  return {
    login,
    id,
    node_id: nodeId(type === 'Bot' ? 'BOT' : 'U', id),
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: '',
    url,
    html_url: html,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type,
    user_view_type: 'public',
    site_admin: false,
  };
}

function association(login: string): string {
  return isBot(login) ? 'NONE' : 'MEMBER';
}

const repoPath = ({ state }: Ctx) => `${state.owner}/${state.repo}`;

/** The repository, or a fork of it that `owner` (a user) holds. */
function repository(ctx: Ctx, owner = ctx.state.owner): Record<string, unknown> {
  const fork = owner !== ctx.state.owner;
  const full = `${owner}/${ctx.state.repo}`;
  const url = `${ctx.api}/repos/${full}`;
  const id = idOf(`repo:${full}`);
  return {
    id,
    node_id: nodeId('R', id),
    name: ctx.state.repo,
    full_name: full,
    private: true,
    owner: user(ctx, owner, fork ? 'User' : 'Organization'),
    html_url: `${HTML}/${full}`,
    description: null,
    fork,
    url,
    ...repositoryUrls(url),
    git_url: `git://github.com/${full}.git`,
    ssh_url: `git@github.com:${full}.git`,
    clone_url: `${HTML}/${full}.git`,
    svn_url: `${HTML}/${full}`,
    homepage: null,
    language: 'TypeScript',
    mirror_url: null,
    license: null,
    size: 120,
    stargazers_count: 0,
    watchers_count: 0,
    watchers: 0,
    forks_count: 0,
    forks: 0,
    open_issues_count: 1,
    open_issues: 1,
    default_branch: ctx.state.defaultBranch,
    topics: [],
    visibility: 'private',
    has_issues: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    allow_forking: false,
    is_template: false,
    web_commit_signoff_required: false,
    pushed_at: SEEDED_AT,
    created_at: '2025-06-01T12:00:00Z',
    updated_at: SEEDED_AT,
  };
}

/** The `*_url` fields of a repository (several are RFC 6570 templates, as on GitHub). */
function repositoryUrls(url: string): Record<string, string> {
  return {
    archive_url: `${url}/{archive_format}{/ref}`,
    assignees_url: `${url}/assignees{/user}`,
    blobs_url: `${url}/git/blobs{/sha}`,
    branches_url: `${url}/branches{/branch}`,
    collaborators_url: `${url}/collaborators{/collaborator}`,
    comments_url: `${url}/comments{/number}`,
    commits_url: `${url}/commits{/sha}`,
    compare_url: `${url}/compare/{base}...{head}`,
    contents_url: `${url}/contents/{+path}`,
    contributors_url: `${url}/contributors`,
    deployments_url: `${url}/deployments`,
    downloads_url: `${url}/downloads`,
    events_url: `${url}/events`,
    forks_url: `${url}/forks`,
    git_commits_url: `${url}/git/commits{/sha}`,
    git_refs_url: `${url}/git/refs{/sha}`,
    git_tags_url: `${url}/git/tags{/sha}`,
    hooks_url: `${url}/hooks`,
    issue_comment_url: `${url}/issues/comments{/number}`,
    issue_events_url: `${url}/issues/events{/number}`,
    issues_url: `${url}/issues{/number}`,
    keys_url: `${url}/keys{/key_id}`,
    labels_url: `${url}/labels{/name}`,
    languages_url: `${url}/languages`,
    merges_url: `${url}/merges`,
    milestones_url: `${url}/milestones{/number}`,
    notifications_url: `${url}/notifications{?since,all,participating}`,
    pulls_url: `${url}/pulls{/number}`,
    releases_url: `${url}/releases{/id}`,
    stargazers_url: `${url}/stargazers`,
    statuses_url: `${url}/statuses/{sha}`,
    subscribers_url: `${url}/subscribers`,
    subscription_url: `${url}/subscription`,
    tags_url: `${url}/tags`,
    teams_url: `${url}/teams`,
    trees_url: `${url}/git/trees{/sha}`,
  };
}

/** A pull request's head or base: on the repository, or a head on a fork `owner` holds. */
function branch(ctx: Ctx, ref: string, sha: string, owner = ctx.state.owner): Record<string, unknown> {
  const holder = user(ctx, owner, owner === ctx.state.owner ? 'Organization' : 'User');
  return { label: `${owner}:${ref}`, ref, sha, user: holder, repo: repository(ctx, owner) };
}

function label(ctx: Ctx, name: string): Record<string, unknown> {
  const id = idOf(`label:${name}`);
  const url = `${ctx.api}/repos/${repoPath(ctx)}/labels/${encodeURIComponent(name)}`;
  return { id, node_id: nodeId('LA', id), url, name, description: null, color: 'ededed', default: false };
}

/** The API and web links of the pull request, keyed as in its `_links`. */
function pullLinks(ctx: Ctx): Record<string, string> {
  const { number, headSha } = ctx.state.pull;
  const repo = `${ctx.api}/repos/${repoPath(ctx)}`;
  const self = `${repo}/pulls/${number}`;
  return {
    self,
    html: `${HTML}/${repoPath(ctx)}/pull/${number}`,
    issue: `${repo}/issues/${number}`,
    comments: `${repo}/issues/${number}/comments`,
    review_comments: `${self}/comments`,
    review_comment: `${repo}/pulls/comments{/number}`,
    commits: `${self}/commits`,
    statuses: `${repo}/statuses/${headSha}`,
  };
}

/** An open, unmerged, mergeable pull request with no assignees, reviewers requested or milestone. */
function pullRequest(ctx: Ctx): Record<string, unknown> {
  const { pull, files, comments, commits } = ctx.state;
  const id = idOf(`pull:${repoPath(ctx)}#${pull.number}`);
  const links = pullLinks(ctx);
  return {
    url: links.self,
    id,
    node_id: nodeId('PR', id),
    html_url: links.html,
    diff_url: `${links.html}.diff`,
    patch_url: `${links.html}.patch`,
    issue_url: links.issue,
    commits_url: links.commits,
    review_comments_url: links.review_comments,
    review_comment_url: links.review_comment,
    comments_url: links.comments,
    statuses_url: links.statuses,
    _links: Object.fromEntries(Object.entries(links).map(([rel, href]) => [rel, { href }])),
    number: pull.number,
    title: pull.title,
    user: user(ctx, pull.author),
    body: null,
    labels: pull.labels.map((name) => label(ctx, name)),
    head: branch(ctx, pull.headRef, pull.headSha, pull.headOwner),
    base: branch(ctx, pull.baseRef, pull.baseSha),
    state: pull.state ?? 'open',
    locked: false,
    active_lock_reason: null,
    draft: pull.draft ?? false,
    author_association: pull.authorAssociation ?? 'MEMBER',
    milestone: null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    created_at: SEEDED_AT,
    updated_at: SEEDED_AT,
    closed_at: pull.state === 'closed' ? SEEDED_AT : null,
    merged: false,
    merged_at: null,
    merged_by: null,
    merge_commit_sha: null,
    mergeable: true,
    rebaseable: true,
    mergeable_state: 'clean',
    auto_merge: null,
    maintainer_can_modify: false,
    comments: comments.length,
    review_comments: 0,
    commits: commits.length,
    additions: files.length * 3,
    deletions: files.length,
    changed_files: files.length,
  };
}

function gitUser(login: string | null, date: string): Record<string, string> {
  const name = login ?? 'Unlinked Author';
  return { name, email: `${login ?? 'unlinked'}@users.noreply.github.com`, date };
}

/** A commit of the pull request; the first one's parent is where it branched from, each next one's the previous. */
function commit(ctx: Ctx, c: StandinCommit, index: number): Record<string, unknown> {
  const repo = `${ctx.api}/repos/${repoPath(ctx)}`;
  const parent =
    index === 0 ? (ctx.state.branchedFrom ?? defaultBranchTip(ctx.state)) : ctx.state.commits[index - 1].sha;
  const date = minutesAfterSeed(index);
  const login = c.authorLogin === null ? null : user(ctx, c.authorLogin);
  const committerLogin = c.committerLogin === undefined ? c.authorLogin : c.committerLogin;
  const committer = committerLogin === null ? null : user(ctx, committerLogin);
  return {
    sha: c.sha,
    node_id: nodeId('C', idOf(`commit:${c.sha}`)),
    url: `${repo}/commits/${c.sha}`,
    html_url: `${HTML}/${repoPath(ctx)}/commit/${c.sha}`,
    comments_url: `${repo}/commits/${c.sha}/comments`,
    commit: {
      url: `${repo}/git/commits/${c.sha}`,
      author: gitUser(c.authorLogin, date),
      committer: gitUser(committerLogin, date),
      message: `Commit ${index + 1} of #${ctx.state.pull.number}`,
      comment_count: 0,
      tree: { sha: fakeSha(`tree:${c.sha}`), url: `${repo}/git/trees/${fakeSha(`tree:${c.sha}`)}` },
      verification: c.verified
        ? {
            verified: true,
            reason: 'valid',
            payload: `tree ${fakeSha(`tree:${c.sha}`)}\n`,
            signature: '-----BEGIN PGP SIGNATURE-----\n\n-----END PGP SIGNATURE-----',
            verified_at: date,
          }
        : { verified: false, reason: 'unsigned', payload: null, signature: null, verified_at: null },
    },
    // GitHub sends null when the commit's email belongs to no account.
    author: login,
    committer,
    parents: [{ sha: parent, url: `${repo}/commits/${parent}`, html_url: `${HTML}/${repoPath(ctx)}/commit/${parent}` }],
  };
}

function minutesAfterSeed(minutes: number): string {
  return new Date(Date.parse(SEEDED_AT) + minutes * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function review(ctx: Ctx, r: StandinReview, index: number): Record<string, unknown> {
  const id = 1_000_000 + index + 1;
  const pullUrl = `${ctx.api}/repos/${repoPath(ctx)}/pulls/${ctx.state.pull.number}`;
  const html = `${HTML}/${repoPath(ctx)}/pull/${ctx.state.pull.number}#pullrequestreview-${id}`;
  return {
    id,
    node_id: nodeId('PRR', id),
    user: user(ctx, r.user),
    body: '',
    state: r.state,
    html_url: html,
    pull_request_url: pullUrl,
    author_association: r.association ?? association(r.user),
    _links: { html: { href: html }, pull_request: { href: pullUrl } },
    submitted_at: minutesAfterSeed(60 + index),
    commit_id: r.commitId,
  };
}

function diffEntry(ctx: Ctx, file: StandinState['files'][number]): Record<string, unknown> {
  const { headSha } = ctx.state.pull;
  const path = file.filename.split('/').map(encodeURIComponent).join('/');
  const removed = file.status === 'removed';
  const additions = removed ? 0 : 3;
  const deletions = file.status === 'added' ? 0 : 1;
  return {
    sha: fakeSha(`blob:${file.filename}`),
    filename: file.filename,
    status: file.status,
    additions,
    deletions,
    changes: additions + deletions,
    blob_url: `${HTML}/${repoPath(ctx)}/blob/${headSha}/${path}`,
    raw_url: `${HTML}/${repoPath(ctx)}/raw/${headSha}/${path}`,
    contents_url: `${ctx.api}/repos/${repoPath(ctx)}/contents/${path}?ref=${headSha}`,
    patch: '@@ -1 +1,3 @@\n-old\n+new\n+new\n+new',
    ...(file.previousFilename !== undefined && { previous_filename: file.previousFilename }),
  };
}

interface CommentTimes {
  created: string;
  updated: string;
}

function issueComment(ctx: Ctx, c: StandinComment, times: CommentTimes | undefined): Record<string, unknown> {
  const repo = `${ctx.api}/repos/${repoPath(ctx)}`;
  const url = `${repo}/issues/comments/${c.id}`;
  return {
    id: c.id,
    node_id: nodeId('IC', c.id),
    url,
    html_url: `${HTML}/${repoPath(ctx)}/pull/${ctx.state.pull.number}#issuecomment-${c.id}`,
    body: c.body,
    user: user(ctx, c.user),
    created_at: times?.created ?? SEEDED_AT,
    updated_at: times?.updated ?? SEEDED_AT,
    issue_url: `${repo}/issues/${ctx.state.pull.number}`,
    author_association: association(c.user),
    performed_via_github_app: null,
    reactions: {
      url: `${url}/reactions`,
      total_count: 0,
      '+1': 0,
      '-1': 0,
      laugh: 0,
      confused: 0,
      heart: 0,
      hooray: 0,
      eyes: 0,
      rocket: 0,
    },
  };
}

/** The GitHub Actions app: what a workflow's GITHUB_TOKEN creates check runs as. */
function actionsApp(ctx: Ctx): Record<string, unknown> {
  return {
    id: 15368,
    slug: 'github-actions',
    node_id: 'MDM6QXBwMTUzNjg=',
    client_id: 'Iv1.05c79e9ad1f6bdfa',
    owner: user(ctx, 'github', 'Organization'),
    name: 'GitHub Actions',
    description: 'Automate your workflow from idea to production',
    external_url: 'https://help.github.com/en/actions',
    html_url: `${HTML}/apps/github-actions`,
    created_at: '2018-07-30T09:30:17Z',
    updated_at: '2024-04-10T20:33:16Z',
    permissions: { checks: 'write', contents: 'write', metadata: 'read', pull_requests: 'write', statuses: 'write' },
    events: ['check_run', 'check_suite', 'pull_request', 'push'],
  };
}

function checkRun(ctx: Ctx, c: StandinCheckRun, at: string): Record<string, unknown> {
  const repo = `${ctx.api}/repos/${repoPath(ctx)}`;
  const { pull } = ctx.state;
  const repoMinimal = { id: idOf(`repo:${repoPath(ctx)}`), url: repo, name: ctx.state.repo };
  const completed = c.status === 'completed';
  return {
    id: c.id,
    name: c.name,
    node_id: nodeId('CR', c.id),
    head_sha: c.headSha,
    external_id: c.externalId ?? '',
    url: `${repo}/check-runs/${c.id}`,
    html_url: `${HTML}/${repoPath(ctx)}/runs/${c.id}`,
    details_url: c.detailsUrl ?? `${HTML}/${repoPath(ctx)}/runs/${c.id}`,
    status: c.status,
    conclusion: c.conclusion,
    started_at: at,
    completed_at: completed ? at : null,
    output: {
      title: c.title,
      summary: c.summary,
      text: null,
      annotations_count: 0,
      annotations_url: `${repo}/check-runs/${c.id}/annotations`,
    },
    check_suite: { id: suiteId(c.headSha, suiteOf(c)) },
    app: actionsApp(ctx),
    pull_requests:
      c.headSha === pull.headSha
        ? [
            {
              url: `${repo}/pulls/${pull.number}`,
              id: idOf(`pull:${repoPath(ctx)}#${pull.number}`),
              number: pull.number,
              head: { ref: pull.headRef, sha: pull.headSha, repo: repoMinimal },
              base: { ref: pull.baseRef, sha: pull.baseSha, repo: repoMinimal },
            },
          ]
        : [],
  };
}

function commitStatus(ctx: Ctx, s: StandinStatus, id: number, at: string): Record<string, unknown> {
  const creator = user(ctx, ctx.state.botLogin);
  return {
    url: `${ctx.api}/repos/${repoPath(ctx)}/statuses/${s.sha}`,
    avatar_url: creator.avatar_url,
    id,
    node_id: nodeId('SC', id),
    state: s.state,
    description: s.description,
    target_url: s.targetUrl ?? null,
    context: s.context,
    created_at: at,
    updated_at: at,
    creator,
  };
}

/**
 * An event of the pull request's issue, as GET issues/{number}/events lists it: a labeled or
 * unlabeled one (`label`), or a closed, reopened, convert_to_draft or ready_for_review one (GitHub
 * adds a state_reason to the first two). `at`: minutes after the seed.
 */
function issueEvent(
  ctx: Ctx,
  e: { event: string; actor: string; label?: string },
  id: number,
  at: number,
): Record<string, unknown> {
  const prefixes: Record<string, string> = { labeled: 'LE', unlabeled: 'UNLE', reopened: 'REE', closed: 'CE' };
  return {
    id,
    node_id: nodeId(prefixes[e.event] ?? 'RFRE', id),
    url: `${ctx.api}/repos/${repoPath(ctx)}/issues/events/${id}`,
    actor: user(ctx, e.actor),
    event: e.event,
    commit_id: null,
    commit_url: null,
    created_at: minutesAfterSeed(at),
    performed_via_github_app: null,
    ...(e.label !== undefined && { label: { name: e.label, color: 'ededed' } }),
    ...((e.event === 'reopened' || e.event === 'closed') && {
      state_reason: e.event === 'reopened' ? 'reopened' : null,
    }),
  };
}

function listEvents(ctx: Ctx, url: URL): Reply {
  const { pull } = ctx.state;
  const events =
    pull.labelEvents ?? pull.labels.map((label) => ({ event: 'labeled' as const, label, actor: pull.author }));
  return paginate(ctx, url, OPERATIONS.listEvents, [
    ...events.map((e, i) => issueEvent(ctx, e, 40_000_000 + i + 1, 30 + i)),
    ...(pull.stateEvents ?? []).map((e, i) => issueEvent(ctx, e, 45_000_000 + i + 1, 40 + i)),
  ]);
}

/** One entry of the repository's activity; `before` is the previous entry's `after` on the same ref, else the base. */
function activity(ctx: Ctx, p: StandinPush, index: number, before: string): Record<string, unknown> {
  const id = 50_000_000 + index + 1;
  return {
    id,
    node_id: nodeId('A', id),
    before,
    after: p.after,
    ref: `refs/heads/${p.ref ?? ctx.state.pull.headRef}`,
    timestamp: minutesAfterSeed(index),
    activity_type: p.type ?? 'push',
    actor: p.actor === null ? null : user(ctx, p.actor),
  };
}

/** GET activity: newest first (GitHub's default direction), filtered by `ref` (a full ref or a branch name). */
function listActivities(ctx: Ctx, url: URL): Reply {
  // Every pull request's pushes, each defaulting to its own branch: the activity is the repository's.
  const pushes = pullStates(ctx.state).flatMap(({ pull, pushes }) =>
    (pushes ?? [{ after: pull.headSha, actor: pull.author, type: 'branch_creation' as const }]).map((p) => ({
      ...p,
      ref: p.ref ?? pull.headRef,
      base: pull.baseSha,
    })),
  );
  const previous = new Map<string, string>();
  const entries = pushes.map((p, i) => {
    const ref = `refs/heads/${p.ref}`;
    const entry = activity(ctx, p, i, previous.get(ref) ?? p.base);
    previous.set(ref, p.after);
    return entry;
  });
  const wanted = url.searchParams.get('ref');
  const full = wanted && !wanted.startsWith('refs/') ? `refs/heads/${wanted}` : wanted;
  const listed = entries.filter((e) => !full || e.ref === full);
  const ordered = url.searchParams.get('direction') === 'asc' ? listed : listed.reverse();
  return paginate(ctx, url, OPERATIONS.listActivities, ordered);
}

const STANDING: readonly string[] = ['OWNER', 'MEMBER', 'COLLABORATOR'];

/** A login's role: the state's, else `write` for a reviewer or author with standing, else none (404). */
function roleOf(state: StandinState, login: string): StandinRole | null {
  const same = (other: string) => other.toLowerCase() === login.toLowerCase();
  const listed = Object.entries(state.roles ?? {}).find(([l]) => same(l));
  if (listed) return listed[1];
  const standing = pullStates(state).flatMap(({ reviews, pull }) => [
    ...reviews.filter((r) => same(r.user)).map((r) => r.association ?? association(r.user)),
    ...(same(pull.author) ? [pull.authorAssociation ?? 'MEMBER'] : []),
  ]);
  return standing.some((a) => STANDING.includes(a)) ? 'write' : null;
}

/** GitHub's legacy base permission of a role (what `permission` says). */
const BASE_PERMISSION: Record<StandinRole, string> = {
  admin: 'admin',
  maintain: 'write',
  write: 'write',
  triage: 'read',
  read: 'read',
  none: 'none',
};

/** GET collaborators/{username}/permission: the role GitHub computes from every grant. */
/**
 * The commit this repository's checkout is at: the default branch's tip unless a test says
 * otherwise, so that a review whose `--base` is this checkout's dist/ (as the workflow's is its
 * checkout's) judges the branch's tip.
 */
const CHECKOUT_HEAD = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();

/** The commit the default branch is at now (StandinState.defaultBranchSha, else this checkout's HEAD): what a run's base must be. */
const defaultBranchTip = (state: StandinState): string => state.defaultBranchSha ?? CHECKOUT_HEAD;

/** GET git/ref/{ref}: the default branch's, at `defaultBranchSha` (no other ref is kept). */
function gitRef(ctx: Ctx, ref: string): Reply {
  if (ref !== `heads/${ctx.state.defaultBranch}`) return notFound();
  const sha = defaultBranchTip(ctx.state);
  const url = `${ctx.api}/repos/${repoPath(ctx)}/git/refs/${ref}`;
  const body = {
    ref: `refs/${ref}`,
    node_id: nodeId('REF', idOf(`ref:${ref}`)),
    url,
    object: { type: 'commit', sha, url: `${ctx.api}/repos/${repoPath(ctx)}/git/commits/${sha}` },
  };
  return { status: 200, body, op: OPERATIONS.getRef };
}

/**
 * GET git/trees/{sha}: the default branch's tip holds every top-level name the pull requests'
 * files name (and README.md); a head holds the same, another object at each name its pull
 * request's files are under (the files as they are now: a head moved away and back lists another
 * commit's while its tree stays its own). Any other commit is read as the pull request's head.
 * With `recursive`, the files themselves too (a head's, but those it removes, with their modes;
 * the tip's, but those its pull requests add) and the folders on their way.
 */
function gitTree(ctx: Ctx, sha: string, recursive: boolean): Reply {
  const { state } = ctx;
  const topOf = (path: string) => path.split('/')[0]!;
  const changedIn = (pull: StandinState) =>
    new Set(pull.files.flatMap((f) => [f.filename, ...(f.previousFilename ? [f.previousFilename] : [])]).map(topOf));
  const pulls = pullStates(state);
  const names = [...new Set(['README.md', ...pulls.flatMap((p) => [...changedIn(p)])])].sort();
  const tip = sha === defaultBranchTip(state);
  const pull = pulls.find((p) => p.pull.headSha === sha) ?? state;
  const changed = tip ? new Set<string>() : changedIn(pull);
  // The files this commit holds, by path, with the modes a test gives: a head's, or the tip's (none added yet).
  const files = new Map<string, string | undefined>(
    tip
      ? pulls.flatMap((p) =>
          p.files.filter((f) => f.status !== 'added').map((f) => [f.previousFilename ?? f.filename, undefined]),
        )
      : pull.files.filter((f) => f.status !== 'removed').map((f) => [f.filename, f.mode]),
  );
  const object = (path: string) => fakeSha(changed.has(topOf(path)) ? `${sha}:${path}` : `base:${path}`);
  const entry = (path: string, mode: string) => {
    const type = mode === '040000' ? 'tree' : mode === '160000' ? 'commit' : 'blob';
    return {
      path,
      mode,
      type,
      sha: object(path),
      ...(type === 'blob' ? { size: 100 } : {}),
      url: `${ctx.api}/repos/${repoPath(ctx)}/git/${type === 'tree' ? 'trees' : 'blobs'}/${object(path)}`,
    };
  };
  // A name without a dot is a folder, unless a test gives the file's mode (the tip and a head agree on the rest).
  const topMode = (name: string) => files.get(name) ?? (!name.slice(1).includes('.') ? '040000' : '100644');
  const nested = [...files].filter(([path]) => path.includes('/'));
  // The folders on the way below the top level (the top level's are listed already).
  const foldersOf = (path: string) =>
    path
      .split('/')
      .slice(0, -1)
      .map((_, i, parts) => parts.slice(0, i + 1).join('/'))
      .filter((f) => f.includes('/'));
  const below = [
    ...[...new Set(nested.flatMap(([path]) => foldersOf(path)))].map((f) => entry(f, '040000')),
    ...nested.map(([path, mode]) => entry(path, mode ?? '100644')),
  ].sort((a, b) => (a.path < b.path ? -1 : 1));
  const body = {
    sha,
    url: `${ctx.api}/repos/${repoPath(ctx)}/git/trees/${sha}`,
    tree: [...names.map((name) => entry(name, topMode(name))), ...(recursive ? below : [])],
    truncated: recursive && !tip && state.headTreeTruncated === true,
  };
  return { status: 200, body, op: OPERATIONS.getTree };
}

function permissionOf(ctx: Ctx, login: string): Reply {
  const role = roleOf(ctx.state, login);
  if (role === null) return notFound();
  const can = (...roles: StandinRole[]) => roles.includes(role);
  const body = {
    permission: BASE_PERMISSION[role],
    role_name: role,
    user: {
      ...user(ctx, login),
      permissions: {
        admin: can('admin'),
        maintain: can('admin', 'maintain'),
        push: can('admin', 'maintain', 'write'),
        triage: can('admin', 'maintain', 'write', 'triage'),
        pull: !can('none'),
      },
      role_name: role,
    },
  };
  return { status: 200, body, op: OPERATIONS.getPermission };
}

// ---------------------------------------------------------------------------------------------
// HTTP

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  op?: Operation;
}

/** GitHub's error body; recent API versions repeat the status code as a string. */
function errorReply(status: number, message: string): Reply {
  return { status, body: { message, documentation_url: DOCS, status: String(status) } };
}
const notFound = () => errorReply(404, 'Not Found');

/** GitHub's rate-limit headers; every response carries them, a rate-limited one with remaining 0. */
function rateLimitHeaders(remaining: number): Record<string, string> {
  return {
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': String(remaining),
    'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
    'x-ratelimit-used': String(5000 - remaining),
    'x-ratelimit-resource': 'core',
  };
}

function faultReply(fault: StandinFault): Reply {
  if (fault.rateLimit) {
    return {
      status: 403,
      headers: rateLimitHeaders(0),
      body: {
        message: 'API rate limit exceeded for installation ID 1.',
        documentation_url: 'https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting',
      },
    };
  }
  if (fault.secondary) {
    const retryAfter = fault.retryAfter === undefined ? 60 : fault.retryAfter;
    return {
      ...errorReply(
        fault.status,
        'You have exceeded a secondary rate limit. Please wait a few minutes before trying again. If you reach out to GitHub Support for help, please include the request ID 5EED:0000.',
      ),
      headers: { ...rateLimitHeaders(4990), ...(retryAfter === null ? {} : { 'retry-after': String(retryAfter) }) },
    };
  }
  return errorReply(fault.status, STATUS_CODES[fault.status] ?? 'Error');
}

/** The first armed fault matching the request, disarmed by one use. */
function takeFault(state: StandinState, method: string, path: string): StandinFault | undefined {
  const fault = state.faults.find(
    (f) => f.times > 0 && (!f.method || f.method.toUpperCase() === method) && f.path.test(path),
  );
  if (fault?.after) {
    fault.after -= 1;
    return undefined;
  }
  if (fault) fault.times -= 1;
  return fault;
}

/** One page of `items` as GitHub pages lists: `per_page` (default 30, max 100), `page` (from 1), Link header. */
function paginate(ctx: Ctx, url: URL, op: Operation, items: unknown[]): Reply {
  const one = page(ctx, url, items);
  return { status: 200, body: one.items, op, headers: one.headers };
}

/** The page of `items` a request asks for, and the Link header GitHub sends with it (none for a single page). */
function page<T>(ctx: Ctx, url: URL, items: T[]): { items: T[]; headers?: Record<string, string> } {
  const perPage = clampInt(url.searchParams.get('per_page'), 30, 1, 100);
  const at = clampInt(url.searchParams.get('page'), 1, 1, Number.MAX_SAFE_INTEGER);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  // GitHub's links keep the request's other parameters (a filter such as `ref`).
  const kept = [...url.searchParams].filter(([k]) => k !== 'per_page' && k !== 'page');
  const query = kept.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}&`).join('');
  const link = linkHeader(`${ctx.api}${url.pathname}?${query}`, perPage, at, last);
  return { items: items.slice((at - 1) * perPage, at * perPage), headers: link ? { link } : undefined };
}

function clampInt(raw: string | null, fallback: number, min: number, max: number): number {
  const n = Number(raw);
  if (raw === null || !Number.isInteger(n) || n < min) return fallback;
  return Math.min(n, max);
}

/** GitHub's order: prev, next, last, first; none at all when there is only one page. `base` ends in `?` or `&`. */
function linkHeader(base: string, perPage: number, page: number, last: number): string | undefined {
  const rels: [string, number][] = [];
  if (page > 1) rels.push(['prev', page - 1]);
  if (page < last) rels.push(['next', page + 1], ['last', last]);
  if (page > 1) rels.push(['first', 1]);
  if (rels.length === 0) return undefined;
  return rels.map(([rel, k]) => `<${base}per_page=${perPage}&page=${k}>; rel="${rel}"`).join(', ');
}

/** Per-server memory the state does not hold: comment timestamps and the status id counter. */
interface Memory {
  commentTimes: Map<number, CommentTimes>;
  statusIds: number;
}

/** What GitHub lists of a pull request at most, whatever its size. */
export const LISTED_COMMITS_MAX = 250;
export const LISTED_FILES_MAX = 3000;

function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function listComments(ctx: Ctx, memory: Memory, url: URL): Reply {
  const items = ctx.state.comments.map((c) => issueComment(ctx, c, memory.commentTimes.get(c.id)));
  return paginate(ctx, url, OPERATIONS.listComments, items);
}

function createComment(ctx: Ctx, memory: Memory, input: Record<string, unknown>): Reply {
  if (typeof input.body !== 'string') return errorReply(422, 'Invalid request.\n\n"body" wasn\'t supplied.');
  // Ids are the repository's: unique across its pull requests.
  const id = Math.max(2_000_000, ...pullStates(ctx.state).flatMap((p) => p.comments.map((c) => c.id))) + 1;
  const comment = { id, user: ctx.state.botLogin, body: input.body };
  ctx.state.comments.push(comment);
  const at = now();
  memory.commentTimes.set(id, { created: at, updated: at });
  const body = issueComment(ctx, comment, memory.commentTimes.get(id));
  return { status: 201, body, op: OPERATIONS.createComment, headers: { location: String(body.url) } };
}

function updateComment(ctx: Ctx, memory: Memory, id: number, input: Record<string, unknown>): Reply {
  const comment = pullStates(ctx.state)
    .flatMap((p) => p.comments)
    .find((c) => c.id === id);
  if (!comment) return notFound();
  if (comment.user !== ctx.state.botLogin) return errorReply(403, 'Resource not accessible by integration');
  if (typeof input.body !== 'string') return errorReply(422, 'Invalid request.\n\n"body" wasn\'t supplied.');
  comment.body = input.body;
  const created = memory.commentTimes.get(id)?.created ?? SEEDED_AT;
  memory.commentTimes.set(id, { created, updated: now() });
  return { status: 200, body: issueComment(ctx, comment, memory.commentTimes.get(id)), op: OPERATIONS.updateComment };
}

const STATUS_STATES: readonly string[] = ['error', 'failure', 'pending', 'success'];

function createStatus(ctx: Ctx, memory: Memory, sha: string, input: Record<string, unknown>): Reply {
  if (typeof input.state !== 'string' || !STATUS_STATES.includes(input.state)) {
    return errorReply(422, 'Validation Failed');
  }
  const status: StandinStatus = {
    sha,
    state: input.state as StandinStatus['state'],
    context: typeof input.context === 'string' ? input.context : 'default',
    description: typeof input.description === 'string' ? input.description : '',
    ...(typeof input.target_url === 'string' && { targetUrl: input.target_url }),
  };
  ctx.state.statuses.push(status);
  const body = commitStatus(ctx, status, ++memory.statusIds, now());
  return { status: 201, body, op: OPERATIONS.createStatus, headers: { location: String(body.url) } };
}

function createCheckRun(ctx: Ctx, input: Record<string, unknown>, problems: string[]): Reply {
  const problem = requestProblem(OPERATIONS.createCheckRun, input);
  if (problem) {
    problems.push(problem);
    return errorReply(422, `Invalid request.\n\n${problem}`);
  }
  const output = (input.output ?? {}) as { title?: string; summary?: string };
  const conclusion = typeof input.conclusion === 'string' ? input.conclusion : null;
  // GitHub: a conclusion makes the run completed; `completed` without a conclusion is refused.
  const status = conclusion ? 'completed' : typeof input.status === 'string' ? input.status : 'queued';
  if (status === 'completed' && !conclusion) return errorReply(422, 'Validation Failed');
  const run: StandinCheckRun = {
    id: 30_000_000 + ctx.state.checkRuns.length + 1,
    name: String(input.name),
    headSha: String(input.head_sha),
    status,
    conclusion,
    title: output.title ?? null,
    summary: output.summary ?? null,
    ...(typeof input.details_url === 'string' && { detailsUrl: input.details_url }),
    ...(typeof input.external_id === 'string' && { externalId: input.external_id }),
    ...(ctx.state.checkRunListing?.suitePerRun && { suite: ctx.state.checkRuns.length + 1 }),
  };
  ctx.state.checkRuns.push(run);
  const body = checkRun(ctx, run, now());
  return { status: 201, body, op: OPERATIONS.createCheckRun, headers: { location: String(body.url) } };
}

/** The check suite a run is in (StandinCheckRun.suite), and that suite's id on GitHub. */
const suiteOf = (c: StandinCheckRun) => c.suite ?? 1;
const suiteId = (sha: string, suite: number) => idOf(`suite:${sha}:${suite}`);

/** `runs` by `check_name` when the request gives one; with `filter` `latest` (GitHub's default), the newest of each name in each suite. */
function namedRuns(url: URL, runs: StandinCheckRun[]): StandinCheckRun[] {
  const name = url.searchParams.get('check_name');
  const latest = (url.searchParams.get('filter') ?? 'latest') === 'latest';
  const newestFirst = runs.filter((c) => !name || c.name === name).reverse();
  const sameKind = (c: StandinCheckRun, d: StandinCheckRun) => d.name === c.name && suiteOf(d) === suiteOf(c);
  return latest ? newestFirst.filter((c, i) => newestFirst.findIndex((d) => sameKind(c, d)) === i) : newestFirst;
}

/** A commit's check suites, most recent (highest number) first. */
const suitesOn = (ctx: Ctx, sha: string): number[] =>
  [...new Set(ctx.state.checkRuns.filter((c) => c.headSha === sha).map(suiteOf))].sort((a, b) => b - a);

/** One page of check runs as GitHub lists them: `{ total_count, check_runs }`. */
function checkRunPage(ctx: Ctx, url: URL, op: Operation, runs: StandinCheckRun[]): Reply {
  const at = now();
  const { items, headers } = page(ctx, url, runs);
  return {
    status: 200,
    body: { total_count: runs.length, check_runs: items.map((c) => checkRun(ctx, c, at)) },
    op,
    headers,
  };
}

/**
 * GitHub: "If there are more than 1000 check suites on a single git reference, this endpoint will
 * limit check runs to the 1000 most recent check suites" (GET commits/{ref}/check-runs).
 */
export const LISTED_SUITES = 1000;

/**
 * GET commits/{ref}/check-runs of a commit id, paged (namedRuns), from its LISTED_SUITES most
 * recent suites; newest first unless StandinState.checkRunListing says otherwise.
 */
function listCheckRunsForRef(ctx: Ctx, url: URL, ref: string): Reply {
  const recent = new Set(suitesOn(ctx, ref).slice(0, LISTED_SUITES));
  const kept = namedRuns(
    url,
    ctx.state.checkRuns.filter((c) => c.headSha === ref && recent.has(suiteOf(c))),
  );
  if (ctx.state.checkRunListing?.oldestFirst) kept.reverse();
  return checkRunPage(ctx, url, OPERATIONS.listCheckRunsForRef, kept);
}

/** GET check-suites/{id}/check-runs: the suite's runs (namedRuns), newest first; 404 for a suite nobody made. */
function listCheckRunsForSuite(ctx: Ctx, url: URL, id: number): Reply {
  const inSuite = ctx.state.checkRuns.filter((c) => suiteId(c.headSha, suiteOf(c)) === id);
  if (!inSuite.length) return errorReply(404, 'Not Found');
  return checkRunPage(ctx, url, OPERATIONS.listCheckRunsForSuite, namedRuns(url, inSuite));
}

/** GET commits/{ref}/check-suites: every suite of the commit (those holding a run named `check_name` when given), most recent first. */
function listSuitesForRef(ctx: Ctx, url: URL, ref: string): Reply {
  const name = url.searchParams.get('check_name');
  const runs = ctx.state.checkRuns.filter((c) => c.headSha === ref);
  const suites = suitesOn(ctx, ref).filter((n) => !name || runs.some((c) => suiteOf(c) === n && c.name === name));
  const { items, headers } = page(ctx, url, suites);
  const at = now();
  const repo = `${ctx.api}/repos/${repoPath(ctx)}`;
  const suite = (n: number) => {
    const id = suiteId(ref, n);
    const own = runs.filter((c) => suiteOf(c) === n);
    const completed = own.every((c) => c.status === 'completed');
    return {
      id,
      node_id: nodeId('CS', id),
      head_branch: ctx.state.pull.headSha === ref ? ctx.state.pull.headRef : null,
      head_sha: ref,
      status: completed ? 'completed' : 'in_progress',
      conclusion: completed ? (own.every((c) => c.conclusion === 'success') ? 'success' : 'failure') : null,
      url: `${repo}/check-suites/${id}`,
      before: null,
      after: ref,
      pull_requests: [],
      app: actionsApp(ctx),
      repository: repository(ctx),
      created_at: at,
      updated_at: at,
      head_commit: {
        id: ref,
        tree_id: fakeSha(`tree:${ref}`),
        message: 'a commit',
        timestamp: SEEDED_AT,
        author: { name: 'alice', email: 'alice@acme.io' },
        committer: { name: 'alice', email: 'alice@acme.io' },
      },
      latest_check_runs_count: own.length,
      check_runs_url: `${repo}/check-suites/${id}/check-runs`,
    };
  };
  return {
    status: 200,
    body: { total_count: suites.length, check_suites: items.map(suite) },
    op: OPERATIONS.listSuitesForRef,
    headers,
  };
}

interface RouteArgs {
  ctx: Ctx;
  memory: Memory;
  url: URL;
  input: Record<string, unknown>;
  params: Record<string, string>;
  problems: string[];
}
type Route = [method: string, path: RegExp, handle: (args: RouteArgs) => Reply];

/**
 * The operations, by method and path after /repos/{owner}/{repo}/. A `pull` parameter must be
 * the state's pull request number (a pull request is also an issue: its conversation comments
 * live under /issues/{number}).
 */
const ROUTES: Route[] = [
  ['GET', /^pulls$/, ({ ctx, url }) => listPulls(ctx, url)],
  ['GET', /^pulls\/(?<pull>\d+)$/, ({ ctx }) => ({ status: 200, body: pullRequest(ctx), op: OPERATIONS.getPull })],
  [
    'GET',
    /^pulls\/(?<pull>\d+)\/commits$/,
    ({ ctx, url }) =>
      paginate(
        ctx,
        url,
        OPERATIONS.listCommits,
        ctx.state.commits.slice(0, LISTED_COMMITS_MAX).map((c, i) => commit(ctx, c, i)),
      ),
  ],
  [
    'GET',
    /^pulls\/(?<pull>\d+)\/reviews$/,
    ({ ctx, url }) =>
      paginate(
        ctx,
        url,
        OPERATIONS.listReviews,
        ctx.state.reviews.map((r, i) => review(ctx, r, i)),
      ),
  ],
  [
    'GET',
    /^pulls\/(?<pull>\d+)\/files$/,
    ({ ctx, url }) =>
      paginate(
        ctx,
        url,
        OPERATIONS.listFiles,
        ctx.state.files.slice(0, LISTED_FILES_MAX).map((f) => diffEntry(ctx, f)),
      ),
  ],
  ['GET', /^issues\/(?<pull>\d+)\/comments$/, ({ ctx, memory, url }) => listComments(ctx, memory, url)],
  ['GET', /^issues\/(?<pull>\d+)\/events$/, ({ ctx, url }) => listEvents(ctx, url)],
  ['GET', /^activity$/, ({ ctx, url }) => listActivities(ctx, url)],
  ['POST', /^issues\/(?<pull>\d+)\/comments$/, ({ ctx, memory, input }) => createComment(ctx, memory, input)],
  [
    'PATCH',
    /^issues\/comments\/(?<id>\d+)$/,
    ({ ctx, memory, input, params }) => updateComment(ctx, memory, Number(params.id), input),
  ],
  [
    'POST',
    /^statuses\/(?<sha>[^/]+)$/,
    ({ ctx, memory, input, params }) => createStatus(ctx, memory, decodeURIComponent(params.sha), input),
  ],
  ['POST', /^check-runs$/, ({ ctx, input, problems }) => createCheckRun(ctx, input, problems)],
  [
    'GET',
    /^commits\/(?<ref>[^/]+)\/check-runs$/,
    ({ ctx, url, params }) => listCheckRunsForRef(ctx, url, decodeURIComponent(params.ref)),
  ],
  [
    'GET',
    /^commits\/(?<ref>[^/]+)\/check-suites$/,
    ({ ctx, url, params }) => listSuitesForRef(ctx, url, decodeURIComponent(params.ref)),
  ],
  [
    'GET',
    /^check-suites\/(?<id>\d+)\/check-runs$/,
    ({ ctx, url, params }) => listCheckRunsForSuite(ctx, url, Number(params.id)),
  ],
  ['GET', /^git\/ref\/(?<ref>.+)$/, ({ ctx, params }) => gitRef(ctx, decodeURIComponent(params.ref))],
  [
    'GET',
    /^git\/trees\/(?<sha>[^/]+)$/,
    // GitHub recurses for `recursive` of any value, "0" and "false" too; left out, it does not.
    ({ ctx, params, url }) => gitTree(ctx, decodeURIComponent(params.sha), url.searchParams.has('recursive')),
  ],
  [
    'GET',
    /^collaborators\/(?<username>[^/]+)\/permission$/,
    ({ ctx, params }) => permissionOf(ctx, decodeURIComponent(params.username)),
  ],
];

/**
 * GET pulls: the pull requests in `state` (default open; `all`) into `base` (any when not given),
 * by number (GitHub's `created`) in `direction` (default desc).
 */
function listPulls(ctx: Ctx, url: URL): Reply {
  const wanted = url.searchParams.get('state') ?? 'open';
  const base = url.searchParams.get('base');
  const listed = pullStates(ctx.state)
    .filter(({ pull }) => (wanted === 'all' || (pull.state ?? 'open') === wanted) && (!base || pull.baseRef === base))
    .sort((a, b) => a.pull.number - b.pull.number);
  const ordered = url.searchParams.get('direction') === 'asc' ? listed : listed.reverse();
  return paginate(
    ctx,
    url,
    OPERATIONS.listPulls,
    // pull-request-simple's labels have a description string (a pull request's own may be null).
    ordered.map((state) => {
      const body = pullRequest({ ...ctx, state });
      const labels = body.labels as Record<string, unknown>[];
      return { ...body, labels: labels.map((l) => ({ ...l, description: l.description ?? '' })) };
    }),
  );
}

/**
 * Routes a request under /repos/{owner}/{repo}/ (`rest` is what follows) to its operation, else
 * 404; one of a pull request (a `pull` parameter) is answered from that pull request's state.
 */
function route(method: string, rest: string, args: Omit<RouteArgs, 'params'>): Reply {
  for (const [routeMethod, path, handle] of ROUTES) {
    const match = method === routeMethod ? rest.match(path) : null;
    const params = match ? { ...match.groups } : undefined;
    if (!params) continue;
    if (params.pull === undefined) return handle({ ...args, params });
    const state = pullStates(args.ctx.state).find((p) => p.pull.number === Number(params.pull));
    if (!state) return notFound();
    return handle({ ...args, ctx: { ...args.ctx, state }, params });
  }
  return notFound();
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
    req.on('error', fail);
  });
}

/** The parsed JSON object body, `{}` when empty, or undefined when it is not a JSON object. */
function parseInput(text: string): Record<string, unknown> | undefined {
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Faults first (they stand for failures in front of the API, like a proxy's 502), then auth, then the operation. */
async function answer(ctx: Ctx, memory: Memory, req: IncomingMessage, problems: string[]): Promise<Reply> {
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', ctx.api);
  const fault = takeFault(ctx.state, method, url.pathname);
  if (fault) return faultReply(fault);
  if (!/^(token|bearer)\s+\S+$/i.test(req.headers.authorization ?? '')) {
    return errorReply(401, 'Requires authentication');
  }
  const input = parseInput(await readBody(req));
  if (!input) return errorReply(400, 'Problems parsing JSON');
  const m = url.pathname.match(/^\/repos\/([^/]+)\/([^/]+)\/(.+)$/);
  const sameRepo = (a: string, b: string) => decodeURIComponent(a).toLowerCase() === b.toLowerCase();
  if (!m || !sameRepo(m[1], ctx.state.owner) || !sameRepo(m[2], ctx.state.repo)) return notFound();
  return route(method, m[3], { ctx, memory, url, input, problems });
}

export async function startStandin(state: StandinState = defaultState()): Promise<Standin> {
  const requests: Standin['requests'] = [];
  const schemaErrors: string[] = [];
  const memory: Memory = { commentTimes: new Map(), statusIds: 0 };
  const ctx: Ctx = { state, api: '' };

  const send = (req: IncomingMessage, res: ServerResponse, reply: Reply) => {
    const requestId = `5EED:${(requests.length + 1).toString(16).toUpperCase().padStart(4, '0')}`;
    if (reply.op && reply.status < 300) {
      const problem = schemaProblem(reply.op, reply.body);
      if (problem) schemaErrors.push(problem);
    }
    requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', status: reply.status });
    res.writeHead(reply.status, {
      'content-type': 'application/json; charset=utf-8',
      'x-github-api-version-selected': '2022-11-28',
      'x-github-request-id': requestId, // Octokit quotes it in its error messages
      ...rateLimitHeaders(4999),
      ...reply.headers,
    });
    res.end(JSON.stringify(reply.body));
  };

  const server = createServer((req, res) => {
    answer(ctx, memory, req, schemaErrors).then(
      (reply) => send(req, res, reply),
      // A bug in the stand-in must fail the test loudly, not hang it.
      (error: unknown) => send(req, res, errorReply(500, `stand-in error: ${String(error)}`)),
    );
  });
  validators(); // compile before listening, so the first request is not the slow one
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  ctx.api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: ctx.api,
    state,
    requests,
    schemaErrors,
    close: () =>
      new Promise<void>((done, fail) => {
        server.close((error) => (error ? fail(error) : done()));
        // fetch keeps connections alive; without this, close() would wait for them to time out.
        server.closeAllConnections();
      }),
  };
}

/** An Io that keeps what is written: stdout's lines in `outs`, stderr's in `errs`. */
export function capture(env: NodeJS.ProcessEnv): Io & { outs: string[]; errs: string[] } {
  const outs: string[] = [];
  const errs: string[] = [];
  return { out: (l) => outs.push(l), err: (l) => errs.push(l), env, outs, errs };
}

/** The file GitHub Actions names in GITHUB_EVENT_PATH: a push to pull request 42 (`synchronize`). */
export function pullRequestEvent(fields: Record<string, unknown> = {}): string {
  const file = join(tempDir(), 'event.json');
  writeFileSync(file, JSON.stringify({ action: 'synchronize', pull_request: { number: 42 }, ...fields }));
  return file;
}

/** GitHub's push event of `ref` moved to `after` in acme/org, whose default branch is main. */
export function pushEvent(ref: string, after: string): string {
  const file = join(tempDir(), 'event.json');
  writeFileSync(file, JSON.stringify({ ref, after, repository: { default_branch: 'main', full_name: 'acme/org' } }));
  return file;
}

/** A completed `orgctl/review` success on `headSha`, check run `id`, naming no pull request. */
export const reviewSuccess = (id: number, headSha: string): StandinCheckRun => ({
  id,
  name: 'orgctl/review',
  headSha,
  status: 'completed',
  conclusion: 'success',
  title: 'passes',
  summary: 'passes',
});

/**
 * A proxy in front of the stand-in: it awaits `before` with each request's method and path (query
 * included) before forwarding it, and calls `after` with them once it is answered; something else
 * happening on GitHub while a run's request is on its way.
 */
export async function proxyOf(
  target: Standin,
  before: (method: string, path: string) => void | Promise<void>,
  after: (method: string, path: string) => void = () => {},
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer(async (req, res) => {
    const [method, path] = [req.method ?? 'GET', req.url ?? '/'];
    await before(method, path);
    const upstream = request(
      `${target.url}${path}`,
      { method, headers: { ...req.headers, host: new URL(target.url).host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('end', () => after(method, path));
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

/** A GitHub Actions run's environment for acme/org, its API `standin`, its event file `eventPath`. */
export function actionsEnv(standin: Standin, eventPath: string): NodeJS.ProcessEnv {
  return {
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: 'acme/org',
    GITHUB_API_URL: standin.url,
    GITHUB_TOKEN: 'ghs_test',
  };
}

/**
 * A limiter of the throttling plugin's write groups that runs each job at once: the plugin's
 * handling of rate limits without GitHub's spacing of writes (a second, three for a comment), which
 * a stand-in does not ask for and only made these tests wait.
 */
const atOnce = {
  key: () => ({ schedule: (_options: unknown, job: () => Promise<unknown>) => job() }),
} as unknown as NonNullable<ThrottlingOptions['write']>;

/**
 * `orgctl review --github` (reviewOnGitHub) of `sides` against `standin`, in actionsEnv with `env`
 * over it; a throw is code -1, its message the last of `io.errs`. GitHub's pacing is off unless
 * `throttle`, and then only its backing off on rate limits: writes are not spaced.
 */
export async function reviewOnStandin(
  standin: Standin,
  sides: GitHubReviewFlags & { base: string; head: string },
  eventPath: string,
  { env = {}, throttle = false }: { env?: NodeJS.ProcessEnv; throttle?: boolean } = {},
): Promise<{ code: number; io: ReturnType<typeof capture> }> {
  const io = capture({ ...actionsEnv(standin, eventPath), ...env });
  let code: number;
  try {
    code = await reviewOnGitHub(sides, io, {
      retryAfterBaseValue: 1,
      throttle,
      writeLimiters: { write: atOnce, notifications: atOnce },
    });
  } catch (e) {
    code = -1;
    io.errs.push((e as Error).message);
  }
  return { code, io };
}

/**
 * A stand-in for each test of the suite it is called in (at its top level): `start` starts it, and
 * it is closed after the test (or when the test starts another) once every request it served was checked against GitHub's schema.
 */
export function standinPerTest(): (state?: StandinState) => Promise<Standin> {
  let one: Standin | undefined;
  const done = async () => {
    expect(one?.schemaErrors ?? []).toEqual([]);
    await one?.close();
    one = undefined;
  };
  afterEach(done);
  // A test starting a second one is done with the first.
  return async (state) => {
    await done();
    return (one = await startStandin(state));
  };
}

/**
 * `orgctl review --github` of a head against `base()` (both read when called: a suite's beforeAll
 * makes them), each on a stand-in of its own in `state`: its verdict, comment and output, once every
 * request it served was checked against GitHub's schema. Call at a suite's top level: a stand-in a
 * failed test left open is closed after it.
 */
export function reviewsOnStandin(base: () => string, eventPath: () => string) {
  let standin: Standin | undefined;
  afterEach(async () => {
    await standin?.close();
    standin = undefined;
  });
  return async (head: string, state: Partial<StandinState>) => {
    standin = await startStandin(defaultState(state));
    const { code, io } = await reviewOnStandin(standin, { base: base(), head }, eventPath());
    const conclusion = verdicts(standin.state).at(-1)?.conclusion;
    const comment = standin.state.comments[0]?.body ?? '';
    expect(standin.schemaErrors).toEqual([]);
    await standin.close();
    standin = undefined;
    return { code, io, conclusion, comment };
  };
}
