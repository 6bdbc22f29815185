/**
 * What orgctl does on a person's machine stays in what the command says. Found by a red-team
 * review: a branch can commit symbolic links (git checks them out even in ignored folders), and
 * `explain`'s index cache followed one and pruned the folders it pointed to; `access --out`
 * wrote through one.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { cli, engineCopy, ROOT, run, tempDir } from './helpers.ts';

// The file's env stubs end with it: it shares its worker with the files after it (vitest.config.ts).
afterAll(() => {
  vi.unstubAllEnvs();
});

// Where the caches go when no folder is named (node_modules/.cache nearest the spec), each test's own.
vi.stubEnv('ORGCTL_CACHE_DIR', '');

const SMALL_SPEC = readFileSync(join(ROOT, 'test/fixtures/specs/acme.yaml'), 'utf8');

describe("explain's index cache: a symbolic link a branch commits is never followed, and nothing orgctl did not make is removed", () => {
  it('node_modules/.cache/orgctl/explain -> a folder of the user: `orgctl explain -n web` removes nothing there', () => {
    const engine = engineCopy();
    const victim = tempDir('rt5-victim-');
    const precious = ['other-repo', 'photos', 'thesis'];
    for (const d of precious) {
      mkdirSync(join(victim, d));
      writeFileSync(join(victim, d, 'keep.txt'), d);
    }
    // What a checked-out branch can hold: a tracked symlink (git ignores .gitignore for tracked files).
    const branch = tempDir('rt5-branch-');
    mkdirSync(join(branch, 'node_modules', '.cache', 'orgctl'), { recursive: true });
    symlinkSync(victim, join(branch, 'node_modules', '.cache', 'orgctl', 'explain'));
    const file = join(branch, 'org.yaml');
    writeFileSync(file, SMALL_SPEC);
    const r = cli(['explain', 'bob@acme.io', '-n', 'web', '--spec', file], { engine: engine.dir });
    expect(r.code, r.stderr).toBe(0);
    expect(precious.filter((d) => existsSync(join(victim, d, 'keep.txt')))).toEqual(precious);
  }, 120_000);

  it('a relative link beside the spec (org/node_modules/.cache/orgctl/explain -> ../../../../..): the checkout’s sibling folders survive', () => {
    const engine = engineCopy();
    const home = tempDir('rt5-home-');
    const precious = ['other-repo', 'photos', 'thesis'];
    for (const d of precious) {
      mkdirSync(join(home, d));
      writeFileSync(join(home, d, 'keep.txt'), d);
    }
    const repo = join(home, 'org-repo');
    mkdirSync(join(repo, 'org', 'node_modules', '.cache', 'orgctl'), { recursive: true });
    symlinkSync('../../../../..', join(repo, 'org', 'node_modules', '.cache', 'orgctl', 'explain'));
    const file = join(repo, 'org', 'org.yaml');
    writeFileSync(file, SMALL_SPEC);
    const r = cli(['explain', 'bob@acme.io', '-n', 'web', '--spec', file], { engine: engine.dir });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(file)).toBe(true);
    expect(precious.filter((d) => existsSync(join(home, d, 'keep.txt')))).toEqual(precious);
  }, 120_000);
});

describe('--out FILE: a symbolic link at FILE is replaced, never written through', () => {
  it('access.html -> ~/.bashrc: the user’s file keeps its content', async () => {
    const home = tempDir('rt5-home-');
    writeFileSync(join(home, '.bashrc'), 'export PATH=precious\n');
    const branch = tempDir('rt5-branch-');
    writeFileSync(join(branch, 'org.yaml'), SMALL_SPEC);
    expect((await run(['synth', '--spec', join(branch, 'org.yaml'), '--out', join(branch, 'dist')])).code).toBe(0);
    symlinkSync(join(home, '.bashrc'), join(branch, 'access.html'));
    await run(['access', '--dir', join(branch, 'dist'), '--format', 'html', '--out', join(branch, 'access.html')]);
    expect(readFileSync(join(home, '.bashrc'), 'utf8')).toBe('export PATH=precious\n');
  });
});

describe("a node_modules that is a link to this user's folder (a shared install) still keeps the caches", () => {
  it('explain -n asks the index the second time (a code review: the link had turned every cache off)', () => {
    const engine = engineCopy();
    const project = tempDir('orgctl-shared-');
    const shared = tempDir('orgctl-modules-');
    symlinkSync(shared, join(project, 'node_modules'));
    const file = join(project, 'org.yaml');
    writeFileSync(file, SMALL_SPEC);
    const ask = () => cli(['explain', 'bob@acme.io', '-n', 'web', '--spec', file], { engine: engine.dir });
    expect(ask().code).toBe(0);
    const indexes = readdirSync(join(shared, '.cache', 'orgctl', 'explain'));
    expect(indexes).toHaveLength(1);
    expect(ask().stdout).toBe(
      cli(['explain', 'bob@acme.io', '-n', 'web', '--spec', file], { engine: engine.dir }).stdout,
    );
  }, 120_000);
});
