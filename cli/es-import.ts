/**
 * `import()` of an ES module: a package by name (`esbuild`) or a file by URL. bin/orgctl.mjs runs
 * the bundled CLI as a script compiled with V8's code cache, where `import()` has no module loader
 * (Node keeps none for code read from a cache): the bin lends its own, which resolves packages
 * from orgctl's folder as the bundle did. From source (tsx, the tests), `import()` is this module's.
 */
const LENT_IMPORT = Symbol.for('orgctl.import');

export function importModule<T>(specifier: string): Promise<T> {
  const lent = (globalThis as { [LENT_IMPORT]?: (specifier: string) => Promise<unknown> })[LENT_IMPORT];
  return (lent ? lent(specifier) : import(specifier)) as Promise<T>;
}
