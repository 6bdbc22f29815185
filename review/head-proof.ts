/**
 * An orgctl upgrade judged in its own pull request. The base's engine proves head dist/ by
 * re-rendering it (review/proof.ts); an upgrade that changes the output fails that proof by
 * design, since the old engine renders the old way. The head's engine, installed from head's
 * package-lock.json in a job without any permission, proves head dist/ itself (`orgctl prove
 * --format json`); its proof is data here, read strictly, and accepted only for an upgrade of
 * orgctl whose version is exactly what head's lock installs, so that what the `engine-change`
 * approval trusts (that version) is what vouches for the bytes. Nothing else is lifted: the
 * access diff, every change rule and `head-policies` are the base's.
 */
import { posix } from 'node:path';
import { describeValue, isRecord } from '../model/data.ts';
import { firstOf } from '../model/text.ts';
import type { InstalledFrom } from '../policies/change/context.ts';
import { isGitAttributes } from '../policies/change/repository-tree.ts';

/** An engine as `orgctl prove --format json` names it: `{ name: 'orgctl', version: '0.2.0' }`. */
export interface Engine {
  readonly name: string;
  readonly version: string;
}

/** What a head proof says, as far as the review reads it. */
export interface HeadProof {
  readonly engine: Engine;
  readonly ok: boolean;
  readonly differences: readonly string[];
  /** Error findings the head's engine reported on the organization it recovered. */
  readonly errors: number;
  /**
   * The commit whose files it proves, as the workflow passes it beside the proof (the pull job's
   * extraction: the head engine's `orgctl prove`, any release, cannot know it). A run spans pushes:
   * the review judges the head GitHub reports when it runs, so a proof counts for that commit only.
   */
  readonly commit?: string;
}

/** A commit's name as git writes it: 40 hexadecimal digits (SHA-1), or 64 (SHA-256). */
export const COMMIT = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** What head's package-lock.json installs for orgctl. */
export interface LockedEngine {
  readonly version: string;
  readonly resolved?: string;
  readonly integrity?: string;
  /**
   * Why the lock installs something from a source the base does not trust (lockSourceProblems):
   * every package the head engine's job installs runs as, or inside, the engine whose proof counts.
   */
  readonly untrusted?: string;
  /** The first of those packages and its source, and how many more: what an approval trusts beyond orgctl. */
  readonly outside?: string;
  /** The lock it was read from, when not PACKAGE_LOCK: SHRINKWRAP, which npm installs in its place (R61-2). */
  readonly file?: typeof SHRINKWRAP;
}

/** Where packages come from when the base's lock names no registry: npm's public registry. */
export const DEFAULT_REGISTRY = 'https://registry.npmjs.org';

/** The lock npm writes (and installs from when the project holds no SHRINKWRAP). */
export const PACKAGE_LOCK = 'package-lock.json';
/**
 * The lock npm installs from in PACKAGE_LOCK's place when the project holds one (arborist's
 * Shrinkwrap.load reads it first; npm's docs: "npm-shrinkwrap.json will take precedence and
 * package-lock.json will be ignored"): what npm ci installs is read there (red team R54-1).
 */
export const SHRINKWRAP = 'npm-shrinkwrap.json';

/**
 * The files whose change is an upgrade (or downgrade) of the engine an organization runs: the
 * shrinkwrap too, which npm installs in the lock's place (red team R61-2).
 */
const ENGINE_FILES = ['package.json', PACKAGE_LOCK, SHRINKWRAP] as const;
/** npm's project configuration: which registry a lock entry without `resolved` comes from, among others. */
const NPM_CONFIG = '.npmrc';

/** The largest head proof read (a proof lists one difference a file, and the policies' findings). */
export const MAX_HEAD_PROOF_BYTES = 16 * 2 ** 20;
/** The largest package-lock.json read. */
export const MAX_LOCK_BYTES = 64 * 2 ** 20;

/** A version as npm writes one (semver, with a pre-release or build part), bounded. */
const VERSION = /^\d{1,9}\.\d{1,9}\.\d{1,9}(?:-[0-9A-Za-z.-]{1,64})?(?:\+[0-9A-Za-z.-]{1,64})?$/;
const NAME = /^(?:@[a-z0-9][a-z0-9._-]{0,100}\/)?[a-z0-9][a-z0-9._-]{0,100}$/;

/** A value of the head's files as a message says it (never stringified whole: it may nest past the stack). */
const show = describeValue;

/**
 * A JSON file as npm reads one (json-parse-even-better-errors: a leading byte order mark skipped,
 * in a lock as in a package.json: red team R59-1), or why it is not JSON.
 */
function parseJson(text: string): { value: unknown } | { problem: string } {
  try {
    return { value: JSON.parse(text.replace(/^\uFEFF/, '')) as unknown };
  } catch (e) {
    return { problem: `it is not JSON (${(e as Error).message.slice(0, 120)})` };
  }
}

/**
 * Whether npm reads a lock's text as git's conflict markers (parse-conflict-json's isDiff, which
 * arborist's Shrinkwrap.load parses every lock with): <<<<<<<, ======= and >>>>>>> anywhere in it,
 * strings included. npm then merges its sides as it sees fit (parent to ours, applied on theirs),
 * which the review does not emulate (red team R59-3).
 */
const hasConflictMarkers = (text: string): boolean => /<{7}/.test(text) && /={7}/.test(text) && />{7}/.test(text);

/** A lock's text as npm reads it (parseJson), or why the review cannot read it so: not JSON, or conflicted. */
function parseLock(text: string): { value: unknown } | { problem: string } {
  if (hasConflictMarkers(text))
    return {
      problem:
        "it holds git's conflict markers (<<<<<<<, =======, >>>>>>>), whose sides npm merges as it sees fit (parse-conflict-json); resolve the conflict, or let npm write the lock again",
    };
  return parseJson(text);
}

/** Why a lock's text cannot be read as npm reads it (parseLock), or undefined when it can. */
export function lockReadProblem(text: string): string | undefined {
  const parsed = parseLock(text);
  return 'problem' in parsed ? parsed.problem : undefined;
}

