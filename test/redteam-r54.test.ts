/**
 * Red team R54 (base de0602a): the pull request review's trust chain.
 *
 * R54-1 (medium): npm reads npm-shrinkwrap.json before package-lock.json: "If both
 * package-lock.json and npm-shrinkwrap.json are present in the root of a project,
 * npm-shrinkwrap.json will take precedence and package-lock.json will be ignored" (npm's docs;
 * arborist's Shrinkwrap.load), and `npm ci` installs from it. The review read package-lock.json
 * only: for what base installs from inside the repository (engine-change, R41-1 and every round
 * since), for the registries a head lock may use, and for the orgctl base installs. A base whose
 * npm-shrinkwrap.json links orgctl from org/vendor (beside a package-lock.json naming the
 * registry's, or none) left org/vendor to one admin: the review job then runs it. And an
 * upgrade's head proof was taken from the head engine's job, which installs the package-lock.json
 * handed over, while npm installs head's npm-shrinkwrap.json once it merges: the approval was told
 * it trusts the registry's orgctl the package-lock.json names, and the review job then runs what
 * the shrinkwrap names (a folder of the repository).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockedEngine } from '../review/head-proof.ts';
import { judgeUpgradeCommits, lockedProject, reviewByAliceAlone } from './base-lock-project.ts';
import { ROOT } from './helpers.ts';
import { npmTakesFromBundle } from './npm-reads.ts';

const SHA512 = `sha512-${'A'.repeat(86)}==`;
const ROOT_PACKAGE = { name: 'acme-org', version: '1.0.0', dependencies: { orgctl: 'file:org/vendor' } };

/** A lock (either file name) of the root `dependencies` and `packages` beside the root's, as npm writes one. */
const lockOf = (dependencies: Record<string, string>, packages: Record<string, unknown>) => {
  const root = { name: 'acme-org', version: '1.0.0', dependencies };
  return JSON.stringify({ ...root, lockfileVersion: 3, requires: true, packages: { '': root, ...packages } });
};

/** A registry's orgctl at `version`, pinned by a sha512. */
const fromRegistry = (version: string) => ({
  version,
  resolved: `https://registry.npmjs.org/orgctl/-/orgctl-${version}.tgz`,
  integrity: SHA512,
});

/** A lock linking orgctl from org/vendor. */
const linkingLock = lockOf(ROOT_PACKAGE.dependencies, {
  'node_modules/orgctl': { resolved: 'org/vendor', link: true },
  'org/vendor': { name: 'orgctl', version: '0.1.0', bin: { orgctl: 'cli.js' } },
});

/**
 * A base project whose npm-shrinkwrap.json links orgctl from org/vendor; its package-lock.json
 * (which npm then ignores) names the registry's orgctl, or is removed (`lock: false`).
 */
function shrinkwrappedProject(lock = true): string {
  const dist = lockedProject('0.1.0', { 'node_modules/orgctl': fromRegistry('0.1.0') });
  const dir = join(dist, '..');
  writeFileSync(join(dir, 'package.json'), JSON.stringify(ROOT_PACKAGE, null, 2));
  writeFileSync(join(dir, 'npm-shrinkwrap.json'), linkingLock);
  if (!lock) rmSync(join(dir, 'package-lock.json'));
  mkdirSync(join(dir, 'org/vendor'), { recursive: true });
  return dist;
}

const engineRow = (stdout: string) => stdout.match(/\| `engine-change` \|[^\n]*/)?.[0];

describe('R54-1: the lock npm reads is npm-shrinkwrap.json when there is one (fails by design on de0602a)', () => {
  it.each([
    ['beside a package-lock.json naming the registry', true],
    ['alone', false],
  ])('npm-shrinkwrap.json %s links org/vendor: an admin alone may not change it', async (_, lock) => {
    const r = await reviewByAliceAlone(shrinkwrappedProject(lock), ['org/vendor/cli.js']);
    expect(r.code).toBe(1);
    expect(engineRow(r.stdout)).toMatch(/❌.*org\/vendor/);
  });

  it('a guard: without a shrinkwrap, org/ stays the declaration (alice alone passes)', async () => {
    const dist = lockedProject('0.1.0', { 'node_modules/orgctl': fromRegistry('0.1.0') });
    const r = await reviewByAliceAlone(dist, ['org/org.ts']);
    expect(engineRow(r.stdout)).toMatch(/✅/);
  });
});

