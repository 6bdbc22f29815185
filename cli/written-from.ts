/**
 * What an output folder was written from, so that can-i, who-can and access, which answer from
 * dist/, can say when the declaration was edited after dist/ was written (an admin checking an edit
 * before `npm run synth` would get the old answer without a word).
 *
 * The record is kept outside the output, in orgctl's cache folder: a hash in dist/ would change the
 * committed output, and its review, at every whitespace edit of the declaration. `synth` writes it
 * when it writes the folder or finds it up to date: every file the declaration was read from (its
 * stat and SHA-256) and every folder of the output (its stat). A reader stats those, nothing else;
 * a source is hashed only when its stat changed (a touch, a checkout back and forth: the same bytes
 * say nothing) or was stamped within the clock tick of the record (racy.mjs: an edit then may keep
 * the stamp). The output's folders tell whether it is still what synth wrote: synth swaps in a
 * new folder, and git writes a changed file anew, so a checkout that changes dist/ changes a folder
 * of it. Then, as with no record at all (a fresh clone), nothing is said: the declaration and
 * dist/ came together, and `synth --check` is what compares them.
 */
import { readdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { AskedOutput } from '../analysis/ended-access.ts';
import { PROJECT_SYNTH, shellCommand } from '../model/text.ts';
import { isUnchanged, sha256Hex, sha256Of, stampOf, type FileStamp } from './file-stamp.ts';
import { mayHaveChangedSince } from './racy.mjs';
import { DEFAULT_OUTPUT_DIR } from './output.ts';
import { cacheFolder, declarationFile } from './paths.ts';
import { replaceFile } from './replace-file.ts';

/** Bump when the record's shape changes: an older record is not read. */
const RECORD_FORMAT = 2;

interface Source extends FileStamp {
  /** Its bytes' SHA-256 as read; '' when it was modified while synth ran (what was read is not known). */
  readonly sha256: string;
}

interface WrittenFrom {
  readonly format: number;
  /** The output folder, its real path. */
  readonly output: string;
  /** The declaration synth was given (the first of the sources, absolute). */
  readonly declaration: string;
  readonly sources: readonly Source[];
  readonly folders: readonly FileStamp[];
  /** When synth wrote or confirmed the output, ms since the epoch. */
  readonly writtenMs: number;
}

/** Records kept: the most recently written (one per output folder). */
const KEPT = 20;

/** The output folder and every folder below it. */
function foldersOf(dir: string): string[] {
  const out = [dir];
  for (const e of readdirSync(dir, { withFileTypes: true }))
    if (e.isDirectory()) out.push(...foldersOf(join(dir, e.name)));
  return out;
}

/** Where the record of output folder `real` (a real path) is kept; undefined when no cache folder may be used. */
function recordFile(real: string): string | undefined {
  const dir = cacheFolder(real, 'outputs');
  return dir && join(dir, `${sha256Hex(real).slice(0, 32)}.json`);
}

/**
 * The stamps of output folder `out` and every folder below it, taken when the folder is known to be
 * the output being recorded (under the output's lock, or before the comparison that confirms it):
 * taken after, they may be another synthesis's folders. Undefined when it cannot be read.
 */
export function outputFolderStamps(out: string): FileStamp[] | undefined {
  try {
    return foldersOf(realpathSync(out)).map((f) => stampOf(f));
  } catch {
    return undefined;
  }
}

/**
 * Records that `out` is the synthesis of the declaration read from `sources` (absolute; the
 * declaration first), by a run that began at `startedMs`. A cache that cannot be written is no error.
 * @param folders the output's folders as stamped while it was known to be this output
 * @default stamped now (under the output's lock)
 */
export function recordWrittenFrom(
  out: string,
  sources: readonly string[],
  startedMs: number,
  folders: readonly FileStamp[] | undefined = outputFolderStamps(out),
): void {
  try {
    if (!folders) return;
    const output = realpathSync(out);
    const file = recordFile(output);
    if (!file) return;
    const record: WrittenFrom = {
      format: RECORD_FORMAT,
      output,
      declaration: sources[0]!,
      sources: sources.map((path) => {
        const stamp = stampOf(path);
        // Saved while synth ran: what it read is not known, so the file counts as changed.
        return { ...stamp, sha256: stamp.mtimeMs < startedMs && stamp.ctimeMs < startedMs ? sha256Of(path) : '' };
      }),
      folders,
      writtenMs: Date.now(),
    };
    replaceFile(file, JSON.stringify(record));
    prune(file);
  } catch {
    // no cache: nothing will be said
  }
}

/** All but the KEPT most recently written records are removed (outputs of folders long gone, of tests). */
function prune(current: string): void {
  const dir = dirname(current);
  const records = readdirSync(dir)
    .filter((n) => /^[0-9a-f]{32}\.json$/.test(n) && join(dir, n) !== current)
    .map((n) => ({ path: join(dir, n), at: statSync(join(dir, n)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const r of records.slice(KEPT - 1)) rmSync(r.path, { force: true });
}

const readRecord = (file: string): WrittenFrom | undefined => {
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as WrittenFrom;
    return r.format === RECORD_FORMAT && Array.isArray(r.sources) && Array.isArray(r.folders) ? r : undefined;
  } catch {
    return undefined;
  }
};

/** A path as a person at the working directory names it. */
const shown = (path: string): string => relative(process.cwd(), path) || path;

/** A path as the file system names it, or as given when it is not there (an output not written yet). */
const realOrResolved = (path: string): string => {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
};

/**
 * The command that writes output folder `output` from `declaration`: `npm run synth` for the
 * project's own (org/org.ts into dist/), the whole `orgctl synth` command for any other.
 */
export function synthCommand(declaration: string, output: string): string {
  let own = false;
  try {
    own =
      realOrResolved(output) === realOrResolved(DEFAULT_OUTPUT_DIR) &&
      resolve(declaration) === resolve(declarationFile(undefined));
  } catch {
    // a package.json that cannot be read: the command in full
  }
  return own ? PROJECT_SYNTH : shellCommand(['orgctl', 'synth', '--spec', shown(declaration), '--out', shown(output)]);
}

/** What synth recorded of output folder `dir` (its real path's record), if anything: no folder or no cache is none. */
function recordOf(dir: string): WrittenFrom | undefined {
  try {
    const output = realpathSync(dir);
    const file = recordFile(output);
    const record = file && readRecord(file);
    return record && record.output === output ? record : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The command that writes output folder `dir` again: from the declaration recorded when synth
 * wrote it; without a record, `npm run synth` for the project's own and `orgctl synth --out DIR`
 * (the project's declaration) for any other.
 */
export function resynthCommand(dir: string): string {
  const record = recordOf(dir);
  if (record) return synthCommand(record.declaration, record.output);
  return realOrResolved(dir) === realOrResolved(DEFAULT_OUTPUT_DIR)
    ? PROJECT_SYNTH
    : shellCommand(['orgctl', 'synth', '--out', shown(dir)]);
}

/** Output folder `dir` as a person names it: `dist/`, and so `--dir dist/` as a shell completes it. */
const folderNamed = (dir: string): string => `${dir.replace(/\/+$/, '')}/`;

/** Output folder `dir` as a person named it (`dist/`), and the command that writes it again. */
export const askedOutput = (dir: string): AskedOutput => ({ dir: folderNamed(dir), synth: resynthCommand(dir) });

/**
 * One line to say on stderr when output folder `dir` is still what synth wrote and a file its
 * declaration was read from has changed since (other bytes, or gone); undefined otherwise, and when
 * nothing was recorded.
 */
export function staleOutputWarning(dir: string): string | undefined {
  try {
    const record = recordOf(dir);
    if (!record?.folders.every(isUnchanged)) return undefined;
    const changed = record.sources.filter((s) => {
      // A stamp of the record's clock tick may be of other bytes than those hashed (racy.mjs).
      if (s.sha256 && isUnchanged(s) && !mayHaveChangedSince(s.ctimeMs, record.writtenMs)) return false;
      try {
        return sha256Of(s.path) !== s.sha256;
      } catch {
        return true; // gone, or unreadable now
      }
    });
    if (!changed.length) return undefined;
    const what =
      changed.length === 1
        ? `${shown(changed[0]!.path)} has`
        : `${shown(changed[0]!.path)} and ${changed.length - 1} more of its files have`;
    const when = new Date(record.writtenMs).toISOString().slice(0, 16).replace('T', ' ');
    const folder = folderNamed(dir);
    return `warning: ${what} changed since ${folder} was written from ${record.declaration === changed[0]!.path ? 'it' : shown(record.declaration)} (${when} UTC): this answer is ${folder}'s, not the declaration's as it is now; run \`${synthCommand(record.declaration, record.output)}\``;
  } catch {
    return undefined;
  }
}
