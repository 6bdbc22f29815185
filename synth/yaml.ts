/**
 * A small, fast, deterministic YAML writer for manifests (plain JSON data only).
 *
 * Why not the `yaml` package: it is ~30x slower than JSON.stringify on a large
 * organization's output. This writer emits a strict subset that YAML 1.1 and 1.2 parsers
 * (Go's sigs.k8s.io/yaml in Argo CD and kubectl, the `yaml` package) read back to the same
 * objects; a test proves it on every synthesized file. Strings are plain only when they
 * cannot be mistaken for another type; everything else is JSON-quoted (JSON strings are
 * valid YAML double-quoted scalars). Multi-line strings become `|` block scalars, unless they hold a
 * character a block would carry raw and Go refuses (blockScalar).
 */

import { clipShown, codePoint, QUOTE, unicodeEscape, withThousands } from '../model/text.ts';

// Words YAML 1.1 (Go) or 1.2 read as booleans or null.
const RESERVED = new Set(['y', 'n', 'yes', 'no', 'true', 'false', 'on', 'off', 'null', '~']);
const RESERVED_MAX_LENGTH = Math.max(...[...RESERVED].map((w) => w.length));
/** One of RESERVED's words in any case. They are short: a longer text is not lowered to be looked for (a new string each). */
const isReserved = (text: string): boolean => text.length <= RESERVED_MAX_LENGTH && RESERVED.has(text.toLowerCase());
const PLAIN = /^[A-Za-z_/][A-Za-z0-9_./@:-]*$/;

/**
 * Characters Go's YAML reader refuses raw in a file ("control characters are not allowed": it
 * allows tab, LF, CR, U+0020-U+007E, U+0085, U+00A0-U+D7FF, U+E000-U+FFFD and beyond U+FFFF),
 * plus those it reads as line breaks (U+0085, U+2028, U+2029) and the byte-order mark: a raw one
 * would end a comment or a line where orgctl's reader sees none. JSON.stringify already escapes
 * U+0000-U+001F. A lone surrogate has no escape Go accepts: the model refuses it (invalid-text).
 */
const ESCAPE_FOR_GO = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g;

/** A surrogate without its other half: valid in a JavaScript string, in no YAML or JSON Go reads. */
export const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Argo CD's repo-server skips a whole manifest file whose bytes hold this (reposerver's
 * getPotentiallyValidManifestFile), and each of orgctl's Applications reads one file: written raw
 * by a declared value (an annotation), it would empty the Application, which syncs to empty and
 * prunes. orgctl never writes it raw: its `+` as `\u002b` in a quoted scalar (and in a header), and
 * a block scalar holding it is quoted instead.
 */
export const ARGOCD_SKIP_MARKER = '+argocd:skip-file-rendering';

/** `text` with Argo CD's skip marker written `\u002bargocd:skip-file-rendering` (JSON and YAML read it back as `+`). */
export const escapeSkipMarker = (text: string): string =>
  text.includes(ARGOCD_SKIP_MARKER)
    ? text.replaceAll(ARGOCD_SKIP_MARKER, `${unicodeEscape('+')}${ARGOCD_SKIP_MARKER.slice(1)}`)
    : text;

function quote(s: string): string {
  return escapeSkipMarker(JSON.stringify(s).replace(ESCAPE_FOR_GO, unicodeEscape));
}

/**
 * What may stand raw in a file orgctl writes: printable text, LF, and anything Go reads as itself.
 * Anything else (C0 but LF, DEL, C1, U+2028/2029, a BOM, U+FFFE/FFFF, a lone surrogate) is never
 * written raw, so a text holding one is not orgctl's.
 */
const NOT_WRITTEN_RAW = new RegExp(
  `[\\u0000-\\u0009\\u000b-\\u001f\\u007f-\\u009f\\u2028\\u2029\\ufeff\\ufffe\\uffff]|${LONE_SURROGATE.source}`,
);

/** Whether a text holds a character orgctl never writes raw (NOT_WRITTEN_RAW). */
const holdsUnwrittenRaw = (text: string): boolean => NOT_WRITTEN_RAW.test(text);

/**
 * Strings as written, by string: objects repeat the same few values (kinds, labels, sync waves:
 * `"4"` 20,000 times at size L). Bounded, as KEY_TEXT is: names, each written once, are not kept
 * once it is full.
 */
const SCALAR_TEXT = new Map<string, string>();
const SCALAR_TEXT_MAX = 4096;

