/** isCalendarDate: each answer a fresh check's, whatever was asked before it (a cache of the last day once broke that). */
import { describe, expect, it, vi } from 'vitest';
import { isCalendarDate } from '../model/model.ts';

describe('isCalendarDate', () => {
  it('answers each text as a fresh check does, whatever was asked before it', () => {
    const asked: [unknown, boolean][] = [
      ['2030-02-28', true],
      ['2030-02-28', true],
      ['2030-02-30', false],
      ['2030-02-28 ', false],
      ['2030-2-28', false],
      ['2032-02-29', true],
      ['2031-02-29', false],
      [new String('2032-02-29'), false],
      [['2032-02-29'], false],
      [undefined, false],
      ['2032-02-29', true],
      ['', false],
    ];
    for (const [value, is] of asked) expect(isCalendarDate(value), JSON.stringify(value)).toBe(is);
  });

  it('answers undefined no before it has found any day (nothing remembered yet)', async () => {
    // A fresh module, as a process starts: a declaration's until(undefined) is its first date.
    vi.resetModules();
    const fresh = await import('../model/model.ts');
    expect(fresh.isCalendarDate(undefined)).toBe(false);
    expect(fresh.isCalendarDate('2030-02-28')).toBe(true);
  });
});
