/** What every change rule reads: the trusted base, the diff, who acted and who approved. */
import { grantedCells, type AccessDiff, type SubjectDiff } from '../../analysis/diff.ts';
import type { Change } from '../../analysis/change.ts';
import type { MemberUser } from '../../model/membership.ts';
import { tokenCells, type LazyCell, type Membership, type Snapshot } from '../../analysis/snapshot.ts';
import type { RuleId } from '../../model/rules.ts';
import { mailboxOf, oneMailboxWhy } from '../../model/mailbox.ts';

/**
 * What a lock installs packages from inside the repository, or may (review/head-proof.ts
 * lockedRepositoryPaths): each path it names, and whether what it installs may be at any path.
 */
export interface InstalledFrom {
  /**
   * The paths, relative to the repository's root ('' the root itself); one outside it, or a remote
   * source nothing pins, as written.
   */
  readonly paths: readonly string[];
  /**
   * A package of the lock (the first by its key) whose own npm-shrinkwrap.json npm installs
   * (marked hasShrinkwrap): npm reads a `file:` source there from that package's folder, so
   * `file:../../org/x` is the repository's org/x, and what it lists may be any path (red team R61-3).
   */
  readonly anywhere?: string;
}

export interface ReviewInput {
  /** The trust anchor: membership (who is admin) is read from here only. */
  readonly base: Snapshot;
  readonly head: Snapshot;
  readonly diff: AccessDiff;
  /** The review's date (YYYY-MM-DD), as the diff's: which tokens are live on it (isLiveToken). */
  readonly today: string;
  /** GitHub logins of the pull request's author, of every commit's author and of who pushed its head. */
  readonly actors: readonly string[];
  /**
   * The actors who propose the change (the pull request's author): only they stand behind it as an
   * admin. A commit's signer wrote that commit, not the pull request: anyone may branch from an
   * admin's signed commit (an open branch, a squash-merged pull request's head) and carry it, so a
   * signer is an actor (their approval does not count) but never the second admin. @default actors
   */
  readonly proposers?: readonly string[];
  /** Logins whose latest review is an approval of the head commit. */
  readonly approvals: readonly string[];
  /** Paths the pull request changes; undefined when unknown. */
  readonly changedPaths?: readonly string[];
  /**
   * What head's package-lock.json installs for orgctl (`orgctl 0.2.0 from https://...`), when the
   * change upgrades it and the lock could be read: what approving the upgrade trusts.
   */
  readonly headEngine?: string;
  /**
   * Why head's package.json would have something else run as orgctl (a command it names orgctl,
   * the project renamed orgctl), when the change touches it (review/head-proof.ts
   * projectCommandProblem): no approval makes that an upgrade.
   */
  readonly projectCommand?: string;
  /**
   * What base's lock installs packages from inside the repository, or may (review/head-proof.ts
   * lockedRepositoryPaths), when it could be read: the workflows run them.
   */
  readonly installedFrom?: InstalledFrom;
  /**
   * Why base's lock, which npm installs from, cannot be read as npm reads it (cli/head-proof.ts
   * readBaseLockText: `package-lock.json cannot be read ...`): what it installs from the repository
   * is then unknown, so org/ and dist/ may be the engine (red team R59-2/3).
   */
  readonly baseLockUnreadable?: string;
  /**
   * Rule ids an override is asked for (e.g. `mass-removal`): by a label, which anyone who may triage
   * applies, or by `--override`; overriddenBy says whose act it is.
   */
  readonly overrides: readonly string[];
  /**
   * Who applied each override, by rule id: on GitHub, whoever last applied its label, which anyone
   * who may triage the repository can (the author included). An override counts only when that is
   * an active admin in base. Absent for an override given on the command line: its runner decides.
   */
  readonly overriddenBy?: Readonly<Record<string, string>>;
  /**
   * The ids of the GitHub accounts GitHub named by each login (the pull request's author, reviewers,
   * signers, pushers, labellers), by loginKey: a login is a name anyone may register once its
   * account is renamed or deleted, so a base user declaring `githubId` is that login only when
   * every account GitHub named by it has that id. Absent off GitHub (logins given on the command
   * line): logins alone are matched.
   */
  readonly accountIds?: ReadonlyMap<string, readonly number[]>;
  /**
   * Head's whole tree, as Argo CD checks the repository out (repository-tree): from git objects
   * (head given as a git ref) or from GitHub (a pull request's head commit); undefined when head
   * is a folder, whose repository nobody named.
   */
  readonly headTree?: HeadTree;
  /**
   * What the org/ code the change adds or modifies reaches for (org-code); undefined when it was
   * not read (the changed paths unknown, or a caller that reads no code).
   */
  readonly orgCode?: OrgCodeRead;
  /**
   * A rolling window: the diff from an older commit of the base branch (`label`, e.g.
   * `origin/main~10`) to head, and head as that pair read it (access computed for what changed
   * since the window): mass-removal adds up removals split across pull requests, and token
   * custody sees a handover made in an earlier pull request. `base`: the older output's membership,
   * whose identities the cluster may still hold (argocd-identity-base).
   */
  readonly window?: {
    readonly label: string;
    readonly diff: AccessDiff;
    readonly head: Snapshot;
    readonly base?: Membership;
  };
}

