/**
 * A small, strict argument parser: unknown flags are usage errors (exit 2), never ignored. The
 * flags' types follow from their spec, so a command reads `flags.out` as a string, never casts.
 */
import { EMAIL_PATTERN, GITHUB_LOGIN, GITHUB_LOGIN_FORM, isCalendarDate } from '../model/model.ts';
import { UsageError } from '../model/errors.ts';
import { githubIdLookup, nearestName } from '../model/text.ts';
import { ownValue } from '../model/own-keys.ts';
import { ORG_NAME_MAX } from '../policies/org/invalid-name.ts';
import { dns1123LabelProblem } from '../policies/org/kubernetes-names.ts';

/**
 * Whether the arguments ask for `--format json` (`--format=json`, `-o json`, `--output=json`...):
 * main's error is then JSON too, and under GitHub Actions standard output is guarded as JSON (cli/io.ts).
 */
export function wantsJson(args: readonly string[]): boolean {
  const flag = /^(--format|--output|-o)$/;
  return args.some((a, i) => /^(--format|--output|-o)=json$/.test(a) || (flag.test(a) && args[i + 1] === 'json'));
}

/** A flag's kind: a value, a switch, a repeatable value, or one value of a fixed list. */
export type FlagSpec = 'string' | 'boolean' | 'list' | readonly string[];
export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

/**
 * A flag's value after parsing: 'string' → string | undefined (absent), 'boolean' → boolean (false
 * when absent), 'list' → every value in order ([] when absent), a choice list → one of its values | undefined.
 */
export type FlagValue<K extends FlagSpec> = K extends 'boolean'
  ? boolean
  : K extends 'list'
    ? readonly string[]
    : K extends 'string'
      ? string | undefined
      : K extends readonly (infer C)[]
        ? C | undefined
        : never;

export type Flags<S extends FlagSpecs> = { readonly [N in keyof S]: FlagValue<S[N]> };

/** Short flags (`n`) to the long names of `S` they stand for: an alias of an undeclared flag does not compile. */
export type Aliases<S extends FlagSpecs> = Readonly<Record<string, keyof S & string>>;

export interface ParsedArgs<S extends FlagSpecs = FlagSpecs> {
  readonly positionals: readonly string[];
  readonly flags: Flags<S>;
}

/**
 * Values that name the same thing: the human-readable output is `text` for some commands and
 * `table` for others (`text` is the canonical name); every command takes either.
 */
const SAME_AS: Readonly<Record<string, string>> = { table: 'text', text: 'table' };

/** What a choice is also called (a long name, another spelling): a value that is one is asked about as that choice. */
const CHOICE_NAMES: Readonly<Record<string, string>> = { markdown: 'md', yml: 'yaml', txt: 'text', htm: 'html' };

/** `value` as one of `choices` spells it (`table` for a command that says `text`), or undefined. */
function choice(choices: readonly string[], value: string): string | undefined {
  if (choices.includes(value)) return value;
  const other = ownValue(SAME_AS, value);
  return other !== undefined && choices.includes(other) ? other : undefined;
}

/**
 * Parses `argv` against `spec` (long names; `aliases` maps short flags such as `n` to long ones).
 * Accepts `--name value`, `--name=value`, `-n value`, `-n=value`; everything after `--` is positional.
 */
