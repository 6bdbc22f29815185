/**
 * One descriptor per command: its name, its lines in the top-level usage, its help, its flags and
 * what it does. The flags' types are inferred from their spec (cli/args.ts), so `run` reads
 * `flags.out` as `string | undefined` and `flags.actor` as `readonly string[]` without a cast.
 * `--help` and `-h` are every command's: they print its help and exit 0. A command with `--format`
 * also takes it as `-o` and `--output` (kubectl's spelling), and its help says so.
 * The top-level usage shows each command's own usage lines, taken from its help: they cannot drift.
 */
import { parseArgs, type Aliases, type FlagSpecs, type ParsedArgs } from './args.ts';
import { UsageError } from '../model/errors.ts';
import type { Io } from '../model/io.ts';

export interface CommandSpec<S extends FlagSpecs, R extends number | Promise<number>> {
  /** The word after `orgctl`. */
  readonly name: string;
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
  /** Its help's usage lines (`orgctl NAME ...`, continuation lines kept as aligned), for the top-level usage. */
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
  const own: Record<string, string> = { ...spec.aliases, ...outputAliases(spec.flags, spec.aliases) };
  const aliases = { ...own, h: 'help' } as Aliases<S & HelpFlag>;
  const help = spec.help + outputHelp(spec.flags, own);
  return {
    name: spec.name,
    synopsis: usageBlock(spec.name, spec.help),
    summary: spec.summary,
    help,
    flags: spec.flags,
    aliases: own,
    invoke(argv, io) {
      const args = parseArgs(argv, flags, aliases);
      if (args.flags.help) {
        io.out(help);
        return 0;
      }
      if (!spec.positionals && args.positionals.length)
        throw new UsageError(`unexpected argument ${JSON.stringify(args.positionals[0])}`);
      return spec.run(args, io);
    },
  };
}

/** `-o` and `--output` for `--format`, unless the command declares either for something else. */
function outputAliases(flags: FlagSpecs, aliases: Readonly<Record<string, string>> = {}): Record<string, string> {
  if (!Object.hasOwn(flags, 'format')) return {};
  const free = (name: string) => !Object.hasOwn(flags, name) && !Object.hasOwn(aliases, name);
  return { ...(free('o') ? { o: 'format' } : {}), ...(free('output') ? { output: 'format' } : {}) };
}

/** The help's line for `-o`/`--output`, and for `text`/`table` when the command names one of them. */
function outputHelp(flags: FlagSpecs, aliases: Readonly<Record<string, string>>): string {
  const names = ['o', 'output'].filter((n) => aliases[n] === 'format');
  if (!names.length) return '';
  const kind = flags.format;
  const human = Array.isArray(kind) ? kind.find((k) => k === 'text' || k === 'table') : undefined;
  const other = human === 'text' ? 'table' : 'text';
  return `\n\n  ${names.map((n) => (n.length === 1 ? `-${n}` : `--${n}`)).join(', ')} FORMAT  the same as --format${human ? ` (${other} is another name for ${human})` : ''}`;
}

/**
 * The usage lines of a help: its first paragraph (`Usage: orgctl NAME ...`, then `orgctl NAME ...`
 * forms or continuation lines aligned beneath), without the `Usage: ` column.
 */
export function usageBlock(name: string, help: string): string[] {
  const lines = help.split('\n\n')[0]!.split('\n');
  if (!lines[0]!.startsWith(`Usage: orgctl ${name}`))
    throw new Error(`${name}: a command's help must begin with "Usage: orgctl ${name}"`);
  return lines.map((l) => l.slice('Usage: '.length).trimEnd());
}

/** The top-level usage's lines for some commands: each one's usage lines, then its summary indented beneath. */
export function usageLines(commands: readonly Command[]): string[] {
  return commands.flatMap((c) => [
    ...c.synopsis.map((s) => `  ${s}`),
    ...c.summary.split('\n').map((line) => `      ${line}`),
  ]);
}
