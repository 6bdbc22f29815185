/**
 * A `--base`/`--head` value that is a folder named bare (`--base dist-old`) may also be a git ref:
 * sideAt (cli/git.ts) asks git whether it is one, and whether a remote's branch of that name is
 * (a branch may commit a folder of any name: red team C2, F). review asks for each side's ref in
 * several places (refOfSide: the changed paths, the head's lock and tree, org/ code, the commit): git
 * was asked again each time, 15 git processes for two folders. Each side is judged once a run, by
 * the same answer everywhere; a branch and a folder of one name are still refused.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSide, refOfSide } from '../cli/git.ts';
import { newRun } from '../cli/per-run.ts';
import { cli, gitIn, ROOT, tempDir } from './helpers.ts';

const HOOK = join(ROOT, 'test/fixtures/launcher/git-calls.mjs');

/** A git repository holding the example's output twice, as dist/ and dist-old/, committed. */
function repoWithTwoOutputs() {
  const repo = tempDir('orgctl-side-git-');
  const git = gitIn(repo);
  git('init', '-q');
  cpSync(join(ROOT, 'dist'), join(repo, 'dist'), { recursive: true });
  cpSync(join(ROOT, 'dist'), join(repo, 'dist-old'), { recursive: true });
  git('add', '-A');
  git('commit', '-q', '-m', 'two outputs');
  return { repo, git };
}

/** orgctl `args` run in `repo`, and the git command lines it ran. */
function withGitCalls(repo: string, args: string[]) {
  const log = join(tempDir('orgctl-side-git-log-'), 'calls');
  writeFileSync(log, '');
  const r = cli(args, {
    cwd: repo,
    env: { NODE_OPTIONS: `--import=${HOOK}`, ORGCTL_TEST_GIT_CALLS: log },
  });
  return { ...r, calls: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

const REVIEW = ['review', '--base', 'dist-old', '--head', 'dist', '--actor', 'alice', '--format', 'json'];

describe('a side named by a bare folder name is judged once a run', () => {
  it('review --base dist-old --head dist: git is asked of each name once, of the remotes once', () => {
    const { repo } = repoWithTwoOutputs();
    const r = withGitCalls(repo, REVIEW);
    expect(r.code, r.stderr).toBe(0);
    const count = (line: string) => r.calls.filter((c) => c === line).length;
    expect({
      base: count('rev-parse --verify --quiet dist-old^{tree}'),
      head: count('rev-parse --verify --quiet dist^{tree}'),
      remotes: count('remote'),
      remoteRefs: count('for-each-ref --format=%(refname) refs/remotes'),
    }).toEqual({ base: 1, head: 1, remotes: 1, remoteRefs: 1 });
  }, 60_000);

  it('a branch of the folder’s name is still refused', () => {
    const { repo, git } = repoWithTwoOutputs();
    git('branch', 'dist-old');
    const r = withGitCalls(repo, REVIEW);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('dist-old names both a folder here and the git ref dist-old');
  }, 60_000);
});

describe('a side judged while its folder is missing', () => {
  // Between a synthesis's two renames dist/ is missing: loadSide reads again (readWhole, R101-1)
  // until the folder is back. A verdict kept for the run from that moment ("no folder: a ref") would
  // be read as a git ref instead (a branch of the folder's name, or a refusal), never the folder.
  it('is judged again once the folder is there, within the same run', () => {
    newRun();
    const dir = join(tempDir('orgctl-side-missing-'), 'dist');
    expect(refOfSide(dir)).toBe(dir);
    cpSync(join(ROOT, 'dist'), dir, { recursive: true });
    expect(refOfSide(dir)).toBeUndefined();
    expect(loadSide(dir).files.length).toBeGreaterThan(0);
  });
});
