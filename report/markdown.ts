/** The pull-request comment: the verdict, then a sentence per change, grouped by person. */
import {
  inviteGrantText,
  namespaceRemovedText,
  outsiderTitle,
  type AccessDiff,
  type SubjectDiff,
} from '../analysis/diff.ts';
import type { RuleResult, Verdict } from '../review/review.ts';
import { showHidden, splitsPair } from '../model/text.ts';
import { joinedItems, listsOf, type Change, type ListedText } from '../analysis/change.ts';
import { classesOf } from '../analysis/classes.ts';
import { CATALOG } from '../model/catalog.ts';
import type { MemberInvite } from '../model/membership.ts';
import { cutsOf, type CodeSpan } from './safe-cuts.ts';
import { GITHUB_EMOJI_NAMES } from './emoji-names.ts';

/** Hidden marker of orgctl's sticky comment (only trusted when the bot itself wrote it). */
export const COMMENT_MARKER = '<!-- orgctl-review -->';
/** GitHub refuses comment bodies over 65,536 characters; measured here in UTF-8 bytes, never fewer. */
const GITHUB_COMMENT_LIMIT = 65_536;

/** A text's size as GitHub's limits count it at most (bytes of UTF-8: at least its characters). */
export const sizeOf = (text: string): number => Buffer.byteLength(text, 'utf8');

/** How many UTF-16 units of `text` fit in `maxBytes` of UTF-8, taken by `part` (its start, or its end). */
function unitsWithin(text: string, maxBytes: number, part: (n: number) => string): number {
  let lo = 0;
  let hi = Math.min(text.length, maxBytes);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (sizeOf(part(mid)) <= maxBytes) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Where a text may be cut: safeCuts, and its code spans. */
type Cuts = ReturnType<typeof cutsOf>;

/**
 * A code span longer than this, where a cut falls, is cut inside (its start or end kept, fenced
 * again) rather than dropped whole: an author's 5,000-byte URL-ish run took the rest with it (R16-F1).
 */
const SPAN_CUT_MIN = 64;

/** The long code span `at` falls strictly inside, if any (spans are in order). */
function longSpanAt(text: string, spans: readonly CodeSpan[], at: number): CodeSpan | undefined {
  let [lo, hi] = [0, spans.length - 1];
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (spans[mid]!.start < at) lo = mid;
    else hi = mid - 1;
  }
  const span = spans[lo];
  return span && span.start < at && at < span.end && sizeOf(text.slice(span.start, span.end)) > SPAN_CUT_MIN
    ? span
    : undefined;
}

/** Whether CommonMark strips a space from each end of a code span's text: both are spaces, not all is. */
const stripsSpaces = (raw: string) => raw.startsWith(' ') && raw.endsWith(' ') && /[^ ]/.test(raw);

/** A code span's text as GitHub shows it. */
function spanText(text: string, span: CodeSpan): string {
  const raw = text.slice(span.start + span.fence, span.end - span.fence);
  return stripsSpaces(raw) ? raw.slice(1, -1) : raw;
}

/** Whether `inner` may be cut at `k`: not inside a surrogate pair, nor between `\` and the `|` it escapes (in a table). */
const innerCut = (inner: string, k: number) => !splitsPair(inner, k) && !(inner[k - 1] === '\\' && inner[k] === '|');

/**
 * Part of a code span's text fenced again: a fence longer than any run of backticks in it, and a
 * space each side when it starts or ends with a backtick (which would join the fence) or with a
 * space at both ends (one of which CommonMark would strip).
 */
function fenced(piece: string): string {
  const fence = '`'.repeat(longestRun(piece, '`') + 1);
  const pad = piece.startsWith('`') || piece.endsWith('`') || stripsSpaces(piece) ? ' ' : '';
  return `${fence}${pad}${piece}${pad}${fence}`;
}

/** At most what fencing a part of `inner` adds: two fences, two spaces. */
const fencing = (inner: string) => 2 * (longestRun(inner, '`') + 1) + 2;

/** The longest start of markdown `text` within `maxBytes` of UTF-8 that ends where `cuts` allows. */
function startWithin(text: string, maxBytes: number, cuts: Cuts): string {
  let n = unitsWithin(text, maxBytes, (m) => text.slice(0, m));
  const span = cuts.ok[n] ? undefined : longSpanAt(text, cuts.spans, n);
  if (span) {
    const before = text.slice(0, span.start);
    const inner = spanText(text, span);
    const room = maxBytes - sizeOf(before) - fencing(inner);
    let k = room > 0 ? unitsWithin(inner, room, (m) => inner.slice(0, m)) : 0;
    if (!innerCut(inner, k)) k--;
    if (k > 0) return before + fenced(inner.slice(0, k));
  }
  while (!cuts.ok[n]) n--;
  return text.slice(0, n);
}

