/**
 * The seed: "deactivate the user's account and any Access Tokens associated to that user". A
 * deactivated token dies (its ServiceAccount, Secret and bindings are left out, so Argo CD prunes
 * them) while its access stays declared; reactivating it makes the ServiceAccount again.
 */
import { describe, expect, it } from 'vitest';
import { files, ROOT, run, smallOrg, synth } from '../helpers.ts';
import { baseSpec, distOf, distPair, reviewPair, tokensOf, type Spec } from '../review/scenarios.ts';
import { importRbac } from '../../review/import.ts';
import { loadManifests } from '../../cli/manifests.ts';
import { join } from 'node:path';

/** The token's ServiceAccount, Secret and binding subjects (`name: token-ci`), and its Role: the membership data only names it. */
const tokenObjects = (out: Map<string, string>) =>
  [...out.values()].join('\n').match(/(name: token-ci\n|acme:token:ci\b)/g) ?? [];

/** A copy of the example's dist/ whose members.json `edit` changes (as a hand would). */
async function exampleDistWith(edit: (members: Record<string, unknown>) => void): Promise<string> {
  const { cpSync, mkdtempSync, readFileSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'orgctl-can-i-'));
  cpSync(join(ROOT, 'dist'), dir, { recursive: true });
  const members = JSON.parse(readFileSync(join(dir, 'members.json'), 'utf8'));
  edit(members);
  writeFileSync(join(dir, 'members.json'), `${JSON.stringify(members, null, 2)}\n`);
  return dir;
}

/** Alice (an admin) changes the declared levels of her own deactivated token ci: the review of it. */
async function ownerChangesDeactivatedLevels(from: string[], to: string[]) {
  const base = baseSpec();
  Object.assign(tokensOf(base)[0]!, { status: 'deactivated', levels: from }); // ci, owned by alice
  const sides = await distPair(base, (s) => {
    tokensOf(s)[0]!.levels = to;
  });
  return { sides, r: await reviewPair(sides, '--actor', 'alice') };
}

describe('a deactivated token', () => {
  it('has no ServiceAccount, Secret or binding; the membership data keeps it, deactivated; activate() brings it back', () => {
    const { org, web } = smallOrg();
    const ci = org.token('ci', { name: 'CI', namespaces: [web] });
    ci.allow(web, [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }]);
    const active = files(org);
    expect(tokenObjects(active).length).toBeGreaterThan(2);
    ci.deactivate();
    const deactivated = files(org);
    expect(tokenObjects(deactivated)).toEqual([]);
    const members = JSON.parse(deactivated.get('members.json')!);
    expect(members.tokens).toEqual([expect.objectContaining({ id: 'ci', status: 'deactivated', namespaces: ['web'] })]);
    // Its Roles are left out with it: the membership names no custom RBAC it could be recovered with.
    expect(members.tokens[0].customRbac).toBeUndefined();
    ci.activate();
    expect(files(org)).toEqual(active);
  });

  it('is declared by the spec too, and recovered from the output by import', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const spec = baseSpec();
    (spec.spec.tokens as Record<string, unknown>[])[1]!.status = 'deactivated';
    const dir = mkdtempSync(join(tmpdir(), 'orgctl-token-status-'));
    writeFileSync(join(dir, 'org.json'), JSON.stringify(spec));
    const r = await run(['synth', '--spec', join(dir, 'org.json'), '--out', join(dir, 'dist')]);
    // The base's one finding is its members' w:services (network); the deactivated token adds none.
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/: warning risky-grant levels\/w:services: /)]);
    expect(r.code).toBe(0);
    const { spec: imported } = importRbac(loadManifests(join(dir, 'dist')).docs);
    expect(imported.spec.tokens!.find((t) => t.id === 'bots')).toMatchObject({ status: 'deactivated' });
    expect(imported.spec.tokens!.find((t) => t.id === 'ci')!.status).toBeUndefined();
    // The recovered organization renders the same output (the proof's round trip).
    expect((await run(['prove', '--dir', join(dir, 'dist')])).code).toBe(0);
  });

  it('lifts token-owner-inactive: the seed deactivates a departing user and their tokens', () => {
    const { org, web } = smallOrg();
    const bob = org.user('bob@acme.io').deactivate();
    const t = org.token('notebook', { namespaces: [web], levels: ['r:full'], owner: bob });
    expect(synth(org).findings.map((f) => f.rule)).toEqual(['token-owner-inactive']);
    expect(synth(org).findings[0]!.message).toContain('deactivate the token');
    t.deactivate();
    const r = synth(org);
    expect(r.findings).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it('refuses a status that is neither active nor deactivated', () => {
    const { org } = smallOrg();
    expect(() => org.token('ci', { status: 'paused' as never })).toThrow(/status.*"paused"/);
  });
});

