/**
 * The output folder, written all or nothing. A synthesis writes a sibling temporary folder,
 * then swaps it in with two renames; a failure at any point leaves the previous output, and
 * a run killed between the two renames is repaired by the next one.
 */
import { firstOf, showHidden, splitsPair } from '../model/text.ts';
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { Dirent } from 'node:fs';
import { InputError, kindOf, OutputError, refusedForRights, writeRefusal } from '../model/errors.ts';
import { MEMBERS_FILE } from '../model/membership.ts';
import { type FileStamp, readAtMost, sameStamp, stampOf, statOf } from './file-stamp.ts';
import { OUTPUT_HEADER } from '../synth/render.ts';
import type { FileSink, OutputFile } from '../synth/files.ts';

/**
 * What orgctl keeps beside an output folder `dist`: `.dist.tmp-*`, `.dist.old-*`, `.dist.lock-dead-*`.
 * None in a parent that is gone (even meanwhile) or that orgctl may not list: a reader looks here
 * for a swap under way (readWhole), and says the folder it asked for is missing (R101-3).
 */
function siblings(dir: string, kind: 'tmp' | 'old' | 'lock-dead'): string[] {
  const parent = dirname(dir);
  const prefix = `.${basename(dir)}.${kind}-`;
  try {
    return readdirSync(parent)
      .filter((f) => f.startsWith(prefix))
      .map((f) => join(parent, f));
  } catch {
    return [];
  }
}

/** The output folder when none is given: `synth` writes it, the other commands read it. */
export const DEFAULT_OUTPUT_DIR = 'dist';
/**
 * The output folder when no `--dir`/`--base` is given, as a side that is a folder or a git ref: by
 * its path, so a branch or tag named `dist` does not make what nobody typed ambiguous (R7).
 */
export const DEFAULT_OUTPUT_SIDE = `./${DEFAULT_OUTPUT_DIR}`;

/** Puts back an output folder left aside by a run that died between its two renames. */
export function recoverInterrupted(outDir: string): void {
  const dir = resolve(outDir);
  const old = siblings(dir, 'old');
  if (!existsSync(dir) && old.length) renameSync(old[0]!, dir);
}

/** What a folder entry is when it is neither a folder nor a regular file. */
function entryKind(e: Dirent): string {
  if (e.isSymbolicLink()) return 'a symbolic link';
  if (e.isFIFO()) return 'a FIFO';
  if (e.isSocket()) return 'a socket';
  if (e.isCharacterDevice() || e.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/**
 * Every file under `dir`, relative, `/`-separated, sorted. Only folders and regular files: a
 * symbolic link (to /dev/zero, to a file elsewhere), a FIFO or a device is an InputError, never
 * followed or opened (opening a FIFO waits forever; a link shows one thing and holds another).
 */
export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(p);
      else
        throw new InputError(
          `${join(dir, p)} is ${entryKind(e)}: orgctl reads and writes regular files only; remove it`,
        );
    }
  };
  walk('');
  return out.sort();
}

/**
 * The most of an output orgctl reads, every file together: from git objects, asked of git's listing
 * before any blob is read (cli/git.ts: above its largest output, LARGEST_OUTPUT; a blob of 100 MB,
 * GitHub's largest, of one byte repeated is 100 KB pushed, red team R82-1); from a folder, the most
 * of any one file (readBytesInto: a link to /dev/zero put there is not read without end).
 */
export const MAX_OUTPUT_BYTES = 256 * 2 ** 20;

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * A file of orgctl's output as text, refusing bytes that are not UTF-8: a lenient decoder reads
 * them as U+FFFD, which orgctl would write back, so bytes Go refuses would seem to prove. A BOM is
 * kept, for the reader to refuse.
 */
export function decodeOutput(bytes: Uint8Array, label: string): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new InputError(`${label}: not valid UTF-8; orgctl writes UTF-8 only`);
  }
}

/**
 * A file of an output folder's bytes, by one open (readAtMost): the folder was listed by file type
 * (listFiles, above), and a link or FIFO put at a listed path since is refused in words, never
 * followed or waited on; a file larger than a whole output may be is not read (red team R109-3).
 * Given `into`, read into its buffer, which it replaces when too small: the files of an output
 * folder are read one after another into one buffer (a new one for each is new memory the VM
 * faults in, 22 MB at size L), each used before the next.
 */