/** The longest end of markdown `text` within `maxBytes` of UTF-8 that starts where `cuts` allows. */
function endWithin(text: string, maxBytes: number, cuts: Cuts): string {
  let from = text.length - unitsWithin(text, maxBytes, (m) => text.slice(text.length - m));
  const span = cuts.ok[from] ? undefined : longSpanAt(text, cuts.spans, from);
  if (span) {
    const after = text.slice(span.end);
    const inner = spanText(text, span);
    const room = maxBytes - sizeOf(after) - fencing(inner);
    let k = room > 0 ? unitsWithin(inner, room, (m) => inner.slice(inner.length - m)) : 0;
    if (!innerCut(inner, inner.length - k)) k--;
    if (k > 0) return fenced(inner.slice(inner.length - k)) + after;
  }
  while (!cuts.ok[from]) from++;
  return text.slice(from);
}

/**
 * The longest start of markdown `text` within `maxBytes` of UTF-8, cut only where GitHub reads
 * nothing of it differently (safeCuts: never inside a comment, an entity, an escape, a character;
 * a code span only when long, fenced again), so it may fall a little short.
 */
export function clipBytes(text: string, maxBytes: number): string {
  return sizeOf(text) <= maxBytes ? text : startWithin(text, maxBytes, cutsOf(text));
}

/**
 * Changes a reviewer must see even when the comment is cut: privilege classes, custom RBAC, a token
 * created or handed over, an admin's standing either way (and makesAdmin, which ranks before them).
 */
const MUST_SHOW = new Set(['gains-class', 'gains-role', 'gains-rules', 'token-added', 'token-owner', 'admin']);

/**
 * Whether a change makes someone an admin (reactivating one included), or hands an admin's approvals to another GitHub account
 * (a login or account id change of someone who is not an admin on either side hands over no approval that counts).
 */
const makesAdmin = (c: Change): boolean =>
  ((c.kind === 'admin' || c.kind === 'gains-beyond-admin') && !c.removes) ||
  (c.admin === true && !c.removes) ||
  (['invited', 'invite-changed', 'joins', 'accepts-invite'].includes(c.kind) &&
    (c.to as { readonly admin?: boolean } | undefined)?.admin === true);

/** Whether a change takes someone's admin standing away: must-see, yet kept after whatever gives. */
const isDemotion = (c: Change): boolean => c.kind === 'admin' && c.removes === true;

/** Catalog levels that carry a privilege class (r:secrets reads Secrets, w:pods runs pods, ...). */
const CLASS_LEVELS = new Set(CATALOG.filter((l) => classesOf(l.rules, 'namespace').length).map((l) => l.id));

/**
 * An invitation's grants that give, once accepted, a privilege class, as its line says them
 * (`r:secrets in prod`): its access is said on its own line, not as gains lines. A member role's
 * levels are not in the change: it may, so it counts.
 */
const classGrants = (c: Change): string[] =>
  (c.kind === 'invited' || c.kind === 'invite-changed') && !c.removes
    ? ((c.to as Partial<MemberInvite> | undefined)?.grants ?? [])
        .filter((g) => !!g.roles?.length || !!g.levels?.some((l) => CLASS_LEVELS.has(l)))
        .map(inviteGrantText)
    : [];

/**
 * A token's changes that give (unless they only remove): a credential handed over, in new
 * namespaces (movesIn), for longer, again (reactivated), or with the levels it holds once reactivated.
 */
const TOKEN_GAINS = new Set(['token-moved', 'token-rotated', 'token-expiry', 'token-status', 'token-levels']);

/**
 * Whether a token moved into a namespace it was not in: it gives there, whatever it leaves (its
 * `removes` says only that it leaves one, what mass-removal counts).
 */
function movesIn(c: Change): boolean {
  if (c.kind !== 'token-moved') return false;
  const from = new Set(c.from as readonly string[]);
  return (c.to as readonly string[]).some((ns) => !from.has(ns));
}

/** Whether a change gives what a reviewer must see even in a cut comment (`held`: its classGrants). */
const mustShow = (c: Change, held: readonly string[]): boolean =>
  MUST_SHOW.has(c.kind) ||
  makesAdmin(c) ||
  held.length > 0 ||
  (TOKEN_GAINS.has(c.kind) && (!c.removes || movesIn(c))) ||
  // Staged on a deactivated person or token with a privilege class: as a live gains-class line would be.
  (c.kind === 'gains-dormant' && !!c.classes?.length);

/**
 * Which lines of a cut comment are kept first (lower first): the organization's own (owner,
 * settings, guard rails), whoever is made an admin or approves as one, the privileged and custom
 * RBAC, whoever stops being an admin, the namespaces added or removed (hundreds of lines a change may bring, with
 * each Namespace left to untrack by hand), whatever else
 * gives, whatever only takes away. A line ranks by its own change: erin's r:pods in 1,100
 * namespaces do not rank with her r:secrets.
 */
const RANK = { organization: 0, admin: 1, privileged: 2, demoted: 3, namespaces: 4, gains: 5, losses: 6 } as const;