describe('in the review', () => {
  const deactivate = (s: Spec) => (tokensOf(s)[0]!.status = 'deactivated');

  it('deactivating is routine: the comment says the token dies and what it loses', async () => {
    const sides = await distPair(baseSpec(), deactivate);
    const r = await reviewPair(sides, '--actor', 'alice');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      '- is deactivated: its ServiceAccount and token are deleted once synced (its access stays declared)',
    );
    expect(r.stdout).toMatch(/- loses w:full in web/);
  });

  it('reactivating a token with access reserved for admins is admin-grade: another admin approves, and its owner may not make it', async () => {
    const base = baseSpec();
    deactivate(base);
    const sides = await distPair(base, (s) => ((s.spec.tokens as Record<string, unknown>[])[0]!.status = 'active'));
    const alone = await reviewPair(sides, '--actor', 'alice');
    expect(alone.code).toBe(1);
    expect(alone.stdout).toContain(
      '- is reactivated: ServiceAccount token-ci is made again, with a new token to hand over if Argo CD deleted it since the deactivation; else the old token works again (rotate the token in this change to be sure it does not)',
    );
    expect(alone.stdout).toMatch(/\| `admin-change-approval` \| ❌ \| token ci \(access reserved for admins in web\)/);
    // ci belongs to alice: she gains from it, so another admin makes it and a third approves.
    const own = await reviewPair(sides, '--actor', 'alice', '--approved-by', 'frank');
    expect(own.code).toBe(1);
    expect(own.stdout).toMatch(/\| `self-edit` \| ❌ \| token ci belongs to alice@<!-- -->acme\.io/);
    expect((await reviewPair(sides, '--actor', 'frank', '--approved-by', 'dan')).code).toBe(0);
  });
});

