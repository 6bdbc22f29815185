/**
 * What `orgctl review` and `orgctl review --github` share: both sides read (strictly) and diffed,
 * the change rules judged against base, and head proved to be exactly what this engine renders
 * from the organization it describes, with every policy run on it.
 */
import type { AdminAccount } from '../github/adapter.ts';
import { resolveToday } from '../model/model.ts';
import { UsageError } from '../model/errors.ts';
import type { AccessDiff } from '../analysis/diff.ts';
import type { OutputFileText, proveOutput } from '../review/proof.ts';
import { judgeWrittenOutput } from '../review/written-output.ts';
import { baseProofResults, proveAgainstBase } from '../review/base-proof.ts';
import { deliverySourceResults, type Guarded } from '../review/delivery-source.ts';
import {
  checkHeadProof,
  describeLocked,
  describeUnknownLock,
  isEngineUpgrade,
  type HeadProofCheck,
} from '../review/head-proof.ts';
import type { RbacSet } from '../analysis/objects.ts';
import { review, withResults, type RuleResult, type Verdict } from '../review/review.ts';
import { accessDiff, loadSnapshots, loadWindow } from './diff.ts';
import { readRefTree, refOfSide, type LoadedSide } from './git.ts';
import type { SideDocs } from '../analysis/snapshot.ts';
import type { Io } from '../model/io.ts';
import { RUNNING_ENGINE } from './engine.ts';
import {
  declaresLogin,
  givenAccountIds,
  isActiveAdmin,
  type GivenLogin,
  type HeadTree,
  type OrgCodeRead,
} from '../policies/change/context.ts';
import {
  baseLockedEngine,
  readBaseLockText,
  readHeadLock,
  readHeadProof,
  readHeadInstalledLock,
  readProjectCommand,
} from './head-proof.ts';
import { lockedRepositoryPaths } from '../review/head-proof.ts';

export interface ChangeToJudge {
  readonly base: string;
  readonly head: string;
  readonly actors: readonly string[];
  /** The actors who propose it (ReviewInput.proposers). @default actors */
  readonly proposers?: readonly string[];
  readonly approvals: readonly string[];
  readonly changedPaths?: readonly string[];
  readonly overrides: readonly string[];
  /** Who applied each override (ReviewInput.overriddenBy). */
  readonly overriddenBy?: Readonly<Record<string, string>>;
  /** The GitHub account ids named by each login (ReviewInput.accountIds); absent off GitHub. */
  readonly accountIds?: ReadonlyMap<string, readonly number[]>;
  /** Off GitHub: every login the person gave (actors, approvers), with the account id when given (givenAccountIds). */
  readonly givenLogins?: readonly GivenLogin[];
  /** An older output of the base branch: mass-removal adds up the removals since then. */
  readonly window?: string;
  /** YYYY-MM-DD for expiry in the proof (default: ORGCTL_TODAY, else today). */
  readonly today?: string;
  /**
   * The head engine's `orgctl prove --format json` (a file): for an upgrade of orgctl, it may stand
   * in for this engine's byte comparison (review/head-proof.ts says when).
   */
  readonly headProof?: string;
  /** The commit the head proof proves (the review workflow's pull job extracted its files). */
  readonly headProofCommit?: string;
  /** The commit judged, when known (on GitHub, the pull request's head): a head proof must name it. */
  readonly headCommit?: string;
  /** Head's package-lock.json, when head is a folder (a git ref's is read from git objects). */
  readonly headLock?: string;
  /** Results the caller already has (a pull request GitHub did not list whole), after the proof's. */
  readonly extra?: readonly RuleResult[];
  /** Re-render and judge head whole even when the proof against base applies (review/base-proof.ts). */
  readonly fullProof?: boolean;
  /** The branch and folder the review guards (on GitHub): Argo CD must read them. @default unknown */
  readonly guarded?: Guarded;
  /** Head's whole tree as GitHub lists the pull request's head commit; without it, a git ref's own is read. */
  readonly headTree?: HeadTree;
  /** What the org/ code the change adds or modifies reaches for (cli/org-code.ts readOrgCode). */
  readonly orgCode?: OrgCodeRead;
}

