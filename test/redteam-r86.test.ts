/**
 * R86: the review's GitHub side, what R85 and R82 left. An attacker is anyone who may open a pull
 * request (every file of head, whatever its runs upload) or submit a review (which starts a run of
 * the privileged workflow from the pull request's own copy of the trigger).
 *
 * - R86-1 (low-medium: the disk of the job holding the token): the pull job unpacked the trigger's
 *   artifact `pull-number` with `gh run download`, which writes every entry of the zip, of any size
 *   (a pull-number of gigabytes deflates to megabytes; entries beside it are written too), before
 *   the step read 16 bytes of it. The trigger is the pull request's own copy of its workflow: its
 *   artifact is whatever that copy uploads.
 * - R86-2 (medium: a stale success, as R85-2's): a run a review started waits, at workflow level, in
 *   a group of its own (its trigger's run id: the number is known only once `pull` read it), so it
 *   runs beside a run of the same pull request that a label, a push or closing it started. That
 *   newer run's `pull` job marks the head in progress at once (R85-2), while the older run's review
 *   job, past its last reading of the pull request, is posting: its success lands after the mark and
 *   stands, the pull request closed (or a label off, an approval dismissed), until the newer run's
 *   review job, waiting for the older one's and for head-engine (an upgrade's orgctl, which may
 *   stall its 15 minutes), marks again.
 * - R86-3 (low: the reviewer's own machine; R82's leftover): `orgctl review --base REF --head REF`
 *   asks `git merge-tree --write-tree` which paths merging head writes. It merges in content each
 *   blob both sides changed (xdiff, over files up to GitHub's 100 MB: a 100 MB blob of one byte
 *   repeated is 100 KB pushed) and writes what it merged as objects, bounded by nothing; and its
 *   listing was read with Node's default buffer (1 MB, then "spawnSync git ENOBUFS"), not orgctl's
 *   listing limit.
 *
 * Held (the guards at the end pass as they stand): what a run of the pull request writes and a
 * privileged job reads is its two artifacts, each fetched by the one bounded script (R86-1), and a
 * re-run cannot pair one attempt's proof with another head (upload-artifact v4 refuses a name the
 * run holds, so a re-run's pull job meeting another head fails at its upload; a re-run of failed
 * jobs keeps the pull job's head-sha); the trigger's number counts only for the pull request whose
 * head the trigger ran on (R17-2), and a re-run of the trigger keeps its head_sha; what a workflow
 * script posts on orgctl/review is a mark in progress or a failure, so an older run's late mark or
 * failure only withholds (closed), and only orgctl's verdict passes, now read again against every
 * check run of the head (R86-2); the sticky comment informs (the check run decides); the
 * orgctl-access pages are uploaded over anything of that name. Left: a run whose own mark GitHub
 * refused does not look for a newer run's (nothing dates its reading); an older run's late mark with
 * no verdict after it (its pull job failing past the mark, a re-run of all jobs of an upgrade's run,
 * which fails at the pull job's upload) leaves the head pending until a run is started again
 * (closed, a nuisance); a run whose verdict another run's check run of the same head (a copy's, or
 * one any workflow with checks: write posts) follows within its mark and its verdict fails that
 * check, leaving a re-run to judge again; the workflow-level group of a run a review started is
 * still its own (the number is in the trigger's artifact), so such runs still overlap, ordered by
 * the check runs alone.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { changedPathsBetween } from '../cli/git.ts';
import { MAX_OUTPUT_BYTES } from '../cli/output.ts';
import { InputError } from '../model/errors.ts';
import { gitIn, runStep, tempDir } from './helpers.ts';
import { beforePost } from './redteam-posting-hook.ts';
import { H, inForce, newerRunMarks, repositories } from './redteam-r18-repository.ts';
import { filesUnder, shippedWorkflow, zipOf, type ZipEntry } from './workflow-lint.ts';

vi.mock('./../github/adapter.ts', async (original) =>
  (await import('./redteam-posting-hook.ts')).postingAfter(await original()),
);
const { reviewOnGitHub } = await import('../cli/github.ts');
const repository = repositories(reviewOnGitHub);

const review = shippedWorkflow('orgctl-review.yaml');

describe('R86-1: the pull job reads the trigger’s artifact pull-number as data, never unpacking it', () => {
  const pull = review.jobs.pull!;
  const H = 'a'.repeat(40);

  /**
   * The pull job's steps up to the number (`pr`), run in order as GitHub runs them for a run a
   * review started (trigger run 7, on H, the head of #42), with a stand-in gh serving a zip of
   * `entries` as that run's one artifact pull-number; `gh run download` writes every entry, as gh does.
   */
  function number(entries: readonly ZipEntry[]) {
    const root = tempDir();
    const [workspace, temp, bin] = ['work', 'temp', 'bin'].map((d) => join(root, d));
    for (const d of [workspace, temp, bin]) mkdirSync(d);
    const zip = join(root, 'served.zip');
    zipOf(zip, entries);
    writeFileSync(
      join(bin, 'gh'),
      [
        '#!/bin/bash',
        'case "$*" in',
        `  "api repos/acme/org/actions/runs/7/artifacts?name=pull-number "*) echo 4343 ;;`,
        `  "api repos/acme/org/actions/artifacts/4343/zip") cat ${JSON.stringify(zip)} ;;`,
        `  "run download 7 --repo acme/org --name pull-number --dir "*) mkdir -p "\${@: -1}" && unzip -qo ${JSON.stringify(zip)} -d "\${@: -1}" ;;`,
        `  "api repos/acme/org/pulls/42 --jq .head.sha") echo ${H} ;;`,
        '  *) echo "unexpected gh $*" >&2; exit 9 ;;',
        'esac',
        '',
      ].join('\n'),
    );
    chmodSync(join(bin, 'gh'), 0o755);
    const output = join(root, 'output');
    writeFileSync(output, '');
    const env = {
      RUNNER_TEMP: temp,
      GITHUB_REPOSITORY: 'acme/org',
      GITHUB_OUTPUT: output,
      GH_TOKEN: 'token',
      EVENT_NUMBER: '',
      RUN_ID: '7',
      RUN_HEAD_SHA: H,
    };
    const steps = pull.steps.slice(0, pull.steps.findIndex((s) => s.id === 'pr') + 1);
    let r: ReturnType<typeof runStep> | undefined;
    for (const s of steps) if ((r = runStep(s.run ?? 'exit 99', workspace, bin, env)).status !== 0) break;
    expect(r, 'the pull job has steps up to pr').toBeDefined();
    return { ...r!, temp, output: readFileSync(output, 'utf8').trim() };
  }

  it('reads the number the trigger wrote', () => {
    const r = number([{ name: 'pull-number', text: '42\n' }]);
    expect(r.stderr).toBe('');
    expect([r.status, r.output]).toEqual([0, 'number=42']);
  });

  it('refuses a pull-number past a pull number’s size, having written no more of it than that (a deflated 64 MB)', () => {
    for (const entry of [
      { name: 'pull-number', zeros: 64 * 2 ** 20 },
      { name: 'pull-number', text: '1'.repeat(33) },
    ]) {
      const r = number([entry]);
      expect(r.status).not.toBe(0);
      expect(r.output).toBe('');
      const written = Object.values(filesUnder(r.temp));
      expect(Math.max(0, ...written), 'the job holding the token wrote the zip’s entry whole').toBeLessThanOrEqual(
        4096,
      );
    }
  }, 60_000);

  it.each<[string, ZipEntry[]]>([
    [
      'a file beside it',
      [
        { name: 'pull-number', text: '42\n' },
        { name: 'node_modules/.bin/orgctl', text: '#!/bin/sh\necho owned\n' },
      ],
    ],
    [
      'a name out of the folder',
      [
        { name: 'pull-number', text: '42\n' },
        { name: '../work/package.json', text: '{"name":"orgctl","bin":"evil.js"}' },
      ],
    ],
    ['no pull-number', [{ name: 'number', text: '42\n' }]],
  ])('refuses a zip with %s, writing none of its names', (_, entries) => {
    const r = number(entries);
    expect(r.status).not.toBe(0);
    expect(r.output).toBe('');
    expect(r.stderr).toMatch(/the artifact pull-number: .*pull-number alone.*refusing to review/);
    expect(filesUnder(r.temp)).toEqual({});
  });

  it('fetches it with the review job’s own script for orgctl-head-proof: one text, only its parameters differ', () => {
    const params = /^artifact=.*\n/m;
    const fetch = pull.steps.find((s) => s.id === 'trigger');
    const proof = review.jobs.review!.steps.find((s) => s.id === 'head-proof')!;
    expect(fetch?.run).toMatch(params);
    expect(fetch?.run?.replace(params, '')).toBe(proof.run?.replace(params, ''));
    expect(fetch?.if).toBe("github.event_name == 'workflow_run'");
    expect(pull.steps.map((s) => s.id).slice(0, 3)).toEqual(['trigger', 'pr', 'mark']);
    // The jobs holding a token unpack no artifact (head-engine, which holds none, unpacks the pull job's).
    for (const s of [...pull.steps, ...review.jobs.review!.steps]) {
      expect(s.run ?? '', s.name).not.toMatch(/^[^#\n]*\bgh run download\b/m);
      expect(s.uses ?? '', s.name).not.toMatch(/download-artifact/);
    }
  });
});

