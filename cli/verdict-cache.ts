/**
 * can-i's and who-can's verdicts on the files of an output folder (cli/partial-read.ts), kept
 * outside it, in orgctl's cache folder beside explain's index (cacheFolder: `can-i`): for each file
 * the partial read parsed whole and strictly (R83-1) and with every server check (R89-1), and found
 * accepted, the documents it read and what it found of the file's bytes (partial-read.ts: FileFacts,
 * and its subjects' names), so that a file already judged is neither parsed nor searched again (at
 * size L, parsing the two files a question reads and searching the 32 others were most of can-i's
 * time). A question judges, after its answer is printed (cli/after-answer.ts), every file it did not parse (once per output written,
 * the cost of a full read). A file refused is never kept: it is judged again each time, as without
 * a cache, and its refusal left to the full read to tell.
 *
 * A verdict answers only for the very bytes it was made from, as explain's index does
 * (holdsRecordedBytes: a stamp no edit keeps, its change time and inode, or else the SHA-256 of the
 * same inode), in the output folder it was made of (its real path), by this orgctl (the bundle's
 * fingerprint): each is in the folder's key, and each record names its key and its file, checked
 * where the partial read reads it (the folder as given: a link to it may be re-pointed). A record
 * is written only of bytes read again after the parse, unchanged and older than the racy window
 * (its documents in JSON, which holds exactly what the strict reader reads). A record
 * that fails any of this is no verdict: the file is parsed as without a cache.
 */
