/** Writing one output file on a person's machine. */
import { randomBytes } from 'node:crypto';
import { lstatSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { OutputError, unwritable } from '../model/errors.ts';

/**
 * What is at `path` when it is a device, a FIFO or a socket, or a link to one. Renamed over, it
 * would be gone: run as root, `--out /dev/null` replaced /dev/null, and `--out /dev/stdout` the
 * link to the output. (A folder refuses the rename itself.)
 */
function special(path: string): string | undefined {
  try {
    const here = lstatSync(path, { throwIfNoEntry: false });
    const target = here?.isSymbolicLink() ? statSync(path, { throwIfNoEntry: false }) : here;
    if (!here || !target || target.isFile() || target.isDirectory()) return undefined;
    return here.isSymbolicLink() ? 'a link to a device, FIFO or socket' : 'a device, FIFO or socket';
  } catch {
    return undefined; // a folder orgctl may not look in: the write says so
  }
}

/**
 * Writes `content` to `path` as a new file renamed over the file there: a symbolic link at
 * `path` (a branch may commit one) is replaced, never written through; a device, FIFO or socket
 * is refused; an existing file's looser mode is not kept; a reader sees the old file or the new
 * one, never half of it.
 */
export function replaceFile(path: string, content: string, mode = 0o644): void {
  const what = special(path);
  if (what !== undefined)
    throw new OutputError(
      `cannot write ${path}: it is ${what}, not a file, and orgctl replaces only a file; give the path of a file`,
    );
  // Named for this run alone (a pid is not unique across containers sharing a folder), and created
  // exclusively: nothing planted under that name is written through either.
  const tmp = join(dirname(resolve(path)), `.${basename(path)}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  try {
    writeFileSync(tmp, content, { mode, flag: 'wx' });
    renameSync(tmp, path);
  } catch (e) {
    throw unwritable(path, e);
  } finally {
    // A folder orgctl may not enter refuses even this: the write's own error is what to say.
    try {
      rmSync(tmp, { force: true });
    } catch {}
  }
}
