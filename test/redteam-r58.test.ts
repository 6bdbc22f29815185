/**
 * Red team R58 (base e6aead1): what npm takes from a package's bundle, against R54-2's
 * dependencyBundled. npm's Node.getBundler is not the rule dependencyBundled states: it stops at
 * the project (a chain reaching a package the project bundles is fetched: inDepBundle is false
 * when the bundler is the root), it shares one list of visited nodes across the whole walk (a node
 * met once reads as bundled by nothing the second time), and a node's parent is the first lock
 * entry up its folders, whatever its key. Each case below is one where orgctl took an entry as
 * bundled (its `resolved` not judged) while the npm that runs here fetches it from that
 * `resolved`: evil.example's code in the review job, with the head proof accepted.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockedEngine, projectCommandProblem } from '../review/head-proof.ts';
import { lockedProject, reviewByAliceAlone, vendorLinkingLock, vendorRoot } from './base-lock-project.ts';
import { tempDir } from './helpers.ts';

const SHA512 = `sha512-${'A'.repeat(86)}==`;
const TRUSTED = ['https://registry.npmjs.org'];
const npmRoot = join(execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim(), 'npm');
const Arborist = createRequire(join(npmRoot, 'package.json'))('@npmcli/arborist') as new (o: {
  path: string;
}) => {
  loadVirtual(): Promise<{ inventory: Map<string, { inDepBundle: boolean }> }>;
};

/** A registry's package at the lock's `path`, pinned by a sha512, with `fields`. */
const registry = (path: string, fields: Record<string, unknown> = {}) => {
  const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
  const base = name.slice(name.indexOf('/') + 1);
  return {
    version: '1.0.0',
    resolved: `https://registry.npmjs.org/${name}/-/${base}-1.0.0.tgz`,
    integrity: SHA512,
    ...fields,
  };
};
/** An entry marked inBundle, fetched (if npm fetches it) from evil.example. */
const evil = (fields: Record<string, unknown> = {}) => ({
  version: '1.0.0',
  resolved: 'https://evil.example/x-1.0.0.tgz',
  integrity: SHA512,
  inBundle: true,
  ...fields,
});

interface Case {
  readonly packages: Record<string, unknown>;
  readonly path: string;
  readonly manifest?: Record<string, unknown>;
}

/** The project's package.json and lock of `packages` (orgctl at the top), as npm ci reads them. */
function project({ packages, manifest = {} }: Case) {
  const pkg = { name: 'acme-org', version: '1.0.0', dependencies: { orgctl: '1.0.0' }, ...manifest };
  const lock = JSON.stringify({ ...pkg, lockfileVersion: 3, requires: true, packages: { '': pkg, ...packages } });
  return { pkg: JSON.stringify(pkg), lock };
}

async function npmFetches(c: Case): Promise<boolean> {
  const dir = tempDir('orgctl-r58-');
  const { pkg, lock } = project(c);
  writeFileSync(join(dir, 'package.json'), pkg);
  writeFileSync(join(dir, 'package-lock.json'), lock);
  const tree = await new Arborist({ path: dir }).loadVirtual();
  return tree.inventory.get(c.path)?.inDepBundle !== true;
}

/** Whether orgctl refuses the head: its package.json, or its lock (every other entry is the registry's). */
function refused(c: Case): boolean {
  const { pkg, lock } = project(c);
  if (projectCommandProblem(pkg, undefined, 'orgctl') !== undefined) return true;
  const locked = lockedEngine(lock, 'orgctl', TRUSTED);
  return typeof locked === 'string' || locked.untrusted !== undefined;
}

const cases: [string, Case][] = [
  [
    'R58-1: the project bundles orgctl, which bundles yaml (npm: bundled by the root, so fetched)',
    {
      manifest: { bundleDependencies: ['orgctl'] },
      packages: {
        'node_modules/orgctl': registry('node_modules/orgctl', {
          dependencies: { yaml: '*' },
          bundleDependencies: ['yaml'],
        }),
        'node_modules/orgctl/node_modules/yaml': evil(),
      },
      path: 'node_modules/orgctl/node_modules/yaml',
    },
  ],
  [
    'R58-2: a bundled package needing its bundler (one visited list: npm reads the second edge as unbundled)',
    {
      packages: {
        'node_modules/orgctl': registry('node_modules/orgctl', {
          dependencies: { b: '*' },
          bundleDependencies: ['b'],
        }),
        'node_modules/orgctl/node_modules/b': evil({ dependencies: { c: '*', orgctl: '*' } }),
        'node_modules/orgctl/node_modules/c': evil(),
      },
      path: 'node_modules/orgctl/node_modules/c',
    },
  ],
  [
    "R58-3: a lock key naming the scope's folder (npm takes it as the scoped package's parent)",
    {
      packages: {
        'node_modules/orgctl': registry('node_modules/orgctl', {
          dependencies: { '@s/e': '*' },
          bundleDependencies: ['@s/e'],
        }),
        'node_modules/orgctl/node_modules/@s': registry('node_modules/orgctl/node_modules/@s'),
        'node_modules/orgctl/node_modules/@s/e': evil(),
      },
      path: 'node_modules/orgctl/node_modules/@s/e',
    },
  ],
  [
    "R58-4: a second key for the bundler's folder, ./node_modules/orgctl, bundling nothing (npm keeps the last)",
    {
      packages: {
        'node_modules/orgctl': registry('node_modules/orgctl', {
          dependencies: { yaml: '*' },
          bundleDependencies: ['yaml'],
        }),
        'node_modules/orgctl/node_modules/yaml': evil(),
        './node_modules/orgctl': registry('node_modules/orgctl', { dependencies: { yaml: '*' } }),
      },
      path: 'node_modules/orgctl/node_modules/yaml',
    },
  ],
];