export function scalar(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot write ${value} as YAML`);
    return String(value);
  }
  if (typeof value !== 'string') throw new Error(`cannot write a ${typeof value} as a YAML scalar`);
  let text = SCALAR_TEXT.get(value);
  if (text === undefined) {
    text = PLAIN.test(value) && !isReserved(value) && !value.endsWith(':') ? value : quote(value);
    if (SCALAR_TEXT.size < SCALAR_TEXT_MAX && value.length <= 64) SCALAR_TEXT.set(value, text);
  }
  return text;
}

/**
 * A `|` block scalar only for text Go reads back as written: nothing orgctl never writes raw (a
 * block has no escapes; R57-1: U+FFFE and U+FFFF, which a declared text may hold, were written raw
 * and Go refused the file), no leading whitespace (the first line sets the indentation), no
 * trailing space on a line. Any other text is JSON-quoted, its characters escaped.
 */
function blockScalar(s: string, pad: string): string | undefined {
  if (!s.includes('\n') || /^\s/.test(s) || holdsUnwrittenRaw(s) || s.includes(ARGOCD_SKIP_MARKER)) return undefined;
  const body = s.endsWith('\n') ? s.slice(0, -1) : s;
  if (body.endsWith('\n') || body.split('\n').some((l) => l !== l.trimEnd())) return undefined;
  const chomp = s.endsWith('\n') ? '|' : '|-';
  return `${chomp}\n${body
    .split('\n')
    .map((l) => (l === '' ? '' : pad + l))
    .join('\n')}`;
}

/**
 * Keys as written, by key: every object repeats the same few (apiVersion, metadata, name, ...).
 * Bounded: a mapping of many distinct keys (a ConfigMap's data) is written without keeping them.
 */
const KEY_TEXT = new Map<string, string>();
const KEY_TEXT_MAX = 1024;
function keyText(key: string): string {
  let text = KEY_TEXT.get(key);
  if (text === undefined) {
    text = `${scalar(key)}:`;
    if (KEY_TEXT.size < KEY_TEXT_MAX) KEY_TEXT.set(key, text);
  }
  return text;
}

const isCollection = (v: unknown): v is object => typeof v === 'object' && v !== null;
/** Whether a list or mapping is empty (without listing a mapping's keys: asked of every mapping written). */
function isEmpty(v: object): boolean {
  if (Array.isArray(v)) return v.length === 0;
  for (const k in v) if (Object.hasOwn(v, k)) return false;
  return true;
}

function writeMapping(obj: Record<string, unknown>, pad: string, out: string[], firstPrefix?: string): void {
  let first = true;
  for (const k of Object.keys(obj)) {
    const v = obj[k]; // not Object.entries: one array, not one per key, for 100,000s of objects
    if (v === undefined) continue;
    const lead = first && firstPrefix !== undefined ? firstPrefix : pad;
    first = false;
    const key = lead + keyText(k);
    if (isCollection(v) && !isEmpty(v)) {
      out.push(key);
      if (Array.isArray(v)) writeSequence(v, pad, out);
      else if (Object.isFrozen(v)) writeFrozen(v as Record<string, unknown>, `${pad}  `, out, 'value');
      else writeMapping(v as Record<string, unknown>, `${pad}  `, out);
    } else if (isCollection(v)) {
      out.push(`${key} ${Array.isArray(v) ? '[]' : '{}'}`);
    } else {
      // Its indentation made only for a text of several lines (most values are one).
      const block = typeof v === 'string' && v.includes('\n') ? blockScalar(v, `${pad}  `) : undefined;
      out.push(`${key} ${block ?? scalar(v)}`);
    }
  }
}

/**
 * The text of a frozen mapping whose values are all scalars, kept by where it is written (a list
 * item, or a key's value) and its indentation: such a mapping cannot change, and a large output
 * shares a few in every object (its labels, its kind's annotations) and a person's subject in every
 * binding of theirs. Kept on the mapping when it was frozen by freezeWritten (a property load per
 * subject written, where a WeakMap's lookup was 173 ms of synth at size XL), else in a WeakMap.
 */
const FROZEN_TEXT = {
  item: new WeakMap<object, { pad: string; text: string }>(),
  value: new WeakMap<object, { pad: string; text: string }>(),
};

/**
 * Where a mapping made with one keeps its texts as written (freezeWritten): a symbol, so that no
 * key, JSON text or spread copy of it sees it.
 */
export const WRITTEN_TEXTS: unique symbol = Symbol('orgctl.writtenTexts');

/** A frozen mapping's texts as written, by where (FROZEN_TEXT's), each with its indentation; filled as it is written. */
class WrittenTexts {
  itemPad: string | undefined = undefined;
  item: string | undefined = undefined;
  valuePad: string | undefined = undefined;
  value: string | undefined = undefined;
}

/** An empty place for a mapping's texts, for its literal's WRITTEN_TEXTS (freezeWritten). */
export const writtenTexts = (): WrittenTexts => new WrittenTexts();

/**
 * `obj` frozen, its texts as written kept on it (frozenText): `obj` is a literal made with
 * `[WRITTEN_TEXTS]: writtenTexts()` among its keys, which is made non-enumerable here. In the
 * literal, not added after: a property added to a literal of three keys is kept outside it, and a
 * WeakMap's lookup of such an object (the size rule's, the judge's) was 3 times slower.
 */
export function freezeWritten<T extends { [WRITTEN_TEXTS]: WrittenTexts }>(
  obj: T,
): Readonly<Omit<T, typeof WRITTEN_TEXTS>> {
  Object.defineProperty(obj, WRITTEN_TEXTS, { enumerable: false });
  return Object.freeze(obj);
}

/** The text kept of a frozen mapping written before as `as` at indentation `pad`, if any. */
function frozenText(obj: object, pad: string, as: 'item' | 'value'): string | undefined {
  const texts = (obj as { [WRITTEN_TEXTS]?: WrittenTexts })[WRITTEN_TEXTS];
  // Filled only by writeFrozen, of a frozen mapping: what it was written as stays what it writes.
  if (texts !== undefined && as === 'item') return texts.itemPad === pad ? texts.item : undefined;
  if (texts !== undefined) return texts.valuePad === pad ? texts.value : undefined;
  const known = FROZEN_TEXT[as].get(obj);
  return known?.pad === pad ? known.text : undefined;
}

/** Keeps `text`, a frozen mapping's as written as `as` at `pad` (frozenText), in place of one at another indentation. */
function keepFrozenText(obj: object, pad: string, as: 'item' | 'value', text: string): void {
  const texts = (obj as { [WRITTEN_TEXTS]?: WrittenTexts })[WRITTEN_TEXTS];
  if (texts === undefined) FROZEN_TEXT[as].set(obj, { pad, text });
  else if (as === 'item') {
    texts.itemPad = pad;
    texts.item = text;
  } else {
    texts.valuePad = pad;
    texts.value = text;
  }
}

function writeFrozen(obj: Record<string, unknown>, pad: string, out: string[], as: 'item' | 'value'): void {
  const known = frozenText(obj, pad, as);
  if (known !== undefined) {
    out.push(known);
    return;
  }
  const lines: string[] = [];
  if (as === 'item') writeMapping(obj, `${pad}  `, lines, `${pad}- `);
  else writeMapping(obj, pad, lines);
  const text = lines.join('\n');
  if (Object.values(obj).every((v) => !isCollection(v))) keepFrozenText(obj, pad, as, text);
  out.push(text);
}

// Sequences sit at their key's indentation (kubectl style): `- ` then the item.
function writeSequence(items: readonly unknown[], pad: string, out: string[]): void {
  for (const item of items) {
    if (!isCollection(item)) {
      out.push(`${pad}- ${scalar(item)}`);
      continue;
    }
    // A person's subject, written before at this indentation (in each of their bindings): its text.
    const known = frozenText(item, pad, 'item');
    if (known !== undefined) out.push(known);
    else if (isEmpty(item)) out.push(`${pad}- ${Array.isArray(item) ? '[]' : '{}'}`);
    else if (Array.isArray(item)) {
      out.push(`${pad}-`);
      writeSequence(item, `${pad}  `, out);
    } else if (Object.isFrozen(item)) writeFrozen(item as Record<string, unknown>, pad, out, 'item');
    else writeMapping(item as Record<string, unknown>, `${pad}  `, out, `${pad}- `);
  }
}

/** One YAML document for a JSON object (no `---`), ending with a newline. */
export function toYamlDocument(obj: Record<string, unknown>): string {
  return documentText(obj, []);
}

/**
 * `obj`'s lines after `out`'s (none, or a stream's `---`), in one join, ending with a newline: an
 * empty mapping writes no line, and is an empty one.
 */
function documentText(obj: Record<string, unknown>, out: string[]): string {
  const before = out.length;
  writeMapping(obj, '', out);
  if (out.length === before) out.push('');
  out.push('');
  return out.join('\n');
}

/** Where documents' texts are kept by object (a WeakMap, or what a writer keeps for a while). */
export interface DocumentTexts {
  get(o: object): string | undefined;
  set(o: object, text: string): unknown;
}

/**
 * A multi-document YAML file: an optional comment header, then documents separated by `---`.
 * `cache` remembers each object's text: the same object in several files is written once.
 */
export function toYamlStream(docs: readonly Record<string, unknown>[], header?: string, cache?: DocumentTexts): string {
  return streamParts(docs, streamHeader(header), cache).join('');
}

/**
 * A stream's text in parts, unjoined: `head` (streamHeader's) then each document (streamDocument's),
 * for a writer that takes a file's parts and keeps no whole text of it.
 */
export function streamParts(docs: readonly Record<string, unknown>[], head: string, cache?: DocumentTexts): string[] {
  const parts = [head];
  for (const d of docs) parts.push(streamDocument(d, cache));
  return parts;
}

/** A stream's header comment, each line commented; empty without one. */
export const streamHeader = (header?: string): string =>
  header
    ? `${header
        .split('\n')
        .map((l) => `# ${l}`.trimEnd())
        .join('\n')}\n`
    : '';

/** One document of a stream, its `---` line first, from `cache` when it was written before. */
export function streamDocument(d: Record<string, unknown>, cache?: DocumentTexts): string {
  let text = cache?.get(d);
  if (text === undefined) {
    // One join, `---` its first line: `---\n` before toYamlDocument's text made each document a
    // second string, copied again where it is written or measured (200 MB at size XL).
    text = documentText(d, ['---']);
    cache?.set(d, text);
  }
  return text;
}

/** One file's documents as read: each document's text (after its `---` line) and object. */
export interface FileDocuments {
  readonly bodies: readonly string[];
  readonly docs: readonly Record<string, unknown>[];
  /** The whole text read (a file unchanged on a later side is then taken whole: readCanonicalYaml). */
  readonly text?: string;
  /**
   * A later reading's: for each document, the place in the file's first reading it was taken from
   * (the same object), or -1 for one read anew.
   */
  readonly from?: readonly number[];
}

/** A text read as a later reading of `file`, with the documents `documents` keeps. */
interface CachedFile {
  readonly documents: DocumentCache;
  readonly file: string;
}

/** How far past its place a document is looked for in the file's first reading (documents removed before it). */
const REUSE_LOOKAHEAD = 8;

/**
 * Documents read, by file, shared between the two sides of a diff: a later text of the same file
 * takes, in order, the documents whose text it repeats from the first reading (the same objects,
 * not parsed again) and parses the rest. A 1% change leaves 95% of documents as they were, and
 * comparing a document's text with the one at its place costs less than hashing every document to
 * look it up (a moved document is parsed again: the same content, another object).
 */
export class DocumentCache {
  private readonly files = new Map<string, FileDocuments[]>();

  /** Every reading of `file`, in the order they were read (the review's: base, then head). */
  readings(file: string): readonly FileDocuments[] {
    return this.files.get(file) ?? [];
  }

  /** Keeps `reading` as `file`'s latest. */
  keep(file: string, reading: FileDocuments): void {
    const known = this.files.get(file);
    if (known) known.push(reading);
    else this.files.set(file, [reading]);
  }
}

/**
 * Reads back what this writer writes, fast: a strict single-pass reader for exactly the subset
 * above, walking the text by index (no line array, no per-line copies). Anything outside it (flow
 * collections, anchors, tabs, ambiguous plain scalars, other indentation) returns undefined, and
 * the caller falls back to a full YAML parser. Tests prove it gives the same objects as the
 * `yaml` package on every synthesized file. With `cache`, the documents of `file`'s first reading
 * that this text repeats are not parsed again (and are the same objects).
 */
export function parseCanonicalYaml(text: string, cache?: CachedFile): Record<string, unknown>[] | undefined {
  const read = readCanonicalYaml(text, cache);
  return 'documents' in read ? read.documents : undefined;
}

/**
 * A spec as people write it in block YAML, read by the canonical reader widened by what changes no
 * value: a list or a mapping indented deeper than its key (the `yaml` package's own stringify
 * indents lists), plain text YAML 1.2 reads as text though Go's 1.1 would not (`2099-12-31`), and
 * blank lines and comments on lines of their own. Only a spec is read so, never orgctl's output:
 * what is read here is cached apart. Undefined for anything else (a comment after a value, quotes
 * in '', flow style, anchors): the `yaml` package reads it, 10x slower and 5x larger, with
 * positions for its messages.
 */
export function parseBlockYaml(text: string): Record<string, unknown>[] | undefined {
  try {
    return new CanonicalReader(text, undefined, true).documents();
  } catch (e) {
    if (e instanceof NotCanonical) return undefined;
    throw e;
  }
}

/** A text's documents, as readCanonicalYaml reads them. */
export interface CanonicalDocuments {
  readonly documents: Record<string, unknown>[];
  /**
   * For each document, at least the UTF-16 units of its text (its `---` line and lines, up to the
   * next document's): what a document holds is bounded by what it is written in (sizeRefused).
   */
  readonly unitsAtMost: readonly number[];
}

/** Where a text leaves the canonical subset, and what was found there. */
interface NotCanonicalAt {
  /** 1-based. */
  readonly line: number;
  readonly found: string;
}

/**
 * The documents of a text in the canonical subset, or where and why it is not: what judges orgctl's
 * output reads nothing else, because what another parser (Go's, in kubectl and Argo CD) might read
 * differently (anchors, aliases, merge keys, tags, duplicate keys, directives) is never written.
 */
export function readCanonicalYaml(text: string, cache?: CachedFile): CanonicalDocuments | { error: NotCanonicalAt } {
  const first = cache?.documents.readings(cache.file)[0];
  // The first reading's very text (a file the change left alone): a reading is kept only once its
  // whole text was read and found free of raw characters, and the same text reads as the same
  // documents, so they are the first's, as each would be taken one by one below, with nothing read.
  if (first !== undefined && first.text === text) {
    cache!.documents.keep(cache!.file, first);
    // Each body, and its `---` line (the first document's may have none: then an over-count).
    return { documents: first.docs.slice(), unitsAtMost: first.bodies.map((b) => b.length + 4) };
  }
  const reuse = cache && new DocumentReuse(first, text);
  const reader = new CanonicalReader(text, reuse);
  try {
    const documents = reader.documents();
    if (cache) cache.documents.keep(cache.file, reuse!); // it holds this text's documents, each with its text
    return { documents, unitsAtMost: reader.units };
  } catch (e) {
    if (!(e instanceof NotCanonical)) throw e;
    const at = Math.min(reader.position(), text.length);
    let line = 1;
    for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) line++;
    const lineStart = text.lastIndexOf('\n', at - 1) + 1;
    const lineEnd = text.indexOf('\n', lineStart);
    return {
      error: { line, found: e.message || describeLine(text.slice(lineStart, lineEnd < 0 ? text.length : lineEnd)) },
    };
  }
}

/** A character by its code point and, where it has one, its name. */
function describeCharacter(c: string): string {
  const names: Record<string, string> = {
    '\t': 'tab',
    '\r': 'carriage return',
    '\u0085': 'next line (NEL)',
    '\u2028': 'line separator',
    '\u2029': 'paragraph separator',
    '\ufeff': 'byte-order mark',
    '\u007f': 'delete (DEL)',
  };
  const code = codePoint(c);
  return names[c] ? `${names[c]} (${code})` : `${code} character`;
}

/** What a line that left the canonical subset holds, in YAML's words (raw characters are refused before). */
function describeLine(line: string): string {
  const body = line.trimStart().replace(/^-\s+/, '');
  const value = body.replace(/^("(?:[^"\\]|\\.)*"|[^\s"]*):(\s+|$)/, '');
  const show = JSON.stringify(clipShown(line));
  if (line.startsWith('%')) return `a directive ${show}`;
  if (/^<<\s*:/.test(body)) return `a merge key (<<) in ${show}`;
  if (/^[&]/.test(value) || /^&/.test(body)) return `an anchor (&) in ${show}`;
  if (/^[*]/.test(value) || /^\*/.test(body)) return `an alias (*) in ${show}`;
  if (/^!/.test(value) || /^!/.test(body)) return `a tag (!) in ${show}`;
  if (/^[[{]/.test(value) && !/^(\[\]|\{\})$/.test(value)) return `a flow collection in ${show}`;
  if (line.trim() === '...') return 'a document end marker (...)';
  if (/^\s*#/.test(line)) return `a comment after the header in ${show}`;
  return `text orgctl's writer never writes: ${show}`;
}

