/**
 * One descriptor per command: its name, its lines in the top-level usage, its help, its flags and
 * what it does. The flags' types are inferred from their spec (cli/args.ts), so `run` reads
 * `flags.out` as `string | undefined` and `flags.actor` as `readonly string[]` without a cast.
 * `--help` and `-h` are every command's: they print its help and exit 0.
 */
import { parseArgs, type Aliases, type FlagSpecs, type ParsedArgs } from './args.ts';
import { UsageError } from '../model/errors.ts';
import type { Io } from '../model/io.ts';

export interface CommandSpec<S extends FlagSpecs, R extends number | Promise<number>> {
  /** The word after `orgctl`. */
  readonly name: string;
  /** Its forms in the top-level usage, each without `orgctl NAME ` (most commands have one). */
  readonly synopsis: string | readonly string[];
  /** What the top-level usage says under the synopsis (several lines allowed). */
  readonly summary: string;
  /** What `orgctl NAME --help` prints. */
  readonly help: string;
  /** Every flag it takes, by long name (`--help` is added to every command). */
  readonly flags: S;
  readonly aliases?: Aliases<S>;
  /** Whether it takes arguments besides flags; when not (the default), one is a usage error. */
  readonly positionals?: boolean;
  /** The command itself, given its parsed arguments (never called for --help). */
  run(args: ParsedArgs<S>, io: Io): R;
}

type HelpFlag = { readonly help: 'boolean' };

export interface Command<R extends number | Promise<number> = number | Promise<number>> {
  readonly name: string;
  readonly synopsis: readonly string[];
  readonly summary: string;
  readonly help: string;
  /** Its flags and short aliases, as declared (without `--help` and `-h`, which every command has). */
  readonly flags: FlagSpecs;
  readonly aliases: Readonly<Record<string, string>>;
  /** Parses `argv` (the words after the command's name), then prints the help or runs the command. */
  invoke(argv: readonly string[], io: Io): R | number;
}

export function defineCommand<const S extends FlagSpecs, R extends number | Promise<number>>(
  spec: CommandSpec<S, R>,
): Command<R> {
  const flags: S & HelpFlag = { ...spec.flags, help: 'boolean' };
  const aliases: Aliases<S & HelpFlag> = { ...spec.aliases, h: 'help' };
  return {
    name: spec.name,
    synopsis: typeof spec.synopsis === 'string' ? [spec.synopsis] : spec.synopsis,
    summary: spec.summary,
    help: spec.help,
    flags: spec.flags,
    aliases: spec.aliases ?? {},
    invoke(argv, io) {
      const args = parseArgs(argv, flags, aliases);
      if (args.flags.help) {
        io.out(spec.help);
        return 0;
      }
      if (!spec.positionals && args.positionals.length)
        throw new UsageError(`unexpected argument ${JSON.stringify(args.positionals[0])}`);
      return spec.run(args, io);
    },
  };
}

/** The top-level usage's lines for some commands: each synopsis, then the summary indented beneath. */
export function usageLines(commands: readonly Command[]): string[] {
  return commands.flatMap((c) => [
    ...c.synopsis.map((s) => `  orgctl ${c.name} ${s}`),
    ...c.summary.split('\n').map((line) => `      ${line}`),
  ]);
}
