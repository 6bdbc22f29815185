/**
 * `orgctl review --github`: the privileged job's whole work. Reads the pull request through the
 * GitHub adapter (github/adapter.ts), judges base and head dist/ as data, and posts the verdict.
 */
import { readFileSync, appendFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { overridesOf } from '../review/approvals.ts';
import { clipBytes, COMMENT_MARKER, escapeMarkdown, renderMarkdown } from '../report/markdown.ts';
import { OUTPUT_PROOF } from '../review/output-proof.ts';
import { COMMIT } from '../review/head-proof.ts';
import type { RuleResult, Verdict } from '../review/review.ts';
import type { OrgCodeRead } from '../policies/change/context.ts';
import { dateFlag, wholeNumber } from './args.ts';
import { InputError, SideError, UsageError, unreadableInput, whyUnread } from '../model/errors.ts';
import { judgeChange } from './judge.ts';
import { readOrgCode } from './org-code.ts';
import type { Io } from '../model/io.ts';
import {
  CHECK_NAME,
  CHECK_SUMMARY_LIMIT,
  type ClientOptions,
  type GitHubClient,
  type PullRequestNow,
  type Repo,
  createCheckRun,
  fetchPullRequest,
  fetchPullRequestNow,
  reviewRunsBetween,
  isRateLimited,
  makeClient,
  OPEN_PULL_REQUEST,
  openCopies,
  openPullsWithHead,
  type AdminAccount,
  successCarries,
  successesBehind,
  branchTip,
  startCheckRun,
  supersededBy,
  upsertComment,
} from '../github/adapter.ts';
import { DEFAULT_OUTPUT_DIR, DEFAULT_OUTPUT_SIDE } from './output.ts';
import { commitOfSide } from './git.ts';
import { showHidden } from '../model/text.ts';

function need(env: NodeJS.ProcessEnv, name: string): string {
  const v = env[name];
  if (!v) throw new InputError(`${name} is not set: orgctl review --github runs in a GitHub Actions job`);
  return v;
}

/** The event payload as read: undefined when it is no JSON (pullNumberOf says so when it needs it). */
function eventOf(eventText: string): unknown {
  try {
    return JSON.parse(eventText);
  } catch {
    return undefined;
  }
}

/** The pull request number of a pull_request, pull_request_target or pull_request_review event. */
function pullNumberOf(event: unknown, path: string): number {
  if (event === undefined) throw new InputError(`${path}: the event payload is not JSON`);
  const n = (event as { pull_request?: { number?: unknown } })?.pull_request?.number;
  if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0)
    throw new InputError(
      `${path}: the event has no pull_request.number (run on pull_request_target or pull_request_review)`,
    );
  return n;
}

/**
 * The head a push moved pull request `number` from: a `synchronize` event's `before` (a commit id),
 * else undefined (any other event or pull request, a run a review or a dispatch started).
 */
export function previousHeadOf(eventText: string, number: number): string | undefined {
  return leftBy(eventOf(eventText), number);
}

/** previousHeadOf of an event already read. */
function leftBy(event: unknown, number: number): string | undefined {
  const { action, before, pull_request } = (event ?? {}) as {
    action?: unknown;
    before?: unknown;
    pull_request?: { number?: unknown };
  };
  const pushed = action === 'synchronize' && pull_request?.number === number;
  return pushed && typeof before === 'string' && COMMIT.test(before) ? before : undefined;
}

function pullFlag(v: string): number {
  const n = wholeNumber(v, 1);
  if (n === undefined) throw new UsageError(`--pull ${JSON.stringify(v)} is not a pull request number`);
  return n;
}

function describeGitHubError(e: unknown): string | undefined {
  const err = e as {
    status?: number;
    message?: string;
    response?: { headers?: Record<string, string> };
    request?: { method?: string; url?: string };
  };
  if (typeof err?.status !== 'number') return undefined;
  const h = err.response?.headers ?? {};
  const where = err.request ? ` (${err.request.method} ${err.request.url})` : '';
  if (isRateLimited(e)) {
    const reset = Number(h['x-ratelimit-reset']);
    if (h['x-ratelimit-remaining'] === '0')
      return `GitHub's API rate limit is exhausted${where}; it resets at ${Number.isFinite(reset) ? new Date(reset * 1000).toISOString() : 'an unknown time'}. The change was not judged: re-run the job then.`;
    // A secondary limit: the primary reset says nothing of it; GitHub's wait does, else a minute at least.
    const wait = h['retry-after'] !== undefined ? `${h['retry-after']} s` : 'a minute at least';
    return `GitHub's secondary rate limit${where} (${err.status}): wait ${wait}. The change was not judged: re-run the job then.`;
  }
  return `GitHub answered ${err.status}${where}: ${err.message ?? ''}. The change was not judged.`;
}

