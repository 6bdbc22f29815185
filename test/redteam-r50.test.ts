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
 *
 * R50-2 (low-medium): a comment cut to fit keeps whoever is made an admin first (makesAdmin), but
 *     an admin reactivated (a deactivated user who is an admin brought back: w:full in every
 *     namespace, and their approvals count again) was not one: their entry ranked with every
 *     other privileged line, by email, and forty members gaining r:secrets ahead of them cut it.
 *
 * R50-3 (low): the daily rejudge job lists the open pull requests with `gh pr list --limit N`
 *     (newest first) and passed when there were N or more: those past the Nth (the oldest, a
 *     pull request adding dated access that ended among them) were never judged again, silently.
 *     Anyone who may open pull requests (from a fork, on a public repository) can open that many.
 */
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockedRepositoryPaths } from '../review/head-proof.ts';
import { aliceAlone, baseProject } from './base-lock-project.ts';
import { itReadsEachAsNpm, lockResolving } from './npm-reads.ts';
import { parse as parseYaml } from 'yaml';
import { renderMarkdown } from '../report/markdown.ts';
import { ghStandIn, ROOT, runStep, tempDir } from './helpers.ts';
import { baseSpec, diffOf, grantsOf, user, type Spec } from './review/scenarios.ts';

const SHA512 = `sha512-${'A'.repeat(86)}==`;

