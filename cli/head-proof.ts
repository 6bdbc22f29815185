/**
 * `orgctl review --head-proof FILE [--head-lock FILE]`: the files an upgrade's review reads as
 * data (review/head-proof.ts judges them). A file that cannot be opened is a usage error (exit 2);
 * one that is too large or is not what it should be is a reason the head proof is not accepted.
 */
import { join, resolve } from 'node:path';
import { unreadableFlagFile, UsageError } from '../model/errors.ts';
import {
  DEFAULT_REGISTRY,
  lockedEngine,
  lockReadProblem,
  lockRegistries,
  MAX_HEAD_PROOF_BYTES,
  MAX_LOCK_BYTES,
  MAX_PACKAGE_JSON_BYTES,
  PACKAGE_LOCK,
  parseHeadProof,
  projectCommandProblem,
  SHRINKWRAP,
  type HeadProof,
  type LockedEngine,
} from '../review/head-proof.ts';
import { RUNNING_ENGINE } from './engine.ts';
import { readAtMost } from './file-stamp.ts';
import { readRefFile, refOfSide, tooLargeToRead, tracks, workTreeOf } from './git.ts';
import { folderAbove } from './paths.ts';

/**
 * A file's text when it is a regular file of at most `maxBytes`; else what it is instead, or why it
 * is too large. Read by one open (readAtMost): a FIFO is not waited on, a link is not followed, and
 * the file judged is the one looked at. An error finding or reading it is thrown.
 */
function regularFileText(
  file: string,
  maxBytes: number,
): string | { readonly notRegular: string } | { readonly problem: string } {
  const read = readAtMost(file, maxBytes, true);
  if (Buffer.isBuffer(read)) return read.toString('utf8');
  return 'tooLarge' in read ? tooLargeToRead(file, read.tooLarge, maxBytes) : read;
}

/** A regular file's text, or why it is too large; a file that cannot be opened is a UsageError naming `flag`. */
function readDataFile(flag: string, file: string, maxBytes: number): string | { readonly problem: string } {
  let text: ReturnType<typeof regularFileText>;
  try {
    text = regularFileText(file, maxBytes);
  } catch (e) {
    throw unreadableFlagFile(flag, file, e);
  }
  if (typeof text !== 'string' && 'notRegular' in text)
    throw new UsageError(`${flag} ${file} is not a regular file (${text.notRegular})`);
  return text;
}

/**
 * `--head-proof FILE [--head-proof-commit SHA]`: the head engine's `orgctl prove --format json`,
 * with the commit it proves, or why it is not one.
 */
export function readHeadProof(file: string, commit?: string): HeadProof | string {
  const text = readDataFile('--head-proof', file, MAX_HEAD_PROOF_BYTES);
  return typeof text === 'string' ? parseHeadProof(text, commit) : text.problem;
}

/**
 * Why what head's `file` installs cannot be judged: the registries a head lock may install from are
 * base's, unknown while base's lock cannot be read, never npm's public registry as for a base
 * without one (red team R73-1).
 */
const registriesUnknown = (baseLock: UnreadableLock, file: string): string =>
  `base's ${baseLock.unreadable}, so which registries head's ${file} may install orgctl from is unknown: make base's lock one npm writes, in a change of its own, before this upgrade`;

/**
 * What head's package-lock.json installs for orgctl, or why that is unknown: `--head-lock FILE`
 * when given (for a head folder, which has no ref to read it from: judgeChange refuses it beside a
 * ref), else `package-lock.json` at the root of head's git ref (`--head REF` or `REF:dist`).
 */
