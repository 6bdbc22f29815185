/** Reading orgctl's output folder: every file whole, one after another through one buffer. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readOutputFolder } from '../cli/output-read.ts';
import { tempDir } from './helpers.ts';

describe('readOutputFolder', () => {
  it('reads each file whole and as it is, small or larger than the buffer it began with, in any order', () => {
    const dir = tempDir();
    const texts: Record<string, string> = {
      'a/empty.yaml': '',
      'b/small.yaml': 'kind: Role\n',
      'c/three-mib.yaml': `# ${'x'.repeat(3 << 20)}\n`,
      'd/after-the-large-one.yaml': 'short: é\n', // shorter than what the buffer held before
      'e/one-mib-exactly.yaml': 'y'.repeat(1 << 20),
    };
    for (const [path, text] of Object.entries(texts)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const paths = Object.keys(texts);
    for (const order of [paths, [...paths].reverse()]) {
      const read = readOutputFolder(dir, order);
      expect(read.map((f) => f.path)).toEqual(order);
      for (const f of read) expect(f.content).toBe(texts[f.path]);
    }
  });

  it('refuses a file that is not UTF-8, naming it', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.yaml'), Buffer.from([0x61, 0xff, 0x0a]));
    expect(() => readOutputFolder(dir, ['bad.yaml'])).toThrow(/bad\.yaml: not valid UTF-8/);
  });
});
