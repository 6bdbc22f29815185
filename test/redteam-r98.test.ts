/**
 * R98: the review's GitHub side, what R86, R85 and R87 left. An attacker is anyone who may open a
 * pull request (every file of head, whatever its runs upload) or re-run, dispatch and review.
 *
 * - R98-1 (low: a check left pending with advice that cannot work): "Re-run all jobs" of an
 *   upgrade's run fails at the pull job's upload of orgctl-head-files (upload-artifact v4 refuses a
 *   name the run holds, earlier attempts' included: 409; never overwritten, R86), past the pull job's
 *   mark. The review job, which needs the pull job, never runs, so neither orgctl nor the review's
 *   "failed before judging" step fails the check: it stays in progress, saying "re-run the job",
 *   which fails the same way every time; docs/github.md said a job that failed before orgctl ran
 *   fails the check, and that re-running judges again.
 * - R98-2 (medium: a stale success, R86-2's class): a run whose own mark GitHub refused posted its
 *   success without looking for a newer run's mark (nothing dated its reading), so a success landing
 *   after a newer run's mark (the pull request closed, an approval dismissed) stood until that run's
 *   review job marked again.
 * - R98-4 (low: a local review misled): `orgctl review --approved-by` took logins only, matched by
 *   name, while on GitHub the account id wins (R87): a renamed admin's new login was nobody, and
 *   nothing could tell the admin's old login, anyone's once freed, from the admin. Now LOGIN:ID is
 *   judged by the one rule (givenAccountIds feeds ReviewInput.accountIds); a login alone is still
 *   taken by name, without a warning (every admin declares an id: each local review would warn).
 *
 * - R98-3 (medium, needs a writer who re-runs and an admin approving an upgrade's lock): head-engine's
 *   code holds the run's artifact token, so in attempt 1 (head A) it may delete orgctl-head-files
 *   and leave its own orgctl-head-proof; after a push of B, "Re-run all jobs" uploads B's files,
 *   head-engine's upload of its proof is refused (409), and the review, reading the run's one proof
 *   whenever head-engine wrote `proved`, took attempt 1's as B's. It now reads a proof only from a
 *   head-engine that succeeded (its own upload made the run's one proof).
 *
 * Left: whether GitHub accepts head-engine's artifact token after its job ended (a replayed token
 * could delete and replace the proof after head-engine's upload: nothing in the artifact says which
 * job made it; GitHub does not document the token's lifetime), and whether artifacts of an earlier
 * attempt stay listed beside a re-run's (the stand-in follows upload-artifact's 409 reports).
 *
 * Held (guards at the end pass as they stand): a proof is paired with its head by the pull job (its
 * output head-sha, set by the job that runs no code of the pull request) and by the run (the review
 * lists this run's artifacts only: another run's, a trigger's or an earlier run of the same pull
 * request's, are never read); a re-run cannot pair an earlier attempt's proof with another head
 * (R86: no name is uploaded over, so a re-run whose pull job meets another head fails at its upload;
 * a re-run of failed jobs keeps the pull job's head-sha, and the review refuses a proof of another
 * commit than the head it reads); the artifact names carry no attempt, so head-engine's code (which
 * holds the run's artifact token) cannot plant a proof under a name a later attempt would read; the
 * review reads of head-engine's outputs only `proved`, which gates the fetch and vouches for nothing;
 * what any workflow script posts on orgctl/review is a mark in progress or a failure.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ROOT, run, runStep, tempDir } from './helpers.ts';
import { beforePost } from './redteam-posting-hook.ts';
import { H, inForce, newerRunMarks, repositories } from './redteam-r18-repository.ts';
import { distOf, erinGainsConfigMaps } from './review/scenarios.ts';
import { shippedWorkflow } from './workflow-lint.ts';

vi.mock('./../github/adapter.ts', async (original) =>
  (await import('./redteam-posting-hook.ts')).postingAfter(await original()),
);
const { reviewOnGitHub } = await import('../cli/github.ts');
const repository = repositories(reviewOnGitHub);

const review = shippedWorkflow('orgctl-review.yaml');

describe('R98-1: a re-run of all jobs of an upgrade’s run, which fails at the pull job’s upload, fails the check', () => {
  const pull = review.jobs.pull!;

  /**
   * The pull job as GitHub runs it on "Re-run all jobs" of an upgrade's run of #42 (head H): its
   * scripts from the mark on, with a stand-in gh recording each call, up to the upload of
   * orgctl-head-files, which upload-artifact v4 refuses (409: the run holds the name since its first
   * attempt); then the steps GitHub still runs after a failure (`failure()` or `always()`).
   * Returns gh's calls.
   */
  function rerunAllJobs(): string[] {
    const root = tempDir();
    const [workspace, bin] = ['work', 'bin'].map((d) => join(root, d));
    for (const d of [workspace!, bin!]) mkdirSync(d);
    const log = join(root, 'gh-calls');
    writeFileSync(
      join(bin!, 'gh'),
      [
        '#!/bin/bash',
        `printf '%s\\n' "$*" >> ${JSON.stringify(log)}`,
        'case "$*" in',
        `  "api repos/acme/org/pulls/42 --jq .head.sha") echo ${H} ;;`,
        '  "api -X POST repos/acme/org/check-runs "*) echo "{}" ;;',
        '  *) echo "unexpected gh $*" >&2; exit 9 ;;',
        'esac',
        '',
      ].join('\n'),
    );
    chmodSync(join(bin!, 'gh'), 0o755);
    writeFileSync(log, '');
    const output = join(root, 'output');
    writeFileSync(output, '');
    const env = { GITHUB_REPOSITORY: 'acme/org', GITHUB_OUTPUT: output, GH_TOKEN: 'token', NUMBER: '42' };
    const mark = pull.steps.find((s) => s.id === 'mark')!;
    expect(runStep(mark.run!, workspace!, bin!, env).status).toBe(0);
    const sha = /^sha=(.*)$/m.exec(readFileSync(output, 'utf8'))?.[1] ?? '';
    const upload = pull.steps.findIndex((s) => s.id === 'head-files');
    expect(pull.steps[upload]?.uses).toMatch(/^actions\/upload-artifact@/);
    // The upload fails (409): GitHub runs only the steps that run after a failure.
    for (const s of pull.steps.slice(upload + 1).filter((s) => /\b(failure|always)\(\)/.test(s.if ?? ''))) {
      const r = runStep(s.run ?? 'exit 99', workspace!, bin!, { ...env, SHA: sha });
      expect(r.stderr, s.name).toBe('');
    }
    return readFileSync(log, 'utf8').trim().split('\n');
  }

  it('the review job, which would fail the check, never runs after the pull job failed', () => {
    expect(review.jobs.review!.if).toMatch(/needs\.pull\.result == 'success'/);
  });

  it('the pull job fails the head it marked, saying to start a new run (re-running this one fails the same way)', () => {
    const posts = rerunAllJobs().filter((c) => c.includes('check-runs'));
    expect(posts[0]).toMatch(/-f status=in_progress /);
    const failed = posts.slice(1);
    expect(failed, 'the check stays in progress: no verdict ever comes').toHaveLength(1);
    expect(failed[0]).toContain(`-f conclusion=failure -f output[title]=could not be judged`);
    expect(failed[0]).toContain(`head_sha=${H}`);
    expect(failed[0]).toMatch(/gh workflow run 'orgctl review' -f pull=42/);
  });

  it('docs/github.md no longer says that re-running an upgrade’s run judges it again', () => {
    const doc = readFileSync(join(ROOT, 'docs/github.md'), 'utf8').replace(/\s+/g, ' ');
    expect(doc).toMatch(/Re-run all jobs.{0,400}fails at the `pull` job's upload/);
    expect(doc).toMatch(/gh workflow run 'orgctl review' -f pull=N/);
  });
});

