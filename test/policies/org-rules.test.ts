/**
 * Every org rule, each with a case that fails it and one that passes, checked through the
 * public runPolicies and the Organization's node.addValidation.
 */
import { describe, expect, it } from 'vitest';
import type { Organization } from '../../constructs/index.ts';
import { ORG_RULES, runPolicies } from '../../policies/org/index.ts';
import { TODAY, smallOrg } from '../helpers.ts';

type Setup = (o: ReturnType<typeof smallOrg>) => void;
interface Case {
  readonly rule: string;
  readonly fails: Setup;
  readonly passes: Setup;
  /** The message (or a part of it) the failing case reports. */
  readonly message: RegExp;
  readonly severity?: 'error' | 'warning';
}

const CASES: Case[] = [
  {
    rule: 'forbidden-grant',
    fails: ({ org, web }) => web.grant(org.user('bob@acme.io'), 'r:pods', 'w:pods'),
    passes: ({ org, web }) => web.grant(org.user('bob@acme.io', { admin: true }), 'w:pods'),
    message: /^w:pods is reserved for admins: creating pods/,
  },
  {
    rule: 'forbidden-grant',
    fails: ({ org, web }) => web.grant(org.user('bob@acme.io'), org.role('ops', 'r:full', 'w:workloads')),
    passes: ({ org, web }) => web.grant(org.user('bob@acme.io'), org.role('ops', 'r:full', 'w:configmaps')),
    message: /^role ops includes w:workloads is reserved for admins: workload controllers create pods/,
  },
  {
    rule: 'forbidden-grant',
    fails: ({ org, web }) => org.invite('eve@acme.io', { sso: true }).grant(web, 'w:full'),
    passes: ({ org, web }) => org.invite('eve@acme.io', { sso: true, admin: true }).grant(web, 'w:full'),
    message: /^w:full is reserved for admins/,
  },
  // issue 12, section 2: custom roles and inline rules that reach what only admins may
  {
    rule: 'forbidden-grant',
    fails: ({ org, web }) => web.grant(org.user('bob@acme.io'), org.customRole('rotate', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'update'] }])),
    passes: ({ org, web }) => web.grant(org.user('bob@acme.io'), org.customRole('rotate', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }])),
    message: /^custom role rotate \(Role acme:custom:rotate\) lets a non-admin write Secrets \(rule 0: get,update on secrets\): reserved for admins, because .*mints a token/,
  },
  {
    rule: 'forbidden-grant',
    fails: ({ org, web }) => web.grantRules(org.user('bob@acme.io'), [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }, { apiGroups: [''], resources: ['pods/portforward'], verbs: ['create'] }]),
    passes: ({ org, web }) => web.grantRules(org.user('bob@acme.io'), [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }, { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] }]),
    message: /^the custom rules of bob@acme.io \(Role acme:custom:bob@acme.io\) lets a non-admin port-forward into pods \(rule 1: create on pods\/portforward\)/,
  },
  {
    rule: 'forbidden-grant',
    fails: ({ org, web }) => web.grantRules(org.user('bob@acme.io'), [{ apiGroups: [''], resources: ['services/proxy', 'pods/proxy'], verbs: ['get'] }]),
    passes: ({ org, web }) => web.grantRules(org.user('bob@acme.io', { admin: true }), [{ apiGroups: [''], resources: ['services/proxy', 'pods/proxy'], verbs: ['get'] }]),
    message: /lets a non-admin reach into pods through the API server's proxy \(rule 0: get on services\/proxy,pods\/proxy\)/,
  },
  {
    rule: 'forbidden-grant',
    fails: ({ org, web }) => web.grant(org.user('bob@acme.io'), org.customRole('ml', [{ apiGroups: ['kubeflow.org'], resources: ['pytorchjobs', 'notebooks'], verbs: ['create', 'get'] }])),
    passes: ({ org, web }) => web.grant(org.user('bob@acme.io'), org.customRole('ml', [{ apiGroups: ['kubeflow.org'], resources: ['pytorchjobs', 'notebooks'], verbs: ['get', 'list', 'delete'] }])),
    message: /lets a non-admin run pods through Kubeflow .* \(rule 0: create,get on pytorchjobs.kubeflow.org,notebooks.kubeflow.org\)/,
  },
  {
    rule: 'forbidden-grant',
    fails: ({ org, web }) => web.grantRules(org.user('bob@acme.io'), [{ apiGroups: ['example.com'], resources: ['*'], verbs: ['patch'] }]),
    passes: ({ org, web }) => web.grantRules(org.user('bob@acme.io'), [{ apiGroups: ['example.com'], resources: ['widgets'], verbs: ['patch'] }]),
    message: /lets a non-admin write every resource of an API group orgctl does not know \(rule 0: patch on \*\.example\.com\)/,
  },
  {
    rule: 'unknown-namespace',
    fails: ({ org }) => org.namespace('api').grant(org.user('bob@acme.io'), 'r:pods') && org.token('t', { namespaces: ['nope'] }),
    passes: ({ org }) => org.token('t', { namespaces: ['web'] }),
    message: /^namespace "nope" is not declared \(declared: api, web\)/,
  },
  {
    rule: 'unknown-namespace',
    fails: ({ org }) => org.invite('eve@acme.io', { sso: true }).grant('staging', 'r:pods'),
    passes: ({ org }) => org.invite('eve@acme.io', { sso: true }).grant('web', 'r:pods'),
    message: /namespace "staging" is not declared/,
  },
  {
    rule: 'unknown-user',
    fails: ({ org }) => org.addGrant({ user: 'ghost@acme.io', namespace: 'web', levels: ['r:pods'] }),
    passes: ({ org }) => org.user('ghost@acme.io') && org.addGrant({ user: 'Ghost@acme.io', namespace: 'web', levels: ['r:pods'] }),
    message: /^ghost@acme.io is not a user of acme \(declare the user first\)/,
  },
  {
    rule: 'unknown-user',
    fails: ({ org }) => org.invite('eve@acme.io', { sso: true }) && org.addGrant({ user: 'eve@acme.io', namespace: 'web', levels: ['r:pods'] }),
    passes: ({ org }) => org.invite('eve@acme.io', { sso: true }).grant('web', 'r:pods'),
    message: /it is a pending invite: put the access on the invite/,
  },
  {
    rule: 'unknown-level',
    fails: ({ org, web }) => web.grant(org.user('bob@acme.io'), 'r:pod' as never),
    passes: ({ org, web }) => web.grant(org.user('bob@acme.io'), 'r:pods'),
    message: /^"r:pod" is not an access level \(did you mean r:pods\?/,
  },
  {
    rule: 'unknown-role',
    fails: ({ org }) => org.addGrant({ user: 'alice@acme.io', namespace: 'web', roles: ['devs'] }),
    passes: ({ org }) => org.role('devs', 'r:full') && org.addGrant({ user: 'alice@acme.io', namespace: 'web', roles: ['devs'] }),
    message: /^role "devs" is not declared \(no role is declared\)/,
  },
  {
    rule: 'unknown-cluster',
    fails: ({ org }) => org.namespace('ml', { clusters: ['ams1'] }),
    passes: ({ org }) => org.namespace('ml'),
    message: /^cluster "ams1" is not one of the organization's clusters \(none is declared\)/,
  },
  {
    rule: 'duplicate-user',
    fails: ({ org }) => org.user('Alice@ACME.io'),
    passes: ({ org }) => org.user('alice2@acme.io'),
    message: /^email already declared at acme\/users\/alice@acme.io/,
  },
  {
    rule: 'duplicate-user',
    fails: ({ org }) => org.user('bob@acme.io', { github: 'ALICE' }),
    passes: ({ org }) => org.user('bob@acme.io', { github: 'bob' }),
    message: /^GitHub login ALICE already belongs to alice@acme.io/,
  },
  {
    rule: 'duplicate-user',
    fails: ({ org }) => org.invite('alice@acme.io', { sso: true }),
    passes: ({ org }) => org.invite('alice@acme.io', { sso: true }).revoke(),
    message: /^already a user/,
  },
  {
    rule: 'duplicate-name',
    fails: ({ org }) => org.namespace('web'),
    passes: ({ org }) => org.namespace('web2'),
    message: /^already declared at acme\/namespaces\/web$/,
  },
  {
    rule: 'duplicate-name',
    fails: ({ org }) => org.token('ci') && org.token('ci'),
    passes: ({ org }) => org.token('ci') && org.token('cd'),
    message: /^already declared at acme\/tokens\/ci$/,
  },
  {
    rule: 'invalid-name',
    fails: ({ org }) => org.namespace('Web_Prod'),
    passes: ({ org }) => org.namespace('web-prod'),
    message: /^"Web_Prod" must be lower-case letters, digits and "-"/,
  },
  {
    rule: 'invalid-name',
    fails: ({ org }) => org.namespace('kube-tools'),
    passes: ({ org }) => org.namespace('tools'),
    message: /kube- prefix, reserved for Kubernetes/,
  },
  {
    rule: 'invalid-name',
    fails: ({ org }) => org.token('a'.repeat(58)),
    passes: ({ org }) => org.token('a'.repeat(57)),
    message: /is 58 characters long \(at most 57\)/,
  },
  {
    rule: 'owner-admin',
    fails: ({ alice }) => alice.deactivate(),
    passes: ({ alice }) => alice.activate(),
    message: /^owner alice@acme.io cannot be deactivated/,
  },
  {
    rule: 'token-owner-inactive',
    fails: ({ org, web }) => org.token('ci', { namespaces: [web], owner: org.user('bob@acme.io').deactivate() }),
    passes: ({ org, web }) => org.token('ci', { namespaces: [web], owner: org.user('bob@acme.io') }),
    message: /^owner bob@acme.io is deactivated, but tokens outlive their user/,
  },
  {
    rule: 'token-owner-inactive',
    fails: ({ org, web }) => org.token('ci', { namespaces: [web], owner: 'gone@acme.io' }),
    passes: ({ org, web }) => org.token('ci', { namespaces: [web] }),
    message: /^owner gone@acme.io is no longer a user/,
  },
  {
    rule: 'invite-without-sso',
    fails: ({ org }) => org.invite('eve@acme.io'),
    passes: ({ org }) => org.invite('eve@acme.io', { sso: true }),
    message: /the invitee can log in without SSO/,
    severity: 'warning',
  },
  {
    rule: 'system-namespace',
    fails: ({ org }) => org.token('t', { namespaces: ['acme-system'] }),
    passes: ({ org }) => org.token('t', { namespaces: ['web'] }),
    message: /acme-system holds every token's ServiceAccount: only admins may reach it/,
  },
  {
    rule: 'system-namespace',
    fails: ({ org }) => org.namespace('acme-system'),
    passes: ({ org }) => org.namespace('acme-tools'),
    message: /is the organization's system namespace/,
  },
  {
    rule: 'invalid-rule',
    fails: ({ org }) => org.customRole('health', [{ nonResourceURLs: ['/healthz'], verbs: ['get'] }]),
    passes: ({ org }) => org.customRole('health', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]),
    message: /^rule 0 nonResourceURLs are cluster-wide: a namespaced Role cannot grant them/,
  },
  {
    rule: 'invalid-rule',
    fails: ({ org, web }) => web.grantRules(org.user('bob@acme.io'), [{ resources: ['configmaps'], verbs: ['get'] }]),
    passes: ({ org, web }) => web.grantRules(org.user('bob@acme.io'), [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }]),
    message: /^rule 0 names no apiGroups \(use \[""\] for the core group/,
  },
  {
    rule: 'invalid-rule',
    fails: ({ org, web }) => org.token('metrics').allow(web, [{ apiGroups: [''], verbs: ['get'] }]),
    passes: ({ org, web }) => org.token('metrics').allow(web, [{ apiGroups: [''], resources: ['endpoints'], verbs: ['get'] }]),
    message: /^rule 0 names no resources/,
  },
  {
    rule: 'token-expiry',
    fails: ({ org, web }) => org.token('ci', { namespaces: [web] }).until('2026-12-10'),
    passes: ({ org, web }) => org.token('ci', { namespaces: [web] }).until('2026-12-11'),
    message: /^expires on 2026-12-10, in 14 days: extend expires or hand over a replacement/,
    severity: 'warning',
  },
  {
    rule: 'token-expiry',
    fails: ({ org, web }) => org.token('ci', { namespaces: [web] }).until('2026-11-25'),
    passes: ({ org, web }) => org.token('ci', { namespaces: [web] }).until('2027-06-30'),
    message: /^expired on 2026-11-25: its ServiceAccount is left out, so the token no longer works/,
    severity: 'warning',
  },
  {
    rule: 'expired-grant',
    fails: ({ org, web }) => web.grant(org.user('bob@acme.io'), 'r:pods').until('2026-11-25'),
    passes: ({ org, web }) => web.grant(org.user('bob@acme.io'), 'r:pods').until(TODAY),
    message: /^expired on 2026-11-25 \(today is 2026-11-26\): not synthesized/,
    severity: 'warning',
  },
];

