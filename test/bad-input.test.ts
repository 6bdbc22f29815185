/**
 * The bad-input corpus: every malformed spec gives a clear message naming the spec path,
 * exits 1 or 2, never prints a stack trace, and leaves the output folder as it was.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listFiles } from '../cli/output.ts';
import { ROOT, cli, run, tempDir } from './helpers.ts';

const DIR = join(ROOT, 'test/fixtures/bad-input');
const index = JSON.parse(readFileSync(join(DIR, 'expectations.json'), 'utf8')) as Record<string, [number, string]>;

const CASES = readdirSync(DIR)
  .filter((f) => /\.(ya?ml|json)$/.test(f) && f !== 'expectations.json')
  .sort()
  .map((file) => {
    const header = readFileSync(join(DIR, file), 'utf8').match(/^# expect: (\d) (.*)$/m);
    const [code, message] = header ? [Number(header[1]), header[2]!] : (index[file] ?? [NaN, '']);
    return { file, code, message };
  });

describe('bad-input corpus', () => {
  it('holds at least 30 cases, each with an expectation', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
    for (const c of CASES) expect([1, 2], c.file).toContain(c.code);
  });

  it('docs/guarantees.md counts them as they are', () => {
    const said = readFileSync(join(ROOT, 'docs/guarantees.md'), 'utf8').match(/(\d+) malformed specs pin/)?.[1];
    expect(Number(said)).toBe(CASES.length);
  });

  it.each(CASES.map((c) => [c.file, c] as const))('%s', async (_file, c) => {
    const out = tempDir();
    writeFileSync(join(out, 'sentinel.yaml'), 'previous output\n');
    const r = await run(['synth', '--spec', join(DIR, c.file), '--out', out]);
    expect(r.stderr).toContain(c.message);
    expect(r.code).toBe(c.code);
    expect(r.stderr).not.toMatch(/^\s+at .*:\d+:\d+\)?$/m);
    expect(listFiles(out)).toEqual(['sentinel.yaml']);
    expect(readFileSync(join(out, 'sentinel.yaml'), 'utf8')).toBe('previous output\n');
  });

  it('the real command prints no stack trace either (a few cases)', () => {
    for (const file of ['yaml-syntax-error.yaml', 'grant-without-access.yaml', 'forbidden-w-pods.yaml']) {
      const r = cli(['check', '--spec', join(DIR, file)]);
      expect(r.code, file).toBeGreaterThan(0);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
