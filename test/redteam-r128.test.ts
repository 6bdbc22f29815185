/**
 * Red team R128: follow-ups of R127 (the API server's bootstrap identities).
 *
 * R128-1 (no hole; kept as a regression): `explain` decides "bootstrap" by a binding's name
 * (isBootstrapBinding), but it reads no dist/: it places what the declaration renders
 * (cli/explain.ts: placeCheckedDeclaration, or its index, analysis/explain-index.ts, made of the
 * same), and a declaration renders only `<org>:...` ClusterRoles, whose organization name check
 * refuses when it is `system` (invalid-name). A forged dist/ holding ClusterRole system:discovery
 * does not reach it.
 *
 * R128-2 (medium; a forged dist/ read before it is proved: the pull request's diff comment, an
 * audit with `orgctl diff`):
 * a) `diff` counts bindings among the manifests only (it never adds the bootstrap ones), so a head
 *    adding ClusterRole system:basic-user with `*` on `*` (which the API server's own binding gives
 *    every authenticated user once Argo CD applies it) read "No change in access". Safe: the diff
 *    says the role takes the place of the API server's own, and whom that gives its rules.
 * b) An organization ConfigMap naming the organization `system` (its roles `system:<level>`,
 *    among Kubernetes' own names: written-output's `<org>:` name rule would take system:basic-user
 *    as orgctl's) was read as any other: `diff` described its `system:` roles as the organization's
 *    levels and custom RBAC. Safe: the reader of the organization ConfigMap refuses the name, as
 *    invalid-name refuses it in a declaration (also `kube`, whose system namespace is kube-system,
 *    and the platforms' prefixes).
 */
import { cpSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMembership } from '../analysis/membership.ts';
import { readIfOrgctlOutput } from '../cli/output-read.ts';
import { appendDocument, everythingRole, exampleDistCopy, ROOT, run, tempDir } from './helpers.ts';

const filesOf = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesOf(p) : [p];
  });

/** A copy of the example's dist/ as if its organization were named `org` (acme's names renamed). */
const renamedDist = (org: string): string =>
  exampleDistCopy('orgctl-r128-', (dir) => {
    for (const f of filesOf(dir))
      writeFileSync(
        f,
        readFileSync(f, 'utf8')
          .replaceAll('acme:', `${org}:`)
          .replaceAll('acme-system', `${org}-system`)
          .replaceAll('"name":"acme"', `"name":"${org}"`)
          .replaceAll('"name": "acme"', `"name": "${org}"`)
          .replaceAll('organization: acme\n', `organization: ${org}\n`),
      );
  });

describe("R128-2a: diff of a head rewriting one of the API server's bootstrap roles", () => {
  it.each([
    ['system:basic-user', 'Group system:authenticated'],
    ['system:discovery', 'Group system:authenticated'],
    ['cluster-admin', 'Group system:masters'],
  ])('ClusterRole %s with * on *: not "No change in access"', async (name, who) => {
    const head = exampleDistCopy('orgctl-r128-', (d) => appendDocument(d, 'cluster', everythingRole(name)));
    const r = await run(['diff', '--base', join(ROOT, 'dist'), '--head', head, '--format', 'text']);
    expect(r.stdout).not.toMatch(/No change in access/);
    expect(r.stdout).toMatch(new RegExp(`ClusterRole ${name}\\b.*takes the place of the API server's own`));
    expect(r.stdout).toContain(who);
  });

  it("the example's own output against itself: nothing of the kind", async () => {
    const r = await run(['diff', '--base', join(ROOT, 'dist'), '--head', exampleDistCopy(), '--format', 'text']);
    expect(r.stdout).toMatch(/No change in access/);
  });
});

describe("R128-2b: an organization ConfigMap naming an organization whose roles are named as Kubernetes' own", () => {
  it.each(['system', 'kube', 'eks'])('organization %s: diff refuses it, on either side', async (org) => {
    const forged = renamedDist(org);
    for (const [base, head] of [
      [join(ROOT, 'dist'), forged],
      [forged, forged],
    ]) {
      const r = await run(['diff', '--base', base!, '--head', head!, '--format', 'text']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`"${org}"`));
      expect(r.stderr).toMatch(/reserved/);
    }
  });

  it("organization system: access, can-i and who-can refuse it too, and so does the membership every review reads (written-output's)", async () => {
    const forged = renamedDist('system');
    for (const args of [
      ['access'],
      ['can-i', 'get', 'pods', '-n', 'web', '--as', 'erin@acme.io'],
      ['who-can', 'get', 'pods', '-n', 'web'],
    ]) {
      const r = await run([...args, '--dir', forged]);
      expect(r.code, args[0]).toBe(2);
      expect(r.stderr).toMatch(
        /names the organization "system", which makes ClusterRoles named system:\.\.\., a prefix reserved for Kubernetes' own/,
      );
    }
    // The strict reader of an output (the review's, an upgrade's written-output judgement) reads it first.
    expect(() => readMembership(readIfOrgctlOutput(forged)!.docs, forged)).toThrow(/"system".*reserved/);
  });

  it('a name invalid-name takes (acme renamed to acme2) is read as before', async () => {
    const r = await run(['diff', '--base', renamedDist('acme2'), '--head', renamedDist('acme2'), '--format', 'text']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/No change in access/);
  });
});

describe('R128-1: explain reads the declaration, never a dist/ (no hole; kept as a regression)', () => {
  const SPEC = join(ROOT, 'test/fixtures/specs/acme.yaml');

  it("beside a forged dist/ rewriting system:discovery, its bootstrap access is the built-in's, first and through the index", async () => {
    const dir = tempDir('orgctl-r128-');
    const spec = join(dir, 'org.yaml');
    writeFileSync(spec, readFileSync(SPEC, 'utf8'));
    const forged = exampleDistCopy('orgctl-r128-', (d) =>
      appendDocument(d, 'cluster', everythingRole('system:discovery')),
    );
    cpSync(forged, join(dir, 'dist'), { recursive: true });
    for (let i = 0; i < 2; i++) {
      const r = await run(['explain', 'erin@acme.io', '-n', 'web', '--spec', spec]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/via ClusterRoleBinding system:discovery → ClusterRole system:discovery/);
      expect(r.stdout).not.toMatch(/\* on \*/);
    }
    const denied = await run(['explain', 'erin@acme.io', '-n', 'web', 'delete', 'secrets', '--spec', spec]);
    expect(denied.code).toBe(1);
  });

  it('a declaration naming its organization system is refused before anything is explained', async () => {
    const spec = join(tempDir('orgctl-r128-'), 'org.yaml');
    writeFileSync(spec, readFileSync(SPEC, 'utf8').replace('metadata: { name: acme }', 'metadata: { name: system }'));
    const r = await run(['explain', 'erin@acme.io', '--spec', spec]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/invalid-name.*"system" makes ClusterRoles named system:/);
    expect(r.stdout).toBe('');
  });
});
