/**
 * Red team R94 (base bd1eed2): what orgctl prints in a GitHub Actions job's log, read as the
 * runner reads it. Each test asserts the safe behaviour and fails on the code it was written against.
 *
 * orgctl writes no workflow command of its own (no `::error`, no GITHUB_ACTIONS in cli/, report/,
 * review/). R29-1 and R30-1 kept a value's line break from starting a line of its author's; what
 * the runner obeys is wider than a line that starts `::`:
 *
 * R94-1 (medium; the check job and every admin's `npm run synth` under Actions): a declaration's
 *     own output (its console.log, process.stdout.write) is forwarded to orgctl's standard error
 *     as it is (cli/isolated-declaration.ts:271): `::error title=orgctl::…`, `::add-mask::orgctl`
 *     (every later `orgctl` in the log reads `***`), `::stop-commands::…`, `::group::` folding the
 *     real findings away; split over two writes too (`:` then `:error::…`).
 *
 * R94-2 (low; R29-1's class, a way it did not look): the runner reads the legacy form
 *     `##[command]data` ANYWHERE in a line (ActionCommand.TryParse: IndexOf("##[")), not only at
 *     its start. A spec's email may hold `##[` (its pattern is `[^@\s]+@…`), and a file name of
 *     head's dist/ any byte but NUL and /: a finding that quotes either (`…: ##[error]x@acme.io is
 *     not a user of acme`, the refusal naming the file) is a workflow command, on one line.
 *
 * And the runner reads a line after TrimStart(): `  ::add-mask::…` (R94-1's second line) is a
 *     command where the tests of R29/R30 (`startsWith('::')`) see none; the model below is the runner's.
 *
 * R94-4 (low; the privileged review job): a log line is read by the job's problem matchers too, and
 *     actions/setup-node registers three (.github/tsc.json, eslint-stylish.json, eslint-compact.json:
 *     `core.info('##[add-matcher]…')` in src/main.ts) for the rest of the job. tsc's pattern takes any
 *     line not starting with a space with `(1): error TS1: message` in it (`^(?:\s+\d+\>)?([^\s].*)\(…`):
 *     a role named `x(1): error TS1: orgctl review passed` makes the finding that quotes it an error
 *     annotation of the author's words, and so would any line of review --github's (`error RULE
 *     MESSAGE`) quoting such text. No space orgctl writes breaks every matcher a job may add: the
 *     jobs that run orgctl on a pull request's data remove setup-node's matchers first.
 *
 * What held: a value's line break or carriage return in a file name, finding or refusal is written
 * as its code point (`<U+000A>`, R29/R30), and a declaration's standard streams are pipes to orgctl
 * (never the job's own: bin/declaration-guard.mjs), so all of it passes orgctl's own writes.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { breakCommands } from '../cli/workflow-log.ts';
import {
  ROOT,
  TODAY,
  acmeSpecWith,
  cli,
  declarationRunning,
  repoScratch,
  tempDir,
  exampleDistCopy,
} from './helpers.ts';
import { shippedWorkflow } from './workflow-lint.ts';

/**
 * The runner's reading of a step's output, modelled from actions/runner:
 * - src/Runner.Sdk/ProcessInvoker.cs StartReadStream: `reader.ReadLine()` per line, and .NET's
 *   StreamReader.ReadLine ends a line at `\n`, `\r` or `\r\n`; standard output and standard error
 *   are two readers, each line handed to ActionCommandManager.TryProcessCommand;
 * - src/Runner.Worker/ActionCommandManager.cs TryProcessCommand: TryParseV2, else TryParse;
 * - src/Runner.Common/ActionCommand.cs TryParseV2: `message.TrimStart()` (.NET's char.IsWhiteSpace),
 *   then StartsWith("::"), the name up to a space before the next "::", registered (case-insensitive);
 *   TryParse (legacy): IndexOf("##[") anywhere in the line, the name up to the next `]`.
 * Ordinal comparison here; .NET's culture-sensitive StartsWith/IndexOf only match more (it may skip
 * a zero-width character), so orgctl never breaks a command with one.
 */
const RUNNER_LINE_BREAK = /\r\n|\r|\n/;
const DOTNET_LEADING_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*/;
const REGISTERED = new Set(
  'error warning notice debug group endgroup echo add-mask add-matcher remove-matcher set-output save-state set-env add-path stop-commands'.split(
    ' ',
  ),
);
const registered = (info: string): string | undefined => {
  const name = info.split(' ')[0]!.toLowerCase();
  return REGISTERED.has(name) ? name : undefined;
};

