/**
 * Red team C: what a hostile branch or input makes an admin's orgctl do on their machine or in CI.
 * A branch commits files anywhere, ignored folders included (git checks them out, as the user, and
 * overwrites ignored files in the way), and names folders as it likes.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cli, gitIn, repoScratch, ROOT, run, tempDir, waitOutRacyWindowSince } from './helpers.ts';
import { acmeSpec, onBranchGivingBobFull, synthOf } from './branch-repo.ts';

// Where the caches go when no folder is named (node_modules/.cache nearest the declaration), as on an admin's machine and in CI.
vi.stubEnv('ORGCTL_CACHE_DIR', '');
afterAll(() => {
  vi.unstubAllEnvs(); // the file's stubs end with it: it shares its worker with the files after it (vitest.config.ts)
});

const scratch = repoScratch('redteam-c-');
const CONSTRUCTS = join(ROOT, 'constructs/index.ts');
/** bob gets `level` in web. */
const declaration = (level: string) => `import { App } from 'cdk8s';
import { Organization } from '${CONSTRUCTS}';
const org = new Organization(new App(), 'acme', { owner: 'alice@acme.io', clusters: ['lga1'] });
org.user('alice@acme.io', { github: 'alice', admin: true });
const bob = org.user('bob@acme.io', { github: 'bob' });
org.namespace('web').grant(bob, ${JSON.stringify(level)});
export default org;
`;

describe('C1: a bundle cache entry a branch commits beside the declaration (org/node_modules/.cache, which npm ci leaves)', () => {
  it('a record naming no inputs: synth --check passes a dist/ that org/org.ts does not make', () => {
    const repo = scratch();
    const file = join(repo, 'org', 'org.ts');
    mkdirSync(join(repo, 'org', 'node_modules'), { recursive: true });
    // What the branch prepares offline, for the path CI checks it out at: dist/ and the bundle of
    // a declaration giving bob r:full, then the declaration reviewers read, giving r:pods.
    writeFileSync(file, declaration('r:full'));
    expect(cli(['synth', '--spec', file, '--out', join(repo, 'dist')]).code).toBe(0);
    const cache = join(repo, 'org', 'node_modules', '.cache', 'orgctl', 'declarations');
    const code = readdirSync(cache).find((n) => n.endsWith('.mjs'))!;
    const key = code.slice(0, 16);
    const planted = { format: 5, file, code, inputs: [], sources: [] };
    writeFileSync(join(cache, `${key}.json`), JSON.stringify(planted));
    writeFileSync(file, declaration('r:pods'));
    const check = cli(['synth', '--check', '--spec', file, '--out', join(repo, 'dist')]);
    expect(check.code, `synth --check must find dist/ stale\n${check.stdout}${check.stderr}`).toBe(1);
  }, 60_000);

  // Its checkout is made before the file's first test, which takes longer than the racy window: the
  // test then need not wait it out (run alone, it waits it out whole).
  let checkedOut: { repo: string; file: string; at: number } | undefined;
  beforeAll(() => {
    const repo = scratch();
    const file = join(repo, 'org', 'org.ts');
    mkdirSync(join(repo, 'org', 'node_modules'), { recursive: true });
    writeFileSync(file, declaration('r:pods'));
    // The record is kept only for inputs saved a while before: as a checkout long ago.
    const past = new Date(Date.now() - 60_000);
    for (const p of [file, join(repo, 'org'), join(repo, 'org', 'node_modules')]) utimesSync(p, past, past);
    checkedOut = { repo, file, at: Date.now() };
  });

  it('a bundle planted under the name of the one the record names: its code is not run', () => {
    const { repo, file, at } = checkedOut!;
    waitOutRacyWindowSince(at);
    expect(cli(['check', '--spec', file]).code).toBe(0);
    const cache = join(repo, 'org', 'node_modules', '.cache', 'orgctl', 'declarations');
    const code = readdirSync(cache).find((n) => n.endsWith('.mjs'))!;
    expect(readdirSync(cache)).toContain(`${code.slice(0, 16)}.json`);
    // The branch leaves org/ alone and commits that file (ignored, so the checkout overwrites it).
    const marker = join(repo, 'planted-code-ran');
    writeFileSync(
      join(cache, code),
      `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'yes');\n${readFileSync(join(cache, code), 'utf8')}`,
    );
    cli(['check', '--spec', file]);
    expect(readdirSync(repo)).not.toContain('planted-code-ran');
  }, 60_000);
});

