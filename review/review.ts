/** The change rules over a base → head diff, judged against base membership. */
import { actorNotAdmin } from '../policies/change/actor-not-admin.ts';
import { clusterRemoval } from '../policies/change/cluster-removal.ts';
import { adminChangeApproval } from '../policies/change/admin-change-approval.ts';
import type { ChangeRule, ReviewInput, RuleResult } from '../policies/change/context.ts';
import { engineChange } from '../policies/change/engine-change.ts';
import { repositoryTree } from '../policies/change/repository-tree.ts';
import { massRemoval } from '../policies/change/mass-removal.ts';
import { ownerImmutable } from '../policies/change/owner-immutable.ts';
import { selfEdit } from '../policies/change/self-edit.ts';
import { settingsChange } from '../policies/change/settings-change.ts';
import { guardRails } from '../policies/change/guard-rails.ts';
import { argocdIdentityBase } from '../policies/change/argocd-identity-base.ts';
import { systemNamespaceBase } from '../policies/change/system-namespace-base.ts';
import { lookalikeIdentity } from '../policies/change/lookalike-identity.ts';
import { nearDuplicateUser } from '../policies/change/near-duplicate-user.ts';
import { departingAdminTokens } from '../policies/change/departing-admin-tokens.ts';
import { deactivatedMailbox } from '../policies/change/deactivated-mailbox.ts';
import { orgCode } from '../policies/change/org-code.ts';

export type { RuleResult } from '../policies/change/context.ts';

export const CHANGE_RULES: readonly ChangeRule[] = [
  actorNotAdmin,
  selfEdit,
  adminChangeApproval,
  ownerImmutable,
  massRemoval,
  clusterRemoval,
  engineChange,
  repositoryTree,
  settingsChange,
  guardRails,
  argocdIdentityBase,
  systemNamespaceBase,
  lookalikeIdentity,
  nearDuplicateUser,
  departingAdminTokens,
  deactivatedMailbox,
  orgCode,
];

export { OVERRIDABLE_RULES } from '../model/rules.ts';

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
  if (!input.actors.length)
    return {
      ok: false,
      results: [{ rule: 'actors', ok: false, message: 'no actor given: a change without an author cannot be judged' }],
    };
  const results = CHANGE_RULES.flatMap((r) => r.check(input));
  return { ok: results.every((r) => r.ok), results };
}
