/**
 * Red team R59 (base 18fe06b): base's lock as npm reads it, against the review's reading of it.
 * engine-change reads what base's lock installs from inside the repository (lockedRepositoryPaths):
 * a declaration folder that is installed is the engine, and one admin alone may not change it.
 * Each case is a base whose lock the npm that runs here reads (arborist's loadVirtual links
 * node_modules/orgctl to org/vendor) while the review read nothing installed from org/.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockedEngine } from '../review/head-proof.ts';
import { lockedProject, reviewByAliceAlone, vendorLinkingLock, vendorRoot } from './base-lock-project.ts';
import { tempDir } from './helpers.ts';

const npmRoot = join(execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim(), 'npm');
const Arborist = createRequire(join(npmRoot, 'package.json'))('@npmcli/arborist') as new (o: {
  path: string;
}) => {
  loadVirtual(): Promise<{ inventory: Map<string, unknown> }>;
};

const root = vendorRoot;
const linking = vendorLinkingLock;

/** A base project (its dist/) with org/vendor, and no lock but what `write` writes into the project folder. */
function project(write: (dir: string) => void): string {
  const dist = lockedProject('0.1.0', {});
  const dir = join(dist, '..');
  rmSync(join(dir, 'package-lock.json'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify(root));
  mkdirSync(join(dir, 'org/vendor'), { recursive: true });
  writeFileSync(join(dir, 'org/vendor/package.json'), JSON.stringify({ name: 'orgctl', version: '0.1.0' }));
  write(dir);
  return dist;
}

/** What the npm here links node_modules/orgctl to, reading the project's lock. */
async function npmLinks(dist: string) {
  const tree = await new Arborist({ path: join(dist, '..') }).loadVirtual();
  const orgctl = tree.inventory.get('node_modules/orgctl') as { isLink: boolean; realpath: string };
  return [orgctl.isLink, orgctl.realpath];
}

const engineRow = (stdout: string) => stdout.match(/\| `engine-change` \|[^\n]*/)?.[0];

/**
 * R59-1: npm reads a lock whose text starts with a byte order mark (json-parse-even-better-errors
 * strips it), as it reads package.json; lockedRepositoryPaths parsed it with JSON.parse, which
 * refuses it, and read nothing installed from the repository.
 */
describe('R59-1: base lock starting with a byte order mark (fails by design on 18fe06b)', () => {
  for (const file of ['package-lock.json', 'npm-shrinkwrap.json'])
    it(`org/vendor, which ${file} (with a BOM) links, is not one admin's to change`, async () => {
      const dist = project((dir) => writeFileSync(join(dir, file), `\uFEFF${linking}`));
      expect(await npmLinks(dist)).toEqual([true, join(dist, '..', 'org/vendor')]); // the oracle
      const r = await reviewByAliceAlone(dist, ['org/vendor/cli.js']);
      expect(r.code).toBe(1);
      expect(engineRow(r.stdout)).toMatch(/❌.*org\/vendor/);
    });
});

/**
 * R59-2: base's lock exists but the review cannot read it (a symbolic link, which npm follows;
 * too large; not a regular file): readBaseLockText returned undefined, as for no lock, so
 * engine-change saw nothing installed from org/ (R58's note). Now it fails closed: org/ and dist/
 * are the engine while base's lock cannot be read.
 */
describe("R59-2: base's lock the review cannot read (fails by design on 18fe06b)", () => {
  const links: Record<string, (dir: string) => void> = {
    'package-lock.json': (dir) => {
      mkdirSync(join(dir, 'real'));
      writeFileSync(join(dir, 'real/lock.json'), linking);
      symlinkSync('real/lock.json', join(dir, 'package-lock.json'));
    },
    // npm installs the shrinkwrap, and ignores the package-lock.json beside it (linking elsewhere).
    'npm-shrinkwrap.json': (dir) => {
      writeFileSync(join(dir, 'package-lock.json'), linking.replaceAll('org/vendor', 'elsewhere'));
      writeFileSync(join(dir, 'sw.json'), linking);
      symlinkSync('sw.json', join(dir, 'npm-shrinkwrap.json'));
    },
  };
  for (const [file, write] of Object.entries(links))
    it(`a ${file} that is a symbolic link leaves org/ to no one admin`, async () => {
      const dist = project(write);
      expect(await npmLinks(dist)).toEqual([true, join(dist, '..', 'org/vendor')]); // the oracle
      const r = await reviewByAliceAlone(dist, ['org/vendor/cli.js']);
      expect(r.code).toBe(1);
      expect(engineRow(r.stdout)).toMatch(new RegExp(`❌.*${file.replace('.', '\\.')}.*cannot be read`));
    });

  it('the guard: a base without any lock still leaves org/ to one admin', async () => {
    const dist = project(() => undefined);
    const r = await reviewByAliceAlone(dist, ['org/vendor/cli.js']);
    expect(engineRow(r.stdout)).toMatch(/✅/);
  });
});

/**
 * R59-3: npm reads a lock holding git's conflict markers (<<<<<<<, ======= and >>>>>>> anywhere in
 * it: arborist's Shrinkwrap.load parses with parse-conflict-json), merging its sides as it sees fit
 * (parent to ours applied on theirs); JSON.parse refuses it, and the review read nothing installed
 * from the repository. npm here links org/vendor from such a lock, ours linking it, theirs not.
 */
describe("R59-3: base's lock holding git's conflict markers (fails by design on 18fe06b)", () => {
  const conflicted = [
    '{',
    '  "name": "acme-org", "version": "1.0.0", "lockfileVersion": 3, "requires": true,',
    '  "packages": {',
    `    "": ${JSON.stringify(root)},`,
    '<<<<<<< HEAD',
    '    "node_modules/orgctl": { "resolved": "org/vendor", "link": true },',
    '    "org/vendor": { "name": "orgctl", "version": "0.1.0" }',
    '||||||| base',
    '    "node_modules/orgctl": { "version": "0.1.0" }',
    '=======',
    '    "node_modules/orgctl": { "version": "0.1.0" }',
    '>>>>>>> theirs',
    '  }',
    '}',
  ].join('\n');

  it("org/vendor, which the conflicted lock's merge links, is not one admin's to change", async () => {
    const dist = project((dir) => writeFileSync(join(dir, 'package-lock.json'), conflicted));
    expect(await npmLinks(dist)).toEqual([true, join(dist, '..', 'org/vendor')]); // the oracle
    const r = await reviewByAliceAlone(dist, ['org/vendor/cli.js']);
    expect(r.code).toBe(1);
    expect(engineRow(r.stdout)).toMatch(/❌.*package-lock\.json.*conflict/);
  });
});

/**
 * R59-4: npm installs a lock entry with no `resolved` as `NAME@VERSION` (arborist's reify,
 * extractOrLink), whatever its `version` says: a URL, a `file:` tarball or folder is fetched from
 * there. An edge at `*` (or '') takes any version (dep-valid), so npm ci accepts such an entry under
 * a project depending on it at `*`. The review read `version` only as orgctl's: head's lock put
 * evil.example's tarball in the review job's install (the check and expiry workflows run its
 * scripts) with the head proof accepted and nothing named; base's put org/vendor in the engine
 * unseen. Oracle: npm ci here, offline, installs the file: tarball (head) or copies org/vendor (base).
 */
describe("R59-4: a lock entry's version as its source (fails by design on 18fe06b)", () => {
  const npmCi = (dir: string) =>
    execFileSync('npm', ['ci', '--ignore-scripts', '--offline', '--no-audit', '--no-fund'], {
      cwd: dir,
      stdio: 'pipe',
    });

  it("head's lock: an entry without resolved whose version is a tarball's URL is named", () => {
    const dir = tempDir('orgctl-r59-4-');
    mkdirSync(join(dir, 'src/package'), { recursive: true });
    writeFileSync(join(dir, 'src/package/package.json'), JSON.stringify({ name: 'leftpad', version: '1.0.0' }));
    writeFileSync(join(dir, 'src/package/index.js'), 'module.exports = "evil";');
    execFileSync('tar', ['czf', 'leftpad-1.0.0.tgz', '-C', 'src', 'package'], { cwd: dir });
    const integrity = `sha512-${createHash('sha512')
      .update(readFileSync(join(dir, 'leftpad-1.0.0.tgz')))
      .digest('base64')}`;
    const lockOf = (version: string) => {
      const root = { name: 'acme-org', version: '1.0.0', dependencies: { leftpad: '*' } };
      const packages = { '': root, 'node_modules/leftpad': { version, integrity } };
      return JSON.stringify({ ...root, lockfileVersion: 3, requires: true, packages });
    };
    const project = join(dir, 'project');
    mkdirSync(project);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'acme-org', version: '1.0.0', dependencies: { leftpad: '*' } }),
    );
    writeFileSync(join(project, 'package-lock.json'), lockOf(`file:${join(dir, 'leftpad-1.0.0.tgz')}`));
    npmCi(project);
    expect(readFileSync(join(project, 'node_modules/leftpad/index.js'), 'utf8')).toContain('evil'); // the oracle
    for (const version of [`file:${join(dir, 'leftpad-1.0.0.tgz')}`, 'https://evil.example/leftpad-1.0.0.tgz']) {
      const text = JSON.parse(lockOf(version)) as { packages: Record<string, unknown> };
      text.packages['node_modules/orgctl'] = {
        version: '0.2.0',
        resolved: 'https://registry.npmjs.org/orgctl/-/orgctl-0.2.0.tgz',
        integrity,
      };
      const locked = lockedEngine(JSON.stringify(text), 'orgctl', ['https://registry.npmjs.org']);
      expect(locked).toMatchObject({ outside: expect.stringMatching(/node_modules\/leftpad/) });
    }
  });

  it("base's lock: an entry without resolved whose version is file:org/vendor makes org/vendor the engine", async () => {
    const root = { name: 'acme-org', version: '1.0.0', dependencies: { orgctl: '*' } };
    const lock = {
      ...root,
      lockfileVersion: 3,
      requires: true,
      packages: { '': root, 'node_modules/orgctl': { version: 'file:org/vendor' } },
    };
    const dist = project((dir) => {
      writeFileSync(join(dir, 'package.json'), JSON.stringify(root));
      writeFileSync(join(dir, 'package-lock.json'), JSON.stringify(lock));
      writeFileSync(join(dir, 'org/vendor/cli.js'), 'module.exports = "vendor";');
    });
    const dir = join(dist, '..');
    npmCi(dir);
    expect(readFileSync(join(dir, 'node_modules/orgctl/cli.js'), 'utf8')).toContain('vendor'); // the oracle
    const r = await reviewByAliceAlone(dist, ['org/vendor/cli.js']);
    expect(r.code).toBe(1);
    expect(engineRow(r.stdout)).toMatch(/❌.*org\/vendor/);
  });
});

