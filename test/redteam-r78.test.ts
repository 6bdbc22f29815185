/**
 * Red team R78 (base 05a5c45): people identity by mailbox, what R70 and R75 left open.
 *
 * R78-2 (low, R70-2's class): Fastmail's subdomain addressing: mail to
 * `whateveryoulike@username.domain.tld` is delivered to username@domain.tld ("it works the same as
 * plus addressing", on Fastmail's domains and on personal domains hosted there: Fastmail's help,
 * Plus addressing and subdomain addressing; fastmail.blog 2008-01-24: it is "transformed to
 * joecitizen+anything@fastmail.fm"). mailboxOf read `x@frank.fastmail.com` as another mailbox, so
 * frank alone invited it. Fastmail's own domains are built in; a domain of one's own hosted there
 * declares `subdomainAddressing`.
 */
import { describe, expect, it } from 'vitest';
import { baseSpec, judge, user, type Spec } from './review/scenarios.ts';

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

  it("held: another name's subdomain, and Fastmail's domains apart, are other mailboxes", () => {
    expect(franksInvite(twoAdmins('frank@fastmail.com'), 'frank@x.fastmail.com')).toEqual([]);
    expect(franksInvite(twoAdmins('frank@fastmail.com'), 'frank@fastmail.fm')).toEqual([]);
    expect(franksInvite(twoAdmins('frank@fastmail.com'), 'x@frank.y.fastmail.com')).toEqual([]);
  });
});
