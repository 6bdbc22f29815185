/**
 * Red team R141, can-i and who-can per cluster (cli/rbac.ts, R139): each cluster of an output is
 * answered by its own Authorizer, made from the objects whose file is in that cluster's folder
 * (ofCluster: `from.file` starts with DIR/CLUSTER/), after a partial read (cli/partial-read.ts) or
 * the full read.
 *
 * R141-1 (hole, fixed in cli/rbac.ts ofCluster; access's per-cluster matrix, R140, reads through it too): orgctl's strict reader labels each document's file for
 * a reader (showHidden(join(dir, path)): a soft hyphen, a zero-width space, a tab or a line break
 * written as `<U+00AD>`...), and ofCluster compares that label with the folder's raw path. In an
 * output whose path holds such a character, no object is any cluster's: every cluster answers from
 * the bootstrap bindings alone. `can-i get pods -n web --as dan@acme.io` says no (exit 1) where the
 * cluster says yes, and who-can lists system:masters alone.
 *
 * Guards (a property, R141_RUNS / 2 cases, 150 by default): outputs forged cluster by cluster (a
 * ClusterRole that differs between clusters, a subject bound in one cluster only, a folder named
 * like a cluster holding shards and no cluster/ shard, a folder of a cluster not recorded named as
 * one in another case, one cluster's folder holding another's cluster shard, members.json recording
 * a cluster the output has no folder for) asked random questions: each cluster's answer, read
 * partially for the question or fully, with --cluster or without, is the answer of that cluster's
 * folder read alone, in full. And --cluster values that name no cluster folder of the output
 * (`..`, a trailing slash, another case, a hidden character, argocd, a shard) are refused.
 */
import fc from 'fast-check';
import { cpSync, mkdirSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { userInfo, type Authorizer } from '../analysis/authorizer.ts';
import {
  answeringClusters,
  loadAuthorizer,
  loadRbacRead,
  parseTarget,
  resourceQuestion,
  type ReadOptions,
} from '../cli/rbac.ts';
import { InputError } from '../model/errors.ts';
import type { Io } from '../model/io.ts';
import { cacheFolderOfItsOwn, CLUSTERS_DIFFER, editIn, exampleDistCopy, ROOT, run, tempDir } from './helpers.ts';

const RUNS = Number(process.env.R141_RUNS ?? 300);
const SEED = Number(process.env.ORGCTL_PROPERTY_SEED ?? Date.now() % 2 ** 31);
/** Each case reads the output twice, and each cluster with --cluster twice: half as many. */
const PROPERTY_RUNS = Math.max(1, Math.floor(RUNS / 2));
const quiet: Io = { out: () => {}, err: () => {}, env: {} };

cacheFolderOfItsOwn('orgctl-r141-cache-');

/** The clusters of an output as a reader sees them: its folders holding a cluster shard. */
const clusterFolders = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'cluster', 'resources.yaml')))
    .map((e) => e.name)
    .sort();

/** Outputs forged cluster by cluster, from the example's dist/ (namespace ml in lga1 only). */
const FORGED: Record<string, (dir: string) => void> = {
  'as written': () => {},
  ...CLUSTERS_DIFFER,
  'a folder lga2 of shards, no cluster shard': (d) => {
    for (const s of readdirSync(join(d, 'lga1')).filter((s) => s !== 'cluster'))
      cpSync(join(d, 'lga1', s), join(d, 'lga2', s), { recursive: true });
  },
  'a folder LGA1 copying lga1 whole': (d) => cpSync(join(d, 'lga1'), join(d, 'LGA1'), { recursive: true }),
  "ord1's folder holding lga1's cluster shard": (d) =>
    cpSync(join(d, 'lga1/cluster/resources.yaml'), join(d, 'ord1/cluster/resources.yaml')),
  'members.json recording a cluster sfo1 with no folder': (d) =>
    editIn(d, 'members.json', (t) => t.replace('"ord1"\n', '"ord1",\n      "sfo1"\n')),
};

interface Output {
  readonly dir: string;
  readonly clusters: readonly string[];
  /** Each cluster's folder read alone, in full (no question: every file); undefined: one of them is refused. */
  readonly alone: ReadonlyMap<string, Authorizer> | undefined;
}

const outputs = new Map<string, Output>();

beforeAll(async () => {
  for (const [name, forge] of Object.entries(FORGED)) {
    const dir = exampleDistCopy('orgctl-r141-', forge);
    const clusters = clusterFolders(dir);
    let alone: Map<string, Authorizer> | undefined = new Map();
    for (const c of clusters) {
      const only = join(tempDir('orgctl-r141-alone-'), 'dist');
      mkdirSync(only);
      cpSync(join(dir, c), join(only, c), { recursive: true });
      const read = await loadAuthorizer(only, quiet).catch((e: unknown) =>
        e instanceof InputError ? undefined : Promise.reject(e),
      );
      if (read) alone?.set(c, read);
      else alone = undefined;
    }
    outputs.set(name, { dir, clusters, alone });
  }
}, 60_000);

