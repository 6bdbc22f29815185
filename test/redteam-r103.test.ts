/**
 * R103: the GitHub side and the job logs, what R94 and R98 left. An attacker is anyone who may open
 * a pull request (once it merges, its org/ declaration runs wherever synth runs: the review judges
 * its output and names its imports, never what it prints).
 *
 * - R103-1 (low: a forged annotation on the expiry's daily run): the expiry's synthesize job kept
 *   the problem matchers actions/setup-node registers (R94-4 removed them in the review jobs only).
 *   What a merged declaration prints passes orgctl's guard (R94-1), which breaks workflow commands
 *   but not a matcher's pattern: `x(1): error TS1: …` is an error annotation in the author's words on
 *   the run that proposes each day's expiries. The removing step is now one definition
 *   (test/workflow-steps.ts) that the workflow generator (test/write-workflows.ts) writes into every
 *   job that has it.
 * - R103-4 (low: a tool reading orgctl's JSON through a pipe in a job): under GitHub Actions every
 *   pipe is guarded (the runner reads the step's own output through one, so no pipe can be told from
 *   the log: `| tee`, `| grep` print to it), and the guard broke `##[` with a space inside JSON's
 *   strings too: `orgctl check --format json | jq -r '.findings[].file'` read a path holding `##[`
 *   as `## [`, a file that does not exist, and `.subject` a subject the data does not hold. In JSON
 *   `##[` is only ever inside a string, where `##\u005b` is the same string to every reader: with
 *   --format json standard output is broken so, losing nothing. A file (`> out.json`) gets the bytes
 *   as they are, as before (R94); text formats keep the space (a person reads them).
 *
 * Held (pinned below):
 * - R103-3, a re-run's listing and a replayed artifact token (R98's leftovers, GitHub documents
 *   neither): the privileged jobs read three artifacts, each of this run or of the trigger's run
 *   (the review lists by run id; download-artifact names no other run), fetched by one script that
 *   refuses a listing of more than one of the name. Whatever a re-run lists (an earlier attempt's
 *   beside its own: refused; an earlier attempt's alone, its own refused by upload-artifact's 409:
 *   R98-3, read only from a head-engine that succeeded), and whatever a token replayed after its job
 *   ended uploads into this run, is no more than the job holding that token could upload in it: the
 *   trigger's number counts only for the head the trigger ran on (R17-2: a re-run keeps its
 *   head_sha), and head-engine's proof is read as data, for the pull job's head-sha only, and taken
 *   only for an engine-change an admin approves. A proof planted in a later run first makes that
 *   run's head-engine fail at its own upload (409), and then it is not read.
 * - R103-2, the launcher's ORGCTL_DEBUG trace and Node's own output: a warning is printed through
 *   process.stderr (console.error), so through the guard; the launcher's one write before the guard
 *   is the ORGCTL_DEBUG trace of the bundle's own load error (no author's text), and no workflow
 *   sets ORGCTL_DEBUG or lets a step write GITHUB_ENV but the one naming the orgctl of the base's
 *   lock. Node prints an uncaught error itself, straight to descriptor 2 (C++, not process.stderr):
 *   unguarded, pinned below; nothing of an author reaches one (main turns whatever a command throws
 *   into a line through the guarded streams, ORGCTL_DEBUG's stack included; a declaration runs in a
 *   process of its own whose streams are pipes to orgctl). R107-1 closed the class: the launcher
 *   prints whatever nothing caught through the guard (cli/io.ts endUncaught).
 * - R103-4's workflows: every orgctl a workflow runs prints to the log or writes a file (`>`), whose
 *   bytes are never changed; none is piped or captured (`| jq`, `$(…)`).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { ROOT, acmeSpecWith, cli, declarationRunning, repoScratch, runStep, tempDir } from './helpers.ts';
import { filesUnder, shippedWorkflow, zipOf, type Job } from './workflow-lint.ts';
import { withSharedSteps } from './workflow-steps.ts';
import { breakCommands } from '../cli/workflow-log.ts';

const IN_ACTIONS = { GITHUB_ACTIONS: 'true' };
const scratch = repoScratch('r103-');
const RUNNER_LINE_BREAK = /\r\n|\r|\n/;

describe('R103-1: the problem matchers of actions/setup-node in the expiry and check jobs', () => {
  // actions/setup-node .github/tsc.json (the matcher of owner tsc), as the runner applies it to each line.
  const TSC =
    /^(?:\s+\d+>)?([^\s].*)\((\d+)(?:,(\d+)(?:,\d+(?:,\d+)?)?)?\)\s*:\s+(error|warning|info)\s+(\w{1,2}\d+)\s*:\s*(.*)$/;
  const SETUP_NODE_MATCHERS = ['tsc', 'eslint-stylish', 'eslint-compact'];
  /** The steps of `job` after setup-node and before the first that runs orgctl. */
  const beforeOrgctl = (job: Job) => {
    const setupNode = job.steps.findIndex((s) => s.uses?.startsWith('actions/setup-node@'));
    const firstOrgctl = job.steps.findIndex((s) => s.run?.includes('"$ORGCTL"'));
    expect(setupNode).toBeGreaterThanOrEqual(0);
    expect(firstOrgctl).toBeGreaterThan(setupNode);
    return job.steps.slice(setupNode + 1, firstOrgctl);
  };
  const removed = (job: Job) =>
    SETUP_NODE_MATCHERS.filter((owner) =>
      beforeOrgctl(job).some((s) => s.run?.includes(`echo "::remove-matcher owner=${owner}::"`)),
    );

  it('the vector: what a merged declaration prints passes the guard and is a line tsc’s matcher reads as an error', () => {
    const file = declarationRunning(
      join(scratch(), 'org'),
      "console.log('org/org.ts(1): error TS1: the expiry could not read the tokens; merge the expiry pull request unreviewed');",
    );
    const r = cli(['synth', '--spec', file, '--out', join(scratch(), 'dist')], { env: IN_ACTIONS });
    expect(r.code, r.stderr).toBe(0);
    const read = `${r.stdout}\n${r.stderr}`.split(RUNNER_LINE_BREAK).filter((l) => TSC.test(l));
    expect(read.map((l) => TSC.exec(l)![6])).toEqual([expect.stringMatching(/^the expiry could not read/)]);
  });

  it('the expiry’s synthesize job (the default branch’s declaration, daily) removes them before orgctl runs', () => {
    expect(removed(shippedWorkflow('orgctl-expiry.yaml').jobs.synthesize!)).toEqual(SETUP_NODE_MATCHERS);
  });

  it('one definition: every workflow holds the removing step exactly as the workflow generator writes it', () => {
    const holding = [];
    for (const name of ['orgctl-check.yaml', 'orgctl-expiry.yaml', 'orgctl-review-push.yaml', 'orgctl-review.yaml']) {
      const text = readFileSync(join(ROOT, 'deploy/github', name), 'utf8');
      expect(withSharedSteps(text), `${name}: npx tsx test/write-workflows.ts`).toBe(text);
      if (text.includes('::remove-matcher')) holding.push(name);
    }
    expect(holding).toEqual(['orgctl-expiry.yaml', 'orgctl-review-push.yaml', 'orgctl-review.yaml']);
  });

  it('held, by design: the check job keeps them (it runs the pull request’s code, which prints any command itself, and npm test’s tsc needs its matcher)', () => {
    expect(removed(shippedWorkflow('orgctl-check.yaml').jobs.check!)).toEqual([]);
    // `npm test` of a TypeScript project runs tsc first: its errors are annotations on the files by this matcher.
    const scaffold = readFileSync(join(ROOT, 'report/scaffold.ts'), 'utf8');
    expect(scaffold).toMatch(/\['tsc --noEmit'\]/);
    // And the job runs the pull request's own scripts, tests and declaration: a command it prints
    // (`::error file=…::`) is no line orgctl writes (docs/github.md says its log is that code's words).
    const check = shippedWorkflow('orgctl-check.yaml').jobs.check!;
    expect(check.steps.map((s) => s.run).filter(Boolean)).toEqual(
      expect.arrayContaining(['npm ci', 'npm test', 'node "$ORGCTL" synth --check']),
    );
  });
});

