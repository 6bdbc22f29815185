import type { Finding } from '../../model/findings.ts';
import { sourceText } from '../../model/findings.ts';
import type { OrgModel } from '../../model/model.ts';
import type { OrgRule } from './context.ts';

/** How a branch's full name begins: the only revision Argo CD matches to that branch alone. */
export const BRANCH_PREFIX = 'refs/heads/';

/** The branch Argo CD follows when the organization names none: GitHub's default branch. */
export const DEFAULT_ARGOCD_REVISION = `${BRANCH_PREFIX}main`;
const COMMIT = /^[0-9a-f]{7,40}$/i;

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
 * Why `revision` is not a branch by its full name. Argo CD's repo server resolves a revision by
 * listing the repository's refs (util/git/client.go LsRemote): a short name (`main`, `HEAD`)
 * matches every ref whose short name it is, the first hash ref found wins, and go-git lists refs
 * from a map, in any order; `HEAD` is symbolic, so any tag named HEAD wins over it. A tag is not a
 * branch: branch protection and the required review never see it, so whoever may push a tag (any
 * writer, unless a ruleset restricts tags) could point Argo CD at a commit nobody reviewed. A full
 * name (`refs/heads/main`) matches only that ref. A tag or a commit never follows the reviewed
 * branch: every later change, revocations included, would stay unapplied.
 */
function badRevision(revision: string): string | undefined {
  if (revision.startsWith(BRANCH_PREFIX)) return badBranchName(revision.slice(BRANCH_PREFIX.length));
  if (COMMIT.test(revision)) return 'is a commit: Argo CD would never apply a later change, revocations included';
  if (revision.startsWith('refs/')) return 'is not a branch: Argo CD would never follow the reviewed branch';
  return `is a short name: Argo CD resolves it against every ref, and a tag named ${revision} (which branch protection does not cover) can win`;
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

const sourceOf = (model: OrgModel, field: string): string =>
  'spec' in model.source ? `spec.delivery.argocd.${field}` : sourceText(model.source);

/** Argo CD reads exactly what the review judged: the reviewed branch by its full name, a plain folder. */
export const argocdSource: OrgRule = {
  id: 'argocd-source',
  check(model) {
    const a = model.argocd;
    if (!a) return [];
    const out: Finding[] = [];
    const revision = badRevision(a.revision);
    if (revision !== undefined) {
      const suggestion =
        a.revision.startsWith('refs/') || a.revision === 'HEAD' || COMMIT.test(a.revision)
          ? DEFAULT_ARGOCD_REVISION
          : `${BRANCH_PREFIX}${a.revision}`;
      out.push({
        severity: 'error',
        rule: this.id,
        subject: `organization/${model.name}`,
        source: sourceOf(model, 'revision'),
        message: `delivery.argocd.revision ${JSON.stringify(a.revision)} ${revision}; name the branch pull requests merge into by its full name, e.g. ${JSON.stringify(suggestion)}`,
      });
    }
    const path = badPath(a.path);
    if (path !== undefined)
      out.push({
        severity: 'error',
        rule: this.id,
        subject: `organization/${model.name}`,
        source: sourceOf(model, 'path'),
        message: `delivery.argocd.path ${JSON.stringify(a.path)} ${path}; give the folder orgctl synth writes, e.g. "dist"`,
      });
    return out;
  },
};
