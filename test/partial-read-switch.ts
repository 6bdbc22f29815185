/**
 * can-i's full read on demand, for tests that hold its partial read (cli/partial-read.ts) to it: mock
 * that module with `fullReadOnDemand`, then ask through `bothReads`. Only types are imported here: the
 * mock's factory loads this module while cli/partial-read.ts is itself being loaded.
 */
import { expect } from 'vitest';
import type * as PartialRead from '../cli/partial-read.ts';

const force = { full: false };

/** The module, but that readForQuestion answers "cannot bound" (can-i then reads in full) while bothReads asks so. */
export const fullReadOnDemand = (m: typeof PartialRead): typeof PartialRead => ({
  ...m,
  readForQuestion: (...a: Parameters<typeof m.readForQuestion>) => (force.full ? undefined : m.readForQuestion(...a)),
});

/** What `ask` answers by the full read, then by the partial read. */
export async function bothReads<T>(ask: () => Promise<T>): Promise<{ full: T; partial: T }> {
  force.full = true;
  let full: T;
  try {
    full = await ask();
  } finally {
    force.full = false;
  }
  return { full, partial: await ask() };
}

/** A command's answer as the tests compare it. */
interface Answer {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** What `ask` answers: the full read refuses the output (exit 2), and the partial read answers as it does. */
export async function expectPartialRefusesAsFull(ask: () => Promise<Answer>): Promise<void> {
  const { full, partial } = await bothReads(ask);
  expect(full.code, full.stdout + full.stderr).toBe(2);
  expect([partial.code, partial.stdout], 'the partial read said no where the cluster says yes').toEqual([
    full.code,
    full.stdout,
  ]);
}
