/**
 * Red team R70 (base 46eeeaf): who a person is, across the model and the review.
 *
 * R70-1 (medium, R62-1's class): an address a mail system reads as another one. EMAIL_PATTERN
 * takes any text around one @, and invalid-text refused only empty labels and quotes, so frank
 * alone invited `bob<frank@acme.io>` (a header's display-name form: every mail library sends it
 * to frank@acme.io), `frank(ops)@acme.io` (RFC 5322 §3.2.2: a comment is no part of the address),
 * `fr\ank@acme.io` (a quoted pair outside quotes), or a domain that is no host name
 * (`frank@acme.io+x`, `frank@[10.0.0.1]`, `frank@acme.io:25`), each "another person" to self-edit.
 *
 * R70-2 (low, R62-1's class): one mailbox under spellings mailboxOf did not read as one. A routed
 * address: `frank%acme.io@acme.io` (the percent hack) and `acme.io!frank@acme.io` (a UUCP bang
 * path), which Postfix rewrites to frank@acme.io by default (allow_percent_hack, swap_bangpath:
 * postconf(5)); and a provider's domains for one account: Proton reserves a name across proton.me,
 * protonmail.com, protonmail.ch and pm.me (its "Types of email addresses and aliases"), iCloud gives
 * an account's name at icloud.com, me.com and mac.com (Apple's "About your @icloud.com, @me.com,
 * and @mac.com email addresses"). frank alone invited each with billing (self-edit passed).
 *
 * R70-3 (medium, R62-1's class in admin-change-approval): an admin's privileges were read by their
 * exact address. alice alone gave `frank+x@acme.io`, admin frank's own mailbox, r:secrets (held
 * once frank is no longer an admin) or billing, which for frank@acme.io needs frank's approval
 * (two admins) or a third admin's. The brief's deactivated subaddress is this hole: frank alone
 * declaring a grant for his deactivated `frank+x` changes no byte of dist/ (nothing to judge),
 * and alice alone reactivating it gave frank's mailbox that grant.
 *
 * Held (probed, pinned below or in R62/R66): upper case and IDNA's ASCII form (one mailbox);
 * compatibility forms (a fullwidth `＋` or `ａ`), a dotless `ı`, `İ` lower-cased, a trailing dot
 * (invalid-text); a fullwidth `＠` or an ideographic full stop (the schema: no address); with
 * `githubId` declared, a renamed admin's login held by another account is nobody (heldByOther).
 * Outlook's outlook.com, hotmail.com and live.com hand a name out apart: another mailbox. A token's
 * owner must be a user (token-owner-inactive: an invitee's address, or a user removed while the
 * token stays, is refused); frank handing a token to his own subaddress is self-edit; tokens with
 * access reserved for admins are refused to a member (forbidden-grant). GitHub logins compare
 * case-insensitively (duplicate-user); a login moved between users across a pull request is
 * self-edit for each author and admin-change-approval for an admin. `straße` and `strasse` are two
 * names (no mail system folds ß in a name; IDNA2008 keeps ß in a domain, as Node does).
 *
 * Not done:
 * - `-` as a subaddress separator: qmail's default and a Postfix setting (recipient_delimiter),
 *   not the major providers' (Yahoo's disposable `base-keyword@` uses a base name chosen apart
 *   from the account's); reading it as one would make `mary-jane@` mary's everywhere. An
 *   organization whose mail splits on `-`, and a company's own domain aliases (acme.io and
 *   acme.com), need a declared setting (say `identity.mail: { separators, domainAliases }`), read
 *   from base's members.json like who is admin: a schema, model and output change, not made here.
 *   Fastmail's subdomain addressing (`x@frank.fastmail.com` is frank@fastmail.com's, on a custom
 *   domain hosted there too) is that class: a table of Fastmail's domains would cover its own.
 * - The brief's (4): an admin declaring no githubId is matched by login alone (docs/github.md says
 *   so; pinned). `orgctl check` now warns of every active admin declaring a login without an id
 *   (admin-github-id, test/admin-github-id.test.ts; the example's admins declare theirs), so a
 *   merged base holds ids once its admins act on it; the review still counts a login alone for a
 *   base user who declares none (an error would leave an organization whose admins declare no id
 *   unable to approve the change that declares them).
 */
