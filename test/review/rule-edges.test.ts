/**
 * Edges of the change rules that no other test pinned (a mutation audit: each test fails when the
 * rule it names is weakened in the way its title says).
 */
import { describe, expect, it } from 'vitest';
import { org } from './routine-tasks.ts';
import { baseSpec, judge, token, user, type Spec } from './scenarios.ts';

const erinReadsData = (s: Spec) =>
  s.spec.grants.push({
    user: 'erin@acme.io',
    namespace: 'data',
    levels: ['r:full'],
  });

/** A change of the engine (a policy), which engine-change judges. */
const engine = { changedPaths: ['policies/org/forbidden-grant.ts'] };

/** baseSpec with admin frank deactivated (still declared `admin: true`). */
function frankDeactivated(): Spec {
  const s = baseSpec();
  user(s, 'frank@acme.io').status = 'deactivated';
  return s;
}

describe('a deactivated admin is no admin to the rules', () => {
  it('their approval does not count, and the message says why (actor-not-admin)', () => {
    const v = judge(frankDeactivated(), erinReadsData, {
      actors: ['bob'],
      approvals: ['frank'],
    });
    expect(v.failed).toEqual(['actor-not-admin']);
    expect(v.results.find((r) => !r.ok)!.message).toMatch(
      /not counted: frank \(frank@acme\.io\) is deactivated in base/,
    );
  });

  it('their change needs an active admin’s approval (actor-not-admin)', () => {
    expect(judge(frankDeactivated(), erinReadsData, { actors: ['frank'] }).failed).toEqual(['actor-not-admin']);
    expect(
      judge(frankDeactivated(), erinReadsData, {
        actors: ['frank'],
        approvals: ['dan'],
      }).failed,
    ).toEqual([]);
  });

  it('they are not the second admin behind an engine change (dan approving alone is one admin)', () => {
    expect(
      judge(frankDeactivated(), () => {}, {
        actors: ['frank'],
        approvals: ['dan'],
        ...engine,
      }).failed,
    ).toEqual(['engine-change']);
    expect(
      judge(baseSpec(), () => {}, {
        actors: ['frank'],
        approvals: ['dan'],
        ...engine,
      }).failed,
    ).toEqual([]);
  });
});

describe('self-edit knows an author by their login in base or head', () => {
  it('bob changes his GitHub login and gives himself a level in the same change: still his own', () => {
    const v = judge(
      baseSpec(),
      (s) => {
        user(s, 'bob@acme.io').github = 'bobby';
        s.spec.grants.push({
          user: 'bob@acme.io',
          namespace: 'data',
          levels: ['r:full'],
        });
      },
      { actors: ['bob'], approvals: ['alice'] },
    );
    expect(v.failed).toEqual(['self-edit']);
    expect(v.results.find((r) => !r.ok)!.message).toMatch(/^bob@acme\.io is an author of this change/);
  });
});

describe("an organization's only admin decides alone, by making the change alone or approving another's", () => {
  it('alice approving a change she co-authored with bob is an author approving: the engine change fails', () => {
    const v = judge(org(1), () => {}, {
      actors: ['alice', 'bob'],
      approvals: ['alice'],
      ...engine,
    });
    expect(v.failed).toEqual(['actor-not-admin', 'engine-change']);
  });
  it('made by her alone, or by bob and approved by her, it passes', () => {
    expect(judge(org(1), () => {}, { actors: ['alice'], ...engine }).failed).toEqual([]);
    expect(
      judge(org(1), () => {}, {
        actors: ['bob'],
        approvals: ['alice'],
        ...engine,
      }).failed,
    ).toEqual([]);
  });
});

describe('self-edit: a token its author owns lasting longer is a gain', () => {
  const bots = (s: Spec) => token(s, 'bots');
  const expiring = () => {
    const s = baseSpec();
    bots(s).expires = '2027-06-30';
    return s;
  };
  it.each([
    ['its expiry removed', (s: Spec) => void delete bots(s).expires, /expiry 2027-06-30 → \(none\)/],
    ['its expiry made later', (s: Spec) => void (bots(s).expires = '2027-12-31'), /expiry 2027-06-30 → 2027-12-31/],
  ])('bob: %s, approved by alice, fails', (_, edit, change) => {
    const v = judge(expiring(), edit, {
      actors: ['bob'],
      approvals: ['alice'],
    });
    expect(v.failed).toEqual(['self-edit']);
    expect(v.results.find((r) => !r.ok)!.message).toMatch(
      /^token bots belongs to bob@acme\.io, an author of this change: /,
    );
    expect(v.results.find((r) => !r.ok)!.message).toMatch(change);
  });
  it('an earlier expiry gives nothing: bob may make it', () => {
    expect(
      judge(expiring(), (s) => void (bots(s).expires = '2027-01-31'), {
        actors: ['bob'],
        approvals: ['alice'],
      }).failed,
    ).toEqual([]);
  });
});

