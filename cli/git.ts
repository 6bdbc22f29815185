/**
 * Reads a folder of a git ref from git objects: no checkout, nothing run from the tree.
 * `origin/main` means that ref's dist/; `REF:path` names another folder.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../model/errors.ts';
import type { TreeEntry } from '../policies/change/context.ts';
import { MEMBERS_FILE, ORGANIZATION_CONFIGMAP } from '../model/membership.ts';
import { firstOf, nearestName, showHidden } from '../model/text.ts';
import type { LoadedManifests } from './manifests.ts';
import {
  holdsOrgctlOutput,
  OLDER_LAYOUT,
  parseOutput,
  readOutputFolder,
  type DocumentCache,
  type OutputText,
} from './output-read.ts';
import { beginsWith, decodeOutput, DEFAULT_OUTPUT_DIR, MAX_OUTPUT_BYTES, readWhole } from './output.ts';
import { statOf } from './file-stamp.ts';
import { askedOnceARun } from './per-run.ts';
import { clustersOfFolder, listFolder } from './partial-read.ts';
import { CLUSTER_SHARD, OUTPUT_HEADER, SHARD_FILE_NAME } from '../synth/render.ts';

/**
 * The most git may print for a listing orgctl reads (ls-tree, diff --name-only): an organization's
 * repository lists far less (GitHub lists at most 100,000 entries of a tree), while a tree naming
 * one subtree many times unfolds, from a few KB of objects, to millions of entries (red team R82-1).
 */
export const MAX_LISTING_BYTES = 64 * 2 ** 20;

/** More than any declaration holds: a larger file of org/ code is said, not read (cli/org-code.ts). */
export const MAX_CODE_BYTES = 2 ** 20;

/**
 * More than any organization's org/ code together: GitHub lists a change of 3,000 files (red team
 * R82-1). Also the most git merge-tree merges in content for a local review (refuseLargeMerge).
 */
export const MAX_CHANGED_CODE_BYTES = 16 * 2 ** 20;

/** The largest output orgctl's benchmark writes, as MAX_OUTPUT_BYTES's refusal says it. */
const LARGEST_OUTPUT = 'size XL, 50,000 users and 500,000 grants, writes 194 MB';

/** A size in MB, as messages say it. */
const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);

/** How git() runs a command, beyond its arguments. */
interface GitCall {
  readonly input?: Buffer;
  /** Exit codes that are an empty answer when git says nothing (merge-base's 1, none). */
  readonly quiet?: readonly number[];
  /** Exit codes whose output is the answer (merge-tree's 1, a merge with conflicts). */
  readonly answered?: readonly number[];
  readonly maxBuffer?: number;
  /** The error of a failing command, from git's first line of why (default: the command and that line). */
  readonly fails?: (why: string) => InputError;
}

/**
 * What git prints, at most `maxBuffer` bytes (more is an InputError, git stopped: nothing is read
 * whole that a pushed object can make any size); an InputError when it fails.
 */
function git(args: readonly string[], call: GitCall = {}): Buffer {
  const { input, quiet = [], answered = [0], maxBuffer = MAX_LISTING_BYTES } = call;
  // The command's name, past any `-c name=value` pinning configuration.
  const command = args.find((a) => !a.startsWith('-') && !a.includes('=')) ?? args[0];
  const r = spawnSync('git', args, { input, maxBuffer });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOBUFS')
    throw new InputError(
      `git ${command} printed more than orgctl reads (${maxBuffer / 2 ** 20} MB), and was stopped: more than an organization's repository holds (a tree naming one subtree many times unfolds so); nothing of it is judged`,
    );
  if (r.error) throw new InputError(`git ${command}: ${r.error.message}`);
  if (r.status !== 0 && quiet.includes(r.status ?? -1) && !r.stderr.length) return Buffer.alloc(0);
  const why = r.stderr.toString().trim().split('\n')[0] ?? '';
  if (!answered.includes(r.status ?? -1)) throw call.fails?.(why) ?? new InputError(`git ${args.join(' ')}: ${why}`);
  return r.stdout;
}