const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
const NEW = '9.0.0-test';

/** A package-lock.json installing orgctl `version` from npm's registry, as the head engine's job installs it. */
const registryLock = (version: string) =>
  lockOf({ orgctl: `^${version}` }, { 'node_modules/orgctl': fromRegistry(version) });

describe("R54-1 (head): an upgrade's head proof, when head holds an npm-shrinkwrap.json (fails by design on de0602a)", () => {
  /** Base: the example's dist/ and a lock of this orgctl; head: the upgraded dist/, a lock of NEW, and `shrinkwrap` when given. */
  function judgeUpgrade(shrinkwrap: string | undefined) {
    const r = judgeUpgradeCommits(
      NEW,
      { 'package-lock.json': registryLock(VERSION) },
      {
        'package-lock.json': registryLock(NEW),
        ...(shrinkwrap === undefined ? {} : { 'npm-shrinkwrap.json': shrinkwrap }),
      },
      ['package-lock.json'],
    );
    return { code: r.code, row: r.proof };
  }

  it("a guard: without one, the proof of the version head's package-lock.json installs is accepted", () => {
    expect(judgeUpgrade(undefined)).toEqual({
      code: 0,
      row: expect.stringMatching(/\| ✅ \| head dist\/ is proved by orgctl 9\.0\.0-test/),
    });
  });

  it('npm installs the shrinkwrap (orgctl from org/vendor), not what the head engine proved with: not accepted', () => {
    const r = judgeUpgrade(linkingLock);
    expect(r.row).toMatch(/\| ❌ \| .*not accepted: .*npm-shrinkwrap\.json/);
    expect(r.code).toBe(1);
  });
});

/**
 * R54-2 (medium): lockSourceProblems skipped every entry of head's lock marked `inBundle` below a
 * package ("it comes in that package's tarball, under its integrity"). npm decides what a package's
 * tarball brings from that package's `bundleDependencies` (arborist's Node.getBundler), never from
 * the flag: an entry marked inBundle under a package that bundles nothing is fetched from its own
 * `resolved` (npm ci here, offline: a `file:` tarball so marked was installed, and required by its
 * parent). So an upgrade's lock could install orgctl's yaml from any host, unnamed: the head proof
 * was accepted, the approval's message named nothing outside, and once merged the review job's
 * npm ci installs it under orgctl, which runs it with the job's token.
 */
describe("R54-2: an entry marked inBundle is a package's bundle only when that package bundles it (fails by design on de0602a)", () => {
  const TRUSTED = ['https://registry.npmjs.org'];
  /** orgctl (depending on yaml, with `orgctl`'s fields) and its own yaml, `yaml`. */
  const lock = (orgctl: Record<string, unknown>, yaml: Record<string, unknown>) =>
    lockOf(
      { orgctl: `^${NEW}` },
      {
        'node_modules/orgctl': { ...fromRegistry(NEW), dependencies: { yaml: '^2.9.1' }, ...orgctl },
        'node_modules/orgctl/node_modules/yaml': yaml,
      },
    );
  const EVIL = { version: '2.9.1', resolved: 'https://evil.example/yaml-2.9.1.tgz', integrity: SHA512, inBundle: true };

  it.each([
    ['under a package that bundles nothing', {}],
    ['under a package bundling another', { bundleDependencies: ['semver'] }],
    ['under a package whose bundleDependencies is false', { bundleDependencies: false }],
  ])('marked inBundle %s, it is fetched from its resolved: named, and the proof refused', (_, orgctl) => {
    const locked = lockedEngine(lock(orgctl, EVIL), 'orgctl', TRUSTED);
    expect(locked).toMatchObject({ untrusted: expect.stringContaining('evil.example') });
  });

  it.each([
    ['listing it', { bundleDependencies: ['yaml'] }],
    ['bundling every dependency (true)', { bundleDependencies: true }],
    ['listing it under the old spelling', { bundledDependencies: ['yaml'] }],
  ])('a guard: in the bundle of a package %s, it comes with that package', (_, orgctl) => {
    const bundled = { version: '2.9.1', inBundle: true };
    expect(lockedEngine(lock(orgctl, bundled), 'orgctl', TRUSTED)).not.toHaveProperty('untrusted');
  });
});

