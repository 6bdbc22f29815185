/**
 * Every org rule, each with a case that fails it and one that passes, checked through the
 * public runPolicies and the Organization's node.addValidation.
 */
import { describe, expect, it } from 'vitest';
import type { Organization, OrganizationProps } from '../../constructs/index.ts';
import { orgOf } from '../../constructs/org-scope.ts';
import { ORG_RULES, OUTPUT_RULES, runPolicies } from '../../policies/org/index.ts';
import { RULE_BY_ID } from '../../model/rules.ts';
import { TODAY, smallOrg } from '../helpers.ts';
import { objectsOnce, placeOrganization } from '../../synth/render.ts';
import { ORGANIZATION_LABEL } from '../../synth/manifest.ts';

type Setup = (o: ReturnType<typeof smallOrg>) => void;
interface Case {
  readonly rule: string;
  readonly fails: Setup;
  readonly passes: Setup;
  /** The message (or a part of it) the failing case reports. */
  readonly message: RegExp;
  readonly severity?: 'error' | 'warning';
  /** The organization's own props, when the rule judges them. @default none */
  readonly props?: { readonly fails: Partial<OrganizationProps>; readonly passes: Partial<OrganizationProps> };
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
    message: /^role ops includes w:workloads, which is reserved for admins: workload controllers create pods/,
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
    fails: ({ org, web }) =>
      web.grant(
        org.user('bob@acme.io'),
        org.customRole('rotate', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'update'] }]),
      ),
    passes: ({ org, web }) =>
      web.grant(
        org.user('bob@acme.io'),
        org.customRole('rotate', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }]),
      ),
    message:
      /^custom role rotate \(Role acme:custom:rotate\) lets a non-admin write Secrets \(rule 0: get,update on secrets\): reserved for admins, because .*mints a token/,
  },
  {
    rule: 'forbidden-grant',
    fails: ({ org, web }) =>
      web.grantRules(org.user('bob@acme.io'), [
        { apiGroups: [''], resources: ['configmaps'], verbs: ['get'] },
        { apiGroups: [''], resources: ['pods/portforward'], verbs: ['create'] },
      ]),
    passes: ({ org, web }) =>
      web.grantRules(org.user('bob@acme.io'), [
        { apiGroups: [''], resources: ['configmaps'], verbs: ['get'] },
        { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
      ]),
    message:
      /^the custom rules of bob@acme.io \(Role acme:custom:bob@acme.io\) lets a non-admin port-forward into pods \(rule 1: create on pods\/portforward\)/,
  },
  {
    rule: 'forbidden-grant',
    fails: ({ org, web }) =>
      web.grantRules(org.user('bob@acme.io'), [
        { apiGroups: [''], resources: ['services/proxy', 'pods/proxy'], verbs: ['get'] },
      ]),
    passes: ({ org, web }) =>
      web.grantRules(org.user('bob@acme.io', { admin: true }), [
        { apiGroups: [''], resources: ['services/proxy', 'pods/proxy'], verbs: ['get'] },
      ]),
    message:
      /lets a non-admin reach into pods through the API server's proxy \(rule 0: get on services\/proxy,pods\/proxy\)/,
  },
  {
    rule: 'forbidden-grant',
    fails: ({ org, web }) =>
      web.grant(
        org.user('bob@acme.io'),
        org.customRole('ml', [
          { apiGroups: ['kubeflow.org'], resources: ['pytorchjobs', 'notebooks'], verbs: ['create', 'get'] },
        ]),
      ),
    passes: ({ org, web }) =>
      web.grant(
        org.user('bob@acme.io'),
        org.customRole('ml', [
          { apiGroups: ['kubeflow.org'], resources: ['pytorchjobs', 'notebooks'], verbs: ['get', 'list', 'delete'] },
        ]),
      ),
    message:
      /lets a non-admin run pods through Kubeflow .* \(rule 0: create,get on pytorchjobs.kubeflow.org,notebooks.kubeflow.org\)/,
  },
  {
    rule: 'forbidden-grant',
    fails: ({ org, web }) =>
      web.grantRules(org.user('bob@acme.io'), [{ apiGroups: ['example.com'], resources: ['*'], verbs: ['patch'] }]),
    passes: ({ org, web }) =>
      web.grantRules(org.user('bob@acme.io'), [
        { apiGroups: ['example.com'], resources: ['widgets'], verbs: ['get', 'list', 'watch'] },
      ]),
    message:
      /lets a non-admin write every resource of an API group orgctl does not know \(rule 0: patch on \*\.example\.com\)/,
  },
  {
    rule: 'unknown-namespace',
    fails: ({ org }) =>
      org.namespace('api').grant(org.user('bob@acme.io'), 'r:pods') && org.token('t', { namespaces: ['nope'] }),
    passes: ({ org }) => org.token('t', { namespaces: ['web'] }),
    message: /^namespace "nope" is not declared \(declared: api, web\)/,
  },
  {
    rule: 'unknown-namespace',
    fails: ({ org }) => org.token('t', { namespaces: ['wbe'] }),
    passes: ({ org }) => org.token('t', { namespaces: ['web'] }),
    message: /^namespace "wbe" is not declared \(did you mean web\? declared: web\)/,
  },
  {
    rule: 'unknown-namespace',
    fails: ({ org }) => org.invite('eve@acme.io', { sso: true }).grant('staging', 'r:pods'),
    passes: ({ org }) => org.invite('eve@acme.io', { sso: true }).grant('web', 'r:pods'),
    message: /namespace "staging" is not declared/,
  },
  {
    rule: 'unknown-user',
    fails: ({ org }) => orgOf(org).addGrant({ user: 'ghost@acme.io', namespace: 'web', levels: ['r:pods'] }),
    passes: ({ org }) =>
      org.user('ghost@acme.io') && orgOf(org).addGrant({ user: 'Ghost@acme.io', namespace: 'web', levels: ['r:pods'] }),
    message: /^ghost@acme.io is not a user of acme \(declare the user first\)/,
  },
  {
    rule: 'unknown-user',
    fails: ({ org }) =>
      org.user('bob@acme.io') && orgOf(org).addGrant({ user: 'bbo@acme.io', namespace: 'web', levels: ['r:pods'] }),
    passes: ({ org }) =>
      org.user('bob@acme.io') && orgOf(org).addGrant({ user: 'bob@acme.io', namespace: 'web', levels: ['r:pods'] }),
    message: /^bbo@acme.io is not a user of acme \(did you mean bob@acme.io\? else declare the user first\)/,
  },
  {
    rule: 'unknown-user',
    fails: ({ org }) =>
      org.invite('eve@acme.io', { sso: true }) &&
      orgOf(org).addGrant({ user: 'eve@acme.io', namespace: 'web', levels: ['r:pods'] }),
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
    fails: ({ org }) => orgOf(org).addGrant({ user: 'alice@acme.io', namespace: 'web', roles: ['devs'] }),
    passes: ({ org }) =>
      org.role('devs', 'r:full') && orgOf(org).addGrant({ user: 'alice@acme.io', namespace: 'web', roles: ['devs'] }),
    message: /^role "devs" is not declared \(no role is declared\)/,
  },
  {
    // A typo among many roles: the one meant, and the first ten declared (not all of them).
    rule: 'unknown-role',
    fails: ({ org }) => {
      for (let i = 0; i < 12; i++) org.role(`team-${i}`, 'r:full');
      org.role('devs', 'r:full');
      orgOf(org).addGrant({ user: 'alice@acme.io', namespace: 'web', roles: ['dev'] });
    },
    passes: ({ org }) =>
      org.role('devs', 'r:full') && orgOf(org).addGrant({ user: 'alice@acme.io', namespace: 'web', roles: ['devs'] }),
    message: /^role "dev" is not declared \(did you mean devs\? declared: (\S+, ){9}\S+, \.\.\.\)$/,
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
    // A second org.user() of the same person reads as a lookup to a newcomer: the message says what to do.
    message:
      /^email already declared at acme\/users\/alice@acme\.io: declare each person once, and grant the User that declaration returns \(const alice = org\.user\('alice@acme\.io'\)\) wherever they are given access$/,
  },
  {
    rule: 'duplicate-user',
    fails: ({ org }) => org.user('bob@acme.io', { github: 'ALICE' }),
    passes: ({ org }) => org.user('bob@acme.io', { github: 'bob' }),
    message: /^GitHub login ALICE already belongs to alice@acme.io/,
  },
  {
    rule: 'duplicate-user',
    fails: ({ org }) =>
      org.user('bob@acme.io', { github: 'bob', githubId: 7 }) &&
      org.user('carol@acme.io', { github: 'carol', githubId: 7 }),
    passes: ({ org }) =>
      org.user('bob@acme.io', { github: 'bob', githubId: 7 }) &&
      org.user('carol@acme.io', { github: 'carol', githubId: 8 }),
    message: /^GitHub account id 7 already belongs to bob@acme.io \(acme\/users\/bob@acme.io\)$/,
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
    rule: 'remove-all-admin',
    fails: ({ org }) => org.user('frank@acme.io', { admin: true }).removeAll(),
    passes: ({ org }) => {
      org.user('frank@acme.io', { admin: true }).deactivate();
      org.user('bob@acme.io').removeAll();
    },
    message: /^frank@acme.io is an admin, and Remove All takes nothing from an admin/,
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
    message: /^owner gone@acme.io is not a user of acme \(removed, or never declared\), but tokens outlive their user/,
  },
  {
    // The owner given as a login, or a slip of a user's email: "no longer a user" sent the reader
    // looking for a removal that never happened.
    rule: 'token-owner-inactive',
    fails: ({ org, web }) => {
      org.user('frank@acme.io', { admin: true });
      org.token('ci', { namespaces: [web], owner: 'frank' });
    },
    passes: ({ org, web }) => {
      org.user('frank@acme.io', { admin: true });
      org.token('ci', { namespaces: [web], owner: 'frank@acme.io' });
    },
    message: /^owner frank is not a user of acme \(did you mean frank@acme.io\? else removed, or never declared\)/,
  },
  {
    // It said "or set another owner", and the review then refused the unrotated handover that
    // followed it (admin-change-approval: the old owner keeps the token value).
    rule: 'token-owner-inactive',
    fails: ({ org, web }) => org.token('ci', { namespaces: [web], owner: 'gone@acme.io' }),
    passes: ({ org, web }) => org.token('ci', { namespaces: [web], owner: 'alice@acme.io', rotation: 1 }),
    message: /or set another owner and raise its rotation in the same change \(the old owner holds the token value\)$/,
  },
  {
    rule: 'admin-github-id',
    // smallOrg's alice declares hers: frank, made admin, declares a login alone.
    fails: ({ org }) => org.user('frank@acme.io', { github: 'frank', admin: true }),
    passes: ({ org }) => org.user('frank@acme.io', { github: 'frank', githubId: 1742619, admin: true }),
    message:
      /admin frank@acme.io declares GitHub login frank without its account id: .* whoever registers the login frank approves/,
    severity: 'warning',
  },
  {
    rule: 'invite-without-sso',
    fails: ({ org }) => org.invite('eve@acme.io'),
    passes: ({ org }) => org.invite('eve@acme.io', { sso: true }),
    message: /the invitee can log in without SSO/,
    severity: 'warning',
  },
  {
    rule: 'near-duplicate-idle',
    // An invitation about to go to bob@acme.io's slip.
    fails: ({ org, web }) => {
      web.grant(org.user('bob@acme.io'), 'r:pods');
      org.invite('bbo@acme.io', { sso: true });
    },
    passes: ({ org, web }) => {
      web.grant(org.user('bob@acme.io'), 'r:pods');
      org.invite('zoe@acme.io', { sso: true });
    },
    message:
      /^pending invite bbo@acme\.io is one slip of the name from user bob@acme\.io \(at acme\/users\/bob@acme\.io\): did you mean bob@acme\.io\?/,
    severity: 'warning',
  },
  {
    rule: 'near-duplicate-idle',
    // A user holding nothing one slip from another: a slip left behind, or a placeholder.
    fails: ({ org, web }) => {
      web.grant(org.user('pet@example.com'), 'r:pods');
      org.user('pet@exmaple.com');
    },
    // Both hold access: two people (the review warns when one of them is new).
    passes: ({ org, web }) => {
      web.grant(org.user('pet@example.com'), 'r:pods');
      web.grant(org.user('pet@exmaple.com'), 'r:pods');
    },
    message:
      /^user pet@exmaple\.com holds nothing \(no grant, not admin, no billing\) and is one slip of the domain from user pet@example\.com \(at acme\/users\/pet@example\.com\): did you mean pet@example\.com\?/,
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
    rule: 'invalid-text',
    fails: ({ org }) => org.token('ci', { name: 'CI \u202edeploy' }),
    passes: ({ org }) => org.token('ci', { name: 'CI deploy' }),
    message: /^"CI \\u202edeploy" holds U\+202E at position 4, an invisible, control or formatting character/,
  },
  {
    // A local part's dots and quotes read past, as the domain's (R32b-3): "bob"@acme.io is bob@acme.io's mailbox.
    rule: 'invalid-text',
    fails: ({ org }) => org.user('bob..smith.@acme.io'),
    passes: ({ org }) => org.user('bob.smith@acme.io'),
    message:
      /^"bob\.\.smith\.@acme\.io" has an empty part between dots in its local part: it reads as "bob\.smith@acme\.io" in a review/,
  },
  {
    rule: 'invalid-text',
    fails: ({ org }) => org.invite('"bob"@acme.io'),
    passes: ({ org }) => org.invite('bob@acme.io'),
    message: /^"\\"bob\\"@acme\.io" has quotes in its local part: it reads as "bob@acme\.io" in a review/,
  },
  {
    rule: 'invalid-text',
    fails: ({ org }) => org.user('z\u0080z@acme.io'),
    passes: ({ org }) => org.user('zz@acme.io'),
    message: /holds U\+0080 at position 2/,
  },
  {
    // A red-team review: josé written decomposed (e + U+0301) and composed were two users who read alike.
    rule: 'invalid-text',
    fails: ({ org }) => org.user('jose\u0301@acme.io'),
    passes: ({ org }) => org.user('jos\u00e9@acme.io'),
    message: /is not written composed \(Unicode NFC\): the same letters have another encoding/,
  },
  {
    rule: 'invalid-text',
    fails: ({ org }) => org.invite('b\u043eb@acme.io'),
    passes: ({ org }) => org.invite('\u0431\u043e\u0440\u0438\u0441@acme.io'), // борис, all Cyrillic (боб reads as 6o6)
    message: /mixes Latin and Cyrillic letters in "b\u043eb": it reads as another address in a review/,
  },
  {
    // Compatibility forms: a fullwidth ｂ (U+FF42) or a mathematical 𝐛 is another username that reads as b.
    rule: 'invalid-text',
    fails: ({ org }) => org.user('\uff42ob@acme.io'),
    passes: ({ org }) => org.user('bob@acme.io'),
    message:
      /holds U\+FF42 at position 1, a compatibility form of "b" \(Unicode NFKC\): it reads as "bob@acme.io" in a review/,
  },
  {
    rule: 'invalid-text',
    fails: ({ org }) => org.user('\u{1d41b}ob@acme.io'),
    passes: ({ org }) => org.user('bob@acme.io'),
    message: /holds U\+1D41B at position 1, a compatibility form of "b"/,
  },
  {
    // Any script beside Latin, not only Cyrillic and Greek: an Armenian օ (U+0585) reads as o.
    rule: 'invalid-text',
    fails: ({ org }) => org.user('b\u0585b@acme.io'),
    passes: ({ org }) => org.user('\u0562\u0585\u0562@acme.io'), // all Armenian, and բ reads as no Latin letter
    message: /mixes Latin and Armenian letters in "b\u0585b"/,
  },
  {
    // A whole label of Cyrillic letters that each read as a Latin one: асе.io reads as ace.io.
    rule: 'invalid-text',
    fails: ({ org }) => org.user('bob@\u0430\u0441\u0435.io'),
    passes: ({ org }) => org.user('\u0438\u0432\u0430\u043d@acme.io'), // иван: и and в read as no Latin letter
    message:
      /writes "\u0430\u0441\u0435" in Cyrillic letters that each read as a Latin one: it reads as "bob@ace.io" in a review/,
  },
  {
    // Upper case too: ВОВ (Cyrillic) reads as BOB.
    rule: 'invalid-text',
    fails: ({ org }) => org.invite('\u0412\u041e\u0412@acme.io'),
    passes: ({ org }) => org.invite('\u0411\u041e\u0420\u0418\u0421@acme.io'), // БОРИС (БОБ in lower case reads as 6o6)
    message: /reads as "BOB@acme.io" in a review/,
  },
  {
    // Latin letters without a mark that read as ASCII ones: a dotless ı (U+0131).
    rule: 'invalid-text',
    fails: ({ org }) => org.user('bob@acme.\u0131o'),
    passes: ({ org }) => org.user('bob@acme.io'),
    message: /holds U\+0131 at position 10, which reads as "i": it reads as "bob@acme.io" in a review/,
  },
  {
    // İ is written composed and NFKC leaves it, but its username (lower case) is i + U+0307, read as i.
    rule: 'invalid-text',
    fails: ({ org }) => org.user('\u0130lker@acme.io'),
    passes: ({ org }) => org.user('ilker@acme.io'),
    message: /in lower case \(its username\) holds U\+0307 at position 2, a mark on a letter/,
  },
  {
    rule: 'invalid-text',
    fails: ({ org }) => org.token('ci', { note: 'line one\nline\u2028two' }),
    passes: ({ org }) => org.token('ci', { note: 'line one\nline two' }),
    message: /holds U\+2028 at position 14/,
  },
  // Red team E: letters and characters confusables.txt maps to ASCII that the look-alike table lacked.
  {
    rule: 'invalid-text',
    fails: ({ org }) => org.user('ted@\u0441\u043e\u0433\u0440.io'), // согр: г reads as r
    passes: ({ org }) => org.user('\u0438\u0432\u0430\u043d@acme.ru'), // иван
    message:
      /writes "\u0441\u043e\u0433\u0440" in Cyrillic letters that each read as a Latin one: it reads as "ted@corp.io"/,
  },
  {
    rule: 'invalid-text',
    fails: ({ org }) => org.user('gu\u0263@acme.io'), // Latin ɣ reads as y
    passes: ({ org }) => org.user('j\u00fcrgen@acme.de'),
    message: /holds U\+0263 at position 3, which reads as "y": it reads as "guy@acme.io"/,
  },
  {
    // A small capital reads as its capital, and an address's letter case does not matter.
    rule: 'invalid-text',
    fails: ({ org }) => org.user('\u0299\u1d0f\u0299@acme.io'),
    passes: ({ org }) => org.user('\u5c71\u7530@acme.jp'), // 山田
    message: /holds U\+0299 at position 1, which reads as "B": it reads as "BoB@acme.io"/,
  },
  {
    // A digit of another script in a Latin label: ٥ (Arabic-Indic five) reads as o.
    rule: 'invalid-text',
    fails: ({ org }) => org.user('bob@acme.i\u0665'),
    passes: ({ org }) => org.user('\u0645\u062d\u0645\u062f\u0665@acme.eg'), // محمد٥: Arabic letters, Arabic digit
    message: /mixes Latin and Arabic letters or digits in "i\u0665"/,
  },
  {
    rule: 'invalid-text',
    fails: ({ org }) => org.invite('bob\u2010smith@acme.io'), // a hyphen that is not -
    passes: ({ org }) => org.invite('bob-smith@acme.io'),
    message: /holds U\+2010 at position 4, which reads as "-": it reads as "bob-smith@acme.io"/,
  },
  {
    rule: 'invalid-text',
    fails: ({ org }) => org.user('o\u02bcbrien@acme.io'), // a modifier letter apostrophe
    passes: ({ org }) => org.user("o'brien@acme.io"),
    message: /holds U\+02BC at position 2, which reads as "'"/,
  },
  {
    // A mark on no letter: it sits on the dot, or on a digit, where NFC composes nothing.
    rule: 'invalid-text',
    fails: ({ org }) => org.user('bob@acme.\u0307io'),
    passes: ({ org }) => org.user('\u0930\u093e\u091c\u0947\u0936@acme.in'), // राजेश: Devanagari vowel signs are marks
    message: /holds U\+0307 at position 10, a mark on no letter: it reads as "bob@acme.io" in a review/,
  },
  {
    // Cyrillic letters reading as Latin beside Han (which may stand beside any alphabet).
    rule: 'invalid-text',
    fails: ({ org }) => org.user('\u5c71\u7530+\u0430\u0441\u0435@acme.jp'),
    passes: ({ org }) => org.user('\u5c71\u7530+ace@acme.jp'),
    message: /writes "\u5c71\u7530\+\u0430\u0441\u0435" in Cyrillic letters that each read as a Latin one/,
  },
  {
    // Invisible characters outside the ranges listed before: a soft hyphen, a tag character.
    rule: 'invalid-text',
    fails: ({ org }) => org.user('bo\u00adb@acme.io'),
    passes: ({ org }) => org.user('bob@acme.io'),
    message: /^"bo\\u00adb@acme.io" holds U\+00AD at position 3, an invisible, control or formatting character/,
  },
  {
    rule: 'invalid-text',
    fails: ({ org }) => org.token('ci', { name: 'CI deploy\u{e0041}' }),
    passes: ({ org }) => org.token('ci', { name: 'CI deploy', note: 'ships it \u2764\ufe0f' }), // an emoji's variation selector, in a note
    message: /^"CI deploy\\udb40\\udc41" holds U\+E0041 at position 10, an invisible/,
  },
  {
    // ASCII too: an upper-case I reads as a lower-case l, and the username is lower case
    // (bob@iinear.app, a domain anyone may register, read as bob@linear.app).
    rule: 'invalid-text',
    fails: ({ org }) => org.user('bob@Iinear.app'),
    passes: ({ org }) => org.user('Bob@linear.app'),
    message:
      /^"bob@Iinear.app" holds an upper-case I at position 5, which reads as a lower-case l: it reads as "bob@linear.app" in a review, and its username is bob@iinear.app; write the address in lower case/,
  },
  {
    // GitHub compares logins case-insensitively: aIice is the account aiice, read as alice.
    rule: 'invalid-text',
    fails: ({ org }) => org.user('al@acme.io', { github: 'aIice' }),
    passes: ({ org }) => org.user('al@acme.io', { github: 'Al-Smith' }),
    message:
      /^"aIice" holds an upper-case I at position 2, which reads as a lower-case l: it reads as "alice" in a review/,
  },
  {
    // In a label of capitals a lower-case l reads as I: ALlCE is the account allce.
    rule: 'invalid-text',
    fails: ({ org }) => org.user('ALlCE@acme.io'),
    passes: ({ org }) => org.user('ALICE2@acme.io', { github: 'ALICE2' }), // capitals alone read as they are
    message:
      /^"ALlCE@acme.io" holds a lower-case l among upper-case letters at position 3, which reads as an upper-case I: it reads as "ALICE@acme.io"/,
  },
  {
    // A login GitHub cannot issue names no account: its holder's approvals never count.
    rule: 'invalid-text',
    fails: ({ org }) => org.user('al@acme.io', { github: '\u0430lice' }),
    passes: ({ org }) => org.user('al@acme.io', { github: 'alice-2' }),
    message: /^"\u0430lice" is not a GitHub login \(ASCII letters, digits and single hyphens/,
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
    passes: ({ org, web }) =>
      web.grantRules(org.user('bob@acme.io'), [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }]),
    message: /^rule 0 names no apiGroups \(use \[""\] for the core group/,
  },
  {
    rule: 'invalid-rule',
    fails: ({ org, web }) => org.token('metrics').allow(web, [{ apiGroups: [''], verbs: ['get'] }]),
    passes: ({ org, web }) =>
      org.token('metrics').allow(web, [{ apiGroups: [''], resources: ['endpoints'], verbs: ['get'] }]),
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
    // Whoever just added it reads why it binds nothing and what to fix: its date, not the line.
    message:
      /^expired on 2026-11-25 \(today is 2026-11-26\): binds nothing, so it is not synthesized; remove it, or, if this change adds it, give it the date it should end on$/,
    severity: 'warning',
  },
  {
    rule: 'inline-rules-expiry',
    fails: ({ org, web }) => {
      const bob = org.user('bob@acme.io');
      web.grantRules(bob, [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }]).until('2027-06-01');
      web.grantRules(bob, [{ apiGroups: [''], resources: ['services'], verbs: ['get'] }]);
    },
    passes: ({ org, web }) => {
      const bob = org.user('bob@acme.io');
      web.grantRules(bob, [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }]).until('2027-06-01');
      web.grantRules(bob, [{ apiGroups: [''], resources: ['services'], verbs: ['get'] }]).until('2027-06-01');
      // An expired grant binds nothing: its end is none of the Role's.
      web.grantRules(bob, [{ apiGroups: [''], resources: ['endpoints'], verbs: ['get'] }]).until('2026-11-25');
    },
    message:
      /^inline rules ending never, where other inline rules of theirs end 2027-06-01: orgctl binds them as one Role/,
  },
  // Issue 12, section 3: tokens and identities.
  {
    rule: 'forbidden-grant',
    fails: ({ org, web }) => org.token('deploy', { namespaces: [web], owner: org.user('bob@acme.io') }),
    passes: ({ org, web, alice }) => org.token('deploy', { namespaces: [web], owner: alice }),
    message:
      /^token deploy holds w:full in web, which is reserved for admins: .*; its owner bob@acme.io is not an admin: give the token an admin owner, or remove the owner/,
  },
  {
    rule: 'forbidden-grant',
    fails: ({ org, web }) =>
      org.token('deploy', { namespaces: [web], levels: ['r:full', 'w:pods'], owner: org.user('bob@acme.io') }),
    passes: ({ org, web }) => org.token('deploy', { namespaces: [web], levels: ['r:full', 'w:pods'] }),
    message: /^token deploy holds w:pods in web, which is reserved for admins/,
  },
  {
    rule: 'forbidden-grant',
    fails: ({ org, web }) =>
      org
        .token('bot', { owner: org.user('bob@acme.io') })
        .allow(web, [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['create'] }]),
    passes: ({ org, web }) =>
      org
        .token('bot', { owner: org.user('bob@acme.io') })
        .allow(web, [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] }]),
    message:
      /^the custom rules of token bot in web \(Role acme:token:bot\) lets a non-admin run arbitrary pods.*give the token an admin owner/,
  },
  {
    // The same through a custom role bound to the token (allow(ns, CustomRole)), not inline rules.
    rule: 'forbidden-grant',
    fails: ({ org, web }) =>
      org
        .token('bot', { owner: org.user('bob@acme.io') })
        .allow(
          web,
          org.customRole('deployer', [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['create'] }]),
        ),
    passes: ({ org, web }) =>
      org
        .token('bot', { owner: org.user('bob@acme.io') })
        .allow(web, org.customRole('deployer', [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] }])),
    message:
      /^custom role deployer \(Role acme:custom:deployer\) bound to token bot in web lets a non-admin run arbitrary pods.*give the token an admin owner/,
  },
  {
    // A token id that is another token's rotation: its ServiceAccount, so its holder's token value.
    rule: 'invalid-name',
    fails: ({ org }) => {
      org.token('deploy', { rotation: 1 });
      org.token('deploy-r1');
    },
    passes: ({ org }) => {
      org.token('deploy', { rotation: 1 });
      org.token('deploy-rc1');
    },
    message:
      /^"deploy-r1" ends in -r<number>: its ServiceAccount would be token deploy's at rotation 1 \(the token value its holder has\); choose another id/,
  },
  {
    rule: 'duplicate-object',
    fails: ({ org }) => {
      org.token('deploy', { rotation: 1 });
      org.token('deploy-r1');
    },
    passes: ({ org }) => {
      org.token('deploy', { rotation: 1 });
      org.token('deploy-r2');
    },
    message:
      /^ServiceAccount acme-system\/token-deploy-r1 and Secret acme-system\/token-deploy-r1 would be written by both acme\/tokens\/deploy and acme\/tokens\/deploy-r1/,
  },
  // Section 4: names and sizes the API server accepts.
  {
    rule: 'invalid-name',
    fails: ({ org, web }) =>
      web.grantRules(org.user('a/b@x.io'), [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }]),
    passes: ({ org, web }) =>
      web.grantRules(org.user('ab@x.io'), [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }]),
    message:
      /^the inline rules would become Role "acme:custom:a\/b@x.io", named after the email, and an RBAC object name may not contain '\/': declare the rules as a named custom role/,
  },
  {
    rule: 'invalid-object',
    fails: ({ org, web }) =>
      web.grantRules(org.user('a%b@x.io'), [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }]),
    passes: ({ org, web }) =>
      web.grantRules(org.user('ab@x.io'), [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }]),
    message: /^name "acme:custom:a%b@x.io" may not contain '%', which the API server refuses for a Role/,
  },
  {
    rule: 'invalid-object',
    fails: ({ org }) => org.token('bot', { note: 'x'.repeat(300 * 1024) }),
    passes: ({ org }) => org.token('bot', { note: 'x'.repeat(1024) }),
    message:
      /^its annotations are \d+ bytes, over the 260096 bytes orgctl writes \(the API server's 262144, 256 KiB, less what Argo CD adds: its tracking\); shorten the token's name or note/,
  },
  {
    rule: 'object-size',
    fails: ({ org, web }) =>
      web.grant(
        org.user('bob@acme.io'),
        org.customRole('big', [
          {
            apiGroups: [''],
            resources: ['configmaps'],
            verbs: ['get'],
            resourceNames: Array.from({ length: 60_000 }, (_, i) => `config-${i}-abcdefghijklmnop`),
          },
        ]),
      ),
    passes: ({ org, web }) =>
      web.grant(
        org.user('bob@acme.io'),
        org.customRole('big', [
          {
            apiGroups: [''],
            resources: ['configmaps'],
            verbs: ['get'],
            resourceNames: Array.from({ length: 600 }, (_, i) => `config-${i}-abcdefghijklmnop`),
          },
        ]),
      ),
    message: /^is 1\.\d\d MiB, over the 1\.50 MiB the API server \(etcd\) accepts in one request/,
  },
  {
    rule: 'undeployable-namespace',
    fails: ({ org }) => org.namespace('argocd'),
    passes: ({ org }) => org.namespace('argo-workflows'),
    message:
      /^argocd is Argo CD's own namespace \(the default of delivery.argocd.namespace\), and the generated AppProject denies it: its shard would never sync/,
  },
  {
    // A red-team review: the README said `default` is never a destination, but it was one once declared.
    rule: 'undeployable-namespace',
    fails: ({ org }) => org.namespace('default'),
    passes: ({ org }) => org.namespace('defaults'),
    message:
      /^default is Kubernetes' namespace for whatever names none, in every cluster: no organization owns it \(its grants would reach whatever anyone deploys without a namespace\); choose another name/,
  },
  {
    // dist/argocd/ holds Argo CD's own files: a cluster's shards there would be read as theirs (a
    // shard move in it went unsaid, and `kubectl apply -R -f dist/argocd/` would apply its RBAC).
    rule: 'invalid-name',
    props: { fails: { clusters: ['lga1', 'argocd'] }, passes: { clusters: ['lga1', 'argo'] } },
    fails: () => {},
    passes: () => {},
    message:
      /^"argocd" is the folder of dist\/ where orgctl writes Argo CD's files \(argocd\/applicationset.yaml, argocd\/appproject.yaml, argocd\/boundary.yaml\): a cluster's shards may not share it; choose another name$/,
  },
  {
    // Argo CD's namespace is its objects' metadata.namespace and a word of the commands an admin
    // pastes (R26-2): `argo$(id)` passed, and the API server refuses it.
    rule: 'invalid-name',
    props: {
      fails: { argocd: { repoURL: 'https://git.example/org.git', namespace: 'argo$(id)' } },
      passes: { argocd: { repoURL: 'https://git.example/org.git', namespace: 'argo-cd' } },
    },
    fails: () => {},
    passes: () => {},
    message: /^"argo\$\(id\)" \(Argo CD's namespace\) must be lower-case letters, digits and "-"/,
  },
  {
    // A username starting system: is Kubernetes' own kind; the boundary refuses a binding naming it (R32b-2).
    rule: 'invalid-name',
    fails: ({ org }) => org.invite('system:bob@acme.io'),
    passes: ({ org }) => org.invite('systems@acme.io'),
    message:
      /^"system:bob@acme.io" \(its username\) starts with system:, which Kubernetes reserves for its own identities/,
  },
  {
    rule: 'invalid-name',
    props: { fails: { usernamePrefix: 'system:oidc:' }, passes: { usernamePrefix: 'oidc:system:' } },
    fails: () => {},
    passes: () => {},
    message: /^"system:oidc:" \(the username prefix\) starts with system:.*; choose another prefix$/,
  },
  {
    // A tag named HEAD or main (branch protection does not cover tags) could win Argo CD's resolution.
    rule: 'argocd-source',
    props: {
      fails: { argocd: { repoURL: 'https://git.example/org.git', revision: 'main' } },
      passes: { argocd: { repoURL: 'https://git.example/org.git', revision: 'refs/heads/main' } },
    },
    fails: () => {},
    passes: () => {},
    message:
      /^delivery.argocd.revision "main" is a short name: Argo CD resolves it against every ref, and a tag named main \(which branch protection does not cover\) can win; name the branch pull requests merge into by its full name, e.g. "refs\/heads\/main"$/,
  },
  {
    // Git allows `${{` in a branch name, but GitHub reads it as an expression in the check workflow's
    // push trigger and refuses the workflow: merges there would run no check (R138-3, at declaration).
    rule: 'argocd-source',
    props: {
      fails: { argocd: { repoURL: 'https://git.example/org.git', revision: 'refs/heads/x${{github.token}}' } },
      passes: { argocd: { repoURL: 'https://git.example/org.git', revision: 'refs/heads/x${github.token}' } },
    },
    fails: () => {},
    passes: () => {},
    message:
      /^delivery.argocd.revision "refs\/heads\/x\$\{\{github.token\}\}" holds `\$\{\{`, which GitHub reads as an expression in the check workflow's push trigger/,
  },
  {
    // The ApplicationSet's generator reads `<path>/*/*` as a glob: `*` would apply every folder.
    rule: 'argocd-source',
    props: {
      fails: { argocd: { repoURL: 'https://git.example/org.git', path: '*' } },
      passes: { argocd: { repoURL: 'https://git.example/org.git', path: 'deploy/dist' } },
    },
    fails: () => {},
    passes: () => {},
    message: /^delivery.argocd.path "\*" is not a plain folder of the repository/,
  },
  {
    // Namespace protection exempts whom appliedBy names: a person of the organization named there
    // may delete or relabel every namespace of it.
    rule: 'argocd-identity',
    props: {
      fails: {
        namespaceProtection: {
          appliedBy: ['system:serviceaccount:argocd:argocd-application-controller', 'bob@acme.io'],
        },
      },
      passes: { namespaceProtection: { appliedBy: 'system:serviceaccount:argocd:argocd-application-controller' } },
    },
    fails: ({ org, web }) => web.grant(org.user('bob@acme.io'), 'r:pods'),
    passes: ({ org, web }) => web.grant(org.user('bob@acme.io'), 'r:pods'),
    message:
      /^namespaceProtection.appliedBy names bob@acme.io, a user of the organization; namespace protection lets whoever appliedBy names delete or relabel every namespace of acme; name only the identities Argo CD applies with/,
  },
  {
    // A token's ServiceAccount: whoever holds the token.
    rule: 'argocd-identity',
    props: {
      fails: {
        argocd: {
          repoURL: 'https://git.example/org.git',
          namedClusterResources: true,
          boundary: { appliedBy: 'system:serviceaccount:acme-system:token-ci' },
        },
      },
      passes: {
        argocd: {
          repoURL: 'https://git.example/org.git',
          namedClusterResources: true,
          boundary: { appliedBy: 'system:serviceaccount:argocd:argocd-application-controller' },
        },
      },
    },
    fails: ({ org, web }) => org.token('ci', { namespaces: [web] }),
    passes: ({ org, web }) => org.token('ci', { namespaces: [web] }),
    message:
      /^delivery.argocd.boundary.appliedBy names system:serviceaccount:acme-system:token-ci, a ServiceAccount of the organization's system namespace acme-system \(its tokens'\): whoever holds its token acts as it; the boundary judges the writes of whom appliedBy names as Argo CD's, and namespace protection, once declared, must name the same and lets them delete or relabel every namespace of acme; /,
  },
  {
    // A ServiceAccount of a declared namespace: whoever may run pods as it or ask a token for it there.
    rule: 'argocd-identity',
    props: {
      fails: { namespaceProtection: { appliedBy: 'system:serviceaccount:web:deployer' } },
      passes: { namespaceProtection: { appliedBy: 'system:serviceaccount:webhooks:deployer' } },
    },
    fails: () => {},
    passes: () => {},
    message:
      /^namespaceProtection.appliedBy names system:serviceaccount:web:deployer, a ServiceAccount of web, a namespace of the organization: whoever may run pods as it or ask a token for it there acts as it; /,
  },
  {
    // A person named in another letter case (red team G): an identity provider that keeps the case
    // an address was registered in (Bob@acme.io) logs bob in as that, which namespace protection
    // then exempts, while orgctl compares lower-cased emails.
    rule: 'argocd-identity',
    props: {
      fails: { namespaceProtection: { appliedBy: 'Bob@Acme.io' } },
      passes: { namespaceProtection: { appliedBy: 'system:serviceaccount:argocd:argocd-application-controller' } },
    },
    fails: ({ org }) => org.user('Bob@acme.io'),
    passes: ({ org }) => org.user('bob@acme.io'),
    message:
      /^namespaceProtection.appliedBy names Bob@Acme.io, a user of the organization \(bob@acme.io, in another letter case\); /,
  },
];

