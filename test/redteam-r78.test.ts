/**
 * Red team R78 (base 05a5c45): people identity by mailbox, what R70 and R75 left open.
 *
 * R78-1 (low, R62-1's class, the organization's own mail): a mail server may deliver a subaddress
 * split on another character than `+` (`mary-jane@acme.io` to mary: qmail's default, Postfix's
 * recipient_delimiter), and a company's domains may be aliases of one another (acme.io and acme.com
 * one set of mailboxes). No rule can know that of a domain of one's own, so mailboxOf read
 * `frank-x@acme.io` and `frank@acme.com` as other people: frank alone invited either with billing,
 * and a member's pull request gave a grant to their own `-` subaddress, approved by an admin who
 * read a newcomer. The organization now declares it (`identity.mailDomains`), and the change rules
 * read it from base, never head: a change cannot declare its own aliasing away.
 *
 * R78-2 (low, R70-2's class): Fastmail's subdomain addressing: mail to
 * `whateveryoulike@username.domain.tld` is delivered to username@domain.tld ("it works the same as
 * plus addressing", on Fastmail's domains and on personal domains hosted there: Fastmail's help,
 * Plus addressing and subdomain addressing; fastmail.blog 2008-01-24: it is "transformed to
 * joecitizen+anything@fastmail.fm"). mailboxOf read `x@frank.fastmail.com` as another mailbox, so
 * frank alone invited it. Fastmail's own domains are built in; a domain of one's own hosted there
 * declares `subdomainAddressing`.
 *
 * R78-3 (low, found re-reading R78-1's fix): a declared domain is looked up as written, before
 * subdomain addressing reads a parent's, so declaring `frank.fastmail.com` (or `frank.acme.io`
 * beside acme.io's subdomainAddressing) would make `x@frank.fastmail.com` an address of its own, no
 * longer frank's: a settings-change another admin approves once, after which frank alone invites it.
 *
 * R78-4 (low, in R78-1's fix): `%` or `!` declared a separator is never read as one: a routing is
 * read first (`frank%x@acme.io` is frank@x's), so frank alone invites an address the organization
 * declared his.
 */
import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Organization } from '../constructs/index.ts';
import { synthesize } from '../constructs/synthesize.ts';
import { parseOutput } from '../cli/output-read.ts';
import { proveOutput } from '../review/proof.ts';
import { baseSpec, judge, snapshotOf, user, type Spec } from './review/scenarios.ts';
import { TODAY } from './helpers.ts';

/** baseSpec with two admins (alice, frank at `frank`), dan a member, and `mailDomains` declared when given. */
function twoAdmins(frank = 'frank@acme.io', mailDomains?: unknown[]): Spec {
  const s = baseSpec();
  user(s, 'dan@acme.io').admin = false;
  user(s, 'frank@acme.io').email = frank;
  if (mailDomains) s.spec.identity = { mailDomains };
  return s;
}

/** frank alone invites `alias` with billing: the rules that refuse it (a declaration error's rule first). */
function franksInvite(base: Spec, alias: string): string[] {
  try {
    return judge(base, (h) => void (h.spec.invites = [{ email: alias, sso: true, billing: true, grants: [] }]), {
      actors: ['frank'],
    }).failed;
  } catch (e) {
    return [String(e).slice(0, 300)];
  }
}

const HYPHEN = [{ domains: ['acme.io'], subaddressSeparators: ['-'] }];
const ALIASES = [{ domains: ['acme.io', 'acme.com'] }];

