/**
 * namedByOneOnly (analysis/snapshot.ts): the subjects one copy of an edited binding names and the
 * other does not, found from the lists' common ends, must be what Sets of the two lists find, for
 * any two lists (repeats, reorders, a subject in the middle of one and at an end of the other).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SubjectObject } from '../../analysis/objects.ts';
import { namedByOneOnly } from '../../analysis/snapshot.ts';

/** The Sets' answer (affectedSubjects' for any number of copies), for two. */
const bySets = (a: readonly SubjectObject[], b: readonly SubjectObject[]) => {
  const [inA, inB] = [new Set(a), new Set(b)];
  return [a.filter((x) => !inB.has(x)), b.filter((x) => !inA.has(x))];
};

// Subjects as objects: one object per person, as the reader shares them; two of one name apart.
const people: SubjectObject[] = Array.from({ length: 12 }, (_, k) => ({
  kind: 'User',
  name: `p${k % 10}@acme.io`,
  namespace: '',
}));
const list = fc.array(fc.constantFrom(...people), { maxLength: 40 });

describe('namedByOneOnly', () => {
  it('finds what Sets of the two lists find, or leaves it to them', () => {
    fc.assert(
      fc.property(list, list, (a, b) => {
        const got = namedByOneOnly(a, b);
        if (got) expect(got).toEqual(bySets(a, b));
      }),
      { numRuns: 2000 },
    );
  });

  it('answers an edit of a list: one added or removed; one moved, when it answers', () => {
    fc.assert(
      fc.property(list, fc.nat(), fc.nat(), fc.constantFrom(...people), (a, at, to, x) => {
        const added = [...a.slice(0, at % (a.length + 1)), x, ...a.slice(at % (a.length + 1))];
        const removed = a.filter((_, k) => k !== at % Math.max(a.length, 1));
        const moved = [...removed.slice(0, to % (removed.length + 1)), a[at % Math.max(a.length, 1)] ?? x];
        moved.push(...removed.slice(to % (removed.length + 1)));
        // One added or removed: compared in place; one moved far: perhaps left to the Sets.
        for (const b of [added, removed]) expect(namedByOneOnly(a, b)).toEqual(bySets(a, b));
        const got = namedByOneOnly(a, moved);
        if (got) expect(got).toEqual(bySets(a, moved));
      }),
      { numRuns: 1000 },
    );
  });

  it('a subject left in the middle of one list and kept at an end of the other is named by both', () => {
    const [x, y, z] = people;
    expect(namedByOneOnly([x!, y!, x!, z!], [x!, z!])).toEqual([[y!], []]);
    expect(namedByOneOnly([x!, y!, z!], [x!, z!, y!, z!])).toEqual([[], []]);
  });
});
