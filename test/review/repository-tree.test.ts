/**
 * repository-tree: Argo CD's repo-server checks out head's whole commit, not its dist/, and stops
 * every Application of the repository when that checkout or its walk for out-of-bounds links fails
 * (red team R36-1: a link under org/ passed with "No change in access"). The review reads head's
 * whole tree (git objects here; GitHub's recursive listing on GitHub, test/github/adapter.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ReviewInput, TreeEntry } from '../../policies/change/context.ts';
import { repositoryTree } from '../../policies/change/repository-tree.ts';
import { cli, gitIn, reviewOfExample, ROOT, tempDir } from '../helpers.ts';

const RULE = 'repository-tree';

/** The rule's rows of a review's comment. */
const rows = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith(`| \`${RULE}\` |`));

/** An entry `git update-index --cacheinfo` writes: a file of `content`, a link to it, or a submodule at a commit. */
type Entry = { readonly path: string } & (
  | { readonly content: string; readonly mode?: '100644' | '120000' }
  | { readonly submodule: string }
);

/**
 * A commit on `parent` with `entries` added and `removed` taken out, made from git objects alone
 * (a name too long to check out cannot be written to the file system).
 */
function commitOnto(repo: string, parent: string, entries: readonly Entry[], removed: readonly string[] = []): string {
  const env = { ...process.env, GIT_INDEX_FILE: join(repo, '.git', 'index-test') };
  const git = (args: string[], input?: string) => {
    const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.test', ...args], {
      cwd: repo,
      env,
      input,
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(r.stderr);
    return r.stdout.trim();
  };
  git(['read-tree', parent]);
  for (const e of entries) {
    const [mode, sha] =
      'submodule' in e
        ? ['160000', e.submodule]
        : [e.mode ?? '100644', git(['hash-object', '-w', '--stdin'], e.content)];
    git(['update-index', '--add', '--cacheinfo', `${mode},${sha},${e.path}`]);
  }
  for (const path of removed) git(['update-index', '--force-remove', '--', path]);
  return git(['commit-tree', git(['write-tree']), '-p', parent, '-m', 'head']);
}

let repo = '';
let base = '';
beforeAll(() => {
  repo = tempDir('orgctl-tree-');
  cpSync(join(ROOT, 'dist'), join(repo, 'dist'), { recursive: true });
  const git = gitIn(repo);
  git('init', '-q', '-b', 'main');
  git('add', 'dist');
  git('commit', '-qm', 'base');
  base = git('rev-parse', 'HEAD');
});

/** `orgctl review` of `head` against `from` (base), bob's with alice's approval unless `by` says, `paths` changed. */
const reviewOf = (head: string, paths: readonly string[], from = base, by = ['bob', '--approved-by', 'alice']) => {
  const changed = paths.flatMap((p) => ['--changed-path', p]);
  return cli(['review', '--base', from, '--head', head, '--actor', ...by, ...changed], { cwd: repo });
};

