/**
 * What in head's whole tree stops Argo CD's checkout of the repository: the repo-server checks out
 * the whole commit, not the Applications' folders, and refuses every Application of it when the
 * checkout or its walk for out-of-bounds links fails (reposerver/repository: runRepoOperation). So
 * a link under org/, which neither output-proof (dist/) nor engine-change (org/ declares) looks at,
 * would stop every shard of the organization, and every later revocation with it (red team R36-1).
 */
import { TREE_NAME_LIMITS } from '../../model/rules.ts';
import { byteLength, clipShown, firstOf, showHidden, withThousands } from '../../model/text.ts';
import type { ChangeRule, TreeEntry } from './context.ts';

/** git's modes of a symbolic link and of a submodule (a gitlink: a commit of another repository). */
const LINK = '120000';
const SUBMODULE = '160000';

/** The kinds of entry that stop a checkout, each with what it does to Argo CD and what fixes it. */
const KINDS = {
  link: {
    holds: ['a symbolic link', 'symbolic links'],
    why: 'Argo CD refuses every Application of a repository holding a link that is absolute or climbs above it at any step (every shard of the organization stops at ComparisonError, keeping what it last applied, so no later revocation reaches a cluster); orgctl refuses every link, as its repository needs none: replace each with a copy of the file it names',
  },
  submodule: {
    holds: ['a submodule', 'submodules'],
    why: "With a .gitmodules, Argo CD clones each at every checkout (git submodule update --init --recursive), and one it cannot clone stops every Application of the organization; its files are walked for links as the repository's own: remove it (and .gitmodules)",
  },
  attributes: {
    holds: ['a .gitattributes below the top folder', '.gitattributes below the top folder'],
    why: "Their filters and encodings apply when Argo CD checks the repository out (its git runs Git LFS's filter, required), and a file they cannot turn back stops every Application of the organization; under org/ no engine-change shows them: move the attributes into the top folder's .gitattributes (an engine-change)",
  },
  name: {
    holds: ['a name too long to check out', 'names too long to check out'],
    why: `Git cannot create a name over ${TREE_NAME_LIMITS.name} bytes, nor Argo CD walk a path over ${withThousands(TREE_NAME_LIMITS.path)} bytes once the folder it checks the repository out into leads it (Linux allows 4,096), and the failed checkout stops every Application of the organization: shorten them`,
  },
} as const;
type Kind = keyof typeof KINDS;

/** Git's attributes of the files of a folder and below it: what git applies when it writes files out. */
const GIT_ATTRIBUTES = '.gitattributes';
/** Whether a path of a tree is a .gitattributes file (the top folder's, or a folder's below it). */
export const isGitAttributes = (path: string): boolean =>
  path === GIT_ATTRIBUTES || path.endsWith(`/${GIT_ATTRIBUTES}`);

/** Why a checkout of a tree holding `entry` stops: its kind and the path to name (the long name's own for a long name), or undefined. */
function stopOf(
  entry: TreeEntry,
): { readonly kind: Kind; readonly path: string; readonly detail?: string } | undefined {
  const names = entry.path.split('/');
  const long = names.findIndex((n) => byteLength(n) > TREE_NAME_LIMITS.name);
  if (long >= 0) {
    const path = names.slice(0, long + 1).join('/');
    return {
      kind: 'name',
      path,
      detail: `a name of ${withThousands(byteLength(names[long]!))} bytes`,
    };
  }
  if (byteLength(entry.path) > TREE_NAME_LIMITS.path)
    return {
      kind: 'name',
      path: entry.path,
      detail: `${withThousands(byteLength(entry.path))} bytes`,
    };
  if (entry.mode === LINK) return { kind: 'link', path: entry.path };
  if (entry.mode === SUBMODULE) return { kind: 'submodule', path: entry.path };
  if (isGitAttributes(entry.path) && entry.path !== GIT_ATTRIBUTES) return { kind: 'attributes', path: entry.path };
  return undefined;
}

/** A path as a message names it: what a reader cannot see spelled out, a long one cut. */
const shown = (path: string, detail?: string): string =>
  `${clipShown(showHidden(path), { max: 120 })}${detail ? ` (${detail})` : ''}`;

export const repositoryTree: ChangeRule = {
  id: 'repository-tree',
  check({ headTree }) {
    if (!headTree)
      return [
        {
          rule: this.id,
          ok: true,
          notJudged: true,
          message:
            "head is a folder, not a git ref: its repository's tree is not judged (give --head a git ref; on GitHub the pull request's head commit is judged)",
        },
      ];
    if ('unread' in headTree) return [{ rule: this.id, ok: false, message: headTree.unread }];
    // Each once: a long name's folder, not every file under it too.
    const stops = new Map<string, { readonly kind: Kind; readonly text: string }>();
    for (const entry of headTree.entries) {
      const stop = stopOf(entry);
      if (stop && !stops.has(stop.path))
        stops.set(stop.path, {
          kind: stop.kind,
          text: shown(stop.path, stop.detail),
        });
    }
    if (!stops.size)
      return [
        {
          rule: this.id,
          ok: true,
          message: `head's tree (${withThousands(headTree.entries.length)} entries) holds no symbolic link, submodule, nested .gitattributes or name too long to check out`,
        },
      ];
    return (Object.keys(KINDS) as Kind[]).flatMap((kind) => {
      const found = [...stops.values()].filter((s) => s.kind === kind).map((s) => s.text);
      return found.length
        ? [
            {
              rule: this.id,
              ok: false,
              message: `head holds ${KINDS[kind].holds[found.length === 1 ? 0 : 1]}: ${firstOf(found, 5)}. ${KINDS[kind].why}`,
            },
          ]
        : [];
    });
  },
};
