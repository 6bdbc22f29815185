/**
 * `orgctl import` gives nobody more than the manifests it reads, and says what it cannot carry
 * over. Found by a red-team review: User names Kubernetes tells apart were folded into one person,
 * a foreign dump's w:full-like role in <org>-system made its holder an admin everywhere, and a
 * ServiceAccount of another namespace became a token without a word that its workloads lose it.
 */
import { describe, expect, it } from 'vitest';
import type { OrgSpec } from '../../constructs/spec.ts';
import { Authorizer, userInfo } from '../../analysis/authorizer.ts';
import { importRbac } from '../../review/import.ts';
import { readRbac, type ManifestDoc } from '../../analysis/objects.ts';
import { binding, clusterRole, dump, ns, role, synthDocs } from './import-access.ts';

/** Whether `user` may do `verb` on core `resource` in `namespace`, by the RBAC of `docs`. */
const may = (docs: readonly ManifestDoc[], user: string, verb: string, resource: string, namespace: string) =>
  new Authorizer(readRbac(docs)).authorize(userInfo(user), { verb, namespace, apiGroup: '', resource }).allowed;

const CM_WRITER = [{ apiGroups: [''], resources: ['configmaps'], verbs: ['create', 'update', 'patch', 'delete'] }];
const POD_READER = [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }];
const EVERYTHING = [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }];

describe('User names Kubernetes tells apart stay apart', () => {
  it('Bob@acme.io’s access is not given to bob@acme.io (usernames are case-sensitive)', () => {
    const input = dump(
      ns('web'),
      role('web', 'cm-writer', CM_WRITER),
      role('web', 'pod-reader', POD_READER),
      binding('web', 'writers', { kind: 'Role', name: 'cm-writer' }, [{ kind: 'User', name: 'Bob@acme.io' }]),
      binding('web', 'readers', { kind: 'Role', name: 'pod-reader' }, [{ kind: 'User', name: 'bob@acme.io' }]),
    );
    expect(may(input, 'bob@acme.io', 'create', 'configmaps', 'web')).toBe(false);
    const { spec, report, losses } = importRbac(input, { owner: 'root@acme.io' });
    const out = synthDocs(spec);
    // Either bob@acme.io gets only what the dump gives bob@acme.io, or the import says it merged two users.
    expect(may(out, 'bob@acme.io', 'create', 'configmaps', 'web')).toBe(false);
    expect([...report, ...losses]).toContainEqual(
      expect.stringMatching(/User Bob@acme\.io is not how orgctl names a person/),
    );
  });
});

describe('with an identity prefix, a binding to the bare email is another identity', () => {
  it('oidc:bob@acme.io does not gain what the dump gives the other identity bob@acme.io', () => {
    const own = synthDocs({
      apiVersion: 'orgctl/v1',
      kind: 'Organization',
      metadata: { name: 'acme' },
      spec: {
        owner: 'alice@acme.io',
        identity: { usernamePrefix: 'oidc:' },
        users: [{ email: 'alice@acme.io', admin: true }, { email: 'bob@acme.io' }],
        namespaces: [{ name: 'web' }],
        grants: [{ user: 'bob@acme.io', namespace: 'web', levels: ['r:pods'] }],
      },
    } as OrgSpec);
    const input = [
      ...own,
      ...dump(
        role('web', 'cm-writer', CM_WRITER),
        binding('web', 'writers', { kind: 'Role', name: 'cm-writer' }, [{ kind: 'User', name: 'bob@acme.io' }]),
      ),
    ];
    expect(may(input, 'oidc:bob@acme.io', 'create', 'configmaps', 'web')).toBe(false);
    const { spec, report, losses } = importRbac(input);
    const out = synthDocs(spec);
    expect(may(out, 'oidc:bob@acme.io', 'create', 'configmaps', 'web')).toBe(false);
    expect([...report, ...losses]).toContainEqual(
      expect.stringMatching(/User bob@acme\.io is not how orgctl names a person/),
    );
  });
});

describe("a foreign dump's <org>-system namespace makes nobody an admin", () => {
  it('mallory, bound in org-system only, gains nothing in web', () => {
    const input = dump(
      ns('web'),
      ns('org-system'),
      clusterRole('ns-owner', EVERYTHING),
      role('web', 'pod-reader', POD_READER),
      binding('org-system', 'owners', { kind: 'ClusterRole', name: 'ns-owner' }, [
        { kind: 'User', name: 'mallory@x.io' },
      ]),
      binding('web', 'readers', { kind: 'Role', name: 'pod-reader' }, [{ kind: 'User', name: 'bob@acme.io' }]),
    );
    expect(may(input, 'mallory@x.io', 'create', 'pods', 'web')).toBe(false);
    const { spec, report, losses } = importRbac(input, { owner: 'root@acme.io' });
    const out = synthDocs(spec);
    expect(may(out, 'mallory@x.io', 'create', 'pods', 'web')).toBe(false);
    expect([...report, ...losses]).toContainEqual(
      expect.stringMatching(/mallory@x\.io's access in org-system, .*not imported/),
    );
  });
});

describe('a ServiceAccount of another namespace imported as a token: its workloads lose its access, and import says so', () => {
  it('ci/deployer’s access in web is kept, or its loss is said', () => {
    const input = dump(
      ns('web'),
      ns('ci'),
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'deployer', namespace: 'ci' } },
      role('web', 'cm-reader', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }]),
      binding('web', 'deploy', { kind: 'Role', name: 'cm-reader' }, [
        { kind: 'ServiceAccount', name: 'deployer', namespace: 'ci' },
      ]),
    );
    const sa = 'system:serviceaccount:ci:deployer';
    expect(may(input, sa, 'get', 'configmaps', 'web')).toBe(true);
    const { spec, otherwise } = importRbac(input, { owner: 'root@acme.io' });
    const out = synthDocs(spec);
    expect(may(out, sa, 'get', 'configmaps', 'web')).toBe(false);
    expect(otherwise).toContainEqual(
      expect.stringMatching(
        /^ServiceAccount ci\/deployer: imported as token ci-deployer: its access moves to .*, and whatever runs as ci\/deployer loses it/,
      ),
    );
  });
});
