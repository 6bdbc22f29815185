/**
 * What `orgctl review` and `orgctl review --github` share: both sides read (strictly) and diffed,
 * the change rules judged against base, and head proved to be exactly what this engine renders
 * from the organization it describes, with every policy run on it.
 */
import { resolveToday } from '../constructs/organization.ts';
import { diffSnapshots, type AccessDiff } from '../analysis/diff.ts';
import { proofResults, proveOutput } from '../review/proof.ts';
import { review, withResults, type RuleResult, type Verdict } from '../review/review.ts';
import { loadSnapshots, loadWindow } from './diff.ts';
import type { Io } from '../model/io.ts';

export interface ChangeToJudge {
  readonly base: string;
  readonly head: string;
  readonly actors: readonly string[];
  readonly approvals: readonly string[];
  readonly changedPaths?: readonly string[];
  readonly overrides: readonly string[];
  /** An older output of the base branch: mass-removal adds up the removals since then. */
  readonly window?: string;
  /** YYYY-MM-DD for expiry in the proof (default: ORGCTL_TODAY, else today). */
  readonly today?: string;
  /** Results the caller already has (a pull request GitHub did not list whole), after the proof's. */
  readonly extra?: readonly RuleResult[];
}

/** The diff and the verdict: the proof's results, then `extra`, then every change rule. */
export function judgeChange(change: ChangeToJudge, io: Io): { diff: AccessDiff; verdict: Verdict } {
  const { base, head, headSide, headDocs, cache } = loadSnapshots(change.base, change.head, io);
  const diff = diffSnapshots(base, head);
  const rules = review({
    base,
    head,
    diff,
    actors: change.actors,
    approvals: change.approvals,
    changedPaths: change.changedPaths,
    overrides: change.overrides,
    ...(change.window !== undefined ? { window: loadWindow(change.window, headDocs, io, cache) } : {}),
  });
  // Head dist/ is data: proved to be exactly what this engine renders from it, and judged by every policy.
  io.progress?.('proving head dist/ (re-rendering it with this engine)...');
  const proof = proveOutput(headSide.files, headSide.docs, resolveToday(change.today, io.env), headDocs);
  io.progress?.('');
  return { diff, verdict: withResults(withResults(rules, change.extra ?? []), proofResults(proof)) };
}
