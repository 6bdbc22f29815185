#!/usr/bin/env node
// orgctl's sources are TypeScript, run without a build step. The first run bundles them and
// their dependencies with esbuild into node_modules/.cache (keyed by the sizes, times and inodes of
// the sources, the install's record and each other file bundled); later runs load that plain
// JavaScript, which starts several times faster than transpiling on every run. The bundle is two CommonJS scripts (the
// CLI, and apart the packages few commands run), compiled through V8's code cache: each
// command's first run keeps the code V8 compiled for it beside the bundle, and its later runs read
// it instead of compiling again (levels 81 -> 71 ms, synth at size S 158 -> 131 ms). Node 20 has
// no code cache for ES modules (Node 22's module.enableCompileCache is what this does).
// Declarations written in TypeScript (org/org.ts) are bundled apart, by cli/declaration.ts.
// Installed as a package (an organization repository's node_modules/orgctl), the cache and the
// install's record are the project's node_modules/.cache and node_modules/.package-lock.json,
// where npm keeps them: nothing is written inside the installed package.
import { isAscii } from 'node:buffer';
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { basename, dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';
import { crc32 } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The node_modules folder orgctl's dependencies are installed in: its own, or the one it is installed in. */
function modulesFolder() {
  for (let dir = dirname(root); dirname(dir) !== dir; dir = dirname(dir)) {
    if (basename(dir) === 'node_modules') return dir;
    if (!basename(dir).startsWith('@')) break; // a scope folder (node_modules/@acme/orgctl) is the only step allowed
  }
  return join(root, 'node_modules');
}
const modules = modulesFolder();
/** What a quick command tiers up at, and V8 11.3's own default (`node --v8-options`), which the code cache is checked against. */
const QUICK_INTERRUPT_BUDGET = 1_000_000;
const V8_INTERRUPT_BUDGET = 67_584;
/** This run's name for what it writes before renaming: a pid alone is not unique across containers sharing node_modules. */
const RUN = `${process.pid}-${randomBytes(6).toString('hex')}`;
const SOURCES = ['model', 'synth', 'analysis', 'policies', 'constructs', 'review', 'report', 'github', 'cli', 'schema'];

/**
 * A file as the fingerprint knows it unchanged, as cli/file-stamp.ts does: a modification time can
 * be put back (touch -r, cp -p, rsync -t, an archive's times) over a change of the same size (R68-1),
 * the change time cannot, nor can anyone choose the inode a rewritten file gets.
 */
const statLine = (s) => `${s.size}\0${s.mtimeMs}\0${s.ctimeMs}\0${s.ino}\0${s.dev}`;

/**
 * orgctl's sources and the install's record, as the fingerprint names them (bundleName adds the
 * other files bundled: filesNotFingerprinted).
 */
function sourcesFingerprint() {
  const hash = createHash('sha256');
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      // As join would name it (dir is absolute and normalized, a name holds no separator), without
      // its normalizing: about a third of this walk of ~190 files, every command (28 -> 19 ms).
      const p = `${dir}${sep}${e.name}`;
      if (e.isDirectory()) walk(p);
      else {
        hash.update(`${p}\0${statLine(statSync(p))}\n`);
        if (CONFIG_NAMES.includes(e.name)) sourceConfigs.push(p);
      }
    }
  };
  for (const d of SOURCES) walk(join(root, d));
  // The dependencies are bundled too: an install (npm ci, npm update) rewrites these. package.json
  // is bundled for --version; this file decides how the bundle is made and run.
  for (const f of [
    fileURLToPath(import.meta.url),
    join(root, 'package.json'),
    join(root, 'package-lock.json'),
    join(modules, '.package-lock.json'),
    ...configFiles(),
  ]) {
    hash.update(`${f}\0${existsSync(f) ? statLine(statSync(f)) : '-'}\n`);
  }
  return hash.digest('hex').slice(0, 16);
}

/** What esbuild looks for in each folder from a source's up, in this order: the first found says how to compile it. */
const CONFIG_NAMES = ['tsconfig.json', 'jsconfig.json'];

/**
 * The configs in orgctl's source folders (sourcesFingerprint's walk finds them): esbuild applies
 * to each source the one nearest its folder, whose `extends` configsApplied follows too.
 */
const sourceConfigs = [];

