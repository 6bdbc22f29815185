/** One scenario per rule, each with a pull request that passes and one that fails. */
import { describe, expect, it } from 'vitest';
import { diffSnapshots } from '../../analysis/diff.ts';
import { CHANGE_RULES, OVERRIDABLE_RULES, review } from '../../review/review.ts';
import { TODAY } from '../helpers.ts';
import { baseSpec, diffOf, judge, snapshotOf, user, type Spec } from './scenarios.ts';

const bobGetsConfigmaps = (s: ReturnType<typeof baseSpec>) =>
  s.spec.grants.push({ user: 'bob@acme.io', namespace: 'web', levels: ['w:configmaps'] });

describe('change rules', () => {
  it('every rule has scenarios below', () => {
    expect(CHANGE_RULES.map((r) => r.id)).toEqual([
      'actor-not-admin',
      'self-edit',
      'admin-change-approval',
      'owner-immutable',
      'mass-removal',
      'cluster-removal',
      'engine-change',
      'repository-tree', // repository-tree.test.ts
      'settings-change',
      'guard-rails',
      'argocd-identity-base', // its scenarios: argocd-identity-base.test.ts
      'system-namespace-base', // system-namespace-base.test.ts
      'lookalike-identity', // lookalike-identity.test.ts
      'near-duplicate-user', // near-duplicate-user.test.ts
      'departing-admin-tokens', // redteam-r92.test.ts
      'deactivated-mailbox', // redteam-r92.test.ts
      'org-code', // org-code-review.test.ts
    ]);
  });

  describe('actor-not-admin', () => {
    it("fails: bob (not an admin) changes erin's access without an admin's approval", () => {
      const v = judge(
        baseSpec(),
        (s) => s.spec.grants.push({ user: 'erin@acme.io', namespace: 'data', levels: ['r:full'] }),
        { actors: ['bob'] },
      );
      expect(v.failed).toEqual(['actor-not-admin']);
      expect(v.results.find((r) => r.rule === 'actor-not-admin')!.message).toMatch(
        /^bob is not an admin in base: an admin who is not an author must approve/,
      );
    });
    it("passes with alice's approval", () => {
      const v = judge(
        baseSpec(),
        (s) => s.spec.grants.push({ user: 'erin@acme.io', namespace: 'data', levels: ['r:full'] }),
        { actors: ['bob'], approvals: ['alice'] },
      );
      expect(v.ok).toBe(true);
    });
    it("a non-admin's approval does not count, nor an unknown login's", () => {
      const v = judge(
        baseSpec(),
        (s) => s.spec.grants.push({ user: 'erin@acme.io', namespace: 'data', levels: ['r:full'] }),
        { actors: ['bob'], approvals: ['gina', 'mallory'] },
      );
      expect(v.failed).toEqual(['actor-not-admin']);
    });
    it("an author's own approval does not count", () => {
      const v = judge(
        baseSpec(),
        (s) => s.spec.grants.push({ user: 'erin@acme.io', namespace: 'data', levels: ['r:full'] }),
        { actors: ['bob', 'alice'], approvals: ['alice'] },
      );
      expect(v.failed).toContain('actor-not-admin');
    });
  });

  describe('self-edit', () => {
    it('fails: admin alice gives herself billing access, whatever the approvals', () => {
      const v = judge(baseSpec(), (s) => (user(s, 'alice@acme.io').billing = true), {
        actors: ['alice'],
        approvals: ['frank', 'dan'],
      });
      expect(v.failed).toEqual(['self-edit']);
      expect(v.results.find((r) => !r.ok)!.message).toBe(
        'alice@acme.io is an author of this change and changes their own privileges: gains billing access. An admin who is not an author of it must make this change.',
      );
    });
    it('passes: frank gives alice billing, approved by dan', () => {
      expect(
        judge(baseSpec(), (s) => (user(s, 'alice@acme.io').billing = true), { actors: ['frank'], approvals: ['dan'] })
          .ok,
      ).toBe(true);
    });
    it('fails: bob widens the token he owns', () => {
      const v = judge(baseSpec(), (s) => s.spec.tokens[1].namespaces.push('web'), {
        actors: ['bob'],
        approvals: ['alice'],
      });
      expect(v.failed).toEqual(['self-edit']);
      expect(v.results.find((r) => !r.ok)!.message).toMatch(
        /^token bots belongs to bob@acme.io, an author of this change: namespaces data → data, web; gains r:full in web/,
      );
    });
    it('fails: a commit author changes their own grant, even when an admin opened the pull request', () => {
      const v = judge(baseSpec(), bobGetsConfigmaps, { actors: ['alice', 'bob'], approvals: ['frank'] });
      expect(v.failed).toEqual(['self-edit']);
    });
  });

  describe('admin-change-approval: custody of an admin-grade token', () => {
    const ci = (s: Spec) => s.spec.tokens.find((t: { id: string }) => t.id === 'ci');
    it("fails: frank alone makes alice's w:full token organization-owned, rotates it, or lifts its expiry", () => {
      // A handover is rotated (else the old owner keeps the token value: it fails whatever the approvals).
      const handOver = (s: Spec, owner?: string) => {
        if (owner) ci(s).owner = owner;
        else delete ci(s).owner;
        ci(s).rotation = 1;
      };
      for (const edit of [
        (s: Spec) => handOver(s),
        (s: Spec) => (ci(s).rotation = 1),
        (s: Spec) => handOver(s, 'frank@acme.io'),
      ]) {
        const v = judge(baseSpec(), edit, { actors: ['frank'] });
        expect(v.failed).toContain('admin-change-approval');
        expect(v.results.find((r) => r.rule === 'admin-change-approval' && !r.ok)!.message).toMatch(
          /^token ci \(access reserved for admins in web\): .*an admin-grade change/,
        );
      }
      const withExpiry = baseSpec();
      ci(withExpiry).expires = '2031-01-01';
      expect(judge(withExpiry, (s) => delete ci(s).expires, { actors: ['frank'] }).failed).toContain(
        'admin-change-approval',
      );
    });
    it("passes with dan's approval; an earlier expiry is no admin-grade change", () => {
      const toOrganization = (s: Spec) => {
        delete ci(s).owner;
        ci(s).rotation = 1;
      };
      expect(judge(baseSpec(), toOrganization, { actors: ['frank'], approvals: ['dan'] }).ok).toBe(true);
      // Unrotated, alice keeps the token value: no approval changes that.
      expect(judge(baseSpec(), (s) => delete ci(s).owner, { actors: ['frank'], approvals: ['dan'] }).failed).toEqual([
        'admin-change-approval',
      ]);
      expect(judge(baseSpec(), (s) => (ci(s).expires = '2027-01-01'), { actors: ['frank'] }).failed).not.toContain(
        'admin-change-approval',
      );
    });
  });

  describe('admin-change-approval', () => {
    it('fails: admin alice makes bob admin with no other approval', () => {
      const v = judge(baseSpec(), (s) => Object.assign(user(s, 'bob@acme.io'), { admin: true, githubId: 4000007 }), {
        actors: ['alice'],
      });
      expect(v.failed).toEqual(['admin-change-approval']);
      expect(v.results.find((r) => !r.ok)!.message).toMatch(
        /^bob@acme.io \(made admin\): becomes admin; gains w:full in acme-system, data, web|^bob@acme.io \(made admin\): becomes admin/,
      );
    });
    it("passes with dan's approval (an admin, not an author, not bob)", () => {
      expect(
        judge(baseSpec(), (s) => Object.assign(user(s, 'bob@acme.io'), { admin: true, githubId: 4000007 }), {
          actors: ['alice'],
          approvals: ['dan'],
        }).ok,
      ).toBe(true);
    });
    it("bob's own approval of his promotion does not count", () => {
      expect(
        judge(baseSpec(), (s) => Object.assign(user(s, 'bob@acme.io'), { admin: true, githubId: 4000007 }), {
          actors: ['alice'],
          approvals: ['bob'],
        }).failed,
      ).toEqual(['admin-change-approval']);
    });
    it('fails: bob (non-admin) adds himself to the admins; base says bob is not admin', () => {
      const v = judge(baseSpec(), (s) => Object.assign(user(s, 'bob@acme.io'), { admin: true, githubId: 4000007 }), {
        actors: ['bob'],
      });
      expect(v.ok).toBe(false);
      expect(v.failed).toEqual(['actor-not-admin', 'self-edit', 'admin-change-approval']);
    });
    it("fails: a change to admin frank's access approved only by frank", () => {
      const v = judge(baseSpec(), (s) => (user(s, 'frank@acme.io').billing = true), {
        actors: ['alice'],
        approvals: ['frank'],
      });
      expect(v.failed).toEqual(['admin-change-approval']);
    });
    it('inviting an admin needs the same approval', () => {
      const invite = (s: ReturnType<typeof baseSpec>) =>
        (s.spec.invites = [{ email: 'zed@acme.io', admin: true, sso: true }]);
      expect(judge(baseSpec(), invite, { actors: ['alice'] }).failed).toEqual(['admin-change-approval']);
      expect(judge(baseSpec(), invite, { actors: ['alice'], approvals: ['frank'] }).ok).toBe(true);
    });
  });

  describe('owner-immutable', () => {
    it.each([
      ['moved to another account', (u: { github?: string }) => (u.github = 'mallory')],
      ['removed', (u: { github?: string }) => delete u.github],
    ])("fails: the owner's GitHub login %s, even by two other admins (a red team)", (_, edit) => {
      const v = judge(baseSpec(), (s) => void edit(user(s, 'alice@acme.io')), {
        actors: ['frank'],
        approvals: ['dan'],
      });
      expect(v.failed).toEqual(['owner-immutable']);
      expect(v.results.find((r) => !r.ok)!.message).toMatch(
        /^the owner's GitHub login changes alice → (mallory|\(none\)): whoever holds it acts and approves as the owner; only support can change the owner$/,
      );
    });

    it("passes: the owner's GitHub login written in other case (the same account)", () => {
      const v = judge(baseSpec(), (s) => void (user(s, 'alice@acme.io').github = 'Alice'), {
        actors: ['frank'],
        approvals: ['dan'],
      });
      expect(v.results.find((r) => r.rule === 'owner-immutable')).toMatchObject({ ok: true });
    });

    it("fails: frank demotes the owner, even with dan's approval", () => {
      const v = judge(
        baseSpec(),
        (s) => {
          s.spec.owner = 'frank@acme.io';
          user(s, 'alice@acme.io').admin = false;
          // A token with w:full needs an admin owner (forbidden-grant): it becomes the organization's,
          // rotated (alice keeps the old token value otherwise).
          for (const t of s.spec.tokens)
            if (t.owner === 'alice@acme.io') {
              delete t.owner;
              t.rotation = 1;
            }
        },
        { actors: ['frank'], approvals: ['dan'] },
      );
      expect(v.failed).toEqual(['owner-immutable']);
      expect(v.results.filter((r) => !r.ok).map((r) => r.message)).toEqual([
        'the owner changes from alice@acme.io to frank@acme.io: only support can change the owner',
        'the owner alice@acme.io is demoted: only support can change the owner',
      ]);
    });
    it("fails: the owner deactivated (still declared an admin) in a head dist/ edited by hand, even by frank with dan's approval", () => {
      // Synthesis refuses declaring it (owner-admin), so only a dist/ written by hand says it:
      // the change rule holds whatever reaches it.
      const base = snapshotOf(baseSpec());
      const alice = base.users.get('alice@acme.io')!;
      const head = {
        ...base,
        users: new Map([...base.users, ['alice@acme.io', { ...alice, status: 'deactivated' as const }]]),
      };
      const v = review({
        base,
        head,
        diff: diffSnapshots(base, head, TODAY),
        today: TODAY,
        actors: ['frank'],
        approvals: ['dan'],
        changedPaths: ['dist/lga1/shard-00/resources.yaml'],
        overrides: [],
      });
      expect(v.results.filter((r) => r.rule === 'owner-immutable')).toEqual([
        {
          rule: 'owner-immutable',
          ok: false,
          message: 'the owner alice@acme.io is deactivated: only support can change the owner',
        },
      ]);
    });
    it('passes: the owner stays', () => {
      expect(
        judge(baseSpec(), bobGetsConfigmaps, { actors: ['frank'] }).results.find((r) => r.rule === 'owner-immutable')!
          .ok,
      ).toBe(true);
    });
  });

  describe('mass-removal', () => {
    const removeThree = (s: ReturnType<typeof baseSpec>) => {
      s.spec.grants = s.spec.grants.filter(
        (g: { user: string }) => !['bob@acme.io', 'erin@acme.io', 'gina@acme.io'].includes(g.user),
      );
    };
    it('fails: removing the access of 3 of 9 users (33%) without an override', () => {
      const v = judge(baseSpec(), removeThree, { actors: ['frank'], approvals: ['dan'] });
      expect(v.failed).toEqual(['mass-removal']);
      expect(v.results.find((r) => !r.ok)!.message).toMatch(
        /^removes access from 3 of 9 users \(33%\), 6 of 21 grants \(29%\), over the 25% limit: an explicit override/,
      );
    });
    it("fails: an override without an admin's approval", () => {
      expect(judge(baseSpec(), removeThree, { actors: ['frank'], overrides: ['mass-removal'] }).failed).toEqual([
        'mass-removal',
      ]);
    });
    it('passes: an override approved by an admin who is not an author', () => {
      expect(
        judge(baseSpec(), removeThree, { actors: ['frank'], approvals: ['dan'], overrides: ['mass-removal'] }).ok,
      ).toBe(true);
    });
    it('passes: removing 2 users stays under the minimum', () => {
      const two = (s: ReturnType<typeof baseSpec>) => {
        s.spec.grants = s.spec.grants.filter(
          (g: { user: string }) => !['bob@acme.io', 'erin@acme.io'].includes(g.user),
        );
      };
      expect(judge(baseSpec(), two, { actors: ['frank'] }).ok).toBe(true);
    });
    it('the threshold is read from base: a pull request cannot raise its own limit', () => {
      const v = judge(
        baseSpec(),
        (s) => {
          removeThree(s);
          s.spec.review = { massRemovalThreshold: 0.9 };
        },
        { actors: ['frank'] },
      );
      expect(v.failed).toEqual(['mass-removal', 'settings-change']);
    });
  });

  describe('cluster-removal', () => {
    const twoClusters = () => {
      const s = baseSpec();
      s.spec.clusters = ['lga1', 'ord1'];
      return s;
    };
    it("fails: a namespace leaves a cluster without an admin's approval, though no person line changes", () => {
      const v = judge(
        twoClusters(),
        (s) => (s.spec.namespaces = [{ name: 'web', clusters: ['lga1'] }, { name: 'data' }]),
        { actors: ['alice'] },
      );
      expect(v.failed).toEqual(['cluster-removal']);
      expect(v.results.find((r) => r.rule === 'cluster-removal')!.message).toBe(
        'namespace web leaves cluster ord1: needs an approval of the head commit from an admin who is not an author',
      );
    });
    it("passes with frank's approval; a removed cluster is judged the same way", () => {
      expect(
        judge(twoClusters(), (s) => (s.spec.namespaces = [{ name: 'web', clusters: ['lga1'] }, { name: 'data' }]), {
          actors: ['alice'],
          approvals: ['frank'],
        }).ok,
      ).toBe(true);
      expect(judge(twoClusters(), (s) => (s.spec.clusters = ['lga1']), { actors: ['alice'] }).failed).toEqual([
        'cluster-removal',
        'settings-change',
      ]);
      // Adding a cluster removes nothing, but it is a settings change, and every namespace without a
      // list of its own goes there: alice's own token ci (w:full in web) with it, so she neither
      // makes it (self-edit) nor is its second admin.
      expect(judge(twoClusters(), (s) => s.spec.clusters!.push('sfo1'), { actors: ['alice'] }).failed).toEqual([
        'self-edit',
        'admin-change-approval',
        'settings-change',
      ]);
      expect(
        judge(twoClusters(), (s) => s.spec.clusters!.push('sfo1'), { actors: ['frank'], approvals: ['dan'] }).ok,
      ).toBe(true);
    });
  });

  describe('engine-change', () => {
    it("fails: a change to policies/ without an admin's approval", () => {
      const v = judge(baseSpec(), bobGetsConfigmaps, {
        actors: ['alice'],
        changedPaths: ['org/org.ts', 'policies/org/forbidden-grant.ts'],
      });
      expect(v.failed).toEqual(['engine-change']);
      expect(v.results.find((r) => !r.ok)!.message).toBe(
        'changes policies/org/forbidden-grant.ts: outside org/ and dist/, an admin who is not an author must approve the head commit',
      );
    });
    it("passes with frank's approval", () => {
      expect(
        judge(baseSpec(), bobGetsConfigmaps, {
          actors: ['alice'],
          approvals: ['frank'],
          changedPaths: ['.github/workflows/orgctl.yaml'],
        }).ok,
      ).toBe(true);
    });
  });

  describe('settings-change', () => {
    it("fails: admin alice doubles the shards without another admin's approval, though no access changes", () => {
      const v = judge(baseSpec(), (s) => (s.spec.delivery = { shards: 64 }), { actors: ['alice'] });
      expect(v.failed).toEqual(['settings-change']);
      expect(v.results.find((r) => !r.ok)!.message).toBe(
        'settings change (shards 32 → 64): an admin who is not an author must approve the head commit',
      );
    });
    it("passes with frank's approval", () => {
      expect(
        judge(baseSpec(), (s) => (s.spec.delivery = { shards: 64 }), { actors: ['alice'], approvals: ['frank'] }).ok,
      ).toBe(true);
    });
    it('no override lifts it', () => {
      expect(OVERRIDABLE_RULES).not.toContain('settings-change');
      expect(
        judge(baseSpec(), (s) => (s.spec.sso = { enforced: true }), {
          actors: ['alice'],
          overrides: ['settings-change'],
        }).failed,
      ).toEqual(['settings-change']);
    });
  });

  describe('guard-rails', () => {
    const withQuota = (cpu: string) => (s: Spec) => {
      const ns = s.spec.namespaces as { name: string; quota?: Record<string, string> }[];
      ns[0]!.quota = { 'requests.cpu': cpu };
    };
    const base = () => {
      const s = baseSpec();
      withQuota('4')(s);
      return s;
    };
    it("fails: admin alice raises a namespace's quota without another admin's approval", () => {
      const v = judge(base(), withQuota('8'), { actors: ['alice'] });
      expect(v.failed).toEqual(['guard-rails']);
      expect(v.results.find((r) => !r.ok)!.message).toMatch(
        /^weakens guard rails \(\S+: ResourceQuota requests.cpu 4 → 8 \(weaker\)\): an admin who is not an author must approve the head commit/,
      );
    });
    it("passes with frank's approval; a smaller quota passes alone", () => {
      expect(judge(base(), withQuota('8'), { actors: ['alice'], approvals: ['frank'] }).ok).toBe(true);
      expect(judge(base(), withQuota('2'), { actors: ['alice'] }).ok).toBe(true);
    });
  });

  it('no actor: never a passing verdict', () => {
    expect(judge(baseSpec(), bobGetsConfigmaps, { actors: [] }).ok).toBe(false);
  });
});

