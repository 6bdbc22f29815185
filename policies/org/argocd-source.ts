import type { Finding } from '../../model/findings.ts';
import { sourceText } from '../../model/findings.ts';
import type { OrgRule } from './context.ts';

/** How a branch's full name begins: the only revision Argo CD matches to that branch alone. */
export const BRANCH_PREFIX = 'refs/heads/';

/** The branch Argo CD follows when the organization names none: GitHub's default branch. */
export const DEFAULT_ARGOCD_REVISION = `${BRANCH_PREFIX}main`;
const COMMIT = /^[0-9a-f]{7,40}$/i;

/**
 * What GitHub reads as an expression anywhere in a workflow. Git allows it in a branch name, but the
 * check workflow's push trigger names the branch Argo CD follows, and `on:` has no context for an
 * expression: GitHub would refuse the workflow, and merges there would run no check.
 */
const GITHUB_EXPRESSION = '${{';

/**
 * Why a branch name is not one git accepts (git check-ref-format), or undefined: Argo CD would
 * never resolve it, and every shard would stop syncing. Or one the check workflow cannot name.
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
  if (branch.includes(GITHUB_EXPRESSION))
    return "holds `${{`, which GitHub reads as an expression in the check workflow's push trigger, refusing the workflow (merges would run no check)";
  return undefined;
}

/**
 * Why `revision` is not a branch by its full name. Argo CD's repo server resolves a revision by
 * listing the repository's refs (util/git/client.go LsRemote): a short name (`main`, `HEAD`)
 * matches every ref whose short name it is, the first hash ref found wins, and go-git lists refs
 * from a map, in any order; `HEAD` is symbolic, so any tag named HEAD wins over it. A tag is not a
 * branch: branch protection and the required review never see it, so whoever may push a tag (any
 * writer, unless a ruleset restricts tags) could point Argo CD at a commit nobody reviewed. A full
 * name (`refs/heads/main`) matches only that ref. A tag or a commit never follows the reviewed
 * branch: every later change, revocations included, would stay unapplied.
 */
export function badRevision(revision: string): { readonly why: string; readonly instead: string } | undefined {
  if (revision.startsWith(BRANCH_PREFIX)) {
    const why = badBranchName(revision.slice(BRANCH_PREFIX.length));
    return why === undefined ? undefined : { why, instead: DEFAULT_ARGOCD_REVISION };
  }
  if (COMMIT.test(revision))
    return {
      why: 'is a commit: Argo CD would never apply a later change, revocations included',
      instead: DEFAULT_ARGOCD_REVISION,
    };
  if (revision.startsWith('refs/'))
    return { why: 'is not a branch: Argo CD would never follow the reviewed branch', instead: DEFAULT_ARGOCD_REVISION };
  return {
    why: `is a short name: Argo CD resolves it against every ref, and a tag named ${revision} (which branch protection does not cover) can win`,
    instead: revision === 'HEAD' ? DEFAULT_ARGOCD_REVISION : `${BRANCH_PREFIX}${revision}`,
  };
}

/**
 * Why `path` is not a plain folder of the repository. The ApplicationSet's git generator reads
 * `<path>/*\/*` as a glob: a `*`, `?`, `[` or `{` in it, or a `..`, would make Applications of
 * folders orgctl never wrote and the review never reads.
 */
function badPath(path: string): string | undefined {
  for (const part of path.split('/'))
    if (!/^[A-Za-z0-9._-]+$/.test(part) || part === '.' || part === '..')
      return 'is not a plain folder of the repository (letters, digits, `.`, `_`, `-` between single `/`; no `.` or `..` part, no glob)';
  return undefined;
}

/** Argo CD reads exactly what the review judged: the reviewed branch by its full name, a plain folder. */
export const argocdSource: OrgRule = {
  id: 'argocd-source',
  check(model) {
    const a = model.argocd;
    if (!a) return [];
    const out: Finding[] = [];
    const refuse = (field: 'revision' | 'path', message: string) =>
      out.push({
        severity: 'error',
        rule: this.id,
        subject: `organization/${model.name}`,
        source: 'spec' in model.source ? `spec.delivery.argocd.${field}` : sourceText(model.source),
        message: `delivery.argocd.${field} ${JSON.stringify(a[field])} ${message}`,
      });
    const revision = badRevision(a.revision);
    if (revision)
      refuse(
        'revision',
        `${revision.why}; name the branch pull requests merge into by its full name, e.g. ${JSON.stringify(revision.instead)}`,
      );
    const path = badPath(a.path);
    if (path !== undefined) refuse('path', `${path}; give the folder orgctl synth writes, e.g. "dist"`);
    return out;
  },
};
