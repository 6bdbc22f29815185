/**
 * Red team R50 (the pull-request review after c86c1ae and bdae80c). Each describe names the hole;
 * each test asserts the safe behaviour and fails on the commit its describe names.
 *
 * R50-1 (medium): npm reads a lock's `resolved` through arborist's consistentResolve, which is
 *     npm-package-arg's one-argument form: a `name@` before the source is cut off
 *     (`foo@file:org`, `foo@./org` install org/), an scp-like `git@github.com:OWNER/REPO` is a git
 *     source (git+ssh://), and hosted-git-info takes https://, ssh:// and git+https:// URLs of
 *     github.com, gitlab.com, bitbucket.org and gist.github.com as git sources, whose integrity
 *     npm skips ("skipping integrity check for git dependency"). sourceOf read the first as
 *     registry versions or harmless paths, the second as a path of the repository, the third as a
 *     tarball its sha512 pins: `https://github.com/acme/acme-org.git#main` left org/ to one admin.
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, run, tempDir } from './helpers.ts';
import { lockedRepositoryPaths } from '../review/head-proof.ts';

const SHA512 = `sha512-${'A'.repeat(86)}==`;

/** A base project as a repository holds it, orgctl from `resolved` (pinned by a sha512). */
function baseProject(resolved: string): string {
  const dir = tempDir('orgctl-r50-base-');
  const root = { name: 'acme-org', version: '1.0.0', dependencies: { orgctl: '0.1.0' } };
  const packages = { '': root, 'node_modules/orgctl': { version: '0.1.0', resolved, integrity: SHA512 } };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(root, null, 2));
  writeFileSync(
    join(dir, 'package-lock.json'),
    JSON.stringify({ ...root, lockfileVersion: 3, requires: true, packages }, null, 2),
  );
  mkdirSync(join(dir, 'dist'));
  cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  return join(dir, 'dist');
}

/** alice (an admin) alone changes `path`, head dist/ base's: the exit code and engine-change's row. */
async function aliceAlone(base: string, path: string) {
  const r = await run(['review', '--base', base, '--head', base, '--actor', 'alice', '--changed-path', path]);
  return { code: r.code, row: r.stdout.match(/\| `engine-change` \|[^\n]*/)?.[0] };
}

const lockResolving = (resolved: string) =>
  JSON.stringify({ lockfileVersion: 3, packages: { '': {}, 'node_modules/orgctl': { resolved, integrity: SHA512 } } });

describe("R50-1: a lock's source as npm reads it (consistentResolve, hosted-git-info) (fails by design on 6394498)", () => {
  it('a GitHub URL at a branch, pinned by a sha512 npm skips for git: an admin alone may not change org/', async () => {
    expect(await aliceAlone(baseProject('https://github.com/acme/acme-org.git#main'), 'org/org.ts')).toEqual({
      code: 1,
      row: expect.stringMatching(/❌[^\n]*no commit/),
    });
  });

  it.each([
    ['https://github.com/acme/acme-org.git#main'],
    ['https://github.com/acme/acme-org#main'],
    ['ssh://git@github.com/acme/acme-org#main'],
    ['https://gitlab.com/acme/acme-org.git#main'],
    ['https://bitbucket.org/acme/acme-org.git'],
    ['https://www.github.com/acme/acme-org'],
    ['git@github.com:acme/acme-org.git#main'],
    ['deploy@git.example.com:acme/acme-org.git'],
    ['orgctl@acme/acme-org#main'],
    ['orgctl@github:acme/acme-org'],
  ])('%s: a git source no commit pins (or read as one), kept as written', (resolved) => {
    expect(lockedRepositoryPaths(lockResolving(resolved))).toEqual([expect.stringMatching(/^[a-z][a-z0-9+.-]*:/i)]);
  });

  it.each([
    ['orgctl@file:org', 'org'],
    ['orgctl@./org/vendor', 'org/vendor'],
    ['@acme/orgctl@file:org/vendor/orgctl-0.1.0.tgz', 'org/vendor/orgctl-0.1.0.tgz'],
  ])('%s: a name before a path is cut off, as npm cuts it', (resolved, path) => {
    expect(lockedRepositoryPaths(lockResolving(resolved))).toEqual([path]);
  });

  it.each([
    ['a registry tarball', 'https://registry.npmjs.org/orgctl/-/orgctl-0.1.0.tgz'],
    [
      'a GitHub release asset (no repository path: hosted-git-info takes none)',
      'https://github.com/acme/orgctl/releases/download/v0.1.0/orgctl-0.1.0.tgz',
    ],
    ['a git source at a commit, scp-like', `git@github.com:acme/acme-org.git#${'a1'.repeat(20)}`],
    ['a GitHub URL at a commit', `https://github.com/acme/acme-org.git#${'a1'.repeat(20)}`],
    ['a named registry version', 'orgctl@0.1.0'],
    ['a named tarball URL its sha512 pins', 'orgctl@https://example.com/orgctl-0.1.0.tgz'],
  ])('%s is what it is: pinned', (_, resolved) => {
    expect(lockedRepositoryPaths(lockResolving(resolved))).toEqual([]);
  });
});