/**
 * An entry of a commit's tree as `git ls-tree -r -t` and GitHub's recursive tree list it: its path
 * from the top folder and its git mode (`120000` a symbolic link, `160000` a submodule, `040000` a folder).
 */
export interface TreeEntry {
  readonly path: string;
  readonly mode: string;
}

/** What a file of org/ code reaches for beyond orgctl's constructs (review/org-code.ts): at a line of it, when known. */
export interface CodeFinding {
  readonly line?: number;
  readonly text: string;
}

/**
 * The code of org/ the change adds or modifies, read from head's git objects (org-code): each
 * file's findings, or why it was not read (head a folder, whose files nobody named).
 */
export type OrgCodeRead =
  | { readonly files: readonly { readonly path: string; readonly findings: readonly CodeFinding[] }[] }
  | { readonly unread: string };

/** A commit's whole tree: its entries, or why it could not be read whole (GitHub truncated it). */
export type HeadTree = { readonly entries: readonly TreeEntry[] } | { readonly unread: string };

/**
 * The outputs before head whose objects the cluster may still hold (a Namespace is never pruned,
 * a person still logs in): base, and the rolling window's older one, each with how to name it.
 */
export const earlierSides = (input: ReviewInput): { readonly label: string; readonly side: Membership }[] => [
  { label: 'base', side: input.base },
  ...(input.window?.base ? [{ label: input.window.label, side: input.window.base }] : []),
];

export interface RuleResult {
  readonly rule: RuleId;
  readonly ok: boolean;
  /** Why it passes or fails, for people. */
  readonly message: string;
  /**
   * A warning rule's finding (model/rules.ts): it passes (`ok`), and the comment marks it ⚠️ for
   * a reviewer to read. @default false
   */
  readonly warning?: boolean;
  /**
   * The rule could not be judged here (what it reads was not given: changed paths, head's commit):
   * it passes (`ok`), and the comment marks it ➖, not ✅. @default false
   */
  readonly notJudged?: boolean;
}

/** A rule over a change: its docs, and whether an admin may override it, are in the registry (model/rules.ts). */
export interface ChangeRule {
  readonly id: RuleId;
  readonly check: (input: ReviewInput) => RuleResult[];
}

/** A GitHub login as GitHub compares it (case-insensitively): what a map by login is keyed by. */
export const loginKey = (login: string): string => login.toLowerCase();

/** Whether two GitHub logins are one account; a missing one is ''. */
export const sameLogin = (a: string | undefined, b: string | undefined): boolean =>
  loginKey(a ?? '') === loginKey(b ?? '');

/**
 * The mailbox an address reaches, read by base's own mail domains (`identity.mailDomains`) as who
 * is admin is: a change never declares its own aliasing (red team R78-1).
 */
export function mailboxIn(input: ReviewInput, email: string): string {
  let known = mailboxesRead.get(input);
  if (!known) mailboxesRead.set(input, (known = new Map()));
  let mailbox = known.get(email);
  if (mailbox === undefined) known.set(email, (mailbox = mailboxOf(email, input.base.org.mailDomains)));
  return mailbox;
}

/**
 * Each review's mailboxes by address, each read once, for the addresses rules ask of one by one (an
 * owner, an admin): sharingMailbox's walk of every address of base and head reads addressesIn's list.
 */
const mailboxesRead = new WeakMap<ReviewInput, Map<string, string>>();

/** Why two addresses of one mailbox (mailboxIn) are, as base's mail domains read them. */
export const oneMailboxIn = (input: ReviewInput, a: string, b: string): string =>
  oneMailboxWhy(a, b, input.base.org.mailDomains);

/** The mailboxes of `emails`, to ask whether a change concerns an address (one lookup each). */
const mailboxesOf = (input: ReviewInput, emails: readonly string[]): ReadonlySet<string> =>
  new Set(emails.map((email) => mailboxIn(input, email)));

/** The user of `users` whose GitHub login `login` is, whichever account holds it now. */
function userOfLogin(users: Iterable<MemberUser>, login: string): MemberUser | undefined {
  for (const u of users) if (u.github && sameLogin(u.github, login)) return u;
  return undefined;
}

/**
 * Base's users by GitHub login (loginKey: the first of each, as userOfLogin finds it) and by
 * declared account id (null for an id several declare), made once per base: the rules ask of
 * every approver and actor, and a walk of 10,000 users lowered each login on every question.
 */