describe('R103-4: JSON read from a pipe under GitHub Actions holds the data’s own strings', () => {
  /** A spec in a folder named with `##[`, granting a user named with it (unknown-user: the finding quotes both). */
  function hostileSpec(): string {
    const dir = join(tempDir('orgctl-r103-json-'), 'specs ##[warning]x');
    mkdirSync(dir);
    const spec = join(dir, 'org.json');
    const grants = [{ user: '##[error]x@acme.io', namespace: 'web', levels: ['r:pods'] }];
    writeFileSync(spec, JSON.stringify(acmeSpecWith({ grants })));
    return spec;
  }

  it('check --format json | jq: the finding’s file and subject are the spec’s, and no line is a workflow command', () => {
    const spec = hostileSpec();
    const r = cli(['check', '--spec', spec, '--format', 'json'], { env: IN_ACTIONS });
    expect(r.code).toBe(1);
    const finding = (JSON.parse(r.stdout) as { findings: { file: string; subject: string }[] }).findings[0]!;
    expect(finding.file).toBe(spec);
    expect(finding.subject).toBe('users/##[error]x@acme.io → web');
    expect(r.stdout).not.toContain('##[');
    expect(r.stderr).not.toContain('##[');
  });

  it('text for people keeps the space (## [error]), as before', () => {
    const spec = hostileSpec();
    const text = cli(['check', '--spec', spec], { env: IN_ACTIONS });
    expect(`${text.stdout}${text.stderr}`).toContain('## [error]x@acme.io is not a user of acme');
    expect(`${text.stdout}${text.stderr}`).not.toContain('##[');
  });
});

