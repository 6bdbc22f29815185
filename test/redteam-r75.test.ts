/**
 * Red team R75 (base 985a616): today's fixes attacked for bypasses.
 *
 * R75-1 (low, R70-2's class): Proton reads no dots, hyphens or underscores in a name on its own
 * domains (mail to `f.rank@proton.me`, `f-rank@pm.me` or `f_rank@protonmail.com` reaches
 * frank@proton.me's account: "ProtonMail 'ignores' the hyphens, dots and underscores", a user's
 * finding that cites Proton confirming it, sindastra.de/p/1775; not in Proton's own documentation
 * found here), as Gmail reads no dots. mailboxOf read them as other mailboxes, so frank alone
 * invited each with billing. Reading too many addresses as one only asks for another admin.
 *
 * R75-2 (medium, R69-3's class under another group): External Secrets' VaultDynamicSecret generator
 * (generators.external-secrets.io vaultdynamicsecrets; a ClusterGenerator holds any generator's
 * spec) logs in at its `provider.server` with any of the SecretStore's Vault logins ("Any Vault
 * authentication method supported by the provider can be used here": its Kubernetes login mints a
 * token for the ServiceAccount `serviceAccountRef` names), whenever an ExternalSecret or PushSecret
 * references it. It held no class, so an admin could declare it safe, and a writer of it sent a
 * token of any ServiceAccount of the namespace to a server of its choosing, as R69-3's store did.
 *
 * R75-3 (medium, R69-4's class under another group): Crossplane provider-helm's namespaced Release
 * (helm.m.crossplane.io releases, Crossplane v2: its CRD says scope Namespaced) installs any chart
 * from any repository into any namespace (`forProvider.namespace`), with the credentials of its
 * providerConfigRef (by default the ClusterProviderConfig `default`, the cluster admin's). It held
 * no class, so an admin could declare it safe, and its writer ran any pod and made any object.
 *
 * R75-4 (low, R70-2's class): Yandex gives an account its name on each of its domains ("each
 * mailbox on Yandex Mail has aliases in" yandex.ru, yandex.com, ya.ru, yandex.by, yandex.kz and
 * yandex.ua; "addresses using your username on all Yandex domains are linked to you when you
 * register": Yandex's help, Mailbox aliases and Alternate email addresses). mailboxOf read them as
 * other mailboxes, so frank alone invited frank@ya.ru, his own, with billing.
 *
 * R75-5 (medium, R69-4's class): OpenFaaS's Function (openfaas.com functions; its CRD: scope
 * Namespaced) is run by the operator as a Deployment of `spec.image`, with every Secret of the
 * namespace `spec.secrets` names mounted in it (faas-netes' artifacts/crds/openfaas.com_functions.yaml,
 * the operator's README). It held no class, so an admin could declare it safe, and its writer ran
 * any image holding any Secret of the namespace.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCanonicalYaml } from '../synth/yaml.ts';
import { baseSpec, judge, user } from './review/scenarios.ts';
import { classesOfRule, unsafeDeclaration } from '../analysis/classes.ts';
import { smallOrg, tempDir } from './helpers.ts';

/** frank (an admin at `own`, alice the other) alone invites `alias` with billing: the rules that refuse it. */
function franksInvite(own: string, alias: string): string[] {
  const s = baseSpec();
  user(s, 'dan@acme.io').admin = false;
  user(s, 'frank@acme.io').email = own;
  return judge(s, (h) => void (h.spec.invites = [{ email: alias, sso: true, billing: true, grants: [] }]), {
    actors: ['frank'],
  }).failed;
}

describe("R75-1: Proton's names read with no dots, hyphens or underscores are one mailbox", () => {
  for (const [own, alias] of [
    ['frank@proton.me', 'f.rank@proton.me'],
    ['frank@proton.me', 'f-rank+x@pm.me'],
    ['f.rank@protonmail.com', 'fr_ank@protonmail.ch'],
    // With a subaddress and a routing: deliveredTo, then the subaddress, then Proton's reading.
    ['frank@proton.me', 'f.rank+x%pm.me@relay.io'],
  ])
    it(`attack: frank (${own}) alone invites ${alias}, his own mailbox`, () => {
      expect(franksInvite(own, alias)).toEqual(['self-edit']);
    });

  it('self-edit says why', () => {
    const s = baseSpec();
    user(s, 'dan@acme.io').admin = false;
    user(s, 'frank@acme.io').email = 'frank@proton.me';
    const why = judge(s, (h) => void (h.spec.invites = [{ email: 'f-rank@pm.me', sso: true, grants: [] }]), {
      actors: ['frank'],
    }).results.find((r) => r.rule === 'self-edit' && !r.ok)?.message;
    expect(why).toContain(
      '(Proton reads no dots, hyphens or underscores in a name; Proton gives an account its name on each of its domains)',
    );
  });

  it("alice alone giving f.rank@pm.me r:secrets needs another admin's approval (admin-change-approval reads the mailbox too)", () => {
    const s = baseSpec();
    user(s, 'dan@acme.io').admin = false;
    user(s, 'frank@acme.io').email = 'frank@proton.me';
    s.spec.users.push({ email: 'f.rank@pm.me' });
    const v = judge(
      s,
      (h) => void h.spec.grants.push({ user: 'f.rank@pm.me', namespace: 'web', levels: ['r:secrets'] }),
      {
        actors: ['alice'],
      },
    );
    expect(v.failed).toEqual(['admin-change-approval']);
  });

  it('held: iCloud and an organization of its own read dots, hyphens and underscores as written', () => {
    for (const [own, alias] of [
      ['frank@icloud.com', 'f.rank@me.com'],
      ['frank@acme.io', 'f-rank@acme.io'],
    ])
      expect(franksInvite(own, alias), alias).toEqual([]);
  });
});

