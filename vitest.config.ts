// Timeouts for every way the tests run (npm test, npx vitest run test/X.test.ts): several tests
// spawn the CLI or a browser, or synthesize large organizations, on shared CI cores.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { testTimeout: 60_000, hookTimeout: 60_000, globalSetup: ['test/global-setup.ts'] },
});