describe('found by a red-team review', () => {
  /** baseSpec with a blank token holding custom RBAC in web and a custom role in data, and `extra` fields. */
  const withRbacToken = (extra: Record<string, unknown>) => {
    const s = baseSpec();
    (s.spec as Record<string, unknown>).customRoles = [
      { name: 'cm', rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] },
    ];
    tokensOf(s).push({
      id: 'metrics',
      rbac: [
        { namespace: 'web', rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }] },
        { namespace: 'data', customRole: 'cm' },
      ],
      ...extra,
    });
    return s;
  };

  it('a deactivated or expired token with custom RBAC writes an output orgctl proves (its rules and their namespaces are left out with it)', async () => {
    for (const extra of [{ status: 'deactivated' }, { expires: '2020-01-01' }]) {
      const dist = await distOf(withRbacToken(extra));
      const r = await run(['prove', '--dir', dist]);
      expect(r.stdout, JSON.stringify(extra)).toMatch(/: proved/);
      expect(r.code).toBe(0);
    }
    // A deactivated token's custom RBAC is recorded in the membership data (dormantRbac): imported, not lost.
    const { losses, spec } = importRbac(loadManifests(await distOf(withRbacToken({ status: 'deactivated' }))).docs);
    expect(losses).not.toContainEqual(expect.stringMatching(/custom RBAC of deactivated token metrics/));
    expect(spec.spec.tokens?.find((t) => t.id === 'metrics')?.rbac?.map((r) => r.namespace)).toEqual(['web', 'data']);
  });

  it('deactivating a token with custom RBAC passes the review, as the routine task says', async () => {
    const sides = await distPair(withRbacToken({}), (s) => {
      tokensOf(s).find((t) => t.id === 'metrics')!.status = 'deactivated';
    });
    const r = await reviewPair(sides, '--actor', 'alice');
    expect(r.stdout).toMatch(/\| `output-proof` \| ✅/);
    expect(r.code).toBe(0);
  });

  it("raising a deactivated token's levels shows in the comment, and its owner may not make it", async () => {
    const { sides, r } = await ownerChangesDeactivatedLevels(['r:pods'], ['w:full']);
    expect(r.stdout).toContain('- declared levels r:pods → w:full, held once it is reactivated');
    expect(r.stdout).toMatch(/\| `self-edit` \| ❌ \| token ci belongs to alice/);
    expect(r.code).toBe(1);
    expect((await reviewPair(sides, '--actor', 'frank')).code).toBe(0);
  });

  it('reactivating a token with an expiry says it holds only until then', async () => {
    const base = baseSpec();
    Object.assign(tokensOf(base)[1]!, { status: 'deactivated', expires: '2020-01-01' });
    const sides = await distPair(base, (s) => {
      tokensOf(s)[1]!.status = 'active';
    });
    const r = await reviewPair(sides, '--actor', 'frank');
    expect(r.stdout).toContain(
      '- is reactivated: ServiceAccount token-bots is made again, with a new token to hand over if Argo CD deleted it since the deactivation; else the old token works again (rotate the token in this change to be sure it does not) (unless it has expired: it holds through 2020-01-01)',
    );
  });

  it('reactivating with a rotation hands over a new token whether or not the deactivation synced', async () => {
    const base = baseSpec();
    tokensOf(base)[1]!.status = 'deactivated';
    const sides = await distPair(base, (s) => {
      Object.assign(tokensOf(s)[1]!, { status: 'active', rotation: 1 });
    });
    const r = await reviewPair(sides, '--actor', 'frank');
    expect(r.stdout).toContain(
      '- is reactivated: ServiceAccount token-bots-r1 is made with a new token to hand over\n',
    );
    expect(r.stdout).toContain('- is rotated: ServiceAccount token-bots → token-bots-r1');
  });

  it('kubeconfig refuses an expired token as it refuses a deactivated one: there is nothing to hand over', async () => {
    const spec = baseSpec();
    tokensOf(spec)[1]!.expires = '2026-12-31';
    const dist = await distOf(spec);
    const asked = (today: string) =>
      run(['kubeconfig', 'bots', '--server', 'https://k', '--dir', dist, '--secret', join(dist, 'none')], {
        ORGCTL_TODAY: today,
      });
    const expired = await asked('2027-01-01');
    expect(expired.code).toBe(2);
    expect(expired.stderr).toMatch(/token bots has expired \(it held through 2026-12-31\): .* no token to hand over/);
    // On its last day it still holds: the Secret is read (here, a file that does not exist).
    expect((await asked('2026-12-31')).stderr.split('\n')[0]).toBe(
      `orgctl kubeconfig: --secret ${join(dist, 'none')}: cannot read the file (it does not exist)`,
    );
  });

  it('dead tokens do not water mass-removal down: removing every live token is over the limit', async () => {
    const base = baseSpec();
    for (let i = 0; i < 6; i++)
      tokensOf(base).push({ id: `dead${i}`, namespaces: ['web'], levels: ['r:pods'], status: 'deactivated' });
    const sides = await distPair(base, (s) => {
      s.spec.tokens = tokensOf(s).filter((t) => t.status === 'deactivated') as never;
    });
    const r = await reviewPair(sides, '--actor', 'frank', '--approved-by', 'dan');
    expect(r.stdout).toMatch(/\| `mass-removal` \| ❌ \| removes access from 2 of 2 tokens/);
  });

  it("expired tokens do not water it down either: they are judged dead on the review's date", async () => {
    const base = baseSpec();
    for (let i = 0; i < 6; i++)
      tokensOf(base).push({ id: `old${i}`, namespaces: ['web'], levels: ['r:pods'], expires: '2026-01-01' });
    const sides = await distPair(base, (s) => {
      s.spec.tokens = tokensOf(s).filter((t) => t.expires !== undefined) as never;
    });
    const r = await reviewPair(sides, '--actor', 'frank', '--approved-by', 'dan');
    expect(r.stdout).toMatch(/\| `mass-removal` \| ❌ \| removes access from 2 of 2 tokens/);
    // Removing the expired ones removes nothing.
    const cleared = await distPair(base, (s) => {
      s.spec.tokens = tokensOf(s).filter((t) => t.expires === undefined) as never;
    });
    const c = await reviewPair(cleared, '--actor', 'frank');
    expect(c.stdout).toMatch(/\| `mass-removal` \| ✅ \| removes access from 0\/\d+ users, 0\/\d+ grants, 0\/2 tokens/);
  });

  it('ending every token early is a mass removal when it is made, not only when the tokens are dropped (a code review)', async () => {
    // Dropped once expired, they count for nothing (above): the earlier expiry is where they are removed.
    const r = await reviewPair(
      await distPair(baseSpec(), (s) => {
        for (const t of tokensOf(s)) t.expires = '2026-11-27';
      }),
      '--actor',
      'frank',
      '--approved-by',
      'dan',
    );
    expect(r.stdout).toMatch(/\| `mass-removal` \| ❌ \| removes access from 2 of 2 tokens/);
    // A later expiry removes nothing.
    const later = await distPair(
      (() => {
        const b = baseSpec();
        for (const t of tokensOf(b)) t.expires = '2027-01-01';
        return b;
      })(),
      (s) => {
        for (const t of tokensOf(s)) t.expires = '2027-06-01';
      },
    );
    expect((await reviewPair(later, '--actor', 'frank', '--approved-by', 'dan')).stdout).toMatch(
      /\| `mass-removal` \| ✅ \|.* 0\/2 tokens/,
    );
  });

  it('explain: an expired token holds nothing either (its ServiceAccount is left out on that day)', async () => {
    const r = await run(['explain', 'ci-deploy', '-n', 'web', 'get', 'pods', '--today', '2026-11-30']);
    expect(r.stdout).toMatch(/^yes: tokens\/ci-deploy may get pods in web/);
    const { mkdtempSync, writeFileSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'orgctl-expired-'));
    const acme = readFileSync(join(ROOT, 'test/fixtures/specs/acme.yaml'), 'utf8');
    writeFileSync(
      join(dir, 'org.yaml'),
      acme.replace('note: deploys web and data from CI }', 'note: deploys web and data from CI, expires: 2026-11-01 }'),
    );
    const expired = await run(['explain', 'ci-deploy', '-n', 'web', 'get', 'pods', '--spec', join(dir, 'org.yaml')]);
    expect(expired.stdout).toMatch(
      /^no: tokens\/ci-deploy may not get pods in web\n {2}tokens\/ci-deploy is expired on 2026-11-01: its ServiceAccount is left out/,
    );
  });

  it('explain: a deactivated token authenticates as nobody, so not even the bootstrap policy answers yes', async () => {
    const r = await run(['explain', 'mallory-notebook', 'get', '/healthz']);
    expect(r.stdout).toMatch(
      /^no: tokens\/mallory-notebook may not get \/healthz\n {2}tokens\/mallory-notebook is deactivated/,
    );
  });

  it("explain of a dead token's ServiceAccount by its Kubernetes username answers as explain of the token", async () => {
    const r = await run(['explain', 'system:serviceaccount:acme-system:token-mallory-notebook', 'get', '/healthz']);
    expect(r.stdout).toMatch(
      /^no: tokens\/mallory-notebook may not get \/healthz\n {2}tokens\/mallory-notebook is deactivated/,
    );
    expect(r.code).toBe(1);
  });

  it("can-i of a dead token's ServiceAccount says its token authenticates as nobody: the answer is RBAC's for the name alone", async () => {
    const r = await run([
      'can-i',
      'get',
      '/healthz',
      '--as',
      'system:serviceaccount:acme-system:token-mallory-notebook',
    ]);
    expect(r.stdout.trim()).toBe('yes');
    expect(r.stderr).toMatch(
      /is token mallory-notebook, deactivated: its ServiceAccount is left out until reactivated \(dist\/members.json\); its token authenticates as nobody, so it can do nothing; this answer is RBAC's for the name alone, as kubectl auth can-i --as gives it/,
    );
    expect(r.stderr).not.toMatch(/only bindings of (its|their) groups can apply/);
  });

  it("can-i answers no, without crashing, when members.json is not orgctl's shape", async () => {
    const dir = await exampleDistWith((members) => {
      delete members.tokens;
    });
    const r = await run([
      'can-i',
      'get',
      'pods',
      '-n',
      'web',
      '--as',
      'system:serviceaccount:acme-system:token-x',
      '--dir',
      dir,
    ]);
    expect(r.stderr).toMatch(/is named in no binding of these manifests \(a typo\?/);
    expect([r.stdout, r.code]).toEqual(['no', 1]);
  });
});

