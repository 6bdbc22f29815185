/** Text orgctl writes for other readers: the escape for a character it will not write raw, a value a message shows (clipped), large ASCII outputs built as bytes, the name a mistyped one meant, a command as a shell reads it, and text as a terminal shows it. */

/** Strings in code-unit order, as sort() with no comparator: for sorting by a key. */
export const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The command that writes the project's own output (package.json's synth script, org/org.ts into dist/). */
export const PROJECT_SYNTH = 'npm run synth';

/** The first `shown` of `items` joined, and how many more: `a, b, c, and 4 more`. */
export const firstOf = (items: readonly string[], shown: number, separator = ', '): string =>
  `${items.slice(0, shown).join(separator)}${items.length > shown ? `, and ${items.length - shown} more` : ''}`;

/** Items as a sentence lists them: `A`, `A and B`, `A, B and C`. */
export const listed = (items: readonly string[]): string =>
  items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;

/**
 * An integer with thousands separators (1,500), as people read counts. Not toLocaleString: its
 * first call loads ICU's locale data, about 30 ms of every command that merely imports a caller.
 */
export const withThousands = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
/** A UTF-16 code unit as the `\uXXXX` escape JSON and YAML double-quoted strings both read. */
export const unicodeEscape = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * UTF-8 bytes: what the API server, etcd and Argo CD's repo-server measure, not UTF-16 code units
 * (a character beyond ASCII is 2 to 4 bytes: R57-3).
 */
export const byteLength = (s: string): number => Buffer.byteLength(s, 'utf8');

/** The byte that ends a line, for the readers that search a file's bytes for their lines. */
export const NEWLINE = 0x0a;

/** `"`, which opens and closes a JSON or YAML quoted string, for the readers and writers that walk character codes. */
export const QUOTE = 0x22;

/** Whether `text` is ASCII: it has no other form, mark or look-alike of another script to undo. */
export const isAscii = (text: string): boolean => /^[\x00-\x7f]*$/.test(text);

/** Whether JSON writes `text` as it is between quotes: printable ASCII but `"` and `\`. */
export const jsonAsIs = (text: string): boolean => /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/.test(text);

/** A character as Unicode names it: `U+202E`. */
export const codePoint = (c: string): string => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** Whether offset `k` of `text` falls between the halves of a surrogate pair: a cut there leaves each half alone, no character. */
export function splitsPair(text: string, k: number): boolean {
  const [high, low] = [text.charCodeAt(k - 1), text.charCodeAt(k)]; // NaN outside the text
  return high >= 0xd800 && high <= 0xdbff && low >= 0xdc00 && low <= 0xdfff;
}

/**
 * `text` as a message shows it: whole within `max` characters (80), else its start and `ending`
 * (`..."` closes a JSON string) within `max`, cut between characters and between backslash escapes
 * (`\"`, `\u0001`, as JSON and YAML write them), never inside one. Half a surrogate pair is a lone
 * surrogate (U+FFFD to a reader, refused by a strict JSON consumer); half an escape, a quoted text
 * no JSON reader reads, or a character other than the one written.
 */
export function clipShown(
  text: string,
  { max = 80, ending = '...' }: { max?: number; ending?: '...' | '..."' } = {},
): string {
  if (text.length <= max) return text;
  let end = 0;
  for (let next = 0; next <= max - ending.length; ) {
    end = next;
    next += text[next] === '\\' ? (text[next + 1] === 'u' ? 6 : 2) : 1;
    if (splitsPair(text, next)) next++;
  }
  return `${text.slice(0, end)}${ending}`;
}

/** Line terminators, and control and formatting characters (bidirectional, invisible): what a reader cannot see as written. */
const HIDDEN = /[\p{Cc}\p{Cf}\u2028\u2029]/u;
const HIDDEN_BUT_LINE_BREAK = new RegExp(`(?!\\n)${HIDDEN.source}`, 'u');

