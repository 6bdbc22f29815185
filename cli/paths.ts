/**
 * Finding things above a file, as Node finds node_modules and npm finds package.json: the
 * declaration a project names, and the folders orgctl keeps its caches in.
 */
import { existsSync, lstatSync, mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { InputError } from '../model/errors.ts';

/** The nearest folder at or above `file`'s folder that holds `name`, or undefined. */
export function folderAbove(file: string, name: string): string | undefined {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (existsSync(join(dir, name))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

export const DEFAULT_ENTRY = 'org/org.ts';

/**
 * The declaration a project names in its package.json (`"orgctl": { "spec": "org/org.yaml" }`, a
 * path relative to that package.json), as a path relative to the working directory; undefined
 * when the nearest package.json names none.
 */
export function configuredSpec(cwd = process.cwd()): string | undefined {
  const project = folderAbove(join(cwd, 'package.json'), 'package.json');
  if (!project) return undefined;
  const file = join(project, 'package.json');
  let pkg: unknown;
  try {
    pkg = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError(`${relative(cwd, file) || file}: ${(e as Error).message}`);
  }
  const config = (pkg as { orgctl?: unknown } | null)?.orgctl;
  if (config === undefined) return undefined;
  const spec = (config as { spec?: unknown } | null)?.spec;
  if (
    typeof config !== 'object' ||
    config === null ||
    Array.isArray(config) ||
    (spec !== undefined && (typeof spec !== 'string' || !spec))
  )
    throw new InputError(
      `${relative(cwd, file) || file}: "orgctl" must be an object whose "spec" is a file's path, e.g. { "spec": "org/org.yaml" }`,
    );
  return spec === undefined ? undefined : relative(cwd, resolve(project, spec)) || spec;
}

/** The declaration to read: `--spec FILE` when given, else package.json's orgctl.spec, else org/org.ts. */
export function declarationFile(spec: string | undefined): string {
  return spec ?? configuredSpec() ?? DEFAULT_ENTRY;
}

/** Whether a declaration is a module (TypeScript or JavaScript: a program) rather than a spec file (data). */
export const isModuleFile = (file: string): boolean => /\.(ts|mts|js|mjs)$/.test(file);

/**
 * Whether `dir` is a folder of this user's (not a symbolic link) that nobody else may write to: a
 * cache's records bind it to what it was made from, but whoever may write the folder writes the
 * records too (a declaration's bundle replaced with its record ran, red team R101-2). Its group may
 * write to it only when that group is the user's own primary group (a user private group: umask 002
 * makes node_modules 0775). bin/orgctl.mjs asks the same of the folder of orgctl's own bundle.
 */
export function ownFolder(dir: string): boolean {
  const s = lstatSync(dir);
  if (!s.isDirectory() || (process.getuid !== undefined && s.uid !== process.getuid())) return false;
  return (s.mode & 0o002) === 0 && ((s.mode & 0o020) === 0 || s.gid === process.getgid?.());
}

/** The variable naming the folder orgctl keeps its caches in, instead of node_modules/.cache/orgctl. */
export const CACHE_DIR_VARIABLE = 'ORGCTL_CACHE_DIR';

/**
 * orgctl's cache folder `name` for a file: `$ORGCTL_CACHE_DIR/<name>` when that is set (the tests
 * set it: a clone's node_modules may be a link to a shared install); else
 * `node_modules/.cache/orgctl/<name>` nearest it; else a
 * private folder in tmp. Each only when it is this user's own and nobody else may write to it (ownFolder).
 * `node_modules` may be a link to this user's folder (a shared install); below it, every folder is
 * this user's and none is a symbolic link (a branch may commit one, and git checks it out even in
 * an ignored folder: orgctl would write and prune where it points), else the tmp folder is used.
 */
export function cacheFolder(file: string, name: string): string | undefined {
  const project = folderAbove(file, 'node_modules');
  const named = process.env[CACHE_DIR_VARIABLE];
  try {
    if (named) {
      // A folder the user named: theirs, made when missing; never one that is not their own.
      const dir = join(resolve(named), name);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      return ownFolder(resolve(named)) && ownFolder(dir) ? dir : undefined;
    }
    if (project) {
      let dir = realpathSync(join(project, 'node_modules'));
      let own = ownFolder(dir);
      for (const part of ['.cache', 'orgctl', name]) {
        if (!own) break;
        dir = join(dir, part);
        if (!lstatSync(dir, { throwIfNoEntry: false })) mkdirSync(dir, { mode: 0o755 });
        else own = ownFolder(dir);
      }
      if (own) return dir;
    }
    const dir = join(tmpdir(), `orgctl-${name}-${process.getuid?.() ?? 'user'}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return ownFolder(dir) ? dir : undefined;
  } catch {
    return undefined;
  }
}
