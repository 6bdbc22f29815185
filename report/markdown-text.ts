/**
 * The report for a terminal (`orgctl diff` and `review`, `--format text`): the markdown orgctl
 * writes (renderMarkdown) as a reader of the rendered comment sees it, one renderer with two
 * flavours. It reads only what orgctl writes, where every character of declared text that markdown
 * would read is escaped (escapeMarkdown): so any `*` or `_` not escaped is orgctl's own emphasis, a
 * line starting `#` its heading, `|` its verdict table, `<!--` its marker or a reference break.
 * Whatever that leaves that would act on a terminal (ESC, a bidirectional override) is shown as its
 * code point, as the comment shows declared text: a command's code span is written as it is.
 */
import { showHidden } from '../model/text.ts';

/**
 * One inline piece, left to right as GitHub reads it: a backslash escape (its character), a code
 * span (a fence, its text, the same fence alone), an HTML comment (nothing), `&amp;` (the only
 * entity orgctl writes), or emphasis.
 */
const INLINE = /\\([!-/:-@[-`{-~])|(`+)(.+?)(?<!`)\2(?!`)|<!--(?:-?>|[\s\S]*?-->)|&amp;|[*_]/g;

/** A code span's text as CommonMark shows it: a space each side taken off when both are there and not all is. */
const spanText = (raw: string) => (/^ .*[^ ].* $/s.test(raw) ? raw.slice(1, -1) : raw);

/** A line's inline markdown as text. */
const inlineText = (md: string): string =>
  md.replace(INLINE, (all: string, escaped?: string, _fence?: string, code?: string) =>
    escaped !== undefined ? escaped : code !== undefined ? spanText(code) : all === '&amp;' ? '&' : '',
  );

/**
 * A table row's cells as text: split at each `|` no backslash escapes, then, as GitHub does before
 * reading a cell's inline markdown, every `\|` a `|` (in a code span too: codeSpan escapes it there).
 */
const cellsOf = (row: string): string[] =>
  row
    .split(/(?<!\\)\|/)
    .slice(1, -1)
    .map((cell) => inlineText(cell.trim().replace(/\\\|/g, '|')));

/** A table's body rows (its header row and delimiter row say nothing here), each column but the last padded. */
function tableText(rows: readonly string[]): string[] {
  const body = rows.slice(2).map(cellsOf);
  const widths = body.reduce<number[]>((w, cells) => cells.map((c, i) => Math.max(w[i] ?? 0, c.length)), []);
  return body.map((cells) =>
    cells
      .map((c, i) => (i < cells.length - 1 ? c.padEnd(widths[i]!) : c))
      .join('  ')
      .trimEnd(),
  );
}

/** The markdown orgctl writes (renderMarkdown, whole) as text for a terminal: the same lines, in order. */
export function markdownAsText(md: string): string {
  const lines = md.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('|')) {
      let end = i;
      while (lines[end + 1]?.startsWith('|')) end++;
      out.push(...tableText(lines.slice(i, end + 1)));
      i = end;
      continue;
    }
    const text = inlineText(line.replace(/^#{1,6} /, ''));
    // A line that held only the comment's hidden marker is no line.
    if (text || !line) out.push(text);
  }
  // Per line: a line break is the report's own.
  return out.map(showHidden).join('\n');
}
