/**
 * nearPairs asks each address of `existing` whether its name may be one edit from a given one
 * (mayBeNear: two small hashes of its halves) before hashing it whole: what it lets pass must
 * include every name one slip away, at every position and of every kind.
 */
import { describe, expect, it } from 'vitest';
import { nearPairs } from '../../policies/org/near-duplicates.ts';
import { editDistance } from '../../model/text.ts';
import { seededRandom } from '../../constructs/generate.ts';

/** Every name one slip from `name` over `letters`: a letter changed, dropped, added, or two swapped. */
function slips(name: string, letters: readonly string[]): string[] {
  const out = new Set<string>();
  const chars = [...name];
  for (let i = 0; i <= chars.length; i++) {
    for (const l of letters) out.add([...chars.slice(0, i), l, ...chars.slice(i)].join(''));
    if (i === chars.length) continue;
    out.add([...chars.slice(0, i), ...chars.slice(i + 1)].join(''));
    for (const l of letters) out.add([...chars.slice(0, i), l, ...chars.slice(i + 1)].join(''));
    if (i + 1 < chars.length) out.add([...chars.slice(0, i), chars[i + 1], chars[i], ...chars.slice(i + 2)].join(''));
  }
  out.delete(name);
  return [...out];
}

const UNRELATED = Array.from({ length: 40 }, (_, i) => `${'qxz'.repeat(1 + (i % 4))}${'w'.repeat(i)}@acme.io`);

describe('nearPairs: the halves asked first pass every name one slip away', () => {
  it('each slip of names 3-14 letters long, at every position, finds the name it slipped from', () => {
    const names = 'bob pete alice marina jonathan elisabetta maximiliana 山田太郎さん abcdefghijklmn'.split(' ');
    const letters = ['a', 'z', 'é', '山', '.', '-'];
    let asked = 0;
    for (const name of names) {
      const meant = `${name}@acme.io`;
      for (const slip of slips(name, letters)) {
        const given = `${slip}@acme.io`;
        const existing = [...UNRELATED.slice(0, 20), meant, ...UNRELATED.slice(20)];
        const pairs = nearPairs(existing, [given]);
        expect(pairs, `${given} for ${meant}`).toEqual([{ given, meant, part: 'name' }]);
        asked++;
      }
    }
    expect(asked).toBeGreaterThan(900);
  });

  it('random names of three letters find the pairs a comparison of every two finds', () => {
    const next = seededRandom(16);
    const name = () => Array.from({ length: 2 + Math.floor(next() * 6) }, () => 'abc'[Math.floor(next() * 3)]).join('');
    for (let round = 0; round < 30; round++) {
      const existing = [...new Set(Array.from({ length: 200 }, () => `${name()}@acme.io`))];
      // Fewer than CROWD given names: no key is left out as a crowd, so every pair one slip apart is kept.
      const given = [...new Set(Array.from({ length: 12 }, () => `${name()}@acme.io`))];
      const expected: string[] = [];
      for (const g of given) {
        const gName = g.slice(0, g.indexOf('@'));
        const meant = existing.find((e) => {
          const eName = e.slice(0, e.indexOf('@'));
          return e !== g && eName.length >= 3 && editDistance(gName, eName, 1) <= 1;
        });
        if (meant) expected.push(`${g} ${meant}`);
      }
      const found = nearPairs(existing, given)
        .filter((p) => p.part === 'name')
        .map((p) => `${p.given} ${p.meant}`);
      expect(found).toEqual(expected);
    }
  });
});