interface BaseUsersIndex {
  readonly byLogin: ReadonlyMap<string, MemberUser>;
  readonly byAccountId: ReadonlyMap<number, MemberUser | null>;
}
const baseUsersIndexed = new WeakMap<ReadonlyMap<string, MemberUser>, BaseUsersIndex>();

function baseUsersIndex(users: ReadonlyMap<string, MemberUser>): BaseUsersIndex {
  let index = baseUsersIndexed.get(users);
  if (!index) {
    const byLogin = new Map<string, MemberUser>();
    const byAccountId = new Map<number, MemberUser | null>();
    for (const u of users.values()) {
      const key = u.github && loginKey(u.github);
      if (key && !byLogin.has(key)) byLogin.set(key, u);
      if (u.githubId !== undefined) byAccountId.set(u.githubId, byAccountId.has(u.githubId) ? null : u);
    }
    baseUsersIndexed.set(users, (index = { byLogin, byAccountId }));
  }
  return index;
}

/**
 * Whether a user of `users` (base's) declares `login` as their GitHub login (loginKey): the rules'
 * index of base's users, not a list of every login lower-cased again (cli/review.ts warnLoginsMeant).
 */
export const declaresLogin = (users: ReadonlyMap<string, MemberUser>, login: string): boolean =>
  baseUsersIndex(users).byLogin.has(loginKey(login));

/** The base user whose GitHub login `login` is, whichever account holds it now. */
const userByLogin = (input: ReviewInput, login: string): MemberUser | undefined =>
  baseUsersIndex(input.base.users).byLogin.get(loginKey(login));

/**
 * Why `login`, `u`'s, is held by another account than the one `u` declares (githubId), as GitHub
 * named it: undefined when it is the declared one, or when there is nothing to compare (no id
 * declared, or no GitHub answer: logins given on the command line).
 */
function heldByOther(input: ReviewInput, u: MemberUser, login: string): string | undefined {
  if (u.githubId === undefined || input.accountIds === undefined) return undefined;
  const ids = input.accountIds.get(loginKey(login)) ?? [];
  const others = [...new Set(ids.filter((id) => id !== u.githubId))];
  if (others.length)
    return `login ${login} is held by account ${others.join(', ')}, not ${u.email}'s declared ${u.githubId}: renamed? update githubId`;
  return ids.length
    ? undefined
    : `GitHub named no account id for login ${login}, and ${u.email} declares ${u.githubId}`;
}

/**
 * The base user behind a GitHub login: the one whose declared account id GitHub named by it
 * (renamedUser: the id is the account, whatever login base writes for whom), else the one whose
 * login it is; a login base does not know is nobody (never an admin), and so is one held by
 * another account than the one its user declares (heldByOther).
 */
function baseUser(input: ReviewInput, login: string): MemberUser | undefined {
  const renamed = renamedUser(input, login);
  if (renamed) return renamed;
  const u = userByLogin(input, login);
  return u && !heldByOther(input, u, login) ? u : undefined;
}

/**
 * The base user whose declared account id (githubId) is the one account GitHub named by `login`: a
 * user who renamed their account since base wrote their login (red team R87-1). The id is the
 * account, a login its name today; nobody when GitHub named no account or several by it, or when
 * no base user, or several (what duplicate-user refuses), declare the id.
 */
function renamedUser(input: ReviewInput, login: string): MemberUser | undefined {
  const ids = input.accountIds?.get(loginKey(login)) ?? [];
  return ids.length === 1 ? (baseUsersIndex(input.base.users).byAccountId.get(ids[0]!) ?? undefined) : undefined;
}

/** A login as a person gives it off GitHub (`orgctl review --approved-by LOGIN[:ID]`): its account's id when given. */
export interface GivenLogin {
  readonly login: string;
  readonly id?: number;
}

/**
 * The account ids a local review names by each login (ReviewInput.accountIds), from what the
 * person gave, so that the rule GitHub's answers meet (baseUser) is the one rule (red team R98-4):
 * an id given is the account (a renamed admin's new login and their declared id are that admin; a
 * freed login given with another account's id is nobody). A login given alone is taken for the
 * account its base user declares, by name, as before ids could be given: no warning, since an
 * organization declares every admin's id (admin-github-id) and every such login would warn.
 */
export function givenAccountIds(users: Iterable<MemberUser>, given: readonly GivenLogin[]): Map<string, number[]> {
  const all = [...users];
  const accountIds = new Map<string, number[]>();
  for (const { login, id } of given) {
    const named = id ?? userOfLogin(all, login)?.githubId;
    if (named === undefined) continue;
    const ids = accountIds.get(loginKey(login)) ?? [];
    if (!ids.includes(named)) accountIds.set(loginKey(login), [...ids, named]);
  }
  return accountIds;
}

