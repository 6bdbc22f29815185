/**
 * Work a command leaves for after its answer is printed (main runs it before orgctl exits): what
 * only a later run needs, such as can-i's verdicts on the files it did not parse (cli/verdict-cache.ts).
 * Best effort: it is a cache's work, so what fails is dropped.
 */
const pending: (() => void)[] = [];

export const afterAnswer = (work: () => void): void => {
  pending.push(work);
};

/** Runs, once, the work left so far. */
export function runAfterAnswer(): void {
  for (const work of pending.splice(0)) {
    try {
      work();
    } catch {
      // a cache not written: the next run does without it
    }
  }
}
