import type { Finding } from '../../model/findings.ts';
import { sourceText } from '../../model/findings.ts';
import type { OrgRule } from './context.ts';

/** The branch Argo CD follows when the organization names none: GitHub's default branch. */
export const DEFAULT_ARGOCD_REVISION = 'refs/heads/main';

const BRANCH_PREFIX = 'refs/heads/';

/**
 * Why a branch name is not one git accepts (git check-ref-format), or undefined: Argo CD would
 * never resolve it, and every shard would stop syncing.
 */
function badBranchName(branch: string): string | undefined {
  if (branch === '') return 'names no branch';
  // ASCII controls, space and the characters git reserves for revision syntax.
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(branch)) return 'holds a character git refuses in a branch name';
  if (branch.includes('..') || branch.includes('@{') || branch === '@') return 'holds `..` or `@{`';
  for (const part of branch.split('/'))
    if (part === '' || part.startsWith('.') || part.endsWith('.lock'))
      return 'has an empty part, a part starting with `.` or ending with `.lock`';
  if (branch.endsWith('.')) return 'ends with `.`';
  return undefined;
}

/**
 * Argo CD follows a branch only by its full name. Its repo server resolves a revision by listing
 * the repository's refs (util/git/client.go LsRemote): a short name (`main`, `HEAD`) matches every
 * ref whose short name it is, the first hash ref found wins, and go-git lists refs from a map, in
 * any order; `HEAD` is symbolic, so any tag named HEAD wins over it. A tag is not a branch: branch
 * protection and the required review never see it, so whoever may push a tag (any writer, unless
 * a ruleset restricts tags) could point Argo CD at a commit nobody reviewed. A full name
 * (`refs/heads/main`) matches only that ref. A tag or a commit is refused too: output that never
 * follows the reviewed branch would leave every later change, revocations included, unapplied.
 */
export const argocdRevision: OrgRule = {
  id: 'argocd-revision',
  check(model) {
    const a = model.argocd;
    if (!a) return [];
    const given = JSON.stringify(a.revision);
    const why = !a.revision.startsWith(BRANCH_PREFIX)
      ? /^[0-9a-f]{7,40}$/i.test(a.revision)
        ? 'is a commit: Argo CD would never apply a later change, revocations included'
        : a.revision.startsWith('refs/')
          ? 'is not a branch: Argo CD would never follow the reviewed branch'
          : `is a short name: Argo CD resolves it against every ref, and a tag named ${a.revision} (which branch protection does not cover) can win`
      : badBranchName(a.revision.slice(BRANCH_PREFIX.length));
    if (why === undefined) return [];
    const suggestion =
      a.revision.startsWith('refs/') || a.revision === 'HEAD' || /^[0-9a-f]{7,40}$/i.test(a.revision)
        ? DEFAULT_ARGOCD_REVISION
        : `${BRANCH_PREFIX}${a.revision}`;
    const out: Finding = {
      severity: 'error',
      rule: this.id,
      subject: `organization/${model.name}`,
      source: 'spec' in model.source ? 'spec.delivery.argocd.revision' : sourceText(model.source),
      message: `delivery.argocd.revision ${given} ${why}; name the branch pull requests merge into by its full name, e.g. ${JSON.stringify(suggestion)}`,
    };
    return [out];
  },
};
