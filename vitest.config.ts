// Timeouts for every way the tests run (npm test, npx vitest run test/X.test.ts): several tests
// spawn the CLI or a browser, or synthesize large organizations, on shared CI cores.
//
// Test files share their worker's modules (isolate: false): loading cdk8s, cdk8s-plus and orgctl
// anew for each of 120 files took about a third of the run (7m05s against 5m15s here). A file that
// swaps modules or the process's state (vi.mock, vi.resetModules, stubs, spies, fake timers, chdir)
// would swap them for the files after it, so such a file runs isolated: found by what it calls, so
// a new one needs no list kept. Env stubs alone are undone by the file itself (vi.unstubAllEnvs in
// its afterAll or afterEach; vitest collects and runs one file at a time in a worker): such a file
// shares its worker, as an isolated one pays a fresh load of those modules (about a second).
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

const TEST_FILE = /\.test\.ts$/;
/** What makes a file change modules, or the process, for the files after it in a shared worker. */
const SWAPS_MODULES =
  /\bvi\.(mock|doMock|unmock|doUnmock|resetModules|stubGlobal|spyOn|useFakeTimers)\(|process\.chdir\(/;
/** Env stubs: they last past the file unless it undoes them. */
const STUBS_ENV = /\bvi\.stubEnv\(/;
const UNSTUBS_ENV = /\bvi\.unstubAllEnvs\(/;
const swaps = (source: string) => SWAPS_MODULES.test(source) || (STUBS_ENV.test(source) && !UNSTUBS_ENV.test(source));

const testFiles = (readdirSync('test', { recursive: true }) as string[])
  .filter((f) => TEST_FILE.test(f))
  .map((f) => join('test', f));
const isolated = testFiles.filter((f) => swaps(readFileSync(f, 'utf8')));

export default defineConfig({
  test: {
    // One worker a core: vitest's default leaves one free (one worker on CI's two cores), while
    // most of a test's time here is a spawned orgctl, git or npm waiting on I/O. Two workers on two
    // cores: 371 s against 559 s for the suite (179 files), every test passing.
    maxWorkers: availableParallelism(),
    testTimeout: 60_000,
    hookTimeout: 60_000,
    globalSetup: ['test/global-setup.ts'],
    // A TypeScript declaration's cached bundle (cli/declaration.ts: a 1 MB module, orgctl's
    // constructs in it) is imported by Node itself, as the command imports it: through Vite, each
    // new bundle was transformed again, about a second a declaration.
    server: { deps: { external: [/\/declarations\/[^/]+\.mjs$/] } },
    projects: [
      { extends: true, test: { name: 'shared', include: ['test/**/*.test.ts'], exclude: isolated, isolate: false } },
      { extends: true, test: { name: 'isolated', include: isolated } },
      // The organization's own tests beside its declaration (README: Testing your declaration,
      // `npx vitest run org/`), each file isolated: what they mock is no concern of this config.
      { extends: true, test: { name: 'org', include: ['org/**/*.test.ts'] } },
    ],
  },
});