export function readBytesInto(file: string, into?: { buffer: Buffer }): Buffer {
  const read = readAtMost(file, MAX_OUTPUT_BYTES, true, into);
  if (Buffer.isBuffer(read)) return read;
  throw new InputError(
    'notRegular' in read
      ? `${showHidden(file)} is ${read.notRegular}: orgctl reads and writes regular files only; remove it`
      : `${showHidden(file)}: ${(read.tooLarge / 2 ** 20).toFixed(0)} MB is larger than an output may be (${MAX_OUTPUT_BYTES / 2 ** 20} MB); orgctl wrote no such file`,
  );
}

/** Waits `ms`, synchronously (a lock or a read waited for). */
const pause = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Reads of an output folder made again when a synthesis swapped it in meanwhile, and the wait between. */
const READ_TRIES = 20;
const READ_AGAIN_MS = 25;

/**
 * What `read` makes of the output folder (or manifests) at `path`, all read from one output. A
 * synthesis swaps its output in by two renames whenever it ends, and a reader takes no lock (dist/
 * may be read-only to it): a reader listing the folder, then reading its files by their paths,
 * read the list of one output and files of the next, and found none between the renames (red team
 * R101-1). The folder's stamp (inode, change time: a rename changes it) is taken before and after:
 * read again when it changed, or when the folder was missing beside a swap's `.old` sibling.
 * `read` is given the stamp it is read under: what a later read of the same output is checked against.
 */
export function readWhole<T>(path: string, read: (stamp: FileStamp) => T): T {
  const parent = dirname(resolve(path));
  for (let tries = 1; ; tries++) {
    const parentBefore = stampOf(parent);
    const before = stampOf(path);
    let result: { readonly value: T } | { readonly error: unknown };
    try {
      result = { value: read(before) };
    } catch (error) {
      result = { error };
    }
    const now = stampOf(path);
    const aside = now.size === -1 ? siblings(resolve(path), 'old')[0] : undefined;
    // Missing at both looks is missing only if nothing was renamed beside it in between: two swaps'
    // moments without a folder (the read between them failing on a listed file gone) stamp alike,
    // and their `.old` sibling may be gone again by the second look (under load, 1 read in ~1,000).
    const settled =
      now.size === -1 ? before.size === -1 && sameStamp(stampOf(parent), parentBefore) : sameStamp(now, before);
    if (settled && aside === undefined) {
      if ('error' in result) throw result.error;
      return result.value;
    }
    if (tries === READ_TRIES)
      throw new OutputError(
        aside === undefined
          ? changedWhileRead(path, `, ${READ_TRIES} times`)
          : `${path} is missing and ${aside} holds an output set aside: a synthesis is swapping its output in, or was killed between its two renames (the next orgctl synth puts it back)`,
      );
    pause(READ_AGAIN_MS);
  }
}

/** A folder read changed under the reader (a synthesis swapped its output in): what to do. */
const changedWhileRead = (path: string, how = ''): string =>
  `${path} changed while read${how} (an orgctl synth swapping its output in, or another writer): run again once nothing writes it`;

/** The files of a folder as one read listed them (relative paths), and the folder's stamp then: what else is read of that output is checked against it. */
export interface Listing {
  readonly files: readonly string[];
  readonly stamp: FileStamp;
}

/** What `read` makes of the files of folder `dir`, read whole (readWhole); undefined when `dir` is not a folder. */
export const readFolderWhole = <T>(dir: string, read: (listing: Listing) => T): T | undefined =>
  readWhole(dir, (stamp) => (statOf(dir)?.isDirectory() ? read({ files: listFiles(dir), stamp }) : undefined));

export interface Staleness {
  readonly missing: readonly string[];
  readonly extra: readonly string[];
  readonly changed: readonly string[];
}

/**
 * How `outDir` differs from `files`; all empty means up to date. Bytes are compared with the bytes
 * synthesis writes: decoded, a byte that is not UTF-8 would read as U+FFFD and match a rendering
 * holding one, in a file Go and the strict reader refuse (R57-2).
 */
export function compareWithDisk(outDir: string, files: readonly OutputFile[]): Staleness {
  return readWhole(outDir, () => staleness(resolve(outDir), files));
}

