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
  /**
   * Each file an `extends` of it or of a file it extends made esbuild try, the one found (`there`)
   * too, with the config that extends it; `byName` when the `extends` names a package.
   */
  readonly extended: readonly ExtendedFile[];
  /** Why it cannot be read as esbuild reads it (then no record may be kept). */
  readonly unknown?: string;
  /** The `extends` (and the config saying it) that `unknown` stopped at; undefined when the config applied itself is not read. */
  readonly unfollowed?: { readonly config: string; readonly extends: string };
}
/** A file an `extends` made esbuild try (AppliedConfig.extended). */
export interface ExtendedFile {
  readonly config: string;
  readonly file: string;
  readonly there: boolean;
  readonly byName: boolean;
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