describe('admins add and remove namespaces (the seed: admins create namespaces and the users who will have access)', () => {
  const oneAdmin = (): Spec => {
    const s = baseSpec();
    s.spec.users = s.spec.users.filter((u: { email: string }) => !['frank@acme.io', 'dan@acme.io'].includes(u.email));
    return s;
  };
  const addShop = (s: Spec) => {
    s.spec.namespaces.push({ name: 'shop' });
    s.spec.grants.push({ user: 'bob@acme.io', namespace: 'shop', levels: ['r:pods'] });
  };

  it.each([
    ['a one-admin organization', oneAdmin],
    ['a three-admin organization', baseSpec],
  ])('in %s, an admin adds a namespace with its users alone', (_, spec) => {
    const v = judge(spec(), addShop, { actors: ['alice'] });
    expect(v.failed).toEqual([]);
    // Every admin's w:full there still shows, as what it is.
    const d = diffOf(spec(), addShop);
    expect(d.people.find((p) => p.id === 'alice@acme.io')!.changes.map((c) => c.text)).toEqual([
      'gains w:full in shop (as an admin)',
      expect.stringMatching(/^can now run arbitrary pods, .* in shop \(as an admin\)$/),
    ]);
  });

  it('an admin removes a namespace: its admins lose nothing they hold as admins, its token moves with it', () => {
    const s = baseSpec();
    s.spec.tokens[0].namespaces = ['web', 'data'];
    s.spec.tokens[1].namespaces = ['web'];
    const dropData = (h: Spec) => {
      h.spec.namespaces = h.spec.namespaces.filter((n: { name: string }) => n.name !== 'data');
      h.spec.tokens[0].namespaces = ['web'];
    };
    const v = judge(s, dropData, { actors: ['alice'] });
    expect(v.failed).toEqual([]);
    const d = diffOf(s, dropData);
    expect(d.tokens.find((t) => t.id === 'ci')!.changes[0]!.text).toBe(
      'namespaces data, web → web (with its namespace)',
    );
    expect(d.stats.users.losing).toBe(0); // no admin counts as losing access
  });

  it('with a new usernamePrefix in the same change, an admin still holds w:full in a namespace added or removed as an admin', () => {
    // The prefix moves every identity (admin-change-approval, settings-change: two admins); it
    // adds nothing to what an admin holds as one, and takes nothing away.
    const prefix = (h: Spec) => void (h.spec.identity = { usernamePrefix: 'oidc:' });
    const who = { actors: ['orgctl-bot'], approvals: ['frank', 'dan'] };
    const added = (h: Spec) => {
      prefix(h);
      addShop(h);
    };
    expect(judge(baseSpec(), added, who).failed).toEqual([]);
    expect(diffOf(baseSpec(), added).people.find((p) => p.id === 'frank@acme.io')!.changes[1]!.text).toBe(
      'gains w:full in shop (as an admin)',
    );
    const s = baseSpec();
    s.spec.tokens[1].namespaces = ['web'];
    const removed = (h: Spec) => {
      prefix(h);
      h.spec.namespaces = h.spec.namespaces.filter((n: { name: string }) => n.name !== 'data');
    };
    expect(judge(s, removed, who).failed).toEqual([]);
    expect(diffOf(s, removed).stats.users.losing).toBe(0);
  });

  it('a namespace change does not hide an admin editing themself in the same change', () => {
    const v = judge(
      baseSpec(),
      (h) => {
        addShop(h);
        user(h, 'alice@acme.io').billing = true;
      },
      { actors: ['alice'] },
    );
    expect(v.failed).toContain('self-edit');
    expect(v.results.find((r) => r.rule === 'self-edit' && !r.ok)!.message).toMatch(
      /^alice@acme.io is an author of this change and changes their own privileges: gains billing access\./,
    );
  });

  it('an admin demoted in the same change is judged on everything, the new namespace included', () => {
    const v = judge(
      baseSpec(),
      (h) => {
        addShop(h);
        user(h, 'dan@acme.io').admin = false;
      },
      { actors: ['alice'] },
    );
    expect(v.results.find((r) => r.rule === 'admin-change-approval' && !r.ok)!.message).toMatch(
      // Every namespace dan held as an admin (base's three): shop is new, and he never held it.
      /^admin dan@acme.io: is no longer admin: loses w:full in every namespace \(3, acme-system included\)/,
    );
  });
});

