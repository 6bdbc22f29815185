/** A small, strict argument parser: unknown flags are usage errors (exit 2), never ignored. */
import { isCalendarDate } from '../constructs/props.ts';
import { UsageError } from '../model/errors.ts';

export type FlagSpec = 'string' | 'boolean' | 'list' | readonly string[];

export interface ParsedArgs {
  readonly positionals: readonly string[];
  readonly flags: Readonly<Record<string, string | boolean | readonly string[] | undefined>>;
}

/** Parses `argv` against `spec` (long names; `aliases` maps short flags such as `n` to long ones). */
export function parseArgs(argv: readonly string[], spec: Readonly<Record<string, FlagSpec>>, aliases: Readonly<Record<string, string>> = {}): ParsedArgs {
  const positionals: string[] = [];
  const flags: Record<string, string | boolean | string[] | undefined> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const rawName = arg.replace(/^--?/, '').slice(0, eq < 0 ? undefined : eq - (arg.startsWith('--') ? 2 : 1));
    const name = aliases[rawName] ?? rawName;
    const kind = spec[name];
    if (kind === undefined) throw new UsageError(`unknown flag ${arg.slice(0, eq < 0 ? undefined : eq)}`);
    if (kind === 'boolean') {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      flags[name] = true;
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    if (Array.isArray(kind) && !kind.includes(value)) throw new UsageError(`--${name} ${JSON.stringify(value)} is not allowed (expected one of ${kind.join(', ')})`);
    if (kind === 'list') flags[name] = [...((flags[name] as string[] | undefined) ?? []), value];
    else flags[name] = value;
  }
  return { positionals, flags };
}

export function dateFlag(value: unknown, name = 'today'): string | undefined {
  if (value === undefined) return undefined;
  if (!isCalendarDate(value)) {
    throw new UsageError(`--${name} ${JSON.stringify(value)} is not a date (expected YYYY-MM-DD)`);
  }
  return value;
}