/** Whether `login` is `u`'s: the base user it names (baseUser). */
const isLoginOf = (input: ReviewInput, u: MemberUser, login: string): boolean => baseUser(input, login) === u;

/**
 * Why each of `logins` that is a base user's is held by another account than the one declared,
 * for a failing rule's message: '' when none is.
 */
export function heldByOthers(input: ReviewInput, logins: readonly string[]): string {
  const why = logins.flatMap((login) => loginHeldByOther(input, login) ?? []);
  return why.length ? ` (${why.join('; ')})` : '';
}

/** heldByOther of the base user whose login `login` is, if any, unless the account is another base user's (renamedUser). */
function loginHeldByOther(input: ReviewInput, login: string): string | undefined {
  const u = userByLogin(input, login);
  return u && !renamedUser(input, login) ? heldByOther(input, u, login) : undefined;
}

/** An admin whose approvals and proposals count: active (a deactivated admin's do not). */
export const isActiveAdmin = (u: MemberUser): boolean => u.admin && u.status === 'active';

export function isBaseAdmin(input: ReviewInput, login: string): boolean {
  const u = baseUser(input, login);
  return !!u && isActiveAdmin(u);
}

/**
 * Why each approval that is no active admin's in base does not count, for a failing rule's message
 * (`--approved-by` mistyped, a deactivated admin): '' when every approval is an admin's.
 */
export function uncountedApprovals(input: ReviewInput): string {
  const why = input.approvals.flatMap((login) => {
    const other = loginHeldByOther(input, login);
    if (other) return [other];
    const u = baseUser(input, login);
    if (!u) return [`${login} is no user's GitHub login in base`];
    if (u.status !== 'active') return [`${login} (${u.email}) is ${u.status} in base`];
    return u.admin ? [] : [`${login} (${u.email}) is not an admin in base`];
  });
  return why.length ? ` (not counted: ${why.join('; ')})` : '';
}

const isActor = (input: ReviewInput, login: string) => input.actors.some((a) => sameLogin(a, login));

/** Whether base user `u` acted: an actor is their login, or names their account (isLoginOf: renamed since). */
const actedAs = (input: ReviewInput, u: MemberUser): boolean =>
  (!!u.github && isActor(input, u.github)) || input.actors.some((a) => isLoginOf(input, u, a));

/**
 * An actor the review cannot name: a commit whose maker GitHub did not vouch for, a push of the
 * head it names nobody for, an author with no standing, described in parentheses (never a login,
 * so it matches no user and is never an admin).
 */
export const unnamedActor = (description: string): string => `(${description})`;
/** What lifts the doubt a commit nobody can attribute casts. */
const SIGN_COMMITS = 'push every commit signed by its maker';
/**
 * The actors nobody can name that are no commit, by what they stand for: how each one's
 * description starts (how remedyFor knows it), and what lifts the doubt it casts.
 */
const UNNAMED = {
  pusher: {
    start: 'whoever pushed head commit ',
    remedy:
      "let GitHub name who pushed the head commit: give the review's token read access to the contents of the repository holding the head branch (a workflow's `contents: read`), or push a new head commit (GitHub's activity then names whoever pushed it)",
  },
  author: {
    start: 'pull request author ',
    remedy: 'have the pull request opened by an account GitHub says may write to the repository',
  },
  reopener: {
    start: 'whoever last ',
    remedy: 'have its author close and reopen it, or convert it to a draft and mark it ready for review, themselves',
  },
} as const;
/**
 * Who pushed the head commit, when GitHub does not say (on GitHub, its repository activity, read
 * with the review's token): an actor nobody can name, saying why.
 */
export const unnamedPusher = (headSha: string, why: string): string =>
  unnamedActor(`${UNNAMED.pusher.start}${headSha.slice(0, 12)}: ${why}`);
/** Who last reopened the pull request or marked it ready (`event`), when GitHub names no account: an actor nobody can name. */
export const unnamedReopener = (number: number, event: string): string =>
  unnamedActor(
    `${UNNAMED.reopener.start}${event === 'reopened' ? 'reopened' : 'marked ready for review'} pull request #${number}: GitHub names no account (one since deleted)`,
  );
/** The pull request's author, when their account may not stand behind it (why): an actor nobody can name. */
export const unnamedAuthor = (login: string, why: string): string =>
  unnamedActor(`${UNNAMED.author.start}${login}: ${why}`);
/**
 * What lifts the doubt the actors nobody can name cast, each said once: what the rules' messages
 * advise (signing commits names no pusher, nor gives an author standing).
 */
