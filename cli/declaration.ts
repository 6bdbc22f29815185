/**
 * Bundling a declaration module (org/org.ts) to run: tsx transpiled the declaration and every
 * orgctl module it imports on each run (`check` of the example: 0.8 s, then 0.25 s); this bundles
 * them once with esbuild, with what reads the declaration as data (constructs/declared.ts), and
 * reuses the bundle while nothing it was built from changed. A child process runs it
 * (isolated-declaration.ts).
 *
 * What "built from" covers: every bundled file, the folder of each (a new file there may change
 * what an import resolves to, a re-pointed symlink too), the package.json of every package
 * imported and where esbuild looked for it (node_modules/NAME from the importer's folder up, a link
 * followed: packageLookedFor), the tsconfig.json files above the declaration, and where a config's
 * `paths` or `baseUrl` send a bare import, each path esbuild tries (redirected). Packages stay outside the bundle,
 * imported from where the declaration would import them (bundled, cdk8s would lose the files it
 * finds by __dirname); TypeScript files a bare import resolves to (a linked workspace package)
 * are bundled. `import.meta.url` keeps naming each source file. Errors point into the TypeScript
 * sources (inline source maps).
 */
import type { Message } from 'esbuild';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ModuleError } from '../model/errors.ts';
import { importModule } from './es-import.ts';
import { isUnchanged, sha256Hex, stampOf, type FileStamp } from './file-stamp.ts';
import { CACHE_DIR_VARIABLE, cacheFolder, folderAbove } from './paths.ts';
import { mayHaveChangedSince } from './racy.mjs';
import {
  type AppliedConfig,
  configReader,
  importerManifests,
  packageLookup,
  packageNamed,
  redirects,
  triedInPackage,
} from './package-lookup.mjs';
import { mayRead, type Reach, unusedBuiltin } from './isolated-declaration.ts';
import { replaceFile } from './replace-file.ts';
import packageJson from '../package.json' with { type: 'json' };
import { packageRoot } from './workflows.ts';
import { loaderOf } from '../review/org-code.ts';

/** Bump when the bundle's shape changes: bundles cached by an older orgctl are not reused. */
const BUNDLE_FORMAT = 17;

interface BundleRecord {
  readonly format: number;
  /** The declaration the bundle is of. */
  readonly file: string;
  /** The bundle's file name: named by its content, never rewritten, so a record always matches its code. */
  readonly code: string;
  /** The bundle's SHA-256, checked before it is written: a branch may commit a file under its name. */
  readonly codeSha256: string;
  /**
   * The bundle's file as this machine wrote it (or found it holding this code), checked before it
   * runs: a file a branch commits under its name has another change time and inode, as an input.
   */
  readonly codeStamp: FileStamp;
  readonly inputs: readonly FileStamp[];
  /** The files esbuild bundled (the declaration, what it imports of its own, orgctl's sources when linked), absolute. */
  readonly sources: readonly string[];
}

const readRecord = (path: string): BundleRecord | undefined => {
  try {
    const r = JSON.parse(readFileSync(path, 'utf8')) as BundleRecord;
    return r.format === BUNDLE_FORMAT &&
      Array.isArray(r.inputs) &&
      Array.isArray(r.sources) &&
      typeof r.code === 'string' &&
      typeof r.codeSha256 === 'string' &&
      typeof r.codeStamp === 'object' &&
      r.codeStamp !== null
      ? r
      : undefined;
  } catch {
    return undefined;
  }
};

/** The package.json of the package a resolved file belongs to. */
function packageJsonOf(path: string): string | undefined {
  const dir = folderAbove(path, 'package.json');
  return dir && join(dir, 'package.json');
}

function declaresNoSideEffects(manifest: string): boolean {
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { sideEffects?: unknown }).sideEffects === false;
  } catch {
    return false;
  }
}

