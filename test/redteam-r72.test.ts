/**
 * Red team R72 (the GitHub side: the pull request as an attack on the workflows, the review job, the
 * GitHub adapter's reading of reviews and commits, and the comment and check-run text).
 *
 * R72-1 (low): declared text drew GitHub emoji in the comment and the check-run summary.
 *     escapeMarkdown escapes markdown's characters, breaks mentions and references, and shows URLs,
 *     commit-like runs and `$` as code, but leaves `:name:`. GitHub replaces every `:name:` of its
 *     emoji list in the rendered HTML's text nodes outside pre, code and tt, after markdown's escapes
 *     are gone (html-pipeline's EmojiFilter, gjtorikian/html-pipeline
 *     lib/html/pipeline/emoji_filter.rb: `emoji_pattern` is `/:(name|name|…):/`, no word boundary;
 *     DEFAULT_IGNORED_ANCESTOR_TAGS = pre, code, tt; `\_` in markdown is `_` in that text). So a
 *     token renamed `deploy :white_check_mark: :lock:` or a namespace annotation
 *     `:heavy_check_mark: approved by security` draws ✅, 🔒 and ✔️ beside orgctl's own marks, and an
 *     email `a:x:@acme.io` reads `a❌@acme.io`: not the text declared, and orgctl's marks are what a
 *     reviewer reads a rule's status by.
 */
import { describe, expect, it } from 'vitest';
import { escapeMarkdown, renderMarkdown } from '../report/markdown.ts';
import { GITHUB_EMOJI_NAMES } from '../report/emoji-names.ts';
import { seededTexts, textGitHubSees, textShown } from './github-rendering.ts';
import { baseSpec, diffOf } from './review/scenarios.ts';

/**
 * The first `:name:` GitHub draws as an emoji in the text its filter sees: any colon may open one
 * (every name-like run between two colons is looked up, overlapping), and only its names draw.
 */
function emojiIn(md: string): string | undefined {
  const seen = textGitHubSees(md);
  for (const m of seen.matchAll(/:(?=([a-z0-9_+-]+):)/gi))
    if (GITHUB_EMOJI_NAMES.has(m[1]!.toLowerCase())) return `:${m[1]}:`;
  return undefined;
}

describe('R72-1: no declared text becomes a GitHub emoji', () => {
  // A check mark, a cross inside a word, names with + and -, two touching, GitHub's own.
  const texts = [
    ':white_check_mark: approved by security',
    'a:x:b@acme.io',
    ':+1: :-1:',
    ':lock::key:',
    'ship it :shipit:',
  ];
  it.each(texts)('%s: drawn as written, never as an emoji', (text) => {
    for (const inTable of [false, true]) {
      const md = escapeMarkdown(text, inTable);
      expect(emojiIn(md), md).toBeUndefined();
      expect(textShown(inTable ? md.replace(/\\\|/g, '|') : md), md).toBe(text);
    }
  });

  it('nor any text of these characters, however they run (2,000 of them, seeded)', () => {
    // 15 characters: an alphabet of 2^n would meet the generator's short low-bit cycles (all colons).
    const alphabet = [':', ':', 'x', '_', '+', '-', '1', 'a', ' ', '\\', '`', '@', '$', '|', 'f'];
    for (const text of seededTexts(alphabet, 72, 2_000, 20)) {
      const md = escapeMarkdown(text);
      expect(emojiIn(md), `${JSON.stringify(text)} → ${md}`).toBeUndefined();
      expect(textShown(md), md).toBe(text);
    }
  });

  it('end to end: a token renamed and a namespace annotated with emoji names show them as written', () => {
    const name = 'deploy :white_check_mark: :lock:';
    const note = ':heavy_check_mark: approved by security';
    const d = diffOf(baseSpec(), (s) => {
      s.spec.tokens[0].name = name;
      s.spec.namespaces = [{ name: 'web', annotations: { 'example.com/note': note } }, { name: 'data' }];
    });
    const md = renderMarkdown(d, { ok: true, results: [{ rule: 'self-edit', ok: true, message: `owner ${note}` }] });
    expect(emojiIn(md), md).toBeUndefined();
    // A name GitHub has no emoji for is left as written: a Kubernetes identity reads as it is.
    expect(escapeMarkdown('system:serviceaccount:argocd:argocd-application-controller')).toBe(
      'system:serviceaccount:argocd:argocd-application-controller',
    );
    expect(textShown(md)).toContain(name);
    expect(textShown(md)).toContain(note);
  });
});
