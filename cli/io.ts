/** The process's own Io (model/io.ts): stdout, stderr, and a progress line on a terminal only. */
import { inspect } from 'node:util';
import type { Io } from '../model/io.ts';
import { terminalText } from '../model/text.ts';
import { wantsJson } from './args.ts';
import { guardWorkflowLog } from './workflow-log.ts';

interface StatusStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * Progress on one line of a terminal, overwritten in place and cleared by '' (or by the next
 * output). On anything else (CI logs, pipes, files) it prints nothing at all.
 */
export function progressOn(stream: StatusStream): (message: string) => void {
  if (!stream.isTTY) return () => {};
  return (message) => stream.write(message ? `\r\x1b[K${terminalText(message)}` : '\r\x1b[K');
}

// `orgctl access | head` closes the pipe early: that is the reader's choice, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

// In a GitHub Actions job (the runner sets GITHUB_ACTIONS=true in every step) each line orgctl
// writes, its own and a declaration's it forwards, is a line of the log the runner reads commands
// from: no text of a pull request's author may be one (R94). Elsewhere the bytes are as they were.
// Standard output asked for as JSON is broken as JSON, so a program reading it gets the data (R103-4).
if (process.env.GITHUB_ACTIONS === 'true') {
  guardWorkflowLog(process.stdout, wantsJson(process.argv.slice(2)) ? 'json' : 'text');
  guardWorkflowLog(process.stderr);
}

const status = progressOn(process.stderr);

/** A line as a stream shows it: on a terminal, nothing in it drives the terminal (terminalText); elsewhere as it is. */
const shownOn = (stream: StatusStream, line: string): string => (stream.isTTY ? terminalText(line) : line);

/**
 * Ends the process on an error nothing caught (thrown in a callback, a promise nobody awaits, main's
 * own catch failing: main turns what a command throws into a line), said as Node says it (its
 * inspection: the stack and the error's fields) but written as orgctl's lines are. Left to Node, it
 * is printed in C++ straight to descriptor 2, past the guard above and past terminalText, and its
 * message may quote an author's text (a spec value, a file name): a workflow command (R107-1). The
 * exit code is Node's for it, 1, once the text is written (outside Linux a pipe is written
 * asynchronously). bin/orgctl.mjs installs it once the CLI is loaded.
 */
export function endUncaught(e: unknown): void {
  status('');
  process.stderr.write(`${shownOn(process.stderr, inspect(e))}\n`, () => process.exit(1));
}

export const processIo: Io = {
  out: (line) => {
    status('');
    process.stdout.write(`${shownOn(process.stdout, line)}\n`);
  },
  outLine: () => {
    status('');
    return {
      // Nothing left queued: the piece went to the file or pipe whole, and is not referenced any more.
      write: (piece) => {
        process.stdout.write(piece);
        return process.stdout.writableLength === 0;
      },
      end: () => process.stdout.write('\n'),
    };
  },
  err: (line) => {
    status('');
    process.stderr.write(`${shownOn(process.stderr, line)}\n`);
  },
  env: process.env,
  stdinIsTerminal: process.stdin.isTTY === true,
  stdoutIsTerminal: process.stdout.isTTY === true,
  progress: status,
};