describe('C2: --base/--head naming a folder the branch committed and a git ref at once', () => {
  // The branch's repository, made once (two syntheses, six gits) and copied for each test, which adds to it.
  let branch = '';
  beforeAll(async () => {
    branch = (await onBranchGivingBobFull('redteam-c-branch-')).repo;
  });
  const onBranch = (prefix: string) => {
    const repo = tempDir(prefix);
    cpSync(branch, repo, { recursive: true });
    return { repo, git: gitIn(repo) };
  };

  it('diff --base main on the branch (the README’s upgrade review): a folder main/ of the branch answers for the ref', () => {
    // The branch gives bob r:full in web, and commits its own dist/ again as main/.
    const { repo, git } = onBranch('redteam-c-repo-');
    cpSync(join(repo, 'dist'), join(repo, 'main'), { recursive: true });
    git('add', '-A');
    git('commit', '-q', '-m', 'theirs, main/');
    const r = cli(['diff', '--base', 'main', '--head', 'HEAD', '--format', 'json'], { cwd: repo });
    const fromRef = cli(['diff', '--base', 'main:dist', '--head', 'HEAD', '--format', 'json'], { cwd: repo });
    expect(fromRef.stdout).toContain('r:full');
    expect({ code: r.code, refused: /\bmain\b.*both/.test(r.stderr) }, r.stdout + r.stderr).toEqual({
      code: 2,
      refused: true,
    });
    // REF:folder too: a folder may be named so. A path written as one is the folder.
    cpSync(join(repo, 'dist'), join(repo, 'main:dist'), { recursive: true });
    expect(cli(['diff', '--base', 'main:dist', '--head', 'HEAD'], { cwd: repo }).code).toBe(2);
    const folder = cli(['diff', '--base', './main', '--head', 'HEAD', '--format', 'json'], { cwd: repo });
    expect(JSON.parse(folder.stdout).people).toEqual([]);
  }, 60_000);

  it("F's leftover: a ref this clone has not fetched, where the branch commits a folder of its name, is refused, not read as the folder", () => {
    // The branch gives bob r:full in web and commits its own dist/ again as origin/main/ and as
    // release/: in a clone that never fetched origin/main (or has release only as origin/release),
    // `--base origin/main` and `--base release` read the branch's copy as base: no change shown.
    const { repo, git } = onBranch('redteam-c-unfetched-');
    git('remote', 'add', 'origin', join(repo, 'nowhere.git')); // configured, never fetched
    git('update-ref', 'refs/remotes/origin/release', 'main'); // a branch only the remote has
    for (const folder of ['origin/main', 'release'])
      cpSync(join(repo, 'dist'), join(repo, folder), { recursive: true });
    git('add', '-A');
    git('commit', '-q', '-m', 'theirs, origin/main/ and release/');
    for (const base of ['origin/main', 'release']) {
      const r = cli(['diff', '--base', base, '--head', 'HEAD', '--format', 'json'], { cwd: repo });
      expect({ base, code: r.code }, r.stdout + r.stderr).toEqual({ base, code: 2 });
      expect(r.stderr).toContain(`give ./${base} for the folder`);
    }
    // Written as a path, the folder is read; the ref the remote has is read as origin/release.
    const folder = cli(['diff', '--base', './release', '--head', 'HEAD', '--format', 'json'], { cwd: repo });
    expect(JSON.parse(folder.stdout).people).toEqual([]);
    const fromRef = cli(['diff', '--base', 'origin/release', '--head', 'HEAD', '--format', 'json'], { cwd: repo });
    expect(fromRef.stdout).toContain('r:full');
    // A folder no remote or ref is named like is read as before (the README's --head dist).
    expect(cli(['diff', '--base', 'main', '--head', 'dist', '--format', 'json'], { cwd: repo }).stdout).toContain(
      'r:full',
    );
  }, 60_000);

  it("R8: a ref's full or partial name (refs/remotes/origin/main, remotes/origin/main, FETCH_HEAD) is refused the same; a remote branch ending in the folder's name is no clash", () => {
    const { repo, git } = onBranch('redteam-c-r8-');
    git('remote', 'add', 'origin', join(repo, 'nowhere.git'));
    git('update-ref', 'refs/remotes/origin/alice/dist', 'main'); // someone's branch alice/dist, fetched
    for (const folder of ['refs/remotes/origin/main', 'remotes/origin/main', 'FETCH_HEAD'])
      cpSync(join(repo, 'dist'), join(repo, folder), { recursive: true });
    git('add', '-A');
    git('commit', '-q', '-m', 'planted');
    for (const base of ['refs/remotes/origin/main', 'remotes/origin/main', 'FETCH_HEAD']) {
      const r = cli(['diff', '--base', base, '--head', 'HEAD', '--format', 'json'], { cwd: repo });
      expect({ base, code: r.code }, r.stdout + r.stderr).toEqual({ base, code: 2 });
      expect(r.stderr).toContain(`give ./${base} for the folder`);
    }
    // origin/alice/dist is not dist: the README's --head dist and prove --dir dist read the folder.
    const d = cli(['diff', '--base', 'main', '--head', 'dist', '--format', 'json'], { cwd: repo });
    expect(d.code, d.stderr).toBe(0);
    expect(cli(['prove', '--dir', 'dist'], { cwd: repo }).stderr).not.toMatch(/remote branch/);
  }, 60_000);

  it('R7: with a branch or tag named dist, prove and the review read the folder dist/ that no one typed', async () => {
    const repo = tempDir('redteam-c-dist-');
    const git = gitIn(repo);
    git('init', '-q', '-b', 'main');
    await synthOf(acmeSpec(), join(repo, 'dist'));
    git('add', '-A');
    git('commit', '-q', '-m', 'base');
    git('branch', 'dist');
    git('tag', 'dist-v1');
    const proved = cli(['prove'], { cwd: repo });
    expect(proved.code, proved.stderr).toBe(0);
    // Typed, it is as ambiguous as any other name: ./dist says which.
    expect(cli(['prove', '--dir', 'dist'], { cwd: repo }).code).toBe(2);
    expect(cli(['prove', '--dir', './dist'], { cwd: repo }).code).toBe(0);
  }, 60_000);
});