/**
 * R54-2's class: every way a lock says a package bundles another, as the npm that runs here reads
 * it: lockedEngine takes an entry as bundled (no source judged) exactly where npm does, a
 * dependency a bundled package needs, deduped up to its bundler, included.
 */
describe("R54-2's class: what npm takes from a package's tarball, as the npm that runs here reads it", () => {
  const TRUSTED = ['https://registry.npmjs.org'];
  const YAML = { version: '2.9.1', resolved: 'https://evil.example/yaml-2.9.1.tgz', integrity: SHA512, inBundle: true };
  const A = { version: '1.0.0', dependencies: { yaml: '^2.9.1' }, integrity: SHA512, inBundle: true };
  /** orgctl with `fields`, and yaml at `path` (below orgctl, or below its dependency a). */
  const cases: [string, Record<string, unknown>, string][] = [
    ['bundling nothing', {}, 'node_modules/orgctl/node_modules/yaml'],
    ['bundling another', { bundleDependencies: ['semver'] }, 'node_modules/orgctl/node_modules/yaml'],
    ['bundleDependencies false', { bundleDependencies: false }, 'node_modules/orgctl/node_modules/yaml'],
    ['bundleDependencies a string', { bundleDependencies: 'yaml' }, 'node_modules/orgctl/node_modules/yaml'],
    ['listing it', { bundleDependencies: ['yaml'] }, 'node_modules/orgctl/node_modules/yaml'],
    ['bundling every dependency', { bundleDependencies: true }, 'node_modules/orgctl/node_modules/yaml'],
    ['listing it by the old spelling', { bundledDependencies: ['yaml'] }, 'node_modules/orgctl/node_modules/yaml'],
    ['listing it in an object', { bundleDependencies: { yaml: '*' } }, 'node_modules/orgctl/node_modules/yaml'],
    [
      'bundling a, which holds it',
      { bundleDependencies: ['a'] },
      'node_modules/orgctl/node_modules/a/node_modules/yaml',
    ],
    ['bundling a, which needs it deduped', { bundleDependencies: ['a'] }, 'node_modules/orgctl/node_modules/yaml'],
    ['bundling nothing, a holding it', {}, 'node_modules/orgctl/node_modules/a/node_modules/yaml'],
  ];
  it.each(cases)('orgctl %s', async (_, fields, path) => {
    const text = lockOf(
      { orgctl: `^${NEW}` },
      {
        'node_modules/orgctl': { ...fromRegistry(NEW), dependencies: { yaml: '^2.9.1', a: '1.0.0' }, ...fields },
        'node_modules/orgctl/node_modules/a': { ...A, resolved: 'https://registry.npmjs.org/a/-/a-1.0.0.tgz' },
        [path]: YAML,
      },
    );
    const judged = (lockedEngine(text, 'orgctl', TRUSTED) as { untrusted?: string }).untrusted?.includes(
      'evil.example',
    );
    expect(!judged).toBe(await npmTakesFromBundle(text, path));
  });

  it("a guard: the bundles npm writes in this repository's lock (cdk8s, and cdk8s-plus-28's minimatch with what it needs deduped beside it) pass", () => {
    const own = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, Record<string, unknown>>;
    };
    const bundlers = ['node_modules/cdk8s', 'node_modules/cdk8s-plus-28'];
    const entries = Object.entries(own.packages).filter(([path]) => bundlers.some((b) => path.startsWith(b)));
    expect(entries.filter(([, e]) => e.inBundle).length).toBeGreaterThan(4);
    const text = lockOf(
      { orgctl: `^${NEW}` },
      { 'node_modules/orgctl': fromRegistry(NEW), ...Object.fromEntries(entries) },
    );
    expect(lockedEngine(text, 'orgctl', ['https://registry.npmjs.org'])).not.toHaveProperty('untrusted');
  });
});
