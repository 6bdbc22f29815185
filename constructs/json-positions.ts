/**
 * Where a path's value starts in a JSON text, found by walking the text itself: no parse with
 * positions (the `yaml` package costs about 0.15 s and 100 bytes of memory per byte of spec, which
 * kept a generated organization's findings without positions). A question reads the text up to
 * its answer, skipping what is not on the path; each array remembers where its items start and
 * each object where its members' values do, so the findings of a spec (thousands) read it about once.
 */
import type { Position } from '../model/findings.ts';

type Key = string | number;

const WHITESPACE = new Uint8Array(128);
for (const c of ' \t\n\r') WHITESPACE[c.charCodeAt(0)] = 1;

/** Text that is not JSON where the walk went: the caller asks another reader. */
class NotJson extends Error {}

export interface JsonPositions {
  /**
   * Where the value at `keys` starts; a path that is not in the text (a default, a missing field)
   * at its nearest ancestor's value. Undefined when the text is not JSON along the way.
   */
  at(keys: readonly Key[]): Position | undefined;
  /** How many characters the questions so far have skipped over: about the text's length at most, however many were asked. */
  skipped(): number;
}

/**
 * The offset just past the JSON string starting at `i` (its opening quote); -1 when it does not
 * end. Found by indexOf, not character by character: most strings escape nothing, and a quote
 * ends one unless an odd run of backslashes precedes it (the scan of a size-L spec for duplicate
 * keys, 690,000 strings: 33 -> 28 ms).
 */
export function jsonStringEnd(text: string, i: number): number {
  for (let q = text.indexOf('"', i + 1); q >= 0; q = text.indexOf('"', q + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(q - 1 - backslashes) === 0x5c /* \ */) backslashes++;
    if (backslashes % 2 === 0) return q + 1;
  }
  return -1;
}

/**
 * Where JSON.parse stopped in `text`, by its error's message (`at position 20`; Node 22 adds
 * `(line 1 column 21)`); the text's length when it names no place (`Unexpected end of JSON input`).
 */
export function jsonErrorOffset(text: string, e: Error): number {
  return Number(e.message.match(/ at position (\d+)/)?.[1] ?? text.length);
}

/**
 * The offsets of the `{` and `[` a JSON text leaves open at its end, outermost first (a text cut
 * short); [] when it closes all it opens.
 */
export function openAtEnd(text: string): number[] {
  const open: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) open.push(i);
    else if (c === 0x7d /* } */ || c === 0x5d /* ] */) open.pop();
    else if (c === 0x22 /* " */) {
      const end = jsonStringEnd(text, i);
      if (end < 0) break; // the text stops inside this string
      i = end - 1;
    }
  }
  return open;
}

/** A JSON string's value; one JSON.parse refuses (a YAML escape in a flow mapping) is no JSON. */
function jsonString(token: string): string {
  try {
    return JSON.parse(token) as string;
  } catch {
    throw new NotJson();
  }
}

/** Every how many items a list's start is recorded (JsonList.every): a question walks at most this many less one. */
export const LIST_STEP = 64;

/**
 * A list of objects whose extent a pass over the text already read (the duplicate-key pass over a
 * spec: constructs/spec.ts), by the offset of its `[`: where it ends, how many items it holds,
 * and where every LIST_STEP-th item starts. A question about its 64,119th item then walks from the
 * 64,064th, not from the first (the three warnings of a spec at size L walked 4.7 MB of grants:
 * 30-45 ms of `synth`).
 */
export interface JsonList {
  /** The offset just past its `]`. */
  readonly end: number;
  readonly count: number;
  /** `every[j]`: where item `j * LIST_STEP` starts. */
  readonly every: Int32Array;
}

/**
 * `lists`: lists of `text` read before (JsonList), each by the offset of its `[`; their answers are
 * the walk's, as any other list's.
 */
