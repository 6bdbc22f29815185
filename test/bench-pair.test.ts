/** test/bench/pair.ts: two revisions timed at once, its command line and what its pairs say. */
import { describe, expect, it } from 'vitest';
import { pairOptions, pairSummary } from './bench/pair.ts';

describe('pair options', () => {
  it('reads two revisions, the pairs, --keep and the orgctl command after --', () => {
    expect(pairOptions(['HEAD~1', 'HEAD', '--', 'synth', '--out', '/tmp/{side}'])).toEqual({
      pairs: 10,
      keep: false,
      revisions: ['HEAD~1', 'HEAD'],
      args: ['synth', '--out', '/tmp/{side}'],
    });
    expect(pairOptions(['--pairs', '4', '--keep', 'a', 'b', '--', 'levels'])).toMatchObject({
      pairs: 4,
      keep: true,
      revisions: ['a', 'b'],
    });
  });

  it('says what is missing or wrong', () => {
    expect(pairOptions(['a', 'b', 'levels'])).toBe('give the orgctl command after --');
    expect(pairOptions(['a', 'b', '--'])).toBe('give the orgctl command after --');
    expect(pairOptions(['a', '--', 'levels'])).toBe('give two revisions (got 1)');
    expect(pairOptions(['a', 'b', 'c', '--', 'levels'])).toBe('give two revisions (got 3)');
    expect(pairOptions(['--pairs', '0', 'a', 'b', '--', 'levels'])).toBe('--pairs 0: give a whole number, at least 1');
    expect(pairOptions(['--pairs', 'x', 'a', 'b', '--', 'levels'])).toBe('--pairs x: give a whole number, at least 1');
  });
});

describe('pair summary', () => {
  it('is the median of the ratios of each pair, not the ratio of the medians', () => {
    // A slow minute slows both halves of its pair: the third pair's B met one, its A did not.
    const s = pairSummary([
      [100, 110],
      [300, 290],
      [200, 300],
    ]);
    expect(s.ratio).toBeCloseTo(1.1, 10);
    expect(s.b / s.a).toBeCloseTo(1.45, 10);
    expect(s.low).toBeCloseTo(290 / 300, 10);
    expect(s.high).toBeCloseTo(1.5, 10);
    expect(s.bFaster).toBe(1);
  });

  it('counts the pairs B won, and the spread of the ratios', () => {
    const s = pairSummary([
      [100, 90],
      [100, 105],
      [100, 95],
    ]);
    expect(s.ratio).toBeCloseTo(0.95, 10);
    expect(s.low).toBeCloseTo(0.9, 10);
    expect(s.high).toBeCloseTo(1.05, 10);
    expect(s.bFaster).toBe(2);
  });
});
