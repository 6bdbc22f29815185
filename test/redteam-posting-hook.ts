/**
 * For the red-team race files: the real adapter, but something may happen on GitHub just before the
 * next verdict is posted (`beforePost.once`, run once and cleared): in a test file,
 * `vi.mock('./../github/adapter.ts', async (original) => (await import('./redteam-posting-hook.ts')).postingAfter(await original()))`.
 */
import { afterEach } from 'vitest';
import type * as Adapter from '../github/adapter.ts';

/** What happens on GitHub just before the next check run is posted (once). */
export const beforePost = { once: undefined as (() => Promise<void>) | undefined };
afterEach(() => void (beforePost.once = undefined));

export const postingAfter = (real: typeof Adapter): typeof Adapter => ({
  ...real,
  createCheckRun: async (...args) => {
    const [happen] = [beforePost.once, (beforePost.once = undefined)];
    await happen?.();
    return real.createCheckRun(...args);
  },
});