/**
 * Where esbuild looks for how to compile orgctl's sources past their own folders (walked): the root
 * and every folder above it, a config in any of which (written, edited, removed) may change the
 * bundle: its `paths` decide what a bare import names (red team R142-2).
 */
function configFiles() {
  const files = [];
  for (let dir = root; ; dir = dirname(dir)) {
    for (const name of CONFIG_NAMES) files.push(join(dir, name));
    if (dirname(dir) === dir) return files;
  }
}

/**
 * The configs esbuild applies to the sources (the nearest the root's, and any in a source folder,
 * whose `extends` may name a file outside the sources: red team R143-3) and to `others` (files
 * bundled from outside the sources and any node_modules folder, a linked package's: the nearest
 * above each, R146-4), as `reader` reads them (cli/package-lookup.mjs configReader; an installed
 * orgctl's sources, in a node_modules folder, have none): `files`, each and what it extends,
 * which configFiles and the sources' walk do not all state; `looked`, what esbuild looked for on
 * its way and did not find. Undefined when one cannot be read as esbuild reads it.
 */
function configsApplied(others, reader) {
  const files = [];
  const looked = [];
  for (const folder of new Set([root, ...sourceConfigs.map((c) => dirname(c)), ...others.map((f) => dirname(f))])) {
    const config = reader.appliedTo(folder);
    if (config.unknown !== undefined) return undefined;
    files.push(...config.files);
    looked.push(...config.looked);
  }
  return { files, looked };
}

/**
 * A file's stat, or undefined when it is not there to be seen: gone, or under a file (a candidate
 * esbuild tries, dist/p.js/index.js where dist/p.js is a file, R149).
 */
