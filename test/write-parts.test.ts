// writeParts (cli/output.ts): the size of its write buffer, refused below the least it can fill.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIN_WRITE_BUFFER_BYTES, writeParts } from '../cli/output.ts';
import { tempDir } from './helpers.ts';

/** Parts of astral characters (a pair of units each), 2- and 3-byte ones, and a part longer than any small buffer. */
const PARTS = ['a', '\ud83d\ude00', `é${'\ud83d\ude00'.repeat(5)}€x`, '€'.repeat(7), '', 'tail\n'];

describe('writeParts: the write buffer', () => {
  it('a buffer under the least is refused before a file is made, naming its size and the least', () => {
    for (let size = 0; size < MIN_WRITE_BUFFER_BYTES; size++) {
      const target = join(tempDir(), 'f.yaml');
      // A buffer this small once made writeParts loop for ever: it must throw, not hang.
      expect(() => writeParts(target, PARTS, Buffer.alloc(size))).toThrow(
        `a write buffer of ${size} bytes is too small; it takes at least ${MIN_WRITE_BUFFER_BYTES}`,
      );
      expect(existsSync(target)).toBe(false);
    }
  });

  it('from the least up, every part is written as its bytes, pairs whole, and their count returned', () => {
    for (let size = MIN_WRITE_BUFFER_BYTES; size < MIN_WRITE_BUFFER_BYTES + 8; size++) {
      const target = join(tempDir(), 'f.yaml');
      // The count is what the shard limits measure (synthesize's bytes of each file).
      expect(writeParts(target, PARTS, Buffer.alloc(size))).toBe(Buffer.byteLength(PARTS.join(''), 'utf8'));
      expect(readFileSync(target).equals(Buffer.from(PARTS.join(''), 'utf8'))).toBe(true);
    }
  });
});
