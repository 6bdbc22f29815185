/**
 * Red team R138: trust leftovers of the last sessions' notes.
 *
 * R138-1: the check workflow proves the merged dist/ on a push to the branch Argo CD follows. Its
 * push trigger named `main` whatever `delivery.argocd.revision` said: in a repository whose
 * default branch (and so Argo CD's revision, delivery-source) is `production`, a merge there ran
 * no `check`, and nothing proved the dist/ Argo CD applies.
 *
 * R138-2 (R136-2): bin/orgctl.mjs names its bundle by the stats of orgctl's sources, and checks
 * the installed packages' files changed during a build (racy), but not the sources. On a file
 * system whose clock ticks coarsely (ext4 stamps from the scheduler's tick; ext3 keeps seconds),
 * a source written again within the tick its bundle was built in, to the same size, keeps the stat
 * the bundle was named by: the launcher ran the bundle of the bytes before.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { earlierWorkflowsNotice } from '../cli/workflows.ts';
import { cli, engineCopy, ROOT, run, waitOutRacyWindow } from './helpers.ts';
import { allProblems, pushRuns, repoFollowing } from './workflow-lint.ts';

const checkWorkflow = (repo: string) => readFileSync(join(repo, '.github/workflows/orgctl-check.yaml'), 'utf8');
const pushBranches = (text: string): string[] =>
  (parse(text) as { on: { push: { branches: string[] } } }).on.push.branches;

describe('R138-1: the check workflow runs on a push to the branch Argo CD follows', () => {
  it('an organization whose Argo CD follows refs/heads/production: its check workflow runs on a push to production', async () => {
    const repo = repoFollowing('refs/heads/production');
    // As init wrote them (for main), they are not this repository's: workflows says so, --write fixes it.
    expect((await run(['workflows', '--dir', repo])).code).toBe(1);
    expect((await run(['workflows', '--dir', repo, '--write'])).code).toBe(0);
    const text = checkWorkflow(repo);
    expect(pushRuns(pushBranches(text), 'production')).toBe(true);
    expect(pushRuns(pushBranches(text), 'main')).toBe(false);
    expect(await allProblems(text, 'orgctl-check.yaml')).toEqual([]);
    expect((await run(['workflows', '--dir', repo])).code).toBe(0);
  });

  it.each([
    ['release+1', ['release1', 'releasee+1']],
    ['!hotfix', ['main', 'hotfix']],
    ['ops/v2]{x},#1', ['ops/v2]{x}', 'ops/v2]x,#1']],
    ["it's", ['its']],
  ])('a branch whose name GitHub would read as a pattern (%s) is escaped: a push runs it there and nowhere else', async (branch, others) => {
    const repo = repoFollowing(`refs/heads/${branch}`);
    expect((await run(['workflows', '--dir', repo, '--write'])).code).toBe(0);
    const text = checkWorkflow(repo);
    expect(pushRuns(pushBranches(text), branch)).toBe(true);
    for (const other of others) expect(pushRuns(pushBranches(text), other), other).toBe(false);
    expect(await allProblems(text, 'orgctl-check.yaml')).toEqual([]);
  });

  it('a check workflow written for another branch is replaced, losing nothing; one edited by hand is left', async () => {
    const repo = repoFollowing('refs/heads/production');
    expect((await run(['workflows', '--dir', repo, '--write'])).code).toBe(0);
    const members = join(repo, 'dist/members.json');
    writeFileSync(members, readFileSync(members, 'utf8').replace('refs/heads/production', 'refs/heads/prod'));
    const listed = await run(['workflows', '--dir', repo]);
    expect(listed.code).toBe(1);
    expect(listed.stdout).toMatch(/orgctl-check\.yaml\s+earlier/);
    expect(listed.stdout).toContain('orgctl-check.yaml proves dist/ on a push to prod, the branch Argo CD follows');
    expect((await run(['workflows', '--dir', repo, '--write'])).code).toBe(0);
    expect(pushBranches(checkWorkflow(repo))).toEqual(['prod']);
    const mine = checkWorkflow(repo).replace('runs-on: ubuntu-latest', 'runs-on: [self-hosted]');
    writeFileSync(join(repo, '.github/workflows/orgctl-check.yaml'), mine);
    expect((await run(['workflows', '--dir', repo, '--write'])).stdout).toMatch(/orgctl-check\.yaml\s+edited/);
    expect(checkWorkflow(repo)).toBe(mine);
  });

  it("synth notes a check workflow that does not run on a push to the organization's branch", () => {
    const repo = repoFollowing('refs/heads/production');
    expect(earlierWorkflowsNotice(repo, 'refs/heads/production')).toMatch(
      /orgctl-check\.yaml is an earlier orgctl's or for another branch than production, which Argo CD follows: `npx orgctl workflows --write`/,
    );
    expect(earlierWorkflowsNotice(repo, 'refs/heads/main')).toBeUndefined();
    expect(earlierWorkflowsNotice(repo)).toBeUndefined();
  });

  it.each([
    // GitHub reads `${{` in a workflow as an expression, which on: has no context for: it would refuse the workflow.
    ['refs/heads/x${{github.token}}', 'holds `${{`'],
    ['production', 'organization.argocd.revision "production" is not a branch by its full name'],
  ])('a dist/members.json whose revision is %s is refused, saying why, and the workflow left', async (revision, why) => {
    const repo = repoFollowing(revision);
    const r = await run(['workflows', '--dir', repo, '--write']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(why);
    expect(checkWorkflow(repo)).toBe(readFileSync(join(ROOT, 'deploy/github/orgctl-check.yaml'), 'utf8'));
  });
});

describe('R138-2: a source written again within the tick its bundle was built in', () => {
  it('is bundled again, to the same size: the launcher runs the bytes written, not the bundle of those before', () => {
    const { dir } = engineCopy();
    const file = join(dir, 'cli/levels.ts');
    const before = readFileSync(file, 'utf8');
    const help = 'every level a grant may name';
    expect(before.split(help)).toHaveLength(2);
    // Written, and the bundle built, within one tick of a coarse clock: the file keeps its times.
    const coarse = {
      NODE_OPTIONS: `--import=${join(ROOT, 'test/fixtures/launcher/coarse-clock.mjs')}`,
      ORGCTL_TEST_COARSE_FILE: file,
      // Ahead of the clock: within the build's racy window however long the run takes to start it.
      ORGCTL_TEST_COARSE_MS: String(Date.now() + 600_000),
    };
    const orgctl = () => cli(['levels', '--help'], { engine: dir, env: coarse });
    expect(orgctl().stdout).toContain(help);
    const { ino, size } = statSync(file);
    writeFileSync(file, before.replace(help, help.toUpperCase())); // in place, the same size
    expect([statSync(file).ino, statSync(file).size]).toEqual([ino, size]);
    const after = orgctl();
    expect(after.code).toBe(0);
    expect(after.stdout).toContain('EVERY LEVEL A GRANT MAY NAME');
  });

  it("lists a copy's recent sources by their bytes; once none may change unseen, lists none and reads none", () => {
    const { dir, cache } = engineCopy();
    const inputs = () => {
      const [name] = readdirSync(cache).filter((n) => n.endsWith('.inputs'));
      return JSON.parse(readFileSync(join(cache, name!), 'utf8')) as { recent: Record<string, string> };
    };
    const bundles = () => readdirSync(cache).filter((n) => /^[0-9a-f]{16}$/.test(n));
    const first = cli(['levels'], { engine: dir });
    expect(first.code).toBe(0);
    // Those copied within the racy window of the build (how many depends on the machine's pace).
    for (const [file, digest] of Object.entries(inputs().recent)) {
      expect(file.startsWith(`${dir}/`), file).toBe(true);
      expect(createHash('sha256').update(readFileSync(file)).digest('hex'), file).toBe(digest);
    }
    const built = bundles();
    expect(built).toHaveLength(1);
    waitOutRacyWindow();
    expect(cli(['levels'], { engine: dir })).toMatchObject({ code: 0, stdout: first.stdout });
    expect(inputs().recent).toEqual({});
    expect(bundles()).toEqual(built);
  });
});
