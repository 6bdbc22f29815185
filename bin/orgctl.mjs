#!/usr/bin/env node
// orgctl's sources are TypeScript, run without a build step. The first run bundles them and
// their dependencies with esbuild into node_modules/.cache (keyed by the sources' and the
// installed packages' sizes and times); later runs load that plain JavaScript, which starts
// several times faster than transpiling on every run. Declarations written in TypeScript
// (org/org.ts) are bundled apart, by cli/declaration.ts. Installed as a package (an organization
// repository's node_modules/orgctl), the cache and the install's record are the project's
// node_modules/.cache and node_modules/.package-lock.json, where npm keeps them: nothing is
// written inside the installed package.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';

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
const SOURCES = ['model', 'synth', 'analysis', 'policies', 'constructs', 'review', 'report', 'github', 'cli', 'schema'];

function fingerprint() {
  const hash = createHash('sha256');
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const s = statSync(p);
        hash.update(`${p}\0${s.size}\0${s.mtimeMs}\n`);
      }
    }
  };
  for (const d of SOURCES) walk(join(root, d));
  // The dependencies are bundled too: an install (npm ci, npm update) rewrites these. package.json
  // is bundled for --version.
  for (const f of [join(root, 'package.json'), join(root, 'package-lock.json'), join(modules, '.package-lock.json')]) {
    const s = existsSync(f) ? statSync(f) : undefined;
    hash.update(`${f}\0${s?.size ?? '-'}\0${s?.mtimeMs ?? '-'}\n`);
  }
  return hash.digest('hex').slice(0, 16);
}

// Bundles of earlier sources: removed once they are an hour old (a run may still be using one).
// Only this script's own folders (a fingerprint, or one being built): not the declarations' cache.
function pruneOldBundles(current) {
  const dir = dirname(current);
  for (const name of readdirSync(dir).filter((n) => /^[0-9a-f]{16}(\.tmp-\d+)?$/.test(n))) {
    const p = join(dir, name);
    try {
      if (p !== current && Date.now() - statSync(p).mtimeMs > 3_600_000) rmSync(p, { recursive: true, force: true });
    } catch {
      // already gone, or not ours to remove
    }
  }
}

async function bundled() {
  const out = join(modules, '.cache', 'orgctl', fingerprint());
  if (!existsSync(join(out, 'main.js'))) {
    const { build } = await import('esbuild');
    const tmp = `${out}.tmp-${process.pid}`;
    await build({
      entryPoints: { main: join(root, 'cli/main.ts'), io: join(root, 'cli/io.ts') },
      outdir: tmp,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      // Dependencies are bundled too: resolving and reading hundreds of package files cost each
      // command ~0.1 s. The bundled CommonJS packages need a `require` for Node's built-ins.
      external: ['esbuild', 'tsx', 'tsx/*'],
      logLevel: 'silent',
      banner: {
        js: "import { createRequire as __orgctlRequire } from 'node:module'; const require = __orgctlRequire(import.meta.url);",
      },
    });
    try {
      renameSync(tmp, out);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // another run built it first
    }
    pruneOldBundles(out);
  }
  return out;
}

let main;
let processIo;
let isQuick = () => false;
try {
  const out = await bundled();
  ({ main, isQuick } = await import(pathToFileURL(join(out, 'main.js')).href));
  ({ processIo } = await import(pathToFileURL(join(out, 'io.js')).href));
} catch {
  // No cache (read-only install, no esbuild): run the sources through tsx.
  (await import('tsx/esm/api')).register();
  ({ main, isQuick } = await import('../cli/main.ts'));
  ({ processIo } = await import('../cli/io.ts'));
}
// A quick command (can-i, levels, who-can -n NS) is over before TurboFan's background compiles of its hottest
// functions would pay off, and on two cores they compete with it and hold up its exit: V8 tiers up
// ~15x later for these (can-i at size L: 284 -> 236 ms, median of 11). Longer commands keep V8's default.
// V8 11 (Node 20) knows the flag; later V8s tier up by invocation counts, and a flag V8 does not
// know is an error line on stderr: only where it is known to exist.
if (isQuick(process.argv.slice(2)) && process.versions.v8.startsWith('11.'))
  setFlagsFromString('--interrupt-budget=1000000');
process.exitCode = await main(process.argv.slice(2), processIo);
