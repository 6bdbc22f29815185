/** npm run bench's judgement (test/bench/targets.ts): issue 16's targets and how cost grows, from one run's figures. */
import { describe, expect, it } from 'vitest';
import {
  GROWTH,
  growth,
  growthLines,
  growthMeasured,
  judge,
  type Target,
  TARGETS,
  targetLines,
} from './bench/targets.ts';

const target = (metric: Target['metric'], op: Target['op'], limit: number): Target => ({
  source: 'the issue says',
  size: 'L',
  what: 'x',
  metric,
  op,
  limit,
  unit: 'ms',
});

describe('issue 16 targets', () => {
  it('a met target, a missed one and one whose size was not run', () => {
    const measured = { L: { 'synth.ms': 900, 'check.ms': 700 } };
    expect(judge(target('synth.ms', '<=', 1000), measured)).toMatchObject({ value: 900, met: true });
    expect(judge(target('check.ms', '<=', 500), measured)).toMatchObject({ value: 700, met: false });
    expect(judge({ ...target('synth.ms', '<=', 6000), size: 'XL' }, measured)).toMatchObject({
      value: undefined,
      met: undefined,
    });
  });

  it('a ratio from the same run, and not measured when either side is missing', () => {
    const measured = { L: { 'naive.ms': 48_000, 'synth.ms': 3_200, 'levels.ms': 160 } };
    expect(judge(target(['naive.ms', 'synth.ms'], '>=', 15), measured)).toMatchObject({ value: 15, met: true });
    expect(judge(target(['can-i.ms', 'levels.ms'], '<=', 1.5), measured).met).toBeUndefined();
  });

  it('prints each target with its status, value, limit and the issue’s words, and counts them', () => {
    const measured = { L: { 'check.ms': 400, 'synth.ms': 3200 } };
    const lines = targetLines([
      judge(target('check.ms', '<=', 500), measured),
      judge(target('synth.ms', '<=', 1000), measured),
      judge(target('diff.ms', '<=', 1000), measured),
    ]);
    expect(lines[2]).toBe('| ✅ | L | x | 400 ms | ≤ 500 ms | the issue says |');
    expect(lines[3]).toContain('| ❌ | L | x | 3.20 s | ≤ 1.00 s |');
    expect(lines[4]).toContain('| not measured | L | x | — |');
    expect(lines.at(-1)).toBe(
      '1 met, 1 missed, 1 not measured (their size, or for growth a second size, not run in this run).',
    );
  });

  it('holds every target of the issue once, each with its source text', () => {
    const keys = TARGETS.map((t) => `${t.size} ${t.what}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const t of TARGETS) expect(t.source.length, t.what).toBeGreaterThan(10);
    expect(TARGETS.filter((t) => t.size === 'L')).toHaveLength(8);
    expect(TARGETS.find((t) => t.metric === 'generate.shards')?.limit).toBe(128);
  });
});

describe('how cost grows', () => {
  const measured = {
    S: { 'output.objects': 600, 'output.bytes': 500_000, 'synth.ms': 500, 'synth.mb': 80, 'levels.ms': 160 },
    M: { 'output.objects': 5_000, 'output.bytes': 5_000_000, 'synth.ms': 1_200, 'synth.mb': 150, 'levels.ms': 160 },
    XL: { 'output.objects': 25_000, 'output.bytes': 25_000_000, 'synth.ms': 30_000, 'synth.mb': 1_400 },
  };

  it('compares each command with the previous size run, and flags one that grows faster than the output', () => {
    const rows = growth(measured, ['synth', 'levels', 'review']);
    expect(rows.map((g) => `${g.command} ${g.from}→${g.to} ${g.faster}`)).toEqual([
      'synth S→M false',
      'synth M→XL true',
      'levels S→M false',
    ]);
    const [sm, mxl] = rows;
    expect(sm!.wall).toBeCloseTo(2.4);
    expect(sm!.objects).toBeCloseTo(8.33);
    expect(sm!.bytes).toBe(10);
    expect(mxl!.wall).toBe(25);
    expect(growthLines(rows)[3]).toBe(
      '| synth | M → XL | 25.00× | 9.33× | 5.00× | 5.00× | ❌ grows faster than the output |',
    );
  });

  it('flags memory that grows faster than the output, too', () => {
    const rows = growth({ S: { ...measured.S, 'synth.mb': 10 }, M: measured.M }, ['synth']);
    expect(rows[0]!.faster).toBe(true);
  });

  it('counts the commands that grow faster for the growth target; not measured with one size', () => {
    const all = { ...measured, ...growthMeasured(growth(measured, ['synth', 'levels'])) };
    const t = TARGETS.find((x) => x.size === GROWTH)!;
    expect(judge(t, all)).toMatchObject({ value: 1, met: false });
    expect(judge(t, { ...growthMeasured(growth({ S: measured.S }, ['synth'])) }).met).toBeUndefined();
  });
});
