/**
 * A node:fs whose calls by path first call `seam.before(path)`: a red team's test arms it to put
 * another writer's step between any two of the calls the code under test makes (R77-1, R120-1).
 * Used from a test's vi.mock('node:fs', ...) factory, with its seam made by vi.hoisted.
 */
import type * as fs from 'node:fs';

export interface Seam {
  /** `call`: the function's name (openSync, statSync, ...). */
  before: ((path: string, call: string) => void) | undefined;
}

export function seamedFs(real: typeof fs, seam: Seam): typeof fs {
  // Each overload kept: the wrapper passes every argument through.
  const seen = <F extends (...a: any[]) => any>(f: F): F =>
    ((...a: Parameters<F>): ReturnType<F> => {
      if (typeof a[0] === 'string') seam.before?.(a[0], f.name);
      return f(...a);
    }) as F;
  return {
    ...real,
    readFileSync: seen(real.readFileSync),
    openSync: seen(real.openSync),
    statSync: seen(real.statSync),
    lstatSync: seen(real.lstatSync),
    existsSync: seen(real.existsSync),
    realpathSync: Object.assign(seen(real.realpathSync), { native: real.realpathSync.native }),
  };
}