function staleness(dir: string, files: readonly OutputFile[]): Staleness {
  const onDisk = new Set(listFiles(dir));
  const missing: string[] = [];
  const changed: string[] = [];
  for (const f of files) {
    if (!onDisk.has(f.path)) missing.push(f.path);
    else if (!readBytesInto(join(dir, f.path)).equals(Buffer.from(f.content, 'utf8'))) changed.push(f.path);
    onDisk.delete(f.path);
  }
  return { missing, changed, extra: [...onDisk].sort() };
}

export const isUpToDate = (s: Staleness): boolean => !s.missing.length && !s.extra.length && !s.changed.length;

const LOCK_WAIT_MS = 120_000;
/** The file of a lock folder holding its id (LockSeen), beside `pid`. */
const LOCK_ID = 'id';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes a lock folder: first renamed to a name of its own, so that the lock's path goes from
 * held to free in one step. Removed in place, it would be an empty folder for a moment (its pid
 * file gone), and a waiter's rename replaces an empty folder: the waiter would hold the lock while
 * the remover's rmdir failed on the waiter's pid file, or removed it.
 */
function removeLock(lock: string, id: string): void {
  const gone = `${lock}-gone-${id}`;
  try {
    renameSync(lock, gone);
  } catch {
    return; // already gone (taken over by a waiter, or removed by one)
  }
  // Were ours ever taken from us, the lock moved is another writer's: it goes back, or a third
  // writer would write beside that one.
  if (lockSeen(gone)?.id !== id)
    try {
      renameSync(gone, lock);
      return;
    } catch {
      // the path was taken meanwhile: that lock stands, this one is lost either way
    }
  rmSync(gone, { recursive: true, force: true });
}

/** A lock folder as seen: its holder's pid, the folder's inode and the lock's own id (which lock it is). */
interface LockSeen {
  readonly pid: number;
  readonly ino: number;
  /** Random, written with the pid: an inode freed is soon another folder's, and a pid another process's. */
  readonly id: string;
}

/** Whether two looks saw the very same lock. */
const sameLock = (a: LockSeen | undefined, b: LockSeen): boolean => a?.ino === b.ino && a.id === b.id;

/** The lock folder at `lock`; undefined when none is there whole. */
function lockSeen(lock: string): LockSeen | undefined {
  try {
    const ino = statSync(lock).ino;
    const pid = Number(readFileSync(join(lock, 'pid'), 'utf8')) || 0;
    let id = '';
    try {
      id = readFileSync(join(lock, LOCK_ID), 'utf8');
    } catch {
      // a lock of an orgctl before ids (or a test's planted one): its inode and pid only
    }
    // Read from one folder: not replaced between the looks.
    return pid && statSync(lock).ino === ino ? { pid, ino, id } : undefined;
  } catch {
    return undefined; // gone between our rename and this read
  }
}

/**
 * How long a taken-over lock is kept under its tombstone name: longer than any waiter takes
 * between seeing a dead lock and acting on it.
 */
const TOMBSTONE_MS = 60_000;
/** A taken-over lock of `.dist.lock` is `.dist.lock-dead-<inode>`: one of its siblings (`lock-dead`). */
const tombstoneOf = (lock: string, ino: number): string => `${lock}-dead-${ino}`;

/**
 * Takes over the lock of a writer that is gone, seen as `seen`: renamed to a tombstone named after
 * the lock folder's inode, and left there a minute. Two waiters who both saw the dead lock cannot
 * then both act on it: the second one's rename finds the tombstone's name taken and fails, where
 * removing the dead lock let it remove the lock the first had just taken, and both wrote. No claim
 * to clean up: a waiter killed at any moment leaves a lock, a tombstone, or both. Returns whether
 * the dead lock was moved.
 */
function takeOver(lock: string, seen: LockSeen): boolean {
  const tombstone = tombstoneOf(lock, seen.ino);
  try {
    // Its age counts from before it is a tombstone (the lock's own time is when it was taken): a
    // tombstone touched after the rename was, for a moment, older than a minute, and the next holder
    // removed it, freeing its name for a second waiter who saw the same dead lock (R8).
    const now = new Date();
    utimesSync(lock, now, now);
    renameSync(lock, tombstone);
  } catch {
    return false; // taken over already (its tombstone holds the name), or gone
  }
  // The lock moved is the one seen, unless that one went some other way (a person removed it) and
  // another lock was taken since: that one goes back.
  if (sameLock(lockSeen(tombstone), seen)) return true;
  try {
    renameSync(tombstone, lock);
  } catch {
    // the lock was taken again meanwhile; this tombstone goes with the others
  }
  return false;
}