export function readHeadLock(
  baseLock: string | UnreadableLock | undefined,
  head: string,
  headLock: string | undefined,
): LockedEngine | string {
  if (typeof baseLock === 'object') return registriesUnknown(baseLock, PACKAGE_LOCK);
  let text: string | { readonly problem: string };
  if (headLock !== undefined) text = readDataFile('--head-lock', headLock, MAX_LOCK_BYTES);
  else {
    const ref = refOfSide(head);
    if (ref === undefined)
      return `--head ${head} is a folder, so which orgctl head's package-lock.json installs is unknown: give --head-lock FILE (head's package-lock.json), or --head as a git ref`;
    // npm installs a shrinkwrap in the lock's place, and the head engine's job is handed the lock only.
    // Any shrinkwrap, an empty one too (which npm ignores, as readBaseLockText reads base's): on the
    // head's side stricter than npm on purpose, as nothing an upgrade needs is in one.
    const shrinkwrap = readRefFile(ref, SHRINKWRAP, MAX_LOCK_BYTES);
    if (typeof shrinkwrap === 'string' || !shrinkwrap.absent)
      return `head holds ${SHRINKWRAP}, which npm installs from in place of ${PACKAGE_LOCK} (npm ci reads it first and ignores ${PACKAGE_LOCK}), while the head engine's job installs the ${PACKAGE_LOCK} it is handed: its proof is not of the orgctl that runs once this merges. Remove ${SHRINKWRAP} (npm writes ${PACKAGE_LOCK}) to upgrade with a head proof`;
    text = readRefFile(ref, PACKAGE_LOCK, MAX_LOCK_BYTES);
  }
  return typeof text === 'string'
    ? lockedEngine(text, RUNNING_ENGINE.name, trustedRegistries(baseLock))
    : `head's package-lock.json: ${text.problem}`;
}

/**
 * What the lock npm installs from at head's git ref installs for orgctl, which an approval of the
 * upgrade trusts: npm-shrinkwrap.json, in package-lock.json's place, unless head holds none or an
 * empty one (npm's `shrinkwrap || lock`, as readBaseLockText reads base's: red team R61-2); or why
 * the review cannot read it as npm does. Undefined when head holds no lock (npm ci installs
 * nothing without one). `given`: what readHeadLock read (`--head-lock`, or the ref's package-lock.json),
 * which a head folder, having no ref, is told by alone. `baseLock`: base's lock as readBaseLockText read
 * it, whose registries head's may install from (readHeadLock's).
 */
export function readHeadInstalledLock(
  baseLock: string | UnreadableLock | undefined,
  head: string,
  given: LockedEngine | string | undefined,
): LockedEngine | string | undefined {
  const ref = refOfSide(head);
  if (ref === undefined) return typeof given === 'object' ? given : undefined;
  const shrinkwrap = readRefFile(ref, SHRINKWRAP, MAX_LOCK_BYTES);
  const file = installedLockFile(typeof shrinkwrap !== 'string' && shrinkwrap.absent ? ABSENT : shrinkwrap);
  // No shrinkwrap: readHeadLock read this very package-lock.json, at this ref, against base's registries.
  if (file === PACKAGE_LOCK && typeof given === 'object') return given;
  const text = file === SHRINKWRAP ? shrinkwrap : readRefFile(ref, PACKAGE_LOCK, MAX_LOCK_BYTES);
  if (typeof text === 'string')
    return typeof baseLock === 'object'
      ? registriesUnknown(baseLock, file)
      : lockedEngine(text, RUNNING_ENGINE.name, trustedRegistries(baseLock), file);
  return text.absent ? undefined : `head's ${file}: ${text.problem}`;
}

/**
 * The lock file npm installs from, given what a side holds as npm-shrinkwrap.json (its text, ABSENT,
 * or why it cannot be read): npm installs `shrinkwrap || lock` (arborist's Shrinkwrap.load), so an
 * empty shrinkwrap is none (R58-7) and one it cannot read is still the one (R54-1).
 */
function installedLockFile(
  shrinkwrap: string | typeof ABSENT | { readonly problem: string },
): typeof SHRINKWRAP | typeof PACKAGE_LOCK {
  return shrinkwrap === ABSENT || shrinkwrap === '' ? PACKAGE_LOCK : SHRINKWRAP;
}

/** Why base's lock, which npm installs from, cannot be read as npm reads it: `npm-shrinkwrap.json cannot be read ... (why)`. */
export interface UnreadableLock {
  readonly unreadable: string;
}

/**
 * Base's lock as text, read once for all a review asks of it: the one npm installs from,
 * npm-shrinkwrap.json when base holds one that is not empty (its package-lock.json is then
 * ignored: red team R54-1; an empty one npm ignores, R58-7), else package-lock.json; undefined when
 * base holds neither. One npm reads and the review cannot (not a regular file, too large, not JSON,
 * git's conflict markers) is said so, never taken as none: what it installs is unknown (R59-2/3).
 */
