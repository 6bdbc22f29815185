/**
 * Red team X: the seed's domain (admins, the owner, invitations, deactivation, tokens) as the
 * review judges it.
 */
import { describe, expect, it } from 'vitest';
import { baseSpec, diffOf, judge, user, type Spec } from './review/scenarios.ts';

/** What the review says of one person for an edit of `base`, their lines joined. */
const linesOf = (base: Spec, edit: (s: Spec) => void, email: string) =>
  diffOf(base, edit)
    .people.find((p) => p.id === email)
    ?.changes.map((c) => c.text)
    .join('; ') ?? '';

/** Namespace protection, as Argo CD applies it. */
const PROTECTION = { appliedBy: 'system:serviceaccount:argocd:argocd-application-controller' };

describe('X1: an admin’s own grants are privileges, though the w:full of being an admin covers them', () => {
  // The seed: administrators may not edit their own privileges. An admin's grants are bound beside
  // the w:full being one binds, and hold once they are no longer an admin ("keeps r:secrets" in the
  // demotion's review). The access lines judge effective access, which w:full covers: an admin
  // giving themselves levels showed no line at all, and passed alone.
  const give =
    (email: string, namespace = 'web') =>
    (s: Spec) => {
      s.spec.grants.push({ user: email, namespace, levels: ['r:secrets', 'w:configmaps'] });
    };

  it('an admin giving themselves levels fails self-edit, and the review says what they would hold', () => {
    expect(judge(baseSpec(), give('frank@acme.io'), { actors: ['frank'] }).failed).toContain('self-edit');
    expect(linesOf(baseSpec(), give('frank@acme.io'), 'frank@acme.io')).toMatch(/r:secrets, w:configmaps in web/);
  });

  it('levels given to another admin need a second admin, as any change of an admin’s privileges', () => {
    expect(judge(baseSpec(), give('dan@acme.io'), { actors: ['frank'] }).failed).toEqual(['admin-change-approval']);
    expect(judge(baseSpec(), give('dan@acme.io'), { actors: ['frank'], approvals: ['alice'] }).failed).toEqual([]);
  });

  it('in a namespace added with them too: the w:full there follows from the namespace, the grant does not', () => {
    const edit = (s: Spec) => {
      s.spec.namespaces.push({ name: 'ops' });
      give('frank@acme.io', 'ops')(s);
    };
    expect(judge(baseSpec(), edit, { actors: ['frank'] }).failed).toContain('self-edit');
    expect(linesOf(baseSpec(), edit, 'frank@acme.io')).toMatch(/r:secrets, w:configmaps in ops/);
  });
});

describe('X1, the class: whoever is an admin in head, their own grants are said', () => {
  // Made admin, reactivated or joining as one in the same change, their grants are covered by the
  // w:full those lines show: said too, so the approving admins see what holds once they are not.
  const withGrant = (s: Spec, email: string) =>
    s.spec.grants.push({ user: email, namespace: 'data', levels: ['r:secrets'] });

  it('a user made admin with a grant in the same change', () => {
    const edit = (s: Spec) => {
      user(s, 'bob@acme.io').admin = true;
      withGrant(s, 'bob@acme.io');
    };
    expect(linesOf(baseSpec(), edit, 'bob@acme.io')).toMatch(/is granted r:secrets in data: covered by w:full/);
  });

  it('a deactivated admin reactivated, whose grants were declared while deactivated', () => {
    const base = baseSpec();
    base.spec.users.push({ email: 'zed@acme.io', github: 'zed', admin: true, status: 'deactivated' });
    withGrant(base, 'zed@acme.io');
    const edit = (s: Spec) => {
      user(s, 'zed@acme.io').status = 'active';
    };
    expect(linesOf(base, edit, 'zed@acme.io')).toMatch(/is granted r:secrets in data: covered by w:full/);
  });

  it('an admin joining with a grant', () => {
    const edit = (s: Spec) => {
      s.spec.users.push({ email: 'zed@acme.io', github: 'zed', admin: true });
      withGrant(s, 'zed@acme.io');
    };
    expect(linesOf(baseSpec(), edit, 'zed@acme.io')).toMatch(/is granted r:secrets in data: covered by w:full/);
  });
});

