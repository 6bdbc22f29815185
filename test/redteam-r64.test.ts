/**
 * Red team R64 (GitHub workflows, the review comment, the HTML pages, kubeconfigs): what the
 * other files of R64 do not hold (R64-1 is in kubeconfig-kubectl, R64-2 in report-injection).
 *
 * R64-3: a namespace annotation's value is text a reviewer reads in the comment ("web: annotation
 * example.com/owner=… added", a guard rail read by tools orgctl does not judge), yet invalid-text
 * never read it; guard rails' own check refuses controls and some formatting characters, not what
 * else draws as nothing: a Hangul filler (U+3164), the combining grapheme joiner (U+034F), a
 * variation selector, the braille blank (U+2800), a soft hyphen (U+00AD) (a tag character it
 * refuses, as any character beyond U+FFFF). The comment shows the Cf ones as code points, the rest
 * as written: `false` approved, `false` + U+034F applied, which the tool reading it does not take
 * for `false`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, tempDir } from './helpers.ts';
import { baseSpec } from './review/scenarios.ts';

describe('R64-3: a namespace annotation holding a character that draws as nothing', () => {
  it.each([
    ['a Hangul filler', 'team\u3164a', 'U+3164'],
    ['the combining grapheme joiner', 'false\u034f', 'U+034F'],
    ['a variation selector', 'fal\ufe0fse', 'U+FE0F'],
    ['the braille blank', 'on\u2800', 'U+2800'],
    ['a soft hyphen', 'ex\u00adempt', 'U+00AD'],
  ])('%s is refused at the declaration (invalid-text), as in every other text a reviewer reads', async (_, value, code) => {
    const spec = baseSpec();
    spec.spec.namespaces[0] = { name: 'web', annotations: { 'acme.io/exempt': value } };
    const file = join(tempDir(), 'org.json');
    writeFileSync(file, JSON.stringify(spec));
    const r = await run(['check', '--spec', file]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`error invalid-text .*holds ${code.replace('+', '\\+')} at position \\d+`));
  });

  it('a value of several lines, and an emoji, are still text', async () => {
    const spec = baseSpec();
    spec.spec.namespaces[0] = { name: 'web', annotations: { 'acme.io/note': 'first line\nsecond\tline ✅' } };
    const file = join(tempDir(), 'org.json');
    writeFileSync(file, JSON.stringify(spec));
    const r = await run(['check', '--spec', file]);
    // Checked whole: a declaration refused for anything else would say no invalid-text either.
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/invalid-text/);
  });
});