function commandOf(line: string): string | undefined {
  const trimmed = line.replace(DOTNET_LEADING_SPACE, '');
  if (trimmed.startsWith('::')) {
    const end = trimmed.indexOf('::', 2);
    const name = end < 0 ? undefined : registered(trimmed.slice(2, end));
    if (name) return name;
  }
  const at = line.indexOf('##[');
  const close = at < 0 ? -1 : line.indexOf(']', at);
  return close < 0 ? undefined : registered(line.slice(at + 3, close));
}

/** Every line of `output` the runner would obey as a workflow command. */
const workflowCommands = (output: string): string[] =>
  output.split(RUNNER_LINE_BREAK).filter((l) => commandOf(l) !== undefined);

const IN_ACTIONS = { GITHUB_ACTIONS: 'true' };
const scratch = repoScratch('r94-');

describe('the model of the runner', () => {
  it('reads what the runner reads, and nothing else', () => {
    expect(workflowCommands('a\n::error::x\r  ::add-mask::y\nb ##[warning]z\n\u00a0::group::g')).toEqual([
      '::error::x',
      '  ::add-mask::y',
      'b ##[warning]z',
      '\u00a0::group::g',
    ]);
    expect(workflowCommands(': :error::x\n## [error]x\n::nothing::x\nx::error::y')).toEqual([]);
  });
});