/**
 * A head proof (`orgctl prove --format json` as the head's engine wrote it), checked field by
 * field, with the commit it proves (`commit`, when the caller knows it); a string says why it is not one.
 */
export function parseHeadProof(text: string, commit?: string): HeadProof | string {
  if (commit !== undefined && !COMMIT.test(commit))
    return `the commit it proves, ${show(commit)}, is not a commit's name (40 or 64 hexadecimal digits)`;
  const parsed = parseJson(text);
  if ('problem' in parsed) return parsed.problem;
  const p = parsed.value;
  if (!isRecord(p)) return 'it is not a JSON object';
  const engine = p.engine;
  if (!isRecord(engine))
    return 'it names no engine (`engine: { name, version }`: written by an orgctl older than this feature, or not by `orgctl prove --format json`)';
  if (typeof engine.name !== 'string' || !NAME.test(engine.name))
    return `engine.name ${show(engine.name)} is not a package name`;
  if (typeof engine.version !== 'string' || !VERSION.test(engine.version))
    return `engine.version ${show(engine.version)} is not a version`;
  if (typeof p.ok !== 'boolean') return '`ok` is not true or false';
  if (!Array.isArray(p.differences) || !p.differences.every((d) => typeof d === 'string'))
    return '`differences` is not a list of strings';
  if (!Array.isArray(p.findings) || !p.findings.every(isRecord)) return '`findings` is not a list of objects';
  const errors = p.findings.filter((f) => f.severity === 'error').length;
  if (p.ok && (p.differences.length || errors))
    return `it says ok with ${p.differences.length} difference(s) and ${errors} policy error(s)`;
  return {
    engine: { name: engine.name, version: engine.version },
    ok: p.ok,
    differences: p.differences as string[],
    errors,
    ...(commit !== undefined ? { commit } : {}),
  };
}

