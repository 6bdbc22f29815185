/**
 * A second red-team pass. R1: an author who is no admin (a second account, a bot) counted as the
 * second person, so one admin's approval carried changes the rules give to two admins. R2: a
 * verified commit was held to its author, a name the signer writes, not to the signer. Both
 * passed the review before their fixes. R3: a namespace joining a cluster gave an admin-grade token
 * that access in one more cluster with no second admin. R4: narrowing a custom role held by many
 * removed access that no one's lines showed and mass-removal never counted.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pullActors } from '../github/adapter.ts';
import { ROOT, run, tempDir } from './helpers.ts';

type Spec = { spec: Record<string, any> };
const exampleSpec = async (): Promise<Spec> =>
  JSON.parse((await run(['import', '--from', join(ROOT, 'dist'), '--format', 'json'])).stdout);
async function synthSpec(spec: unknown): Promise<string> {
  const dir = tempDir('orgctl-red2-spec-');
  writeFileSync(join(dir, 'org.json'), JSON.stringify(spec, null, 2));
  const r = await run(['synth', '--spec', join(dir, 'org.json'), '--out', join(dir, 'dist')]);
  if (r.code !== 0) throw new Error(r.stderr + r.stdout);
  return join(dir, 'dist');
}
const review = (base: string, head: string, actor: string, ...approvers: string[]) =>
  run(['review', '--base', base, '--head', head, '--actor', actor, ...approvers.flatMap((a) => ['--approved-by', a])]);

describe('R1: a non-admin author counts as the second person', () => {
  it('one admin (alice) approving a PR from a login base does not know cannot demote frank and mint an admin (it once passed)', async () => {
    const base = await synthSpec(await exampleSpec());
    const s = await exampleSpec();
    const frank = s.spec.users.find((u: any) => u.email === 'frank@acme.io');
    delete frank.admin;
    s.spec.users.push({ email: 'zed@elsewhere.io', github: 'alice-alt2', admin: true });
    s.spec.users.sort((a: any, b: any) => (a.email < b.email ? -1 : 1));
    const head = await synthSpec(s);
    // The same change authored by alice needs frank: admin-grade changes need two admins.
    expect((await review(base, head, 'alice')).code).toBe(1);
    const r = await review(base, head, 'alice-alt', 'alice');
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).toMatch(/an admin-grade change needs two admins, so a second admin must approve/);
    // A second admin's approval makes two.
    expect((await review(base, head, 'alice-alt', 'alice', 'frank')).stdout).toMatch(
      /\| `admin-change-approval` \| ✅/,
    );
  });

  it('one admin approving a PR from an unknown login cannot change the engine alone (it once passed)', async () => {
    const dist = join(ROOT, 'dist');
    const args = ['review', '--base', dist, '--head', dist, '--changed-path', 'policies/change/self-edit.ts'];
    expect((await run([...args, '--actor', 'alice'])).code).toBe(1);
    const r = await run([...args, '--actor', 'alice-alt', '--approved-by', 'alice']);
    expect(r.code, r.stdout).toBe(1);
  });
});

describe('R2: a verified commit is held to its signer, not to the author it names', () => {
  it('the account that signed (committed) counts as an actor, not only the author email it wrote', () => {
    const commit = {
      sha: 'a'.repeat(40),
      author: { login: 'frank' },
      committer: { login: 'alice' },
      commit: { verification: { verified: true } },
    };
    const actors = pullActors('bob', [commit as never]);
    expect(actors.map((a) => a.toLowerCase())).toContain('alice');
    expect(actors.map((a) => a.toLowerCase())).not.toContain('frank'); // a name alice wrote: frank's approval still counts
  });
});

describe('R3: a namespace joining a cluster is a new place for admin-grade tokens', () => {
  it('an admin-owned w:full token reaching ml in a second cluster needs another admin (it once passed)', async () => {
    const s = await exampleSpec();
    s.spec.tokens.push({ id: 'deployer', namespaces: ['ml'], levels: ['w:full'], owner: 'frank@acme.io' });
    s.spec.tokens.sort((a: any, b: any) => (a.id < b.id ? -1 : 1));
    const base = await synthSpec(s);
    delete s.spec.namespaces.find((n: any) => n.name === 'ml').clusters; // ml: lga1 only → every cluster
    const head = await synthSpec(s);
    const r = await review(base, head, 'alice');
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).toMatch(/token deployer \(access reserved for admins, now also in ml in cluster ord1\)/);
  });
});

describe('R4: narrowing a shared custom role is a removal', () => {
  it('4 of 8 users losing get deployments in data: a line per person, and mass-removal counts them (it once read 0/8)', async () => {
    const s = await exampleSpec();
    const holders = ['bob@acme.io', 'dan@acme.io', 'erin@acme.io', 'grace@acme.io'];
    s.spec.customRoles.push({
      name: 'deploy-viewer',
      rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] }],
    });
    s.spec.customRoles.sort((a: any, b: any) => (a.name < b.name ? -1 : 1));
    for (const u of holders) s.spec.grants.push({ user: u, namespace: 'data', customRole: 'deploy-viewer' });
    const base = await synthSpec(s);
    s.spec.customRoles.find((r: any) => r.name === 'deploy-viewer').rules[0].resources = ['replicasets'];
    const head = await synthSpec(s);
    const r = await review(base, head, 'alice');
    expect(r.stdout).toMatch(/loses through Role acme:custom:deploy-viewer in data: get deployments\.apps/);
    expect(r.stdout).toMatch(/gains through Role acme:custom:deploy-viewer in data: get replicasets\.apps/);
    expect(r.stdout).toMatch(/\| `mass-removal` \| ❌ \| removes access from 4 of \d+ users/);
    expect(r.code).toBe(1);
  });
});
