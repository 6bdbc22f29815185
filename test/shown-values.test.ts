/**
 * A value a message shows is clipped (to 80 characters; a spec line to 60), at a place that cuts
 * no character and no escape: a cut inside a surrogate pair left half an emoji (a lone surrogate:
 * U+FFFD to a reader, refused by a strict JSON consumer), and one inside a JSON escape (`\u00`, a
 * lone `\`) a quoted text no JSON reader reads. Each message that clips a value, through its
 * public function.
 */
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { Organization } from '../constructs/organization.ts';
import { parseSpecText } from '../constructs/spec.ts';
import { describeValue } from '../model/data.ts';
import { LONE_SURROGATE, readCanonicalYaml } from '../synth/yaml.ts';

/**
 * Texts whose astral character or escaped control character (as JSON writes it) straddles where a
 * message of at most `width` characters cuts, `before` characters of it coming before the text.
 */
const long = (before: number, width = 80) =>
  ['🎉', '\u0001', '\\', '"'].flatMap((piece) =>
    Array.from({ length: 8 }, (_, i) => `${'a'.repeat(width - 10 + i - before)}${piece}${'b'.repeat(40)}`),
  );

/** Expects `shown` to be a start of `text` and `...`, within `width`, none of its characters cut. */
function clippedWhole(shown: string, text: string, width = 80): void {
  expect(LONE_SURROGATE.test(shown), shown).toBe(false);
  expect(shown.endsWith('...'), shown).toBe(true);
  expect(text.startsWith(shown.slice(0, -3)), shown).toBe(true);
  expect(shown.length, shown).toBeLessThanOrEqual(width);
  expect(shown.length, shown).toBeGreaterThanOrEqual(width - 6);
}

/** Expects `shown` (a JSON text, or a YAML line holding its escapes) to end in no part of an escape. */
const noEscapeCut = (shown: string) => expect(shown, shown).not.toMatch(/(^|[^\\])(\\\\)*\\(u[0-9a-f]{0,3})?\.\.\.$/);

describe('a long value shown in a message is clipped between characters and escapes', () => {
  it('describeValue: a JSON string, closed', () => {
    for (const text of long(1)) {
      const shown = describeValue(text);
      expect(shown.endsWith('..."'), shown).toBe(true);
      expect(shown.length, shown).toBeLessThanOrEqual(80);
      clippedWhole(JSON.parse(shown) as string, text, 78);
    }
  });

  it("a construct prop's error: its JSON, open", () => {
    for (const text of long(1)) {
      let message = '';
      try {
        new Organization(new Construct(undefined as never, ''), 'acme', {
          owner: 'a@b.io',
          ssoEnforced: text as never,
        });
      } catch (e) {
        message = (e as Error).message;
      }
      const shown = message.slice('acme (ssoEnforced): '.length, message.indexOf(' is not true or false'));
      expect(shown.startsWith('"'), message).toBe(true);
      clippedWhole(shown, JSON.stringify(text));
      noEscapeCut(shown);
    }
  });

  it('a YAML line that leaves the canonical subset: the line, quoted', () => {
    const start = 'key: &anchor "';
    for (const text of long(start.length)) {
      const line = `${start}${JSON.stringify(text).slice(1)}`;
      const read = readCanonicalYaml(`${line}\n`);
      const found = 'error' in read ? read.error.found : '';
      expect(found.startsWith('an anchor (&) in "'), found).toBe(true);
      const shown = JSON.parse(found.slice('an anchor (&) in '.length)) as string;
      clippedWhole(shown, line);
      noEscapeCut(shown);
    }
  });

  it("a spec's YAML mistake: the line, trimmed", () => {
    const start = '- "';
    for (const text of long(start.length, 60)) {
      const line = `${start}${JSON.stringify(text).slice(1)}`;
      let message = '';
      try {
        parseSpecText(`apiVersion: orgctl/v1\nspec:\n  owner: alice@acme.io\n  ${line}\n`, 'org.yaml');
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toMatch(/is a list item among the keys of a mapping/);
      const shown = message.slice(message.indexOf('"') + 1, message.indexOf('" is a list item'));
      clippedWhole(shown, line, 60);
      noEscapeCut(shown);
    }
  });
});