export function parseArgs<const S extends FlagSpecs>(
  argv: readonly string[],
  spec: S,
  aliases: Aliases<S> = {},
): ParsedArgs<S> {
  const positionals: string[] = [];
  const values: Record<string, string | boolean | readonly string[] | undefined> = {};
  const lists = new Map<string, string[]>();
  for (const [name, kind] of Object.entries(spec)) {
    if (kind === 'boolean') values[name] = false;
    else if (kind === 'list') lists.set(name, []);
  }
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
    const name = ownValue<string>(aliases, rawName) ?? rawName;
    const kind = ownValue(spec, name);
    if (kind === undefined) {
      // Long aliases (--output) are suggested too; short ones (-n) are one letter, never near.
      const near = nearestName(rawName, [...Object.keys(spec), ...Object.keys(aliases).filter((a) => a.length > 1)]);
      throw new UsageError(
        `unknown flag ${arg.slice(0, eq < 0 ? undefined : eq)}${near ? ` (did you mean --${near}?)` : ''}`,
      );
    }
    if (kind === 'boolean') {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      values[name] = true;
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    if (typeof kind !== 'string') {
      const chosen = choice(kind, value);
      if (chosen === undefined) {
        const given = value.toLowerCase();
        // A choice's other name means it, or (not a choice here) nothing one slip away: yml is no html.
        const named = ownValue(CHOICE_NAMES, given);
        const near = named !== undefined ? kind.find((k) => k === named) : nearestName(given, kind);
        throw new UsageError(
          `--${name} ${JSON.stringify(value)} is not allowed (expected one of ${kind.join(', ')})${near ? `: did you mean ${near}?` : ''}`,
        );
      }
      values[name] = chosen;
    } else if (kind === 'list') lists.get(name)!.push(value);
    else values[name] = value;
  }
  for (const [name, list] of lists) values[name] = list;
  // The one place the types meet the strings: every kind is filled above as FlagValue says.
  return { positionals, flags: values as Flags<S> };
}

/**
 * An organization's name as --org gives it (init, import): a DNS label, as it prefixes cluster-wide
 * names, short enough for its system namespace (ORG_NAME_MAX); one that is not names the label
 * meant (`Acme Corp`: acme-corp).
 */
export function orgFlag(value: string): void {
  if (dns1123LabelProblem(value, ORG_NAME_MAX) === undefined) return;
  const meant = value
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, ORG_NAME_MAX)
    .replace(/-+$/, '');
  throw new UsageError(
    `--org ${JSON.stringify(value)} is not a DNS label (lower-case letters, digits and -, at most ${ORG_NAME_MAX}: its namespace NAME-system is one too)${dns1123LabelProblem(meant, ORG_NAME_MAX) === undefined ? `: did you mean ${meant}?` : ''}`,
  );
}

const EMAIL_ADDRESS = new RegExp(EMAIL_PATTERN);

/** --owner EMAIL of init and import, refused with the form an address takes. */
export function ownerFlag(value: string): void {
  if (!EMAIL_ADDRESS.test(value))
    throw new UsageError(`--owner ${JSON.stringify(value)} is not an email address (expected name@domain.tld)`);
}

/** --github LOGIN, refused with the form GitHub gives a login. */
export function githubFlag(value: string): void {
  if (!GITHUB_LOGIN.test(value))
    throw new UsageError(`--github ${JSON.stringify(value)} is not a GitHub login (${GITHUB_LOGIN_FORM})`);
}

/**
 * A flag's whole number of `least` or more, written in decimal without leading zeros and held by
 * JavaScript exactly; undefined when it is not one (each flag says what it takes).
 */
export function wholeNumber(value: string, least = 0): number | undefined {
  const n = Number(value);
  return /^(0|[1-9]\d*)$/.test(value) && Number.isSafeInteger(n) && n >= least ? n : undefined;
}

/** `--github-id ID`: a GitHub account's id (a positive whole number), given with the login it belongs to. */
export function githubIdFlag(value: string | undefined, login: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (login === undefined) throw new UsageError('--github-id goes with --github LOGIN: the id of that account');
  const id = wholeNumber(value, 1);
  if (id === undefined)
    throw new UsageError(
      `--github-id ${JSON.stringify(value)} is not a GitHub account id (a positive whole number: ${githubIdLookup(login)} prints it)`,
    );
  return id;
}

export function dateFlag(value: string | undefined, name = 'today'): string | undefined {
  if (value === undefined) return undefined;
  if (!isCalendarDate(value)) {
    throw new UsageError(`--${name} ${JSON.stringify(value)} is not a date (expected YYYY-MM-DD)`);
  }
  return value;
}