describe('C3: orgctl workflows --write into a repository whose .github is a link the branch committed', () => {
  it('.github -> a folder of the user: nothing is written there', async () => {
    const repo = tempDir('redteam-c-wf-');
    writeFileSync(join(repo, 'package.json'), '{"name":"org"}\n');
    const elsewhere = tempDir('redteam-c-home-');
    mkdirSync(join(elsewhere, 'workflows'));
    writeFileSync(join(elsewhere, 'workflows', 'orgctl-check.yaml'), 'precious: true\n');
    symlinkSync(elsewhere, join(repo, '.github'));
    const r = await run(['workflows', '--dir', repo, '--write', '--force']);
    expect(readdirSync(join(elsewhere, 'workflows'))).toEqual(['orgctl-check.yaml']);
    expect(readFileSync(join(elsewhere, 'workflows', 'orgctl-check.yaml'), 'utf8')).toBe('precious: true\n');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/symbolic link/);
  }, 60_000);
});

describe('C4: --out over what is not a file (a device, a FIFO, a link to one: /dev/null, /dev/stdout)', () => {
  const fifoIn = (dir: string) => {
    const fifo = join(dir, 'pipe');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    return fifo;
  };
  const SECRET = JSON.stringify({
    kind: 'Secret',
    type: 'kubernetes.io/service-account-token',
    metadata: {
      name: 'token-ci-deploy',
      namespace: 'acme-system',
      annotations: { 'kubernetes.io/service-account.name': 'token-ci-deploy' },
    },
    data: {
      // A JWT naming the token's ServiceAccount, as the cluster fills it (kubeconfig reads its sub).
      token: Buffer.from(
        `e30.${Buffer.from(JSON.stringify({ sub: 'system:serviceaccount:acme-system:token-ci-deploy' })).toString('base64url')}.c2ln`,
      ).toString('base64'),
      'ca.crt': readFileSync(join(ROOT, 'test/fixtures/tls/ca.crt')).toString('base64'),
    },
  });

  it('kubeconfig --out FIFO --force (as --out /dev/null --force, which as root replaced /dev/null with the token): refused, left as it was', async () => {
    const home = tempDir('redteam-c-kube-');
    const fifo = fifoIn(home);
    const secret = join(home, 'secret.json');
    writeFileSync(secret, SECRET);
    const args = ['kubeconfig', 'ci-deploy', '--server', 'https://lga1.example:6443', '--secret', secret];
    const r = await run([...args, '--dir', join(ROOT, 'dist'), '--out', fifo, '--force']);
    expect(lstatSync(fifo).isFIFO(), 'the FIFO is still there').toBe(true);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a file/);
  });

  it('access --out LINK, a link to a FIFO (as /dev/stdout links to the pipe it writes to): the link is left alone', async () => {
    const home = tempDir('redteam-c-access-');
    const fifo = fifoIn(home);
    symlinkSync(fifo, join(home, 'stdout'));
    const r = await run(['access', '--dir', join(ROOT, 'dist'), '--format', 'html', '--out', join(home, 'stdout')]);
    expect(lstatSync(join(home, 'stdout')).isSymbolicLink(), 'the link is still there').toBe(true);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a file/);
  });
});

