/** The organization rules, run over the model as `node.addValidation` and by `orgctl check`. */
import { type GrantModel, grantsInMemoryOrder, type OrgModel } from '../../model/model.ts';
import { compareFindings, formatFinding, type Finding } from '../../model/findings.ts';
import { GRANTS_WITH, type OrgRule, type PolicyContext } from './context.ts';
import { adminGithubId } from './admin-github-id.ts';
import { duplicateName } from './duplicate-name.ts';
import { duplicateUser } from './duplicate-user.ts';
import { nearDuplicateIdle } from './near-duplicate-idle.ts';
import { expiredGrant } from './expired-grant.ts';
import { forbiddenGrant } from './forbidden-grant.ts';
import { inlineRulesExpiry } from './inline-rules-expiry.ts';
import { invalidName } from './invalid-name.ts';
import { invalidRule } from './invalid-rule.ts';
import { invalidText } from './invalid-text.ts';
import { inviteWithoutSso } from './invite-without-sso.ts';
import { duplicateObject, invalidObject, objectSize } from './output-objects.ts';
import { ownerAdmin } from './owner-admin.ts';
import { removeAllAdmin } from './remove-all-admin.ts';
import { systemNamespace } from './system-namespace.ts';
import { tokenExpiry } from './token-expiry.ts';
import { tokenOwnerInactive } from './token-owner-inactive.ts';
import { undeployableNamespace } from './undeployable-namespace.ts';
import { argocdIdentity } from './argocd-identity.ts';
import { argocdSource } from './argocd-source.ts';
import { unknownCluster } from './unknown-cluster.ts';
import { unknownLevel } from './unknown-level.ts';
import { unknownNamespace } from './unknown-namespace.ts';
import { unknownRole } from './unknown-role.ts';
import { unknownUser } from './unknown-user.ts';

/** Rules over the model alone: what `orgctl check` runs (fast: nothing is rendered). */
export const MODEL_RULES: readonly OrgRule[] = [
  forbiddenGrant,
  unknownNamespace,
  unknownUser,
  unknownLevel,
  unknownRole,
  unknownCluster,
  duplicateUser,
  nearDuplicateIdle,
  duplicateName,
  invalidName,
  invalidRule,
  ownerAdmin,
  adminGithubId,
  removeAllAdmin,
  tokenOwnerInactive,
  tokenExpiry,
  inviteWithoutSso,
  systemNamespace,
  expiredGrant,
  inlineRulesExpiry,
  undeployableNamespace,
  argocdSource,
  argocdIdentity,
  invalidText,
];

/**
 * Rules over the rendered objects (every kind): synthesis runs them before writing (it renders
 * anyway); `check` leaves them to synth, as it leaves the Kubernetes schema and shard sizes. The
 * model rules catch their usual causes first (duplicate-name, invalid-name).
 */
export const OUTPUT_RULES: readonly OrgRule[] = [duplicateObject, invalidObject, objectSize];

export const ORG_RULES: readonly OrgRule[] = [...MODEL_RULES, ...OUTPUT_RULES];

/**
 * Every rule over the model: the grants walked once, each handed to every rule that judges grants,
 * then each rule's check of the rest. Findings sorted (errors first) so output is stable.
 */
export function runPolicies(model: OrgModel, ctx: PolicyContext, rules: readonly OrgRule[] = ORG_RULES): Finding[] {
  const out: Finding[] = [];
  type Judge = ReturnType<NonNullable<OrgRule['grant']>>;
  // Each judge with the grants it is asked of (grantsWith): most of them judge a few grants only.
  const every: Judge[] = [];
  const some: { readonly has: (g: GrantModel) => boolean; readonly judges: Judge[] }[] = [];
  for (const r of rules) {
    if (!r.grant) continue;
    const judge = r.grant(model, ctx, out);
    if (r.grantsWith === undefined) every.push(judge);
    else {
      const has = GRANTS_WITH[r.grantsWith];
      const group = some.find((s) => s.has === has);
      if (group) group.judges.push(judge);
      else some.push({ has, judges: [judge] });
    }
  }
  // In declaration order, the order the grants sit in memory: findings are sorted at the end (by
  // rule first, so the order judges are asked in changes none).
  if (every.length || some.length) {
    const grants = grantsInMemoryOrder(model);
    for (let i = 0; i < grants.length; i++) {
      const g = grants[i]!;
      for (const judge of every) judge(g, i);
      for (const { has, judges } of some) if (has(g)) for (const judge of judges) judge(g, i);
    }
  }
  for (const r of rules) for (const f of r.check?.(model, ctx) ?? []) out.push(f);
  return out.sort(compareFindings);
}

/** Error lines, the form `node.addValidation` returns. */
export function errorsOf(findings: readonly Finding[]): string[] {
  return findings.filter((f) => f.severity === 'error').map(formatFinding);
}