/** Removes tombstones of taken-over locks older than TOMBSTONE_MS (the lock is held: no one else moves them). */
function removeOldTombstones(dir: string): void {
  for (const path of siblings(dir, 'lock-dead')) {
    try {
      if (Date.now() - statSync(path).mtimeMs > TOMBSTONE_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // already gone
    }
  }
}

/**
 * One writer at a time per output folder: a lock folder (mkdir is atomic) holding the writer's
 * pid. A lock whose process is gone (killed) is taken over (takeOver); a live one is waited for.
 * Returns the release.
 */
export function lockOutput(dir: string): () => void {
  const lock = join(dirname(dir), `.${basename(dir)}.lock`);
  mkdirSync(dirname(dir), { recursive: true }); // --out new/dist: made as the output folder is
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    // The lock appears whole, pid inside, by one rename: a writer killed at any moment leaves
    // either no lock or a lock naming a process that is gone.
    const id = randomBytes(8).toString('hex');
    const mine = `${lock}-${process.pid}-${id}`;
    mkdirSync(mine);
    writeFileSync(join(mine, 'pid'), String(process.pid));
    writeFileSync(join(mine, LOCK_ID), id);
    try {
      renameSync(mine, lock);
      removeOldTombstones(dir);
      return () => removeLock(lock, id);
    } catch (e) {
      rmSync(mine, { recursive: true, force: true });
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
    }
    // Undefined: released between our rename and this read (or not a lock orgctl made): wait.
    const seen = lockSeen(lock);
    if (seen && !alive(seen.pid)) {
      // Looked at again once its holder is known gone: a lock its holder released just before
      // exiting may have been taken since, and the lock there now is a live writer's (given the
      // dead one's pid, even). Only the very lock seen, still there, is dead for sure (a dead holder
      // releases nothing).
      const again = lockSeen(lock);
      if (sameLock(again, seen) && takeOver(lock, seen)) continue;
    }
    if (Date.now() > deadline)
      throw new OutputError(
        `another orgctl synth (pid ${seen?.pid ?? '?'}) is writing ${dir}; remove ${lock} if it is not running`,
      );
    pause(50);
  }
}

/**
 * Replaces `outDir` with exactly `files`, atomically: streamOutput given them all at once. Resolves
 * false when it was already up to date.
 */
export async function writeAtomically(outDir: string, files: readonly OutputFile[]): Promise<boolean> {
  const output = streamOutput(outDir);
  try {
    for (const f of files) output.write(f.path, [f.content]);
    return output.finish();
  } finally {
    output.abandon();
  }
}

/** What became of the output folder `outDir` when a write failed before the swap. */
const keptAs = (outDir: string, existed: boolean): string =>
  existed ? `${outDir}/ was left as it was` : 'nothing was written';

/** The first of `path` and the folders above it that exists and is not a folder (a file where a folder must be). */
function fileOnTheWay(path: string): string | undefined {
  for (let p = path; ; p = dirname(p)) {
    if (statOf(p)?.isDirectory() === false) return p;
    if (dirname(p) === p) return undefined;
  }
}

/**
 * Why the output folder could not be written, for a person: the folder as given, the system's
 * reason once and in words, the folder the system refused (the new output is written beside the
 * old, so its parent must be writable), and what to do. Never the names of orgctl's own temporary
 * and lock folders.
 */
function outputRefusal(outDir: string, e: unknown, existed: boolean): OutputError {
  const file = fileOnTheWay(outDir);
  if (file)
    return new OutputError(
      `${file === outDir ? '' : `cannot write ${outDir}/: `}${file} is a file, not a folder; give --out a folder (a new one, or orgctl's output); ${keptAs(outDir, existed)}`,
    );
  let parent = dirname(resolve(outDir));
  while (!existsSync(parent) && dirname(parent) !== parent) parent = dirname(parent); // the folder that refused to hold a new one
  const todo = refusedForRights(e)
    ? `; give --out a folder in one orgctl may write to (ls -ld ${parent} shows its owner and mode)`
    : '';
  return new OutputError(
    `cannot write ${outDir}/: ${writeRefusal(e)} in ${parent}, where orgctl writes the new output before it replaces the old${todo}; ${keptAs(outDir, existed)}`,
  );
}