/**
 * Why a run could not judge its pull request, as its failing check run and comment say it: head
 * dist/ that cannot be read as orgctl's output fails output-proof; anything else (a base it cannot
 * read, an error of orgctl's own) fails no rule, and says so.
 */
function unjudged(e: unknown): { readonly heading: string; readonly verdict: Verdict; readonly reason: string } {
  const reason = e instanceof Error ? e.message : String(e);
  if (e instanceof SideError && e.side === 'head')
    return {
      heading: 'head dist/ cannot be judged',
      verdict: { ok: false, results: [{ rule: OUTPUT_PROOF, ok: false, message: reason }] },
      reason,
    };
  const own =
    e instanceof InputError ? '' : ". This is an error of orgctl's own: re-run the job, and report it if it stays";
  return { heading: 'this change could not be judged', verdict: { ok: false, results: [] }, reason: `${reason}${own}` };
}

/** What a run that posts no verdict leaves: its own check run in progress, blocking a merge. */
const LEFT_PENDING =
  'no verdict posted; the check run stays in progress until the run that change started posts its own (re-run this job if none does)';

/**
 * The judging stopped: a failing check run and a comment saying why, never silence. The check run
 * that counts is the last of its name on the head commit, so a run that posted nothing left the one
 * before in force: a success, after an approval was dismissed or an override label taken off. Not
 * when the pull request moved meanwhile: the run that change started judges it.
 */
async function failUnjudged(
  gh: GitHubClient,
  at: Repo,
  pr:
    | { readonly number: number; readonly headSha: string; readonly read: PullRequestNow }
    | { readonly number: number },
  run: { readonly botLogin: string; readonly marked: string | undefined },
  e: unknown,
  io: Io,
): Promise<void> {
  const { heading, verdict, reason } = unjudged(e);
  io.err(`orgctl review: ${reason}`);
  try {
    // An error reading the pull request left no reading to compare: the head this run marked fails
    // (a newer head has a run of its own), else the head it has now: only pulls.get, the full
    // reading may fail again as it did (R14-F1). A newer run's verdict on the same head may be
    // overwritten by this failure: closed, never open.
    const judged = 'read' in pr ? pr : undefined;
    const headSha = judged?.headSha ?? run.marked ?? (await headOf(gh, at, pr.number)).headSha;
    // The re-reading may fail as the judging did (the same endpoint): then the failure is posted (closed).
    const now = judged && (await fetchPullRequestNow(gh, at, pr.number).catch(() => undefined));
    const moved = judged && now && supersededBy(judged.read, now);
    if (moved && leftPending(headSha, now.headSha, run.marked)) {
      io.err(`orgctl review: pull request #${pr.number} changed meanwhile (${moved}): ${LEFT_PENDING}`);
      return;
    }
    await postUnjudged(gh, at, { number: pr.number, headSha }, run.botLogin, { heading, verdict, reason });
  } catch (posting) {
    // The first error is what the job ends with; this one is only said.
    io.err(
      `orgctl review: the failing check run could not be posted: ${describeGitHubError(posting) ?? String(posting)}`,
    );
  }
}

/**
 * Whether a run that saw its pull request move may post no verdict: when the head moved (the push
 * started a run that marks and judges the new one), or when this run marked the head in progress.
 * Otherwise nothing says a run is due (an activity listing that lags, a mark GitHub refused): the
 * verdict before would stay in force (R15-F1b), so the run fails the check.
 */
const leftPending = (judgedHead: string, headNow: string, marked: string | undefined): boolean =>
  headNow !== judgedHead || marked === judgedHead;

/** A failing check run and a comment saying why the change was not judged. */
async function postUnjudged(
  gh: GitHubClient,
  at: Repo,
  pr: { readonly number: number; readonly headSha: string },
  botLogin: string,
  { heading, verdict, reason }: ReturnType<typeof unjudged>,
): Promise<void> {
  const text = await postFailure(gh, at, pr.headSha, heading, verdict, reason);
  await upsertComment(gh, at, pr.number, botLogin, text);
}

/** A failing check run on `sha`, headed `heading`, saying `reason`; its text (failingText), for a comment too. */
async function postFailure(
  gh: GitHubClient,
  at: Repo,
  sha: string,
  heading: string,
  verdict: Verdict,
  reason: string,
): Promise<string> {
  const text = failingText(heading, reason);
  await createCheckRun(gh, at, sha, verdict, clipBytes(text, CHECK_SUMMARY_LIMIT));
  return text;
}

/** A failing check run's summary, or comment, of a change not judged as usual: its heading and why. */
const failingText = (heading: string, reason: string) =>
  `${COMMENT_MARKER}\n## orgctl review: ❌ ${heading}\n\n${clipBytes(escapeMarkdown(reason), 60_000)}\n`;

