/**
 * Red team R127: what the readers say about the API server's bootstrap identities.
 *
 * R127-1 (medium; a forged dist/ read before it is proved: a pull request's head checked out, an
 * audit of the branch Argo CD syncs): orgctl names every role it writes `acme:...` (a level's
 * ClusterRole `acme:r:pods`), and the reader of its output took any ClusterRole's name (only the
 * review's judgement of an upgrade's output, review/written-output.ts, asked). A forged dist/
 * holding ClusterRole `system:discovery` with `*` on `*` (the bootstrap role every authenticated
 * user holds through the API server's own ClusterRoleBinding; Argo CD applies a ClusterRole of any
 * name, and the bootstrap reconciler keeps rules added to it) was read as the cluster's:
 * `can-i delete secrets -n web --as erin@acme.io --why` answered yes "bootstrap: every cluster binds
 * it to Group system:authenticated (Kubernetes bootstrap policy)", and `access` showed the group's
 * row as `bootstrap: system:basic-user system:discovery ...` and no member's cells with it. Safe:
 * the answer is the cluster's once Argo CD applies it (yes), never told as the bootstrap policy,
 * shown in every member's cells, and every reader warns that the manifests' role takes the place of
 * the API server's own. (Refusing it, as kinds orgctl does not write are, would refuse a hand-edited
 * dist/ that `diff` describes: test/analysis/diff-complete.test.ts reads a ClusterRole `cleanup`. The
 * review refuses it: output-proof, and review/written-output.ts for an upgrade.)
 *
 * R127-2 (medium; a dump of a live cluster whose bootstrap role was rewritten, the reader's other
 * input): a binding was "bootstrap" by its name and roleRef alone, so the same rewritten
 * `system:discovery` (or a `cluster-admin` binding naming a User) was told as the API server's
 * baseline: `access` kept it off every member's row and wrote `bootstrap:` where its levels belong,
 * `can-i --why` and `who-can` said the Kubernetes bootstrap policy gives it. Safe: a binding is the
 * bootstrap one only when it binds the built-in subjects to a role with the built-in rules; any
 * other is shown as what it is, in every member's cells.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendDocument, everythingRole, exampleDistCopy, run, tempDir } from './helpers.ts';
import { baseSpec, diffOf, grantsOf, type Spec } from './review/scenarios.ts';

const RBAC = 'rbac.authorization.k8s.io';

const clusterBinding = (name: string, subject: string): string[] => [
  `apiVersion: ${RBAC}/v1`,
  'kind: ClusterRoleBinding',
  'metadata:',
  `  name: ${JSON.stringify(name)}`,
  'roleRef:',
  `  apiGroup: ${RBAC}`,
  '  kind: ClusterRole',
  `  name: ${JSON.stringify(name)}`,
  'subjects:',
  `- apiGroup: ${RBAC}`,
  `  ${subject}`,
];

const erinViewsWeb = [
  `apiVersion: ${RBAC}/v1`,
  'kind: RoleBinding',
  'metadata:',
  '  name: erin-view',
  '  namespace: web',
  'roleRef:',
  `  apiGroup: ${RBAC}`,
  '  kind: ClusterRole',
  '  name: view',
  'subjects:',
  `- apiGroup: ${RBAC}`,
  '  kind: User',
  '  name: erin@acme.io',
];

/** A folder of plain manifests (a cluster dump, not orgctl's output) holding `docs`. */
function dump(...docs: readonly (readonly string[])[]): string {
  const dir = join(tempDir('orgctl-r127-'), 'dump');
  mkdirSync(dir);
  writeFileSync(join(dir, 'rbac.yaml'), `${docs.map((d) => d.join('\n')).join('\n---\n')}\n`);
  return dir;
}

describe("R127-1: a ClusterRole named as the API server's own, in orgctl's output", () => {
  it.each([
    'system:discovery',
    'system:basic-user',
  ])('ClusterRole %s with * on *: answered as what it gives, never as the bootstrap policy, and said', async (name) => {
    const dir = exampleDistCopy('orgctl-r127-', (d) => appendDocument(d, 'cluster', everythingRole(name)));
    // Written in lga1's cluster shard: lga1's answer (ord1's role is the API server's own).
    const lga1 = ['--dir', dir, '--cluster', 'lga1'];
    const canI = await run(['can-i', 'delete', 'secrets', '-n', 'web', '--as', 'erin@acme.io', '--why', ...lga1]);
    expect(canI.stdout).toMatch(/^yes/);
    expect(canI.stdout).not.toMatch(/bootstrap/);
    expect(canI.stderr).toContain(`ClusterRole ${name} (`);
    expect(canI.stderr).toMatch(
      /takes the place of the API server's own, which every cluster binds to Group system:authenticated/,
    );
    // lga1's matrix (without --cluster, its rows say lga1: test/access-clusters.test.ts, R140-1).
    const access = await run(['access', ...lga1]);
    expect(access.code).toBe(0);
    const rows = access.stdout.split('\n');
    expect(rows.find((l) => /^Group\s+system:authenticated\s/.test(l))).not.toMatch(/bootstrap:/);
    expect(rows.some((l) => /^User\s+erin@acme\.io\s+\*\s+.*w:full/.test(l))).toBe(true);
    expect(access.stderr).toContain(`ClusterRole ${name} (`);
  });

  it("the example's own output warns of nothing of the kind", async () => {
    const r = await run(['can-i', 'get', 'pods', '-n', 'web', '--as', 'erin@acme.io', '--dir', exampleDistCopy()]);
    expect(r.stderr).not.toMatch(/takes the place/);
  });
});

