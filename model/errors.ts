/**
 * Every mistake orgctl reports to a person, in one place: each error has a `kind`, and the kind
 * decides the exit code and how the CLI prints it (the message, never a stack).
 *
 * Told apart by the `kind` field, never by `instanceof`: the CLI runs from one bundle and a
 * declaration (org/org.ts) from another, each with its own copy of these classes, so an error a
 * construct throws in the declaration's bundle is not an instance of the CLI's DeclarationError.
 * `isKind` reads the field, which both copies share.
 */

export const ERROR_KINDS = {
  /** Bad arguments: the CLI adds "Run `orgctl COMMAND --help`". */
  usage: { exit: 2 },
  /** Input that cannot be read or trusted: a missing folder, a file orgctl never writes. */
  input: { exit: 2 },
  /** The output folder cannot be written (read-only, full, not a folder); old output kept. */
  output: { exit: 2 },
  /** A spec that cannot be read or does not fit the schema: one problem a line. */
  spec: { exit: 2 },
  /** A declaration module that failed while it ran (a TypeError in org/org.ts). */
  module: { exit: 2 },
  /** A construct given a prop it cannot take: the declaration is wrong, as a policy error is. */
  declaration: { exit: 1 },
} as const satisfies Record<string, { readonly exit: number }>;

export type ErrorKind = keyof typeof ERROR_KINDS;

/**
 * The fields orgctl's errors carry beside their message (DeclarationError's path and position,
 * SpecError's problems): all an error rebuilt from a declaration's result takes of it (cli/load.ts).
 */
export const ERROR_FIELDS = ['kind', 'name', 'path', 'position', 'problems'] as const;

class OrgctlError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
  }
}

/** Whether `e` is an orgctl error of `kind` (from either bundle). */
export function isKind<K extends ErrorKind>(e: unknown, kind: K): e is OrgctlError & { kind: K } {
  return kindOf(e) === kind;
}

/** The kind of an orgctl error (from either bundle); undefined for anything else (a bug: print its stack). */
export function kindOf(e: unknown): ErrorKind | undefined {
  const kind = e instanceof Error ? (e as { kind?: unknown }).kind : undefined;
  return typeof kind === 'string' && Object.hasOwn(ERROR_KINDS, kind) ? (kind as ErrorKind) : undefined;
}

export class UsageError extends OrgctlError {
  override readonly name = 'UsageError';
  constructor(message: string) {
    super('usage', message);
  }
}

/** Input that cannot be read: a missing folder, an unreadable file. Exit 2, no usage text. */
export class InputError extends OrgctlError {
  override readonly name: string = 'InputError';
  constructor(message: string) {
    super('input', message);
  }
}

/** What the system said when it refused a write, in words: the error's code, named. */
const WRITE_REFUSALS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'not permitted',
  EROFS: 'a read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
};

/** Why the system refused a write, in words, its code named once: `permission denied (EACCES)`. */
export function writeRefusal(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  return code ? `${WRITE_REFUSALS[code] ?? 'refused'} (${code})` : String((e as Error)?.message ?? e);
}

/** Whether the system refused a write for the writer's rights (not for room, not for a bad path). */
export const refusedForRights = (e: unknown): boolean =>
  ['EACCES', 'EPERM', 'EROFS'].includes((e as NodeJS.ErrnoException)?.code ?? '');

/** A file or folder orgctl could not write, named as given, with why in words and what to do. */
export function unwritable(path: string, e: unknown): OutputError {
  if ((e as NodeJS.ErrnoException)?.code === 'EISDIR')
    return new OutputError(`cannot write ${path}: it is a folder; give the path of a file to write in it`);
  return new OutputError(`cannot write ${path}: ${writeRefusal(e)}; give a path in a folder orgctl may write to`);
}

/** What each reading system call was doing, as a person says it. */
const READING: Record<string, string> = {
  scandir: 'list this folder',
  opendir: 'list this folder',
  open: 'read this file',
  read: 'read this file',
  stat: 'look at this path',
  lstat: 'look at this path',
  readlink: 'look at this path',
};

/**
 * Why the system refused orgctl to read a file or folder (EACCES, EPERM), in words, with what to
 * do: `PATH: permission denied: orgctl may not read this file; ...`; undefined for any other error.
 */
function readRefusal(e: unknown): string | undefined {
  const err = e as NodeJS.ErrnoException;
  const doing = err?.syscall !== undefined ? READING[err.syscall] : undefined;
  if (!(e instanceof Error) || (err.code !== 'EACCES' && err.code !== 'EPERM') || !err.path || !doing) return undefined;
  return `${err.path}: permission denied: orgctl may not ${doing}; give one it may read, or make it readable (ls -ld ${err.path} shows its owner and mode)`;
}

/**
 * A file a flag names that cannot be read, as a usage error naming the flag and the path, and why
 * in words: `--secret FILE: permission denied: ...`, `--head-proof FILE: cannot read the file (it does not exist)`.
 */
export function unreadableFlagFile(flag: string, file: string, e: unknown): UsageError {
  return new UsageError(`${flag} ${readRefusal(e) ?? `${file}: cannot read the file (${whyUnread(e)})`}`);
}

/**
 * Why a file or folder could not be read, in words: `it does not exist`, `it is a folder`, `it is
 * a file, not a folder` (a folder listed), `a folder on its path is a file`, else the system's code.
 */
export function whyUnread(e: unknown): string {
  const err = e as NodeJS.ErrnoException | undefined;
  switch (err?.code) {
    case 'ENOENT':
      return 'it does not exist';
    case 'EISDIR':
      return 'it is a folder';
    case 'ENOTDIR':
      return err.syscall === 'scandir' || err.syscall === 'opendir'
        ? 'it is a file, not a folder'
        : 'a folder on its path is a file';
    default:
      return err?.code ?? String(e);
  }
}

/** A read refused (readRefusal), wherever the reading was, as an input error; undefined for any other error. */
export function unreadableInput(e: unknown): InputError | undefined {
  const refusal = readRefusal(e);
  return refusal === undefined ? undefined : new InputError(refusal);
}

/** One side of a diff or review that cannot be read as orgctl's output, and which side it is. */
export class SideError extends InputError {
  override readonly name = 'SideError';
  constructor(
    readonly side: string,
    message: string,
  ) {
    super(message);
  }
}

/** Output without orgctl's membership data, or with data that is not what orgctl writes. */
export class SnapshotError extends InputError {
  override readonly name = 'SnapshotError';
}

/** The output folder cannot be written (read-only, full, not a folder): old output kept. */
export class OutputError extends OrgctlError {
  override readonly name = 'OutputError';
  constructor(message: string) {
    super('output', message);
  }
}

/** A spec that cannot be read or does not fit the schema; `problems` are one line each. */
export class SpecError extends OrgctlError {
  override readonly name = 'SpecError';
  constructor(readonly problems: readonly string[]) {
    super('spec', problems.join('\n'));
  }
}

/** A declaration module failed while it ran: not a policy finding, a broken declaration file. */
export class ModuleError extends OrgctlError {
  override readonly name = 'ModuleError';
  constructor(message: string) {
    super('module', message);
  }
}

/** A mistake in the declaration: the CLI prints its message, never its stack. */
export class DeclarationError extends OrgctlError {
  override readonly name = 'DeclarationError';
  constructor(
    /** Construct path or spec path. */
    readonly path: string,
    message: string,
    /** Where a spec path is in the spec file (`org.yaml:14:7`), when known. */
    readonly position?: string,
  ) {
    super('declaration', `${position ? `${position}: ` : ''}${path}: ${message}`);
  }
}
