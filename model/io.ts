/** The process edges a command may touch, so tests can run commands in-process. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
  /** A large output line, written in UTF-8 pieces as they are made (lineWriter: `out` of its text when not given). */
  outLine?(): LineWriter;
  readonly env: NodeJS.ProcessEnv;
  /** Standard input, read whole (`import --from -`, `kubeconfig --secret -`); the process's when not given. */
  stdin?(): string;
  /** Standard input is a terminal: what a command reads from it unasked (kubeconfig's Secret) would wait for typing. */
  readonly stdinIsTerminal?: boolean;
  /** Standard output is a terminal: a report for people (diff, review) is written as text there, as markdown anywhere else. */
  readonly stdoutIsTerminal?: boolean;
  /** A transient status line for long runs: shown on a terminal only, never in logs or pipes. */
  progress?(message: string): void;
}

/** One line of output in pieces: each written as it comes, then `end` writes the line break. */
export interface LineWriter {
  /** Writes `piece` (UTF-8); true when its bytes were written out by the time it returns, so its memory may be written over. */
  write(piece: Uint8Array): boolean;
  end(): void;
}

/** A line of output written in pieces: as they come where the Io can, else collected and given to `out` as text. */
export function lineWriter(io: Io): LineWriter {
  if (io.outLine) return io.outLine();
  const pieces: Buffer[] = [];
  return {
    write: (piece) => pieces.push(Buffer.from(piece)) > 0, // a copy: the piece's memory may be written over
    end: () => io.out(Buffer.concat(pieces).toString('utf8')),
  };
}