describe('R98-2: a run whose own mark GitHub refused posts no success', () => {
  it('the mark refused (one 403); alice closes #42 and the `closed` run marks H while the older run posts: its success must not stand', async () => {
    const opened = await repository([]);
    opened.state.faults.push({ method: 'POST', path: /\/check-runs$/, status: 403, times: 1 });
    beforePost.once = async () => {
      opened.state.pull = { ...opened.state.pull, state: 'closed' };
      opened.state.pull.stateEvents = [{ event: 'closed', actor: 'alice' }];
      await newerRunMarks(opened.standin.url);
    };
    const older = await opened.review(42);
    expect(older.io.errs.join('\n')).toMatch(/could not mark the check run in progress/);
    expect(inForce(opened.state.checkRuns, H)?.conclusion, 'a success landed after the newer run’s mark').not.toBe(
      'success',
    );
    expect(older.code).toBe(1);
    // The newer run's review job: #42 is closed, H fails.
    expect((await opened.review(42)).code).toBe(1);
    expect(inForce(opened.state.checkRuns, H)?.conclusion).toBe('failure');
  });

  it('nothing changed: the run that could not mark fails the check, and a re-run that can mark passes it', async () => {
    const opened = await repository([]);
    opened.state.faults.push({ method: 'POST', path: /\/check-runs$/, status: 403, times: 1 });
    const refused = await opened.review(42);
    expect(refused.code).toBe(1);
    expect(inForce(opened.state.checkRuns, H)?.conclusion).toBe('failure');
    expect(refused.io.errs.join('\n')).toMatch(/could not be marked in progress.*re-run the job/);
    expect((await opened.review(42)).code).toBe(0);
    expect(inForce(opened.state.checkRuns, H)?.conclusion).toBe('success');
  });
});

