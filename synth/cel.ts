/** CEL text for the admission policies orgctl writes (synth/guard-rails.ts, synth/boundary.ts). */

/** A CEL string literal of `text`: single-quoted, its backslashes and quotes escaped. */
export const celString = (text: string): string => `'${text.replace(/[\\']/g, '\\$&')}'`;

/** A CEL list literal of strings. */
export const celList = (texts: readonly string[]): string => `[${texts.map(celString).join(', ')}]`;

/** A CEL map literal of strings, in the object's key order. */
export const celMap = (m: Readonly<Record<string, string>>): string =>
  `{${Object.entries(m)
    .map(([k, v]) => `${celString(k)}: ${celString(v)}`)
    .join(', ')}}`;

/** `text` as an RE2 pattern matching it literally (RE2's metacharacters escaped). */
export const literalPattern = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