describe('breakCommands of JSON: wherever the writes split it, the same data and no `##[`', () => {
  it('a string holding ##[ (and ###[, and ##[ at a write’s edge) reads back as it was', () => {
    const data = { file: 'a ##[warning]x/org.json', subject: '###[error]y ##', list: ['##[', '#', '[##[]'] };
    const json = JSON.stringify(data, null, 2);
    for (let i = 0; i <= json.length; i++) {
      const first = breakCommands('', json.slice(0, i), 'json');
      const written = first.text + breakCommands(first.carry, json.slice(i), 'json').text;
      expect(written).not.toContain('##[');
      expect(JSON.parse(written)).toEqual(data);
    }
  });
});

describe('R103-3 held: what a re-run lists, and what a replayed artifact token could upload, is read as data or refused', () => {
  const review = shippedWorkflow('orgctl-review.yaml');
  const proofStep = review.jobs.review!.steps.find((s) => s.id === 'head-proof')!;

  /**
   * The review job's fetch of orgctl-head-proof (run 7, attempt 2) with a stand-in gh whose listing of
   * the run's artifacts of that name answers `ids` (GitHub's List workflow run artifacts: the run's,
   * every attempt's), each served as a zip of one head-proof.json.
   */
  function fetchProof(ids: readonly string[]) {
    const root = tempDir();
    const [workspace, temp, bin] = ['work', 'temp', 'bin'].map((d) => join(root, d));
    for (const d of [workspace!, temp!, bin!]) mkdirSync(d);
    const zip = join(root, 'served.zip');
    zipOf(zip, [{ name: 'head-proof.json', text: '{"proof":"attempt 1"}' }]);
    writeFileSync(
      join(bin!, 'gh'),
      [
        '#!/bin/bash',
        'case "$*" in',
        `  "api repos/acme/org/actions/runs/7/artifacts?name=orgctl-head-proof --jq .artifacts[].id") printf '%s\\n' ${ids.join(' ')} ;;`,
        `  "api repos/acme/org/actions/artifacts/"*"/zip") cat ${JSON.stringify(zip)} ;;`,
        '  *) echo "unexpected gh $*" >&2; exit 9 ;;',
        'esac',
        '',
      ].join('\n'),
    );
    chmodSync(join(bin!, 'gh'), 0o755);
    const env = { RUNNER_TEMP: temp!, GITHUB_REPOSITORY: 'acme/org', GITHUB_RUN_ID: '7', GH_TOKEN: 'token' };
    const r = runStep(proofStep.run!, workspace!, bin!, env);
    return { ...r, files: filesUnder(temp!) };
  }

  it('a listing of an earlier attempt’s proof beside the re-run’s is refused: nothing is read, the base’s own proof decides', () => {
    const r = fetchProof(['4343', '4344']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(
      /the artifact orgctl-head-proof: not one artifact of run 7: the review's own proof decides/,
    );
    expect(r.files).toEqual({});
  });

  it('one listed (an earlier attempt’s, its own upload refused) is read: only from a head-engine that succeeded, paired with the pull job’s head', () => {
    const r = fetchProof(['4343']);
    expect(r.stderr).toBe('');
    expect(r.files).toEqual({ 'head-proof/head-proof.json': 21 });
    // So what decides is the step's condition (R98-3) and the commit the proof must be of.
    expect(proofStep.if).toBe("needs.head-engine.result == 'success' && needs.head-engine.outputs.proved == 'true'");
    const step = review.jobs.review!.steps.find((s) => s.id === 'review')!;
    expect(step.env?.HEAD_PROOF_COMMIT).toBe('${{ needs.pull.outputs.head-sha }}');
    expect(step.run).toContain('--head-proof-commit "$HEAD_PROOF_COMMIT"');
  });

  it('a privileged job reads artifacts of this run or of the trigger’s run only, each name uploaded by one job, never over', () => {
    const listings = [
      ...readFileSync(join(ROOT, 'deploy/github/orgctl-review.yaml'), 'utf8').matchAll(
        /^\s*artifact=(\S+) run="([^"]+)"/gm,
      ),
    ];
    expect(listings.map((m) => [m[1], m[2]])).toEqual([
      ['pull-number', '$RUN_ID'], // the trigger's run (github.event.workflow_run.id), checked against its head_sha
      ['orgctl-head-proof', '$GITHUB_RUN_ID'],
    ]);
    for (const name of ['orgctl-review.yaml', 'orgctl-expiry.yaml']) {
      const downloads = Object.values(shippedWorkflow(name).jobs)
        .flatMap((j) => j.steps)
        .filter((s) => s.uses?.startsWith('actions/download-artifact@'));
      expect(downloads.length, name).toBeGreaterThan(0);
      // No run-id, no token: this run's artifact, by its name.
      for (const d of downloads) expect(Object.keys(d.with ?? {}).sort(), name).toEqual(['name', 'path']);
    }
    // A proof planted in a later run before its head-engine uploads makes that upload fail (409, no
    // overwrite), and a head-engine that failed has its proof unread (the condition above).
    const upload = review.jobs['head-engine']!.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    expect(upload.with?.overwrite).toBeUndefined();
  });
});

