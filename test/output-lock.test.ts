/**
 * The output folder's lock (cli/output.ts lockOutput), driven step by step: what a waiter does when
 * the lock changes hands between its looks. The writers racing for real are in
 * test/properties/output.test.ts; these pin the interleavings those meet only under load.
 */
import * as fs from 'node:fs';
import { mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { lockOutput, writeAtomically } from '../cli/output.ts';
import { headerOf } from '../synth/render.ts';
import { tempDir } from './helpers.ts';

// Every rename lockOutput makes, and every look at a path, seen (spies on the module's own import).
vi.mock('node:fs', async (original) => {
  const real = await original<typeof import('node:fs')>();
  return {
    ...real,
    renameSync: vi.fn(real.renameSync),
    existsSync: vi.fn(real.existsSync),
    statSync: vi.fn(real.statSync),
    lstatSync: vi.fn(real.lstatSync),
  };
});

/** A pid no process has: above Linux's pid_max. */
const DEAD_PID = 999_999_999;

/** Puts a lock folder at `lock` naming `pid`, as a writer's rename does; returns its inode. */
function placeLock(lock: string, pid: number): number {
  const made = `${lock}-placed-${pid}`;
  mkdirSync(made);
  writeFileSync(join(made, 'pid'), String(pid));
  writeFileSync(join(made, 'id'), Math.random().toString(36)); // each lock its own, as a writer's
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
  for (const spy of [fs.renameSync, fs.existsSync, fs.statSync, fs.lstatSync]) vi.mocked(spy).mockReset();
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

  it('a lock looked at again is the same lock, not only the same pid (a pid reused by a live writer)', () => {
    // Between the waiter's two looks the dead lock was taken over and a new writer, given the dead
    // one's pid, took the lock: the pid alone said "still the dead lock", and the live one was moved.
    const parent = tempDir();
    const dir = join(parent, 'dist');
    const lock = join(parent, '.dist.lock');
    placeLock(lock, DEAD_PID);
    let asked = 0;
    vi.spyOn(process, 'kill').mockImplementation((() => {
      asked++;
      releaseLock(lock);
      if (asked === 1) {
        placeLock(lock, DEAD_PID); // the new writer, whose pid is the dead one's
        throw Object.assign(new Error('kill ESRCH'), { code: 'ESRCH' });
      }
      return true; // asked about the new writer: alive (and it releases)
    }) as typeof process.kill);
    vi.mocked(fs.renameSync).mockClear();
    lockOutput(dir)();
    const moves = vi.mocked(fs.renameSync).mock.calls.map(([, to]) => String(to));
    expect(moves.filter((to) => to.includes('.dist.lock-dead-'))).toEqual([]);
  });

  it("a taken-over lock's tombstone is never old: a writer removing old tombstones cannot free its name while a waiter who saw the dead lock still acts", () => {
    // The tombstone kept the dead lock's own time until its taker touched it: in between, the next
    // holder removed it as older than a minute, and a second waiter who saw the same dead lock
    // moved that holder's live lock to the freed name (R8).
    const parent = tempDir();
    const dir = join(parent, 'dist');
    const lock = join(parent, '.dist.lock');
    placeLock(lock, DEAD_PID);
    const longAgo = new Date(Date.now() - 120_000);
    utimesSync(lock, longAgo, longAgo); // the dead writer took the lock two minutes ago
    const ages: number[] = [];
    const real = vi.mocked(fs.renameSync).getMockImplementation()!;
    vi.mocked(fs.renameSync).mockImplementation((from, to) => {
      real(from, to);
      if (String(to).includes('.dist.lock-dead-')) ages.push(Date.now() - statSync(to).mtimeMs);
    });
    lockOutput(dir)();
    expect(ages).toHaveLength(1);
    expect(ages[0]).toBeLessThan(60_000);
  });

  it("a release moves away only the releaser's own lock", () => {
    // Were its lock ever taken from it, the lock at the path is another writer's: removing it would
    // let a third write beside that one.
    const parent = tempDir();
    const dir = join(parent, 'dist');
    const lock = join(parent, '.dist.lock');
    const release = lockOutput(dir);
    releaseLock(lock);
    placeLock(lock, process.ppid); // another writer's
    release();
    expect(readFileSync(join(lock, 'pid'), 'utf8')).toBe(String(process.ppid));
    releaseLock(lock);
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

describe('the output folder changing before its writer holds the lock', () => {
  it("another writer's swap between a writer's looks at the folder, before it holds the lock: the write succeeds", async () => {
    // writeAtomically asked whether the folder was there before taking the lock, in two calls
    // (exists, then stat): another writer's swap between them (the folder moved aside, the new one
    // not yet in) failed a synthesis with ENOENT (the four-writers test on CI, stop 59's run). Here
    // the other writer's swap is under way from the writer's first look at the folder until just
    // before its lock is taken, as it is when the other holds the lock meanwhile.
    const parent = tempDir();
    const dir = join(parent, 'dist');
    const lock = join(parent, '.dist.lock');
    const aside = join(parent, '.dist.old-other');
    const output = (text: string) => [
      { path: 'lga1/cluster/resources.yaml', content: `# ${headerOf('org.yaml')}\n# ${text}\n` },
    ];
    await writeAtomically(dir, output('first'));
    const realRename = vi.mocked(fs.renameSync).getMockImplementation()!;
    let state: 'before' | 'swapping' | 'holding' = 'before';
    for (const spy of [fs.existsSync, fs.statSync, fs.lstatSync] as ((
      path: fs.PathLike,
      ...rest: never[]
    ) => unknown)[]) {
      const real = vi.mocked(spy).getMockImplementation()!;
      vi.mocked(spy).mockImplementation((path: fs.PathLike, ...rest: never[]) => {
        const answer = real(path, ...rest);
        if (state === 'before' && String(path) === dir) {
          state = 'swapping'; // the other writer moves the folder aside
          realRename(dir, aside);
        }
        return answer;
      });
    }
    vi.mocked(fs.renameSync).mockImplementation((from, to) => {
      if (String(to) === lock && state === 'swapping') realRename(aside, dir); // its new output in, its lock let go
      realRename(from, to);
      if (String(to) === lock) state = 'holding';
    });
    await expect(writeAtomically(dir, output('second'))).resolves.toBe(true);
    expect(state).toBe('holding'); // the swap did happen between the looks
    expect(readFileSync(join(dir, 'lga1/cluster/resources.yaml'), 'utf8')).toMatch(/^# second$/m);
    expect(readdirSync(parent)).toEqual(['dist']);
  });
});
