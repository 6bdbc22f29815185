/**
 * members.json's text, and a users list's line of dated access, are walked for hidden text and deep
 * nesting only when their text may hold either (analysis/membership.ts, hiddenTextMayBeIn): what the
 * walk refuses is refused still, wherever it is and however it is written, and what it accepts is
 * accepted.
 */
import { describe, expect, it } from 'vitest';
import { datedAccessOfLine, membershipDataOf } from '../analysis/membership.ts';

/** A members.json as orgctl writes it (indented), with `user` as its one user and `token` its one token. */
const members = (
  user: Record<string, unknown>,
  token: Record<string, unknown> = { id: 'ci' },
  indent: number | string = 2,
) =>
  JSON.stringify(
    {
      organization: { name: 'acme', owner: 'a@acme.io', namespaces: ['web'] },
      users: [{ email: 'a@acme.io', username: 'a@acme.io', status: 'active', ...user }],
      invites: [],
      tokens: [token],
    },
    null,
    indent,
  );

const nested = (depth: number): unknown => (depth === 0 ? 'x' : { n: nested(depth - 1) });

describe('members.json with text orgctl never writes is not used', () => {
  it('accepts what orgctl writes, indented with spaces or tabs, a note with a line break, nesting within the bound', () => {
    expect(membershipDataOf(members({}))).toBeDefined();
    expect(membershipDataOf(members({}, { id: 'ci' }, '\t'))).toBeDefined();
    expect(membershipDataOf(members({}, { id: 'ci', note: 'two\nlines' }))).toBeDefined();
    expect(membershipDataOf(members({ deep: nested(15) }))).toBeDefined();
    expect(membershipDataOf(members({ email: 'zoë@acme.io', name: '\u{1F600} \u00e9' }))).toBeDefined();
  });

  it('refuses a hidden character raw or escaped, in a value or a key, and nesting past the bound', () => {
    for (const hidden of ['\u200b', '\u202e', '\u007f', '\u0085', '\u2028', '\u0000', '\n', '\t'])
      for (const text of [
        members({ email: `a${hidden}@acme.io` }),
        members({ [`e${hidden}`]: 'x' }),
        members({}, { id: `c${hidden}i` }),
      ]) {
        expect(membershipDataOf(text), JSON.stringify(text)).toBeUndefined();
        // Written raw where JSON allows it (not a control character below U+0020, which JSON.parse refuses).
        const raw = text.replace(JSON.stringify(hidden).slice(1, -1), hidden);
        if (hidden >= ' ') expect(membershipDataOf(raw), JSON.stringify(raw)).toBeUndefined();
      }
    expect(membershipDataOf(members({ deep: nested(17) }))).toBeUndefined();
    expect(membershipDataOf(members({ deep: [[[[[[[[[[[[[[[[[['x']]]]]]]]]]]]]]]]]] }))).toBeUndefined();
    expect(membershipDataOf(members({}).replace('"web"', `${'['.repeat(20)}"web"${']'.repeat(20)}`))).toBeUndefined();
  });

  it('brackets within a string are text, not nesting', () => {
    expect(membershipDataOf(members({ name: '['.repeat(40) }))).toBeDefined();
  });
});

describe('a users line of dated access with text orgctl never writes is not read', () => {
  const line = (until: string, extra = '') =>
    `{"email":"u@acme.io","username":"u@acme.io","github":"u","admin":false,"billing":false,"status":"active","expiring":[{"namespace":"ns-1","role":"acme:r:full","until":"${until}"${extra}}]}`;

  it('reads a line as orgctl writes it, and refuses one with a hidden character raw or escaped', () => {
    expect(datedAccessOfLine(line('2099-12-31'))?.expiring).toEqual([
      { namespace: 'ns-1', role: 'acme:r:full', until: '2099-12-31' },
    ]);
    for (const hidden of [String.raw`\u200b`, String.raw`\u0085`, String.raw`\u2028`, String.raw`\u0000`])
      for (const written of [hidden, JSON.parse(`"${hidden}"`) as string]) {
        if (written < ' ') continue; // raw below U+0020: JSON.parse refuses it
        expect(datedAccessOfLine(line(`2099-12-31${written}`)), JSON.stringify(written)).toBeUndefined();
        expect(datedAccessOfLine(line('2099-12-31').replace('"u@acme.io"', `"u${written}@acme.io"`))).toBeUndefined();
      }
  });
});