import { closeSync, fstatSync, mkdirSync, openSync, readSync, realpathSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import type { ManifestDoc } from '../analysis/objects.ts';
import { NEWLINE } from '../model/text.ts';
import { headOf, type DocumentHead } from './output-read.ts';
import { engineId, pruneIndexes } from './explain-cache.ts';
import { replaceFile } from './replace-file.ts';
import { holdsRecordedBytes, REGULAR_ONLY, readStamped, sha256Hex, type StampedRead } from './file-stamp.ts';
import { cacheFolder, ownFolder } from './paths.ts';
import { mayHaveChangedSince } from './racy.mjs';

/**
 * Raised when what a record holds, or how it is checked, changes (3: its documents' heads and places,
 * a line of their own; 4: each place's mark).
 */
const VERDICTS_FORMAT = 4;
/** Output folders whose verdicts are kept: the most recently used. */
const KEPT = 4;

/** A document of a judged file: its place in the file and its object (its label is the folder's as asked now). */
interface KeptDocument {
  readonly index: number;
  readonly object: unknown;
}

/**
 * A record's first line; then, each on a line of its own and read only when asked for, what else
 * was found of the file (`moreBytes` long), its documents (KeptDocument[], `docsBytes` long) and
 * where each of them is in that line, with its head (DocumentPlaces, `placesBytes` long): a
 * question parses only the documents it keeps (at size L, the cluster shard's membership lists
 * are 1.7 of its 2 MB, and a namespace is some 60 of its shard's 800 documents).
 */
interface Verdict {
  readonly format: number;
  /** The verdicts' key (their folder's name): of this output folder and engine. */
  readonly key: string;
  /** The file, in the output folder. */
  readonly path: string;
  /** The file when it was read: its stamp, its bytes' SHA-256, when. */
  readonly read: StampedRead;
  /** What the partial read found of it beside its documents (partial-read.ts: FileFacts), if anything. */
  readonly facts?: unknown;
  /** The length in bytes of the second line: more that was found, asked for less often (the subject names). */
  readonly moreBytes: number;
  /** The length in bytes of the third line (the documents) and of the fourth (their places). */
  readonly docsBytes: number;
  readonly placesBytes: number;
}

/**
 * Of each document of the third line, in order: its first byte in that line, its length, its head
 * (kind, name, namespace; null: none), and its mark (Found's `marked`: 1, else 0).
 */
type DocumentPlaces = readonly (readonly [number, number, string | null, string | null, string | null, 0 | 1])[];

/** A document of a judged file: its head now, its object parsed when asked for (once). */
export interface JudgedDocument {
  readonly head: DocumentHead;
  doc(): ManifestDoc;
  /**
   * Of a document the partial read marked when it was judged (Found's `marked`): whether its JSON
   * (the object as JSON.stringify wrote it) holds any of `needles`, read from the record but not
   * decoded or parsed. Undefined (or absent) for any other.
   */
  holdsAny?(needles: readonly Buffer[]): boolean | undefined;
}

/** A file judged before and unchanged since: what was found of it, and its documents (read when asked for). */
export interface Judged {
  readonly facts: unknown;
  /**
   * Whether what else was found (Found's `more`, as JSON) may hold `needle` (JSON text): its bytes
   * hold it, or a backslash (an escape may spell it otherwise), searched in the record, not parsed.
   */
  readonly moreMayHold: (needle: Buffer) => boolean;
  readonly docs: (label: string) => JudgedDocument[];
}

/** What the partial read finds of a file beside its documents: what it asks for each time, and more. */
export interface Found {
  readonly facts: unknown;
  readonly more: unknown;
  /** Of each document, in order: whether it is one the partial read asks JudgedDocument.holdsAny of. */
  readonly marked?: readonly boolean[];
}

/** What a partial read asks of the verdicts, and tells them. */
export interface Verdicts {
  /** The file `path` (in the output folder), when it was judged before and is unchanged since. */
  readonly judged: (path: string) => Judged | undefined;
  /** A file parsed and accepted now, kept by `keep` with what `facts` then finds of it. */
  readonly accepted: (
    path: string,
    bytes: Buffer,
    docs: readonly ManifestDoc[],
    facts: () => Found | undefined,
  ) => void;
  /** Files not judged now, each judged by `keep` in turn (its parse: undefined when refused). */
  readonly judgeLater: (judges: readonly (() => Parsed | undefined)[]) => void;
}

export interface VerdictCache extends Verdicts {
  /** Writes the verdicts of the files accepted now; a cache that cannot be written is no error. */
  readonly keep: () => void;
}

/** The record's file name for a path of the output folder (one of any characters). */
const recordName = (path: string): string => `${sha256Hex(path).slice(0, 32)}.json`;

/** In JSON text, the start of every escape: the one way to spell a string otherwise. */
const BACKSLASH = 0x5c;

/** A record opened (openRecord): its first line, and the rest read when asked for. */
type OpenRecord = NonNullable<ReturnType<typeof openRecord>>;

/**
 * A document of a record's places, read from the record when asked for. One object of a class, not
 * closures: a question makes one for each document of the files it reads (823 in a shard at L).
 */
class PlacedDocument implements JudgedDocument {
  readonly head: DocumentHead;
  #read: ManifestDoc | undefined;
  // A place's fields by index, not by an array pattern: that runs the iterator protocol, element by
  // element, and a question runs these before V8 compiles them (a shard's 823 documents at L).
  constructor(
    private readonly record: OpenRecord,
    private readonly place: DocumentPlaces[number],
    private readonly label: string,
  ) {
    this.head = { kind: place[2] ?? undefined, name: place[3] ?? undefined, namespace: place[4] ?? undefined };
  }
  doc(): ManifestDoc {
    if (this.#read) return this.#read;
    const { index, object } = JSON.parse(this.record.docs(this.place[0], this.place[1])) as KeptDocument;
    return (this.#read = { file: this.label, index, object });
  }
  holdsAny(needles: readonly Buffer[]): boolean | undefined {
    const place = this.place;
    return place[5] === 1 ? this.record.holdsAny(place[0], place[1], needles) : undefined;
  }
}

/** One buffer the records' first lines (and documents) are read into, one after another: new memory is slow to fault in on this VM. */
const scratch = { buffer: Buffer.allocUnsafe(65_536) };

/** Reads `length` bytes of an open file from `at` (fewer at its end), into `into` when given. */
function readAt(fd: number, at: number, length: number, into?: Buffer): Buffer {
  const buffer = into && into.length >= length ? into : Buffer.allocUnsafe(length);
  let done = 0;
  for (let n = -1; done < length && n !== 0; done += n) n = readSync(fd, buffer, done, length - done, at + done);
  return buffer.subarray(0, done);
}

/**
 * A record, opened from the file itself: not through a link (a branch may commit one where it
 * points anywhere), never a FIFO that would block the read, and only a regular file. Its first line
 * is read now, the rest through the same descriptor when asked for.
 */
function openRecord(
  file: string,
  fds: number[],
):
  | {
      readonly head: Verdict;
      readonly moreMayHold: (needle: Buffer) => boolean;
      readonly docs: (from: number, length: number) => string;
      readonly holdsAny: (from: number, length: number, needles: readonly Buffer[]) => boolean;
      readonly places: () => string | undefined;
      readonly rest: () => string;
    }
  | undefined {
  let fd: number;
  try {
    fd = openSync(file, REGULAR_ONLY);
  } catch {
    return undefined;
  }
  fds.push(fd);
  const stat = fstatSync(fd);
  if (!stat.isFile()) return undefined;
  const { size } = stat;
  let length = Math.min(size, 4_096);
  let head = readAt(fd, 0, length, scratch.buffer);
  let end = head.indexOf(NEWLINE);
  while (end < 0 && length < size) {
    length = Math.min(size, length * 4);
    if (scratch.buffer.length < length) scratch.buffer = Buffer.allocUnsafe(length);
    head = readAt(fd, 0, length, scratch.buffer);
    end = head.indexOf(NEWLINE);
  }
  if (end < 0) return undefined;
  const verdict = JSON.parse(head.toString('utf8', 0, end)) as Verdict;
  const docsAt = end + 1 + verdict.moreBytes + 1;
  const placesAt = docsAt + verdict.docsBytes + 1;
  // Into the one buffer, grown to the largest part asked of.
  const readScratch = (at: number, length: number): Buffer => {
    if (scratch.buffer.length < length) scratch.buffer = Buffer.allocUnsafe(length);
    return readAt(fd, at, length, scratch.buffer);
  };
  return {
    head: verdict,
    // Into the one buffer, not parsed: at L a shard's names are some 100 KB of JSON, read for one
    // name. A short read may hold anything.
    moreMayHold: (needle) => {
      const bytes = readScratch(end + 1, verdict.moreBytes);
      return bytes.length !== verdict.moreBytes || bytes.includes(BACKSLASH) || bytes.includes(needle);
    },
    docs: (from, length) => readAt(fd, docsAt + from, length, scratch.buffer).toString('utf8'),
    // A short read may hold anything.
    holdsAny: (from, length, needles) => {
      const bytes = readScratch(docsAt + from, length);
      return bytes.length !== length || needles.some((n) => bytes.includes(n));
    },
    // Only when the lines are as long as the first says: else the documents are read whole (rest).
    places: () =>
      placesAt + verdict.placesBytes === size && readAt(fd, placesAt - 1, 1)[0] === NEWLINE
        ? readAt(fd, placesAt, verdict.placesBytes).toString('utf8')
        : undefined,
    // The documents' line, to the next line break (JSON holds none) or the end.
    rest: () => {
      const bytes = readAt(fd, docsAt, size - docsAt);
      const stop = bytes.indexOf(NEWLINE);
      return bytes.toString('utf8', 0, stop < 0 ? bytes.length : stop);
    },
  };
}

/**
 * The verdicts kept of output folder `dir` by this engine; undefined when none may be kept (the
 * sources run through tsx, no cache folder of this user's, a folder that cannot be found).
 */
export function verdictCacheOf(dir: string, engine = engineId()): VerdictCache | undefined {
  if (engine === undefined) return undefined;
  let real: string;
  try {
    real = realpathSync(dir);
  } catch {
    return undefined;
  }
  const root = cacheFolder(real, 'can-i');
  if (!root) return undefined;
  const key = sha256Hex(`orgctl can-i verdicts\0${VERDICTS_FORMAT}\0${engine}\0${real}`).slice(0, 32);
  const folder = join(root, key);
  // A folder of this user's, not a link: a branch may commit the key as a link to verdicts of another
  // folder, or to where a write would land anywhere.
  const usable = () => {
    try {
      return ownFolder(folder);
    } catch {
      return false;
    }
  };
  let used = false;
  const fds: number[] = [];
  const accepted = new Map<string, Parsed>();
  const later: (() => Parsed | undefined)[] = [];
  // Looked at once for the reads (a question asks of every file), again before a write (keep).
  let readable: boolean | undefined;
  const judged = (path: string): Judged | undefined => {
    readable ??= usable();
    if (!readable) return undefined;
    try {
      const record = openRecord(join(folder, recordName(path)), fds);
      if (!record) return undefined;
      const v = record.head;
      if (v.format !== VERDICTS_FORMAT || v.key !== key || v.path !== path) return undefined;
      // The file the partial read reads, by `dir` as given: under the real path taken once, a link to
      // the output re-pointed since named the first folder's files (red team R109-2). The record's
      // inode binds it to the very file, whichever folder that is in.
      const file = join(dir, path);
      if (!holdsRecordedBytes(file, { ...v.read, path: file })) return undefined;
      used = true;
      const docs = (label: string): JudgedDocument[] => {
        const doc = (d: KeptDocument): ManifestDoc => ({ file: label, index: d.index, object: d.object });
        const places = record.places();
        if (places === undefined)
          return (JSON.parse(record.rest()) as KeptDocument[]).map((d) => {
            const read = doc(d);
            return { head: headOf(d.object), doc: () => read };
          });
        return (JSON.parse(places) as DocumentPlaces).map((place) => new PlacedDocument(record, place, label));
      };
      return { facts: v.facts, moreMayHold: record.moreMayHold, docs };
    } catch {
      return undefined;
    }
  };
  const keep = () => {
    for (const fd of fds.splice(0)) closeSync(fd);
    try {
      if (used) {
        const now = new Date();
        utimesSync(folder, now, now); // recently used: kept when older ones are removed
      }
      if (!accepted.size && !later.length) return;
      if (!usable()) {
        mkdirSync(folder, { mode: 0o700 });
        pruneIndexes(root, folder, KEPT);
      }
      for (const [path, parsed] of accepted) keepOne(folder, key, dir, path, parsed);
      accepted.clear();
      // One at a time: the whole folder's documents are not held at once.
      for (const judge of later.splice(0)) {
        const parsed = judge();
        if (parsed) keepOne(folder, key, dir, parsed.path, parsed);
      }
    } catch {
      // another run made it first, or no room: no verdicts kept
    }
  };
  return {
    judged,
    accepted: (path, bytes, docs, facts) => accepted.set(path, { path, bytes, docs, facts }),
    judgeLater: (judges) => later.push(...judges),
    keep,
  };
}

export interface Parsed {
  readonly path: string;
  readonly bytes: Buffer;
  readonly docs: readonly ManifestDoc[];
  readonly facts: () => Found | undefined;
}

/** Writes one file's verdict, when its bytes now are those parsed, settled, and its documents read back as parsed. */
function keepOne(folder: string, key: string, dir: string, path: string, { bytes, docs, facts }: Parsed): void {
  const file = join(dir, path); // as it was read (verdictCacheOf's judged)
  const writtenMs = Date.now();
  // Read again by one open, its stamp the fstat of the very file read (by path, a folder swapped in
  // and back between the stamps and the read vouched for another file's bytes: red team R120-2):
  // the bytes parsed are the file's, and were since its last change more than the racy window ago
  // (else the next run keeps it). A link put there since is refused, not read (R109-3).
  const again = readStamped(file, bytes.length);
  if (!again || mayHaveChangedSince(again.stamp.ctimeMs, writtenMs)) return;
  const { stamp } = again;
  const hash = sha256Hex(bytes);
  if (sha256Hex(again.bytes) !== hash) return;
  const found = facts();
  const marked = found?.marked?.length === docs.length ? found.marked : undefined;
  // Each document's JSON, joined as JSON.stringify writes the list, and where each one is in it.
  const documents = docs.map((d) => JSON.stringify({ index: d.index, object: d.object } satisfies KeptDocument));
  const places: [number, number, string | null, string | null, string | null, 0 | 1][] = [];
  let at = 1;
  for (const [i, text] of documents.entries()) {
    const length = Buffer.byteLength(text);
    const { kind, name, namespace } = headOf(docs[i]!.object);
    places.push([at, length, kind ?? null, name ?? null, namespace ?? null, marked?.[i] ? 1 : 0]);
    at += length + 1;
  }
  const kept = `[${documents.join(',')}]`;
  const placed = JSON.stringify(places satisfies DocumentPlaces);
  const more = Buffer.from(JSON.stringify(found?.more ?? null));
  const verdict: Verdict = {
    format: VERDICTS_FORMAT,
    key,
    path,
    read: { ...stamp, sha256: hash, writtenMs },
    ...(found ? { facts: found.facts } : {}),
    moreBytes: more.length,
    docsBytes: Buffer.byteLength(kept),
    placesBytes: Buffer.byteLength(placed),
  };
  // JSON holds exactly what the strict reader reads (synth/yaml.ts): plain mappings without a key
  // __proto__, lists, strings, booleans, null and finite numbers as String writes them (never -0).
  try {
    replaceFile(join(folder, recordName(path)), `${JSON.stringify(verdict)}\n${more}\n${kept}\n${placed}`, 0o600);
  } catch {
    // this file's verdict not kept: the next question judges it again
  }
}