/**
 * Whatever Unicode draws as nothing: every format character (a soft hyphen, the Arabic letter mark,
 * tag characters) and default-ignorable code point (Hangul fillers, the combining grapheme joiner,
 * variation selectors), and the braille blank. invalid-text refuses them in a declaration; what
 * orgctl shows from elsewhere (a cluster dump's subject, a forged dist/) shows them (showHidden).
 */
export const DRAWS_AS_NOTHING = /[\p{Cf}\p{Default_Ignorable_Code_Point}\u2800]/u;

/**
 * What showHidden writes as its code point: HIDDEN, and what draws as nothing (`alice` + U+3164
 * reads as `alice`: R67-1), but an emoji's presentation selector, which draws as the emoji.
 */
const SHOWN_SOURCE = `(?!(?<=\\p{Extended_Pictographic})[\\ufe0e\\ufe0f])(?:${HIDDEN.source}|${DRAWS_AS_NOTHING.source})`;
const SHOWN = new RegExp(SHOWN_SOURCE, 'gu');
const SHOWN_ONE = new RegExp(SHOWN_SOURCE, 'u'); // no `g`: test() keeps no state between texts
/** Whether `text` holds a character showHidden would rewrite. */
export const hasHidden = (text: string): boolean => SHOWN_ONE.test(text);

const JSON_HIDDEN = new RegExp(String.raw`\\|(?![\t\n\r])` + HIDDEN.source, 'u');

/**
 * Whether a JSON text may parse to a string or key holding HIDDEN: it holds an escape (a backslash)
 * or such a character raw, but the whitespace JSON puts between tokens (JSON.parse refuses those
 * raw in a string). Else every string it parses to is its text between two quotes, as written.
 */
export const jsonMayHoldHidden = (json: string): boolean => JSON_HIDDEN.test(json);

/**
 * The first line terminator, control or formatting character of `text` (HIDDEN), but a line break
 * when `lineBreaks` (a token's note may span lines), and its index; undefined when none.
 */
export function firstHidden(
  text: string,
  lineBreaks = false,
): { readonly char: string; readonly index: number } | undefined {
  const found = (lineBreaks ? HIDDEN_BUT_LINE_BREAK : HIDDEN).exec(text);
  return found ? { char: found[0], index: found.index } : undefined;
}

/** A character as a reader sees it written out: `<U+202E>`. */
const asCodePoint = (c: string): string => `<${codePoint(c)}>`;

/** What acts on a terminal or hides there: SHOWN but the line break and the tab, a terminal's own. */
const ACTS_ON_TERMINAL = new RegExp(`(?![\\n\\t])${SHOWN_SOURCE}`, 'gu');

/**
 * Text for a terminal: every character that would drive it (an escape sequence, a carriage return,
 * a direction override) or draw as nothing written as its code point, `<U+001B>`. What orgctl
 * prints may come from a forged dist/ (a name in members.json), and a terminal runs what it is sent.
 */
export const terminalText = (text: string): string => text.replace(ACTS_ON_TERMINAL, asCodePoint);

/**
 * Text a reviewer reads, with every character that would act rather than show (a line break, a
 * direction override, a zero-width space) or draw as nothing (a Hangul filler) written as its code
 * point: `<U+202E>`.
 */
export const showHidden = (text: string): string => text.replace(SHOWN, asCodePoint);

/**
 * What reads as the syntax of a list of names where a view lists them: `,` between names (`, ` on
 * the page), `(...)` and `; ` around a cell's clusters, can-i's `NAME: yes`, a quote, an escape, the
 * `<` of a code point showHidden writes, and a space at either end or doubled (a table's column gap).
 */