/** Pull request `number`'s head commit and default branch, from one pulls.get (the full reading may fail where this does not). */
async function headOf(
  gh: GitHubClient,
  at: Repo,
  number: number,
): Promise<{ readonly number: number; readonly headSha: string; readonly defaultBranch: string }> {
  const { data } = await gh.rest.pulls.get({ ...at, pull_number: number });
  return { number, headSha: data.head.sha, defaultBranch: data.base.repo.default_branch };
}

/**
 * Before anything is read: the check run of the pull request's head is in progress (R14: a run
 * that ends without a verdict, cancelled, timed out, or silent because GitHub refused to hear
 * of its error, left the success before it in force). A refusal here is said and the run goes on.
 */
async function markJudging(
  gh: GitHubClient,
  at: Repo,
  number: number,
  runUrl: string | undefined,
  io: Io,
): Promise<{ readonly headSha: string; readonly id: number } | undefined> {
  try {
    const { headSha } = await headOf(gh, at, number);
    return { headSha, id: await startCheckRun(gh, at, headSha, runUrl) };
  } catch (e) {
    io.err(`orgctl review: could not mark the check run in progress: ${describeGitHubError(e) ?? String(e)}`);
    return undefined;
  }
}

/** A pull request as read for judging (fetchPullRequest). */
type PullRequestFacts = Awaited<ReturnType<typeof fetchPullRequest>>;

/** The head side judged: --head, else the head commit's dist/, from git objects. */
const headSideOf = (pr: PullRequestFacts, flags: GitHubReviewFlags): string => flags.head ?? `${pr.headSha}:dist`;

/**
 * One pull request judged: base the checked-out base branch's dist/, head the head commit's, from
 * git objects; `orgCode`, what head's org/ code reaches for (read once: every copy has that head).
 */
function judgeFacts(
  pr: PullRequestFacts,
  flags: GitHubReviewFlags,
  io: Io,
  orgCode: OrgCodeRead | undefined,
): ReturnType<typeof judgeChange> {
  return judgeChange(
    {
      base: flags.base ?? DEFAULT_OUTPUT_SIDE,
      head: headSideOf(pr, flags),
      ...(orgCode !== undefined ? { orgCode } : {}),
      actors: pr.actors,
      proposers: pr.proposers,
      approvals: pr.approvals,
      changedPaths: pr.changedPaths,
      overrides: overridesOf(pr.labels),
      overriddenBy: pr.overriddenBy,
      accountIds: pr.accountIds,
      window: flags.window,
      today: dateFlag(flags.today),
      headProof: flags['head-proof'],
      headProofCommit: flags['head-proof-commit'],
      // The commit the check run is posted on: a head proof counts for it only.
      headCommit: pr.headSha,
      headLock: flags['head-lock'],
      fullProof: flags['full-proof'],
      extra: pr.results, // not the whole change into the default branch; approvals that do not count
      guarded: { branch: pr.defaultBranch, path: DEFAULT_OUTPUT_DIR, repository: pr.repositoryUrls },
      headTree: pr.headTree, // GitHub's listing of the head commit, whatever --head reads dist/ from
    },
    io,
  );
}

/** The other pull requests with the same head a run judged (their readings), and the first that passed. */
interface CopiesJudged {
  readonly judged: readonly { readonly number: number; readonly read: PullRequestNow }[];
  readonly lender?: { readonly number: number; readonly verdict: Verdict };
}

/**
 * Judges the other open pull requests into the default branch with this one's head (openCopies),
 * each on its own approvals, proposer and overrides, until one passes. The head commit is one tree
 * into one base: the same dist/ sides, and the same head proof, whichever pull request carries it.
 */
async function judgeCopies(
  gh: GitHubClient,
  at: Repo,
  pr: PullRequestFacts,
  judge: (facts: PullRequestFacts) => ReturnType<typeof judgeChange>,
  admins: readonly AdminAccount[],
): Promise<CopiesJudged> {
  const judged: CopiesJudged['judged'][number][] = [];
  for (const number of await openCopies(gh, at, pr, admins)) {
    const copy = await fetchPullRequest(gh, at, number);
    // Listed with this head, read with another: a push since, whose own run judges it.
    if (copy.headSha !== pr.headSha) continue;
    judged.push({ number, read: copy.read });
    const { verdict } = await judge(copy);
    if (verdict.ok) return { judged, lender: { number, verdict } };
  }
  return { judged };
}

/**
 * The copies as they are now. One that changed and still has this head started a run of its own,
 * which posts on it: this run posts nothing (`stays` says why). One whose head moved away is no
 * copy any more: if it passed, this run posts its own verdict.
 */
