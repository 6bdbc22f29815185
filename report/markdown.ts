/** The pull-request comment: the verdict, then a sentence per change, grouped by person. */
import { namespaceRemovedText, outsiderTitle, type AccessDiff, type SubjectDiff } from '../analysis/diff.ts';
import type { RuleResult, Verdict } from '../review/review.ts';
import { showHidden } from '../model/text.ts';

/** Hidden marker of orgctl's sticky comment (only trusted when the bot itself wrote it). */
export const COMMENT_MARKER = '<!-- orgctl-review -->';
/** GitHub refuses comment bodies over 65,536 characters; measured here in UTF-8 bytes, never fewer. */
const GITHUB_COMMENT_LIMIT = 65_536;

/** A text's size as GitHub's limits count it at most (bytes of UTF-8: at least its characters). */
export const sizeOf = (text: string): number => Buffer.byteLength(text, 'utf8');

/** The longest start of `text` within `maxBytes` of UTF-8, never splitting a character. */
export function clipBytes(text: string, maxBytes: number): string {
  if (sizeOf(text) <= maxBytes) return text;
  let lo = 0;
  let hi = Math.min(text.length, maxBytes);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (sizeOf(text.slice(0, mid)) <= maxBytes) lo = mid;
    else hi = mid - 1;
  }
  return /[\ud800-\udbff]/.test(text[lo - 1] ?? '') ? text.slice(0, lo - 1) : text.slice(0, lo);
}

/** Changes a reviewer must see even when the comment is cut: privilege classes, admin, custom RBAC. */
const MUST_SHOW = new Set([
  'gains-class',
  'admin',
  'gains-role',
  'gains-rules',
  'gains-beyond-admin',
  'token-added',
  'token-owner',
]);

/** Bare URLs, which GitHub turns into links (GFM autolinks); a sentence's closing punctuation is not theirs. */
const URL_LIKE = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>()[\]]+|\bwww\.[^\s"'<>()[\]]+/gi;

/** Markdown's own characters escaped, `&` too (GitHub decodes entities), and no @mention. */
const plainMarkdown = (text: string) =>
  text.replace(/[\\`*_[\]<>|~&]/g, (c) => (c === '&' ? '&amp;' : `\\${c}`)).replace(/@/g, '&#64;');

/** Text as a code span: nothing in it is parsed (no link, no entity); a `|` still needs its escape in a table. */
function codeSpan(text: string): string {
  const fence = '`'.repeat(Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length)) + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text.replace(/\|/g, '\\|')}${pad}${fence}`;
}

/**
 * Text from the declaration is data: no markup, no HTML, no entity, no @mention that would ping
 * people, no link (a URL is shown as code), and no character that acts instead of showing (a line
 * break that would leave its row, a direction override): those are written as their code points.
 */
export function escapeMarkdown(text: string): string {
  const shown = showHidden(text.replace(/\r\n?|\n/g, ' '));
  let out = '';
  let last = 0;
  for (const m of shown.matchAll(URL_LIKE)) {
    const url = m[0].replace(/[.,;:!?]+$/, '');
    out += plainMarkdown(shown.slice(last, m.index)) + codeSpan(url);
    last = m.index + url.length;
  }
  return out + plainMarkdown(shown.slice(last));
}

function subjectBlock(title: string, d: SubjectDiff): string {
  return `**${title}**\n${d.changes.map((c) => `- ${escapeMarkdown(c.text)}`).join('\n')}\n`;
}

/** At most `max` characters, never splitting a surrogate pair. */
const clip = (text: string, max: number) => {
  if (text.length <= max) return text;
  const end = /[\ud800-\udbff]/.test(text[max - 2] ?? '') ? max - 2 : max - 1;
  return `${text.slice(0, end)}…`;
};

/**
 * The verdict: a row per result; or, when that would take more than a third of the comment (a
 * change touching hundreds of people), a row per rule and the failing results below it, clipped,
 * so that every rule's status always shows.
 */
function verdictLines(verdict: Verdict, max: number, fullReport?: string): string[] {
  const title = `## orgctl review: ${verdict.ok ? '✅ the change may be merged' : '❌ the change breaks a rule'}`;
  const row = (rule: string, ok: boolean, text: string) => `| \`${rule}\` | ${ok ? '✅' : '❌'} | ${text} |`;
  const rows = verdict.results.map((r) => row(r.rule, r.ok, escapeMarkdown(r.message)));
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
    if (results.length === 1) return row(rule, results[0]!.ok, escapeMarkdown(clip(results[0]!.message, 500)));
    return row(
      rule,
      !failed,
      failed ? `${failed} of ${results.length} findings fail (below)` : `${results.length} findings, all pass`,
    );
  });
  // A rule with one result says it in its row; the others' failures are listed.
  const failures = verdict.results.filter((r) => !r.ok && byRule.get(r.rule)!.length > 1);
  const listed: string[] = [];
  let size = grouped.join('\n').length;
  for (const r of failures) {
    const line = `- \`${r.rule}\` ❌ ${escapeMarkdown(clip(r.message, 500))}`;
    if (size + line.length + 1 > budget) break;
    listed.push(line);
    size += line.length + 1;
  }
  const more = failures.length - listed.length;
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
    ...(listed.length || rest.length ? ['**Failing findings**', '', ...listed, ...rest, ''] : []),
  ];
}

