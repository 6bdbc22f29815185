/**
 * What a declaration prints (console.log, process.stderr) reaches the command's Io as its error
 * lines, as orgctl's own warnings do: written straight to the process's stderr, a command run
 * in-process (main with an Io, as the tests run it) never saw it, and nothing could assert it.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { declarationRunning, repoScratch, run } from './helpers.ts';

const scratch = repoScratch('printed-');

describe("a declaration's own printing", () => {
  it("reaches the command's io.err, a line at a time, its stdout and stderr alike", async () => {
    const file = declarationRunning(
      join(scratch(), 'org'),
      "console.log('debugging line one'); process.stderr.write('from stderr\\n'); process.stdout.write('no line break');",
    );
    const r = await run(['check', '--spec', file]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stderr.split('\n');
    for (const line of ['debugging line one', 'from stderr', 'no line break']) expect(lines).toContain(line);
    expect(r.stdout).not.toContain('debugging');
  });
});