describe('R86-2: an older run’s verdict never stands over a newer run’s mark', () => {
  it('a run a review started read #42 again and posts; alice closes #42 meanwhile, and the `closed` run marks H: the older success must not stand over that mark', async () => {
    const opened = await repository([]);
    beforePost.once = async () => {
      opened.state.pull = { ...opened.state.pull, state: 'closed' };
      opened.state.pull.stateEvents = [{ event: 'closed', actor: 'alice' }];
      await newerRunMarks(opened.standin.url);
    };
    const older = await opened.review(42);
    expect(
      inForce(opened.state.checkRuns, H)?.conclusion,
      'the older run’s success landed after the newer run’s mark',
    ).not.toBe('success');
    expect(older.io.errs.join('\n')).toMatch(/a newer run of the review marked/);
    // The newer run's review job, after the older one's: #42 is closed, H fails.
    expect((await opened.review(42)).code).toBe(1);
    expect(inForce(opened.state.checkRuns, H)?.conclusion).toBe('failure');
  });

  it('nothing the verdict reads changed (a title edit started the newer run): the older run still yields, and the newer run’s verdict is the one that stands', async () => {
    const opened = await repository([]);
    beforePost.once = () => newerRunMarks(opened.standin.url);
    await opened.review(42);
    expect(inForce(opened.state.checkRuns, H)?.conclusion).not.toBe('success');
    expect((await opened.review(42)).code).toBe(0);
    expect(inForce(opened.state.checkRuns, H)?.conclusion).toBe('success');
  });

  it('a newer run’s mark before this run’s own mark is no reason to yield: this run read the pull request after it', async () => {
    const opened = await repository([]);
    await newerRunMarks(opened.standin.url);
    expect((await opened.review(42)).code).toBe(0);
    expect(inForce(opened.state.checkRuns, H)?.conclusion).toBe('success');
  });
});