/**
 * Refuses, before anything is written, an output folder whose files orgctl may not remove
 * (another user's dist/, a read-only one): swapped in, the new output would leave the old one
 * beside it, half removed.
 */
function refuseUnremovable(dir: string, outDir: string, files: readonly string[]): void {
  const folders = new Set(['']);
  for (const f of files) for (let i = f.indexOf('/'); i > 0; i = f.indexOf('/', i + 1)) folders.add(f.slice(0, i));
  for (const folder of [...folders].sort()) {
    const shown = folder ? join(outDir, folder) : outDir;
    try {
      accessSync(folder ? join(dir, folder) : dir, constants.W_OK | constants.X_OK);
    } catch (e) {
      const todo = refusedForRights(e)
        ? `make it and what it holds yours (ls -ld ${shown} shows its owner and mode), or give another --out`
        : 'give another --out';
      throw new OutputError(
        `cannot write ${outDir}/: ${writeRefusal(e)} on ${shown}, whose files orgctl replaces; ${todo}; ${keptAs(outDir, true)}`,
      );
    }
  }
}

/** Whether a file begins with `start` (reading only that much of it). */
export function beginsWith(file: string, start: string): boolean {
  const head = Buffer.alloc(Buffer.byteLength(start));
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    return readSync(fd, head, 0, head.length, 0) === head.length && head.toString('utf8') === start;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** A file orgctl writes: YAML under its header, or its members.json. */
function writtenByOrgctl(dir: string, path: string): boolean {
  if (path === MEMBERS_FILE) return beginsWith(join(dir, path), '{\n  "organization": {');
  return path.endsWith('.yaml') && beginsWith(join(dir, path), OUTPUT_HEADER);
}

/** Folders under `dir` that hold no file at any depth (orgctl never leaves one). */
function emptyFolders(dir: string, files: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (!files.some((f) => f.startsWith(`${p}/`))) out.push(`${p}/`);
      else walk(p);
    }
  };
  walk('');
  return out;
}

/**
 * The output folder is replaced whole: refuse when it holds anything orgctl did not write
 * (`--out .` in a repository would otherwise delete the repository).
 */
function refuseForeignFolder(dir: string): void {
  const files = listFiles(dir);
  const foreign = [...files.filter((p) => !writtenByOrgctl(dir, p)), ...emptyFolders(dir, files)].sort();
  if (foreign.length) {
    throw new OutputError(
      `${dir}/ holds files orgctl did not write (${firstOf(foreign, 3)}): the output folder is replaced whole, so it must be empty or orgctl's own; choose another --out`,
    );
  }
}

/** Under the lock: a folder left by a run that died put back, a foreign one refused. */
function prepare(dir: string): void {
  recoverInterrupted(dir);
  if (existsSync(dir)) refuseForeignFolder(dir);
}

/** Under the lock, once nothing is written yet: the temporary folder the new output is written into (stale ones removed). */
function newTemporary(dir: string): { tmp: string; old: string } {
  for (const stale of siblings(dir, 'tmp')) rmSync(stale, { recursive: true, force: true });
  const tag = `${process.pid}-${Date.now().toString(36)}`;
  return {
    tmp: join(dirname(dir), `.${basename(dir)}.tmp-${tag}`),
    old: join(dirname(dir), `.${basename(dir)}.old-${tag}`),
  };
}

/** Where `path` of the output is written in `tmp`; refused outside it. */
function targetIn(tmp: string, path: string): string {
  const target = join(tmp, path);
  if (!target.startsWith(tmp + sep)) throw new Error(`refusing to write outside the output folder: ${path}`);
  return target;
}

/** The written folder `tmp` swapped in for `dir` by two renames, the previous output then removed. */
function swap(dir: string, outDir: string, tmp: string, old: string): void {
  const hadOld = existsSync(dir);
  if (hadOld) renameSync(dir, old);
  try {
    renameSync(tmp, dir);
  } catch (e) {
    if (hadOld) renameSync(old, dir);
    throw e;
  }
  try {
    rmSync(old, { recursive: true, force: true });
  } catch (e) {
    // Checked before (refuseUnremovable), so only a change meanwhile gets here: the new output is in.
    throw new OutputError(
      `wrote ${outDir}/, but could not remove the previous output, moved to ${old}: ${writeRefusal(e)}; remove it`,
    );
  }
}

