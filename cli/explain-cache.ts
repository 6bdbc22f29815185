/**
 * Where explain keeps its index (analysis/explain-index.ts) of a spec file's checked organization:
 * in orgctl's cache folder, so that asking again about the same file reads one namespace's part
 * instead of loading, checking and placing the whole declaration (at size L, 0.7 s).
 *
 * An index answers only for what it was made from: the spec file (its path and its bytes), the
 * date grants expire against and orgctl's own code (the bundle bin/orgctl.mjs runs, named by a
 * fingerprint of orgctl's sources and installed packages). The bytes are known by their SHA-256;
 * as git knows a file unchanged, a file whose size, modification and change times (to the
 * nanosecond), inode and device are those recorded is not read again, unless it was changed within
 * two seconds of the index being written (a later edit in the same clock tick would keep the same
 * times; by the change time, which nobody can put back). The index is made from the bytes it
 * records, read once by one open of the file's real path, never from the path read again. Only a
 * declaration that passes `orgctl check` is indexed. A TypeScript declaration (`org/org.ts`) never
 * is: it is a program, which may read anything when it runs, so no bytes identify what it declares.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  EXPLAIN_INDEX_FORMAT,
  explainIndexParts,
  type NamespaceView,
  namespaceViewOf,
} from '../analysis/explain-index.ts';
import type { OrgModel } from '../model/model.ts';
import type { Manifest } from '../synth/manifest.ts';
import {
  holdsRecordedBytes,
  readStamped,
  sameStamp,
  sha256Hex,
  sha256Of,
  stampOf,
  stampOfOpen,
  type FileStamp,
  type StampedRead,
} from './file-stamp.ts';
import { cacheFolder, isModuleFile } from './paths.ts';

const HEAD = 'organization.json';
const NAMESPACES = 'namespaces.json';
const BUCKETS = 'buckets.json';
/** What the index was made from: the declaration's SHA-256 and its file's stat then, and the answers' files as written. */
const MADE_FROM = 'declaration.json';
/** The files holding the index's answers, each bound to the record by its stat. */
const ANSWERS = [HEAD, NAMESPACES, BUCKETS] as const;
/** Indexes kept: the most recently used; older ones are removed when one is written. */
const KEPT = 2;

/**
 * The running engine: the name of the bundle folder its code was loaded from
 * (bin/orgctl.mjs writes `node_modules/.cache/orgctl/<16 hex digits>/`). Undefined when the
 * sources run through tsx: then nothing identifies the code, and nothing is indexed.
 */
export function engineId(url: string = import.meta.url): string | undefined {
  const folder = basename(dirname(fileURLToPath(url)));
  return /^[0-9a-f]{16}$/.test(folder) ? folder : undefined;
}

/** A declaration file as read: its stamp, and its bytes' SHA-256. */
interface DeclarationRead extends FileStamp {
  readonly sha256: string;
}

interface MadeFrom extends DeclarationRead, StampedRead {
  /** The index's key (its folder's name): of this file, date and engine. */
  readonly key: string;
  /** Each file of answers as written (its change time and inode: what no checkout can give a file it writes). */
  readonly answers: Readonly<Record<string, FileStamp>>;
}

export interface ExplainIndex {
  /** The index's folder (it may not exist yet). */
  readonly dir: string;
  /** The declaration's file. */
  readonly file: string;
}

/**
 * Where the index of this declaration file, at this date, by this engine is (or would be):
 * undefined when none may be kept (a module, the sources run through tsx, no cache folder of this
 * user's, a file that cannot be found: then the caller loads the declaration, which says why).
 */
export function explainIndexOf(file: string, today: string, engine = engineId()): ExplainIndex | undefined {
  if (isModuleFile(file) || engine === undefined) return undefined;
  const root = cacheFolder(file, 'explain');
  if (!root) return undefined;
  let real: string;
  try {
    real = realpathSync(file);
  } catch {
    return undefined;
  }
  const key = createHash('sha256')
    .update(`orgctl explain index\0${EXPLAIN_INDEX_FORMAT}\0${engine}\0${today}\0${real}`)
    .digest('hex')
    .slice(0, 32);
  return { dir: join(root, key), file: real };
}