const findingsOf = (org: Organization, rule: string) => runPolicies(org.toModel(), { today: TODAY }).filter((f) => f.rule === rule);

describe('org rules', () => {
  it('every rule has a case', () => {
    expect(new Set(CASES.map((c) => c.rule))).toEqual(new Set(ORG_RULES.map((r) => r.id)));
  });

  it.each(CASES.map((c, i) => [`${c.rule} #${i}`, c] as const))('%s fails and passes', (_name, c) => {
    const bad = smallOrg();
    c.fails(bad);
    const found = findingsOf(bad.org, c.rule);
    expect(found.length, 'the failing case reports').toBeGreaterThan(0);
    expect(found.map((f) => f.message).join('\n')).toMatch(new RegExp(c.message.source, 'm'));
    expect(found[0]!.severity).toBe(c.severity ?? 'error');
    if ((c.severity ?? 'error') === 'error') expect(bad.org.node.validate().join('\n')).toContain(`error ${c.rule} `);

    const good = smallOrg();
    c.passes(good);
    expect(findingsOf(good.org, c.rule)).toEqual([]);
  });

  it('invite-without-sso is an error when the organization enforces SSO', () => {
    const { org } = smallOrg({ ssoEnforced: true });
    org.invite('eve@acme.io');
    expect(findingsOf(org, 'invite-without-sso')[0]).toMatchObject({ severity: 'error', message: /enforces SSO/ });
  });

  it('owner-admin: the owner must be declared, and an admin', () => {
    const a = smallOrg({ owner: 'nobody@acme.io' });
    expect(findingsOf(a.org, 'owner-admin')[0]?.message).toMatch(/owner nobody@acme.io is not a declared user/);
    const b = smallOrg({ owner: 'bob@acme.io' });
    b.org.user('bob@acme.io');
    expect(findingsOf(b.org, 'owner-admin')[0]?.message).toMatch(/must be an admin/);
  });

  it('findings name the subject and the declaration path', () => {
    const { org, web } = smallOrg();
    web.grant(org.user('bob@acme.io'), 'w:pods');
    const [f] = findingsOf(org, 'forbidden-grant');
    expect(f).toMatchObject({ subject: 'users/bob@acme.io → web', source: 'acme/grants/bob@acme.io → web' });
  });

  it('every rule id is stable kebab-case and described', () => {
    for (const r of ORG_RULES) {
      expect(r.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(r.description.length).toBeGreaterThan(20);
    }
  });
});
