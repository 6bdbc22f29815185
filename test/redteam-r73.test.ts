/**
 * Red team R73 (header written last).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { judgeUpgradeCommits } from './base-lock-project.ts';
import { ROOT } from './helpers.ts';

const SHA512 = `sha512-${'A'.repeat(86)}==`;
const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
const NEW = '9.0.0-test';

/** A lock of `root` (its entry, as the lock writes it) installing orgctl `version` from `tarball`. */
const lockOf = (root: Record<string, unknown>, version: string, tarball: string) =>
  JSON.stringify({
    ...root,
    lockfileVersion: 3,
    requires: true,
    packages: { '': root, 'node_modules/orgctl': { version, resolved: tarball, integrity: SHA512 } },
  });

/**
 * R73-1: the approval of an upgrade is told what head's lock installs (readHeadInstalledLock),
 * judged against the registries base's lock installs from. While base's lock could not be read
 * (git's conflict markers: R59-3), that text was judged against npm's public registry, as for a
 * base with no lock at all: a head lock moving orgctl from base's own registry to the public one
 * (where anyone may publish a package named orgctl) read as vouched for, where readHeadLock (the
 * head proof) already said which registries head may install from is unknown.
 */
describe("R73-1: an upgrade's approval while base's lock cannot be read", () => {
  const project = { name: 'acme-org', version: '1.0.0', dependencies: { orgctl: `^${VERSION}` } };
  const manifest = JSON.stringify(project, null, 2);
  const privateTarball = `https://npm.acme.internal/orgctl/-/orgctl-${VERSION}.tgz`;
  const baseLock = lockOf(project, VERSION, privateTarball);
  /** Base's lock with git's conflict markers around its orgctl, as a merge leaves it. */
  const conflicted = baseLock.replace(
    `"resolved":"${privateTarball}"`,
    `\n<<<<<<< HEAD\n"resolved":"${privateTarball}"\n=======\n"resolved":"${privateTarball}"\n>>>>>>> other\n`,
  );
  const publicLock = lockOf(project, NEW, `https://registry.npmjs.org/orgctl/-/orgctl-${NEW}.tgz`);

  it("tells it the registries are unknown, never judges head's lock against npm's public registry", () => {
    expect(conflicted).toContain('<<<<<<<');
    const r = judgeUpgradeCommits(
      NEW,
      { 'package.json': manifest, 'package-lock.json': conflicted },
      { 'package.json': manifest, 'package-lock.json': publicLock },
      ['package-lock.json'],
    );
    expect(r.code).toBe(1);
    expect(r.proof).toMatch(/❌.*which registries head's package-lock\.json may install orgctl from is unknown/);
    expect(r.engine).toMatch(
      /approving it trusts whatever head's lock installs.*cannot tell: base's package-lock\.json cannot be read.*which registries head's package-lock\.json may install orgctl from is unknown/,
    );
  });

  it('a guard: with the same lock readable, the approval is told the source head moves orgctl to', () => {
    const r = judgeUpgradeCommits(
      NEW,
      { 'package.json': manifest, 'package-lock.json': baseLock },
      { 'package.json': manifest, 'package-lock.json': publicLock },
      ['package-lock.json'],
    );
    expect(r.engine).toMatch(
      /approving it trusts orgctl 9\.0\.0-test from `https:\/\/registry\.npmjs\.org\/.*in place of .*npm\.acme\.internal.*everything the lock installs/,
    );
  });
});