/**
 * The configs esbuild reads for these sources, as configReader follows their `extends`: the
 * nearest tsconfig.json (else jsconfig.json) of each folder from each source's up (esbuild reads
 * each, not only the one applied). extendsOutside judges them; a build stamps their files.
 */
function configsRead(configs: ReturnType<typeof configReader>, sources: readonly string[]): AppliedConfig[] {
  const read: AppliedConfig[] = [];
  const seen = new Set<string>();
  for (const source of sources)
    for (let dir = dirname(source); !seen.has(dir); dir = dirname(dir)) {
      seen.add(dir);
      read.push(configs.appliedTo(dir));
      if (dirname(dir) === dir) break;
    }
  return read;
}

/** The bundle's entry, which esbuild names as given; no file. */
const STDIN = '<declaration>';
/**
 * Code of the declaration's project, imported as code (no `with { type }`: that would read a
 * source file as text), outside dot folders (.git, .env...) and node_modules: shared helpers
 * beside org/ (a monorepo's lib/), which the declaration cannot read itself but whose code it runs.
 */
const isProjectCode = (path: string, attributes: Record<string, string>, project: string | undefined): boolean =>
  SOURCE.test(path) && !Object.keys(attributes).length && inProject(path, project);

/** Whether a file is its project's own, outside dot folders (.git, .env...) and node_modules. */
function inProject(path: string, project: string | undefined): boolean {
  if (!project) return false;
  const parts = relative(project, path).split(sep);
  return (
    parts[0] !== '..' && !isAbsolute(parts.join(sep)) && parts.every((p) => !p.startsWith('.') && p !== 'node_modules')
  );
}

/**
 * A file a tsconfig may extend: a package's (what the declaration may read), or one of its
 * project's tsconfig files. esbuild reads what a tsconfig extends itself, in orgctl's process,
 * where no onLoad sees it, and its error quotes a file that is not JSON (R81-2).
 */
const mayExtend = (config: string, reach: Reach, project: string | undefined): boolean =>
  mayRead(config, reach) || (/^[tj]sconfig[\w.-]*\.json$/.test(basename(config)) && inProject(config, project));

/** Why an import of a file is refused: outside what the declaration may read, and not its project's code. */
const outsideImport = (path: string, file: string): string =>
  `imports ${path}, outside what a declaration may read (its folder, orgctl, the installed packages, and its project's code): move the file into ${dirname(file)}`;

/**
 * Whether an import's path, before esbuild looks for it, is refused: esbuild's "could not resolve"
 * for a path that is not there, and onLoad's refusal for one that is, said which (R88-1). A path
 * of the project's that may be code (no extension: esbuild tries them) is looked for.
 */
const refusedUnresolved = (target: string, reach: Reach, project: string | undefined): boolean =>
  !mayRead(target, reach) && !(inProject(target, project) && (SOURCE.test(target) || !extname(target)));

/**
 * An import() of a value, not a string: Node's resolver would look for whatever path it is handed,
 * which says whether a file outside the reach is there (R88-1); what esbuild sees it bundles.
 */
const IMPORT_OF_A_VALUE =
  'imports a module named at run time (import() of a value, not a string): a declaration may not (Node would say whether a file outside its folder is there); import each module by its name or path';

/** Whether esbuild may read a file for the bundle: the declaration's reach, its project's code, its tsconfig files. */
const mayBundle = (path: string, reach: Reach, project: string | undefined): boolean =>
  mayExtend(path, reach, project) || isProjectCode(path, {}, project);

/** The reach a refusal of an `extends` names. */
const EXTENDS_REACH =
  "outside what a declaration may read (its folder, the installed packages, and its project's tsconfig files)";

/**
 * A refusal of the first file a config extends that it may not, there or not (R81-2): of one a
 * package's name made esbuild try, the one found, and any outside node_modules (a name climbing
 * out with `..`) (R150-1, R150-2); else of a config orgctl cannot follow as esbuild does, whose
 * reach is then not known (R150-3). Undefined when there is none.
 */
