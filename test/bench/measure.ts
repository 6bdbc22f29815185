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

/** What this machine charges any process, measured in the bench's run beside the commands. */
export interface MachineCosts {
  /** `node -e 0`: starting Node, in the environment the commands run in (median, ms). */
  readonly startMs: number;
  /** The same with this machine's NODE_EXTRA_CA_CERTS, which the bench leaves out of the commands' environment (unset: none). */
  readonly startWithCaMs?: number;
  /** Memory touched for the first time: µs per 4 KiB page (a 256 MiB buffer written a byte a page; median). */
  readonly faultUs: number;
}

/**
 * The bench's line on the machine: a command's time is orgctl's work plus these, and on a VM they
 * move (a first touch of a page cost 1.4 µs in one session and 10 µs in another), so a target
 * missed with them high is the machine's before it is orgctl's.
 */
export function machineLine(m: MachineCosts): string {
  const costOf = (mb: number) => ((m.faultUs * mb * 256) / 1e6).toFixed(2);
  const parts = [
    `starting Node (\`node -e 0\`) ${Math.round(m.startMs)} ms`,
    `memory touched for the first time ${m.faultUs.toFixed(1)} µs per 4 KiB page (a command whose peak is 250 MB pays ${costOf(250)} s for it)`,
  ];
  const ca =
    m.startWithCaMs === undefined
      ? ''
      : ` NODE_EXTRA_CA_CERTS (set on this machine for its network proxy; orgctl's CI does not set it) is left out of the commands' environment: Node reads that file at every start (\`node -e 0\` ${Math.round(m.startWithCaMs)} ms with it).`;
  return `Machine, measured in this run: ${parts.join('; ')}.${ca}`;
}
