/**
 * Red team R66 (base 3bb9c13): today's fixes attacked.
 *
 * R66-1 (medium, R62-1's class): one mailbox, two spellings of its domain. A domain in IDNA's ASCII
 * form (`xn--bcher-kva.de`) is the domain it decodes to (`bücher.de`): mail to either reaches one
 * mailbox. mailboxOf compared domains as written, so `frank+x@xn--bcher-kva.de`, a subaddress of
 * admin `frank@bücher.de`, was another person's mailbox: frank alone invited it with billing
 * (self-edit passed). lookalike-identity reads the two spellings as one only without the tag.
 *
 * Held (probed, no change): upper case (addresses compare lower-cased; `frank@ACME.IO` beside
 * frank is duplicate-user), quoted local parts and a domain's trailing dot (invalid-text refuses
 * both), `frank+x+y@` (first `+`), a token owned by frank's subaddress (self-edit names both the
 * user and the token), frank reactivating his deactivated subaddress (self-edit). The strict YAML
 * reader (R63-1) reads back every number orgctl writes: String of a finite number round-trips
 * through NUMBER and Number, and four generated organizations (2000 users, 400 namespaces, 20000
 * grants, 200 tokens; seeds 1, 7, 42, 99) synthesize with no number written at all, and prove
 * reads each (access seeds 1, 42, 99; who-can seed 7). R63-2's mark: a stale mark (a previous attempt's, read from
 * its comment) heads no summary on the attempt page the comment links (GITHUB_RUN_ATTEMPT), and
 * another run's head-engine writes on its own run's page. R65-2/afe7f91: the workflow passes no
 * --head-lock (--github reads head's lock at the pull request's commit), and base's lock is read as
 * npm reads it (a BOM stripped, an empty shrinkwrap none), so a legitimate upgrade is not refused.
 * R65-1/R65-4: with the boundary, its policy judges orgctl.io/ entries only on Namespaces (labels,
 * annotations) and ClusterRoles (labels); nothing else orgctl or its commands read is orgctl.io/.
 *
 * Not done: other providers' one mailbox under several domains (Proton's proton.me, protonmail.com,
 * pm.me; iCloud's icloud.com, me.com, mac.com; a company's domain aliases, which no rule can know),
 * unverified here; `%` routing (`frank%acme.io@acme.io`) and a `+` in a domain (`frank@acme.io+x`),
 * which invalid-text takes, though no mail system delivers the latter.
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