/** A part of the comment (a person, a token, a block), each line with its RANK. */
interface Part {
  readonly title: string;
  /** Each line, with its RANK and what its text must still show when clipped (an invitation's privileged grants). */
  readonly lines: readonly {
    readonly text: string;
    readonly rank: number;
    readonly held?: readonly string[];
    /** The line as a list of items alike (escaped, after `- `): clipped item by item, counted. */
    readonly list?: ListedText;
    /** A hand-applied line without a list: its sentence and commands, never cut in the middle (a person copies them). */
    readonly steps?: Steps;
  }[];
}

/** A hand-applied line's sentence (`- …`) and its commands as code spans: the line is `sentence: a, then b`. */
interface Steps {
  readonly sentence: string;
  readonly commands: readonly string[];
}

/**
 * A line longer than this is a list (a token created for 900 namespaces): it may be shown clipped,
 * to this while every part is being named, then to whatever room is left.
 */
const CUT_LINE_MAX = 2_000;
/** No line is clipped shorter than this: less would say nothing. */
const CLIPPED_MIN = 200;
/** Between the start and the end of a clipped line. */
const CLIPPED = ' … ';

/**
 * A long list within `maxBytes`: of each of its lists (a token moved: the namespaces it leaves,
 * those it is in), the first items, how many more of how many and what each holds, then its end
 * (a token's owner and expiry); the first list's count names what of `held` the cut left out (an
 * invitation's privileged grants) unless each of its items holds the same. Undefined when not even
 * that fits.
 */
function clipList(list: ListedText, maxBytes: number, held: readonly string[] = []): string | undefined {
  const lists = listsOf(list);
  const cap = Math.floor(maxBytes / 3);
  const noted = held.length > 0 && !list.each;
  const shown = (l: ListedText, k: number, lost: readonly string[]) => {
    const n = l.items.length;
    if (k === n) return `${l.before}${joinedItems(l)}${l.after}`;
    const sep = l.separator ?? ', ';
    const what = [`${n} ${l.noun}`, ...(l.each ? [`each with ${l.each}`] : lost.length ? [heldNote(lost, cap)] : [])];
    return `${l.before}${l.items.slice(0, k).join(sep)}${k ? sep : ''}… and ${n - k} more (${what.join(', ')})${l.after}`;
  };
  const line = (ks: readonly number[]) => {
    const kept = new Set(lists.flatMap((l, i) => l.items.slice(0, ks[i])));
    const lost = noted ? held.filter((h) => !kept.has(h)) : [];
    return `- ${lists.map((l, i) => shown(l, ks[i]!, i ? [] : lost)).join('')}`;
  };
  const ks = lists.map(() => 0);
  const none = sizeOf(line(ks));
  if (none > maxBytes) return undefined;
  // The note of what fewer held items were cut is no longer than all of them, or than a cut note.
  const noteMost = noted ? Math.min(sizeOf(`among them ${held.join('; ')}`), cap + sizeOf('…')) : 0;
  let size = none - (noted ? sizeOf(heldNote(held, cap)) : 0) + noteMost;
  // An item at a time from each list in turn: each side of a move keeps about as many.
  for (let grew = true; grew; ) {
    grew = false;
    lists.forEach((l, i) => {
      const k = ks[i]!;
      if (k === l.items.length) return;
      const cost = sizeOf(l.items[k]!) + sizeOf(l.separator ?? ', ');
      if (size + cost > maxBytes) return;
      ks[i] = k + 1;
      size += cost;
      grew = true;
    });
  }
  // The counts may have fewer digits than estimated, never more: this only guards the estimate.
  while (sizeOf(line(ks)) > maxBytes) ks[ks.indexOf(Math.max(...ks))]!--;
  return line(ks);
}

/**
 * A hand-applied line larger than the comment within `maxBytes`: its sentence and the first of its
 * commands that fit, each whole and in order (a person runs them so), then how many more the full
 * report (`fullReport`) holds, at least `least` of them. Undefined when not even the sentence and that fit.
 */
function clipSteps(steps: Steps, maxBytes: number, fullReport: string, least = 0): string | undefined {
  const n = steps.commands.length;
  const rest = (out: number) => `${out} more command${out === 1 ? '' : 's'} in the full report (${fullReport})`;
  for (let k = n - 1; k >= least; k--) {
    const line = k
      ? `${steps.sentence}: ${steps.commands.slice(0, k).join(', then ')}, then … ${rest(n - k)}`
      : `${steps.sentence}: … its ${n} command${n === 1 ? '' : 's'} in the full report (${fullReport})`;
    if (sizeOf(line) <= maxBytes) return line;
  }
  return undefined;
}

/**
 * A long line within `maxBytes`: its start and its end (a list's last item, an invitation's last
 * grant, a token's owner and expiry), the middle cut, naming what of `held` the cut part held; a
 * line with a list, clipped item by item (clipList); a hand-applied line's commands never cut
 * (clipSteps). Undefined when that would say nothing.
 */
