/**
 * Red team R41 (base bd6dac8): what an organization repository's package-lock.json installs orgctl
 * from (738e7ae: a tarball the repository holds; 57ba646: head-engine skips a file: lock), and
 * explain's index (bba3064). Each test asserts the safe behaviour.
 *
 * R41-1 (medium; an admin alone, once base's lock installs a package from inside org/ or dist/):
 *     `engine-change` asks a second admin for any path outside org/ and dist/, because "what lives
 *     outside org/ and dist/ decides how every rule runs". That holds only while nothing the
 *     workflows run comes from inside them. npm installs a `file:` folder dependency (or a
 *     workspace) as a link (`"node_modules/orgctl": { "resolved": "org/vendor/orgctl", "link":
 *     true }`, npm 9+'s default install-links=false), whose files no integrity pins, and a `file:`
 *     tarball whose lock entry has no integrity as whatever bytes the path holds (npm ci 11,
 *     offline: both reproduced). Node and esbuild resolve a linked package's imports from every
 *     node_modules above its real folder (org/node_modules/yaml shadows the engine's yaml), and read
 *     tsconfig.json and package.json there. So once base's lock installs orgctl (or any package)
 *     from org/vendor/orgctl (a vendored, "reviewable" engine: its own pull request is an
 *     engine-change a second admin approved, which names no folder), alice alone changes
 *     org/vendor/orgctl/cli/review.ts or adds org/node_modules/yaml, the review says ✅ "only org/
 *     and dist/ change", and after the merge the privileged review job (npm ci --ignore-scripts on
 *     base, then node_modules/orgctl's command, with checks: write) runs her code: every later
 *     verdict is hers. The default layout (738e7ae's root tarball with its sha512, npm ci checks it:
 *     EINTEGRITY, reproduced) is not exposed.
 *     Safe: a change inside org/ or dist/ is an engine-change when base's lock installs anything
 *     from inside that folder, naming why.
 *
 * R44-3 (low; two pull requests, the first approved as an engine-change): R41-1's fix counted no
 *     path of base's lock that leaves the repository. GitHub's runners check a repository out at
 *     /home/runner/work/REPO/REPO, where `file:../REPO/org/vendor/orgctl` (or the absolute path) is
 *     the repository's own org/vendor/orgctl: the same hole as R41-1 by another spelling. Safe: a
 *     path outside the repository may be any folder of it, so org/ and dist/ are the engine then.
 *
 * R41-2 (low; anyone asking explain about a name with a typo): explain's warning for a subject named
 *     in no binding suggests the nearest name "known here", from the bindings the answer read. The
 *     index reads of a namespace only the bindings whose lines name the subject (and the first, and
 *     Groups'), so a later run asked `explain usr5@acme.io -n ns-0` suggests "did you mean
 *     user0@acme.io?" (an admin, from the system namespace's bindings) where the run that wrote the
 *     index, and one without an index, suggest user5@acme.io: a valid index answers otherwise than
 *     a full read, pointing at another person. (The run writing the index places every namespace,
 *     one without an index only the one asked: those two differ too, for a name bound elsewhere.)
 *     Safe: the suggestion is the same whichever way explain reads, from what the declaration names.
 *
 * What held (no test): the committed tarball at the root (engine-change; npm ci refuses bytes other
 * than the lock's sha512: EINTEGRITY with a fresh cache, reproduced with npm 11; a warm cache serves
 * the locked bytes by integrity, never the swapped file); a second tarball, .npmrc, overrides,
 * bundleDependencies, npm-shrinkwrap.json, a root node_modules/: all paths outside org/ and dist/.
 * The head-engine install step's `node -e` (a lock that is not JSON, lockfileVersion 1, `resolved`
 * on another key, `__proto__`, a package-lock.json folder whose index.js require runs): it can only
 * skip a proof (the review's own proof decides, fail-closed for an upgrade) or run npm ci as before
 * 57ba646 in the job that holds nothing; checkHeadProof refuses any proof whose lock installs from a
 * file or folder (lockSourceProblems), read from git, not from the job. init's printed next step
 * for folders named a'b, $(touch x), `x`, x<newline>y, -rf, !x, ~x, =x, tabs, quotes, \, *, {a,b},
 * --pack-destination=/tmp: run by bash with stub npm and git, each packs into and installs in the
 * named folder, nothing else runs (the checkout path goes through the same quoting, and is absolute).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { generateSpec } from '../constructs/generate.ts';
import { lockedRepositoryPaths } from '../review/head-proof.ts';
import { lockedProject, reviewByAliceAlone } from './base-lock-project.ts';
import { cli, run, tempDir } from './helpers.ts';

// The file's env stubs end with it: it shares its worker with the files after it (vitest.config.ts).
afterAll(() => {
  vi.unstubAllEnvs();
});

/** orgctl vendored as a folder of org/, as npm install file:org/vendor/orgctl locks it. */
const VENDORED_IN_ORG = {
  'node_modules/orgctl': { resolved: 'org/vendor/orgctl', link: true },
  'org/vendor/orgctl': { name: 'orgctl', version: '0.1.0', bin: { orgctl: 'bin/orgctl.mjs' } },
};