async function copiesNow(
  gh: GitHubClient,
  at: Repo,
  headSha: string,
  copies: CopiesJudged,
): Promise<{ readonly lender?: CopiesJudged['lender']; readonly stays?: string }> {
  let lender = copies.lender;
  for (const { number, read } of copies.judged) {
    const now = await fetchPullRequestNow(gh, at, number);
    const moved = supersededBy(read, now);
    if (moved && now.headSha === headSha)
      return { stays: `#${number}, of the same head commit, changed while it was judged (${moved})` };
    if (moved && lender?.number === number) lender = undefined;
  }
  return { lender };
}

/** What the comment on a pull request that fails says of the other pull requests with its head commit. */
function restsOn(pr: PullRequestFacts, judged: CopiesJudged['judged'], lender: CopiesJudged['lender']): RuleResult[] {
  if (lender)
    return [
      {
        rule: OPEN_PULL_REQUEST,
        ok: true,
        message: `the check run of head commit ${pr.headSha.slice(0, 12)} rests on #${lender.number}, which has the same head into ${pr.defaultBranch} and passes on its own: this pull request fails on its own`,
      },
    ];
  // An open pull request ready for review with no copy: its own verdict says it all.
  if (!judged.length && pr.read.state === 'open' && !pr.read.draft) return [];
  const others = judged.length
    ? `(${judged.map((c) => `#${c.number}`).join(', ')} fail on their own)`
    : '(there is none)';
  return [
    {
      rule: OPEN_PULL_REQUEST,
      ok: true,
      message: `no other open pull request into ${pr.defaultBranch} with head commit ${pr.headSha.slice(0, 12)}, ready for review and opened by the owner, a member or a collaborator, passes on its own ${others}: the check run of that commit fails`,
    },
  ];
}

/** The first line of a check run that passes as another pull request's change. */
const passesAs = (pr: PullRequestFacts, lender: number): RuleResult[] => [
  {
    rule: OPEN_PULL_REQUEST,
    ok: true,
    message: `passes as #${lender}'s change: #${lender} has this head commit into ${pr.defaultBranch} and passes on its own, so the same tree lands whichever merges; #${pr.number}, whose run posted this, fails on its own (its comment says why)`,
  },
];

/**
 * A push moved the pull request off `before`, whose success may carry its verdict (its own, or lent
 * to a copy as its change), and no run judges that commit again (R18-1): while another open pull
 * request into the default branch has it as head and the success in force there carries this one's
 * verdict (its `external_id`), it fails, saying to re-run that one's review (which judges it on its
 * own). Nothing when none has: a pull request opened with it later is judged by its own run. When
 * GitHub does not answer which, it fails too: left standing, a withdrawn verdict could merge
 * through a copy (fail closed; the cost is a re-run of the copies).
 */
async function failLeftHead(
  gh: GitHubClient,
  at: Repo,
  pr: { readonly number: number; readonly headSha: string; readonly defaultBranch: string },
  before: string | undefined,
  io: Io,
): Promise<'nothing' | 'carried' | 'unread'> {
  if (before === undefined || before === pr.headSha) return 'nothing';
  const moved = `#${pr.number} was pushed from this commit to ${pr.headSha.slice(0, 12)}`;
  const fail = async (reason: string) => {
    const verdict: Verdict = { ok: false, results: [{ rule: OPEN_PULL_REQUEST, ok: false, message: reason }] };
    await postFailure(gh, at, before, 'its pull request moved on to another commit', verdict, reason);
    io.err(`orgctl review: ${before.slice(0, 12)}: ${reason}`);
  };
  const unread = async (what: string, e: unknown) => {
    await fail(
      `${moved}, and ${what} could not be read (${describeGitHubError(e) ?? String(e)}): re-run the review of any open pull request with this commit as head to judge it on its own`,
    );
    return 'unread' as const;
  };
  // Only a success that carries this pull request's verdict rests on it: another's stands (R19-1:
  // anyone could open a copy of an approved head and push it away, failing the approved one). The
  // check run alone says whose it is, so it is read first: a failure of any other reading (the
  // open pull requests: anyone adds to them) fails only a commit that carried this one's (R22-1).
  try {
    if (!(await successCarries(gh, at, before, pr.number))) return 'nothing';
  } catch (e) {
    return unread('whether the success here carried its verdict', e);
  }
  let left: Awaited<ReturnType<typeof openPullsWithHead>>;
  try {
    left = await openPullsWithHead(
      gh,
      at,
      { headSha: before, defaultBranch: pr.defaultBranch },
      (p) => p.number !== pr.number,
    );
  } catch (e) {
    return unread(
      'the success here carried its verdict, but which open pull requests still have this commit as head',
      e,
    );
  }
  if (!left.length) return 'nothing';
  const named = left.map((p) => `#${p.number}`).join(', ');
  await fail(
    `${moved}, and the success here carried its verdict; ${named} still ${left.length === 1 ? 'has' : 'have'} this commit as head: re-run the review of ${named} to judge it on its own`,
  );
  return 'carried';
}

