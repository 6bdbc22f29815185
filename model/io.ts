/** The process edges a command may touch, so tests can run commands in-process. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
  readonly env: NodeJS.ProcessEnv;
  /** Standard input, read whole (`import --from -`, `kubeconfig --secret -`); the process's when not given. */
  stdin?(): string;
  /** A transient status line for long runs: shown on a terminal only, never in logs or pipes. */
  progress?(message: string): void;
}