class NotCanonical extends Error {}

/**
 * The deepest indentation of a mapping's keys or a sequence's dashes the reader follows (64 levels
 * of two spaces; orgctl writes fewer than ten). It recurses once per level: without a bound, a
 * document nested 3,000 levels deep threw a RangeError, an internal error where any other text
 * orgctl does not write is refused as input (red team Q4).
 */
const MAX_INDENT = 128;

/** Refuses a block nested deeper than orgctl writes, before reading into it. */
function withinNesting(indent: number): void {
  if (indent > MAX_INDENT)
    throw new NotCanonical(`a block nested more than ${MAX_INDENT / 2} levels deep, which orgctl never writes`);
}

// Small mappings of scalars already read, by their text (indentation and any item's dash included): one frozen object each.
const SHARED_MAPPINGS = new Map<string, Readonly<Record<string, unknown>>>();
// The same for specs read by parseBlockYaml: apart, so that output read later never gets what only a spec may hold.
const SHARED_SPEC_MAPPINGS = new Map<string, Readonly<Record<string, unknown>>>();

/**
 * A string read from a text, copied into one of its own before a cache keeps it: a slice would
 * keep the whole text it was read from alive for the life of the process.
 */
const ownCopy = (s: string): string => `${s} `.slice(0, -1);

