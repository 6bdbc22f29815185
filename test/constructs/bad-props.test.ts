/**
 * A prop missing or of the wrong type, through the constructs' public API (as JavaScript or a
 * cast would pass it): a DeclarationError naming the construct path and what to write, never a
 * TypeError from deep inside.
 */
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { Organization } from '../../constructs/organization.ts';

const scope = () => new Construct(undefined as never, '');
const org = () => new Organization(scope(), 'acme', { owner: 'alice@acme.io' });
const bad = (v: unknown): any => v;

/** What `f` throws: its class name and message. */
function thrown(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
  return 'nothing thrown';
}

describe('construct props: missing or wrong-typed', () => {
  it('Organization', () => {
    expect(thrown(() => new Organization(scope(), 'acme', bad(undefined)))).toBe(
      "DeclarationError: acme (owner): missing: give the owner's email, e.g. { owner: 'alice@acme.io' }",
    );
    expect(thrown(() => new Organization(scope(), 'acme', { owner: 'a@b.io', clusters: bad('eu') }))).toBe(
      `DeclarationError: acme (clusters): "eu" is not a list: give the clusters' names, e.g. { clusters: ['eu', 'us'] }`,
    );
    expect(thrown(() => new Organization(scope(), 'acme', { owner: 'a@b.io', ssoEnforced: bad('yes') }))).toBe(
      'DeclarationError: acme (ssoEnforced): "yes" is not true or false',
    );
  });

  it('User', () => {
    expect(thrown(() => org().user('bob@acme.io', { github: bad(42) }))).toBe(
      "DeclarationError: acme/users/bob@acme.io (github): 42 is not text: give the GitHub login, e.g. { github: 'bob' }",
    );
    expect(thrown(() => org().user('bob@acme.io', { admin: bad('yes') }))).toBe(
      'DeclarationError: acme/users/bob@acme.io (admin): "yes" is not true or false',
    );
  });

  it('Namespace and its grants', () => {
    expect(thrown(() => org().namespace('web', { clusters: bad('eu') }))).toBe(
      `DeclarationError: acme/namespaces/web (clusters): "eu" is not a list: give the clusters it is in, e.g. { clusters: ['eu'] }`,
    );
    expect(thrown(() => org().namespace('web').grant(bad(undefined), 'r:pods'))).toBe(
      "DeclarationError: acme/namespaces/web (grant(user)): missing: give the User construct, e.g. web.grant(org.user('bob@acme.io'), 'r:pods')",
    );
    expect(thrown(() => org().namespace('web').grant(bad('bob@acme.io'), 'r:pods'))).toBe(
      `DeclarationError: acme/namespaces/web (grant(user)): "bob@acme.io" is not a User: give the User construct, e.g. web.grant(org.user('bob@acme.io'), 'r:pods')`,
    );
    const o = org();
    expect(thrown(() => o.namespace('web').grantRules(o.user('bob@acme.io'), bad('get pods')))).toBe(
      `DeclarationError: acme/namespaces/web (grantRules(rules)): "get pods" is not a list of rules: give e.g. [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]`,
    );
  });

  it('Invite', () => {
    expect(thrown(() => org().invite('carol@acme.io', { sso: bad('no') }))).toBe(
      'DeclarationError: acme/invites/carol@acme.io (sso): "no" is not true or false',
    );
    expect(thrown(() => org().invite('carol@acme.io').grant(bad(undefined), 'r:pods'))).toBe(
      "DeclarationError: acme/invites/carol@acme.io (grant(ns)): missing: give the namespace or its name, e.g. invite.grant('web', 'r:pods')",
    );
  });

  it('AccessToken', () => {
    expect(thrown(() => org().token('ci', { namespaces: bad('web') }))).toBe(
      `DeclarationError: acme/tokens/ci (namespaces): "web" is not a list: give the namespaces' names, e.g. { namespaces: ['web'] }`,
    );
    expect(thrown(() => org().token('ci', { namespaces: ['web'], levels: bad('r:pods') }))).toBe(
      `DeclarationError: acme/tokens/ci (levels): "r:pods" is not a list: give access levels, e.g. { levels: ['r:pods'] }`,
    );
    expect(thrown(() => org().token('ci').allow('web', bad('get pods')))).toBe(
      `DeclarationError: acme/tokens/ci (allow(rules)): "get pods" is not a CustomRole or a list of rules: give e.g. [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]`,
    );
  });

  it('CustomRole', () => {
    const example = `org.customRole('cm-reader', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }])`;
    expect(thrown(() => org().customRole('reader', bad(undefined)))).toBe(
      `DeclarationError: acme/custom-roles/reader (rules): missing: give its rules, e.g. ${example}`,
    );
    expect(thrown(() => org().customRole('reader', bad('get pods')))).toBe(
      `DeclarationError: acme/custom-roles/reader (rules): "get pods" is not a list: give its rules, e.g. ${example}`,
    );
  });

  it('rules without verbs, or with fields that are not lists of strings; a level that is not a name', () => {
    expect(thrown(() => org().customRole('odd', [bad({ apiGroups: [''], resources: ['pods'] })]))).toBe(
      "DeclarationError: acme/custom-roles/odd (rules[0].verbs): missing: give at least one, e.g. ['get', 'list'] (or ['*'])",
    );
    expect(thrown(() => org().customRole('odd', [bad('get pods')]))).toBe(
      `DeclarationError: acme/custom-roles/odd (rules[0]): "get pods" is not a rule: give e.g. { apiGroups: [''], resources: ['pods'], verbs: ['get'] }`,
    );
    expect(thrown(() => org().customRole('odd', [bad({ resources: 'pods', verbs: ['get'] })]))).toBe(
      'DeclarationError: acme/custom-roles/odd (rules[0].resources): "pods" is not a list of strings',
    );
    expect(
      thrown(() =>
        org()
          .token('ci')
          .allow('web', [bad({ apiGroups: [''], resources: ['pods'], verbs: 'get' })]),
      ),
    ).toBe(
      `DeclarationError: acme/tokens/ci (allow(rules)[0].verbs): "get" is not a list of verbs: give at least one, e.g. ['get', 'list'] (or ['*'])`,
    );
    const o = org();
    expect(thrown(() => o.namespace('web').grantRules(o.user('bob@acme.io'), [bad({ verbs: [] })]))).toBe(
      "DeclarationError: acme/namespaces/web (grantRules(rules)[0].verbs): no verbs: give at least one, e.g. ['get', 'list'] (or ['*'])",
    );
    expect(thrown(() => org().role('weird', bad(42)))).toBe(
      "DeclarationError: acme/roles/weird (levels[0]): 42 is not a level: give its name, e.g. 'r:pods' (`orgctl levels` lists them)",
    );
  });
});
