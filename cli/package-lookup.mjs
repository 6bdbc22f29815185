// Plain JavaScript, with its types in package-lookup.d.mts: the launcher (bin/orgctl.mjs) runs
// before any TypeScript can be loaded, and asks this as cli/declaration.ts does (one walk for both
// bundle records: red teams R146 and R148).
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve, sep } from 'node:path';

/** The package a bare import names (`@scope/name`, `name`): its first path segment, or two for a scope. */
export const packageNamed = (specifier) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

/** A path's real folder (links followed), or undefined when it is not there. */
function realFolder(path) {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/**
 * The package.json files esbuild reads a bare import's `imports` map and self-reference from: from
 * the importer's folder up to the nearest there, each there or not (R149-17: the importer's
 * nearest, which need not be the one nearest the file the import resolved to).
 */
export function importerManifests(folder) {
  const manifests = [];
  for (let dir = folder; ; dir = dirname(dir)) {
    manifests.push(join(dir, 'package.json'));
    if (isFile(join(dir, 'package.json')) || dirname(dir) === dir) return manifests;
  }
}

/**
 * Where Node and esbuild look for package `name` from folder `from`, in order: node_modules/NAME in
 * every folder up (node_modules/node_modules skipped), each with its real folder (undefined: not
 * there), up to the one holding `found` (the file the import resolved to); `at` is that one.
 * Undefined `at`: no node_modules on the way holds it (tsconfig's `paths` or `baseUrl` resolved it).
 */
export function packageLookup(name, from, found) {
  const looked = [];
  for (let dir = from; ; dir = dirname(dir)) {
    if (basename(dir) !== 'node_modules') {
      const path = join(dir, 'node_modules', name);
      const real = realFolder(path);
      looked.push({ path, real });
      if (real !== undefined && found.startsWith(`${real}${sep}`)) return { looked, at: { path, real } };
    }
    if (dirname(dir) === dir) return { looked, at: undefined };
  }
}

/** What esbuild looks for in each folder from a source's up, in this order: the first found is the config it applies. */
const CONFIG_NAMES = ['tsconfig.json', 'jsconfig.json'];

/**
 * A tsconfig's text read as esbuild reads one (JSON with comments and trailing commas), objects
 * without a prototype. A key written twice in an object throws, as text that is not that does:
 * esbuild reads the first of a property, and appends the lists of a `paths` pattern written twice,
 * which no reading of the last one here would say.
 */
function configJson(text) {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const fail = () => {
    throw new SyntaxError(`not a tsconfig as esbuild reads one, at offset ${i}`);
  };
  const sticky = (re) => {
    re.lastIndex = i;
    const m = re.exec(text) ?? fail();
    i = re.lastIndex;
    return JSON.parse(m[0]);
  };
  const space = () => {
    for (;;) {
      if (/\s/.test(text[i] ?? '')) i++;
      else if (text.startsWith('//', i)) i = text.includes('\n', i) ? text.indexOf('\n', i) : text.length;
      else if (text.startsWith('/*', i)) i = text.includes('*/', i + 2) ? text.indexOf('*/', i + 2) + 2 : fail();
      else return;
    }
  };
  /** The items of an object or array from `open`, each read by `item` until `close` (a trailing comma allowed). */
  const items = (close, item) => {
    i++;
    for (space(); text[i] !== close; space()) {
      item();
      space();
      if (text[i] === ',') i++;
      else if (text[i] !== close) fail();
    }
    i++;
  };
  const value = () => {
    space();
    if (text[i] === '{') {
      const object = Object.create(null);
      items('}', () => {
        const key = text[i] === '"' ? sticky(STRING) : fail();
        if (Object.hasOwn(object, key)) fail();
        space();
        if (text[i++] !== ':') fail();
        object[key] = value();
      });
      return object;
    }
    if (text[i] === '[') {
      const array = [];
      items(']', () => array.push(value()));
      return array;
    }
    return sticky(text[i] === '"' ? STRING : LITERAL);
  };
  const json = value();
  space();
  return i === text.length ? json : fail();
}
const STRING = /"(?:[^"\\\u0000-\u001f]|\\.)*"/y;
const LITERAL = /true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Whether a path is a file, a link followed (what esbuild takes for a config or a module). */
function isFile(path) {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** A package.json's fields; undefined when it is not there or not JSON. */
function manifestOf(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * The file a package's `exports` name for `subpath` as esbuild reads them for an `extends` (the
 * require conditions on node: require, node, default, the first in the object's order; esbuild
 * tries it before the plain files): undefined when none (no exports, no such key, null), false
 * when not read here (a pattern, an array, a condition nested deeper).
 */
function exportTarget(exports, subpath) {
  if (exports === undefined || exports === null) return undefined;
  const keyed =
    typeof exports === 'object' && !Array.isArray(exports) && Object.keys(exports).some((k) => k.startsWith('.'));
  let target = keyed ? exports[subpath] : subpath === '.' ? exports : undefined;
  if (keyed && target === undefined && Object.keys(exports).some((k) => k.includes('*'))) return false;
  if (typeof target === 'object' && target !== null && !Array.isArray(target))
    target = target[Object.keys(target).find((k) => ['require', 'node', 'default'].includes(k))];
  if (target === undefined || target === null) return undefined;
  return typeof target === 'string' ? target : false;
}

/** esbuild's IsPackagePath: what is not a path (/, ./, ../, ., ..) names a package. */
const isPackagePath = (spec) => !/^(\/|\.\.?\/)/.test(spec) && spec !== '.' && spec !== '..';

/** A string of a tsconfig's, `${configDir}` at its start the folder of the config applied (esbuild, TypeScript 5.5). */
const configDirIn = (value, configDir) =>
  value.startsWith('${configDir}') ? join(configDir, `./${value.slice(12)}`) : value;

/** Whether a pattern of `paths` has at most one `*`, as esbuild keeps one. */
const onePattern = (text) => text.indexOf('*') === text.lastIndexOf('*');

/** Whether a substitution of `paths` is a path, as esbuild keeps one where no `baseUrl` is set. */
const pathLike = (text) => /^(\.\.?($|[\\/])|[\\/]|[a-zA-Z]:[\\/])/.test(text);

/**
 * How esbuild reads the configs that apply to sources, remembered per folder for one build: which
 * config applies to a folder (the nearest tsconfig.json, else jsconfig.json, from it up; none in a
 * node_modules folder, which esbuild leaves without one), what it and each file it `extends`
 * (followed as esbuild follows them) say of `baseUrl` and `paths`, and the files it read and
 * looked for and did not find. `unknown` says why a config cannot be read as esbuild reads it
 * (not JSON as it reads it, an `extends` through a package's `exports` or Yarn PnP): then what a
 * bare import looks at is not known, and no record may be kept.
 */
export function configReader() {
  const applied = new Map();
  const parsed = new Map();

  /** A config file (its real path) as esbuild parses it, `extends` merged in; `visited` holds the chain (cycles end there). */
  const parse = (file, configDir, visited) => {
    const key = `${file}\0${configDir}`;
    if (parsed.has(key)) return parsed.get(key);
    const out = { files: [file], looked: [], extended: [], baseUrl: undefined, paths: undefined, pathsBase: undefined };
    let fileDir;
    let json;
    try {
      const real = realpathSync(file); // esbuild reads a linked config where it points
      fileDir = dirname(real);
      json = configJson(readFileSync(real, 'utf8'));
    } catch (e) {
      return { ...out, unknown: `${file}: ${e.message}` };
    }
    const bases = typeof json?.extends === 'string' ? [json.extends] : Array.isArray(json?.extends) ? json.extends : [];
    for (const spec of bases.filter((s) => typeof s === 'string')) {
      const known = out.unknown === undefined;
      const tried = [];
      const found = extended(spec, fileDir, out, tried);
      const byName = isPackagePath(spec);
      out.extended.push(...tried.map((f) => ({ config: file, file: f, there: f === found, byName })));
      if (known && out.unknown !== undefined) out.unfollowed = { config: file, extends: spec };
      if (found === undefined || out.unknown) continue;
      if (visited.has(found)) continue; // esbuild warns of the cycle and reads no more of it
      const base = parse(found, configDir, new Set([...visited, found]));
      out.files.push(...base.files);
      out.looked.push(...base.looked);
      out.extended.push(...base.extended);
      if (base.unknown)
        [out.unknown, out.unfollowed] = [base.unknown, base.unfollowed ?? { config: file, extends: spec }];
      if (base.baseUrl !== undefined) out.baseUrl = base.baseUrl;
      if (base.paths !== undefined) [out.paths, out.pathsBase] = [base.paths, base.pathsBase];
    }
    const options = json?.compilerOptions;
    if (typeof options?.baseUrl === 'string') out.baseUrl = resolve(fileDir, configDirIn(options.baseUrl, configDir));
    const paths = options?.paths;
    if (typeof paths === 'object' && paths !== null && !Array.isArray(paths)) {
      out.pathsBase = fileDir;
      out.paths = new Map();
      for (const [pattern, list] of Object.entries(paths)) {
        if (!onePattern(pattern) || !Array.isArray(list)) continue;
        const kept = list.filter((t) => typeof t === 'string' && onePattern(t)).map((t) => configDirIn(t, configDir));
        if (kept.length) out.paths.set(pattern, kept);
      }
    }
    parsed.set(key, out);
    return out;
  };

  /**
   * The file an `extends` names, as esbuild looks for it (a path: itself, else with .json; a
   * package's: its `tsconfig` field or NAME/tsconfig.json, NAME, NAME.json in node_modules from
   * the config's folder up), each file tried and not there listed in `into.looked`; undefined when
   * none is there (esbuild warns and extends nothing); each file tried, the one found too, in `tried`.
   */
  const extended = (spec, fileDir, into, tried) => {
    const tryFiles = (files) => {
      for (const f of files) {
        tried.push(f);
        if (isFile(f)) return f;
        into.looked.push(f);
      }
      return undefined;
    };
    if (!isPackagePath(spec)) {
      const file = resolve(fileDir, spec === '.' || spec === '..' ? `${spec}/tsconfig.json` : spec);
      return tryFiles(file.endsWith('.json') ? [file] : [file, `${file}.json`]);
    }
    for (let dir = fileDir; ; dir = dirname(dir)) {
      if (CONFIG_PNP.some((n) => existsSync(join(dir, n)))) into.unknown ??= `${join(dir, '.pnp')}: Yarn PnP`;
      if (dirname(dir) === dir) break;
    }
    for (let dir = fileDir; ; dir = dirname(dir)) {
      if (basename(dir) !== 'node_modules') {
        const pkg = join(dir, 'node_modules', packageNamed(spec));
        let target = join(dir, 'node_modules', spec);
        const manifest = manifestOf(join(pkg, 'package.json'));
        (existsSync(join(pkg, 'package.json')) ? into.files : into.looked).push(join(pkg, 'package.json'));
        if (typeof manifest?.tsconfig === 'string' && manifest.tsconfig) target = resolve(pkg, manifest.tsconfig);
        const exported = exportTarget(manifest?.exports, `.${spec.slice(packageNamed(spec).length)}`);
        if (exported === false) into.unknown ??= `${join(pkg, 'package.json')}: an extends through its exports`;
        const first = typeof exported === 'string' ? [resolve(pkg, exported)] : [];
        const found = tryFiles([...first, join(target, 'tsconfig.json'), target, `${target}.json`]);
        if (found !== undefined) return found;
      }
      if (dirname(dir) === dir) return undefined;
    }
  };

  /** The config esbuild applies to the sources of `folder` (`file` undefined: none), and what it says. */
  const appliedTo = (folder) => {
    if (applied.has(folder)) return applied.get(folder);
    let config;
    if (folder.split(sep).includes('node_modules')) config = { files: [], looked: [], extended: [] };
    else {
      const names = CONFIG_NAMES.map((n) => join(folder, n));
      const found = names.findIndex((f) => isFile(f));
      if (found !== -1) {
        const parsedConfig = parse(names[found], folder, new Set([names[found]]));
        config = { ...parsedConfig, file: names[found], looked: [...names.slice(0, found), ...parsedConfig.looked] };
        // Where no baseUrl is set, esbuild drops a substitution that is not a path (with a warning),
        // and keeps the pattern: an exact one then matches and resolves nothing.
        if (config.paths !== undefined && config.baseUrl === undefined)
          config.paths = new Map([...config.paths].map(([pattern, list]) => [pattern, list.filter(pathLike)]));
      } else if (dirname(folder) === folder) config = { files: [], looked: names, extended: [] };
      else {
        const above = appliedTo(dirname(folder));
        config = { ...above, looked: [...names, ...above.looked] };
      }
    }
    applied.set(folder, config);
    return config;
  };

  return { appliedTo };
}
const CONFIG_PNP = ['.pnp.data.json', '.pnp.cjs', '.pnp.js'];

/**
 * What esbuild tries for a path, before a folder: the path, with each extension (its default
 * resolveExtensions; in a node_modules folder the JavaScript ones first), then a .js named for its .ts.
 */
const EXTENSIONS = ['.tsx', '.ts', '.jsx', '.js', '.css', '.json'];
const PACKAGE_EXTENSIONS = ['.jsx', '.js', '.tsx', '.ts', '.css', '.json'];
const REWRITTEN = { '.js': ['.ts', '.tsx'], '.jsx': ['.ts', '.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };
const extensionsOf = (path) => (path.includes(`${sep}node_modules${sep}`) ? PACKAGE_EXTENSIONS : EXTENSIONS);
const asFile = (path) => {
  const ext = extname(path);
  return [
    path,
    ...extensionsOf(path).map((e) => path + e),
    ...(REWRITTEN[ext] ?? []).map((e) => path.slice(0, -ext.length) + e),
  ];
};
const asIndex = (folder) => extensionsOf(folder).map((e) => join(folder, `index${e}`));

/**
 * What esbuild's loadAsFileOrDirectory tries for `path`, in order, there or not: the path as a
 * file, then as a folder, its package.json, what its `main` and `module` name (as a file, then
 * its index), and its index.
 */
function fileOrFolder(path) {
  const manifest = manifestOf(join(path, 'package.json'));
  const fields = ['main', 'module'].map((f) => manifest?.[f]).filter((v) => typeof v === 'string');
  return [
    ...asFile(path),
    join(path, 'package.json'),
    ...fields.flatMap((v) => [...asFile(resolve(path, v)), ...asIndex(resolve(path, v))]),
    ...asIndex(path),
  ];
}

/** What esbuild tried for `path` up to `found`, the file it took (`at`: -1, none of them). */
function triedFor(path, found) {
  const tried = fileOrFolder(path);
  const at = tried.findIndex((c) => c === found || (isFile(c) && realFolder(c) === found));
  return { tried: at === -1 ? tried : tried.slice(0, at + 1), resolved: at !== -1 };
}

/**
 * What esbuild tried in the package in `folder` (node_modules/NAME, found there) for `specifier`
 * before `found`, the file it took, there or not (its loadAsFileOrDirectory of NAME/SUBPATH: a
 * main not there before the module found, R149-15, R149-16); none when the package says `exports`
 * (each target exact; a .js target's .ts is in a folder on the found path, stated).
 */
export function triedInPackage(folder, specifier, found) {
  const exports = manifestOf(join(folder, 'package.json'))?.exports;
  if (exports !== undefined && exports !== null) return [];
  return triedFor(join(folder, specifier.slice(packageNamed(specifier).length)), found).tried;
}

/**
 * Where a config's `paths` and `baseUrl` send bare import `specifier` (esbuild's matchTSConfigPaths,
 * then its baseUrl): each path esbuild tries in turn, there or not (`looked`), up to the one it
 * resolved `found` through (`resolved`: true), or all of them (found elsewhere: in node_modules).
 * Undefined when what esbuild tries is not known here (a pattern overlapping itself).
 */
export function redirects(config, specifier, found) {
  const looked = [];
  const resolves = (path) => {
    const { tried, resolved } = triedFor(path, found);
    looked.push(...tried);
    return resolved;
  };
  if (config.paths !== undefined) {
    const base = config.baseUrl ?? config.pathsBase;
    let list = config.paths.get(specifier);
    let star;
    if (list === undefined) {
      let best;
      for (const [pattern, substitutions] of config.paths) {
        const at = pattern.indexOf('*');
        if (at === -1) continue;
        const [prefix, suffix] = [pattern.slice(0, at), pattern.slice(at + 1)];
        if (!specifier.startsWith(prefix) || !specifier.endsWith(suffix)) continue;
        if (
          best &&
          (prefix.length < best.prefix.length ||
            (prefix.length === best.prefix.length && suffix.length <= best.suffix.length))
        )
          continue;
        best = { prefix, suffix, substitutions };
      }
      if (best && specifier.length < best.prefix.length + best.suffix.length) return undefined;
      if (best)
        [list, star] = [best.substitutions, specifier.slice(best.prefix.length, specifier.length - best.suffix.length)];
    }
    for (const text of list ?? []) {
      const substituted = star === undefined ? text : text.replace('*', () => star);
      if (/\.d\.ts$/i.test(substituted)) continue;
      if (resolves(resolve(base, substituted))) return { looked, resolved: true };
    }
  }
  if (config.baseUrl !== undefined && resolves(resolve(config.baseUrl, specifier))) return { looked, resolved: true };
  return { looked, resolved: false };
}
