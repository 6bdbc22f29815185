/**
 * Own keys only. Names a declaration chooses (namespaces, label keys, subjects, token ids) are keys
 * of plain objects, and a plain object reads a key it lacks from Object's prototype: `constructor`
 * (a valid namespace, token id) and `toString` (a valid label key) read as functions, not as absent
 * (red team Q2, Q3, R12). Every reader of such a key reads it here.
 */

/** A record's own value of `key`: a key it lacks is absent, never Object's. */
export const ownValue = <T>(record: Readonly<Record<string, T>>, key: string): T | undefined =>
  Object.hasOwn(record, key) ? record[key] : undefined;

/** An empty record keyed by names a declaration chooses: with no prototype, so that a name it does not hold is absent. */
export const nameRecord = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;

/** A nameRecord of `entries`. */
export const nameRecordOf = <T>(entries: Iterable<readonly [string, T]>): Record<string, T> => {
  const out = nameRecord<T>();
  for (const [k, v] of entries) out[k] = v;
  return out;
};

/** Whether a plain object that lacks `key` still reads something there: a name Object's prototype holds. */
export const inheritedKey = (key: string): boolean => key in Object.prototype;
