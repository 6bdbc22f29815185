/**
 * can-i and who-can answer for one cluster at a time, as kubectl asks one (red team R139): the
 * example organization's namespace ml is in lga1 only, so on ord1 nobody may get its pods. Read as
 * one authorizer, every cluster's objects together answered yes there, for both clusters.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleDistCopy, ROOT, run, tempDir } from './helpers.ts';

const DIST = join(ROOT, 'dist');
/** can-i and who-can on `dir` (default: the example's dist/, whose namespace ml is in lga1 only). */
const canI = (args: readonly string[], dir = DIST) => run(['can-i', ...args, '--dir', dir]);
const whoCan = (args: readonly string[], dir = DIST) => run(['who-can', ...args, '--dir', dir]);
const ERIN_ML = ['get', 'pods', '-n', 'ml', '--as', 'erin@acme.io'];

describe('R139-1: an output of two clusters is not answered as one cluster', () => {
  it('can-i get pods -n ml (ml in lga1 only) is not a plain yes: ord1 says no, and which cluster says what is printed', async () => {
    const r = await canI(ERIN_ML);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toBe('no');
    expect(r.stdout).toContain('lga1: yes');
    expect(r.stdout).toContain('ord1: no');
  });

  it('who-can get pods -n ml says erin holds it in lga1 only', async () => {
    const r = await whoCan(['get', 'pods', '-n', 'ml', '--format', 'json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as { subject: string; clusters?: string[] }[];
    const erin = rows.filter((row) => row.subject === 'erin@acme.io');
    expect(erin.map((row) => row.clusters)).toEqual([['lga1']]);
  });
});

describe('--cluster NAME: one cluster asked, as kubectl asks it', () => {
  it('answers from that cluster alone: lga1 yes (exit 0), ord1 no (exit 1), its warning naming the cluster', async () => {
    const ask = (cluster: string) => canI([...ERIN_ML, '--cluster', cluster, '--why']);
    const lga1 = await ask('lga1');
    expect([lga1.code, lga1.stdout.split('\n')[0]]).toEqual([0, 'yes']);
    expect(lga1.stdout).toContain('RoleBinding ml/acme:r:full');
    expect(lga1.stdout).not.toContain('lga1:');
    const ord1 = await ask('ord1');
    expect([ord1.code, ord1.stdout.split('\n')[0]]).toEqual([1, 'no']);
    expect(ord1.stderr).toContain('namespace ml has no RoleBinding in cluster ord1 of');
    expect(ord1.stderr).toContain('a namespace may be placed in some clusters only');
  });

  it("who-can lists that cluster's holders alone, without a CLUSTERS column", async () => {
    const lga1 = await whoCan(['get', 'pods', '-n', 'ml', '--cluster', 'lga1']);
    expect(lga1.stdout).toContain('erin@acme.io');
    expect(lga1.stdout).not.toContain('CLUSTERS');
    const ord1 = await whoCan(['get', 'pods', '-n', 'ml', '--cluster', 'ord1', '--format', 'json']);
    const rows = JSON.parse(ord1.stdout) as { subject: string; clusters?: string[] }[];
    expect(rows.map((r) => r.subject)).toEqual(['system:masters']);
    expect(rows.every((r) => r.clusters === undefined)).toBe(true);
  });

  it('a name that is no cluster of the output is a usage error naming those there are', async () => {
    for (const command of [
      ['can-i', 'get', 'pods', '--as', 'erin@acme.io'],
      ['who-can', 'get', 'pods'],
    ]) {
      const r = await run([...command, '--dir', DIST, '--cluster', 'lga2']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--cluster "lga2" is not a cluster of');
      expect(r.stderr).toContain('its clusters are lga1, ord1 (did you mean lga1?)');
    }
  });

  it('a folder of other manifests (a dump: one cluster) takes no --cluster', async () => {
    const dump = join(tempDir('orgctl-cluster-dump-'), 'dump');
    mkdirSync(dump);
    writeFileSync(join(dump, 'rbac.yaml'), readFileSync(join(DIST, 'lga1', 'cluster', 'resources.yaml')));
    const r = await canI(['get', 'pods', '--as', 'erin@acme.io', '--cluster', 'lga1'], dump);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('holds no cluster folder');
  });
});

describe('without --cluster, an output of several clusters is asked in each', () => {
  it('where they agree, the answer is as before: no cluster lines, no "clusters" in JSON', async () => {
    const text = await canI(['get', 'pods', '-n', 'web', '--as', 'dan@acme.io']);
    expect([text.code, text.stdout]).toEqual([0, 'yes']);
    const json = await canI(['get', 'pods', '-n', 'web', '--as', 'dan@acme.io', '--format', 'json']);
    expect(JSON.parse(json.stdout)).not.toHaveProperty('clusters');
    const who = await whoCan(['get', 'pods', '-n', 'web']);
    expect(who.stdout).not.toContain('CLUSTERS');
  });

  it("where they differ, JSON says no (allowed: false) and gives each cluster's answer and reason", async () => {
    const r = await canI([...ERIN_ML, '--format', 'json']);
    expect(r.code).toBe(1);
    const answer = JSON.parse(r.stdout) as {
      allowed: boolean;
      by?: unknown;
      clusters: Record<string, { allowed: boolean; by?: { binding: { name: string } }; reason: string }>;
    };
    expect(answer.allowed).toBe(false);
    expect(answer.by).toBeUndefined();
    expect(answer.clusters.lga1!.allowed).toBe(true);
    expect(answer.clusters.lga1!.by!.binding.name).toBe('acme:r:full');
    expect(answer.clusters.ord1).toEqual({
      allowed: false,
      reason: 'no RoleBinding or ClusterRoleBinding of this user allows it',
    });
  });

  it("--why gives each cluster's reason under its answer", async () => {
    const r = await canI([...ERIN_ML, '--why']);
    expect(r.stdout.split('\n')).toEqual([
      'no',
      'lga1: yes',
      '  RoleBinding ml/acme:r:full → ClusterRole acme:r:full, rule 0: get,list,watch on pods,pods/log,pods/status',
      'ord1: no',
      '  no RoleBinding or ClusterRoleBinding of this user allows it',
    ]);
  });

  it("--list, where the clusters give different rules, asks for --cluster; with it, lists that cluster's", async () => {
    const r = await canI(['--list', '-n', 'ml', '--as', 'erin@acme.io']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('give --cluster NAME to list one cluster');
    const lga1 = await canI(['--list', '-n', 'ml', '--as', 'erin@acme.io', '--cluster', 'lga1']);
    expect(lga1.code).toBe(0);
    expect(lga1.stdout).toContain('pods ');
  });

  it("a ClusterRole that differs between clusters is each cluster's own (one authorizer kept the last read)", async () => {
    // ord1's acme:r:full without pods: dan (r:full in web) may get pods in web on lga1 only.
    const dir = exampleDistCopy('orgctl-cluster-role-', (d) => {
      const file = join(d, 'ord1', 'cluster', 'resources.yaml');
      const text = readFileSync(file, 'utf8');
      const edited = text.replace('  resources:\n  - pods\n  - pods/log\n', '  resources:\n  - pods/log\n');
      expect(edited).not.toBe(text);
      writeFileSync(file, edited);
    });
    const r = await canI(['get', 'pods', '-n', 'web', '--as', 'dan@acme.io'], dir);
    expect([r.code, r.stdout]).toEqual([1, 'no\nlga1: yes\nord1: no']);
    const who = await whoCan(['get', 'pods', '-n', 'web', '--format', 'json'], dir);
    const dan = (JSON.parse(who.stdout) as { subject: string; clusters?: string[] }[]).filter(
      (row) => row.subject === 'dan@acme.io',
    );
    expect(dan.map((row) => row.clusters)).toEqual([['lga1']]);
  });
});

describe('an output of one cluster', () => {
  it('is answered as before, without the flag; --cluster names its one cluster', async () => {
    const dir = tempDir('orgctl-one-cluster-');
    const spec = join(dir, 'org.yaml');
    // JSON is YAML: no clusters declared, so one (the one Argo CD runs in).
    const users = [
      { email: 'alice@acme.io', github: 'alice', admin: true },
      { email: 'bob@acme.io', github: 'bob' },
    ];
    const grants = [{ user: 'bob@acme.io', namespace: 'web', levels: ['r:pods'] }];
    const body = { owner: 'alice@acme.io', users, namespaces: [{ name: 'web' }], grants };
    writeFileSync(
      spec,
      JSON.stringify({ apiVersion: 'orgctl/v1', kind: 'Organization', metadata: { name: 'acme' }, spec: body }),
    );
    const out = join(dir, 'dist');
    expect((await run(['synth', '--spec', spec, '--out', out])).code).toBe(0);
    const [cluster] = readdirSync(out).filter((f) => f !== 'argocd' && f !== 'members.json');
    const plain = await canI(['get', 'pods', '-n', 'web', '--as', 'bob@acme.io', '--why'], out);
    expect(plain.code).toBe(0);
    expect(plain.stdout.split('\n')[0]).toBe('yes');
    expect(plain.stdout).not.toContain(`${cluster}:`);
    const named = await canI(['get', 'pods', '-n', 'web', '--as', 'bob@acme.io', '--why', '--cluster', cluster!], out);
    expect(named).toEqual(plain);
    const who = await whoCan(['get', 'pods', '-n', 'web'], out);
    expect(who.stdout).not.toContain('CLUSTERS');
  });
});
