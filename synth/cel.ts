/** CEL text for the admission policies orgctl writes (synth/guard-rails.ts, synth/boundary.ts). */

/** A CEL string literal of `text`: single-quoted, its backslashes and quotes escaped. */
export const celString = (text: string): string => `'${text.replace(/[\\']/g, '\\$&')}'`;

/** A CEL list literal of strings. */
export const celList = (texts: readonly string[]): string => `[${texts.map(celString).join(', ')}]`;

/** A CEL condition: the request is made by one of `usernames` (`==` for one, so one's policy stays as it was). */
export const celUsernameIn = (usernames: readonly string[]): string =>
  usernames.length === 1
    ? `request.userInfo.username == ${celString(usernames[0]!)}`
    : `request.userInfo.username in ${celList(usernames)}`;

/** A CEL map literal of strings, in the object's key order. */
export const celMap = (m: Readonly<Record<string, string>>): string =>
  `{${Object.entries(m)
    .map(([k, v]) => `${celString(k)}: ${celString(v)}`)
    .join(', ')}}`;

/** `text` as an RE2 pattern matching it literally (RE2's metacharacters escaped). */
export const literalPattern = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