export function jsonPositions(text: string, lists?: ReadonlyMap<number, JsonList>): JsonPositions {
  const n = text.length;
  // Each array's items' start offsets, by the array's own, as far as a walk has read them; each
  // object's members' values the same way (where the next unread member starts, or the value to
  // skip to reach it): the findings of a large spec ask thousands of questions behind the same
  // megabytes.
  const items = new Map<number, number[]>();
  const members = new Map<number, { readonly found: Map<string, number>; next: number; after: number }>();
  let skipped = 0;
  let lineStarts: number[] | undefined;

  const skipSpace = (i: number): number => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c >= 128 || !WHITESPACE[c]) break;
      i++;
    }
    return i;
  };

  const skipString = (i: number): number => {
    const end = jsonStringEnd(text, i);
    if (end < 0) throw new NotJson();
    return end;
  };

  /** The offset just past the value starting at `i`, counted in `skipped`. */
  const skipValue = (i: number): number => {
    const end = valueEnd(i);
    skipped += end - i;
    return end;
  };
  const valueEnd = (i: number): number => {
    const c = text.charCodeAt(i);
    const known = c === 0x5b /* [ */ ? lists?.get(i) : undefined;
    if (known) return known.end;
    if (c === 0x22) return skipString(i);
    if (c !== 0x7b /* { */ && c !== 0x5b /* [ */) {
      // A number, true, false or null: up to the next separator.
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 0x2c || d === 0x7d || d === 0x5d || (d < 128 && WHITESPACE[d])) break;
        i++;
      }
      return i;
    }
    let depth = 0;
    for (; i < n; i++) {
      const d = text.charCodeAt(i);
      if (d === 0x22) i = skipString(i) - 1;
      else if (d === 0x7b || d === 0x5b) depth++;
      else if (d === 0x7d || d === 0x5d) {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    throw new NotJson();
  };

  /** After a member or item: the next one's offset (past the comma), or -1 at the container's end. */
  const next = (i: number, close: number): number => {
    i = skipSpace(i);
    const c = text.charCodeAt(i);
    if (c === 0x2c /* , */) return skipSpace(i + 1);
    if (c === close) return -1;
    throw new NotJson();
  };

  /** The value of `key` in the object starting at `at` (the first, as the yaml package finds it), or -1 when it has none. */
  const member = (at: number, key: string): number => {
    let known = members.get(at);
    if (!known) {
      const first = skipSpace(at + 1);
      members.set(
        at,
        (known = { found: new Map(), next: text.charCodeAt(first) === 0x7d /* } */ ? -1 : first, after: -1 }),
      );
    }
    const found = known.found.get(key);
    if (found !== undefined) return found;
    for (;;) {
      // Past the value last found (skipped only when a later member is asked for).
      if (known.after >= 0) {
        known.next = next(skipValue(known.after), 0x7d);
        known.after = -1;
      }
      let i = known.next;
      if (i < 0) return -1;
      if (text.charCodeAt(i) !== 0x22) throw new NotJson();
      const end = skipString(i);
      const raw = text.slice(i + 1, end - 1);
      const name = raw.includes('\\') ? jsonString(text.slice(i, end)) : raw;
      i = skipSpace(end);
      if (text.charCodeAt(i) !== 0x3a /* : */) throw new NotJson();
      const value = skipSpace(i + 1);
      if (!known.found.has(name)) known.found.set(name, value);
      known.after = value;
      if (name === key) return value;
    }
  };

  // A known list's items' starts, filled a LIST_STEP at a time from its record as questions reach them.
  const knownItems = new Map<number, Int32Array>();
  const knownItem = (at: number, list: JsonList, index: number): number => {
    if (index >= list.count) return -1;
    let starts = knownItems.get(at);
    if (!starts) knownItems.set(at, (starts = new Int32Array(list.count).fill(-1)));
    if (starts[index] === -1) {
      const from = index - (index % LIST_STEP);
      const to = Math.min(from + LIST_STEP, list.count);
      let i = list.every[from / LIST_STEP]!;
      for (let k = from; k < to; k++) {
        starts[k] = i;
        if (k + 1 < to) i = next(skipValue(i), 0x5d);
      }
    }
    return starts[index]!;
  };

  /** The `index`th item of the array starting at `at`, or -1 when it has fewer. */
  const item = (at: number, index: number): number => {
    const list = lists?.get(at);
    if (list) return knownItem(at, list, index);
    // The items' starts as far as read, ending with -1 once the array's end is read.
    let starts = items.get(at);
    if (!starts) {
      const first = skipSpace(at + 1);
      items.set(at, (starts = [text.charCodeAt(first) === 0x5d /* ] */ ? -1 : first]));
    }
    while (starts.length <= index && starts[starts.length - 1] !== -1)
      starts.push(next(skipValue(starts[starts.length - 1]!), 0x5d));
    return starts[index] ?? -1;
  };

  const position = (offset: number): Position => {
    if (!lineStarts) {
      lineStarts = [0];
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
    }
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - lineStarts[lo]! + 1 };
  };

  return {
    skipped: () => skipped,
    at(keys) {
      try {
        let at = skipSpace(0);
        const root = text.charCodeAt(at);
        if (root !== 0x7b && root !== 0x5b) throw new NotJson();
        for (const key of keys) {
          const c = text.charCodeAt(at);
          // As the yaml package's walk: a mapping's key by its text (`[0]` of {"0": ...} too), an item by number only.
          const found =
            c === 0x7b ? member(at, String(key)) : c === 0x5b && typeof key === 'number' ? item(at, key) : -1;
          if (found < 0) break;
          at = found;
        }
        return position(at);
      } catch (e) {
        if (e instanceof NotJson) return undefined;
        throw e;
      }
    },
  };
}
