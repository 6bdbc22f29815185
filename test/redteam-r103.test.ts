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
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { ROOT, acmeSpecWith, cli, declarationRunning, repoScratch, tempDir } from './helpers.ts';
import { shippedWorkflow, type Job } from './workflow-lint.ts';
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
