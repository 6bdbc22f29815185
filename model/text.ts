/** Escapes shared by every text orgctl writes for other readers (YAML, JSON, its own indexes). */

/** A UTF-16 code unit as the `\uXXXX` escape JSON and YAML double-quoted strings both read. */
export const unicodeEscape = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * JSON with every character past ASCII escaped (the same data): one byte a character, so a
 * character offset is a byte offset, and a large text stays a one-byte string (faster to build
 * and to encode than the two-byte string one arrow or accent makes of it).
 */
export const asciiJson = (value: unknown): string => JSON.stringify(value).replace(/[\u0080-\uffff]/g, unicodeEscape);