/**
 * `--base-moved`: a push to the default branch (a merge) leaves behind it every open pull request
 * made before it, and starts no run of theirs; a success in force on such a head was judged against
 * a tip that is gone, and GitHub would merge it three-way into a tree no review judged (R130-2).
 * Each such success fails, saying to bring the branch up to date (its review then runs again). The
 * push workflow runs this on every push, and on every merged pull request's closed event (a merge
 * commit saying [skip ci] runs no push workflow: R131-3); another branch's changes nothing.
 */
async function failSuccessesBehind(gh: GitHubClient, at: Repo, event: unknown, io: Io): Promise<number> {
  const e = event as
    | {
        ref?: unknown;
        action?: unknown;
        pull_request?: { merged?: unknown; base?: { ref?: unknown } };
        repository?: { default_branch?: unknown };
      }
    | undefined;
  const branch = e?.repository?.default_branch;
  // A push, or a pull request merged (closed): GitHub runs no push workflow for a commit message
  // saying [skip ci], which a merge commit's holds when the pull request's title does (R131-3).
  const pull = e?.pull_request;
  if (pull && !(e?.action === 'closed' && pull.merged === true)) {
    io.out('a pull request event other than a merge: the default branch did not move');
    return 0;
  }
  const ref = pull ? `refs/heads/${String(pull.base?.ref)}` : e?.ref;
  if (typeof branch !== 'string' || typeof ref !== 'string')
    throw new InputError(
      "--base-moved reads a push event (its ref and the repository's default branch) or a merged pull request's closed event: run it on one",
    );
  if (ref !== `refs/heads/${branch}`) {
    io.out(`${pull ? 'a merge into' : 'a push to'} ${ref}, not to ${branch}: no review stands on it`);
    return 0;
  }
  const { tip, behind } = await successesBehind(gh, at, branch);
  // Each pull request on its own: a refusal for one leaves the others failed (R131-2); the job fails.
  const refused: string[] = [];
  for (const pr of behind) {
    const unread = pr.error === undefined ? undefined : (describeGitHubError(pr.error) ?? String(pr.error));
    const reason = unread
      ? `whether the head commit ${pr.headSha.slice(0, 12)} contains ${branch}'s tip ${tip.slice(0, 12)} could not be read (${unread}): no success stands on it; re-run its review`
      : pr.results.map((r) => r.message).join('\n');
    const verdict: Verdict = { ok: false, results: pr.results };
    io.err(`orgctl review: #${pr.number} (${pr.headSha.slice(0, 12)}): ${reason}`);
    if (unread) refused.push(`#${pr.number} could not be read`);
    try {
      await postFailure(gh, at, pr.headSha, `${branch} moved on to ${tip.slice(0, 12)}`, verdict, reason);
    } catch (e) {
      refused.push(`#${pr.number}'s failure could not be posted (${describeGitHubError(e) ?? String(e)})`);
    }
  }
  const named = behind.map((p) => `#${p.number}`).join(', ');
  io.out(
    `${branch} is at ${tip.slice(0, 12)}: ${behind.length ? `failed the success in force on the head of ${named}, behind it or not read` : 'no open pull request has a success in force on a head behind it'}`,
  );
  if (!refused.length) return 0;
  io.err(`orgctl review: ${refused.join('; ')}: re-run this job, or each one's review`);
  return 1;
}

/**
 * `--left-head`: a push's own run of the review may be replaced while it waits (one run of a pull
 * request at a time; a newer one replaces a waiting one: a review anyone may submit starts one), and
 * the commit the push left is known to that run only (R19-2). The push workflow, outside the
 * review's concurrency groups, runs this on every push: failLeftHead and nothing else.
 */
async function leftHeadOnly(gh: GitHubClient, at: Repo, number: number, before: string | undefined, io: Io) {
  if (before === undefined)
    throw new InputError('--left-head reads the commit a push left: run it on a synchronize event');
  const left = await failLeftHead(gh, at, await headOf(gh, at, number), before, io);
  const what = {
    carried: "its success there carried this pull request's verdict, now failed",
    unread: 'what rests on its check run could not be read: failed',
    nothing:
      "nothing there rests on it (no other open pull request has it as head, or its check run is not a success carrying this pull request's verdict)",
  }[left];
  io.out(`pull request #${number} left ${before.slice(0, 12)}: ${what}`);
  return left === 'unread' ? 1 : 0;
}

/**
 * Why the success just posted on `pr`'s head no longer stands, read after posting (a change before
 * it is seen here; one after it starts a run that posts after it), else undefined. Another run's
 * check run on the head between this run's mark and its verdict (`posted`) is a newer run's mark
 * (R86-2: a run a review started waits in a workflow-level group of its own, beside a run of the
 * same pull request whose `pull` job marks at once), which this success landed after: that run
 * judges what this one may not have read, so this success must not stand over its mark. A success lent by
 * a copy rests on that copy, which its own run, in another concurrency group, may have changed
 * (R18-3); its own, on its head, which a push may have moved while the push workflow saw only this
 * run's in-progress mark (R20-1): that commit then fails as a push's would (failLeftHead). A reading
 * that fails is a reason too: failUnjudged posts nothing once the pull request changed (R19-3).
 */