describe('R86-3: a local review of two git refs bounds what git merge-tree merges', () => {
  /**
   * A repository whose `main` and `head` both changed `org/big.txt` since their merge base, head
   * to a blob of `zeros` bytes (as many pushed KB as MB) and main to one of `mainZeros`, plus head's
   * `org/more.txt` of `more` bytes.
   */
  function sides(zeros: number, more: number, mainZeros = 10) {
    const repo = tempDir();
    const git = gitIn(repo);
    git('init', '-q', '-b', 'main');
    const blob = (bytes: number, tail: string) =>
      spawnSync('sh', ['-c', `{ head -c ${bytes} /dev/zero; printf '${tail}'; } | git hash-object -w --stdin`], {
        cwd: repo,
        encoding: 'utf8',
      }).stdout.trim();
    const commit = (files: Record<string, string>, parents: string[], message: string) => {
      const index = join(repo, `.git/index-${message}`);
      const env = { ...process.env, GIT_INDEX_FILE: index };
      for (const [path, oid] of Object.entries(files))
        spawnSync('git', ['update-index', '--add', '--cacheinfo', `100644,${oid},${path}`], { cwd: repo, env });
      const tree = spawnSync('git', ['write-tree'], { cwd: repo, env, encoding: 'utf8' }).stdout.trim();
      const p = parents.flatMap((x) => ['-p', x]);
      return git('commit-tree', tree, ...p, '-m', message).trim();
    };
    const root = commit({ 'org/big.txt': blob(10, 'root\n') }, [], 'root');
    git('update-ref', 'refs/heads/main', commit({ 'org/big.txt': blob(mainZeros, 'main\n') }, [root], 'main'));
    const headFiles: Record<string, string> = { 'org/big.txt': blob(zeros, 'head\n') };
    if (more) headFiles['org/more.txt'] = blob(more, 'more\n');
    git('update-ref', 'refs/heads/head', commit(headFiles, [root], 'head'));
    return repo;
  }

  /** changedPathsBetween, as `orgctl review --base main --head head` calls it, in `repo`. */
  function changed(repo: string): string[] | InputError {
    const here = process.cwd();
    process.chdir(repo);
    try {
      return changedPathsBetween('main', 'head');
    } catch (e) {
      if (e instanceof InputError) return e;
      throw e;
    } finally {
      process.chdir(here);
    }
  }

  it('merges a change of a few bytes on both sides as before: the path conflicts', () => {
    expect(changed(sides(10, 0))).toEqual(['org/big.txt']);
  });

  it('refuses, before git merge-tree runs, a head that wrote more than orgctl reads of an output (both sides changed the path: merged in content)', () => {
    const r = changed(sides(MAX_OUTPUT_BYTES / 2, MAX_OUTPUT_BYTES / 2));
    expect(r).toBeInstanceOf(InputError);
    expect(String(r)).toMatch(
      /what head wrote since its merge base with main is 256\.0 MB, more than orgctl reads \(256 MB\) of an output: git merge-tree, which would merge it, is not run; bring head up to date with base, or give the paths the change touches with --changed-path/,
    );
  }, 120_000);

  it('refuses, before git merge-tree runs, blobs both sides changed of more than orgctl reads of a change’s code (xdiff takes some 45 times their size)', () => {
    const r = changed(sides(9 * 2 ** 20, 0, 9 * 2 ** 20));
    expect(String(r)).toMatch(
      /what both main and head changed since their merge base is 18\.0 MB, more than orgctl reads \(16 MB\) of a change's code: git merge-tree, which would merge it, is not run/,
    );
    // Either side alone is merged as before: the other side took base's version.
    expect(changed(sides(10, 9 * 2 ** 20, 9 * 2 ** 20))).toEqual(['org/big.txt', 'org/more.txt']);
  }, 60_000);
});