/**
 * A head proof, checked; when accepted, head's bytes are vouched for by its engine only, so this
 * engine still judges them as written (never when refused: that verdict needs no more work).
 */
function judgeHeadProof(
  check: HeadProofCheck,
  proof: ReturnType<typeof proveOutput>,
  head: SideDocs & { readonly rbac: RbacSet; readonly files: readonly OutputFileText[] },
) {
  return {
    running: RUNNING_ENGINE,
    check,
    ...(check.accepted && proof.model && proof.rendered
      ? { written: judgeWrittenOutput(proof.model, head, proof.rendered) }
      : {}),
  };
}

/**
 * The full proof's results: head re-rendered whole and compared, every policy run on it (a head
 * proof may stand in for the comparison); `wholeBecause` says why the proof against base did not spare it.
 * Its renderer (review/proof.ts: the constructs, the schema) is loaded only here: ~10 ms of a
 * review's start that the proof against base, when it proves, does not need.
 */
async function proveWhole(
  given: {
    readonly headProof: ReturnType<typeof readHeadProof> | undefined;
    readonly lock: ReturnType<typeof readHeadLock> | undefined;
    readonly changedPaths: readonly string[] | undefined;
    readonly today: string;
    readonly headCommit: string | undefined;
    readonly projectCommand: string | undefined;
  },
  headSide: LoadedSide,
  headDocs: SideDocs & Required<Pick<SideDocs, 'rbac'>>,
  io: Io,
  wholeBecause: string | undefined,
): Promise<RuleResult[]> {
  const { proofResults, proveOutput } = await import('../review/proof.ts');
  io.progress?.('proving head dist/ (re-rendering it with this engine)...');
  const proof = proveOutput(headSide.files, headSide.docs, given.today, headDocs);
  io.progress?.('');
  const judgedHeadProof =
    given.headProof !== undefined && proof.differences.length
      ? judgeHeadProof(
          checkHeadProof({
            proof: given.headProof,
            lock: given.lock!,
            running: RUNNING_ENGINE,
            changedPaths: given.changedPaths,
            recovered: proof.model !== undefined,
            ...(given.projectCommand !== undefined ? { projectCommand: given.projectCommand } : {}),
            ...(given.headCommit !== undefined ? { headCommit: given.headCommit } : {}),
          }),
          proof,
          { ...headDocs, files: headSide.files },
        )
      : undefined;
  return proofResults(proof, judgedHeadProof, wholeBecause);
}

/**
 * The diff and the verdict (the proof's results, then `extra`, then every change rule), and the
 * GitHub logins of base's active admins (review --github ranks pull requests by them), and whether a login is any base user's.
 */