import { describe, expect, it } from 'vitest';
import { baseSpec, judge, snapshotOf, user, type Spec } from './review/scenarios.ts';
import { review } from '../review/review.ts';
import { diffSnapshots } from '../analysis/diff.ts';
import { TODAY } from './helpers.ts';

/** baseSpec with two admins (alice, frank at `frank`): dan is a member. */
function twoAdmins(frank = 'frank@acme.io'): Spec {
  const s = baseSpec();
  user(s, 'dan@acme.io').admin = false;
  user(s, 'frank@acme.io').email = frank;
  return s;
}

/** `own alias` pairs, each written as one string. */
const pairs = (list: string[]) => list.map((pair) => pair.split(' ') as [string, string]);

/** frank, at `own`, alone invites `alias` with billing: the rules that refuse it (synthesis's first). */
function franksInvite(own: string, alias: string): string[] {
  try {
    return judge(
      twoAdmins(own),
      (h) => {
        h.spec.invites = [{ email: alias, sso: true, billing: true, grants: [] }];
      },
      { actors: ['frank'] },
    ).failed;
  } catch (e) {
    return [String(e).match(/^Error: ([a-z-]+):/)?.[1] ?? String(e)];
  }
}

describe('R70-1: an address a mail system reads as another one is refused', () => {
  for (const alias of [
    'bob<frank@acme.io>',
    'frank(ops)@acme.io',
    '(ops)frank@acme.io',
    'fr\\ank@acme.io',
    'frank,bob@acme.io',
    'frank@acme.io+x',
    'frank@[10.0.0.1]',
    // An IP address without its brackets (the re-read's leftover): no host name ends in a label of
    // digits alone (RFC 3696 §2: a top-level domain is never all-numeric), so no one can say whose it is.
    'frank@10.0.0.1',
    'frank@acme.127',
    'frank@acme.io:25',
    'frank@acme_io.io',
    'frank@-acme.io',
  ])
    it(`attack: frank alone invites ${alias}`, () => {
      expect(franksInvite('frank@acme.io', alias)).toEqual(['invalid-text']);
    });

  it('the finding says what the address is and what to do', () => {
    let message = '';
    try {
      judge(twoAdmins(), (h) => void (h.spec.invites = [{ email: 'bob<frank@acme.io>', grants: [] }]), {
        actors: ['alice'],
      });
    } catch (e) {
      message = String(e);
    }
    expect(message).toContain(
      'invalid-text: "bob<frank@acme.io>" holds "<" at position 4, which no address\'s name holds (RFC 5322\'s atext)',
    );
  });

  it("held: every character of RFC 5322's atext, and a domain of another alphabet, are taken", () => {
    for (const alias of ["o'brien.x-y_z+t@mail.acme-corp.io", 'a!#$&*=?^`{|}~b@acme.io', 'frank+x@bücher.de'])
      expect(franksInvite('frank@acme.io', alias)).not.toContain('invalid-text');
  });
});