/** What a git command prints, line by line; none when it fails (no repository, no git). */
function gitLines(args: readonly string[]): string[] {
  const r = spawnSync('git', args, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n').filter(Boolean) : [];
}

/** git's lines for `args` (of no side: the remotes, their refs), asked once a run in each working folder. */
function gitLinesOnce(args: readonly string[]): string[] {
  return gitAnswers(args.join('\0'), () => gitLines(args));
}
const gitAnswers = askedOnceARun<string[]>();

/** Whether a side's ref may be handed to git: not empty, nor starting with - (git would read it as one of its options). */
export const readableRef = (ref: string): boolean => ref !== '' && !ref.startsWith('-');

/** Git's modes for a regular file; anything else (120000 link, 160000 submodule) is not one. */
const REGULAR = new Set(['100644', '100755']);

/**
 * Every file under `dir` at `ref`, as text, read with one `git cat-file --batch`. The output folder
 * of a ref holds orgctl's files only: a symbolic link, a submodule or a file outside orgctl's layout
 * is an InputError (parseOutput checks the layout and the YAML).
 */
export function readRefOutput(ref: string, dir: string): OutputText[] {
  const prefix = dir.replace(/\/+$/, '');
  // Sizes are asked after, of each object once: ls-tree -l looks each entry's object up again.
  const listing = git(['ls-tree', '-r', '-z', '--full-tree', ref, '--', prefix])
    .toString('utf8')
    .split('\0')
    .filter(Boolean);
  const entries = listing.map((line) => {
    const tab = line.indexOf('\t');
    const [mode, type, sha] = line.slice(0, tab).split(' ');
    const path = line.slice(tab + 1);
    return {
      mode: mode!,
      type: type!,
      sha: sha!,
      path,
      relative: path.slice(prefix.length + 1),
      // A name of head's tree as a message shows it: a line break there is git's to allow, not a line (R30-1).
      label: showHidden(`${ref}:${path}`),
    };
  });
  if (!entries.length) throw new InputError(`${ref}:${prefix} holds no manifests`);
  const odd = entries.filter((e) => e.type !== 'blob' || !REGULAR.has(e.mode));
  if (odd.length) {
    throw new InputError(
      firstOf(
        odd.map(
          (e) =>
            `${e.label} is ${e.mode === '120000' ? 'a symbolic link' : e.type === 'commit' ? 'a submodule' : `not a regular file (mode ${e.mode})`}: orgctl's output holds regular files only`,
        ),
        20,
        '\n',
      ),
    );
  }
  const sizes = sizesOf(entries.map((e) => e.sha));
  const missing = entries.find((e) => !sizes.has(e.sha));
  if (missing)
    throw new InputError(
      `${missing.label}: git has no object ${missing.sha} here (a shallow or partial clone?): fetch the commit's whole tree (git fetch --unshallow, or a checkout with fetch-depth: 0 and no filter)`,
    );
  const blobs = entries.map((e) => ({ ...e, size: sizes.get(e.sha)! }));
  const total = blobs.reduce((n, e) => n + e.size, 0);
  if (total > MAX_OUTPUT_BYTES) {
    const largest = [...blobs].sort((a, b) => b.size - a.size).map((e) => `${e.label} (${mb(e.size)} MB)`);
    throw new InputError(
      `${tooLargeToRead(showHidden(`${ref}:${prefix}`), total, MAX_OUTPUT_BYTES).problem} of an output (${LARGEST_OUTPUT}), so none of it is read; the largest: ${firstOf(largest, 3)}`,
    );
  }
  const contents = catBlobs(blobs);
  return blobs.map((b, i) => ({ path: b.relative, content: decodeOutput(contents[i]!, b.label), label: b.label }));
}

/** What `git cat-file` prints of the objects `shas`, handed one a line, at most `maxBuffer` bytes. */
const catFile = (batch: '--batch' | '--batch-check', shas: readonly string[], maxBuffer: number): Buffer =>
  git(['cat-file', batch], { input: Buffer.from(shas.map((sha) => `${sha}\n`).join('')), maxBuffer });

/** The size of each object `shas` names, asked of git once an object (`git cat-file --batch-check`). */
function sizesOf(shas: readonly string[]): Map<string, number> {
  const unique = [...new Set(shas)];
  const out = catFile('--batch-check', unique, unique.length * BATCH_FRAME_BYTES);
  const sizes = new Map<string, number>();
  for (const line of out.toString('latin1').split('\n').filter(Boolean)) {
    // `<oid> missing` for an object this clone lacks: left out.
    const [sha, type, size] = line.split(' ');
    if (type !== 'missing') sizes.set(sha!, Number(size));
  }
  return sizes;
}

/** What `git cat-file --batch` prints before an object's bytes: `<oid> blob <size>`, and a line break after them. */
const BATCH_FRAME_BYTES = 128;

/**
 * The contents of blobs (`sha`, and `size` as git listed it), in their order, read with one `git
 * cat-file --batch`, which may print no more than the sizes listed.
 */
function catBlobs(blobs: readonly { readonly sha: string; readonly size: number }[]): Buffer[] {
  const shas = blobs.map((b) => b.sha);
  const listed = blobs.reduce((n, b) => n + b.size + BATCH_FRAME_BYTES, 0);
  return splitBatch(catFile('--batch', shas, listed), shas.length);
}

/** The `count` objects' contents of `git cat-file --batch`'s output. */
function splitBatch(out: Buffer, count: number): Buffer[] {
  const blobs: Buffer[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    const eol = out.indexOf(10, at);
    const size = Number(out.subarray(at, eol).toString().split(' ')[2]);
    blobs.push(out.subarray(eol + 1, eol + 1 + size));
    at = eol + 1 + size + 1;
  }
  return blobs;
}

/** A file read as data from git objects: its text, or why it cannot be read. */
type RefFileText = string | { readonly problem: string; readonly absent?: true };

/**
 * One file at `ref` (`package-lock.json`), read as data from git objects: its text, or why it
 * cannot be read (absent, not a regular file, over `maxBytes`). A ref git does not know is an InputError.
 */
export function readRefFile(ref: string, path: string, maxBytes: number): RefFileText {
  return readRefFiles(ref, [path], maxBytes).get(path)!;
}

/**
 * Files at `ref`, as readRefFile reads each, by path: with one `git ls-tree` and one `git cat-file
 * --batch` for all of them (a review reads every org/ code file a change touches); given `total`,
 * in git's order until `total.bytes` together (a file past them is said, as `total.what` names them, not read).
 */
export function readRefFiles(
  ref: string,
  paths: readonly string[],
  maxBytes: number,
  total?: { readonly bytes: number; readonly what: string },
): Map<string, RefFileText> {
  // Read before the sides (judgeChange), whose reading then says why (red team R43-2).
  if (!readableRef(ref))
    return new Map(
      paths.map((p) => [p, { problem: `'${ref}' is no ref git may be handed (empty, or starting with -)` }]),
    );
  const out = new Map<string, RefFileText>(
    paths.map((p) => [p, { problem: `${ref}:${p} does not exist`, absent: true }]),
  );
  const wanted: { readonly path: string; readonly sha: string; readonly size: number }[] = [];
  let sum = 0;
  for (const line of git(['ls-tree', '-z', '-l', '--full-tree', ref, '--', ...paths])
    .toString('utf8')
    .split('\0')
    .filter(Boolean)) {
    const path = line.slice(line.indexOf('\t') + 1);
    // A path git matched as a pattern, not one asked for, is not read.
    if (!out.has(path)) continue;
    const [mode, type, sha, listed] = line.slice(0, line.indexOf('\t')).split(/ +/);
    const size = Number(listed);
    if (type !== 'blob' || !REGULAR.has(mode!))
      out.set(path, { problem: `${ref}:${path} is not a regular file (mode ${mode})` });
    else if (size > maxBytes) out.set(path, tooLargeToRead(`${ref}:${path}`, size, maxBytes));
    else if (total && sum + size > total.bytes)
      out.set(path, {
        problem: `${ref}:${path} (${mb(size)} MB) with the files before it is more than orgctl reads of ${total.what} (${total.bytes / 2 ** 20} MB)`,
      });
    else {
      sum += size;
      wanted.push({ path, sha: sha!, size });
    }
  }
  if (!wanted.length) return out;
  const blobs = catBlobs(wanted);
  wanted.forEach((w, i) => out.set(w.path, blobs[i]!.toString('utf8')));
  return out;
}

/**
 * The whole tree of `ref`'s commit as Argo CD would check it out (repository-tree): every entry's
 * path and git mode, folders included, read from git objects. A ref git does not know is an InputError.
 */
export function readRefTree(ref: string): TreeEntry[] {
  return git(['ls-tree', '-r', '-t', '-z', '--full-tree', ref])
    .toString('utf8')
    .split('\0')
    .filter(Boolean)
    .map((line) => ({ mode: line.slice(0, line.indexOf(' ')), path: line.slice(line.indexOf('\t') + 1) }));
}

/**
 * How orgctl's `git diff` lists paths, whatever this clone's configuration says: NUL-separated, a
 * rename as the path removed and the path added, no external diff or textconv; --no-relative:
 * diff.relative would list, asked below the top, only the paths under the current folder;
 * --ignore-submodules=none: diff.ignoreSubmodules would leave a submodule's change out.
 */
const PINNED_DIFF = [
  '-z',
  '--no-renames',
  '--no-ext-diff',
  '--no-textconv',
  '--no-relative',
  '--ignore-submodules=none',
];

/**
 * The paths a change from `base` to `head` (git refs) touches: those merging head into base
 * rewrites there, every path from the top, a rename as the path removed and the path added,
 * whatever git's configuration says, and every path the merge conflicts in. The merge's own tree
 * (mergedTree) is what lands: it merges from every merge base of a criss-cross history, where `git
 * diff base...head` reads one (red team R42-1), and follows a rename base made since, writing
 * head's change of a moved path at its new one (R43-1). A conflicted path lands as whoever
 * resolves it writes it, while the tree keeps base's version of one it cannot mark (a file one
 * side deleted, a binary file): it counts whatever the tree holds (R44-2). Refs that start with -
 * are never read as git's options (R42-2).
 */
export function changedPathsBetween(base: string, head: string): string[] {
  // Every merge base, asked once: what merge-tree merges from, and what refuseLargeMerge measures.
  const bases = git(['merge-base', '--all', '--end-of-options', base, head], { quiet: [1] })
    .toString('latin1')
    .split('\n')
    .filter(Boolean);
  // merge-tree refuses unrelated histories too, in words that do not say what to do.
  if (!bases.length)
    throw new InputError(
      `${base} and ${head} have no commit in common (unrelated histories, or a shallow clone that does not reach one): the paths the change touches are unknown; fetch more history, or give them with --changed-path`,
    );
  const { tree, conflicted } = mergedTree(base, head, bases);
  const rewritten = git(['diff', '--name-only', ...PINNED_DIFF, '--end-of-options', base, tree, '--'])
    .toString('utf8')
    .split('\0')
    .filter(Boolean);
  return [...new Set([...rewritten, ...conflicted])].sort();
}

/**
 * The tree merging `head` into `base` writes (git merge-tree --write-tree: merge-ort, as git merge
 * and GitHub merge), and the paths it conflicts in; renames followed as git's defaults have it,
 * whatever this clone's configuration says. Bounded as orgctl's other reads of git (red team R86-3):
 * what it lists, and what it merges (refuseLargeMerge), asked before it runs.
 */
function mergedTree(
  base: string,
  head: string,
  bases: readonly string[],
): { readonly tree: string; readonly conflicted: string[] } {
  refuseLargeMerge(base, head, bases);
  const pinned = ['-c', 'merge.renames=true', '-c', 'merge.directoryRenames=conflict'];
  const listed = ['--name-only', '--no-messages', '-z'];
  // git before 2.38 has no --write-tree (its merge-tree prints a usage): said so, with what to do.
  const unknown = (why: string) =>
    new InputError(
      `git merge-tree --write-tree ${base} ${head}: ${why}: the paths merging head writes are unknown; use git 2.38 or later, or give them with --changed-path`,
    );
  // Exit 1 is a merge with conflicts: its tree is still written, first, then each conflicted path.
  const [tree, ...conflicted] = git(
    [...pinned, 'merge-tree', '--write-tree', ...listed, '--end-of-options', base, head],
    {
      answered: [0, 1],
      fails: unknown,
    },
  )
    .toString('utf8')
    .split('\0');
  if (!tree) throw unknown('no tree written');
  return { tree, conflicted: conflicted.filter(Boolean) };
}

/** Git's modes of what merge-tree may read in content: a regular file, or a symbolic link's target. */
const MERGED = new Set([...REGULAR, '120000']);

/**
 * Refuses, before git merge-tree runs, what it could not merge within orgctl's limits (red team
 * R82's leftover, R86-3): a side that wrote more since its merge bases with the other than orgctl
 * reads of an output (MAX_OUTPUT_BYTES: a rename pairs added blobs by their content), and blobs both
 * sides changed of more than orgctl reads of a change's code together (MAX_CHANGED_CODE_BYTES):
 * merge-tree merges those in content, and xdiff takes some 45 times their size in memory (a 100 MB
 * file of text lines changed on both sides, under 1 MB pushed: 77 s and 9.1 GB), writing what it
 * merged as objects. Asked of git's listings (`diff --raw` since each of `bases`, their merge
 * bases, bounded) and sizes (`cat-file --batch-check`) before any blob is read.
 */
function refuseLargeMerge(base: string, head: string, bases: readonly string[]): void {
  /** Each path `side` changed since `from`, and the blob it has there (a file's or a link's). */
  const writtenSince = (from: string, side: string): Map<string, string> => {
    // `:old-mode new-mode old-oid new-oid status`, then the path.
    const fields = git(['diff', '--raw', '--no-abbrev', ...PINNED_DIFF, '--end-of-options', from, side, '--'])
      .toString('latin1')
      .split('\0');
    const out = new Map<string, string>();
    fields.forEach((meta, i) => {
      const [, mode, , oid] = meta.slice(1).split(' ');
      if (meta.startsWith(':') && MERGED.has(mode!)) out.set(fields[i + 1]!, oid!);
    });
    return out;
  };
  const sizeOf = (oids: Iterable<string>) => [...sizesOf([...oids]).values()].reduce((n, size) => n + size, 0);
  const [wroteBase, wroteHead, merged] = [new Set<string>(), new Set<string>(), new Set<string>()];
  for (const from of bases) {
    const [ours, theirs] = [writtenSince(from, base), writtenSince(from, head)];
    ours.forEach((oid) => wroteBase.add(oid));
    theirs.forEach((oid) => wroteHead.add(oid));
    for (const [path, oid] of theirs) if (ours.has(path)) merged.add(oid).add(ours.get(path)!);
  }
  const refuse = (what: string, size: number, max: number, of: string) =>
    new InputError(
      `${tooLargeToRead(what, size, max).problem} of ${of}: git merge-tree, which would merge it, is not run; bring head up to date with base, or give the paths the change touches with --changed-path`,
    );
  for (const [side, other, oids] of [
    [base, head, wroteBase],
    [head, base, wroteHead],
  ] as const) {
    const size = sizeOf(oids);
    if (size > MAX_OUTPUT_BYTES)
      throw refuse(`what ${side} wrote since its merge base with ${other}`, size, MAX_OUTPUT_BYTES, 'an output');
  }
  const both = sizeOf(merged);
  if (both > MAX_CHANGED_CODE_BYTES)
    throw refuse(
      `what both ${base} and ${head} changed since their merge base`,
      both,
      MAX_CHANGED_CODE_BYTES,
      "a change's code",
    );
}

/** The top folder of the git work tree holding `folder`, or undefined when it is in none (or there is no git). */
export function workTreeOf(folder: string): string | undefined {
  const r = spawnSync('git', ['-C', folder, 'rev-parse', '--show-toplevel'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : undefined;
}

/**
 * Whether the git work tree holding `folder` tracks `name` in it (`.`: the folder itself, some file
 * of it): false for untracked files (a copy kept inside a checkout), outside any work tree, without git.
 */
export function tracks(folder: string, name = '.'): boolean {
  const r = spawnSync('git', ['-C', folder, 'ls-files', '--error-unmatch', '--', name], { stdio: 'ignore' });
  return r.status === 0;
}

/** Why a data file is not read: its size against what orgctl reads of it. */
export const tooLargeToRead = (what: string, size: number, maxBytes: number): { readonly problem: string } => ({
  problem: `${what} is ${mb(size)} MB, more than orgctl reads (${maxBytes / 2 ** 20} MB)`,
});

/**
 * git's answer whether it knows `ref` as what readRefOutput reads (git ls-tree: a commit, a tag of
 * one, or a tree, `main^{tree}`): 0 yes, 1 no, else no repository (or no git).
 */
const verifyTreeish = (ref: string): number | null =>
  spawnSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{tree}`], { stdio: 'ignore' }).status;

/**
 * Where a `--base`/`--head` value points: an existing folder, else a git ref and its folder (`REF`
 * or `REF:folder`). A value that names both is refused: a branch can commit a folder of any name
 * (main/, HEAD/, origin/main:dist/), and in its checkout `--base main` would read the branch's
 * copy as base. A path written as one (./main, /abs) is the folder.
 */
function sideAt(spec: string, defaultDir: string): SideAt {
  const colon = spec.indexOf(':');
  const ref = colon > 0 ? { ref: spec.slice(0, colon), dir: spec.slice(colon + 1) } : { ref: spec, dir: defaultDir };
  // Looked at every time, never kept: between a synthesis's two renames the folder is missing, and
  // loadSide's reading again (readWhole, R101-1) must find it back, not a ref kept from that moment.
  if (!statOf(spec)?.isDirectory()) return ref;
  if (/^\.{0,2}\//.test(spec) || ref.ref.startsWith('-')) return { folder: spec };
  // git's verdict on a folder's name, judged once a run: review asks for a side's ref in several
  // places (refOfSide), each the same answer.
  return foldersJudged(spec, () => judgeFolderName(spec, ref.ref));
}

type SideAt = { readonly folder: string } | { readonly ref: string; readonly dir: string };

/** Each existing folder's name git was asked of (judgeFolderName), by working folder and value, kept for the run. */
const foldersJudged = askedOnceARun<{ readonly folder: string }>();

/** A folder `spec` named bare, unless git knows `ref` (or a remote's branch of that name): asks git. */
function judgeFolderName(spec: string, ref: string): { readonly folder: string } {
  const status = verifyTreeish(ref);
  if (status === 0)
    throw new InputError(
      `${spec} names both a folder here and the git ref ${ref}: a branch can commit a folder of any name, so neither is read; give ./${spec} for the folder, or for the ref remove the folder (or name the ref by its commit, git rev-parse ${ref})`,
    );
  const unfetched = status === 1 ? remoteRefNamed(ref) : undefined;
  if (unfetched)
    throw new InputError(
      `${spec}: no git ref ${ref} here, but ${unfetched}; a branch can commit a folder of any name, so the folder ${spec} is not read for it: give ./${spec} for the folder, or fetch the ref and give it`,
    );
  return { folder: spec };
}

/** git's own names for refs: written so, a name is a ref's, never a folder's (refs/..., remotes/..., FETCH_HEAD). */
const REF_SYNTAX = /^(refs|remotes)\/|^[A-Z]+(_[A-Z]+)*_HEAD$/;

/**
 * What `name`, no ref in this clone, is surely meant to be: a ref written as git names refs
 * (refs/remotes/origin/main, FETCH_HEAD), a ref of a remote not fetched (`origin/main`: origin is a
 * remote here) or a remote's branch with no local one (`release`, where origin/release is);
 * undefined when none. A branch could otherwise commit a folder of that name and be read as its own base.
 */
function remoteRefNamed(name: string): string | undefined {
  if (REF_SYNTAX.test(name)) return 'it is written as git names a ref';
  const remotes = gitLinesOnce(['remote']);
  const remote = remotes.find((r) => name.startsWith(`${r}/`));
  if (remote) return `${remote} is a git remote here (git fetch ${remote} ${name.slice(remote.length + 1)})`;
  const fetched = new Set(gitLinesOnce(['for-each-ref', '--format=%(refname)', 'refs/remotes']));
  const tracking = remotes.find((r) => fetched.has(`refs/remotes/${r}/${name}`));
  return tracking && `the remote branch ${tracking}/${name} is (give ${tracking}/${name})`;
}

/**
 * The commit a side was read from: its ref's (`REF` of `REF:folder`), or the HEAD of the git work
 * tree holding its folder (the review job's checkout of the default branch); undefined outside any
 * work tree, or without git.
 */
export function commitOfSide(spec: string): string | undefined {
  const ref = refOfSide(spec);
  const where = ref === undefined ? ['-C', spec] : [];
  return gitLines([...where, 'rev-parse', '--verify', '--quiet', `${ref ?? 'HEAD'}^{commit}`])[0];
}

/** A `--head`/`--base` value's git ref (`REF` of `REF:folder`), or undefined when it is an existing folder. */
export function refOfSide(spec: string): string | undefined {
  const at = sideAt(spec, DEFAULT_OUTPUT_DIR);
  return 'ref' in at ? at.ref : undefined;
}

/**
 * Why `ref` names nothing (asked once reading it failed): the side, what was given and what a side
 * may be, rather than git's command line; undefined when git knows the ref.
 */
function unknownRef(ref: string, spec: string, label: string): InputError | undefined {
  const status = verifyTreeish(ref);
  if (status === 0) return undefined;
  if (status !== 1) return noSide(spec, label, `no git repository here to find a ref ${ref} in`);
  // A branch or tag one slip away (origin/mian): named.
  const near = nearestName(ref, ['HEAD', ...gitLines(['for-each-ref', '--format=%(refname:short)'])]);
  return noSide(spec, label, `no git ref ${ref} in this repository${near ? ` (did you mean ${near}?)` : ''}`);
}

/** A side that is neither a folder here nor a git ref (`why` says which ref, and why not): the one message for it. */
const noSide = (spec: string, label: string, why: string): InputError =>
  new InputError(
    `${label}: no folder ${spec} here, and ${why}; give a folder of orgctl's output, or a git ref (HEAD, origin/main, a commit, REF:folder)`,
  );

/** Why a side is not orgctl's output, and what it may have meant. */
const notOrgctlOutput = (label: string, hint = '') =>
  new InputError(
    `${label} has no ${ORGANIZATION_CONFIGMAP} ConfigMap: it is not a dist/ synthesized by orgctl, so membership (who is admin) is unknown (no ${MEMBERS_FILE}, no file under orgctl's header)${hint}`,
  );

/** The file every cluster of an output has: its cluster shard's. */
const CLUSTER_SHARD_FILE = `${CLUSTER_SHARD}/${SHARD_FILE_NAME}`;

/** Whether a folder's subfolders hold YAML under orgctl's header: an older orgctl's output (cluster/, namespaces/). */
const holdsOlderLayout = (folder: string): boolean =>
  readdirSync(folder, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .some((d) =>
      readdirSync(join(folder, d.name), { withFileTypes: true }).some(
        (f) => f.isFile() && f.name.endsWith('.yaml') && beginsWith(join(folder, d.name, f.name), OUTPUT_HEADER),
      ),
    );

/**
 * Refuses a folder that is plainly not orgctl's output before walking it (the repository, `/tmp`):
 * neither `members.json` nor a `<cluster>/cluster/resources.yaml` at its top, which every output
 * holds. Walking it would read everything below and refuse it for a link deep inside.
 */
function refuseUnlessOutputFolder(folder: string, label: string): void {
  const holdsOutput = (dir: string, refuseUnlistable = false) =>
    existsSync(join(dir, MEMBERS_FILE)) || clustersOfFolder(listFolder(dir, { refuseUnlistable })).length > 0;
  // A folder orgctl may not list is said to be so (listFolder), not to hold no output.
  if (holdsOutput(folder, true)) return;
  const inside = join(folder, DEFAULT_OUTPUT_DIR);
  const hint = statOf(inside)?.isDirectory() && holdsOutput(inside) ? `; did you mean ${inside}?` : '';
  if (!hint && holdsOlderLayout(folder))
    throw new InputError(
      `${label} holds files under orgctl's header but neither ${MEMBERS_FILE} nor ${CLUSTER_SHARD_FILE} in a cluster's folder: ${OLDER_LAYOUT}`,
    );
  throw notOrgctlOutput(label, hint);
}

/**
 * `--base`/`--head`: orgctl's output in a folder when one exists, else at a git ref (`REF` or
 * `REF:folder`). Read strictly: only what orgctl writes (parseOutput), with the files' texts.
 */
export type LoadedSide = LoadedManifests & { readonly files: readonly OutputText[] };

export function loadSide(
  spec: string,
  cache?: DocumentCache,
  label = spec,
  defaultDir = DEFAULT_OUTPUT_DIR,
): LoadedSide {
  // Read whole (R101-1): a folder swapped in meanwhile, or missing between the swap's renames (then
  // a branch of the folder's name would be read instead), is read again. A ref's files cannot change
  // while read: read once, outside (a change beside the folder's name would read it again).
  const side = readWhole(spec, () => {
    const at = sideAt(spec, defaultDir);
    if (!('folder' in at)) return at;
    refuseUnlessOutputFolder(at.folder, label);
    return { files: readOutputFolder(at.folder) };
  });
  const files = 'files' in side ? side.files : refFiles(spec, label, side);
  if (!holdsOrgctlOutput(files)) throw notOrgctlOutput(label);
  return { docs: parseOutput(files, cache), problems: [], files };
}

/** The files of a side (loadSide) at git ref `at.ref`. */
function refFiles(spec: string, label: string, at: { readonly ref: string; readonly dir: string }): OutputText[] {
  if (!readableRef(at.ref))
    throw noSide(
      spec,
      label,
      at.ref
        ? `${JSON.stringify(at.ref)} cannot be a git ref (it starts with -)`
        : `no git ref before the : of ${spec}`,
    );
  try {
    return readRefOutput(at.ref, at.dir);
  } catch (e) {
    throw unknownRef(at.ref, spec, label) ?? e;
  }
}
