/**
 * invalid-text asks nothing of a plain address or login (PLAIN_ADDRESS, PLAIN_LOGIN): what those
 * accept, the full judgement must find nothing in, and what it refuses must not be plain.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../constructs/generate.ts';
import { addressProblem, loginProblem, PLAIN_ADDRESS, PLAIN_LOGIN } from '../../policies/org/invalid-text.ts';

/** Pieces of plain forms, and near their edges: capitals, I and l, dots, hyphens, IDNA, what is not ASCII. */
const PIECES = ['a', 'b', 'l', 'z', '0', '7', '-', '_', '+', 'io', '123'];
const EDGES = ['.', '..', '@', '--', 'I', 'L', 'xn--', 'XN--'];
const ODD = ['ı', '\u200b', '"', 'é', 'e\u0301', ' ', '[', ']', '(', '\u3164', 'ａ', 'о', '\n', '\ud800'];

function texts(seed: number, count: number): string[] {
  const next = seededRandom(seed); // mulberry32: the same texts on every run
  const pick = (list: readonly string[]) => list[Math.floor(next() * list.length)]!;
  const part = (n: number) =>
    Array.from({ length: 1 + Math.floor(next() * n) }, () => pick(next() < 0.85 ? PIECES : EDGES)).join('');
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    // Mostly address-shaped (a name, @, labels), a piece now and then from outside ASCII.
    let text =
      next() < 0.5 ? `${part(4)}@${part(3)}.${part(2)}` : `${part(2)}.${part(3)}@${part(2)}.${part(2)}.${part(1)}`;
    if (next() < 0.1) {
      const at = Math.floor(next() * (text.length + 1));
      text = text.slice(0, at) + pick(ODD) + text.slice(at);
    }
    out.push(next() < 0.5 ? text.toLowerCase() : text);
  }
  return out;
}

describe('invalid-text: plain addresses and logins', () => {
  it('finds nothing in an address PLAIN_ADDRESS accepts, and accepts many', () => {
    let plain = 0;
    for (const text of texts(7, 20_000)) {
      if (!PLAIN_ADDRESS.test(text)) continue;
      plain++;
      expect(
        addressProblem(text, () => text),
        text,
      ).toBeUndefined();
    }
    expect(plain).toBeGreaterThan(1_000);
  });

  it('finds nothing in a login PLAIN_LOGIN accepts, and accepts many', () => {
    let plain = 0;
    for (const text of texts(11, 20_000).map((t) => t.split(/[@.]/)[0]!)) {
      if (!PLAIN_LOGIN.test(text)) continue;
      plain++;
      expect(loginProblem(text), text).toBeUndefined();
    }
    expect(plain).toBeGreaterThan(500);
  });

  it('judges in full what it refuses: none of these is plain', () => {
    const refused = [
      'aIice@acme.io',
      'bob@acme.io.',
      'bob@acme..io',
      'bob..x@acme.io',
      '.bob@acme.io',
      'bob.@acme.io',
      '"bob"@acme.io',
      'bob(ops)@acme.io',
      'bob@10.0.0.1',
      'bob@acme.123',
      'bob@-acme.io',
      'bob@acme-.io',
      'bob@xn--.io',
      'bob\u200b@acme.io',
      'bob\u3164@acme.io',
      'bоb@acme.io',
      'bob@acme.io\n',
    ];
    for (const text of refused) {
      expect(PLAIN_ADDRESS.test(text), text).toBe(false);
      expect(
        addressProblem(text, () => text),
        text,
      ).toBeDefined();
    }
    for (const login of ['aIice', 'bob-', '-bob', 'bo--b', 'bob\u200b', 'ALlCE']) {
      expect(PLAIN_LOGIN.test(login), login).toBe(false);
      expect(loginProblem(login), login).toBeDefined();
    }
  });
});