describe("R78-1: the organization's own mail reads a subaddress on another separator, and its domain aliases as one", () => {
  it('attack: frank alone invites frank-x@acme.io, his own mailbox where acme.io splits on -', () => {
    expect(franksInvite(twoAdmins('frank@acme.io', HYPHEN), 'frank-x@acme.io')).toEqual(['self-edit']);
  });

  it('attack: frank alone invites frank@acme.com, his own mailbox where acme.com is an alias of acme.io', () => {
    expect(franksInvite(twoAdmins('frank@acme.io', ALIASES), 'frank@acme.com')).toEqual(['self-edit']);
    expect(franksInvite(twoAdmins('frank@acme.io', ALIASES), 'frank+x@acme.com')).toEqual(['self-edit']);
  });

  it("attack: member bob's pull request gives his own bob-ops@acme.io a grant, approved by alice", () => {
    const v = judge(
      twoAdmins('frank@acme.io', HYPHEN),
      (h) => {
        h.spec.users.push({ email: 'bob-ops@acme.io' });
        h.spec.grants.push({ user: 'bob-ops@acme.io', namespace: 'data', levels: ['r:full'] });
      },
      { actors: ['bob'], approvals: ['alice'] },
    );
    expect(v.failed).toEqual(['self-edit']);
  });

  it('self-edit says why, naming the setting', () => {
    const why = (base: Spec, alias: string) =>
      judge(base, (h) => void (h.spec.invites = [{ email: alias, sso: true, grants: [] }]), {
        actors: ['frank'],
      }).results.find((r) => r.rule === 'self-edit' && !r.ok)?.message;
    expect(why(twoAdmins('frank@acme.io', HYPHEN), 'frank-x@acme.io')).toContain(
      "frank-x@acme.io shares a mailbox with frank@acme.io, an author of this change (the organization's mail delivers name-tag@ to name@ (identity.mailDomains))",
    );
    expect(why(twoAdmins('frank@acme.io', ALIASES), 'frank@acme.com')).toContain(
      "(the organization's mail reads acme.com and acme.io as one (identity.mailDomains))",
    );
  });

  it("alice alone giving frank@acme.com r:secrets needs another admin's approval (admin-change-approval)", () => {
    const s = twoAdmins('frank@acme.io', ALIASES);
    s.spec.users.push({ email: 'frank@acme.com' });
    const v = judge(
      s,
      (h) => void h.spec.grants.push({ user: 'frank@acme.com', namespace: 'web', levels: ['r:secrets'] }),
      { actors: ['alice'] },
    );
    expect(v.failed).toEqual(['admin-change-approval']);
  });

  it("attack: the change declaring the aliasing away is judged by base's (and is a settings-change)", () => {
    const v = judge(
      twoAdmins('frank@acme.io', HYPHEN),
      (h) => {
        delete h.spec.identity;
        h.spec.invites = [{ email: 'frank-x@acme.io', sso: true, billing: true, grants: [] }];
      },
      { actors: ['frank'] },
    );
    expect(v.failed).toContain('self-edit');
    expect(v.failed).toContain('settings-change');
  });

  it("held: head declaring aliasing makes no address of base's another's in this change", () => {
    const v = judge(
      twoAdmins(),
      (h) => {
        h.spec.identity = { mailDomains: HYPHEN };
        h.spec.invites = [{ email: 'frank-x@acme.io', sso: true, billing: true, grants: [] }];
      },
      { actors: ['frank'] },
    );
    // Base declares no separator: frank-x is another person, and the setting itself needs another admin.
    expect(v.failed).toEqual(['settings-change']);
  });

  it('held: without the setting, and on other domains, a hyphen is part of a name', () => {
    expect(franksInvite(twoAdmins(), 'frank-x@acme.io')).toEqual([]);
    expect(franksInvite(twoAdmins('frank@acme.io', HYPHEN), 'frank-x@acme.com')).toEqual([]);
    expect(franksInvite(twoAdmins('frank@gmail.com', HYPHEN), 'frank-x@gmail.com')).toEqual([]);
    expect(franksInvite(twoAdmins('frank@acme.io', ALIASES), 'frank@acme.dev')).toEqual([]);
  });
});

describe('R78-1: identity.mailDomains, declared, written and read back', () => {
  it('is normalized (sorted, separators once) into the membership data, and proves itself', () => {
    const s = twoAdmins('frank@acme.io', [
      { domains: ['acme.io', 'acme.com'], subaddressSeparators: ['-', '_', '-'] },
      { domains: ['acme.dev'], subdomainAddressing: true },
    ]);
    expect(snapshotOf(s).org.mailDomains).toEqual([
      { domains: ['acme.com', 'acme.io'], subaddressSeparators: ['-', '_'] },
      { domains: ['acme.dev'], subdomainAddressing: true },
    ]);
    const app = new App();
    Organization.fromSpec(app, s, { today: TODAY });
    const r = synthesize(app, { today: TODAY, declaredIn: 'test' });
    const files = r.files.map((f) => ({ ...f, label: f.path }));
    const proof = proveOutput(files, parseOutput(files), TODAY);
    expect(proof.differences).toEqual([]);
    expect(proof.ok).toBe(true);
  });

  it('an organization without it writes no such field', () => {
    expect('mailDomains' in snapshotOf(twoAdmins()).org).toBe(false);
  });

  for (const [mailDomains, error] of [
    [
      [{ domains: ['gmail.com'] }],
      /"gmail\.com" is a mail provider's: orgctl reads its addresses as the provider delivers them/,
    ],
    [
      [{ domains: ['acme.io'] }, { domains: ['acme.io'] }],
      /mailDomains\[1\]\.domains\[0\]\).*"acme\.io" is declared twice/,
    ],
    [[{ domains: ['ACME.io'] }], /"ACME\.io" is not a domain \(lower-case letters/],
    [[{ domains: ['localhost'] }], /"localhost" is not a mail domain/],
    [[{ domains: ['acme.io'], subaddressSeparators: ['a'] }], /"a" is not a separator/],
    [[{ domains: ['acme.io'], subaddressSeparators: ['+'] }], /"\+" is not a separator/],
    // A routing is read before a subaddress (deliveredTo): frank%x@acme.io is frank@x's, not frank's (R78-4).
    [[{ domains: ['acme.io'], subaddressSeparators: ['%'] }], /"%" is not a separator/],
    [[{ domains: ['acme.io'], subaddressSeparators: ['!'] }], /"!" is not a separator/],
  ] as const)
    it(`refused where declared: ${JSON.stringify(mailDomains)}`, () => {
      expect(() => snapshotOf(twoAdmins('frank@acme.io', [...mailDomains]))).toThrow(error);
    });

  // A declared domain is read as written: one below a domain read by subdomain addressing would
  // make `x@frank.fastmail.com` its own address, no longer frank@fastmail.com's (the re-read's R78-3).
  for (const mailDomains of [
    [{ domains: ['frank.fastmail.com'] }],
    [{ domains: ['acme.io'], subdomainAddressing: true }, { domains: ['frank.acme.io'] }],
  ])
    it(`attack: declaring ${mailDomains.at(-1)!.domains[0]} would split what subdomain addressing reads as one: refused`, () => {
      expect(() => snapshotOf(twoAdmins('frank@fastmail.com', mailDomains))).toThrow(
        /is below .* whose subdomains are subdomain addressing/,
      );
    });

  it('a change of it is a settings-change, saying what it does', () => {
    const v = judge(twoAdmins(), (h) => void (h.spec.identity = { mailDomains: HYPHEN }), {
      actors: ['frank'],
      approvals: ['alice'],
    });
    const line = v.results.find((r) => r.rule === 'settings-change')?.message;
    expect(line).toContain('mailDomains [] → [acme.io, split on -]');
  });
});