function extendsOutside(read: readonly AppliedConfig[], reach: Reach, project: string | undefined): string | undefined {
  const outside = read
    .flatMap((c) => c.extended)
    .find(
      (e) =>
        (e.there || !e.byName || !e.file.split(sep).includes('node_modules')) && !mayExtend(e.file, reach, project),
    );
  if (outside) return `${outside.config} extends ${outside.file}, ${EXTENDS_REACH}: extend one of those`;
  const unknown = read.find((c) => c.unknown !== undefined);
  if (!unknown) return undefined;
  const { config, extends: spec } = unknown.unfollowed ?? { config: unknown.file, extends: undefined };
  return spec === undefined
    ? `${config} is not read as esbuild reads it (${unknown.unknown}): what esbuild reads of it may be ${EXTENDS_REACH}: write it as JSON with comments`
    : `${config} extends ${spec}, which orgctl cannot follow as esbuild does (${unknown.unknown}): what esbuild reads there may be ${EXTENDS_REACH}: extend one of those by its path or its package's tsconfig.json`;
}

/**
 * What a bundle may hold: what the declaration may read, and orgctl's own files (its package's
 * `files`: the constructs it imports, what reads it as data), never the rest of orgctl's folder
 * (in orgctl's own repository, the repository).
 */
function bundledReach(reach: Reach, engineRoot: string): Reach {
  const own = (packageJson.files as string[]).map((f) => join(engineRoot, f.replace(/\/$/, '')));
  return {
    folders: [...reach.folders, ...own.filter((p) => !/\.\w+$/.test(p))],
    files: [...reach.files, ...own.filter((p) => /\.\w+$/.test(p)), join(engineRoot, 'package.json')],
  };
}

/** What reads the declaration as data in the child process: orgctl's own (the launcher lends its folder to the bundled CLI). */
const evaluator = (): string => join(packageRoot(), 'constructs', 'declared.ts');

const TYPESCRIPT = /\.(c|m)?tsx?$/;
/** What esbuild tries for an import's path before a folder's index: the path, with each extension, a .js written for its .ts. */
const EXTENSIONS = ['.tsx', '.ts', '.jsx', '.js', '.css', '.json', '.mts', '.cts', '.mjs', '.cjs'];
const candidates = (target: string): string[] => {
  const js = /\.(c|m)?jsx?$/.exec(target);
  const base = js ? target.slice(0, -js[0].length) : undefined;
  return [
    target,
    ...EXTENSIONS.map((e) => target + e),
    join(target, 'package.json'),
    ...(base === undefined ? [] : ['.ts', '.tsx', '.mts', '.cts'].map((e) => base + e)),
  ];
};
const SOURCE = /\.(c|m)?[jt]sx?$/;

/**
 * Where esbuild looked for the package a bare import names, resolved to `found` (red team R148, as
 * the launcher's R146-1..3): node_modules/NAME in every folder from the importer's up to the one
 * it was found in, there or not (a package put in a nearer node_modules, which the cache folder,
 * org/node_modules/.cache, makes anyway), the found package's own package.json (its `main` or
 * `exports`: the nearest to the file found may be another, a dist/package.json), and every folder
 * from the file found up to the package's (lib/index.ts added beside the lib/index.js a main of
 * lib/index found: esbuild tries .ts first), and what it tried in the package before the file found
 * (a main not there before the module found: R149-15). Each is stamped by its stat, a link followed:
 * node_modules/NAME pointed elsewhere (pnpm's links into .pnpm, a linked package) is another
 * folder. Undefined when it is in no node_modules on the way (what tsconfig's `paths` or `baseUrl`
 * resolve, even a package's name, is redirected's: R68-2, R68-3, R149).
 */
function packageLookedFor(specifier: string, resolveDir: string, found: string): string[] | undefined {
  const { looked, at } = packageLookup(packageNamed(specifier), resolveDir, found);
  if (at === undefined) return undefined;
  const folders: string[] = [];
  for (let d = dirname(found); d.startsWith(`${at.real}${sep}`); d = dirname(d)) folders.push(d);
  return [
    ...looked.map((l) => l.path),
    join(at.path, 'package.json'),
    ...folders,
    ...triedInPackage(at.path, specifier, found),
  ];
}