const ENGINE_CHANGE_FAILS = /\| `engine-change` \| ❌ \|[^\n]*org\/vendor\/orgctl/;

describe('R41-1: a package base installs from inside org/ or dist/ is the engine', () => {
  it.each([
    ['the vendored engine itself', ['org/vendor/orgctl/cli/review.ts']],
    ['a package shadowing its dependency from a node_modules above it', ['org/node_modules/yaml/dist/index.js']],
    ['a tsconfig.json above it, which esbuild and tsx read', ['org/tsconfig.json']],
  ])('%s: an admin alone may not change it', async (_, paths) => {
    const r = await reviewByAliceAlone(lockedProject('file:org/vendor/orgctl', VENDORED_IN_ORG), paths);
    expect({ code: r.code, row: r.stdout.match(/\| `engine-change` \|[^\n]*/)?.[0] }).toEqual({
      code: 1,
      row: expect.stringMatching(ENGINE_CHANGE_FAILS),
    });
  });

  it('a tarball of org/ whose lock entry has no integrity (npm ci installs whatever bytes it holds)', async () => {
    const base = lockedProject('file:org/orgctl-0.1.0.tgz', {
      'node_modules/orgctl': { version: '0.1.0', resolved: 'file:org/orgctl-0.1.0.tgz' },
    });
    const r = await reviewByAliceAlone(base, ['org/orgctl-0.1.0.tgz']);
    expect(r.stdout).toMatch(/\| `engine-change` \| ❌ \|[^\n]*org\/orgctl-0\.1\.0\.tgz/);
    expect(r.code).toBe(1);
  });

  it("init's layout (a tarball at the root, pinned by its sha512): a change of org/ alone is no engine-change", async () => {
    const base = lockedProject('file:orgctl-0.1.0.tgz', {
      'node_modules/orgctl': { version: '0.1.0', resolved: 'file:orgctl-0.1.0.tgz', integrity: 'sha512-AAAA' },
    });
    const r = await reviewByAliceAlone(base, ['org/org.ts']);
    expect(r.stdout).toMatch(/\| `engine-change` \| ✅ \| only org\/ and dist\/ change/);
    expect(r.code).toBe(0);
  });
});

describe('R44-3: a folder outside the repository may be the repository itself', () => {
  // GitHub's runners check a repository out at /home/runner/work/REPO/REPO: there
  // ../REPO/org/vendor/orgctl, and the absolute path, are its own org/vendor/orgctl.
  it.each([
    ['a relative path that leaves and re-enters it', '../acme-org/org/vendor/orgctl'],
    ["an absolute path to a runner's checkout", '/home/runner/work/acme-org/acme-org/org/vendor/orgctl'],
  ])('%s: an admin alone may not change org/', async (_, folder) => {
    const base = lockedProject(`file:${folder}`, {
      'node_modules/orgctl': { resolved: folder, link: true },
      [folder]: { name: 'orgctl', version: '0.1.0', bin: { orgctl: 'bin/orgctl.mjs' } },
    });
    const r = await reviewByAliceAlone(base, ['org/vendor/orgctl/cli/review.ts']);
    expect({ code: r.code, row: r.stdout.match(/\| `engine-change` \|[^\n]*/)?.[0] }).toEqual({
      code: 1,
      row: expect.stringMatching(/❌[^\n]*outside the repository/),
    });
  });
});

