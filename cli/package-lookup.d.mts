/** The package a bare import names (`@scope/name`, `name`) (cli/package-lookup.mjs). */
export declare const packageNamed: (specifier: string) => string;
/** A node_modules/NAME looked at, and its real folder (undefined: not there). */
export interface LookedAt {
  readonly path: string;
  readonly real: string | undefined;
}
/** Where Node and esbuild look for package `name` from folder `from`, up to the one holding `found` (`at`). */
export declare function packageLookup(
  name: string,
  from: string,
  found: string,
): { readonly looked: readonly LookedAt[]; readonly at: { readonly path: string; readonly real: string } | undefined };
/** What esbuild looks for in each folder from a source's up, in this order (cli/package-lookup.mjs). */
export declare const CONFIG_NAMES: readonly string[];
/** The config esbuild applies to a folder's sources, and what it says (configReader). */
export interface AppliedConfig {
  /** The config applied; undefined: none. */
  readonly file?: string;
  /** It and each file it extends, read. */
  readonly files: readonly string[];
  /** What esbuild looked for on its way and did not find (config names, files an `extends` may name). */
  readonly looked: readonly string[];
  readonly baseUrl?: string;
  readonly paths?: ReadonlyMap<string, readonly string[]>;
  readonly pathsBase?: string;
  /** Why it cannot be read as esbuild reads it (then no record may be kept). */
  readonly unknown?: string;
}
/** The configs esbuild applies, remembered per folder for one build. */
export declare function configReader(): { appliedTo(folder: string): AppliedConfig };
/** Where a config's `paths` and `baseUrl` send a bare import, each path esbuild tries, up to the one that resolved `found`. */
export declare function redirects(
  config: AppliedConfig,
  specifier: string,
  found: string,
): { readonly looked: readonly string[]; readonly resolved: boolean } | undefined;
/** What esbuild tried in the package in `folder` for `specifier` before `found`, the file it took, there or not. */
export declare function triedInPackage(folder: string, specifier: string, found: string): string[];
/** The package.json files from an importer's folder up to the nearest there (its `imports` map, its self-reference). */
export declare function importerManifests(folder: string): string[];