describe('X2: who may rewrite a Namespace may lower its Pod Security, as a NetworkPolicy writer undoes same-namespace', () => {
  // Pod Security levels are the Namespace's labels: an update or patch of the Namespace (or of its
  // status or finalize subresource, red team R1) writes them. Without namespace protection nothing
  // refuses it, and it holds until Argo CD re-applies the Namespace. guard-rails fails a change
  // giving a non-admin writes of NetworkPolicies where same-namespace is declared (red team T2);
  // writes of the Namespace where Pod Security is declared passed with one admin alone.
  const railed = (s: Spec = baseSpec()): Spec => {
    s.spec.namespaces = [{ name: 'web', podSecurity: 'restricted' }, { name: 'data' }];
    return s;
  };
  // A non-admin may not hold these writes since R52-2 (an update of the Namespace deletes it by its
  // ownerReferences): a token an admin owns still may.
  const bobMay =
    (resource: string, verb: string, namespace = 'web') =>
    (s: Spec) => {
      s.spec.tokens.push({
        id: 'ns-writer',
        name: 'Namespace writer',
        namespaces: [],
        owner: 'dan@acme.io',
        rbac: [{ namespace, rules: [{ apiGroups: [''], resources: [resource], verbs: [verb] }] }],
      });
    };

  it.each([
    ['patch', 'namespaces'],
    ['update', 'namespaces/status'],
    ['update', 'namespaces/finalize'],
  ])('%s on %s where Pod Security is declared fails guard-rails alone', (verb, resource) => {
    expect(judge(railed(), bobMay(resource, verb), { actors: ['frank'] }).failed).toContain('guard-rails');
    expect(judge(railed(), bobMay(resource, verb), { actors: ['frank'], approvals: ['alice'] }).failed).toEqual([]);
  });

  it("the organization's default Pod Security is declared too", () => {
    const s = baseSpec();
    s.spec.namespaceDefaults = { podSecurity: 'baseline' };
    expect(judge(s, bobMay('namespaces', 'patch'), { actors: ['frank'] }).failed).toContain('guard-rails');
  });

  it('a new token with web (w:full there) fails guard-rails alone, as it does where same-namespace is declared', () => {
    const edit = (s: Spec) => {
      s.spec.tokens.push({ id: 'deploy', name: 'Deploy', namespaces: ['web'] });
    };
    expect(judge(railed(), edit, { actors: ['frank'] }).failed).toContain('guard-rails');
  });

  it('held: with namespace protection (it refuses label changes), or where no Pod Security is declared', () => {
    const protectedOrg = railed();
    protectedOrg.spec.namespaceProtection = PROTECTION;
    // The token itself asks another admin (admin-change-approval): guard-rails is what is held.
    expect(judge(protectedOrg, bobMay('namespaces', 'patch'), { actors: ['frank'] }).failed).not.toContain(
      'guard-rails',
    );
    expect(judge(railed(), bobMay('namespaces', 'patch', 'data'), { actors: ['frank'] }).failed).not.toContain(
      'guard-rails',
    );
  });
});

describe('X2, the class: a Namespace’s declared labels and annotations are guard rails of the same kind', () => {
  // A change of a namespace's labels or annotations weakens it as guard-rails judges it (tools
  // orgctl does not know act on them). Namespace protection refuses label changes only: an
  // annotation (OpenShift's UID range, a mesh's setting) is rewritten by whoever may update the Namespace.
  const org = (web: Record<string, unknown>, protection: boolean): Spec => {
    const s = baseSpec();
    s.spec.namespaces = [{ name: 'web', ...web }, { name: 'data' }];
    if (protection) s.spec.namespaceProtection = PROTECTION;
    return s;
  };
  // A token an admin owns (a non-admin may not patch the Namespace since R52-2).
  const bobPatches = (s: Spec) => {
    s.spec.tokens.push({
      id: 'ns-writer',
      name: 'Namespace writer',
      namespaces: [],
      owner: 'dan@acme.io',
      rbac: [{ namespace: 'web', rules: [{ apiGroups: [''], resources: ['namespaces'], verbs: ['patch'] }] }],
    });
  };

  it('declared annotations, with or without namespace protection', () => {
    for (const protection of [false, true])
      expect(
        judge(org({ annotations: { 'acme.io/contact': 'web@acme.io' } }, protection), bobPatches, { actors: ['frank'] })
          .failed,
      ).toContain('guard-rails');
  });

  it('declared labels without namespace protection; with it, held', () => {
    expect(judge(org({ labels: { team: 'web' } }, false), bobPatches, { actors: ['frank'] }).failed).toContain(
      'guard-rails',
    );
    expect(judge(org({ labels: { team: 'web' } }, true), bobPatches, { actors: ['frank'] }).failed).not.toContain(
      'guard-rails',
    );
  });
});

describe('X1, the class: custom RBAC an admin gives themselves in a namespace added with it is theirs', () => {
  // Being an admin gives w:full in a namespace added, which the review marks as following from the
  // namespace (`as an admin`, not an edit). A custom role or inline rules bound to the admin there
  // come from a grant, and hold once they are no longer an admin: marked so too, self-edit passed them.
  const inOps = (grant: Record<string, unknown>) => (s: Spec) => {
    s.spec.customRoles = [{ name: 'peek', rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }] }];
    s.spec.namespaces.push({ name: 'ops' });
    s.spec.grants.push({ user: 'frank@acme.io', namespace: 'ops', ...grant });
  };

  it.each([
    ['inline rules', { rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] }],
    ['a custom role', { customRole: 'peek' }],
  ])('%s fail self-edit, and are not said to follow from being an admin', (_what, grant) => {
    expect(judge(baseSpec(), inOps(grant), { actors: ['frank'] }).failed).toContain('self-edit');
    const frank = diffOf(baseSpec(), inOps(grant)).people.find((p) => p.id === 'frank@acme.io')!;
    expect(frank.changes.find((c) => c.kind === 'gains-role')?.implied).toBeUndefined();
  });

  it('held: the w:full of a namespace added follows from it, for every admin', () => {
    const edit = (s: Spec) => {
      s.spec.namespaces.push({ name: 'ops' });
    };
    expect(judge(baseSpec(), edit, { actors: ['frank'] }).failed).toEqual([]);
  });
});