const LIST_SYNTAX = /[,;:()"'<>\\]|^\p{Zs}|\p{Zs}$|\p{Zs}{2}|^$/u;

/**
 * A name from outside orgctl (a dump's cluster folder) as a list of names shows it: as it is, its
 * hidden characters as code points (showHidden), unless it holds list syntax: then as a JSON
 * string, its hidden characters as `\u` escapes, which reads back as exactly that name. Written as
 * it is, a folder `lga1, ord1` read as two clusters and `lga1); w:full (ord1` as a second part of
 * a cell (red team R143-2).
 */
export const shownName = (name: string): string =>
  LIST_SYNTAX.test(name)
    ? JSON.stringify(name).replace(SHOWN, (c) => c.split('').map(unicodeEscape).join(''))
    : showHidden(name);

/**
 * The first piece of memory a growing output takes when it is made piece by piece (AsciiBytes
 * drained, access's cell texts): full within its first few writes, so that the path of a full piece
 * is taken while V8 still collects what each path meets.
 */
export const FIRST_PIECE = 1 << 12;
/** The size of each later piece of a drained AsciiBytes. */
const DRAINED = 1 << 18;

/**
 * ASCII text built as bytes, for outputs of tens of megabytes: pieces are copied into buffers
 * (repeated pieces as bytes made once), so no string of the whole is ever built, joined or encoded
 * on its way out, and nothing written is copied again. Only ASCII may be written: `text` writes
 * each UTF-16 code unit as one byte.
 */
export class AsciiBytes {
  private readonly full: Buffer[] = [];
  private buffer: Buffer;
  private size = 0;

  /**
   * @param drain where each buffer goes when full, instead of being kept for done(): a process's
   * output, written as it is made. It returns whether the buffer's bytes were written out by the
   * time it returns; then the buffer is written over again (at size L, 25 MB of new memory is
   * 6,000 page faults, and keeping it all until the end as much memory).
   * @default none: every buffer is kept, and done() returns them
   */
  constructor(private readonly drain?: (full: Buffer) => boolean) {
    // Drained, one size after a small first one (a file or pipe takes it in a few writes; the first
    // is drained within the first rows, so the drain is a path V8 has met when it optimizes what
    // writes, not one that throws that code away later); kept, growing (few pieces for a large output).
    this.buffer = Buffer.allocUnsafe(drain ? FIRST_PIECE : 1 << 16);
  }

  /** The buffer with room for `n` more bytes: the current one, or a larger next one. */
  private room(n: number): Buffer {
    if (this.size + n > this.buffer.length) {
      const full = this.buffer.subarray(0, this.size);
      let reusable = false;
      if (!this.drain) this.full.push(full);
      else reusable = !this.size || this.drain(full);
      const size = Math.max(this.drain ? DRAINED : Math.min(this.buffer.length * 2, 1 << 22), n);
      if (!reusable || size > this.buffer.length) this.buffer = Buffer.allocUnsafe(size);
      this.size = 0;
    }
    return this.buffer;
  }

  text(s: string): void {
    const buffer = this.room(s.length); // first: a new buffer starts at 0
    this.size += buffer.write(s, this.size, 'latin1');
  }

  /** One ASCII character by its code. */
  byte(code: number): void {
    this.room(1)[this.size++] = code;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length).set(b, this.size);
    this.size += b.length;
  }

  /** What was written, in order; with a drain, what it was not given yet goes to it, and nothing is returned. */
  done(): Buffer[] {
    const last = this.buffer.subarray(0, this.size);
    if (!this.drain) return [...this.full, last];
    if (this.size) this.drain(last);
    this.size = 0;
    return [];
  }
}

/** editDistance's three rows of the table, kept between calls (a typo is looked up among 20,000 names). */
let ROWS: [Int32Array, Int32Array, Int32Array] = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];

/**
 * Edits (insert, delete, replace, or swap two neighbours: `wbe` for `web` is one slip of the
 * fingers) between two short names: the optimal string alignment distance. With `max`, any
 * distance past it is `max + 1`, found without working it out: a row of the table whose every cell
 * is past `max` ends the search, as no later cell can come back under it. A typo looked up among
 * 10,000 usernames (can-i) stops within a few letters of nearly every one.
 */
