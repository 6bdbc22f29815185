/**
 * Red team K: adoption (`orgctl import` of a cluster's RBAC dump or of orgctl's own output, and the
 * cluster Argo CD makes of it). Argo CD prunes only what it tracks: after adoption the cluster holds
 * the dump's objects, with the output's written over any of the same kind, namespace and name. Each
 * test failed on the code it was written against.
 *
 * K1: the membership lists (`orgctl-users`, `-2`, ...) were read from ConfigMaps of any namespace:
 *     a namespace admin's `orgctl-users-7` in their own namespace, in a dump that holds ConfigMaps,
 *     made a deactivated user an active admin, and the report said nothing.
 * K2: an `orgctl-organization` ConfigMap outside its organization's system namespace made the real
 *     one ambiguous, and import then dropped the whole membership without a word (deactivated
 *     users, grants' end dates...): membership that cannot be read is now said.
 * R9-2 (R9's review of K): one in a namespace named `<x>-system`, or one that cannot be read in any
 *     namespace, still made it ambiguous, so import still dropped it (now said): each is now judged
 *     on its own, as K7 judges the only one, and is said and not read unless orgctl wrote it.
 * K3: a token ServiceAccount read back without membership lost its rotation (`token-ci-r2` became
 *     token `ci`, whose ServiceAccount is `token-ci`): its access moved to another ServiceAccount
 *     unsaid, and when `token-ci` existed too, whichever came first took the id, so `token-ci`'s
 *     holder got `token-ci-r2`'s access. Likewise a ServiceAccount of another namespace could be
 *     given the id of an existing `token-<id>` ServiceAccount.
 * K4: a user's inline rules from a second Role (orgctl names a user's rules `<org>:custom:<email>`)
 *     were dropped without a word: only the first Role's rules were kept. They are said (added to
 *     the user's own, they would be written over that Role for whatever else binds it).
 * K5: Roles named as orgctl names its own (`<org>:token:<id>`, `<org>:custom:<name>`) with other
 *     rules were written over on adoption: a namespace admin who binds a Group to such a Role of
 *     harmless rules gets whatever the token or custom role of that name holds (a ServiceAccount's
 *     secrets reader, bound by someone else), past Kubernetes' escalation check. A level's
 *     ClusterRole of that name with other rules is said (its rules change for the bindings left).
 *     A live token's own Role name (`<org>:token:<id>`) bound to others with other rules: the
 *     token's rules there are said and left out (its id, its ServiceAccount's, cannot change).
 *     test/properties/import-adoption.test.ts is the class: the dump with the output written over it.
 * K6: a ServiceAccount bound in the organization's system namespace became a token with access
 *     there, a spec orgctl refuses (init then creates nothing): it is said and left out, as a user's is.
 * K7: membership ConfigMaps were taken as orgctl's output wherever `orgctl-organization` sat in a
 *     namespace named `<its org>-system`: a namespace admin of `gatekeeper-system` could name
 *     themselves an admin (or an admin invitee) of any organization imported with `--org`. orgctl
 *     writes every level's ClusterRole beside its membership, which no namespace admin can write:
 *     membership without `<org>:w:full` is not read, and that is said.
 * K9: a ServiceAccount of another namespace named like a rotation (`web/ci-r2`) became token
 *     `web-ci-r2`, an id orgctl refuses: a namespace admin could make every adoption fail (init
 *     creates nothing). Such an id gets `-sa`.
 * K10: a dump of a cluster running Argo CD (every cluster orgctl delivers to) holds its namespace,
 *     `argocd`: import declared it, and orgctl refuses a spec declaring Argo CD's namespace
 *     (undeployable-namespace), so `init --import` created nothing. Argo CD's namespace (the
 *     membership's, else `argocd`) is no organization's, as Kubernetes' own are, and its
 *     ServiceAccounts are no tokens.
 * K8: the dump's RoleBindings the import carries over stay in the cluster (Argo CD prunes only what
 *     it applied): access removed in orgctl after adoption stays through them, and the review, which
 *     reads dist/, says it is gone. Nothing said so: import now lists them, to delete once synced.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importRbac } from '../review/import.ts';
import { loadManifests } from '../cli/manifests.ts';
import { Authorizer, userInfo, serviceAccountUser } from '../analysis/authorizer.ts';
import { readRbac, type ManifestDoc } from '../analysis/objects.ts';
import { accessOf, adopted, binding, clusterRole, dump as docs, ns, role, synthDocs } from './review/import-access.ts';
import { ROOT } from './helpers.ts';

const RBAC = 'rbac.authorization.k8s.io/v1';
const OWNER = 'root@acme.io';
const sa = (namespace: string, name: string) => ({ kind: 'ServiceAccount', name, namespace });
const SECRETS_GET = [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }];
const CONFIGMAPS_GET = [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }];

const may = (
  cluster: readonly ManifestDoc[],
  who: { name: string; groups?: string[] },
  verb: string,
  resource: string,
  namespace: string,
) =>
  new Authorizer(readRbac(cluster)).authorize(userInfo(who.name, who.groups), {
    verb,
    namespace,
    apiGroup: '',
    resource,
  }).allowed;

const distDocs = () => loadManifests(join(ROOT, 'dist')).docs;
const configMap = (namespace: string, name: string, data: Record<string, string>): ManifestDoc => ({
  file: 'configmaps.yaml',
  index: 0,
  object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data },
});

describe('K1/K2: membership data is the system namespace’s alone', () => {
  it('K1: a users list in another namespace makes nobody an admin, and undoes no deactivation', () => {
    const forged = configMap('web', 'orgctl-users-7', {
      'users.jsonl': `${JSON.stringify({ email: 'mallory@acme.io', username: 'mallory@acme.io', admin: true, billing: false, status: 'active' })}\n`,
    });
    const { spec } = importRbac([...distDocs(), forged]);
    expect(spec.spec.users!.find((u) => u.email === 'mallory@acme.io')).toEqual({
      email: 'mallory@acme.io',
      github: 'mallory',
      status: 'deactivated',
    });
  });

  it('K2: an orgctl-organization elsewhere is not the organization’s; membership that cannot be read is said', () => {
    const organization = (name: string) =>
      JSON.stringify({ name, owner: 'mallory@acme.io', namespaces: ['web'], clusters: [] });
    const elsewhere = configMap('web', 'orgctl-organization', { 'organization.json': organization('acme') });
    const withIt = importRbac([...distDocs(), elsewhere]);
    expect(withIt.spec.spec.owner).toBe('alice@acme.io');
    expect(withIt.spec.spec.users!.find((u) => u.email === 'mallory@acme.io')?.status).toBe('deactivated');
    // Another organization's in its own system namespace, without its ClusterRoles: said, and not
    // read (R9-2: it made the real membership ambiguous, and import dropped it).
    const other = configMap('shop-system', 'orgctl-organization', { 'organization.json': organization('shop') });
    const { spec, report } = importRbac([...distDocs(), other]);
    expect(spec.spec.owner).toBe('alice@acme.io');
    expect(report[0]).toMatch(/^orgctl-organization in shop-system names organization shop, but .*so not read$/);
  });
});

describe('K7: membership data is read only beside what orgctl writes with it', () => {
  it('a namespace admin’s orgctl-organization in gatekeeper-system makes nobody an admin of a foreign dump', () => {
    const input = [
      ...docs(ns('web'), ns('gatekeeper-system')),
      configMap('gatekeeper-system', 'orgctl-organization', {
        'organization.json': JSON.stringify({ name: 'gatekeeper', owner: 'mallory@x.io', namespaces: ['web'] }),
      }),
      configMap('gatekeeper-system', 'orgctl-users', {
        'users.jsonl': `${JSON.stringify({ email: 'mallory@x.io', username: 'mallory@x.io', admin: true, status: 'active' })}\n`,
      }),
      configMap('gatekeeper-system', 'orgctl-invites', {
        'invites.jsonl': `${JSON.stringify({ email: 'eve@x.io', admin: true, sso: false, state: 'pending', grants: [] })}\n`,
      }),
    ];
    const { spec, report } = importRbac(input, { org: 'acme', owner: OWNER });
    expect(spec.spec.users).toEqual([{ email: OWNER, admin: true }]);
    expect(spec.spec.invites).toBeUndefined();
    expect(report[0]).toMatch(
      /^the membership data \(orgctl-organization in gatekeeper-system names organization gatekeeper, but the input holds no ClusterRole gatekeeper:w:full/,
    );
  });
});

describe('K8: the dump’s bindings stay after adoption, and that is said', () => {
  it('removing access in orgctl after adoption leaves what the dump’s RoleBindings grant: import says to delete them', () => {
    const input = docs(
      ns('web'),
      role('web', 'reader', CONFIGMAPS_GET),
      binding('web', 'viewers', { kind: 'Role', name: 'reader' }, [{ kind: 'User', name: 'bob@acme.io' }]),
    );
    const { spec, losses } = importRbac(input, { org: 'org', owner: OWNER });
    // The first change after adoption removes bob; Argo CD prunes what it applied, not the dump's binding.
    const removed = { ...spec, spec: { ...spec.spec, grants: [] } };
    expect(may(adopted(input, synthDocs(removed)), { name: 'bob@acme.io' }, 'get', 'configmaps', 'web')).toBe(true);
    expect(losses).toContainEqual(
      expect.stringMatching(
        /^the input's own RoleBindings \(web\/viewers\) into orgctl's care: Argo CD prunes only what it applied, so they stay beside the output's and keep granting/,
      ),
    );
  });
});

describe('K3: a token keeps its ServiceAccount, and no ServiceAccount is given another’s', () => {
  it('token-ci-r2 read back without membership keeps its name, or says it moves; token-ci does not get its access', () => {
    const input = docs(
      ns('web'),
      role('web', 'secrets', SECRETS_GET),
      role('web', 'configmaps', CONFIGMAPS_GET),
      binding('web', 'a', { kind: 'Role', name: 'secrets' }, [sa('org-system', 'token-ci-r2')]),
      binding('web', 'b', { kind: 'Role', name: 'configmaps' }, [sa('org-system', 'token-ci')]),
    );
    const { spec, report, otherwise } = importRbac(input, { org: 'org', owner: OWNER });
    const after = adopted(input, synthDocs(spec));
    const account = (name: string) => ({ name: serviceAccountUser('org-system', name) });
    expect(may(after, account('token-ci'), 'get', 'secrets', 'web')).toBe(false);
    expect(may(after, account('token-ci'), 'get', 'configmaps', 'web')).toBe(true);
    // Both are token ci (an id cannot end in -r<n>): the unrotated name keeps it, the other's move is said.
    expect(report).toEqual([]);
    expect(otherwise).toEqual([
      expect.stringMatching(
        /^ServiceAccount org-system\/token-ci-r2: token id ci is another ServiceAccount's; imported as token ci-2: its access moves to ServiceAccount org-system\/token-ci-2, and whatever runs as org-system\/token-ci-r2 loses it/,
      ),
    ]);
    // Alone, it keeps its ServiceAccount: token ci at rotation 2.
    const alone = importRbac(input.slice(0, 4), { org: 'org', owner: OWNER });
    expect(alone.spec.spec.tokens).toMatchObject([{ id: 'ci', rotation: 2 }]);
    expect([...alone.report, ...alone.otherwise]).toEqual([]);
    expect(may(adopted(input, synthDocs(alone.spec)), account('token-ci-r2'), 'get', 'secrets', 'web')).toBe(true);
  });

  it('a ServiceAccount of another namespace is never given the id of an existing token-<id> ServiceAccount', () => {
    const input = docs(
      ns('web'),
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'token-web-deployer', namespace: 'org-system' } },
      role('web', 'secrets', SECRETS_GET),
      binding('web', 'a', { kind: 'Role', name: 'secrets' }, [sa('web', 'deployer')]),
    );
    const { spec, report, otherwise } = importRbac(input, { org: 'org', owner: OWNER });
    const after = adopted(input, synthDocs(spec));
    expect(may(after, { name: serviceAccountUser('org-system', 'token-web-deployer') }, 'get', 'secrets', 'web')).toBe(
      false,
    );
    expect(report).toEqual([]);
    expect(otherwise).toEqual([
      expect.stringMatching(
        /^ServiceAccount web\/deployer: token id web-deployer is another ServiceAccount's; imported as token web-deployer-2: /,
      ),
    ]);
  });
});

describe('K9: no ServiceAccount name makes the import one orgctl refuses', () => {
  it('a ServiceAccount named like a rotation (ci-r2) becomes a token id orgctl accepts', () => {
    const input = docs(
      ns('web'),
      role('web', 'reader', CONFIGMAPS_GET),
      binding('web', 'ci', { kind: 'Role', name: 'reader' }, [sa('web', 'ci-r2')]),
    );
    const { spec, report, otherwise } = importRbac(input, { org: 'org', owner: OWNER });
    const after = adopted(input, synthDocs(spec));
    expect(
      may(after, { name: serviceAccountUser('org-system', 'token-web-ci-r2-sa') }, 'get', 'configmaps', 'web'),
    ).toBe(true);
    expect(report).toEqual([]);
    expect(otherwise).toEqual([expect.stringMatching(/^ServiceAccount web\/ci-r2: imported as token web-ci-r2-sa: /)]);
  });
});

describe('K10: a cluster that delivers with Argo CD can be adopted', () => {
  it('Argo CD’s namespace and accounts are not the organization’s: said, and the spec synthesizes', () => {
    const input = docs(
      ns('argocd'),
      ns('web'),
      role('argocd', 'argocd-server', CONFIGMAPS_GET),
      binding('argocd', 'argocd-server', { kind: 'Role', name: 'argocd-server' }, [sa('argocd', 'argocd-server')]),
      role('web', 'reader', CONFIGMAPS_GET),
      binding('web', 'readers', { kind: 'Role', name: 'reader' }, [
        { kind: 'User', name: 'bob@acme.io' },
        sa('argocd', 'argocd-application-controller'),
      ]),
    );
    const { spec, report } = importRbac(input, { org: 'org', owner: OWNER });
    expect(() => synthDocs(spec)).not.toThrow();
    expect(spec.spec.namespaces).toEqual([{ name: 'web' }]);
    expect(report).toEqual([
      "RoleBinding argocd/argocd-server: namespace argocd is Argo CD's own namespace; not imported",
      "RoleBinding web/readers: ServiceAccount argocd/argocd-application-controller is Argo CD's own account; not imported",
    ]);
  });
});

describe('K3 (found by the adoption property): an existing ServiceAccount named only by a binding not imported', () => {
  it('token-web-ci, bound by a ClusterRoleBinding alone, does not get web/ci’s access', () => {
    const input = docs(
      ns('web'),
      role('web', 'secrets', SECRETS_GET),
      binding('web', 'a', { kind: 'Role', name: 'secrets' }, [sa('web', 'ci')]),
      clusterRole('lister', [{ apiGroups: [''], resources: ['namespaces'], verbs: ['list'] }]),
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'listers' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'lister' },
        subjects: [sa('org-system', 'token-web-ci')],
      },
    );
    const { spec } = importRbac(input, { org: 'org', owner: OWNER });
    const after = adopted(input, synthDocs(spec));
    expect(may(after, { name: serviceAccountUser('org-system', 'token-web-ci') }, 'get', 'secrets', 'web')).toBe(false);
  });
});

describe('K4: a user’s second role of inline rules is said, and written over nothing', () => {
  it('a second <org>:custom:<email> Role bound to the same user is said; a Group bound to theirs gets nothing more', () => {
    const extra = docs(
      clusterRole('acme:custom:erin@acme.io', SECRETS_GET),
      binding('web', 'more', { kind: 'ClusterRole', name: 'acme:custom:erin@acme.io' }, [
        { kind: 'User', name: 'dan@acme.io' },
      ]),
      binding('web', 'team', { kind: 'Role', name: 'acme:custom:dan@acme.io' }, [{ kind: 'Group', name: 'team' }]),
    );
    const input = [...distDocs(), ...extra];
    const { spec, report } = importRbac(input);
    expect(report).toContainEqual(
      'RoleBinding web/more: ClusterRole acme:custom:erin@acme.io holds inline rules, and dan@acme.io has inline rules of another role in web; not imported (declare it as a custom role)',
    );
    const after = adopted(input, synthDocs(spec));
    expect(may(after, { name: 'a-member', groups: ['team'] }, 'get', 'secrets', 'web')).toBe(false);
    // What dan@acme.io holds otherwise is carried over.
    expect(accessOf(synthDocs(spec))['dan@acme.io']).toEqual(accessOf(distDocs())['dan@acme.io']);
  });
});

describe('K5: adoption writes no Role over one of the dump’s with other rules', () => {
  const team = { name: 'mallory@x.io', groups: ['team'] };

  it('a Group bound to a Role named <org>:token:<id> does not get the token’s access', () => {
    const input = docs(
      ns('web'),
      role('web', 'deployer', SECRETS_GET),
      binding('web', 'deployer', { kind: 'Role', name: 'deployer' }, [sa('web', 'deployer')]),
      role('web', 'org:token:web-deployer', CONFIGMAPS_GET),
      binding('web', 'mine', { kind: 'Role', name: 'org:token:web-deployer' }, [{ kind: 'Group', name: 'team' }]),
    );
    expect(may(input, team, 'get', 'secrets', 'web')).toBe(false);
    const { spec } = importRbac(input, { org: 'org', owner: OWNER });
    expect(may(adopted(input, synthDocs(spec)), team, 'get', 'secrets', 'web')).toBe(false);
  });

  it('a user bound to a Role named as a live token’s rules does not get the token’s other rules', () => {
    // Found by test/properties/import-adoption.test.ts: token ci (token-ci-r2) is bound to a Role of
    // other rules; written as its own Role web/org:token:ci, they reached bob through his binding.
    const input = docs(
      ns('web'),
      role('web', 'org:token:ci', SECRETS_GET),
      role('web', 'reader', CONFIGMAPS_GET),
      binding('web', 'bob', { kind: 'Role', name: 'org:token:ci' }, [{ kind: 'User', name: 'bob@acme.io' }]),
      binding('web', 'ci', { kind: 'Role', name: 'reader' }, [sa('org-system', 'token-ci-r2')]),
    );
    const { spec, report } = importRbac(input, { org: 'org', owner: OWNER });
    expect(may(adopted(input, synthDocs(spec)), { name: 'bob@acme.io' }, 'get', 'configmaps', 'web')).toBe(false);
    expect(report).toContainEqual(
      expect.stringMatching(
        /^RoleBinding web\/ci: token ci: its rules in web would be written as Role web\/org:token:ci, over/,
      ),
    );
  });

  it('a Group bound to a Role named <org>:custom:<name> does not get the custom role of that name', () => {
    const input = docs(
      ns('web'),
      role('web', 'ops', SECRETS_GET),
      binding('web', 'bob-ops', { kind: 'Role', name: 'ops' }, [{ kind: 'User', name: 'bob@acme.io' }]),
      role('web', 'org:custom:ops', CONFIGMAPS_GET),
      binding('web', 'sneaky', { kind: 'Role', name: 'org:custom:ops' }, [{ kind: 'Group', name: 'team' }]),
    );
    expect(may(input, team, 'get', 'secrets', 'web')).toBe(false);
    const { spec } = importRbac(input, { org: 'org', owner: OWNER });
    const after = adopted(input, synthDocs(spec));
    expect(may(after, team, 'get', 'secrets', 'web')).toBe(false);
    expect(may(after, { name: 'bob@acme.io' }, 'get', 'secrets', 'web')).toBe(true);
  });

  it('a level’s ClusterRole name holding other rules is said: the output writes the level over it', () => {
    const input = docs(ns('web'), clusterRole('org:r:pods', CONFIGMAPS_GET), {
      apiVersion: RBAC,
      kind: 'ClusterRoleBinding',
      metadata: { name: 'team-pods' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'org:r:pods' },
      subjects: [{ kind: 'Group', name: 'team' }],
    });
    const { losses } = importRbac(input, { org: 'org', owner: OWNER });
    expect(losses).toContainEqual(
      expect.stringMatching(
        /^ClusterRole org:r:pods: its rules are not level r:pods's, .*ClusterRoleBinding team-pods give through it/,
      ),
    );
  });
});

describe('K6: the system namespace holds no token’s access', () => {
  it('a ServiceAccount bound there is said and left out; the spec synthesizes', () => {
    const input = docs(
      ns('web'),
      role('org-system', 'r', SECRETS_GET),
      binding('org-system', 'a', { kind: 'Role', name: 'r' }, [sa('web', 'ci')]),
    );
    const { spec, report } = importRbac(input, { org: 'org', owner: OWNER });
    expect(() => synthDocs(spec)).not.toThrow();
    expect(report).toContainEqual(
      expect.stringMatching(
        /^RoleBinding org-system\/a: ServiceAccount web\/ci's access in org-system, .*not imported$/,
      ),
    );
  });
});

describe('R9-1: names that collide at their length limit are told apart, and import ends', () => {
  // A renamed name was cut back to the length limit it was already at (`<57 characters>-2` is the
  // 57 characters again): the loop looking for a free one never ended, and `orgctl import` hung on
  // a dump a namespace admin can make (two long ServiceAccounts, two long Roles of other rules).
  /** importRbac of each input in a child process, killed after 20 s: the token ids and custom role names it gave. */
  function importedNames(inputs: readonly (readonly ManifestDoc[])[]): unknown {
    const code = `import { importRbac } from './review/import.ts';
const out = JSON.parse(process.argv[1]).map((input) => {
  const { spec } = importRbac(input, { org: 'org', owner: '${OWNER}' }).spec;
  return { tokens: (spec.tokens ?? []).map((t) => t.id), customRoles: (spec.customRoles ?? []).map((r) => r.name) };
});
console.log(JSON.stringify(out));`;
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', code, JSON.stringify(inputs)],
      {
        cwd: ROOT,
        timeout: 20_000,
        killSignal: 'SIGKILL',
        encoding: 'utf8',
      },
    );
    return r.status === 0 ? JSON.parse(r.stdout) : `exit ${r.status ?? r.signal}: ${r.stderr.slice(0, 300)}`;
  }
  const bindAccounts = (...names: string[]) =>
    docs(
      ns('web'),
      role('web', 'r', CONFIGMAPS_GET),
      binding(
        'web',
        'b',
        { kind: 'Role', name: 'r' },
        names.map((n) => sa('web', n)),
      ),
    );
  const longRole = 'x'.repeat(200);

  it('two ServiceAccounts of one 57-character id, two rotation-like ones, three 200-character Roles of other rules', () => {
    const [accounts, rotationLike, roles] = importedNames([
      bindAccounts(`${'a'.repeat(53)}1bbbbbb`, `${'a'.repeat(53)}2bbbbbb`),
      bindAccounts(`${'a'.repeat(50)}-r2`, `${'a'.repeat(50)}-r3`),
      docs(
        ...['web', 'shop', 'blog'].map((n) => ns(n)),
        role('web', longRole, CONFIGMAPS_GET),
        role('shop', longRole, SECRETS_GET),
        role('blog', longRole, [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]),
        ...['web', 'shop', 'blog'].map((n) =>
          binding(n, 'b', { kind: 'Role', name: longRole }, [{ kind: 'User', name: 'bob@acme.io' }]),
        ),
      ),
    ]) as { tokens: string[]; customRoles: string[] }[];
    for (const { tokens } of [accounts!, rotationLike!]) {
      expect(tokens).toHaveLength(2);
      expect(new Set(tokens).size).toBe(2);
      for (const id of tokens) expect(id.length).toBeLessThanOrEqual(57);
    }
    expect(roles!.customRoles).toHaveLength(3);
    expect(new Set(roles!.customRoles).size).toBe(3);
    for (const name of roles!.customRoles) expect(name.length).toBeLessThanOrEqual(200);
  }, 60_000);
});