describe('R58: an entry npm fetches from its resolved is judged (fails by design on e6aead1)', () => {
  it.each(cases)('%s', async (_, c) => {
    expect(await npmFetches(c)).toBe(true); // the oracle: npm fetches it
    expect(refused(c)).toBe(true);
  });

  it("a guard: the shapes npm does take from a bundle stay unjudged (cdk8s's, and a dependency deduped to its bundler)", async () => {
    const c: Case = {
      packages: {
        'node_modules/orgctl': registry('node_modules/orgctl', {
          dependencies: { b: '*' },
          bundleDependencies: ['b'],
        }),
        'node_modules/orgctl/node_modules/b': { version: '1.0.0', inBundle: true, dependencies: { c: '*' } },
        'node_modules/orgctl/node_modules/b/node_modules/d': { version: '1.0.0', inBundle: true },
        'node_modules/orgctl/node_modules/c': { version: '1.0.0', inBundle: true },
      },
      path: 'node_modules/orgctl/node_modules/c',
    };
    expect(await npmFetches(c)).toBe(false);
    expect(refused(c)).toBe(false);
  });
});

describe('R58-5: a lock key npm reads as another location (fails by design on b076ab9)', () => {
  it('./node_modules/orgctl after node_modules/orgctl: npm installs the second, the review names the first', async () => {
    const c: Case = {
      packages: {
        'node_modules/orgctl': {
          ...registry('node_modules/orgctl'),
          resolved: 'https://registry.npmjs.org/orgctl/-/orgctl-0.2.0.tgz',
          version: '0.2.0',
        },
        './node_modules/orgctl': {
          ...registry('node_modules/orgctl'),
          resolved: 'https://registry.npmjs.org/orgctl/-/orgctl-0.1.0.tgz',
          version: '0.1.0',
        },
      },
      path: 'node_modules/orgctl',
    };
    const dir = tempDir('orgctl-r58-');
    const { pkg, lock } = project(c);
    writeFileSync(join(dir, 'package.json'), pkg);
    writeFileSync(join(dir, 'package-lock.json'), lock);
    const tree = await new Arborist({ path: dir }).loadVirtual();
    const installed = tree.inventory.get('node_modules/orgctl') as unknown as { version: string };
    expect(installed.version).toBe('0.1.0'); // the oracle: npm keeps the last key for a location
    const locked = lockedEngine(lock, 'orgctl', TRUSTED);
    expect(locked).toMatchObject({ untrusted: expect.stringContaining('./node_modules/orgctl') });
  });
});

describe("R58-1's remainder: the project's bundles in orgctl's own repository (fails by design on 3f38e0c)", () => {
  it('a project named orgctl (base named so too) that bundles a dependency is refused as well', () => {
    const head = JSON.stringify({ name: 'orgctl', version: '1.0.0', bundleDependencies: ['yaml'] });
    const base = JSON.stringify({ name: 'orgctl', version: '1.0.0' });
    expect(projectCommandProblem(head, base, 'orgctl')).toMatch(/bundleDependencies/);
  });
});

/**
 * R58's class, held to the npm that runs here over locks no one wrote by hand: seeded random locks
 * (bundles as a list or true, each kind of dependency, nesting, scoped names, a link, a missing
 * parent, a scope-folder key, a second ./ key) in which every nested entry is marked inBundle and
 * fetched from evil.example. An entry orgctl takes as bundled (no refusal when it alone comes from
 * there) is one npm takes from a tarball.
 */
