/**
 * Red team R62 (base 1965d72): the declaration and change policies and the identities they rely on.
 *
 * R62-1 (medium): one mailbox, two identities. Mail providers deliver a subaddress to its base
 * mailbox (RFC 5233: `frank+ops@acme.io` reaches `frank@acme.io` on Google Workspace, Microsoft 365,
 * Fastmail...), so an invitation to `frank+ops@acme.io` is accepted by frank, who then holds what it
 * gives under a second Kubernetes username. The change rules matched a person by their exact
 * address: an admin acting alone gave their own mailbox billing, or grants that outlast their being
 * an admin, as "another user's" (`self-edit` passed), a member proposed access for their own
 * subaddress, and an admin approved access for theirs as "someone else's" (`actor-not-admin`
 * counted the approval).
 */
import { describe, expect, it } from 'vitest';
import { baseSpec, judge, user, type Spec } from './review/scenarios.ts';

/** baseSpec with two admins (alice, frank): dan is a member. */
function twoAdmins(): Spec {
  const s = baseSpec();
  user(s, 'dan@acme.io').admin = false;
  return s;
}

const failed = (v: ReturnType<typeof judge>, rule: string) => v.results.filter((r) => r.rule === rule && !r.ok);

/** Head declares user `email` with r:secrets in data. */
const userWithSecrets = (email: string) => (h: Spec) => {
  h.spec.users.push({ email });
  h.spec.grants.push({ user: email, namespace: 'data', levels: ['r:secrets'] });
};

/** frank's approval of bob's change giving `email` r:secrets: the actor-not-admin failures it meets. */
const franksApprovalFor = (base: Spec, email: string) =>
  failed(judge(base, userWithSecrets(email), { actors: ['bob'], approvals: ['frank'] }), 'actor-not-admin');

describe('R62-1: a subaddress is its mailbox owner', () => {
  it('attack: an admin alone declares their own subaddress as a user with billing and r:secrets', () => {
    const v = judge(
      twoAdmins(),
      (h) => {
        h.spec.users.push({ email: 'frank+ops@acme.io', billing: true });
        h.spec.grants.push({ user: 'frank+ops@acme.io', namespace: 'web', levels: ['r:secrets'] });
      },
      { actors: ['frank'] },
    );
    expect(v.ok).toBe(false);
    expect(failed(v, 'self-edit').map((r) => r.message)).toEqual([
      'frank+ops@acme.io shares a mailbox with frank@acme.io, an author of this change (a subaddress name+tag@ is delivered to name@), and changes their own privileges: joins the organization (billing); gains r:secrets in web; can now read Secrets in web. An admin who is not an author of it must make this change.',
    ]);
  });

  it('attack: an admin alone invites their own subaddress', () => {
    const v = judge(
      twoAdmins(),
      (h) => {
        h.spec.invites = [
          { email: 'Frank+later@acme.io', sso: true, grants: [{ namespace: 'web', levels: ['w:configmaps'] }] },
        ];
      },
      { actors: ['frank'] },
    );
    expect(v.ok).toBe(false);
    expect(failed(v, 'self-edit')).toHaveLength(1);
  });

  it('attack: a member proposes access for their own subaddress, an admin approves', () => {
    const v = judge(baseSpec(), userWithSecrets('bob+1@acme.io'), { actors: ['bob'], approvals: ['alice'] });
    expect(v.ok).toBe(false);
    expect(failed(v, 'self-edit')).toHaveLength(1);
  });

  it("attack: an admin's approval of access for their own subaddress does not count", () => {
    expect(franksApprovalFor(baseSpec(), 'frank+x@acme.io')).toHaveLength(1);
  });

  it('held: another admin may make it; a name that only starts alike, or another domain, is another mailbox', () => {
    const other = judge(
      twoAdmins(),
      (h) => {
        h.spec.users.push({ email: 'frank+ops@acme.io', billing: true });
      },
      { actors: ['alice'] },
    );
    expect(other.ok, JSON.stringify(other.results.filter((r) => !r.ok))).toBe(true);
    const stranger = judge(
      twoAdmins(),
      (h) => {
        h.spec.users.push({ email: 'frankie@acme.io', billing: true }, { email: 'frank@other.io', billing: true });
      },
      { actors: ['frank'] },
    );
    expect(stranger.ok, JSON.stringify(stranger.results.filter((r) => !r.ok))).toBe(true);
  });
});