export function remedyFor(input: ReviewInput): string {
  const remedies = input.actors
    .filter(isUnnamedActor)
    .map((a) => Object.values(UNNAMED).find((u) => a.startsWith(`(${u.start}`))?.remedy ?? SIGN_COMMITS);
  return [...new Set(remedies)].join('; and ');
}
/** Whether an actor is one the review cannot name (unnamedActor), whatever the reason. */
export const isUnnamedActor = (actor: string): boolean => actor.startsWith('(');

/**
 * Approvers who are active admins in base, are not actors (nor share an actor's mailbox: one
 * person's second admin record is that person, red team R87-2) and are not `except`.
 */
export function adminApprovers(input: ReviewInput, exceptEmails: readonly string[] = []): string[] {
  // An approver is excepted by their mailbox: access for an address reaching it is theirs (R62-1).
  const except = mailboxesOf(input, exceptEmails);
  const acting = actorEmails(input);
  return input.approvals.filter((login) => {
    const u = baseUser(input, login);
    return (
      isBaseAdmin(input, login) &&
      !isActor(input, login) &&
      !acting.has(u!.email) &&
      !except.has(mailboxIn(input, u!.email))
    );
  });
}

/**
 * Approvers for an admin-grade change: admins who are not actors (nor `exceptEmails`), counted only
 * when the change has two admins behind it in all, authors included. An author who is no admin
 * (a second GitHub account, a bot, a commit nobody can verify) adds nobody: one admin approving
 * it alone would be one admin deciding what the rules give to two.
 */
function strictApprovers(input: ReviewInput, exceptEmails: readonly string[] = []): string[] {
  const approvers = adminApprovers(input, exceptEmails);
  if (!approvers.length) return [];
  // Admins behind the change: its admin authors and every admin approving it (the person it
  // concerns may consent, but an approver who is neither an author nor that person is required).
  // A commit nobody can attribute may be an approver's own, and an author stands behind only what
  // they are known to have written: then only approvals of the head (which saw all of it) count.
  const behind = unattributed(input) ? input.approvals : [...(input.proposers ?? input.actors), ...input.approvals];
  // Counted by mailbox: two admin records of one person are one admin (red team R87-2).
  const involved = new Set(
    behind.filter((l) => isBaseAdmin(input, l)).map((l) => mailboxIn(input, baseUser(input, l)!.email)),
  );
  return involved.size >= 2 ? approvers : [];
}

/** The first actor the review cannot name (a commit whose maker is unknown), if any. */
export const unattributed = (input: ReviewInput): string | undefined => input.actors.find(isUnnamedActor);

/** A change that needs a second admin, judged: `ok`, then `approved` (why it passes) or `note` (what is missing). */
interface SecondAdmin {
  readonly ok: boolean;
  /** `approved by frank`, or how an organization of one or two admins judged it. */
  readonly approved: string;
  /** Appended to the failure message: why approvals given did not count, or '' . */
  readonly note: string;
}

const activeAdmins = (input: ReviewInput): MemberUser[] => [...input.base.users.values()].filter(isActiveAdmin);
const approvedBy = (input: ReviewInput, u: MemberUser) =>
  input.approvals.some((a) => isLoginOf(input, u, a)) && !actedAs(input, u);
/**
 * Whether an admin made the change with nobody else: every actor is them, and they propose it
 * (on GitHub: their own head commit, pushed by them). Commits of theirs someone else made the
 * head are not their act (red team G3).
 */
const onlyAuthor = (input: ReviewInput, u: MemberUser) =>
  !!u.github &&
  input.actors.length > 0 &&
  input.actors.every((a) => isLoginOf(input, u, a)) &&
  (input.proposers ?? input.actors).some((p) => isLoginOf(input, u, p));

/**
 * A change that needs two admins behind it (admin-grade access, settings, the engine, removals
 * over the limit; `subjects`: the people it concerns, who do not count as the second admin). An
 * organization cannot give more eyes than it has (base decides how many admins it has):
 * - three admins or more, or two when the change concerns neither: an approval from an admin
 *   who is neither an author nor a subject, with two admins behind the change;
 * - one admin (the change concerns someone else): that admin alone decides, by making the change
 *   with nobody else or by approving it (the seed: the first user is the only admin, and invites
 *   admins and creates tokens);
 * - every admin but one concerned (of two admins, one; a token handed between two of three): the one
 *   left applies it and each one it concerns
 *   approves it, so neither can change the other alone (and a two-admin organization never
 *   becomes a one-admin one without both agreeing);
 * - the change concerns the only admin: nobody else can judge it.
 */