const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?$/;

// Manifests repeat the same few scalars (kind: User, apiGroup: ...): remember them.
const SCALARS = new Map<string, unknown>();
/** How many scalars a reader's cache keeps (SCALARS, and a spec's SPEC_TEXTS): past it, each is read again. */
const SCALARS_KEPT_MAX = 100_000;

function readScalar(token: string): unknown {
  const known = SCALARS.get(token);
  if (known !== undefined || SCALARS.has(token)) return known;
  const value = parseScalar(token);
  if (SCALARS.size < SCALARS_KEPT_MAX) SCALARS.set(ownCopy(token), typeof value === 'string' ? ownCopy(value) : value);
  return value;
}

function parseScalar(token: string): unknown {
  if (token.startsWith('"')) {
    // JSON.parse passes these raw in a string (DEL, C1, U+2028, a BOM, a lone surrogate...): the
    // reader looks at no other text for them (CanonicalReader.documents).
    if (holdsUnwrittenRaw(token)) throw new NotCanonical();
    // Go refuses a \u escape of a surrogate ("invalid Unicode character escape code").
    if (/(?<!\\)(?:\\\\)*\\u[dD][89a-fA-F]/.test(token))
      throw new NotCanonical("a \\u escape of a surrogate, which Go's YAML refuses");
    // JSON's \/ is no escape to Go's YAML (sigs.k8s.io/yaml's goyaml.v2: "found unknown escape
    // character"): Argo CD would apply nothing of the file (R39-3). orgctl's writer never writes it.
    if (/(?<!\\)(?:\\\\)*\\\//.test(token))
      throw new NotCanonical("a \\/ escape, which Go's YAML refuses (it has no such escape)");
    // One JSON string, the whole token: JSON.parse rejects anything after it.
    try {
      return JSON.parse(token) as string;
    } catch {
      throw new NotCanonical();
    }
  }
  if (token === 'true') return true;
  if (token === 'false') return false;
  if (token === 'null') return null;
  if (NUMBER.test(token)) {
    // Only as `scalar` writes a number (String of a finite one): Go's YAML reads a number past
    // float64's range as text (`1e400` is the string "1e400" to kubectl and Argo CD, Infinity to
    // Number), so any other spelling is refused, never read as another value (red team R63-1).
    const n = Number(token);
    if (String(n) !== token)
      throw new NotCanonical(
        `a number written ${clipShown(token)}, as orgctl never writes one (Go's YAML may read it as another value)`,
      );
    return n;
  }
  if (PLAIN.test(token) && !isReserved(token) && !token.endsWith(':')) return token;
  throw new NotCanonical();
}

/**
 * Plain text the `yaml` package (YAML 1.2, its core schema) reads as that text, which the canonical
 * subset refuses because Go's YAML 1.1 would not (`2099-12-31`, `yes`, `Token 1`): letters, digits,
 * `_./@:+-` and single spaces between them (no `: `, no ` #`, none at the end), not ending in `:`,
 * and none of the core schema's null, booleans or numbers (its
 * tests, copied: yaml/dist/schema/core/*.js and common/null.js).
 */
const SPEC_PLAIN = /^[A-Za-z0-9_/](?:[A-Za-z0-9_./@+-]|:(?! )| (?=[A-Za-z0-9_/.@+-]))*$/;
const CORE_NOT_TEXT = [
  /^(?:~|[Nn]ull|NULL)?$/,
  /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/,
  /^0o[0-7]+$/,
  /^[-+]?[0-9]+$/,
  /^0x[0-9a-fA-F]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
];
const isSpecText = (token: string): boolean =>
  SPEC_PLAIN.test(token) && !token.endsWith(':') && !CORE_NOT_TEXT.some((t) => t.test(token));

// Spec text already told apart (dates repeat), apart from SCALARS (which output is read by).
const SPEC_TEXTS = new Set<string>();

/**
 * A scalar of a spec: text YAML 1.2 reads as text, else as the canonical reader reads it. The same
 * value either way where both read it (a plain string of the canonical subset is such text; its
 * numbers, booleans, null and quoted strings are not), and nothing spec-only enters its caches.
 */
function readSpecScalar(token: string): unknown {
  if (SPEC_TEXTS.has(token)) return token;
  if (!isSpecText(token)) return readScalar(token);
  if (SPEC_TEXTS.size < SCALARS_KEPT_MAX) SPEC_TEXTS.add(ownCopy(token));
  return token;
}

// The keys and values every manifest repeats, by length: recognized in place, without copying
// them out of the text first (most of the lines of a large output are these).
const COMMON = [
  'apiVersion',
  'kind',
  'metadata',
  'name',
  'namespace',
  'labels',
  'annotations',
  'rules',
  'verbs',
  'apiGroups',
  'resources',
  'roleRef',
  'subjects',
  'apiGroup',
  'data',
  'User',
  'Group',
  'ServiceAccount',
  'ClusterRole',
  'Role',
  'RoleBinding',
  'ClusterRoleBinding',
  'rbac.authorization.k8s.io',
  'rbac.authorization.k8s.io/v1',
  'get',
  'list',
  'watch',
  // The other kinds orgctl writes, their version, and a Secret's `type`: read as these constants,
  // each is one string wherever it is compared (a kind's switch, its Maps), not a copy per document.
  'v1',
  'Namespace',
  'ConfigMap',
  'Secret',
  'type',
];
const COMMON_BY_LENGTH: string[][] = [];
for (const t of COMMON) (COMMON_BY_LENGTH[t.length] ??= []).push(t);

function knownToken(text: string, from: number, to: number): string | undefined {
  const candidates = COMMON_BY_LENGTH[to - from];
  if (candidates) for (const c of candidates) if (text.startsWith(c, from)) return c;
  return undefined;
}

// What PLAIN allows: a first character, then the rest.
const PLAIN_FIRST = new Uint8Array(128);
const PLAIN_REST = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_/')
  PLAIN_FIRST[c.charCodeAt(0)] = PLAIN_REST[c.charCodeAt(0)] = 1;
for (const c of '0123456789.@:-') PLAIN_REST[c.charCodeAt(0)] = 1;

/**
 * A plain string scalar read in place (a name, an email), or undefined when the slow path must
 * decide: quoted, a number, short enough to be a reserved word, or not plain at all.
 */
function plainToken(text: string, from: number, to: number): string | undefined {
  if (to - from <= 5 || PLAIN_FIRST[text.charCodeAt(from)] !== 1 || text.charCodeAt(to - 1) === COLON) return undefined;
  for (let i = from + 1; i < to; i++) if (PLAIN_REST[text.charCodeAt(i)] !== 1) return undefined;
  return text.slice(from, to);
}

/**
 * The most characters a block mapping's key may be written in, up to its `:`, for Go's YAML
 * (goyaml.v2's scanner: a simple key is stale past 1,024 characters, and one at its mapping's
 * indentation is required, so it refuses the file: "could not find expected ':'"). orgctl writes
 * keys of 317 characters at most (the API server's names), but a key the organization declares
 * spelled in \u escapes is six times as long and the same key to any reader (red team R71-1).
 */
const GO_KEY_MAX_CHARACTERS = 1024;

const SPACE = 32;
const HASH = 35;
const DASH = 45;
const COLON = 58;
const BACKSLASH = 92;

/**
 * A text's documents matched, in order, against its file's first reading: the document at the
 * reading's current place, or up to REUSE_LOOKAHEAD past it (documents removed before it) or
 * around its place after documents changed (find), when the texts are equal. Equal texts are
 * equal documents, so the first reading's object is reused.
 */
class DocumentReuse implements FileDocuments {
  readonly bodies: string[] = [];
  readonly docs: Record<string, unknown>[] = [];
  readonly from: number[] = [];
  /** The first reading's next unmatched document. */
  private at = 0;
  /** Documents read anew since the last one taken. */
  private missed = 0;

  constructor(
    readonly first: FileDocuments | undefined,
    readonly text: string,
  ) {}

  /**
   * The place in the first reading of a document whose text is `body`, or -1. A reading is kept
   * (DocumentCache.keep, by readCanonicalYaml alone) only once its whole text was read and found
   * free of raw characters.
   */
  find(body: string): number {
    const first = this.first;
    if (!first) return -1;
    const at = this.at;
    const count = first.bodies.length;
    const near = Math.min(count, at + REUSE_LOOKAHEAD + 1);
    // Then around where it would be if each document read anew since the last taken replaced one
    // of the first reading's (changed in place): past a run of more than REUSE_LOOKAHEAD changed
    // documents, the window at the current place alone never reached the file's unchanged rest.
    const from = Math.max(near, at + this.missed - REUSE_LOOKAHEAD);
    const end = Math.min(count, at + this.missed + REUSE_LOOKAHEAD + 1);
    for (let i = at; i < end; i = i + 1 === near ? from : i + 1)
      if (first.bodies[i] === body) {
        this.at = i + 1;
        this.missed = 0;
        return i;
      }
    this.missed++;
    return -1;
  }

  /** The first reading's document at `at` (found by find). */
  taken(at: number): Record<string, unknown> {
    return this.first!.docs[at]!;
  }

  add(body: string, doc: Record<string, unknown>, from = -1): void {
    this.bodies.push(body);
    this.docs.push(doc);
    this.from.push(from);
  }
}

/**
 * The reader's position is one line: [start, end) of the text, and its indentation (-1 past the
 * end). Values are read from the line they start on; nested blocks move the position.
 */
class CanonicalReader {
  private readonly text: string;
  private readonly length: number;
  private start = 0;
  private end = 0;
  private indent = 0;
  /** Where the key just read ends (its `:`). */
  private colon = 0;
  /** Each document's units, from its first line (its `---`) to where the next begins. */
  readonly units: number[] = [];

  private readonly scalar: (token: string) => unknown;
  private readonly shared: Map<string, Readonly<Record<string, unknown>>>;

  constructor(
    text: string,
    private readonly reuse?: DocumentReuse,
    /** A spec (parseBlockYaml): deeper indentation and YAML 1.2's plain text too. */
    private readonly spec = false,
  ) {
    this.text = text;
    this.length = text.length;
    this.scalar = spec ? readSpecScalar : readScalar;
    this.shared = spec ? SHARED_SPEC_MAPPINGS : SHARED_MAPPINGS;
    this.moveTo(0);
    if (spec) this.skipIgnored();
  }

  private moveTo(start: number): void {
    const text = this.text;
    this.start = start;
    if (start >= this.length) {
      this.end = this.length;
      this.indent = -1;
      return;
    }
    let end = text.indexOf('\n', start);
    if (end < 0) end = this.length;
    this.end = end;
    let i = start;
    while (i < end && text.charCodeAt(i) === SPACE) i++;
    this.indent = i - start;
  }

  /** Where reading stopped: the start of the current line. */
  position(): number {
    return this.start;
  }

  private nextLine(): void {
    this.moveTo(this.end + 1);
    if (this.spec) this.skipIgnored();
  }

  /**
   * A spec's blank lines and lines of a comment alone, passed over: YAML ignores them at any
   * indentation outside a block scalar (whose lines block() reads). A comment after a value is left.
   */
  private skipIgnored(): void {
    while (
      this.indent !== -1 &&
      (this.start + this.indent === this.end || this.text.charCodeAt(this.start + this.indent) === HASH)
    )
      this.moveTo(this.end + 1);
  }

  private atDocumentStart(): boolean {
    return this.end - this.start === 3 && this.text.startsWith('---', this.start);
  }

  documents(): Record<string, unknown>[] {
    // A spec's blank and comment lines are passed over unread: its whole text is looked at first.
    if (this.spec) {
      this.refuseRaw(0, this.length);
      return this.readDocuments();
    }
    // orgctl's output is looked at as it is read, no character twice: a text is read only when each
    // of its characters is indentation, `- `, `: ` or a `---` line, which the reader reads exactly;
    // part of a token no raw character passes (knownToken, plainToken, parseScalar, which looks at a
    // quoted one); a header comment's or a block scalar's line, looked at as read; or in a document
    // or shared mapping whose text, equal to the letter, was read so before. When reading fails, the
    // whole text is looked at first, so the error is the one a raw character anywhere gives.
    try {
      return this.readDocuments();
    } catch (e) {
      this.refuseRaw(0, this.length);
      throw e;
    }
  }

  /** Refuses the text of [from, the current line) when it holds a raw character (its lines were read whole). */
  private linesRead(from: number): void {
    if (holdsUnwrittenRaw(this.text.slice(from, Math.min(this.start, this.length)))) throw new NotCanonical();
  }

  /**
   * Refuses a character orgctl never writes raw in [from, to). A range starts at a line's start and
   * ends at one (or the text's end), so a surrogate's other half is never cut off by it.
   */
  private refuseRaw(from: number, to: number): void {
    if (from >= to) return;
    const bad = NOT_WRITTEN_RAW.exec(this.text.slice(from, to)); // the whole text: the same string, not copied
    if (!bad) return;
    const at = from + bad.index;
    this.moveTo(this.text.lastIndexOf('\n', at - 1) + 1);
    throw new NotCanonical(
      `a raw ${describeCharacter(bad[0])}, which orgctl never writes (Go's YAML reads it as a line break or refuses it)`,
    );
  }

  private readDocuments(): Record<string, unknown>[] {
    const docs: Record<string, unknown>[] = [];
    while (this.indent !== -1 && this.text.charCodeAt(this.start) === HASH) this.nextLine();
    this.linesRead(0);
    // A first document may go without its `---` (a spec file usually does).
    const units = this.units;
    if (this.indent !== -1 && !this.atDocumentStart()) {
      const start = this.start;
      const doc = this.mapping(0, -1);
      docs.push(doc);
      units.push(Math.min(this.start, this.length) - start);
      this.reuse?.add(this.text.slice(start, this.start), doc); // a reading describes every document
    }
    while (this.indent !== -1) {
      if (!this.atDocumentStart()) throw new NotCanonical();
      const start = this.start;
      if (this.reuse?.first) docs.push(this.reusedDocument(this.reuse));
      else {
        // Read, with no first reading to take it from: its text (which a later reading compares)
        // runs to where reading it stopped, the next `---` line or the text's end (the loop refuses
        // any other line there), as far as `---` would find.
        const bodyStart = this.end + 1;
        this.nextLine();
        const doc = this.mapping(0, -1);
        docs.push(doc);
        this.reuse?.add(this.text.slice(bodyStart, this.start), doc);
      }
      units.push(Math.min(this.start, this.length) - start);
    }
    return docs;
  }

  /** The document after this `---` line: the first reading's when its text is the same, else parsed. */
  private reusedDocument(reuse: DocumentReuse): Record<string, unknown> {
    const bodyStart = this.end + 1;
    const separator = this.text.indexOf('\n---\n', this.end);
    const bodyEnd = separator < 0 ? this.length : separator + 1;
    const body = this.text.slice(bodyStart, bodyEnd);
    const from = reuse.find(body);
    let doc: Record<string, unknown>;
    if (from >= 0) {
      doc = reuse.taken(from);
      this.moveTo(bodyEnd);
    } else {
      this.nextLine();
      doc = this.mapping(0, -1);
      // The document must end where its text does, or its text would not describe it.
      if (this.start !== bodyEnd && this.indent !== -1) throw new NotCanonical();
    }
    reuse.add(body, doc, from);
    return doc;
  }

  /**
   * The key at `at` on this line (plain or a JSON string), followed by `:` and then a space or the
   * line's end. Sets `colon`. Throws when there is none.
   */
  private key(at: number): string {
    const text = this.text;
    const end = this.end;
    let colon: number;
    if (text.charCodeAt(at) === QUOTE) {
      let i = at + 1;
      while (i < end && text.charCodeAt(i) !== QUOTE) i += text.charCodeAt(i) === BACKSLASH ? 2 : 1;
      colon = i + 1;
      if (colon >= end || text.charCodeAt(colon) !== COLON) throw new NotCanonical();
    } else {
      colon = text.indexOf(':', at);
      while (colon >= 0 && colon + 1 < end && text.charCodeAt(colon + 1) !== SPACE)
        colon = text.indexOf(':', colon + 1);
      if (colon <= at || colon >= end) throw new NotCanonical();
    }
    this.colon = colon;
    if (colon - at > GO_KEY_MAX_CHARACTERS) {
      // Characters as Go counts them (code points), not UTF-16 units.
      const written = [...text.slice(at, colon)].length;
      if (written > GO_KEY_MAX_CHARACTERS)
        throw new NotCanonical(
          `a key written in ${withThousands(written)} characters, over the ${withThousands(GO_KEY_MAX_CHARACTERS)} Go's YAML reads before its ':' (it refuses the file)`,
        );
    }
    const known = knownToken(text, at, colon) ?? plainToken(text, at, colon);
    if (known !== undefined) return known;
    const key = this.scalar(text.slice(at, colon));
    if (typeof key !== 'string') throw new NotCanonical();
    return key;
  }

  /** Whether a sequence item at `at` is a mapping's first entry (`key:` or `key: value`). */
  private startsMapping(at: number): boolean {
    const text = this.text;
    const end = this.end;
    let i = at;
    if (text.charCodeAt(at) === QUOTE) {
      i++;
      while (i < end && text.charCodeAt(i) !== QUOTE) i += text.charCodeAt(i) === BACKSLASH ? 2 : 1;
      if (i >= end) return false;
      i++;
      return text.charCodeAt(i) === COLON && (i + 1 === end || text.charCodeAt(i + 1) === SPACE);
    }
    for (; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c === SPACE) return false;
      if (c === COLON && (i + 1 === end || text.charCodeAt(i + 1) === SPACE)) return true;
    }
    return false;
  }

  /** A block mapping whose keys sit at `indent`; `first` is where an entry starts on this line (after `- `), or -1. */
  private mapping(indent: number, first: number): Record<string, unknown> {
    withinNesting(indent);
    const out: Record<string, unknown> = {};
    const text = this.text;
    let entries = 0;
    let at = first;
    for (;;) {
      if (at < 0) {
        if (this.indent !== indent || this.atDocumentStart()) break;
        at = this.start + indent;
        if (text.charCodeAt(at) === DASH && text.charCodeAt(at + 1) === SPACE) break;
      }
      const key = this.key(at);
      if (Object.hasOwn(out, key) || key === '__proto__')
        throw new NotCanonical(`a duplicate key ${JSON.stringify(key)}`);
      out[key] = this.value(indent);
      entries++;
      at = -1;
    }
    if (!entries) throw new NotCanonical();
    return out;
  }

  /** The value after the key just read (`colon`) at `indent`: inline, a block scalar, or a nested block. */
  private value(indent: number): unknown {
    const text = this.text;
    const colon = this.colon;
    if (colon + 1 === this.end) {
      this.nextLine();
      const next = this.indent;
      // A spec's list or mapping may sit deeper than two spaces under its key (a list: any deeper at all).
      const deeper = this.spec && next > indent;
      if (next === indent || deeper) {
        const at = this.start + next;
        if (
          text.charCodeAt(at) === DASH &&
          (this.end === at + 1 || text.charCodeAt(at + 1) === SPACE) &&
          !this.atDocumentStart()
        )
          return this.sequence(next);
      }
      if (next === indent + 2 || deeper) return this.sharedMapping(next, -1) ?? this.mapping(next, -1);
      throw new NotCanonical();
    }
    const from = colon + 2;
    if (text.charCodeAt(colon + 1) !== SPACE || text.charCodeAt(from) === SPACE || from === this.end)
      throw new NotCanonical();
    const size = this.end - from;
    if (size <= 2) {
      const rest = text.slice(from, this.end);
      if (rest === '|' || rest === '|-') {
        this.moveTo(this.end + 1); // a block's lines are its own: none passed over
        return this.block(indent + 2, rest === '|');
      }
      if (rest === '[]' || rest === '{}') {
        this.nextLine();
        return rest === '[]' ? [] : {};
      }
    }
    const v =
      knownToken(text, from, this.end) ?? plainToken(text, from, this.end) ?? this.scalar(text.slice(from, this.end));
    this.nextLine();
    return v;
  }

  /** A `|` or `|-` block scalar's lines, from this line on. */
  private block(indent: number, keepNewline: boolean): string {
    const body: string[] = [];
    const from = this.start;
    while (this.indent !== -1) {
      const empty = this.end === this.start;
      if (!empty && this.indent < indent) break;
      body.push(empty ? '' : this.text.slice(this.start + indent, this.end));
      this.moveTo(this.end + 1);
    }
    this.linesRead(from);
    if (this.spec) this.skipIgnored();
    while (body.length && body[body.length - 1] === '') body.pop();
    if (!body.length || body[0] === '' || body[0]!.startsWith(' ')) throw new NotCanonical();
    // The final line break as one more (empty) line joined, not appended: `join` makes one flat
    // string, where `+ '\n'` made a cons string that a later `split` (the membership lists'
    // records) copied whole again (about 800 page faults a diff at size L).
    if (keepNewline) body.push('');
    return body.join('\n');
  }

  /**
   * A small mapping of scalars only (at most four lines: labels, annotations, a roleRef, a binding's
   * subject), read once per text and then one frozen object wherever the same lines are written, as
   * a key's value or a list item: 20,000 bindings at size L carry three each, and name 12,000 people
   * 200,000 times. Its keys sit at `indent`; `first` is where an item's first entry starts on this
   * line (after `- `), or -1. Undefined for any other mapping, which the general reader reads.
   */
  private sharedMapping(indent: number, first: number): Readonly<Record<string, unknown>> | undefined {
    const text = this.text;
    const start = this.start;
    // A key's value whose first line is a list item is a list to Go: never a shared item's mapping,
    // whose text begins so (red team R71-5). The general reader refuses it.
    if (first < 0 && text.charCodeAt(start + indent) === DASH) return undefined;
    let lineStart = start;
    // The line it starts on is the current one, whose end is known.
    let lineEnd = this.end;
    let spaces = 0;
    for (let lines = 1; ; lines++) {
      if (lines > 4 || (lines > 1 && text.charCodeAt(lineStart + indent) === DASH)) return undefined;
      if (lines > 1) lineEnd = text.indexOf('\n', lineStart);
      if (lineEnd < 0 || lineEnd >= this.length) return undefined;
      lineStart = lineEnd + 1;
      spaces = 0;
      while (spaces <= indent && text.charCodeAt(lineStart + spaces) === SPACE) spaces++;
      if (spaces > indent) return undefined; // a nested block or a block scalar's lines
      if (spaces < indent || lineStart >= this.length) break;
    }
    const body = text.slice(start, lineStart);
    const known = this.shared.get(body);
    if (known) {
      if (!this.spec && lineStart < this.length) {
        // Where moveTo(lineStart) would go, the line's indentation already counted (fewer than `indent` spaces).
        const end = text.indexOf('\n', lineStart);
        this.start = lineStart;
        this.end = end < 0 ? this.length : end;
        this.indent = spaces;
        return known;
      }
      this.moveTo(lineStart);
      if (!this.spec) return known;
      // A spec's mapping may go on past blank and comment lines: then read whole, as when not known.
      this.skipIgnored();
      const at = this.start + indent;
      const ends =
        this.indent !== indent ||
        this.atDocumentStart() ||
        (text.charCodeAt(at) === DASH && text.charCodeAt(at + 1) === SPACE);
      if (ends) return known;
      this.moveTo(start);
      return this.mapping(indent, first);
    }
    const read = this.mapping(indent, first);
    // A spec's mapping may go on past a blank line, which its text above ends at: not shared.
    if (this.spec && this.start !== lineStart) return read;
    // Only scalars are shared: an empty list or mapping read here is an object of its own.
    for (const key in read) {
      const v = read[key];
      if (v !== null && typeof v === 'object') return read;
    }
    // Frozen whether or not the cache still has room: what a reader returns never depends on what it read before.
    Object.freeze(read);
    if (this.shared.size < 250_000) this.shared.set(ownCopy(body), read);
    return read;
  }

  private sequence(indent: number): unknown[] {
    withinNesting(indent);
    const out: unknown[] = [];
    const text = this.text;
    for (;;) {
      const dash = this.start + indent;
      if (this.indent !== indent || text.charCodeAt(dash) !== DASH || this.atDocumentStart()) break;
      if (this.end === dash + 1) {
        this.nextLine();
        out.push(this.sequence(indent + 2)); // `-` alone: a nested sequence follows
        continue;
      }
      if (text.charCodeAt(dash + 1) !== SPACE) throw new NotCanonical();
      const at = dash + 2;
      const size = this.end - at;
      if (size === 2 && (text.startsWith('[]', at) || text.startsWith('{}', at))) {
        out.push(text.charCodeAt(at) === 91 ? [] : {});
        this.nextLine();
      } else if (this.startsMapping(at)) {
        out.push(this.sharedMapping(indent + 2, at) ?? this.mapping(indent + 2, at));
      } else {
        out.push(
          knownToken(text, at, this.end) ?? plainToken(text, at, this.end) ?? this.scalar(text.slice(at, this.end)),
        );
        this.nextLine();
      }
    }
    if (!out.length) throw new NotCanonical();
    return out;
  }
}