function statOrNone(f) {
  try {
    return statSync(f, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/**
 * The bundle's folder name: the sources' fingerprint and the stat of every other file the bundle of
 * those sources was made from (`files`, listed beside it by the build: the installed packages', and
 * any esbuild read elsewhere, filesNotFingerprinted; the package.json files and folders it
 * resolved them through, resolvedThrough). npm records an install in
 * node_modules/.package-lock.json, but a package patched in place afterwards (patch-package, a fix
 * edited by hand) is not an install: its files' stats say it (red team R73-3).
 */
function bundleName(sources, files) {
  const hash = createHash('sha256').update(`${sources}\n`);
  for (const f of files) {
    const s = statOrNone(f);
    hash.update(`${f}\0${s ? statLine(s) : '-'}\n`);
  }
  return hash.digest('hex').slice(0, 16);
}

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** A file's content's sha256 as it is now; '-' when it cannot be read. */
function contentDigest(file) {
  try {
    return sha256(readFileSync(file));
  } catch {
    return '-';
  }
}

/**
 * What the build of these sources listed (`<sources>.inputs`): `files`, the other files it was
 * made from (filesNotFingerprinted: the installed packages', any read elsewhere); `recent`, each of
 * orgctl's own files it read that was written within the racy window of its start, path -> sha256
 * of the bytes bundled (R138-2). Undefined when none did, or an earlier launcher's list (which did
 * not know the recent sources).
 */
function inputsOf(inputsFile) {
  try {
    const { files, recent } = JSON.parse(readFileSync(inputsFile, 'utf8'));
    const ok =
      Array.isArray(files) &&
      files.every((f) => typeof f === 'string') &&
      typeof recent === 'object' &&
      recent !== null &&
      Object.values(recent).every((d) => typeof d === 'string');
    return ok ? { files, recent } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the bundle holds the bytes of each recent source (`inputs.recent`) as they are now; when
 * it does, and none of them changed within the racy window of `fingerprinted` (when this run's
 * fingerprint began), their stats now say any later write: the list is written again without them,
 * and later runs read no source (a copy or a checkout makes every source recent at its first run).
 */
async function holdsRecent(inputs, inputsFile, fingerprinted) {
  const recent = Object.entries(inputs.recent);
  if (!recent.length) return true;
  if (!recent.every(([f, digest]) => contentDigest(f) === digest)) return false;
  const racy = await changedSince(fingerprinted);
  if (!recent.some(([f]) => racy(f))) writeAtomically(inputsFile, JSON.stringify({ files: inputs.files, recent: {} }));
  return true;
}

/**
 * Whether a file may have changed at `since` or later by its stat now (cli/racy.mjs; a file gone
 * may have): imported only by the runs that ask, not the common one.
 */
async function changedSince(since) {
  const { mayHaveChangedSince } = await import('../cli/racy.mjs');
  return (f) => mayHaveChangedSince(statOrNone(f)?.ctimeMs ?? Infinity, since);
}

/**
 * The files an esbuild build read (its metafile) that the fingerprint's walk does not state, by their
 * full path: the installed packages', and any other esbuild loaded by its real path, outside orgctl's
 * source folders (a source folder that is a link to one elsewhere is not walked, only stated: an
 * edit in place of a file in it changed no stat the bundle was named by, R141-2). `fingerprinted`:
 * isFingerprinted's test, the build's one (loadedSources').
 */
const filesNotFingerprinted = (metafile, fingerprinted) =>
  Object.keys(metafile.inputs)
    .filter((p) => !p.startsWith('<'))
    .map((p) => resolve(p))
    .filter((p) => !fingerprinted(p));

/** Whether an import names a package (not a path, not a builtin): what packagesLookedFor asks of. */
const namesPackage = (specifier) => specifier !== undefined && !/^[./]/.test(specifier) && !isBuiltin(specifier);

/**
 * Where esbuild looked for each package a bundled module imports by name (its metafiles' imports,
 * `original`), which no file it read states: first where the `paths` and `baseUrl` of the config
 * applied to the importer's folder send it (each path esbuild tries, up to the one it resolved
 * through: red team R149), then node_modules/NAME in every folder from the importer's up to the
 * one it was found in, there or not (red team R146-1: a package put in a node_modules nearer than
 * the one it was found in, the outermost or one above it), the package.json of the one found, and
 * what esbuild tried in it before the file it took (a main not there before the module: R149-16).
 * A stat follows a link: node_modules/NAME pointed elsewhere (`npm link`, pnpm's links into
 * node_modules/.pnpm: R146-2, R146-3) is another folder's. `stated`: those there, `looked`: those
 * not there (what is not there changes only by being written); `roots`: the real folder of each
 * package found, a linked one's outside any node_modules folder. Undefined when what a config's
 * paths send an import to is not known (redirects).
 */
function packagesLookedFor(metafiles, { packageLookup, packageNamed, redirects, triedInPackage }, reader) {
  const stated = new Set();
  const looked = new Set();
  const roots = new Set();
  const asked = new Set();
  for (const { inputs } of metafiles)
    for (const [input, { imports }] of Object.entries(inputs)) {
      const from = input.startsWith('<') ? root : dirname(resolve(input)); // <stdin>, resolved from the root
      const config = reader.appliedTo(from);
      const redirecting = config.paths !== undefined || config.baseUrl !== undefined;
      for (const i of imports) {
        if (!namesPackage(i.original) || i.external) continue;
        // Where paths send it, and what is tried in the package found, depend on all of it.
        const name = packageNamed(i.original);
        const key = `${from}\0${i.original}`;
        if (asked.has(key)) continue;
        asked.add(key);
        if (redirecting) {
          const sent = redirects(config, i.original, resolve(i.path));
          if (sent === undefined) return undefined;
          for (const p of sent.looked) (existsSync(p) ? stated : looked).add(p);
          if (sent.resolved) continue;
        }
        const lookup = packageLookup(name, from, resolve(i.path));
        for (const { path, real } of lookup.looked) (real === undefined ? looked : stated).add(path);
        if (lookup.at === undefined) continue; // none holds it (a #import, a package's own name): its folders are stated
        const manifest = join(lookup.at.path, 'package.json');
        if (existsSync(manifest)) stated.add(manifest);
        for (const p of triedInPackage(lookup.at.path, i.original, resolve(i.path)))
          (existsSync(p) ? stated : looked).add(p);
        roots.add(lookup.at.real);
      }
    }
  return { stated, looked, roots };
}

/**
 * What esbuild resolved the packages' files through and its metafile does not list: for each file
 * in a package (under a node_modules folder, or a linked package's real folder: `roots`), every
 * package.json from its folder up to the package's own (red team R144-1: `main`, `module` or
 * `exports` edited in place to point at another module ran the bundle of the one before; a
 * dist/package.json stating a module type is the nearest, not the one an import resolved through),
 * and every folder from its own up to the package's (linked: R146-2), or to the outermost
 * node_modules, not included (R144-2: what esbuild looked for and did not find, a says.ts added
 * where a require of ./says found says.js, a package put in a nearer node_modules, one replaced,
 * changes only a folder). The outermost node_modules holds the cache, made by the first run: only
 * the packages looked for in it are stated (packagesLookedFor). Any other file's folder, and the
 * package.json files from it up to the nearest (those not there: `looked`).
 */
function resolvedThrough(files, roots) {
  const manifests = new Set();
  const folders = new Set();
  const looked = new Set();
  const inPackages = (dir) => dir.includes(`${sep}node_modules${sep}`);
  for (const f of files) {
    if (inPackages(f)) {
      for (let dir = dirname(f); !manifests.has(dir) && inPackages(dir); dir = dirname(dir)) {
        manifests.add(dir);
        const parent = basename(dirname(dir));
        if (parent === 'node_modules' || (parent.startsWith('@') && basename(dirname(dirname(dir))) === 'node_modules'))
          break; // the package's own folder
      }
      for (let dir = dirname(f); !folders.has(dir) && inPackages(dir); dir = dirname(dir)) folders.add(dir);
      continue;
    }
    const top = [...roots].find((r) => f.startsWith(`${r}${sep}`));
    if (top !== undefined)
      for (let dir = dirname(f); !folders.has(dir); dir = dirname(dir)) {
        manifests.add(dir);
        folders.add(dir);
        if (dir === top) break;
      }
    else {
      folders.add(dirname(f));
      for (let dir = dirname(f); ; dir = dirname(dir)) {
        const manifest = join(dir, 'package.json');
        if (existsSync(manifest)) {
          manifests.add(dir);
          break;
        }
        looked.add(manifest);
        if (dirname(dir) === dir) break;
      }
    }
  }
  const stated = [...[...manifests].map((d) => join(d, 'package.json')).filter((m) => existsSync(m)), ...folders];
  return { stated, looked };
}

/** A test of a file's full path (as esbuild names it: real, or through the root's link): is it one the fingerprint's walk states? */
function isFingerprinted() {
  const roots = [...new Set([root, realpathSync(root)])];
  return (p) => roots.some((r) => p === join(r, 'package.json') || SOURCES.some((d) => p.startsWith(join(r, d, sep))));
}

// Bundles of earlier sources or package files: removed once they are an hour old (a run may still be
// using one). Only this script's own folders (a bundle's name, or one being built): not the declarations' cache.
// And the lists of packages' files of earlier sources (`<sources>.inputs`), but the current sources' one.
function pruneOldBundles(current, inputsFile) {
  const dir = dirname(current);
  for (const name of readdirSync(dir).filter((n) => /^[0-9a-f]{16}(\.inputs)?(\.tmp-[0-9a-f-]+)?$/.test(n))) {
    const p = join(dir, name);
    try {
      if (p !== current && p !== inputsFile && Date.now() - statSync(p).mtimeMs > 3_600_000)
        rmSync(p, { recursive: true, force: true });
    } catch {
      // already gone, or not ours to remove
    }
  }
}

/** Packages left to the bundled CLI's own require (packages it imports, not runs). */
const EXTERNAL = ['esbuild', 'tsx', 'tsx/*'];
/**
 * Packages bundled apart, in `apart.cjs`, loaded when first required: large and run by few
 * commands (the Kubernetes schema validators, 1.4 MB of the 3.2: in the one script, every command
 * compiled or read their code, `levels` 66 -> 80 ms).
 */
const APART = ['kubernetes-models'];
const isApart = (id) => APART.some((p) => id === p || id.startsWith(`${p}/`));

/**
 * node_modules/.cache/orgctl, as cli/paths.ts keeps its caches: node_modules may be a link to this
 * user's folder (a shared install); below it, each folder is this user's and no symbolic link (a
 * branch may commit one, and git checks it out in the ignored folder: the code run would be read
 * from, and old bundles pruned in, wherever it points), and none another user may write to: its
 * group only when that is the user's own primary group (cli/paths.ts's ownFolder, red team R101-2:
 * whoever may write there replaces the code run). Else no bundle: the sources run.
 */
function cacheFolder() {
  const own = (dir) => {
    const s = lstatSync(dir);
    if (!s.isDirectory() || (process.getuid !== undefined && s.uid !== process.getuid()))
      throw new Error(`${dir}: not a folder of this user's`);
    if ((s.mode & 0o002) !== 0 || ((s.mode & 0o020) !== 0 && s.gid !== process.getgid?.()))
      throw new Error(`${dir}: another user may write to it`);
  };
  let dir = realpathSync(modules);
  own(dir);
  for (const part of ['.cache', 'orgctl']) {
    dir = join(dir, part);
    if (!lstatSync(dir, { throwIfNoEntry: false })) mkdirSync(dir, { mode: 0o755 });
    own(dir);
  }
  return dir;
}

/** How esbuild loads each kind of orgctl's own files (SOURCES, package.json). */
const LOADERS = { '.ts': 'ts', '.mts': 'ts', '.js': 'js', '.mjs': 'js', '.cjs': 'js', '.json': 'json' };

/**
 * An esbuild plugin loading orgctl's own files itself: `digests`, each one's path -> sha256 of the
 * very bytes bundled (a hash read apart, before or after, may be of other bytes); `unhashed`, those
 * of a kind it leaves to esbuild; `own`, its test of a file (isFingerprinted). Every other file
 * (the installed packages', any outside the source folders) esbuild loads as ever.
 */
function loadedSources() {
  const digests = new Map();
  const unhashed = [];
  const own = isFingerprinted();
  const plugin = {
    name: 'orgctl-sources',
    setup(build) {
      build.onLoad({ filter: /.*/ }, (args) => {
        if (args.namespace !== 'file' || !own(args.path)) return undefined;
        const loader = LOADERS[extname(args.path)];
        if (loader === undefined) {
          unhashed.push(args.path);
          return undefined;
        }
        const contents = readFileSync(args.path);
        digests.set(args.path, sha256(contents));
        return { contents, loader };
      });
    },
  };
  return { plugin, digests, unhashed, own };
}

/** The folder of the bundle (orgctl.cjs, apart.cjs): built on the first run of these sources and package files (bundleName). */
async function bundled() {
  const cache = cacheFolder();
  const fingerprinted = Date.now();
  const sources = sourcesFingerprint();
  const inputsFile = join(cache, `${sources}.inputs`);
  const inputs = inputsOf(inputsFile);
  let out = inputs && join(cache, bundleName(sources, inputs.files));
  // Nothing recent (the common run): no source is read, only the other files bundled stated.
  const built = out !== undefined && existsSync(join(out, 'orgctl.cjs'));
  if (!built || !(await holdsRecent(inputs, inputsFile, fingerprinted))) {
    const { build } = await import('esbuild');
    const started = Date.now();
    const tmp = join(cache, `${sources}.tmp-${RUN}`);
    const loaded = loadedSources();
    const common = {
      plugins: [loaded.plugin],
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      logLevel: 'silent',
      // ASCII, so that it is read as one byte a character (runScript). esbuild escapes what is not
      // ASCII in code, but keeps comments as written: seven comments (arrows, quotes) made the
      // 2.3 MB script UTF-8, which V8 decodes into two bytes a character, 3x slower to read and
      // 2x slower to compile from its cache (every command paid 25-30 ms). Whitespace minified
      // drops the comments; legal comments too (the packages' licenses are in node_modules).
      minifyWhitespace: true,
      legalComments: 'none',
    };
    const cli = await build({
      ...common,
      stdin: {
        contents:
          "export { main, isQuick } from './cli/main.ts'; export { processIo, endUncaught } from './cli/io.ts';",
        resolveDir: root,
        loader: 'ts',
      },
      outfile: join(tmp, 'orgctl.cjs'),
      // Dependencies are bundled too: resolving and reading hundreds of package files cost each
      // command ~0.1 s.
      external: [...EXTERNAL, ...APART, ...APART.map((p) => `${p}/*`)],
      // A script has no import.meta: the bundle's own URL (cli/explain-cache.ts names the engine by its folder).
      define: { 'import.meta.url': '__orgctl_bundle_url' },
      banner: {
        js: "const __orgctl_bundle_url = require('node:url').pathToFileURL(__filename).href;",
      },
      metafile: true,
    });
    // What the CLI requires of the packages apart, each by the name it requires.
    const required = [
      ...new Set(
        Object.values(cli.metafile.outputs).flatMap((o) =>
          o.imports.filter((i) => i.external && isApart(i.path)).map((i) => i.path),
        ),
      ),
    ];
    const apart = await build({
      ...common,
      stdin: {
        contents: required.map((id) => `exports[${JSON.stringify(id)}] = require(${JSON.stringify(id)});`).join('\n'),
        resolveDir: root,
        loader: 'js',
      },
      outfile: join(tmp, 'apart.cjs'),
      external: EXTERNAL,
      metafile: true,
    });
    const bundledFiles = [cli, apart].flatMap((b) => filesNotFingerprinted(b.metafile, loaded.own));
    // The walks cli/declaration.ts's record makes too (one home, plain JavaScript: loaded by a build only).
    const lookup = await import('../cli/package-lookup.mjs');
    const reader = lookup.configReader();
    const extended = configsApplied(
      bundledFiles.filter((f) => !f.includes(`${sep}node_modules${sep}`)),
      reader,
    );
    const packages = packagesLookedFor([cli.metafile, apart.metafile], lookup, reader) ?? {
      stated: [],
      looked: [],
      roots: new Set(),
      unknown: true,
    };
    const through = resolvedThrough(bundledFiles, packages.roots);
    // Stated: each there when the build looked. Looked for: not there then, so changed only by being written.
    const stated = new Set([...bundledFiles, ...packages.stated, ...through.stated, ...(extended?.files ?? [])]);
    const looked = [...new Set([...packages.looked, ...through.looked, ...(extended?.looked ?? [])])];
    const read = [...stated, ...looked].sort();
    // A file not fingerprinted (a package's, one outside the sources) changed while it was bundled
    // (a clock tick of the file system's before its start, or later): its stat now may not be of
    // what was read, so this bundle is run once and not kept under it (pruned later, as an
    // interrupted build is). So too when a config applied cannot be read as esbuild reads it
    // (configsApplied), or where it sends a bare import is not known (packagesLookedFor).
    // Only when building: imported here.
    const racy = await changedSince(started);
    const written = (f) => existsSync(f) && racy(f);
    if ([...stated].some(racy) || looked.some(written) || loaded.unhashed.some(racy) || !extended || packages.unknown)
      return tmp;
    // A source changed within that window may change again and keep its stat (the same size, within
    // the file system's clock tick: R138-2): the sha256 of the bytes bundled of each such source is
    // listed, which later runs compare (holdsRecent); a source written since has another stat,
    // another fingerprint. Kept, unlike a package's file: a checkout or a copy makes every source recent.
    const recent = Object.fromEntries(
      [...loaded.digests].filter(([f]) => racy(f)).sort(([a], [b]) => (a < b ? -1 : 1)),
    );
    const stale = out;
    out = join(cache, bundleName(sources, read));
    // The bundle of other bytes of a recent source, under the name of these: moved aside (pruned
    // later) for this one. A run midway through it may fail to read apart.cjs, as when pruned.
    if (built && stale === out)
      try {
        renameSync(out, `${out}.tmp-${RUN}`);
      } catch {
        // another run moved it first
      }
    writeAtomically(inputsFile, JSON.stringify({ files: read, recent }));
    try {
      renameSync(tmp, out);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // another run built it first
    }
    pruneOldBundles(out, inputsFile);
  } else {
    // In use: not an old bundle for another run to prune (apart.cjs is read midway through a command).
    try {
      const now = new Date();
      utimesSync(out, now, now);
      utimesSync(inputsFile, now, now);
    } catch {
      // a read-only install: nothing prunes it either
    }
  }
  return out;
}

/** Code compiled for this command (`levels`; other first arguments: `other`), to keep when a run makes it. */
const commandName = (argv) => (/^[a-z][a-z-]{0,30}$/.test(argv[0] ?? '') ? argv[0] : 'other');
const codeToKeep = [];

/**
 * Code V8 compiled, as kept: its CRC-32, then the code. V8 checks a cache's header (its version,
 * flags and length) but not what follows (Node's release builds skip the checksum), and damaged
 * code it accepts crashes V8 on every run: code whose checksum fails is none.
 */
const keptCode = (code) => {
  const kept = Buffer.alloc(4 + code.length);
  kept.writeUInt32LE(crc32(code), 0);
  code.copy(kept, 4);
  return kept;
};
const codeOf = (kept) => {
  const code = kept.subarray(4);
  return kept.length > 4 && kept.readUInt32LE(0) === crc32(code) ? code : undefined;
};

/**
 * Runs a CommonJS script of the bundle, compiled with the code V8 compiled for it in this command's
 * earlier run when there is one (`<command>.<script>.<V8 version>.v8`: Node versions used in turn
 * keep their own); its exports.
 */
function runScript(folder, name, command, require) {
  const file = join(folder, `${name}.cjs`);
  const cacheFile = join(folder, `${command}.${name}.${process.versions.v8}.v8`);
  let cachedData;
  try {
    cachedData = codeOf(readFileSync(cacheFile));
  } catch {
    // not made yet
  }
  const bytes = readFileSync(file);
  // ASCII (as bundled) read as Latin-1 makes V8's one-byte string directly; UTF-8 only if ever needed.
  const text = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${text}\n})`, {
    filename: file,
    cachedData,
  });
  // Made at the end of the run (the code compiled by then); again when V8 refused it (another V8, other flags).
  if (cachedData === undefined || script.cachedDataRejected === true)
    codeToKeep.push(() => writeAtomically(cacheFile, keptCode(script.createCachedData())));
  const module = { exports: {} };
  script.runInThisContext()(module.exports, require, module, file, folder);
  return module.exports;
}

/** Writes a file whole or not at all; one that cannot be written (a read-only install) is left unmade. */
function writeAtomically(file, data) {
  const tmp = `${file}.tmp-${RUN}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch {
    rmSync(tmp, { force: true });
  }
}

/** The CLI's exports: main, isQuick, processIo, endUncaught. */
function loadCli(folder, command) {
  const nodeRequire = createRequire(join(folder, 'orgctl.cjs'));
  let apart;
  const require = (id) =>
    isApart(id) ? (apart ??= runScript(folder, 'apart', command, nodeRequire))[id] : nodeRequire(id);
  return runScript(folder, 'orgctl', command, require);
}

// The bundle runs as a script: its import() of a package or a declaration's bundle is this module's.
globalThis[Symbol.for('orgctl.import')] = (specifier) => import(specifier);
// And it sits in node_modules/.cache, a shared install's when node_modules is a link: the engine's
// folder (its workflow templates, cli/workflows.ts) is this script's.
globalThis[Symbol.for('orgctl.root')] = root;

const argv = process.argv.slice(2);
const command = commandName(argv);
let main;
let processIo;
let endUncaught;
let isQuick = () => false;
try {
  ({ main, isQuick, processIo, endUncaught } = loadCli(await bundled(), command));
} catch (e) {
  // No cache (read-only install, no esbuild): run the sources through tsx.
  if (process.env.ORGCTL_DEBUG)
    process.stderr.write(`orgctl: the bundle could not be used, running the sources: ${e?.stack ?? e}\n`);
  (await import('tsx/esm/api')).register();
  ({ main, isQuick } = await import('../cli/main.ts'));
  ({ processIo, endUncaught } = await import('../cli/io.ts'));
  codeToKeep.length = 0;
}
// From here on an error nothing catches (a callback's, a promise's nobody awaits) may quote an
// author's text: printed as orgctl's lines are, through the guard, not by Node past it (R107-1).
process.on('uncaughtException', endUncaught);
// A quick command (can-i, levels, who-can -n NS) is over before TurboFan's background compiles of its hottest
// functions would pay off, and on two cores they compete with it and hold up its exit: V8 tiers up
// ~15x later for these (can-i at size L: 284 -> 236 ms, median of 11). Longer commands keep V8's default.
// V8 11.3 (Node 20) knows the flag; later V8s tier up by invocation counts, and a flag V8 does not
// know is an error line on stderr: only where it is known to exist.
const quick = isQuick(argv) && process.versions.v8.startsWith('11.3.');
if (quick) setFlagsFromString(`--interrupt-budget=${QUICK_INTERRUPT_BUDGET}`);
process.exitCode = await main(argv, processIo);
// Kept after a command that ran (not after a mistyped command or flag: exit 2).
if (codeToKeep.length && process.exitCode !== 2) {
  // V8 takes code only under the flags it was compiled with: kept under the defaults, which the next run compiles with.
  if (quick) setFlagsFromString(`--interrupt-budget=${V8_INTERRUPT_BUDGET}`);
  for (const keep of codeToKeep) keep();
}
// Done: out as soon as stdout and stderr are written (a pipe is written asynchronously). Left to
// end by itself, Node first waits for V8's work in the background to finish (TurboFan's compiles,
// marking the heap, sweeping): 20-40 ms after a large command, for nothing.
await Promise.all(
  [process.stdout, process.stderr].map((s) => s.writableLength && new Promise((written) => s.write('', written))),
);
process.exit();