export function secondAdmin(input: ReviewInput, subjects: readonly string[] = []): SecondAdmin {
  const strict = strictApprovers(input, subjects);
  if (strict.length) return { ok: true, approved: `approved by ${strict.join(', ')}`, note: '' };
  // Refused with no admin's approval to name: the approvals given are said, and why none counts.
  const unapproved = (note: string): SecondAdmin => ({
    ok: false,
    approved: '',
    note: `${note}${uncountedApprovals(input)}`,
  });
  const admins = activeAdmins(input);
  const concerns = mailboxesOf(input, subjects);
  const others = admins.filter((u) => !concerns.has(mailboxIn(input, u.email)));
  const concerned = admins.filter((u) => concerns.has(mailboxIn(input, u.email)));
  if (others.length === 1 && !concerned.length) {
    const only = others[0]!;
    if (onlyAuthor(input, only))
      return { ok: true, approved: `made by ${only.email}, the organization's only admin`, note: '' };
    if (approvedBy(input, only))
      return { ok: true, approved: `approved by ${only.github}, the organization's only admin`, note: '' };
    return unapproved(
      ` (with one admin, ${only.email}, there is none to ask: instead that admin decides alone, making the change with nobody else or approving it)`,
    );
  }
  if (others.length === 1 && concerned.length) {
    const other = others[0]!;
    // Every admin but one is concerned: two admins, or more when the change concerns several.
    const howMany = admins.length === 2 ? 'two' : String(admins.length);
    const consented = concerned.filter((u) => approvedBy(input, u));
    if (onlyAuthor(input, other) && consented.length === concerned.length)
      return {
        ok: true,
        approved: `made by ${other.email} and approved by ${concerned.map((u) => u.github).join(', ')}: the organization's ${howMany} admins`,
        note: '',
      };
    const them = concerned.map((u) => u.email).join(', ');
    const approve = concerned.length > 1 ? 'each approve' : 'approves';
    return unapproved(
      ` (with ${howMany} admins, and this concerning ${them}, there is none to ask: instead ${other.email} makes the change and ${them} ${approve} it)`,
    );
  }
  if (!others.length && concerned.length)
    return unapproved(
      ` (there is none: it concerns the organization's only admin, whom nobody else can judge: make a second admin first)`,
    );
  const approvers = adminApprovers(input, subjects);
  if (!approvers.length) return unapproved('');
  const unknown = unattributed(input);
  // Admins among the actors who do not propose it: a commit of theirs carried, or their pull
  // request with another's commit on top (red team Y2).
  const carried = input.actors.filter(
    (a) => isBaseAdmin(input, a) && !(input.proposers ?? input.actors).some((p) => sameLogin(p, a)),
  );
  return {
    ok: false,
    approved: '',
    note: unknown
      ? ` (approved by ${approvers.join(', ')}; the maker of ${unknown} is unknown and may be an approver, so only approvals of the head count, and an admin-grade change needs two admins approving it; or ${remedyFor(input)})`
      : carried.length
        ? ` (approved by ${approvers.join(', ')} alone; ${carried.join(', ')} made commits of it yet does not propose it (the pull request's author proposes it, and only when the head commit, which pins everything beneath it, is theirs and they pushed it there): an admin-grade change needs two admins, so a second admin must approve)`
        : ` (approved by ${approvers.join(', ')} alone, and no author is another admin: an admin-grade change needs two admins, so a second admin must approve)`,
  };
}

/**
 * Every address of base or head (a user's or an invitee's) reaching the mailbox of one of `owners`,
 * each to that owner (an owner to itself): an address sharing someone's mailbox (a subaddress, a
 * Gmail spelling: model/mailbox.ts) is theirs (R62-1).
 */
export function sharingMailbox(input: ReviewInput, owners: Iterable<string>): Map<string, string> {
  const out = new Map<string, string>();
  const byMailbox = new Map<string, string>();
  for (const email of owners) {
    out.set(email, email);
    const mailbox = mailboxIn(input, email);
    if (!byMailbox.has(mailbox)) byMailbox.set(mailbox, email);
  }
  if (!byMailbox.size) return out;
  const { emails, mailboxes } = addressesIn(input);
  for (let i = 0; i < emails.length; i++) {
    const owner = byMailbox.get(mailboxes[i]!);
    if (owner !== undefined && !out.has(emails[i]!)) out.set(emails[i]!, owner);
  }
  return out;
}

/**
 * Every address of base (users, then invites), then those head adds (users, then invites), beside
 * its mailbox (mailboxIn): what sharingMailbox reads for each of its four calls a review, listed
 * once. An address of head that base has is left out: read in base already, to the same owner.
 */
function addressesIn(input: ReviewInput): Addresses {
  const known = addressesRead.get(input);
  if (known) return known;
  const { base, head } = input;
  const read: Addresses = { emails: [], mailboxes: [] };
  const add = (email: string) => {
    read.emails.push(email);
    // Not kept in mailboxIn's map: 20,000 entries at L for the few addresses asked again.
    read.mailboxes.push(mailboxOf(email, base.org.mailDomains));
  };
  for (const email of base.users.keys()) add(email);
  for (const email of base.invites.keys()) add(email);
  for (const m of [head.users, head.invites])
    for (const email of m.keys()) if (!base.users.has(email) && !base.invites.has(email)) add(email);
  addressesRead.set(input, read);
  return read;
}