/**
 * The output folder written as synthesis renders it, then swapped in whole (writeAtomically's
 * lock, folder and swap): each file is written when it is made and its text not kept, where
 * writeAtomically takes every file's text at once (194 MB at size XL, with as much again encoded
 * for the writes). The lock is taken at the first file, so a synthesis that fails before any (a
 * policy) takes none.
 */
export interface StreamedOutput extends FileSink {
  /**
   * Swaps what was written in, unless the folder holds exactly that already; returns whether it
   * was written.
   * @param whileHeld run once the folder is written (or found up to date), before the lock goes: what
   *   is recorded about the folder is then about this writer's output, not a writer's that came after
   */
  finish(whileHeld?: () => void): boolean;
  /** Removes what was written and releases the lock, unless finished: the folder is left as it was. */
  abandon(): void;
}

/** Bytes encoded at once before they are written (one buffer, reused for every file). */
const STREAM_BUFFER_BYTES = 2 ** 20;

/**
 * The least buffer writeParts can fill: a slice is cut at 3 bytes a UTF-16 unit, and never between
 * the halves of a pair, so a smaller one fits no slice of two units and writeParts would never end.
 */
export const MIN_WRITE_BUFFER_BYTES = 6;

export function streamOutput(outDir: string): StreamedOutput {
  const dir = resolve(outDir);
  let existed = false;
  let held: { unlock: () => void; tmp: string; old: string } | undefined;
  let buffer: Buffer | undefined;
  // Errors as writeAtomically says them, once what was written is gone and the lock released.
  const refused = (e: unknown): unknown => {
    abandon();
    return kindOf(e) || !(e as NodeJS.ErrnoException).code ? e : outputRefusal(outDir, e, existed);
  };
  const start = () => {
    existed = statOf(dir)?.isDirectory() ?? false;
    const unlock = lockOutput(dir);
    held = { unlock, tmp: '', old: '' };
    existed = statOf(dir)?.isDirectory() ?? false;
    Object.assign(held, newTemporary(dir));
    mkdirSync(held.tmp, { recursive: true });
    return held;
  };
  const abandon = () => {
    if (!held) return;
    const { unlock, tmp } = held;
    held = undefined;
    try {
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    } finally {
      unlock();
    }
  };
  return {
    write(path, parts) {
      try {
        const target = targetIn((held ?? start()).tmp, path);
        mkdirSync(dirname(target), { recursive: true });
        buffer ??= Buffer.allocUnsafe(STREAM_BUFFER_BYTES);
        return writeParts(target, parts, buffer);
      } catch (e) {
        throw refused(e);
      }
    },
    finish(whileHeld) {
      try {
        const { tmp, old } = held ?? start();
        prepare(dir);
        // Under the lock no one swaps the folder: compared as it is, not through readWhole. Only a
        // folder of its own (not a link to one elsewhere, whose files would become the new output's:
        // red team R121-2) is linked from, or left as it is; a link is replaced by the folder written.
        const own = lstatSync(dir, { throwIfNoEntry: false })?.isDirectory() === true;
        const same = own && linkUnchanged(dir, tmp);
        if (!same) {
          if (existsSync(dir)) refuseUnremovable(dir, outDir, listFiles(dir));
          swap(dir, outDir, tmp, old);
        }
        whileHeld?.();
        abandon();
        return !same;
      } catch (e) {
        throw refused(e);
      }
    },
    abandon,
  };
}

/**
 * Writes `parts` to a new file `target` through `buffer`: each part encoded into it, the buffer
 * written when full. No file's bytes are made whole (writeFile of a string encodes it into new
 * memory, which the VM faults in), nor a part's: one larger than the buffer (members.json, 20 MB at
 * size XL) is encoded a slice at a time, never between the halves of a pair. A buffer under
 * MIN_WRITE_BUFFER_BYTES is refused before the file is made. Returns the bytes written.
 */