describe("R75-4: Yandex's domains for one account are one mailbox", () => {
  for (const [own, alias] of [
    ['frank@yandex.ru', 'frank@ya.ru'],
    ['frank@yandex.com', 'frank+x@yandex.kz'],
  ])
    it(`attack: frank (${own}) alone invites ${alias}, his own mailbox`, () => {
      expect(franksInvite(own, alias)).toEqual(['self-edit']);
    });
});

describe("R75-2: External Secrets' VaultDynamicSecret generator sends a token of any ServiceAccount, as a SecretStore does", () => {
  const write = (resource: string) => ({
    apiGroups: ['generators.external-secrets.io'],
    resources: [resource],
    verbs: ['create', 'update', 'patch'],
  });

  it('writing one in a namespace holds identity (a ClusterGenerator cluster-wide), and neither can be declared safe', () => {
    expect(classesOfRule(write('vaultdynamicsecrets'), 'namespace')).toContain('identity');
    expect(classesOfRule(write('clustergenerators'), 'cluster')).toContain('identity');
    for (const resource of ['vaultdynamicsecrets', 'clustergenerators'])
      expect(unsafeDeclaration('generators.external-secrets.io', resource), resource).toMatch(
        /^can never be declared safe: /,
      );
  });

  it('an organization declaring VaultDynamicSecrets safe is refused where it declares them', () => {
    const declaring = () =>
      smallOrg({
        safeCustomResources: [
          { group: 'generators.external-secrets.io', resources: ['vaultdynamicsecrets'], reason: 'makes no pods' },
        ],
      }).org.toModel();
    expect(declaring).toThrow(/vaultdynamicsecrets\.generators\.external-secrets\.io can never be declared safe/);
  });
});

describe("R75-3: Crossplane provider-helm's namespaced Release installs any chart as the provider", () => {
  it('writing one holds run-pods, and it can never be declared safe', () => {
    const write = {
      apiGroups: ['helm.m.crossplane.io'],
      resources: ['releases'],
      verbs: ['create', 'update', 'patch'],
    };
    expect(classesOfRule(write, 'namespace')).toContain('run-pods');
    expect(unsafeDeclaration('helm.m.crossplane.io', 'releases')).toMatch(/^can never be declared safe: /);
  });
});

describe("R75-5: OpenFaaS's Function runs any image as a Deployment, with the Secrets it names", () => {
  it('writing one holds run-pods, and it can never be declared safe', () => {
    const write = { apiGroups: ['openfaas.com'], resources: ['functions'], verbs: ['create', 'update', 'patch'] };
    expect(classesOfRule(write, 'namespace')).toContain('run-pods');
    expect(unsafeDeclaration('openfaas.com', 'functions')).toMatch(/^can never be declared safe: /);
  });
});

