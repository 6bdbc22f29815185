/**
 * access answers for one cluster at a time, as can-i and who-can do (R140): the example
 * organization's namespace ml is in lga1 only, a ClusterRole may differ between the clusters'
 * folders, a ClusterRoleBinding may be in one cluster's alone. Read as one authorizer of every
 * cluster's objects, the matrix showed each as holding everywhere, or whichever cluster was read last.
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendDocument, everythingRole, exampleDistCopy, ROOT, run } from './helpers.ts';

const DIST = join(ROOT, 'dist');
const access = (args: readonly string[], dir = DIST) => run(['access', ...args, '--dir', dir]);

interface Entry {
  kind: string;
  name: string;
  clusters?: string[];
  cluster?: { levels: string[] };
  namespaces: Record<string, { levels: string[]; via: string[] }>;
}
const entries = async (args: readonly string[], dir = DIST): Promise<Entry[]> => {
  const r = await access(['--format', 'json', ...args], dir);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Entry[];
};
/** The rows of the text table, as their cells. */
const rowsOf = (stdout: string) => stdout.split('\n').map((l) => l.trim().split(/\s{2,}/));

/** ord1's acme:r:full without pods: dan (r:full in web) reads pods in web on lga1 only. */
const roleDiffers = () =>
  exampleDistCopy('orgctl-access-role-', (d) => {
    const file = join(d, 'ord1', 'cluster', 'resources.yaml');
    const text = readFileSync(file, 'utf8');
    const edited = text.replace('  resources:\n  - pods\n  - pods/log\n', '  resources:\n  - pods/log\n');
    expect(edited).not.toBe(text);
    writeFileSync(file, edited);
  });