async function successUndone(
  gh: GitHubClient,
  at: Repo,
  pr: PullRequestFacts,
  judged: CopiesJudged['judged'],
  lender: CopiesJudged['lender'],
  posted: { readonly mark: number; readonly check: number },
  io: Io,
): Promise<string | undefined> {
  try {
    if (lender) {
      const after = await copiesNow(gh, at, pr.headSha, { judged, lender });
      if (after.lender === undefined || after.stays)
        return `pull request #${lender.number}, whose verdict this commit's check rested on, changed as it was posted: re-run the job`;
    } else {
      const now = await headOf(gh, at, pr.number);
      if (now.headSha !== pr.headSha && (await failLeftHead(gh, at, now, pr.headSha, io)) === 'unread')
        return `pull request #${pr.number} moved on as its success was posted, and whether that success carried its verdict could not be read: re-run the job`;
    }
    // A merge as the success was posted: the push's base-moved may have read this run's mark, in
    // progress, and failed nothing (R131-1). Read after the success landed, the tip has moved.
    const tip = await branchTip(gh, at, pr.defaultBranch);
    if (tip !== pr.read.baseTip) return baseGone(pr.defaultBranch, pr.read.baseTip, tip, 'where it was when judged');
    const newer = await reviewRunsBetween(gh, at, pr.headSha, posted.mark, posted.check);
    return newer.length
      ? `a newer run of the review marked ${pr.headSha.slice(0, 12)} in progress while this run judged it (check run ${newer.at(-1)}), before this run's success landed: that run's verdict decides; if none comes, re-run the job`
      : undefined;
  } catch (e) {
    const failed = describeGitHubError(e) ?? String(e);
    return lender
      ? `pull request #${lender.number}, whose verdict this commit's check rests on, could not be read again after posting (${failed}): re-run the job`
      : `pull request #${pr.number} could not be read again after its success was posted (${failed}): re-run the job`;
  }
}

/** The review flags `--github` reads: the rest comes from GitHub. */
export interface GitHubReviewFlags {
  readonly base?: string;
  readonly head?: string;
  readonly window?: string;
  readonly today?: string;
  readonly pull?: string;
  readonly 'bot-login'?: string;
  readonly 'head-proof'?: string;
  readonly 'head-proof-commit'?: string;
  readonly 'head-lock'?: string;
  readonly 'full-proof'?: boolean;
  readonly 'left-head'?: boolean;
  readonly 'base-moved'?: boolean;
  /** The commit of the default branch the job checked out, whose dist/ is `base` (R32a-1). */
  readonly 'base-commit'?: string;
}

/**
 * Why no verdict stands when the default branch is not the commit judged as base: a change merged
 * into it since is no part of the diff, so a head on top of it that undoes the change reads as no
 * change (R32a-1). GitHub starts no run of this pull request for a merge into its base.
 */
const baseGone = (branch: string, judged: string, tip: string, when: string): string =>
  `${branch} is at ${tip.slice(0, 12)} now, not at ${judged.slice(0, 12)}, ${when}: a change merged into it since is no part of this verdict; re-run the job (a merge into ${branch} starts no run of this pull request)`;

/**
 * Where the review's full report is, and how it is told apart (red team R63-2): the review job's
 * step summary, headed with `mark`, a random word of this run. The run's page shows the summary of
 * every job, head-engine's first, and head-engine runs the pull request's own code, which may write
 * a report headed as this one; it ends before the review job starts, on another machine, so it
 * cannot know the mark, which the comment and the check run (no code of the pull request writes
 * either) name: the comment where it is cut (`pointer`), the check run's summary always (`footer`).
 * The page is `attempt`'s of the run (GITHUB_RUN_ATTEMPT): a run started again shows its latest
 * attempt, whose head-engine may have read this mark in the comment before that attempt's review
 * replaces it.
 */
function fullReportOf(
  runUrl: string | undefined,
  attempt: string | undefined,
  mark: string,
): { heading: string; pointer: string; footer: string } {
  const page = runUrl && /^\d+$/.test(attempt ?? '') ? `${runUrl}/attempts/${attempt}` : runUrl;
  const where = page ? `the summary of the \`review\` job of ${page}` : "the `review` job's summary";
  const pointer = `${where}, headed with the mark \`${mark}\` (a summary without it, such as the \`head-engine\` job's, which runs the pull request's own code, is not the review's)`;
  return {
    heading: `### orgctl review: the full report (mark \`${mark}\`)`,
    pointer,
    footer: `\n_The full report: ${pointer}._\n`,
  };
}

