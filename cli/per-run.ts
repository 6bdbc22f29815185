/**
 * What a module keeps for one command's run only, forgotten when main starts the next: answers
 * asked of the world (git, the file system) that every part of one run must see alike, but that a
 * later run (the tests run many in one process) must ask again.
 */
const forgetters: (() => void)[] = [];

/**
 * A question asked once a run in each working folder: the answer for `key` is `ask()`'s on the
 * first call there, kept until the next run starts. The working folder is part of the key: git
 * answers of the folder a command runs in, and the tests run many commands in many folders.
 */
export function askedOnceARun<V>(): (key: string, ask: () => V) => V {
  const kept = new Map<string, V>();
  forgetters.push(() => kept.clear());
  return (key, ask) => {
    const at = `${process.cwd()}\0${key}`;
    let answer = kept.get(at);
    if (answer === undefined) kept.set(at, (answer = ask()));
    return answer;
  };
}

/** Forgets what the last run kept (main, before each command). */
export function newRun(): void {
  for (const forget of forgetters) forget();
}
