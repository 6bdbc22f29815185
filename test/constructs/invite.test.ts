import { describe, expect, it } from 'vitest';
import { files, nsText, smallOrg } from '../helpers.ts';

describe('Invite', () => {
  it('records access but binds nothing until accepted', () => {
    const { org, web } = smallOrg();
    org.invite('carol@acme.io', { billing: true, sso: true }).grant(web, 'r:full');
    const out = files(org);
    expect(nsText(out, 'web')).not.toContain('carol@acme.io');
    expect(nsText(out, 'acme-system')).toContain(
      '{"email":"carol@acme.io","admin":false,"billing":true,"sso":true,"state":"pending","grants":[{"namespace":"web","levels":["r:full"]}]}',
    );
  });

  it('revoke() keeps a record with state revoked', () => {
    const { org, web } = smallOrg();
    const inv = org.invite('heidi@acme.io', { sso: true }).grant(web, 'r:pods').revoke();
    expect(inv.state).toBe('revoked');
    expect(nsText(files(org), 'acme-system')).toContain('"state":"revoked"');
  });

  it('accepting (invite replaced by a user and grant) binds the access', () => {
    const { org, web } = smallOrg();
    const carol = org.user('carol@acme.io');
    web.grant(carol, 'r:full');
    expect(nsText(files(org), 'web')).toContain('carol@acme.io');
  });

  it('grant() takes AccessRoles and refuses an empty grant', () => {
    const { org, web } = smallOrg();
    const dev = org.role('developer', 'r:full');
    const inv = org.invite('x@acme.io', { sso: true }).grant(web, dev);
    expect(inv.grants[0]).toMatchObject({ namespace: 'web', levels: [], roles: ['developer'] });
    expect(() => inv.grant(web)).toThrow(/at least one level/);
  });

  it('rejects a bad email or state early', () => {
    const { org } = smallOrg();
    expect(() => org.invite('nope')).toThrow(/is not an email address/);
    expect(() => org.invite('a@b.io', { state: 'accepted' as never })).toThrow(/expected one of pending, revoked/);
  });
});
