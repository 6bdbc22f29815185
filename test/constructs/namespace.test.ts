import { describe, expect, it } from 'vitest';
import { files, nsText, smallOrg } from '../helpers.ts';

describe('Namespace and Grant', () => {
  it('grant() takes levels, AccessRoles and CustomRoles together', () => {
    const { org, web } = smallOrg();
    const bob = org.user('bob@acme.io');
    const dev = org.role('developer', 'r:full', 'w:services');
    const cm = org.customRole('cm', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }]);
    web.grant(bob, 'r:pods', dev, cm);
    const g = org.toModel().grants.find((x) => x.user === 'bob@acme.io')!;
    expect(g.levels).toEqual(['r:pods']);
    expect(g.roles).toEqual(['developer']);
    expect(g.customRoles).toEqual(['cm']);
    const text = nsText(files(org), 'web');
    expect(text).toMatch(/kind: Role\n[\s\S]*name: acme:custom:cm\n/);
    for (const role of ['acme:r:pods', 'acme:r:full', 'acme:w:services', 'acme:custom:cm'])
      expect(text).toContain(`name: ${role}\n  namespace: web`);
  });

  it('grant() with no access throws early', () => {
    const { org, web } = smallOrg();
    expect(() => web.grant(org.user('bob@acme.io'))).toThrow(/names no access/);
  });

  it("grantRules() makes a Role of the user's own in that namespace", () => {
    const { org, web } = smallOrg();
    web.grantRules(org.user('erin@acme.io'), [{ apiGroups: [''], resources: ['configmaps'], verbs: ['list'] }]);
    const text = nsText(files(org), 'web');
    expect(text).toContain('name: acme:custom:erin@acme.io\n  namespace: web\nrules:');
  });

  it('until() records expiry; an expired grant is not synthesized but stays declared', () => {
    const { org, web } = smallOrg();
    const bob = org.user('bob@acme.io');
    web.grant(bob, 'r:pods').until('2026-11-26');
    expect(nsText(files(org, '2026-11-26'), 'web')).toContain('bob@acme.io'); // last day holds
    expect(nsText(files(org, '2026-11-27'), 'web')).not.toContain('bob@acme.io');
    expect(() => web.grant(bob, 'r:pods').until('next week')).toThrow(
      /"next week" is not a date \(expected YYYY-MM-DD\)/,
    );
    // One calendar check for props and flags: 2030-02-30 is not a day (Date.parse says March 2).
    expect(() => web.grant(bob, 'r:pods').until('2030-02-30')).toThrow(/"2030-02-30" is not a date/);
    expect(() => web.grant(bob, 'r:pods').until('2030-02-28')).not.toThrow();
  });

  it('keeps the clusters a namespace picks', () => {
    const { org } = smallOrg({ clusters: ['lga1', 'ord1'] });
    org.namespace('ml', { clusters: ['lga1'] });
    expect(org.toModel().namespaces.find((n) => n.name === 'ml')?.clusters).toEqual(['lga1']);
  });
});