describe('R9-2: a namespace admin’s orgctl-organization does not make import drop the real membership', () => {
  // Any orgctl-organization in a namespace named `<x>-system`, or one that could not be read in any
  // namespace, made the real membership ambiguous: import then went on from RBAC alone, and every
  // deactivated user of the organization came back active, every grant's end date was lost.
  const deactivatedStays = (input: readonly ManifestDoc[], options?: { org?: string }) => {
    const { spec, report } = importRbac(input, options);
    expect(spec.spec.owner).toBe('alice@acme.io');
    expect(spec.spec.users!.find((u) => u.email === 'mallory@acme.io')?.status).toBe('deactivated');
    expect(report.filter((l) => l.startsWith('the membership data ('))).toEqual([]);
    return report;
  };

  it('one in <x>-system naming organization x, without x’s ClusterRoles, is said and not read', () => {
    const forged = configMap('gatekeeper-system', 'orgctl-organization', {
      'organization.json': JSON.stringify({ name: 'gatekeeper', owner: 'mallory@acme.io', namespaces: ['web'] }),
    });
    const report = deactivatedStays([...distDocs(), forged]);
    expect(report).toContainEqual(
      expect.stringMatching(
        /^orgctl-organization in gatekeeper-system names organization gatekeeper, but the input holds no ClusterRole gatekeeper:w:full with level w:full's rules, .*so not read$/,
      ),
    );
  });

  it('one that cannot be read, in a team’s namespace or in <x>-system, is said and not read', () => {
    for (const namespace of ['web', 'gatekeeper-system']) {
      const unreadable = configMap(namespace, 'orgctl-organization', { 'organization.json': '{not json' });
      const report = deactivatedStays([...distDocs(), unreadable]);
      expect(report).toContainEqual(
        expect.stringMatching(new RegExp(`^orgctl-organization in ${namespace} cannot be read, .*so not read$`)),
      );
    }
  });

  it('two organizations’ own output: neither is chosen alone, and --org chooses', () => {
    const shop = synthDocs({
      apiVersion: 'orgctl/v1',
      kind: 'Organization',
      metadata: { name: 'shop' },
      spec: { owner: 'sam@shop.io', users: [{ email: 'sam@shop.io', admin: true }], namespaces: [{ name: 'cart' }] },
    } as never);
    const both = [...distDocs(), ...shop];
    expect(importRbac(both).report[0]).toMatch(/^the membership data \(.*more than one orgctl-organization/);
    deactivatedStays(both, { org: 'acme' });
    expect(importRbac(both, { org: 'shop' }).spec.spec.owner).toBe('sam@shop.io');
  });
});

describe('R9-3: Argo CD’s namespace is found in the dump, not assumed to be argocd', () => {
  // Without membership, Argo CD's namespace was taken to be `argocd`: a cluster where it runs in
  // another (`gitops`) had that namespace declared as the organization's, its ServiceAccounts
  // made tokens with their access there (Argo CD's cluster credentials are Secrets in it), and the
  // output's AppProject would then let the organization's Applications write into it.
  const clusterBinding = (name: string, subjects: object[]) => ({
    apiVersion: RBAC,
    kind: 'ClusterRoleBinding',
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
    subjects,
  });
  const gitopsCluster = (...extra: object[]) =>
    docs(
      ns('gitops'),
      ns('web'),
      clusterRole('argocd-application-controller', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]),
      clusterBinding('argocd-application-controller', [sa('gitops', 'argocd-application-controller')]),
      role('gitops', 'argocd-server', SECRETS_GET),
      binding('gitops', 'argocd-server', { kind: 'Role', name: 'argocd-server' }, [sa('gitops', 'argocd-server')]),
      role('web', 'reader', CONFIGMAPS_GET),
      binding('web', 'readers', { kind: 'Role', name: 'reader' }, [{ kind: 'User', name: 'bob@acme.io' }]),
      ...extra,
    );

  it('a ClusterRoleBinding of Argo CD’s application controller says where it runs: that namespace is no organization’s', () => {
    const { spec, report } = importRbac(gitopsCluster(), { org: 'org', owner: OWNER });
    expect(spec.spec.namespaces).toEqual([{ name: 'web' }]);
    expect(spec.spec.tokens).toBeUndefined();
    expect(report).toContainEqual(
      "RoleBinding gitops/argocd-server: namespace gitops is Argo CD's own namespace; not imported",
    );
    expect(report).toContainEqual(
      expect.stringMatching(
        /^Argo CD runs in gitops \(ClusterRoleBinding argocd-application-controller binds its ServiceAccount argocd-application-controller there\)/,
      ),
    );
  });

  it('a namespace admin’s RoleBinding of an argocd-application-controller account does not make their namespace Argo CD’s', () => {
    const forged = binding('web', 'argocd-application-controller', { kind: 'Role', name: 'reader' }, [
      sa('web', 'argocd-application-controller'),
    ]);
    const { spec } = importRbac(gitopsCluster(forged), { org: 'org', owner: OWNER });
    expect(spec.spec.namespaces).toEqual([{ name: 'web' }]);
  });
});