const USERS = [
  'alice@acme.io',
  'bob@acme.io',
  'dan@acme.io',
  'erin@acme.io',
  'frank@acme.io',
  'ivan@acme.io',
  'mallory@acme.io',
  'system:serviceaccount:acme-system:token-dashboards',
  'system:serviceaccount:acme-system:token-ci-deploy',
];
const VERBS = ['get', 'list', 'create', 'delete', 'watch', '*'];
const TYPES = [
  'pods',
  'pods/web-1',
  'secrets',
  'configmaps',
  'rolebindings.rbac.authorization.k8s.io',
  'namespaces/web',
];
const NAMESPACES = ['web', 'data', 'ml', 'acme-system', 'default', undefined];

describe('R141 guards: each cluster answers as its folder read alone', () => {
  it('for random questions on outputs forged cluster by cluster, partial or full read, with --cluster or without', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.keys(FORGED)),
        fc.constantFrom(...USERS),
        fc.constantFrom(...VERBS),
        fc.constantFrom(...TYPES),
        fc.constantFrom(...NAMESPACES),
        async (name, user, verb, type, namespace) => {
          const { dir, clusters, alone } = outputs.get(name)!;
          const { target } = parseTarget(type, '');
          const q = resourceQuestion(verb, target, namespace === undefined ? { allNamespaces: true } : { namespace });
          const asker = userInfo(user);
          const answer = (a: Authorizer) => a.authorize(asker, q.attrs).allowed;
          const question = { namespace: q.evaluatedIn, user };
          const reads: [string, ReadOptions][] = [
            ['partial', { question }],
            ['full', {}],
          ];
          // A cluster folder refused alone (a name that is no cluster's: LGA1) refuses the whole output.
          if (!alone) {
            for (const [how, options] of reads)
              await expect(loadRbacRead(dir, quiet, options), `${name}: ${how}`).rejects.toThrow(InputError);
            return;
          }
          const expected = new Map([...alone].map(([c, a]) => [c, answer(a)]));
          for (const [how, options] of reads) {
            const read = await loadRbacRead(dir, quiet, options);
            const got = new Map(answeringClusters(read).map(([c, a]) => [c, answer(a)]));
            if (clusters.length > 1) expect(got, `${name}: ${how}`).toEqual(expected);
            else expect([...got.values()], `${name}: ${how}`).toEqual([...expected.values()]);
            for (const c of clusters) {
              const one = await loadRbacRead(dir, quiet, { ...options, cluster: c });
              expect(
                answeringClusters(one).map(([, a]) => answer(a)),
                `${name}: ${how} --cluster ${c}`,
              ).toEqual([expected.get(c)]);
            }
          }
        },
      ),
      { numRuns: PROPERTY_RUNS, seed: SEED },
    );
  }, 60_000);

  it.each([
    ['../lga1'],
    ['lga1/'],
    ['./lga1'],
    ['LGA1'],
    ['lga1\u200b'],
    ['argocd'],
    ['lga1/cluster'],
    ['cluster'],
    ['shard-17'],
    [''],
  ])('--cluster %j names no cluster folder of the output: refused (exit 2)', async (cluster) => {
    const dist = join(ROOT, 'dist');
    for (const command of [
      ['can-i', 'get', 'pods', '-n', 'web', '--as', 'dan@acme.io'],
      ['who-can', 'get', 'pods', '-n', 'web'],
    ]) {
      const r = await run([...command, '--dir', dist, '--cluster', cluster]);
      expect(r.code, command[0]).toBe(2);
      expect(r.stdout).toBe('');
    }
  });
});

describe('R141-1: an output whose path holds a character a reader is shown as its code point', () => {
  /** The example's dist/ under a folder whose name holds `hidden`. */
  const distUnder = (hidden: string) => {
    const parent = join(tempDir('orgctl-r141-hidden-'), `org${hidden}repo`);
    mkdirSync(parent);
    cpSync(join(ROOT, 'dist'), join(parent, 'dist'), { recursive: true });
    return join(parent, 'dist');
  };

  it('a guard: the same output under a plain path answers yes in both clusters', async () => {
    const r = await run(['can-i', 'get', 'pods', '-n', 'web', '--as', 'dan@acme.io', '--dir', distUnder('-')]);
    expect([r.code, r.stdout]).toEqual([0, 'yes']);
  });

  // Fixed: ofCluster tells a cluster's objects by the label the reader gave their file,
  // showHidden(join(dir, cluster) + sep) as a prefix (showHidden rewrites one character at a time,
  // so a path's label starts with its folder's label).
  it.each([
    ['\u00ad'],
    ['\u200b'],
    ['\t'],
  ])('under a folder holding %j, can-i answers what each cluster says (yes), not no in both', async (hidden) => {
    const dir = distUnder(hidden);
    const r = await run(['can-i', 'get', 'pods', '-n', 'web', '--as', 'dan@acme.io', '--dir', dir]);
    expect([r.code, r.stdout]).toEqual([0, 'yes']);
    const who = await run(['who-can', 'get', 'pods', '-n', 'web', '--dir', dir, '--format', 'json']);
    expect((JSON.parse(who.stdout) as { subject: string }[]).map((row) => row.subject)).toContain('dan@acme.io');
    // access answers each cluster from the same split: the same matrix as under a plain path.
    const access = await run(['access', '--format', 'json', '--dir', dir]);
    const plain = await run(['access', '--format', 'json', '--dir', distUnder('-')]);
    expect([access.code, access.stdout]).toEqual([0, plain.stdout]);
  });
});