/**
 * R59-5: npm takes an entry as a link when its `link` is truthy (arborist's loadVirtual: `if
 * (meta.link)`), linking it to the folder its `resolved` names as a path: `link: 1` with a
 * registry tarball's URL links node_modules/yaml to the repository's folder
 * `https:/registry.npmjs.org/yaml/-/yaml-1.0.0.tgz` (a lock entry there, its target). The review
 * read a link only at `link: true`, and judged both entries as the registry's.
 */
describe('R59-5: a link spelled other than true (fails by design on 981a0ca)', () => {
  const TARGET = 'https:/registry.npmjs.org/yaml/-/yaml-1.0.0.tgz';
  const sha512 = `sha512-${'A'.repeat(86)}==`;
  const root = { name: 'acme-org', version: '1.0.0', dependencies: { orgctl: '0.2.0', yaml: '1.0.0' } };
  const lockWith = (link: unknown) =>
    JSON.stringify({
      ...root,
      lockfileVersion: 3,
      requires: true,
      packages: {
        '': root,
        'node_modules/orgctl': {
          version: '0.2.0',
          resolved: 'https://registry.npmjs.org/orgctl/-/orgctl-0.2.0.tgz',
          integrity: sha512,
        },
        'node_modules/yaml': {
          version: '1.0.0',
          resolved: 'https://registry.npmjs.org/yaml/-/yaml-1.0.0.tgz',
          integrity: sha512,
          link,
        },
        [TARGET]: { version: '1.0.0', integrity: sha512 },
      },
    });

  for (const link of [1, 'true', {}])
    it(`link: ${JSON.stringify(link)} is a link npm makes, named`, async () => {
      const dir = tempDir('orgctl-r59-5-');
      writeFileSync(join(dir, 'package.json'), JSON.stringify(root));
      writeFileSync(join(dir, 'package-lock.json'), lockWith(link));
      const tree = await new Arborist({ path: dir }).loadVirtual();
      const yaml = tree.inventory.get('node_modules/yaml') as { isLink: boolean; realpath: string };
      expect([yaml.isLink, yaml.realpath]).toEqual([true, join(dir, TARGET)]); // the oracle
      const locked = lockedEngine(lockWith(link), 'orgctl', ['https://registry.npmjs.org']);
      expect(locked).toMatchObject({ outside: expect.stringMatching(/node_modules\/yaml.*a link/) });
    });
});