describe('repository-tree: what in head stops Argo CD checking the repository out', () => {
  it('a submodule, a .gitattributes under org/: each fails, named', () => {
    const head = commitOnto(repo, base, [
      {
        path: '.gitmodules',
        content: '[submodule "lib"]\n\tpath = vendor/lib\n\turl = https://example.test/lib.git\n',
      },
      { path: 'vendor/lib', submodule: 'a'.repeat(40) },
      { path: 'org/.gitattributes', content: 'README.md filter=lfs diff=lfs merge=lfs -text\n' },
    ]);
    const r = reviewOf(head, ['.gitmodules', 'vendor/lib', 'org/.gitattributes']);
    expect(r.code, r.stderr).toBe(1);
    expect(rows(r.stdout)).toEqual([
      expect.stringMatching(
        /^\| `repository-tree` \| ❌ \| head holds a submodule: vendor\/lib\. With a \.gitmodules, /,
      ),
      expect.stringMatching(
        /^\| `repository-tree` \| ❌ \| head holds a \.gitattributes below the top folder: org\/\.gitattributes\. /,
      ),
    ]);
    // Besides engine-change (.gitmodules is outside org/), which a second admin lifts; nothing lifts these.
    expect(
      r.stdout.split('\n').filter((l) => l.startsWith('| `') && l.includes('| ❌ |') && !l.includes(RULE)),
    ).toEqual([expect.stringMatching(/^\| `engine-change` \| ❌ /)]);
  });

  it('a name too long to check out fails once, at that name; the top folder’s .gitattributes passes', () => {
    const long = 'n'.repeat(256);
    const head = commitOnto(repo, base, [
      { path: `org/${long}/a.md`, content: 'a\n' },
      { path: `org/${long}/b.md`, content: 'b\n' },
      { path: '.gitattributes', content: 'dist/** -diff\n' },
    ]);
    const r = reviewOf(head, [`org/${long}/a.md`, `org/${long}/b.md`, '.gitattributes']);
    expect(rows(r.stdout)).toEqual([
      expect.stringMatching(
        /^\| `repository-tree` \| ❌ \| head holds a name too long to check out: org\/n+\.\.\. \(a name of 256 bytes\)\. Git cannot create a name over 255 bytes/,
      ),
    ]);
  });

  it("judges head's whole tree, not the change: a link base holds and head keeps fails; one head removes passes", () => {
    const linked = commitOnto(repo, base, [{ path: 'docs/guide.md', content: '../org/README.md', mode: '120000' }]);
    const kept = commitOnto(repo, linked, [{ path: 'org/NOTES.md', content: 'notes\n' }]);
    const keeps = reviewOf(kept, ['org/NOTES.md']);
    expect(keeps.code).toBe(1);
    // A link within the repository too: orgctl does not walk links as Argo CD does, it refuses them.
    expect(rows(keeps.stdout)).toEqual([
      expect.stringMatching(
        /^\| `repository-tree` \| ❌ \| head holds a symbolic link: docs\/guide\.md\. Argo CD refuses /,
      ),
    ]);
    const removed = commitOnto(repo, linked, [], ['docs/guide.md']);
    const removes = reviewOf(removed, ['docs/guide.md'], linked, ['alice']);
    expect(rows(removes.stdout)).toEqual([
      expect.stringMatching(
        /^\| `repository-tree` \| ✅ \| head's tree \(\d+ entries\) holds no symbolic link, submodule, nested \.gitattributes or name too long to check out \|$/,
      ),
    ]);
  });

  it('a folder given as --head names no commit: not judged, and said', async () => {
    const r = await reviewOfExample(join(ROOT, 'dist'), 'alice');
    expect(rows(r.stdout)).toEqual([
      "| `repository-tree` | ➖ | head is a folder, not a git ref: its repository's tree is not judged (give --head a git ref; on GitHub the pull request's head commit is judged) |",
    ]);
    // Not judged is no pass mark, and no failure either: the verdict stands on the rules judged.
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('## orgctl review: ✅ the change may be merged');
  });
});

describe('repository-tree over the entries read', () => {
  const judged = (entries: readonly TreeEntry[]) =>
    repositoryTree.check({ headTree: { entries } } as ReviewInput).map((r) => ({ ok: r.ok, message: r.message }));
  const file = (path: string): TreeEntry => ({ path, mode: '100644' });

  it('counts bytes, not characters: 255 bytes a name and 3,072 a path pass, one more fails', () => {
    const name = (bytes: number) => `${'é'.repeat(Math.floor(bytes / 2))}${bytes % 2 ? 'x' : ''}`;
    // Fifteen folders of 200 bytes, each with its /, then a file filling the rest.
    const path = (bytes: number) =>
      `${Array.from({ length: 15 }, () => `${name(200)}/`).join('')}${name(bytes - 15 * 201)}`;
    expect(judged([file(`org/${name(255)}`), file(path(3072))]).map((r) => r.ok)).toEqual([true]);
    expect(judged([file(`org/${name(256)}`)])[0]!.message).toMatch(/\(a name of 256 bytes\)/);
    expect(judged([file(path(3073))])[0]!.message).toMatch(/\(3,073 bytes\)\. Git cannot create/);
  });

  it('a listing GitHub truncated fails with why', () => {
    expect(repositoryTree.check({ headTree: { unread: 'GitHub truncated it' } } as ReviewInput)).toEqual([
      { rule: RULE, ok: false, message: 'GitHub truncated it' },
    ]);
  });

  it('names what a reader cannot see as written: a line break in a link’s name', () => {
    expect(judged([{ path: 'org/a\nb', mode: '120000' }])[0]!.message).toMatch(
      /^head holds a symbolic link: org\/a<U\+000A>b\. /,
    );
  });
});
