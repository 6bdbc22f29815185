/**
 * Red team R47 (base 1e02eef): `orgctl kubeconfig`, the expiry workflow, `orgctl workflows`. Each
 * test asserts the safe behaviour and fails on the commit its describe names.
 *
 * R47-1 (low; whoever can write a token Secret's data in the system namespace: an admin's script,
 *     a token granted Secrets there, a forged dist/ past the review, which the boundary admits as
 *     long as type and annotation are a token's): kubeconfig checks the Secret's namespace, type
 *     and ServiceAccount annotation, but hands over data.token as it is. The token controller
 *     fills data.token only when it is empty and never checks one written
 *     (tokens_controller.go generateTokenIfNeeded), and the API server authenticates a token by
 *     its own claims (legacy.go: `sub` system:serviceaccount:NS:NAME, checked against the
 *     private claims), not by the Secret holding it. So token ci-deploy's Secret holding another
 *     ServiceAccount's token (an admin token's) became "token ci-deploy's" kubeconfig: whoever is
 *     handed it acts as that other identity, with what it holds. Safe: data.token must be a JWT
 *     whose `sub` is the token's ServiceAccount in the system namespace.
 *
 * R47-2 (low; two pull requests, the first approved as an engine-change: R44-3's class by another
 *     spelling): engine-change counts a path base's lock installs from as leaving the repository
 *     when it starts with `/` or `..`. npm reads `file:~/...` from the home folder
 *     (npm-package-arg: `~/` is resolved against os.homedir(); arborist's load-virtual resolves a
 *     lock entry's `resolved` with it), and GitHub's runners check REPO out at
 *     /home/runner/work/REPO/REPO under HOME=/home/runner: `file:~/work/acme-org/acme-org/org/orgctl-0.1.0.tgz`
 *     is the repository's own org/orgctl-0.1.0.tgz, which an admin alone could then change, with it
 *     the engine that judges every later pull request. Safe: a path from the home folder may be
 *     any folder, as one outside the repository is.
 *
 * R47-3 (low; the same two pull requests): a tarball base's lock fetches over http(s) with no
 *     `integrity` is installed by npm ci as whatever bytes the URL serves (reproduced with npm 11:
 *     a lock entry with only `resolved`, the tarball swapped on the server, the next npm ci
 *     installs the swap), and GitHub serves every file of the repository's default branch at
 *     raw.githubusercontent.com/OWNER/REPO/BRANCH/PATH: such an entry may be the repository's
 *     own org/orgctl-0.1.0.tgz, which an admin alone could then change. Safe: a remote tarball
 *     without integrity may be any file, so org/ and dist/ are the engine then; one pinned by its
 *     integrity leaves them alone.
 *
 * R47-4 (low; the same two pull requests): so is a git source whose committish is no commit
 *     (`git+https://github.com/acme/acme-org.git#main::path:org/vendor/orgctl`): npm ci fetches the
 *     branch as it is at install time (reproduced with npm 11 and a git+file: repository: a commit
 *     on the branch, the next npm ci installs it), here the repository's own org/vendor/orgctl on
 *     main. Safe: a git source not pinned by a full commit sha may be any file; one pinned leaves
 *     org/ and dist/ alone.
 *
 * R47-4's class (the lead, after the round): lockedRepositoryPaths read `file:` and the URL schemes
 *     it knew, and took any other spelling as harmless. npm reads a lock's source in
 *     npm-package-arg's order: `FILE:` in any case and `./`, `~/`, `/` are paths, OWNER/REPO (one
 *     slash: even vendor/orgctl-0.1.0.tgz) is GitHub's, any scheme a URL, and lockfileVersion 1's
 *     `version` is a source too. `acme/acme-org#main` left org/ to one admin. Safe: each source is
 *     read as npm reads it (sourceOf).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, run, tempDir } from './helpers.ts';
import { lockedRepositoryPaths } from '../review/head-proof.ts';
import { aliceAlone, baseProject } from './base-lock-project.ts';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const b64 = (s: string) => Buffer.from(s).toString('base64');
const b64url = (s: string) => Buffer.from(s).toString('base64url');
/** A JWT as the cluster signs one (the signature is not checked by anyone here). */
const jwt = (claims: Obj) =>
  `${b64url(JSON.stringify({ alg: 'RS256', kid: 'k' }))}.${b64url(JSON.stringify(claims))}.c2lnbmF0dXJl`;
