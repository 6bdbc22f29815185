/**
 * Argo CD must read what the review judges: the branch the review guards, the folder it reads. A
 * review judges pull requests into the default branch only (`pull-request-base`), and only their
 * `dist/`; if the ApplicationSet followed another branch or folder, whatever is pushed there would
 * reach the clusters without one.
 */
import type { ArgoCdModel } from '../model/model.ts';
import type { RuleResult } from '../policies/change/context.ts';
import { BRANCH_PREFIX } from '../policies/org/argocd-source.ts';

/** What the review guards: a branch (by its short name, as GitHub gives it) and a folder of it. */
export interface Guarded {
  readonly branch: string;
  readonly path: string;
  /**
   * The repository's URLs as GitHub gives them (clone, web, ssh): Argo CD must read this
   * repository, not a fork or another whose branches the review never guards. @default not checked
   */
  readonly repository?: readonly string[];
}

/**
 * A repository URL as host/path, lower case, without scheme, user, `.git` or a trailing `/`: the
 * spellings git and Argo CD treat as one repository (GitHub's owner and name ignore case).
 */
function repositoryKey(url: string): string {
  let u = url.trim().toLowerCase();
  const scp = /^[^/@:]+@([^/:]+):(.*)$/.exec(u); // git@github.com:owner/repo.git
  if (scp) u = `${scp[1]}/${scp[2]}`;
  else u = u.replace(/^[a-z][a-z0-9+.-]*:\/\//, '').replace(/^[^/@]*@/, '');
  return u
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
    .replace(/\/+$/, '');
}

/**
 * A failure for each way head's Argo CD source reads elsewhere than `guarded`; nothing when it
 * reads there, when head generates no Argo CD files, or when nothing is known (a local review).
 */
export function deliverySourceResults(argocd: ArgoCdModel | undefined, guarded: Guarded | undefined): RuleResult[] {
  if (argocd === undefined || guarded === undefined) return [];
  const out: RuleResult[] = [];
  const fail = (message: string) => out.push({ rule: 'delivery-source', ok: false, message });
  const ref = `${BRANCH_PREFIX}${guarded.branch}`;
  const urls = guarded.repository ?? [];
  if (urls.length && !urls.some((u) => repositoryKey(u) === repositoryKey(argocd.repoURL)))
    fail(
      `Argo CD reads ${JSON.stringify(argocd.repoURL)} (delivery.argocd.repoURL), not ${urls[0]}, the repository this review guards: whatever is pushed there would be applied without a review; set delivery.argocd.repoURL to ${JSON.stringify(urls[0])}`,
    );
  if (argocd.revision !== ref)
    fail(
      `Argo CD follows ${JSON.stringify(argocd.revision)} (delivery.argocd.revision), not ${ref}, the branch this review guards: whatever reaches ${JSON.stringify(argocd.revision)} would be applied without a review; set delivery.argocd.revision to ${JSON.stringify(ref)}`,
    );
  if (argocd.path !== guarded.path)
    fail(
      `Argo CD reads ${JSON.stringify(argocd.path)} (delivery.argocd.path), not ${guarded.path}/, the folder this review judges: whatever is committed there would be applied without a review; set delivery.argocd.path to ${JSON.stringify(guarded.path)}`,
    );
  return out;
}
