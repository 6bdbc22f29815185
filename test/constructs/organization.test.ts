import { App } from 'cdk8s';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { type Invite, Organization } from '../../constructs/index.ts';
import { smallOrg, synth, tempDir } from '../helpers.ts';

describe('Organization', () => {
  it('takes its name from the id unless given one', () => {
    expect(smallOrg().org.toModel().name).toBe('acme');
    const app = new App();
    expect(new Organization(app, 'x', { owner: 'a@b.io', name: 'globex' }).toModel().name).toBe('globex');
  });

  it('builds a sorted, frozen model whatever the declaration order', () => {
    const a = smallOrg();
    a.org.user('zed@acme.io');
    a.org.user('bob@acme.io');
    a.org.namespace('api');
    const m = a.org.toModel();
    expect(m.users.map((u) => u.key)).toEqual(['alice@acme.io', 'bob@acme.io', 'zed@acme.io']);
    expect(m.namespaces.map((n) => n.name)).toEqual(['api', 'web']);
    expect(Object.isFrozen(m)).toBe(true);
    expect(Object.isFrozen(m.users[0])).toBe(true);
  });

  it('derives the system namespace and keeps owner and prefix', () => {
    const { org } = smallOrg({ usernamePrefix: 'oidc:', clusters: ['lga1'] });
    const m = org.toModel();
    expect(m.systemNamespace).toBe('acme-system');
    expect(m.owner).toBe('alice@acme.io');
    expect(m.usernamePrefix).toBe('oidc:');
    expect(m.clusters).toEqual(['lga1']);
  });

  it('runs its policies as node.addValidation: cdk8s app.synth() fails on an error', () => {
    const { app, org, web } = smallOrg();
    web.grant(org.user('bob@acme.io'), 'w:pods');
    expect(() => app.synth()).toThrow(/forbidden-grant users\/bob@acme.io → web: w:pods is reserved for admins/);
    expect(org.node.validate().join('\n')).toMatch(/forbidden-grant/);
  });

  it('passes validation when the declaration is sound', () => {
    const { org } = smallOrg();
    expect(org.node.validate()).toEqual([]);
    const app = new App({ outdir: tempDir() });
    new Organization(app, 'ok', { owner: 'o@ok.io' }).user('o@ok.io', { admin: true });
    expect(() => app.synth()).not.toThrow();
  });

  it('refuses a second Organization in the same app when synthesizing', () => {
    const { app } = smallOrg();
    new Organization(app, 'other', { owner: 'x@y.io' });
    expect(() => synth(app)).toThrow(/one Organization per app/);
  });
});

describe('the typed public API', () => {
  it('leaves out what only the spec loader and the constructs use', () => {
    // Grants go through Namespace.grant, roles through role()/customRole(): these are internal.
    expectTypeOf<Organization>().not.toHaveProperty('addGrant');
    expectTypeOf<Organization>().not.toHaveProperty('addRole');
    expectTypeOf<Organization>().not.toHaveProperty('addCustomRole');
    expectTypeOf<Invite>().not.toHaveProperty('addGrant');
    expectTypeOf<Organization>().toHaveProperty('role');
  });
});