describe("R70-2: a routed address, and a provider's domains for one account, are one mailbox", () => {
  for (const [own, alias] of pairs([
    'frank@acme.io frank%acme.io@acme.io',
    'frank@acme.io frank+x%acme.io@relay.io',
    'frank@acme.io acme.io!frank@acme.io',
    'frank%acme.io@acme.io frank+x@acme.io',
    'frank@icloud.com frank+x@me.com',
    'frank@mac.com frank@icloud.com',
    'frank@proton.me frank@pm.me',
    'frank@protonmail.com frank+x@protonmail.ch',
  ]))
    it(`attack: frank (${own}) alone invites ${alias}, his own mailbox`, () => {
      expect(franksInvite(own, alias)).toEqual(['self-edit']);
    });

  it('self-edit says why each is his', () => {
    const why = (own: string, alias: string) =>
      judge(twoAdmins(own), (h) => void (h.spec.invites = [{ email: alias, sso: true, billing: true, grants: [] }]), {
        actors: ['frank'],
      }).results.find((r) => r.rule === 'self-edit' && !r.ok)?.message;
    expect(why('frank@icloud.com', 'frank+x@me.com')).toContain(
      'frank+x@me.com shares a mailbox with frank@icloud.com, an author of this change (a subaddress name+tag@ is delivered to name@; iCloud gives an account its name on each of its domains)',
    );
    expect(why('frank@acme.io', 'frank%acme.io@acme.io')).toContain(
      '(a routed address name%domain@ or domain!name@ is delivered to name@domain)',
    );
  });

  it('re-read: self-edit says why an address routed twice is his, each reason of its last hop too', () => {
    // mailboxOf follows every hop (f.rank%gmail.com%relay.io@acme.io, then f.rank%gmail.com@relay.io,
    // then f.rank@gmail.com): Gmail's reading is why as much as the routing.
    const why = judge(
      twoAdmins('frank@gmail.com'),
      (h) =>
        void (h.spec.invites = [{ email: 'f.rank%gmail.com%relay.io@acme.io', sso: true, billing: true, grants: [] }]),
      { actors: ['frank'] },
    ).results.find((r) => r.rule === 'self-edit' && !r.ok)?.message;
    expect(why).toContain(
      '(a routed address name%domain@ or domain!name@ is delivered to name@domain; Gmail reads no dots in a name, and googlemail.com as gmail.com)',
    );
  });

  it("attack: frank's approval of access for his own iCloud spelling does not count", () => {
    const v = judge(
      twoAdmins('frank@icloud.com'),
      (h) => {
        h.spec.users.push({ email: 'frank@me.com' });
        h.spec.grants.push({ user: 'frank@me.com', namespace: 'data', levels: ['r:secrets'] });
      },
      { actors: ['bob'], approvals: ['frank'] },
    );
    expect(v.failed).toContain('actor-not-admin');
  });

  it('held: Outlook hands a name out on each of its domains apart, a hyphen is no subaddress, a relay needs a host', () => {
    const held = {
      'frank@outlook.com': ['frank@hotmail.com', 'frank@live.com'],
      'frank@acme.io': ['frank-ops@acme.io', 'frank@me.com', 'frank%@acme.io', '!frank@acme.io'],
    };
    for (const [own, aliases] of Object.entries(held))
      for (const alias of aliases) expect(franksInvite(own, alias), alias).toEqual([]);
  });
});

describe("R70-3: an address sharing an admin's mailbox is that admin's, to admin-change-approval", () => {
  /** twoAdmins with frank's subaddress frank+x@acme.io a member (`status`). */
  const withFranksSubaddress = (status = 'active'): Spec => {
    const s = twoAdmins();
    s.spec.users.push({ email: 'frank+x@acme.io', status });
    return s;
  };
  const secrets = (h: Spec) =>
    void h.spec.grants.push({ user: 'frank+x@acme.io', namespace: 'web', levels: ['r:secrets'] });

  it("attack: alice alone gives frank's subaddress r:secrets", () => {
    const v = judge(withFranksSubaddress(), secrets, { actors: ['alice'] });
    expect(v.failed).toEqual(['admin-change-approval']);
    expect(v.results.find((r) => !r.ok)?.message).toMatch(
      /^frank\+x@acme\.io \(sharing a mailbox with admin frank@acme\.io\): gains r:secrets in web.*: needs an approval of the head commit from an admin who is neither an author nor frank\+x@acme\.io \(with two admins, and this concerning frank@acme\.io, there is none to ask: instead alice@acme\.io makes the change and frank@acme\.io approves it\)$/,
    );
  });

  it("held: what frank's subaddress loses, and what another member's gains, an admin alone may change", () => {
    const base = withFranksSubaddress();
    secrets(base);
    expect(judge(base, (h) => void h.spec.grants.pop(), { actors: ['alice'] }).ok).toBe(true);
    const bob = (h: Spec) => void h.spec.grants.push({ user: 'bob@acme.io', namespace: 'web', levels: ['r:secrets'] });
    expect(judge(withFranksSubaddress(), bob, { actors: ['alice'] }).ok).toBe(true);
  });

  it("attack: alice alone gives frank's subaddress billing", () => {
    const v = judge(withFranksSubaddress(), (h) => void (user(h, 'frank+x@acme.io').billing = true), {
      actors: ['alice'],
    });
    expect(v.failed).toEqual(['admin-change-approval']);
  });

  it('attack: frank declares a grant for his deactivated subaddress, alice alone reactivates it', () => {
    // The staging is judged as it is made (the membership data records dormant grants since R108-1
    // closed): it was no byte of dist/ and nothing to judge.
    const declared = judge(withFranksSubaddress('deactivated'), secrets, { actors: ['frank'] });
    expect(declared.failed).toEqual(['self-edit', 'admin-change-approval']);
    expect(declared.results.find((r) => !r.ok)?.message).toMatch(
      /^frank\+x@acme\.io shares a mailbox with frank@acme\.io, .*: is granted r:secrets in web while deactivated: it takes effect on reactivation\./,
    );
    const base = withFranksSubaddress('deactivated');
    secrets(base);
    const reactivate = (h: Spec) => void (user(h, 'frank+x@acme.io').status = 'active');
    expect(judge(base, reactivate, { actors: ['alice'] }).failed).toEqual(['admin-change-approval']);
    // With two admins, the one it does not concern makes it and frank approves, as for frank@acme.io.
    expect(judge(base, reactivate, { actors: ['alice'], approvals: ['frank'] }).ok).toBe(true);
  });
});