describe("R58's class: no entry taken as bundled that npm fetches, over seeded random locks", () => {
  const NAMES = ['a', 'b', 'c', 'd', '@s/e'];
  const KINDS = ['dependencies', 'optionalDependencies', 'peerDependencies', 'devDependencies'];
  let seed = 58;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const nameAt = (path: string) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);

  function randomLock(): { packages: Record<string, Record<string, unknown>>; nested: string[] } {
    const paths = new Set(['node_modules/orgctl']);
    for (let k = 0; k < 8; k++) {
      const above = pick([...paths, '']);
      const path = `${above ? `${above}/` : ''}node_modules/${pick(NAMES)}`;
      if (path.split('/node_modules/').length <= 4) paths.add(path);
    }
    const packages: Record<string, Record<string, unknown>> = {};
    for (const path of paths) {
      const needs = Object.fromEntries(NAMES.filter((n) => n !== nameAt(path) && random() < 0.35).map((n) => [n, '*']));
      const entry: Record<string, unknown> = registry(path, { [pick(KINDS)]: needs });
      const r = random();
      if (r < 0.3) entry.bundleDependencies = Object.keys(needs).filter(() => random() < 0.6);
      else if (r < 0.4) entry.bundleDependencies = true;
      packages[path] = entry;
    }
    const some = pick([...paths]);
    const shape = random();
    if (shape < 0.1) packages[`./${some}`] = { ...packages[some], bundleDependencies: [] };
    else if (shape < 0.2) packages[`${some}/node_modules/@s`] = { version: '1.0.0' };
    else if (shape < 0.3) packages[some] = { resolved: 'packages/w', link: true };
    else if (shape < 0.4) delete packages[some];
    if (shape >= 0.2 && shape < 0.3) packages['packages/w'] = { version: '1.0.0', bundleDependencies: true };
    const nested = [...paths].filter((p) => p.includes('/node_modules/') && packages[p] && !packages[p].link);
    for (const p of nested)
      Object.assign(packages[p]!, evil(), { version: '1.0.0' }, { dependencies: packages[p]!.dependencies });
    return { packages, nested };
  }

  /** How many problems lockedEngine names in `packages` (-1: it reads no lock). */
  const problems = (packages: Record<string, unknown>): number => {
    const locked = lockedEngine(project({ packages, path: '' }).lock, 'orgctl', TRUSTED);
    if (typeof locked === 'string') return -1;
    return locked.outside ? 1 + Number(/\(and (\d+) more\)$/.exec(locked.outside)?.[1] ?? 0) : 0;
  };

  it('200 locks', async () => {
    const taken: string[] = [];
    for (let i = 0; i < 200; i++) {
      const { packages, nested } = randomLock();
      const c: Case = { packages, path: '' };
      const dir = tempDir('orgctl-r58-class-');
      writeFileSync(join(dir, 'package.json'), project(c).pkg);
      writeFileSync(join(dir, 'package-lock.json'), project(c).lock);
      const tree = await new Arborist({ path: dir }).loadVirtual().catch(() => undefined);
      if (!tree) continue; // npm ci fails: nothing installed
      for (const path of nested) {
        if (tree.inventory.get(path)?.inDepBundle === true) continue;
        // Only `path` from evil.example, the rest from the registry: is it named?
        const alone = structuredClone(packages);
        for (const other of nested) if (other !== path) alone[other]!.resolved = registry(other).resolved;
        const fromRegistry = structuredClone(alone);
        fromRegistry[path]!.resolved = registry(path).resolved;
        const named = problems(alone);
        if (named !== -1 && named <= problems(fromRegistry)) taken.push(`${path} in ${JSON.stringify(packages)}`);
      }
    }
    expect(taken).toEqual([]);
  }, 120_000);
});

/**
 * R58-7: npm takes an empty npm-shrinkwrap.json as none (arborist's Shrinkwrap.load: `sw || lock`,
 * and an empty file reads as ''), installing package-lock.json; the review read the empty text as
 * base's lock and found nothing installed from the repository.
 */
describe('R58-7: an empty npm-shrinkwrap.json beside the lock npm installs (fails by design on 36049f3)', () => {
  const root = vendorRoot;
  const linking = vendorLinkingLock;
  const project = () => {
    const dist = lockedProject('0.1.0', {});
    const dir = join(dist, '..');
    writeFileSync(join(dir, 'package.json'), JSON.stringify(root));
    writeFileSync(join(dir, 'package-lock.json'), linking);
    writeFileSync(join(dir, 'npm-shrinkwrap.json'), '');
    mkdirSync(join(dir, 'org/vendor'), { recursive: true });
    writeFileSync(join(dir, 'org/vendor/package.json'), JSON.stringify({ name: 'orgctl', version: '0.1.0' }));
    return dist;
  };

  it("org/vendor, which package-lock.json links, is not one admin's to change", async () => {
    const dist = project();
    const tree = await new Arborist({ path: join(dist, '..') }).loadVirtual();
    const orgctl = tree.inventory.get('node_modules/orgctl') as unknown as { isLink: boolean; realpath: string };
    expect([orgctl.isLink, orgctl.realpath]).toEqual([true, join(dist, '..', 'org/vendor')]); // the oracle
    const r = await reviewByAliceAlone(dist, ['org/vendor/cli.js']);
    expect(r.code).toBe(1);
    expect(r.stdout.match(/\| `engine-change` \|[^\n]*/)?.[0]).toMatch(/❌.*org\/vendor/);
  });
});
