/** object-size measures each object as the API server receives it: JSON's bytes, counted without writing the text. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byteLength, jsonByteLength } from '../../policies/org/kubernetes-names.ts';

describe('jsonByteLength', () => {
  it('is the byte length of JSON.stringify for any JSON value (escapes, non-ASCII, nesting)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(jsonByteLength(v)).toBe(byteLength(JSON.stringify(v)));
      }),
      { numRuns: 2000 },
    );
  });

  it('skips what JSON skips and writes null for what it cannot write', () => {
    const odd = { a: undefined, b: [undefined, () => 1, Number.NaN, Infinity], c: 'é"\\\n', d: { toJSON: () => 'x' } };
    expect(jsonByteLength(odd)).toBe(byteLength(JSON.stringify(odd)));
  });
});
