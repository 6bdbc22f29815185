/**
 * Red team J: the fast paths on the trust chain, each against its slow, obviously-correct path.
 * J1: can-i's partial read skips a RoleBinding of the asked namespace, in the namespace's own shard
 * where orgctl places it, whose subject is written in a form the reader accepts but whose bytes
 * are not the subject's plain name (a JSON escape): can-i says no where the full read (and
 * Kubernetes, which reads the same YAML) says yes.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { run, shardHolding, tempDir } from './helpers.ts';
import { bothReads } from './partial-read-switch.ts';
import { baseDistWithWebBinding, baseSpec, distOf } from './review/scenarios.ts';
import { diffSnapshots } from '../analysis/diff.ts';
import { readSnapshot } from '../analysis/snapshot.ts';
import { loadSnapshots } from '../cli/diff.ts';
import { parseOutput, readOutputFolder } from '../cli/output-read.ts';

// The full read on demand: readForQuestion answering "cannot bound" is what can-i does then.
vi.mock('../cli/partial-read.ts', async (original) =>
  (await import('./partial-read-switch.ts')).fullReadOnDemand(await original()),
);

describe('J1: can-i partial read and a subject written with a JSON escape', () => {
  it('can-i (partial read) answers as the full read for a RoleBinding naming bob as "\\u0062ob@acme.io" in his namespace\'s own shard', async () => {
    // A RoleBinding of web, in web's shard (where orgctl places it), after web's first binding;
    // bob written as a JSON string with one escape: YAML (Go's, orgctl's strict reader) reads bob@acme.io.
    const dir = await baseDistWithWebBinding('acme:w:full:2', '  kind: User\n  name: "\\u0062ob@acme.io"\n');
    const ask = ['can-i', 'delete', 'secrets', '-n', 'web', '--as', 'bob@acme.io', '--dir', dir];
    const { full, partial } = await bothReads(() => run(ask));
    // The full read (what Kubernetes would apply): bob may delete secrets in web.
    expect(full.stdout, full.stderr).toMatch(/^yes/);
    // who-can in web (a partial read too, with no subject: every binding of web) names bob.
    const whoCan = await run(['who-can', 'delete', 'secrets', '-n', 'web', '--dir', dir]);
    expect(whoCan.stdout).toContain('bob@acme.io');
    // can-i's partial read must say the same.
    expect(partial.stdout).toBe(full.stdout);
    expect(partial.code).toBe(full.code);
  });

  it('can-i (partial read) answers as the full read for a Group subject written `kind: "Group"` (quoted) in the namespace\'s own shard', async () => {
    // Every authenticated user holds w:full in web: the Group's kind written as a JSON string.
    const dir = await baseDistWithWebBinding('everyone', '  kind: "Group"\n  name: system:authenticated\n');
    const ask = ['can-i', 'delete', 'secrets', '-n', 'web', '--as', 'erin@acme.io', '--dir', dir];
    const { full, partial } = await bothReads(() => run(ask));
    expect(full.stdout, full.stderr).toMatch(/^yes/);
    expect(partial.stdout).toBe(full.stdout);
    expect(partial.code).toBe(full.code);
  });
});

/**
 * J2: readSnapshotPair's "binding edited in place" pairs base's and head's copies of a binding by
 * (kind, namespace, name, role) in a Map, where the last copy wins: with the namespace in two
 * clusters, a head whose two copies are edited differently has its first copy (lga1) never looked
 * at, so whoever only that copy adds is not a subject the bounded diff computes.
 */
describe('J2: the bounded access pair and two clusters’ copies of one binding', () => {
  it('the diff shows a gain that only one cluster’s copy of a binding makes, as full snapshots do', async () => {
    const spec = baseSpec();
    spec.spec.clusters = ['lga1', 'ord1'];
    spec.spec.users.push({ email: 'zed@acme.io', github: 'zed' });
    const base = await distOf(spec);
    const head = join(tempDir('orgctl-rtj-'), 'dist');
    cpSync(base, head, { recursive: true });
    const subject = (n: string) => `- apiGroup: rbac.authorization.k8s.io\n  kind: User\n  name: ${n}\n`;
    const edit = (cluster: string, change: (text: string) => string) => {
      const file = join(head, shardHolding(head, 'web').replace(/^[^/]+/, cluster));
      const text = readFileSync(file, 'utf8');
      const changed = change(text);
      expect(changed).not.toBe(text);
      writeFileSync(file, changed);
    };
    const rPods =
      /( {2}name: acme:r:pods\n {2}namespace: web\n[\s\S]*?)(- apiGroup: rbac.authorization.k8s.io\n {2}kind: User\n {2}name: joe@acme.io\n)/;
    // lga1: zed added to web's acme:r:pods; ord1: joe dropped from it.
    edit('lga1', (t) => t.replace(rPods, `$1$2${subject('zed@acme.io')}`));
    edit('ord1', (t) => t.replace(rPods, '$1'));
    const today = '2026-11-26';
    const io = { out: () => {}, err: () => {}, env: {} };
    const bounded = loadSnapshots(base, head, io);
    const boundedDiff = diffSnapshots(bounded.base, bounded.head, today);
    const full = (dir: string) => readSnapshot(parseOutput(readOutputFolder(dir)), dir);
    const fullDiff = diffSnapshots(full(base), full(head), today);
    const people = (d: typeof fullDiff) => d.people.map((p) => p.id).sort();
    // Full snapshots read the copies as one: zed gains r:pods in web (in lga1); joe keeps it (lga1).
    expect(people(fullDiff)).toContain('zed@acme.io');
    // The pair reads each cluster apart once their copies differ (red team H): zed gains r:pods in
    // web in lga1, and joe loses it in ord1, which the copies read as one hid.
    expect(people(boundedDiff)).toEqual(['joe@acme.io', 'zed@acme.io']);
    // orgctl diff, as a reviewer runs it on another's branch, shows zed too.
    const r = await run(['diff', '--base', base, '--head', head, '--format', 'json']);
    expect(r.stdout).toContain('zed@acme.io');
  });
});