describe('R62-1, the class: a commit nobody can name', () => {
  it("attack: frank's subaddress gains in a change with a commit whose maker nobody can name (frank may be it)", () => {
    const v = judge(twoAdmins(), userWithSecrets('frank+x@acme.io'), {
      actors: ['bob', '(commit 2: made and signed by GitHub (web-flow) for someone it does not name, claims bob)'],
      approvals: ['alice'],
    });
    expect(failed(v, 'self-edit')).toHaveLength(1);
  });
});

describe('R62-1, the class: Gmail reads no dots and googlemail.com as gmail.com', () => {
  /** baseSpec with frank's address at Gmail (social login). */
  const gmailFrank = (): Spec => {
    const s = twoAdmins();
    user(s, 'frank@acme.io').email = 'frank.jones@gmail.com';
    return s;
  };

  for (const alias of ['frankjones@gmail.com', 'f.r.ank.jones+x@googlemail.com'])
    it(`attack: an admin alone invites ${alias}, their own Gmail mailbox`, () => {
      const v = judge(
        gmailFrank(),
        (h) => {
          h.spec.invites = [{ email: alias, sso: true, billing: true, grants: [] }];
        },
        { actors: ['frank'] },
      );
      expect(failed(v, 'self-edit')).toHaveLength(1);
      // Why it is frank's is said as it is: Gmail's reading, not (only) a subaddress.
      expect(failed(v, 'self-edit')[0].message).toContain(
        `${alias} shares a mailbox with frank.jones@gmail.com, an author of this change (${
          alias.includes('+') ? 'a subaddress name+tag@ is delivered to name@; ' : ''
        }Gmail reads no dots in a name, and googlemail.com as gmail.com), and`,
      );
    });

  it("attack: an admin's approval of access for their own Gmail spelling does not count", () => {
    expect(franksApprovalFor(gmailFrank(), 'frankjones@googlemail.com')).toHaveLength(1);
  });

  it('held: dots elsewhere are another mailbox', () => {
    const v = judge(
      twoAdmins(),
      (h) => {
        h.spec.invites = [{ email: 'fr.ank@acme.io', sso: true, billing: true, grants: [] }];
      },
      { actors: ['frank'] },
    );
    expect(failed(v, 'self-edit')).toHaveLength(0);
  });
});

/**
 * Leftovers judged not holes (the brief's list): indirect self-edits an admin acting alone tries,
 * each of which the rules already refuse. Pinned so a later change of the diff keeps them refused.
 */
describe('R62: indirect self-edits held', () => {
  /** Two admins (alice, frank); frank holds role ops (r:pods) and custom role cm (get configmaps) in web. */
  const withFranksRoles = (): Spec => {
    const s = twoAdmins();
    s.spec.roles = [{ name: 'ops', levels: ['r:pods'] }];
    s.spec.customRoles = [{ name: 'cm', rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] }];
    s.spec.grants.push(
      { user: 'frank@acme.io', namespace: 'web', role: 'ops' },
      { user: 'frank@acme.io', namespace: 'web', customRole: 'cm' },
    );
    s.spec.tokens.push({
      id: 'frank-ci',
      name: 'F',
      namespaces: ['web'],
      owner: 'frank@acme.io',
      status: 'deactivated',
    });
    s.spec.invites = [{ email: 'zed@acme.io', admin: true, sso: true, grants: [] }];
    return s;
  };
  const cases: [string, (h: Spec) => void, string][] = [
    ['redefines a role he holds', (h) => void (h.spec.roles[0].levels = ['r:pods', 'w:configmaps']), 'self-edit'],
    ['widens a custom role he holds', (h) => void h.spec.customRoles[0].rules[0].verbs.push('list'), 'self-edit'],
    ['gives himself Add All', (h) => void (user(h, 'frank@acme.io').access = 'all'), 'self-edit'],
    ["changes his login's case", (h) => void (user(h, 'frank@acme.io').github = 'Frank'), 'self-edit'],
    ['reactivates his token', (h) => void (h.spec.tokens.at(-1).status = 'active'), 'self-edit'],
    [
      'accepts an admin invitation alone',
      (h) => {
        h.spec.invites = [];
        h.spec.users.push({ email: 'zed@acme.io', github: 'zed', admin: true });
      },
      'admin-change-approval',
    ],
  ];
  for (const [what, edit, rule] of cases)
    it(`an admin alone ${what}: ${rule} fails`, () => {
      expect(failed(judge(withFranksRoles(), edit, { actors: ['frank'] }), rule).length).toBeGreaterThan(0);
    });
});
