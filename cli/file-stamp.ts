/**
 * A file or folder as git knows it unchanged: size, modification and change times, inode and
 * device. The change time cannot be put back (`touch -r`, `cp -p`, `rsync -t` put back the
 * modification time only), nor can a checkout give a file it writes an inode it chooses. The caches
 * that answer for what they were made from (the declaration's bundle, what an output was written
 * from, explain's index) keep one per path they read.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, type Stats, statSync } from 'node:fs';
import { mayHaveChangedSince } from './racy.mjs';

export interface FileStamp {
  readonly path: string;
  /** -1: the path was not there (a file created there later may change what was made). */
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly ino: number;
  readonly dev: number;
  /** The path itself, a symbolic link not followed: a link re-pointed is another inode. */
  readonly link?: true;
}

const ABSENT = { size: -1, mtimeMs: 0, ctimeMs: 0, ino: 0, dev: 0 } as const;

const stampFrom = (path: string, s: Stats): FileStamp => ({
  path,
  size: s.size,
  mtimeMs: s.mtimeMs,
  ctimeMs: s.ctimeMs,
  ino: s.ino,
  dev: s.dev,
});

/**
 * What `path` is (a link followed), or undefined when it is not there to be seen: gone, under a file,
 * or in a folder orgctl may not search. One call where existsSync then statSync were two: another
 * process (a synthesis swapping dist/ in) may remove the path between them (red team R101-3).
 */
export function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/**
 * The flags of an open of a regular file only: a symbolic link is not followed (the open fails,
 * ELOOP), a FIFO not waited on; the caller checks by fstat that what it opened is a regular file.
 */
export const REGULAR_ONLY = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** What readAtMost found at a path instead of the bytes of a file it may read. */
export type NotRead =
  /** More than the limit: its size when a regular file says it, else (grown since, a device, a pipe) the bytes read. */
  | { readonly tooLarge: number }
  /** With `regularOnly`: what it is instead of a regular file. */
  | { readonly notRegular: 'a symbolic link' | 'a folder' | 'a device, FIFO or socket' };

/**
 * The bytes of the file at `path`, by one open: what is judged is the file looked at (an lstat or a
 * size checked by the path, then a read by the path, read whatever was put there between: another
 * file, a link to one, a FIFO that hangs; red team R107-2). At most `maxBytes`: a file larger, as
 * its fstat says or as read (grown since, or a device or pipe whose stat says 0: a link to
 * /dev/zero), is `tooLarge`, read no further. `regularOnly`: a symbolic link is not followed
 * (O_NOFOLLOW), a FIFO not waited on (O_NONBLOCK), and anything but a regular file is `notRegular`.
 * An error opening or reading it is thrown. Given `into`, the bytes are read into its buffer when it
 * is large enough, else into a larger one that replaces it there, and are a view of it: a reader of
 * many files one after another reuses one buffer (new memory is slow to fault in on this VM).
 */
export function readAtMost(
  path: string,
  maxBytes: number,
  regularOnly = false,
  into?: { buffer: Buffer },
): Buffer | NotRead {
  let fd: number;
  try {
    fd = openSync(path, regularOnly ? REGULAR_ONLY : 'r');
  } catch (e) {
    if (regularOnly && (e as NodeJS.ErrnoException).code === 'ELOOP') return { notRegular: 'a symbolic link' };
    throw refusalAsSeen(path, e);
  }
  try {
    const s = fstatSync(fd);
    if (regularOnly && !s.isFile()) return { notRegular: s.isDirectory() ? 'a folder' : 'a device, FIFO or socket' };
    return readOpen(fd, s, maxBytes, into);
  } finally {
    closeSync(fd);
  }
}

/** The bytes of the file open as `fd`, whose fstat is `s`, at most `maxBytes` (readAtMost's reading). */
function readOpen(fd: number, s: Stats, maxBytes: number, into?: { buffer: Buffer }): Buffer | NotRead {
  if (s.isFile() && s.size > maxBytes) return { tooLarge: s.size };
  // One byte more than the size says: reading to the end finds a file grown since.
  const wanted = Math.min(s.size, maxBytes) + 1;
  let buffer = into && into.buffer.length >= wanted ? into.buffer : Buffer.allocUnsafe(wanted);
  let size = 0;
  for (let n: number; (n = readSync(fd, buffer, size, buffer.length - size, null)) > 0; ) {
    size += n;
    if (size > maxBytes) return { tooLarge: size };
    if (size === buffer.length) {
      const larger = Buffer.allocUnsafe(Math.min(buffer.length * 2, maxBytes + 1));
      buffer.copy(larger, 0, 0, size);
      buffer = larger;
    }
  }
  if (into) into.buffer = buffer;
  return buffer.subarray(0, size);
}

