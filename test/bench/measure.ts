/**
 * How the bench's scripts count runs (bench.ts one at a time, pair.ts two at once): the median of
 * a run's figures, and which exits are a command's answer rather than a failed run.
 */

/** The median (the upper one of an even count). */
export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Whether a process that ran `args` and exited `status` answered: exit 0, or exit 1 from `can-i`
 * (no) and `review` (a rule failed). Any other exit is a failed run, not a time: a `synth` whose
 * policies refuse the organization exits 1 too, and writes nothing.
 */
export function answered(args: readonly string[], status: number | null): boolean {
  return status === 0 || (status === 1 && (args.includes('can-i') || args.includes('review')));
}