describe('R86 guards: what held', () => {
  const uploads = Object.values(review.jobs).flatMap((j) =>
    j.steps.filter((s) => s.uses?.startsWith('actions/upload-artifact@')),
  );

  it('a re-run cannot pair one attempt’s head proof with another attempt’s head: a name the run holds is never uploaded over', () => {
    // upload-artifact v4 refuses a name the run already holds (409), earlier attempts' included, so a
    // re-run whose pull job meets another head fails at its upload (the head's files), before
    // head-engine or the review; one that re-runs failed jobs only keeps the pull job's head-sha,
    // the commit the proof it reads was made of. `overwrite` would let a re-run's pull job hand
    // over another head while the review read the proof an earlier attempt left.
    const byName = new Map(uploads.map((s) => [s.with?.name, s]));
    for (const name of ['orgctl-head-files', 'orgctl-head-proof']) {
      expect(byName.get(name)?.with?.overwrite, name).toBeUndefined();
      expect(byName.get(name)?.['continue-on-error'], name).toBeUndefined();
    }
    // The review's own pages replace whatever head-engine planted, and nothing reads them but people.
    expect(byName.get('orgctl-access')?.with?.overwrite).toBe(true);
  });

  it('what a workflow script writes to orgctl/review is a mark in progress or a failure, never a success: only orgctl’s verdict passes', () => {
    for (const name of ['orgctl-review.yaml', 'orgctl-review-push.yaml', 'orgctl-review-trigger.yaml']) {
      const posts = Object.values(shippedWorkflow(name).jobs)
        .flatMap((j) => j.steps)
        .map((s) => s.run ?? '')
        .filter((run) => run.includes('check-runs'));
      for (const run of posts) expect(run, name).toMatch(/-f (status=in_progress|conclusion=failure) /);
    }
  });
});