const findingsOf = (org: Organization, rule: string) =>
  runPolicies(org.toModel(), { today: TODAY }).filter((f) => f.rule === rule);

describe('org rules', () => {
  it('every rule has a case', () => {
    expect(new Set(CASES.map((c) => c.rule))).toEqual(new Set(ORG_RULES.map((r) => r.id)));
  });

  it.each(CASES.map((c, i) => [`${c.rule} #${i}`, c] as const))('%s fails and passes', (_name, c) => {
    const bad = smallOrg(c.props?.fails);
    c.fails(bad);
    const found = findingsOf(bad.org, c.rule);
    expect(found.length, 'the failing case reports').toBeGreaterThan(0);
    expect(found.map((f) => f.message).join('\n')).toMatch(new RegExp(c.message.source, 'm'));
    expect(found[0]!.severity).toBe(c.severity ?? 'error');
    if ((c.severity ?? 'error') === 'error') expect(bad.org.node.validate().join('\n')).toContain(`error ${c.rule} `);

    const good = smallOrg(c.props?.passes);
    c.passes(good);
    expect(findingsOf(good.org, c.rule)).toEqual([]);
  });

  it('unknown-level: a level named for a resource (w:deployments, as a new admin guesses) names the level holding it, in its mode', () => {
    for (const [given, said] of [
      ['w:deployments', 'did you mean w:workloads? it holds deployments; '],
      ['r:deployment', 'did you mean r:workloads? it holds deployments; '],
      ['r:StatefulSets', 'did you mean r:workloads? it holds statefulsets; '],
      ['w:cronjobs', 'did you mean w:jobs? it holds cronjobs; '],
      ['r:endpoints', 'did you mean r:services? it holds endpoints; '],
      ['r:pod', 'did you mean r:pods? '],
      // A short name or a kind, as kubectl reads them (resolveResource): deploy, networkpolicy.
      ['w:deploy', 'did you mean w:workloads? it holds deployments; '],
      ['w:networkpolicy', 'did you mean w:networkpolicies? it holds networkpolicies; '],
    ]) {
      const o = smallOrg();
      o.web.grant(o.org.user('bob@acme.io'), given as never);
      expect(
        findingsOf(o.org, 'unknown-level').map((f) => f.message),
        given,
      ).toEqual([
        `${JSON.stringify(given)} is not an access level (${said}levels are r:X or w:X, see the catalog: orgctl levels)`,
      ]);
    }
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

  it('undeployable-namespace: the configured Argo CD namespace, and Argo CD in the system namespace', () => {
    const a = smallOrg({ argocd: { repoURL: 'https://git.example/org.git', namespace: 'gitops' } });
    a.org.namespace('gitops');
    a.org.namespace('argocd'); // not Argo CD's namespace here
    expect(findingsOf(a.org, 'undeployable-namespace').map((f) => [f.subject, f.message])).toEqual([
      ['namespaces/gitops', expect.stringMatching(/^gitops is Argo CD's own namespace \(delivery.argocd.namespace\)/)],
    ]);
    const b = smallOrg({ argocd: { repoURL: 'https://git.example/org.git', namespace: 'acme-system' } });
    expect(findingsOf(b.org, 'undeployable-namespace')[0]?.message).toMatch(
      /^delivery.argocd.namespace "acme-system" is the organization's system namespace/,
    );
  });

  it('invalid-object: a label every object shares (judged once) is reported on each object', () => {
    const { org, web } = smallOrg({ name: 'acme-' });
    org.token('deploy', { namespaces: [web], note: 'ci' });
    const objects = objectsOnce(placeOrganization(org.toModel(), { today: TODAY }));
    const labelled = objects.filter(
      (o) => (o.metadata as { labels?: Record<string, string> }).labels?.[ORGANIZATION_LABEL] === 'acme-',
    );
    expect(labelled.length).toBeGreaterThan(10);
    const reported = findingsOf(org, 'invalid-object').filter((f) =>
      f.message.startsWith(`label ${ORGANIZATION_LABEL}: "acme-"`),
    );
    expect(reported.map((f) => f.subject).sort()).toEqual(
      labelled
        .map(
          (o) => `${o.kind} ${o.metadata.namespace !== undefined ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`,
        )
        .sort(),
    );
  });

  it('a token owned by nobody (the organization) may hold w:full', () => {
    const { org, web } = smallOrg();
    org.token('deploy', { namespaces: [web] });
    expect(findingsOf(org, 'forbidden-grant')).toEqual([]);
  });

  it('invalid-text: an address that reads as another is refused, in every script and position', () => {
    for (const email of [
      '\u037f@acme.io', // Greek Ϳ reads as J
      'bob@\u0501\u043e\u0441.io', // ԁос
      '\u13da\u13a2@acme.io', // Cherokee ᏚᎢ reads as ST
      '\uab83\ua4f2@acme.io', // Cherokee ꮃ and Lisu ꓲ
      'bob@acme.io\u2800', // a braille blank
      'bob@acme.i\u0966', // Devanagari zero
      'bob1\u0307@acme.io', // a mark on a digit
      'b\u061cob@acme.io', // Arabic letter mark (bidirectional)
      'bo\u3164b@acme.io', // Hangul filler
      '\u0392\u039f\u0392@acme.io', // Greek ΒΟΒ
      '\u0421\u0430\u0440\u0430@acme.io', // Сара reads as Capa
      'bob@acme.\u0131o',
      'bob\u00b7smith@acme.io', // a middle dot outside l·l
      'bob\u30fbsmith@acme.io', // a katakana middle dot between Latin letters
    ]) {
      const { org } = smallOrg();
      org.user(email);
      expect(
        findingsOf(org, 'invalid-text').map((f) => f.message),
        email,
      ).toHaveLength(1);
    }
  });

  it("invalid-text: a domain written in IDNA's ASCII form (xn--) is judged as what it decodes to", () => {
    const refused = (email: string) => {
      const { org } = smallOrg();
      org.user(email);
      return findingsOf(org, 'invalid-text').map((f) => f.message);
    };
    // аррӏе.com, all Cyrillic, reads as apple.com: written as IDNA's ASCII, it read as nothing at all.
    expect(refused('bob@xn--80ak6aa92e.com')).toEqual([
      expect.stringMatching(
        /^"bob@xn--80ak6aa92e.com" writes "xn--80ak6aa92e", the ASCII form \(IDNA\) of "\u0430\u0440\u0440\u04cf\u0435": the address is bob@\u0430\u0440\u0440\u04cf\u0435.com, which writes "\u0430\u0440\u0440\u04cf\u0435" in Cyrillic letters that each read as a Latin one: it reads as "bob@apple.com" in a review/,
      ),
    ]);
    expect(refused('bob@XN--PPLE-43D.com')).toEqual([
      expect.stringMatching(/mixes Cyrillic and Latin letters in "\u0430pple"/),
    ]);
    // Labels no IDNA encoder writes: not Punycode at all, or ASCII that needs no encoding (xn--acme- is acme).
    for (const email of ['bob@xn--zz.io', 'bob@xn--acme-.io', 'bob@acme.xn--'])
      expect(refused(email), email).toEqual([
        expect.stringMatching(
          /is not a domain label IDNA writes: .*write the domain as the identity provider issues it/,
        ),
      ]);
    // A local part is no domain label: xn-- there is only letters.
    expect(refused('xn--zz@acme.io')).toEqual([]);
    // münchen.de and öbb.io read as themselves, in either form.
    expect(refused('bob@xn--mnchen-3ya.de')).toEqual([]);
    expect(refused('bob@XN--BB-EKA.io')).toEqual([]);
  });

  it('invalid-text: a domain with an empty label (a trailing dot, two dots) reads as another and is no address', () => {
    for (const [email, reads] of [
      ['bob@acme.io.', 'bob@acme.io'],
      ['bob@acme..io', 'bob@acme.io'],
      ['bob@.acme.io', 'bob@acme.io'],
    ]) {
      const { org } = smallOrg();
      org.user(email!);
      expect(
        findingsOf(org, 'invalid-text').map((f) => f.message),
        email,
      ).toEqual([
        `${JSON.stringify(email)} has an empty label in its domain: it reads as ${JSON.stringify(reads)} in a review, and no mail system issues it (RFC 5321); write the address as the identity provider issues it`,
      ]);
    }
  });

  it('invalid-text: internationalised addresses that read as themselves are accepted', () => {
    const { org } = smallOrg();
    for (const email of [
      'j\u00fcrgen@acme.de', // jürgen
      '\u0438\u0432\u0430\u043d@acme.ru', // иван
      '\u0418\u0412\u0410\u041d@acme.ru', // ИВАН
      '\u5c71\u7530@acme.jp', // 山田
      '\u30b8\u30e7\u30fc@acme.jp', // ジョー: ー is of no one script
      'yamada\u5c71\u7530@acme.jp', // Latin beside Han
      's\u00f8ren@acme.dk', // søren
      'jos\u00e9@acme.es',
      '\u03bd\u03af\u03ba\u03bf\u03c2@acme.gr', // νίκος
      '\u0930\u093e\u091c\u0947\u0936@acme.in', // राजेश
      '\u05d9\u05d5\u05e1\u05d9@acme.il', // יוסי: י reads as ', not as a letter
      'col\u00b7legi@acme.cat', // Catalan l·l
      '\u30b8\u30e7\u30f3\u30fb\u30b9\u30df\u30b9@acme.jp', // ジョン・スミス: IDNA's katakana middle dot
      '\u0645\u062d\u0645\u062f@acme.eg', // محمد
      '\uae40\ubbfc\uc900@acme.kr', // 김민준
      'bj\u00f6rk@acme.is',
      '\u00e6bel\u00f8@acme.dk', // æ reads as one letter
      '\u0430\u043d\u043d\u0430@acme.ru', // анна: its look-alikes spell aHHa, no name
      '\uabc3\uabc5\uabe4@acme.in', // ꯃꯅꯤ: Meetei Mayek, a script the finding has no name for (R5)
      '\u0410\u043d\u043d\u0430.\u0441\u0438\u0434\u043e\u0440\u043e\u0432\u0430@acme.ru', // Анна.сидорова
    ])
      org.user(email);
    expect(findingsOf(org, 'invalid-text').map((f) => f.message)).toEqual([]);
  });

  it('every rule id is stable kebab-case and in the registry, at its stage', () => {
    for (const r of ORG_RULES) {
      expect(r.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(RULE_BY_ID.get(r.id)?.stage).toBe(OUTPUT_RULES.includes(r) ? 'output' : 'declaration');
    }
  });
});
