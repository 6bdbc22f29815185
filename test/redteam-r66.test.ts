/**
 * Red team R66 (base 3bb9c13): today's fixes attacked.
 *
 * R66-1 (medium, R62-1's class): one mailbox, two spellings of its domain. A domain in IDNA's ASCII
 * form (`xn--bcher-kva.de`) is the domain it decodes to (`bücher.de`): mail to either reaches one
 * mailbox. mailboxOf compared domains as written, so `frank+x@xn--bcher-kva.de`, a subaddress of
 * admin `frank@bücher.de`, was another person's mailbox: frank alone invited it with billing
 * (self-edit passed). lookalike-identity reads the two spellings as one only without the tag.
 */
import { describe, expect, it } from 'vitest';
import { baseSpec, judge, user, type Spec } from './review/scenarios.ts';

/** baseSpec with two admins (alice, frank, frank's address `frank`): dan is a member. */
function twoAdmins(frank: string): Spec {
  const s = baseSpec();
  user(s, 'dan@acme.io').admin = false;
  user(s, 'frank@acme.io').email = frank;
  return s;
}

const failed = (v: ReturnType<typeof judge>, rule: string) => v.results.filter((r) => r.rule === rule && !r.ok);

/** frank, at `own`, alone invites `alias` with billing. */
const franksInvite = (own: string, alias: string) =>
  judge(
    twoAdmins(own),
    (h) => {
      h.spec.invites = [{ email: alias, sso: true, billing: true, grants: [] }];
    },
    { actors: ['frank'] },
  );

describe("R66-1: a domain in IDNA's ASCII form is the domain it decodes to, one mailbox", () => {
  for (const [own, alias] of [
    ['frank@bücher.de', 'frank+x@xn--bcher-kva.de'],
    ['frank@xn--bcher-kva.de', 'frank+x@bücher.de'],
  ])
    it(`attack: frank (${own}) alone invites ${alias}, his own mailbox`, () => {
      const v = franksInvite(own, alias);
      expect(v.ok).toBe(false);
      expect(failed(v, 'self-edit').map((r) => r.message)).toEqual([
        `${alias} shares a mailbox with ${own}, an author of this change (a subaddress name+tag@ is delivered to name@; a domain in IDNA's ASCII form is the domain it decodes to), and changes their own privileges: is invited (billing). An admin who is not an author of it must make this change.`,
      ]);
    });

  it('held: another domain, IDNA or not, is another mailbox', () => {
    expect(failed(franksInvite('frank@bücher.de', 'frank+x@xn--bcher-kva.com'), 'self-edit')).toHaveLength(0);
    expect(failed(franksInvite('frank@bücher.de', 'frank+x@bucher.de'), 'self-edit')).toHaveLength(0);
  });
});