/** `orgctl review --github`: the privileged job's whole work. */
export async function reviewOnGitHub(
  flags: GitHubReviewFlags,
  io: Io,
  options: Pick<ClientOptions, 'retryAfterBaseValue' | 'throttle' | 'writeLimiters'> = {},
): Promise<number> {
  const env = io.env;
  const eventPath = need(env, 'GITHUB_EVENT_PATH');
  const [owner, repo] = need(env, 'GITHUB_REPOSITORY').split('/');
  if (!owner || !repo)
    throw new InputError(`GITHUB_REPOSITORY ${JSON.stringify(env.GITHUB_REPOSITORY)} is not owner/repo`);
  const token = need(env, 'GITHUB_TOKEN');
  let eventText: string;
  try {
    eventText = readFileSync(eventPath, 'utf8');
  } catch (e) {
    // Why, as for any file: gone, a folder, permission denied (then what to do).
    throw unreadableInput(e) ?? new InputError(`${eventPath}: cannot read the event payload (${whyUnread(e)})`);
  }
  const baseCommit = flags['base-commit'];
  if (baseCommit !== undefined && !COMMIT.test(baseCommit))
    throw new UsageError(
      `--base-commit ${JSON.stringify(baseCommit)} is not a commit named in full: give the commit of the default branch whose dist/ --base is ("$(git rev-parse HEAD)" in the job's checkout)`,
    );
  const event = eventOf(eventText);
  const at = { owner, repo };
  const gh = makeClient({ baseUrl: env.GITHUB_API_URL ?? 'https://api.github.com', token, io, ...options });
  if (flags['base-moved']) {
    if (flags.pull !== undefined || flags['left-head'])
      throw new UsageError(
        '--base-moved judges every open pull request a merge left behind: give it alone, without --pull or --left-head',
      );
    return await failSuccessesBehind(gh, at, event, io);
  }
  const number = flags.pull !== undefined ? pullFlag(flags.pull) : pullNumberOf(event, eventPath);
  const before = leftBy(event, number);
  const botLogin = flags['bot-login'] ?? env.ORGCTL_BOT_LOGIN ?? 'github-actions[bot]';
  const runUrl =
    env.GITHUB_SERVER_URL && env.GITHUB_RUN_ID
      ? `${env.GITHUB_SERVER_URL}/${owner}/${repo}/actions/runs/${env.GITHUB_RUN_ID}`
      : undefined;
  try {
    if (flags['left-head']) return await leftHeadOnly(gh, at, number, before, io);
    const mark = await markJudging(gh, at, number, runUrl, io);
    const marked = mark?.headSha;
    const run = { botLogin, marked };
    let pr: PullRequestFacts;
    try {
      pr = await fetchPullRequest(gh, at, number);
      await failLeftHead(gh, at, pr, before, io);
    } catch (e) {
      // Reading the pull request is interpreting GitHub's answers too: an error there (R13-F1: a
      // label named __proto__ made it throw) must not leave the check run before in force.
      // After a rate limit too: GitHub's secondary limits often let the posting through (R14-F2).
      await failUnjudged(gh, at, { number }, run, e, io);
      throw e;
    }
    /** This run ends failing the head it judged, saying why (a re-run judges it again). */
    const failHead = async (why: string) => {
      io.err(`orgctl review: ${why}`);
      await postUnjudged(gh, at, { number, headSha: pr.headSha }, botLogin, unjudged(new InputError(why)));
      return 1;
    };
    // Without the flag (a workflow of an earlier orgctl), the commit the base side was read from:
    // its ref's, or the HEAD of the checkout holding its folder (the job's checkout: R33-1).
    const judgedBase = baseCommit ?? commitOfSide(flags.base ?? DEFAULT_OUTPUT_SIDE);
    if (judgedBase === undefined)
      io.err(
        `warning: the commit of ${pr.defaultBranch} that --base ${flags.base ?? DEFAULT_OUTPUT_SIDE} was read from is unknown (it is in no git checkout), so a change merged into ${pr.defaultBranch} since is not looked for: pass --base-commit`,
      );
    else if (judgedBase !== pr.read.baseTip)
      return failHead(
        baseGone(pr.defaultBranch, judgedBase, pr.read.baseTip, 'where the job checked it out and judged it'),
      );
    try {
      const orgCode = await readOrgCode(headSideOf(pr, flags), pr.changedPaths);
      const judge = (facts: PullRequestFacts) => judgeFacts(facts, flags, io, orgCode);
      const { diff, verdict, adminAccounts } = await judge(pr);
      // A check run belongs to the head commit, which other pull requests may share (R17-1): when
      // this one does not pass, another open one with the same head that passes on its own does.
      const copies = verdict.ok ? { judged: [] } : await judgeCopies(gh, at, pr, judge, adminAccounts);
      // Read the pull request again just before posting: a verdict on what is no longer there would
      // overwrite the newer run's (the last check run of a name on a commit is the one that counts).
      const now = await fetchPullRequestNow(gh, at, number);
      // Before the head's own moves: no run follows a merge into the base to post a verdict.
      if (now.baseTip !== pr.read.baseTip && now.headSha === pr.headSha)
        return failHead(baseGone(pr.defaultBranch, pr.read.baseTip, now.baseTip, 'where it was when judged'));
      const moved = supersededBy(pr.read, now);
      if (moved && leftPending(pr.headSha, now.headSha, marked)) {
        io.err(`orgctl review: pull request #${number} changed while it was judged (${moved}): ${LEFT_PENDING}`);
        return 0;
      }
      if (moved)
        return failHead(
          `pull request #${number} changed while it was judged (${moved}), and its check run could not be marked in progress: re-run the job`,
        );
      // So are the others judged: one that changed with the same head started a run that posts on it.
      const { lender, stays } = await copiesNow(gh, at, pr.headSha, copies);
      // As for this pull request's own change: posting nothing leaves the verdict before in force
      // unless this run marked the head in progress (R18-4).
      if (stays && marked === pr.headSha) {
        io.err(`orgctl review: pull request ${stays}: ${LEFT_PENDING}`);
        return 0;
      }
      if (stays)
        return failHead(
          `pull request ${stays}, and the check run of its head could not be marked in progress: re-run the job`,
        );
      const own: Verdict = { ...verdict, results: [...verdict.results, ...restsOn(pr, copies.judged, lender)] };
      const posted: Verdict = lender
        ? { ...lender.verdict, results: [...passesAs(pr, lender.number), ...lender.verdict.results] }
        : own;
      // A success stands only over this run's own mark: without one (GitHub refused it), nothing dates
      // this run's reading, and a newer run's mark while it judged is not told from an older one (R98-2).
      if (posted.ok && mark === undefined)
        return failHead(
          `the check run of ${pr.headSha.slice(0, 12)} could not be marked in progress, so a newer run's mark while this one judged could not be told from an earlier one: no success is posted; re-run the job`,
        );
      const report = fullReportOf(runUrl, env.GITHUB_RUN_ATTEMPT, randomBytes(4).toString('hex'));
      const full = renderMarkdown(diff, own, { maxBytes: 1_000_000 }); // GitHub's step summary: 1 MiB
      if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, `${report.heading}\n\n${full}\n`);
      const body = renderMarkdown(diff, own, { fullReport: report.pointer });
      const summary = `${renderMarkdown(diff, posted, {
        maxBytes: CHECK_SUMMARY_LIMIT - Buffer.byteLength(report.footer),
        fullReport: report.pointer,
      })}${report.footer}`;
      // The check run first: it decides, and a comment that failed to post must not leave the one before in force.
      // A success records whose verdict it carries: a push of that pull request away fails it (R18-1).
      const carries = posted.ok ? (lender?.number ?? number) : undefined;
      const check = await createCheckRun(gh, at, pr.headSha, posted, summary, runUrl, carries);
      const undone =
        posted.ok && mark
          ? await successUndone(gh, at, pr, copies.judged, lender, { mark: mark.id, check }, io)
          : undefined;
      if (undone) return failHead(undone);
      const comment = await upsertComment(gh, at, number, botLogin, body);
      const as = lender ? ` (as #${lender.number}'s change; #${number} fails on its own)` : '';
      io.out(
        `${posted.ok ? 'passed' : 'failed'}: pull request #${number}, comment ${comment.id} ${comment.created ? 'created' : 'updated'}, check run ${CHECK_NAME} ${check} ${posted.ok ? 'success' : 'failure'} on ${pr.headSha.slice(0, 12)}${as}`,
      );
      // One line each, whatever the data in it holds (R29-1: a workflow command of the author's in this job's log).
      // A warning too: it passes, and the comment marks it; the log said nothing of it before.
      for (const r of verdict.results.filter((x) => !x.ok || x.warning))
        io.err(showHidden(`${r.ok ? 'warning' : 'error'} ${r.rule} ${r.message}`));
      return posted.ok ? 0 : 1;
    } catch (e) {
      // Head that cannot even be read (a merge key, a symbolic link, a file orgctl never writes), a
      // base that cannot, or any error before the verdict is posted (orgctl's own, GitHub's): a
      // failing check run and a comment saying why, never silence.
      await failUnjudged(gh, at, { number, headSha: pr.headSha, read: pr.read }, run, e, io);
      if (e instanceof InputError) return 2;
      throw e;
    }
  } catch (e) {
    const message = describeGitHubError(e);
    if (message) throw new InputError(message);
    throw e;
  }
}