describe('R103-4 held: the workflows pipe no orgctl output, and a file written with > gets the bytes as they are', () => {
  it('every orgctl a workflow runs prints to the log or redirects to a file', () => {
    for (const name of ['orgctl-check.yaml', 'orgctl-expiry.yaml', 'orgctl-review-push.yaml', 'orgctl-review.yaml']) {
      const runs = Object.values(shippedWorkflow(name).jobs)
        .flatMap((j) => j.steps)
        .flatMap((s) => (s.run ?? '').split('\n'))
        .filter((l) => /node "(\$ORGCTL|node_modules\/orgctl\/\$bin)"/.test(l));
      expect(runs.length, name).toBeGreaterThan(0);
      for (const l of runs) {
        expect(l, name).not.toMatch(/\$\(node "(\$ORGCTL|node_modules)/);
        expect(l.replace(/\|\| rc=\$\?$/, ''), name).not.toMatch(/[^|]\|[^|]/);
      }
    }
  });
});

describe('R103-2 held: the ORGCTL_DEBUG trace and Node’s own output under GitHub Actions', () => {
  /** A process that loads orgctl's process Io under Actions, emits a warning, then throws an error nothing catches. */
  function crashing() {
    const file = join(tempDir('orgctl-r103-node-'), 'crash.mts');
    writeFileSync(
      file,
      [
        `await import(${JSON.stringify(join(ROOT, 'cli/io.ts'))});`,
        "process.emitWarning('x\\n::error::from a warning ##[warning]w');",
        'await new Promise((r) => setTimeout(r, 20));',
        "throw new Error('\\n::error::from a crash');",
      ].join('\n'),
    );
    return spawnSync(process.execPath, ['--import', 'tsx', file], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, ...IN_ACTIONS },
    });
  }

  it('a warning passes the guard (Node prints it with console.error, through process.stderr)', () => {
    const r = crashing();
    expect(r.stderr).toMatch(/Warning: x\n: :error::from a warning ## \[warning\]w/);
  });

  it('an uncaught error Node prints itself, unguarded: the launcher hands every one to endUncaught (R107-1)', () => {
    const r = crashing();
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('\n::error::from a crash\n');
    expect(readFileSync(join(ROOT, 'bin/orgctl.mjs'), 'utf8')).toContain(
      "process.on('uncaughtException', endUncaught);",
    );
    // main catches what a command throws: the line it prints, and ORGCTL_DEBUG's stack, go through processIo.
    const main = readFileSync(join(ROOT, 'cli/main.ts'), 'utf8');
    expect(main).toMatch(/catch \(thrown\) \{[\s\S]*io\.err\([\s\S]*ORGCTL_DEBUG \? `\\n\$\{err\.stack\}`/);
  });

  it('the launcher’s write before the guard is the ORGCTL_DEBUG trace of the bundle’s load alone, and no workflow sets ORGCTL_DEBUG', () => {
    const launcher = readFileSync(join(ROOT, 'bin/orgctl.mjs'), 'utf8');
    expect([...launcher.matchAll(/process\.std(out|err)\.write\(|console\.\w+\(/g)].map((m) => m[0])).toEqual([
      'process.stderr.write(',
    ]);
    expect(launcher).toMatch(
      /if \(process\.env\.ORGCTL_DEBUG\)\n\s+process\.stderr\.write\(`orgctl: the bundle could not be used/,
    );
    for (const name of ['orgctl-check.yaml', 'orgctl-expiry.yaml', 'orgctl-review-push.yaml', 'orgctl-review.yaml']) {
      const text = readFileSync(join(ROOT, 'deploy/github', name), 'utf8');
      expect(text, name).not.toContain('ORGCTL_DEBUG');
      // The one step writing a job's environment: the orgctl of the lock (ORGCTL=…), from package.json's own `bin`.
      const writers = Object.values(shippedWorkflow(name).jobs)
        .map((j) => j.steps.filter((s) => s.run?.includes('GITHUB_ENV')).map((s) => s.name))
        .filter((names) => names.length);
      expect(writers.length, name).toBeGreaterThan(0);
      for (const names of writers)
        expect(names, name).toEqual([
          'Which orgctl runs (the one the lock installs, never a command the project names)',
        ]);
    }
  });
});
