/** test/bench/measure.ts: what the bench's scripts count as a run, and their median. */
import { describe, expect, it } from 'vitest';
import { answered, machineLine, median } from './bench/measure.ts';

describe('bench runs', () => {
  it('counts exit 0, and exit 1 only where it is an answer (can-i says no, review refuses)', () => {
    expect(answered(['bin/orgctl.mjs', 'synth', '--spec', 's.json'], 0)).toBe(true);
    expect(answered(['bin/orgctl.mjs', 'can-i', 'get', 'pods'], 1)).toBe(true);
    expect(answered(['bin/orgctl.mjs', 'review', '--base', 'a'], 1)).toBe(true);
    // A synth its policies refuse wrote nothing: its time is not synth's.
    expect(answered(['bin/orgctl.mjs', 'synth', '--spec', 's.json'], 1)).toBe(false);
    expect(answered(['bin/orgctl.mjs', 'can-i', 'get', 'pods'], 2)).toBe(false);
    expect(answered(['bin/orgctl.mjs', 'levels'], null)).toBe(false);
  });

  it('takes the middle value, the upper one of an even count, without reordering its input', () => {
    const xs = [5, 1, 3];
    expect(median(xs)).toBe(3);
    expect(xs).toEqual([5, 1, 3]);
    expect(median([4, 1, 3, 2])).toBe(3);
  });

  it('says what the machine charges every command, and the variable it leaves out only when this machine sets it', () => {
    const line = machineLine({ startMs: 51.6, faultUs: 10.04 });
    expect(line).toBe(
      'Machine, measured in this run: starting Node (`node -e 0`) 52 ms; memory touched for the first time 10.0 µs per 4 KiB page (a command whose peak is 250 MB pays 0.64 s for it).',
    );
    const withCa = machineLine({ startMs: 51.6, startWithCaMs: 90.2, faultUs: 1.4 });
    expect(withCa).toContain('1.4 µs per 4 KiB page (a command whose peak is 250 MB pays 0.09 s for it)');
    expect(withCa).toMatch(
      /NODE_EXTRA_CA_CERTS .* left out of the commands' environment: .*`node -e 0` 90 ms with it\)\.$/,
    );
  });
});
