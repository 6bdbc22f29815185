/**
 * R107: what R101 and R103 left. Node's own output under GitHub Actions, checks of a path before
 * its use, and the file stamps' clock tick.
 *
 * - R107-1: R103-2 pinned that Node prints an uncaught error itself (C++, straight to descriptor 2,
 *   past cli/workflow-log.ts's guard) and that nothing of an author's reaches one. The class is one
 *   throw away from an author's workflow command in the log: an error whose message holds a spec
 *   value, a file name or a namespace, thrown where main does not catch it (a callback, a promise
 *   nobody awaits, main's own catch). Now the launcher prints whatever nothing caught through the
 *   process's guarded standard error, and exits 1 as Node would.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT, TODAY, tempDir } from './helpers.ts';

/** How the runner splits a step's output into lines, and what TrimStart() takes before `::`. */
const RUNNER_LINE_BREAK = /\r\n|\r|\n/;
const commandLines = (text: string): string[] =>
  text.split(RUNNER_LINE_BREAK).filter((l) => /^[\s\u0085\u180e\ufeff]*::/.test(l) || l.includes('##['));

/** An author's text, as an error message might quote it (a spec value, a file name). */
const AUTHORED = 'web\n::add-mask::orgctl\n::error file=org/org.yaml,line=1::forged ##[warning]w\n::stop-commands::x';

/**
 * bin/orgctl.mjs run under Actions with a module loaded first (NODE_OPTIONS --import) that makes
 * the launcher's last step, after the command ran, end in an error nothing catches: thrown there,
 * a promise rejected that nobody awaits, or thrown from a timer.
 */
function crashingLauncher(how: 'throw' | 'reject' | 'timer') {
  const preload = join(tempDir('orgctl-r107-crash-'), 'crash.mjs');
  const error = `new Error(${JSON.stringify(AUTHORED)})`;
  const crash = {
    throw: `throw ${error};`,
    reject: `Promise.reject(${error}); setTimeout(() => {}, 1000);`,
    timer: `setTimeout(() => { throw ${error}; }, 1); setTimeout(() => {}, 1000);`,
  }[how];
  writeFileSync(preload, `const exit = process.exit;\nprocess.exit = (...a) => { process.exit = exit; ${crash} };\n`);
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/orgctl.mjs'), '--version'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: {
      ...process.env,
      ORGCTL_TODAY: TODAY,
      GITHUB_ACTIONS: 'true',
      NODE_OPTIONS: `--import ${pathToFileURL(preload).href}`,
    },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('R107-1: an error nothing catches, under GitHub Actions', () => {
  for (const how of ['throw', 'reject', 'timer'] as const) {
    it(`${how}: its message is printed through the guard (no line of it a workflow command), exit 1`, () => {
      const r = crashingLauncher(how);
      expect(r.stdout).toMatch(/^\d+\.\d+\.\d+/);
      expect(commandLines(r.stderr), r.stderr).toEqual([]);
      // Still said, broken as orgctl's own lines are.
      expect(r.stderr).toContain(': :add-mask::orgctl');
      expect(r.stderr).toContain('## [warning]w');
      expect(r.code).toBe(1);
    });
  }
});
