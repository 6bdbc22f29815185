import { describe, expect, it } from 'vitest';
import { files, nsText, smallOrg } from '../helpers.ts';

describe('AccessRole and CustomRole', () => {
  it('an AccessRole grants each of its levels; the output binds levels, not the role', () => {
    const { org, web } = smallOrg();
    const dev = org.role('developer', 'r:full', 'w:configmaps');
    web.grant(org.user('dan@acme.io'), dev);
    const text = nsText(files(org), 'web');
    expect(text).toMatch(/name: acme:r:full\n {2}namespace: web[\s\S]*?dan@acme.io/);
    expect(text).toMatch(/name: acme:w:configmaps\n {2}namespace: web[\s\S]*?dan@acme.io/);
    expect(text).not.toContain('developer');
  });

  it('an empty AccessRole or CustomRole throws early', () => {
    const { org } = smallOrg();
    expect(() => org.role('empty')).toThrow(/at least one level/);
    expect(() => org.customRole('empty', [])).toThrow(/at least one rule/);
  });

  it('a CustomRole is one Role per namespace it is bound in, shared by its subjects', () => {
    const { org, web } = smallOrg();
    const cm = org.customRole('cm', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }]);
    web.grant(org.user('a@acme.io'), cm);
    web.grant(org.user('b@acme.io'), cm);
    org.namespace('unused');
    const out = files(org);
    const text = nsText(out, 'web');
    expect(text.match(/^kind: Role$/gm)).toHaveLength(1);
    expect(text).toMatch(/name: acme:custom:cm\n {2}namespace: web\nroleRef:[\s\S]*?a@acme.io[\s\S]*?b@acme.io/);
    expect(nsText(out, 'unused')).not.toContain('acme:custom:cm');
  });
});