describe("held: the brief's (1), case and Unicode spellings of frank's own address", () => {
  const refused = {
    // invalid-text: compatibility forms (NFKC), a dotless i, İ lower-cased (i + U+0307), a trailing dot.
    'invalid-text': [
      'frank\uff0bx@acme.io',
      'frank+x@\uff41cme.io',
      'fr\u0131nk@acme.io',
      'FRANK+\u0130@acme.io',
      'frank+x@acme.io.',
    ],
    // The schema: a fullwidth @ or an ideographic full stop leaves no address (name@domain.tld).
    schema: ['frank\uff20acme.io', 'frank@acme\u3002io'],
    // One mailbox: upper case (addresses compare lower-cased) and IDNA's ASCII form of the domain.
    'self-edit': ['FRANK+x@ACME\u00c4.IO', 'frank+x@xn--acme-ooa.io'],
  };
  for (const [by, aliases] of Object.entries(refused))
    it(`${by} refuses frank's ${aliases.length} spellings`, () => {
      const own = by === 'self-edit' ? 'frank@acme\u00e4.io' : 'frank@acme.io';
      for (const alias of aliases)
        expect(
          franksInvite(own, alias).map((r) => (r.includes('is not an email address') ? 'schema' : r)),
          alias,
        ).toEqual([by]);
    });
});

describe("R70, the brief's (4): an admin's login after a GitHub rename", () => {
  /**
   * bob, a member, proposes r:secrets for erin; GitHub names `frank` as account 999 (frank renamed
   * his account, and bob's second account, or anyone's, took the freed login) and frank's approval
   * is given. Whether `frank` counts as admin frank decides it (three admins: one approval).
   */
  const renamedApproval = (githubId?: number) => {
    const base = baseSpec();
    // baseSpec declares frank's id: this case is about the one declared, or none.
    if (githubId !== undefined) user(base, 'frank@acme.io').githubId = githubId;
    else delete user(base, 'frank@acme.io').githubId;
    const head = structuredClone(base);
    head.spec.grants.push({ user: 'erin@acme.io', namespace: 'data', levels: ['r:secrets'] });
    const [b, h] = [snapshotOf(base), snapshotOf(head)];
    return review({
      base: b,
      head: h,
      diff: diffSnapshots(b, h, TODAY),
      today: TODAY,
      actors: ['bob'],
      approvals: ['frank'],
      changedPaths: ['org/org.ts'],
      overrides: [],
      accountIds: new Map([
        ['bob', [2]],
        ['frank', [999]],
      ]),
    });
  };

  it('held: with githubId declared, the login another account holds is nobody', () => {
    const v = renamedApproval(271828);
    expect(v.ok).toBe(false);
    expect(v.results.find((r) => r.rule === 'actor-not-admin')?.message).toContain(
      "login frank is held by account 999, not frank@acme.io's declared 271828: renamed? update githubId",
    );
  });

  it('not done (docs/github.md says so): without githubId, the login alone counts, whoever holds it', () => {
    const v = renamedApproval();
    expect(v.results.filter((r) => !r.ok)).toEqual([]);
  });
});
