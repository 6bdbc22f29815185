import { describe, expect, it } from 'vitest';
import { DeclarationError } from '../../constructs/index.ts';
import { files, nsText, smallOrg } from '../helpers.ts';

describe('User', () => {
  it('is identified by its lower-cased email', () => {
    const { org } = smallOrg();
    const u = org.user('Bob@Acme.IO', { github: 'bob' });
    expect(u.key).toBe('bob@acme.io');
    expect(org.toModel().users.find((x) => x.key === 'bob@acme.io')?.email).toBe('Bob@Acme.IO');
  });

  it('throws early on an email that is not one, naming the construct', () => {
    const { org } = smallOrg();
    expect(() => org.user('bob')).toThrow(DeclarationError);
    expect(() => org.user('bob')).toThrow(/acme\/users\/bob.*"bob" is not an email address/);
  });

  it('throws early on an unknown status', () => {
    const { org } = smallOrg();
    expect(() => org.user('bob@acme.io', { status: 'gone' as never })).toThrow(
      /"gone" is not allowed \(expected one of active, deactivated\)/,
    );
  });

  it('deactivation keeps grants declared and binds nothing; reactivation restores them', () => {
    const { org, web } = smallOrg();
    const bob = org.user('bob@acme.io');
    web.grant(bob, 'r:pods');
    const active = nsText(files(org), 'web');
    bob.deactivate();
    expect(org.toModel().grants.map((g) => g.user)).toContain('bob@acme.io');
    const inactive = nsText(files(org), 'web');
    expect(inactive).not.toContain('bob@acme.io');
    bob.activate();
    expect(nsText(files(org), 'web')).toBe(active);
  });

  it('Add All grants every non-admin level in every namespace, also those declared later', () => {
    const { org } = smallOrg();
    org.user('ivan@acme.io').addAll();
    org.namespace('api');
    const out = files(org);
    for (const ns of ['web', 'api']) {
      const text = nsText(out, ns);
      expect(text).toMatch(/name: acme:r:full\n/);
      expect(text).toMatch(/name: acme:w:services\n/);
      expect(text).not.toMatch(/acme:w:pods/);
      expect(text).toContain('ivan@acme.io');
    }
  });

  it('Remove All drops every grant of the user, whatever the grants say', () => {
    const { org, web } = smallOrg();
    const bob = org.user('bob@acme.io');
    web.grant(bob, 'r:pods', 'w:configmaps');
    bob.removeAll();
    expect(nsText(files(org), 'web')).not.toContain('bob@acme.io');
    expect(org.toModel().users.find((u) => u.key === 'bob@acme.io')?.removeAll).toBe(true);
  });

  it('makeAdmin and grantBilling change the membership data', () => {
    const { org } = smallOrg();
    org.user('bob@acme.io').makeAdmin().grantBilling();
    const users = nsText(files(org), 'acme-system');
    expect(users).toContain(
      '{"email":"bob@acme.io","username":"bob@acme.io","admin":true,"billing":true,"status":"active"}',
    );
  });
});
