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
import { listFiles } from '../cli/output.ts';
import { run, tempDir } from './helpers.ts';
import { baseSpec, distOf } from './review/scenarios.ts';

// The full read on demand: readForQuestion answering "cannot bound" is what can-i does then.
const force = vi.hoisted(() => ({ full: false }));
vi.mock('../cli/partial-read.ts', async (original) => {
  const m = await original<typeof import('../cli/partial-read.ts')>();
  return { ...m, readForQuestion: (...a: Parameters<typeof m.readForQuestion>) => (force.full ? undefined : m.readForQuestion(...a)) };
});

/** The shard file of `dir` holding namespace `ns`. */
const shardHolding = (dir: string, ns: string) =>
  listFiles(dir).find((f) => f.includes('/shard-') && readFileSync(join(dir, f), 'utf8').includes(`kind: Namespace\nmetadata:\n  annotations:\n    argocd.argoproj.io/sync-wave: "0"\n    argocd.argoproj.io/sync-options: "Prune=false"\n  labels:\n    app.kubernetes.io/managed-by: orgctl\n    orgctl.io/organization: acme\n  name: ${ns}\n`))!;

describe('J1: can-i partial read and a subject written with a JSON escape', () => {
  it('can-i (partial read) answers as the full read for a RoleBinding naming bob as "\\u0062ob@acme.io" in his namespace\'s own shard', async () => {
    const dir = join(tempDir('orgctl-rtj-'), 'dist');
    cpSync(await distOf(baseSpec()), dir, { recursive: true });
    const file = join(dir, shardHolding(dir, 'web'));
    // A RoleBinding of web, in web's shard (where orgctl places it), after web's first binding;
    // bob written as a JSON string with one escape: YAML (Go's, orgctl's strict reader) reads bob@acme.io.
    writeFileSync(
      file,
      `${readFileSync(file, 'utf8')}---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: acme:w:full:2\n  namespace: web\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: acme:w:full\nsubjects:\n- apiGroup: rbac.authorization.k8s.io\n  kind: User\n  name: "\\u0062ob@acme.io"\n`,
    );
    const ask = ['can-i', 'delete', 'secrets', '-n', 'web', '--as', 'bob@acme.io', '--dir', dir];
    force.full = true;
    const full = await run(ask);
    force.full = false;
    const partial = await run(ask);
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
    const dir = join(tempDir('orgctl-rtj-'), 'dist');
    cpSync(await distOf(baseSpec()), dir, { recursive: true });
    const file = join(dir, shardHolding(dir, 'web'));
    // Every authenticated user holds w:full in web: the Group's kind written as a JSON string.
    writeFileSync(
      file,
      `${readFileSync(file, 'utf8')}---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: everyone\n  namespace: web\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: acme:w:full\nsubjects:\n- apiGroup: rbac.authorization.k8s.io\n  kind: "Group"\n  name: system:authenticated\n`,
    );
    const ask = ['can-i', 'delete', 'secrets', '-n', 'web', '--as', 'erin@acme.io', '--dir', dir];
    force.full = true;
    const full = await run(ask);
    force.full = false;
    const partial = await run(ask);
    expect(full.stdout, full.stderr).toMatch(/^yes/);
    expect(partial.stdout).toBe(full.stdout);
    expect(partial.code).toBe(full.code);
  });
});
