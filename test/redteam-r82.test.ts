/**
 * Red team R82 (base 9bd5cfd): the privileged review job and orgctl's reading of git. An attacker
 * is a member opening a pull request: every file of head, every git object they push.
 *
 * R82-1 (medium: the privileged job's memory and time, from a few MB pushed): a head dist/ read
 * from git objects (cli/git.ts readRefOutput) had no byte limit at read time: `git cat-file
 * --batch` printed every blob of head's dist/ into one buffer (up to 1 GiB), then each was decoded
 * whole. A 600 MB blob of zeros at dist/members.json is 2.9 MB of repository: reading it took 4.4 s
 * and 1.24 GB of memory, and was then called "not valid UTF-8" (V8 cannot hold the string). GitHub
 * takes blobs up to 100 MB in a push, and any number of them. Nor was a tree's listing bounded: a
 * tree naming one subtree 128 times, three deep, lists 2 million entries from a few KB of objects,
 * each read into memory before any check. Nor the org/ code a change adds (cli/org-code.ts): 1 MiB
 * a file, but up to GitHub's 3,000 files.
 *
 * R82-3 (low-medium: the review workflow's runner, disk and time): the workflow's two extraction
 * steps (deploy/github/orgctl-review.yaml: the pull job's, for head-engine, and the review job's,
 * for the access page) wrote every blob of head's dist/ to disk with no size asked first (`git
 * cat-file blob > file`), after reading a listing of any length: a 300 MB blob of zeros (300 KB
 * pushed) was written whole, and a hundred of them fill a runner's disk.
 *
 * Held (tests below, review --github end to end, head read from git objects): org-code reads a
 * file renamed with edits at its new path (GitHub lists it with its previous name, git's blob is
 * the head's); a symbolic link or a submodule added to org/ (`org/lib -> ../node_modules/esbuild/lib`,
 * inside what synth's permission model lets a declaration read, imported as `./lib/main.js`, which
 * org-code reads as org/'s own file) fails repository-tree, which refuses every link and submodule
 * of head's tree. Without a test: a data file imported as code (esbuild 0.28 refuses `with { loader }`;
 * `with { type: 'text' }` is a string), a root tsconfig.json or .gitmodules (engine-change), a
 * .cjs, a dot folder or org/node_modules/ (code by their extension, read), a file deleted and
 * added again (GitHub lists what head holds). A file name of org/ with a direction override, a line
 * break, markdown, the comment's marker and 3,000 characters is one row of the comment, shown as
 * data (escapeMarkdown).
 *
 * Held, read (no test): git is never handed what runs the repository's code. The review job's git
 * runs in the base branch's checkout (its .git/config and hooks are the runner's: core.fsmonitor,
 * core.hooksPath, diff.external, filter and merge drivers are configuration, which no pull request
 * writes; .gitattributes can only name a driver configuration defines, and merge-tree renormalizes
 * nothing unless merge.renormalize is set); diff runs with --no-ext-diff --no-textconv; no GIT_*
 * variable reaches the review step (the fetch's GIT_CONFIG_* is that command's). No ref or path
 * becomes an option: refs starting with - are refused (readableRef) and merge-base, diff and
 * merge-tree take --end-of-options; on GitHub the head is a commit id; paths follow `--`, and a path
 * git matched as a pattern is dropped (a changed path of org/ cannot start with pathspec magic).
 * The head branch's name is sent to GitHub's API only (listActivities' ref), never written.
 *
 * Left: escapeMarkdown writes a line break in declared text as a space (its comment says code
 * points), so `org/a.ts<LF>b.ts` reads as `org/a.ts b.ts`. `orgctl review` with two git refs (not
 * --github) asks git merge-tree for the merged tree, which merges both sides' blobs in content
 * (xdiff over files up to GitHub's 100 MB) and writes objects: bounded by nothing but those files,
 * on the reviewer's own machine (closed by R86-3: refused before merge-tree runs past orgctl's limits).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadSide, MAX_LISTING_BYTES } from '../cli/git.ts';
import { MAX_OUTPUT_BYTES } from '../cli/output.ts';
import { readOrgCode } from '../cli/org-code.ts';
import { InputError } from '../model/errors.ts';
import * as standin from './github/standin.ts';
import { gitIn, ROOT, tempDir } from './helpers.ts';

/** What git prints for `args` in `repo`, given `input`. */
function gitWith(repo: string, args: readonly string[], input: string): string {
  const r = spawnSync('git', args, { cwd: repo, input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
}

/** A repository whose main commits this repository's dist/, and git in it. */
function repoWithOutput(prefix: string) {
  const repo = tempDir(prefix);
  const git = gitIn(repo);
  git('init', '-q', '-b', 'main');
  cpSync(join(ROOT, 'dist'), join(repo, 'dist'), { recursive: true });
  git('add', '-A');
  git('commit', '-q', '-m', 'base');
  return { repo, git };
}

/** Commits, on top of HEAD, the file `path` as the blob `sha`. */
function commitObject(repo: string, path: string, sha: string): void {
  const git = gitIn(repo);
  git('update-index', '--add', '--cacheinfo', `100644,${sha},${path}`);
  git('commit', '-q', '-m', `add ${path}`);
}

/** Blobs of zeros git wrote, by their size: the repository holding each, and its id. */
const zeroBlobs = new Map<number, { readonly repo: string; readonly sha: string }>();

/**
 * A blob of `bytes` zeros written to `repo`'s objects (git compresses it a thousandfold): its id.
 * git hashes and compresses it once a file (300 MB: seconds of CPU); each repository after gets a
 * copy of that loose object's file, the object `git hash-object -w` writes (its name is its id).
 */
function zeros(repo: string, bytes: number): string {
  let made = zeroBlobs.get(bytes);
  if (!made) {
    const store = tempDir('r82-zeros-');
    gitIn(store)('init', '-q');
    const r = spawnSync(
      'bash',
      ['--noprofile', '--norc', '-c', `head -c ${bytes} /dev/zero | git hash-object -w --stdin`],
      { cwd: store, encoding: 'utf8' },
    );
    expect(r.status).toBe(0);
    made = { repo: store, sha: r.stdout.trim() };
    zeroBlobs.set(bytes, made);
  }
  const object = join('.git', 'objects', made.sha.slice(0, 2), made.sha.slice(2));
  mkdirSync(dirname(join(repo, object)), { recursive: true });
  cpSync(join(made.repo, object), join(repo, object));
  return made.sha;
}

/** The error reading `spec` (in `repo`) throws. */
function errorOf(repo: string, spec: string): unknown {
  const here = process.cwd();
  process.chdir(repo);
  try {
    loadSide(spec);
  } catch (e) {
    return e;
  } finally {
    process.chdir(here);
  }
  return undefined;
}

describe('R82-1: every read of git objects is bounded before it is read', () => {
  it('refuses a head dist/ whose blobs sum past what orgctl reads, from the listing, naming the file', () => {
    const { repo } = repoWithOutput('r82-blob-');
    // 300 MB of zeros: about 300 KB of git objects.
    commitObject(repo, 'dist/members.json', zeros(repo, 300_000_000));
    const e = errorOf(repo, 'HEAD:dist');
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toMatch(/HEAD:dist is 28\d\.\d MB, more than orgctl reads \(256 MB\)/);
    expect((e as Error).message).toContain('HEAD:dist/members.json (286.1 MB)');
  });

  it('refuses a tree whose listing runs past what orgctl reads (a tree naming one subtree many times), saying so', () => {
    const { repo } = repoWithOutput('r82-tree-');
    // A link at every leaf: before the bound, the listing was read whole and each of its 2 million entries named.
    const link = gitWith(repo, ['hash-object', '-w', '--stdin'], 'x');
    const names = Array.from({ length: 128 }, (_, i) => `n${i}`);
    let tree = gitWith(repo, ['mktree', '-z'], names.map((n) => `120000 blob ${link}\t${n}\0`).join(''));
    for (let depth = 0; depth < 2; depth++)
      tree = gitWith(repo, ['mktree', '-z'], names.map((n) => `040000 tree ${tree}\t${n}\0`).join(''));
    const dist = gitWith(repo, ['ls-tree', '-z', 'HEAD:dist'], '').replace(/\0+$/, '');
    const withBomb = gitWith(repo, ['mktree', '-z'], `${dist}\u0000040000 tree ${tree}\tbomb\u0000`);
    const root = gitWith(repo, ['mktree', '-z'], `040000 tree ${withBomb}\tdist\0`);
    gitIn(repo)('update-ref', 'refs/heads/bomb', gitIn(repo)('commit-tree', root, '-p', 'HEAD', '-m', 'bomb'));
    const e = errorOf(repo, 'bomb:dist');
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toMatch(/git ls-tree printed more than orgctl reads \(64 MB\)/);
    expect((e as Error).message.length).toBeLessThan(2000);
  });

  it('reads the org/ code a change adds up to a total, and says which files it did not read', async () => {
    const { repo } = repoWithOutput('r82-code-');
    const paths = Array.from({ length: 20 }, (_, i) => `org/part-${String(i).padStart(2, '0')}.ts`);
    // Just under a file's 1 MiB each: 20 MiB together.
    const text = `export const x = 1;\n${'//'.padEnd(2 ** 20 - 30, '.')}\n`;
    const file = join(repo, 'blob.txt');
    writeFileSync(file, text);
    const blob = gitIn(repo)('hash-object', '-w', file); // the same text: one blob for every path
    for (const p of paths) commitObject(repo, p, blob);
    const here = process.cwd();
    process.chdir(repo);
    try {
      const read = await readOrgCode('HEAD', paths);
      const files = read && 'files' in read ? read.files : [];
      expect(files.filter((f) => f.findings.length === 0).length).toBe(16);
      const unread = files.filter((f) => f.findings.length);
      expect(unread.map((f) => f.path)).toEqual(paths.slice(16));
      expect(unread[0]!.findings[0]!.text).toMatch(/more than orgctl reads of a change's org\/ code \(16 MB\)/);
    } finally {
      process.chdir(here);
    }
  });
});

/** A repository whose main commits dist/ and org/, and whose head commit changes org/ as `change` does. */
function repoWithOrgChange(change: (repo: string) => void): { readonly repo: string; readonly head: string } {
  const { repo, git } = repoWithOutput('r82-org-');
  mkdirSync(join(repo, 'org'));
  writeFileSync(join(repo, 'org/org.ts'), "import { Organization } from 'orgctl';\nexport const org = Organization;\n");
  writeFileSync(join(repo, 'org/people.ts'), 'export const people = ["alice"];\n');
  git('add', '-A');
  git('commit', '-q', '-m', 'org');
  change(repo);
  git('add', '-A');
  git('commit', '-q', '-m', 'head');
  return { repo, head: git('rev-parse', 'HEAD') };
}

describe('review --github reads head’s org/ code from git objects (held)', () => {
  const review = standin.reviewsOnStandin(
    () => join(ROOT, 'dist'),
    () => standin.pullRequestEvent(),
  );

  /** The comment review --github posts on a pull request of `files`, head read from `head` in `repo`. */
  async function commentOn(repo: string, head: string, files: standin.StandinState['files']) {
    const here = process.cwd();
    process.chdir(repo);
    try {
      return await review(`${head}:dist`, { files });
    } finally {
      process.chdir(here);
    }
  }

  it('reads a file renamed with edits at its new path, from the head commit (held)', async () => {
    const { repo, head } = repoWithOrgChange((r) => {
      gitIn(r)('mv', 'org/people.ts', 'org/teams.ts');
      writeFileSync(
        join(r, 'org/teams.ts'),
        'export const people = ["alice"];\nexport const token = process.env.GITHUB_TOKEN;\n',
      );
    });
    const { comment } = await commentOn(repo, head, [
      { filename: 'org/teams.ts', status: 'renamed', previousFilename: 'org/people.ts' },
    ]);
    expect(comment).toContain('org/teams.ts:2 reads the global process');
  });

  it('shows a file name of org/ as data: a line break, a direction override, markdown, the marker and a long name act on nothing', async () => {
    const name = `org/a\u202Egnp.ts\n## ✅ approved | \`org-code\` | ✅ |<!-- orgctl-review -->${'x'.repeat(3000)}.ts`;
    const { repo, head } = repoWithOrgChange((r) => {
      const file = join(r, 'blob.txt');
      writeFileSync(file, 'export const token = process.env.GITHUB_TOKEN;\n');
      gitIn(r)('update-index', '--add', '--cacheinfo', `100644,${gitIn(r)('hash-object', '-w', file)},${name}`);
      rmSync(file);
    });
    const { comment } = await commentOn(repo, head, [{ filename: name, status: 'added' }]);
    const row = comment.split('\n').filter((l) => l.startsWith('| `org-code` |'));
    expect(row).toHaveLength(1);
    expect(row[0]).toContain('org/a\\<U+202E\\>gnp.ts'); // as escapeMarkdown writes it: the override shown, not acting
    expect(row[0]).toContain('reads the global process');
    expect(comment).not.toContain('\u202E');
    expect(comment.split('\n').filter((l) => l.startsWith('## ✅'))).toEqual([]);
    expect(comment.split('<!-- orgctl-review -->')).toHaveLength(2);
  });

  it('fails a symbolic link or a submodule the change adds to org/, which code imports through (repository-tree)', async () => {
    const { repo, head } = repoWithOrgChange((r) => {
      symlinkSync('../node_modules/esbuild/lib', join(r, 'org/lib'));
      writeFileSync(
        join(r, 'org/org.ts'),
        "import { Organization } from 'orgctl';\nimport { build } from './lib/main.js';\nimport { x } from './vendor/x.ts';\nexport const org = [Organization, build, x];\n",
      );
      gitIn(r)('update-index', '--add', '--cacheinfo', `160000,${gitIn(r)('rev-parse', 'HEAD')},org/vendor`);
    });
    const { comment, conclusion } = await commentOn(repo, head, [
      { filename: 'org/org.ts', status: 'modified' },
      { filename: 'org/lib', status: 'added', mode: '120000' },
      { filename: 'org/vendor', status: 'added', mode: '160000' },
    ]);
    expect(conclusion).toBe('failure');
    expect(comment).toMatch(/`repository-tree` \| ❌ \| head holds a symbolic link: org\/lib\./);
    expect(comment).toMatch(/`repository-tree` \| ❌ \| head holds a submodule: org\/vendor\./);
  });
});

type Step = { id?: string; run?: string };
const REVIEW_WORKFLOW = parse(readFileSync(join(ROOT, 'deploy/github/orgctl-review.yaml'), 'utf8')) as {
  jobs: Record<string, { steps: Step[] }>;
};

describe("R82-3: the workflow's extraction of head's files asks their sizes before writing any", () => {
  it.each(['pull', 'review'])("the %s job's extraction refuses a head dist/ past 256 MB, writing nothing", (job) => {
    const { repo, git } = repoWithOutput('r82-extract-');
    writeFileSync(join(repo, 'package.json'), '{"dependencies":{"orgctl":"0.3.0"}}\n');
    writeFileSync(join(repo, 'package-lock.json'), '{}\n');
    git('add', '-A');
    git('commit', '-q', '-m', 'package files');
    commitObject(repo, 'dist/members.json', zeros(repo, 300_000_000));
    git('update-ref', 'refs/remotes/pull/head', 'HEAD');
    const temp = tempDir('r82-runner-');
    writeFileSync(join(temp, 'output'), '');
    const step = REVIEW_WORKFLOW.jobs[job]!.steps.find((s) => s.id === 'extract')!;
    try {
      const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], {
        cwd: repo,
        encoding: 'utf8',
        env: { ...process.env, RUNNER_TEMP: temp, GITHUB_OUTPUT: join(temp, 'output') },
      });
      const written = ['head.partial', 'head']
        .map((d) => join(temp, d, 'dist/members.json'))
        .filter((f) => existsSync(f));
      expect({
        status: r.status === 0 ? 0 : 'refused',
        written: written.reduce((n, f) => n + statSync(f).size, 0),
        extracted: existsSync(join(temp, 'head')),
      }).toEqual({ status: 'refused', written: 0, extracted: false });
      expect(r.stderr).toMatch(/more than 256 MB/);
    } finally {
      rmSync(temp, { recursive: true, force: true });
      rmSync(repo, { recursive: true, force: true });
    }
  });

  it("says orgctl's own limits (MAX_OUTPUT_BYTES, MAX_LISTING_BYTES), in each extraction", () => {
    for (const job of ['pull', 'review']) {
      const step = REVIEW_WORKFLOW.jobs[job]!.steps.find((s) => s.id === 'extract')!;
      expect(step.run).toContain(`max=${MAX_OUTPUT_BYTES}`);
      expect(step.run).toContain(`more than ${MAX_OUTPUT_BYTES / 2 ** 20} MB (what orgctl reads of an output)`);
      const listing = MAX_LISTING_BYTES / 2 ** 20;
      expect(step.run).toContain(`list=$((${listing} * 1024 * 1024))`);
      expect(step.run).toContain(`git ls-tree lists more than ${listing} MB`);
    }
  });
});

describe('a head dist/ whose blob this clone does not hold (a shallow or partial clone)', () => {
  it('is refused, saying what to fetch', () => {
    const { repo, git } = repoWithOutput('r82-missing-');
    const sha = git('rev-parse', 'HEAD:dist/members.json');
    rmSync(join(repo, '.git/objects', sha.slice(0, 2), sha.slice(2)));
    const e = errorOf(repo, 'HEAD:dist');
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toBe(
      `HEAD:dist/members.json: git has no object ${sha} here (a shallow or partial clone?): fetch the commit's whole tree (git fetch --unshallow, or a checkout with fetch-depth: 0 and no filter)`,
    );
  });
});