describe('R98-4: a local review takes the account id beside a login, as the review on GitHub reads it', () => {
  /** erin gains w:configmaps in web, proposed by bob (no admin): an admin's approval passes it. */
  async function localReview(...approvedBy: string[]) {
    const acme = readFileSync(join(ROOT, 'test/fixtures/specs/acme.yaml'), 'utf8');
    const [base, head] = [await distOf(acme), await distOf(erinGainsConfigMaps(acme))];
    const approvals = approvedBy.flatMap((a) => ['--approved-by', a]);
    return run(['review', '--base', base, '--head', head, '--actor', 'bob', ...approvals, '--format', 'json']);
  }
  const failed = (stdout: string) =>
    (JSON.parse(stdout) as { results: { rule: string; ok: boolean }[] }).results
      .filter((r) => !r.ok)
      .map((r) => r.rule);

  it('frank renamed his account frank-new: frank-new:1742619 (his declared id) is frank, as on GitHub (R87-1)', async () => {
    const r = await localReview('frank-new:1742619');
    expect(r.stderr).not.toMatch(/error/i);
    expect(failed(r.stdout)).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('frank’s freed login, taken by account 999: frank:999 is nobody, and the verdict says which account holds it', async () => {
    const r = await localReview('frank:999');
    expect(failed(r.stdout)).toContain('actor-not-admin');
    expect(r.stdout).toMatch(/login frank is held by account 999, not frank@acme\.io's declared 1742619/);
  });

  it('held, by design: a bare login of an admin who declares an id is judged by name, without a warning', async () => {
    // Every admin declares an id (admin-github-id asks it), so a warning would come with every local
    // review given logins; the help says LOGIN:ID checks the account, as GitHub's answers do.
    const r = await localReview('frank');
    expect(failed(r.stdout)).toEqual([]);
    expect(r.stderr).toBe('');
  });

  it('an id that is not a number is a usage error', async () => {
    const r = await localReview('frank:17x');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--approved-by frank:17x/);
  });
});

describe('R98-3: a proof an earlier attempt left is never read beside a later attempt’s head', () => {
  /** Whether a step's `if` (terms `X == 'v'` joined by &&) holds, with `values` for each X. */
  const holds = (condition: string, values: Record<string, string>) =>
    condition.split('&&').every((term) => {
      const m = /^\s*([\w.-]+) == '([^']*)'\s*$/.exec(term);
      expect(m, term).not.toBeNull();
      return values[m![1]!] === m![2];
    });

  it('head-engine’s code (attempt 1, head A) deletes orgctl-head-files with the run’s artifact token and leaves its own proof; a push of B and "Re-run all jobs": head-engine fails at its upload (409), and the review must not read attempt 1’s proof as B’s', () => {
    // Attempt 2: the pull job uploads B's files (the name freed) and outputs head-sha B; head-engine
    // proves B, writes `proved`, and its upload of orgctl-head-proof is refused: attempt 1's holds it.
    const proof = review.jobs.review!.steps.find((s) => s.id === 'head-proof')!;
    const attempt2 = { 'needs.head-engine.outputs.proved': 'true', 'needs.head-engine.result': 'failure' };
    expect(holds(proof.if!, attempt2), 'the review fetches the one orgctl-head-proof the run holds: attempt 1’s').toBe(
      false,
    );
    // A head-engine that succeeded uploaded the proof itself (no name held before it).
    expect(holds(proof.if!, { ...attempt2, 'needs.head-engine.result': 'success' })).toBe(true);
  });
});

describe('R98-3 guards: what held (a proof is paired with its head by the run and the pull job)', () => {
  const reviewJob = review.jobs.review!;
  const text = readFileSync(join(ROOT, 'deploy/github/orgctl-review.yaml'), 'utf8');

  it('the review reads of head-engine only its `proved` output, in the fetch’s condition: nothing there vouches for a head', () => {
    const uses = [...JSON.stringify(reviewJob).matchAll(/needs\.head-engine\.outputs\.([\w-]+)/g)].map((m) => m[1]);
    expect(new Set(uses)).toEqual(new Set(['proved']));
    const proof = reviewJob.steps.find((s) => s.id === 'head-proof')!;
    expect(proof.if).toMatch(/needs\.head-engine\.outputs\.proved == 'true'/);
    // The commit the proof is paired with is the pull job's, which runs no code of the pull request.
    const step = reviewJob.steps.find((s) => s.id === 'review')!;
    expect(step.env?.HEAD_PROOF_COMMIT).toBe('${{ needs.pull.outputs.head-sha }}');
    expect(review.jobs.pull!.outputs?.['head-sha']).toBe('${{ steps.extract.outputs.sha }}');
  });

  it('the proof is read from this run’s artifacts only, under a name that carries no attempt (nothing to plant for a later attempt)', () => {
    const proof = reviewJob.steps.find((s) => s.id === 'head-proof')!;
    expect(proof.run).toMatch(/^artifact=orgctl-head-proof run="\$GITHUB_RUN_ID" /);
    expect(text).not.toMatch(/run_attempt/);
  });
});
