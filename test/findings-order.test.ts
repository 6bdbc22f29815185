/**
 * The order findings are shown in (model/findings.ts compareFindings), pinned: errors before
 * warnings, then by rule id, subject, source and message, then by where the spec path is (file,
 * line, column; a finding without a place first), each text by its UTF-16 code units (never by
 * locale), each number by its value. Total: any order of the same findings sorts to one order.
 */
import { describe, expect, it } from 'vitest';
import { compareFindings, type Finding } from '../model/findings.ts';

const base: Finding = {
  severity: 'error',
  rule: 'forbidden-grant',
  subject: 'users/Bob@acme.io → web',
  message: 'w:pods is reserved for admins',
  source: 'spec.grants[0]',
};

/** The findings in the order they must be shown, each differing from the next in one field. */
const SHOWN: readonly Finding[] = [
  base,
  { ...base, file: 'a.yaml', line: 9, column: 7 },
  { ...base, file: 'a.yaml', line: 10, column: 2 },
  { ...base, file: 'a.yaml', line: 10, column: 11 },
  { ...base, file: 'b.yaml', line: 1, column: 1 },
  { ...base, message: 'x' },
  { ...base, source: 'spec.grants[1]' },
  // By code units: Z (U+005A) before z, p before é (U+00E9); a locale's order would put both the other way.
  { ...base, subject: 'users/Zed@acme.io → web' },
  { ...base, subject: 'users/zed@acme.io → web' },
  { ...base, subject: 'users/zp@acme.io → web' },
  { ...base, subject: 'users/zé@acme.io → web' },
  { ...base, rule: 'unknown-namespace' },
  { ...base, severity: 'warning', rule: 'forbidden-grant' },
  { ...base, severity: 'warning', rule: 'unknown-namespace' },
];

/** Every order of `items` by rotations and their reversals: enough to catch an order that depends on the input. */
const orders = <T>(items: readonly T[]): T[][] =>
  items.flatMap((_, i) => {
    const rotated = [...items.slice(i), ...items.slice(0, i)];
    return [rotated, [...rotated].reverse()];
  });

describe('compareFindings', () => {
  it('sorts findings given in any order to the order stated', () => {
    for (const given of orders(SHOWN)) expect([...given].sort(compareFindings)).toEqual(SHOWN);
  });

  it('is a total order: antisymmetric, and 0 only for findings alike in every field', () => {
    for (const [i, a] of SHOWN.entries())
      for (const [j, b] of SHOWN.entries()) {
        expect(Math.sign(compareFindings(a, b)), `${i} ${j}`).toBe(Math.sign(i - j));
        expect(compareFindings(a, { ...a })).toBe(0);
      }
  });
});