export function editDistance(given: string, other: string, max = Number.POSITIVE_INFINITY): number {
  if (Math.abs(given.length - other.length) > max) return max + 1;
  // What both start and end with costs no edit: `@acme.io` is left out of the table.
  let start = 0;
  while (start < given.length && start < other.length && given[start] === other[start]) start++;
  let end = 0;
  while (
    end < given.length - start &&
    end < other.length - start &&
    given[given.length - 1 - end] === other[other.length - 1 - end]
  )
    end++;
  // The rest of each, compared by code unit in place (no slice of either: 20,000 names a typo).
  const aLength = given.length - start - end;
  const bLength = other.length - start - end;
  const width = bLength + 1;
  if (ROWS[0].length < width) ROWS = [new Int32Array(width * 2), new Int32Array(width * 2), new Int32Array(width * 2)];
  let [before, row, next] = ROWS;
  for (let j = 0; j < width; j++) row[j] = j;
  for (let i = 1; i <= aLength; i++) {
    next[0] = i;
    let least = i;
    const ai = given.charCodeAt(start + i - 1);
    const aBefore = i > 1 ? given.charCodeAt(start + i - 2) : -1;
    for (let j = 1; j < width; j++) {
      const bj = other.charCodeAt(start + j - 1);
      let d = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (ai === bj ? 0 : 1));
      if (i > 1 && j > 1 && ai === other.charCodeAt(start + j - 2) && aBefore === bj)
        d = Math.min(d, before[j - 2]! + 1);
      next[j] = d;
      if (d < least) least = d;
    }
    if (least > max) return max + 1;
    const done = before;
    before = row;
    row = next;
    next = done;
  }
  return Math.min(row[bLength]!, max + 1);
}

/** The name a mistyped one most likely meant (a flag: `--spc` → `spec`; a command, a verb): within two edits, or its start. */
export function nearestName(given: string, names: readonly string[]): string | undefined {
  if (!given) return undefined;
  let best: { name: string; rank: number } | undefined;
  for (const name of names) {
    // Past 2 edits only a name it starts counts, and then only whether it is past 1.
    const edits = editDistance(given, name, 2);
    const start = name.startsWith(given) && given.length >= 2;
    const distance = start ? Math.min(1, edits) : edits;
    // A name within one edit is meant before one that only starts so (namespace: namespaces, not namespaceDefaults).
    const rank = distance + (start && edits > 1 ? 0.5 : 0);
    if (distance <= Math.min(2, Math.floor(name.length / 2)) && (!best || rank < best.rank)) best = { name, rank };
  }
  return best?.name;
}

/**
 * What a name that is not declared is told: the one meant, then the first ten of `declared` (and
 * `...` past them: a list of hundreds says less than the one meant), or that no `kind` is declared.
 * `declared` may be cut at eleven: nothing past that is shown.
 */
export function notDeclaredHint(declared: readonly string[], kind: string, meant: string | undefined): string {
  if (!declared.length) return `no ${kind} is declared`;
  return `${meant ? `did you mean ${meant}? ` : ''}declared: ${declared.slice(0, 10).join(', ')}${declared.length > 10 ? ', ...' : ''}`;
}

/**
 * nearestName over one list, for the many names a declaration may get wrong: each answered once,
 * and only the first `limit` distinct ones (a spec naming thousands of undeclared users would
 * otherwise spend minutes on hints; the first hundred say what went wrong).
 */
export function nearestNameAmong(names: Iterable<string>, limit = 100): (given: string) => string | undefined {
  const answered = new Map<string, string | undefined>();
  let known: string[] | undefined;
  return (given) => {
    if (answered.has(given)) return answered.get(given);
    if (answered.size >= limit) return undefined;
    known ??= [...names];
    const near = nearestName(given, known);
    answered.set(given, near);
    return near;
  };
}

/**
 * The one name of `names` that is an email beginning `given@` (`alice` → `alice@acme.io`, case
 * and any identity prefix `oidc:` aside), as a person is named by less than their name; undefined
 * when `given` is an email itself, or when none or several begin so.
 */
