/** The escape every text orgctl writes for other readers (YAML, JSON) uses for a character it will not write raw. */

/** A UTF-16 code unit as the `\uXXXX` escape JSON and YAML double-quoted strings both read. */
export const unicodeEscape = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
