/**
 * Red team R42 (base 2e89675): the paths `orgctl review --base REF --head REF` reads from git
 * (36cfa1c, 2e89675: cli/git.ts changedPathsBetween). Each test asserts the safe behaviour.
 *
 * R42-1 (medium; an admin alone, locally judged): the paths were `git diff base...head`, a diff
 *     from ONE merge base. With a criss-cross history (head merges a commit main already holds
 *     through a merged branch, c1, and main's own later commit M2, which changed package.json),
 *     base and head have two merge bases, and git diffs from the first ("multiple merge bases,
 *     using c1"). Head keeps package.json as c1 had it (M2's change undone): from c1 it is no change,
 *     engine-change says ✅ "only org/ and dist/ change", yet merging head (merge-ort, from the
 *     merge bases' virtual merge, which holds M2's package.json) puts the old package.json back on
 *     main: an engine change no second admin approved.
 *     Safe: a path differing between head and any merge base is a path the change touches.
 *
 * R42-2 (low; whoever picks --base for a script): the paths were read before the sides, whose
 *     reading refuses a ref that starts with -, so `--base=--output=FILE` reached git diff as
 *     `--output=FILE...HEAD`: the review failed (exit 2), after git had written the file.
 *     Safe: nothing is written; a ref that starts with - never reaches git.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ROOT, tempDir } from './helpers.ts';

const ACME = join(ROOT, 'test/fixtures/specs/acme.yaml');

let repo = '';

/** git in the repository, each commit at `date` (the order of merge bases follows commit dates). */
function git(date: string, ...args: string[]): string {
  const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.test', ...args], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
}

const write = (path: string, text: string) => writeFileSync(join(repo, path), text);

beforeAll(() => {
  repo = tempDir('orgctl-r42-');
  const t = (n: number) => `2026-11-0${n}T12:00:00Z`;
  git(t(1), 'init', '-q', '-b', 'main');
  expect(cli(['synth', '--spec', ACME, '--out', join(repo, 'dist')]).code).toBe(0);
  mkdirSync(join(repo, 'org'));
  write('org/notes.md', 'notes\n');
  write('package.json', '{ "dependencies": { "orgctl": "0.1.0" } }\n');
  git(t(1), 'add', '-A');
  git(t(1), 'commit', '-q', '-m', 'O');
  // main: an engine upgrade (another admin approved it).
  write('package.json', '{ "dependencies": { "orgctl": "0.2.0" } }\n');
  git(t(2), 'commit', '-q', '-am', 'M2');
  const m2 = git(t(2), 'rev-parse', 'HEAD');
  // alice's earlier pull request, branched from O before M2, changes org/ only; merged into main.
  git(t(3), 'checkout', '-q', '-b', 'notes', `${m2}~1`);
  write('org/notes.md', 'notes, again\n');
  git(t(3), 'commit', '-q', '-am', 'c1');
  git(t(4), 'checkout', '-q', 'main');
  git(t(4), 'merge', '-q', '--no-ff', 'notes', '-m', 'B1');
  // alice's next branch: from c1, merges M2 but keeps c1's package.json, and changes org/.
  git(t(5), 'checkout', '-q', '-b', 'crisscross', 'notes');
  git(t(5), 'merge', '-q', '--no-commit', m2);
  write('package.json', '{ "dependencies": { "orgctl": "0.1.0" } }\n');
  write('org/notes.md', 'notes, third\n');
  git(t(5), 'add', '-A');
  git(t(5), 'commit', '-q', '-m', 'H');
  git(t(6), 'checkout', '-q', 'main');
}, 60_000);

describe('R42-1: the paths a change touches, with more than one merge base', () => {
  it('what merging head changes on main is listed: package.json, which main had changed since c1', () => {
    // What the merge puts on main: the old package.json (merge-ort, from the merge bases' virtual merge).
    const merged = git('2026-11-07T12:00:00Z', 'merge-tree', '--write-tree', 'main', 'crisscross');
    expect(git('2026-11-07T12:00:00Z', 'show', `${merged}:package.json`)).toContain('0.1.0');
    const r = cli(['review', '--base', 'main', '--head', 'crisscross', '--actor', 'alice', '--format', 'json'], {
      cwd: repo,
    });
    const verdict = JSON.parse(r.stdout) as { results: { rule: string; ok: boolean; message: string }[] };
    const row = verdict.results.find((x) => x.rule === 'engine-change')!;
    expect({ code: r.code, ok: row.ok, message: row.message }).toEqual({
      code: 1,
      ok: false,
      message: expect.stringMatching(/^changes [^:]*package\.json/),
    });
  });
});

describe('R42-1: no merge base', () => {
  it('unrelated histories: the paths are unknown, said so (as GitHub opens no pull request between them)', () => {
    git('2026-11-08T12:00:00Z', 'checkout', '-q', '--orphan', 'unrelated');
    git('2026-11-08T12:00:00Z', 'commit', '-q', '-m', 'unrelated');
    git('2026-11-08T12:00:00Z', 'checkout', '-q', 'main');
    const r = cli(['review', '--base', 'main', '--head', 'unrelated', '--actor', 'alice'], { cwd: repo });
    expect({ code: r.code, stderr: r.stderr }).toEqual({
      code: 2,
      stderr: expect.stringContaining('main and unrelated have no commit in common'),
    });
  });
});

describe('R42-2: a --base that starts with - never reaches git', () => {
  it('--base=--output=FILE writes no file, and says the ref cannot be one', () => {
    const r = cli(['review', '--base=--output=written', '--head', 'crisscross', '--actor', 'alice'], { cwd: repo });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot be a git ref \(it starts with -\)/);
    expect(existsSync(join(repo, 'written...crisscross'))).toBe(false);
  });
});