/** The claims of a legacy token Secret's token (pkg/serviceaccount/legacy.go LegacyClaims). */
const legacyClaims = (namespace: string, account: string) => ({
  iss: 'kubernetes/serviceaccount',
  'kubernetes.io/serviceaccount/namespace': namespace,
  'kubernetes.io/serviceaccount/secret.name': account,
  'kubernetes.io/serviceaccount/service-account.name': account,
  'kubernetes.io/serviceaccount/service-account.uid': '6f1c2a9e-0000-4000-8000-000000000002',
  sub: `system:serviceaccount:${namespace}:${account}`,
});

const FIXTURE_SECRET = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/secrets/token-ci-deploy.json'), 'utf8'));

/** kubeconfig for ci-deploy from the fixture Secret holding `token`. */
async function kubeconfigWith(token: string) {
  const secret = structuredClone(FIXTURE_SECRET);
  secret.data.token = b64(token);
  const file = join(tempDir('orgctl-r47-secret-'), 'secret.json');
  writeFileSync(file, JSON.stringify(secret));
  return run(['kubeconfig', 'ci-deploy', '--server', 'https://lga1.acme.io:6443', '--secret', file]);
}

describe("R47-1: the token in ci-deploy's Secret is ci-deploy's (fails by design on 1e02eef)", () => {
  it('a JWT naming token-ci-deploy in acme-system, as the cluster signs it: taken', async () => {
    const token = jwt(legacyClaims('acme-system', 'token-ci-deploy'));
    const r = await kubeconfigWith(token);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(token);
  });

  it.each([
    ['another token of the organization (metrics-reader)', legacyClaims('acme-system', 'token-metrics-reader')],
    ['a ServiceAccount of the same name in another namespace', legacyClaims('web', 'token-ci-deploy')],
    [
      'a bound token (TokenRequest) of another ServiceAccount',
      { sub: 'system:serviceaccount:kube-system:replicaset-controller', aud: ['https://kubernetes.default.svc'] },
    ],
  ])('a JWT of %s: refused, the token never printed', async (_what, claims) => {
    const token = jwt(claims);
    const r = await kubeconfigWith(token);
    expect(r.stdout).not.toContain(token);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('token-ci-deploy');
  });

  it.each([
    ['not a JWT', 'orgctl-test-token.not-a-real-credential.0123456789'],
    ['a JWT whose claims are not JSON', `${b64url('{}')}.${b64url('sub')}.c2ln`],
    ['a JWT naming no subject', jwt({ iss: 'kubernetes/serviceaccount' })],
  ])('a token that is %s: refused (the cluster fills a token Secret with a JWT naming its ServiceAccount)', async (_what, token) => {
    const r = await kubeconfigWith(token);
    expect(r.stdout).not.toContain(token);
    expect(r.code).toBe(2);
  });
});

describe("R47-2: a lock's path from the home folder may be the repository itself (fails by design on 1e02eef)", () => {
  // HOME=/home/runner, the checkout /home/runner/work/acme-org/acme-org: ~/work/acme-org/acme-org/org is its org/.
  it.each([
    ['a tarball', 'file:~/work/acme-org/acme-org/org/orgctl-0.1.0.tgz'],
    ['the home folder itself', 'file:~'],
  ])('%s: an admin alone may not change org/', async (_, spec) => {
    const base = baseProject(spec);
    expect(await aliceAlone(base, 'org/orgctl-0.1.0.tgz')).toEqual({
      code: 1,
      row: expect.stringMatching(/❌[^\n]*outside the repository/),
    });
  });
});

