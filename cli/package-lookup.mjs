// Plain JavaScript, with its types in package-lookup.d.mts: the launcher (bin/orgctl.mjs) runs
// before any TypeScript can be loaded, and asks this as cli/declaration.ts does (one walk for both
// bundle records: red teams R146 and R148).
import { realpathSync } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';

/** The package a bare import names (`@scope/name`, `name`): its first path segment, or two for a scope. */
export const packageNamed = (specifier) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

/** A path's real folder (links followed), or undefined when it is not there. */
export function realFolder(path) {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
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
