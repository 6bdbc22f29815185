/**
 * The output folder's lock (cli/output.ts lockOutput), driven step by step: what a waiter does when
 * the lock changes hands between its looks. The writers racing for real are in
 * test/properties/output.test.ts; these pin the interleavings those meet only under load.
 */
import * as fs from 'node:fs';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { lockOutput } from '../cli/output.ts';
import { tempDir } from './helpers.ts';

// Every rename lockOutput makes, seen (a spy on the module's own import).
vi.mock('node:fs', async (original) => {
  const real = await original<typeof import('node:fs')>();
  return { ...real, renameSync: vi.fn(real.renameSync) };
});

/** A pid no process has: above Linux's pid_max. */
const DEAD_PID = 999_999_999;

/** Puts a lock folder at `lock` naming `pid`, as a writer's rename does; returns its inode. */
function placeLock(lock: string, pid: number): number {
  const made = `${lock}-placed-${pid}`;
  mkdirSync(made);
  writeFileSync(join(made, 'pid'), String(pid));
  fs.renameSync(made, lock);
  return statSync(lock).ino;
}

/** Removes the lock at `lock` as its holder's release does (renamed away, then removed). */
function releaseLock(lock: string): void {
  const gone = `${lock}-released`;
  fs.renameSync(lock, gone);
  fs.rmSync(gone, { recursive: true });
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.mocked(fs.renameSync).mockClear();
});

describe('the output lock changing hands while a waiter looks', () => {
  it("a lock released and taken again while its holder exits is the new holder's: the waiter leaves it in place", () => {
    // Writer A held the lock when the waiter read it; before the waiter asked whether A lives, A
    // released it and exited, and writer B took it. The waiter took A's death for the lock's and
    // moved B's lock aside (then back): in that moment a third writer took the lock, and two wrote
    // at once (a failed write seen once in the four-writers test under load).
    const parent = tempDir();
    const dir = join(parent, 'dist');
    const lock = join(parent, '.dist.lock');
    const seenIno = placeLock(lock, DEAD_PID); // A's lock, as the waiter reads it
    const livePid = process.ppid; // B: a process that is running
    let asked = 0;
    vi.spyOn(process, 'kill').mockImplementation(((pid: number) => {
      asked++;
      if (pid === DEAD_PID) {
        // Between the waiter's read and this question: A released and exited, B took the lock.
        releaseLock(lock);
        placeLock(lock, livePid);
        throw Object.assign(new Error('kill ESRCH'), { code: 'ESRCH' });
      }
      // B, asked about while holding the lock, releases it: the waiter can then take it.
      releaseLock(lock);
      return true;
    }) as typeof process.kill);
    vi.mocked(fs.renameSync).mockClear();
    const release = lockOutput(dir);
    release();
    expect(asked).toBe(2);
    const moves = vi.mocked(fs.renameSync).mock.calls.map(([from, to]) => [String(from), String(to)]);
    // No rename took B's lock (nothing moved from the lock's path but the test's own releases).
    expect(moves.filter(([from, to]) => from === lock && to !== `${lock}-released`)).toEqual([
      [lock, expect.stringMatching(/\.dist\.lock-gone-/)], // the waiter's own release
    ]);
    expect(moves.some(([, to]) => to === `${lock}-dead-${seenIno}`)).toBe(false);
    expect(readdirSync(parent)).toEqual([]);
  });

  it('a lock whose holder is gone, still there when looked at again, is taken over', () => {
    const parent = tempDir();
    const dir = join(parent, 'dist');
    const lock = join(parent, '.dist.lock');
    const ino = placeLock(lock, DEAD_PID);
    const release = lockOutput(dir);
    expect(readdirSync(parent).sort()).toEqual(['.dist.lock', `.dist.lock-dead-${ino}`]);
    release();
    expect(readdirSync(parent)).toEqual([`.dist.lock-dead-${ino}`]); // kept a minute (test/properties/output.test.ts)
  });
});