describe('R47-3: a remote tarball no integrity pins may be a file of the repository (fails by design on 1e02eef)', () => {
  const RAW = 'https://raw.githubusercontent.com/acme/acme-org/main/org/orgctl-0.1.0.tgz';

  it('resolved from GitHub with no integrity: an admin alone may not change org/', async () => {
    const base = baseProject(RAW);
    expect(await aliceAlone(base, 'org/orgctl-0.1.0.tgz')).toEqual({
      code: 1,
      row: expect.stringMatching(/❌[^\n]*no integrity/),
    });
  });

  it('pinned by its sha512 (npm ci refuses other bytes): a change of org/ alone is no engine-change', async () => {
    const dir = baseProject(RAW);
    const lockFile = join(dir, '..', 'package-lock.json');
    const lock = JSON.parse(readFileSync(lockFile, 'utf8'));
    lock.packages['node_modules/orgctl'].integrity = `sha512-${'A'.repeat(86)}==`;
    writeFileSync(lockFile, JSON.stringify(lock, null, 2));
    expect(await aliceAlone(dir, 'org/org.ts')).toEqual({
      code: 0,
      row: expect.stringMatching(/\| `engine-change` \| ✅ \| only org\/ and dist\/ change/),
    });
  });
});

describe('R47-4: a git source no commit pins may be the repository itself (fails by design on 1e02eef)', () => {
  const REPO = 'git+https://github.com/acme/acme-org.git';

  it.each([
    ['a branch, a folder of it', `${REPO}#main::path:org/vendor/orgctl`],
    ['no committish (the default branch)', REPO],
    // npm-package-arg reads OWNER/REPO as GitHub's: github:acme/acme-org#main.
    ["GitHub's shorthand, no scheme", 'acme/acme-org#main'],
  ])('%s: an admin alone may not change org/', async (_, spec) => {
    expect(await aliceAlone(baseProject(spec), 'org/vendor/orgctl/cli/review.ts')).toEqual({
      code: 1,
      row: expect.stringMatching(/❌[^\n]*no commit/),
    });
  });

  it('pinned by a commit (npm ci fetches that commit): a change of org/ alone is no engine-change', async () => {
    expect(await aliceAlone(baseProject(`${REPO}#${'a1'.repeat(20)}`), 'org/org.ts')).toEqual({
      code: 0,
      row: expect.stringMatching(/\| `engine-change` \| ✅ \| only org\/ and dist\/ change/),
    });
  });
});

describe("R47-4's class: every spelling npm reads as a git source", () => {
  it.each([
    ['a shorthand in resolved', { packages: { 'node_modules/orgctl': { resolved: 'acme/acme-org#main' } } }],
    ["lockfileVersion 1's version", { dependencies: { orgctl: { version: 'github:acme/acme-org#main' } } }],
  ])('%s, at a branch, may be the repository itself', (_, lock) => {
    expect(lockedRepositoryPaths(JSON.stringify(lock)).paths).toEqual([
      expect.stringMatching(/^(github:)?acme\/acme-org#main$/),
    ]);
  });

  it.each([
    [
      'a path with two slashes (one slash is GitHub shorthand to npm, even vendor/orgctl-0.1.0.tgz)',
      { packages: { 'node_modules/orgctl': { resolved: 'vendor/orgctl/orgctl-0.1.0.tgz' } } },
      'vendor/orgctl/orgctl-0.1.0.tgz',
    ],
    ['a file: spec in capitals', { packages: { 'node_modules/orgctl': { resolved: 'FILE:org/x.tgz' } } }, 'org/x.tgz'],
    ['a path written as one', { packages: { 'node_modules/orgctl': { resolved: './org/x.tgz' } } }, 'org/x.tgz'],
    [
      'a shorthand at a commit',
      { dependencies: { orgctl: { version: `github:acme/acme-org#${'a1'.repeat(20)}` } } },
      undefined,
    ],
  ])('%s is what it is: a path of the repository, or pinned', (_, lock, path) => {
    expect(lockedRepositoryPaths(JSON.stringify(lock)).paths).toEqual(path === undefined ? [] : [path]);
  });
});