/**
 * Where the `paths` and `baseUrl` of the config esbuild applies to an importer's folder (the
 * nearest tsconfig.json, else jsconfig.json, from it up; none in a node_modules folder) send a
 * bare import first (red teams R148-6, R149): that config and each file it extends, and every path
 * esbuild tries there, there or not, up to the one the import `resolved` through; undefined when
 * they resolved it not (then node_modules: packageLookedFor), or none applies; false when what
 * esbuild looks at there is not known (a config it reads otherwise than configReader can, an
 * import it did not resolve).
 */
function redirected(
  configs: ReturnType<typeof configReader>,
  specifier: string,
  resolveDir: string,
  resolved: string | undefined,
): string[] | false | undefined {
  const config = configs.appliedTo(resolveDir);
  if (config.unknown !== undefined) return false;
  if (config.paths === undefined && config.baseUrl === undefined) return undefined;
  const sent = resolved === undefined ? undefined : redirects(config, specifier, resolved);
  if (sent === undefined) return false;
  const stated = [...config.files, ...config.looked, ...sent.looked];
  return sent.resolved ? stated : (packageLookedFor(specifier, resolveDir, resolved!)?.concat(stated) ?? false);
}

/** The bundle's code and what it was built from; a declaration that does not compile is a ModuleError naming file, line and column. */
async function build(
  file: string,
  dir: string,
  reach: Reach,
): Promise<{ code: string; inputs: string[]; links: string[]; sources: string[]; unstamped: boolean }> {
  const esbuild = await importModule<typeof import('esbuild')>('esbuild');
  const project = folderAbove(file, 'package.json');
  // The configs esbuild reads, each once a build (cli/package-lookup.mjs). What they extend is
  // refused, there or not, before esbuild reads it: those above a path imported (a shared lib/'s)
  // as it is imported, and once more of every source, below.
  const applied = configReader();
  const refused = extendsOutside(configsRead(applied, [file]), reach, project);
  if (refused) throw new ModuleError(refused);
  // The package.json of every package imported in place (a reinstalled package rebuilds the
  // bundle), and where esbuild looked for each (packageLookedFor).
  const packages = new Set<string>();
  // What a relative or absolute import looks at on its way, which esbuild's list of inputs (where
  // it resolved) does not name: each step of the path from the importer's folder (a link
  // re-pointed there), and the files it tries before the one it found (helpers.ts before
  // helpers/index.ts), there or not.
  const lookedAt = new Set<string>();
  // A bare import found where nothing here says esbuild looked, or under a config esbuild reads
  // otherwise than configReader can: then what was looked at is not known, and no record is kept.
  let unstamped = false;
  // biome-ignore lint/suspicious/noImplicitAnyLet: typed by its assignment (esbuild narrows the result by the options given)
  let result;
  try {
    result = await esbuild.build({
      // The declaration and what reads it as data, in one bundle: the child process that runs it
      // (isolated-declaration.ts) hands back only that data.
      stdin: {
        contents: `export * as declaration from ${JSON.stringify(file)};\nexport { declaredMessage } from ${JSON.stringify(evaluator())};`,
        resolveDir: dirname(file),
        sourcefile: STDIN,
        loader: 'js',
      },
      bundle: true,
      write: false,
      metafile: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      // Node's own resolution conditions (esbuild would add `module`, and could load a second copy of a package).
      conditions: [],
      sourcemap: 'inline',
      sourcesContent: false,
      logLevel: 'silent',
      logOverride: { 'unsupported-dynamic-import': 'error' },
      absWorkingDir: dirname(file),
      // In the cache folder, where the bundle goes: the source map's paths are relative to it.
      outfile: join(dir, 'bundle.mjs'),
      plugins: [
        {
          name: 'orgctl-declaration',
          setup(b) {
            b.onResolve({ filter: /^(\.\.?($|\/)|\/)/ }, (args) => {
              const target = resolve(args.resolveDir, args.path);
              // esbuild reads the file without its ?query or #hash suffix.
              const named = resolve(args.resolveDir, args.path.replace(/[?#].*$/s, ''));
              if (refusedUnresolved(named, reach, project)) return { errors: [{ text: outsideImport(named, file) }] };
              // esbuild reads the configs above the path (a folder's too), and what they extend, as it
              // resolves it (R150-4).
              const extendedThere = extendsOutside(
                configsRead(applied, [target, join(target, 'index')]),
                reach,
                project,
              );
              if (extendedThere) return { errors: [{ text: extendedThere }] };
              for (const c of candidates(target)) lookedAt.add(c);
              for (let p = target; ; p = dirname(p)) {
                if (`${args.resolveDir}/`.startsWith(p === '/' ? p : `${p}/`) || dirname(p) === p) break;
                lookedAt.add(p);
              }
              return undefined; // esbuild's own resolution
            });
            // Packages are imported from where the declaration would import them, not bundled.
            b.onResolve({ filter: /^[^./]/ }, async (args) => {
              if (args.pluginData === 'in-place') return undefined; // esbuild's own resolution, for the lookup below
              // A URL (file:, data:) names what no onLoad sees: Node's resolver looks it up (R88-1).
              if (/^[a-z][a-z\d+.-]*:/i.test(args.path) && !args.path.startsWith('node:'))
                return {
                  errors: [
                    {
                      text: `imports ${args.path.slice(0, 80)}, a URL: a declaration imports its own files by path and packages by name`,
                    },
                  ],
                };
              const unused = isBuiltin(args.path) ? unusedBuiltin(args.path) : undefined;
              if (unused) return { errors: [{ text: unused }] };
              if (args.path.startsWith('node:')) return { external: true };
              const found = await b.resolve(args.path, {
                kind: args.kind,
                resolveDir: args.resolveDir,
                pluginData: 'in-place',
              });
              const resolved = found.errors.length || !found.path || found.external ? undefined : found.path;
              // esbuild reads the importer's nearest package.json for a #import's map and a self-reference.
              if (!isBuiltin(args.path)) for (const p of importerManifests(args.resolveDir)) packages.add(p);
              const sent = isBuiltin(args.path) ? undefined : redirected(applied, args.path, args.resolveDir, resolved);
              if (sent === false) unstamped = true;
              else if (sent) for (const p of sent) packages.add(p);
              if (sent === undefined && !args.path.startsWith('#') && !isBuiltin(args.path)) {
                const looked = resolved && packageLookedFor(args.path, args.resolveDir, resolved);
                if (looked) for (const p of looked) packages.add(p);
                else unstamped = true;
              }
              if (resolved === undefined) return { path: args.path, external: true };
              const manifest = packageJsonOf(found.path);
              if (manifest) packages.add(manifest);
              // A linked TypeScript package cannot be imported by Node as it is: bundle it.
              if (TYPESCRIPT.test(found.path)) return { path: found.path };
              // A package that declares itself free of side effects (kubernetes-models, ajv) is not
              // imported at all when the declaration uses nothing of it, as bundlers do.
              return {
                path: pathToFileURL(found.path).href,
                external: true,
                sideEffects: !(manifest && declaresNoSideEffects(manifest)),
              };
            });
            // esbuild reads what it bundles here, in orgctl's process: only what the declaration
            // itself may read (a JSON or text file from anywhere would be built in, for it to
            // write into the output).
            b.onLoad({ filter: /.*/ }, (args) =>
              mayRead(args.path, reach) || isProjectCode(args.path, args.with, project)
                ? undefined
                : { errors: [{ text: outsideImport(args.path, file) }] },
            );
            // Each source keeps its own import.meta.url (and dirname, filename): not the bundle's.
            b.onLoad({ filter: SOURCE }, (args) => {
              if (args.path.includes(`${'/'}node_modules${'/'}`)) return undefined;
              const text = readFileSync(args.path, 'utf8');
              if (!text.includes('import.meta')) return undefined;
              // By functions: a replacement string reads `$'`, `$&` and `` $` `` in a path as patterns.
              const contents = text
                .replaceAll('import.meta.url', () => JSON.stringify(pathToFileURL(args.path).href))
                .replaceAll('import.meta.dirname', () => JSON.stringify(dirname(args.path)))
                .replaceAll('import.meta.filename', () => JSON.stringify(args.path));
              return { contents, loader: loaderOf(args.path) };
            });
          },
        },
      ],
    });
  } catch (e) {
    const errors = (e as { errors?: Message[] }).errors;
    if (!errors?.length) throw e;
    const located = (m: Message): string | undefined =>
      m.location ? resolve(dirname(file), m.location.file) : undefined;
    // An error in a file the declaration may not read (what a source's tsconfig extends) quotes it.
    const outside = errors.map(located).find((at) => at && !mayBundle(at, reach, project));
    if (outside)
      throw new ModuleError(
        `reads ${outside}, outside what a declaration may read (its folder, the installed packages, and its project's code and tsconfig files)`,
      );
    throw new ModuleError(
      errors
        .slice(0, 5)
        .map((m) => {
          const text = m.id === 'unsupported-dynamic-import' ? IMPORT_OF_A_VALUE : m.text;
          return m.location ? `${located(m)}:${m.location.line}:${m.location.column + 1}: ${text}` : text;
        })
        .join('\n'),
    );
  }
  // esbuild's own namespaces (`x:`) are not files.
  const sources = Object.keys(result.metafile.inputs)
    .filter((p) => !p.includes(':') && p !== STDIN)
    .map((p) => resolve(dirname(file), p));
  // Each config esbuild read as it reads them: a package's it extends as esbuild finds it (its
  // tsconfig.json where Node's resolution of the name finds none: R149-19), there or not.
  const read = configsRead(applied, [file, ...sources]);
  const extendedLate = extendsOutside(read, reach, project);
  if (extendedLate) throw new ModuleError(extendedLate);
  const configs = read.flatMap((c) => [...c.files, ...c.looked]);
  const inputs = [...new Set([...sources, ...sources.map((p) => dirname(p)), ...packages, ...configs])];
  return {
    code: result.outputFiles[0]!.text,
    inputs,
    links: [...lookedAt],
    sources,
    unstamped,
  };
}

/** Bundles of declarations that no longer exist, of an older format, or that no record names (after a grace period), are removed. */
function pruneBundles(dir: string): void {
  const named = new Set<string>();
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    const record = readRecord(join(dir, name));
    if (record && existsSync(record.file)) named.add(record.code);
    else rmSync(join(dir, name), { force: true });
  }
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.mjs') && !named.has(n))) {
    try {
      // A concurrent run writes its code before its record: give it time.
      if (Date.now() - statSync(join(dir, name)).mtimeMs > 600_000) rmSync(join(dir, name), { force: true });
    } catch {
      // already gone
    }
  }
}

/**
 * The files of the declaration's own a bundle was built from: the declaration first, then what
 * esbuild bundled from its folder and below (org/teams.ts, org/people.json); not orgctl's
 * constructs or anything of a package.
 */
const ownSources = (record: BundleRecord): string[] => {
  const folder = `${dirname(record.file)}/`;
  return [
    record.file,
    ...record.sources.filter(
      (p) => p !== record.file && p.startsWith(folder) && !p.includes(`${'/'}node_modules${'/'}`),
    ),
  ];
};

/**
 * Whether a record answers for the declaration as it is now. A branch may commit a record and a
 * bundle into the cache folder (org/node_modules/.cache, which npm ci leaves; git checks out files
 * in ignored folders, as the user, over what is there), for a path it can foretell (a CI
 * checkout's), so a record is trusted only as what no branch can write: the stat of the
 * declaration and of every file bundled, as this machine made them (the change time and the inode
 * are set by the checkout), all unchanged.
 */
function answersFor(record: BundleRecord, file: string): boolean {
  const stamped = new Set(record.inputs.filter((s) => !s.link && s.size !== -1).map((s) => s.path));
  return (
    record.file === file &&
    [record.file, ...record.sources].every((p) => stamped.has(p)) &&
    record.inputs.every(isUnchanged)
  );
}

/** Whether the file under the bundle's name holds `sha256`'s code (read whole: before it is written). */
function holdsCode(path: string, sha256: string): boolean {
  try {
    return sha256Hex(readFileSync(path, 'utf8')) === sha256;
  } catch {
    return false;
  }
}

/**
 * Whether the bundle's file is as the record's run left it, by its stamp: reading and hashing the
 * 1 MB bundle took 60-80 ms of each check; the stamp answers as the inputs' do (a file written
 * over, in place or anew, has another change time, and a new one another inode).
 */
const codeUnchanged = (dir: string, record: BundleRecord): boolean =>
  record.codeStamp.path === join(dir, record.code) &&
  record.codeStamp.link === undefined &&
  record.codeStamp.size !== -1 &&
  isUnchanged(record.codeStamp);

/**
 * A declaration (TypeScript or JavaScript) bundled with what reads it as data, through a cached
 * esbuild bundle: the bundle's file, and the declaration's own source files it was bundled from
 * (ownSources); or why there can be none (esbuild not installed, no cache that may be written).
 */
export async function bundleDeclaration(
  file: string,
  reach: Reach,
  engineRoot: string,
): Promise<{ readonly bundle: string; readonly sources: readonly string[] } | { readonly unavailable: string }> {
  const dir = cacheFolder(file, 'declarations');
  const noCache = {
    unavailable: `orgctl has no cache folder of its own to bundle it in: set ${CACHE_DIR_VARIABLE} to a folder of yours that nobody else may write to`,
  };
  if (!dir) return noCache;
  const key = sha256Hex(file).slice(0, 16);
  const recordFile = join(dir, `${key}.json`);
  let record = readRecord(recordFile);
  if (!record || !answersFor(record, file) || !codeUnchanged(dir, record)) {
    // Loaded only to build: a bundle kept runs without it (its import took 40-130 ms of each check).
    try {
      await importModule('esbuild');
    } catch {
      return { unavailable: 'esbuild, which orgctl runs it with, is not installed (run npm ci)' };
    }
    const startedAt = Date.now();
    const built = await build(file, dir, bundledReach(reach, engineRoot));
    const inputs = [...built.inputs.map((p) => stampOf(p)), ...built.links.map((p) => stampOf(p, true))];
    const codeSha256 = sha256Hex(built.code);
    const code = `${key}-${codeSha256.slice(0, 12)}.mjs`;
    try {
      mkdirSync(dir, { recursive: true });
      pruneBundles(dir);
      // Written again when what is there under its name is not this code (planted, damaged).
      if (!holdsCode(join(dir, code), codeSha256)) replaceFile(join(dir, code), built.code);
      const codeStamp = stampOf(join(dir, code));
      record = { format: BUNDLE_FORMAT, file, code, codeSha256, codeStamp, inputs, sources: built.sources };
      // An input saved while esbuild read it may be newer than what was bundled: then the record
      // is not kept, and the next run builds again; nor is one of a bundle whose bare imports
      // tsconfig resolved (built each run, as tsx would transpile it).
      if (!built.unstamped && inputs.every((s) => s.size === -1 || !mayHaveChangedSince(s.ctimeMs, startedAt)))
        replaceFile(recordFile, JSON.stringify(record));
    } catch {
      return noCache;
    }
  }
  return { bundle: join(dir, record.code), sources: ownSources(record) };
}
