/**
 * Where markdown may be cut, its start or its end kept, with nothing in it read differently by
 * GitHub (R15-F2). A cut inside a code span leaves its closing backtick to open another, and the
 * text it held (a URL, `@acme/admins`) live; inside `<!-- -->` it leaves a `<!--` that hides what
 * follows (the cut marker); inside `&amp;` or after a `\` it changes a character; inside a word it
 * may leave a bare run of hex digits GitHub links as a commit. Markdown is read here as GitHub
 * reads it inline, left to right, each of these one piece (an atom) no cut falls inside.
 */
import { splitsPair } from '../model/text.ts';

/** A character reference (CommonMark): named, decimal or hexadecimal. */
const ENTITY = /&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});/y;
/** A run GitHub may link as a commit, shown as code by escapeMarkdown unless a cut bares it. */
const COMMIT_MIN = 7;
const isWordChar = (c: string | undefined) => c !== undefined && /[0-9A-Za-z]/.test(c);
const isHex = (c: string) => /[0-9A-Fa-f]/.test(c);

/** The start of each maximal run of backticks, by its length (the closers a code span may end at). */
function backtickRuns(md: string): Map<number, number[]> {
  const runs = new Map<number, number[]>();
  for (let i = 0; i < md.length; ) {
    if (md[i] !== '`') {
      i++;
      continue;
    }
    let j = i;
    while (md[j] === '`') j++;
    const list = runs.get(j - i);
    if (list) list.push(i);
    else runs.set(j - i, [i]);
    i = j;
  }
  return runs;
}

/** A code span of markdown: its offsets [start, end) and the length of its fence of backticks. */
export interface CodeSpan {
  readonly start: number;
  readonly end: number;
  readonly fence: number;
}

/**
 * Each offset 0..md.length where a cut may fall (1) or not (0): never inside a code span, an HTML
 * comment, an entity, a backslash escape or a surrogate pair; nor inside a word where the part
 * kept on either side would end in 7+ hex digits alone. Linear in the length of `md`.
 */
export const safeCuts = (md: string): Uint8Array => cutsOf(md).ok;

/** safeCuts, and the code spans no cut falls inside, in order (a long one may be cut and fenced again, R16-F1). */
export function cutsOf(md: string): { ok: Uint8Array; spans: CodeSpan[] } {
  const ok = new Uint8Array(md.length + 1).fill(1);
  const spans: CodeSpan[] = [];
  const runs = backtickRuns(md);
  const nextRun = new Map<number, number>(); // per length, the first run not yet passed (openers come in order)
  let lineEnd = -1;
  let commentsClose = true; // once a `<!--` finds no `-->`, none after it will
  for (let i = 0; i < md.length; ) {
    if (i > lineEnd) lineEnd = md.indexOf('\n', i) < 0 ? md.length : md.indexOf('\n', i);
    let end = i + 1;
    // What a backslash escapes is one character: two units when a pair (a lone surrogate, at the end or not, is one: R16-F2).
    if (md[i] === '\\' && i + 1 < md.length) end = i + (splitsPair(md, i + 2) ? 3 : 2);
    else if (md[i] === '`') {
      let n = 0;
      while (md[i + n] === '`') n++;
      // A code span ends at the next run of as many backticks on its line (none of our spans spans lines).
      const starts = runs.get(n) ?? [];
      let k = nextRun.get(n) ?? 0;
      while (k < starts.length && starts[k]! < i + n) k++;
      nextRun.set(n, k);
      end = k < starts.length && starts[k]! < lineEnd ? starts[k]! + n : i + n;
      if (end > i + n) spans.push({ start: i, end, fence: n });
    } else if (md.startsWith('<!--', i) && commentsClose) {
      const close = md.startsWith('>', i + 4) ? i + 4 : md.startsWith('->', i + 4) ? i + 5 : md.indexOf('-->', i + 4);
      if (close < 0) commentsClose = false;
      else end = close + (md[close] === '>' ? 1 : 3);
    } else if (md[i] === '&') {
      ENTITY.lastIndex = i;
      if (ENTITY.test(md)) end = ENTITY.lastIndex;
    } else if (splitsPair(md, i + 1)) end = i + 2;
    ok.fill(0, i + 1, end);
    i = end;
  }
  for (let s = 0; s < md.length; ) {
    if (!isWordChar(md[s])) {
      s++;
      continue;
    }
    let e = s;
    while (isWordChar(md[e])) e++;
    let lead = 0;
    while (s + lead < e && isHex(md[s + lead]!)) lead++;
    let tail = 0;
    while (e - tail > s && isHex(md[e - tail - 1]!)) tail++;
    for (let b = s + 1; b < e; b++)
      if ((b - s >= COMMIT_MIN && b - s <= lead) || (e - b >= COMMIT_MIN && e - b <= tail)) ok[b] = 0;
    s = e;
  }
  return { ok, spans };
}
