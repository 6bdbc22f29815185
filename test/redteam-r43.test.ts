/**
 * Red team R43 (base 73e9460): the newest fixes (d84b760, 73e9460, 9c9782c, b72f608). Each test
 * asserts the safe behaviour.
 *
 * R43-1 (medium; an admin alone, locally judged, as R42-1): the paths review reads from git are the
 * union of `git diff MB head` over every merge base: what head changed, not what merging head
 * writes. merge-ort follows renames: main moved org/helpers.ts out of org/ (lib/helpers.ts, the
 * engine: a second admin approved it), and a branch from before the move changes org/helpers.ts.
 * engine-change says ✅ "only org/ and dist/ change", yet merging the branch (merge-ort, as git
 * merge and GitHub merge) writes its change into lib/helpers.ts: engine code one admin approved.
 * Safe: a path merging head into base writes (git merge-tree --write-tree base head, diffed
 * against base) is a path the change touches.
 *
 * R43-2 (low; whoever picks --head for a script, as R42-2): with package.json among the changed
 * paths, head's package-lock.json and package.json are read from head's ref before the sides are
 * (judgeChange: readHeadLock, readProjectCommand, cli/git.ts readRefFile), so a ref that starts
 * with - reached git ls-tree as one of its options: `--head=--abbrev=7` ran
 * `git ls-tree -z --full-tree --abbrev=7 -- package-lock.json`, and the error was git's command line
 * ("Not a valid object name package-lock.json"). ls-tree has no option that writes, so nothing
 * worse. Safe: a ref that starts with - never reaches git; the sides' reading says why.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ROOT, tempDir } from './helpers.ts';

const ACME = join(ROOT, 'test/fixtures/specs/acme.yaml');

let repo = '';

function git(...args: string[]): string {
  const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.test', ...args], {
    cwd: repo,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
}

const write = (path: string, text: string) => writeFileSync(join(repo, path), text);
/** A helper long enough that git sees a moved copy with one line changed as the same file. */
const HELPER = Array.from({ length: 40 }, (_, i) => `export const line${i} = ${i};\n`).join('');

beforeAll(() => {
  repo = tempDir('orgctl-r43-');
  git('init', '-q', '-b', 'main');
  expect(cli(['synth', '--spec', ACME, '--out', join(repo, 'dist')]).code).toBe(0);
  mkdirSync(join(repo, 'org'));
  write('org/helpers.ts', HELPER);
  write('package.json', '{ "dependencies": { "orgctl": "0.1.0" } }\n');
  git('add', '-A');
  git('commit', '-q', '-m', 'O');
  git('branch', 'stale');
  // main: the helper moves out of org/, into the engine's code (another admin approved it).
  mkdirSync(join(repo, 'lib'));
  git('mv', 'org/helpers.ts', 'lib/helpers.ts');
  git('commit', '-q', '-m', 'the helper is the engine now');
  // alice's branch from before the move changes org/helpers.ts only.
  git('checkout', '-q', 'stale');
  write('org/helpers.ts', HELPER.replace('line20 = 20', 'line20 = process.exit(0) as never'));
  git('commit', '-q', '-am', 'org only');
  git('checkout', '-q', 'main');
}, 60_000);

describe('R43-1: the paths a change touches are those merging it writes, renames followed', () => {
  it('a change to a file main moved out of org/ is an engine change', () => {
    // What the merge puts on main: alice's line, in lib/helpers.ts (merge-ort follows the rename).
    const merged = git('merge-tree', '--write-tree', 'main', 'stale');
    expect(git('show', `${merged}:lib/helpers.ts`)).toContain('process.exit');
    const r = cli(['review', '--base', 'main', '--head', 'stale', '--actor', 'alice', '--format', 'json'], {
      cwd: repo,
    });
    const { results } = JSON.parse(r.stdout) as { results: { rule: string; ok: boolean; message: string }[] };
    const engine = results.filter((x) => x.rule === 'engine-change').map((x) => [x.ok, x.message]);
    expect([r.code, engine]).toEqual([1, [[false, expect.stringMatching(/^changes [^:]*lib\/helpers\.ts/)]]]);
  });
});

describe('R43-1: a git without merge-tree --write-tree', () => {
  it('says the paths are unknown and what to do, never a verdict from the merge bases alone', () => {
    // A stand-in git before 2.38: its merge-tree prints a usage; every other command is git's.
    const bin = tempDir('orgctl-r43-bin-');
    const real = spawnSync('bash', ['--noprofile', '--norc', '-c', 'command -v git'], {
      encoding: 'utf8',
    }).stdout.trim();
    const stub = `#!/bin/sh\nfor a; do [ "$a" = merge-tree ] && { echo 'usage: git merge-tree <base-tree> <branch1> <branch2>' >&2; exit 129; }; done\nexec ${real} "$@"\n`;
    writeFileSync(join(bin, 'git'), stub, { mode: 0o755 });
    const env = { PATH: `${bin}:${process.env.PATH}` };
    const r = cli(['review', '--base', 'main', '--head', 'stale', '--actor', 'alice'], { cwd: repo, env });
    expect([r.code, r.stderr]).toEqual([
      2,
      expect.stringContaining('use git 2.38 or later, or give them with --changed-path'),
    ]);
  });
});

describe('R43-2: a --head that starts with - never reaches git, package.json changed or not', () => {
  it('--head=--abbrev=7 with --changed-path package.json says the ref cannot be one', () => {
    const args = ['review', '--base', 'main', '--head=--abbrev=7', '--changed-path', 'package.json'];
    const r = cli([...args, '--actor', 'alice'], { cwd: repo });
    expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(/cannot be a git ref \(it starts with -\)/)]);
    expect(r.stderr).not.toMatch(/git ls-tree/);
  });
});
