/**
 * Red team R142, access per cluster (R140: cli/access.ts, analysis/access.ts clusterMatrix) and
 * the split it reads through (cli/rbac.ts ofCluster, cli/partial-read.ts clustersOfFolder): every
 * view (JSON, text, `--cluster NAME`) is held against each cluster's folder read alone, in full
 * (an Authorizer of exactly that cluster's objects).
 *
 * R142-1 (hole): a folder of other manifests laid out by cluster (CLUSTER/cluster/resources.yaml,
 * no orgctl header: a dump, or orgctl's output with its headers cut) is read by the manifests
 * reader, which labels each document's file with its raw path, join(dir, path). ofCluster (R141-1)
 * matches the label the strict reader writes, showHidden(join(dir, cluster) + sep). Under a path
 * holding a soft hyphen, a zero-width space or a tab, or with such a character in a cluster's
 * folder name, no object is any cluster's: access shows every cluster holding the bootstrap access
 * alone, can-i says no where each cluster says yes. And matching by shown text confuses two folders
 * that show alike (`lga1<U+200B>` as written, and lga1 with a zero-width space).
 *
 * Guards (a property, R142_RUNS / 30 cases): outputs forged by 1-3 of the forgeries below at once
 * (orgctl's, and a dump of the same layout whose lga1 folder may be renamed: a soft hyphen, a
 * zero-width space, a tab, ORD1 beside ord1, dots, a space, a ligature): access --format json projected on each cluster, the
 * text table projected on each cluster, and --cluster NAME (json and text) are each that cluster's
 * folder's matrix read alone.
 */
import fc from 'fast-check';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alone, asDump, clusterFolders } from './cluster-dump.ts';
import { showHidden } from '../model/text.ts';
import {
  appendDocument,
  cacheFolderOfItsOwn,
  CLUSTERS_DIFFER,
  everythingRole,
  exampleDistCopy,
  ROOT,
  run,
  tempDir,
} from './helpers.ts';

/** Each case builds an output and reads it 2 + 4 per cluster times, each cluster's folder once more. */
const PROPERTY_RUNS = Math.max(1, Math.floor(Number(process.env.R142_RUNS ?? 300) / 30));
const SEED = Number(process.env.ORGCTL_PROPERTY_SEED ?? Date.now() % 2 ** 31);

cacheFolderOfItsOwn('orgctl-r142-cache-');

interface Entry {
  kind: string;
  name: string;
  clusters?: string[];
  cluster?: unknown;
  namespaces: Record<string, unknown>;
}

/** Of a cluster's matrix, each subject's cell in each scope ('*': cluster-wide), as text. */
type Cells = Map<string, string>;
const key = (kind: string, name: string, scope: string) => `${kind}\u0000${name}\u0000${scope}`;

/** The cells of access --format json of one cluster (entries without clusters). */
function cellsOfJson(stdout: string, clusters: readonly string[]): Map<string, Cells> {
  const out = new Map(clusters.map((c) => [c, new Map<string, string>()]));
  for (const e of JSON.parse(stdout) as Entry[]) {
    const scopes: [string, unknown][] = [
      ...(e.cluster ? [['*', e.cluster] as [string, unknown]] : []),
      ...Object.entries(e.namespaces),
    ];
    for (const c of e.clusters ?? clusters) {
      const cells = out.get(c);
      expect(cells, `entry of ${e.name} names a cluster ${c} the output has no folder for`).toBeDefined();
      for (const [scope, cell] of scopes) {
        const k = key(e.kind, e.name, scope);
        expect(cells!.has(k), `${k} twice in cluster ${c}`).toBe(false);
        cells!.set(k, JSON.stringify(cell));
      }
    }
  }
  return out;
}