/** The index's files, each opened once: what is read through them is what was opened, whatever then replaces the folder. */
type OpenIndex = Readonly<Record<typeof MADE_FROM | (typeof ANSWERS)[number], number>>;

/** Whether the declaration is still what the open index was made from. */
function unchanged(index: ExplainIndex, open: OpenIndex): boolean {
  const made = JSON.parse(readFileSync(open[MADE_FROM], 'utf8')) as MadeFrom;
  // An index of this date: a branch can commit this key as a link to an index of another day
  // (a grant expired since answered as held), or a folder of links to its files (F5).
  if (made.key !== basename(index.dir)) return false;
  // The answers, then, are the ones written with this record: a branch can commit answers of
  // another declaration beside the record an earlier run here wrote, never their change times (F5).
  // The files open, not their paths: a writer renaming another index into the folder after this
  // check would have the answers read from it (red team R77-1).
  const answered = (name: (typeof ANSWERS)[number]) =>
    sameStamp(stampOfOpen(open[name], join(index.dir, name)), made.answers?.[name]);
  if (!ANSWERS.every(answered)) return false;
  return holdsRecordedBytes(index.file, made);
}

/** Parts of one open file, read by position (in bytes): a namespace's part is searched as bytes (namespaceViewOf). */
function readParts(fd: number, path: string): (start: number, end: number) => Buffer {
  return (start, end) => {
    const buffer = Buffer.allocUnsafe(end - start);
    let done = 0;
    while (done < buffer.length) {
      const n = readSync(fd, buffer, done, buffer.length - done, start + done);
      if (n === 0) throw new Error(`${path}: shorter than its index says`);
      done += n;
    }
    return buffer;
  };
}

/** Writes texts one after another into a file; where each begins (and the last ends), in bytes. */
function writeParts(path: string, texts: Iterable<string>): number[] {
  const fd = openSync(path, 'w');
  try {
    const offsets = [0];
    let offset = 0;
    for (const text of texts) {
      const bytes = Buffer.from(text);
      for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
      offset += bytes.length;
      offsets.push(offset);
    }
    return offsets;
  } finally {
    closeSync(fd);
  }
}

/**
 * What the index holds for a question about `subject` in `namespace`; undefined when there is no
 * index of the declaration as it is now, or one that cannot be read (then the declaration is
 * loaded as without one).
 */
export function readExplainIndex(index: ExplainIndex, namespace: string, subject: string): NamespaceView | undefined {
  const fds: number[] = [];
  try {
    // Every file opened first, the record first, then each checked and read through its
    // descriptor: a file of answers opened from another index than the record is not its
    // record's (its fstat), and one opened from this index is read whatever replaces it (R77-1).
    const opened = (name: string) => {
      const fd = openSync(join(index.dir, name), 'r');
      fds.push(fd);
      return fd;
    };
    const open: OpenIndex = {
      [MADE_FROM]: opened(MADE_FROM),
      [HEAD]: opened(HEAD),
      [NAMESPACES]: opened(NAMESPACES),
      [BUCKETS]: opened(BUCKETS),
    };
    if (!unchanged(index, open)) return undefined;
    const bucketParts = readParts(open[BUCKETS], join(index.dir, BUCKETS));
    const view = namespaceViewOf(
      readFileSync(open[HEAD], 'utf8'),
      {
        namespaces: readParts(open[NAMESPACES], join(index.dir, NAMESPACES)),
        buckets: (start, end) => bucketParts(start, end).toString('utf8'),
      },
      namespace,
      subject,
    );
    if (view) {
      const now = new Date();
      utimesSync(index.dir, now, now); // recently used: kept when older ones are removed
    }
    return view;
  } catch {
    return undefined;
  } finally {
    for (const fd of fds) closeSync(fd);
  }
}

/** The declaration file as `declarationBefore` read it: its stamp and SHA-256, and its text, what is loaded. */
export interface DeclarationText extends DeclarationRead {
  readonly text: string;
}

