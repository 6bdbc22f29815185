/**
 * Red team R145, names orgctl read (a dump's cluster folder, the folder asked about) in the
 * sentences of can-i's, who-can's and their shared reader's messages.
 *
 * R145-1 (hole, missed by R143-2): can-i --list, where the clusters' lists differ, refused naming
 * them joined raw, `(lga1, ord1, ord1)`: a folder `lga1, ord1` beside ord1 read as two clusters, a
 * folder `lga1<U+200B>` as lga1 (a name holding a hidden character was written as it is).
 *
 */
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asDump } from './cluster-dump.ts';
import { cacheFolderOfItsOwn, CLUSTERS_DIFFER, exampleDistCopy, run } from './helpers.ts';

cacheFolderOfItsOwn('orgctl-r145-cache-');

/** The example's dist/ whose clusters differ (mallory in web in lga1 only), a dump whose folders lga1 and ord1 are named `lga1` and `ord1` (not `ord1`). */
function dumpNamed(lga1: string, ord1: string): string {
  return exampleDistCopy('orgctl-r145-', (d) => {
    for (const f of Object.values(CLUSTERS_DIFFER)) f(d);
    asDump(d);
    renameSync(join(d, 'lga1'), join(d, lga1));
    renameSync(join(d, 'ord1'), join(d, ord1));
  });
}

/** Cluster folders whose names read as list syntax or hide a character, and how a message names the two: each one cluster, seen as written. */
const NAMED: readonly (readonly [string, string, string])[] = [
  ['lga1, ord1', 'ord1', '"lga1, ord1", ord1'],
  ['lga1\u200b', 'lga1', 'lga1, lga1<U+200B>'],
  ['lga1); w:full (ord1', 'ord1', '"lga1); w:full (ord1", ord1'],
];

describe('R145-1: can-i --list names the clusters whose lists differ as a list names them', () => {
  it.each(NAMED)('folders %j and %j: (%s)', async (lga1, ord1, shown) => {
    const dir = dumpNamed(lga1, ord1);
    const r = await run(['can-i', '--list', '-n', 'web', '--as', 'mallory@acme.io', '--dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`in the clusters of ${dir} (${shown}): give --cluster NAME`);
  });
});