interface MarkdownOptions {
  /** Largest body; past it people and tokens are summarized. @default GitHub's comment limit */
  readonly maxBytes?: number;
  /** Where the whole report is, named when the body is summarized. */
  readonly fullReport?: string;
}

/** The diff (and the verdict, when given) as markdown. */
export function renderMarkdown(diff: AccessDiff, verdict?: Verdict, options: MarkdownOptions = {}): string {
  const max = options.maxBytes ?? GITHUB_COMMENT_LIMIT;
  const head: string[] = [COMMENT_MARKER];
  if (verdict) head.push(...verdictLines(verdict, max, options.fullReport));
  head.push('### Who gains or loses what', '');
  const blocks: string[] = [];
  const orgLines = [
    ...(diff.owner ? [`- owner ${escapeMarkdown(diff.owner.from)} → ${escapeMarkdown(diff.owner.to)}`] : []),
    ...diff.namespaces.added.map((n) => `- namespace ${escapeMarkdown(n)} is added`),
    ...diff.namespaces.removed.map((n) => `- ${escapeMarkdown(namespaceRemovedText(n))}`),
    ...diff.customRbac.map((c) => `- ${escapeMarkdown(c.text)}`),
    ...diff.clusters.map((c) => `- ${escapeMarkdown(c.text)}`),
    ...diff.settings.map((c) => `- setting ${escapeMarkdown(c.text)}`),
  ];
  if (orgLines.length) blocks.push(`**Organization**\n${orgLines.join('\n')}\n`);
  const guardRailLines = diff.guardRails.map(
    (c) => `- ${c.namespace !== undefined ? `${escapeMarkdown(c.namespace)}: ` : ''}${escapeMarkdown(c.text)}`,
  );
  if (guardRailLines.length) blocks.push(`**Namespace guard rails**\n${guardRailLines.join('\n')}\n`);
  // dist/argocd/ is applied by hand: a change there does nothing in a cluster until an admin does.
  const handLines = (diff.handApplied ?? []).map(
    (c) => `- ${escapeMarkdown(c.text)}${c.commands?.length ? `: ${c.commands.map(codeSpan).join(', then ')}` : ''}`,
  );
  if (handLines.length) blocks.push(`**Applied by hand after merge**\n${handLines.join('\n')}\n`);
  // When the comment must be cut, kept in this order: organization-wide blocks, the people and tokens
  // a privilege is given to and the subjects no membership record names (padding cannot push them
  // out), whoever else gains anything, then those who only lose.
  const subjects: { readonly text: string; readonly urgent: boolean; readonly gains?: boolean }[] = [];
  const subject = (title: string, d: SubjectDiff) =>
    subjects.push({
      text: subjectBlock(title, d),
      urgent: d.changes.some((c) => MUST_SHOW.has(c.kind)),
      gains: d.changes.some((c) => !c.removes),
    });
  for (const p of diff.people)
    subject(`${escapeMarkdown(p.id)}${p.github ? ` (GitHub ${escapeMarkdown(p.github)})` : ''}`, p);
  for (const t of diff.tokens) subject(`token ${escapeMarkdown(t.id)}`, t);
  // Access no membership record accounts for: kept first, with the privileged.
  for (const o of diff.outsiders ?? [])
    subjects.push({ text: subjectBlock(`${escapeMarkdown(outsiderTitle(o.id))}`, o), urgent: true });
  if (!blocks.length && !subjects.length) blocks.push('_No change in access._\n');

  const footer = (left: number) =>
    left
      ? `\n_… and ${left} more. ${options.fullReport ? `The full report: ${options.fullReport}.` : 'Run `orgctl diff` for the full report.'}_\n`
      : '';
  // Whole, people and tokens keep their order (by email, by id).
  let body = `${head.join('\n')}\n${[...blocks, ...subjects.map((b) => b.text)].join('\n')}`;
  if (sizeOf(body) <= max) return body;
  // Too long for one comment: keep whole blocks while they fit, privileged ones first, then say how many are left.
  const ranked = [
    ...blocks,
    ...subjects.filter((b) => b.urgent).map((b) => b.text),
    ...subjects.filter((b) => !b.urgent && b.gains).map((b) => b.text),
    ...subjects.filter((b) => !b.urgent && !b.gains).map((b) => b.text),
  ];
  const kept: string[] = [];
  let size = sizeOf(head.join('\n')) + 200;
  for (const b of ranked) {
    if (size + sizeOf(b) + 1 > max) break;
    kept.push(b);
    size += sizeOf(b) + 1;
  }
  body = `${head.join('\n')}\n${kept.join('\n')}${footer(ranked.length - kept.length)}`;
  return sizeOf(body) <= max ? body : `${clipBytes(body, max - 100)}\n\n_… cut at GitHub's comment limit._\n`;
}
