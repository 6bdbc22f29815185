/**
 * The GitHub adapter (@octokit/rest): reads a pull request (author, commits, reviews, files) and
 * reports with one sticky comment and the `orgctl/review` check run. Nothing here judges: the
 * caller (cli/github.ts) does, from base and head dist/ as data, and never runs code from the pull
 * request (the privileged workflow checks out the base only).
 *
 * Why a check run and no commit status: any workflow granted `statuses: write` can post a commit
 * status under any context, so a passing `orgctl/review` status proves nothing. A check run belongs
 * to the app that created it (GitHub Actions here), and branch protection can require
 * `orgctl/review` from that app only.
 */
import type { RuleId } from '../model/rules.ts';
import { retry } from '@octokit/plugin-retry';
import { type ThrottlingOptions, throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import {
  actorsOf,
  distinctLogins,
  overrideAppliers,
  overridesOf,
  proposingActors,
  validApprovals,
} from '../review/approvals.ts';
import {
  type HeadTree,
  isUnnamedActor,
  loginKey,
  sameLogin,
  unnamedActor,
  unnamedAuthor,
  unnamedPusher,
  unnamedReopener,
} from '../policies/change/context.ts';
import { COMMENT_MARKER, sizeOf } from '../report/markdown.ts';
import type { RuleResult, Verdict } from '../review/review.ts';
import { InputError } from '../model/errors.ts';
import { firstOf, withThousands } from '../model/text.ts';
import type { Io } from '../model/io.ts';

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
  /**
   * The limiters that space writes under `throttle` (a second apart, three for those that notify),
   * in place of the throttling plugin's own: tests of the rate limits give ones that do not wait.
   */
  readonly writeLimiters?: Pick<ThrottlingOptions, 'write' | 'notifications'>;
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
      // These two keys only: nothing else a caller passes reaches the plugin's settings.
      ...(o.writeLimiters?.write && { write: o.writeLimiters.write }),
      ...(o.writeLimiters?.notifications && { notifications: o.writeLimiters.notifications }),
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

/** What of a pull request can change without a new commit: its head and who pushed it, labels, approvals and who applied its overrides. */
export interface PullRequestNow {
  readonly headSha: string;
  readonly labels: readonly string[];
  /** Who approved the head, as the reviews say (whether each may write is not asked here). */
  readonly approvals: readonly string[];
  /**
   * Who last applied each override label, by rule id, as the label events name them (whether each
   * may write is not asked here): an override is its labeller's act, and the same label taken off
   * and put back by another leaves the labels as they were (red team G1).
   */
  readonly appliers: Readonly<Record<string, string>>;
  /** Who last moved the head branch to the head commit, as GitHub's activity says (headPusher): a login, or an actor nobody can name. */
  readonly pusher: string;
  /** GitHub's `state` (`open`, `closed`) and `draft`: only an open pull request ready for review proposes its head. */
  readonly state: string;
  readonly draft: boolean;
  /**
   * Who last reopened it and who last marked it ready for review, as its events name them
   * (proposingActors): each put it up for merging, so each is an actor, and its author proposes it
   * only when they did both themselves.
   */
  readonly reopeners: readonly string[];
  /**
   * The commit the default branch is at, as GitHub has it now (git/ref/heads/<default>; not
   * pulls.get's `base.sha`, the branch when the pull request was opened or last pushed): the base
   * judged must be it, or a change merged into it since the job checked it out is no part of the
   * diff (R32a-1).
   */
  readonly baseTip: string;
}

/** A reading of a pull request (PullRequestNow), with the accounts its reviews, issue events and head push name (accountIdsOf). */
interface PullRequestRead extends PullRequestNow {
  readonly accounts: readonly (Account | null | undefined)[];
}

/** A GitHub account as GitHub names it in a user object (`login`, and `id` where given). */
interface Account {
  readonly login?: string;
  readonly id?: number;
}

/**
 * The ids of the accounts GitHub named by each login, by loginKey (ReviewInput.accountIds): a
 * login freed by a rename or a deletion is anyone's to register, and only the id tells the account
 * base declares from another that took its login.
 */
function accountIdsOf(accounts: readonly (Account | null | undefined)[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const a of accounts) {
    if (!a?.login || typeof a.id !== 'number') continue;
    const ids = out.get(loginKey(a.login)) ?? [];
    if (!ids.includes(a.id)) out.set(loginKey(a.login), [...ids, a.id]);
  }
  return out;
}

interface PullRequestFacts {
  readonly number: number;
  /**
   * What the adapter finds itself, judged with the rules: why GitHub's lists are not the whole change
   * into the default branch, and whose approval does not count for want of write access.
   */
  readonly results: readonly RuleResult[];
  readonly author: string;
  readonly headSha: string;
  readonly baseSha: string;
  /** The repository's default branch: the one the review guards, and Argo CD must follow. */
  readonly defaultBranch: string;
  /** The repository's URLs (https clone, web, ssh): where Argo CD must read it. */
  readonly repositoryUrls: readonly string[];
  readonly labels: readonly string[];
  /** The pull request as this reading saw what may change without a commit (supersededBy compares it). */
  readonly read: PullRequestNow;
  readonly actors: readonly string[];
  /** The pull request's author, as actors name them: the one actor who proposes the change. */
  readonly proposers: readonly string[];
  /** The approvals that count: of the head, by accounts GitHub says may write to the repository. */
  readonly approvals: readonly string[];
  /** Who last applied each override label, by rule id (an account that may not write is nobody). */
  readonly overriddenBy: Readonly<Record<string, string>>;
  readonly changedPaths: readonly string[];
  /** The ids of the accounts GitHub named by each login (author, signers, reviewers, pushers, labellers). */
  readonly accountIds: ReadonlyMap<string, readonly number[]>;
  /** The head commit's whole tree, as Argo CD would check it out (repository-tree). */
  readonly headTree: HeadTree;
}

export interface Repo {
  readonly owner: string;
  readonly repo: string;
}

/** The id of the result that fails a review whose file or commit list is not the whole pull request. */
const COMPLETENESS_RULE: RuleId = 'complete-pull-request';
/** The id of the result that fails a review of a pull request into another branch than the default one. */
const BASE_RULE: RuleId = 'pull-request-base';
/** The id of the result that fails a review of a head that does not contain the default branch's tip. */
const UP_TO_DATE_RULE: RuleId = 'head-up-to-date';
/** The id of the result that fails a review of a pull request that is closed or a draft, and of what a run says of the others with its head. */
export const OPEN_PULL_REQUEST: RuleId = 'open-pull-request';

/**
 * Fails closed when the pull request is closed (merged or not) or a draft: nobody proposes it for
 * merging now, while its head commit's check run counts for every pull request with that head (red
 * team R17-2: an admin's withdrawn change passed in a copy of it anyone opened from a fork).
 */
function openState(number: number, state: string, draft: boolean): RuleResult[] {
  if (state === 'open' && !draft) return [];
  const what = state === 'open' ? 'a draft' : state;
  return [
    {
      rule: OPEN_PULL_REQUEST,
      ok: false,
      message: `pull request #${number} is ${what}: only an open pull request ready for review proposes its head commit, and a check run counts for that commit in every pull request: ${state === 'open' ? 'mark it ready for review' : 'reopen it'} (the review runs again)`,
    },
  ];
}

/**
 * Fails closed when the pull request's base is not the default branch, the one whose `dist/` the
 * review job checks out: GitHub lists commits and files against the pull request's own base (a
 * branch holding a commit nobody can attribute, or an engine change, would hide them), and a
 * check run counts for its commit in every pull request (a retarget keeps it).
 */
function baseBranch(base: string, defaultBranch: string): RuleResult[] {
  if (base === defaultBranch) return [];
  return [
    {
      rule: BASE_RULE,
      ok: false,
      message: `the pull request targets ${base}, not ${defaultBranch}: the review stands on ${defaultBranch}'s dist/, and GitHub lists the commits and files between ${base} and the head: retarget it to ${defaultBranch} (the review runs again)`,
    },
  ];
}

/** GitHub lists at most this many files of a pull request (pulls.listFiles) ... */
const GITHUB_MAX_LISTED_FILES = 3000;

/** ... and at most this many commits (pulls.listCommits). */
const GITHUB_MAX_LISTED_COMMITS = 250;

/**
 * Fails closed when GitHub listed fewer (or more) files or commits than the pull request says it
 * has: an unlisted file could be an engine change, an unlisted commit an author who is not an admin.
 */
export function completeness(
  counts: { changedFiles: number; commits: number; headSha?: string },
  listed: { files: number; commits: number; lastSha?: string },
): RuleResult[] {
  const out: RuleResult[] = [];
  const why = (what: string, max: number, total: number, got: number) => {
    const cause =
      total > max
        ? `GitHub lists at most ${withThousands(max)} ${what} of a pull request`
        : 'the pull request changed while it was read; re-run the review';
    return `the pull request has ${total} ${what} but GitHub listed ${got}: ${cause}. A review that cannot see every ${what.replace(/s$/, '')} fails; split the change into smaller pull requests.`;
  };
  if (listed.files !== counts.changedFiles)
    out.push({
      rule: COMPLETENESS_RULE,
      ok: false,
      message: why('changed files', GITHUB_MAX_LISTED_FILES, counts.changedFiles, listed.files),
    });
  if (listed.commits !== counts.commits)
    out.push({
      rule: COMPLETENESS_RULE,
      ok: false,
      message: why('commits', GITHUB_MAX_LISTED_COMMITS, counts.commits, listed.commits),
    });
  // As many commits, another last one: a push between the two reads (the actors listed are not the
  // head's, nor is who made the head, R7). GitHub lists them oldest first, the head last.
  else if (counts.headSha !== undefined && listed.lastSha !== counts.headSha)
    out.push({
      rule: COMPLETENESS_RULE,
      ok: false,
      message: `GitHub listed commits ending at ${listed.lastSha?.slice(0, 12) ?? '(none)'}, not the head commit ${counts.headSha.slice(0, 12)}: the pull request changed while it was read; re-run the review`,
    });
  return out;
}

/** A top-level entry of a commit's tree (git/trees/{sha}, not recursive): a file or folder, and its object. */
interface TopLevelEntry {
  readonly path: string;
  readonly sha: string;
  readonly mode: string;
}

/** The top-level entries that differ between two trees (added, removed or another object), by name. */
function differingEntries(base: readonly TopLevelEntry[], head: readonly TopLevelEntry[]): Set<string> {
  const key = (e: TopLevelEntry) => `${e.mode} ${e.sha}`;
  const inBase = new Map(base.map((e) => [e.path, key(e)]));
  const inHead = new Map(head.map((e) => [e.path, key(e)]));
  return new Set([...inBase.keys(), ...inHead.keys()].filter((p) => inBase.get(p) !== inHead.get(p)));
}

/**
 * Fails closed when GitHub's list of the pull request's files is not the change of the head commit
 * judged: the list is of the pull request as it is at that request, so a head moved away and back
 * while it was read lists another commit's files (R32a-2: a change of .github/workflows/ listed as
 * one of org/ and dist/ only). The head's and the default branch's top-level trees (fixed by their
 * commits) must differ exactly at the first folders (or files) of the paths listed. A head behind
 * the default branch differs where only the branch changed since: it is brought up to date.
 */
export function filesOfHead(
  listedPaths: readonly string[],
  trees: {
    readonly base: readonly TopLevelEntry[];
    readonly head: readonly TopLevelEntry[];
    readonly truncated: boolean;
  },
  at: { readonly branch: string; readonly baseTip: string; readonly headSha: string },
): RuleResult[] {
  const [head, base] = [at.headSha.slice(0, 12), at.baseTip.slice(0, 12)];
  if (trees.truncated)
    return [
      {
        rule: COMPLETENESS_RULE,
        ok: false,
        message: `GitHub truncated its listing of the tree of ${head} (read whole) or of ${at.branch} (${base}, its top level): the files listed cannot be checked against the head commit judged`,
      },
    ];
  const differing = differingEntries(trees.base, trees.head);
  const listedTop = new Set(listedPaths.map((p) => p.split('/')[0]!));
  const unlisted = [...differing].filter((name) => !listedTop.has(name)).sort();
  const unchanged = [...listedTop].filter((name) => !differing.has(name)).sort();
  const out: RuleResult[] = [];
  if (unlisted.length)
    out.push({
      rule: COMPLETENESS_RULE,
      ok: false,
      message: `the head commit ${head} differs from ${at.branch} (${base}) at ${firstOf(unlisted, 5)}, which GitHub's list of the pull request's files does not name: the pull request changed while it was read, or its head is behind ${at.branch}; bring it up to date, or re-run the review`,
    });
  if (unchanged.length)
    out.push({
      rule: COMPLETENESS_RULE,
      ok: false,
      message: `GitHub's list of the pull request's files names ${firstOf(unchanged, 5)}, where the head commit ${head} is as ${at.branch} (${base}) has it: the pull request changed while it was read, or its head is behind ${at.branch}; bring it up to date, or re-run the review`,
    });
  return out;
}

/**
 * A commit's tree as GitHub lists it: its top level, or with `recursive` (git/trees/{sha}?recursive=1)
 * every entry below too; and whether GitHub cut the list (it lists at most 100,000 entries, 7 MB).
 */
async function treeOf(
  gh: GitHubClient,
  at: Repo,
  sha: string,
  recursive: boolean,
): Promise<{ readonly entries: TopLevelEntry[]; readonly truncated: boolean }> {
  const { data } = await gh.rest.git.getTree({ ...at, tree_sha: sha, ...(recursive ? { recursive: '1' } : {}) });
  return {
    entries: data.tree.map((e) => ({ path: e.path ?? '', sha: e.sha ?? '', mode: e.mode ?? '' })),
    truncated: data.truncated,
  };
}

/**
 * A commit's whole tree, from its recursive listing: what Argo CD checks out is the commit, not its
 * dist/ (repository-tree). A tree not listed whole is not judged whole.
 */
function wholeTree(sha: string, listed: { readonly entries: TopLevelEntry[]; readonly truncated: boolean }): HeadTree {
  if (listed.truncated)
    return {
      unread: `GitHub truncated its listing of the head commit ${sha.slice(0, 12)}'s whole tree (${withThousands(listed.entries.length)} entries listed; it lists at most 100,000, or 7 MB): what Argo CD would check out cannot be judged whole. An organization's repository holds far fewer files: remove what does not belong in it`,
    };
  return { entries: listed.entries.map((e) => ({ path: e.path, mode: e.mode })) };
}

/**
 * Fails closed when the commits GitHub listed are not the head's history: a list over several
 * pages read across a push mixes two heads, keeping the count and the last commit (the head) while
 * leaving out a commit of this head's, and with it an actor. Every commit of a pull request but
 * its head is a parent of another of its commits (the path from the head to it leaves the base
 * nowhere), so one that is no parent of any listed is another head's; and pages that shift repeat
 * a commit. Distinct, as many as the pull request has, each but the head a parent of another
 * listed: the list is the head's history.
 */
export function commitsOfHead(
  commits: readonly { readonly sha: string; readonly parents?: readonly { readonly sha: string }[] }[],
  headSha: string,
): RuleResult[] {
  // Pages of two heads repeat a commit where they shift (R34-1): listed twice, another is left out.
  const seen = new Set<string>();
  const twice = commits.find((c) => seen.size === seen.add(c.sha).size);
  if (twice)
    return [
      {
        rule: COMPLETENESS_RULE,
        ok: false,
        message: `GitHub listed commit ${twice.sha.slice(0, 12)} twice: the pull request changed while its commits were read, so another may be left out; re-run the review`,
      },
    ];
  const parents = new Set(commits.flatMap((c) => (c.parents ?? []).map((p) => p.sha)));
  const stray = commits.find((c) => c.sha !== headSha && !parents.has(c.sha));
  return stray
    ? [
        {
          rule: COMPLETENESS_RULE,
          ok: false,
          message: `GitHub listed commit ${stray.sha.slice(0, 12)}, which is no parent of another commit listed, nor the head ${headSha.slice(0, 12)}: the pull request changed while its commits were read; re-run the review`,
        },
      ]
    : [];
}

/**
 * Fails a head that does not contain the default branch's tip: GitHub merges such a head with a
 * three-way merge, whose tree is not the head judged (R130-1). The head contains the tip exactly
 * when a commit GitHub lists is the tip's child: every commit listed is the head's ancestor, and the
 * head's path down to the tip passes one commit that is not the tip's ancestor (so listed) whose
 * parent is the tip. A list cut short fails `complete-pull-request` already.
 */
function headUpToDate(
  commits: readonly { readonly sha: string; readonly parents?: readonly { readonly sha: string }[] }[],
  at: { readonly branch: string; readonly baseTip: string; readonly headSha: string },
): RuleResult[] {
  if (at.headSha === at.baseTip) return [];
  if (commits.some((c) => (c.parents ?? []).some((p) => p.sha === at.baseTip))) return [];
  const [head, tip] = [at.headSha.slice(0, 12), at.baseTip.slice(0, 12)];
  return [
    {
      rule: UP_TO_DATE_RULE,
      ok: false,
      message: `the head commit ${head} is behind ${at.branch} (${tip}): GitHub would merge it into a tree that is not the head judged (another pull request merged since the branch was made); bring the branch up to date with ${at.branch} (the review runs again)`,
    },
  ];
}

/** What pulls.listCommits says of one commit, as far as the actors are concerned. */
interface ListedCommit {
  readonly sha: string;
  readonly parents?: readonly { readonly sha: string }[];
  /** GitHub's account for the commit's author email: null, or `{}`, when none. */
  readonly author: { readonly login?: string } | null;
  /** GitHub's account for the committer email (whose signature GitHub verifies): null when none. */
  readonly committer?: { readonly login?: string; readonly id?: number } | null;
  readonly commit: { readonly verification?: { readonly verified: boolean } };
}

/**
 * The GitHub login a commit may be held to, or null. Logins come from the emails in the commit,
 * which anyone can write: unless GitHub verified the commit's signature, they are claims, and the
 * commit counts as an actor nobody can match to an admin. A verified commit is its committer's.
 */
export function commitActor(c: ListedCommit): string | null {
  // GitHub verifies the signature of the committer: the signer is who made the commit. The author
  // is a name the signer wrote, so it is neither an actor (it could disqualify an admin's
  // approval) nor a way to hide the signer. GitHub's own signature (web-flow: the web editor,
  // "Update branch", commits made through the API) vouches for GitHub, not for whoever asked it,
  // and the author such a commit carries is what the request said.
  const signer = c.commit.verification?.verified === true ? c.committer?.login : undefined;
  return signer && signer !== GITHUB_SIGNER ? signer : null;
}

/** The account GitHub signs the commits it makes for someone as. */
const GITHUB_SIGNER = 'web-flow';

/** Actors of a pull request: its author (GitHub authenticated them) and each commit's verified author. */
export function pullActors(author: string, commits: readonly ListedCommit[]): string[] {
  return actorsOf(
    author,
    commits.map((c) => {
      const login = commitActor(c);
      if (login !== null) return login;
      // Not a login (spaces, parentheses): it matches no user in base, so never an admin.
      const commit = `commit ${c.sha.slice(0, 12)}`;
      const claims = c.author?.login ? `, claims ${c.author.login}` : '';
      if (c.commit.verification?.verified !== true)
        return unnamedActor(`${commit}: author not verified by GitHub${claims}`);
      if (c.committer?.login === GITHUB_SIGNER)
        return unnamedActor(
          `${commit}: made and signed by GitHub (${GITHUB_SIGNER}) for someone it does not name${claims}`,
        );
      return unnamedActor(`${commit}: committer without a GitHub account`);
    }),
  );
}

/**
 * Who stands behind a pull request as proposing it: its author, when the head commit is theirs
 * (verified as them) and they pushed it there. Its signature pins every commit beneath it, so they
 * chose what the head carries; a commit anyone else pushed on top (whoever may push to the head
 * branch can) is not theirs (red team Y2), nor is one of theirs someone else made the head (a WIP
 * of theirs, a pull request of theirs closed unmerged: red team G2), nor a pull request of theirs
 * someone else reopened or marked ready (R17-2). Then only approvals of the head stand behind it.
 */
function proposersOf(
  author: string,
  commits: readonly ListedCommit[],
  headSha: string,
  read: Pick<PullRequestNow, 'pusher' | 'reopeners'>,
): string[] {
  // No stand-in for the head: a listing without it fails completeness (R7), and proposes nobody.
  const head = commits.find((c) => c.sha === headSha);
  // Reopened or marked ready by another: they put it up for merging, not its author (R17-2).
  const theirs = [read.pusher, ...read.reopeners].every((login) => sameLogin(login, author));
  return head && sameLogin(commitActor(head) ?? undefined, author) && theirs ? [author] : [];
}

/** What GitHub's repository activity says of one change of a branch, as far as who pushed the head is concerned. */
interface ListedActivity {
  readonly after: string;
  readonly ref: string;
  readonly actor: { readonly login: string; readonly id?: number } | null;
}

/** What pulls.get says of the head, as far as who pushed it is concerned. */
interface ListedHead {
  readonly sha: string;
  readonly ref: string;
  readonly repo: { readonly name: string; readonly owner: { readonly login: string } } | null;
}

/**
 * Who last moved `ref` to `sha`, from GitHub's repository activity of `ref`, newest first: their
 * login, null when the change listed names no account (one since deleted), undefined when the
 * newest change listed is not to `sha` or none is. The branch is at `sha` now, so its newest change
 * must be to it: an older push of the same commit (force-pushed away and back by someone else) is
 * a listing behind, not who pushed it (R14-F6). The ref is checked too, whatever filter was asked:
 * another branch moved to the same commit is no push of this one.
 */
export function pusherOf(activities: readonly ListedActivity[], ref: string, sha: string): string | null | undefined {
  const pusher = pushingAccountOf(activities, ref, sha);
  return pusher === undefined ? undefined : (pusher?.login ?? null);
}

/** The account pusherOf names, with its id: null when none is named, undefined when no push listed made it the head. */
function pushingAccountOf(activities: readonly ListedActivity[], ref: string, sha: string) {
  const newest = activities.find((a) => a.ref === ref);
  return newest?.after === sha ? newest.actor : undefined;
}

/**
 * Who last moved the head branch to the head commit (a push, a force push, the branch's creation),
 * from GitHub's repository activity (GET /repos/{owner}/{repo}/activity, newest first), as the
 * actors name them: their login, or an actor nobody can name, saying why, when GitHub does not say
 * (no such change listed, an account since deleted, a repository gone or the token refused). The
 * author then proposes nothing; a rate limit (isRateLimited), or anything that is no answer of
 * GitHub's, is thrown.
 */
async function headPusher(gh: GitHubClient, base: Repo, head: ListedHead): Promise<Account & { pusher: string }> {
  if (!head.repo)
    return { pusher: unnamedPusher(head.sha, 'its repository is gone: GitHub names nobody who pushed it') };
  const at = { owner: head.repo.owner.login, repo: head.repo.name };
  // A fork's activity is the fork's: the review's token may read the repository and not the fork.
  const fork = `${at.owner}/${at.repo}`.toLowerCase() !== `${base.owner}/${base.repo}`.toLowerCase();
  const nobody = (why: string) => ({
    pusher: unnamedPusher(
      head.sha,
      fork
        ? `${why}: the head branch is in the fork ${at.owner}/${at.repo}, whose activity was read: GitHub gives it only to a token that may read that fork (a private fork refuses the review's)`
        : why,
    ),
  });
  const ref = `refs/heads/${head.ref}`;
  try {
    const [pushed] = await gh.paginate(
      gh.rest.repos.listActivities,
      { ...at, ref, direction: 'desc', per_page: 100 },
      (response, done) => {
        // The first page listing any change of the branch decides (its newest).
        if (!response.data.some((a) => a.ref === ref)) return [];
        done();
        return [pushingAccountOf(response.data, ref, head.sha)];
      },
    );
    if (pushed)
      return { pusher: pushed.login, login: pushed.login, ...(pushed.id !== undefined ? { id: pushed.id } : {}) };
    return nobody(
      pushed === null
        ? `the push GitHub lists of ${ref} that made it the head names no account (one since deleted)`
        : `the newest push GitHub lists of ${ref} did not make it the head (none listed, or the listing is behind)`,
    );
  } catch (e) {
    const err = e as { status?: unknown; response?: { data?: { message?: unknown } } };
    if ((err?.status !== 403 && err?.status !== 404) || isRateLimited(e)) throw e;
    const said = typeof err.response?.data?.message === 'string' ? ` (${err.response.data.message})` : '';
    return nobody(
      `GitHub answered ${err.status}${said} when asked who pushed it (GET /repos/${at.owner}/${at.repo}/activity)`,
    );
  }
}

/**
 * How a reviewer is associated with the repository when their review may count: its owner, a member
 * of the organization that owns it, or a collaborator. GitHub lists the reviews of anyone who can
 * see the pull request (anyone on a public repository: NONE, CONTRIBUTOR, FIRST_TIMER, ...), while
 * its own required approvals count only reviewers with write access. A login is only a name: one
 * freed by a rename or a deletion is anyone's to claim, so an approval by a base admin's login from
 * an account with no standing in the repository is nobody's. This is the first filter only, which
 * costs no call: MEMBER is membership of the organization, which a member who may only read the
 * repository has too, so GitHub is then asked whether the account may write (standingOf).
 */
const COUNTED_ASSOCIATIONS: ReadonlySet<string> = new Set(['OWNER', 'MEMBER', 'COLLABORATOR']);

interface ListedReview {
  readonly user: { readonly login: string; readonly id?: number } | null;
  readonly state: string;
  readonly commit_id: string | null;
  readonly author_association: string;
}

/** The reviews that may count (every review with a login, `all`), as the approval rules read them. */
function reviewRecords(reviews: readonly ListedReview[], all = false) {
  return reviews
    .filter((r) => r.user?.login && (all || COUNTED_ASSOCIATIONS.has(r.author_association)))
    .map((r) => ({ login: r.user!.login, state: r.state, commitId: r.commit_id ?? '' }));
}

/** Why an account's association keeps it from standing behind a change (the author's, a reviewer's). */
const unassociated = (login: string, association: string): string =>
  `GitHub lists ${login} as ${association}, not the owner, a member or a collaborator of the repository`;

/**
 * The write-access results for approvals that would count but for their reviewer's association
 * (NONE, CONTRIBUTOR...), saying so, as writeAccessResults does for an approval without write access.
 * `approvals`: those that count (pullRequestNow's).
 */
function associationResults(
  reviews: readonly ListedReview[],
  approvals: readonly string[],
  headSha: string,
): RuleResult[] {
  const counted = new Set(approvals.map(loginKey));
  return validApprovals(reviewRecords(reviews, true), headSha)
    .filter((login) => !counted.has(loginKey(login)))
    .map((login) => {
      // The association of the approving review: the reviewer's latest (reviews come in chronological order).
      const own = reviews.filter((r) => r.user && loginKey(r.user.login) === loginKey(login));
      return {
        rule: WRITE_ACCESS_RULE,
        ok: true,
        message: `${login}'s approval does not count: ${unassociated(login, own.at(-1)!.author_association)}`,
      };
    });
}

/** What pulls.get says, as far as the superseded check is concerned. */
interface ListedPull {
  readonly head: ListedHead;
  readonly base: { readonly repo: { readonly default_branch: string } };
  readonly labels: readonly { readonly name?: string }[];
  readonly state: string;
  readonly draft?: boolean;
}

/**
 * What of a pull request can change without a new commit, from one reading: both readings
 * (fetchPullRequest, fetchPullRequestNow) go through here, so they filter reviews and read label
 * events alike. Whether
 * an approver may write is asked once, by the first reading only: a change of a team starts no
 * run, and a second asking that met a 5xx would make a run post nothing, with none left to post.
 */
async function pullRequestNow(
  gh: GitHubClient,
  at: Repo,
  number: number,
  pr: ListedPull,
  reviews: readonly ListedReview[],
): Promise<PullRequestRead> {
  const labels = pr.labels.map((l) => l.name ?? '').filter(Boolean);
  // Who reopened it or marked it ready, and who applied an override (its labeller's act): the events.
  const events = await gh.paginate(gh.rest.issues.listEvents, { ...at, issue_number: number, per_page: 100 });
  const appliers = overridesOf(labels).length ? overrideAppliers(events) : {};
  const pushed = await headPusher(gh, at, pr.head);
  return {
    headSha: pr.head.sha,
    labels,
    approvals: validApprovals(reviewRecords(reviews), pr.head.sha),
    appliers,
    pusher: pushed.pusher,
    state: pr.state,
    draft: pr.draft === true,
    reopeners: proposingActors(events, (event) => unnamedReopener(number, event)),
    baseTip: await branchTip(gh, at, pr.base.repo.default_branch),
    accounts: [pushed, ...reviews.map((r) => r.user), ...events.map((e) => e.actor)],
  };
}

/**
 * GitHub's answer to GET /repos/{owner}/{repo}/collaborators/{username}/permission: the account's
 * base permission in the repository, or the error status and message it answered instead.
 */
type PermissionAnswer = { readonly permission: string } | { readonly status: number; readonly message: string };

/**
 * Whether an error is one of GitHub's rate limits, reported as such and never read as a verdict
 * (a 403 is otherwise the token refused). GitHub answers 403 or 429 for both ("Rate limits for the
 * REST API"): the primary limit exhausted (`x-ratelimit-remaining` 0), or a secondary one, which
 * leaves requests and says so in its message, with a `retry-after` header when GitHub gives a wait.
 * The throttling plugin retries a secondary limit only when its message says so, once and for a
 * short wait (makeClient): what outlasts that comes here.
 */
export function isRateLimited(e: unknown): boolean {
  const err = e as {
    status?: number;
    message?: unknown;
    response?: { headers?: Record<string, string>; data?: { message?: unknown } };
  };
  if (err?.status === 429) return true;
  if (err?.status !== 403) return false;
  const headers = err.response?.headers ?? {};
  const said = `${err.response?.data?.message ?? ''} ${err.message ?? ''}`;
  return (
    headers['x-ratelimit-remaining'] === '0' || headers['retry-after'] !== undefined || /\bsecondary rate\b/i.test(said)
  );
}

/**
 * Asks GitHub, once per login (logins are distinct), what each may do in the repository. The
 * client has already retried a 5xx; an answer that is still an error is kept as the answer (the
 * login then does not count), but a rate limit (isRateLimited), or anything that is no answer of
 * GitHub's, is thrown.
 */
async function askPermissions(
  gh: GitHubClient,
  at: Repo,
  logins: readonly string[],
): Promise<Map<string, PermissionAnswer>> {
  const ask = async (username: string): Promise<PermissionAnswer> => {
    try {
      const { data } = await gh.rest.repos.getCollaboratorPermissionLevel({ ...at, username });
      return { permission: data.permission };
    } catch (e) {
      const err = e as { status?: unknown; message?: string; response?: { data?: { message?: unknown } } };
      if (typeof err?.status !== 'number' || isRateLimited(e)) throw e;
      const said = err.response?.data?.message;
      return { status: err.status, message: typeof said === 'string' ? said : (err.message ?? '') };
    }
  };
  return new Map(await Promise.all(logins.map(async (l) => [l, await ask(l)] as const)));
}

/**
 * The base permissions GitHub's required approvals count (`admin`, `write`). `permission`, not
 * `role_name`, is trusted: it is GitHub's closed set (maintain is mapped to write, triage to read,
 * and a custom role to the base role it extends), while `role_name` names custom roles only their
 * organization knows.
 */
const WRITE_PERMISSIONS: ReadonlySet<string> = new Set(['admin', 'write']);

/** The id of the results saying whose approval does not count, for want of write access. */
const WRITE_ACCESS_RULE: RuleId = 'write-access';

/** What GitHub's answers mean for the review: why each login does not count, and what to report. */
interface Standing {
  /** Why a login may not stand behind the change, by loginKey (absent: it may). */
  readonly whyNot: ReadonlyMap<string, string>;
  /** One failing result when GitHub answered no question at all, saying how to fix it. */
  readonly failure: readonly RuleResult[];
}

/** Whether each asked login may write to the repository, from GitHub's answers; fails closed. */
function standingOf(at: Repo, answers: ReadonlyMap<string, PermissionAnswer>): Standing {
  const repo = `${at.owner}/${at.repo}`;
  const whyNot = new Map<string, string>();
  // What GitHub answered instead, once per login it refused to answer for.
  const refusals: string[] = [];
  for (const [login, a] of answers) {
    if ('permission' in a) {
      if (!WRITE_PERMISSIONS.has(a.permission))
        whyNot.set(loginKey(login), `GitHub gives ${login} ${a.permission} access to ${repo}, not write`);
    } else if (a.status === 404) {
      whyNot.set(loginKey(login), `GitHub knows ${login} as no collaborator of ${repo} (404)`);
    } else {
      const cause = `GitHub answered ${a.status}${a.message ? ` (${a.message})` : ''}`;
      whyNot.set(loginKey(login), `${cause} when asked whether ${login} may write to ${repo}: re-run the review`);
      refusals.push(cause);
    }
  }
  // Every question refused: the token, not the logins (a workflow token lacking the permission).
  const refusedAll = answers.size > 0 && refusals.length === answers.size;
  const failure: RuleResult[] = refusedAll
    ? [
        {
          rule: WRITE_ACCESS_RULE,
          ok: false,
          message: `${[...new Set(refusals)].join(', ')} to every question of who may write to ${repo} (GET /repos/${repo}/collaborators/{username}/permission, for ${[...answers.keys()].join(', ')}): no approval and no authorship counts. The review's token needs the repository's Metadata read permission (a workflow's GITHUB_TOKEN always has it; a token given instead, an app's or a person's, may not); re-run the review once it does.`,
        },
      ]
    : [];
  return { whyNot, failure };
}

/**
 * The write-access results: the one failure when GitHub answered no question, else a passing
 * result for each approval that does not count, saying why (what then fails is a rule's to say;
 * the rules' own uncountedApprovals says why an approval is no base admin's).
 */
function writeAccessResults(approvals: readonly string[], standing: Standing): RuleResult[] {
  if (standing.failure.length) return [...standing.failure];
  return approvals.flatMap((login) => {
    const why = standing.whyNot.get(loginKey(login));
    return why ? [{ rule: WRITE_ACCESS_RULE, ok: true, message: `${login}'s approval does not count: ${why}` }] : [];
  });
}

/**
 * The write-access result for an approval, by an account that may write, of whoever pushed the head
 * commit, saying why it does not count: they are an actor (GitHub's own rule does not count the
 * last pusher's approval either), and an admin who clicked GitHub's Update branch pushed it too.
 */
function pusherApprovalResults(approvals: readonly string[], pusher: string): RuleResult[] {
  return approvals
    .filter((login) => sameLogin(login, pusher))
    .map((login) => ({
      rule: WRITE_ACCESS_RULE,
      ok: true,
      message: `${login}'s approval does not count: ${login} pushed the head commit (GitHub's Update branch counts as a push), and whoever pushed it is an actor of the change`,
    }));
}

/** Who applied an override's label, as the rules name them: nobody they can match when GitHub does not say, or the account may not write. */
function overrideApplier(rule: string, login: string | undefined, standing: Standing): string {
  if (login === undefined) return unnamedActor(`no label event of orgctl/override-${rule} names who applied it`);
  const why = standing.whyNot.get(loginKey(login));
  return why ? unnamedActor(`${login}, who applied orgctl/override-${rule}: ${why}`) : login;
}

/** Everything the rules need about a pull request, every list followed through its pages. */
export async function fetchPullRequest(gh: GitHubClient, at: Repo, number: number): Promise<PullRequestFacts> {
  const { data: pr } = await gh.rest.pulls.get({ ...at, pull_number: number });
  const commits = await gh.paginate(gh.rest.pulls.listCommits, { ...at, pull_number: number, per_page: 100 });
  const reviews = await gh.paginate(gh.rest.pulls.listReviews, { ...at, pull_number: number, per_page: 100 });
  const files = await gh.paginate(gh.rest.pulls.listFiles, { ...at, pull_number: number, per_page: 100 });
  if (!pr.user?.login) throw new InputError(`pull request #${number} has no author`);
  const read = await pullRequestNow(gh, at, number, pr, reviews);
  // Fixed by their commits: what the head judged changes, whatever the pull request is by now.
  // Head's tree is listed once, whole: its top level is the entries with no folder above them.
  const [baseTree, headListed] = await Promise.all([
    treeOf(gh, at, read.baseTip, false),
    treeOf(gh, at, pr.head.sha, true),
  ]);
  const headTree = { ...headListed, entries: headListed.entries.filter((e) => !e.path.includes('/')) };
  const overrides = overridesOf(read.labels);
  const appliers = read.appliers;
  // GitHub authenticated the author's account, not that the login is still the admin base names:
  // only an account that may write to the repository stands behind it (MEMBER is the organization's).
  const associated = COUNTED_ASSOCIATIONS.has(pr.author_association);
  const asked = distinctLogins([
    ...(associated ? [pr.user.login] : []),
    ...read.approvals,
    ...overrides.flatMap((rule) => appliers[rule] ?? []),
  ]);
  const standing = standingOf(at, asked.length ? await askPermissions(gh, at, asked) : new Map());
  const authorWhyNot = associated
    ? standing.whyNot.get(loginKey(pr.user.login))
    : unassociated(pr.user.login, pr.author_association);
  const author = authorWhyNot ? unnamedAuthor(pr.user.login, authorWhyNot) : pr.user.login;
  const approvals = read.approvals.filter((l) => !standing.whyNot.has(loginKey(l)));
  // A renamed file changes its old path too: moving policies/ into org/ is an engine change.
  const changedPaths = [
    ...new Set(files.flatMap((f) => [f.filename, ...(f.previous_filename ? [f.previous_filename] : [])])),
  ].sort();
  // The head judged and the default branch's tip read: what headUpToDate and filesOfHead compare.
  const where = { branch: pr.base.repo.default_branch, baseTip: read.baseTip, headSha: pr.head.sha };
  return {
    number,
    results: [
      ...openState(number, read.state, read.draft),
      ...baseBranch(pr.base.ref, pr.base.repo.default_branch),
      ...completeness(
        { changedFiles: pr.changed_files, commits: pr.commits, headSha: pr.head.sha },
        { files: files.length, commits: commits.length, lastSha: commits.at(-1)?.sha },
      ),
      ...commitsOfHead(commits, pr.head.sha),
      ...headUpToDate(commits, where),
      ...filesOfHead(
        changedPaths,
        { base: baseTree.entries, head: headTree.entries, truncated: baseTree.truncated || headTree.truncated },
        where,
      ),
      ...writeAccessResults(read.approvals, standing),
      ...pusherApprovalResults(approvals, read.pusher),
      ...associationResults(reviews, read.approvals, pr.head.sha),
    ],
    author: pr.user.login,
    headSha: pr.head.sha,
    baseSha: pr.base.sha,
    defaultBranch: pr.base.repo.default_branch,
    repositoryUrls: [pr.base.repo.clone_url, pr.base.repo.html_url, pr.base.repo.ssh_url].filter(Boolean),
    labels: read.labels,
    read,
    // Pushing chooses what the head is: the pusher acted too (GitHub's own rule: the last pusher's
    // approval does not count), and nobody the review can name when GitHub does not say (red team G4).
    actors: distinctLogins([...pullActors(author, commits), read.pusher, ...read.reopeners]),
    // Only the author proposes the change: a signed commit of an admin's, carried in another's
    // branch, is that admin's commit, not their standing behind the pull request (red team L).
    proposers: proposersOf(author, commits, pr.head.sha, read),
    approvals,
    overriddenBy: Object.fromEntries(overrides.map((rule) => [rule, overrideApplier(rule, appliers[rule], standing)])),
    changedPaths,
    // Who GitHub says each login is: the author, each commit's signer, and this reading's others.
    accountIds: accountIdsOf([
      pr.user,
      ...commits.flatMap((c) => (commitActor(c) === null ? [] : [c.committer])),
      ...read.accounts,
    ]),
    headTree: wholeTree(pr.head.sha, headListed),
  };
}

/** How many other pull requests with the same head a run judges at most (each costs a reading). */
const COPIES_JUDGED = 5;

/**
 * The other open pull requests, ready for review, into the default branch with the same head commit
 * (the same tree lands whichever merges), by accounts that may stand behind a change (the first
 * filter of COUNTED_ASSOCIATIONS, which costs no call), at most COPIES_JUDGED: the head commit's
 * check run passes when one of them passes on its own (red team R17-1: a copy opened from a fork
 * failed an approved pull request's head). Those a base admin opened come first, then the rest in
 * the order they were opened: any member may open pull requests early and push them to an admin's
 * head later, and so keep the admin's from being judged (R18-2); admins' are ranked at no call.
 */
export async function openCopies(
  gh: GitHubClient,
  at: Repo,
  pr: { readonly number: number; readonly headSha: string; readonly defaultBranch: string },
  admins: readonly AdminAccount[],
): Promise<number[]> {
  const copies = await openPullsWithHead(
    gh,
    at,
    pr,
    (p) => p.number !== pr.number && !p.draft && COUNTED_ASSOCIATIONS.has(p.author_association),
  );
  // An admin's by login, and by the account when its id is declared: a freed login is anyone's (R34-2).
  const byAdmin = (c: PullWithHead) =>
    admins.some((a) => sameLogin(a.login, c.author) && (a.githubId === undefined || a.githubId === c.authorId));
  return [...copies.filter(byAdmin), ...copies.filter((c) => !byAdmin(c))].slice(0, COPIES_JUDGED).map((c) => c.number);
}

/** An open pull request as openPullsWithHead lists it: its number and who opened it ('' when GitHub names nobody). */
interface PullWithHead {
  readonly number: number;
  readonly author: string;
  /** The id of the account that opened it, as GitHub gives it. */
  readonly authorId?: number;
}

/** An active admin of base as openCopies ranks pull requests: the login, and the account id declared (githubId). */
export interface AdminAccount {
  readonly login: string;
  readonly githubId?: number;
}

/** The open pull requests into the default branch whose head is `headSha` and that `keep` keeps, by number (one page of 100 a request). */
export async function openPullsWithHead(
  gh: GitHubClient,
  at: Repo,
  pr: { readonly headSha: string; readonly defaultBranch: string },
  keep: (p: { number: number; draft?: boolean; author_association: string }) => boolean = () => true,
): Promise<PullWithHead[]> {
  const open = await gh.paginate(gh.rest.pulls.list, { ...at, state: 'open', base: pr.defaultBranch, per_page: 100 });
  return open
    .filter((p) => p.head.sha === pr.headSha && p.state === 'open' && p.base.ref === pr.defaultBranch && keep(p))
    .map((p) => ({ number: p.number, author: p.user?.login ?? '', authorId: p.user?.id }))
    .sort((a, b) => a.number - b.number);
}

/** The commit `branch` is at now (GET git/ref): the default branch's tip, what a review's base must be. */
export async function branchTip(gh: GitHubClient, at: Repo, branch: string): Promise<string> {
  return (await gh.rest.git.getRef({ ...at, ref: `heads/${branch}` })).data.object.sha;
}

/** The pull request's head, labels and approvals as they are now (commits and files follow the head). */
export async function fetchPullRequestNow(gh: GitHubClient, at: Repo, number: number): Promise<PullRequestNow> {
  const { data: pr } = await gh.rest.pulls.get({ ...at, pull_number: number });
  const reviews = await gh.paginate(gh.rest.pulls.listReviews, { ...at, pull_number: number, per_page: 100 });
  return pullRequestNow(gh, at, number, pr, reviews);
}

/** What supersededBy says when the default branch moved: a merge into it starts no run of this pull request. */
const baseMoved = (tip: string): string => `the default branch moved to ${tip.slice(0, 12)}`;

/**
 * What changed in a pull request between judging it and now, or undefined. Runs of the review
 * race (a review, a label and a push each start one): a run that judged approvals since withdrawn
 * must not post its verdict after the newer run posted its own (the last check run counts).
 */
export function supersededBy(judged: PullRequestNow, now: PullRequestNow): string | undefined {
  const same = (a: readonly string[], b: readonly string[]) => [...a].sort().join('\n') === [...b].sort().join('\n');
  if (judged.headSha !== now.headSha) return `its head moved to ${now.headSha.slice(0, 12)}`;
  if (judged.baseTip !== now.baseTip) return baseMoved(now.baseTip);
  if (judged.state !== now.state || judged.draft !== now.draft)
    return `it is ${now.state}${now.draft ? ' (a draft)' : ''} now`;
  // The same head pushed again by another (away and back): whether its author proposes it changed.
  // Nobody named is one reading whatever the reason (a refusal, no push listed): the rules judge an
  // unnamed pusher alike, as possibly anyone. A login at one reading and nobody at the other is a
  // change either way: the verdict judged may be less strict than the one now deserves. Left: a
  // second reading naming nobody (a transient 403) may hide a re-push of the same head by someone
  // GitHub would name; the verdict posted is then the one for an unnamed pusher.
  const pusher = (p: PullRequestNow) => (isUnnamedActor(p.pusher) ? '' : loginKey(p.pusher));
  if (pusher(judged) !== pusher(now)) return 'who pushed its head changed';
  if (!same(judged.approvals, now.approvals)) return 'its approvals changed';
  if (!same(judged.labels, now.labels)) return 'its labels changed';
  const appliers = (p: PullRequestNow) =>
    Object.entries(p.appliers).map(([rule, login]) => `${rule}\0${loginKey(login)}`);
  if (!same(appliers(judged), appliers(now))) return 'who applied its override labels changed';
  if (!same(judged.reopeners.map(loginKey), now.reopeners.map(loginKey)))
    return 'who reopened it or marked it ready for review changed';
  return undefined;
}

/**
 * Creates orgctl's comment, or updates it in place. Only a comment by the bot itself that
 * carries the marker is orgctl's: a marker planted by anyone else is ignored.
 */
export async function upsertComment(
  gh: GitHubClient,
  at: Repo,
  number: number,
  botLogin: string,
  body: string,
): Promise<{ id: number; created: boolean }> {
  const comments = await gh.paginate(gh.rest.issues.listComments, { ...at, issue_number: number, per_page: 100 });
  const mine = comments.find((c) => c.user?.login === botLogin && c.body?.startsWith(COMMENT_MARKER));
  if (mine) {
    await gh.rest.issues.updateComment({ ...at, comment_id: mine.id, body });
    return { id: mine.id, created: false };
  }
  const { data } = await gh.rest.issues.createComment({ ...at, issue_number: number, body });
  return { id: data.id, created: true };
}

/** The check run's name: what branch protection requires (from the GitHub Actions app). */
export const CHECK_NAME = 'orgctl/review';

/** GitHub refuses a check run whose output.summary is longer. */
export const CHECK_SUMMARY_LIMIT = 65_535;

/** The verdict in one line, for the check run's title. */
function verdictTitle(verdict: Verdict): string {
  const failed = [...new Set(verdict.results.filter((r) => !r.ok).map((r) => r.rule))];
  // No rule failed: the change could not be judged (cli/github.ts says why in the summary).
  return verdict.ok
    ? 'every change rule passes'
    : failed.length
      ? `fails: ${failed.join(', ')}`
      : 'could not be judged';
}

/** Reports the verdict as a completed `orgctl/review` check run on the head commit. */
/**
 * The check run of a run that has begun judging: in progress, so that a run ending without a
 * verdict (cancelled, timed out, or silent: an error GitHub refused to hear of) leaves the check
 * pending, never the verdict before it in force (the last check run of a name counts). Its
 * verdict, posted by createCheckRun, comes after it.
 */
export async function startCheckRun(gh: GitHubClient, at: Repo, sha: string, detailsUrl?: string): Promise<number> {
  const { data } = await gh.rest.checks.create({
    ...at,
    name: CHECK_NAME,
    head_sha: sha,
    status: 'in_progress',
    output: {
      title: 'judging',
      summary: 'orgctl is judging this change: the verdict before it no longer counts. If this stays, re-run the job.',
    },
    ...(detailsUrl ? { details_url: detailsUrl } : {}),
  });
  return data.id;
}

export async function createCheckRun(
  gh: GitHubClient,
  at: Repo,
  sha: string,
  verdict: Verdict,
  summary: string,
  detailsUrl?: string,
  carries?: number,
): Promise<number> {
  // GitHub's documents say characters; it counts bytes ("summary exceeds a maximum bytesize of 65535").
  if (sizeOf(summary) > CHECK_SUMMARY_LIMIT)
    throw new Error(`check run summary of ${sizeOf(summary)} bytes is over GitHub's ${CHECK_SUMMARY_LIMIT}`);
  const { data } = await gh.rest.checks.create({
    ...at,
    name: CHECK_NAME,
    head_sha: sha,
    status: 'completed',
    conclusion: verdict.ok ? 'success' : 'failure',
    output: { title: verdictTitle(verdict), summary },
    ...(detailsUrl ? { details_url: detailsUrl } : {}),
    ...(carries !== undefined ? { external_id: carriedBy(carries) } : {}),
  });
  return data.id;
}

/** A check run's `external_id` naming the pull request whose verdict it carries (its own, or a copy's it passes as). */
const carriedBy = (number: number) => `orgctl-pull-request:${number}`;

/**
 * Whether the `orgctl/review` check run in force on `sha` (the newest of them all, by id) is a
 * success carrying pull request `number`'s verdict, or naming none: what a push of that pull request
 * away from `sha` leaves standing on nothing (R19-1: another pull request's success there stands).
 */
export async function successCarries(gh: GitHubClient, at: Repo, sha: string, number: number): Promise<boolean> {
  const newest = await newestReviewRun(gh, at, sha);
  // A success an orgctl before external_id posted names nobody: taken as this pull request's, so a
  // push fails it (R20-2; failing another's costs a re-run, leaving this one's would be the hole).
  return newest?.conclusion === 'success' && (!newest.external_id || newest.external_id === carriedBy(number));
}

/** The `orgctl/review` check run in force on `sha`: the newest of them all, by id. */
async function newestReviewRun(gh: GitHubClient, at: Repo, sha: string) {
  const runs = await reviewRunsOn(gh, at, sha);
  return runs.reduce<(typeof runs)[number] | undefined>((a, c) => (a === undefined || c.id > a.id ? c : a), undefined);
}

/**
 * An open pull request whose success in force stands on a head behind the default branch, and why;
 * or whose head could not be read (`error`: GitHub's answer), so that no success is known to stand
 * on a head up to date (R131-2).
 */
type SuccessBehind = {
  readonly number: number;
  readonly headSha: string;
  readonly results: readonly RuleResult[];
  readonly error?: unknown;
};

/**
 * Why a pull request's commits as listed are not its head's history (commitsOfHead, or the list
 * does not end at the head read: it moved while read), or undefined when they are.
 */
function unreadHistory(commits: readonly ListedCommit[], headSha: string): RuleResult[] | undefined {
  const last = commits.at(-1)?.sha;
  if (last !== headSha)
    return [
      {
        rule: COMPLETENESS_RULE,
        ok: false,
        message: `GitHub's list of the pull request's commits ends at ${last === undefined ? 'none' : last.slice(0, 12)}, not at its head ${headSha.slice(0, 12)}: it changed while read, so whether the head is up to date is unknown; re-run its review`,
      },
    ];
  const stray = commitsOfHead(commits, headSha);
  return stray.length ? stray : undefined;
}

/**
 * The open pull requests into `branch` whose `orgctl/review` in force on their head is a success
 * and whose head is behind `branch`'s tip (headUpToDate), each head once (R130-2): a merge into the
 * branch starts no run of theirs, and GitHub would merge them three-way into a tree no review
 * judged. A commit list that is not the head's history (it moved meanwhile: it no longer ends at the
 * head read, or pages of two heads, commitsOfHead) fails it too, as unread (unreadHistory).
 */
export async function successesBehind(
  gh: GitHubClient,
  at: Repo,
  branch: string,
): Promise<{ readonly tip: string; readonly behind: readonly SuccessBehind[] }> {
  const tip = await branchTip(gh, at, branch);
  const open = await gh.paginate(gh.rest.pulls.list, { ...at, state: 'open', base: branch, per_page: 100 });
  const seen = new Set<string>();
  const behind: SuccessBehind[] = [];
  for (const p of [...open].sort((a, b) => a.number - b.number)) {
    if (p.base.ref !== branch || seen.has(p.head.sha)) continue;
    seen.add(p.head.sha);
    const where = { branch, baseTip: tip, headSha: p.head.sha };
    try {
      if ((await newestReviewRun(gh, at, p.head.sha))?.conclusion !== 'success') continue;
      const commits = await gh.paginate(gh.rest.pulls.listCommits, { ...at, pull_number: p.number, per_page: 100 });
      // A head that is the tip is up to date. Else headUpToDate reads the list only if it is the head's
      // history as the review reads it (commitsOfHead: pages of two heads refused, R131-4), ending at
      // the head read; if not, it fails as unread, not as behind, which nothing read says (R132-5).
      const results = p.head.sha === tip ? [] : (unreadHistory(commits, p.head.sha) ?? headUpToDate(commits, where));
      if (results.length) behind.push({ number: p.number, headSha: p.head.sha, results });
    } catch (error) {
      // Fail closed, and go on: one answer GitHub refused must not leave the next pull request's
      // success standing (R131-2). This one's may be up to date: a re-run of its review says.
      behind.push({ number: p.number, headSha: p.head.sha, results: [], error });
    }
  }
  return { tip, behind };
}

/**
 * The `orgctl/review` check runs on `sha` created after check run `since` and before `until`, by id
 * (GitHub numbers check runs as it creates them), every one: `all`, not GitHub's latest of each
 * suite, where this run's own verdict would hide another run's mark in the same suite.
 */
export async function reviewRunsBetween(
  gh: GitHubClient,
  at: Repo,
  sha: string,
  since: number,
  until: number,
): Promise<number[]> {
  return (await reviewRunsOn(gh, at, sha, 'all')).map((r) => r.id).filter((id) => id > since && id < until);
}

/** GitHub lists a commit's check runs from its 1000 most recent check suites only. */
const LISTED_SUITES_MAX = 1000;

/**
 * Every `orgctl/review` run on `sha` GitHub keeps as latest (`filter`: or every one), every page read: GitHub documents
 * neither the listing's order nor what `latest` keeps per check suite, and a workflow token's runs
 * land in several suites of one commit. Past 1000 suites the commit's listing covers only the most
 * recent (R22-2): then each suite holding such a run is read, the way GitHub documents. Suites are
 * only ever added, and anyone adds one (a workflow run of a fork's copy): the count is read again
 * after the listing, which saw them all only if it is still within 1000 (R23-1).
 */
async function reviewRunsOn(gh: GitHubClient, at: Repo, sha: string, filter: 'latest' | 'all' = 'latest') {
  const named = { check_name: CHECK_NAME, filter, per_page: 100 } as const;
  const suiteCount = async () =>
    (await gh.rest.checks.listSuitesForRef({ ...at, ref: sha, per_page: 1 })).data.total_count;
  if ((await suiteCount()) <= LISTED_SUITES_MAX) {
    const listed = await gh.paginate(gh.rest.checks.listForRef, { ...at, ref: sha, ...named });
    if ((await suiteCount()) <= LISTED_SUITES_MAX) return listed;
  }
  const suites = await gh.paginate(gh.rest.checks.listSuitesForRef, {
    ...at,
    ref: sha,
    check_name: CHECK_NAME,
    per_page: 100,
  });
  const runs = [];
  for (const suite of suites)
    runs.push(...(await gh.paginate(gh.rest.checks.listForSuite, { ...at, check_suite_id: suite.id, ...named })));
  return runs;
}
