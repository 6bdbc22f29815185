/**
 * bin/orgctl.mjs writes a bundle for each state of orgctl's sources and package files, in
 * node_modules/.cache/orgctl (shared by every checkout whose node_modules is one install). Old ones
 * do not pile up: building a bundle removes the bundles (and their lists of inputs) last used over
 * an hour ago, and only those: a run in use touches its bundle when it starts, so a bundle another
 * checkout's command may be reading (apart.cjs is read midway) is kept, and so is whatever is not
 * the launcher's (the other caches: declarations, explain, outputs).
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, engineCopy } from './helpers.ts';

const HOUR_MS = 3_600_000;

/** A folder or file in the cache, last used `ageMs` ago. */
function planted(path: string, ageMs: number, folder: boolean): void {
  if (folder) {
    mkdirSync(path);
    writeFileSync(join(path, 'orgctl.cjs'), '');
  } else writeFileSync(path, '{}');
  const then = new Date(Date.now() - ageMs);
  utimesSync(path, then, then);
}

describe('the launcher prunes old bundles, never one in use', () => {
  it('a build removes bundles last used over an hour ago, keeps recent ones and the other caches', () => {
    const { dir, cache } = engineCopy();
    expect(cli(['levels', '--help'], { engine: dir }).code).toBe(0);
    const first = readdirSync(cache).filter((n) => /^[0-9a-f]{16}$/.test(n));
    expect(first).toHaveLength(1);
    planted(join(cache, 'aaaaaaaaaaaaaaaa'), 2 * HOUR_MS, true);
    planted(join(cache, 'aaaaaaaaaaaaaaaa.inputs'), 2 * HOUR_MS, false);
    planted(join(cache, 'aaaaaaaaaaaaaaab.tmp-1234-5678'), 2 * HOUR_MS, true); // a build killed midway
    planted(join(cache, 'bbbbbbbbbbbbbbbb'), 10 * 60_000, true); // another checkout's, used 10 minutes ago
    planted(join(cache, 'declarations'), 2 * HOUR_MS, true); // not the launcher's
    // Other sources: the next run builds another bundle, and prunes.
    appendFileSync(join(dir, 'cli/levels.ts'), '\n// another state of the sources\n');
    expect(cli(['levels', '--help'], { engine: dir }).code).toBe(0);
    const left = readdirSync(cache);
    expect(left).not.toContain('aaaaaaaaaaaaaaaa');
    expect(left).not.toContain('aaaaaaaaaaaaaaaa.inputs');
    expect(left).not.toContain('aaaaaaaaaaaaaaab.tmp-1234-5678');
    expect(left).toEqual(expect.arrayContaining(['bbbbbbbbbbbbbbbb', 'declarations', ...first]));
    const bundles = left.filter((n) => /^[0-9a-f]{16}$/.test(n) && existsSync(join(cache, n, 'orgctl.cjs')));
    // The one built now, the one before (its run may be going on), the other checkout's.
    expect(bundles).toHaveLength(3);
    expect(bundles).toEqual(expect.arrayContaining([...first, 'bbbbbbbbbbbbbbbb']));
  }, 120_000);
});
