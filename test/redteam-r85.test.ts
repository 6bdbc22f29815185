/**
 * R85: the GitHub workflows orgctl ships (deploy/github/), attacked by anyone who may open a pull
 * request: every file of the head, the branch name, the title and body, and whatever the
 * unprivileged `head-engine` job's run of their code does (it may upload any artifact under any
 * name: the run's artifact token is within its reach, as the cache token is: "Cacheract").
 *
 * - R85-1 (artifact poisoning): the privileged review job unpacked the artifact
 *   `orgctl-head-proof` with actions/download-artifact, which writes every entry of the zip, of any
 *   size, before anything reads it: a head-proof.json of gigabytes deflates to megabytes and fills
 *   the disk of the job holding the token (orgctl's 16 MB limit applies only once it is written),
 *   and entries beside it land on that disk too. It now fetches the zip, to a bound, into a fresh
 *   folder outside the workspace, refuses any zip that is not one entry named head-proof.json, and
 *   reads that entry through a pipe, to orgctl's own limit: no name from the zip is ever a path
 *   written.
 * - R85-2 (a stale success while the pull request's code runs): the review job, the one that marked
 *   the head's orgctl/review check run in progress, needs head-engine, which runs the pull request's
 *   own orgctl for an upgrade and may stall for its whole 15 minutes. A label an admin removes or an
 *   approval dismissed starts a run, yet the success before it stayed in force that long, and a
 *   writer could merge in that window. The pull job, which head-engine needs and which runs no code
 *   of the pull request, now marks it in progress first (the review job marks it again once it holds
 *   the pull request's group, after any other run's verdict).
 *
 * Held (guards below pass as they stand): no `${{ }}` in any `run:` of any shipped workflow (event
 * fields, step and job outputs reach scripts through `env:` only; the branch name and title reach
 * none); no cache restored anywhere (workflows.test.ts: setup-node without `cache:`, pinned before
 * v5's own caching), so no poisoned npm cache or V8 code cache beside base's bundle (a fresh `npm
 * ci --ignore-scripts` in the privileged jobs); the privileged jobs check out the base only; `persist-credentials:
 * false` but in expiry's `propose`, which runs no code of the repository; the review's concurrency
 * never cancels a run in progress. Left: the trigger's artifact `pull-number` is still unpacked by
 * `gh run download` in the pull job (unbounded; the trigger is the pull request's copy, which may
 * upload nothing anyway: docs/github.md's limit); a run started by a review (its own workflow-level
 * group) may overlap a run in progress, whose verdict can then land after this run's mark and count
 * until this run's review job marks again; the artifact `orgctl-access` may be replaced by a
 * runtime token the pull request's code took in head-engine, if GitHub accepts it after that job.
 * (R86-1 closed the first, R86-2 the second: test/redteam-r86.test.ts.)
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_HEAD_PROOF_BYTES } from '../review/head-proof.ts';
import { ROOT, runStep, tempDir } from './helpers.ts';
import { filesUnder, shippedWorkflow, zipOf, type ZipEntry as Entry } from './workflow-lint.ts';

const workflow = shippedWorkflow;

describe('R85-1: the review reads the head engine’s artifact as data, never unpacking it', () => {
  const review = workflow('orgctl-review.yaml').jobs.review!;
  const step = review.steps.find((s) => s.id === 'head-proof')!;
  const reviewStep = review.steps.find((s) => /\breview --github/.test(s.run ?? ''))!;

  it('is not actions/download-artifact, which writes every entry of any size before anything is checked', () => {
    expect(step.uses, 'download-artifact unpacks whatever the pull request’s code uploaded').toBeUndefined();
    expect(step.run).toBeDefined();
    expect(step.if).toBe("needs.head-engine.result == 'success' && needs.head-engine.outputs.proved == 'true'");
    // The proof the review reads is the one file this step writes, outside the workspace.
    expect(reviewStep.env?.HEAD_PROOF).toBe(
      "${{ steps.head-proof.outcome == 'success' && format('{0}/head-proof/head-proof.json', runner.temp) || '' }}",
    );
  });

  /** The zip of each list of entries, made once (a python process each): the listing's three cases serve one. */
  const zips = new Map<string, string>();
  const zipServed = (entries: readonly Entry[]) => {
    const key = JSON.stringify(entries);
    if (!zips.has(key)) {
      const zip = join(tempDir(), 'served.zip');
      zipOf(zip, entries);
      zips.set(key, zip);
    }
    return zips.get(key)!;
  };

  /**
   * The step's script with a stand-in `gh` serving `zip` as this run's one artifact
   * orgctl-head-proof (or `ids` as the listing), in a workspace holding base's orgctl.
   */
  function fetchProof(entries: readonly Entry[], ids = '4242') {
    const root = tempDir();
    const workspace = join(root, 'work');
    const temp = join(root, 'temp');
    const bin = join(root, 'bin');
    for (const d of [workspace, temp, bin]) mkdirSync(d);
    writeFileSync(join(workspace, 'package.json'), '{"name":"acme-org"}\n');
    const zip = zipServed(entries);
    writeFileSync(
      join(bin, 'gh'),
      [
        '#!/bin/sh',
        'case "$*" in',
        `  "api repos/acme/org/actions/runs/77/artifacts?name=orgctl-head-proof "*) printf '%s\\n' ${JSON.stringify(ids)} ;;`,
        `  "api repos/acme/org/actions/artifacts/4242/zip") cat ${JSON.stringify(zip)} ;;`,
        '  *) echo "unexpected gh $*" >&2; exit 9 ;;',
        'esac',
        '',
      ].join('\n'),
    );
    chmodSync(join(bin, 'gh'), 0o755);
    const r = runStep(step.run ?? 'exit 99', workspace, bin, {
      RUNNER_TEMP: temp,
      GITHUB_REPOSITORY: 'acme/org',
      GITHUB_RUN_ID: '77',
      GH_TOKEN: 'token',
    });
    return { ...r, temp, workspace, proof: join(temp, 'head-proof', 'head-proof.json') };
  }

  it('reads a proof of up to orgctl’s limit byte for byte, as the one file of a fresh folder', () => {
    const text = `{"by":"orgctl 0.2.0","ok":true}\n`;
    const r = fetchProof([{ name: 'head-proof.json', text }]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readFileSync(r.proof, 'utf8')).toBe(text);
    expect(filesUnder(r.temp)).toEqual({ 'head-proof/head-proof.json': text.length });
    const full = fetchProof([{ name: 'head-proof.json', zeros: MAX_HEAD_PROOF_BYTES }]);
    expect(full.status).toBe(0);
    expect(statSync(full.proof).size).toBe(MAX_HEAD_PROOF_BYTES);
  });

  it('refuses a head-proof.json past the limit, having written no more than the limit of it (a deflated gigabyte)', () => {
    for (const zeros of [MAX_HEAD_PROOF_BYTES + 1, 256 * 2 ** 20]) {
      const r = fetchProof([{ name: 'head-proof.json', zeros }]);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/orgctl-head-proof.*more than 16 MB/);
      expect(existsSync(r.proof)).toBe(false);
      expect(filesUnder(r.temp)).toEqual({});
    }
  }, 60_000);

  it.each<[string, Entry[]]>([
    [
      'a name out of the folder (zip slip)',
      [
        { name: 'head-proof.json', text: '{}' },
        { name: '../work/package.json', text: '{"name":"orgctl","bin":"evil.js"}' },
      ],
    ],
    [
      'base’s orgctl command',
      [
        { name: 'head-proof.json', text: '{}' },
        { name: 'node_modules/.bin/orgctl', text: '#!/bin/sh\necho owned\n' },
      ],
    ],
    [
      'an absolute name',
      [
        { name: 'head-proof.json', text: '{}' },
        { name: '/tmp/r85-owned', text: 'x' },
      ],
    ],
    ['no head-proof.json', [{ name: 'proof.json', text: '{}' }]],
    [
      'head-proof.json twice',
      [
        { name: 'head-proof.json', text: '{}' },
        { name: 'head-proof.json', text: '{"ok":true}' },
      ],
    ],
    ['a folder of that name', [{ name: 'head-proof.json/x', text: '{}' }]],
  ])('refuses a zip with %s, writing none of its names', (_, entries) => {
    const r = fetchProof(entries);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/orgctl-head-proof: .*head-proof\.json alone/);
    expect(filesUnder(r.temp)).toEqual({});
    expect(filesUnder(r.workspace)).toEqual({ 'package.json': 20 });
  });

  it('a symbolic link named head-proof.json is read as its text, never followed', () => {
    const secret = join(tempDir(), 'secret');
    writeFileSync(secret, 'the runner’s file\n');
    const r = fetchProof([{ name: 'head-proof.json', link: secret }]);
    expect(statSync(r.proof).isFile()).toBe(true);
    expect(readFileSync(r.proof, 'utf8')).toBe(secret);
  });

  it('refuses a listing that is not one artifact, and a zip that is not a zip', () => {
    for (const ids of ['', '4242\n4243', 'x']) {
      const r = fetchProof([{ name: 'head-proof.json', text: '{}' }], ids);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/orgctl-head-proof: not one artifact of run 77/);
      expect(filesUnder(r.temp)).toEqual({});
    }
  });

  it('may list this run’s artifacts (actions: read), and nothing more than it did besides', () => {
    expect(review.permissions).toEqual({
      actions: 'read',
      contents: 'read',
      'pull-requests': 'write',
      checks: 'write',
    });
    expect(step.env).toEqual({ GH_TOKEN: '${{ github.token }}' });
  });
});

