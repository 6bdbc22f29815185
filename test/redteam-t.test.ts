/**
 * Red team T: what the fixes of red teams Q, R and S still miss.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, smallOrg, synth } from './helpers.ts';
import { baseSpec, distOf, grantsOf, judge, withoutWebGrants, type Spec } from './review/scenarios.ts';
import {
  reviewGraceMassRemoval,
  pullRequestEvent,
  type Standin,
  type StandinState,
  verdicts,
} from './github/standin.ts';

describe('T1: an override label whose last event removed it is nobody’s', () => {
  // GitHub's issue events keep a label's name as it was when the event happened: a label renamed
  // at repository level afterwards is on the pull request with no `labeled` event naming it. Who
  // may write may rename labels (and delete the override label first, freeing its name).
  const ACME = readFileSync(join(ROOT, 'test/fixtures/specs/acme.yaml'), 'utf8');
  let base = '';
  let small = '';
  let standin: Standin | undefined;
  beforeAll(async () => {
    base = await distOf(ACME);
    small = await distOf(withoutWebGrants(ACME));
  });
  afterEach(async () => {
    if (standin) expect(standin.schemaErrors).toEqual([]);
    await standin?.close();
    standin = undefined;
  });
  const massRemoval = async (labelEvents: StandinState['pull']['labelEvents']) => {
    const r = await reviewGraceMassRemoval(labelEvents, { base, head: small }, pullRequestEvent());
    standin = r.standin;
    return r.result;
  };

  it('frank applied the override and took it off; grace renamed her own label wip to it: not frank’s override', async () => {
    const r = await massRemoval([
      { event: 'labeled', label: 'orgctl/override-mass-removal', actor: 'frank' },
      { event: 'unlabeled', label: 'orgctl/override-mass-removal', actor: 'frank' },
      { event: 'labeled', label: 'wip', actor: 'grace' },
    ]);
    expect(r.code, r.io.errs.join('\n')).toBe(1);
    expect(verdicts(standin!.state).at(-1)?.conclusion).toBe('failure');
    expect(verdicts(standin!.state).at(-1)?.summary).toMatch(/no label event of orgctl\/override-mass-removal/);
  });

  // The class: every event of the label counts, whatever the case of the name it kept (GitHub's
  // label names are one label whatever their case: a rename that changes only the case keeps it).
  it('grace took frank’s override off and put it back while it was named in other letters’ case: hers, not his', async () => {
    const r = await massRemoval([
      { event: 'labeled', label: 'orgctl/override-mass-removal', actor: 'frank' },
      { event: 'unlabeled', label: 'Orgctl/Override-Mass-Removal', actor: 'grace' },
      { event: 'labeled', label: 'Orgctl/Override-Mass-Removal', actor: 'grace' },
    ]);
    expect(r.code, r.io.errs.join('\n')).toBe(1);
    expect(verdicts(standin!.state).at(-1)?.summary).toMatch(/applied by grace, who is not an admin/);
  });
});

describe('T2: who may write a guard rail’s kind in its namespace may undo it', () => {
  // NetworkPolicies add up: one more that admits every namespace undoes `same-namespace`, and Argo
  // CD never prunes it (no Application applied it). A ResourceQuota or LimitRange orgctl writes may
  // be raised or deleted by whoever may write that kind there. Removing the guard rail itself needs
  // an admin who is not an author (guard-rails); giving someone the means to undo it must too.
  const railed = (): Spec => {
    const s = baseSpec();
    s.spec.namespaces = [
      {
        name: 'web',
        networkPolicy: 'same-namespace',
        quota: { pods: '10' },
        limits: { max: { memory: '1Gi' } },
      },
      { name: 'data' },
    ];
    return s;
  };
  const bob = (s: Spec) => grantsOf(s).find((g) => g.user === 'bob@acme.io' && g.namespace === 'web')!;

  it.each([
    ['the level w:networkpolicies', (s: Spec) => bob(s).levels!.push('w:networkpolicies')],
    [
      'inline rules creating NetworkPolicies',
      (s: Spec) =>
        grantsOf(s).push({
          user: 'bob@acme.io',
          namespace: 'web',
          rules: [{ apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ['create'] }],
        }),
    ],
    // Inline rules writing ResourceQuotas are reserved for admins since R49-2 (hold-delivery):
    // synthesis refuses them before the review sees a head (redteam-r49.test.ts).
    [
      'inline rules deleting LimitRanges',
      (s: Spec) =>
        grantsOf(s).push({
          user: 'bob@acme.io',
          namespace: 'web',
          rules: [{ apiGroups: [''], resources: ['limitranges'], verbs: ['delete'] }],
        }),
    ],
  ])('alice giving bob %s in web, which declares them, fails guard-rails alone', (_what, edit) => {
    const v = judge(railed(), edit, { actors: ['alice'] });
    expect(v.failed).toContain('guard-rails');
    expect(v.results.find((r) => r.rule === 'guard-rails')!.message).toMatch(/bob@acme\.io may write/);
  });

  // The class: every way head gives a write of the kind there, not only a new grant.
  it('a custom role bob holds in web broadened to create NetworkPolicies fails guard-rails alone', () => {
    const s = railed();
    s.spec.customRoles = [
      {
        name: 'net-reader',
        rules: [{ apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ['get'] }],
      },
    ];
    grantsOf(s).push({ user: 'bob@acme.io', namespace: 'web', customRole: 'net-reader' });
    const v = judge(s, (h) => h.spec.customRoles[0].rules[0].verbs.push('create'), { actors: ['alice'] });
    expect(v.failed).toContain('guard-rails');
  });

  it('a new token with web (w:full there) fails guard-rails alone; admins gaining web by being one do not', () => {
    const v = judge(
      railed(),
      (s) => s.spec.tokens.push({ id: 'deploy', name: 'Deploy', namespaces: ['web'], owner: 'alice@acme.io' }),
      { actors: ['alice'] },
    );
    expect(v.results.find((r) => r.rule === 'guard-rails')!.message).toMatch(/token deploy may write NetworkPolicies/);
    const admin = judge(
      railed(),
      (s) => s.spec.users.push({ email: 'kim@acme.io', github: 'kim', githubId: 4000013, admin: true }),
      {
        actors: ['alice'],
        approvals: ['frank'],
      },
    );
    expect(admin.failed).toEqual([]);
  });

  it('the same level in data, which declares no guard rail, passes', () => {
    const v = judge(
      railed(),
      (s) => grantsOf(s).push({ user: 'bob@acme.io', namespace: 'data', levels: ['w:networkpolicies'] }),
      { actors: ['alice'] },
    );
    expect(v.failed).toEqual([]);
  });
});

describe('T2, what is held already: orgctl check names who may undo a guard rail', () => {
  // The review judges a change; who holds such a write already (a guard rail declared after the
  // grant, an organization upgraded to this release) is judged by synthesis, as the other risks.
  it('a namespace declaring same-namespace warns of bob (w:networkpolicies) and token ci (w:full there), not of alice', () => {
    const { org, alice } = smallOrg();
    const shop = org.namespace('shop', { networkPolicy: 'same-namespace', quota: { pods: '10' } });
    shop.grant(org.user('bob@acme.io', { github: 'bob' }), 'w:networkpolicies');
    org.token('ci', { name: 'CI', namespaces: [shop], owner: alice });
    const found = synth(org).findings.filter((f) => f.subject === 'namespaces/shop');
    expect(found.map((f) => `${f.severity} ${f.rule}: ${f.message}`)).toEqual([
      expect.stringMatching(
        /^warning risky-grant: declares networkPolicy, and bob@acme\.io, token ci may write NetworkPolicies/,
      ),
      expect.stringMatching(/^warning risky-grant: declares quota, and token ci may write ResourceQuotas/),
    ]);
  });
});