export function readBaseLockText(base: string): string | UnreadableLock | undefined {
  const shrinkwrap = basePackageText(base, SHRINKWRAP, MAX_LOCK_BYTES);
  const file = installedLockFile(shrinkwrap);
  const text = file === SHRINKWRAP ? shrinkwrap : basePackageText(base, PACKAGE_LOCK, MAX_LOCK_BYTES);
  if (text === ABSENT) return undefined;
  const problem = typeof text === 'string' ? lockReadProblem(text) : text.problem;
  if (problem !== undefined || typeof text !== 'string')
    return { unreadable: `${file} cannot be read as npm reads it: ${problem}` };
  return text;
}

/** What base's package-lock.json installs for orgctl (version, source, integrity), or undefined when that is unknown. */
export function baseLockedEngine(baseLock: string | undefined): LockedEngine | undefined {
  const locked =
    baseLock === undefined ? undefined : lockedEngine(baseLock, RUNNING_ENGINE.name, lockRegistries(baseLock));
  return typeof locked === 'object' ? locked : undefined;
}

/**
 * Where a base folder's package files are: the root of the git work tree that tracks it (`--base
 * dist` in the review job, which checks out the base branch), as head's are read at the root of
 * head's ref; else the nearest project above it that no work tree tracks (a copy of base kept
 * elsewhere, or untracked inside a checkout). Never a checkout's own project holding an untracked
 * copy: run on the pull request's branch, that is head's. Undefined when there is none.
 */
function baseProjectOf(folder: string): string | undefined {
  const tree = workTreeOf(folder);
  if (tree !== undefined && tracks(folder)) return tree;
  const project = folderAbove(join(resolve(folder), 'package.json'), 'package.json');
  return project !== undefined && !tracks(project, 'package.json') ? project : undefined;
}

/** A file base's project does not hold (basePackageText). */
const ABSENT = Symbol('absent');

/**
 * A package file of base's: its text, ABSENT when base holds none (nor any project), or why it
 * cannot be read (not a regular file, too large, no git): at the root of base's git ref, or for a
 * folder in its project (baseProjectOf).
 */
function basePackageText(
  base: string,
  path: string,
  maxBytes: number,
): string | typeof ABSENT | { readonly problem: string } {
  const ref = refOfSide(base);
  if (ref === undefined) {
    const project = baseProjectOf(base);
    if (project === undefined) return ABSENT;
    try {
      const text = regularFileText(join(project, path), maxBytes);
      return typeof text === 'string' || 'problem' in text ? text : { problem: `it is ${text.notRegular}` };
    } catch (e) {
      const error = e as NodeJS.ErrnoException;
      return error.code === 'ENOENT' ? ABSENT : { problem: error.message };
    }
  }
  try {
    const text = readRefFile(ref, path, maxBytes);
    return typeof text === 'string' ? text : text.absent ? ABSENT : text;
  } catch (e) {
    return { problem: (e as Error).message };
  }
}

/** A package file of base's, or undefined when it is absent or cannot be read (basePackageText). */
function basePackageFile(base: string, path: string, maxBytes: number): string | undefined {
  const text = basePackageText(base, path, maxBytes);
  return typeof text === 'string' ? text : undefined;
}

/**
 * Why head's package.json would have something else run as orgctl (review/head-proof.ts
 * projectCommandProblem), read from head's git ref, against base's; undefined when it would not,
 * when head holds none (npm ci installs nothing without one), or when head is a folder (no
 * package.json to read).
 */
export function readProjectCommand(base: string, head: string): string | undefined {
  const ref = refOfSide(head);
  if (ref === undefined) return undefined;
  const text = readRefFile(ref, 'package.json', MAX_PACKAGE_JSON_BYTES);
  if (typeof text !== 'string') return text.absent ? undefined : `head's package.json: ${text.problem}`;
  return projectCommandProblem(
    text,
    basePackageFile(base, 'package.json', MAX_PACKAGE_JSON_BYTES),
    RUNNING_ENGINE.name,
  );
}

/**
 * The registries a head lock may install from: those base's package-lock.json installs from
 * (basePackageFile), else npm's public registry (no base lock, or one naming none).
 */
function trustedRegistries(baseLock: string | undefined): string[] {
  const registries = baseLock === undefined ? [] : lockRegistries(baseLock);
  return registries.length ? registries : [DEFAULT_REGISTRY];
}
