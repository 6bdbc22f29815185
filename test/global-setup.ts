/**
 * Every temporary file the tests make (theirs, the CLI's they spawn, cdk8s' own outdirs, orgctl's
 * caches but the launcher's bundle) goes into
 * one folder of this run, removed when the run ends: a run left thousands of folders in /tmp.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  // Each vitest project (vitest.config.ts) runs this: the first makes the folder, the others keep it
  // (a folder within a folder made chromium's socket path too long).
  if (process.env.ORGCTL_TEST_RUN) return () => {};
  const run = mkdtempSync(join(tmpdir(), 'orgctl-tests-'));
  process.env.ORGCTL_TEST_RUN = run;
  // Set before vitest starts its workers, which inherit it; os.tmpdir() reads it on every call.
  process.env.TMPDIR = run;
  // orgctl's caches too (cli/paths.ts): a clone's node_modules may be a link to a shared install.
  process.env.ORGCTL_CACHE_DIR = join(run, 'cache');
  // Removed by an rm of its own, left running as vitest exits: rmSync held the run's end for it (the
  // folder of five of the heaviest test files held 19,349 files, 209 MB: 1.1 s of rmSync).
  return () => spawn('rm', ['-rf', run], { detached: true, stdio: 'ignore' }).unref();
}