describe('R41-1: the paths inside the repository a lock installs from', () => {
  const SHA512 = `sha512-${'A'.repeat(86)}==`;
  it.each([
    ['a linked folder and its own entry', { packages: VENDORED_IN_ORG }, ['org/vendor/orgctl']],
    [
      'file: tarballs and folders, as written (./, a trailing /), one outside the repository too (R44-3)',
      {
        packages: {
          'node_modules/a': { resolved: 'file:./org/a-1.0.0.tgz' },
          'node_modules/b': { resolved: 'file:dist/b/', link: false },
          'node_modules/c': { resolved: 'file:../elsewhere/c.tgz' },
          'node_modules/d': { resolved: 'file:/abs/d.tgz' },
          'node_modules/e': { resolved: 'https://registry.npmjs.org/e/-/e-1.0.0.tgz', integrity: SHA512 },
          'node_modules/f/node_modules/g': {
            resolved: 'https://registry.npmjs.org/g/-/g-1.0.0.tgz',
            integrity: SHA512,
          },
        },
      },
      ['../elsewhere/c.tgz', '/abs/d.tgz', 'dist/b', 'org/a-1.0.0.tgz'],
    ],
    [
      'remote tarballs no sha512 pins, as written (R47-3: npm ci installs whatever they serve)',
      {
        packages: {
          'node_modules/a': { resolved: 'https://raw.githubusercontent.com/acme/acme-org/main/org/a.tgz' },
          'node_modules/b': { resolved: 'http://example.com/b.tgz', integrity: 'sha512-' },
          'node_modules/c': { resolved: 'https://example.com/c.tgz', integrity: 'garbage' },
        },
        dependencies: { d: { version: '1.0.0', resolved: 'https://example.com/d.tgz' } },
      },
      [
        'http://example.com/b.tgz',
        'https://example.com/c.tgz',
        'https://example.com/d.tgz',
        'https://raw.githubusercontent.com/acme/acme-org/main/org/a.tgz',
      ],
    ],
    [
      'git sources no commit pins, as written (R47-4: npm ci fetches the branch as it is then)',
      {
        packages: {
          'node_modules/a': { resolved: 'git+ssh://git@github.com/acme/acme-org.git#main::path:org/a' },
          'node_modules/b': { resolved: 'github:acme/acme-org' },
          'node_modules/c': { resolved: `git+https://github.com/acme/c.git#${'0f'.repeat(20)}` },
        },
      },
      ['git+ssh://git@github.com/acme/acme-org.git#main::path:org/a', 'github:acme/acme-org'],
    ],
    ['a workspace at the root', { packages: { 'node_modules/w': { resolved: '.', link: true } } }, ['']],
    [
      "lockfileVersion 1's dependencies",
      { dependencies: { orgctl: { version: 'file:org/orgctl', dependencies: { y: { version: 'file:org/y.tgz' } } } } },
      ['org/orgctl', 'org/y.tgz'],
    ],
    ['a lock that is not an object', [], []],
  ])('%s', (_, lock, paths) => {
    expect(lockedRepositoryPaths(JSON.stringify(lock)).paths).toEqual(paths);
  });
});

describe('R41-2: explain suggests the same name for a typo, from its index or not', () => {
  // Where the caches go when no folder is named (node_modules/.cache nearest the spec), each test's own.
  vi.stubEnv('ORGCTL_CACHE_DIR', '');

  it.each([
    ['a user', 'usr5@acme.io', 'user5@acme.io'],
    ["a token's ServiceAccount", 'system:serviceaccount:acme-system:token-tok-1x', 'token-tok-1'],
  ])(
    '%s: the run writing the index, the one reading it and one without (in-process) say the same',
    async (_, subject, meant) => {
      const dir = tempDir('orgctl-r41-explain-');
      mkdirSync(join(dir, 'node_modules'));
      const file = join(dir, 'org.json');
      writeFileSync(file, JSON.stringify(generateSpec({ users: 40, namespaces: 9, grants: 120, tokens: 8, seed: 1 })));
      const ask = ['explain', subject, '-n', 'ns-0', '--spec', file];
      const writing = cli(ask);
      const reading = cli(ask);
      const without = await run(ask);
      expect(without.stderr).toMatch(new RegExp(`did you mean \\S*${meant.replace(/[.]/g, '\\.')}\\?`));
      expect({ writing: writing.stderr.trimEnd(), reading: reading.stderr.trimEnd() }).toEqual({
        writing: without.stderr,
        reading: without.stderr,
      });
    },
    60_000,
  );
});
