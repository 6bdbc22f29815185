/**
 * What a module keeps for one command's run only, forgotten when main starts the next: answers
 * asked of the world (git, the file system) that every part of one run must see alike, but that a
 * later run (the tests run many in one process) must ask again.
 */
const forgetters: (() => void)[] = [];

/** A map emptied at the start of each run. */
export function keptForRun<K, V>(): Map<K, V> {
  const kept = new Map<K, V>();
  forgetters.push(() => kept.clear());
  return kept;
}

/** Forgets what the last run kept (main, before each command). */
export function newRun(): void {
  for (const forget of forgetters) forget();
}