/** A review's addresses, each beside its mailbox at the same place (addressesIn). */
interface Addresses {
  readonly emails: string[];
  readonly mailboxes: string[];
}

/** Each review's addresses (addressesIn), listed once. */
const addressesRead = new WeakMap<ReviewInput, Addresses>();

/**
 * Emails that belong to an actor, each to the actor's own: the user whose GitHub login an actor is,
 * in base or head, and every address sharing such a user's mailbox (sharingMailbox).
 */
export function actorEmails(input: ReviewInput): ReadonlyMap<string, string> {
  let emails = actorEmailsRead.get(input);
  if (emails) return emails;
  const own: string[] = [];
  // isActor of every user of both sides, each login lower-cased once.
  const actorKeys = new Set(input.actors.map(loginKey));
  for (const s of [input.base, input.head])
    for (const u of s.users.values()) if (u.github && actorKeys.has(loginKey(u.github))) own.push(u.email);
  // And the base user an actor's account is, renamed since base wrote their login (R87-1).
  for (const a of input.actors) {
    const u = renamedUser(input, a);
    if (u) own.push(u.email);
  }
  actorEmailsRead.set(input, (emails = sharingMailbox(input, own)));
  return emails;
}

/** Each review's actorEmails, read once: adminApprovers asks for every change judged. */
const actorEmailsRead = new WeakMap<ReviewInput, ReadonlyMap<string, string>>();

/** A subject's changes as a rule's row says them: each by its brief form where it has one. */
export const changeList = (d: SubjectDiff) => d.changes.map((c) => c.brief ?? c.text).join('; ');

/** A namespace's access reaching one more cluster. */
interface ClusterReach {
  readonly namespace: string;
  readonly cluster: string;
}

/**
 * Where access reaches one more cluster: a namespace joining a cluster, and every namespace placed
 * in a cluster added (those without a list of their own). Whoever holds access in the namespace
 * holds it there too: the per-person diff, per namespace, does not show it.
 */
export function clusterReach(input: ReviewInput): ClusterReach[] {
  const out: ClusterReach[] = [];
  for (const c of input.diff.clusters) {
    if (c.kind === 'namespace-joins-cluster' && c.namespace)
      out.push({ namespace: c.namespace, cluster: String(c.to) });
    // A namespace new in head is a gain in the per-person diff already, in every cluster.
    if (c.kind === 'cluster-added')
      for (const [namespace, clusters] of input.head.placement)
        if (clusters.includes(String(c.to)) && input.base.placement.has(namespace))
          out.push({ namespace, cluster: String(c.to) });
  }
  return out;
}

/**
 * The entries of `reach` where `cells` hold access (none when there are no cells): a cell of that
 * namespace or of every namespace (a ClusterRoleBinding's), read as one account or in that cluster
 * apart, as cellsIn finds them; by one pass over the cells, since a cluster added reaches every
 * namespace, asked of every person.
 */
export const reachedIn = (reach: readonly ClusterReach[], cells: Readonly<Record<string, LazyCell>> | undefined) => {
  if (!cells) return [];
  // `namespace\0cluster`, '' for every namespace or every cluster.
  const held = new Set(Object.values(cells).map((c) => `${c.scope.namespace ?? ''}\0${c.scope.cluster ?? ''}`));
  const holds = (namespace: string, cluster: string) => held.has(`${namespace}\0${cluster}`);
  return reach.filter(
    (r) => holds(r.namespace, '') || holds(r.namespace, r.cluster) || holds('', '') || holds('', r.cluster),
  );
};

/**
 * The entries of `reach` where a person holds what reaches with them: any access of a member; of an
 * admin, only their grants (grantedCells), since the w:full being one gives follows every namespace,
 * as every admin's does, while their grants stay theirs once they are no longer one.
 */
export const personReach = (input: ReviewInput, reach: readonly ClusterReach[], u: MemberUser) => {
  const cells = input.head.access.get(u.username);
  return reachedIn(reach, cells && u.admin ? grantedCells(cells, input.head.org.name) : cells);
};

/** `data in cluster ord1, web in cluster ord1` */
export const reachText = (reach: readonly ClusterReach[]) =>
  reach.map((r) => `${r.namespace} in cluster ${r.cluster}`).join(', ');

/**
 * What edits a subject's privileges: its changes but those implied by another change (an admin's
 * w:full in a namespace added or removed, a token losing a removed namespace); undefined when none.
 */
export function editsOf(d: SubjectDiff): SubjectDiff | undefined {
  const changes = d.changes.filter((c) => !c.implied);
  return changes.length ? (changes.length === d.changes.length ? d : { ...d, changes }) : undefined;
}

