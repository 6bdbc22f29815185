/**
 * Red team R145, names orgctl read (a dump's cluster folder, the folder asked about) in the
 * sentences of can-i's, who-can's and their shared reader's messages.
 *
 * R145-1 (hole, missed by R143-2): can-i --list, where the clusters' lists differ, refused naming
 * them joined raw, `(lga1, ord1, ord1)`: a folder `lga1, ord1` beside ord1 read as two clusters, a
 * folder `lga1<U+200B>` as lga1 (a name holding a hidden character was written as it is).
 *
 * R145-2 (hole): the refusal of a `--cluster NAME` that is none suggested the folder meant raw
 * (`did you mean lga1, ord1?`), though its list of clusters beside it was shown (shownName).
 *
 * R145-3 (hole): a warning about the bindings of `--cluster NAME` (a name bound nowhere, a
 * namespace with no RoleBinding) named that cluster raw: `of cluster lga1, ord1 of DIR`, and a
 * direction override in its name turned the rest of the line around.
 *
 * R145-4 (hole): the folder asked about, named in a sentence (no RBAC in it, a verb none of its
 * roles names, a cluster it does not hold, the clusters whose lists differ, its members.json), was
 * written as it is: a line break in its name started a line of its own (`warning: ...`), a
 * direction override reversed what follows. It is shown as every file of it is (showHidden).
 *
 * R145-5 (hole): can-i's and who-can's warning of a grant ended that the folder still binds named
 * the folder raw, twice (`in DIR/`, `orgctl synth --out DIR`): each line is now shown (showHidden),
 * as the reader's warnings are (R29-1).
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asDump } from './cluster-dump.ts';
import { showHidden } from '../model/text.ts';
import { cacheFolderOfItsOwn, type CliResult, CLUSTERS_DIFFER, exampleDistCopy, run, tempDir } from './helpers.ts';

cacheFolderOfItsOwn('orgctl-r145-cache-');

/** can-i asked whether bob may get pods in web, of `dir`, with `more` arguments. */
const bobGetsPods = (dir: string, ...more: string[]) =>
  run(['can-i', 'get', 'pods', '-n', 'web', '--as', 'bob@acme.io', '--dir', dir, ...more]);

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

describe('R145-2: the refusal of --cluster NAME suggests the folder meant as a list names it', () => {
  it.each([
    ['lga1, ord1', 'lga1, ord2', '"lga1, ord1"'],
    ['ord1\u200b', 'ord1', 'ord1<U+200B>'],
  ])('folder %j, --cluster %j: did you mean %s?', async (lga1, asked, meant) => {
    const dir = dumpNamed(lga1, 'lga2');
    const r = await bobGetsPods(dir, '--cluster', asked);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`(did you mean ${meant}?)`);
  });
});

describe("R145-3: a warning about --cluster NAME's bindings names that cluster as a list names it", () => {
  it.each([
    ['lga1, ord1', '"lga1, ord1"'],
    ['lga1\u202e', 'lga1<U+202E>'],
  ])('folder %j: cluster %s', async (lga1, shown) => {
    const dir = dumpNamed(lga1, 'ord1');
    const ask = ['--dir', dir, '--cluster', lga1];
    const canI = await run(['can-i', 'get', 'pods', '-n', 'web', '--as', 'nobody@acme.io', ...ask]);
    expect(canI.stderr).toContain(`warning: nobody@acme.io is named in no binding of cluster ${shown} of ${dir}`);
    const whoCan = await run(['who-can', 'get', 'pods', '-n', 'nowhere', ...ask]);
    expect(whoCan.stderr).toContain(`warning: namespace nowhere has no RoleBinding in cluster ${shown} of ${dir}`);
  });
});

/** A folder `name` in a new temporary folder, made by `fill`. */
function folderNamed(name: string, fill: (dir: string) => void): string {
  const dir = join(tempDir('orgctl-r145-path-'), name);
  mkdirSync(dir);
  fill(dir);
  return dir;
}