describe('R127-2: a bootstrap binding rewritten in a dump is shown as what it gives', () => {
  const rewritten = () =>
    dump(
      everythingRole('system:discovery'),
      clusterBinding('system:discovery', 'kind: Group\n  name: system:authenticated'),
      erinViewsWeb,
    );

  it('access: the group row shows its levels, and every member holds them cluster-wide', async () => {
    const r = await run(['access', '--dir', rewritten()]);
    expect(r.code).toBe(0);
    const rows = r.stdout.split('\n');
    const group = rows.find((l) => /^Group\s+system:authenticated\s/.test(l))!;
    expect(group).not.toMatch(/bootstrap:/);
    expect(group).toMatch(/w:full/);
    expect(rows.some((l) => /^User\s+erin@acme\.io\s+\*\s+.*w:full/.test(l))).toBe(true);
  });

  it('can-i --why and who-can do not call it the bootstrap policy', async () => {
    const dir = rewritten();
    const canI = await run(['can-i', 'delete', 'secrets', '-n', 'web', '--as', 'erin@acme.io', '--why', '--dir', dir]);
    expect(canI.stdout).toMatch(/^yes/);
    expect(canI.stdout).not.toMatch(/bootstrap/);
    const whoCan = await run(['who-can', 'delete', 'secrets', '-n', 'web', '--format', 'json', '--dir', dir]);
    expect(whoCan.stdout).toContain('system:authenticated');
    expect(whoCan.stdout).not.toMatch(
      /"bootstrap": ?true[^}]*system:discovery|system:discovery[^}]*"bootstrap": ?true/,
    );
  });

  it('cluster-admin bound to a User: not the bootstrap binding of system:masters', async () => {
    const dir = dump(clusterBinding('cluster-admin', 'kind: User\n  name: mallory@acme.io'));
    const canI = await run([
      'can-i',
      'delete',
      'secrets',
      '-n',
      'web',
      '--as',
      'mallory@acme.io',
      '--why',
      '--dir',
      dir,
    ]);
    expect(canI.stdout).toMatch(/^yes/);
    expect(canI.stdout).not.toMatch(/bootstrap/);
    const access = await run(['access', '--dir', dir]);
    const mallory = access.stdout.split('\n').find((l) => /^User\s+mallory@acme\.io\s/.test(l))!;
    expect(mallory).not.toMatch(/bootstrap:/);
    expect(mallory).toMatch(/w:full/);
  });

  it('the bootstrap bindings themselves are still told as such', async () => {
    const dir = dump(erinViewsWeb);
    const canI = await run(['can-i', 'get', '/healthz', '--as', 'erin@acme.io', '--why', '--dir', dir]);
    expect(canI.stdout).toMatch(/bootstrap: every cluster binds it/);
    const access = await run(['access', '--dir', dir]);
    expect(access.stdout).toMatch(/^Group\s+system:authenticated\s+\*\s+bootstrap: /m);
    expect(access.stdout).toMatch(/^Group\s+system:masters\s+\*\s+bootstrap: cluster-admin/m);
  });
});

/**
 * R127-3 (no hole; kept as a regression): a grant past its end binds nothing and is recorded
 * nowhere in dist/ (synth/render.ts grantExpiries follows bound grants only), so changing its level
 * while it is over changes nothing Argo CD applies, and the diff rightly says nothing; the
 * declaration judges a level reserved for admins on the grant either way (forbidden-grant).
 * The pull request that makes it hold again adds its binding: the diff shows that gain at the new
 * level, with its end, and head's policies judge head dist/ as they judge any binding.
 */
describe('R127-3: a level changed on a grant past its end', () => {
  const ended = (s: Spec) =>
    grantsOf(s).push({ user: 'erin@acme.io', namespace: 'data', levels: ['r:pods'], expires: '2026-01-01' });
  const erin = (edit: (s: Spec) => void) => {
    const base = baseSpec();
    ended(base);
    return diffOf(base, edit)
      .people.find((p) => p.id === 'erin@acme.io')
      ?.changes.map((c) => c.text);
  };
  const level = (levels: string[], expires: string) => (s: Spec) => {
    const g = grantsOf(s).find((x) => x.user === 'erin@acme.io' && x.expires === '2026-01-01')!;
    g.levels = levels;
    g.expires = expires;
  };

  it('while it is over: nothing changes in dist/, and the diff says nothing', () => {
    expect(erin(level(['r:full'], '2026-01-01'))).toBeUndefined();
  });

  it('made to hold again: the gain at its new level, with its end', () => {
    expect(erin(level(['r:full'], '2099-12-31'))).toEqual([
      expect.stringMatching(/^gains r:full in data until 2099-12-31/),
    ]);
  });

  it('a level reserved for admins is judged on the grant whether or not it is over', () => {
    expect(() => erin(level(['w:pods'], '2026-01-01'))).toThrow(/forbidden-grant: w:pods is reserved for admins/);
    expect(() => erin(level(['w:pods'], '2099-12-31'))).toThrow(/forbidden-grant: w:pods is reserved for admins/);
  });
});