/** The cells of access's text table (a first column CLUSTERS when the clusters differ). */
function cellsOfText(stdout: string, clusters: readonly string[]): Map<string, Cells> {
  const out = new Map(clusters.map((c) => [c, new Map<string, string>()]));
  const [header, ...rows] = stdout.split('\n').map((l) => l.trimEnd().split(/ {2,}/));
  const split = header![0] === 'CLUSTERS';
  for (const row of rows) {
    const [named, kind, name, ns, levels, classes] = split ? row : ['', ...row];
    for (const shown of split ? named!.split(',') : clusters) {
      // A folder's name as the table shows it (a tab, a zero-width space written as its code point).
      const c = clusters.find((k) => k === shown) ?? clusters.find((k) => showHidden(k) === shown) ?? shown;
      const cells = out.get(c);
      expect(cells, `row of ${name} names a cluster ${c} the output has no folder for`).toBeDefined();
      cells!.set(key(kind!, name!, ns!), `${levels}\t${classes}`);
    }
  }
  return out;
}

const access = async (dir: string, args: readonly string[] = []): Promise<string> => {
  const r = await run(['access', '--dir', dir, ...args]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
};

/** Every view of access on `dir`, each cluster's projection against that cluster's folder read alone. */
async function expectEachClusterAsAlone(dir: string, label: string): Promise<void> {
  const clusters = clusterFolders(dir);
  const json = cellsOfJson(await access(dir, ['--format', 'json']), clusters);
  const text = cellsOfText(await access(dir), clusters);
  for (const c of clusters) {
    const only = alone(dir, c, 'orgctl-r142-alone-');
    const expectedJson = cellsOfJson(await access(only, ['--format', 'json']), [c]).get(c);
    const expectedText = cellsOfText(await access(only), [c]).get(c);
    expect(json.get(c), `${label}: json, cluster ${c}`).toEqual(expectedJson);
    expect(text.get(c), `${label}: text, cluster ${c}`).toEqual(expectedText);
    if (clusters.length < 2) continue;
    expect(
      cellsOfJson(await access(dir, ['--format', 'json', '--cluster', c]), [c]).get(c),
      `${label}: json --cluster ${c}`,
    ).toEqual(expectedJson);
    expect(cellsOfText(await access(dir, ['--cluster', c]), [c]).get(c), `${label}: text --cluster ${c}`).toEqual(
      expectedText,
    );
  }
}

/** Forgeries of the example's dist/ (ml in lga1 only), each keeping it orgctl's output. */
const FORGERIES: Record<string, (dir: string) => void> = {
  ...CLUSTERS_DIFFER,
  "lga1's bootstrap system:basic-user rewritten to allow everything": (d) =>
    appendDocument(d, 'cluster', everythingRole('system:basic-user')),
  "ord1's bootstrap system:discovery rewritten to allow everything": (d) =>
    appendDocument(d, 'cluster', everythingRole('system:discovery'), 'ord1'),
  'a folder lga2 of shards, no cluster shard': (d) => {
    if (!existsSync(join(d, 'lga1'))) return;
    for (const s of readdirSync(join(d, 'lga1')).filter((s) => s !== 'cluster'))
      cpSync(join(d, 'lga1', s), join(d, 'lga2', s), { recursive: true });
  },
  "ord1's folder holding lga1's cluster shard": (d) =>
    cpSync(join(d, 'lga1/cluster/resources.yaml'), join(d, 'ord1/cluster/resources.yaml')),
  'a third cluster sfo1, a copy of ord1': (d) => cpSync(join(d, 'ord1'), join(d, 'sfo1'), { recursive: true }),
  'ord1 without web': (d) => {
    for (const s of readdirSync(join(d, 'ord1'))) {
      const file = join(d, 'ord1', s, 'resources.yaml');
      const docs = readFileSync(file, 'utf8').split('\n---\n');
      writeFileSync(file, docs.filter((doc) => !/^ {2}(namespace|name): web$/m.test(doc)).join('\n---\n'));
    }
  },
};

/** Names a dump's folder of lga1 is given: odd text, a case-folding pair of ORD1's, dots. */
const DUMP_NAMES = ['lga1', 'lga1\u00ad', 'lga1\u200b', 'lga1\t', 'ORD1', 'lga1..x', '..lga1', 'lga1 x', 'ﬀ'];

/** The example's dist/ under a folder whose name holds `hidden`. */
function distUnder(hidden: string, change: (dir: string) => void = () => {}): string {
  const parent = join(tempDir('orgctl-r142-hidden-'), `org${hidden}repo`);
  mkdirSync(parent);
  const dir = join(parent, 'dist');
  cpSync(join(ROOT, 'dist'), dir, { recursive: true });
  change(dir);
  return dir;
}

describe('R142-1: a folder of other manifests laid out by cluster, where a path shows otherwise than it is', () => {
  it("a guard: under a plain path, each cluster answers (can-i yes) and access is each cluster's", async () => {
    const dir = distUnder('-', asDump);
    const r = await run(['can-i', 'get', 'pods', '-n', 'web', '--as', 'dan@acme.io', '--dir', dir]);
    expect([r.code, r.stdout]).toEqual([0, 'yes']);
    await expectEachClusterAsAlone(dir, 'plain');
  });

  it.each([
    ['\u00ad'],
    ['\u200b'],
    ['\t'],
  ])('under a folder holding %j, each cluster answers from its objects (can-i yes), not from none', async (hidden) => {
    const dir = distUnder(hidden, asDump);
    const r = await run(['can-i', 'get', 'pods', '-n', 'web', '--as', 'dan@acme.io', '--dir', dir]);
    expect([r.code, r.stdout]).toEqual([0, 'yes']);
    await expectEachClusterAsAlone(dir, JSON.stringify(hidden));
  });

  it.each([
    ['lga1\u200b'],
    ['lga1\u00ad'],
    ['lga1\t'],
  ])("a cluster folder named %j: its matrix is its folder's", async (name) => {
    const dir = distUnder('-', (d) => {
      asDump(d);
      renameSync(join(d, 'lga1'), join(d, name));
    });
    const r = await run(['can-i', 'get', 'pods', '-n', 'ml', '--as', 'erin@acme.io', '--dir', dir, '--cluster', name]);
    expect([r.code, r.stdout]).toEqual([0, 'yes']);
  });

  it('two cluster folders that show alike (lga1 with a zero-width space, and lga1<U+200B> as written) are each their own', async () => {
    const dir = distUnder('-', (d) => {
      asDump(d);
      renameSync(join(d, 'lga1'), join(d, 'lga1\u200b'));
      renameSync(join(d, 'ord1'), join(d, 'lga1<U+200B>'));
    });
    // erin reads ml (placed in lga1 only) in the first folder, not in the second.
    const ask = (cluster: string) =>
      run(['can-i', 'get', 'pods', '-n', 'ml', '--as', 'erin@acme.io', '--dir', dir, '--cluster', cluster]);
    expect((await ask('lga1\u200b')).stdout).toBe('yes');
    expect((await ask('lga1<U+200B>')).stdout).toBe('no');
  });
});

describe("R142 guards: every view of access, cluster by cluster, is that cluster's folder read alone", () => {
  it("for outputs forged by 1-3 forgeries at once, orgctl's or a dump of the same layout", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.constantFrom(...Object.keys(FORGERIES)), { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        fc.constantFrom(...DUMP_NAMES),
        async (names, dump, lga1) => {
          const dir = exampleDistCopy('orgctl-r142-', (d) => {
            for (const n of names) FORGERIES[n]!(d);
            if (dump) asDump(d);
            // A dump's cluster folders may be named anything: lga1's renamed.
            if (dump && lga1 !== 'lga1') renameSync(join(d, 'lga1'), join(d, lga1));
          });
          await expectEachClusterAsAlone(
            dir,
            `${names.join(' + ')}${dump ? ` (dump, lga1 as ${JSON.stringify(lga1)})` : ''}`,
          );
        },
      ),
      { numRuns: PROPERTY_RUNS, seed: SEED },
    );
  }, 120_000);
});