describe("R78-2: Fastmail's subdomain addressing", () => {
  for (const [own, alias] of [
    ['frank@fastmail.com', 'x@frank.fastmail.com'],
    ['frank@fastmail.fm', 'x+y@frank.fastmail.fm'],
    ['frank+z@fastmail.com', 'ops@frank.fastmail.com'],
  ])
    it(`attack: frank (${own}) alone invites ${alias}, his own mailbox`, () => {
      expect(franksInvite(twoAdmins(own), alias)).toEqual(['self-edit']);
    });

  it("self-edit says Fastmail's reading", () => {
    const why = judge(
      twoAdmins('frank@fastmail.com'),
      (h) => void (h.spec.invites = [{ email: 'x@frank.fastmail.com', sso: true, grants: [] }]),
      { actors: ['frank'] },
    ).results.find((r) => r.rule === 'self-edit' && !r.ok)?.message;
    expect(why).toContain('(Fastmail delivers tag@name.domain to name@domain)');
  });

  it('a domain of its own hosted at Fastmail declares it', () => {
    const hosted = [{ domains: ['acme.io'], subdomainAddressing: true }];
    expect(franksInvite(twoAdmins('frank@acme.io', hosted), 'x@frank.acme.io')).toEqual(['self-edit']);
    expect(franksInvite(twoAdmins(), 'x@frank.acme.io')).toEqual([]);
  });

  it("held: another name's subdomain, and Fastmail's domains apart, are other mailboxes", () => {
    expect(franksInvite(twoAdmins('frank@fastmail.com'), 'frank@x.fastmail.com')).toEqual([]);
    expect(franksInvite(twoAdmins('frank@fastmail.com'), 'frank@fastmail.fm')).toEqual([]);
    expect(franksInvite(twoAdmins('frank@fastmail.com'), 'x@frank.y.fastmail.com')).toEqual([]);
  });
});

/*
 * R78 summary (red team R78, base 05a5c45).
 *
 * Closed: R78-1 (low) the organization's own mail, declared as identity.mailDomains and read from
 * base (domain aliases, separators beside `+`, subdomain addressing); R78-2 (low) Fastmail's
 * subdomain addressing on its fastmail.* domains; R78-3 and R78-4 (low, in R78-1's fix) a declared
 * domain below one read by subdomain addressing, and `%` or `!` declared a separator, refused.
 * Re-read: GMAIL and ONE_ACCOUNT made one table, PROVIDERS (model/mailbox.ts), same answers.
 *
 * What held:
 * - A change cannot declare its own aliasing: the rules read base's, in either direction (pinned),
 *   and changing it is a settings-change. Declaring a provider's domain is refused (orgctl reads it
 *   as built in), so a declaration never splits what a provider's reading makes one.
 * - Reading too many addresses as one person only asks for another admin: secondAdmin's paths
 *   with an admin read as concerned still need that admin's approval or another admin's.
 * - The setting round-trips: membership data, the proof's recovery (review/import.ts), the diff.
 *
 * Not done:
 * - Fastmail's other domains (sent.com and its other brands, about a hundred) are not listed: only
 *   fastmail.*. Nor its hyphen for an underscore in a subdomain (`x@joe-citizen.fastmail.fm` is
 *   joe_citizen's, fastmail.blog 2008), nor a hosted domain's older "drop" setting (blah@x.acme.io
 *   delivered to blah@acme.io): subdomainAddressing reads the default, tag@name.domain as name's.
 * - A separator holds on the declared domains only: `mary-jane@gmail.com` stays another mailbox
 *   (Gmail splits on `+` alone). Yahoo's disposable `base-keyword@` uses a base name chosen apart
 *   from the account's, so no reading of it says whose it is.
 */