describe('actor-not-admin: an approver the change gives billing access is deciding their own privileges', () => {
  const frankBilling = (s: Spec) => void (user(s, 'frank@acme.io').billing = true);
  it("a bot gives frank billing access: frank's approval does not count, dan's does", () => {
    const alone = judge(baseSpec(), frankBilling, {
      actors: ['renovate'],
      approvals: ['frank'],
    });
    expect(alone.failed).toContain('actor-not-admin');
    expect(alone.results.find((r) => r.rule === 'actor-not-admin')!.message).toMatch(
      /\(frank approved, but the change gives them something: another admin\)/,
    );
    const other = judge(baseSpec(), frankBilling, {
      actors: ['renovate'],
      approvals: ['dan'],
    });
    expect(other.failed).not.toContain('actor-not-admin');
  });
});

describe('self-edit: an author changes their own privileges whichever way', () => {
  it('admin alice takes her own billing access away: fails whatever the approvals (the README sample)', () => {
    const base = baseSpec();
    user(base, 'alice@acme.io').billing = true;
    const v = judge(base, (s) => void (user(s, 'alice@acme.io').billing = false), {
      actors: ['alice'],
      approvals: ['frank', 'dan'],
    });
    expect(v.failed).toEqual(['self-edit']);
    expect(v.results.find((r) => !r.ok)!.message).toBe(
      'alice@acme.io is an author of this change and changes their own privileges: loses billing access. An admin who is not an author of it must make this change.',
    );
  });

  it('bob hands the token he owns to erin, rotated, and widens it: still his change (he owned it in base)', () => {
    const v = judge(
      baseSpec(),
      (s) => {
        const bots = token(s, 'bots');
        Object.assign(bots, { owner: 'erin@acme.io', rotation: 1 });
        bots.namespaces.push('web');
      },
      { actors: ['bob'], approvals: ['alice'] },
    );
    expect(v.failed).toEqual(['self-edit']);
    expect(v.results.find((r) => !r.ok)!.message).toMatch(
      /^token bots belongs to bob@acme\.io, an author of this change/,
    );
  });
});

describe('mass-removal: the limits, at their edges', () => {
  it('removing from exactly the threshold’s share (3 of 12 users, 25%) is not over it', () => {
    const base = baseSpec();
    for (const n of ['kim', 'lee', 'max']) {
      base.spec.users.push({ email: `${n}@acme.io`, github: n });
      base.spec.grants.push({ user: `${n}@acme.io`, namespace: 'web', levels: ['r:pods', 'w:services'] });
    }
    const v = judge(
      base,
      (s) => {
        for (const g of s.spec.grants)
          if (['bob@acme.io', 'erin@acme.io', 'gina@acme.io'].includes(g.user)) g.levels = ['r:pods'];
      },
      { actors: ['alice'] },
    );
    expect(v.results.find((r) => r.rule === 'mass-removal')!.message).toMatch(/^removes access from 3\/12 users/);
    expect(v.failed).toEqual([]);
  });

  it('removing both tokens of two is more than half of a small set: over the limit', () => {
    const v = judge(baseSpec(), (s) => void (s.spec.tokens = []), { actors: ['alice'] });
    expect(v.failed).toEqual(['mass-removal']);
    expect(v.results.find((r) => !r.ok)!.message).toMatch(
      /2 of 2 tokens \(100%\), over the 25% limit or more than half of a small set/,
    );
  });

  it('removing three deactivated users (who hold nothing) takes access from nobody: not counted, not over the limit', () => {
    const gone = ['hal@acme.io', 'ivy@acme.io', 'joe@acme.io'];
    const base = baseSpec();
    for (const email of gone) user(base, email).status = 'deactivated';
    const v = judge(
      base,
      (s) => {
        s.spec.users = s.spec.users.filter((u: { email: string }) => !gone.includes(u.email));
        s.spec.grants = s.spec.grants.filter((g: { user: string }) => !gone.includes(g.user));
      },
      { actors: ['alice'] },
    );
    expect(v.results.find((r) => r.rule === 'mass-removal')!.message).toMatch(/^removes access from 0\/6 users/);
    expect(v.failed).toEqual([]);
  });

  it('an end date given to three users’ grants that had none (3 of 9) is a removal: over the limit', () => {
    const v = judge(
      baseSpec(),
      (s) => {
        for (const g of s.spec.grants)
          if (['bob@acme.io', 'erin@acme.io', 'gina@acme.io'].includes(g.user)) g.expires = '2026-12-31';
      },
      { actors: ['alice'] },
    );
    expect(v.failed).toEqual(['mass-removal']);
    expect(v.results.find((r) => !r.ok)!.message).toMatch(
      /^removes access from 3 of 9 users \(33%\), over the 25% limit/,
    );
  });
});