/** A name that starts a line of its own and turns the rest of its line around. */
const FORGED = 'dump\nwarning: forged\u202e';

/** `r`'s stderr names `dir` as a reader sees it, in one line, and starts no line of its name's; a refusal (`refused`) exits 2. */
function expectShownFolder(r: CliResult, dir: string, said: string, refused = false): void {
  if (refused) expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).not.toMatch(/^warning: forged/m);
  expect(r.stderr).not.toContain('\u202e');
  expect(r.stderr).toContain(said.replace('DIR', showHidden(dir)));
}

describe('R145-4: the folder asked about, named in a sentence, is shown as its files are', () => {
  it('a folder of no RBAC, asked about a cluster or not', async () => {
    const dir = folderNamed(FORGED, (d) =>
      writeFileSync(
        join(d, 'config.yaml'),
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: web\n',
      ),
    );
    const r = await bobGetsPods(dir);
    expectShownFolder(r, dir, 'warning manifests DIR holds no RBAC');
    const cluster = await bobGetsPods(dir, '--cluster', 'lga1');
    expectShownFolder(cluster, dir, '--cluster "lga1": DIR holds no cluster folder', true);
  });

  it('a verb none of its roles names (can-i, who-can)', async () => {
    const dir = folderNamed(FORGED, (d) => renameSync(exampleDistCopy('orgctl-r145-'), join(d, 'dist')));
    const output = join(dir, 'dist');
    const canI = await run(['can-i', 'gett', 'pods', '-n', 'web', '--as', 'bob@acme.io', '--dir', output]);
    expectShownFolder(canI, output, 'no role in DIR that can grant in web names it', true);
    const whoCan = await run(['who-can', 'gett', 'pods', '-n', 'web', '--dir', output]);
    expectShownFolder(whoCan, output, 'no role in DIR that can grant in web names it', true);
  });

  it('a cluster it does not hold, and the clusters whose lists differ', async () => {
    const dir = folderNamed(FORGED, (d) => renameSync(dumpNamed('lga1', 'ord1'), join(d, 'dist')));
    const output = join(dir, 'dist');
    const none = await bobGetsPods(output, '--cluster', 'lga2');
    expectShownFolder(none, output, '--cluster "lga2" is not a cluster of DIR: its clusters are lga1, ord1', true);
    const list = await run(['can-i', '--list', '-n', 'web', '--as', 'mallory@acme.io', '--dir', output]);
    expectShownFolder(list, output, 'in the clusters of DIR (lga1, ord1)', true);
  });

  it('its members.json, which says why a name is bound nowhere', async () => {
    const dir = folderNamed(FORGED, (d) => renameSync(exampleDistCopy('orgctl-r145-'), join(d, 'dist')));
    const output = join(dir, 'dist');
    const r = await run(['can-i', 'get', 'pods', '-n', 'web', '--as', 'mallory@acme.io', '--dir', output]);
    expectShownFolder(r, output, `(${join(output, 'members.json')})`.replace(output, 'DIR'));
  });

  it('a grant ended that it still binds (can-i, who-can)', async () => {
    const dir = folderNamed(FORGED, (d) => renameSync(exampleDistCopy('orgctl-r145-'), join(d, 'dist')));
    const output = join(dir, 'dist');
    // dan's r:full in data ends on 2027-06-30 (the example's).
    const after = { ORGCTL_TODAY: '2027-07-01' };
    const canI = await run(['can-i', 'get', 'pods', '-n', 'data', '--as', 'dan@acme.io', '--dir', output], after);
    expectShownFolder(canI, output, 'RoleBinding data/acme:r:full in DIR/ still grants it');
    const whoCan = await run(['who-can', 'get', 'pods', '-n', 'data', '--dir', output], after);
    expectShownFolder(whoCan, output, 'RoleBinding data/acme:r:full in DIR/ still grants it');
  });
});