describe('found by a code review', () => {
  it('removing only dead tokens removes nothing (it read "3 of 2 tokens (150%)")', async () => {
    const base = baseSpec();
    for (let i = 0; i < 3; i++)
      tokensOf(base).push({ id: `dead${i}`, namespaces: ['web'], levels: ['r:pods'], status: 'deactivated' });
    const sides = await distPair(base, (s) => {
      s.spec.tokens = tokensOf(s).filter((t) => t.status !== 'deactivated') as never;
    });
    const r = await reviewPair(sides, '--actor', 'frank');
    expect(r.stdout).toMatch(/\| `mass-removal` \| ✅ \| removes access from 0\/9 users, 0\/\d+ grants, 0\/2 tokens/);
  });

  it("narrowing a deactivated token's levels is no gain: its owner may make it", async () => {
    const { r } = await ownerChangesDeactivatedLevels(['w:full'], ['r:pods']);
    expect(r.stdout).toContain('- declared levels w:full → r:pods, held once it is reactivated');
    expect(r.code).toBe(0);
  });

  it('can-i answers no, without crashing, when a members.json list holds something else than records', async () => {
    const dir = await exampleDistWith((members) => {
      members.users = [null];
    });
    const r = await run(['can-i', 'get', 'pods', '-n', 'web', '--as', 'nobody@acme.io', '--dir', dir]);
    expect([r.stdout, r.code]).toEqual(['no', 1]);
  });

  it('kubeconfig refuses a members.json that is not what orgctl writes, saying so (one reader with can-i)', async () => {
    const dir = await exampleDistWith((members) => {
      members.tokens = 'ci-deploy';
    });
    const r = await run(['kubeconfig', 'ci-deploy', '--server', 'https://k', '--dir', dir, '--secret', '/dev/null']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/members\.json is not the membership data orgctl writes: run orgctl synth/);
  });

  it("explain does not call a token's custom-resource write reserved for admins (for tokens it is a warning)", async () => {
    const r = await run(['explain', 'metrics-reader', '-n', 'web', 'create', 'widgets.widgets.example.com']);
    expect(r.stdout).toBe(
      'no: tokens/metrics-reader may not create widgets.widgets.example.com in web\n  no grant in web allows it; custom rules may (no access level but w:full covers custom resources)',
    );
  });

  it('can-i says a token is expired, and an invitation revoked, from the membership data', async () => {
    const { unboundReason } = await import('../../analysis/membership.ts');
    const members = {
      organization: { name: 'acme', usernamePrefix: 'oidc:' },
      users: [],
      invites: [{ email: 'heidi@acme.io', state: 'revoked' }],
      tokens: [{ id: 'old', serviceAccount: 'token-old', expires: '2026-01-01', namespaces: [] }],
    } as never;
    expect(unboundReason(members, 'oidc:heidi@acme.io', '2026-11-26')?.reason).toBe(
      'is invited, but the invitation is revoked: bound to nothing',
    );
    expect(unboundReason(members, 'system:serviceaccount:acme-system:token-old', '2026-11-26')?.reason).toBe(
      'is token old, expired on 2026-01-01: its ServiceAccount is left out',
    );
    expect(unboundReason(members, 'system:serviceaccount:acme-system:token-old', '2025-12-31')).toBeUndefined();
  });
});