function clipLine(
  text: string,
  maxBytes: number,
  fullReport: string,
  held: readonly string[] = [],
  list?: ListedText,
  steps?: Steps,
): string | undefined {
  if (sizeOf(text) <= CUT_LINE_MAX || maxBytes < CLIPPED_MIN) return undefined;
  if (list) return clipList(list, maxBytes, held);
  if (steps) return clipSteps(steps, maxBytes, fullReport);
  const cuts = cutsOf(text);
  const around = (cut: string) => {
    const room = maxBytes - sizeOf(cut);
    const end = endWithin(text, Math.floor(room / 3), cuts);
    const start = startWithin(text, room - sizeOf(end), cuts);
    return { start, end, line: `${start}${cut}${end}` };
  };
  const plain = around(CLIPPED);
  const lost = held.filter((h) => !plain.start.includes(h) && !plain.end.includes(h));
  if (!lost.length) return plain.line;
  return around(` … [cut here, ${heldNote(lost, Math.floor(maxBytes / 3))}] … `).line;
}

/**
 * `among them …` naming what a cut line held, within `maxBytes`, ending in `…` whenever it was cut.
 * Not by its length: a code span cut inside and fenced again may keep as many UTF-16 units (R17-3).
 */
export function heldNote(lost: readonly string[], maxBytes: number): string {
  const whole = `among them ${lost.join('; ')}`;
  const among = clipBytes(whole, maxBytes);
  return among === whole ? whole : `${among}…`;
}

/** A ListedText's every text as the comment shows it. */
const escapedList = (l: ListedText): ListedText => ({
  before: escapeMarkdown(l.before),
  items: l.items.map((item) => escapeMarkdown(item)),
  after: escapeMarkdown(l.after),
  noun: escapeMarkdown(l.noun),
  ...(l.each !== undefined ? { each: escapeMarkdown(l.each) } : {}),
  ...(l.separator !== undefined ? { separator: escapeMarkdown(l.separator) } : {}),
  ...(l.next ? { next: escapedList(l.next) } : {}),
});

/** `l` with `end` after its sentence (a hand-applied line's commands, kept whole when it is clipped). */
const endingWith = (l: ListedText, end: string): ListedText =>
  l.next ? { ...l, next: endingWith(l.next, end) } : { ...l, after: `${l.after}${end}` };

/** A part's own last line when some of its lines are left out. */
const moreLine = (out: number) => `- _… and ${out} more_`;

/**
 * The parts, cut to `budget` bytes, rank by rank: the first line of every part at that rank (so
 * every privileged subject is named while any room is left; a long line clipped), then its other
 * lines, no part over a quarter of the comment (one padded part cannot crowd the rest out), but
 * for a hand-applied line longer than the quarter, which can be shown whole no other way (a change
 * of shards deleting 620 Applications by name: R24-1), yet only in the room left beside the first
 * line of each part of a must-see rank after its own (admin, privileged, demoted), clipped to its
 * first commands if need be (R25-1); every must-see line so before any lower rank's. Last, rank by
 * rank again, the quarter lifted: whatever room is left is used. A line that does not fit is
 * passed over, never the end of the list; a long one is clipped to the room left, but a
 * hand-applied one without a list only when larger than the whole comment or beside must-see lines
 * (to the commands that fit, the rest said to be in `fullReport`). Returns the text and how many
 * lines it leaves out.
 */
