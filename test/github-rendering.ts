import { renderMarkdown } from '../report/markdown.ts';
import { baseSpec, diffOf } from './review/scenarios.ts';

/**
 * A model of how GitHub renders the markdown orgctl writes (the review comment, the check-run
 * summary), for the tests that ask what a reader sees and what GitHub's post-processing (mentions,
 * references, links, emoji) finds in it.
 */

/**
 * Markdown read by a model of GitHub's rendering, one pass left to right: a backslash escape is its
 * character, an entity the character it names, a code span `code` (its text), an HTML comment
 * `comment` (it shows nothing, and ends a text node; any `<!--` to the next `-->`, whatever it hides).
 */
function rendered(md: string, code: (text: string) => string, comment: string): string {
  return md.replace(
    /\\([!-/:-@[-`{-~])|(`+)([\s\S]*?)(?<!`)\2(?!`)|<!--(?:-?>|[\s\S]*?-->)|&#(\d+);|&#x([0-9a-f]+);|&(amp|lt|gt|quot);/gi,
    (_all, escaped, _fence, inCode, dec, hex, named) =>
      escaped !== undefined
        ? escaped
        : inCode !== undefined
          ? code(inCode.replace(/^ (.*) $/s, '$1'))
          : dec !== undefined
            ? String.fromCodePoint(Number(dec))
            : hex !== undefined
              ? String.fromCodePoint(parseInt(hex, 16))
              : named !== undefined
                ? ({ amp: '&', lt: '<', gt: '>', quot: '"' } as Record<string, string>)[named.toLowerCase()]!
                : comment,
  );
}

/**
 * The text GitHub's post-processing sees (mentions, references, email and commit links): the rendered
 * HTML's text nodes outside code, entities decoded. A break (a line end) stands for code and comments:
 * no pattern runs across one.
 */
export const textGitHubSees = (md: string) => rendered(md, () => '\n', '\n');
/** The text a reader sees and copies: code spans as their text, comments as nothing. */
export const textShown = (md: string) => rendered(md, (text) => text, '');

/** `count` texts of 1 to `maxLength` characters of `alphabet`, the same ones for the same seed (a linear congruential generator). */
export function seededTexts(alphabet: readonly string[], seed: number, count: number, maxLength: number): string[] {
  const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
  return Array.from({ length: count }, () =>
    Array.from({ length: 1 + (next() % maxLength) }, () => alphabet[next() % alphabet.length]).join(''),
  );
}

/**
 * The comment (or check-run summary) of a change where erin gains `r:pods` and a long line `gains
 * ${text}` of hers, cut at `cuts` sizes from 3,000 bytes up, a byte apart: each holds the line clipped.
 */
export function longLineCuts(text: string, cuts: number): string[] {
  const d = diffOf(baseSpec(), (s) => {
    s.spec.grants.push({ user: 'erin@acme.io', namespace: 'data', levels: ['r:pods'] });
  });
  const erin = d.people.find((p) => p.id === 'erin@acme.io')!;
  (erin.changes as unknown as { text: string }[]).push({ text: `gains ${text}` });
  return Array.from({ length: cuts }, (_, cut) =>
    renderMarkdown(d, { ok: true, results: [] }, { maxBytes: 3_000 + cut, fullReport: 'x' }),
  );
}
