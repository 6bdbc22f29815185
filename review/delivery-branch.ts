/**
 * Argo CD must follow the branch the review guards. A review judges pull requests into the default
 * branch only (`pull-request-base`); if the ApplicationSet followed another branch, whatever is
 * pushed there would reach the clusters without one.
 */
import type { ArgoCdModel } from '../model/model.ts';
import type { RuleResult } from '../policies/change/context.ts';

/** The full name of a branch, as `delivery.argocd.revision` must give it (argocd-revision). */
const branchRef = (branch: string): string => `refs/heads/${branch}`;

/**
 * A failure when head's Argo CD source follows anything but `branch` by its full name; nothing
 * when it does, when head generates no Argo CD files, or when no branch is known (a local review).
 */
export function deliveryBranchResults(argocd: ArgoCdModel | undefined, branch: string | undefined): RuleResult[] {
  if (argocd === undefined || branch === undefined || argocd.revision === branchRef(branch)) return [];
  return [
    {
      rule: 'delivery-branch',
      ok: false,
      message: `Argo CD follows ${JSON.stringify(argocd.revision)} (delivery.argocd.revision), not ${branchRef(branch)}, the branch this review guards: whatever reaches ${JSON.stringify(argocd.revision)} would be applied without a review; set delivery.argocd.revision to ${JSON.stringify(branchRef(branch))}`,
    },
  ];
}
