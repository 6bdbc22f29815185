/** The change rules over a base → head diff, judged against base membership. */
import { actorNotAdmin } from './rules/actor-not-admin.ts';
import { clusterRemoval } from './rules/cluster-removal.ts';
import { adminChangeApproval } from './rules/admin-change-approval.ts';
import type { ChangeRule, ReviewInput, RuleResult } from './rules/context.ts';
import { engineChange } from './rules/engine-change.ts';
import { massRemoval } from './rules/mass-removal.ts';
import { ownerImmutable } from './rules/owner-immutable.ts';
import { selfEdit } from './rules/self-edit.ts';
import { settingsChange } from './rules/settings-change.ts';

export type { ReviewInput, RuleResult } from './rules/context.ts';

export const CHANGE_RULES: readonly ChangeRule[] = [actorNotAdmin, selfEdit, adminChangeApproval, ownerImmutable, massRemoval, clusterRemoval, engineChange, settingsChange];

/** The rules an approved override may lift; every other rule holds whatever the labels say. */
export const OVERRIDABLE_RULES: readonly string[] = CHANGE_RULES.filter((r) => r.overridable).map((r) => r.id);

export interface Verdict {
  readonly ok: boolean;
  readonly results: readonly RuleResult[];
}

/** A verdict with `results` first: it passes only when they and every rule pass. */
export function withResults(verdict: Verdict, results: readonly RuleResult[]): Verdict {
  if (!results.length) return verdict;
  const all = [...results, ...verdict.results];
  return { ok: verdict.ok && all.every((r) => r.ok), results: all };
}

export function review(input: ReviewInput): Verdict {
  if (!input.actors.length) return { ok: false, results: [{ rule: 'actors', ok: false, message: 'no actor given: a change without an author cannot be judged' }] };
  const results = CHANGE_RULES.flatMap((r) => r.check(input));
  return { ok: results.every((r) => r.ok), results };
}