export function writeParts(target: string, parts: readonly string[], buffer: Buffer): number {
  if (buffer.length < MIN_WRITE_BUFFER_BYTES)
    throw new RangeError(
      `writeParts: a write buffer of ${buffer.length} bytes is too small; it takes at least ${MIN_WRITE_BUFFER_BYTES} (a pair of UTF-16 units, 3 bytes each)`,
    );
  const fd = openSync(target, 'wx', 0o644);
  try {
    let at = 0;
    let written = 0;
    const flush = () => {
      for (let done = 0; done < at; ) done += writeSync(fd, buffer, done, at - done);
      written += at;
      at = 0;
    };
    for (const part of parts) {
      // A UTF-16 unit is at most 3 bytes of UTF-8.
      if (at + part.length * 3 > buffer.length) flush();
      if (part.length * 3 <= buffer.length) {
        at += buffer.write(part, at, 'utf8');
        continue;
      }
      for (let from = 0; from < part.length; ) {
        let to = Math.min(part.length, from + Math.floor((buffer.length - at) / 3));
        if (splitsPair(part, to)) to--;
        if (to <= from) {
          flush();
          continue;
        }
        at += buffer.write(part.slice(from, to), at, 'utf8');
        from = to;
      }
    }
    flush();
    return written;
  } finally {
    closeSync(fd);
  }
}

/**
 * Each file written in `tmp` that `dir` holds with the same bytes, and no other folder links,
 * made a hard link to the one in `dir` (a file keeps its inode, and what is kept about it, while
 * its bytes do not change). Returns whether the two hold exactly the same files, each `dir`'s alone.
 */
function linkUnchanged(dir: string, tmp: string): boolean {
  const before = listFiles(dir);
  const written = listFiles(tmp);
  const there = new Set(before);
  // Read into two buffers, reused: each file is compared before the next is read.
  const into = [{ buffer: Buffer.alloc(0) }, { buffer: Buffer.alloc(0) }] as const;
  let same = before.length === written.length;
  for (const path of written) {
    const now = join(tmp, path);
    const was = join(dir, path);
    const current = there.has(path) ? statSync(was) : undefined;
    if (
      !current ||
      statSync(now).size !== current.size ||
      !readBytesInto(now, into[0]).equals(readBytesInto(was, into[1]))
    ) {
      same = false;
      continue;
    }
    // Only a file that is the output's alone: one linked from elsewhere too would make the new
    // output that file, edited in place wherever it is edited (red team R121-1); it keeps the copy,
    // and the output is written even when nothing else changed (R121-2).
    if (current.nlink !== 1) {
      same = false;
      continue;
    }
    const link = `${now}.link`;
    try {
      linkSync(was, link);
      renameSync(link, now);
    } catch {
      rmSync(link, { force: true }); // no hard links on this file system: the copy stays
    }
  }
  return same;
}

/** DIR/members.json as text: what synthesis wrote for other systems to read. */
export function readMembersText(dir: string): string {
  const text = membersTextIfAny(dir);
  if (text === undefined) throw cannotRead(dir);
  return text;
}

/**
 * DIR/members.json as text, or undefined when there is none (no output there yet): its one reader.
 * `asRead`: the stamp of the read it goes with; of another output (a synthesis swapped one in since),
 * refused: its membership beside the first output's bindings would be no output's (R147).
 */
export function membersTextIfAny(dir: string, asRead?: FileStamp): string | undefined {
  const file = join(dir, MEMBERS_FILE);
  // Missing between the two renames of a synthesis swapping dist/ in: read again (R101-1).
  return readWhole(dir, (stamp) => {
    if (asRead && !sameStamp(stamp, asRead)) throw new OutputError(changedWhileRead(dir));
    try {
      // By one open, a regular file only: a link or FIFO put there is refused, never followed or
      // waited on (R107-2); orgctl writes none there. Bytes that are no UTF-8 are refused, never
      // read as U+FFFD (R143-1).
      return decodeOutput(readBytesInto(file), file);
    } catch (e) {
      if (e instanceof InputError) throw e;
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw cannotRead(dir);
    }
  });
}

/** DIR/members.json not read (missing, or refused), and what to do. */
const cannotRead = (dir: string): InputError =>
  new InputError(`${join(dir, MEMBERS_FILE)} cannot be read: run orgctl synth first, or give --dir`);
