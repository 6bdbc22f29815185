/**
 * Waits until what was written at `at` (Date.now()) is out of the file systems' racy window
 * (cli/racy.mjs, 2 s), as helpers.ts waitOutRacyWindow does after a write just made: only what is
 * left of it. A test whose files are written in a beforeAll, before tests that take longer than
 * the window, then waits for none of it.
 */
export const waitOutRacyWindowSince = (at: number): void => {
  const left = at + 2_100 - Date.now();
  if (left > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, left);
};
