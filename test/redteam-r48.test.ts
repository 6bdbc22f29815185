/**
 * Red team R48 (base 7716b2d): seams between what synthesis writes, what the review proves and what
 * Argo CD applies.
 *
 * R48-1 (medium): a namespace's ResourceQuota may count the objects orgctl itself writes there.
 * `count/<resource>.<group>` is any object count the quota admission enforces
 * (`count/rolebindings.rbac.authorization.k8s.io`), and orgctl accepted it as any name with a `/`.
 * Its RoleBindings and Roles grow with the grants (one per level granted there, one per custom
 * role and person with inline rules, a numbered one past the size limit), and its NetworkPolicy,
 * LimitRange and ResourceQuota are objects others holding their write may count against it first.
 * Once the namespace holds as many as the quota allows, the API server refuses the next one orgctl
 * writes (`exceeded quota`); the quota is applied in an earlier sync wave than the bindings, so
 * this holds from the first sync. A refused object fails its Application's sync, and with
 * `PruneLast=true` nothing of that sync is pruned: every revocation in that shard (of any namespace
 * sharing it) stays in the cluster, sync after sync, while each review passes (a new quota entry is
 * a strengthening: `guard-rails` passes it).
 */
import { describe, expect, it } from 'vitest';
import { DeclarationError } from '../constructs/index.ts';
import { cli, ROOT, smallOrg, synth, tempDir } from './helpers.ts';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the quota admission counts of the kinds orgctl writes into a namespace. */
const COUNTS_OF_ORGCTLS_OWN = [
  'count/rolebindings.rbac.authorization.k8s.io',
  'count/roles.rbac.authorization.k8s.io',
  'count/networkpolicies.networking.k8s.io',
  'count/limitranges',
];
const COUNT = 'count/rolebindings.rbac.authorization.k8s.io';
const SPEC = join(ROOT, 'test/fixtures/specs/guard-rails.yaml');

describe('R48-1: a quota counting the objects orgctl writes in its namespace', () => {
  it.each(COUNTS_OF_ORGCTLS_OWN)('a quota of %s is refused at the declaration', (resource) => {
    const { org } = smallOrg();
    let error: unknown;
    try {
      org.namespace('shop', { quota: { pods: '10', [resource]: '100' } });
      const r = synth(org);
      error = r.ok ? undefined : r.findings;
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DeclarationError);
    expect(String((error as Error).message)).toContain(resource);
  });

  it('orgctl check refuses a spec whose quota counts RoleBindings below what it binds there', () => {
    const spec = join(tempDir('orgctl-r48-'), 'org.yaml');
    writeFileSync(spec, readFileSync(SPEC, 'utf8').replace('pods: "50" }', `pods: "50", ${COUNT}: "1" }`));
    const r = cli(['check', '--spec', spec]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout + r.stderr).toContain(`resource "${COUNT}"`);
  });

  it('a pull request adding such a quota (3 RoleBindings in web, a quota of 1), approved by an admin, fails the review', () => {
    // The fixture's web holds the admins' w:full, bob's r:pods and w:services: three RoleBindings.
    const base = join(tempDir('orgctl-r48-'), 'dist');
    expect(cli(['synth', '--spec', SPEC, '--out', base]).code).toBe(0);
    // Head: what orgctl rendered for the fixture with the count added to web's quota (byte for byte
    // what 7716b2d synthesizes from it): the ResourceQuota in each cluster, the membership data.
    const head = join(tempDir('orgctl-r48-'), 'dist');
    cpSync(base, head, { recursive: true });
    const edit = (file: string, from: string, to: string) => {
      const text = readFileSync(join(head, file), 'utf8');
      expect(text.split(from)).toHaveLength(2);
      writeFileSync(join(head, file), text.replace(from, to));
    };
    for (const c of ['lga1', 'ord1']) {
      edit(
        `${c}/shard-01/resources.yaml`,
        '  hard:\n    limits.memory',
        `  hard:\n    ${COUNT}: "1"\n    limits.memory`,
      );
      edit(`${c}/cluster/resources.yaml`, '"quota":{"limits.memory"', `"quota":{"${COUNT}":"1","limits.memory"`);
    }
    edit('members.json', '"quota": {\n', `"quota": {\n        "${COUNT}": "1",\n`);
    const r = cli(['review', '--base', base, '--head', head, '--actor', 'bob', '--approved-by', 'alice']);
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).toMatch(/`output-proof` \| ❌/);
    expect(r.stdout).toContain(COUNT);
  });

  it('a quota counting what orgctl does not write there still passes', () => {
    const { org } = smallOrg();
    org.namespace('shop', { quota: { 'count/deployments.apps': '10', configmaps: '20', secrets: '20' } });
    expect(synth(org).ok).toBe(true);
  });
});