describe('R94-1: a declaration’s own output under GitHub Actions', () => {
  const pause = 'await new Promise((r) => setTimeout(r, 100));';
  const attack = [
    "console.error('  ::add-mask::orgctl');",
    pause, // the declaration's two streams are two pipes: what each holds arrives in its order only
    "console.log('::error title=orgctl::review passed');",
    "process.stdout.write('x\\r::stop-commands::pause\\nfoo ##[group]folded\\n');",
    // Two writes, two reads of the pipe: a command whose start is one chunk and its rest the next.
    `process.stdout.write(':'); ${pause} process.stdout.write(':warning::split\\n');`,
    `process.stdout.write('#'); ${pause} process.stdout.write('#[notice]split\\n');`,
  ].join('\n');

  it('no line of check’s output is a workflow command, and the declaration’s text is still shown', () => {
    const file = declarationRunning(join(scratch(), 'org'), attack);
    const r = cli(['check', '--spec', file], { env: IN_ACTIONS });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('review passed');
    expect(r.stderr).toContain('split');
    expect(workflowCommands(r.stdout)).toEqual([]);
    expect(workflowCommands(r.stderr)).toEqual([]);
  });

  it('outside GitHub Actions the declaration’s output is forwarded byte for byte, as before', () => {
    const file = declarationRunning(join(scratch(), 'org'), attack);
    const r = cli(['check', '--spec', file], { env: { GITHUB_ACTIONS: '' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('  ::add-mask::orgctl\n::error title=orgctl::review passed\nx\r::stop-commands::');
    expect(r.stderr).toContain('\n::warning::split\n');
    expect(r.stderr).toContain('##[notice]split\n');
  });

  it('under GitHub Actions a standard error sent to a file (no log) gets the bytes as they are', () => {
    const file = declarationRunning(join(scratch(), 'org'), attack);
    const errFile = join(tempDir('orgctl-r94-file-'), 'stderr.txt');
    const fd = openSync(errFile, 'w');
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/orgctl.mjs'), 'check', '--spec', file], {
      cwd: ROOT,
      env: { ...process.env, ORGCTL_TODAY: TODAY, ...IN_ACTIONS },
      stdio: ['ignore', 'pipe', fd],
    });
    closeSync(fd);
    expect(r.status).toBe(0);
    expect(readFileSync(errFile, 'utf8')).toContain('::error title=orgctl::review passed\nx\r::stop-commands::');
  });
});

describe('breakCommands: the one guard of a log line', () => {
  const hostile = 'a\n::error::x\r  ::add-mask::y\nb ##[warning]z\n\u00a0::group::g\r\n::\n:::x::y ###[debug]w\n';

  it('wherever the writes split the text, no line is a command, and only spaces were added', () => {
    const whole = breakCommands('', hostile).text;
    expect(workflowCommands(whole)).toEqual([]);
    expect(whole.replaceAll(' ', '')).toBe(hostile.replaceAll(' ', ''));
    for (let i = 0; i <= hostile.length; i++)
      for (let j = i; j <= hostile.length; j++) {
        const first = breakCommands('', hostile.slice(0, i));
        const second = breakCommands(first.carry, hostile.slice(i, j));
        const third = breakCommands(second.carry, hostile.slice(j));
        expect(first.text + second.text + third.text).toBe(whole);
      }
  });

  it('text with no command form is as it was', () => {
    const text = 'acme: 0 errors, 0 warnings\n  a: b :: c # [d] ## e\n#\n:';
    expect(breakCommands('', text).text).toBe(text);
  });
});

describe('R94-2: `##[` inside a line is a command', () => {
  it('a spec’s email quoted in a finding', () => {
    const dir = tempDir('orgctl-r94-spec-');
    const spec = join(dir, 'org.json');
    const grants = [{ user: '##[error]orgctl-review-passed@acme.io', namespace: 'web', levels: ['r:pods'] }];
    writeFileSync(spec, JSON.stringify(acmeSpecWith({ grants })));
    const r = cli(['check', '--spec', spec], { env: IN_ACTIONS });
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain('unknown-user');
    expect(workflowCommands(r.stdout)).toEqual([]);
    expect(workflowCommands(r.stderr)).toEqual([]);
  });

  it('a file name of head’s dist/ in the refusal', () => {
    const head = exampleDistCopy('orgctl-r94-head-');
    writeFileSync(join(head, 'lga1', 'x ##[add-mask]orgctl'), 'x: 1\n');
    const r = cli(['diff', '--base', join(ROOT, 'dist'), '--head', head, '--format', 'md'], { env: IN_ACTIONS });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not a file orgctl writes');
    expect(workflowCommands(r.stderr)).toEqual([]);
  });
});

describe('what held: a line break of a value is its code point', () => {
  it.each([
    ['a line feed and spaces', 'x\n  ::error::forged'],
    ['a carriage return', 'x\r::error::forged'],
    ['a line feed and a no-break space', 'x\n\u00a0::add-mask::orgctl'],
  ])('%s in a file name of head’s dist/', (_, name) => {
    const head = exampleDistCopy('orgctl-r94-held-');
    mkdirSync(join(head, 'lga1'), { recursive: true });
    writeFileSync(join(head, 'lga1', name), 'x: 1\n');
    const r = cli(['diff', '--base', join(ROOT, 'dist'), '--head', head, '--format', 'md'], { env: IN_ACTIONS });
    expect(r.code).toBe(2);
    expect(workflowCommands(r.stderr)).toEqual([]);
  });
});

describe('R94-4: the problem matchers actions/setup-node registers', () => {
  // actions/setup-node .github/tsc.json (the matcher of owner tsc), as the runner applies it to each line.
  const TSC =
    /^(?:\s+\d+>)?([^\s].*)\((\d+)(?:,(\d+)(?:,\d+(?:,\d+)?)?)?\)\s*:\s+(error|warning|info)\s+(\w{1,2}\d+)\s*:\s*(.*)$/;
  const SETUP_NODE_MATCHERS = ['tsc', 'eslint-stylish', 'eslint-compact'];

  it('the vector: a finding quoting a spec’s role name is a line tsc’s matcher reads as an error', () => {
    const spec = join(tempDir('orgctl-r94-matcher-'), 'org.json');
    const grants = [{ user: 'bob@acme.io', namespace: 'web', role: 'x(1): error TS1: orgctl review passed' }];
    writeFileSync(spec, JSON.stringify(acmeSpecWith({ grants })));
    const r = cli(['check', '--spec', spec], { env: IN_ACTIONS });
    expect(r.code).toBe(1);
    const lines = `${r.stdout}\n${r.stderr}`.split(RUNNER_LINE_BREAK).filter((l) => TSC.test(l));
    // The matcher reads it: orgctl cannot break every pattern a job may add, the job removes them.
    expect(lines.map((l) => TSC.exec(l)![6])).toEqual([expect.stringMatching(/^orgctl review passed/)]);
  });

  it.each([
    ['orgctl-review.yaml', 'review'],
    ['orgctl-review-push.yaml', 'left-head'],
  ])('%s job %s removes them after setup-node, before orgctl reads a pull request', (file, job) => {
    const steps = shippedWorkflow(file).jobs[job]!.steps ?? [];
    const setupNode = steps.findIndex((s) => s.uses?.startsWith('actions/setup-node@'));
    const firstOrgctl = steps.findIndex((s) => s.run?.includes('"$ORGCTL"'));
    expect(setupNode).toBeGreaterThanOrEqual(0);
    expect(firstOrgctl).toBeGreaterThan(setupNode);
    const between = steps
      .slice(setupNode + 1, firstOrgctl)
      .map((s) => s.run ?? '')
      .join('\n');
    for (const owner of SETUP_NODE_MATCHERS) expect(between).toContain(`echo "::remove-matcher owner=${owner}::"`);
  });
});