describe('R140-1: access of an output of two clusters says which cluster holds what', () => {
  it('text: erin reads ml (in lga1 only) in lga1 alone, said in a first column CLUSTERS', async () => {
    const r = await access([]);
    expect(r.code).toBe(0);
    const rows = rowsOf(r.stdout);
    expect(rows[0]).toEqual(['CLUSTERS', 'KIND', 'SUBJECT', 'NAMESPACE', 'LEVELS', 'CLASSES']);
    expect(rows.filter((row) => row[2] === 'erin@acme.io').map((row) => [row[0], row[3]])).toEqual([
      ['lga1', 'ml'],
      ['lga1,ord1', 'web'],
    ]);
  });

  it('json: each entry says in which clusters it holds; ml is in an entry of lga1 alone', async () => {
    const erin = (await entries([])).filter((e) => e.name === 'erin@acme.io');
    expect(erin.map((e) => [e.clusters, Object.keys(e.namespaces)])).toEqual([
      [['lga1'], ['ml']],
      [['lga1', 'ord1'], ['web']],
    ]);
  });

  it('html: the cell of erin in ml says lga1, her cell in web (every cluster) none, and the page says how to see one cluster', async () => {
    const r = await access(['--format', 'html']);
    expect(r.code).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => l.startsWith('<tr data-subject="erin@acme.io"'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(
      /<td class="write" data-ns="ml" [^>]*title="in lga1:&#10;[^"]*">r:full w:pvcs \(lga1\)<\/td>/,
    );
    expect(rows[0]).toMatch(/<td class="read" data-ns="web" [^>]*">r:configmaps<\/td>/);
    expect(r.stdout).toContain('<code>orgctl access --cluster NAME</code>');
  });

  it('a ClusterRole that differs between the clusters: each cluster its own cell, said (one authorizer kept the last read)', async () => {
    const dir = roleDiffers();
    const dan = (await entries([], dir)).filter((e) => e.name === 'dan@acme.io' && e.namespaces.web);
    expect(dan.map((e) => [e.clusters, e.namespaces.web!.levels.includes('r:full')])).toEqual([
      [['lga1'], true],
      [['ord1'], false],
    ]);
    const text = rowsOf((await access([], dir)).stdout).filter((row) => row[2] === 'dan@acme.io' && row[3] === 'web');
    expect(text.map((row) => row[0])).toEqual(['lga1', 'ord1']);
  });

  it("cluster-wide access in one cluster only (its ClusterRole rewritten there): its * rows are that cluster's, not every cluster's", async () => {
    // orgctl's output holds no ClusterRoleBinding; the bootstrap ones are every cluster's. lga1's
    // system:basic-user allowing everything: Group system:authenticated, and so erin, hold w:full
    // cluster-wide in lga1 alone.
    const dir = exampleDistCopy('orgctl-access-crb-', (d) =>
      appendDocument(d, 'cluster', everythingRole('system:basic-user')),
    );
    const text = rowsOf((await access([], dir)).stdout).filter((row) => row[3] === '*');
    const star = (subject: string) => text.filter((row) => row[2] === subject).map((row) => [row[0], row[4]]);
    expect(star('erin@acme.io')).toEqual([['lga1', 'w:full']]);
    expect(star('system:authenticated')).toEqual([
      ['lga1', 'w:full'],
      ['ord1', 'bootstrap: system:basic-user system:discovery system:public-info-viewer'],
    ]);
    const erin = (await entries([], dir)).filter((e) => e.name === 'erin@acme.io' && e.cluster);
    expect(erin.map((e) => [e.clusters, e.cluster!.levels])).toEqual([[['lga1'], ['w:full']]]);
  });
});

describe('access --cluster NAME: one cluster, as can-i and who-can', () => {
  it("gives that cluster's matrix alone, without CLUSTERS or clusters", async () => {
    const lga1 = await access(['--cluster', 'lga1']);
    expect(lga1.code).toBe(0);
    expect(lga1.stdout).not.toContain('CLUSTERS');
    expect(
      rowsOf(lga1.stdout)
        .filter((row) => row[1] === 'erin@acme.io')
        .map((row) => row[2]),
    ).toEqual(['ml', 'web']);
    const ord1 = await entries(['--cluster', 'ord1']);
    expect(ord1.every((e) => e.clusters === undefined)).toBe(true);
    expect(Object.keys(ord1.find((e) => e.name === 'erin@acme.io')!.namespaces)).toEqual(['web']);
    const page = await access(['--cluster', 'ord1', '--format', 'html']);
    expect(page.stdout).toContain('<title>Access in');
    expect(page.stdout).toContain('cluster ord1');
  });

  it('a name that is no cluster of the output is the usage error can-i gives', async () => {
    const r = await access(['--cluster', 'lga2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--cluster "lga2" is not a cluster of');
    expect(r.stderr).toContain('its clusters are lga1, ord1 (did you mean lga1?)');
  });
});

describe('clusters that agree, and one cluster', () => {
  it('two clusters holding the same: the matrix as one cluster gives it, no CLUSTERS, no clusters', async () => {
    const dir = exampleDistCopy('orgctl-access-same-', (d) => {
      rmSync(join(d, 'ord1'), { recursive: true });
      cpSync(join(d, 'lga1'), join(d, 'ord1'), { recursive: true });
    });
    for (const format of ['text', 'json', 'html']) {
      const both = await access(['--format', format], dir);
      const lga1 = await access(['--format', format, '--cluster', 'lga1'], dir);
      expect(both.code).toBe(0);
      expect(both.stdout).not.toMatch(/CLUSTERS|"clusters"/);
      if (format !== 'html') expect(both.stdout).toBe(lga1.stdout);
    }
  });

  it('an output of one cluster: the same with and without --cluster NAME', async () => {
    const out = exampleDistCopy('orgctl-access-one-', (d) => rmSync(join(d, 'ord1'), { recursive: true }));
    for (const format of ['text', 'json', 'html']) {
      const plain = await access(['--format', format], out);
      expect(plain.code).toBe(0);
      expect(plain.stdout).not.toMatch(/CLUSTERS|"clusters"|id="clusters"/);
      if (format !== 'html') expect(await access(['--format', format, '--cluster', 'lga1'], out)).toEqual(plain);
    }
  });
});