function emailBeginning(given: string, names: readonly string[]): string | undefined {
  if (!given || given.includes('@')) return undefined;
  const start = `${given.toLowerCase()}@`;
  const found = names.filter((name) =>
    name
      .toLowerCase()
      .replace(/^[^@]*:/, '')
      .startsWith(start),
  );
  return found.length === 1 ? found[0] : undefined;
}

/**
 * A name known here that the one asked about means, and how it differs: the same but for case
 * (`Bob@Acme.io` for `bob@acme.io`), else the same under an identity prefix (`bob@acme.io` for
 * `oidc:bob@acme.io`), else the one email it begins (`bob` for `bob@acme.io`), else one a letter
 * or two away (`alise@acme.io`).
 */
export function nameMeant(
  asked: string,
  known: readonly string[],
): { readonly name: string; readonly why: string } | undefined {
  const lower = asked.toLowerCase();
  const others = known.filter((name) => name !== asked);
  const exact = 'Kubernetes compares usernames exactly: case and identity prefix included';
  // Each name lower-cased once, for both looks.
  const lowered = others.map((name) => name.toLowerCase());
  const prefixed = `:${lower}`;
  const same = lowered.indexOf(lower);
  const spelled = others[same >= 0 ? same : lowered.findIndex((name) => name.endsWith(prefixed))];
  if (spelled) return { name: spelled, why: exact };
  const names = [...new Set(others)];
  const email = emailBeginning(asked, names);
  if (email) return { name: email, why: 'a user is named by their whole email, as their bindings name them' };
  const near = nearestName(lower, names);
  return near ? { name: near, why: 'the nearest name known here' } : undefined;
}

/**
 * A word a shell reads as itself: no quote, expansion, glob, brace, history or operator character,
 * and no `=` first (zsh expands `=name` to a command's path).
 */
const SHELL_PLAIN = /^[A-Za-z0-9_@%+:,./-][A-Za-z0-9_@%+=:,./-]*$/;

/**
 * A word of a command a person pastes into a shell: text, passed to the program as written; or a
 * placeholder (`<cluster>`) the person replaces, shown as it is, after `flag=` when it has one.
 */
export type ShellWord = string | { readonly placeholder: string; readonly flag?: string };

/** A placeholder word: `<name>`, or `flag=<name>` (`--as=<identity-in-lga1>`). */
export function placeholder(name: string, flag?: string): ShellWord {
  if (!/^[a-z][a-z0-9-]*$/.test(name) || (flag !== undefined && !/^--?[a-z][a-z-]*$/.test(flag)))
    throw new Error(`not a placeholder: ${JSON.stringify({ name, flag })}`);
  return flag === undefined ? { placeholder: name } : { placeholder: name, flag };
}

/** `text` as one shell word: as it is when the shell reads it so, else single-quoted (a `'` closed, escaped and reopened). */
const quoted = (text: string): string => (SHELL_PLAIN.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`);

/**
 * A command as a person pastes it into a shell: each word reaches the program as written, whatever
 * a declared value holds (`$(…)` in an identity is text, not a command: R26-1). A `--flag=value`
 * word keeps its flag plain and quotes the value only, as people write it.
 */
export function shellCommand(words: readonly ShellWord[]): string {
  return words
    .map((w) => {
      if (typeof w !== 'string') return `${w.flag === undefined ? '' : `${w.flag}=`}<${w.placeholder}>`;
      const flag = /^--[a-z][a-z-]*=/.exec(w);
      return flag ? `${flag[0]}${quoted(w.slice(flag[0].length))}` : quoted(w);
    })
    .join(' ');
}

/** The command printing the id of the GitHub account holding `login` (a user's `githubId`), for every text that says how to find it. */
export const githubIdLookup = (login = 'LOGIN'): string => `gh api users/${login} --jq .id`;
