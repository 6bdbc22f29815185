/** Writing one output file on a person's machine. */
import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { unwritable } from '../model/errors.ts';

/**
 * Writes `content` to `path` as a new file renamed over whatever is there: a symbolic link at
 * `path` (a branch may commit one) is replaced, never written through; an existing file's looser
 * mode is not kept; a reader sees the old file or the new one, never half of it.
 */
export function replaceFile(path: string, content: string, mode = 0o644): void {
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
