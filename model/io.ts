/** The process edges a command may touch, so tests can run commands in-process. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
  /** A large output already encoded as UTF-8, in pieces, then a line break: `out` of its text when not given. */
  outBytes?(pieces: readonly Uint8Array[]): void;
  readonly env: NodeJS.ProcessEnv;
  /** Standard input, read whole (`import --from -`, `kubeconfig --secret -`); the process's when not given. */
  stdin?(): string;
  /** A transient status line for long runs: shown on a terminal only, never in logs or pipes. */
  progress?(message: string): void;
}

/** Writes `pieces` (UTF-8, in order) as one line of output: as they are where the Io can, else as text. */
export function outBytes(io: Io, pieces: readonly Uint8Array[]): void {
  if (io.outBytes) io.outBytes(pieces);
  else io.out(Buffer.concat(pieces).toString('utf8'));
}