/**
 * The declaration file read once, before it is loaded: its stamp (of the file opened, not of a
 * path), its bytes' SHA-256 and their text, which the caller loads (`loadSpec(file, today, text)`).
 * Loading it again by path would load whatever a link or folder on that path names by then, while
 * this file, untouched, vouches for it (red team R120-1). `writeExplainIndex` keeps an index only
 * when the file is the same after, its stamp and its bytes (a file saved while it was read is not
 * what was read whole). Undefined when it cannot be read so (gone, a link or anything but a
 * regular file by now, larger than `maxBytes` (the caller's MAX_SPEC_BYTES.json: constructs/spec.ts is
 * not loaded by an answer from the index, it and the YAML reader it loads are 1-2 ms of a question),
 * saved while read): the caller loads the declaration, which says why.
 */
export function declarationBefore(index: ExplainIndex, maxBytes: number): DeclarationText | undefined {
  const read = readStamped(index.file, maxBytes);
  return read && { ...read.stamp, sha256: sha256Hex(read.bytes), text: read.bytes.toString('utf8') };
}

/**
 * Keeps the index of a checked model and every object it renders, made from the declaration as
 * `before` found it. Written into a folder of its own, then renamed into place: a concurrent run
 * reads a whole index or none. A cache that cannot be written is no error.
 */
export function writeExplainIndex(
  index: ExplainIndex,
  before: DeclarationRead,
  model: OrgModel,
  objects: readonly Manifest[],
): void {
  // This run's own name, made here (not through anything already there under that name).
  const tmp = `${index.dir}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  try {
    // Its stamp too, not its bytes alone: a file saved while it loaded and put back (A, B, A) has
    // A's bytes and a later change time, and the model may be B's (red team R73-2).
    if (!sameStamp(stampOf(index.file), before) || sha256Of(index.file) !== before.sha256) return;
    const parts = explainIndexParts(model, objects);
    mkdirSync(tmp);
    const namespaces = writeParts(join(tmp, NAMESPACES), parts.namespaces);
    const buckets = writeParts(join(tmp, BUCKETS), parts.buckets);
    writeFileSync(join(tmp, HEAD), parts.head(namespaces, buckets));
    // The file as read, not the text `before` may carry.
    const { path, size, mtimeMs, ctimeMs, ino, dev, sha256 } = before;
    const made: MadeFrom = {
      path,
      size,
      mtimeMs,
      ctimeMs,
      ino,
      dev,
      sha256,
      writtenMs: Date.now(),
      key: basename(index.dir),
      answers: Object.fromEntries(ANSWERS.map((name) => [name, stampOf(join(tmp, name))])),
    };
    writeFileSync(join(tmp, MADE_FROM), JSON.stringify(made));
    rmSync(index.dir, { recursive: true, force: true }); // an index of an earlier version of the file
    renameSync(tmp, index.dir);
    pruneIndexes(dirname(index.dir), index.dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another run wrote it first, or no room
  }
}

/** A cache's folder name (explainIndexOf's key, verdictCacheOf's), or one being written; nothing else in the folder is orgctl's to remove. */
const INDEX_NAME = /^[0-9a-f]{32}(\.tmp-\d+-[0-9a-f]{12})?$/;

/** All but the `kept` most recently used caches in `root` are removed, and what an interrupted write left (after a while). */
export function pruneIndexes(root: string, current: string, kept = KEPT): void {
  const entries = readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && INDEX_NAME.test(e.name) && join(root, e.name) !== current)
    .map((e) => {
      const path = join(root, e.name);
      return {
        path,
        tmp: e.name.includes('.tmp-'),
        used: statSync(path).mtimeMs,
      };
    });
  const indexes = entries.filter((e) => !e.tmp).sort((a, b) => b.used - a.used);
  for (const e of indexes.slice(kept - 1)) rmSync(e.path, { recursive: true, force: true });
  for (const e of entries.filter((e) => e.tmp && Date.now() - e.used > 600_000))
    rmSync(e.path, { recursive: true, force: true });
}