describe('engine-change: a change of dist/ alone only removes', () => {
  const distOnly = { changedPaths: ['dist/lga1/shard-03/resources.yaml'] };
  it('a token given another namespace in dist/ alone fails, whatever the approvals', () => {
    const v = judge(baseSpec(), (s) => void token(s, 'ci').namespaces.push('data'), {
      actors: ['frank'],
      approvals: ['dan'],
      ...distOnly,
    });
    expect(v.failed).toEqual(['engine-change']);
    expect(v.results.find((r) => !r.ok)!.message).toMatch(
      /^only dist\/ changes, yet it gives ci namespaces web → data, web/,
    );
  });
  it('a token taken out of one of its namespaces in dist/ alone only removes: it passes', () => {
    const bots = (s: Spec) => s.spec.tokens.find((t: { id: string }) => t.id === 'bots');
    const base = baseSpec();
    bots(base).namespaces = ['web', 'data'];
    const v = judge(base, (s) => void (bots(s).namespaces = ['web']), { actors: ['frank'], ...distOnly });
    expect(v.results.find((r) => r.rule === 'engine-change')).toMatchObject({ ok: true });
    expect(v.failed).toEqual([]);
  });
  it('a namespace labelled in dist/ alone fails, whatever the approvals (a guard-rail change that may weaken)', () => {
    const v = judge(baseSpec(), (s) => void (s.spec.namespaces[0].labels = { team: 'web' }), {
      actors: ['frank'],
      approvals: ['dan'],
      ...distOnly,
    });
    expect(v.failed).toEqual(['engine-change']);
  });
});

describe('admin-change-approval: a token with access reserved for admins', () => {
  const rotatedTo = (owner: string) => (s: Spec) => void Object.assign(token(s, 'ci'), { owner, rotation: 1 });
  it('handed over and rotated: neither its old nor its new owner is the approving admin', () => {
    // alice's w:full token ci, handed to frank: alice makes it, frank approves; or dan makes it, alice approves.
    expect(judge(baseSpec(), rotatedTo('frank@acme.io'), { actors: ['alice'], approvals: ['frank'] }).failed).toEqual([
      'admin-change-approval',
    ]);
    expect(judge(baseSpec(), rotatedTo('frank@acme.io'), { actors: ['dan'], approvals: ['alice'] }).failed).toEqual([
      'admin-change-approval',
    ]);
    expect(judge(baseSpec(), rotatedTo('frank@acme.io'), { actors: ['alice'], approvals: ['dan'] }).failed).toEqual([]);
  });
  it('created with writes of custom resources nobody declared safe is admin-grade: it needs a second admin', () => {
    const widgets = (s: Spec) =>
      void s.spec.tokens.push({
        id: 'widgets',
        namespaces: [],
        rbac: [
          { namespace: 'web', rules: [{ apiGroups: ['example.com'], resources: ['widgets'], verbs: ['create'] }] },
        ],
      });
    const alone = judge(baseSpec(), widgets, { actors: ['alice'] });
    expect(alone.failed).toEqual(['admin-change-approval']);
    expect(alone.results.find((r) => !r.ok)!.message).toMatch(/^token widgets \(access reserved for admins in web\)/);
    expect(judge(baseSpec(), widgets, { actors: ['alice'], approvals: ['frank'] }).failed).toEqual([]);
  });
});