function cutParts(
  parts: readonly Part[],
  budget: number,
  max: number,
  fullReport: string,
): { text: string; left: number } {
  const shown = parts.map((part) => new Array<string | undefined>(part.lines.length));
  const sizes = parts.map((part) => new Array<number>(part.lines.length));
  const kept = parts.map(() => 0);
  const used = parts.map(() => 0);
  const note = (out: number) => (out ? sizeOf(moreLine(out)) + 1 : 0);
  let size = 0;
  /** `reserve`: room kept for lines still to be named (a hand-applied line without a list is clipped to the rest). */
  const keep = (p: number, l: number, cap: number, lineMax: number, reserve = 0): void => {
    const part = parts[p]!;
    const { text, held, list, steps } = part.lines[l]!;
    const was = shown[p]![l];
    if (was === text || size >= budget) return;
    const full = (sizes[p]![l] ??= sizeOf(text));
    const out = part.lines.length - kept[p]!;
    // What keeping it costs beside the line itself: the part's title, its `… and N more` line.
    const beside =
      was !== undefined ? -sizeOf(was) : 1 + note(out - 1) + (kept[p] ? -note(out) : sizeOf(part.title) + 2);
    const room = Math.min(budget - size - reserve, cap - used[p]!) - beside;
    // A hand-applied line without a list that the comment could hold is shown whole or not yet: only
    // one larger than the comment, or crowding out must-see lines still to be named, shows its first
    // commands, never none of them (R23-2, R24-1, R25-1).
    const fit = Math.min(room, lineMax);
    let line: string | undefined;
    if (full <= fit) line = text;
    else if (!steps || full > budget) line = clipLine(text, fit, fullReport, held, list, steps);
    else if (reserve > 0) line = clipSteps(steps, room, fullReport, 1);
    if (line === undefined || (was !== undefined && sizeOf(line) <= sizeOf(was))) return;
    const cost = beside + sizeOf(line);
    if (was === undefined) kept[p]!++;
    shown[p]![l] = line;
    used[p]! += cost;
    size += cost;
  };
  const byRank = new Map<number, { p: number; l: number }[]>();
  parts.forEach((part, p) =>
    part.lines.forEach((line, l) => {
      const list = byRank.get(line.rank);
      if (list) list.push({ p, l });
      else byRank.set(line.rank, [{ p, l }]);
    }),
  );
  const ranks = [...byRank.keys()].sort((a, b) => a - b);
  // Each part's first line at a rank: what the first pass names (every part while room is left).
  const firstOfEachPart = new Map(
    ranks.map((r) => {
      const first = new Map<number, { p: number; l: number }>();
      for (const at of byRank.get(r)!) if (!first.has(at.p)) first.set(at.p, at);
      return [r, [...first.values()]];
    }),
  );
  // What naming each part of a must-see rank after `rank` still costs: its first line there (clipped
  // as in the first pass), its title, its `… and N more` line.
  const mustSeeAfter = (rank: number): number =>
    ranks
      .filter((r) => r > rank && r <= RANK.demoted)
      .flatMap((r) => firstOfEachPart.get(r)!)
      .filter(({ p, l }) => shown[p]![l] === undefined)
      .reduce((sum, { p, l }) => {
        const part = parts[p]!;
        const named = kept[p] ? 0 : sizeOf(part.title) + 2 + note(part.lines.length - 1);
        return sum + 1 + Math.min(sizeOf(part.lines[l]!.text), CUT_LINE_MAX) + named;
      }, 0);
  for (const rank of ranks) {
    for (const { p, l } of firstOfEachPart.get(rank)!) keep(p, l, Number.POSITIVE_INFINITY, CUT_LINE_MAX);
    const quarter = Math.floor(max / 4);
    for (const { p, l } of byRank.get(rank)!) {
      const { text, steps } = parts[p]!.lines[l]!;
      if (steps && sizeOf(text) > quarter)
        keep(p, l, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, mustSeeAfter(rank));
      else keep(p, l, quarter, Number.POSITIVE_INFINITY);
    }
  }
  for (const rank of ranks)
    for (const { p, l } of byRank.get(rank)!) keep(p, l, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY);
  let left = 0;
  const blocks: string[] = [];
  parts.forEach((part, p) => {
    const out = part.lines.length - kept[p]!;
    left += out;
    if (!kept[p]) return;
    const lines = shown[p]!.filter((line) => line !== undefined);
    blocks.push(`${part.title}\n${[...lines, ...(out ? [moreLine(out)] : [])].join('\n')}\n`);
  });
  return { text: blocks.join('\n'), left };
}

/**
 * Where a bare URL may be: every `://` and `www.`, which GitHub turns into links (GFM autolinks). The
 * whole run of characters a URL may hold around it is shown as code, whatever precedes the scheme:
 * GitHub's autolinker walks back over letters only, so `1https://…` or `x_https://…` is a link
 * from `https`, and a scheme matched by a pattern missed it (R12). Found by a loop that walks each
 * character once: a pattern scanning from every word of `a.a.a.…` was quadratic (red team Q5).
 */