export async function judgeChange(
  change: ChangeToJudge,
  io: Io,
): Promise<{
  diff: AccessDiff;
  verdict: Verdict;
  admins: readonly string[];
  adminAccounts: readonly AdminAccount[];
  /** Whether a base user declares this GitHub login (declaresLogin). */
  baseLogin: (login: string) => boolean;
}> {
  // A git ref holds its own lock, which npm installs once this merges: one given beside it would
  // stand in for it, and a proof be accepted for another orgctl than head installs (red team R65-2).
  if (change.headLock !== undefined && refOfSide(change.head) !== undefined)
    throw new UsageError(
      `--head-lock is for a --head folder, which holds no lock: --head ${change.head} is a git ref, and its own package-lock.json (or npm-shrinkwrap.json) is what npm installs from it and what the review reads. Leave --head-lock out, or give --head as a folder`,
    );
  // Files given on the command line are read first: a missing one is a usage error before any work.
  const headProof =
    change.headProof !== undefined ? readHeadProof(change.headProof, change.headProofCommit) : undefined;
  const upgrade = isEngineUpgrade(change.changedPaths);
  const headLockAsked = upgrade || change.headLock !== undefined || headProof !== undefined;
  // Base's lock, read once: its registries (head's lock), its orgctl (the approval's text), and
  // what it installs from inside the repository, which is engine in org/ or dist/ too (engine-change).
  const baseLockRead = headLockAsked || change.changedPaths ? readBaseLockText(change.base) : undefined;
  const baseLock = typeof baseLockRead === 'string' ? baseLockRead : undefined;
  const lock = headLockAsked ? readHeadLock(baseLockRead, change.head, change.headLock) : undefined;
  // npm reads the project's bundle and commands from package.json whichever package file changes:
  // a lock changed alone installs under the package.json it finds there (R61-1).
  const projectCommand = headLockAsked ? readProjectCommand(change.base, change.head) : undefined;
  // What an upgrade's approval trusts: what npm installs from head's lock, its shrinkwrap first (R61-2).
  const installed = upgrade ? readHeadInstalledLock(baseLockRead, change.head, lock) : undefined;
  const installedFrom = change.changedPaths && baseLock !== undefined ? lockedRepositoryPaths(baseLock) : undefined;
  const loaded = loadSnapshots(change.base, change.head, io);
  const { base, head, baseSide, headSide, headDocs, cache, documents } = loaded;
  // Expiry (which tokens are live for mass-removal, and in the proof) is judged on the review's date.
  const today = resolveToday(change.today, io.env);
  const diff = accessDiff(loaded, today);
  // What Argo CD checks out is head's whole commit, not its dist/: a folder names no commit.
  const headRef = change.headTree === undefined ? refOfSide(change.head) : undefined;
  const headTree = change.headTree ?? (headRef !== undefined ? { entries: readRefTree(headRef) } : undefined);
  const accountIds =
    change.accountIds ?? (change.givenLogins && givenAccountIds(base.users.values(), change.givenLogins));
  const rules = review({
    base,
    head,
    diff,
    today,
    actors: change.actors,
    ...(change.proposers !== undefined ? { proposers: change.proposers } : {}),
    approvals: change.approvals,
    changedPaths: change.changedPaths,
    overrides: change.overrides,
    ...(change.overriddenBy !== undefined ? { overriddenBy: change.overriddenBy } : {}),
    ...(accountIds !== undefined ? { accountIds } : {}),
    ...(installed !== undefined
      ? {
          headEngine:
            typeof installed === 'string'
              ? describeUnknownLock(installed)
              : describeLocked(RUNNING_ENGINE.name, installed, baseLockedEngine(baseLock)),
        }
      : {}),
    ...(projectCommand !== undefined ? { projectCommand } : {}),
    ...(installedFrom !== undefined ? { installedFrom } : {}),
    ...(change.changedPaths && typeof baseLockRead === 'object' ? { baseLockUnreadable: baseLockRead.unreadable } : {}),
    ...(headTree !== undefined ? { headTree } : {}),
    ...(change.orgCode !== undefined ? { orgCode: change.orgCode } : {}),
    ...(change.window !== undefined ? { window: loadWindow(change.window, headDocs, io, today, cache) } : {}),
  });
  // Head dist/ is data: proved to be exactly what this engine renders from it, and judged by every
  // policy; by what it changes in base's when that is all bindings (base is the trust anchor), else whole.
  const skipped = change.fullProof
    ? '--full-proof asks'
    : upgrade || headProof !== undefined
      ? 'this change upgrades orgctl'
      : undefined;
  const againstBase =
    skipped !== undefined
      ? undefined
      : proveAgainstBase({
          base: { files: baseSide.files, documents: documents.base },
          head: { files: headSide.files, documents: documents.head },
          baseUsers: base.users,
          membership: headDocs.membership,
          today,
        });
  const proved = againstBase?.proved
    ? baseProofResults(againstBase)
    : await proveWhole(
        { headProof, lock, changedPaths: change.changedPaths, today, headCommit: change.headCommit, projectCommand },
        headSide,
        headDocs,
        io,
        skipped ?? againstBase?.reason,
      );
  const extra = [...deliverySourceResults(headDocs.membership.org.argocd, change.guarded), ...(change.extra ?? [])];
  // With the account each declares: a login is a name anyone may hold once renamed (R34-2).
  const adminAccounts = [...base.users.values()].flatMap((u) =>
    isActiveAdmin(u) && u.github ? [{ login: u.github, githubId: u.githubId }] : [],
  );
  const admins = adminAccounts.map((a) => a.login);
  const baseLogin = (login: string) => declaresLogin(base.users, login);
  return { diff, verdict: withResults(withResults(rules, extra), proved), admins, adminAccounts, baseLogin };
}