describe("held: R71-1's key limit is counted as Go counts it", () => {
  const KUBECTL = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
  const configMap = (line: string) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: web\ndata:\n${line}\n`;
  // Go's scanner measures from a key's first character to its ':' (spaces before it too), in code
  // points; a quoted key's quotes and escapes count as written.
  const keys: Record<string, { line: string; read: boolean }> = {
    'plain, 1,024': { line: `  ${'a'.repeat(1024)}: v`, read: true },
    'plain, 1,025': { line: `  ${'a'.repeat(1025)}: v`, read: false },
    '1,020 then five spaces': { line: `  ${'a'.repeat(1020)}     : v`, read: false },
    'quoted, 1,024 with its quotes': { line: `  "${'a'.repeat(1022)}": v`, read: true },
    'quoted, 1,025 with its quotes': { line: `  "${'a'.repeat(1023)}": v`, read: false },
    'quoted emoji, 1,025 code points (2,048 UTF-16 units)': { line: `  "${'\u{1F600}'.repeat(1023)}": v`, read: false },
    'escapes, 1,028 as written (171 characters read)': { line: `  "${'\\u0061'.repeat(171)}": v`, read: false },
  };
  for (const [name, { line, read }] of Object.entries(keys))
    it(`${name}: ${read ? 'read' : 'refused'} by the strict reader${KUBECTL ? ' and kubectl' : ''}`, () => {
      expect('documents' in readCanonicalYaml(configMap(line))).toBe(read);
      if (!KUBECTL) return;
      const file = join(tempDir('orgctl-r75-'), 'key.yaml');
      writeFileSync(file, configMap(line));
      const go = spawnSync('kubectl', ['label', '--local', '-f', file, 'zz.example.com/go=x', '-o', 'json'], {
        encoding: 'utf8',
      });
      expect(go.status === 0, go.stderr).toBe(read);
    });
});

/*
 * R75 summary (red team R75, base 985a616).
 *
 * Closed: R75-1 (low) Proton's names read with no dots, hyphens or underscores; R75-2 (medium)
 * External Secrets' VaultDynamicSecret generator and ClusterGenerator hold identity; R75-3 (medium)
 * Crossplane provider-helm's namespaced Release holds run-pods; R75-4 (low) Yandex's domains for
 * one account; R75-5 (medium) OpenFaaS's Function holds run-pods.
 *
 * What held:
 * - R70-1 (by reading policies/org/invalid-text.ts): users' and invites' emails are judged; a
 *   grant naming no user is unknown-user's finding and a token's owner must be a user (R70's pin).
 *   A spec written as YAML or JSON, and what import writes, are read into the same model, judged
 *   alike (not probed one by one). Probed and refused: ideographic and fullwidth full stops in a domain (compatibility
 *   forms, or no address to the schema), `frank%acme.io.@relay.io` (an empty part), a `+` or `!` in
 *   the domain (no host name), `frank@acme.io%relay.io@relay2.io` (two @: the schema).
 * - R70-2/R70-3: mailboxOf follows routing in any case and any IDNA spelling of the routed domain
 *   (`frank%ACME.IO@relay.io`, `frank%xn--bcher-kva.de@relay.io`), a routing twice by bang path
 *   (`relay.io!acme.io!frank@relay2.io`), a subaddress before or after a bang path
 *   (`acme.io!frank+x@relay.io`, `frank+x%acme.io@relay.io`) and Gmail behind a routing
 *   (`f.rank%googlemail.com@relay.io`); admin-change-approval reads R75-1's spellings as the
 *   admin's (pinned). Not read as one, and left: `frank%acme.io+x@relay.io` (routed to the domain
 *   `acme.io+x`, which no relay delivers) and `frank%acme.io%@relay.io` (no host, as R70 pinned `frank%@`).
 * - R71-1: the key limit is counted as Go's scanner counts it (pinned against kubectl): from the key's
 *   first character to its ':', spaces before it, quotes and escapes as written, in code points. Flow
 *   keys are refused whole by the strict reader (it reads no flow collection).
 * - R69-2..5: RBAC compares groups and resources exactly and never reads short names, so a
 *   declaration in another case or a short name grants nothing the API server serves; the classes are
 *   by group, so every served version of a group is held; `*` in an unknown group stays run-pods.
 *   External Secrets' Webhook generator (generators.external-secrets.io webhooks) sends Secrets of
 *   its namespace to its URL, but only Secrets labelled `external-secrets.io/type: webhook` (ESO's
 *   generator-webhook example: "Needed to allow webhook to use this secret"), which a writer of
 *   Secrets labels: left unclassified, as a declaration an admin can judge.
 * - R74-1 with membership in members-NN shards (by reading review/base-proof.ts, not pinned: that
 *   layout takes some 40,000 people to make): a members-NN file that changes is never proved against
 *   base (left to the full proof), and a cluster shard left as base's while dated access changes is
 *   refused as R74-1's is.
 *
 * Not done (time):
 * - Yandex reading a dot and a hyphen in a name alike (said in its help, as remembered; not found in
 *   the stored sources here), and other providers with one account on several domains (GMX, Mail.ru
 *   and Yahoo were judged to hand names out per domain, not checked).
 * - The partial read's skipped documents with a key over 1,024 characters (the class its header
 *   already names as not checked: the full read refuses that output).
 * - Other ESO generators that act as a ServiceAccount elsewhere (ECRAuthorizationToken's and
 *   STSSessionToken's AWS jwt login, GCRAccessToken's workload identity: a token of the
 *   ServiceAccount exchanged at the cloud's own endpoint, not any server), cert-manager's Vault
 *   Issuer (R69's list), and other `.m.crossplane.io` providers that make Kubernetes objects.
 */