describe("R50-1: a lock's source as npm reads it (consistentResolve, hosted-git-info) (fails by design on 6394498)", () => {
  it('a GitHub URL at a branch, pinned by a sha512 npm skips for git: an admin alone may not change org/', async () => {
    expect(await aliceAlone(baseProject('https://github.com/acme/acme-org.git#main', SHA512), 'org/org.ts')).toEqual({
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
    expect(lockedRepositoryPaths(lockResolving(resolved)).paths).toEqual([
      expect.stringMatching(/^[a-z][a-z0-9+.-]*:/i),
    ]);
  });

  it.each([
    ['orgctl@file:org', 'org'],
    ['orgctl@./org/vendor', 'org/vendor'],
    ['@acme/orgctl@file:org/vendor/orgctl-0.1.0.tgz', 'org/vendor/orgctl-0.1.0.tgz'],
  ])('%s: a name before a path is cut off, as npm cuts it', (resolved, path) => {
    expect(lockedRepositoryPaths(lockResolving(resolved)).paths).toEqual([path]);
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
    expect(lockedRepositoryPaths(lockResolving(resolved)).paths).toEqual([]);
  });
});

/**
 * R50-1's class: sourceOf is a reading of npm's, so npm's own reading is its test. Every spelling
 * of a corpus (each with and without a NAME@ before it, and in capitals) is read by the npm that
 * runs here (arborist's consistentResolve, then npm-package-arg as reify reads NAME@ it), and
 * lockedRepositoryPaths must agree: what npm installs from a path is that path, a git source no
 * commit pins (its integrity skipped) or a tarball URL no sha512 pins is kept, anything else nothing.
 */
describe("R50-1's class: every spelling as the npm that runs here reads it", () => {
  const COMMIT = 'a1'.repeat(20);
  const bodies = [
    'file:org/vendor',
    './org/vendor',
    'org/vendor/orgctl-0.1.0.tgz',
    'orgctl-0.1.0.tgz',
    'acme/acme-org#main',
    `acme/acme-org#${COMMIT}`,
    'github:acme/acme-org',
    'gitlab:acme/acme-org#main',
    'git@github.com:acme/acme-org.git#main',
    `git@github.com:acme/acme-org.git#${COMMIT}`,
    'deploy@git.example.com:acme/acme-org.git',
    'https://github.com/acme/acme-org.git#main',
    `https://github.com/acme/acme-org.git#${COMMIT}`,
    'https://www.github.com/acme/acme-org',
    'https://github.com/acme/acme-org/tree/main',
    'ssh://git@github.com/acme/acme-org',
    'git+https://gitlab.com/acme/group/acme-org.git',
    'https://bitbucket.org/acme/acme-org',
    'https://gist.github.com/acme/0123abcd',
    'https://github.com/acme/acme-org/archive/main.tar.gz',
    'https://codeload.github.com/acme/acme-org/tar.gz/main',
    'https://gitlab.com/acme/acme-org/-/archive/main/acme-org-main.tar.gz',
    'https://bitbucket.org/acme/acme-org/get/main.tar.gz',
    'https://registry.npmjs.org/orgctl/-/orgctl-0.1.0.tgz',
    'git+ssh://git@example.com/acme/acme-org.git#main',
    `git+ssh://git@example.com/acme/acme-org.git#${COMMIT}`,
    'npm:orgctl@0.1.0',
    '0.1.0',
    'latest',
  ];
  itReadsEachAsNpm(bodies);
});

describe('R50-2: a comment cut to fit keeps an admin reactivated first, as one made admin (fails by design on 6394498)', () => {
  const members = Array.from({ length: 40 }, (_, i) => `a${String(i).padStart(2, '0')}@acme.io`);
  const base = baseSpec();
  user(base, 'frank@acme.io').status = 'deactivated';
  user(base, 'gina@acme.io').status = 'deactivated';
  for (const email of members) base.spec.users.push({ email, github: email.split('@')[0] });
  /** Frank's entry, and the privileged lines of forty members (before frank by email) in a comment of 2,000 bytes. */
  const cut = (edit: (s: Spec) => void) =>
    renderMarkdown(
      diffOf(base, (s) => {
        edit(s);
        for (const email of members) grantsOf(s).push({ user: email, namespace: 'data', levels: ['r:secrets'] });
      }),
      undefined,
      { maxBytes: 2_000 },
    );

  // The class: every way of becoming an active admin (activeAdmin in head, not in base).
  it.each([
    [
      'reactivated, an admin',
      (s: Spec) => (user(s, 'frank@acme.io').status = 'active'),
      'frank',
      '- is reactivated: gains w:full',
    ],
    ['made admin', (s: Spec) => (user(s, 'bob@acme.io').admin = true), 'bob', '- becomes admin: gains w:full'],
    [
      'reactivated and made admin',
      (s: Spec) => Object.assign(user(s, 'gina@acme.io'), { status: 'active', admin: true }),
      'gina',
      '- becomes admin: gains w:full',
    ],
    [
      'joining as an admin',
      (s: Spec) => s.spec.users.push({ email: 'zed@acme.io', github: 'zed', admin: true }),
      'zed',
      '- joins the organization (admin): gains w:full',
    ],
  ])('%s: kept', (_, edit, who, entry) => {
    const md = cut(edit);
    expect(md).toMatch(/_… and \d+ more\./);
    expect(md).toContain(`**${who}@<!-- -->acme.io`);
    expect(md).toContain(entry);
  });
});

describe('R50-3: the daily rejudge fails loudly when the open pull requests may be more than it listed (fails by design on 6394498)', () => {
  it('as many as its limit: each one listed is dispatched, and the job fails, saying some may not be judged', () => {
    const repo = tempDir('orgctl-r50-rejudge-');
    cpSync(join(ROOT, 'deploy/github'), join(repo, '.github/workflows'), { recursive: true });
    const wf = parseYaml(readFileSync(join(ROOT, 'deploy/github/orgctl-expiry.yaml'), 'utf8'));
    const steps = (wf.jobs.rejudge.steps as { run?: string }[]).filter((step) => step.run);
    const script = steps.map((step) => step.run!).join('\n');
    const limit = Number(/\blimit=(\d+)/.exec(script)?.[1] ?? /gh pr list [^\n]*--limit (\d+)/.exec(script)?.[1]);
    expect(limit).toBeGreaterThan(0);
    const numbers = Array.from({ length: limit }, (_, i) => String(limit + 1 - i)).join(' ');
    const { bin, calls } = ghStandIn(repo, { 'repo view': 'main', 'pr list': numbers });
    const results = steps.map((step) =>
      runStep(step.run!, repo, bin, { GITHUB_REPOSITORY: 'acme/org', GH_TOKEN: 'x', GITHUB_RUN_ID: '1' }),
    );
    expect(calls()).toHaveLength(limit);
    const last = results.at(-1)!;
    expect(last.status).not.toBe(0);
    expect(last.stderr).toMatch(/more than|not be judged|not judged/);
  });
});