describe('R85-2: the verdict in force is withdrawn before any code of the pull request runs', () => {
  const wf = workflow('orgctl-review.yaml');
  const MARKS = /check-runs" -f name=orgctl\/review -f head_sha="\$sha" \\\n\s+-f status=in_progress/;
  /** The jobs `name` needs, and those they need, ... */
  const before = (name: string): string[] => {
    const needs = wf.jobs[name]!.needs;
    const direct = needs === undefined ? [] : typeof needs === 'string' ? [needs] : needs;
    return [...direct, ...direct.flatMap(before)];
  };

  it('a job head-engine needs marks the head’s orgctl/review check run in progress, with the review job’s script', () => {
    const marking = before('head-engine').filter((j) => wf.jobs[j]!.steps.some((s) => MARKS.test(s.run ?? '')));
    expect(marking, 'head-engine runs the pull request’s orgctl while the success before stays').toEqual(['pull']);
    const pull = wf.jobs.pull!;
    expect(pull.permissions).toEqual({ actions: 'read', contents: 'read', checks: 'write' });
    const mark = pull.steps.find((s) => s.id === 'mark')!;
    const again = wf.jobs.review!.steps.find((s) => s.id === 'mark')!;
    // One text: the review job marks again once it holds the pull request's group.
    expect(mark.run).toBe(again.run);
    expect(mark.env).toEqual({ GH_TOKEN: '${{ github.token }}', NUMBER: '${{ steps.pr.outputs.number }}' });
    expect([mark['continue-on-error'], mark['timeout-minutes']]).toEqual([true, 2]);
    // Right after the number is known (for a run a review started, from the trigger's artifact: R86-1),
    // before the fetch (which the pull request's size can fail).
    expect(pull.steps.map((s) => s.id).slice(0, 3)).toEqual(['trigger', 'pr', 'mark']);
  });

  it('the mark posts in_progress on the head GitHub reports', () => {
    const mark = wf.jobs.pull!.steps.find((s) => s.id === 'mark')!;
    const root = tempDir();
    const bin = join(root, 'bin');
    mkdirSync(bin);
    const log = join(root, 'calls');
    writeFileSync(
      join(bin, 'gh'),
      `#!/bin/sh\necho "$*" >> ${JSON.stringify(log)}\ncase "$*" in "api repos/acme/org/pulls/7 --jq .head.sha") echo 0123abc ;; esac\n`,
    );
    chmodSync(join(bin, 'gh'), 0o755);
    const out = join(root, 'output');
    writeFileSync(out, '');
    const r = runStep(mark.run ?? 'exit 99', root, bin, {
      GITHUB_REPOSITORY: 'acme/org',
      NUMBER: '7',
      GH_TOKEN: 'token',
      GITHUB_OUTPUT: out,
    });
    expect(r.status).toBe(0);
    const calls = readFileSync(log, 'utf8').trim().split('\n');
    expect(calls[0]).toBe('api repos/acme/org/pulls/7 --jq .head.sha');
    expect(calls[1]).toMatch(
      /^api -X POST repos\/acme\/org\/check-runs -f name=orgctl\/review -f head_sha=0123abc -f status=in_progress /,
    );
  });
});

describe('R85 guards: what held', () => {
  it.each(
    readdirSync(join(ROOT, 'deploy/github')).filter((f) => /\.ya?ml$/.test(f)),
  )('%s: no expression in a run script (event fields and outputs reach scripts through env only)', (name) => {
    for (const [jobName, job] of Object.entries(workflow(name).jobs))
      for (const s of job.steps) expect(s.run ?? '', `${jobName}: ${s.name ?? s.id}`).not.toMatch(/\$\{\{/);
  });
});
