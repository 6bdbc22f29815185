/** Synthesis judges its own output: disguised privileges cannot pass. */
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deployerSpec, run, smallOrg, synth, tempDir } from '../helpers.ts';

const DISGUISES = [
  ['create on deployments.apps', [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['create'] }]],
  ['* on *', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]],
  ['exec through */exec', [{ apiGroups: [''], resources: ['*/exec'], verbs: ['get'] }]],
  ['minting tokens', [{ apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] }]],
  ['writing rolebindings', [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings'], verbs: ['create'] }]],
] as const;

describe('synthesis judges what custom RBAC really allows', () => {
  it.each(DISGUISES)('a custom role with %s bound to a non-admin fails with forbidden-grant', (_what, rules) => {
    const { org, web } = smallOrg();
    const sneaky = org.customRole('sneaky', rules);
    web.grant(org.user('bob@acme.io'), sneaky);
    const r = synth(org);
    expect(r.ok).toBe(false);
    expect(r.files).toEqual([]);
    const f = r.findings.find((x) => x.rule === 'forbidden-grant')!;
    expect(f).toMatchObject({ severity: 'error', subject: 'users/bob@acme.io → web', source: 'acme/grants/bob@acme.io → web' });
    expect(f.message).toMatch(/^custom role sneaky \(Role acme:custom:sneaky\) lets a non-admin .* \(rule 0: .*\): reserved for admins, because/);
  });

  it('orgctl check refuses it too, before anything is synthesized', async () => {
    const dir = tempDir();
    const file = join(dir, 'org.yaml');
    writeFileSync(file, [
      'apiVersion: orgctl/v1', 'kind: Organization', 'metadata: {name: acme}', 'spec:', '  owner: alice@acme.io',
      '  users: [{email: alice@acme.io, admin: true}, {email: bob@acme.io}]', '  namespaces: [{name: web}]',
      '  customRoles: [{name: deployer, rules: [{apiGroups: [apps], resources: [deployments], verbs: [create]}]}]',
      '  grants: [{user: bob@acme.io, namespace: web, customRole: deployer}]', '',
    ].join('\n'));
    const r = await run(['check', '--spec', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error forbidden-grant users\/bob@acme.io → web: custom role deployer \(Role acme:custom:deployer\) lets a non-admin run arbitrary pods \(rule 0: create on deployments.apps\)/m);
  });

  it('inline rules are judged the same way, naming the rule', () => {
    const { org, web } = smallOrg();
    web.grantRules(org.user('bob@acme.io'), [
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get'] },
      { apiGroups: ['batch'], resources: ['jobs'], verbs: ['create'] },
    ]);
    const f = synth(org).findings.find((x) => x.rule === 'forbidden-grant')!;
    expect(f.message).toMatch(/^the custom rules of bob@acme.io \(Role acme:custom:bob@acme.io\) lets a non-admin run arbitrary pods \(rule 1: create on jobs.batch\)/);
  });

  it('a spec names the grant\'s path', async () => {
    const { App } = await import('cdk8s');
    const { Organization } = await import('../../constructs/index.ts');
    const app = new App();
    Organization.fromSpec(app, deployerSpec());
    const f = synth(app).findings.find((x) => x.rule === 'forbidden-grant')!;
    expect(f.source).toBe('spec.grants[1]');
  });

  it.each(DISGUISES)('the same (%s) bound to an admin passes', (_what, rules) => {
    const { org, web, alice } = smallOrg();
    web.grant(alice, org.customRole('sneaky', rules));
    const r = synth(org);
    expect(r.ok).toBe(true);
    expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it.each(DISGUISES)('the same (%s) bound to a blank token passes', (_what, rules) => {
    const { org, web } = smallOrg();
    org.token('robot').allow(web, org.customRole('sneaky', rules));
    expect(synth(org).ok).toBe(true);
  });

  it('reading Secrets is a risky-grant warning, one per role, naming who', () => {
    const { org, web } = smallOrg();
    const api = org.namespace('api');
    web.grant(org.user('bob@acme.io'), 'r:secrets');
    api.grant(org.user('dan@acme.io'), 'r:secrets');
    const r = synth(org);
    expect(r.ok).toBe(true);
    expect(r.findings).toEqual([
      expect.objectContaining({ severity: 'warning', rule: 'risky-grant', subject: 'levels/r:secrets', message: expect.stringMatching(/^lets 2 non-admin users read Secrets in 2 namespaces \(bob@acme.io, dan@acme.io in api, web; rule 0: get,list,watch on secrets\)/) }),
    ]);
  });

  it('a token whose custom rules escalate or impersonate is a risky-grant warning; namespace power is not', () => {
    const { org, web } = smallOrg();
    org.token('ci', { namespaces: [web] }); // w:full in web: allowed, no warning
    org.token('binder').allow(web, [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['bind'] }]);
    const r = synth(org);
    expect(r.ok).toBe(true);
    expect(r.findings.map((f) => `${f.rule} ${f.subject}`)).toEqual(['risky-grant tokens/binder']);
    expect(r.findings[0]!.message).toMatch(/Role acme:token:binder can bind in web \(rule 0: bind on clusterroles.rbac.authorization.k8s.io\)/);
  });
});
