/**
 * Importing a TypeScript declaration (org/org.ts). tsx transpiled the declaration and every
 * orgctl module it imports on each run (`check` of the example: 0.8 s, now 0.25 s); this bundles
 * them once with esbuild and reuses the bundle while none of its inputs changed (sizes and
 * times, the package.json of every package it imports included). Packages stay outside the
 * bundle, imported from where the declaration would import them (bundled, cdk8s would lose the
 * files it finds by __dirname); errors point into the TypeScript sources (inline source maps).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ModuleError } from './module-error.ts';

interface Stamp {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}

/** `node_modules/.cache/orgctl/declarations` nearest the declaration, else a folder in tmp. */
function cacheDir(file: string): string {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules'))) return join(dir, 'node_modules', '.cache', 'orgctl', 'declarations');
    if (dirname(dir) === dir) return join(tmpdir(), `orgctl-declarations-${process.getuid?.() ?? 'user'}`);
  }
}

const stampOf = (path: string): Stamp | undefined => {
  try {
    const s = statSync(path);
    return { path, size: s.size, mtimeMs: s.mtimeMs };
  } catch {
    return undefined;
  }
};

interface BundleRecord {
  readonly format: number;
  /** The declaration the bundle is of. */
  readonly file: string;
  readonly inputs: readonly Stamp[];
}

/** The cached bundle when every input it was built from is unchanged. */
function cached(code: string, inputs: string): string | undefined {
  try {
    const stamps = (JSON.parse(readFileSync(inputs, 'utf8')) as BundleRecord).inputs;
    const fresh = stamps.every((s) => {
      const now = stampOf(s.path);
      return now !== undefined && now.size === s.size && now.mtimeMs === s.mtimeMs;
    });
    return fresh && existsSync(code) ? JSON.stringify(stamps) : undefined;
  } catch {
    return undefined;
  }
}

/** The package.json of the package a resolved file belongs to. */
function packageJsonOf(path: string): string | undefined {
  for (let dir = dirname(path); dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'package.json');
  }
  return undefined;
}

function declaresNoSideEffects(manifest: string): boolean {
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { sideEffects?: unknown }).sideEffects === false;
  } catch {
    return false;
  }
}

/** Writes by rename, so a concurrent run reads the old file or the new one, never half of one. */
function writeAtomically(path: string, content: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, content);
  renameSync(tmp, path);
}

/** Bump when the bundle's shape changes: bundles cached by an older orgctl are not reused. */
const BUNDLE_FORMAT = 2;

type EsbuildMessage = { text: string; location?: { file: string; line: number; column: number } | null };

/** Builds the bundle; a declaration that does not compile is a ModuleError naming file, line and column. */
async function bundle(file: string, code: string, inputs: string): Promise<string> {
  const esbuild = await import('esbuild');
  let result;
  // The package.json of every package imported in place: a reinstalled package rebuilds the bundle.
  const packages = new Set<string>();
  try {
    result = await esbuild.build({
      entryPoints: [file], bundle: true, write: false, metafile: true, format: 'esm', platform: 'node', target: 'node20',
      sourcemap: 'inline', sourcesContent: false, logLevel: 'silent', absWorkingDir: dirname(file), outfile: code,
      plugins: [{
        // Packages are imported from where the declaration would import them, not bundled.
        name: 'packages-in-place',
        setup(build) {
          build.onResolve({ filter: /^[^./]/ }, async (args) => {
            if (args.pluginData === 'in-place') return undefined; // esbuild's own resolution, for the lookup below
            if (args.path.startsWith('node:')) return { external: true };
            const found = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: 'in-place' });
            if (found.errors.length || !found.path || found.external) return { path: args.path, external: true };
            const manifest = packageJsonOf(found.path);
            if (manifest) packages.add(manifest);
            // A package that declares itself free of side effects (kubernetes-models, ajv) is not
            // imported at all when the declaration uses nothing of it, as bundlers do.
            return { path: pathToFileURL(found.path).href, external: true, sideEffects: !(manifest && declaresNoSideEffects(manifest)) };
          });
        },
      }],
    });
  } catch (e) {
    const errors = (e as { errors?: EsbuildMessage[] }).errors;
    if (!errors?.length) throw e;
    throw new ModuleError(errors.slice(0, 5).map((m) => (m.location ? `${resolve(dirname(file), m.location.file)}:${m.location.line}:${m.location.column + 1}: ${m.text}` : m.text)).join('\n'));
  }
  // esbuild's own namespaces (`x:`) are not files.
  const stamps = [...Object.keys(result.metafile.inputs).filter((p) => !p.includes(':')).map((p) => resolve(dirname(file), p)), ...packages]
    .map(stampOf)
    .filter((s) => s !== undefined);
  mkdirSync(dirname(code), { recursive: true });
  pruneBundles(dirname(code));
  writeAtomically(code, result.outputFiles[0]!.text);
  writeAtomically(inputs, JSON.stringify({ format: BUNDLE_FORMAT, file, inputs: stamps } satisfies BundleRecord));
  return JSON.stringify(stamps);
}

/** Bundles of declarations that no longer exist (a moved or deleted file), or of an older format, are removed. */
function pruneBundles(dir: string): void {
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    try {
      const record = JSON.parse(readFileSync(join(dir, name), 'utf8')) as BundleRecord;
      if (record.format === BUNDLE_FORMAT && typeof record.file === 'string' && existsSync(record.file)) continue;
      rmSync(join(dir, name), { force: true });
      rmSync(join(dir, name.replace(/\.json$/, '.mjs')), { force: true });
    } catch {
      // another run is writing it: leave it
    }
  }
}

/**
 * Imports a TypeScript declaration through a cached esbuild bundle; undefined when that cannot
 * be (esbuild not installed, the cache not writable), and the caller loads it through tsx.
 */
export async function importBundled(file: string): Promise<unknown> {
  try {
    await import('esbuild');
  } catch {
    return undefined;
  }
  const key = createHash('sha256').update(`${BUNDLE_FORMAT}\0${file}`).digest('hex').slice(0, 16);
  const dir = cacheDir(file);
  const code = join(dir, `${key}.mjs`);
  const inputs = join(dir, `${key}.json`);
  let version = cached(code, inputs);
  try {
    version ??= await bundle(file, code, inputs);
  } catch (e) {
    if (e instanceof ModuleError) throw e;
    return undefined; // no writable cache (a read-only install): tsx loads it instead
  }
  // Stack traces of the declaration's own errors point into its TypeScript lines.
  process.setSourceMapsEnabled(true);
  // The version in the URL: a process that imports an edited declaration again gets the new one.
  return import(`${pathToFileURL(code).href}?v=${createHash('sha256').update(version).digest('hex').slice(0, 12)}`);
}