const URL_MARK = /:\/\/|www\./gi;
/** What ends the run of a URL's characters (GitHub's autolinker stops there too). */
const URL_END = /[\s"'<>()[\]]/;

/** The runs of `text` that hold a URL mark, as [start, end), in order, none overlapping. */
function urlRuns(text: string): [number, number][] {
  const runs: [number, number][] = [];
  let from = 0;
  for (const m of text.matchAll(URL_MARK)) {
    if (m.index < from) continue;
    let start = m.index;
    while (start > from && !URL_END.test(text[start - 1]!)) start--;
    let end = m.index + m[0].length;
    while (end < text.length && !URL_END.test(text[end]!)) end++;
    runs.push([start, end]);
    from = end;
  }
  return runs;
}

/** A sentence's closing punctuation after a URL. */
const CLOSING = new Set('.,;:!?');

/** `url` without its closing punctuation, cut from the end (a regex anchored at `$` retried every run of dots). */
function withoutClosing(url: string): string {
  let end = url.length;
  while (end > 0 && CLOSING.has(url[end - 1]!)) end--;
  return url.slice(0, end);
}

/**
 * What GitHub turns into a mention or a reference: a mention or team mention (`@acme/admins`), an
 * email address (`root@evil.example`), an issue or pull request (`#1`, `owner/repo#1`, `GH-1`). It
 * finds them after rendering, in the HTML's text nodes outside code, where an entity (`&#64;`) is its
 * character again and a backslash escape is gone (github/cmark-gfm#181). An empty HTML comment after
 * each `@`, `#` and `GH-` ends the text node there, so no such run is whole in any; it shows nothing,
 * so the text reads and copies as written (an address an admin copies stays the address, which a
 * zero-width space inside it would not); a cut never falls inside it (safe-cuts.ts).
 */
const REFERENCE_MARK = /[@#]|gh-/gi;
/** Shows nothing; ends GitHub's text node. */
const REFERENCE_BREAK = '<!-- -->';

/**
 * Runs shown as code, whole: a run GitHub may link as a commit (7 to 40 hex digits alone:
 * `a5c3785`), a link the author picks, to a commit of the repository, shown shortened (a SHA reads
 * as code, and is compared whole); and every `$`, which GitHub reads as LaTeX math (`$…$`,
 * `$$…$$`, MathJax) in the rendered text, outside code, after markdown's escapes are gone (`\$`
 * is a `$` again): `\phantom`, `\color` or `\llap` would hide, recolour or overlay what stands
 * beside it (R64-2). One run when they touch: two code spans side by side would read as one fence.
 */
const AS_CODE = /(?:\$|(?<![0-9a-z])[0-9a-f]{7,}(?![0-9a-z]))+/gi;

/**
 * A colon that may open what GitHub draws as an emoji: `:`, a name (its `_` escaped by now), `:`.
 * GitHub replaces each `:name:` of its list in the rendered text outside code, after markdown's
 * escapes are gone, wherever it stands in a word (html-pipeline's EmojiFilter): a token renamed
 * `deploy :white_check_mark:` drew a check mark beside orgctl's own (R72-1). Only GitHub's names
 * are broken: `system:serviceaccount:argocd:x` draws nothing and is left as written.
 */
const EMOJI_OPENING = /:(?=((?:\\?[\w+-])+):)/g;

/** The reference break after each colon opening one of GitHub's emoji: it ends the text node there, so no `:name:` is whole. */
const withoutEmoji = (md: string) =>
  md.replace(EMOJI_OPENING, (colon, name: string) =>
    GITHUB_EMOJI_NAMES.has(name.replace(/\\/g, '').toLowerCase()) ? `${colon}${REFERENCE_BREAK}` : colon,
  );

/** Markdown's own characters escaped, `&` too (GitHub decodes entities), and no mention, reference or emoji. */
const plainMarkdown = (text: string) =>
  withoutEmoji(
    text
      .replace(/[\\`*_[\]<>|~&]/g, (c) => (c === '&' ? '&amp;' : `\\${c}`))
      .replace(REFERENCE_MARK, (m) => `${m}${REFERENCE_BREAK}`),
  );

/** Text outside a URL: plain, but any run GitHub may take for a commit or for math as code. */
function plainText(text: string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(AS_CODE)) {
    out += plainMarkdown(text.slice(last, m.index)) + codeSpan(m[0]);
    last = m.index + m[0].length;
  }
  return out + plainMarkdown(text.slice(last));
}

/** The longest run of `c` in `text`, by a loop: Math.max(...runs) threw past 100,000 or so runs (red team Q5). */
function longestRun(text: string, c: string): number {
  let [longest, run] = [0, 0];
  for (const x of text) {
    run = x === c ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  return longest;
}

/**
 * Text as a code span: nothing in it is parsed (no link, no entity). In a table a `|` still needs
 * its escape, which GitHub takes off; anywhere else it would show the backslash, and a command
 * copied from it would not be the one written (R26-1).
 */
function codeSpan(text: string, inTable = false): string {
  const fence = '`'.repeat(longestRun(text, '`') + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${inTable ? text.replace(/\|/g, '\\|') : text}${pad}${fence}`;
}

/**
 * Text from the declaration is data: no markup, no HTML, no entity, no mention that would ping
 * people, no reference or link (a URL or a commit-like run is shown as code), no math (a `$` is
 * shown as code), and no character that acts instead of showing (a line break that would leave its
 * row, a direction override): those are written as their code points. `inTable`: the text is a
 * table cell's.
 */
export function escapeMarkdown(text: string, inTable = false): string {
  const shown = showHidden(text.replace(/\r\n?|\n/g, ' '));
  let out = '';
  let last = 0;
  for (const [start, end] of urlRuns(shown)) {
    const url = withoutClosing(shown.slice(start, end));
    out += plainText(shown.slice(last, start)) + codeSpan(url, inTable);
    last = start + url.length;
  }
  return out + plainText(shown.slice(last));
}

/**
 * At most about `max` characters: the start and the last third (a finding ends in what to do), the
 * middle cut and counted, never splitting a surrogate pair.
 */
const clip = (text: string, max: number) => {
  if (text.length <= max) return text;
  const cutNote = (n: number) => ` … (${n} characters cut) … `;
  const room = max - cutNote(text.length).length;
  let start = room - Math.floor(room / 3);
  let end = text.length - Math.floor(room / 3);
  if (splitsPair(text, start)) start--;
  if (splitsPair(text, end)) end++;
  return `${text.slice(0, start)}${cutNote(end - start)}${text.slice(end)}`;
};

/** The title of the findings listed below the rules: failing ones, warnings, or both. */
function findingsTitle(listed: readonly RuleResult[]): string {
  const failing = listed.some((r) => !r.ok);
  const warning = listed.some((r) => r.ok);
  return failing && warning ? '**Findings that fail or warn**' : warning ? '**Warnings**' : '**Failing findings**';
}

/**
 * The verdict: a row per result; or, when that would take more than a third of the comment (a
 * change touching hundreds of people), a row per rule and the failing results, then the warnings,
 * below it, clipped, so that every rule's status always shows.
 */
function verdictLines(verdict: Verdict, max: number, fullReport?: string): string[] {
  const title = `## orgctl review: ${verdict.ok ? '✅ the change may be merged' : '❌ the change breaks a rule'}`;
  // A warning passes, marked for a reviewer to read; a rule not judged passes unmarked as a pass.
  const mark = (r: Pick<RuleResult, 'ok' | 'warning' | 'notJudged'>) =>
    !r.ok ? '❌' : r.warning ? '⚠️' : r.notJudged ? '➖' : '✅';
  const row = (rule: string, r: Pick<RuleResult, 'ok' | 'warning' | 'notJudged'>, text: string) =>
    `| \`${rule}\` | ${mark(r)} | ${text} |`;
  const rows = verdict.results.map((r) => row(r.rule, r, escapeMarkdown(r.message, true)));
  const budget = Math.floor(max / 3);
  if (sizeOf(rows.join('\n')) <= budget) return [title, '', '| rule | | |', '|---|---|---|', ...rows, ''];
  const byRule = new Map<string, RuleResult[]>();
  for (const r of verdict.results) {
    const list = byRule.get(r.rule);
    if (list) list.push(r);
    else byRule.set(r.rule, [r]);
  }
  const grouped = [...byRule].map(([rule, results]) => {
    const failed = results.filter((r) => !r.ok).length;
    const warned = results.filter((r) => r.ok && r.warning).length;
    if (results.length === 1) return row(rule, results[0]!, escapeMarkdown(clip(results[0]!.message, 500), true));
    return row(
      rule,
      { ok: !failed, warning: warned > 0 },
      failed
        ? `${failed} of ${results.length} findings fail (below)`
        : warned
          ? `${warned} of ${results.length} findings warn (below)`
          : `${results.length} findings, all pass`,
    );
  });
  // A rule with one result says it in its row; the others' failures, then warnings, are listed.
  const findings = verdict.results
    .filter((r) => (!r.ok || r.warning) && byRule.get(r.rule)!.length > 1)
    .sort((a, b) => Number(a.ok) - Number(b.ok));
  const listed: string[] = [];
  let size = grouped.join('\n').length;
  for (const r of findings) {
    const line = `- \`${r.rule}\` ${mark(r)} ${escapeMarkdown(clip(r.message, 500))}`;
    if (size + line.length + 1 > budget) break;
    listed.push(line);
    size += line.length + 1;
  }
  const more = findings.length - listed.length;
  const rest = more
    ? [
        `- _… and ${more} more. ${fullReport ? `The full report: ${fullReport}.` : 'Run `orgctl review` for every one.'}_`,
      ]
    : [];
  return [
    title,
    '',
    '| rule | | |',
    '|---|---|---|',
    ...grouped,
    '',
    ...(listed.length || rest.length ? [findingsTitle(findings), '', ...listed, ...rest, ''] : []),
  ];
}

interface MarkdownOptions {
  /** Largest body; past it people and tokens are summarized. @default GitHub's comment limit */
  readonly maxBytes?: number;
  /** Where the whole report is, named when the body is summarized. */
  readonly fullReport?: string;
}

/** No limit: what a command prints, the full report a comment cut for GitHub points to. */
export const WHOLE: MarkdownOptions = { maxBytes: Number.POSITIVE_INFINITY };

/** The diff (and the verdict, when given) as markdown. */
export function renderMarkdown(diff: AccessDiff, verdict?: Verdict, options: MarkdownOptions = {}): string {
  const max = options.maxBytes ?? GITHUB_COMMENT_LIMIT;
  const head: string[] = [COMMENT_MARKER];
  if (verdict) head.push(...verdictLines(verdict, max, options.fullReport));
  head.push('### Who gains or loses what', '');
  const parts: Part[] = [];
  const part = (title: string, lines: Part['lines']) => {
    if (lines.length) parts.push({ title, lines });
  };
  const ranked = (rank: number) => (text: string) => ({ text, rank });
  /** Clusters added or removed rank with the organization; a namespace joining or leaving one (hundreds, maybe) with the namespaces. */
  const clusterRank = (c: Change) =>
    c.kind === 'cluster-added' || c.kind === 'cluster-removed' ? RANK.organization : RANK.namespaces;
  part('**Organization**', [
    ...(diff.owner
      ? [`- owner ${escapeMarkdown(diff.owner.from)} → ${escapeMarkdown(diff.owner.to)}`].map(ranked(RANK.organization))
      : []),
    // The namespaces added or removed may be hundreds of lines: kept after the privileged.
    ...diff.namespaces.added.map((n) => `- namespace ${escapeMarkdown(n)} is added`).map(ranked(RANK.namespaces)),
    ...diff.namespaces.removed.map((n) => `- ${escapeMarkdown(namespaceRemovedText(n))}`).map(ranked(RANK.namespaces)),
    // Custom RBAC is privileged: kept with whoever gains a privilege class, after the settings.
    ...diff.customRbac.map((c) => `- ${escapeMarkdown(c.text)}`).map(ranked(RANK.privileged)),
    ...diff.clusters.map((c) => ({ text: `- ${escapeMarkdown(c.text)}`, rank: clusterRank(c) })),
    ...diff.settings.map((c) => `- setting ${escapeMarkdown(c.text)}`).map(ranked(RANK.organization)),
  ]);
  part(
    '**Namespace guard rails**',
    diff.guardRails
      .map((c) => `- ${c.namespace !== undefined ? `${escapeMarkdown(c.namespace)}: ` : ''}${escapeMarkdown(c.text)}`)
      .map(ranked(RANK.organization)),
  );
  // dist/argocd/ is applied by hand: a change there does nothing in a cluster until an admin does.
  part(
    '**Applied by hand after merge**',
    (diff.handApplied ?? []).map((c) => {
      const steps = {
        sentence: `- ${escapeMarkdown(c.text)}`,
        // As code points, any character that acts: a line break from a forged dist/ would end the
        // list item and its code span, and what follows read as the comment's own markdown (R28-1).
        commands: (c.commands ?? []).map((command) => codeSpan(showHidden(command))),
      };
      const commands = steps.commands.length ? `: ${steps.commands.join(', then ')}` : '';
      return {
        text: `${steps.sentence}${commands}`,
        // One namespace's own (as many as namespaces removed): with the namespaces.
        rank: c.namespace === undefined ? RANK.organization : RANK.namespaces,
        // Its lists clipped, its commands never: a person copies them. Without a list, to the commands that fit.
        ...(c.list ? { list: endingWith(escapedList(c.list), commands) } : commands ? { steps } : {}),
      };
    }),
  );
  const subject = (title: string, d: SubjectDiff, urgent = false) => {
    // What follows from another change (an admin's w:full in each namespace added) is no edit of
    // theirs: it neither ranks them nor is kept before whoever else gains.
    const changes = d.changes.map((c) => {
      const held = classGrants(c);
      return { c, held, must: !c.implied && mustShow(c, held) };
    });
    const rank = changes.some(({ c }) => !c.implied && makesAdmin(c))
      ? RANK.admin
      : urgent || changes.some((x) => x.must && !isDemotion(x.c))
        ? RANK.privileged
        : changes.some((x) => x.must)
          ? RANK.demoted
          : d.changes.some((c) => !c.removes)
            ? RANK.gains
            : RANK.losses;
    // A must-see line at the part's rank; any other with whatever else gives, or takes away.
    part(
      `**${title}**`,
      changes.map(({ c, held, must }) => ({
        text: `- ${escapeMarkdown(c.text)}`,
        rank: urgent || must ? rank : Math.max(rank, c.removes ? RANK.losses : RANK.gains),
        ...(held.length ? { held: held.map((h) => escapeMarkdown(h)) } : {}),
        ...(c.list ? { list: escapedList(c.list) } : {}),
      })),
    );
  };
  for (const p of diff.people)
    subject(`${escapeMarkdown(p.id)}${p.github ? ` (GitHub ${escapeMarkdown(p.github)})` : ''}`, p);
  for (const t of diff.tokens) subject(`token ${escapeMarkdown(t.id)}`, t);
  // Access no membership record accounts for: kept first, with the privileged.
  for (const o of diff.outsiders ?? []) subject(escapeMarkdown(outsiderTitle(o.id)), o, true);
  const whole = parts.map((x) => `${x.title}\n${x.lines.map((l) => l.text).join('\n')}\n`);
  if (!whole.length) whole.push('_No change in access._\n');
  // Whole, people and tokens keep their order (by email, by id).
  let body = `${head.join('\n')}\n${whole.join('\n')}`;
  if (sizeOf(body) <= max) return body;
  // Too long for one comment: cut part by part, privileged ones first, then say how much is left out.
  const cut = cutParts(parts, max - sizeOf(head.join('\n')) - 200, max, options.fullReport ?? 'run `orgctl diff`');
  const footer = cut.left
    ? `\n_… and ${cut.left} more. ${options.fullReport ? `The full report: ${options.fullReport}.` : 'Run `orgctl diff` for the full report.'}_\n`
    : '';
  body = `${head.join('\n')}\n${cut.text}${footer}`;
  return sizeOf(body) <= max ? body : `${clipBytes(body, max - 100)}\n\n_… cut at GitHub's comment limit._\n`;
}