/**
 * An open refused, as the path refuses it: when a folder on its path may not be searched, the lstat's
 * own refusal ("may not look at this path", as a stat first said it), not the open's ("may not read
 * this file", of a file that may well be readable). A look after the failure, to word it only.
 */
function refusalAsSeen(path: string, e: unknown): unknown {
  const code = (e as NodeJS.ErrnoException).code;
  if (code !== 'EACCES' && code !== 'EPERM') return e;
  try {
    lstatSync(path);
    return e;
  } catch (looked) {
    const lookedCode = (looked as NodeJS.ErrnoException).code;
    return lookedCode === 'EACCES' || lookedCode === 'EPERM' ? looked : e;
  }
}

/** `path` as it is now (`link`: the link itself, not what it points to). */
export function stampOf(path: string, link = false): FileStamp {
  try {
    return link ? { ...stampFrom(path, lstatSync(path)), link } : stampFrom(path, statSync(path));
  } catch {
    return { path, ...ABSENT, ...(link ? { link } : {}) };
  }
}

/**
 * The file open as `fd` (opened from `path`), as it is now: what is read through `fd` is this file,
 * whatever `path` names by then (a check of the path, then a read by it, may read another file).
 */
export const stampOfOpen = (fd: number, path: string): FileStamp => stampFrom(path, fstatSync(fd));

/**
 * A regular file's bytes (at most `maxBytes`) with the stamp of the very file read, by one open: a
 * stamp by path then a read by path may be of two files (a link re-pointed, a folder on the path
 * swapped between them and put back: red team R120). Its fstat before and after the read are
 * equal, or it was written meanwhile. Undefined when it is not so, is no regular file (a link is not
 * followed, a FIFO not waited on), is larger, or cannot be read.
 */
export function readStamped(path: string, maxBytes: number): { bytes: Buffer; stamp: FileStamp } | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, REGULAR_ONLY);
    const s = fstatSync(fd);
    if (!s.isFile()) return undefined;
    const bytes = readOpen(fd, s, maxBytes);
    const stamp = stampFrom(path, s);
    if (!Buffer.isBuffer(bytes) || bytes.length !== s.size || !sameStamp(stampFrom(path, fstatSync(fd)), stamp))
      return undefined;
    return { bytes, stamp };
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Whether two stamps are of one file, untouched between them (where each was taken aside). */
export const sameStamp = (now: FileStamp, was: FileStamp | undefined): boolean =>
  was !== undefined &&
  now.size === was.size &&
  now.mtimeMs === was.mtimeMs &&
  now.ctimeMs === was.ctimeMs &&
  now.ino === was.ino &&
  now.dev === was.dev;

/** Whether the path is as `s` recorded it (gone where it was, or there where it was not, is a change). */
export const isUnchanged = (s: FileStamp): boolean => sameStamp(stampOf(s.path, s.link === true), s);

/** Bytes (or text, as UTF-8) as the caches know them and name what they keep: their SHA-256, in hex. */
export const sha256Hex = (bytes: string | Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Bytes sha256Of reads at once: the file is hashed through one buffer, never held whole. */
const HASH_READ_BYTES = 2 ** 20;

/**
 * A file's bytes as the caches know them: their SHA-256. Read through a buffer of HASH_READ_BYTES:
 * synth hashes its spec once more when it records what it wrote, and the whole of it (43 MB at size
 * XL) was new memory, 10,000 pages the VM faults in.
 */
export function sha256Of(file: string): string {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(HASH_READ_BYTES);
  const fd = openSync(file, 'r');
  try {
    for (let n: number; (n = readSync(fd, buffer, 0, buffer.length, null)) > 0; ) hash.update(buffer.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** A file as a cache read it: its stamp, the SHA-256 of its bytes, and when (ms since the epoch) the cache was written. */
export interface StampedRead extends FileStamp {
  readonly sha256: string;
  readonly writtenMs: number;
}

/**
 * Whether `file` (now) holds the bytes `made` recorded of it. As git knows a file unchanged, a file
 * whose stamp is the one recorded is not read again, unless it was changed within two seconds of
 * the record's writing (a later edit in the same clock tick would keep the same times; by the change
 * time, which nobody can put back). Else its content, but only of the very file recorded (its inode
 * and device): a branch can commit a record naming the hash of a file it ships, never the inode a
 * checkout gives it (R7).
 */
export function holdsRecordedBytes(file: string, made: StampedRead): boolean {
  const now = stampOf(file);
  if (sameStamp(now, made) && !mayHaveChangedSince(made.ctimeMs, made.writtenMs)) return true;
  return now.ino === made.ino && now.dev === made.dev && now.size === made.size && sha256Of(file) === made.sha256;
}
