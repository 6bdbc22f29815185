/**
 * orgctl: the command line. Exit codes: 0 ok, 1 the declaration breaks a policy (or
 * `--check` found dist/ stale), 2 bad usage or unreadable input.
 */
import { ERROR_KINDS, kindOf, unreadableInput, type ErrorKind, type SpecError } from '../model/errors.ts';
import type { Io } from '../model/io.ts';
import { nearestName } from '../model/text.ts';
import { runAfterAnswer } from './after-answer.ts';
import { wantsJson } from './args.ts';
import { usageLines } from './command.ts';
import { COMMANDS } from './commands.ts';
// Inlined by the bundle (bin/orgctl.mjs rebuilds it when package.json changes): --version reads no file.
import { RUNNING_ENGINE } from './engine.ts';
import { newRun } from './per-run.ts';

// bin/orgctl.mjs tunes V8 for a quick command before running it.
export { isQuick } from './commands.ts';

/** How each kind of error reads on stderr (model/errors.ts gives its exit code). */
const ERROR_TEXT: Record<ErrorKind, (command: string, e: Error) => string> = {
  usage: (command, e) => `orgctl ${command}: ${e.message}\nRun \`orgctl ${command} --help\` for usage.`,
  input: (command, e) => `orgctl ${command}: ${e.message}`,
  output: (command, e) => `orgctl ${command}: ${e.message}`,
  spec: (_, e) => (e as SpecError).problems.map((p) => positionFirst('error spec', p)).join('\n'),
  module: (_, e) => `error declaration ${e.message}`,
  declaration: (_, e) => positionFirst('error declaration', e.message),
};

/** `org.yaml:14:7: error spec ...`: a file position leads the line, as findings print it (editors and CI read it there). */
function positionFirst(label: string, text: string): string {
  const m = /^(\S+?:\d+:\d+): ([\s\S]*)$/.exec(text);
  return m ? `${m[1]}: ${label} ${m[2]}` : `${label} ${text}`;
}

const HEADER = `orgctl — a cloud organization's people and access as code

Usage:`;

const FOOTER = `The declaration is --spec FILE, else package.json's "orgctl": { "spec": FILE }, else org/org.ts.
Every --format is also -o and --output; text (also: table) is the human-readable output.
Exit codes: 0 ok, 1 policy errors or stale output, 2 bad usage or unreadable input.
Run \`orgctl COMMAND --help\` for one command; \`orgctl --version\` (-V) prints orgctl's version.`;

/** The top-level usage, from every command's descriptor (so it loads them all: it is printed rarely). */
export async function usage(): Promise<string> {
  const commands = await Promise.all(COMMANDS.map((c) => c.load()));
  return [HEADER, ...usageLines(commands), '', FOOTER].join('\n');
}

/** An error as JSON: `{ ok: false, error: { kind, exit, message, problems? } }` (kind `internal` for a bug). */
function errorJson(kind: ErrorKind | undefined, e: Error): { ok: false; error: Record<string, unknown> } {
  const problems = kind === 'spec' ? { problems: (e as SpecError).problems } : {};
  return {
    ok: false,
    error: { kind: kind ?? 'internal', exit: kind ? ERROR_KINDS[kind].exit : 2, message: e.message, ...problems },
  };
}

export async function main(argv: readonly string[], io: Io): Promise<number> {
  newRun();
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.out(await usage());
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === '-V') {
    io.out(RUNNING_ENGINE.version);
    return 0;
  }
  const entry = COMMANDS.find((c) => c.name === command);
  if (!entry) {
    const near = nearestName(
      command,
      COMMANDS.map((c) => c.name),
    );
    if (near) {
      io.err(
        `orgctl: unknown command ${JSON.stringify(command)}: did you mean ${near}? (orgctl --help lists the commands)`,
      );
      return 2;
    }
    io.err(
      `orgctl: unknown command ${JSON.stringify(command)} (commands: ${COMMANDS.map((c) => c.name).join(', ')})\n\n${await usage()}`,
    );
    return 2;
  }
  try {
    return await (await entry.load()).invoke(rest, io);
  } catch (thrown) {
    // A path the system would not let orgctl read, wherever it was read: named, with what to do.
    const e = unreadableInput(thrown) ?? thrown;
    // By kind, not class: a declaration module may load its own copy of orgctl's classes.
    const kind = kindOf(e);
    const err = e as Error;
    // A program reading --format json gets JSON on stdout whatever happened, and the same text on stderr.
    if (wantsJson(rest)) io.out(JSON.stringify(errorJson(kind, err)));
    if (kind) {
      io.err(ERROR_TEXT[kind](command, err));
      return ERROR_KINDS[kind].exit;
    }
    io.err(
      `orgctl ${command}: ${err.message}${io.env.ORGCTL_DEBUG ? `\n${err.stack}` : ' (set ORGCTL_DEBUG=1 for details)'}`,
    );
    return 2;
  } finally {
    // Its answer printed (or its error), what the command left for later runs (cli/after-answer.ts).
    runAfterAnswer();
  }
}
