import { App } from 'cdk8s';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { type Invite, Namespace, Organization, User } from '../../constructs/index.ts';
import { acmeSpecWith, smallOrg, synth, TODAY, tempDir } from '../helpers.ts';

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

describe("a grant's construct path", () => {
  it("numbers a user's grants in one namespace in declaration order (#2, #3), whichever is read first", () => {
    const expected = [
      'acme/grants/bob@acme.io → web',
      'acme/grants/bob@acme.io → api',
      'acme/grants/bob@acme.io → web#2',
      'acme/grants/carol@acme.io → web',
      'acme/grants/bob@acme.io → web#3',
    ];
    const declared = () => {
      const { org, web } = smallOrg();
      const api = org.namespace('api');
      const bob = org.user('bob@acme.io');
      const carol = org.user('carol@acme.io');
      web.grant(bob, 'r:pods');
      api.grant(bob, 'r:pods');
      web.grant(bob, 'r:services');
      web.grant(carol, 'r:pods');
      web.grant(bob, 'r:configmaps');
      return org;
    };
    // Declared in code: each path is written when declared.
    expect(declared().grants.map((g) => g.path)).toEqual(expected);
    // From a spec: written only when read, so read out of order, and a grant declared after a read.
    const app = new App();
    const grant = (user: string, namespace: string) => ({ user, namespace, levels: ['r:pods'] });
    const org = Organization.fromSpec(
      app,
      acmeSpecWith({
        users: [{ email: 'alice@acme.io', admin: true }, { email: 'bob@acme.io' }, { email: 'carol@acme.io' }],
        namespaces: [{ name: 'web' }, { name: 'api' }],
        grants: [
          grant('bob@acme.io', 'web'),
          grant('bob@acme.io', 'api'),
          grant('bob@acme.io', 'web'),
          grant('carol@acme.io', 'web'),
          grant('bob@acme.io', 'web'),
        ],
      }) as never,
      { today: TODAY },
    );
    const grants = org.grants;
    expect([4, 2, 0, 3, 1].map((i) => [i, grants[i]!.path])).toEqual([4, 2, 0, 3, 1].map((i) => [i, expected[i]]));
    const web = org.node.findAll().find((c) => c instanceof Namespace && c.namespaceName === 'web') as Namespace;
    const bob = org.node.findAll().find((c) => c instanceof User && c.email === 'bob@acme.io') as User;
    expect(web.grant(bob, 'r:secrets').path).toBe('acme/grants/bob@acme.io → web#4');
    expect(org.grants.map((g) => g.path)).toEqual([...expected, 'acme/grants/bob@acme.io → web#4']);
  });
});

describe("a spec's grants", () => {
  const load = (grants: unknown[], options: { schema?: boolean } = {}) =>
    Organization.fromSpec(new App(), acmeSpecWith({ grants }) as never, { today: TODAY, ...options });

  it('are Grants to the code that asks: user as declared, spec path, expiry, and until() counts', () => {
    const org = load([
      { user: 'Bob@Acme.io', namespace: 'web', levels: ['r:pods'], expires: '2027-01-31' },
      { user: 'bob@acme.io', namespace: 'web', role: undefined, levels: ['r:services'] },
    ]);
    expect(org.toModel().grants.map((g) => [g.user, g.expires])).toEqual([
      ['bob@acme.io', '2027-01-31'],
      ['bob@acme.io', undefined],
    ]);
    const [first, second] = org.grants;
    expect(first!.user).toBe('Bob@Acme.io');
    expect(first!.expires).toBe('2027-01-31');
    expect(first!.source).toEqual({ spec: 'spec.grants[0]' });
    // Ordinals count users as declared: Bob@Acme.io and bob@acme.io are two names here.
    expect([first!.path, second!.path]).toEqual(['acme/grants/Bob@Acme.io → web', 'acme/grants/bob@acme.io → web']);
    second!.until('2026-12-31');
    expect(org.toModel().grants.map((g) => g.expires)).toEqual(['2027-01-31', '2026-12-31']);
    expect(org.grants[1]).toBe(second); // made once
  });

  it('are checked as a Grant checks its props, naming the spec path', () => {
    // The schema refuses both first; without it (a recovered organization), the grant's own checks do.
    expect(() => load([{ user: 'bob@acme.io', namespace: 'web', levels: [] }], { schema: false })).toThrow(
      /^spec\.grants\[0\]: a grant needs at least one level, role or custom rule$/,
    );
    expect(() =>
      load([{ user: 'bob@acme.io', namespace: 'web', levels: ['r:pods'], expires: '2027-02-30' }], { schema: false }),
    ).toThrow(/^spec\.grants\[0\]: "2027-02-30" is not a date \(expected YYYY-MM-DD\)$/);
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

describe('a missing or mistyped prop names the construct and what to write, never a TypeError', () => {
  it.each([
    [
      'no owner',
      (app: App) => new Organization(app, 'acme', {} as never),
      "acme (owner): missing: give the owner's email, e.g. { owner: 'alice@acme.io' }",
    ],
    [
      'an owner that is not text',
      (app: App) => new Organization(app, 'acme', { owner: 5 } as never),
      "acme (owner): 5 is not text: give the owner's email, e.g. { owner: 'alice@acme.io' }",
    ],
    [
      'a user without email',
      (app: App) => new Organization(app, 'acme', { owner: 'a@b.io' }).user(undefined as never),
      "acme (user(email)): missing: give the user's email, e.g. org.user('bob@acme.io')",
    ],
    [
      'a namespace named by a number',
      (app: App) => new Organization(app, 'acme', { owner: 'a@b.io' }).namespace(7 as never),
      "acme (namespace(name)): 7 is not text: give the namespace's name, e.g. org.namespace('web')",
    ],
    [
      'a token without id',
      (app: App) => new Organization(app, 'acme', { owner: 'a@b.io' }).token(undefined as never),
      "acme (token(id)): missing: give the token's id, e.g. org.token('ci-deploy')",
    ],
    [
      'an invite without email',
      (app: App) => new Organization(app, 'acme', { owner: 'a@b.io' }).invite(undefined as never),
      "acme (invite(email)): missing: give the invitee's email, e.g. org.invite('carol@acme.io')",
    ],
  ])('%s', (_, declare, message) => {
    expect(() => declare(new App())).toThrow(message);
    try {
      declare(new App());
    } catch (e) {
      expect((e as { kind?: string }).kind).toBe('declaration');
    }
  });
});