describe('R10 on R9-2: membership with no namespace (a file of a folder imported)', () => {
  /** A ConfigMap with no namespace, as a folder of manifests for `kubectl apply -n` holds. */
  const loose = (name: string, data: Record<string, string>): ManifestDoc => ({
    file: 'team-web/config.yaml',
    index: 0,
    object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data },
  });
  const malloryAdmin = () =>
    loose('orgctl-users', {
      'users.jsonl': `${JSON.stringify({ email: 'mallory@acme.io', username: 'mallory@acme.io', admin: true, billing: false, status: 'active' })}\n`,
    });
  const namingAcme = () =>
    loose('orgctl-organization', {
      'organization.json': JSON.stringify({ name: 'acme', owner: 'mallory@acme.io', namespaces: ['web'] }),
    });

  it('in hand-written manifests, beside no <org>:w:full ClusterRole, makes nobody an admin, and is said', () => {
    const input = [
      ...docs(
        ns('web'),
        role('web', 'reader', CONFIGMAPS_GET),
        binding('web', 'readers', { kind: 'Role', name: 'reader' }, [{ kind: 'User', name: 'bob@acme.io' }]),
      ),
      namingAcme(),
      malloryAdmin(),
    ];
    const { spec, report } = importRbac(input, { org: 'acme', owner: OWNER });
    expect(spec.spec.users!.find((u) => u.email === 'mallory@acme.io')?.admin).toBeUndefined();
    expect(report[0]).toMatch(
      /^the membership data \(orgctl-organization with no namespace names organization acme, but the input holds no ClusterRole acme:w:full/,
    );
  });

  it('beside orgctl’s own output, does not make import drop the real membership, with --org or without', () => {
    for (const options of [{}, { org: 'acme' }]) {
      const { spec, report } = importRbac([...distDocs(), namingAcme()], options);
      expect(spec.spec.users!.find((u) => u.email === 'mallory@acme.io')?.status).toBe('deactivated');
      expect(report).toContainEqual(expect.stringMatching(/^orgctl-organization with no namespace\b.*not read$/));
    }
  });

  it('a users list with no namespace beside orgctl’s own output undoes no deactivation', () => {
    const { spec } = importRbac([
      ...distDocs(),
      { ...malloryAdmin(), object: { ...(malloryAdmin().object as object), metadata: { name: 'orgctl-users-7' } } },
    ]);
    expect(spec.spec.users!.find((u) => u.email === 'mallory@acme.io')?.status).toBe('deactivated');
  });
});

describe('R10 on R9-3: Argo CD in more than one namespace', () => {
  it('bound in argocd and in team-argo: no one namespace is declared as Argo CD’s, and both are no organization’s', () => {
    const crb = (name: string, namespace: string) => ({
      apiVersion: RBAC,
      kind: 'ClusterRoleBinding',
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'argocd-application-controller' },
      subjects: [sa(namespace, 'argocd-application-controller')],
    });
    const input = docs(
      ...['argocd', 'team-argo', 'web'].map((n) => ns(n)),
      clusterRole('argocd-application-controller', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]),
      crb('argocd-application-controller', 'argocd'),
      crb('team-argo-application-controller', 'team-argo'),
      role('web', 'reader', CONFIGMAPS_GET),
      binding('web', 'readers', { kind: 'Role', name: 'reader' }, [{ kind: 'User', name: 'bob@acme.io' }]),
    );
    const r = importRbac(input, { org: 'org', owner: OWNER });
    expect(r.argocdNamespace).toBeUndefined();
    expect(r.spec.spec.namespaces).toEqual([{ name: 'web' }]);
    expect(r.report).toContainEqual(expect.stringMatching(/^Argo CD runs in argocd and team-argo /));
  });
});