describe('an organization gives as many eyes as it has admins (base decides how many)', () => {
  /** baseSpec with only the admins named kept as admins. */
  const withAdmins = (...keep: string[]): Spec => {
    const s = baseSpec();
    for (const u of s.spec.users) if (u.admin && !keep.includes(u.github)) u.admin = false;
    return s;
  };
  const makeBobAdmin = (h: Spec) => {
    Object.assign(user(h, 'bob@acme.io'), { admin: true, githubId: 4000007 });
  };

  it('one admin: that admin alone makes an admin-grade change, or approves one a member proposes', () => {
    expect(judge(withAdmins('alice'), makeBobAdmin, { actors: ['alice'] }).ok).toBe(true);
    const approved = judge(
      withAdmins('alice'),
      (h) => Object.assign(user(h, 'erin@acme.io'), { admin: true, githubId: 4000009 }),
      {
        actors: ['bob'],
        approvals: ['alice'],
      },
    );
    expect(approved.ok).toBe(true);
    expect(approved.results.find((r) => r.rule === 'admin-change-approval')!.message).toMatch(
      /; approved by alice, the organization's only admin$/,
    );
  });

  it("one admin: a member's change that lists the admin's commit among its authors still needs the admin's approval", () => {
    const v = judge(
      withAdmins('alice'),
      (h) => Object.assign(user(h, 'erin@acme.io'), { admin: true, githubId: 4000009 }),
      { actors: ['bob', 'alice'] },
    );
    expect(v.failed).toEqual(['actor-not-admin', 'admin-change-approval']);
  });

  it('one admin: settings and engine changes are that admin alone', () => {
    const v = judge(withAdmins('alice'), (h) => (h.spec.delivery = { shards: 64 }), {
      actors: ['alice'],
      changedPaths: ['org/org.ts', 'package.json'],
    });
    expect(v.ok).toBe(true);
  });

  it("two admins: a change to one is made by the other and approved by that one; neither alone, nor the other's approval of their own", () => {
    const billing = (h: Spec) => (user(h, 'frank@acme.io').billing = true);
    expect(judge(withAdmins('alice', 'frank'), billing, { actors: ['alice'], approvals: ['frank'] }).ok).toBe(true);
    expect(judge(withAdmins('alice', 'frank'), billing, { actors: ['alice'] }).failed).toEqual([
      'admin-change-approval',
    ]);
    // frank cannot make it (self-edit), whoever approves
    expect(judge(withAdmins('alice', 'frank'), billing, { actors: ['frank'], approvals: ['alice'] }).failed).toContain(
      'self-edit',
    );
  });

  it('two admins: a promotion still needs the other admin (the strict rule)', () => {
    expect(judge(withAdmins('alice', 'frank'), makeBobAdmin, { actors: ['alice'] }).failed).toEqual([
      'admin-change-approval',
    ]);
  });

  it("the only admin's own privileges: nobody can judge them", () => {
    const v = judge(withAdmins('alice'), (h) => (user(h, 'alice@acme.io').billing = true), {
      actors: ['bob'],
      approvals: ['alice'],
    });
    expect(v.results.find((r) => r.rule === 'admin-change-approval' && !r.ok)!.message).toMatch(
      /\(there is none: it concerns the organization's only admin, whom nobody else can judge: make a second admin first\)$/,
    );
  });
});

describe('tokens an author owns: only what gives them something is a self-edit', () => {
  const own = (s: Spec) => s.spec.tokens.find((t: { id: string }) => t.id === 'ci');
  it('rename, narrowing and removal are routine; new namespaces are a self-edit', () => {
    expect(judge(baseSpec(), (h) => (own(h).name = 'CI pipeline'), { actors: ['alice'] }).failed).toEqual([]);
    expect(
      judge(baseSpec(), (h) => (h.spec.tokens = h.spec.tokens.filter((t: { id: string }) => t.id !== 'ci')), {
        actors: ['alice'],
      }).failed,
    ).toEqual([]);
    expect(
      judge(baseSpec(), (h) => (own(h).namespaces = ['web', 'data']), { actors: ['alice'], approvals: ['frank'] })
        .failed,
    ).toEqual(['self-edit']);
  });
  it('levels narrowed (r:full to r:pods) are routine: the level kept is no gain, though it reads alone now', () => {
    const bots = (s: Spec) => s.spec.tokens.find((t: { id: string }) => t.id === 'bots');
    const narrow = (h: Spec) => void (bots(h).levels = ['r:pods']);
    expect(diffOf(baseSpec(), narrow).tokens.map((t) => [t.id, t.changes.map((c) => c.kind)])).toEqual([
      ['bots', ['loses']],
    ]);
    // bob owns bots: narrowing it is his routine work, no edit of his own privileges.
    expect(judge(baseSpec(), narrow, { actors: ['bob'], approvals: ['alice'] }).failed).toEqual([]);
  });
  it('a rotation is no self-edit, but still admin-grade: another admin approves it', () => {
    expect(judge(baseSpec(), (h) => (own(h).rotation = 1), { actors: ['alice'] }).failed).toEqual([
      'admin-change-approval',
    ]);
    expect(judge(baseSpec(), (h) => (own(h).rotation = 1), { actors: ['alice'], approvals: ['frank'] }).ok).toBe(true);
  });
});