/**
 * R59-6: npm installs what a package's own npm-shrinkwrap.json lists, from wherever it says, when
 * the lock marks the package hasShrinkwrap (arborist's reify loads it after extracting the package):
 * entries the project's lock never holds, so the review never judged them. Oracle: npm ci here,
 * offline, installs shr's inner from the file: tarball shr's shrinkwrap names, and not without the flag.
 */
describe('R59-6: a package whose own shrinkwrap npm installs (fails by design on 09b7713)', () => {
  const tarball = (dir: string, name: string, files: Record<string, string>) => {
    mkdirSync(join(dir, name, 'package'), { recursive: true });
    for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, name, 'package', file), text);
    execFileSync('tar', ['czf', `${name}-1.0.0.tgz`, '-C', name, 'package'], { cwd: dir });
    const bytes = readFileSync(join(dir, `${name}-1.0.0.tgz`));
    return {
      file: join(dir, `${name}-1.0.0.tgz`),
      integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}`,
    };
  };

  it('an entry marked hasShrinkwrap is named', () => {
    const dir = tempDir('orgctl-r59-6-');
    const inner = tarball(dir, 'inner', {
      'package.json': JSON.stringify({ name: 'inner', version: '1.0.0' }),
      'index.js': 'module.exports = "evil";',
    });
    const shrRoot = { name: 'shr', version: '1.0.0', dependencies: { inner: '*' } };
    const shr = tarball(dir, 'shr', {
      'package.json': JSON.stringify(shrRoot),
      'npm-shrinkwrap.json': JSON.stringify({
        ...shrRoot,
        lockfileVersion: 3,
        requires: true,
        packages: { '': shrRoot, 'node_modules/inner': { version: '1.0.0', resolved: `file:${inner.file}` } },
      }),
    });
    const root = { name: 'acme-org', version: '1.0.0', dependencies: { shr: '*' } };
    const lockOf = (shrEntry: Record<string, unknown>, more: Record<string, unknown> = {}) =>
      JSON.stringify({
        ...root,
        lockfileVersion: 3,
        requires: true,
        packages: { '': root, 'node_modules/shr': { ...shrEntry, hasShrinkwrap: true }, ...more },
      });
    const project = join(dir, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify(root));
    writeFileSync(
      join(project, 'package-lock.json'),
      lockOf({ version: '1.0.0', resolved: `file:${shr.file}`, integrity: shr.integrity }),
    );
    execFileSync('npm', ['ci', '--ignore-scripts', '--offline', '--no-audit', '--no-fund'], {
      cwd: project,
      stdio: 'pipe',
    });
    expect(readFileSync(join(project, 'node_modules/shr/node_modules/inner/index.js'), 'utf8')).toContain('evil'); // the oracle
    const registry = (name: string, version: string) => ({
      version,
      resolved: `https://registry.npmjs.org/${name}/-/${name}-${version}.tgz`,
      integrity: shr.integrity,
    });
    const locked = lockedEngine(
      lockOf(registry('shr', '1.0.0'), { 'node_modules/orgctl': registry('orgctl', '0.2.0') }),
      'orgctl',
      ['https://registry.npmjs.org'],
    );
    expect(locked).toMatchObject({ outside: expect.stringMatching(/node_modules\/shr.*shrinkwrap/) });
  });
});
