/**
 * Red team R68: what orgctl caches and later trusts.
 *
 * R68-1. bin/orgctl.mjs names its bundle (node_modules/.cache/orgctl/<fingerprint>/) by the
 * sources' sizes and modification times only. A modification time can be put back (`touch -d`,
 * `touch -r`, `cp -p`, `rsync -t`, an extractor keeping a tarball's times), and a fix is often of
 * the same size (`<` for `<=`, `true` for `fals`+e elsewhere): the sources changed, the old bundle
 * (and the V8 code kept beside it, and every explain index named by that engine) went on running.
 * Every other cache of orgctl (cli/file-stamp.ts) trusts a stat only with the change time and the
 * inode, which no one can put back or choose.
 *
 * R68-2. cli/declaration.ts reuses a declaration's bundle while nothing it was built from changed,
 * and what a relative import looked at on its way is stamped (a file added where an import would now
 * find it). A bare import that tsconfig's `paths` resolves (`"teams": ["lib/teams.ts",
 * "shared/teams.ts"]`) looks at its earlier candidates too, unstamped: lib/teams.ts added later
 * (a fix, a branch checked out) is what esbuild and tsc now take, and the cached bundle went on
 * running shared/teams.ts, with no word (check passed on what the declaration no longer says).
 * R68-3: the same when the name paths map is a package's too (paths come first).
 *
 * What held: on GitHub-hosted runners no job shares a cache with another (head-engine runs on a
 * machine of its own; review checks out base only and reads head's dist/ from git objects in
 * memory; no workflow uses actions `cache:`); npm ci removes node_modules/.cache with node_modules.
 * A branch committing node_modules/.cache/orgctl/<fingerprint>/ cannot foretell the fingerprint
 * (checkout times to the nanosecond); the declaration record trusts only stamps with change times
 * and inodes, and the bundle's SHA-256; explain's index is keyed by the real path, date and engine,
 * and checks its answers' stamps; the cache folders are the user's own, not links, not group- or
 * world-writable; every write is to a unique temporary name, then renamed.
 * Not done: a dependency patched in place (patch-package run by hand) keeps bin's fingerprint
 * (node_modules/.package-lock.json only); a self-reference import (`from 'orgctl'` in orgctl's own
 * repository) now keeps no record (correct, slower); a reader of explain's index racing a writer
 * of an older version of the spec may read its answers once (check-then-read of the folder).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheFolder } from '../cli/paths.ts';
import { cacheFolderOfItsOwn, cli, engineCopy, repoScratch, ROOT, run } from './helpers.ts';

// The declarations' cache this file removes to ask a run without it is a folder of its own: removing
// the run's shared one took other files' records from under them.
cacheFolderOfItsOwn('orgctl-r68-cache-');

describe('R68-1: a source changed with its size and modification time kept', () => {
  it('is bundled again: the change runs, not the bundle of the sources before it', () => {
    const { dir } = engineCopy();
    const before = cli(['explain', '--help'], { engine: dir });
    expect(before.stdout).toContain('Every permission of a user');
    const file = join(dir, 'cli/explain.ts');
    const was = statSync(file);
    const text = readFileSync(file, 'utf8');
    const changed = text.replace('Every permission of a user', 'EVERY permission of a user');
    expect(changed).not.toBe(text);
    const kept = join(dir, 'explain.ts.times');
    writeFileSync(kept, '');
    spawnSync('touch', ['-r', file, kept]); // its times, to the nanosecond
    writeFileSync(file, changed); // the same size
    spawnSync('touch', ['-r', kept, file]); // the same modification time
    expect(statSync(file).size).toBe(was.size);
    expect(statSync(file).mtimeMs).toBe(was.mtimeMs);
    const after = cli(['explain', '--help'], { engine: dir });
    expect(after.stdout).toContain('EVERY permission of a user');
  });
});

/** A declaration importing `name`, which tsconfig's paths resolve to lib/teams.ts, else shared/teams.ts; lib/teams.ts added once its bundle is cached. */
async function pathsDeclaration(name: string) {
  const dir = repoScratch('r68-')();
  mkdirSync(join(dir, 'lib'));
  mkdirSync(join(dir, 'shared'));
  writeFileSync(join(dir, 'lib/README'), 'the teams of this organization\n');
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { [name]: ['lib/teams.ts', 'shared/teams.ts'] } } }),
  );
  writeFileSync(join(dir, 'shared/teams.ts'), 'export const people = ["bob@acme.io"];\n');
  const file = join(dir, 'org.ts');
  writeFileSync(
    file,
    `import { App } from 'cdk8s';
import { Organization } from '${join(ROOT, 'constructs/index.ts')}';
import { people } from '${name}';
const org = new Organization(new App(), 'acme', { owner: 'alice@acme.io' });
org.user('alice@acme.io', { admin: true });
for (const p of people) org.user(p);
export default org;
`,
  );
  // Written a minute ago: a record is kept only of inputs older than the build.
  const old = new Date(Date.now() - 60_000);
  for (const f of ['tsconfig.json', 'shared/teams.ts', 'org.ts', 'lib/README', 'lib', 'shared', '.'])
    utimesSync(join(dir, f), old, old);
  expect((await run(['check', '--spec', file])).code).toBe(0);
  writeFileSync(join(dir, 'lib/teams.ts'), 'export const people = ["not-an-email"];\n');
  const cached = await run(['check', '--spec', file]);
  // What a run without the cache says.
  rmSync(cacheFolder(file, 'declarations')!, { recursive: true, force: true });
  const fresh = await run(['check', '--spec', file]);
  expect(fresh.code).toBe(1);
  expect(fresh.stderr).toMatch(/"not-an-email" is not an email address/);
  expect(cached).toEqual(fresh);
}

describe("R68-2: a bare import tsconfig's paths resolve, with a file added where an earlier candidate is", () => {
  it('is bundled again: the file the import now resolves to runs', () => pathsDeclaration('teams'));
  it('of a name a package in node_modules has too (paths take it first)', () => pathsDeclaration('ajv'));
});