describe('C5: a mistyped --server names the flag and what it must be', () => {
  it.each([
    'https://[::1',
    'https://lga1.example:99999',
  ])('--server %s: a usage error naming --server', async (server) => {
    const r = await run(['kubeconfig', 'ci-deploy', '--server', server, '--dir', join(ROOT, 'dist')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--server ${JSON.stringify(server)} is not an https:// URL`);
  });
});

describe('kubeconfig --cluster: a name the contexts can carry', () => {
  it.each(['', ' '])('--cluster %j: a usage error, not contexts named -web', async (cluster) => {
    const r = await run([
      'kubeconfig',
      'ci-deploy',
      '--server',
      'https://lga1.example',
      '--cluster',
      cluster,
      '--dir',
      join(ROOT, 'dist'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--cluster ${JSON.stringify(cluster)} is empty`);
  });
});

describe("R7: explain's index a branch commits (node_modules/.cache is ignored, so git checks it out)", () => {
  it('naming the SHA-256 of the spec the branch ships: explain answers from the spec, not from the index', () => {
    const dir = tempDir('redteam-c-explain-');
    mkdirSync(join(dir, 'node_modules'));
    const file = join(dir, 'org.yaml');
    const text = readFileSync(join(ROOT, 'test/fixtures/specs/acme.yaml'), 'utf8');
    const bob = '{ user: bob@acme.io, namespace: web, levels: ["r:pods"';
    expect(text).toContain(bob);
    const theirs = text.replace(bob, bob.replace('r:pods', 'r:full')); // the same size
    writeFileSync(file, text);
    const ask = ['explain', 'bob@acme.io', '-n', 'web', '--spec', file];
    expect(cli(ask).stdout).not.toContain('r:full');
    // The index made here stands for one the branch made elsewhere and committed, naming its own
    // spec's hash; the checkout writes the spec anew (another inode, another change time).
    const root = join(dir, 'node_modules/.cache/orgctl/explain');
    const [key] = readdirSync(root).filter((n) => /^[0-9a-f]{32}$/.test(n));
    const made = join(root, key!, 'declaration.json');
    const record = JSON.parse(readFileSync(made, 'utf8'));
    writeFileSync(made, JSON.stringify({ ...record, sha256: createHash('sha256').update(theirs).digest('hex') }));
    writeFileSync(`${file}.new`, theirs); // while the old one is there: another inode
    renameSync(`${file}.new`, file);
    const r = cli(ask);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout, 'explain answers from the spec the branch ships').toContain('r:full');
  }, 60_000);
});
