import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { files, nsText, smallOrg, subjectsOf } from '../helpers.ts';

describe('AccessToken', () => {
  it('is a ServiceAccount and an empty token Secret in the system namespace, with w:full in its namespaces by default', () => {
    const { org, web, alice } = smallOrg();
    org.token('ci', { name: 'CI', namespaces: [web], owner: alice });
    const out = files(org);
    const sys = nsText(out, 'acme-system');
    expect(sys).toMatch(/kind: ServiceAccount\nmetadata:[\s\S]*?name: token-ci\n {2}namespace: acme-system/);
    expect(sys).toMatch(
      /kind: Secret\nmetadata:[\s\S]*?kubernetes.io\/service-account.name: token-ci[\s\S]*?type: kubernetes.io\/service-account-token/,
    );
    const secrets = parseAllDocuments(sys)
      .map((d) => d.toJS())
      .filter((o) => o.kind === 'Secret');
    expect(secrets).toHaveLength(1);
    expect(secrets[0].data).toBeUndefined();
    expect(secrets[0].stringData).toBeUndefined();
    expect(nsText(out, 'web')).toMatch(
      /name: acme:w:full\n {2}namespace: web\n[\s\S]*kind: ServiceAccount\n {2}name: token-ci\n {2}namespace: acme-system/,
    );
  });

  it('renaming changes only the display name, never the ServiceAccount', () => {
    const { org, web } = smallOrg();
    const t = org.token('ci', { name: 'CI', namespaces: [web] });
    const before = files(org);
    t.rename('Continuous delivery');
    const after = files(org);
    expect(nsText(after, 'web')).toBe(nsText(before, 'web'));
    expect(nsText(after, 'acme-system')).toContain('orgctl.io/token-name: "Continuous delivery"');
    expect(nsText(after, 'acme-system')).toContain('name: token-ci\n');
  });

  it('holds only the levels it names', () => {
    const { org, web } = smallOrg();
    org.token('dash', { namespaces: [web], levels: ['r:full'] });
    const text = nsText(files(org), 'web');
    expect(subjectsOf(text, 'acme:r:full')).toEqual(['token-dash']);
    expect(subjectsOf(text, 'acme:w:full')).toEqual(['alice@acme.io']);
  });

  it('a blank token gets access only through custom RBAC', () => {
    const { org, web } = smallOrg();
    const cm = org.customRole('cm-reader', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }]);
    org
      .token('metrics')
      .allow(web, [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }])
      .allow(web, cm);
    const text = nsText(files(org), 'web');
    expect(text).toMatch(
      /kind: Role\n[\s\S]*?name: acme:token:metrics\n {2}namespace: web\nrules:\n- apiGroups:\n {2}- ""\n {2}resources:\n {2}- pods\n {2}verbs:\n {2}- list/,
    );
    expect(text).toMatch(
      /kind: RoleBinding[\s\S]*?name: acme:custom:cm-reader\n {2}namespace: web\nroleRef:\n {2}apiGroup: rbac.authorization.k8s.io\n {2}kind: Role/,
    );
    expect(subjectsOf(text, 'acme:w:full')).toEqual(['alice@acme.io']);
    expect(subjectsOf(text, 'acme:custom:cm-reader')).toEqual(['token-metrics']);
  });

  it('custom RBAC without rules throws early', () => {
    const { org, web } = smallOrg();
    expect(() => org.token('x').allow(web, [])).toThrow(/at least one rule/);
  });

  it('addNamespace grants its levels in one more namespace', () => {
    const { org, web } = smallOrg();
    org.namespace('api');
    org.token('ci', { namespaces: [web] }).addNamespace('api');
    expect(nsText(files(org), 'api')).toContain('token-ci');
  });
});