/** The https origin (`https://host[:port]`) of a package's `resolved` URL, or undefined for any other source. */
function httpsOrigin(resolved: unknown): string | undefined {
  if (typeof resolved !== 'string') return undefined;
  try {
    const url = new URL(resolved);
    return url.protocol === 'https:' && !url.username && !url.password ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/** The registries a package-lock.json installs from: the https origins of its packages' sources. */
export function lockRegistries(text: string): string[] {
  const parsed = parseLock(text);
  if ('problem' in parsed || !isRecord(parsed.value) || !isRecord(parsed.value.packages)) return [];
  const origins = new Set<string>();
  for (const entry of Object.values(parsed.value.packages)) {
    const origin = isRecord(entry) ? httpsOrigin(entry.resolved) : undefined;
    if (origin) origins.add(origin);
  }
  return [...origins].sort();
}

/**
 * A lock's path as a path of the repository (`./org/x`, `org/x/` are `org/x`; '' the root), or one
 * that leaves it, normalized (`../elsewhere/x`, `/abs/x`: engine-change reads what that may be).
 */
const repositoryPath = (path: string): string => {
  const normalized = posix.normalize(path.replace(/\\/g, '/')).replace(/\/+$/, '');
  return normalized === '.' ? '' : normalized;
};

/**
 * A lock entry's integrity as npm checks one: a sha512. npm ci installs a package whose integrity
 * it cannot read (none, `sha512-` with nothing after it, a word) as whatever bytes it fetches.
 */
const pinnedBySha512 = (integrity: unknown): boolean =>
  typeof integrity === 'string' && /^sha512-[A-Za-z0-9+/=]+$/.test(integrity);

/**
 * Whether npm takes a lock entry as a link to the folder its `resolved` names: any truthy `link`
 * (arborist's loadVirtual reads `if (meta.link)`: 1, 'true' and {} too; red team R59-5).
 */
const isLinkEntry = (entry: Record<string, unknown>): boolean => !!entry.link;

/** A git source by its scheme: git+ssh://, git://, ssh://, github:owner/repo, ... */
const GIT_SCHEME = /^(?:git(?:\+[a-z]+)?:|ssh:|(?:github|gitlab|bitbucket|gist):)/i;

/** A spec npm-package-arg reads as a URL: any scheme. */
const URL_SPEC = /^(?:git[+])?[a-z]+:/i;

/** An scp-like git source, `user@host.tld:path`, which npm-package-arg reads as git+ssh://. */
const SCP_GIT = /^[^@]+@[^:.]+\.[^:]+:.+$/i;

/** A tarball's name, which npm-package-arg reads as a path. */
const TARBALL = /[.](?:tgz|tar\.gz|tar)$/i;

/**
 * Whether npm reads `spec` as GitHub's shorthand, OWNER/REPO[#committish] (hosted-git-info's
 * isGitHubShorthand: one slash, not first, before any #; no colon, @ or space before it; not
 * starting with a dot).
 */
function isGitHubShorthand(spec: string): boolean {
  const hash = spec.indexOf('#');
  const head = hash < 0 ? spec : spec.slice(0, hash);
  const slash = head.indexOf('/');
  return (
    slash > 0 &&
    head.indexOf('/', slash + 1) < 0 &&
    !head.endsWith('/') &&
    !/[:@\s]/.test(head) &&
    !head.startsWith('.')
  );
}

/**
 * Whether hosted-git-info reads a URL as a repository of a git host (github.com, gitlab.com,
 * bitbucket.org, gist.github.com, `www.` or not, in any scheme), which npm then fetches with git
 * whatever its scheme, skipping its integrity: each host's `extract`, a tarball path
 * (`/archive/...`, `/-/...`, `/get/...`, `/raw`) being no repository.
 */
function isHostedRepository(spec: string): boolean {
  let url: URL;
  try {
    url = new URL(spec);
  } catch {
    return false;
  }
  const host = url.hostname.toLowerCase().replace(/^www\./, '');
  const [, first, second, third] = url.pathname.split('/', 4);
  if (host === 'github.com') return !!first && !!second && (!third || third === 'tree');
  if (host === 'bitbucket.org') return !!first && !!second && third !== 'get';
  if (host === 'gitlab.com')
    return !url.pathname.includes('/-/') && !url.pathname.includes('/archive.tar.gz') && !!first && !!second;
  if (host === 'gist.github.com') return !!first && third !== 'raw';
  return false;
}

/** A source npm reads: a path (of the repository, or leaving it), or a remote one, a git source or a tarball. */
type Source = { readonly path: string } | { readonly remote: string; readonly git: boolean };

/**
 * What npm-package-arg throws on: a spec it cannot read (npm ci fails on it, or reads it again
 * whole). consistentResolve leaves a name at `*` (`@acme/orgctl@`) as written too.
 */
const REFUSED = 'refused';
/** A spec's reading: a source, a registry's package (undefined), or refused. */
type Reading = Source | undefined | typeof REFUSED;

/** The URL schemes npm-package-arg fetches (fromURL); `file:`, `npm:` and git hosts' shortcuts are read before. */
const FETCHED_SCHEME = /^(?:git(?:\+(?:http|https|rsync|ftp|file|ssh))?|https?):/i;

/** A name validate-npm-package-name lets old packages have, as npm-package-arg wants one (scoped: `@user/pkg`). */
function validPackageName(name: string): boolean {
  if (!name || name.trim() !== name || /^[._]/.test(name)) return false;
  if (['node_modules', 'favicon.ico'].includes(name.toLowerCase())) return false;
  if (encodeURIComponent(name) === name) return true;
  const scoped = /^@([^/]+?)\/([^/]+?)$/.exec(name);
  return !!scoped && !scoped[2]!.startsWith('.') && scoped.slice(1).every((p) => encodeURIComponent(p!) === p);
}

/**
 * A semver range, as node-semver's loose validRange reads one: comparators (an operator, then a
 * version whose parts may be x or *), hyphen ranges, sets joined by ||. An approximation: what it
 * takes for a range that is none is a registry tag npm refuses, read here as a registry's package.
 * Read without backtracking (red team R53-2): whitespace collapsed to one space first (as Range
 * does), sets split on `||` in code, and each space and digit matched in one place only (a
 * prerelease without its dash starts with no digit), so a long input is read in linear time.
 */
const XR = String.raw`(?:[xX*]|\d+)`;
const IDS = String.raw`[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*`;
const PARTIAL = String.raw`(?:[v=] ?)*${XR}(?:\.${XR}(?:\.${XR}(?:-${IDS}|(?=[A-Za-z])${IDS})?)?)?(?:\+${IDS})?`;
const COMPARATOR = String.raw`(?:(?:[<>]=?|=|~>?|\^) ?)?${PARTIAL}`;
const RANGE_SET = new RegExp(`^(?:${PARTIAL} - ${PARTIAL}|${COMPARATOR}(?: ${COMPARATOR})*)?$`);
const isSemverRange = (tag: string): boolean =>
  tag
    .split(/\s+/)
    .join(' ')
    .split('||')
    .every((set) => RANGE_SET.test(set.trim()));

/**
 * npm-package-arg's one-argument reading, npa(arg) (what arborist's consistentResolve reads a
 * lock's source with): a URL is one; an scp-like `user@host.tld:path` is a git+ssh URL; else a
 * `NAME@` before it (a name with no slash, or a scope's) is cut off (`orgctl@file:org` installs
 * org/), a name no package may have refused (and a name at `*`, which consistentResolve leaves whole).
 */
function readArg(arg: string): Reading {
  if (!URL_SPEC.test(arg) && SCP_GIT.test(arg)) return { remote: `git+ssh://${arg}`, git: true };
  const at = arg.indexOf('@', 1);
  const name = at > 0 ? arg.slice(0, at) : arg;
  const named = at > 0 && !URL_SPEC.test(arg) && (name.startsWith('@') || !(name.includes('/') || TARBALL.test(name)));
  if (named && !validPackageName(name)) return REFUSED;
  const spec = named ? arg.slice(at + 1) : arg;
  if (named && (spec === '' || spec === '*')) return REFUSED;
  // An scp-like source after the name (hosted-git-info reads it so; one without a name returned above).
  if (named && !URL_SPEC.test(spec) && SCP_GIT.test(spec)) return { remote: `git+ssh://${spec}`, git: true };
  return readSpec(spec);
}

/**
 * Whether an alias `npm:` names a registry's package, as npm-package-arg wants one: a name (alone,
 * at any version), its spec no alias again and no other source.
 */
function registryAlias(aliased: string): boolean {
  if (/^npm:/i.test(aliased)) return false;
  const at = aliased.indexOf('@', 1);
  const spec = at < 0 ? '*' : aliased.slice(at + 1);
  // At `*` a registry's (readArg reads a name at `*` whole, as consistentResolve leaves it).
  if (spec === '' || spec === '*') return validPackageName(at < 0 ? aliased : aliased.slice(0, at));
  return !/^npm:/i.test(spec) && readArg(aliased) === undefined;
}

/**
 * Whether npm-package-arg fetches a URL (fromURL): a scheme it knows, and a URL WHATWG's parser
 * reads (an scp-like git+ssh:// aside, and a git+file:// path's backslashes read as slashes).
 */
function fetchedUrl(spec: string): boolean {
  if (!FETCHED_SCHEME.test(spec)) return false;
  if (/^git\+ssh:\/\/[^:#]+:[^#]+/i.test(spec)) return true;
  try {
    new URL(/^git\+file:/i.test(spec) ? spec.replace(/\\/g, '/') : spec);
    return true;
  } catch {
    return false;
  }
}

/**
 * npm-package-arg's reading of what follows a name (resolve), in its order: a `file:` spec (any
 * case) or a path written as one (./, ~/, /, a drive) is a path; an alias `npm:` is a registry's
 * package, if what it names is one; then GitHub's shorthand, or a repository of a git host
 * (hosted-git-info, in any scheme), is a git source; then a URL of a scheme npm fetches; then
 * anything with a slash, or a tarball's name, is a path again; anything else a registry's version,
 * range or tag. What npm cannot read (another scheme, an alias of anything else, a tag no
 * registry could hold) is refused.
 */
function readSpec(spec: string): Reading {
  if (/^file:/i.test(spec)) return { path: spec.slice('file:'.length) };
  if (/^npm:/i.test(spec)) return registryAlias(spec.slice('npm:'.length)) ? undefined : REFUSED;
  if (/^(?:[.]|~[/]|[/\\]|[a-zA-Z]:)/.test(spec)) return { path: spec };
  if (isGitHubShorthand(spec)) return { remote: `github:${spec}`, git: true };
  if (URL_SPEC.test(spec)) {
    const git = GIT_SCHEME.test(spec) || isHostedRepository(spec);
    // A git host's shortcut (github:, gist:, ...) stays a git source, read or not: kept, the stricter reading.
    return git || fetchedUrl(spec) ? { remote: spec, git } : REFUSED;
  }
  if (/[/\\]/.test(spec) || TARBALL.test(spec)) return { path: spec };
  const tag = spec.trim();
  return encodeURIComponent(tag) === tag || isSemverRange(tag) ? undefined : REFUSED;
}

/**
 * What npm installs for a lock's source (a non-link entry's `resolved`, or lockfileVersion 1's
 * `version`). Arborist reads it through consistentResolve, npm-package-arg's npa(arg) (readArg);
 * where that throws, consistentResolve leaves it as written and reify reads all of it after the
 * package's name (`orgctl@git@host:acme/../org/vendor`), so what npa refused is read whole
 * (readSpec): anything with a slash a folder of the repository, `..` and all.
 */
function sourceOf(arg: string): Source | undefined {
  const once = readArg(arg);
  if (once !== REFUSED) return once;
  const whole = readSpec(arg);
  return whole === REFUSED ? undefined : whole;
}

/**
 * A remote source nothing pins, as written: a tarball fetched by URL without a sha512 (whatever
 * its URL serves), or a git source (whose integrity npm skips) whose committish is no full commit
 * sha (a branch, a tag, none: npm ci fetches it as it is at install time). Either may serve the
 * repository's own files.
 */
const unpinnedRemote = (
  source: { readonly remote: string; readonly git: boolean },
  integrity: unknown,
): string | undefined => {
  const { remote } = source;
  if (!source.git) return pinnedBySha512(integrity) ? undefined : remote;
  const committish = remote.includes('#') ? remote.slice(remote.indexOf('#') + 1).split('::')[0]! : '';
  return /^[0-9a-f]{40}$/i.test(committish) ? undefined : remote;
};

/**
 * The paths a package-lock.json installs packages from, relative to the repository's root ('' for
 * the root itself; one outside it as written): a folder npm links (`"resolved": "org/vendor/orgctl", "link": true`: a
 * `file:` folder or a workspace) or its own entry (`"org/vendor/orgctl": {...}`), and a `file:`
 * tarball or folder (of lockfileVersion 1's `dependencies` too). No integrity pins a folder's files,
 * and npm ci installs a tarball without one as whatever bytes it holds; and a remote source nothing
 * pins, kept as written (unpinnedRemote: it may serve the repository's own files, red team R47-3/4),
 * whatever its spelling (sourceOf); and, as `anywhere`, a package whose own npm-shrinkwrap.json npm
 * installs (what that lists is read from its folder: R61-3).
 */
export function lockedRepositoryPaths(text: string): InstalledFrom {
  const parsed = parseLock(text);
  if ('problem' in parsed || !isRecord(parsed.value)) return { paths: [] };
  const paths = new Set<string>();
  const shrinkwrapped: string[] = [];
  const add = (path: string) => paths.add(repositoryPath(path));
  // Every spelling npm reads (sourceOf), so none it fetches from elsewhere is counted as harmless.
  const fromSource = (spec: unknown, integrity: unknown) => {
    const source = typeof spec === 'string' ? sourceOf(spec) : undefined;
    if (source && 'path' in source) add(source.path);
    const remote = source && 'remote' in source ? unpinnedRemote(source, integrity) : undefined;
    if (remote !== undefined) paths.add(remote);
  };
  const { packages, dependencies } = parsed.value;
  for (const [key, entry] of isRecord(packages) ? Object.entries(packages) : []) {
    if (key !== '' && !key.startsWith('node_modules/')) add(key);
    if (!isRecord(entry)) continue;
    // npm installs what its own shrinkwrap lists, read from its folder: any path (R61-3).
    if (key !== '' && entry.hasShrinkwrap) shrinkwrapped.push(key);
    if (isLinkEntry(entry)) {
      if (typeof entry.resolved === 'string') add(entry.resolved);
    } else {
      fromSource(entry.resolved, entry.integrity);
      // Without a resolved source npm installs NAME@VERSION, whatever the version says (R59-4).
      if (typeof entry.resolved !== 'string' || !entry.resolved) fromSource(entry.version, entry.integrity);
    }
  }
  const visit = (deps: unknown, depth: number): void => {
    if (!isRecord(deps) || depth > 64) return;
    for (const entry of Object.values(deps)) {
      if (!isRecord(entry)) continue;
      fromSource(entry.version, entry.integrity);
      fromSource(entry.resolved, entry.integrity);
      visit(entry.dependencies, depth + 1);
    }
  };
  visit(dependencies, 0);
  const anywhere = shrinkwrapped.sort()[0];
  return { paths: [...paths].sort(), ...(anywhere !== undefined ? { anywhere } : {}) };
}

/** The package a lock's path installs: `node_modules/a/node_modules/@s/b` is `@s/b`. */
const packageAt = (path: string): string => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);

/** The name npm links a command under: its key's last segment, `\\` and `:` being separators too (npm-normalize-package-bin). */
const linkedName = (key: string): string =>
  key
    .replace(/[\\:]/g, '/')
    .split('/')
    .filter((s) => s && s !== '.' && s !== '..')
    .at(-1) ?? '';

/**
 * The file a manifest's `bin` (a package.json's, or a lock entry's) names for the command
 * `command`, read as npm reads it (npm-normalize-package-bin): a string is a command named after
 * the package (its name's last segment), a list names each file by its own last segment, an
 * object's key is read up to its last `/`, `\\` or `:`. Undefined when it names none.
 */
function commandFile(bin: unknown, name: unknown, command: string): string | undefined {
  const entries: [string, unknown][] =
    typeof bin === 'string'
      ? typeof name === 'string' && name
        ? [[name, bin]]
        : []
      : Array.isArray(bin)
        ? bin.map((f) => [typeof f === 'string' ? f : '', f])
        : isRecord(bin)
          ? Object.entries(bin)
          : [];
  const found = entries.find(([key, file]) => typeof file === 'string' && file && linkedName(key) === command);
  return found ? (found[1] as string) : undefined;
}

/**
 * The names a lock entry's package bundles, as npm reads its bundleDependencies (@npmcli/package-json's
 * normalize: `bundledDependencies` when that is all it has, `true` for each of its dependencies, an
 * object's keys).
 */
function bundleNames(entry: unknown): ReadonlySet<string> {
  if (!isRecord(entry)) return new Set();
  const bundle = entry.bundleDependencies !== undefined ? entry.bundleDependencies : entry.bundledDependencies;
  if (bundle === true) return new Set(isRecord(entry.dependencies) ? Object.keys(entry.dependencies) : []);
  if (Array.isArray(bundle)) return new Set(bundle.filter((n): n is string => typeof n === 'string'));
  return new Set(isRecord(bundle) ? Object.keys(bundle) : []);
}

/** The names a lock entry's package needs (its edges out: dependencies, optional and peer ones). */
const neededNames = (entry: unknown): string[] =>
  isRecord(entry)
    ? [entry.dependencies, entry.optionalDependencies, entry.peerDependencies].flatMap((d) =>
        isRecord(d) ? Object.keys(d) : [],
      )
    : [];

/** A folder name a package is installed under: `name` or `@scope/name`, none of them a path step. */
function isFolderName(name: string): boolean {
  const parts = name.split('/');
  const [first, last] = parts;
  const plain = (p: string | undefined) =>
    p !== undefined &&
    p !== '' &&
    p !== '.' &&
    p !== '..' &&
    p !== 'node_modules' &&
    !/[\\@]/.test(p[0] ?? '') &&
    !p.includes('\\');
  return parts.length === 1 ? plain(first) : parts.length === 2 && /^@[^\\]+$/.test(first ?? '') && plain(last);
}

/**
 * Whether a lock key is one location, written as npm writes it: arborist's loadVirtual resolves
 * each key as a path (`./node_modules/a` is `node_modules/a`, the last of them kept), and a node's
 * parent is the first entry up its folders (a key `node_modules/a/node_modules/@s` stands between
 * `@s/e` and `a`), so a lock holding any other spelling is not read for bundles at all.
 */
function isPlainLocation(key: string): boolean {
  if (key === 'node_modules' || key.includes('\\') || key.startsWith('/') || posix.normalize(key) !== key) return false;
  if (key.startsWith('../') || key === '..' || key === '.' || key.endsWith('/')) return false;
  if (!key.startsWith('node_modules/')) return true;
  return key.slice('node_modules/'.length).split('/node_modules/').every(isFolderName);
}

/** The location a lock's path is below (`node_modules/a` for `node_modules/a/node_modules/b`), '' for the project. */
const parentOf = (path: string): string => {
  const cut = path.lastIndexOf('/node_modules/');
  return cut < 0 ? '' : path.slice(0, cut);
};

/** The location a package at `from` finds `name` at, as Node's resolution walks node_modules up; undefined for none. */
function resolveFrom(packages: Record<string, unknown>, from: string, name: string): string | undefined {
  if (!isFolderName(name)) return undefined;
  for (let at = from; ; at = parentOf(at)) {
    const candidate = at === '' ? `node_modules/${name}` : `${at}/node_modules/${name}`;
    if (isRecord(packages[candidate])) return candidate;
    if (at === '') return undefined;
  }
}

/**
 * The lock's entries npm takes from a dependency's tarball, under that package's integrity
 * (arborist's Node.getBundler, inDepBundle), as far as npm's reading can be known from the lock
 * alone; an entry not in it is judged by its own source (a refusal at worst, never a pass).
 *
 * getBundler walks a node's parents (the entry at the location above, when there is one and it is
 * not a link) to the first package below the project that lists the next in its bundleDependencies
 * (bundleNames): everything below that step is bundled. A project that bundles anything has npm
 * fetch what is below what it bundles (its bundler is the root): the lock's root entry bundling
 * anything reads no bundle here (head's package.json: projectCommandProblem). getBundler also takes
 * a dependency deduped beside its bundler B (B/node_modules/d) as bundled when a package B bundles
 * (M, and what is below it) needs it; but it shares one list of visited nodes across the whole
 * walk, so whether that edge counts depends on what was visited first (red team R58-2). It is taken
 * here only when nothing can have visited M's packages first: every edge out of them resolves below
 * M or beside it in B (D), and each such D needs nothing the lock holds and holds nothing below it.
 * A lock with a key npm reads as another location (isPlainLocation) or an entry that is not an
 * object reads no bundle. Each entry is visited a bounded number of times: linear in the lock.
 */
function dependencyBundled(packages: Record<string, unknown>): ReadonlySet<string> {
  const bundled = new Set<string>();
  const keys = Object.keys(packages).filter((k) => k !== '');
  if (keys.some((k) => !isRecord(packages[k]) || !isPlainLocation(k)) || bundleNames(packages['']).size > 0)
    return bundled;
  const locations = keys.filter((k) => k.startsWith('node_modules/'));
  const isNode = (path: string) => isRecord(packages[path]) && !isLinkEntry(packages[path]);
  // A node npm gives a parent at every step up to the project (none missing, none a link).
  const chained = new Map<string, boolean>([['', true]]);
  const isChained = (path: string): boolean => {
    const known = chained.get(path);
    if (known !== undefined) return known;
    const result = isNode(path) && isChained(parentOf(path));
    chained.set(path, result);
    return result;
  };
  const below = new Map<string, string[]>();
  for (const path of locations) {
    const parent = parentOf(path);
    const children = below.get(parent);
    if (children) children.push(path);
    else below.set(parent, [path]);
  }
  const subtree = (top: string): string[] => {
    const all: string[] = [];
    for (let next = [top]; next.length; next = next.flatMap((p) => below.get(p) ?? [])) all.push(...next);
    return all;
  };
  // Explicit steps: M below B (not the project) and in B's bundle; all below M comes with it.
  const steps = locations.filter((m) => {
    const b = parentOf(m);
    return b !== '' && isChained(m) && bundleNames(packages[b]).has(packageAt(m));
  });
  for (const m of steps) {
    const inBundle = subtree(m);
    for (const path of inBundle) if (isChained(path)) bundled.add(path);
    const b = parentOf(m);
    const inM = (path: string) => path === m || path.startsWith(`${m}/`);
    const deduped = new Set<string>();
    const clean = inBundle.every((s) =>
      neededNames(packages[s]).every((name) => {
        const at = resolveFrom(packages, s, name);
        if (at === undefined || inM(at)) return true;
        if (parentOf(at) !== b || !isNode(at)) return false;
        deduped.add(at);
        return true;
      }),
    );
    const inert = (d: string) =>
      !below.has(d) && neededNames(packages[d]).every((name) => resolveFrom(packages, d, name) === undefined);
    if (clean && [...deduped].every(inert)) for (const d of deduped) bundled.add(d);
  }
  return bundled;
}

/**
 * Whether `resolved` is a registry's tarball of package `name` at `version`: `.../NAME/-/FILE`,
 * FILE being `BASE-VERSION.tgz` (BASE the name without its scope, as npm's registry writes it, or
 * with it, as some proxies do). npm installs whatever tarball `resolved` names at the lock's path,
 * never checking that it is the package of that name.
 */
function isTarballOf(resolved: string, name: string, version: unknown): boolean {
  if (typeof version !== 'string') return false;
  let path: string;
  try {
    path = decodeURIComponent(new URL(resolved).pathname);
  } catch {
    return false;
  }
  const base = name.slice(name.indexOf('/') + 1);
  return [base, name].some((b) => path.endsWith(`/${name}/-/${b}-${version}.tgz`));
}

/**
 * The first package of a lock's `packages` that is not installed from one of the `trusted`
 * registries over https with a sha512 integrity (a link to a folder, a git or file source, another
 * host, no or a weaker integrity), or not as the package its path names (an alias, another
 * package's tarball: what requires that name would run it), and how many are not; undefined when
 * every one is. A package without `resolved` comes from the registry npm is configured with:
 * npm's public registry in the head engine's job, trusted only when base's lock installs from it
 * (checkHeadProof refuses a change to .npmrc); one inside another package's tarball (`inBundle`
 * below a package that bundles it: dependencyBundled) comes with it, under its integrity.
 */
function lockSourceProblems(packages: Record<string, unknown>, trusted: readonly string[], engine: string): string[] {
  // npm resolves each key as a path, keeping the last for a location: what it installs there is then not what the key says.
  const bad = Object.keys(packages)
    .filter((path) => path !== '' && !isPlainLocation(path))
    .map(
      (path) =>
        `${show(path)}, a key not written as npm writes one: npm resolves each key as a path (./a is a, ../PROJECT/a is a, the last for a folder kept), so what it installs there may be another entry's; write each location once, as a plain relative path`,
    );
  const bundled = dependencyBundled(packages);
  for (const [path, entry] of Object.entries(packages)) {
    if (!isRecord(entry) || (path !== '' && !isPlainLocation(path))) continue;
    const name = path === '' ? String(entry.name) : packageAt(path);
    // npx runs the project's own command first, and npm links the first package naming a command:
    // whatever names the engine's command, but the engine, runs in its place.
    if (name !== engine && commandFile(entry.bin, name, engine) !== undefined) {
      bad.push(
        `${path || 'the project itself'}, which names a command ${engine} (${path ? 'npm links the first package naming a command' : "npx runs the project's own command first"}; npx ${engine} would run it)`,
      );
      continue;
    }
    // npm installs what a package's own npm-shrinkwrap.json lists, from wherever it says (R59-6).
    if (path !== '' && entry.hasShrinkwrap) {
      bad.push(
        `${path}, marked hasShrinkwrap: npm installs with it what its own npm-shrinkwrap.json lists, from sources this lock does not name`,
      );
      continue;
    }
    if (path === '' || (entry.inBundle === true && bundled.has(path))) continue;
    const origin = httpsOrigin(entry.resolved);
    const integrity = pinnedBySha512(entry.integrity);
    if (isLinkEntry(entry)) bad.push(`${path} from a folder (${show(entry.resolved)}, a link)`);
    else if (entry.name !== undefined && entry.name !== name)
      bad.push(`${path} as the package ${show(entry.name)} (an alias: what requires ${name} would run it)`);
    // No `resolved`: npm installs NAME@VERSION (arborist's reify), from wherever a version that is
    // no version names (a URL, a file: path), which a dependency at * accepts (red team R59-4).
    else if (entry.resolved === undefined && (typeof entry.version !== 'string' || !VERSION.test(entry.version)))
      bad.push(
        `${path} without a resolved source, at ${show(entry.version)}: npm installs ${name}@${show(entry.version)}, which is no registry's version but a source of its own`,
      );
    // No `resolved` (npm's omit-lockfile-registry-resolved): from the registry npm is configured
    // with, which in the head engine's job (no .npmrc: only the package files and dist/ are handed
    // over) is npm's public registry.
    else if (entry.resolved === undefined && !trusted.includes(DEFAULT_REGISTRY))
      bad.push(
        `${path} without a resolved source: the head engine's job fetches it from npm's public registry (${DEFAULT_REGISTRY}), which base's lock does not install from`,
      );
    else if (entry.resolved !== undefined && (!origin || !trusted.includes(origin)))
      bad.push(`${path} from ${show(entry.resolved)}`);
    else if (typeof entry.resolved === 'string' && !isTarballOf(entry.resolved, name, entry.version))
      bad.push(
        `${path} from ${show(entry.resolved)}, which is not the registry's tarball of ${name} ${String(entry.version)} (what requires ${name} would run it)`,
      );
    else if (!integrity) bad.push(`${path} without a sha512 integrity (${show(entry.integrity)})`);
  }
  return bad;
}

/**
 * What a package-lock.json (lockfileVersion 2 or 3) installs for the package `name`, and whether
 * anything it installs comes from a source outside `trusted` (registries, as lockRegistries gives
 * them); a string says why nothing. `file`: the lock it is, when head's npm-shrinkwrap.json.
 */
export function lockedEngine(
  text: string,
  name: string,
  trusted: readonly string[],
  file: typeof PACKAGE_LOCK | typeof SHRINKWRAP = PACKAGE_LOCK,
): LockedEngine | string {
  const lockName = `head's ${file}`;
  const parsed = parseLock(text);
  if ('problem' in parsed) return `${lockName}: ${parsed.problem}`;
  const lock = parsed.value;
  if (!isRecord(lock) || !isRecord(lock.packages))
    return `${lockName} has no \`packages\` (lockfileVersion 2 or 3, as npm 7 and later write)`;
  const entry = lock.packages[`node_modules/${name}`];
  if (!isRecord(entry)) return `${lockName} installs no ${name} (no "node_modules/${name}")`;
  if (typeof entry.version !== 'string' || !VERSION.test(entry.version))
    return `${lockName} installs ${name} at version ${show(entry.version)}, which is not a version`;
  const bounded = (v: unknown) => (typeof v === 'string' && v.length <= 2048 ? { value: v } : undefined);
  const resolved = bounded(entry.resolved);
  const integrity = bounded(entry.integrity);
  const bad = lockSourceProblems(lock.packages, trusted, name);
  const outside = bad.length ? `${bad[0]}${bad.length > 1 ? ` (and ${bad.length - 1} more)` : ''}` : undefined;
  return {
    version: entry.version,
    ...(resolved ? { resolved: resolved.value } : {}),
    ...(integrity ? { integrity: integrity.value } : {}),
    ...(file === SHRINKWRAP ? { file } : {}),
    ...(outside
      ? {
          outside,
          untrusted: `${lockName} installs ${outside}: the head engine's job runs every package it installs, so each must come from a registry base's lock installs from (${trusted.join(', ')}), over https, with a sha512 integrity, as the package its path names`,
        }
      : {}),
  };
}

/** The largest package.json read. */
export const MAX_PACKAGE_JSON_BYTES = 2 ** 20;

/** A package.json's fields, as npm reads it (parseJson), or why it is not one. */
function parseManifest(text: string): Record<string, unknown> | string {
  const parsed = parseJson(text);
  if ('problem' in parsed) return parsed.problem;
  return isRecord(parsed.value) ? parsed.value : 'it is not a JSON object';
}

/**
 * Why head's package.json would have something else run as the engine `engine`, or undefined.
 * The workflows run the command the installed engine's package.json names, or the project's own
 * when the project is named after the engine (orgctl's own repository, both in base and head);
 * people run `npx orgctl`, which runs a command the project's package.json names before any
 * installed package's (npm never checks package.json against the lock's root entry). So a project
 * that is not the engine may neither take its name nor name its command (by `bin`, or by
 * `directories.bin`, which makes every file of a folder a command). Nor may any project, orgctl's
 * own included, bundle dependencies: npm fetches what the project bundles, and what that package
 * bundles, from the lock's `resolved` (arborist's getBundler stops at the root: red team R58-1).
 * npm reads these from package.json alone (the lock's root entry says nothing to it), so they are
 * judged whenever the lock may change, package.json changed or not (red team R61-1).
 */
export function projectCommandProblem(head: string, base: string | undefined, engine: string): string | undefined {
  const manifest = parseManifest(head);
  if (typeof manifest === 'string') return `head's package.json cannot be read as npm reads it: ${manifest}`;
  const bundled = [...bundleNames(manifest)];
  if (bundled.length)
    return `head's package.json bundles ${show(bundled.join(', '))} (bundleDependencies): npm installs what the project bundles from the lock's resolved, and everything that package bundles with it, which the review does not read as a bundle; remove bundleDependencies (a project installed from its lock needs none)`;
  const baseManifest = base === undefined ? undefined : parseManifest(base);
  const baseName = typeof baseManifest === 'object' ? baseManifest.name : undefined;
  if (manifest.name === engine)
    return baseName === engine
      ? undefined
      : `head's package.json is named ${engine} (base's is ${show(baseName)}): a project named ${engine} is the engine itself to the workflows, which would run its own command with their tokens once this merges; keep the project's own name`;
  const folder = isRecord(manifest.directories) ? manifest.directories.bin : undefined;
  if (manifest.bin === undefined && folder !== undefined)
    return `head's package.json names every file of ${show(folder)} a command (directories.bin), and npx ${engine} runs a file of the project named ${engine} before the ${engine} the lock installs; name each command in bin instead, none of them ${engine}`;
  const file = commandFile(manifest.bin, manifest.name, engine);
  if (file !== undefined)
    return `head's package.json names a command ${engine} (${show(file)}), which npx ${engine} runs before the ${engine} the lock installs: a file of this repository would run as the engine, on every admin's machine and in any workflow that runs npx ${engine}, once this merges; name the command otherwise`;
  return undefined;
}

/** Whether the changed paths upgrade the engine (package.json, package-lock.json or npm-shrinkwrap.json at the root). */
export const isEngineUpgrade = (changedPaths: readonly string[] | undefined): boolean =>
  !!changedPaths?.some((p) => (ENGINE_FILES as readonly string[]).includes(p));

/**
 * `orgctl 0.2.0 from https://registry.npmjs.org/orgctl/-/orgctl-0.2.0.tgz, which head's
 * package-lock.json installs`, and what base's installs in its place (`base`): what an approval of head trusts. Once merged, the review job installs
 * that lock and runs what it installs with its token, so a package from a source no registry of
 * base's vouches for is named too (what the head proof refuses, an approval may not know it trusts).
 */
export function describeLocked(name: string, locked: LockedEngine, base?: LockedEngine): string {
  const from = (l: LockedEngine) =>
    `${name} ${l.version}${l.resolved ? ` from ${l.resolved}` : ' (no `resolved` source in the lock)'}`;
  /** What it replaces (R27-1): a source or version said beside base's; under the same ones, a package swapped (its integrity). */
  const replacing = (b: LockedEngine): string => {
    if (b.version !== locked.version || b.resolved !== locked.resolved)
      return ` in place of ${from(b)}, which base's lock installs`;
    if (b.integrity === locked.integrity) return '';
    return `: not the package base's lock installs under the same version and source (integrity ${b.integrity ?? 'none'} → ${locked.integrity ?? 'none'})`;
  };
  const outside = locked.outside
    ? `, and everything the lock installs, which the review job runs once this merges: ${locked.outside}`
    : '';
  return `${from(locked)}, which head's ${locked.file ?? PACKAGE_LOCK} installs${base ? replacing(base) : ''}${outside}`;
}

/**
 * What an approval of an upgrade trusts when the review cannot say what head's lock installs
 * (`why`): whatever npm makes of it, which the review job installs and runs once this merges.
 */
export const describeUnknownLock = (why: string): string =>
  `whatever head's lock installs, which the review job runs once this merges, and which this review cannot tell: ${why}`;

/** The head proof, judged: accepted (with the version that vouches), or why not. */
export type HeadProofCheck =
  | { readonly accepted: true; readonly version: string }
  | { readonly accepted: false; readonly reason: string };

interface HeadProofInput {
  /** The head proof as read: parsed, or why it could not be. */
  readonly proof: HeadProof | string;
  /** What head's package-lock.json installs for orgctl, or why it is unknown. */
  readonly lock: LockedEngine | string;
  /** The engine judging: this orgctl, the base's. */
  readonly running: Engine;
  readonly changedPaths?: readonly string[];
  /** Whether the base's engine recovered and rendered the organization head dist/ describes. */
  readonly recovered: boolean;
  /** The commit judged, when known (on GitHub, the pull request's head): the proof must name it. */
  readonly headCommit?: string;
  /**
   * Why head's package.json has npm install or run something else than its lock says
   * (projectCommandProblem): the head engine's job installs under it too.
   */
  readonly projectCommand?: string;
}

/** Whether a head proof stands in for the base's failed byte comparison; the first reason it does not. */
export function checkHeadProof(input: HeadProofInput): HeadProofCheck {
  const refuse = (reason: string): HeadProofCheck => ({ accepted: false, reason });
  const { proof, lock, running } = input;
  if (typeof proof === 'string') return refuse(`it is not a proof orgctl writes: ${proof}`);
  if (input.headCommit !== undefined && proof.commit === undefined)
    return refuse(
      `it names no commit it proves (--head-proof-commit: the review workflow passes the commit its pull job extracted), so it may prove another than the pull request's head ${input.headCommit.slice(0, 12)}; a review workflow an earlier orgctl wrote passes none: \`npx orgctl workflows --write\` writes this orgctl's, to merge before the upgrade`,
    );
  if (input.headCommit !== undefined && proof.commit !== input.headCommit)
    return refuse(
      `it proves commit ${proof.commit!.slice(0, 12)}, not the pull request's head ${input.headCommit.slice(0, 12)} (pushed while the run worked: the run that push started judges it)`,
    );
  const by = `${proof.engine.name} ${proof.engine.version}`;
  if (!input.changedPaths) return refuse('the changed paths are unknown (no --changed-path): no upgrade to judge');
  if (!isEngineUpgrade(input.changedPaths))
    return refuse(
      `the change touches none of ${ENGINE_FILES.join(', ')}: it does not upgrade orgctl, so this orgctl's proof is the one that counts`,
    );
  if (!proof.ok)
    return refuse(
      `${by} did not prove head dist/ either (${proof.differences.length} difference(s), ${proof.errors} policy error(s)${proof.differences.length ? `: ${proof.differences[0]!.slice(0, 300)}` : ''})`,
    );
  if (proof.engine.name !== running.name) return refuse(`it was made by ${proof.engine.name}, not ${running.name}`);
  if (proof.engine.version === running.version)
    return refuse(
      `it was made by ${by}, the version judging it: the same engine cannot render the same organization two ways`,
    );
  if (typeof lock === 'string') return refuse(lock);
  if (lock.version !== proof.engine.version)
    return refuse(
      `it was made by ${by}, but head's package-lock.json installs ${running.name} ${lock.version}: only the version the upgrade installs (and its approval trusts) may vouch for head dist/`,
    );
  if (lock.untrusted) return refuse(lock.untrusted);
  if (input.projectCommand) return refuse(input.projectCommand);
  if (input.changedPaths.includes(NPM_CONFIG))
    return refuse(
      `the change touches ${NPM_CONFIG}, npm's configuration (its registry among others): the head engine would not be installed as base's lock and registries say`,
    );
  // Git applies attributes when it writes a tree's files out (git archive: export-subst rewrites a
  // file, export-ignore drops one; archive and checkout: eol, ident, working-tree-encoding), so files
  // handed over that way are not the blobs the review reads (R36-2).
  const attributes = input.changedPaths.filter(isGitAttributes);
  if (attributes.length)
    return refuse(
      `the change touches ${firstOf(attributes, 3)}, git's attributes, which git applies when it writes files out (a review workflow an earlier orgctl wrote hands the head engine its files through git archive: export-subst rewrites a file, export-ignore drops one, eol, ident and working-tree-encoding convert it), so the head engine may have installed and proved other files than the ones judged here; change them in a pull request of their own`,
    );
  if (!input.recovered)
    return refuse(
      `this orgctl ${running.version} cannot recover the organization head dist/ describes, so its policies cannot judge it`,
    );
  return { accepted: true, version: proof.engine.version };
}
