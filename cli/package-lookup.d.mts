/** The package a bare import names (`@scope/name`, `name`) (cli/package-lookup.mjs). */
export declare const packageNamed: (specifier: string) => string;
/** A path's real folder (links followed), or undefined when it is not there. */
export declare function realFolder(path: string): string | undefined;
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
