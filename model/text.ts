/** Text orgctl writes for other readers: the escape for a character it will not write raw, and large ASCII outputs built as bytes. */

/** A UTF-16 code unit as the `\uXXXX` escape JSON and YAML double-quoted strings both read. */
export const unicodeEscape = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * ASCII text built as bytes, for outputs of tens of megabytes: pieces are copied into buffers
 * (repeated pieces as bytes made once), so no string of the whole is ever built, joined or encoded
 * on its way out, and nothing written is copied again. Only ASCII may be written: `text` writes
 * each UTF-16 code unit as one byte.
 */
export class AsciiBytes {
  private readonly full: Buffer[] = [];
  private buffer = Buffer.allocUnsafe(1 << 16);
  private size = 0;

  /** The buffer with room for `n` more bytes: the current one, or a larger next one. */
  private room(n: number): Buffer {
    if (this.size + n > this.buffer.length) {
      this.full.push(this.buffer.subarray(0, this.size));
      this.buffer = Buffer.allocUnsafe(Math.max(Math.min(this.buffer.length * 2, 1 << 22), n));
      this.size = 0;
    }
    return this.buffer;
  }

  text(s: string): void {
    const buffer = this.room(s.length); // first: a new buffer starts at 0
    this.size += buffer.write(s, this.size, 'latin1');
  }

  /** One ASCII character by its code. */
  byte(code: number): void {
    this.room(1)[this.size++] = code;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length).set(b, this.size);
    this.size += b.length;
  }

  /** What was written, in order. */
  done(): Buffer[] {
    return [...this.full, this.buffer.subarray(0, this.size)];
  }
}