/** Kinds of change that give a subject access in a namespace. */
export const GAINS: ReadonlySet<string> = new Set([
  'gains',
  'gains-class',
  'gains-role',
  'gains-rules',
  'gains-beyond-admin',
  // Staged on a deactivated person or token: held once reactivated, judged as a live grant.
  'gains-dormant',
]);

/**
 * Whether a change gives its subject nothing: it removes, or it names what an admin who leaves keeps
 * (token-values-kept: departing-admin-tokens warns of it; it is no gain, yet removes nothing either).
 */
export const givesNothing = (c: Change): boolean => !!c.removes || c.kind === 'token-values-kept';

/** What a person's change gives them: access, admin or billing, their account back. */
const personGain = (c: Change): boolean =>
  GAINS.has(c.kind) ||
  ((c.kind === 'admin' || c.kind === 'billing') && c.to === true) ||
  (c.kind === 'status' && c.to === 'active');

/**
 * What a token's change gives whoever holds it: access gained, namespaces added, the token moving
 * to a new owner, a later or no expiry. A rename, a removal, a narrower scope, an earlier expiry
 * or a rotation (the same access, the old token revoked) gives nobody anything: tokens belong to
 * the organization (the seed), so those are an owner's routine work, not an edit of their privileges.
 */
function tokenGain(c: Change, authorEmails: ReadonlySet<string>): boolean {
  if (GAINS.has(c.kind)) return true;
  if (c.kind === 'token-added') return true;
  if (c.kind === 'token-moved')
    return (c.to as readonly string[]).some((ns) => !(c.from as readonly string[]).includes(ns));
  if (c.kind === 'token-owner') return typeof c.to === 'string' && authorEmails.has(c.to);
  if (c.kind === 'token-expiry') return c.to === undefined || (c.from !== undefined && String(c.to) > String(c.from));
  // A deactivated token's declared levels: the diff names those it would gain once reactivated.
  if (c.kind === 'token-levels') return !!c.levels?.length;
  return false;
}

export const gainsOf = (t: SubjectDiff, authorEmails: ReadonlySet<string>): SubjectDiff | undefined => {
  const changes = t.changes.filter((c) => tokenGain(c, authorEmails));
  return changes.length ? { ...t, changes } : undefined;
};

/**
 * Whom a token's diff hands it over from, keeping its token value (the diff's text says so):
 * the previous owner, when the owner changes and the token is not rotated in the same diff (with
 * `rotationCounts` false, whatever rotation the diff shows: over a window it may have come first).
 */
export function handedOverFrom(d: SubjectDiff, rotationCounts = true): string | undefined {
  const handover = d.changes.find((c) => c.kind === 'token-owner');
  if (typeof handover?.from !== 'string' || handover.from === handover.to) return undefined;
  return rotationCounts && d.changes.some((c) => c.kind === 'token-rotated') ? undefined : handover.from;
}

/** A token's edits (editsOf) that give its owner in head something, and what (gainsOf). */
interface OwnerGain {
  readonly owner: string;
  readonly edits: SubjectDiff;
  readonly gained: SubjectDiff;
}

/** Each token whose edits give its owner in head something, in the diff's order. */
export function ownersGains(input: ReviewInput): OwnerGain[] {
  return input.diff.tokens.flatMap((d) => {
    const edits = editsOf(d);
    const owner = edits && input.head.tokens.get(edits.id)?.owner;
    const gained = owner ? gainsOf(edits, new Set([owner])) : undefined;
    return owner && gained ? [{ owner, edits, gained }] : [];
  });
}

/**
 * Who the change gives something: each person whose own access gains (implied changes aside), the
 * owner, in head, of each token that gains (handed to them included), the old owner of one handed
 * over unrotated, and whoever's access reaches another cluster. Their approval is no one else's
 * judgement of it.
 */
export function beneficiaries(input: ReviewInput): Set<string> {
  const out = new Set<string>();
  for (const p of input.diff.people.map(editsOf)) if (p?.changes.some(personGain)) out.add(p.id);
  for (const { owner, edits } of ownersGains(input)) {
    out.add(owner);
    // Handed over unrotated, the old owner still holds the token value, and what it gains beyond
    // the handover itself (which gives them nothing).
    const previous = handedOverFrom(edits);
    if (previous && gainsOf(edits, new Set())) out.add(previous);
  }
  // Access reaching another cluster: everyone holding it in the namespace (an admin, by a grant), and tokens' owners.
  const reach = clusterReach(input);
  if (reach.length) {
    for (const u of input.head.users.values()) if (personReach(input, reach, u).length) out.add(u.email);
    for (const t of input.head.tokens.values())
      if (t.owner && reachedIn(reach, tokenCells(input.head, t)).length) out.add(t.owner);
  }
  return out;
}
